/* AVX2 + FMA (+F16C) micro-kernels (x86-64 only).
 * Compile with: -mavx2 -mfma -mf16c
 *
 * Register tiles (16 ymm registers):
 *   f64 8x6 : 2 ymm of A (8 rows) x 6 broadcast B = 12 accumulators + 2 A + 1 B (BLIS haswell).
 *   f32 16x6: same shape with 8-lane float vectors.
 *   i8  16x6: 2 ymm of int16 pairs x 6 broadcast B pairs, vpmaddwd + vpaddd into 12 int32 acc.
 * Blocking (for Haswell..Zen class cores, 32-48 KiB L1d, >= 512 KiB L2):
 *   KC so the kc x 6 B micro-panel fits in L1 (f64 256*6*8 = 12 KiB), MC*KC A block ~half L2,
 *   NC for a multi-MiB L3 B panel.
 */
#if defined(__x86_64__)
#include "gemm_internal.h"
#include <immintrin.h>

#define REP6(X) X(0) X(1) X(2) X(3) X(4) X(5)
#define C_PREF(j) _mm_prefetch((const char *)(C + (j)*ldc), _MM_HINT_T0);

/* ---------------------------------------------------------------- f64 8x6 */
#define D_DECL(j) __m256d c0_##j = _mm256_setzero_pd(), c1_##j = _mm256_setzero_pd();
#define D_STEP(j)                                                                                  \
    {                                                                                              \
        const __m256d b = _mm256_broadcast_sd(Bp + (j));                                           \
        c0_##j = _mm256_fmadd_pd(a0, b, c0_##j);                                                   \
        c1_##j = _mm256_fmadd_pd(a1, b, c1_##j);                                                   \
    }
#define D_STORE(j)                                                                                 \
    {                                                                                              \
        double *cj = C + (j)*ldc;                                                                  \
        __m256d r0 = _mm256_mul_pd(va, c0_##j), r1 = _mm256_mul_pd(va, c1_##j);                    \
        if (beta != 0.0) {                                                                         \
            r0 = _mm256_fmadd_pd(vb, _mm256_loadu_pd(cj), r0);                                     \
            r1 = _mm256_fmadd_pd(vb, _mm256_loadu_pd(cj + 4), r1);                                 \
        }                                                                                          \
        _mm256_storeu_pd(cj, r0);                                                                  \
        _mm256_storeu_pd(cj + 4, r1);                                                              \
    }

static void uk_f64_8x6(int64_t kc, double alpha, const double *Ap, const double *Bp, double beta,
                       double *C, int64_t ldc) {
    REP6(D_DECL)
    REP6(C_PREF)
#pragma GCC unroll 4
    for (int64_t p = 0; p < kc; p++) {
        const __m256d a0 = _mm256_loadu_pd(Ap), a1 = _mm256_loadu_pd(Ap + 4);
        REP6(D_STEP)
        Ap += 8;
        Bp += 6;
    }
    const __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
    REP6(D_STORE)
}

/* ---------------------------------------------------------------- f32 16x6 */
#define S_DECL(j) __m256 c0_##j = _mm256_setzero_ps(), c1_##j = _mm256_setzero_ps();
#define S_STEP(j)                                                                                  \
    {                                                                                              \
        const __m256 b = _mm256_broadcast_ss(Bp + (j));                                            \
        c0_##j = _mm256_fmadd_ps(a0, b, c0_##j);                                                   \
        c1_##j = _mm256_fmadd_ps(a1, b, c1_##j);                                                   \
    }
#define S_STORE(j)                                                                                 \
    {                                                                                              \
        float *cj = C + (j)*ldc;                                                                   \
        __m256 r0 = _mm256_mul_ps(va, c0_##j), r1 = _mm256_mul_ps(va, c1_##j);                     \
        if (beta != 0.0f) {                                                                        \
            r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cj), r0);                                     \
            r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cj + 8), r1);                                 \
        }                                                                                          \
        _mm256_storeu_ps(cj, r0);                                                                  \
        _mm256_storeu_ps(cj + 8, r1);                                                              \
    }

static void uk_f32_16x6(int64_t kc, float alpha, const float *Ap, const float *Bp, float beta,
                        float *C, int64_t ldc) {
    REP6(S_DECL)
    REP6(C_PREF)
#pragma GCC unroll 4
    for (int64_t p = 0; p < kc; p++) {
        const __m256 a0 = _mm256_loadu_ps(Ap), a1 = _mm256_loadu_ps(Ap + 8);
        REP6(S_STEP)
        Ap += 16;
        Bp += 6;
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    REP6(S_STORE)
}

/* ---------------------------------------------------------------- i8 16x6 (int16 pairs) */
#define I_DECL(j) __m256i c0_##j = _mm256_setzero_si256(), c1_##j = _mm256_setzero_si256();
#define I_STEP(j)                                                                                  \
    {                                                                                              \
        const __m256i b = _mm256_set1_epi32(Bp[j]);                                                \
        c0_##j = _mm256_add_epi32(c0_##j, _mm256_madd_epi16(a0, b));                               \
        c1_##j = _mm256_add_epi32(c1_##j, _mm256_madd_epi16(a1, b));                               \
    }
#define I_STORE(j)                                                                                 \
    {                                                                                              \
        int32_t *cj = C + (j)*ldc;                                                                 \
        if (accumulate) {                                                                          \
            c0_##j = _mm256_add_epi32(c0_##j, _mm256_loadu_si256((const __m256i *)cj));            \
            c1_##j = _mm256_add_epi32(c1_##j, _mm256_loadu_si256((const __m256i *)(cj + 8)));      \
        }                                                                                          \
        _mm256_storeu_si256((__m256i *)cj, c0_##j);                                                \
        _mm256_storeu_si256((__m256i *)(cj + 8), c1_##j);                                          \
    }

static void uk_i8_16x6(int64_t kq, const int32_t *Ap, const int32_t *Bp, int accumulate, int32_t *C,
                       int64_t ldc) {
    REP6(I_DECL)
    REP6(C_PREF)
#pragma GCC unroll 2
    for (int64_t q = 0; q < kq; q++) {
        const __m256i a0 = _mm256_loadu_si256((const __m256i *)Ap);
        const __m256i a1 = _mm256_loadu_si256((const __m256i *)(Ap + 8));
        REP6(I_STEP)
        Ap += 16;
        Bp += 6;
    }
    REP6(I_STORE)
}

/* ---------------------------------------------------------------- conversions */
static void cvt_f16_f16c(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = _cvtsh_ss(src[i]);
}

static void cvt_bf16_avx2(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(src + i)));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_slli_epi32(w, 16));
    }
    if (i < n) hb__gemm_cvt_bf16_generic(src + i, dst + i, n - i);
}

const hb_gemm_isa_t hb__gemm_isa_avx2 = {
    .name = "avx2",
    .f64 = {8, 6, 96, 256, 4080},
    .f32 = {16, 6, 96, 512, 4080},
    .i8 = {16, 6, 96, 1024, 4080},
    .uk_f64 = uk_f64_8x6,
    .uk_f32 = uk_f32_16x6,
    .uk_i8 = uk_i8_16x6,
    .i8_note = "int16-pair vpmaddwd",
    .cvt_f16 = cvt_f16_f16c,
    .cvt_bf16 = cvt_bf16_avx2,
};

#else
typedef int hb_gemm_ukernel_avx2_empty_tu;
#endif
