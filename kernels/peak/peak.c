/* hetbench — peak: the attainable arithmetic peak per precision (f64, f32, f16, i32
 * multiply-adds, i8 dot products).
 *
 * Each element (work item, SIMD lane) runs HB__PEAK_CHAINS = 16 independent chains of
 * HB__PEAK_STEPS = 1024 dependent steps, enough independent accumulators to keep the FMA pipes
 * full. Float variants: x = x·a + b (one FMA, 2 FLOP) with a = 1 and b = 1/16 passed at run
 * time, chain c of element i starting from in[i] + c/16, so no compiler can fold or remove
 * the chains (a and b are unknown at compile time); out[i] is the sum of the 16 chains. i8: acc
 * = acc + dot(the 4 bytes of acc as int8, w) modulo 2^32 (4 int8 multiply-adds, 8 OP per
 * step), a nonlinear recurrence that no compiler can turn into a closed form. i32: x = x·a + b
 * modulo 2^32 (one integer multiply and one add, 2 OP per step) with a (odd) and b seeded and
 * passed at run time: a multiplicative recurrence, which no compiler reduces (loop analyses
 * close only additive ones), and no machine has a 32-bit integer FMA to make it one
 * instruction.
 *
 * Verification. Floats: in[i] = m − 64 with m a seeded integer in [0, 8), so chain c runs
 * exactly from m − 64 + c/16 to m + c/16 in 1024 steps of 1/16, and the 16 chains sum to
 * exactly 16·m + 7.5. Every value on the way is a multiple of 1/16 below 128 in magnitude,
 * exact even in f16 (11-bit significand), in any summation order: the check is exact
 * equality for every element. A single skipped or repeated step anywhere changes the result
 * by 1/16. i8, i32: the exact integer result, recomputed on the host for every element up to 4096
 * elements, else for 4096 seeded sampled ones plus the first and
 * the last. */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#if defined(__aarch64__) && defined(__GNUC__)
#include <arm_neon.h>
#include <sys/auxv.h>
#endif

#define PEAK_CH HB__PEAK_CHAINS
#define PEAK_N HB__PEAK_STEPS
#define PEAK_VARIANTS                                                                              \
    (HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16) |                    \
     HB_VARIANT_BIT(HB_I8) | HB_VARIANT_BIT(HB_I32))
#define PEAK_SAMPLES 4096

static hb_status peak_default_size(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out) {
    (void)op, (void)v;
    int64_t cores = ctx->cores > 0 ? ctx->cores : 1;
    /* elements: enough to fill every core / compute unit many times over */
    int64_t per = ctx->suite != HB_SUITE_QUICK ? 65536 : 8192;
    memset(out, 0, sizeof *out);
    out->n = cores * per;
    return HB_OK;
}

static double peak_ops(hb_variant v, int op, const hb_size *s) {
    (void)op;
    /* float: one FMA (2 FLOP) per step; i32: a multiply and an add (2 OP); i8: 4
       multiply-adds (8 OP) per step */
    return (v == HB_I8 ? 8.0 : 2.0) * PEAK_CH * PEAK_N * (double)s->n;
}

static double peak_bytes(hb_variant v, int op, const hb_size *s) {
    (void)op;
    return 2.0 * (double)s->n * (double)(v == HB_F16 ? 2 : v == HB_F64 ? 8 : 4);
}

static const char *peak_unit(hb_variant v) {
    return v == HB_I8 || v == HB_I32 ? "GOP/s" : "GFLOP/s";
}

static size_t peak_es(hb_variant v) {
    return v == HB_F64 ? 8 : v == HB_F16 ? 2 : 4;
}

