/*
 * hetbench "base" LU: HPL-style blocked right-looking LU factorisation with
 * partial pivoting, plus the matching triangular solves.
 *
 * Base = the project's own code: every O(n^3) part goes through the
 * project's GEMM, hb__gemm_f64 (kernels/gemm/); nothing here calls
 * BLAS/LAPACK.
 *
 * Algorithm (A is n x n, column-major; the block size NB splits it into
 * column panels of width jb <= NB):
 *
 *   for each panel k (columns k .. k+jb-1):
 *     1. panel factorisation of the (n-k) x jb panel, recursive (see
 *        panel_factor): pivots ipiv[k .. k+jb-1];
 *     2. those row interchanges applied to the columns right of the panel;
 *     3. U12 = L11^{-1} A12  (L11 unit lower jb x jb; see trsm_llnu);
 *     4. trailing update A22 -= L21 * U12 with hb__gemm_f64.
 *   The interchanges of every panel are applied to the columns LEFT of it
 *   once at the end (apply_left_pivots): the left columns (L) are not read
 *   again during the factorisation, so deferring the swaps is exact and it
 *   turns n/NB sweeps over the whole L into one column-wise sweep.
 *
 * Look-ahead of depth 1: steps 2-4 of panel k are cut into independent
 * column chunks. Inside one OpenMP parallel region, one thread first does
 * steps 2-4 for the columns of panel k+1 and then factors panel k+1 (step 1
 * of the next iteration), while the other threads, and then that thread too,
 * take the remaining chunks dynamically. So the panel factorisation, which
 * is latency-bound and runs at a fraction of GEMM speed, is hidden behind
 * the trailing update instead of stalling the whole team - that matters most
 * on few cores. Inside the region every thread sets its own nthreads ICV to
 * 1, so hb__gemm_f64 ("parallel over omp_get_max_threads()") runs serially
 * on each chunk; outside of it (first panel, small n) hb__gemm_f64 uses the
 * whole team.
 *
 * Panel factorisation (panel_factor): recursive halving (Toledo/Gustavson;
 * HPL's "recursive panel factorisation"): factor the left half, apply its
 * swaps to the right half, triangular solve + GEMM update of the right half,
 * factor the right half, apply its swaps back to the left half. Most panel
 * flops thus also go through hb__gemm_f64; the leaves (<= LU_PANEL_LEAF
 * columns) use a plain right-looking unblocked kernel whose working set
 * (m x 16 doubles) stays in L2 for the n we run.
 *
 * Triangular solves (trsm_llnu) are recursive as well: halve the triangle,
 * solve the top, GEMM-update the bottom, solve the bottom; only the
 * <= LU_TRSM_LEAF diagonal blocks are done by a scalar loop.
 *
 * Pivoting rule = LAPACK dgetf2/HPL: the first entry of largest |a_ij| in the
 * column; a zero pivot is recorded (first one returned as j+1) and the
 * elimination goes on without scaling, as LAPACK does.
 */
#include "lu_base.h"

#include <float.h>
#include <math.h>
#include <stdio.h>

#include <omp.h>

/* The project's GEMM (kernels/gemm/): the only O(n^3) building block used. */
#include "../gemm/gemm_base.h"

/* Default block size: width of a panel = k of the trailing-update GEMM.
   Measured on 2 Zen 5 cores with the project GEMM (N = 4000..12000, NB =
   128..512): a wider panel means fewer passes over the trailing matrix and
   fewer, larger GEMM calls, while the panel (hidden by the look-ahead) stays
   cheap; 384 was best from N = 8000 up, 128 at N = 4000. Small matrices use
   smaller panels so that there are several steps to overlap. */
#define LU_NB_LARGE 384
#define LU_NB_MEDIUM 128
#define LU_NB_SMALL 64
/* Recursion leaves: below this width the panel / the triangle is done by
   scalar loops (a GEMM call would cost more than it saves). */
#define LU_PANEL_LEAF 16
#define LU_TRSM_LEAF 16
/* Rows per thread-chunk in the parallel parts of hb__lu_solve. */
#define LU_SOLVE_ROWS 1024
/* Block width of the blocked triangular solves in hb__lu_solve. */
#define LU_SOLVE_NB 256

static inline int64_t imin(int64_t a, int64_t b) {
    return a < b ? a : b;
}
static inline int64_t imax(int64_t a, int64_t b) {
    return a > b ? a : b;
}

