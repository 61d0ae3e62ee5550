/* hetbench — latency on CUDA: the smallest useful kernel, one thread folds the launch's value
 * into one int (kernels/latency/latency.c): a skipped launch changes the result. */
#include <cuda_runtime.h>

#include "platforms/cuda/cuda_kernels.h"

namespace {

__global__ void hb_latency(uint32_t *out, uint32_t value) {
    out[0] = out[0] * 31u + value;
}

} // namespace

extern "C" cudaError_t hb__cuda_latency_launch(uint32_t *out, uint32_t value, cudaStream_t stream) {
    hb_latency<<<1, 1, 0, stream>>>(out, value);
    return cudaGetLastError();
}