static hb_status peak_setup(hb_problem *p, char *err, size_t errlen) {
    hb_variant v = p->variant;
    if (!(PEAK_VARIANTS & HB_VARIANT_BIT(v))) return HB_UNSUPPORTED;
    int64_t n = p->size.n;
    if (n <= 0) {
        hb__set_err(err, errlen, "peak: n must be > 0 (got %lld)", (long long)n);
        return HB_E_INVALID;
    }
    size_t es = peak_es(v);
    char what[64];
    snprintf(what, sizeof what, "peak %s n = %lld", hb_variant_name(v), (long long)n);
    hb_status fits = hb__check_fits(2.0 * (double)n * (double)es, what, err, errlen);
    if (fits != HB_OK) return fits;
    hb__peak_data *d = calloc(1, sizeof *d);
    if (!d) return HB_E_NOMEM;
    d->in = hb__alloc_array((uint64_t)n, 1, es);
    d->out = hb__alloc_array((uint64_t)n, 1, es);
    if (!d->in || !d->out) {
        hb__free(d->in), hb__free(d->out), free(d);
        hb__set_err(err, errlen, "peak: cannot allocate 2 x %lld elements", (long long)n);
        return HB_E_NOMEM;
    }
    d->a = 1.0;        /* runtime values: the compiler cannot fold x·a + b */
    d->b = 1.0 / 16.0; /* N·b = 64 */
    uint64_t seed = p->seed;
    uint64_t r = hb__rand_u64(seed, 7, 0);
    for (int j = 0; j < 4; j++) {
        /* [1, 127]: non-negative, so that the u8 x s8 dot-product instructions (x86
           vpdpbusd, vpmaddubsw) can take w as their unsigned operand and the chain value's
           bytes as the signed one, computing exactly the recurrence */
        d->w[j] = (int8_t)(1 + (r >> (8 * j)) % 127);
    }
    uint64_t r2 = hb__rand_u64(seed, 7, 1);
    d->ia = (uint32_t)r2 | 1u; /* odd: x -> x·a + b is a bijection, no chain collapses to 0 */
    d->ib = (uint32_t)(r2 >> 32);
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        uint64_t u = hb__rand_u64(seed, 1, (uint64_t)i);
        /* m − 64, m in [0, 8): every chain value stays a multiple of 1/16 below 128 */
        double x0 = (double)(u % 8) - 64.0;
        switch (v) {
        case HB_F64:
            ((double *)d->in)[i] = x0, ((double *)d->out)[i] = 0.0;
            break;
        case HB_F32:
            ((float *)d->in)[i] = (float)x0, ((float *)d->out)[i] = 0.0f;
            break;
        case HB_F16:
            ((uint16_t *)d->in)[i] = hb__f32_to_f16((float)x0), ((uint16_t *)d->out)[i] = 0;
            break;
        default:
            ((uint32_t *)d->in)[i] = (uint32_t)(u >> 32), ((uint32_t *)d->out)[i] = 0;
            break;
        }
    }
    p->data = d;
    return HB_OK;
}

/* i8: the exact result of element i (modulo 2^32). */
static uint32_t peak_i8_expect(uint32_t seed, const int8_t w[4]) {
    uint32_t sum = 0;
    for (int c = 0; c < PEAK_CH; c++) {
        uint32_t acc = seed + (uint32_t)c * 0x9E3779B9u;
        for (int s = 0; s < PEAK_N; s++) {
            int32_t dot = (int8_t)(acc & 0xff) * w[0] + (int8_t)((acc >> 8) & 0xff) * w[1] +
                          (int8_t)((acc >> 16) & 0xff) * w[2] + (int8_t)(acc >> 24) * w[3];
            acc += (uint32_t)dot;
        }
        sum += acc;
    }
    return sum;
}

/* i32: the exact result of element i (modulo 2^32). */
static uint32_t peak_i32_expect(uint32_t seed, uint32_t a, uint32_t b) {
    uint32_t sum = 0;
    for (int c = 0; c < PEAK_CH; c++) {
        uint32_t x = seed + (uint32_t)c * 0x9E3779B9u;
        for (int s = 0; s < PEAK_N; s++) x = x * a + b;
        sum += x;
    }
    return sum;
}

