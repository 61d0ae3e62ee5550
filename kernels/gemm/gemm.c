/* hetbench — gemm: C = A·B at f64, f32, tf32, f16, bf16 and fp8 e4m3 (fp32 accumulation and
 * output) and i8 (int32 accumulation and output). Column-major, no transposes, lda = m, ldb = k,
 * ldc = m.
 *
 * Operation count: 2·m·n·k. Inputs: uniform in [-1, 1) rounded to the input type (i8: uniform
 * integers in [-128, 127]; tf32: fp32 storage rounded to tf32's 10-bit significand; fp8: e4m3
 * bytes); the output is pre-filled with seeded junk, never zeros.
 *
 * Verification (both must pass; details and the reasoning above gemm_verify):
 *  1. Freivalds: for 3 random ±1 vectors x, compare y = C·x with z = A·(B·x) in long double.
 *     Metric: max_i |y_i - z_i| / (‖A(i,:)‖₂·‖B‖_F) <= 16·u (+ 2·√k·u for f16/bf16/tf32/fp8;
 *     fp8 + 2·√min(k, 256)·2⁻¹³).
 *  2. Element-wise: |C - AB|_ij / (‖A(i,:)‖₂·‖B(:,j)‖₂) under the same threshold, for every
 *     element when m·n·k <= 2^24, otherwise 4096 seeded random elements.
 *  i8 is exact in integers: threshold 0. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/gemm/gemm_base.h"

/* The CPU base GEMM's precisions; tf32 and fp8 are tensor-core formats (CUDA peak). */
#define GEMM_CPU_VARIANTS                                                                          \
    (HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16) |                    \
     HB_VARIANT_BIT(HB_BF16) | HB_VARIANT_BIT(HB_I8))
#define GEMM_VARIANTS (GEMM_CPU_VARIANTS | HB_VARIANT_BIT(HB_TF32) | HB_VARIANT_BIT(HB_FP8))

/* tf32: an fp32 value rounded (to nearest even) to tf32's 10-bit significand, so that a tensor
   core's input conversion (rounding or truncating) is exact and the reference uses the same
   inputs. */
static float round_tf32(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7f800000u) != 0x7f800000u) u = (u + 0xfffu + ((u >> 13) & 1u)) & ~0x1fffu;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* fp8 e4m3 (OCP/NVIDIA "fn": bias 7, no infinities, 0x7f/0xff NaN, largest 448), round to
   nearest even, saturating. Codes are monotonic in the magnitude: code = (E + 6)·8 + q with
   q = a·2^(3−E) rounded, E = max(⌊log2 a⌋, −6) (subnormals: E = −6). */
static uint8_t f32_to_e4m3(float f) {
    uint8_t s = signbit(f) ? 0x80 : 0;
    double a = fabs((double)f);
    if (isnan(a)) return 0x7f;
    if (a >= 448.0) return s | 0x7e;
    if (a == 0.0) return s;
    int e;
    (void)frexp(a, &e); /* a = f·2^e, f in [0.5, 1): ⌊log2 a⌋ = e − 1 */
    int E = e - 1 < -6 ? -6 : e - 1;
    int code = (E + 6) * 8 + (int)nearbyint(ldexp(a, 3 - E));
    return (uint8_t)(s | (code > 0x7e ? 0x7e : code));
}

static float e4m3_to_f32(uint8_t c) {
    int e = (c >> 3) & 0xf, m = c & 7;
    if (e == 15 && m == 7) return NAN;
    float v = e ? ldexpf((float)(8 + m), e - 10) : ldexpf((float)m, -9);
    return (c & 0x80) ? -v : v;
}

static hb_status gemm_default_size(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out) {
    (void)v, (void)op;
    int64_t n;
    if (ctx->suite == HB_SUITE_QUICK)
        n = 1024;
    else
        n = ctx->cores >= 16 ? 8192 : 4096;
    out->m = out->n = out->k = n;
    return HB_OK;
}

static double gemm_ops(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op;
    return 2.0 * (double)s->m * (double)s->n * (double)s->k;
}

static size_t out_elem_size(hb_variant v) {
    return v == HB_F64 ? 8 : 4;
}

static double gemm_bytes(hb_variant v, int op, const hb_size *s) {
    (void)op;
    double in = (double)hb__variant_elem_size(v);
    return in * ((double)s->m * (double)s->k + (double)s->k * (double)s->n) +
           (double)out_elem_size(v) * (double)s->m * (double)s->n;
}

