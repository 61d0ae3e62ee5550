/* hetbench — lu: the HPL-like solve of A x = b in f64.
 *
 * LU factorisation with partial pivoting, then the two triangular solves. Counted as HPL
 * counts it: 2/3·n³ + 2·n². A and b are uniform in [-0.5, 0.5) like HPL's generator.
 * Pass rule (HPL): ‖Ax − b‖∞ / (ε·(‖A‖∞·‖x‖∞ + ‖b‖∞)·n) < 16, ε = 2^-53, with the residual
 * evaluated in long double.
 *
 * Sizes: quick n = 2000 (deliberately not a multiple of any block size); node: the largest n
 * whose two n×n matrices (the original A, kept for the residual, and the working copy that
 * the factorisation overwrites) fit in mem_fraction of memory (default 1/4), rounded down to
 * a multiple of 8. */
#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/gemm/gemm_base.h"
#include "kernels/lu/lu_base.h"

static hb_status lu_default_size(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out) {
    (void)v, (void)op;
    memset(out, 0, sizeof *out);
    if (ctx->suite == HB_SUITE_QUICK) {
        out->n = 2000;
        return HB_OK;
    }
    double frac = ctx->mem_fraction > 0 ? ctx->mem_fraction : 0.25;
    double mem = ctx->mem_bytes ? (double)ctx->mem_bytes : 4e9;
    int64_t n = (int64_t)sqrt(frac * mem / (2.0 * sizeof(double)));
    n = n / 8 * 8;
    if (n < 1000) n = 1000;
    out->n = n;
    return HB_OK;
}

static double lu_ops(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op;
    double n = (double)s->n;
    return 2.0 / 3.0 * n * n * n + 2.0 * n * n;
}

static double lu_bytes(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op;
    return 8.0 * (double)s->n * (double)s->n;
}

static const char *lu_unit(hb_variant v) {
    (void)v;
    return "GFLOP/s";
}

static hb_status lu_setup(hb_problem *p, char *err, size_t errlen) {
    if (p->variant != HB_F64) return HB_UNSUPPORTED;
    int64_t n = p->size.n;
    if (n <= 0) {
        hb__set_err(err, errlen, "lu: n must be > 0 (got %lld)", (long long)n);
        return HB_E_INVALID;
    }
    char what[64];
    snprintf(what, sizeof what, "lu n = %lld (two n x n matrices)", (long long)n);
    hb_status fits = hb__check_fits(16.0 * (double)n * (double)n, what, err, errlen);
    if (fits != HB_OK) return fits;
    hb_lu_data *d = calloc(1, sizeof *d);
    double *A = hb__alloc_array((uint64_t)n, (uint64_t)n, sizeof(double));
    double *b = hb__alloc((size_t)n * sizeof(double)), *x = hb__alloc((size_t)n * sizeof(double));
    if (!d || !A || !b || !x) {
        free(d), hb__free(A), hb__free(b), hb__free(x);
        hb__set_err(err, errlen, "lu: cannot allocate a %lld x %lld matrix", (long long)n,
                    (long long)n);
        return HB_E_NOMEM;
    }
    uint64_t seed = p->seed;
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < n; i++)
            A[i + j * n] = hb__rand_uniform(seed, 21, (uint64_t)(i + j * n), -0.5, 0.5);
    for (int64_t i = 0; i < n; i++) {
        b[i] = hb__rand_uniform(seed, 22, (uint64_t)i, -0.5, 0.5);
        x[i] = hb__rand_uniform(seed, 23, (uint64_t)i, -0.5, 0.5); /* junk until solved */
    }
    d->A = A, d->b = b, d->x = x;
    p->data = d;
    return HB_OK;
}

static hb_status lu_verify(const hb_problem *p, hb_verification *v) {
    const hb_lu_data *d = p->data;
    int64_t n = p->size.n;
    long double rmax = 0, anorm = 0, xnorm = 0, bnorm = 0;
    int finite = 1;
    for (int64_t i = 0; i < n; i++) {
        if (!isfinite(d->x[i])) finite = 0;
        if (fabsl((long double)d->x[i]) > xnorm) xnorm = fabsl((long double)d->x[i]);
        if (fabsl((long double)d->b[i]) > bnorm) bnorm = fabsl((long double)d->b[i]);
    }
    /* r = Ax - b and the row sums of |A|, down the columns (A is column-major: a row-wise walk
       would miss the TLB on every element at node sizes), parallel over row blocks */
    long double *r = malloc((size_t)n * sizeof *r), *rowsum = malloc((size_t)n * sizeof *rowsum);
    if (!r || !rowsum) {
        free(r), free(rowsum);
        return HB_E_NOMEM;
    }
#pragma omp parallel reduction(max : rmax, anorm)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int64_t r0 = n * t / nt, r1 = n * (t + 1) / nt;
        for (int64_t i = r0; i < r1; i++) r[i] = -(long double)d->b[i], rowsum[i] = 0;
        for (int64_t j = 0; j < n; j++) {
            const double *col = d->A + j * n;
            const long double xj = d->x[j];
            for (int64_t i = r0; i < r1; i++) {
                r[i] += (long double)col[i] * xj;
                rowsum[i] += fabsl((long double)col[i]);
            }
        }
        for (int64_t i = r0; i < r1; i++) {
            if (fabsl(r[i]) > rmax) rmax = fabsl(r[i]);
            if (rowsum[i] > anorm) anorm = rowsum[i];
        }
    }
    free(r), free(rowsum);
    const double eps = 0x1p-53;
    double resid = (double)(rmax / ((long double)eps * (anorm * xnorm + bnorm) * (long double)n));
    if (!finite || isnan(resid)) resid = INFINITY;
    v->metric_name = "hpl_scaled_residual";
    v->metric = resid;
    v->threshold = 16.0;
    v->passed = resid < 16.0;
    snprintf(v->detail, sizeof v->detail,
             "HPL: ||Ax-b||_inf / (eps*(||A||_inf*||x||_inf+||b||_inf)*n), eps=2^-53, long double");
    return HB_OK;
}