static hb_status peak_verify(const hb_problem *p, hb_verification *v) {
    const hb__peak_data *d = p->data;
    int64_t n = p->size.n;
    hb_variant var = p->variant;
    if (var == HB_I8 || var == HB_I32) {
        const uint32_t *in = d->in, *out = d->out;
        int64_t ns = n <= PEAK_SAMPLES ? n : PEAK_SAMPLES + 2;
        int64_t bad = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+ : bad)
        for (int64_t j = 0; j < ns; j++) {
            int64_t i = n <= PEAK_SAMPLES   ? j
                        : j == PEAK_SAMPLES ? 0
                        : j == PEAK_SAMPLES + 1
                            ? n - 1
                            : (int64_t)(hb__rand_u64(p->seed, 9, (uint64_t)j) % (uint64_t)n);
            uint32_t want =
                var == HB_I8 ? peak_i8_expect(in[i], d->w) : peak_i32_expect(in[i], d->ia, d->ib);
            if (out[i] != want) bad++;
        }
        v->metric_name = "wrong_elements";
        v->metric = (double)bad;
        v->threshold = 0.0;
        v->passed = bad == 0;
        snprintf(v->detail, sizeof v->detail,
                 "%lld elements (%s) recomputed exactly on the host (%d chains x %d %s steps "
                 "each)",
                 (long long)ns, n <= PEAK_SAMPLES ? "all" : "seeded sample + first + last", PEAK_CH,
                 PEAK_N, var == HB_I8 ? "int8 dot4" : "int32 multiply-add");
        return HB_OK;
    }
    /* exact: see the header (every intermediate value is representable) */
    long double steps = (long double)PEAK_N * (long double)d->b;
    double maxerr = 0.0;
#pragma omp parallel for schedule(static) reduction(max : maxerr)
    for (int64_t i = 0; i < n; i++) {
        long double x0, got;
        if (var == HB_F64)
            x0 = ((const double *)d->in)[i], got = ((const double *)d->out)[i];
        else if (var == HB_F32)
            x0 = ((const float *)d->in)[i], got = ((const float *)d->out)[i];
        else
            x0 = hb__f16_to_f32(((const uint16_t *)d->in)[i]),
            got = hb__f16_to_f32(((const uint16_t *)d->out)[i]);
        long double e = 0.0L;
        for (int c = 0; c < PEAK_CH; c++) e += x0 + c / 16.0L + steps;
        double r = (double)fabsl(got - e);
        if (!(r <= maxerr)) maxerr = isnan(r) ? INFINITY : r;
    }
    v->metric_name = "max_abs_err";
    v->metric = maxerr;
    v->threshold = 0.0;
    v->passed = maxerr == 0.0;
    snprintf(v->detail, sizeof v->detail,
             "every element exactly equal to the sum of its %d chains (x0 + c/16 + %d x 1/16, "
             "all values exact in the precision): one skipped step is off by 1/16",
             PEAK_CH, PEAK_N);
    return HB_OK;
}

static void peak_corrupt(hb_problem *p) {
    hb__peak_data *d = p->data;
    int64_t i = 0; /* always checked, sampled or not */
    switch (p->variant) {
    case HB_F64:
        ((double *)d->out)[i] *= 1.0 + 1e-6;
        break;
    case HB_F32:
        ((float *)d->out)[i] *= 1.0f + 1e-3f;
        break;
    case HB_F16:
        ((uint16_t *)d->out)[i] = hb__f32_to_f16(hb__f16_to_f32(((uint16_t *)d->out)[i]) * 1.25f);
        break;
    default:
        ((uint32_t *)d->out)[i] += 1;
        break;
    }
}

static void peak_teardown(hb_problem *p) {
    hb__peak_data *d = p->data;
    if (!d) return;
    hb__free(d->in), hb__free(d->out);
    free(d);
    p->data = NULL;
}

const hb_kernel hb__kernel_peak = {
    .name = "peak",
    .description = "attainable arithmetic peak: independent FMA / int32 multiply-add / int8 dot4 "
                   "chains",
    .category = HB_CAT_HPC,
    .variants = PEAK_VARIANTS,
    .ops = NULL,
    .nops = 0,
    .size_dims = 1,
    .rate_basis = HB_RATE_OPS,
    .default_size = peak_default_size,
    .op_count = peak_ops,
    .op_formula = "float: 2·16·1024·n (16 chains of 1024 FMAs per element); i32: 2·16·1024·n "
                  "(a multiply and an add per step); i8: 8·16·1024·n (4 int8 multiply-adds per "
                  "step)",
    .byte_count = peak_bytes,
    .byte_formula = "2·n·sizeof(T) (one seed in, one result out per element)",
    .rate_unit = peak_unit,
    .setup = peak_setup,
    .verify = peak_verify,
    .corrupt = peak_corrupt,
    .teardown = peak_teardown,
};