static int64_t choose_nb(int64_t n, int64_t nb) {
    if (nb <= 0) {
        if (n >= 8192)
            nb = LU_NB_LARGE;
        else if (n >= 1024)
            nb = LU_NB_MEDIUM;
        else
            nb = LU_NB_SMALL;
    }
    return imax(1, imin(nb, n));
}

/* Width of the column chunks of the trailing update handed out dynamically
   inside one look-ahead step: small enough for load balance at the end of a
   step (the team waits for the last chunk), large enough for the serial GEMM
   on a chunk to run at full speed: every hb__gemm_f64 call packs its whole A
   operand (L21, m x NB) again, an overhead proportional to 1/width. 128
   columns cost ~20% at N = 8000; 512..1024 was best, 2048 lost balance. */
#ifndef LU_CHUNK_MIN
#define LU_CHUNK_MIN 512
#endif
static int64_t chunk_cols(int64_t nb) {
    return imax(LU_CHUNK_MIN, nb);
}

/* Apply the row interchanges ipiv[k1..k2) (row indices in the frame of A)
   to the ncol columns of A. Column by column: each column is contiguous, so
   the swaps are cache friendly, and columns are independent (the callers
   parallelise over columns). */
static void apply_pivots(int64_t ncol, double *A, int64_t lda, int64_t k1, int64_t k2,
                         const int64_t *ipiv) {
    for (int64_t j = 0; j < ncol; ++j) {
        double *c = A + j * lda;
        for (int64_t i = k1; i < k2; ++i) {
            const int64_t p = ipiv[i];
            if (p != i) {
                const double t = c[i];
                c[i] = c[p];
                c[p] = t;
            }
        }
    }
}

/* B := L^{-1} B, L m x m unit lower triangular (diagonal not read), B m x ncol.
   Recursive halving: [L11 0; L21 L22] [X1; X2] = [B1; B2]
     X1 = L11^{-1} B1;  B2 -= L21 X1 (GEMM);  X2 = L22^{-1} B2. */
static void trsm_llnu(int64_t m, int64_t ncol, const double *L, int64_t ldl, double *B,
                      int64_t ldb) {
    if (m <= 0 || ncol <= 0) return;
    if (m <= LU_TRSM_LEAF) {
        /* Forward substitution, column-oriented (axpy over contiguous L columns). */
        for (int64_t c = 0; c < ncol; ++c) {
            double *b = B + c * ldb;
            for (int64_t j = 0; j < m - 1; ++j) {
                const double bj = b[j];
                const double *l = L + j * ldl;
                for (int64_t i = j + 1; i < m; ++i) b[i] -= l[i] * bj;
            }
        }
        return;
    }
    const int64_t m1 = m / 2, m2 = m - m1;
    trsm_llnu(m1, ncol, L, ldl, B, ldb);
    hb__gemm_f64(m2, ncol, m1, -1.0, L + m1, ldl, B, ldb, 1.0, B + m1, ldb);
    trsm_llnu(m2, ncol, L + m1 + m1 * ldl, ldl, B + m1, ldb);
}

/* Unblocked right-looking LU of an m x w panel (m >= w, w small).
   ipiv local (0-based, relative to the panel's first row). Returns the
   first zero pivot as j+1 (local), or 0. */
static int64_t panel_leaf(int64_t m, int64_t w, double *A, int64_t lda, int64_t *ipiv) {
    int64_t info = 0;
    for (int64_t j = 0; j < w; ++j) {
        double *cj = A + j * lda;
        /* Pivot search: first index of max |a_ij|, i >= j (as idamax). */
        int64_t p = j;
        double amax = fabs(cj[j]);
        for (int64_t i = j + 1; i < m; ++i) {
            const double a = fabs(cj[i]);
            if (a > amax) {
                amax = a;
                p = i;
            }
        }
        ipiv[j] = p;
        if (cj[p] != 0.0) {
            if (p != j) {
                /* Swap rows j and p across the w columns of this leaf; the
                   rest of the panel/matrix gets them from the callers. */
                for (int64_t c = 0; c < w; ++c) {
                    double *col = A + c * lda;
                    const double t = col[j];
                    col[j] = col[p];
                    col[p] = t;
                }
            }
            /* L(j+1:m, j) = A(j+1:m, j) / pivot; multiply by the reciprocal
               unless that would overflow (LAPACK's sfmin test). */
            const double piv = cj[j];
            if (fabs(piv) >= DBL_MIN) {
                const double r = 1.0 / piv;
                for (int64_t i = j + 1; i < m; ++i) cj[i] *= r;
            } else {
                for (int64_t i = j + 1; i < m; ++i) cj[i] /= piv;
            }
        } else if (info == 0) {
            info = j + 1; /* exactly singular: no swap, no scaling, go on */
        }
        /* Rank-1 update of the leaf's remaining columns. */
        for (int64_t c = j + 1; c < w; ++c) {
            double *col = A + c * lda;
            const double u = col[j];
            for (int64_t i = j + 1; i < m; ++i) col[i] -= cj[i] * u;
        }
    }
    return info;
}

