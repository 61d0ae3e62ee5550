#ifndef HB_GEMM_BASE_H
#define HB_GEMM_BASE_H
#include <stddef.h>
#include <stdint.h>
/* C = alpha*A*B + beta*C. A is m x k (lda >= m), B is k x n (ldb >= k), C is m x n (ldc >= m).
   All column-major. Parallel with OpenMP over the current default team size
   (omp_get_max_threads()); callable from a serial region. beta == 0 means C is not read (may hold
   NaN). */
void hb__gemm_f64(int64_t m, int64_t n, int64_t k, double alpha, const double *A, int64_t lda,
                  const double *B, int64_t ldb, double beta, double *C, int64_t ldc);
void hb__gemm_f32(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t lda,
                  const float *B, int64_t ldb, float beta, float *C, int64_t ldc);
/* C = A*B with IEEE binary16 (f16) / bfloat16 (bf16) inputs stored as uint16_t bit patterns,
   fp32 accumulation, fp32 output (C overwritten). */
void hb__gemm_f16(int64_t m, int64_t n, int64_t k, const uint16_t *A, int64_t lda,
                  const uint16_t *B, int64_t ldb, float *C, int64_t ldc);
void hb__gemm_bf16(int64_t m, int64_t n, int64_t k, const uint16_t *A, int64_t lda,
                   const uint16_t *B, int64_t ldb, float *C, int64_t ldc);
/* C = A*B, int8 inputs, exact int32 accumulation, int32 output (C overwritten).
   Exactness limit: every partial sum is bounded by k*128*128, so the result is the exact
   (wrap-free) int32 value for k*128*128 < 2^31, i.e. k <= 131071. Beyond that the int32
   accumulators wrap (two's-complement, never UB): C is then the exact result mod 2^32. */
void hb__gemm_i8(int64_t m, int64_t n, int64_t k, const int8_t *A, int64_t lda, const int8_t *B,
                 int64_t ldb, int32_t *C, int64_t ldc);
/* ISA dispatch. Names: "generic" (portable C, always available), "avx2" (AVX2+FMA), "avx512"
   (AVX-512F/BW(/VNNI where used)), "neon" (aarch64). Best available is chosen on first use
   (or from env HETBENCH_GEMM_ISA if set and available). */
int hb__gemm_isa_available(const char *name); /* 1 if this build+CPU can run it */
/* -1 with err filled when HETBENCH_GEMM_ISA names an ISA that is unknown or unavailable here
   (the kernels would otherwise fall back to the best one silently); 0 otherwise. */
int hb__gemm_isa_env_check(char *err, size_t n);
int hb__gemm_select_isa(const char *name); /* NULL = best; returns 0 ok, -1 unavailable */
const char *hb__gemm_isa(void);            /* the ISA now in use */
/* Human-readable description of the micro-kernel used for a precision, e.g. "avx512 f64 16x14
 * packed, MC=..,KC=..,NC=..". prec is one of "f64","f32","f16","bf16","i8". */
const char *hb__gemm_describe(const char *prec);
/* Calls that did nothing because their packing workspace could not be allocated, since the
   start of the process. A caller compares the count before and after its calls. */
long hb__gemm_failures(void);
/* Grows the packing workspaces of the calling thread (for a call on the whole team) and of
   every other team thread (for single-threaded calls inside a parallel region) to the largest
   a call of this precision can need, so that no timed call allocates. Untimed set-up code calls
   it. 0 ok, -1 out of memory. */
int hb__gemm_reserve(const char *precision);
#endif