/* ---- CPU base implementation: OpenMP over blocks of VL elements (SIMD lanes); the chains of
   a block run CG at a time, each chain one vector register. x86-64: AVX-512F and AVX2+FMA
   clones chosen at run time (the baseline SSE2 has no FMA: mul + add there); aarch64: FMA is
   part of the base ISA. ---- */

#define PEAK_FLOAT_FN(name, T, VL, CG, MADD, ATTR)                                                 \
    ATTR static void name(const T *restrict in, T *restrict out, int64_t n, T a, T b) {            \
        _Pragma("omp parallel for schedule(static)") for (int64_t i0 = 0; i0 < n; i0 += (VL)) {    \
            int64_t m = n - i0 < (VL) ? n - i0 : (VL);                                             \
            T sum[VL];                                                                             \
            for (int l = 0; l < (VL); l++) sum[l] = 0;                                             \
            for (int g = 0; g < PEAK_CH; g += (CG)) {                                              \
                T x[CG][VL];                                                                       \
                for (int c = 0; c < (CG); c++)                                                     \
                    for (int l = 0; l < (VL); l++)                                                 \
                        x[c][l] = (l < m ? in[i0 + l] : (T)1) + (T)(g + c) * (T)0.0625;            \
                for (int s = 0; s < PEAK_N; s++)                                                   \
                    for (int c = 0; c < (CG); c++) {                                               \
                        _Pragma("omp simd") for (int l = 0; l < (VL); l++) x[c][l] =               \
                            MADD(x[c][l], a, b);                                                   \
                    }                                                                              \
                for (int c = 0; c < (CG); c++)                                                     \
                    for (int l = 0; l < (VL); l++) sum[l] += x[c][l];                              \
            }                                                                                      \
            for (int l = 0; l < m; l++) out[i0 + l] = sum[l];                                      \
        }                                                                                          \
    }

/* Integer chains (i8, i32): STEP(v) is the next value of a chain; both recurrences read their
   constants from the kernel's data. Unsigned arithmetic: wrap-around, no overflow UB. */
#define PEAK_INT_FN(name, VL, CG, ATTR, STEP)                                                      \
    ATTR static void name(const hb__peak_data *d, int64_t n) {                                     \
        const uint32_t *restrict in = d->in;                                                       \
        uint32_t *restrict out = d->out;                                                           \
        const int32_t w0 = d->w[0], w1 = d->w[1], w2 = d->w[2], w3 = d->w[3];                      \
        const uint32_t a = d->ia, b = d->ib;                                                       \
        (void)w0, (void)w1, (void)w2, (void)w3, (void)a, (void)b;                                  \
        _Pragma("omp parallel for schedule(static)") for (int64_t i0 = 0; i0 < n; i0 += (VL)) {    \
            int64_t m = n - i0 < (VL) ? n - i0 : (VL);                                             \
            uint32_t sum[VL];                                                                      \
            for (int l = 0; l < (VL); l++) sum[l] = 0;                                             \
            for (int g = 0; g < PEAK_CH; g += (CG)) {                                              \
                uint32_t x[CG][VL];                                                                \
                for (int c = 0; c < (CG); c++)                                                     \
                    for (int l = 0; l < (VL); l++)                                                 \
                        x[c][l] = (l < m ? in[i0 + l] : 0u) + (uint32_t)(g + c) * 0x9E3779B9u;     \
                for (int s = 0; s < PEAK_N; s++)                                                   \
                    for (int c = 0; c < (CG); c++) {                                               \
                        _Pragma("omp simd") for (int l = 0; l < (VL); l++) x[c][l] =               \
                            STEP(x[c][l]);                                                         \
                    }                                                                              \
                for (int c = 0; c < (CG); c++)                                                     \
                    for (int l = 0; l < (VL); l++) sum[l] += x[c][l];                              \
            }                                                                                      \
            for (int l = 0; l < m; l++) out[i0 + l] = sum[l];                                      \
        }                                                                                          \
    }