static const char *gemm_unit(hb_variant v) {
    return v == HB_I8 ? "GOP/s" : "GFLOP/s";
}

/* Value of input element i of matrix `which` (1 = A, 2 = B), as stored. */
static void fill(void *dst, hb_variant v, uint64_t seed, uint64_t stream, int64_t count) {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < count; i++) {
        double r = hb__rand_uniform(seed, stream, (uint64_t)i, -1.0, 1.0);
        switch (v) {
        case HB_F64:
            ((double *)dst)[i] = r;
            break;
        case HB_F32:
            ((float *)dst)[i] = (float)r;
            break;
        case HB_TF32:
            ((float *)dst)[i] = round_tf32((float)r);
            break;
        case HB_FP8:
            ((uint8_t *)dst)[i] = f32_to_e4m3((float)r);
            break;
        case HB_F16:
            ((uint16_t *)dst)[i] = hb__f32_to_f16((float)r);
            break;
        case HB_BF16:
            ((uint16_t *)dst)[i] = hb__f32_to_bf16((float)r);
            break;
        case HB_I8:
            ((int8_t *)dst)[i] =
                (int8_t)((int)(hb__rand_u64(seed, stream, (uint64_t)i) & 0xff) - 128);
            break;
        default:
            break;
        }
    }
}

static long double in_at(const void *p, hb_variant v, int64_t i) {
    switch (v) {
    case HB_F64:
        return ((const double *)p)[i];
    case HB_F32:
    case HB_TF32:
        return ((const float *)p)[i];
    case HB_FP8:
        return e4m3_to_f32(((const uint8_t *)p)[i]);
    case HB_F16:
        return hb__f16_to_f32(((const uint16_t *)p)[i]);
    case HB_BF16:
        return hb__bf16_to_f32(((const uint16_t *)p)[i]);
    case HB_I8:
        return ((const int8_t *)p)[i];
    default:
        return 0;
    }
}

static long double out_at(const void *p, hb_variant v, int64_t i) {
    switch (v) {
    case HB_F64:
        return ((const double *)p)[i];
    case HB_I8:
        return ((const int32_t *)p)[i];
    default:
        return ((const float *)p)[i];
    }
}

static hb_status gemm_setup(hb_problem *p, char *err, size_t errlen) {
    hb_variant v = p->variant;
    if (!(GEMM_VARIANTS & HB_VARIANT_BIT(v))) return HB_UNSUPPORTED;
    int64_t m = p->size.m, n = p->size.n, k = p->size.k;
    if (m <= 0 || n <= 0 || k <= 0) {
        hb__set_err(err, errlen, "gemm: m, n, k must be > 0 (got %lldx%lldx%lld)", (long long)m,
                    (long long)n, (long long)k);
        return HB_E_INVALID;
    }
    if (v == HB_I8 && k > 131071) {
        hb__set_err(err, errlen, "gemm i8: k = %lld exceeds 131071, int32 could overflow",
                    (long long)k);
        return HB_E_INVALID;
    }
    size_t es = hb__variant_elem_size(v), os = out_elem_size(v);
    char what[96];
    snprintf(what, sizeof what, "gemm %s %lldx%lldx%lld", hb_variant_name(v), (long long)m,
             (long long)n, (long long)k);
    double need = (double)es * ((double)m * (double)k + (double)k * (double)n) +
                  (double)os * (double)m * (double)n;
    hb_status fits = hb__check_fits(need, what, err, errlen);
    if (fits != HB_OK) return fits;
    hb_gemm_data *d = calloc(1, sizeof *d);
    void *A = hb__alloc_array((uint64_t)m, (uint64_t)k, es);
    void *B = hb__alloc_array((uint64_t)k, (uint64_t)n, es);
    void *C = hb__alloc_array((uint64_t)m, (uint64_t)n, os);
    if (!d || !A || !B || !C) {
        free(d), hb__free(A), hb__free(B), hb__free(C);
        hb__set_err(err, errlen, "gemm: cannot allocate %lldx%lldx%lld %s", (long long)m,
                    (long long)n, (long long)k, hb_variant_name(v));
        return HB_E_NOMEM;
    }
    fill(A, v, p->seed, 11, m * k);
    fill(B, v, p->seed, 12, k * n);
    /* junk output, so a kernel that writes nothing cannot pass */
    if (v == HB_F64)
        fill(C, HB_F64, p->seed, 13, m * n);
    else if (v == HB_I8) {
        int32_t *c = C;
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < m * n; i++)
            c[i] = (int32_t)(hb__rand_u64(p->seed, 13, (uint64_t)i) >> 40);
    } else
        fill(C, HB_F32, p->seed, 13, m * n);
    d->A = A, d->B = B, d->C = C;
    p->data = d;
    return HB_OK;
}

