/* hetbench — stream: STREAM's copy, scale, add and triad (McCalpin), f64 and f32.
 *
 * Sizes: each array holds at least 4 × the sum of all last-level caches (STREAM's rule), so
 * that the kernel measures memory, not cache. Bytes are counted as STREAM counts them: copy
 * and scale move 2 arrays, add and triad 3 (write-allocate traffic is not counted).
 *
 * Unlike STREAM's single timed loop over all four operations, each operation is its own
 * measurement on its own freshly generated arrays: the operation is idempotent, so the output
 * after any number of repetitions is checked element by element against the host reference
 * (a kernel that skips work or writes stale data fails). */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const stream_ops[] = {"copy", "scale", "add", "triad"};
#define STREAM_SCALAR 3.0

static hb_status stream_default_size(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out) {
    (void)op;
    size_t es = hb__variant_elem_size(v);
    uint64_t llc = ctx->llc_bytes_total ? ctx->llc_bytes_total : (64u << 20);
    uint64_t n = 4 * llc / es;
    /* never below 2^22 elements; rounded to a multiple of 1024 */
    if (n < (1u << 22)) n = 1u << 22;
    n = (n + 1023) / 1024 * 1024;
    /* keep the three arrays under half of memory */
    if (ctx->mem_bytes && 3 * n * es > ctx->mem_bytes / 2) n = ctx->mem_bytes / 2 / (3 * es);
    memset(out, 0, sizeof *out);
    out->n = (int64_t)n;
    return HB_OK;
}

static double stream_arrays(int op) {
    return (op == HB_STREAM_ADD || op == HB_STREAM_TRIAD) ? 3 : 2;
}

static double stream_ops_count(hb_variant v, int op, const hb_size *s) {
    (void)v;
    /* scale 1 multiply, add 1 add, triad 2 (one FMA) per element; copy none */
    static const double per[] = {0, 1, 1, 2};
    return per[op] * (double)s->n;
}

static double stream_bytes(hb_variant v, int op, const hb_size *s) {
    return stream_arrays(op) * (double)s->n * (double)hb__variant_elem_size(v);
}

static const char *stream_unit(hb_variant v) {
    (void)v;
    return "GB/s";
}

static hb_status stream_setup(hb_problem *p, char *err, size_t errlen) {
    if (p->variant != HB_F64 && p->variant != HB_F32) return HB_UNSUPPORTED;
    int64_t n = p->size.n;
    if (n <= 0) {
        hb__set_err(err, errlen, "stream: n must be > 0 (got %lld)", (long long)n);
        return HB_E_INVALID;
    }
    size_t es = hb__variant_elem_size(p->variant);
    char what[64];
    snprintf(what, sizeof what, "stream %s n = %lld (three arrays)", hb_variant_name(p->variant),
             (long long)n);
    hb_status fits = hb__check_fits(3.0 * (double)n * (double)es, what, err, errlen);
    if (fits != HB_OK) return fits;
    hb_stream_data *d = calloc(1, sizeof *d);
    if (!d) return HB_E_NOMEM;
    d->a = hb__alloc_array((uint64_t)n, 1, es);
    d->b = hb__alloc_array((uint64_t)n, 1, es);
    d->c = hb__alloc_array((uint64_t)n, 1, es);
    d->scalar = STREAM_SCALAR;
    if (!d->a || !d->b || !d->c) {
        hb__free(d->a), hb__free(d->b), hb__free(d->c), free(d);
        hb__set_err(err, errlen, "stream: cannot allocate 3 x %lld elements", (long long)n);
        return HB_E_NOMEM;
    }
    uint64_t seed = p->seed;
    /* first touch with the same static schedule as the kernels */
    if (p->variant == HB_F64) {
        double *a = d->a, *b = d->b, *c = d->c;
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            a[i] = hb__rand_uniform(seed, 1, (uint64_t)i, 1.0, 2.0);
            b[i] = hb__rand_uniform(seed, 2, (uint64_t)i, 1.0, 2.0);
            c[i] = hb__rand_uniform(seed, 3, (uint64_t)i, 1.0, 2.0);
        }
    } else {
        float *a = d->a, *b = d->b, *c = d->c;
#pragma omp parallel for schedule(static)
        for (int64_t i = 0; i < n; i++) {
            a[i] = (float)hb__rand_uniform(seed, 1, (uint64_t)i, 1.0, 2.0);
            b[i] = (float)hb__rand_uniform(seed, 2, (uint64_t)i, 1.0, 2.0);
            c[i] = (float)hb__rand_uniform(seed, 3, (uint64_t)i, 1.0, 2.0);
        }
    }
    p->data = d;
    return HB_OK;
}