/* i8: v + dot(the 4 bytes of v as int8, w) */
#define PEAK_I8_STEP(v)                                                                            \
    ((v) + (uint32_t)(PEAK_SBYTE(v, 24) * w0 + PEAK_SBYTE(v, 16) * w1 + PEAK_SBYTE(v, 8) * w2 +    \
                      PEAK_SBYTE(v, 0) * w3))
/* byte (24 − sh)/8 of v, sign-extended: shifts, which vectorise (an (int8_t) cast of a masked
   byte did not, and ran the CPU's i8 at a quarter of PoCL's). Relies on the two's-complement
   conversion and arithmetic right shift of GCC and Clang (implementation-defined in C11). */
#define PEAK_SBYTE(v, sh) ((int32_t)((v) << (sh)) >> 24)
/* i32: v·a + b */
#define PEAK_I32_STEP(v) ((v)*a + (b))
#define PEAK_I8_FN(name, VL, CG, ATTR) PEAK_INT_FN(name, VL, CG, ATTR, PEAK_I8_STEP)
#define PEAK_I32_FN(name, VL, CG, ATTR) PEAK_INT_FN(name, VL, CG, ATTR, PEAK_I32_STEP)

#define PEAK_MULADD(x, a, b) ((x) * (a) + (b))
#define PEAK_FMA64(x, a, b) fma((x), (a), (b))
#define PEAK_FMA32(x, a, b) fmaf((x), (a), (b))
#define PEAK_NOATTR

#if defined(__x86_64__) && defined(__GNUC__)
#define PEAK_X86 1
#define PEAK_AVX512 __attribute__((target("avx512f,avx512bw")))
#define PEAK_AVX2 __attribute__((target("avx2,fma")))
PEAK_FLOAT_FN(peak_f64_avx512, double, 8, 16, PEAK_FMA64, PEAK_AVX512)
PEAK_FLOAT_FN(peak_f32_avx512, float, 16, 16, PEAK_FMA32, PEAK_AVX512)
PEAK_I32_FN(peak_i32_avx512, 16, 16, PEAK_AVX512)
PEAK_FLOAT_FN(peak_f64_avx2, double, 4, 8, PEAK_FMA64, PEAK_AVX2)
PEAK_FLOAT_FN(peak_f32_avx2, float, 8, 8, PEAK_FMA32, PEAK_AVX2)
PEAK_I32_FN(peak_i32_avx2, 8, 8, PEAK_AVX2)

/* i8 with the machine's int8 dot-product instructions, the chain's own bytes as the signed
   operand and the (non-negative) weights as the unsigned one, so one instruction does a step
   of 4 multiply-adds per 32-bit lane exactly as PEAK_I8_STEP: AVX-512 VNNI vpdpbusd (16
   lanes), AVX2 vpmaddubsw (byte pairs to int16, never saturating: |w·b| ≤ 127·128, two of
   them ≤ 32512) + vpmaddwd with ones + vpaddd. Blocks of VL elements, each chain one
   register; the last block is staged through a zero-padded buffer. The intrinsics are opaque
   to the compiler's loop analysis: nothing folds the 1024 steps. */
#define PEAK_I8_DOT_FN(name, ATTR, VT, VL, LOAD, STORE, SET1, ADD, STEP)                           \
    ATTR static void name(const hb__peak_data *d, int64_t n) {                                     \
        const uint32_t wpack = (uint32_t)(uint8_t)d->w[0] | (uint32_t)(uint8_t)d->w[1] << 8 |      \
                               (uint32_t)(uint8_t)d->w[2] << 16 |                                  \
                               (uint32_t)(uint8_t)d->w[3] << 24;                                   \
        const uint32_t *in = d->in;                                                                \
        uint32_t *out = d->out;                                                                    \
        _Pragma("omp parallel for schedule(static)") for (int64_t i0 = 0; i0 < n; i0 += (VL)) {    \
            const VT w = SET1((int)wpack);                                                         \
            uint32_t buf[VL];                                                                      \
            int64_t m = n - i0 < (VL) ? n - i0 : (VL);                                             \
            for (int l = 0; l < (VL); l++) buf[l] = l < m ? in[i0 + l] : 0u;                       \
            const VT x0 = LOAD(buf);                                                               \
            VT y[PEAK_CH];                                                                         \
            for (int c = 0; c < PEAK_CH; c++)                                                      \
                y[c] = ADD(x0, SET1((int)((uint32_t)c * 0x9E3779B9u)));                            \
            for (int s = 0; s < PEAK_N; s++)                                                       \
                for (int c = 0; c < PEAK_CH; c++) y[c] = STEP(y[c], w);                            \
            VT sum = SET1(0);                                                                      \
            for (int c = 0; c < PEAK_CH; c++) sum = ADD(sum, y[c]);                                \
            STORE(buf, sum);                                                                       \
            for (int l = 0; l < m; l++) out[i0 + l] = buf[l];                                      \
        }                                                                                          \
    }
