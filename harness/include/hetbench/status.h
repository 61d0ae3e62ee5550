/* hetbench — status codes, precisions and common small types (public API). */
#ifndef HETBENCH_STATUS_H
#define HETBENCH_STATUS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every fallible function returns an hb_status: 0 success, negative an error, positive
   "not an error, but no number" (the thing is unsupported here, or was skipped). */
typedef enum hb_status {
    HB_OK = 0,
    HB_E_INVALID = -1,     /* bad argument or bad input */
    HB_E_NOMEM = -2,       /* allocation failed (host or device) */
    HB_E_IO = -3,          /* file could not be read or written */
    HB_E_RUNTIME = -4,     /* a device, library or sensor failed */
    HB_E_ABI = -5,         /* a plugin of another ABI version */
    HB_E_INTERRUPTED = -6, /* SIGINT / SIGTERM arrived */
    HB_UNSUPPORTED = 1,    /* this device / library cannot run this */
    HB_SKIPPED = 2         /* deliberately not run (filter, size limit) */
} hb_status;

const char *hb_status_name(hb_status s);

/* Precision / data type of a kernel variant. */
typedef enum hb_variant {
    HB_F64 = 0,
    HB_F32,
    HB_TF32,
    HB_F16,  /* IEEE binary16 storage, fp32 accumulation */
    HB_BF16, /* bfloat16 storage, fp32 accumulation */
    HB_I8,   /* int8 inputs, int32 accumulation */
    HB_FP8,  /* e4m3 */
    HB_I32,  /* 32-bit integer multiply-add (peak) */
    HB_NVARIANTS
} hb_variant;

#define HB_VARIANT_BIT(v) (1u << (unsigned)(v))

const char *hb_variant_name(hb_variant v);
/* Returns 0 and sets *out, or -1 when the name is unknown. */
int hb_variant_parse(const char *name, hb_variant *out);

/* The status of one measurement record. */
typedef enum hb_record_status {
    HB_REC_OK = 0,
    HB_REC_FAILED_VERIFICATION,
    HB_REC_UNSUPPORTED,
    HB_REC_SKIPPED,
    HB_REC_ERROR,
    HB_REC_INTERRUPTED /* the run was stopped (SIGINT/SIGTERM) during this measurement */
} hb_record_status;

const char *hb_record_status_name(hb_record_status s);

/* Implementation kinds (SPEC-style): the project's own portable code, or a vendor library. */
typedef enum hb_impl_kind { HB_IMPL_BASE = 0, HB_IMPL_PEAK = 1 } hb_impl_kind;

const char *hb_impl_kind_name(hb_impl_kind k);

/* Problem size. Kernels use the fields they need: gemm m, n, k; lu n; stream n (elements). */
typedef struct hb_size {
    int64_t m, n, k;
} hb_size;

#ifdef __cplusplus
}
#endif
#endif
