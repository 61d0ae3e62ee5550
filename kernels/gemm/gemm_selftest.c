/* gemm_selftest: correctness check + benchmark for the hetbench base GEMM (dev tool).
 *
 *   gemm_selftest check            all precisions x all available ISAs vs a naive reference
 *   gemm_selftest bench [T] [n..]  hb__gemm_f64/f32 vs cblas_dgemm/sgemm side by side with T
 *                                  threads (default: omp_get_max_threads()), n default 2048 4096;
 *                                  also f16/bf16/i8 GFLOP/s
 *   gemm_selftest                  check, then bench
 *
 * Build (x86-64), from kernels/gemm/:
 *   F="-O3 -std=c11 -fopenmp -Wall -Wextra -Werror"
 *   gcc $F -c gemm_base.c && gcc $F -c ukernel_generic.c &&
 *   gcc $F -mavx2 -mfma -mf16c -c ukernel_avx2.c &&
 *   gcc $F -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma -c ukernel_avx512.c &&
 *   gcc $F -c ukernel_neon.c && gcc $F -c gemm_selftest.c &&
 *   gcc -fopenmp *.o -o gemm_selftest -lopenblas -lm
 * Without OpenBLAS add -DHB_SELFTEST_NO_CBLAS to gemm_selftest.c and drop -lopenblas.
 * Benchmark: OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 OMP_PROC_BIND=close OMP_PLACES=cores
 */
#define _POSIX_C_SOURCE 200809L
#include "gemm_base.h"

#include <float.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef HB_SELFTEST_NO_CBLAS
#include <cblas.h>
#endif

/* ------------------------------------------------------------------ helpers */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double urand(void) {
    return (double)(rng() >> 11) * (1.0 / 9007199254740992.0);
}
/* random non-zero value in +-[0.1, 1.1) */
static double nzrand(void) {
    return (rng() & 1 ? 1.0 : -1.0) * (0.1 + urand());
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "malloc failed\n");
        exit(2);
    }
    return p;
}

/* Independent f16 decoder for the reference (ldexp based). */
static double f16_val(uint16_t h) {
    int s = h >> 15, e = (h >> 10) & 31, mnt = h & 1023;
    double v;
    if (e == 0)
        v = ldexp((double)mnt, -24);
    else if (e == 31)
        v = mnt ? NAN : INFINITY;
    else
        v = ldexp(1.0 + mnt / 1024.0, e - 15);
    return s ? -v : v;
}
static double bf16_val(uint16_t h) {
    int s = h >> 15, e = (h >> 7) & 255, mnt = h & 127;
    double v;
    if (e == 0)
        v = ldexp((double)mnt, -133);
    else if (e == 255)
        v = mnt ? NAN : INFINITY;
    else
        v = ldexp(1.0 + mnt / 128.0, e - 127);
    return s ? -v : v;
}
/* random f16: mostly normal numbers around 1 (exp 10..20), ~1/8 subnormals */
static uint16_t rand_f16(void) {
    uint16_t s = (uint16_t)((rng() & 1) << 15), mnt = (uint16_t)(rng() & 1023);
    uint16_t e = (rng() % 8 == 0) ? 0 : (uint16_t)(10 + rng() % 11);
    if (e == 0 && mnt == 0) mnt = 1;
    return (uint16_t)(s | (e << 10) | mnt);
}
static uint16_t rand_bf16(void) {
    uint16_t s = (uint16_t)((rng() & 1) << 15), mnt = (uint16_t)(rng() & 127);
    uint16_t e = (uint16_t)(120 + rng() % 15);
    return (uint16_t)(s | (e << 7) | mnt);
}

static int failures = 0, checks = 0;

/* ------------------------------------------------------------------ checks */
typedef struct {
    int64_t m, n, k;
} shape;

/* f64 / f32 / f16 / bf16 share one checker working on double copies of the inputs. */
enum { T_F64, T_F32, T_F16, T_BF16 };