#define PEAK_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define PEAK_LOAD512(p) _mm512_loadu_si512((const void *)(p))
#define PEAK_STORE512(p, v) _mm512_storeu_si512((void *)(p), (v))
#define PEAK_VNNI_STEP(y, w) _mm512_dpbusd_epi32((y), (w), (y))
PEAK_I8_DOT_FN(peak_i8_vnni, PEAK_VNNI, __m512i, 16, PEAK_LOAD512, PEAK_STORE512, _mm512_set1_epi32,
               _mm512_add_epi32, PEAK_VNNI_STEP)
#define PEAK_MADD512_STEP(y, w)                                                                    \
    _mm512_add_epi32((y), _mm512_madd_epi16(_mm512_maddubs_epi16((w), (y)), _mm512_set1_epi16(1)))
PEAK_I8_DOT_FN(peak_i8_madd512, PEAK_AVX512, __m512i, 16, PEAK_LOAD512, PEAK_STORE512,
               _mm512_set1_epi32, _mm512_add_epi32, PEAK_MADD512_STEP)
#define PEAK_LOAD256(p) _mm256_loadu_si256((const __m256i *)(p))
#define PEAK_STORE256(p, v) _mm256_storeu_si256((__m256i *)(p), (v))
#define PEAK_MADD_STEP(y, w)                                                                       \
    _mm256_add_epi32((y), _mm256_madd_epi16(_mm256_maddubs_epi16((w), (y)), _mm256_set1_epi16(1)))
PEAK_I8_DOT_FN(peak_i8_madd, PEAK_AVX2, __m256i, 8, PEAK_LOAD256, PEAK_STORE256, _mm256_set1_epi32,
               _mm256_add_epi32, PEAK_MADD_STEP)
/* SSE2: no FMA — multiply then add (the same 2 FLOP, two roundings) */
PEAK_FLOAT_FN(peak_f64_generic, double, 2, 8, PEAK_MULADD, PEAK_NOATTR)
PEAK_FLOAT_FN(peak_f32_generic, float, 4, 8, PEAK_MULADD, PEAK_NOATTR)
#define PEAK_GENERIC_NAME "SSE2 (multiply + add, no FMA)"
#elif defined(__FP_FAST_FMA) && defined(__FP_FAST_FMAF)
/* aarch64 and others with a hardware FMA: 32 vector registers on NEON/SVE */
PEAK_FLOAT_FN(peak_f64_generic, double, 2, 16, PEAK_FMA64, PEAK_NOATTR)
PEAK_FLOAT_FN(peak_f32_generic, float, 4, 16, PEAK_FMA32, PEAK_NOATTR)
#define PEAK_GENERIC_NAME "generic (hardware FMA)"
#else
PEAK_FLOAT_FN(peak_f64_generic, double, 2, 8, PEAK_MULADD, PEAK_NOATTR)
PEAK_FLOAT_FN(peak_f32_generic, float, 4, 8, PEAK_MULADD, PEAK_NOATTR)
#define PEAK_GENERIC_NAME "generic (multiply + add)"
#endif
PEAK_I8_FN(peak_i8_generic, 4, 8, PEAK_NOATTR)
PEAK_I32_FN(peak_i32_generic, 4, 8, PEAK_NOATTR)

