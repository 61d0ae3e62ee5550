/* hetbench — lu on OpenCL (f64, cl_khr_fp64): the device kernels of the blocked right-looking
 * LU with partial pivoting and the triangular solves that kernels/lu/lu_ocl.c enqueues. All
 * matrices are column-major in one buffer with leading dimension ld; every kernel takes the
 * element offset of its blocks, so the whole factorisation works in place on the device.
 *
 * Build options (set by lu_ocl.c):
 *   -DTM= -DTN= -DTK= -DWM= -DWN= -DVW=  the tile of lu_gemm_sub: the same parameters, meaning
 *                                        and constraints as kernels/gemm/gemm.cl, taken from
 *                                        the gemm tile search of this device
 *   -DLS=                                work-group size of the one-work-group kernels
 *                                        (lu_panel_leaf, lu_trsv_*), a power of two
 *   -DPW=                                widest panel leaf / TRSM leaf (columns)
 *
 * Kernels:
 *   lu_panel_leaf   factor an m x w leaf (w <= PW) in ONE work-group: per column a device-side
 *                   pivot search (tree reduction in local memory, first index of the largest
 *                   |a| as LAPACK's idamax), the row swap across the whole panel, the scaling
 *                   and the rank-1 update of the leaf, fused with the next column's search
 *   lu_swap_rows    apply ipiv[k1..k2) to the columns outside the panel (one work-item per
 *                   column, the swaps in order)
 *   lu_trsm_leaf    B := L^-1 B for a unit lower m x m triangle, m <= PW (one work-item per
 *                   column of B); the host recursion does the rest with lu_gemm_sub
 *   lu_gemm_sub     C -= A·B, the tiled GEMM of gemm.cl with leading dimensions and offsets
 *   lu_permute      x := P x (one work-item, the interchanges in order)
 *   lu_trsv_lower / lu_trsv_upper   one diagonal block (<= LS) of L y = b / U x = y in one
 *                   work-group, the block of x held in local memory
 *   lu_gemv_sub     y -= A·x for the rows below / above a diagonal block (one work-item per row)
 */
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;

#if !defined(TM) || !defined(TN) || !defined(TK) || !defined(WM) || !defined(WN) || !defined(VW)
#error "lu.cl needs -DTM -DTN -DTK -DWM -DWN -DVW (the gemm tiles)"
#endif
#if !defined(LS) || !defined(PW)
#error "lu.cl needs -DLS and -DPW"
#endif
#if (LS & (LS - 1)) != 0
#error "LS must be a power of two"
#endif

#define IDX(i, j, ld) ((size_t)(i) + (size_t)(j) * (size_t)(ld))

/* ---------------------------------------------------------------------------------------- */
/* Panel leaf. A + off is the leaf's top-left element, which lies on the diagonal at global row
   (and column) r0; the leaf is rows 0..m-1, columns 0..w-1. The panel it belongs to starts lc
   columns to the left of it and is pw columns wide: row interchanges are applied across all
   pw columns of the panel (the factored L columns left of the leaf and the unfactored ones
   right of it), as LAPACK's dgetrf2 does inside its panel. ipiv[r0 + j] receives the global
   pivot row of column j; info, when still 0, the global 1-based column of the first exactly
   zero pivot (the elimination goes on without scaling, as LAPACK does). */