/* ---- verification ----
 *
 * The inputs are independent and zero-mean (uniform in [-1, 1)), so the rounding error of a
 * k-term dot product in any round-to-nearest summation order (sequential, blocked, FMA) is a
 * random walk: |C - AB|_ij is of the order of u·‖A(i,:)‖₂·‖B(:,j)‖₂, whatever k (Higham &
 * Mary's probabilistic bound). Measured on correct results (base, OpenBLAS, plain sequential
 * loops) up to k = 16384: at most 1.5·u in the metrics below. The thresholds allow 16·u for
 * f64 and f32. f16, bf16, tf32 and fp8 get 2·√k·u more, so that hardware that accumulates with
 * truncation (tensor cores, BFDOT) is not rejected; tf32 and fp8 inputs are exact in their format
 * (fill), so u is fp32's, and fp8 has a term for the MMA's short partial sums (gemm_tolerance). For
 * k <= 16 the element-wise threshold is also rigorous (Σ|a||b| <= ‖a‖₂‖b‖₂). u_ref terms cover the
 * check's own long double arithmetic.
 *
 * Freivalds alone cannot see one wrong element smaller than ~√n times the per-element noise;
 * the element-wise check can: every element when m·n·k <= 2^24, else 4096 seeded elements.
 * Loops run down the columns (column-major data) and are parallel over row blocks. */
#define GEMM_VERIFY_SAMPLES 4096

static double gemm_tolerance(hb_variant var, int64_t k, int64_t n) {
    /* tf32: the inputs are tf32-exact (fill), so only the fp32 accumulation is left, as for
       f16 and bf16 */
    const double u = var == HB_TF32 ? 0x1p-24 : hb__variant_unit_roundoff(var);
    const double uref = (double)(LDBL_EPSILON / 2);
    double t = 16.0 * u + 16.0 * (sqrt((double)k) + sqrt((double)n)) * uref;
    if (var == HB_F16 || var == HB_BF16 || var == HB_TF32 || var == HB_FP8)
        t += 2.0 * sqrt((double)k) * u;
    /* fp8: the inputs are e4m3-exact and their products exact in fp32, but Hopper's fp8 MMA keeps
       only ~14 bits of a partial sum inside a block of k steps before the library adds it into
       fp32 (cuBLASLt without fast accumulation promotes every few k steps): room for truncation
       inside blocks of up to 256 steps */
    if (var == HB_FP8) t += 2.0 * sqrt((double)(k < 256 ? k : 256)) * 0x1p-13;
    return t;
}

/* y[0..m) = M·x for a column-major m x c matrix of the variant's input or output type */
static void matvec(const void *M, int out_type, hb_variant var, int64_t m, int64_t c,
                   const long double *x, long double *y) {
#pragma omp parallel
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int64_t r0 = m * t / nt, r1 = m * (t + 1) / nt;
        for (int64_t i = r0; i < r1; i++) y[i] = 0;
        for (int64_t j = 0; j < c; j++) {
            const long double xj = x[j];
            for (int64_t i = r0; i < r1; i++)
                y[i] += (out_type ? out_at(M, var, i + j * m) : in_at(M, var, i + j * m)) * xj;
        }
    }
}