/* Expected value of the output element i, from the (unmodified) inputs. */
/* Evaluated in long double: exact for f32 inputs, and for f64 it keeps a fused (FMA) and an
   unfused triad equally far (< 1.5 u) from the reference instead of testing one against the
   other's rounding. */
#define STREAM_EXPECT(op, a, b, c, s, i)                                                           \
    ((op) == HB_STREAM_COPY    ? (long double)(a)[i]                                               \
     : (op) == HB_STREAM_SCALE ? (long double)(s) * (c)[i]                                         \
     : (op) == HB_STREAM_ADD   ? (long double)(a)[i] + (b)[i]                                      \
                               : (long double)(b)[i] + (long double)(s) * (c)[i])

static hb_status stream_verify(const hb_problem *p, hb_verification *v) {
    const hb_stream_data *d = p->data;
    int op = p->op;
    int64_t n = p->size.n;
    double s = d->scalar, maxerr = 0.0;
    if (p->variant == HB_F64) {
        const double *a = d->a, *b = d->b, *c = d->c;
        const double *out = op == HB_STREAM_COPY    ? c
                            : op == HB_STREAM_SCALE ? b
                            : op == HB_STREAM_ADD   ? c
                                                    : a;
#pragma omp parallel for schedule(static) reduction(max : maxerr)
        for (int64_t i = 0; i < n; i++) {
            long double e = STREAM_EXPECT(op, a, b, c, s, i);
            double r = (double)(fabsl(out[i] - e) / fabsl(e));
            if (!(r <= maxerr)) maxerr = isnan(r) ? INFINITY : r;
        }
    } else {
        const float *a = d->a, *b = d->b, *c = d->c;
        const float *out = op == HB_STREAM_COPY    ? c
                           : op == HB_STREAM_SCALE ? b
                           : op == HB_STREAM_ADD   ? c
                                                   : a;
#pragma omp parallel for schedule(static) reduction(max : maxerr)
        for (int64_t i = 0; i < n; i++) {
            /* the inputs of op are never its output, so they still hold the seeded values */
            long double e = STREAM_EXPECT(op, a, b, c, s, i);
            double r = (double)(fabsl(out[i] - e) / fabsl(e));
            if (!(r <= maxerr)) maxerr = isnan(r) ? INFINITY : r;
        }
    }
    v->metric_name = "max_rel_err";
    v->metric = maxerr;
    /* one rounding of the operation (two for a triad without FMA) */
    v->threshold = 2.0 * hb__variant_unit_roundoff(p->variant);
    v->passed = maxerr <= v->threshold;
    snprintf(v->detail, sizeof v->detail,
             "every element of the output array against b+s*c style host reference");
    return HB_OK;
}

static void stream_corrupt(hb_problem *p) {
    hb_stream_data *d = p->data;
    int64_t i = p->size.n / 3;
    void *out = p->op == HB_STREAM_COPY    ? d->c
                : p->op == HB_STREAM_SCALE ? d->b
                : p->op == HB_STREAM_ADD   ? d->c
                                           : d->a;
    if (p->variant == HB_F64)
        ((double *)out)[i] *= 1.0 + 1e-6;
    else
        ((float *)out)[i] *= 1.0f + 1e-3f;
}

static void stream_teardown(hb_problem *p) {
    hb_stream_data *d = p->data;
    if (!d) return;
    hb__free(d->a), hb__free(d->b), hb__free(d->c);
    free(d);
    p->data = NULL;
}