static void lu_corrupt(hb_problem *p) {
    hb_lu_data *d = p->data;
    d->x[p->size.n / 2] *= 1.0 + 1e-6;
}

static void lu_teardown(hb_problem *p) {
    hb_lu_data *d = p->data;
    if (!d) return;
    hb__free((void *)d->A), hb__free((void *)d->b), hb__free(d->x);
    free(d);
    p->data = NULL;
}

const hb_kernel hb__kernel_lu = {
    .name = "lu",
    .description = "HPL-like solve of Ax=b: LU with partial pivoting + triangular solves",
    .category = HB_CAT_HPC,
    .variants = HB_VARIANT_BIT(HB_F64),
    .size_dims = 1,
    .rate_basis = HB_RATE_OPS,
    .default_size = lu_default_size,
    .op_count = lu_ops,
    .op_formula = "2/3·n³ + 2·n² (HPL)",
    .byte_count = lu_bytes,
    .byte_formula = "8·n² (the matrix once)",
    .rate_unit = lu_unit,
    .setup = lu_setup,
    .verify = lu_verify,
    .corrupt = lu_corrupt,
    .teardown = lu_teardown,
};

/* ---- CPU base implementation: the project's own blocked right-looking LU on the base GEMM.
   reset() (untimed) copies the original A and b into the working arrays; run() factors and
   solves in place. ---- */
typedef struct lu_cpu {
    hb_problem *p;
    double *work;
    int64_t *ipiv;
    char detail[160];
} lu_cpu;

static hb_status lu_cpu_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                              size_t errlen) {
    (void)dev;
    if (hb__gemm_isa_env_check(err, errlen) != 0) return HB_E_INVALID; /* its update is the GEMM */
    int64_t n = p->size.n;
    lu_cpu *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    s->work = hb__alloc_array((uint64_t)n, (uint64_t)n, sizeof(double));
    s->ipiv = hb__alloc((size_t)n * sizeof(int64_t));
    if (!s->work || !s->ipiv) {
        hb__free(s->work), hb__free(s->ipiv), free(s);
        hb__set_err(err, errlen, "lu: cannot allocate the working matrix (n = %lld)", (long long)n);
        return HB_E_NOMEM;
    }
    snprintf(s->detail, sizeof s->detail, "%s", hb__lu_describe(n));
    /* the look-ahead's threads call the GEMM with changing shapes: size every thread's packing
       workspace now, so that no timed repetition allocates */
    if (hb__gemm_reserve("f64") != 0) {
        hb__free(s->work), hb__free(s->ipiv), free(s);
        hb__set_err(err, errlen, "lu: cannot allocate the GEMM packing workspaces");
        return HB_E_NOMEM;
    }
    *state = s;
    return HB_OK;
}

/* Shared by base and peak: copy A into the working matrix (first touch by the team) and b
   into x. */
void hb__lu_reset_copy(const hb_problem *p, double *work) {
    const hb_lu_data *d = p->data;
    int64_t n = p->size.n;
#pragma omp parallel for schedule(static)
    for (int64_t j = 0; j < n; j++) memcpy(work + j * n, d->A + j * n, (size_t)n * sizeof(double));
    memcpy(d->x, d->b, (size_t)n * sizeof(double));
}

static hb_status lu_cpu_reset(void *state) {
    lu_cpu *s = state;
    hb__lu_reset_copy(s->p, s->work);
    return HB_OK;
}

static hb_status lu_cpu_run(void *state) {
    lu_cpu *s = state;
    hb_lu_data *d = s->p->data;
    int64_t n = s->p->size.n;
    long failures = hb__gemm_failures();
    if (hb__lu_factor(n, s->work, n, s->ipiv, 0) != 0) return HB_E_RUNTIME; /* singular */
    if (hb__gemm_failures() != failures) return HB_E_NOMEM; /* GEMM packing workspace */
    hb__lu_solve(n, s->work, n, s->ipiv, d->x);
    return HB_OK;
}

static void lu_cpu_teardown(void *state) {
    lu_cpu *s = state;
    hb__free(s->work), hb__free(s->ipiv), free(s);
}

static const char *lu_cpu_detail(void *state) {
    return ((lu_cpu *)state)->detail;
}

const hb_impl hb__lu_cpu_base = {
    .kernel = "lu",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F64),
    .setup = lu_cpu_setup,
    .reset = lu_cpu_reset,
    .run = lu_cpu_run,
    .teardown = lu_cpu_teardown,
    .detail = lu_cpu_detail,
};
