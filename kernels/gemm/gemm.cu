/* hetbench — gemm on CUDA (base): the project's own tiled kernel for f32 and f64, column-major
 * C = A·B (lda = m, ldb = k, ldc = m) as in kernels/gemm/gemm.c. CUDA cores only: the tensor
 * cores are what cuBLAS (the peak implementation) uses.
 *
 * A block computes a BM x BN tile of C. For each step of BK along k it stages the A (BM x BK)
 * and B (BK x BN) tiles in shared memory (coalesced scalar loads down the columns, bounds
 * checked: out-of-range elements are zeros, so any m, n, k works), then every thread
 * accumulates its TM x TN outputs in registers with FMAs.
 *
 * A thread's outputs are groups of VW adjacent rows (and columns) of 16 bytes (float4,
 * double2), so each shared-memory read is one 16-byte load: per step of k, TM/VW + TN/VW loads
 * feed TM·TN FMAs (f32 8x8: 4 loads for 64 FMAs). The next k-tile's global loads are issued
 * into registers before the current tile is computed, which hides one tile of latency without
 * a second shared buffer. 128 registers, 2 blocks of 256 threads per SM, no spills (sm_90).
 *
 * The first kernel (scalar shared reads: rows tx + r·BM/TM, 16 loads for 64 FMAs in f32) left
 * the FMA units waiting on shared memory. On the H100, n = 8192, alternating, 2 rounds each:
 * f32 25.7 -> 36.4 TFLOP/s (0.50 -> 0.71 of cuBLAS), f64 14.0 -> 17.8 (0.25 -> 0.32 of
 * cuBLAS, whose DGEMM runs on the FP64 tensor cores; 0.54 of the FP64 FMA peak that the peak
 * kernel measures, 32.7). */
#include <cuda_runtime.h>

#include "platforms/cuda/cuda_kernels.h"