void hb__stream_op_arrays(int op, unsigned *in, unsigned *out) {
    switch (op) {
    case HB_STREAM_COPY:
        *in = 1, *out = 4;
        break;
    case HB_STREAM_SCALE:
        *in = 4, *out = 2;
        break;
    case HB_STREAM_ADD:
        *in = 1 | 2, *out = 4;
        break;
    default:
        *in = 2 | 4, *out = 1;
        break;
    }
}

int hb__stream_count_arrays(unsigned bits) {
    int n = 0;
    for (; bits; bits >>= 1) n += (int)(bits & 1u);
    return n;
}

const hb_kernel hb__kernel_stream = {
    .name = "stream",
    .description = "STREAM copy/scale/add/triad memory bandwidth",
    .category = HB_CAT_MEMORY,
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
    .ops = stream_ops,
    .nops = 4,
    .size_dims = 1,
    .rate_basis = HB_RATE_BYTES,
    .default_size = stream_default_size,
    .op_count = stream_ops_count,
    .op_formula = "copy 0, scale n, add n, triad 2n",
    .byte_count = stream_bytes,
    .byte_formula = "copy, scale: 2·n·sizeof(T); add, triad: 3·n·sizeof(T) (STREAM counting, "
                    "no write-allocate)",
    .rate_unit = stream_unit,
    .setup = stream_setup,
    .verify = stream_verify,
    .corrupt = stream_corrupt,
    .teardown = stream_teardown,
};

/* ---- CPU base implementation: the plain OpenMP loops, same static schedule as the
   first-touch fill ---- */
typedef struct stream_cpu {
    hb_problem *p;
    int nontemporal; /* use streaming stores */
    char detail[200];
} stream_cpu;

#if defined(__x86_64__)
#include <emmintrin.h>
#define HB_STREAM_HAVE_NT 1

/* Streaming (non-temporal) stores. The arrays are several times larger than the caches, so
   an ordinary store first reads every output line (read-for-ownership): the memory moves 4
   arrays for a triad while STREAM counts 3. Writing around the caches makes the traffic equal
   STREAM's count — what tuned STREAM builds do (e.g. -qopt-streaming-stores). SSE2 is part of
   x86-64: no dispatch needed. The vector loops keep the static schedule of the first-touch
   fill (in units of 2 doubles / 4 floats), so each thread still streams its own pages. */
/* One body for both precisions: T the element type, V the SSE vector type, W elements per
   vector, X the intrinsic suffix (pd / ps). */
#define STREAM_NT_FN(name, T, V, W, X)                                                             \
    static void name(int op, T *a, T *b, T *c, T s, int64_t n) {                                   \
        const int64_t nv = n / (W);                                                                \
        const V vs = _mm_set1_##X(s);                                                              \
        _Pragma("omp parallel") {                                                                  \
            switch (op) {                                                                          \
            case HB_STREAM_COPY:                                                                   \
                _Pragma("omp for schedule(static) nowait") for (int64_t j = 0; j < nv; j++)        \
                    _mm_stream_##X(c + (W)*j, _mm_load_##X(a + (W)*j));                            \
                break;                                                                             \
            case HB_STREAM_SCALE:                                                                  \
                _Pragma("omp for schedule(static) nowait") for (int64_t j = 0; j < nv; j++)        \
                    _mm_stream_##X(b + (W)*j, _mm_mul_##X(vs, _mm_load_##X(c + (W)*j)));           \
                break;                                                                             \
            case HB_STREAM_ADD:                                                                    \
                _Pragma("omp for schedule(static) nowait") for (int64_t j = 0; j < nv; j++)        \
                    _mm_stream_##X(c + (W)*j,                                                      \
                                   _mm_add_##X(_mm_load_##X(a + (W)*j), _mm_load_##X(b + (W)*j))); \
                break;                                                                             \
            default:                                                                               \
                _Pragma("omp for schedule(static) nowait") for (int64_t j = 0; j < nv; j++)        \
                    _mm_stream_##X(a + (W)*j,                                                      \
                                   _mm_add_##X(_mm_load_##X(b + (W)*j),                            \
                                               _mm_mul_##X(vs, _mm_load_##X(c + (W)*j))));         \
                break;                                                                             \
            }                                                                                      \
            _mm_sfence(); /* streaming stores are weakly ordered: drain before the barrier */      \
        }                                                                                          \
        for (int64_t i = (W)*nv; i < n; i++) { /* tail */                                          \
            if (op == HB_STREAM_COPY)                                                              \
                c[i] = a[i];                                                                       \
            else if (op == HB_STREAM_SCALE)                                                        \
                b[i] = s * c[i];                                                                   \
            else if (op == HB_STREAM_ADD)                                                          \
                c[i] = a[i] + b[i];                                                                \
            else                                                                                   \
                a[i] = b[i] + s * c[i];                                                            \
        }                                                                                          \
    }