static void check_float(int type, int64_t m, int64_t n, int64_t k, double alpha, double beta) {
    const int64_t lda = m + 3, ldb = k + 5, ldc = m + 7;
    double *Ad = xmalloc(sizeof(double) * (size_t)(lda * k));
    double *Bd = xmalloc(sizeof(double) * (size_t)(ldb * n));
    double *Cd = xmalloc(sizeof(double) * (size_t)(ldc * n));
    void *A = xmalloc(8 * (size_t)(lda * k)), *B = xmalloc(8 * (size_t)(ldb * n));
    void *C = xmalloc(8 * (size_t)(ldc * n));
    for (int64_t i = 0; i < lda * k; i++) {
        switch (type) {
        case T_F64:
            Ad[i] = nzrand();
            ((double *)A)[i] = Ad[i];
            break;
        case T_F32:
            ((float *)A)[i] = (float)nzrand();
            Ad[i] = ((float *)A)[i];
            break;
        case T_F16:
            ((uint16_t *)A)[i] = rand_f16();
            Ad[i] = f16_val(((uint16_t *)A)[i]);
            break;
        default:
            ((uint16_t *)A)[i] = rand_bf16();
            Ad[i] = bf16_val(((uint16_t *)A)[i]);
            break;
        }
    }
    for (int64_t i = 0; i < ldb * n; i++) {
        switch (type) {
        case T_F64:
            Bd[i] = nzrand();
            ((double *)B)[i] = Bd[i];
            break;
        case T_F32:
            ((float *)B)[i] = (float)nzrand();
            Bd[i] = ((float *)B)[i];
            break;
        case T_F16:
            ((uint16_t *)B)[i] = rand_f16();
            Bd[i] = f16_val(((uint16_t *)B)[i]);
            break;
        default:
            ((uint16_t *)B)[i] = rand_bf16();
            Bd[i] = bf16_val(((uint16_t *)B)[i]);
            break;
        }
    }
    for (int64_t i = 0; i < ldc * n; i++) {
        /* beta == 0: C must not be read, so poison it with NaN */
        double v = beta == 0.0 ? NAN : nzrand();
        if (type == T_F64) {
            ((double *)C)[i] = v;
            Cd[i] = v;
        } else {
            ((float *)C)[i] = (float)v;
            Cd[i] = (float)v;
        }
    }
    switch (type) {
    case T_F64:
        hb__gemm_f64(m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
        break;
    case T_F32:
        hb__gemm_f32(m, n, k, (float)alpha, A, lda, B, ldb, (float)beta, C, ldc);
        break;
    case T_F16:
        hb__gemm_f16(m, n, k, A, lda, B, ldb, C, ldc);
        break;
    default:
        hb__gemm_bf16(m, n, k, A, lda, B, ldb, C, ldc);
        break;
    }
    const double eps = type == T_F64 ? DBL_EPSILON : FLT_EPSILON;
    double worst = 0.0;
    int bad = 0;
    for (int64_t j = 0; j < n && !bad; j++) {
        for (int64_t i = 0; i < ldc; i++) {
            const double got =
                type == T_F64 ? ((double *)C)[i + j * ldc] : ((float *)C)[i + j * ldc];
            if (i >= m) { /* padding rows between m and ldc must be untouched */
                if (!(got == Cd[i + j * ldc] || (isnan(got) && isnan(Cd[i + j * ldc])))) bad = 1;
                continue;
            }
            double ref = 0.0, mag = 0.0;
            for (int64_t p = 0; p < k; p++) {
                ref += Ad[i + p * lda] * Bd[p + j * ldb];
                mag += fabs(Ad[i + p * lda] * Bd[p + j * ldb]);
            }
            ref *= alpha;
            mag *= fabs(alpha);
            if (beta != 0.0) {
                ref += beta * Cd[i + j * ldc];
                mag += fabs(beta * Cd[i + j * ldc]);
            }
            const double err = fabs(got - ref), tol = 4.0 * (double)(k + 2) * eps * mag + 1e-300;
            if (!(err <= tol)) {
                bad = 1;
                worst = err;
            } else if (err / tol > worst)
                worst = err / tol;
        }
    }
    static const char *const tn[] = {"f64", "f32", "f16", "bf16"};
    checks++;
    if (bad) {
        failures++;
        printf("  FAIL %-4s %s m=%lld n=%lld k=%lld alpha=%g beta=%g (err %g)\n", tn[type],
               hb__gemm_isa(), (long long)m, (long long)n, (long long)k, alpha, beta, worst);
    }
    free(Ad);
    free(Bd);
    free(Cd);
    free(A);
    free(B);
    free(C);
}

static void check_i8(int64_t m, int64_t n, int64_t k, int extreme) {
    const int64_t lda = m + 3, ldb = k + 5, ldc = m + 7;
    int8_t *A = xmalloc((size_t)(lda * k)), *B = xmalloc((size_t)(ldb * n));
    int32_t *C = xmalloc(sizeof(int32_t) * (size_t)(ldc * n));
    for (int64_t i = 0; i < lda * k; i++)
        A[i] = extreme ? (int8_t)-128 : (int8_t)((int)(rng() & 255) - 128);
    for (int64_t i = 0; i < ldb * n; i++)
        B[i] = extreme ? (int8_t)-128 : (int8_t)((int)(rng() & 255) - 128);
    for (int64_t i = 0; i < ldc * n; i++) C[i] = 0x5a5a5a5a;
    hb__gemm_i8(m, n, k, A, lda, B, ldb, C, ldc);
    int bad = 0;
    for (int64_t j = 0; j < n && !bad; j++)
        for (int64_t i = 0; i < ldc; i++) {
            int64_t ref = 0x5a5a5a5a;
            if (i < m) {
                ref = 0;
                for (int64_t p = 0; p < k; p++) ref += (int64_t)A[i + p * lda] * B[p + j * ldb];
            }
            if (C[i + j * ldc] != ref) {
                bad = 1;
                break;
            }
        }
    checks++;
    if (bad) {
        failures++;
        printf("  FAIL i8   %s m=%lld n=%lld k=%lld%s\n", hb__gemm_isa(), (long long)m,
               (long long)n, (long long)k, extreme ? " (extreme)" : "");
    }
    free(A);
    free(B);
    free(C);
}

/* inf / NaN must propagate through the f16 / bf16 conversions */
static void check_specials(void) {
    const uint16_t f16[][2] = {
        {0x7c00, 0x3c00}, {0xfc00, 0x3c00}, {0x7e00, 0x3c00}, {0x0001, 0x7bff}};
    const uint16_t bf16[][2] = {{0x7f80, 0x3f80}, {0xff80, 0x3f80}, {0x7fc0, 0x3f80}};
    for (size_t t = 0; t < sizeof f16 / sizeof f16[0]; t++) {
        float c = 0.0f;
        hb__gemm_f16(1, 1, 1, &f16[t][0], 1, &f16[t][1], 1, &c, 1);
        const double ref = f16_val(f16[t][0]) * f16_val(f16[t][1]);
        checks++;
        if (!((isnan(ref) && isnan(c)) || (double)c == (double)(float)ref)) {
            failures++;
            printf("  FAIL f16 special %04x*%04x = %g (want %g) on %s\n", f16[t][0], f16[t][1], c,
                   ref, hb__gemm_isa());
        }
    }
    for (size_t t = 0; t < sizeof bf16 / sizeof bf16[0]; t++) {
        float c = 0.0f;
        hb__gemm_bf16(1, 1, 1, &bf16[t][0], 1, &bf16[t][1], 1, &c, 1);
        const double ref = bf16_val(bf16[t][0]) * bf16_val(bf16[t][1]);
        checks++;
        if (!((isnan(ref) && isnan(c)) || (double)c == ref)) {
            failures++;
            printf("  FAIL bf16 special on %s\n", hb__gemm_isa());
        }
    }
}

static const shape shapes[] = {{1, 1, 1},     {7, 5, 3},       {33, 17, 65},  {100, 1, 257},
                               {1, 100, 33},  {16, 14, 8},     {32, 28, 64},  {64, 64, 64},
                               {2, 300, 2},   {257, 263, 129}, {1001, 37, 7}, {45, 123, 1030},
                               {300, 301, 2}, {129, 250, 513}};

static void check_all_on_isa(void) {
    const double ab[][2] = {{1.0, 0.0}, {-1.5, 0.75}, {0.5, 1.0}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const shape sh = shapes[s];
        for (size_t t = 0; t < 3; t++) {
            check_float(T_F64, sh.m, sh.n, sh.k, ab[t][0], ab[t][1]);
            check_float(T_F32, sh.m, sh.n, sh.k, ab[t][0], ab[t][1]);
        }
        check_float(T_F16, sh.m, sh.n, sh.k, 1.0, 0.0);
        check_float(T_BF16, sh.m, sh.n, sh.k, 1.0, 0.0);
        check_i8(sh.m, sh.n, sh.k, 0);
    }
    check_float(T_F64, 9, 9, 9, 0.0, 0.5); /* alpha == 0 */
    check_float(T_F32, 9, 9, 0, 2.0, 0.5); /* k == 0 */
    check_float(T_F64, 9, 9, 0, 2.0, 0.0);
    check_i8(13, 11, 0, 0);
    check_i8(37, 29, 4097, 1); /* -128*-128 everywhere: large exact sums */
    check_specials();
    /* called from inside a parallel region (nested: the inner team usually gets 1 thread) */
    int nested_bad = 0;
#pragma omp parallel num_threads(2) reduction(| : nested_bad)
    {
        const int64_t m = 67, n = 45, k = 300;
        double *A = xmalloc(8 * (size_t)(m * k)), *B = xmalloc(8 * (size_t)(k * n)),
               *C = xmalloc(8 * (size_t)(m * n));
        for (int64_t i = 0; i < m * k; i++) A[i] = (double)((i * 7) % 13) - 6.0;
        for (int64_t i = 0; i < k * n; i++) B[i] = (double)((i * 5) % 11) - 5.0;
        hb__gemm_f64(m, n, k, 1.0, A, m, B, k, 0.0, C, m);
        for (int64_t j = 0; j < n; j++)
            for (int64_t i = 0; i < m; i++) {
                double r = 0.0; /* small integers: exact */
                for (int64_t p = 0; p < k; p++) r += A[i + p * m] * B[p + j * k];
                if (r != C[i + j * m]) nested_bad = 1;
            }
        free(A);
        free(B);
        free(C);
    }
    checks++;
    if (nested_bad) {
        failures++;
        printf("  FAIL nested call on %s\n", hb__gemm_isa());
    }
}

static int run_checks(void) {
    static const char *const isas[] = {"generic", "avx2", "avx512", "neon"};
    static const int threads[] = {1, 2, 5};
    for (size_t i = 0; i < sizeof isas / sizeof isas[0]; i++) {
        if (!hb__gemm_isa_available(isas[i])) {
            printf("[%s] not available, skipped\n", isas[i]);
            continue;
        }
        for (int blocking = 0; blocking < 2; blocking++) {
            /* blocking 1: tiny MC/KC/NC so every loop level and edge runs many times */
            if (blocking) {
                setenv("HETBENCH_GEMM_MC", "40", 1);
                setenv("HETBENCH_GEMM_KC", "22", 1);
                setenv("HETBENCH_GEMM_NC", "60", 1);
            } else {
                unsetenv("HETBENCH_GEMM_MC");
                unsetenv("HETBENCH_GEMM_KC");
                unsetenv("HETBENCH_GEMM_NC");
            }
            if (hb__gemm_select_isa(isas[i]) != 0) {
                printf("select %s failed\n", isas[i]);
                failures++;
                continue;
            }
            for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++) {
                omp_set_num_threads(threads[t]);
                const int f0 = failures, c0 = checks;
                check_all_on_isa();
                printf("[%s] %s, %d thread(s): %d/%d checks passed\n", isas[i],
                       blocking ? "tiny blocking" : "default blocking", threads[t],
                       (checks - c0) - (failures - f0), checks - c0);
            }
        }
        printf("  %s\n  %s\n  %s\n  %s\n  %s\n", hb__gemm_describe("f64"), hb__gemm_describe("f32"),
               hb__gemm_describe("f16"), hb__gemm_describe("bf16"), hb__gemm_describe("i8"));
    }
    unsetenv("HETBENCH_GEMM_MC");
    unsetenv("HETBENCH_GEMM_KC");
    unsetenv("HETBENCH_GEMM_NC");
    hb__gemm_select_isa(NULL);
    printf("CHECK %s: %d/%d passed\n", failures ? "FAILED" : "OK", checks - failures, checks);
    return failures != 0;
}

