/* hetbench — peak on CUDA (base): one thread per element, the 16 independent chains of
 * HB__PEAK_STEPS dependent steps of kernels/peak/peak.c (its host reference is exact):
 *   f64, f32: y = fma(y, a, b) with a and b kernel arguments (unknown to the compiler);
 *   f16:      the same in half precision, chains c and c + 8 paired in a half2 (HFMA2: both
 *             lanes are independent chains, the per-chain arithmetic is unchanged);
 *   i8:       y += dot(the 4 bytes of y as int8, w) modulo 2^32 — one __dp4a(y, w, y);
 *   i32:      y = y·a + b modulo 2^32 with a (odd) and b kernel arguments — one IMAD (2 OP). */
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include "platforms/cuda/cuda_kernels.h"

namespace {

constexpr int CHAINS = 16; /* HB__PEAK_CHAINS */

template <typename T>
__global__ void __launch_bounds__(256)
    peak_float(const T *__restrict__ in, T *__restrict__ out, T a, T b, int steps, int64_t n) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const T x0 = in[i];
    T y[CHAINS];
#pragma unroll
    for (int c = 0; c < CHAINS; c++) y[c] = x0 + (T)c * (T)0.0625;
#pragma unroll 4
    for (int s = 0; s < steps; s++) {
#pragma unroll
        for (int c = 0; c < CHAINS; c++) y[c] = fma(y[c], a, b);
    }
    T sum = 0;
#pragma unroll
    for (int c = 0; c < CHAINS; c++) sum += y[c];
    out[i] = sum;
}

__global__ void __launch_bounds__(256)
    peak_f16(const __half *__restrict__ in, __half *__restrict__ out, float af, float bf, int steps,
             int64_t n) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const __half2 a = __float2half2_rn(af), b = __float2half2_rn(bf);
    const __half x0 = in[i];
    /* lane .x: chain c, lane .y: chain c + 8; every start value is a multiple of 1/16 below
       128 in magnitude, exact in half (peak.c) */
    __half2 y[CHAINS / 2];
#pragma unroll
    for (int c = 0; c < CHAINS / 2; c++)
        y[c] = __halves2half2(__hadd(x0, __float2half((float)c * 0.0625f)),
                              __hadd(x0, __float2half((float)(c + CHAINS / 2) * 0.0625f)));
#pragma unroll 4
    for (int s = 0; s < steps; s++) {
#pragma unroll
        for (int c = 0; c < CHAINS / 2; c++) y[c] = __hfma2(y[c], a, b);
    }
    /* the sum in half, as the OpenCL kernel does (exact: the partial sums are multiples of
       1/16 between 0 and 128, peak.c) */
    __half sum = __float2half(0.0f);
#pragma unroll
    for (int c = 0; c < CHAINS / 2; c++) sum = __hadd(sum, __low2half(y[c]));
#pragma unroll
    for (int c = 0; c < CHAINS / 2; c++) sum = __hadd(sum, __high2half(y[c]));
    out[i] = sum;
}

__global__ void __launch_bounds__(256)
    peak_i8(const unsigned *__restrict__ in, unsigned *__restrict__ out, int w, int steps,
            int64_t n) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const unsigned x0 = in[i];
    int y[CHAINS];
#pragma unroll
    for (int c = 0; c < CHAINS; c++) y[c] = (int)(x0 + (unsigned)c * 0x9E3779B9u);
#pragma unroll 4
    for (int s = 0; s < steps; s++) {
#pragma unroll
        for (int c = 0; c < CHAINS; c++) y[c] = __dp4a(y[c], w, y[c]); /* wraps modulo 2^32 */
    }
    unsigned sum = 0;
#pragma unroll
    for (int c = 0; c < CHAINS; c++) sum += (unsigned)y[c];
    out[i] = sum;
}

__global__ void __launch_bounds__(256)
    peak_i32(const unsigned *__restrict__ in, unsigned *__restrict__ out, unsigned a, unsigned b,
             int steps, int64_t n) {
    const int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const unsigned x0 = in[i];
    unsigned y[CHAINS];
#pragma unroll
    for (int c = 0; c < CHAINS; c++) y[c] = x0 + (unsigned)c * 0x9E3779B9u;
#pragma unroll 4
    for (int s = 0; s < steps; s++) {
#pragma unroll
        for (int c = 0; c < CHAINS; c++) y[c] = y[c] * a + b; /* wraps modulo 2^32 */
    }
    unsigned sum = 0;
#pragma unroll
    for (int c = 0; c < CHAINS; c++) sum += y[c];
    out[i] = sum;
}

} // namespace

extern "C" cudaError_t hb__cuda_peak_launch(int kind, const void *in, void *out, double a, double b,
                                            const int8_t w[4], uint32_t ia, uint32_t ib, int steps,
                                            int64_t n, cudaStream_t stream) {
    const int threads = 256;
    const int64_t blocks = (n + threads - 1) / threads;
    if (blocks < 1 || blocks > 2147483647) return cudaErrorInvalidConfiguration;
    switch (kind) {
    case 0:
        peak_float<double><<<(unsigned)blocks, threads, 0, stream>>>(
            static_cast<const double *>(in), static_cast<double *>(out), a, b, steps, n);
        break;
    case 1:
        peak_float<float><<<(unsigned)blocks, threads, 0, stream>>>(static_cast<const float *>(in),
                                                                    static_cast<float *>(out),
                                                                    (float)a, (float)b, steps, n);
        break;
    case 2:
        peak_f16<<<(unsigned)blocks, threads, 0, stream>>>(static_cast<const __half *>(in),
                                                           static_cast<__half *>(out), (float)a,
                                                           (float)b, steps, n);
        break;
    case 4:
        peak_i32<<<(unsigned)blocks, threads, 0, stream>>>(
            static_cast<const unsigned *>(in), static_cast<unsigned *>(out), ia, ib, steps, n);
        break;
    default: {
        /* byte j of the packed word is w[j]: __dp4a pairs byte j of both operands */
        unsigned packed = (unsigned)(uint8_t)w[0] | (unsigned)(uint8_t)w[1] << 8 |
                          (unsigned)(uint8_t)w[2] << 16 | (unsigned)(uint8_t)w[3] << 24;
        peak_i8<<<(unsigned)blocks, threads, 0, stream>>>(
            static_cast<const unsigned *>(in), static_cast<unsigned *>(out), (int)packed, steps, n);
        break;
    }
    }
    return cudaGetLastError();
}