namespace {

template <typename T> struct vec16;
template <> struct vec16<float> {
    typedef float4 type;
    static constexpr int n = 4;
};
template <> struct vec16<double> {
    typedef double2 type;
    static constexpr int n = 2;
};

template <typename T, int BM, int BN, int BK, int TM, int TN, int PAD>
__global__ void __launch_bounds__((BM / TM) * (BN / TN), 2)
    gemm_tiled(int64_t m, int64_t n, int64_t k, const T *__restrict__ A, const T *__restrict__ B,
               T *__restrict__ C) {
    typedef typename vec16<T>::type V;
    constexpr int VW = vec16<T>::n, RT = BM / TM, CT = BN / TN, NT = RT * CT;
    constexpr int HM = TM / VW, HN = TN / VW; /* 16-byte groups per thread along m and n */
    constexpr int LA = BM * BK / NT, LB = BK * BN / NT; /* global loads per thread per tile */
    static_assert(TM % VW == 0 && TN % VW == 0, "per-thread tile must be whole vectors");
    static_assert((BM * BK) % NT == 0 && (BK * BN) % NT == 0, "tiles must split evenly");
    static_assert(((BN + PAD) * sizeof(T)) % 16 == 0, "Bs rows must stay 16-byte aligned");
    __shared__ __align__(16) T As[BK][BM];
    __shared__ __align__(16) T Bs[BK][BN + PAD];
    const int tid = threadIdx.x, tx = tid % RT, ty = tid / RT;
    const int64_t i0 = (int64_t)blockIdx.x * BM, j0 = (int64_t)blockIdx.y * BN;

    T acc[TM][TN];
#pragma unroll
    for (int r = 0; r < TM; r++)
#pragma unroll
        for (int c = 0; c < TN; c++) acc[r][c] = T(0);

    /* thread tid loads A rows ai (the same for every q: NT is a multiple of BM) at tile
       columns al + q·NT/BM, and B rows bl (the same for every q: NT is a multiple of BK) at
       tile columns bj + q·NT/BK; the pointers advance by a tile per step */
    static_assert(NT % BM == 0 && NT % BK == 0, "loads must keep their row");
    const int ai = tid % BM, al = tid / BM, bl = tid % BK, bj = tid / BK;
    const bool a_in = i0 + ai < m;
    const T *Ap = A + (i0 + ai) + (int64_t)al * m; /* at tile column 0 of the current step */
    const T *Bp = B + bl + (j0 + bj) * k;
    const int64_t a_step = (int64_t)(NT / BM) * m, b_step = (int64_t)(NT / BK) * k;
    T ra[LA], rb[LB];
    auto load =
        [&](int64_t l0) { /* Ap, Bp point at tile l0 */
#pragma unroll
                          for (int q = 0; q < LA; q++)
                              ra[q] = (a_in && l0 + al + q * (NT / BM) < k) ? Ap[q * a_step] : T(0);
                          const bool b_in = l0 + bl < k;
#pragma unroll
                          for (int q = 0; q < LB; q++)
                              rb[q] = (b_in && j0 + bj + q * (NT / BK) < n) ? Bp[q * b_step] : T(0);
                          Ap += (int64_t)BK * m;
                          Bp += BK;
        };
    auto store = [&]() {
#pragma unroll
        for (int q = 0; q < LA; q++) {
            const int e = tid + q * NT;
            As[e / BM][e % BM] = ra[q];
        }
#pragma unroll
        for (int q = 0; q < LB; q++) {
            const int e = tid + q * NT;
            Bs[e % BK][e / BK] = rb[q];
        }
    };
    load(0);
    store();
    __syncthreads();
    for (int64_t l0 = 0; l0 < k; l0 += BK) {
        const bool more = l0 + BK < k;
        if (more) load(l0 + BK);
#pragma unroll
        for (int ll = 0; ll < BK; ll++) {
            T a[TM], b[TN];
#pragma unroll
            for (int h = 0; h < HM; h++) {
                const V v = *reinterpret_cast<const V *>(&As[ll][h * RT * VW + tx * VW]);
                const T *pv = reinterpret_cast<const T *>(&v);
#pragma unroll
                for (int w = 0; w < VW; w++) a[h * VW + w] = pv[w];
            }
#pragma unroll
            for (int h = 0; h < HN; h++) {
                const V v = *reinterpret_cast<const V *>(&Bs[ll][h * CT * VW + ty * VW]);
                const T *pv = reinterpret_cast<const T *>(&v);
#pragma unroll
                for (int w = 0; w < VW; w++) b[h * VW + w] = pv[w];
            }
#pragma unroll
            for (int r = 0; r < TM; r++)
#pragma unroll
                for (int c = 0; c < TN; c++) acc[r][c] = fma(a[r], b[c], acc[r][c]);
        }
        __syncthreads();
        if (more) {
            store();
            __syncthreads();
        }
    }
#pragma unroll
    for (int c = 0; c < TN; c++) {
        const int64_t j = j0 + (c / VW) * CT * VW + ty * VW + c % VW;
        if (j >= n) continue;
#pragma unroll
        for (int r = 0; r < TM; r++) {
            const int64_t i = i0 + (r / VW) * RT * VW + tx * VW + r % VW;
            if (i < m) C[i + j * m] = acc[r][c];
        }
    }
}

template <typename T, int BM, int BN, int BK, int TM, int TN, int PAD>
cudaError_t launch(int64_t m, int64_t n, int64_t k, const T *A, const T *B, T *C,
                   cudaStream_t stream) {
    const int64_t gx = (m + BM - 1) / BM, gy = (n + BN - 1) / BN;
    if (gx > 2147483647 || gy > 65535) return cudaErrorInvalidConfiguration;
    dim3 grid((unsigned)gx, (unsigned)gy);
    gemm_tiled<T, BM, BN, BK, TM, TN, PAD>
        <<<grid, (BM / TM) * (BN / TN), 0, stream>>>(m, n, k, A, B, C);
    return cudaGetLastError();
}

} // namespace

extern "C" cudaError_t hb__cuda_gemm_launch(int f64, int64_t m, int64_t n, int64_t k, const void *A,
                                            const void *B, void *C, cudaStream_t stream) {
    if (f64)
        return launch<double, 128, 64, 8, 8, 4, 2>(m, n, k, static_cast<const double *>(A),
                                                   static_cast<const double *>(B),
                                                   static_cast<double *>(C), stream);
    return launch<float, 128, 128, 8, 8, 8, 4>(m, n, k, static_cast<const float *>(A),
                                               static_cast<const float *>(B),
                                               static_cast<float *>(C), stream);
}

extern "C" const char *hb__cuda_gemm_tiles(int f64) {
    return f64 ? "128x64x8 block tile, 8x4 per thread in 16-byte groups, 256 threads, next "
                 "k-tile prefetched to registers, double FMA"
               : "128x128x8 block tile, 8x8 per thread in 16-byte groups, 256 threads, next "
                 "k-tile prefetched to registers, float FMA";
}
