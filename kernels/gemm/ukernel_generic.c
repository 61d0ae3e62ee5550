/* Portable C11 micro-kernels (no ISA flags).  Always built, always available: used as the
 * fallback ISA "generic" and as the reference for the SIMD kernels.  The loops have constant
 * trip counts so the compiler can keep the accumulator tile in registers and auto-vectorise
 * with whatever baseline vector ISA the target has (SSE2 on x86-64, NEON on aarch64, LSX...).
 *
 * Also provides the portable f16/bf16 -> f32 conversions (correct for zero, subnormals,
 * inf and NaN) and the portable int16-pair i8 kernel, reused by other ISA tables. */
#include "gemm_internal.h"
#include <string.h>

#define G_MR 8
#define G_NR 4

static void uk_f64_generic(int64_t kc, double alpha, const double *Ap, const double *Bp,
                           double beta, double *C, int64_t ldc) {
    double acc[G_NR][G_MR] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int j = 0; j < G_NR; j++) {
            const double b = Bp[j];
            for (int i = 0; i < G_MR; i++) acc[j][i] += Ap[i] * b;
        }
        Ap += G_MR;
        Bp += G_NR;
    }
    for (int j = 0; j < G_NR; j++) {
        double *c = C + j * ldc;
        if (beta == 0.0)
            for (int i = 0; i < G_MR; i++) c[i] = alpha * acc[j][i];
        else
            for (int i = 0; i < G_MR; i++) c[i] = alpha * acc[j][i] + beta * c[i];
    }
}

static void uk_f32_generic(int64_t kc, float alpha, const float *Ap, const float *Bp, float beta,
                           float *C, int64_t ldc) {
    float acc[G_NR][G_MR] = {{0}};
    for (int64_t p = 0; p < kc; p++) {
        for (int j = 0; j < G_NR; j++) {
            const float b = Bp[j];
            for (int i = 0; i < G_MR; i++) acc[j][i] += Ap[i] * b;
        }
        Ap += G_MR;
        Bp += G_NR;
    }
    for (int j = 0; j < G_NR; j++) {
        float *c = C + j * ldc;
        if (beta == 0.0f)
            for (int i = 0; i < G_MR; i++) c[i] = alpha * acc[j][i];
        else
            for (int i = 0; i < G_MR; i++) c[i] = alpha * acc[j][i] + beta * c[i];
    }
}

/* Sign-extend the low / high int16 half of a packed pair word without implementation-defined
 * conversions. */
static inline int32_t lo16(int32_t w) {
    int32_t v = (int32_t)((uint32_t)w & 0xffffu);
    return v >= 32768 ? v - 65536 : v;
}
static inline int32_t hi16(int32_t w) {
    int32_t v = (int32_t)(((uint32_t)w >> 16) & 0xffffu);
    return v >= 32768 ? v - 65536 : v;
}

/* i8 kernel on int16 pairs, G_MR x G_NR.  Accumulates in uint32 so that (documented) wrap for
 * huge k is well defined; for k <= 131071 the result is exact. */
void hb__gemm_uk_i8_generic(int64_t kq, const int32_t *Ap, const int32_t *Bp, int accumulate,
                            int32_t *C, int64_t ldc) {
    uint32_t acc[G_NR][G_MR] = {{0}};
    for (int64_t q = 0; q < kq; q++) {
        int32_t a0[G_MR], a1[G_MR];
        for (int i = 0; i < G_MR; i++) {
            a0[i] = lo16(Ap[i]);
            a1[i] = hi16(Ap[i]);
        }
        for (int j = 0; j < G_NR; j++) {
            const int32_t b0 = lo16(Bp[j]), b1 = hi16(Bp[j]);
            for (int i = 0; i < G_MR; i++) acc[j][i] += (uint32_t)(a0[i] * b0 + a1[i] * b1);
        }
        Ap += G_MR;
        Bp += G_NR;
    }
    for (int j = 0; j < G_NR; j++) {
        int32_t *c = C + j * ldc;
        for (int i = 0; i < G_MR; i++) {
            uint32_t v = acc[j][i] + (accumulate ? (uint32_t)c[i] : 0u);
            int32_t s;
            memcpy(&s, &v, sizeof s); /* two's-complement reinterpretation, no UB */
            c[i] = s;
        }
    }
}

static float f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, man = h & 0x3ffu, bits;
    if (exp == 0) {
        if (man == 0) {
            bits = sign; /* +-0 */
        } else {         /* subnormal: value = man * 2^-24; renormalise */
            uint32_t e = 0;
            while (!(man & 0x400u)) {
                man <<= 1;
                e++;
            }
            man &= 0x3ffu;
            bits = sign | ((113u - e) << 23) | (man << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (man << 13); /* inf / NaN (payload kept, stays NaN) */
    } else {
        bits = sign | ((exp + 112u) << 23) | (man << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

void hb__gemm_cvt_f16_generic(const uint16_t *src, float *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) dst[i] = f16_to_f32(src[i]);
}

void hb__gemm_cvt_bf16_generic(const uint16_t *src, float *dst, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        uint32_t bits = (uint32_t)src[i] << 16;
        memcpy(&dst[i], &bits, sizeof bits);
    }
}

/* Blocking for the portable kernels: small register tile, modest caches assumed. */
const hb_gemm_isa_t hb__gemm_isa_generic = {
    .name = "generic",
    .f64 = {G_MR, G_NR, 128, 256, 2048},
    .f32 = {G_MR, G_NR, 128, 256, 2048},
    .i8 = {G_MR, G_NR, 128, 512, 2048},
    .uk_f64 = uk_f64_generic,
    .uk_f32 = uk_f32_generic,
    .uk_i8 = hb__gemm_uk_i8_generic,
    .i8_note = "int16-pair C",
    .cvt_f16 = hb__gemm_cvt_f16_generic,
    .cvt_bf16 = hb__gemm_cvt_bf16_generic,
};