__kernel __attribute__((reqd_work_group_size(LS, 1, 1))) void
lu_panel_leaf(const int m, const int w, const int lc, const int pw, __global real *A,
              const ulong off, const int ld, __global int *ipiv, const int r0,
              __global int *info) {
    __local real smax[LS];
    __local int sidx[LS];
    __local real urow[PW];
    __global real *P = A + off;
    const int lid = get_local_id(0);

    /* the first column's search */
    real best = -1.0;
    int bidx = INT_MAX;
    for (int i = lid; i < m; i += LS) {
        const real a = fabs(P[i]);
        if (a > best) best = a, bidx = i; /* rows are visited in increasing order */
    }

    for (int j = 0; j < w; j++) {
        /* reduce (|a|, row) to the largest |a|, first row on ties */
        smax[lid] = best, sidx[lid] = bidx;
        barrier(CLK_LOCAL_MEM_FENCE);
        for (int s = LS / 2; s > 0; s >>= 1) {
            if (lid < s) {
                const real o = smax[lid + s];
                const int oi = sidx[lid + s];
                if (o > smax[lid] || (o == smax[lid] && oi < sidx[lid]))
                    smax[lid] = o, sidx[lid] = oi;
            }
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        int p = sidx[0];
        const real amax = smax[0];
        if (p < j || p >= m) p = j; /* every candidate NaN: keep the diagonal, like idamax */
        if (lid == 0) {
            ipiv[r0 + j] = r0 + p;
            if (amax == 0.0 && *info == 0) *info = r0 + j + 1;
        }
        /* swap rows j and p across the panel */
        if (p != j && amax != 0.0)
            for (int c = lid; c < pw; c += LS) {
                __global real *col = P + IDX(0, c - lc, ld);
                const real t = col[j];
                col[j] = col[p];
                col[p] = t;
            }
        barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);

        const real piv = P[IDX(j, j, ld)];
        for (int c = j + 1 + lid; c < w; c += LS) urow[c - j - 1] = P[IDX(j, c, ld)];
        barrier(CLK_LOCAL_MEM_FENCE);

        /* L(j+1:m, j) = A(j+1:m, j) / pivot (by the reciprocal unless it would overflow, as
           LAPACK's sfmin test), the rank-1 update of the leaf's columns right of j, and the
           search of column j+1 on the rows below j, in the same pass */
        const int scale = piv != 0.0;
        const int recip = fabs(piv) >= DBL_MIN;
        const real r = recip ? 1.0 / piv : 1.0;
        best = -1.0, bidx = INT_MAX;
        for (int i = lid; i < m; i += LS) {
            if (i <= j) continue;
            real l = P[IDX(i, j, ld)];
            if (scale) l = recip ? l * r : l / piv;
            P[IDX(i, j, ld)] = l;
            for (int c = j + 1; c < w; c++) {
                const real v = fma(-l, urow[c - j - 1], P[IDX(i, c, ld)]);
                P[IDX(i, c, ld)] = v;
                if (c == j + 1 && fabs(v) > best) best = fabs(v), bidx = i;
            }
        }
        barrier(CLK_GLOBAL_MEM_FENCE | CLK_LOCAL_MEM_FENCE);
    }
}

/* Row interchanges ipiv[k1..k2) (global rows) applied to the columns [0, c0) and [c1, n) of
   A: work-item g takes column g (g < c0) or g - c0 + c1. */
__kernel void lu_swap_rows(const int ncols, const int c0, const int c1, __global real *A,
                           const int ld, __global const int *ipiv, const int k1, const int k2) {
    const int g = get_global_id(0);
    if (g >= ncols) return;
    const int c = g < c0 ? g : g - c0 + c1;
    __global real *col = A + IDX(0, c, ld);
    for (int i = k1; i < k2; i++) {
        const int p = ipiv[i];
        if (p != i) {
            const real t = col[i];
            col[i] = col[p];
            col[p] = t;
        }
    }
}

/* B := L^-1 B; L (at A + lo) unit lower m x m, m <= PW, diagonal not read; B (at A + bo) m x
   ncol. One work-item per column of B, the column in private memory. */
__kernel void lu_trsm_leaf(const int m, const int ncol, __global real *A, const ulong lo,
                           const ulong bo, const int ld) {
    const int c = get_global_id(0);
    if (c >= ncol) return;
    __global const real *L = A + lo;
    __global real *B = A + bo + (size_t)c * (size_t)ld;
    real x[PW];
    for (int i = 0; i < PW; i++) x[i] = i < m ? B[i] : 0.0;
    for (int j = 0; j < PW - 1; j++) {
        if (j >= m - 1) break;
        const real xj = x[j];
        for (int i = j + 1; i < PW; i++)
            if (i < m) x[i] = fma(-L[IDX(i, j, ld)], xj, x[i]);
    }
    for (int i = 0; i < PW; i++)
        if (i < m) B[i] = x[i];
}

/* ---------------------------------------------------------------------------------------- */
/* C -= A·B: A m x k at M + ao, B k x n at M + bo, C m x n at M + co, all with leading
   dimension ld (three views of one buffer whose blocks do not overlap). The tiling of
   kernels/gemm/gemm.cl, whose k-loop (gemm_tile_loop.clh) and macros (gemm_tile_defs.clh)
   are included here: a work-group computes a TM x TN tile of C, staging TM x TK of A and
   TK x TN of B in local memory per step; each work-item holds WM x WN of the tile in
   registers (WM rows as WM/VW vectors); interior tiles use vector loads, edge tiles load zeros
   outside the blocks and store only inside them. */
