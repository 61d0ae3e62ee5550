/* Peer for scripts/bench-peers: the CBLAS provider's GEMM called directly, timed the way
 * hetbench times (one untimed run, one warm-up, then repetitions until >= MIN_TIME and >= 5;
 * the median is reported). Same random data range as hetbench ([-1, 1)).
 *   usage: peer_blas f64|f32 N MIN_TIME
 * prints: GFLOPS <median rate> */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: peer_blas f64|f32 N MIN_TIME\n");
        return 2;
    }
    int dbl = strcmp(argv[1], "f64") == 0;
    int n = atoi(argv[2]);
    double min_time = atof(argv[3]);
    size_t es = dbl ? 8 : 4, nn = (size_t)n * n;
    void *A = aligned_alloc(64, nn * es), *B = aligned_alloc(64, nn * es),
         *C = aligned_alloc(64, nn * es);
    srand(42);
    for (size_t i = 0; i < nn; i++) {
        double a = 2.0 * rand() / RAND_MAX - 1.0, b = 2.0 * rand() / RAND_MAX - 1.0;
        if (dbl)
            ((double *)A)[i] = a, ((double *)B)[i] = b, ((double *)C)[i] = 0.5;
        else
            ((float *)A)[i] = (float)a, ((float *)B)[i] = (float)b, ((float *)C)[i] = 0.5f;
    }
    double samples[10000];
    int reps = 0;
    double total = 0;
    for (int it = -2; reps < 10000; it++) {
        double t0 = now();
        if (dbl)
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, A, n, B, n, 0.0, C,
                        n);
        else
            cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A, n, B, n, 0.0f,
                        C, n);
        double t = now() - t0;
        if (it < 0) continue; /* untimed first run + warm-up, as hetbench */
        samples[reps++] = t;
        total += t;
        if (reps >= 5 && total >= min_time) break;
    }
    qsort(samples, reps, sizeof *samples, cmp);
    double med = reps % 2 ? samples[reps / 2] : 0.5 * (samples[reps / 2 - 1] + samples[reps / 2]);
    printf("GFLOPS %.3f reps %d\n", 2.0 * n * (double)n * n / med * 1e-9, reps);
    free(A), free(B), free(C);
    return 0;
}
