/* hetbench — the OpenCL platform's internal interface, shared by the platform glue
 * (platforms/opencl/opencl.c) and the OpenCL implementations that live beside their kernels
 * (kernels/<kernel>/<kernel>_ocl.c, with the OpenCL C source in kernels/<kernel>/<kernel>.cl).
 *
 * Every platform and device the ICD loader lists is a hetbench device "opencl:P.D". A device
 * gets one context and one in-order queue with profiling enabled, created at platform init.
 * Programs are built once per (device, source, options) and cached: build time is never in a
 * timed window. Timing comes from profiling events (hb_impl.device_seconds), cross-checked
 * by the runner against the host clock.
 */
#ifndef HB_OCL_H
#define HB_OCL_H

#ifndef CL_TARGET_OPENCL_VERSION /* a file that includes CLBlast's header first sets it */
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <pthread.h>
#include <stddef.h>

#include "hetbench/platform.h"

/* A device-side failure (OpenCL error, program build failure). status.h has no code of its
   own for it: it is the runtime error, which the runner turns into an `error` record. */
#ifndef HB_E_DEVICE
#define HB_E_DEVICE HB_E_RUNTIME
#endif

typedef struct hb__ocl_program_entry hb__ocl_program_entry;

typedef struct hb__ocl_device {
    cl_platform_id platform;
    cl_device_id device;
    cl_context context;     /* one per device */
    cl_command_queue queue; /* in order, CL_QUEUE_PROFILING_ENABLE */
    int platform_index, device_index;
    char name[128], vendor[64], platform_name[128], version[64], driver[64], c_version[64];
    char extensions[4096];
    cl_device_type type;
    int has_fp64, has_fp16,
        has_int8_dot; /* cl_khr_fp64 / cl_khr_fp16 / cl_khr_integer_dot_product */
    cl_uint compute_units, clock_mhz, vendor_id;
    cl_ulong global_mem, local_mem, max_alloc;
    size_t max_wg;
    double timer_resolution; /* s, CL_DEVICE_PROFILING_TIMER_RESOLUTION */
    char pci_bus_id[32];     /* "dddd:bb:dd.f" from cl_khr_pci_bus_info, else "" */
    pthread_mutex_t lock;    /* guards the program cache */
    hb__ocl_program_entry *programs;
} hb__ocl_device;

/* The OpenCL device behind a hetbench device of the "opencl" platform (NULL otherwise). */
hb__ocl_device *hb__ocl_dev(const hb_device *d);

/* "CL_OUT_OF_RESOURCES" for -5, "CL_INVALID_KERNEL_ARGS", ...; "CL error -9999" if unknown. */
const char *hb__ocl_error_name(cl_int e);

/* Formats "<what>: CL_OUT_OF_RESOURCES (-5)" into err; returns HB_E_DEVICE (or HB_SKIPPED
   for CL_MEM_OBJECT_ALLOCATION_FAILURE / CL_OUT_OF_RESOURCES at allocation when `alloc`). */
hb_status hb__ocl_fail(cl_int e, const char *what, char *err, size_t n);

/* The embedded OpenCL C source of a kernel ("stream", "gemm", "lu", "peak", "latency", ...),
   generated at build time from kernels/<name>/<name>.cl; NULL if there is none. */
const char *hb__ocl_source(const char *name);

/* The program built from embedded source `name` with `options` for this device, built on
   first use and cached. A build failure returns HB_E_DEVICE with "program '<name>' failed to
   build on <device>: <the first lines of the build log>" in err (the runner makes it an
   `error` record). `extra_source`, when non-NULL, replaces the embedded source (tests use it
   to feed a kernel that does not compile). */
hb_status hb__ocl_program(hb__ocl_device *od, const char *name, const char *options,
                          const char *extra_source, cl_program *out, char *err, size_t n);

/* Seconds between CL_PROFILING_COMMAND_START and _END of a completed event (< 0 on error). */
double hb__ocl_event_seconds(cl_event e);

/* Buffer helpers: create (returns HB_SKIPPED with the reason when larger than the device's
   CL_DEVICE_MAX_MEM_ALLOC_SIZE or its global memory), blocking write and read. */
hb_status hb__ocl_buffer(hb__ocl_device *od, cl_mem_flags flags, size_t bytes, cl_mem *out,
                         char *err, size_t n);
hb_status hb__ocl_write(hb__ocl_device *od, cl_mem buf, const void *src, size_t bytes, char *err,
                        size_t n);
hb_status hb__ocl_read(hb__ocl_device *od, cl_mem buf, void *dst, size_t bytes, char *err,
                       size_t n);

/* The tiled GEMM's tile parameters TM, TN, TK, WM, WN, VW for (device, variant), chosen by the
   gemm tile search on first use and cached (kernels/gemm/gemm_ocl.c); detail, when non-NULL,
   receives the search's description. The LU's trailing update is built with them. */
hb_status hb__gemm_ocl_tiles(hb__ocl_device *od, hb_variant v, int tiles[6], const char **detail,
                             char *err, size_t n);
/* The order N of the tile search's N³ problem on a device of this many compute units. */
int hb__gemm_ocl_search_n(unsigned compute_units);
/* The search's candidate table (TM, TN, TK, WM, WN, VW for 4-byte elements): fills up to max
   rows, returns how many there are. Tests force each in turn with HB_GEMM_OCL_TILES, after
   hb__gemm_ocl_forget_tiles() empties the cache of chosen tiles (no measurement may hold one). */
int hb__gemm_ocl_candidates(int (*out)[6], int max);
void hb__gemm_ocl_forget_tiles(void);
/* 1 when a table row (as above, before f64's halving of VW) fits the device for variant v. */
int hb__gemm_ocl_tiles_fit(const hb__ocl_device *od, const int tiles[6], hb_variant v);

/* Implementations registered by the OpenCL platform (defined beside their kernels). */
extern const hb_impl hb__stream_ocl_base;
extern const hb_impl hb__gemm_ocl_base;
extern const hb_impl hb__peak_ocl_base, hb__transfer_ocl_base, hb__latency_ocl_base;
extern const hb_impl hb__gemm_ocl_peak;                /* CLBlast; only when built with it */
extern const hb_impl hb__lu_ocl_base, hb__lu_ocl_peak; /* peak: none (no OpenCL LAPACK) */
/* Tests only: in the next run() of an hb__lu_ocl_base state, the launch-th kernel (1-based)
   fails to enqueue with `code` instead of being enqueued (fault injection). */
void hb__lu_ocl_fail_at(void *state, long launch, cl_int code);

const hb_platform *hb__opencl_platform(void);

#endif
