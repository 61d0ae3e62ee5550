/* hetbench — gemm in OpenCL C 1.2: C = A·B, column-major, no transposes, lda = m, ldb = k,
 * ldc = m. The host (kernels/gemm/gemm_ocl.c) builds it once per configuration with
 *
 *   -DHB_F32 | -DHB_F64 | -DHB_F16   element type (f16: uint16 bit patterns read with
 *                                    vload_half, which needs no cl_khr_fp16; f32 accumulation
 *                                    and output)
 *   -DTM=  -DTN=  -DTK=              the work-group's tile of C (TM x TN) and the depth of one
 *                                    step along k; the A (TM x TK) and B (TK x TN) tiles of a
 *                                    step are staged in local memory
 *   -DWM=  -DWN=                     register blocking: each work-item computes WM x WN
 *                                    elements of C (WM rows as WM/VW vectors of VW)
 *   -DVW=                            vector width along m (1, 2, 4, 8, 16)
 *
 * The work-group is (TM/WM) x (TN/WN) work-items; work-item (tm, tn) owns the row vectors
 * tm + r·(TM/WM) (r < WM/VW) and the columns tn + c·(TN/WN) (c < WN) of the tile, so that
 * neighbouring work-items touch neighbouring rows (coalesced on GPUs). The global size is the
 * tile grid rounded up: edge tiles load zeros outside the matrices and store only inside them;
 * interior tiles take an unguarded path with vector loads. Any m, n, k >= 1.
 */
#if !defined(TM) || !defined(TN) || !defined(TK) || !defined(WM) || !defined(WN) || !defined(VW)
#error "gemm.cl needs -DTM -DTN -DTK -DWM -DWN -DVW"
#endif

#if defined(HB_F64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double real;
#define REAL double
typedef double in_t;
#define GLOAD_S(p) (*(p))
#elif defined(HB_F16)
typedef float real;
#define REAL float
typedef half in_t; /* pointer only: read through vload_half */
#define GLOAD_S(p) vload_half(0, (p))
#elif defined(HB_F32)
typedef float real;
#define REAL float
typedef float in_t;
#define GLOAD_S(p) (*(p))
#else
#error "gemm.cl needs -DHB_F32, -DHB_F64 or -DHB_F16"
#endif

#include "gemm_tile_defs.clh"

#if VW == 1 && defined(HB_F16)
#define GLOAD_V(p) vload_half(0, (p))
#elif VW == 1
#define GLOAD_V(p) (*(p))
#elif defined(HB_F16)
#define GLOAD_V(p) CAT(vload_half, VW)(0, (p))
#else
#define GLOAD_V(p) VLOAD(p)
#endif

/* the inputs, column-major with lda = m and ldb = k (gemm_tile_loop.clh) */
#define A_VEC(i, j) GLOAD_V(A + (size_t)(i) + (size_t)(j) * (size_t)m)
#define B_VEC(i, j) GLOAD_V(B + (size_t)(i) + (size_t)(j) * (size_t)k)
#define A_ELT(i, j) (real) GLOAD_S(A + (size_t)(i) + (size_t)(j) * (size_t)m)
#define B_ELT(i, j) (real) GLOAD_S(B + (size_t)(i) + (size_t)(j) * (size_t)k)

__kernel __attribute__((reqd_work_group_size(RM, RN, 1))) void
gemm(const int m, const int n, const int k, __global const in_t *restrict A,
     __global const in_t *restrict B, __global real *restrict C) {
#include "gemm_tile_loop.clh"

    for (int c = 0; c < WN; c++) {
        const int col = offn + tn + c * RN;
        if (col >= n) continue;
        for (int r = 0; r < VM; r++) {
            const int row = offm + (tm + r * RM) * VW;
            __global real *dst = C + (size_t)row + (size_t)col * (size_t)m;
            if (row + VW <= m) {
                VSTORE(acc[r][c], dst);
            } else {
                /* a copy, not a pointer into acc: taking acc's address keeps the whole
                   accumulator block in memory instead of registers */
                real lane[VW];
                VSTORE(acc[r][c], lane);
                for (int v = 0; v < VW && row + v < m; v++) dst[v] = lane[v];
            }
        }
    }
}
