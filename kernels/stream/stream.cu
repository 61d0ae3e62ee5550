/* hetbench — stream on CUDA: STREAM's copy, scale, add and triad (kernels/stream/stream.c) as
 * grid-stride loops with 16-byte vector accesses (double2 / float4: cudaMalloc'ed arrays are
 * 256-byte aligned), the last n % (16 / sizeof(T)) elements scalar. */
#include <cuda_runtime.h>

#include "platforms/cuda/cuda_kernels.h"

namespace {

template <typename T, int W> struct alignas(16) vec { T v[W]; };

/* one element (or one vector component) of each operation */
template <int OP, typename T>
__device__ __forceinline__ void step(T *a, T *b, T *c, T s, int64_t i) {
    if (OP == 0)
        c[i] = a[i];
    else if (OP == 1)
        b[i] = s * c[i];
    else if (OP == 2)
        c[i] = a[i] + b[i];
    else
        a[i] = b[i] + s * c[i];
}

template <int OP, typename T>
__global__ void __launch_bounds__(256)
    stream_kernel(T *__restrict__ a, T *__restrict__ b, T *__restrict__ c, T s, int64_t n) {
    constexpr int W = 16 / sizeof(T);
    typedef vec<T, W> V;
    const int64_t nv = n / W;
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    V *av = reinterpret_cast<V *>(a), *bv = reinterpret_cast<V *>(b),
      *cv = reinterpret_cast<V *>(c);
    for (int64_t j = i; j < nv; j += stride) {
        if (OP == 0) {
            cv[j] = av[j];
        } else if (OP == 1) {
            V x = cv[j], r;
#pragma unroll
            for (int w = 0; w < W; w++) r.v[w] = s * x.v[w];
            bv[j] = r;
        } else if (OP == 2) {
            V x = av[j], y = bv[j], r;
#pragma unroll
            for (int w = 0; w < W; w++) r.v[w] = x.v[w] + y.v[w];
            cv[j] = r;
        } else {
            V x = bv[j], y = cv[j], r;
#pragma unroll
            for (int w = 0; w < W; w++) r.v[w] = x.v[w] + s * y.v[w];
            av[j] = r;
        }
    }
    for (int64_t j = nv * W + i; j < n; j += stride) step<OP>(a, b, c, s, j);
}

template <typename T>
cudaError_t launch(int op, T *a, T *b, T *c, T s, int64_t n, int max_blocks, cudaStream_t st) {
    const int threads = 256;
    constexpr int W = 16 / sizeof(T);
    int64_t want = (n / W + threads - 1) / threads;
    if (want < 1) want = 1;
    int blocks = (int)(want < max_blocks ? want : max_blocks);
    if (blocks < 1) blocks = 1;
    switch (op) {
    case 0:
        stream_kernel<0, T><<<blocks, threads, 0, st>>>(a, b, c, s, n);
        break;
    case 1:
        stream_kernel<1, T><<<blocks, threads, 0, st>>>(a, b, c, s, n);
        break;
    case 2:
        stream_kernel<2, T><<<blocks, threads, 0, st>>>(a, b, c, s, n);
        break;
    default:
        stream_kernel<3, T><<<blocks, threads, 0, st>>>(a, b, c, s, n);
        break;
    }
    return cudaGetLastError();
}

template <typename T> int blocks_per_sm(int op) {
    int per_sm = 0;
    cudaError_t e =
        op == 0
            ? cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, stream_kernel<0, T>, 256, 0)
        : op == 1
            ? cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, stream_kernel<1, T>, 256, 0)
        : op == 2
            ? cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, stream_kernel<2, T>, 256, 0)
            : cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, stream_kernel<3, T>, 256, 0);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        return 0;
    }
    return per_sm;
}

} // namespace

/* The blocks of 256 threads of the operation's kernel that one SM of the current device holds
   at once (registers, threads per SM: 8 on Hopper at 32 registers, 6 on GPUs with 1536 threads
   per SM); 0 when the runtime cannot say. The "one resident wave" grid is this times the SMs:
   a grid larger than what is resident leaves its last blocks to run their whole grid-stride
   share alone after the others (up to twice the time). */
extern "C" int hb__cuda_stream_blocks_per_sm(int op, int f64) {
    return f64 ? blocks_per_sm<double>(op) : blocks_per_sm<float>(op);
}

extern "C" cudaError_t hb__cuda_stream_launch(int op, int f64, void *a, void *b, void *c,
                                              double scalar, int64_t n, int max_blocks,
                                              cudaStream_t stream) {
    if (f64)
        return launch<double>(op, static_cast<double *>(a), static_cast<double *>(b),
                              static_cast<double *>(c), scalar, n, max_blocks, stream);
    return launch<float>(op, static_cast<float *>(a), static_cast<float *>(b),
                         static_cast<float *>(c), static_cast<float>(scalar), n, max_blocks,
                         stream);
}
