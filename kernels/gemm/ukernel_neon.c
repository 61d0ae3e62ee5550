/* NEON micro-kernels (aarch64 only; NEON/ASIMD is baseline there, no extra flags needed).
 *
 * Register tiles (32 x 128-bit registers):
 *   f64 8x6 : 4 q-regs of A (8 rows) x 6 B values = 24 accumulators.
 *   f32 16x6: 4 q-regs of A (16 rows) x 6 B values = 24 accumulators.
 *   i8: the portable int16-pair kernel from ukernel_generic.c (same packing, 8x4 tile).
 * f16 uses the hardware fcvtl widening (vcvt_f32_f16); bf16 is a 16-bit shift.
 * Blocking: KC*NR*8 <= ~32 KiB L1 share, MC*KC A block ~half of a 1 MiB class L2.
 * (Not benchmarked on real hardware yet: numbers are conservative defaults.)
 */
#if defined(__aarch64__)
#include "gemm_internal.h"
#include <arm_neon.h>

static void uk_f64_8x6(int64_t kc, double alpha, const double *Ap, const double *Bp, double beta,
                       double *C, int64_t ldc) {
    float64x2_t c[6][4];
#pragma GCC unroll 6
    for (int j = 0; j < 6; j++)
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) c[j][i] = vdupq_n_f64(0.0);
    for (int64_t p = 0; p < kc; p++) {
        float64x2_t a[4];
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) a[i] = vld1q_f64(Ap + 2 * i);
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++)
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) c[j][i] = vfmaq_n_f64(c[j][i], a[i], Bp[j]);
        Ap += 8;
        Bp += 6;
    }
    for (int j = 0; j < 6; j++)
        for (int i = 0; i < 4; i++) {
            float64x2_t r = vmulq_n_f64(c[j][i], alpha);
            if (beta != 0.0) r = vfmaq_n_f64(r, vld1q_f64(C + j * ldc + 2 * i), beta);
            vst1q_f64(C + j * ldc + 2 * i, r);
        }
}

static void uk_f32_16x6(int64_t kc, float alpha, const float *Ap, const float *Bp, float beta,
                        float *C, int64_t ldc) {
    float32x4_t c[6][4];
#pragma GCC unroll 6
    for (int j = 0; j < 6; j++)
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) c[j][i] = vdupq_n_f32(0.0f);
    for (int64_t p = 0; p < kc; p++) {
        float32x4_t a[4];
#pragma GCC unroll 4
        for (int i = 0; i < 4; i++) a[i] = vld1q_f32(Ap + 4 * i);
#pragma GCC unroll 6
        for (int j = 0; j < 6; j++)
#pragma GCC unroll 4
            for (int i = 0; i < 4; i++) c[j][i] = vfmaq_n_f32(c[j][i], a[i], Bp[j]);
        Ap += 16;
        Bp += 6;
    }
    for (int j = 0; j < 6; j++)
        for (int i = 0; i < 4; i++) {
            float32x4_t r = vmulq_n_f32(c[j][i], alpha);
            if (beta != 0.0f) r = vfmaq_n_f32(r, vld1q_f32(C + j * ldc + 4 * i), beta);
            vst1q_f32(C + j * ldc + 4 * i, r);
        }
}

static void cvt_f16_neon(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(dst + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(src + i))));
    if (i < n) hb__gemm_cvt_f16_generic(src + i, dst + i, n - i);
}

static void cvt_bf16_neon(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        vst1q_f32(dst + i, vreinterpretq_f32_u32(vshll_n_u16(vld1_u16(src + i), 16)));
    if (i < n) hb__gemm_cvt_bf16_generic(src + i, dst + i, n - i);
}

const hb_gemm_isa_t hb__gemm_isa_neon = {
    .name = "neon",
    .f64 = {8, 6, 128, 256, 4080},
    .f32 = {16, 6, 128, 512, 4080},
    .i8 = {8, 4, 128, 512, 2048}, /* must match the generic i8 kernel's 8x4 tile */
    .uk_f64 = uk_f64_8x6,
    .uk_f32 = uk_f32_16x6,
    .uk_i8 = hb__gemm_uk_i8_generic,
    .i8_note = "int16-pair C (generic kernel)",
    .cvt_f16 = cvt_f16_neon,
    .cvt_bf16 = cvt_bf16_neon,
};

#else
typedef int hb_gemm_ukernel_neon_empty_tu;
#endif
