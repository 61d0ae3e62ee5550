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

#define RM (TM / WM) /* work-items along m */
#define RN (TN / WN) /* work-items along n */
#define NT (RM * RN) /* work-items per work-group */
#define VM (WM / VW) /* row vectors per work-item */

#if (TM % WM) || (TN % WN) || (WM % VW) || (TM % VW) || (TK % VW)
#error "inconsistent gemm tile parameters"
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

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

#if VW == 1
typedef real realv;
#define VLOAD(p) (*(p))
#define VSTORE(v, p) (*(p) = (v))
#if defined(HB_F16)
#define GLOAD_V(p) vload_half(0, (p))
#else
#define GLOAD_V(p) (*(p))
#endif
#else
typedef CAT(REAL, VW) realv;
#define VLOAD(p) CAT(vload, VW)(0, (p))
#define VSTORE(v, p) CAT(vstore, VW)((v), 0, (p))
#if defined(HB_F16)
#define GLOAD_V(p) CAT(vload_half, VW)(0, (p))
#else
#define GLOAD_V(p) VLOAD(p)
#endif
#endif

__kernel __attribute__((reqd_work_group_size(RM, RN, 1))) void
gemm(const int m, const int n, const int k, __global const in_t *restrict A,
     __global const in_t *restrict B, __global real *restrict C) {
    __local real Asub[TK * TM]; /* Asub[kk*TM + i]: column kk of the A tile */
    __local real Bsub[TN * TK]; /* Bsub[j*TK + kk]: column j of the B tile */

    const int tm = get_local_id(0), tn = get_local_id(1);
    const int lid = tm + tn * RM;
    const int offm = get_group_id(0) * TM, offn = get_group_id(1) * TN;
    const int full_mn = offm + TM <= m && offn + TN <= n;

    realv acc[VM][WN];
    for (int r = 0; r < VM; r++)
        for (int c = 0; c < WN; c++) acc[r][c] = (realv)0;

    for (int t0 = 0; t0 < k; t0 += TK) {
        if (full_mn && t0 + TK <= k) {
            /* interior: vector loads along the contiguous dimension (m for A, k for B) */
            for (int i = lid; i < (TM / VW) * TK; i += NT) {
                const int rv = i % (TM / VW), col = i / (TM / VW);
                const realv v =
                    GLOAD_V(A + (size_t)(offm + rv * VW) + (size_t)(t0 + col) * (size_t)m);
                VSTORE(v, Asub + col * TM + rv * VW);
            }
            for (int i = lid; i < (TK / VW) * TN; i += NT) {
                const int kv = i % (TK / VW), col = i / (TK / VW);
                const realv v =
                    GLOAD_V(B + (size_t)(t0 + kv * VW) + (size_t)(offn + col) * (size_t)k);
                VSTORE(v, Bsub + col * TK + kv * VW);
            }
        } else {
            /* edge: element by element, zeros outside the matrices */
            for (int i = lid; i < TM * TK; i += NT) {
                const int row = i % TM, col = i / TM;
                const int gr = offm + row, gc = t0 + col;
                Asub[col * TM + row] = (gr < m && gc < k)
                                           ? (real)GLOAD_S(A + (size_t)gr + (size_t)gc * (size_t)m)
                                           : (real)0;
            }
            for (int i = lid; i < TK * TN; i += NT) {
                const int row = i % TK, col = i / TK;
                const int gr = t0 + row, gc = offn + col;
                Bsub[col * TK + row] = (gr < k && gc < n)
                                           ? (real)GLOAD_S(B + (size_t)gr + (size_t)gc * (size_t)k)
                                           : (real)0;
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);

        for (int kk = 0; kk < TK; kk++) {
            realv a[VM];
#pragma unroll
            for (int r = 0; r < VM; r++) a[r] = VLOAD(Asub + kk * TM + (tm + r * RM) * VW);
#pragma unroll
            for (int c = 0; c < WN; c++) {
                const realv b = (realv)Bsub[(tn + c * RN) * TK + kk];
#pragma unroll
                for (int r = 0; r < VM; r++) acc[r][c] = fma(a[r], b, acc[r][c]);
            }
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }

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