/* Recursive LU of an m x w panel (m >= w); ipiv local, rows are swapped
   across the panel's w columns only. Returns first zero pivot (local j+1) or 0. */
static int64_t panel_factor(int64_t m, int64_t w, double *A, int64_t lda, int64_t *ipiv) {
    if (w <= LU_PANEL_LEAF) return panel_leaf(m, w, A, lda, ipiv);
    const int64_t w1 = w / 2, w2 = w - w1;
    double *A12 = A + w1 * lda;      /* rows 0..w1-1,  right half */
    double *A21 = A + w1;            /* rows w1..m-1,  left half  */
    double *A22 = A + w1 + w1 * lda; /* rows w1..m-1,  right half */

    int64_t info = panel_factor(m, w1, A, lda, ipiv);
    apply_pivots(w2, A12, lda, 0, w1, ipiv);
    trsm_llnu(w1, w2, A, lda, A12, lda);
    hb__gemm_f64(m - w1, w2, w1, -1.0, A21, lda, A12, lda, 1.0, A22, lda);
    const int64_t info2 = panel_factor(m - w1, w2, A22, lda, ipiv + w1);
    for (int64_t i = w1; i < w; ++i) ipiv[i] += w1; /* to the panel's frame */
    apply_pivots(w1, A, lda, w1, w, ipiv);
    if (info == 0 && info2 != 0) info = info2 + w1;
    return info;
}

/* Steps 2-4 for the columns [c0, c1) (c0 >= k + jb) of the n x n matrix,
   for the panel at column k of width jb whose pivots ipiv[k..k+jb) are global. */
static void update_cols(int64_t n, double *A, int64_t lda, const int64_t *ipiv, int64_t k,
                        int64_t jb, int64_t c0, int64_t c1) {
    if (c1 <= c0) return;
    double *B = A + c0 * lda;
    const int64_t nc = c1 - c0;
    apply_pivots(nc, B, lda, k, k + jb, ipiv);
    trsm_llnu(jb, nc, A + k + k * lda, lda, B + k, lda);
    if (n - k - jb > 0)
        hb__gemm_f64(n - k - jb, nc, jb, -1.0, A + (k + jb) + k * lda, lda, B + k, lda, 1.0,
                     B + k + jb, lda);
}

/* Factor the panel at column k (rows k..n-1, width jb): local pivots are
   converted to global row indices. Returns the global j+1 of the first zero
   pivot, or 0. */
static int64_t factor_panel_at(int64_t n, double *A, int64_t lda, int64_t *ipiv, int64_t k,
                               int64_t jb) {
    const int64_t info = panel_factor(n - k, jb, A + k + k * lda, lda, ipiv + k);
    for (int64_t i = k; i < k + jb; ++i) ipiv[i] += k;
    return info ? info + k : 0;
}

int64_t hb__lu_factor(int64_t n, double *A, int64_t lda, int64_t *ipiv, int64_t nb) {
    if (n <= 0) return 0;
    nb = choose_nb(n, nb);
    const int64_t wchunk = chunk_cols(nb);

    /* First panel: outside any parallel region, so its GEMMs use the team. */
    int64_t info = factor_panel_at(n, A, lda, ipiv, 0, imin(nb, n));

    for (int64_t k = 0; k < n; k += nb) {
        const int64_t jb = imin(nb, n - k); /* panel k: already factored */
        const int64_t k1 = k + jb;          /* next panel */
        if (k1 >= n) break;
        const int64_t jb1 = imin(nb, n - k1);
        const int64_t k2 = k1 + jb1; /* rest of the trailing matrix */
        const int64_t nchunks = (n - k2 + wchunk - 1) / wchunk;
        int64_t info_next = 0;

#pragma omp parallel default(none) shared(A, ipiv, info_next)                                      \
    firstprivate(n, lda, k, jb, k1, jb1, k2, nchunks, wchunk)
        {
            /* Per-thread ICV: nested hb__gemm_f64 calls run on this thread only. */
            omp_set_num_threads(1);

            /* Look-ahead: the critical path (update + factor panel k+1). */
#pragma omp single nowait
            {
                update_cols(n, A, lda, ipiv, k, jb, k1, k2);
                info_next = factor_panel_at(n, A, lda, ipiv, k1, jb1);
            }
            /* Everybody (the look-ahead thread when it is done): the rest. */
#pragma omp for schedule(dynamic, 1) nowait
            for (int64_t c = 0; c < nchunks; ++c) {
                const int64_t c0 = k2 + c * wchunk;
                update_cols(n, A, lda, ipiv, k, jb, c0, imin(n, c0 + wchunk));
            }
        } /* implicit barrier: panel k+1 and all of step k are done */

        if (info == 0 && info_next != 0) info = info_next;
    }

    /* Deferred swaps on the left: column j of the panel starting at kp gets
       the interchanges of all later panels, ipiv[kp+nb .. n). */
#pragma omp parallel for schedule(dynamic, 32) default(none) shared(A, ipiv)                       \
    firstprivate(n, lda, nb)
    for (int64_t j = 0; j < n; ++j) {
        const int64_t kend = (j / nb) * nb + nb;
        if (kend < n) apply_pivots(1, A + j * lda, lda, kend, n, ipiv);
    }
    return info;
}