STREAM_NT_FN(stream_nt_f64, double, __m128d, 2, pd)
STREAM_NT_FN(stream_nt_f32, float, __m128, 4, ps)
#endif

static hb_status stream_cpu_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                  size_t n) {
    (void)err, (void)n; /* used where streaming stores exist (HETBENCH_STREAM_NT) */
    stream_cpu *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
#ifdef HB_STREAM_HAVE_NT
    double bytes = 3.0 * (double)p->size.n * (double)hb__variant_elem_size(p->variant);
    uint64_t llc =
        dev && dev->info.llc_bytes_total ? dev->info.llc_bytes_total : hb__llc_bytes_total();
    /* only when the arrays do not fit in the caches: in cache, streaming stores are slower */
    s->nontemporal = llc > 0 && bytes > (double)llc;
    /* tests force either path at any size: HETBENCH_STREAM_NT=0|1 (anything else: an error) */
    static const int k_nt[] = {0, 1};
    int force = hb__env_int_choice("HETBENCH_STREAM_NT", k_nt, 2, -2, err, n);
    if (force == -1) {
        free(s);
        return HB_E_INVALID;
    }
    if (force >= 0) s->nontemporal = force;
#else
    (void)dev;
#endif
    snprintf(s->detail, sizeof s->detail, "OpenMP, static schedule (as the first-touch fill), %s",
             s->nontemporal ? "SSE2 streaming (non-temporal) stores"
                            : "plain loads/stores (parallel for simd)");
    *state = s;
    return HB_OK;
}

#define STREAM_LOOPS(T)                                                                            \
    do {                                                                                           \
        T *restrict a = d->a, *restrict b = d->b, *restrict c = d->c;                              \
        const T s = (T)d->scalar;                                                                  \
        switch (op) {                                                                              \
        case HB_STREAM_COPY:                                                                       \
            _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)      \
                c[i] = a[i];                                                                       \
            break;                                                                                 \
        case HB_STREAM_SCALE:                                                                      \
            _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)      \
                b[i] = s * c[i];                                                                   \
            break;                                                                                 \
        case HB_STREAM_ADD:                                                                        \
            _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)      \
                c[i] = a[i] + b[i];                                                                \
            break;                                                                                 \
        default:                                                                                   \
            _Pragma("omp parallel for simd schedule(static)") for (int64_t i = 0; i < n; i++)      \
                a[i] = b[i] + s * c[i];                                                            \
            break;                                                                                 \
        }                                                                                          \
    } while (0)

static hb_status stream_cpu_run(void *state) {
    stream_cpu *st = state;
    hb_stream_data *d = st->p->data;
    int64_t n = st->p->size.n;
    int op = st->p->op;
#ifdef HB_STREAM_HAVE_NT
    if (st->nontemporal) {
        if (st->p->variant == HB_F64)
            stream_nt_f64(op, d->a, d->b, d->c, d->scalar, n);
        else
            stream_nt_f32(op, d->a, d->b, d->c, (float)d->scalar, n);
        return HB_OK;
    }
#endif
    if (st->p->variant == HB_F64)
        STREAM_LOOPS(double);
    else
        STREAM_LOOPS(float);
    return HB_OK;
}

static void stream_cpu_teardown(void *state) {
    free(state);
}

static const char *stream_cpu_detail(void *state) {
    return ((stream_cpu *)state)->detail;
}

const hb_impl hb__stream_cpu_base = {
    .kernel = "stream",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
    .setup = stream_cpu_setup,
    .run = stream_cpu_run,
    .teardown = stream_cpu_teardown,
    .detail = stream_cpu_detail,
};