#define REAL double
#include "../gemm/gemm_tile_defs.clh"

/* the three views of the buffer, with leading dimension ld (gemm_tile_loop.clh) */
#define A_VEC(i, j) VLOAD(A + IDX(i, j, ld))
#define B_VEC(i, j) VLOAD(B + IDX(i, j, ld))
#define A_ELT(i, j) A[IDX(i, j, ld)]
#define B_ELT(i, j) B[IDX(i, j, ld)]

__kernel __attribute__((reqd_work_group_size(RM, RN, 1))) void
lu_gemm_sub(const int m, const int n, const int k, __global const real *restrict MA,
            __global const real *restrict MB, __global real *restrict MC, const ulong ao,
            const ulong bo, const ulong co, const int ld) {
    __global const real *A = MA + ao;
    __global const real *B = MB + bo;
    __global real *C = MC + co;

#include "../gemm/gemm_tile_loop.clh"

    for (int c = 0; c < WN; c++) {
        const int col = offn + tn + c * RN;
        if (col >= n) continue;
        for (int r = 0; r < VM; r++) {
            const int row = offm + (tm + r * RM) * VW;
            __global real *dst = C + IDX(row, col, ld);
            if (row + VW <= m) {
                VSTORE(VLOAD(dst) - acc[r][c], dst);
            } else {
                /* a copy, not a pointer into acc (see gemm.cl) */
                real lane[VW];
                VSTORE(acc[r][c], lane);
                for (int v = 0; v < VW && row + v < m; v++) dst[v] -= lane[v];
            }
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* The solve. x := P x with the interchanges in the order they were made. */
__kernel void lu_permute(const int n, __global const int *ipiv, __global real *x) {
    if (get_global_id(0) != 0) return;
    for (int i = 0; i < n; i++) {
        const int p = ipiv[i];
        if (p != i) {
            const real t = x[i];
            x[i] = x[p];
            x[p] = t;
        }
    }
}

/* L y = b on the diagonal block (rows/columns k..k+kb-1, kb <= LS, unit diagonal): x[k..]
   in local memory, work-item i owns row k+i. */
__kernel __attribute__((reqd_work_group_size(LS, 1, 1))) void
lu_trsv_lower(const int k, const int kb, __global const real *A, const int ld,
              __global real *x) {
    __local real xl[LS];
    const int i = get_local_id(0);
    if (i < kb) xl[i] = x[k + i];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int j = 0; j < kb - 1; j++) {
        if (i > j && i < kb) xl[i] = fma(-A[IDX(k + i, k + j, ld)], xl[j], xl[i]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (i < kb) x[k + i] = xl[i];
}

/* U x = y on the diagonal block (rows/columns k..k+kb-1, kb <= LS). */
__kernel __attribute__((reqd_work_group_size(LS, 1, 1))) void
lu_trsv_upper(const int k, const int kb, __global const real *A, const int ld,
              __global real *x) {
    __local real xl[LS];
    const int i = get_local_id(0);
    if (i < kb) xl[i] = x[k + i];
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int j = kb - 1; j >= 0; j--) {
        if (i == j) xl[j] = xl[j] / A[IDX(k + j, k + j, ld)];
        barrier(CLK_LOCAL_MEM_FENCE);
        if (i < j) xl[i] = fma(-A[IDX(k + i, k + j, ld)], xl[j], xl[i]);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (i < kb) x[k + i] = xl[i];
}

/* x[r0 + i] -= sum_j A(r0 + i, k + j) x[k + j] for i < m, j < kb: the rows below (forward)
   or above (backward) a solved diagonal block. One work-item per row: neighbouring work-items
   read neighbouring elements of each column. */
__kernel void lu_gemv_sub(const int m, const int r0, const int k, const int kb,
                          __global const real *A, const int ld, __global real *x) {
    const int i = get_global_id(0);
    if (i >= m) return;
    __global const real *a = A + IDX(r0 + i, k, ld);
    real s = 0.0;
    for (int j = 0; j < kb; j++) s = fma(a[(size_t)j * (size_t)ld], x[k + j], s);
    x[r0 + i] -= s;
}
