/* AVX-512 micro-kernels (x86-64 only).
 * Compile with: -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma
 * (The VNNI i8 kernel is enabled per function with __attribute__((target("avx512vnni"))) and
 * only dispatched when the CPU reports AVX512_VNNI, so the rest of the file never contains
 * VNNI instructions.)
 *
 * Register tiles (32 zmm registers):
 *   f64 16x14: 2 zmm of A (16 rows) x 14 broadcast B values = 28 accumulators + 2 A + 1 B.
 *   f32 32x14: same shape with 16-lane float vectors.
 *   i8  32x14: 2 zmm of int16 pairs (32 rows x 2 k) x 14 broadcast B pairs, vpdpwssd
 *              (or vpmaddwd + vpaddd without VNNI) into 28 int32 accumulators.
 * Each k step issues 28 FMAs against 2 vector loads + 14 broadcasts (folded into the FMA as
 * {1toN} memory operands), which keeps both FMA pipes of a Zen 4/5 or Skylake-X core busy.
 *
 * Cache blocking (tuned on Zen 5: L1d 48 KiB, L2 1 MiB/core, L3 32 MiB shared):
 *   KC: the kc x NR B micro-panel must stay in L1 while the ir loop streams A micro-panels:
 *       f64 KC=256 -> 256*14*8 = 28 KiB, f32 KC=512 -> 28 KiB, i8 KC=1024 (512 pairs) -> 28 KiB.
 *   MC: the MC x KC packed A block lives in L2 (about half of it, the rest for B/C traffic):
 *       f64 192*256*8 = 384 KiB, f32 192*512*4 = 384 KiB, i8 192*512*4 = 384 KiB.
 *   NC: the shared KC x NC packed B panel lives in L3: f64 256*4032*8 = 8 MiB.
 */
#if defined(__x86_64__)
#include "gemm_internal.h"
#include <immintrin.h>
#include <string.h>

#define REP14(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)

/* ---------------------------------------------------------------- f64 16x14 */
#define D_DECL(j) __m512d c0_##j = _mm512_setzero_pd(), c1_##j = _mm512_setzero_pd();
#define D_STEP(j)                                                                                  \
    {                                                                                              \
        const __m512d b = _mm512_set1_pd(Bp[j]);                                                   \
        c0_##j = _mm512_fmadd_pd(a0, b, c0_##j);                                                   \
        c1_##j = _mm512_fmadd_pd(a1, b, c1_##j);                                                   \
    }
