/* hetbench — internal declarations shared by the library's modules (not installed). */
#ifndef HB_INTERNAL_H
#define HB_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hetbench/hetbench.h"

/* ---- util.c ---- */
void hb__set_err(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
double hb__now(void); /* CLOCK_MONOTONIC seconds */
/* The reason an implementation's run/reset/finish failed, noted on the calling thread by
   built-in implementations (e.g. "stream on <device>: clEnqueueNDRangeKernel:
   CL_OUT_OF_RESOURCES (-5)"); the runner puts it in the record. */
void hb__note_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *hb__noted_error(void);
void hb__clear_noted_error(void);
/* Makes s valid UTF-8 in place, as a JSON string must be (jansson refuses it otherwise): every
   byte that does not begin a complete, well-formed sequence — a text in another encoding (a
   vendor runtime's GBK), one cut inside a character — becomes '?'. */
void hb__utf8_fix(char *s);
/* 64-byte aligned allocation (NULL on failure or zero size); free with hb__free. */
void *hb__alloc(size_t bytes);
void hb__free(void *p);
/* hb__alloc of n1·n2·es bytes; NULL when the product overflows. */
void *hb__alloc_array(uint64_t n1, uint64_t n2, size_t es);
/* HB_OK when `bytes` of problem data fit in memory (MemTotal, or a smaller cgroup limit);
   otherwise HB_SKIPPED with the reason — better than an OOM kill that loses the run. */
hb_status hb__check_fits(double bytes, const char *what, char *err, size_t n);
/* Size in bytes of one element of a variant's input type. */
size_t hb__variant_elem_size(hb_variant v);
/* 1 for a precision name counted in OP/s (i8, i32), 0 for floating point or unknown. */
int hb__variant_name_is_integer(const char *name);
/* Unit roundoff of the arithmetic of a variant (accumulation precision). */
double hb__variant_unit_roundoff(hb_variant v);
int hb__str_in_list(const char *list, const char *item); /* comma list; NULL list = all */

/* ---- rng.c: counter-based generator, so that parallel first-touch fills are reproducible
   whatever the thread count ---- */
uint64_t hb__rand_u64(uint64_t seed, uint64_t stream, uint64_t i);
/* Uniform in [lo, hi). */
double hb__rand_uniform(uint64_t seed, uint64_t stream, uint64_t i, double lo, double hi);

/* ---- half precision conversions (round to nearest even) ---- */
uint16_t hb__f32_to_f16(float f);
float hb__f16_to_f32(uint16_t h);
uint16_t hb__f32_to_bf16(float f);
float hb__bf16_to_f32(uint16_t h);

/* ---- sysinfo.c ---- */
struct hwloc_topology;
struct hwloc_topology *hb__topology(void); /* loaded once; NULL if hwloc failed */
uint64_t hb__llc_bytes_total(void);
uint64_t hb__mem_bytes_total(void);
int hb__core_count(void); /* cores this process may use */
struct hwloc_bitmap_s;
const struct hwloc_bitmap_s *hb__usable_cpuset(void); /* allowed ∩ initial affinity */

/* ---- built-in kernels and platforms ---- */
extern const hb_kernel hb__kernel_gemm;
extern const hb_kernel hb__kernel_lu;
extern const hb_kernel hb__kernel_stream;
/* The arrays a STREAM operation reads (in) and writes (out), as bits a=1 b=2 c=4 (the device
   implementations copy exactly those), and how many arrays a set of bits names. */
void hb__stream_op_arrays(int op, unsigned *in, unsigned *out);
int hb__stream_count_arrays(unsigned bits);
extern const hb_kernel hb__kernel_peak;
extern const hb_kernel hb__kernel_transfer;
extern const hb_kernel hb__kernel_latency;
const hb_platform *hb__cpu_platform(void);
#ifdef HB_HAVE_CUDA
const hb_platform *hb__cuda_platform(void); /* platforms/cuda/cuda.c */
#endif
/* kernels/lu/lu.c: copy the original A into work and b into x (untimed reset of both LU impls) */
void hb__lu_reset_copy(const hb_problem *p, double *work);

/* CPU implementations that live beside their kernel (kernels/<k>/) */
extern const hb_impl hb__gemm_cpu_base;
extern const hb_impl hb__lu_cpu_base;
extern const hb_impl hb__stream_cpu_base;
extern const hb_impl hb__peak_cpu_base;
extern const hb_impl hb__transfer_cpu_base;
extern const hb_impl hb__latency_cpu_base;

/* peak (kernels/peak/peak.c): per element i, HB__PEAK_CHAINS independent chains of
   HB__PEAK_STEPS steps, chain c starting from in[i] + c/16 (float variants: x = x·a + b, fused
   or not; i8: acc += dot4(the 4 bytes of acc as int8, w), modulo 2^32); out[i] = the sum of
   the chains. Element types: f64 double, f32 float, f16 uint16_t bits, i8 uint32_t. */
#define HB__PEAK_CHAINS 16
#define HB__PEAK_STEPS 1024
typedef struct hb__peak_data {
    void *in;
    void *out;
    double a, b;     /* float variants: exact in every precision */
    int8_t w[4];     /* i8 weights */
    uint32_t ia, ib; /* i32: x = x·ia + ib modulo 2^32 (ia odd) */
} hb__peak_data;

/* transfer (kernels/transfer/transfer.c): n floats; the implementation moves src to the
   device and back (untimed except the measured direction) and leaves the copy in dst. */
typedef struct hb__transfer_data {
    float *src;
    float *dst;
} hb__transfer_data;
enum { HB__XFER_H2D_PAGEABLE = 0, HB__XFER_D2H_PAGEABLE, HB__XFER_H2D_PINNED, HB__XFER_D2H_PINNED };

/* latency (kernels/latency/latency.c): one run = n launches; launch j writes
   token + j·HB__LATENCY_STRIDE + s into out[s] for each of its `used` slots (the impl sets
   used: OpenMP threads on the CPU, 1 on OpenCL). */
#define HB__LATENCY_SLOTS 4096
#define HB__LATENCY_STRIDE 7919u
typedef struct hb__latency_data {
    uint32_t *out; /* HB__LATENCY_SLOTS */
    int64_t used;
    uint32_t token;
} hb__latency_data;
/* CPU peak implementations on the CBLAS / LAPACKE provider (platforms/cpu/peak_cblas.c) */
extern const hb_impl hb__gemm_cpu_peak;
extern const hb_impl hb__lu_cpu_peak;
/* Provider facts for results: name, version/config, the file that provides cblas_dgemm and
   dgetrf_ (found with dladdr). */
void hb__cblas_describe(char *name, size_t n1, char *config, size_t n2, char *blas_path, size_t n3,
                        char *lapack_path, size_t n4);
void hb__cblas_set_threads(int n);
void hb__cblas_threading(char *out, size_t n);

/* CPU platform facts shared with sysinfo and the runner. */
int hb__cpu_threads(void);
const char *hb__cpu_binding(void);       /* "core", "none (...)" */
const char *hb__cpu_memory_policy(void); /* "first-touch by bound threads" ... */

/* ---- util.c ---- */
/* A text or number property appended to a device's info (the built-in platforms). */
void hb__prop_text(hb_device_info *o, const char *k, const char *v);
void hb__prop_num(hb_device_info *o, const char *k, double v);
/* An integer environment variable restricted to `allowed`: def when unset or empty, else its
   value, or -1 with err filled (naming the variable) when it is none of them. */
int hb__env_int_choice(const char *var, const int *allowed, size_t nallowed, int def, char *err,
                       size_t n);

/* ---- stats.c ---- */
/* Wall-clock limit (s) of a measurement's timed loop, for its min_time and energy window. */
double hb__wall_limit(double min_time, double energy_window);

/* ---- suites.c ---- */
double hb__suite_default_min_time(hb_suite s);
const char *hb__suite_name(hb_suite s);
double hb__suite_default_energy_window(hb_suite s);
double hb__suite_default_idle_seconds(hb_suite s);
/* Kernels of a suite, in run order. */
size_t hb__suite_kernels(hb_suite s, const char **names, size_t max);

/* ---- results.c ---- */
struct json_t;
/* Writes a JSON document atomically (temp file in the same directory + fsync + rename). */
hb_status hb__json_write_atomic(const struct json_t *doc, const char *path, char *err, size_t n);
/* Checks that `path` can be created (its directory is writable), without leaving a file. */
hb_status hb__check_writable(const char *path, char *err, size_t n);
struct json_t *hb__system_json(hb_context *ctx);
void hb__print_records_table(const struct json_t *records, FILE *f);
struct json_t *hb__device_json(const hb_device *d);
/* registry.c: the platform context of platform i */
void *hb__platform_ctx(const hb_context *ctx, size_t i);

#endif
