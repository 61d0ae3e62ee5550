/* hetbench tests — OpenCL fault injection by LD_PRELOAD.
 *
 * Real drivers fail in ways PoCL never does on a healthy machine: CL_OUT_OF_RESOURCES from a
 * launch (too many registers, a watchdog-killed kernel on NVIDIA), a lost device (every later
 * call fails). This library sits in front of the ICD loader and makes chosen calls fail, so
 * the tests can check that each failure becomes an `error` record naming the CL error and
 * that the run goes on with the next measurement.
 *
 * Environment:
 *   HB_FAULT_CALL    enqueue (clEnqueueNDRangeKernel) or wait (clWaitForEvents and clFinish)
 *   HB_FAULT_ERROR   the cl_int to return (e.g. -5 = CL_OUT_OF_RESOURCES)
 *   HB_FAULT_KERNEL  enqueue only: fail only launches of kernels whose name contains this
 *   HB_FAULT_AFTER   let this many matching calls succeed first (default 0)
 *   HB_FAULT_FROM    arm the fault only once a kernel whose name contains this is enqueued
 *   HB_FAULT_STICKY  1: once the first fault fires, every later matching call fails too (a
 *                    lost device), whatever the kernel
 * Without HB_FAULT_CALL the library passes every call through. */
#define _GNU_SOURCE
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef cl_int (*enqueue_fn)(cl_command_queue, cl_kernel, cl_uint, const size_t *, const size_t *,
                             const size_t *, cl_uint, const cl_event *, cl_event *);
typedef cl_int (*wait_fn)(cl_uint, const cl_event *);
typedef cl_int (*finish_fn)(cl_command_queue);

static atomic_long matched;
static atomic_int fired, armed;

static const char *env(const char *k) {
    const char *v = getenv(k);
    return v && *v ? v : NULL;
}

/* 1 when this matching call must fail */
static int should_fail(const char *call, cl_kernel k) {
    const char *want = env("HB_FAULT_CALL");
    if (!want || strcmp(want, call) != 0) return 0;
    if (env("HB_FAULT_FROM") && !atomic_load(&armed)) return 0;
    if (env("HB_FAULT_STICKY") && atomic_load(&fired)) return 1;
    const char *kname = env("HB_FAULT_KERNEL");
    if (kname && k) {
        char name[256] = "";
        clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof name - 1, name, NULL);
        if (!strstr(name, kname)) return 0;
    }
    long after = env("HB_FAULT_AFTER") ? atol(env("HB_FAULT_AFTER")) : 0;
    if (atomic_fetch_add(&matched, 1) < after) return 0;
    atomic_store(&fired, 1);
    return 1;
}

static cl_int fault_code(void) {
    return env("HB_FAULT_ERROR") ? (cl_int)atoi(env("HB_FAULT_ERROR")) : CL_OUT_OF_RESOURCES;
}

CL_API_ENTRY cl_int CL_API_CALL clEnqueueNDRangeKernel(cl_command_queue q, cl_kernel k, cl_uint dim,
                                                       const size_t *off, const size_t *g,
                                                       const size_t *l, cl_uint nw,
                                                       const cl_event *wl, cl_event *ev) {
    static enqueue_fn real;
    if (!real) real = (enqueue_fn)dlsym(RTLD_NEXT, "clEnqueueNDRangeKernel");
    const char *from = env("HB_FAULT_FROM");
    if (from && !atomic_load(&armed)) {
        char name[256] = "";
        clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof name - 1, name, NULL);
        if (strstr(name, from)) atomic_store(&armed, 1);
    }
    if (should_fail("enqueue", k)) return fault_code();
    return real(q, k, dim, off, g, l, nw, wl, ev);
}

CL_API_ENTRY cl_int CL_API_CALL clWaitForEvents(cl_uint n, const cl_event *evs) {
    static wait_fn real;
    if (!real) real = (wait_fn)dlsym(RTLD_NEXT, "clWaitForEvents");
    cl_int e = real(n, evs); /* the work still completes: only the status is damaged */
    if (e == CL_SUCCESS && should_fail("wait", NULL)) return fault_code();
    return e;
}

CL_API_ENTRY cl_int CL_API_CALL clFinish(cl_command_queue q) {
    static finish_fn real;
    if (!real) real = (finish_fn)dlsym(RTLD_NEXT, "clFinish");
    cl_int e = real(q);
    if (e == CL_SUCCESS && should_fail("wait", NULL)) return fault_code();
    return e;
}
