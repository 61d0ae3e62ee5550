/*
 * Dev tool for kernels/lu/lu_base.c: correctness checks + benchmark against
 * LAPACKE_dgetrf/dgetrs (OpenBLAS).
 *
 * GEMM used by the base LU:
 *   -DLU_SELFTEST_CBLAS_GEMM : a stand-in hb__gemm_f64 defined below
 *       (OpenMP split over columns, each thread calling single-threaded
 *       OpenBLAS cblas_dgemm), for use while kernels/gemm/ is not ready;
 *   otherwise                : link kernels/gemm/gemm_base.c (the real one).
 *
 * Build (stand-in):
 *   gcc -O3 -std=c11 -fopenmp -Wall -Wextra -Werror -DLU_SELFTEST_CBLAS_GEMM \
 *       kernels/lu/lu_base.c kernels/lu/lu_selftest.c -lopenblas -llapacke -lm
 * Build (project GEMM):
 *   gcc -O3 -std=c11 -fopenmp -Wall -Wextra -Werror \
 *       kernels/lu/lu_base.c kernels/lu/lu_selftest.c kernels/gemm/gemm_base.c \
 *       -lopenblas -llapacke -lm
 * Run:
 *   OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 OMP_PROC_BIND=close OMP_PLACES=cores \
 *       ./a.out [check] [bench [n ...]] [nb=NB] [reps=R]
 *   (no argument: check, then bench at 4000 8000 12000)
 */
#define _POSIX_C_SOURCE 200809L
#include "lu_base.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>
#include <omp.h>

#ifdef LU_SELFTEST_CBLAS_GEMM
/* Stand-in with the agreed interface of kernels/gemm/gemm_base.h. OpenBLAS
   (pthreads build) is kept at 1 thread while the base LU runs: the columns
   of C are split over omp_get_max_threads() OpenMP threads, so when lu_base
   sets its per-thread ICV to 1 inside its look-ahead region the call is
   serial on the calling thread, as the real hb__gemm_f64 would be. */
void hb__gemm_f64(int64_t m, int64_t n, int64_t k, double alpha, const double *A, int64_t lda,
                  const double *B, int64_t ldb, double beta, double *C, int64_t ldc);
void hb__gemm_f64(int64_t m, int64_t n, int64_t k, double alpha, const double *A, int64_t lda,
                  const double *B, int64_t ldb, double beta, double *C, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    const int nt = (int)((n < 64 || m * n * k < 64 * 64 * 64) ? 1 : omp_get_max_threads());
#pragma omp parallel num_threads(nt) default(none)                                                 \
    firstprivate(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc)
    {
        const int t = omp_get_thread_num(), p = omp_get_num_threads();
        /* column range of this thread, multiples of 8 where possible */
        const int64_t per = ((n + p - 1) / p + 7) / 8 * 8;
        const int64_t j0 = t * per;
        const int64_t j1 = j0 + per < n ? j0 + per : n;
        if (j0 < j1)
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)m, (int)(j1 - j0), (int)k,
                        alpha, A, (int)lda, B + j0 * ldb, (int)ldb, beta, C + j0 * ldc, (int)ldc);
    }
}
#define GEMM_NAME "CBLAS stand-in (OpenMP column split over 1-thread OpenBLAS dgemm)"
#else
#include "../gemm/gemm_base.h"
#define GEMM_NAME "kernels/gemm hb__gemm_f64"
#endif

/* ---- helpers ---------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double urand(void) /* splitmix64 -> uniform(-0.5, 0.5) */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * (1.0 / 9007199254740992.0) - 0.5;
}

static void *xmalloc(size_t bytes) {
    void *p = NULL;
    if (bytes == 0) bytes = 64;
    if (posix_memalign(&p, 64, bytes) != 0) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

static void fill_random(int64_t n, double *A, int64_t lda) {
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = 0; i < lda; ++i)
            A[i + j * lda] = i < n ? urand() : -777.0; /* padding must stay untouched */
}

/* HPL scaled residual ||Ax-b||_inf / (eps * (||A||_inf ||x||_inf + ||b||_inf) * n). */
static double scaled_residual(int64_t n, const double *A, int64_t lda, const double *x,
                              const double *b) {
    double *r = xmalloc((size_t)n * sizeof(double));
    double *rowsum = xmalloc((size_t)n * sizeof(double));
    for (int64_t i = 0; i < n; ++i) {
        r[i] = -b[i];
        rowsum[i] = 0.0;
    }
    for (int64_t j = 0; j < n; ++j) { /* column-oriented: A x and row sums of |A| */
        const double *a = A + j * lda;
        const double xj = x[j];
        for (int64_t i = 0; i < n; ++i) {
            r[i] += a[i] * xj;
            rowsum[i] += fabs(a[i]);
        }
    }
    double rn = 0, an = 0, xn = 0, bn = 0;
    for (int64_t i = 0; i < n; ++i) {
        rn = fmax(rn, fabs(r[i]));
        an = fmax(an, rowsum[i]);
        xn = fmax(xn, fabs(x[i]));
        bn = fmax(bn, fabs(b[i]));
    }
    free(r);
    free(rowsum);
    return rn / (DBL_EPSILON * (an * xn + bn) * (double)n);
}