#if defined(__aarch64__) && defined(__GNUC__) && defined(HWCAP_ASIMDDP)
/* i8 on Armv8.2 dot product (Kunpeng 920 and later; not Phytium FT-2000+/S2500, found at run
   time): sdot, signed x signed, the chain's own bytes against the weights — one instruction
   per step of 4 multiply-adds per 32-bit lane, exactly PEAK_I8_STEP. */
#define PEAK_ARM_SDOT 1
/* one block of 4 elements (a function of its own: OpenMP's outlined loop body would not
   inherit the target attribute, and the intrinsic must be inlined into +dotprod code) */
__attribute__((target("arch=armv8.2-a+dotprod"), noinline)) static void
peak_i8_sdot_block(const hb__peak_data *d, int64_t i0, int64_t n) {
    const uint32_t wpack = (uint32_t)(uint8_t)d->w[0] | (uint32_t)(uint8_t)d->w[1] << 8 |
                           (uint32_t)(uint8_t)d->w[2] << 16 | (uint32_t)(uint8_t)d->w[3] << 24;
    const int8x16_t w = vreinterpretq_s8_u32(vdupq_n_u32(wpack));
    const uint32_t *in = d->in;
    uint32_t *out = d->out;
    uint32_t buf[4];
    int64_t m = n - i0 < 4 ? n - i0 : 4;
    for (int l = 0; l < 4; l++) buf[l] = l < m ? in[i0 + l] : 0u;
    const uint32x4_t x0 = vld1q_u32(buf);
    int32x4_t y[PEAK_CH];
    for (int c = 0; c < PEAK_CH; c++)
        y[c] = vreinterpretq_s32_u32(vaddq_u32(x0, vdupq_n_u32((uint32_t)c * 0x9E3779B9u)));
    for (int s = 0; s < PEAK_N; s++)
        for (int c = 0; c < PEAK_CH; c++) y[c] = vdotq_s32(y[c], vreinterpretq_s8_s32(y[c]), w);
    uint32x4_t sum = vdupq_n_u32(0);
    for (int c = 0; c < PEAK_CH; c++) sum = vaddq_u32(sum, vreinterpretq_u32_s32(y[c]));
    vst1q_u32(buf, sum);
    for (int l = 0; l < m; l++) out[i0 + l] = buf[l];
}

static void peak_i8_sdot(const hb__peak_data *d, int64_t n) {
#pragma omp parallel for schedule(static)
    for (int64_t i0 = 0; i0 < n; i0 += 4) peak_i8_sdot_block(d, i0, n);
}
#endif

typedef struct peak_cpu {
    hb_problem *p;
    int isa;  /* 0 generic, 1 avx2, 2 avx512 */
    int vnni; /* i8: AVX-512 VNNI (isa 2 and the CPU has it), or Arm sdot */
    char detail[200];
} peak_cpu;

