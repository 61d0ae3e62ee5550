/* hetbench — kernel descriptors and the host-side problem layouts (public API).
 *
 * A kernel descriptor owns everything about a standardized workload that does not depend on
 * where it runs: sizes, operation and byte counts (with the formula), the seeded input
 * generator, and the verification rule. Implementations (platform.h) run it on a device.
 */
#ifndef HETBENCH_KERNEL_H
#define HETBENCH_KERNEL_H

#include "hetbench/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hb_category { HB_CAT_HPC = 0, HB_CAT_AI, HB_CAT_MEMORY, HB_CAT_LATENCY } hb_category;

const char *hb_category_name(hb_category c);

/* What a rate is computed from: operations (GFLOP/s, GOP/s) or bytes (GB/s). */
typedef enum hb_rate_basis { HB_RATE_OPS = 0, HB_RATE_BYTES = 1 } hb_rate_basis;

/* Suites pick sizes through this context. */
typedef enum hb_suite { HB_SUITE_QUICK = 0, HB_SUITE_NODE = 1 } hb_suite;

typedef struct hb_size_ctx {
    hb_suite suite;
    uint64_t llc_bytes_total; /* sum of all last-level caches of the device (0 = unknown) */
    uint64_t mem_bytes;       /* device memory */
    double mem_fraction;      /* share of memory a memory-sized kernel may use */
    int cores;
} hb_size_ctx;

/* ---- Host-side problem layouts (all matrices column-major). Implementations read the inputs
   and must leave the result in the output buffer by the end of their finish() call. ---- */

/* gemm: C = A·B. Element types by variant: f64 double; f32/tf32 float; f16/bf16 uint16_t bit
   patterns in, float out; i8 int8_t in, int32_t out. */
typedef struct hb_gemm_data {
    const void *A; /* m x k, lda = m */
    const void *B; /* k x n, ldb = k */
    void *C;       /* m x n, ldc = m (output) */
} hb_gemm_data;

/* lu: solve A x = b in f64 (HPL-like). A and b are never modified by implementations. */
typedef struct hb_lu_data {
    const double *A; /* n x n, lda = n */
    const double *b; /* n */
    double *x;       /* n (output) */
} hb_lu_data;

/* stream: arrays of n elements of the variant's type; op: 0 copy c=a, 1 scale b=s·c,
   2 add c=a+b, 3 triad a=b+s·c (STREAM's operations). Each op has its own fresh inputs so
   that it is idempotent and can be verified after any number of repetitions. */
typedef struct hb_stream_data {
    void *a, *b, *c;
    double scalar;
} hb_stream_data;

enum { HB_STREAM_COPY = 0, HB_STREAM_SCALE, HB_STREAM_ADD, HB_STREAM_TRIAD };

struct hb_kernel;

/* One problem instance on the host: inputs generated from the seed, outputs allocated. */
typedef struct hb_problem {
    const struct hb_kernel *kernel;
    hb_variant variant;
    int op; /* sub-operation index (stream), else 0 */
    hb_size size;
    uint64_t seed;
    void *data; /* hb_gemm_data, hb_lu_data, hb_stream_data ... */
    void *priv; /* kernel descriptor's private state */
} hb_problem;

typedef struct hb_verification {
    const char *metric_name; /* e.g. "freivalds_rel_err", "hpl_scaled_residual" */
    double metric;
    double threshold; /* pass when metric <= threshold (or < for HPL) */
    int passed;
    char detail[256]; /* what was checked, e.g. "2 random vectors + 256 sampled entries" */
} hb_verification;

typedef struct hb_kernel {
    const char *name;
    const char *description;
    hb_category category;
    uint32_t variants;      /* HB_VARIANT_BIT mask */
    const char *const *ops; /* sub-operation names, NULL when the kernel has one */
    int nops;
    int size_dims; /* 3: the size is m x n x k; 1: the size is n */
    hb_rate_basis rate_basis;

    /* Default size for a suite. */
    hb_status (*default_size)(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out);
    /* Standard counts for one execution, and the formulas as text for the result. */
    double (*op_count)(hb_variant v, int op, const hb_size *s);
    const char *op_formula;
    double (*byte_count)(hb_variant v, int op, const hb_size *s);
    const char *byte_formula;
    /* Unit of the rate for a variant ("GFLOP/s", "GOP/s", "GB/s"). */
    const char *(*rate_unit)(hb_variant v);

    /* Allocate and fill (seeded, never constant, never zero-filled) the problem. The caller has
       set kernel, variant, op, size and seed. Pages are first touched by the calling thread team.
     */
    hb_status (*setup)(hb_problem *p, char *err, size_t errlen);
    /* Check the output against the host reference. */
    hb_status (*verify)(const hb_problem *p, hb_verification *v);
    /* Tests only: damage the output slightly (one element) so that verify must fail. */
    void (*corrupt)(hb_problem *p);
    void (*teardown)(hb_problem *p);
} hb_kernel;

#ifdef __cplusplus
}
#endif
#endif