#define D_STORE0(j)                                                                                \
    {                                                                                              \
        double *cj = C + (j)*ldc;                                                                  \
        _mm512_storeu_pd(cj, _mm512_mul_pd(va, c0_##j));                                           \
        _mm512_storeu_pd(cj + 8, _mm512_mul_pd(va, c1_##j));                                       \
    }
#define D_STOREB(j)                                                                                \
    {                                                                                              \
        double *cj = C + (j)*ldc;                                                                  \
        _mm512_storeu_pd(cj, _mm512_fmadd_pd(vb, _mm512_loadu_pd(cj), _mm512_mul_pd(va, c0_##j))); \
        _mm512_storeu_pd(cj + 8,                                                                   \
                         _mm512_fmadd_pd(vb, _mm512_loadu_pd(cj + 8), _mm512_mul_pd(va, c1_##j))); \
    }
#define C_PREF(j) _mm_prefetch((const char *)(C + (j)*ldc), _MM_HINT_T0);

static void uk_f64_16x14(int64_t kc, double alpha, const double *Ap, const double *Bp, double beta,
                         double *C, int64_t ldc) {
    REP14(D_DECL)
    REP14(C_PREF)
#pragma GCC unroll 4
    for (int64_t p = 0; p < kc; p++) {
        const __m512d a0 = _mm512_loadu_pd(Ap), a1 = _mm512_loadu_pd(Ap + 8);
        REP14(D_STEP)
        Ap += 16;
        Bp += 14;
    }
    const __m512d va = _mm512_set1_pd(alpha);
    if (beta == 0.0) {
        REP14(D_STORE0)
    } else {
        const __m512d vb = _mm512_set1_pd(beta);
        REP14(D_STOREB)
    }
}

/* ---------------------------------------------------------------- f32 32x14 */
#define S_DECL(j) __m512 c0_##j = _mm512_setzero_ps(), c1_##j = _mm512_setzero_ps();
#define S_STEP(j)                                                                                  \
    {                                                                                              \
        const __m512 b = _mm512_set1_ps(Bp[j]);                                                    \
        c0_##j = _mm512_fmadd_ps(a0, b, c0_##j);                                                   \
        c1_##j = _mm512_fmadd_ps(a1, b, c1_##j);                                                   \
    }
#define S_STORE0(j)                                                                                \
    {                                                                                              \
        float *cj = C + (j)*ldc;                                                                   \
        _mm512_storeu_ps(cj, _mm512_mul_ps(va, c0_##j));                                           \
        _mm512_storeu_ps(cj + 16, _mm512_mul_ps(va, c1_##j));                                      \
    }
#define S_STOREB(j)                                                                                \
    {                                                                                              \
        float *cj = C + (j)*ldc;                                                                   \
        _mm512_storeu_ps(cj, _mm512_fmadd_ps(vb, _mm512_loadu_ps(cj), _mm512_mul_ps(va, c0_##j))); \
        _mm512_storeu_ps(                                                                          \
            cj + 16, _mm512_fmadd_ps(vb, _mm512_loadu_ps(cj + 16), _mm512_mul_ps(va, c1_##j)));    \
    }

static void uk_f32_32x14(int64_t kc, float alpha, const float *Ap, const float *Bp, float beta,
                         float *C, int64_t ldc) {
    REP14(S_DECL)
    REP14(C_PREF)
#pragma GCC unroll 4
    for (int64_t p = 0; p < kc; p++) {
        const __m512 a0 = _mm512_loadu_ps(Ap), a1 = _mm512_loadu_ps(Ap + 16);
        REP14(S_STEP)
        Ap += 32;
        Bp += 14;
    }
    const __m512 va = _mm512_set1_ps(alpha);
    if (beta == 0.0f) {
        REP14(S_STORE0)
    } else {
        const __m512 vb = _mm512_set1_ps(beta);
        REP14(S_STOREB)
    }
}

/* ---------------------------------------------------------------- i8 32x14 (int16 pairs) */
#define I_DECL(j) __m512i c0_##j = _mm512_setzero_si512(), c1_##j = _mm512_setzero_si512();
#define I_STEP_VNNI(j)                                                                             \
    {                                                                                              \
        const __m512i b = _mm512_set1_epi32(Bp[j]);                                                \
        c0_##j = _mm512_dpwssd_epi32(c0_##j, a0, b);                                               \
        c1_##j = _mm512_dpwssd_epi32(c1_##j, a1, b);                                               \
    }
#define I_STEP_MADD(j)                                                                             \
    {                                                                                              \
        const __m512i b = _mm512_set1_epi32(Bp[j]);                                                \
        c0_##j = _mm512_add_epi32(c0_##j, _mm512_madd_epi16(a0, b));                               \
        c1_##j = _mm512_add_epi32(c1_##j, _mm512_madd_epi16(a1, b));                               \
    }
#define I_STORE(j)                                                                                 \
    {                                                                                              \
        int32_t *cj = C + (j)*ldc;                                                                 \
        if (accumulate) {                                                                          \
            c0_##j = _mm512_add_epi32(c0_##j, _mm512_loadu_si512((const void *)cj));               \
            c1_##j = _mm512_add_epi32(c1_##j, _mm512_loadu_si512((const void *)(cj + 16)));        \
        }                                                                                          \
        _mm512_storeu_si512((void *)cj, c0_##j);                                                   \
        _mm512_storeu_si512((void *)(cj + 16), c1_##j);                                            \
    }

__attribute__((target("avx512vnni"))) static void uk_i8_32x14_vnni(int64_t kq, const int32_t *Ap,
                                                                   const int32_t *Bp,
                                                                   int accumulate, int32_t *C,
                                                                   int64_t ldc) {
    REP14(I_DECL)
    REP14(C_PREF)
#pragma GCC unroll 4
    for (int64_t q = 0; q < kq; q++) {
        const __m512i a0 = _mm512_loadu_si512((const void *)Ap);
        const __m512i a1 = _mm512_loadu_si512((const void *)(Ap + 16));
        REP14(I_STEP_VNNI)
        Ap += 32;
        Bp += 14;
    }
    REP14(I_STORE)
}

static void uk_i8_32x14_madd(int64_t kq, const int32_t *Ap, const int32_t *Bp, int accumulate,
                             int32_t *C, int64_t ldc) {
    REP14(I_DECL)
    REP14(C_PREF)
#pragma GCC unroll 2
    for (int64_t q = 0; q < kq; q++) {
        const __m512i a0 = _mm512_loadu_si512((const void *)Ap);
        const __m512i a1 = _mm512_loadu_si512((const void *)(Ap + 16));
        REP14(I_STEP_MADD)
        Ap += 32;
        Bp += 14;
    }
    REP14(I_STORE)
}

/* ---------------------------------------------------------------- conversions */
static void cvt_f16_avx512(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + i))));
    if (i < n) {
        const __mmask16 msk = (__mmask16)((1u << (n - i)) - 1u);
        const __m256i h = _mm256_maskz_loadu_epi16(msk, src + i);
        _mm512_mask_storeu_ps(dst + i, msk, _mm512_cvtph_ps(h));
    }
}

static void cvt_bf16_avx512(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(src + i)));
        _mm512_storeu_si512((void *)(dst + i), _mm512_slli_epi32(w, 16));
    }
    if (i < n) {
        const __mmask16 msk = (__mmask16)((1u << (n - i)) - 1u);
        const __m512i w = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(msk, src + i));
        _mm512_mask_storeu_epi32((void *)(dst + i), msk, _mm512_slli_epi32(w, 16));
    }
}

/* Two tables: the driver picks the VNNI one when the CPU has AVX512_VNNI. */
#define AVX512_TABLE(NAME, UKI8, NOTE)                                                             \
    const hb_gemm_isa_t NAME = {                                                                   \
        .name = "avx512",                                                                          \
        .f64 = {16, 14, 192, 256, 4032},                                                           \
        .f32 = {32, 14, 192, 512, 4032},                                                           \
        .i8 = {32, 14, 192, 1024, 4032},                                                           \
        .uk_f64 = uk_f64_16x14,                                                                    \
        .uk_f32 = uk_f32_32x14,                                                                    \
        .uk_i8 = UKI8,                                                                             \
        .i8_note = NOTE,                                                                           \
        .cvt_f16 = cvt_f16_avx512,                                                                 \
        .cvt_bf16 = cvt_bf16_avx512,                                                               \
    };
AVX512_TABLE(hb__gemm_isa_avx512, uk_i8_32x14_madd, "int16-pair vpmaddwd")
AVX512_TABLE(hb__gemm_isa_avx512_vnni, uk_i8_32x14_vnni, "int16-pair vpdpwssd (VNNI)")

#else
/* Not x86-64: this translation unit is intentionally empty. */
typedef int hb_gemm_ukernel_avx512_empty_tu;
#endif