/* ---- correctness ------------------------------------------------------ */

static int failures = 0;

/* Factor + solve a copy of A (n x n, leading dim lda); check the residual,
   the untouched padding and, against LAPACKE_dgetrf, the pivots and info. */
static void check_solve(const char *what, int64_t n, const double *A, int64_t lda, int64_t nb) {
    double *F = xmalloc((size_t)(lda * n) * sizeof(double));
    double *b = xmalloc((size_t)n * sizeof(double));
    double *x = xmalloc((size_t)n * sizeof(double));
    int64_t *ipiv = xmalloc((size_t)n * sizeof(int64_t));
    memcpy(F, A, (size_t)(lda * n) * sizeof(double));
    for (int64_t i = 0; i < n; ++i) x[i] = b[i] = urand();

    const int64_t info = hb__lu_factor(n, F, lda, ipiv, nb);
    int ok = info == 0;
    double res = NAN;
    if (ok) {
        hb__lu_solve(n, F, lda, ipiv, x);
        res = scaled_residual(n, A, lda, x, b);
        ok = res < 16.0; /* isnan -> fails */
    }
    int pad_ok = 1;
    for (int64_t j = 0; j < n; ++j)
        for (int64_t i = n; i < lda; ++i) pad_ok &= F[i + j * lda] == -777.0;
    for (int64_t i = 0; i < n; ++i) ok &= ipiv[i] >= i && ipiv[i] < n;
    ok &= pad_ok;

    /* Same pivots as LAPACK? (informative: near-ties may legitimately differ) */
    double *G = xmalloc((size_t)(lda * n) * sizeof(double));
    lapack_int *lp = xmalloc((size_t)n * sizeof(lapack_int));
    memcpy(G, A, (size_t)(lda * n) * sizeof(double));
    const lapack_int linfo =
        LAPACKE_dgetrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, G, (lapack_int)lda, lp);
    int64_t piv_diff = 0;
    for (int64_t i = 0; i < n; ++i) piv_diff += (int64_t)(lp[i] - 1) != ipiv[i];

    printf("  %-22s n=%5lld lda=%5lld nb=%3lld  info=%lld  resid=%8.4f  pivots!=LAPACK: %lld  %s\n",
           what, (long long)n, (long long)lda, (long long)nb, (long long)info, res,
           (long long)piv_diff, ok ? "ok" : "FAIL");
    if (linfo != 0) {
        printf("    LAPACKE_dgetrf info=%d (unexpected)\n", (int)linfo);
        ok = 0;
    }
    failures += !ok;
    free(F);
    free(G);
    free(lp);
    free(b);
    free(x);
    free(ipiv);
}

static void expect_singular(const char *what, int64_t n, const double *A, int64_t nb,
                            int64_t expected) {
    double *F = xmalloc((size_t)(n * n) * sizeof(double));
    int64_t *ipiv = xmalloc((size_t)n * sizeof(int64_t));
    lapack_int *lp = xmalloc((size_t)n * sizeof(lapack_int));
    memcpy(F, A, (size_t)(n * n) * sizeof(double));
    const int64_t info = hb__lu_factor(n, F, n, ipiv, nb);
    memcpy(F, A, (size_t)(n * n) * sizeof(double));
    const lapack_int linfo =
        LAPACKE_dgetrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, F, (lapack_int)n, lp);
    const int ok = info == expected;
    printf("  %-22s n=%5lld nb=%3lld  info=%lld (expected %lld, LAPACK %d)  %s\n", what,
           (long long)n, (long long)nb, (long long)info, (long long)expected, (int)linfo,
           ok ? "ok" : "FAIL");
    failures += !ok;
    free(F);
    free(ipiv);
    free(lp);
}