/* ------------------------------------------------------------------ benchmark */
static int cmp_dbl(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define MAXREP 16
typedef struct {
    double best, med;
} stat;
static stat stats(double *t, int r) {
    qsort(t, (size_t)r, sizeof *t, cmp_dbl);
    stat s = {t[0], r % 2 ? t[r / 2] : 0.5 * (t[r / 2 - 1] + t[r / 2])};
    return s;
}

static void bench(int nthr, int64_t n, int reps) {
    const double flop = 2.0 * (double)n * (double)n * (double)n;
    const size_t nn = (size_t)(n * n);
    double *A = xmalloc(8 * nn), *B = xmalloc(8 * nn), *C = xmalloc(8 * nn);
    float *As = xmalloc(4 * nn), *Bs = xmalloc(4 * nn), *Cs = xmalloc(4 * nn);
    for (size_t i = 0; i < nn; i++) {
        A[i] = nzrand();
        B[i] = nzrand();
        C[i] = 0.0;
        As[i] = (float)A[i];
        Bs[i] = (float)B[i];
        Cs[i] = 0.0f;
    }
    if (reps > MAXREP) reps = MAXREP;
    for (int prec = 0; prec < 2; prec++) {
        double th[MAXREP], tb[MAXREP];
        for (int r = -1; r < reps; r++) { /* r == -1: warm-up; alternate hb / BLAS */
            double t0 = omp_get_wtime();
            if (prec == 0)
                hb__gemm_f64(n, n, n, 1.0, A, n, B, n, 0.0, C, n);
            else
                hb__gemm_f32(n, n, n, 1.0f, As, n, Bs, n, 0.0f, Cs, n);
            double t1 = omp_get_wtime();
#ifndef HB_SELFTEST_NO_CBLAS
            if (prec == 0)
                cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0,
                            A, (int)n, B, (int)n, 0.0, C, (int)n);
            else
                cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)n, (int)n, 1.0f,
                            As, (int)n, Bs, (int)n, 0.0f, Cs, (int)n);
#endif
            double t2 = omp_get_wtime();
            if (r >= 0) {
                th[r] = t1 - t0;
                tb[r] = t2 - t1;
            }
        }
        stat sh = stats(th, reps);
