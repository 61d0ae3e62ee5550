/* hetbench — gemm on CUDA (base): the project's own tiled kernel for f32 and f64, column-major
 * C = A·B (lda = m, ldb = k, ldc = m) as in kernels/gemm/gemm.c.
 *
 * A block computes a BM x BN tile of C. For each step of BK along k it stages the A (BM x BK)
 * and B (BK x BN) tiles in shared memory (coalesced loads down A's columns; out-of-range
 * elements loaded as zeros, so any m, n, k works), then every thread accumulates its TM x TN
 * outputs in registers with FMAs (rows tx + r·BM/TM, columns ty + c·BN/TN: conflict-free
 * shared-memory reads along A, broadcasts along B, coalesced stores). CUDA cores only — the
 * tensor cores are what cuBLAS (the peak implementation) uses. */
#include <cuda_runtime.h>

#include "platforms/cuda/cuda_kernels.h"

namespace {

template <typename T, int BM, int BN, int BK, int TM, int TN, int PAD>
__global__ void __launch_bounds__((BM / TM) * (BN / TN))
    gemm_tiled(int64_t m, int64_t n, int64_t k, const T *__restrict__ A, const T *__restrict__ B,
               T *__restrict__ C) {
    constexpr int RT = BM / TM, CT = BN / TN, NT = RT * CT;
    __shared__ T As[BK][BM];
    __shared__ T Bs[BK][BN + PAD];
    const int tid = threadIdx.x, tx = tid % RT, ty = tid / RT;
    const int64_t i0 = (int64_t)blockIdx.x * BM, j0 = (int64_t)blockIdx.y * BN;

    T acc[TM][TN];
#pragma unroll
    for (int r = 0; r < TM; r++)
#pragma unroll
        for (int c = 0; c < TN; c++) acc[r][c] = T(0);

    for (int64_t l0 = 0; l0 < k; l0 += BK) {
#pragma unroll
        for (int e = tid; e < BM * BK; e += NT) {
            const int ii = e % BM, ll = e / BM;
            const int64_t gi = i0 + ii, gl = l0 + ll;
            As[ll][ii] = (gi < m && gl < k) ? A[gi + gl * m] : T(0);
        }
#pragma unroll
        for (int e = tid; e < BK * BN; e += NT) {
            const int ll = e % BK, jj = e / BK;
            const int64_t gl = l0 + ll, gj = j0 + jj;
            Bs[ll][jj] = (gl < k && gj < n) ? B[gl + gj * k] : T(0);
        }
        __syncthreads();
#pragma unroll
        for (int ll = 0; ll < BK; ll++) {
            T a[TM], b[TN];
#pragma unroll
            for (int r = 0; r < TM; r++) a[r] = As[ll][tx + r * RT];
#pragma unroll
            for (int c = 0; c < TN; c++) b[c] = Bs[ll][ty + c * CT];
#pragma unroll
            for (int r = 0; r < TM; r++)
#pragma unroll
                for (int c = 0; c < TN; c++) acc[r][c] = fma(a[r], b[c], acc[r][c]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int c = 0; c < TN; c++) {
        const int64_t j = j0 + ty + c * CT;
        if (j >= n) continue;
#pragma unroll
        for (int r = 0; r < TM; r++) {
            const int64_t i = i0 + tx + r * RT;
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
        return launch<double, 64, 64, 16, 4, 4, 1>(m, n, k, static_cast<const double *>(A),
                                                   static_cast<const double *>(B),
                                                   static_cast<double *>(C), stream);
    return launch<float, 128, 128, 8, 8, 8, 4>(m, n, k, static_cast<const float *>(A),
                                               static_cast<const float *>(B),
                                               static_cast<float *>(C), stream);
}

extern "C" const char *hb__cuda_gemm_tiles(int f64) {
    return f64 ? "64x64x16 block tile, 4x4 per thread, 256 threads, double FMA"
               : "128x128x8 block tile, 8x8 per thread, 256 threads, float FMA";
}
