/* Peer for scripts/bench-opencl: CLBlast's GEMM called directly on an OpenCL device, timed the
 * way hetbench times OpenCL (one untimed run, one warm-up, then repetitions until >= MIN_TIME
 * and >= 5, each timed by the host clock around the call and its wait, as hetbench times
 * CLBlast — CLBlast hands the caller's event to its last kernel only, so the event time is
 * also printed but is not the figure). Same data range as hetbench ([-1, 1)), column-major,
 * no transposes.
 *   usage: peer_clblast f64|f32 N MIN_TIME [PLATFORM DEVICE]
 * prints: GFLOPS <median host-timed rate> event_GFLOPS <median of the last event> reps <count> */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define CHECK(call)                                                                                \
    do {                                                                                           \
        cl_int e_ = (call);                                                                        \
        if (e_ != CL_SUCCESS) {                                                                    \
            fprintf(stderr, "peer_clblast: %s failed: %d\n", #call, (int)e_);                      \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

int main(int argc, char **argv) {
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: peer_clblast f64|f32 N MIN_TIME [PLATFORM DEVICE]\n");
        return 2;
    }
    int dbl = strcmp(argv[1], "f64") == 0;
    size_t n = (size_t)atol(argv[2]);
    double min_time = atof(argv[3]);
    int pi = argc == 6 ? atoi(argv[4]) : 0, di = argc == 6 ? atoi(argv[5]) : 0;

    cl_platform_id plats[16];
    cl_uint np = 0;
    CHECK(clGetPlatformIDs(16, plats, &np));
    if (pi >= (int)np) return fprintf(stderr, "peer_clblast: no platform %d\n", pi), 1;
    cl_device_id devs[16];
    cl_uint nd = 0;
    CHECK(clGetDeviceIDs(plats[pi], CL_DEVICE_TYPE_ALL, 16, devs, &nd));
    if (di >= (int)nd) return fprintf(stderr, "peer_clblast: no device %d\n", di), 1;
    cl_device_id dev = devs[di];
    cl_int e;
    cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &e);
    CHECK(e);
    cl_command_queue q = clCreateCommandQueue(ctx, dev, CL_QUEUE_PROFILING_ENABLE, &e);
    CHECK(e);

    size_t es = dbl ? 8 : 4, nn = n * n;
    void *h = malloc(nn * es);
    if (!h) return 1;
    srand(42);
    cl_mem buf[3];
    for (int b = 0; b < 3; b++) {
        for (size_t i = 0; i < nn; i++) {
            double r = b == 2 ? 0.5 : 2.0 * rand() / RAND_MAX - 1.0;
            if (dbl)
                ((double *)h)[i] = r;
            else
                ((float *)h)[i] = (float)r;
        }
        buf[b] = clCreateBuffer(ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, nn * es, h, &e);
        CHECK(e);
    }
    free(h);

    static double samples[10000], evs[10000];
    int reps = 0;
    double total = 0;
    for (int it = -2; reps < 10000; it++) {
        cl_event ev = NULL;
        CLBlastStatusCode s;
        struct timespec h0, h1;
        clock_gettime(CLOCK_MONOTONIC, &h0);
        if (dbl)
            s = CLBlastDgemm(CLBlastLayoutColMajor, CLBlastTransposeNo, CLBlastTransposeNo, n, n, n,
                             1.0, buf[0], 0, n, buf[1], 0, n, 0.0, buf[2], 0, n, &q, &ev);
        else
            s = CLBlastSgemm(CLBlastLayoutColMajor, CLBlastTransposeNo, CLBlastTransposeNo, n, n, n,
                             1.0f, buf[0], 0, n, buf[1], 0, n, 0.0f, buf[2], 0, n, &q, &ev);
        if (s != CLBlastSuccess) {
            fprintf(stderr, "peer_clblast: CLBlast%cgemm: status %d\n", dbl ? 'D' : 'S', (int)s);
            return 1;
        }
        CHECK(clWaitForEvents(1, &ev));
        clock_gettime(CLOCK_MONOTONIC, &h1);
        double th = (double)(h1.tv_sec - h0.tv_sec) + 1e-9 * (double)(h1.tv_nsec - h0.tv_nsec);
        cl_ulong t0 = 0, t1 = 0;
        CHECK(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL));
        CHECK(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL));
        clReleaseEvent(ev);
        double t = 1e-9 * (double)(t1 - t0);
        if (it < 0) continue; /* untimed first run (kernel compilation) + warm-up, as hetbench */
        evs[reps] = t;
        samples[reps++] = th;
        total += th;
        if (reps >= 5 && total >= min_time) break;
    }
    qsort(samples, reps, sizeof *samples, cmp);
    qsort(evs, reps, sizeof *evs, cmp);
    double med = reps % 2 ? samples[reps / 2] : 0.5 * (samples[reps / 2 - 1] + samples[reps / 2]);
    double emed = reps % 2 ? evs[reps / 2] : 0.5 * (evs[reps / 2 - 1] + evs[reps / 2]);
    double flop = 2.0 * (double)n * (double)n * (double)n;
    printf("GFLOPS %.3f event_GFLOPS %.3f reps %d\n", flop / med * 1e-9, flop / emed * 1e-9, reps);
    for (int b = 0; b < 3; b++) clReleaseMemObject(buf[b]);
    clReleaseCommandQueue(q);
    clReleaseContext(ctx);
    return 0;
}