static void run_checks(void) {
    static const int64_t sizes[] = {1, 2, 3, 17, 100, 255, 257, 513, 1000, 1001};
    static const int64_t nbs[] = {0, 1, 7, 16, 33, 64, 256};
    printf("correctness (threshold: scaled residual < 16)\n");
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
        const int64_t n = sizes[s];
        for (int pad = 0; pad <= 1; ++pad) {
            const int64_t lda = n + (pad ? 5 : 0);
            double *A = xmalloc((size_t)(lda * n) * sizeof(double));
            fill_random(n, A, lda);
            for (size_t t = 0; t < sizeof nbs / sizeof nbs[0]; ++t) {
                if (pad && nbs[t] != 0 && nbs[t] != 33)
                    continue; /* padded lda: a couple of block sizes suffice */
                if (n >= 1000 && nbs[t] == 1) continue; /* nb=1 at n=1000 is just slow */
                check_solve("random", n, A, lda, nbs[t]);
            }
            free(A);
        }
    }

    /* Needs pivoting: zero diagonal, and a permuted identity-like matrix. */
    {
        const int64_t n = 300;
        double *A = xmalloc((size_t)(n * n) * sizeof(double));
        fill_random(n, A, n);
        for (int64_t i = 0; i < n; ++i) A[i + i * n] = 0.0;
        check_solve("zero diagonal", n, A, n, 0);
        check_solve("zero diagonal", n, A, n, 32);
        /* reversal permutation with small noise: every step must pivot */
        for (int64_t j = 0; j < n; ++j)
            for (int64_t i = 0; i < n; ++i)
                A[i + j * n] = (i + j == n - 1) ? 1.0 + urand() : 1e-3 * urand();
        check_solve("anti-diagonal", n, A, n, 0);
        check_solve("anti-diagonal", n, A, n, 16);
        /* 2x2 [[0 1][1 0]] */
        double B[4] = {0.0, 1.0, 1.0, 0.0};
        check_solve("[[0 1][1 0]]", 2, B, 2, 0);
        free(A);
    }

    /* Singular: exactly zero column -> U(j,j) == 0 exactly -> j+1. */
    {
        const int64_t n = 300;
        double *A = xmalloc((size_t)(n * n) * sizeof(double));
        fill_random(n, A, n);
        for (int64_t i = 0; i < n; ++i) A[i + 137 * n] = 0.0;
        expect_singular("zero column 137", n, A, 0, 138);
        expect_singular("zero column 137", n, A, 32, 138);
        expect_singular("zero column 137", n, A, 7, 138);
        fill_random(n, A, n);
        for (int64_t i = 0; i < n; ++i) A[i + 0 * n] = 0.0;
        expect_singular("zero column 0", n, A, 64, 1);
        fill_random(n, A, n);
        for (int64_t i = 0; i < n; ++i) A[i + (n - 1) * n] = 0.0;
        expect_singular("zero last column", n, A, 64, n);
        memset(A, 0, (size_t)(n * n) * sizeof(double));
        expect_singular("zero matrix", 5, A, 0, 1);
        free(A);
    }
    printf("correctness: %s (%d failures)\n\n", failures ? "FAILED" : "all passed", failures);
}

/* ---- benchmark -------------------------------------------------------- */

static double hpl_flops(int64_t n) {
    const double d = (double)n;
    return 2.0 / 3.0 * d * d * d + 2.0 * d * d;
}

static void bench(int64_t n, int64_t nb, int reps) {
    const int64_t lda = n;
    const size_t bytes = (size_t)(n * lda) * sizeof(double);
    double *A0 = xmalloc(bytes), *A = xmalloc(bytes);
    double *b = xmalloc((size_t)n * sizeof(double)), *x = xmalloc((size_t)n * sizeof(double));
    int64_t *ipiv = xmalloc((size_t)n * sizeof(int64_t));
    lapack_int *lp = xmalloc((size_t)n * sizeof(lapack_int));
    fill_random(n, A0, lda);
    for (int64_t i = 0; i < n; ++i) b[i] = urand();

    double tb = 1e300, tl = 1e300, rb = NAN, rl = NAN;
    int64_t info = 0;
    lapack_int linfo = 0;
    for (int r = 0; r < reps; ++r) {
        /* base LU (+ the stand-in GEMM, OpenBLAS kept at 1 thread) */
        openblas_set_num_threads(1);
        memcpy(A, A0, bytes);
        memcpy(x, b, (size_t)n * sizeof(double));
        double t0 = omp_get_wtime();
        info = hb__lu_factor(n, A, lda, ipiv, nb);
        hb__lu_solve(n, A, lda, ipiv, x);
        double t = omp_get_wtime() - t0;
        if (t < tb) tb = t;
        rb = scaled_residual(n, A0, lda, x, b);

        /* LAPACKE dgetrf + dgetrs, OpenBLAS on the same number of threads */
        openblas_set_num_threads(omp_get_max_threads());
        memcpy(A, A0, bytes);
        memcpy(x, b, (size_t)n * sizeof(double));
        t0 = omp_get_wtime();
        linfo =
            LAPACKE_dgetrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)n, A, (lapack_int)lda, lp);
        linfo |= LAPACKE_dgetrs(LAPACK_COL_MAJOR, 'N', (lapack_int)n, 1, A, (lapack_int)lda, lp, x,
                                (lapack_int)n);
        t = omp_get_wtime() - t0;
        if (t < tl) tl = t;
        rl = scaled_residual(n, A0, lda, x, b);
    }
    const double gb = hpl_flops(n) / tb * 1e-9, gl = hpl_flops(n) / tl * 1e-9;
    printf("n=%6lld nb=%3lld  base: %7.3f s %7.2f GFLOP/s (resid %.4f, info %lld)  "
           "LAPACKE: %7.3f s %7.2f GFLOP/s (resid %.4f, info %d)  base/LAPACKE = %.3f\n",
           (long long)n, (long long)(nb ? nb : 0), tb, gb, rb, (long long)info, tl, gl, rl,
           (int)linfo, gb / gl);
    fflush(stdout);
    if (!(rb < 16.0) || info != 0) ++failures;
    free(A0);
    free(A);
    free(b);
    free(x);
    free(ipiv);
    free(lp);
}