static hb_status gemm_verify(const hb_problem *p, hb_verification *v) {
    const hb_gemm_data *d = p->data;
    hb_variant var = p->variant;
    int64_t m = p->size.m, n = p->size.n, k = p->size.k;
    const int nvec = 3, exact = var == HB_I8;
    long double *x = malloc((size_t)n * sizeof *x), *bx = malloc((size_t)k * sizeof *bx);
    long double *y = malloc((size_t)m * sizeof *y), *z = malloc((size_t)m * sizeof *z);
    long double *arow = calloc((size_t)m, sizeof *arow), *bcol = calloc((size_t)n, sizeof *bcol);
    if (!x || !bx || !y || !z || !arow || !bcol) {
        free(x), free(bx), free(y), free(z), free(arow), free(bcol);
        return HB_E_NOMEM;
    }

    /* ‖A(i,:)‖₂ (down the columns, parallel over row blocks), ‖B(:,j)‖₂ and ‖B‖_F */
#pragma omp parallel
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int64_t r0 = m * t / nt, r1 = m * (t + 1) / nt;
        for (int64_t l = 0; l < k; l++)
            for (int64_t i = r0; i < r1; i++) {
                long double a = in_at(d->A, var, i + l * m);
                arow[i] += a * a;
            }
        for (int64_t i = r0; i < r1; i++) arow[i] = sqrtl(arow[i]);
    }
    long double bf = 0;
#pragma omp parallel for schedule(static) reduction(+ : bf)
    for (int64_t j = 0; j < n; j++) {
        long double s = 0;
        for (int64_t l = 0; l < k; l++) {
            long double b = in_at(d->B, var, l + j * k);
            s += b * b;
        }
        bcol[j] = sqrtl(s);
        bf += s;
    }
    bf = sqrtl(bf);

    /* 1. Freivalds: y = C·x, z = A·(B·x) */
    double worst = 0.0;
    for (int t = 0; t < nvec; t++) {
        for (int64_t j = 0; j < n; j++)
            x[j] = (hb__rand_u64(p->seed ^ 0x5eedULL, 100 + t, (uint64_t)j) & 1) ? 1.0L : -1.0L;
        matvec(d->B, 0, var, k, n, x, bx);
        matvec(d->C, 1, var, m, n, x, y);
        matvec(d->A, 0, var, m, k, bx, z);
        for (int64_t i = 0; i < m; i++) {
            long double scale = arow[i] * bf;
            double r;
            if (exact)
                r = (y[i] == z[i]) ? 0.0 : INFINITY;
            else
                r = scale > 0 ? (double)(fabsl(y[i] - z[i]) / scale) : (double)fabsl(y[i] - z[i]);
            if (!(r <= worst)) worst = isnan(r) ? INFINITY : r;
        }
    }
    const double thr = exact ? 0.0 : gemm_tolerance(var, k, n);

    /* 2. element-wise: |C - AB|_ij / (‖A(i,:)‖₂‖B(:,j)‖₂) against the same tolerance */
    int64_t total = m * n;
    int full = (double)m * (double)n * (double)k <= 16777216.0;
    int64_t count = full ? total : GEMM_VERIFY_SAMPLES;
    double ew_worst = 0.0;
#pragma omp parallel for schedule(dynamic, 16) reduction(max : ew_worst)
    for (int64_t s = 0; s < count; s++) {
        int64_t idx =
            full ? s
                 : (int64_t)(hb__rand_u64(p->seed ^ 0xe1e3ULL, 7, (uint64_t)s) % (uint64_t)total);
        int64_t i = idx % m, j = idx / m;
        long double ref = 0;
        for (int64_t l = 0; l < k; l++)
            ref += in_at(d->A, var, i + l * m) * in_at(d->B, var, l + j * k);
        long double diff = fabsl(out_at(d->C, var, idx) - ref);
        long double scale = arow[i] * bcol[j];
        double r;
        if (exact)
            r = diff == 0 ? 0.0 : INFINITY;
        else
            r = (double)(diff / (scale > 0 ? scale : LDBL_MIN));
        if (!(r <= ew_worst)) ew_worst = isnan(r) ? INFINITY : r;
    }
    free(x), free(bx), free(y), free(z), free(arow), free(bcol);

    v->metric_name = exact ? "freivalds_abs_err" : "freivalds_rel_err";
    v->metric = worst;
    v->threshold = thr;
    v->passed = worst <= thr && ew_worst <= thr;
    snprintf(v->detail, sizeof v->detail,
             "Freivalds with %d random ±1 vectors (%s); element-wise, %s %lld elements: worst "
             "|C-AB|/(‖A(i,:)‖‖B(:,j)‖) = %.3g (threshold %.3g)",
             nvec, exact ? "exact integers" : "long double", full ? "all" : "sampled",
             (long long)count, ew_worst, thr);
    return HB_OK;
}