static hb_status peak_cpu_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    (void)d;
    if (p->variant == HB_F16) {
        hb__set_err(why, n,
                    "peak f16 on the CPU: portable C11 has no half-precision arithmetic (the CPU "
                    "implementation runs f64, f32, i32 and i8)");
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static hb_status peak_cpu_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                size_t n) {
    (void)dev;
    if (p->variant == HB_F16) return HB_UNSUPPORTED;
    /* HETBENCH_PEAK_ISA caps the instruction set (tests, comparisons): a name it does not know
       is an error, not the default */
    const char *capv = getenv("HETBENCH_PEAK_ISA");
    if (capv && *capv && strcmp(capv, "generic") && strcmp(capv, "avx2") &&
        strcmp(capv, "avx512") && strcmp(capv, "avx512-novnni")) {
        hb__set_err(err, n,
                    "HETBENCH_PEAK_ISA='%.32s': not one of generic, avx2, avx512, avx512-novnni",
                    capv);
        return HB_E_INVALID;
    }
    peak_cpu *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    const char *isa = PEAK_GENERIC_NAME;
#ifdef PEAK_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
        s->isa = 2, isa = "AVX-512 FMA";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        s->isa = 1, isa = "AVX2 FMA";
    /* tests and comparisons: HETBENCH_PEAK_ISA=generic|avx2|avx512|avx512-novnni caps the
       choice (the last: AVX-512 without the VNNI i8 kernel) */
    const char *cap = getenv("HETBENCH_PEAK_ISA");
    int novnni = cap && !strcmp(cap, "avx512-novnni");
    if (cap) {
        int c = !strcmp(cap, "generic") ? 0 : !strcmp(cap, "avx2") ? 1 : 2;
        if (c < s->isa) s->isa = c, isa = c == 1 ? "AVX2 FMA" : PEAK_GENERIC_NAME;
    }
#endif
#ifdef PEAK_X86
    if (p->variant == HB_I8)
        isa = s->isa == 2 && !novnni && __builtin_cpu_supports("avx512vnni")
                  ? (s->vnni = 1, "AVX-512 VNNI vpdpbusd")
              : s->isa == 2 ? "AVX-512BW vpmaddubsw + vpmaddwd"
              : s->isa == 1 ? "AVX2 vpmaddubsw + vpmaddwd"
                            : "generic C";
#endif
    if (p->variant == HB_I32) isa = s->isa == 2 ? "AVX-512" : s->isa == 1 ? "AVX2" : "generic C";
#ifndef PEAK_X86
    if (p->variant == HB_I8) isa = "generic C";
#endif
#ifdef PEAK_ARM_SDOT
    /* HETBENCH_PEAK_ISA=generic: the portable step (tests) */
    if (p->variant == HB_I8 && (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) &&
        !(getenv("HETBENCH_PEAK_ISA") && !strcmp(getenv("HETBENCH_PEAK_ISA"), "generic")))
        s->vnni = 1, isa = "Armv8.2 dot product (sdot)";
#endif
    snprintf(s->detail, sizeof s->detail,
             "OpenMP over blocks of SIMD lanes, %d chains x %d steps per element, %s", PEAK_CH,
             PEAK_N, isa);
    *state = s;
    return HB_OK;
}

static hb_status peak_cpu_run(void *state) {
    peak_cpu *st = state;
    hb__peak_data *d = st->p->data;
    int64_t n = st->p->size.n;
    switch (st->p->variant) {
    case HB_F64:
#ifdef PEAK_X86
        if (st->isa == 2) return peak_f64_avx512(d->in, d->out, n, d->a, d->b), HB_OK;
        if (st->isa == 1) return peak_f64_avx2(d->in, d->out, n, d->a, d->b), HB_OK;
#endif
        peak_f64_generic(d->in, d->out, n, d->a, d->b);
        return HB_OK;
    case HB_F32:
#ifdef PEAK_X86
        if (st->isa == 2) return peak_f32_avx512(d->in, d->out, n, (float)d->a, (float)d->b), HB_OK;
        if (st->isa == 1) return peak_f32_avx2(d->in, d->out, n, (float)d->a, (float)d->b), HB_OK;
#endif
        peak_f32_generic(d->in, d->out, n, (float)d->a, (float)d->b);
        return HB_OK;
    case HB_I8:
#ifdef PEAK_X86
        if (st->vnni) return peak_i8_vnni(d, n), HB_OK;
        if (st->isa == 2) return peak_i8_madd512(d, n), HB_OK;
        if (st->isa == 1) return peak_i8_madd(d, n), HB_OK;
#endif
#ifdef PEAK_ARM_SDOT
        if (st->vnni) return peak_i8_sdot(d, n), HB_OK;
#endif
        peak_i8_generic(d, n);
        return HB_OK;
    case HB_I32:
#ifdef PEAK_X86
        if (st->isa == 2) return peak_i32_avx512(d, n), HB_OK;
        if (st->isa == 1) return peak_i32_avx2(d, n), HB_OK;
#endif
        peak_i32_generic(d, n);
        return HB_OK;
    default:
        return HB_UNSUPPORTED;
    }
}

static void peak_cpu_teardown(void *state) {
    free(state);
}

static const char *peak_cpu_detail(void *state) {
    return ((peak_cpu *)state)->detail;
}

const hb_impl hb__peak_cpu_base = {
    .kernel = "peak",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = PEAK_VARIANTS,
    .supports = peak_cpu_supports,
    .setup = peak_cpu_setup,
    .run = peak_cpu_run,
    .teardown = peak_cpu_teardown,
    .detail = peak_cpu_detail,
};