#ifndef HB_SELFTEST_NO_CBLAS
        stat sb = stats(tb, reps);
        printf("%s n=%-5lld T=%d  hb %7.1f GF/s (median %7.1f)  BLAS %7.1f GF/s (median %7.1f)  "
               "ratio best %.3f median %.3f\n",
               prec ? "f32" : "f64", (long long)n, nthr, flop / sh.best * 1e-9,
               flop / sh.med * 1e-9, flop / sb.best * 1e-9, flop / sb.med * 1e-9, sb.best / sh.best,
               sb.med / sh.med);
#else
        printf("%s n=%-5lld T=%d  hb %7.1f GF/s (median %7.1f)\n", prec ? "f32" : "f64",
               (long long)n, nthr, flop / sh.best * 1e-9, flop / sh.med * 1e-9);
#endif
        fflush(stdout);
    }
    free(A);
    free(B);
    free(C);
    free(As);
    free(Bs);
    free(Cs);
}

static void bench_lowp(int nthr, int64_t n, int reps) {
    const double flop = 2.0 * (double)n * (double)n * (double)n;
    const size_t nn = (size_t)(n * n);
    uint16_t *A = xmalloc(2 * nn), *B = xmalloc(2 * nn);
    int8_t *A8 = xmalloc(nn), *B8 = xmalloc(nn);
    float *As = xmalloc(4 * nn), *Bs = xmalloc(4 * nn), *C = xmalloc(4 * nn);
    for (size_t i = 0; i < nn; i++) {
        As[i] = (float)nzrand();
        Bs[i] = (float)nzrand();
        A8[i] = (int8_t)((int)(rng() % 255) - 127);
        B8[i] = (int8_t)((int)(rng() % 255) - 127);
    }
    if (reps > MAXREP) reps = MAXREP;
    static const char *const names[] = {"f32", "f16", "bf16", "i8"};
    for (int p = 0; p < 4; p++) {
        if (p == 1)
            for (size_t i = 0; i < nn; i++) {
                A[i] = rand_f16();
                B[i] = rand_f16();
            }
        if (p == 2)
            for (size_t i = 0; i < nn; i++) {
                A[i] = rand_bf16();
                B[i] = rand_bf16();
            }
        double t[MAXREP];
        for (int r = -1; r < reps; r++) {
            double t0 = omp_get_wtime();
            switch (p) {
            case 0:
                hb__gemm_f32(n, n, n, 1.0f, As, n, Bs, n, 0.0f, C, n);
                break;
            case 1:
                hb__gemm_f16(n, n, n, A, n, B, n, C, n);
                break;
            case 2:
                hb__gemm_bf16(n, n, n, A, n, B, n, C, n);
                break;
            default:
                hb__gemm_i8(n, n, n, A8, n, B8, n, (int32_t *)(void *)C, n);
                break;
            }
            if (r >= 0) t[r] = omp_get_wtime() - t0;
        }
        stat s = stats(t, reps);
        printf("%-4s n=%-5lld T=%d  hb %7.1f G(FL)OP/s (median %7.1f)   [%s]\n", names[p],
               (long long)n, nthr, flop / s.best * 1e-9, flop / s.med * 1e-9,
               hb__gemm_describe(names[p]));
        fflush(stdout);
    }
    free(A);
    free(B);
    free(A8);
    free(B8);
    free(As);
    free(Bs);
    free(C);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "all";
    int rc = 0;
    if (!strcmp(mode, "check") || !strcmp(mode, "all")) rc |= run_checks();
    if (!strcmp(mode, "bench") || !strcmp(mode, "all") || !strcmp(mode, "lowp")) {
        const int nthr = argc > 2 ? atoi(argv[2]) : omp_get_max_threads();
        omp_set_num_threads(nthr);
#ifndef HB_SELFTEST_NO_CBLAS
        openblas_set_num_threads(nthr);
#endif
        printf("ISA %s, %d thread(s)\n  %s\n  %s\n", hb__gemm_isa(), nthr, hb__gemm_describe("f64"),
               hb__gemm_describe("f32"));
        if (strcmp(mode, "lowp")) {
            if (argc > 3) {
                for (int i = 3; i < argc; i++) {
                    int64_t n = atoll(argv[i]);
                    bench(nthr, n, n > 3000 ? 3 : 7);
                }
            } else {
                bench(nthr, 2048, 7);
                bench(nthr, 4096, 3);
            }
        }
        bench_lowp(nthr, 2048, 3);
    }
    return rc;
}