static void gemm_corrupt(hb_problem *p) {
    hb_gemm_data *d = p->data;
    int64_t idx = (p->size.m * p->size.n) / 2 + p->size.m / 3;
    switch (p->variant) {
    case HB_F64:
        ((double *)d->C)[idx] += 1e-3 * (1.0 + fabs(((double *)d->C)[idx]));
        break;
    case HB_I8:
        ((int32_t *)d->C)[idx] += 1;
        break;
    case HB_FP8: { /* fp8's threshold is coarse (~4e-3·‖A(i,:)‖‖B(:,j)‖, and ‖·‖‖·‖ <= k):
                      move the element by 2 % of k, at least 5 × the threshold */
        float *c = &((float *)d->C)[idx];
        *c += (*c >= 0 ? 1.0f : -1.0f) * (0.02f * (float)p->size.k + 1.0f);
        break;
    }
    default: /* f32 accumulation noise at large k is ~1e-5 relative; make it unmistakable */
        ((float *)d->C)[idx] = 2.0f * ((float *)d->C)[idx] + 1.0f;
        break;
    }
}

static void gemm_teardown(hb_problem *p) {
    hb_gemm_data *d = p->data;
    if (!d) return;
    hb__free((void *)d->A), hb__free((void *)d->B), hb__free(d->C);
    free(d);
    p->data = NULL;
}

const hb_kernel hb__kernel_gemm = {
    .name = "gemm",
    .description = "dense matrix multiply C = A·B",
    .category = HB_CAT_HPC,
    .variants = GEMM_VARIANTS,
    .size_dims = 3,
    .rate_basis = HB_RATE_OPS,
    .default_size = gemm_default_size,
    .op_count = gemm_ops,
    .op_formula = "2·m·n·k",
    .byte_count = gemm_bytes,
    .byte_formula = "sizeof(in)·(m·k + k·n) + sizeof(out)·m·n (each matrix once)",
    .rate_unit = gemm_unit,
    .setup = gemm_setup,
    .verify = gemm_verify,
    .corrupt = gemm_corrupt,
    .teardown = gemm_teardown,
};

/* ---- CPU base implementation: the project's own packed GEMM (kernels/gemm/gemm_base.c) ---- */
typedef struct gemm_cpu {
    hb_problem *p;
    char detail[256];
} gemm_cpu;

static hb_status gemm_cpu_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                size_t n) {
    (void)dev;
    if (hb__gemm_isa_env_check(err, n) != 0) return HB_E_INVALID;
    gemm_cpu *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    snprintf(s->detail, sizeof s->detail, "%s", hb__gemm_describe(hb_variant_name(p->variant)));
    if (hb__gemm_reserve(hb_variant_name(p->variant)) != 0) { /* no allocation when timed */
        free(s);
        hb__set_err(err, n, "gemm: cannot allocate the packing workspaces");
        return HB_E_NOMEM;
    }
    *state = s;
    return HB_OK;
}

static hb_status gemm_cpu_run(void *state) {
    gemm_cpu *s = state;
    hb_gemm_data *d = s->p->data;
    int64_t m = s->p->size.m, n = s->p->size.n, k = s->p->size.k;
    long failures = hb__gemm_failures();
    switch (s->p->variant) {
    case HB_F64:
        hb__gemm_f64(m, n, k, 1.0, d->A, m, d->B, k, 0.0, d->C, m);
        break;
    case HB_F32:
        hb__gemm_f32(m, n, k, 1.0f, d->A, m, d->B, k, 0.0f, d->C, m);
        break;
    case HB_F16:
        hb__gemm_f16(m, n, k, d->A, m, d->B, k, d->C, m);
        break;
    case HB_BF16:
        hb__gemm_bf16(m, n, k, d->A, m, d->B, k, d->C, m);
        break;
    case HB_I8:
        hb__gemm_i8(m, n, k, d->A, m, d->B, k, d->C, m);
        break;
    default:
        return HB_UNSUPPORTED;
    }
    if (hb__gemm_failures() != failures) return HB_E_NOMEM; /* packing workspace */
    return HB_OK;
}

static void gemm_cpu_teardown(void *state) {
    free(state);
}
static const char *gemm_cpu_detail(void *state) {
    return ((gemm_cpu *)state)->detail;
}

const hb_impl hb__gemm_cpu_base = {
    .kernel = "gemm",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = GEMM_CPU_VARIANTS,
    .setup = gemm_cpu_setup,
    .run = gemm_cpu_run,
    .teardown = gemm_cpu_teardown,
    .detail = gemm_cpu_detail,
};
