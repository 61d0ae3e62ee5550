/* hetbench — the versioned platform interface (public ABI).
 *
 * A platform finds devices and brings implementations of kernels for them. The built-in CPU
 * platform registers through exactly this table; a vendor plugin is a shared object found on
 * HETBENCH_PLUGIN_PATH that exports
 *
 *     const hb_platform *hetbench_platform_entry(void);
 *
 * and is rejected when its abi_version differs from HB_PLATFORM_ABI.
 */
#ifndef HETBENCH_PLATFORM_H
#define HETBENCH_PLATFORM_H

#include "hetbench/kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 2: hb_impl gained device_seconds (device timers: OpenCL profiling events, CUDA events).
   3: hb_impl gained last_error (why the last reset/run/finish failed, for the record). */
#define HB_PLATFORM_ABI 3u
#define HB_PLATFORM_ENTRY_SYMBOL "hetbench_platform_entry"

#define HB_MAX_PROPS 32

/* A device property for `info` and results: key, text value, and a number when it has one. */
typedef struct hb_prop {
    char key[48];
    char value[160];
    double number; /* valid when is_number */
    int is_number;
} hb_prop;

typedef struct hb_device_info {
    char id[48];    /* "cpu:0", "opencl:0.1" — filled by the harness */
    char name[128]; /* marketing / model name */
    char vendor[64];
    char type[16]; /* "cpu", "gpu", "accelerator" */
    int compute_units;
    uint64_t mem_bytes;
    uint64_t llc_bytes_total;
    hb_prop props[HB_MAX_PROPS];
    int nprops;
} hb_device_info;

/* Settings the harness passes to platforms at init. */
typedef struct hb_platform_config {
    int threads; /* CPU threads requested (0 = platform default) */
    int bind;    /* 1: bind threads to cores */
    int quiet;
} hb_platform_config;

struct hb_device;

/* One implementation of one kernel on one platform. The runner calls, per measurement:
   supports → setup → { reset → run → finish → verify } once → warm-up → timed { reset, run }
   (only run is timed) → finish → verify again → teardown. */
typedef struct hb_impl {
    const char *kernel; /* kernel name */
    hb_impl_kind kind;  /* base or peak */
    const char *name;   /* "hetbench", "cblas", "lapacke", "clblast" ... */
    uint32_t variants;  /* HB_VARIANT_BIT mask of what it may support */

    /* HB_OK, or HB_UNSUPPORTED / HB_SKIPPED with the reason in why. Optional (NULL = OK). */
    hb_status (*supports)(const struct hb_device *d, const hb_problem *p, char *why, size_t n);
    hb_status (*setup)(const struct hb_device *d, hb_problem *p, void **state, char *err, size_t n);
    hb_status (*reset)(void *state);  /* optional; untimed, before every run */
    hb_status (*run)(void *state);    /* the timed part; returns when the work is complete */
    hb_status (*finish)(void *state); /* optional; make the output visible in p->data */
    void (*teardown)(void *state);
    /* Optional: what exactly ran (library + version, micro-kernel, block sizes). */
    const char *(*detail)(void *state);
    /* Optional: the device's own time of the last run() in seconds (OpenCL profiling events,
       CUDA events), or < 0 when it has none. When present, the runner times with it and
       cross-checks it against the host clock around run(). */
    double (*device_seconds)(void *state);
    /* Optional: why the last reset/run/finish that did not return HB_OK failed, e.g. the
       device API's error name and code ("hipErrorLaunchFailure (719) from hipStreamSynchronize").
       The runner puts it in the record's reason; NULL or "" when there is nothing to add. The
       text must stay valid until the next call on this state. */
    const char *(*last_error)(void *state);
} hb_impl;

typedef struct hb_platform {
    uint32_t abi_version; /* HB_PLATFORM_ABI */
    const char *name;     /* "cpu", "opencl", "cuda", or the plugin's */
    const char *version;

    hb_status (*init)(void **ctx, const hb_platform_config *cfg, char *err, size_t n);
    void (*fini)(void *ctx);
    int (*device_count)(void *ctx);
    hb_status (*device_info)(void *ctx, int index, hb_device_info *out);
    /* Optional: platform-wide facts for `info` (library versions, binding policy ...). */
    int (*platform_props)(void *ctx, hb_prop *props, int max);

    const hb_impl *impls;
    size_t nimpls;
} hb_platform;

/* A device as the harness sees it. */
typedef struct hb_device {
    const hb_platform *platform;
    void *pctx;
    int index;
    hb_device_info info;
} hb_device;

#ifdef __cplusplus
}
#endif
#endif