void hb__lu_solve(int64_t n, const double *LU, int64_t lda, const int64_t *ipiv, double *b) {
    if (n <= 0) return;
    /* b := P b, in the order the interchanges were made. */
    for (int64_t i = 0; i < n; ++i) {
        const int64_t p = ipiv[i];
        if (p != i) {
            const double t = b[i];
            b[i] = b[p];
            b[p] = t;
        }
    }
    /* Forward substitution L y = b, blocked by LU_SOLVE_NB columns: a small
       serial triangle, then the rows below are updated in parallel (each
       thread streams its row range of the block's columns: memory-bound,
       so it is spread over the team). */
    for (int64_t k = 0; k < n; k += LU_SOLVE_NB) {
        const int64_t kb = imin(LU_SOLVE_NB, n - k);
        for (int64_t j = k; j < k + kb; ++j) {
            const double bj = b[j];
            const double *l = LU + j * lda;
            for (int64_t i = j + 1; i < k + kb; ++i) b[i] -= l[i] * bj;
        }
        const int64_t r0 = k + kb;
        const int64_t nr = (n - r0 + LU_SOLVE_ROWS - 1) / LU_SOLVE_ROWS;
#pragma omp parallel for schedule(static) default(none) shared(LU, b)                              \
    firstprivate(n, lda, k, kb, r0, nr)
        for (int64_t t = 0; t < nr; ++t) {
            const int64_t i0 = r0 + t * LU_SOLVE_ROWS, i1 = imin(n, i0 + LU_SOLVE_ROWS);
            for (int64_t j = k; j < k + kb; ++j) {
                const double bj = b[j];
                const double *l = LU + j * lda;
                for (int64_t i = i0; i < i1; ++i) b[i] -= l[i] * bj;
            }
        }
    }
    /* Back substitution U x = y, blocked the same way from the bottom. */
    for (int64_t k1 = n; k1 > 0; k1 -= LU_SOLVE_NB) {
        const int64_t k = imax(0, k1 - LU_SOLVE_NB);
        for (int64_t j = k1 - 1; j >= k; --j) {
            const double *u = LU + j * lda;
            b[j] /= u[j];
            const double bj = b[j];
            for (int64_t i = k; i < j; ++i) b[i] -= u[i] * bj;
        }
        const int64_t nr = (k + LU_SOLVE_ROWS - 1) / LU_SOLVE_ROWS;
#pragma omp parallel for schedule(static) default(none) shared(LU, b) firstprivate(lda, k, k1, nr)
        for (int64_t t = 0; t < nr; ++t) {
            const int64_t i0 = t * LU_SOLVE_ROWS, i1 = imin(k, i0 + LU_SOLVE_ROWS);
            for (int64_t j = k; j < k1; ++j) {
                const double bj = b[j];
                const double *u = LU + j * lda;
                for (int64_t i = i0; i < i1; ++i) b[i] -= u[i] * bj;
            }
        }
    }
}

const char *hb__lu_describe(int64_t n) {
    static _Thread_local char buf[256];
    const int64_t nb = choose_nb(n, 0);
    snprintf(buf, sizeof buf,
             "blocked right-looking LU, partial pivoting, NB=%lld, recursive panel (leaf %d), "
             "look-ahead depth 1, trailing update + blocked TRSM via hb__gemm_f64",
             (long long)nb, LU_PANEL_LEAF);
    return buf;
}