/* Reference rate of the GEMM the LU uses, on its dominant shape (rank-256 update). */
static void bench_gemm(int64_t n, int64_t k) {
    double *A = xmalloc((size_t)(n * k) * sizeof(double));
    double *B = xmalloc((size_t)(k * n) * sizeof(double));
    double *C = xmalloc((size_t)(n * n) * sizeof(double));
    for (int64_t i = 0; i < n * k; ++i) {
        A[i] = urand();
        B[i] = urand();
    }
    for (int64_t i = 0; i < n * n; ++i) C[i] = urand();
    openblas_set_num_threads(1);
    double best = 1e300;
    for (int r = 0; r < 3; ++r) {
        const double t0 = omp_get_wtime();
        hb__gemm_f64(n, n, k, -1.0, A, n, B, k, 1.0, C, n);
        const double t = omp_get_wtime() - t0;
        if (t < best) best = t;
    }
    printf("hb__gemm_f64 %lldx%lldx%lld: %.2f GFLOP/s\n", (long long)n, (long long)n, (long long)k,
           2.0 * (double)n * (double)n * (double)k / best * 1e-9);
    openblas_set_num_threads(omp_get_max_threads());
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)k, -1.0, A, (int)n,
                B, (int)k, 1.0, C, (int)n);
    best = 1e300;
    for (int r = 0; r < 3; ++r) {
        const double t0 = omp_get_wtime();
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)k, -1.0, A,
                    (int)n, B, (int)k, 1.0, C, (int)n);
        const double t = omp_get_wtime() - t0;
        if (t < best) best = t;
    }
    printf("OpenBLAS dgemm %lldx%lldx%lld (%d threads): %.2f GFLOP/s\n", (long long)n, (long long)n,
           (long long)k, omp_get_max_threads(),
           2.0 * (double)n * (double)n * (double)k / best * 1e-9);
    free(A);
    free(B);
    free(C);
}

int main(int argc, char **argv) {
    int do_check = 0, do_bench = 0, reps = 1;
    int64_t nb = 0, ns[32];
    int nn = 0;
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "check"))
            do_check = 1;
        else if (!strcmp(argv[i], "bench"))
            do_bench = 1;
        else if (!strncmp(argv[i], "nb=", 3))
            nb = atoll(argv[i] + 3);
        else if (!strncmp(argv[i], "reps=", 5))
            reps = atoi(argv[i] + 5);
        else if (nn < 32 && atoll(argv[i]) > 0)
            ns[nn++] = atoll(argv[i]);
        else {
            fprintf(stderr, "usage: %s [check] [bench [n ...]] [nb=NB] [reps=R]\n", argv[0]);
            return 2;
        }
    }
    if (!do_check && !do_bench) do_check = do_bench = 1;
    if (nn == 0) {
        ns[nn++] = 4000;
        ns[nn++] = 8000;
        ns[nn++] = 12000;
    }
    if (reps < 1) reps = 1;
    printf("GEMM: %s; OpenMP threads: %d\n", GEMM_NAME, omp_get_max_threads());
    printf("%s\n\n", hb__lu_describe(ns[nn - 1]));
    if (do_check) {
        openblas_set_num_threads(1);
        run_checks();
    }
    if (do_bench) {
        bench_gemm(4000, 256);
        printf("benchmark: HPL flops 2/3 n^3 + 2 n^2, factor + solve, best of %d\n", reps);
        for (int i = 0; i < nn; ++i) bench(ns[i], nb, reps);
    }
    return failures ? 1 : 0;
}
