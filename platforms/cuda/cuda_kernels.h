/* hetbench — the launchers of the project's own CUDA kernels (kernels/<kernel>/<kernel>.cu,
 * compiled by nvcc), called from the C implementations beside them (<kernel>_cuda.c). Each
 * enqueues its kernel on `stream` and returns the launch's error (cudaGetLastError), without
 * waiting. Pointers are device pointers. */
#ifndef HB_CUDA_KERNELS_H
#define HB_CUDA_KERNELS_H

#include <cuda_runtime_api.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* stream (kernels/stream/stream.cu): op 0 copy c = a, 1 scale b = s·c, 2 add c = a + b,
   3 triad a = b + s·c on n elements of double (f64 != 0) or float; 16-byte vector accesses,
   a grid-stride loop over at most `max_blocks` blocks of 256 threads. */
cudaError_t hb__cuda_stream_launch(int op, int f64, void *a, void *b, void *c, double scalar,
                                   int64_t n, int max_blocks, cudaStream_t stream);
/* How many of those blocks one SM of the current device holds at once (the occupancy of the
   operation's kernel); 0 when the runtime cannot say. */
int hb__cuda_stream_blocks_per_sm(int op, int f64);

/* gemm base (kernels/gemm/gemm.cu): column-major C = A·B, lda = m, ldb = k, ldc = m, double
   (f64 != 0) or float, with the project's shared-memory tiled kernel. */
cudaError_t hb__cuda_gemm_launch(int f64, int64_t m, int64_t n, int64_t k, const void *A,
                                 const void *B, void *C, cudaStream_t stream);
/* "128x128x8 block tile, 8x8 per thread, 256 threads" for the precision */
const char *hb__cuda_gemm_tiles(int f64);

/* peak (kernels/peak/peak.cu): kind 0 f64, 1 f32, 2 f16 (uint16_t bits; half2 arithmetic),
   3 i8 (uint32_t, __dp4a), 4 i32 (uint32_t, y·ia + ib); `steps` steps of the 16 chains of
   kernels/peak/peak.c per element. a, b: the float variants' runtime constants; w: the i8
   weights; ia, ib: the i32 multiplier and addend. */
cudaError_t hb__cuda_peak_launch(int kind, const void *in, void *out, double a, double b,
                                 const int8_t w[4], uint32_t ia, uint32_t ib, int steps, int64_t n,
                                 cudaStream_t stream);

/* latency (kernels/latency/latency.cu): one thread: out[0] = out[0]·31 + value. */
cudaError_t hb__cuda_latency_launch(uint32_t *out, uint32_t value, cudaStream_t stream);

#ifdef __cplusplus
}
#endif
#endif
