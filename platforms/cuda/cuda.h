/* hetbench — the CUDA platform's internal interface, shared by the platform glue
 * (platforms/cuda/cuda.c), the vendor-library implementations (platforms/cuda/peak_cublas.c,
 * lu_cusolver.c) and the CUDA implementations that live beside their kernels
 * (kernels/<kernel>/<kernel>_cuda.c, with the device code in kernels/<kernel>/<kernel>.cu).
 *
 * Every GPU the CUDA runtime lists is a hetbench device "cuda:N" (N = the CUDA ordinal, so
 * CUDA_VISIBLE_DEVICES applies). No driver or no GPU is not an error: the platform registers
 * with 0 devices and says why in its platform properties ("status").
 *
 * A device's CUDA context, its stream (non-blocking, so nothing else serialises with it) and
 * the library handles are created on first use, in an implementation's setup (never in a
 * timed run). Timing: a pair of CUDA events around the work on that stream
 * (hb_impl.device_seconds), cross-checked by the runner against the host clock.
 */
#ifndef HB_CUDA_H
#define HB_CUDA_H

#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>
#include <pthread.h>
#include <stddef.h>

#include "hetbench/platform.h"

typedef struct hb__cuda_device {
    int ordinal;
    char name[128];
    int cc_major, cc_minor;
    int sm_count, clock_khz, mem_clock_khz, bus_width, l2_bytes, ecc, integrated, async_engines;
    int timeout; /* a display watchdog limits kernel run time */
    size_t total_mem, smem_per_sm, smem_optin;
    char pci_bus_id[32]; /* "dddd:bb:dd.0", what the NVML meter matches */
    char uuid[48];
    unsigned pci_ids; /* device id << 16 | vendor id */

    pthread_mutex_t lock; /* guards the lazily created members below */
    int ready;            /* context + stream created */
    cudaStream_t stream;
    cublasHandle_t cublas;
    cublasLtHandle_t cublaslt;
    cusolverDnHandle_t cusolver;
} hb__cuda_device;

/* The CUDA device behind a hetbench device of the "cuda" platform (NULL otherwise). */
hb__cuda_device *hb__cuda_dev(const hb_device *d);

/* "cudaErrorMemoryAllocation (2): out of memory" */
void hb__cuda_error_text(cudaError_t e, char *out, size_t n);
/* "CUBLAS_STATUS_NOT_SUPPORTED (15)", "CUSOLVER_STATUS_INVALID_VALUE (3)" */
void hb__cublas_status_text(cublasStatus_t s, char *out, size_t n);
void hb__cusolver_status_text(cusolverStatus_t s, char *out, size_t n);

/* Formats "<what> on <device>: <error text>" into err (when err) and notes it on the thread
   (hb__note_error) so that the runner's record names it; clears the runtime's last error
   (non-sticky ones). Returns HB_E_RUNTIME. */
hb_status hb__cuda_fail(const hb__cuda_device *cd, cudaError_t e, const char *what, char *err,
                        size_t n);
hb_status hb__cublas_fail(const hb__cuda_device *cd, cublasStatus_t s, const char *what, char *err,
                          size_t n);
hb_status hb__cusolver_fail(const hb__cuda_device *cd, cusolverStatus_t s, const char *what,
                            char *err, size_t n);

/* Makes the device current on the calling thread and creates its context and stream on first
   use (untimed: setup). */
hb_status hb__cuda_use(hb__cuda_device *cd, char *err, size_t n);
/* The library handles of the device, created on first use, bound to its stream. */
hb_status hb__cuda_cublas(hb__cuda_device *cd, cublasHandle_t *out, char *err, size_t n);
hb_status hb__cuda_cublaslt(hb__cuda_device *cd, cublasLtHandle_t *out, char *err, size_t n);
hb_status hb__cuda_cusolver(hb__cuda_device *cd, cusolverDnHandle_t *out, char *err, size_t n);

/* Device memory: HB_SKIPPED with the reason when `bytes` exceed what the device has free (a
   size limit, not a failure), HB_E_RUNTIME on other errors. hb__cuda_free accepts NULL. */
hb_status hb__cuda_alloc(hb__cuda_device *cd, size_t bytes, void **out, const char *what, char *err,
                         size_t n);
void hb__cuda_free(void *p);
/* Copies on the device's stream, waited for (untimed parts: setup, reset, finish). */
hb_status hb__cuda_h2d(hb__cuda_device *cd, void *dst, const void *src, size_t bytes, char *err,
                       size_t n);
hb_status hb__cuda_d2h(hb__cuda_device *cd, void *dst, const void *src, size_t bytes, char *err,
                       size_t n);

/* A pair of events bracketing one run on the device's stream. */
typedef struct hb__cuda_timer {
    cudaEvent_t start, stop;
    int valid; /* both recorded and completed */
} hb__cuda_timer;
hb_status hb__cuda_timer_create(hb__cuda_device *cd, hb__cuda_timer *t, char *err, size_t n);
void hb__cuda_timer_destroy(hb__cuda_timer *t);
/* Records the start event (valid = 0). */
cudaError_t hb__cuda_timer_start(hb__cuda_device *cd, hb__cuda_timer *t);
/* Records the stop event and waits for it; valid = 1 on success. */
cudaError_t hb__cuda_timer_stop(hb__cuda_device *cd, hb__cuda_timer *t);
/* Seconds between the events of the last completed run; < 0 when there is none or the run was
   shorter than the events can tell. */
double hb__cuda_timer_seconds(const hb__cuda_timer *t);

/* Implementations registered by the CUDA platform (defined beside their kernels, and the
   vendor-library ones in platforms/cuda). */
extern const hb_impl hb__stream_cuda_base;
extern const hb_impl hb__gemm_cuda_base;
extern const hb_impl hb__peak_cuda_base;
extern const hb_impl hb__transfer_cuda_base;
extern const hb_impl hb__latency_cuda_base;
extern const hb_impl hb__gemm_cuda_peak; /* cuBLAS / cuBLASLt */
extern const hb_impl hb__lu_cuda_peak;   /* cuSOLVER */
extern const hb_impl hb__lu_cuda_base;   /* "none": says that there is no CUDA LU of our own */

const hb_platform *hb__cuda_platform(void);

#endif
