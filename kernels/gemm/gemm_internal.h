/* Internal interface between the portable GEMM driver (gemm_base.c) and the per-ISA
 * micro-kernel files (ukernel_*.c). Not part of the public hetbench API.
 *
 * Packed-panel formats (produced by the driver, consumed by the micro-kernels):
 *   f64/f32 (and f16/bf16, which are widened to f32 while packing):
 *     A micro-panel: kc steps, each MR contiguous values A[i0..i0+MR-1, p]   (zero padded)
 *     B micro-panel: kc steps, each NR contiguous values B[p, j0..j0+NR-1]   (zero padded)
 *   i8: k is processed in pairs (kq = ceil(kc/2) steps); every packed element is one 32-bit
 *     word holding two int16 values, low half = element 2q, high half = element 2q+1
 *     (zero padded).  A word = (A[i,2q], A[i,2q+1]), B word = (B[2q,j], B[2q+1,j]).
 *     This is exactly the operand layout of x86 vpmaddwd / vpdpwssd.
 *
 * Micro-kernel contract: compute one full MR x NR tile of C (leading dimension ldc).
 *   f64/f32: C = alpha*Ap*Bp + beta*C; beta == 0 => C is not read.
 *   i8:      C = Ap*Bp (accumulate == 0) or C += Ap*Bp (accumulate != 0), int32 wrapping.
 * Partial edge tiles are handled by the driver (kernel writes to a local tile, then merged).
 * All packed buffers are 64-byte aligned and every panel starts 64-byte aligned for the
 * MR values used here, but kernels use unaligned-load intrinsics anyway (no UB, same speed). */
#ifndef HB_GEMM_INTERNAL_H
#define HB_GEMM_INTERNAL_H
#include <stdint.h>

typedef void (*hb_uk_f64_fn)(int64_t kc, double alpha, const double *Ap, const double *Bp,
                             double beta, double *C, int64_t ldc);
typedef void (*hb_uk_f32_fn)(int64_t kc, float alpha, const float *Ap, const float *Bp, float beta,
                             float *C, int64_t ldc);
typedef void (*hb_uk_i8_fn)(int64_t kq, const int32_t *Ap, const int32_t *Bp, int accumulate,
                            int32_t *C, int64_t ldc);
/* Convert n 16-bit floats (f16 or bf16 bit patterns) to fp32. */
typedef void (*hb_cvt16_fn)(const uint16_t *src, float *dst, int64_t n);

/* Register tile (mr x nr) and cache blocking (mc rows of A per packed block, kc depth,
 * nc columns of B per packed panel).  mc % mr == 0, nc % nr == 0, kc even. */
typedef struct {
    int mr, nr, mc, kc, nc;
} hb_gemm_blk;

typedef struct {
    const char *name;
    hb_gemm_blk f64, f32, i8; /* f16/bf16 use the f32 kernel and f32 blocking */
    hb_uk_f64_fn uk_f64;
    hb_uk_f32_fn uk_f32;
    hb_uk_i8_fn uk_i8;
    const char *i8_note; /* e.g. "vpdpwssd" - for hb__gemm_describe */
    hb_cvt16_fn cvt_f16, cvt_bf16;
} hb_gemm_isa_t;

/* Largest mr*nr of any kernel (edge tiles are staged in a stack buffer of this size). */
#define HB_GEMM_MAX_TILE 512

extern const hb_gemm_isa_t hb__gemm_isa_generic;
#if defined(__x86_64__)
extern const hb_gemm_isa_t hb__gemm_isa_avx2;
extern const hb_gemm_isa_t hb__gemm_isa_avx512;      /* i8 via vpmaddwd */
extern const hb_gemm_isa_t hb__gemm_isa_avx512_vnni; /* i8 via vpdpwssd */
#endif
#if defined(__aarch64__)
extern const hb_gemm_isa_t hb__gemm_isa_neon;
#endif

/* Portable pieces shared by several ISA tables (defined in ukernel_generic.c). */
void hb__gemm_cvt_f16_generic(const uint16_t *src, float *dst, int64_t n);
void hb__gemm_cvt_bf16_generic(const uint16_t *src, float *dst, int64_t n);
void hb__gemm_uk_i8_generic(int64_t kq, const int32_t *Ap, const int32_t *Bp, int accumulate,
                            int32_t *C, int64_t ldc);
#endif
