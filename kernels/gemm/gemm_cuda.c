/* hetbench — gemm on CUDA (base): the project's own tiled CUDA kernel (gemm.cu) for f32 and
 * f64, column-major as the descriptor (gemm.c), no padding and no copies around it.
 *
 * setup copies A, B and the seeded junk of C to the GPU (untimed); run launches the kernel
 * between two CUDA events and waits; finish copies C back for the descriptor's verify(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"
#include "platforms/cuda/cuda_kernels.h"

typedef struct gemm_cuda {
    hb__cuda_device *cd;
    hb_problem *p;
    void *A, *B, *C;
    size_t bytes_c;
    hb__cuda_timer timer;
    char detail[320];
} gemm_cuda;

static hb_status gemm_cuda_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__cuda_device *cd = hb__cuda_dev(d);
    if (!cd) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    if (p->variant != HB_F64 && p->variant != HB_F32) {
        hb__set_err(why, n,
                    "the project's CUDA GEMM has f64 and f32 (the other precisions are "
                    "tensor-core formats: the cuBLAS peak implementation)");
        return HB_UNSUPPORTED;
    }
    double es = (double)hb__variant_elem_size(p->variant);
    double bytes = es * ((double)p->size.m * (double)p->size.k +
                         (double)p->size.k * (double)p->size.n + (double)p->size.m * p->size.n);
    if (bytes > (double)cd->total_mem) {
        hb__set_err(why, n, "A, B and C (%.3g GB) exceed the memory of %s (%.3g GB)", bytes * 1e-9,
                    cd->name, (double)cd->total_mem * 1e-9);
        return HB_SKIPPED;
    }
    /* the grid's y dimension (at most 65535 blocks) covers n: 64 columns per block for f64,
       128 for f32 */
    if ((p->size.n + 63) / 64 > 65535) {
        hb__set_err(why, n, "n = %lld needs more than 65535 blocks along the grid's y",
                    (long long)p->size.n);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void gemm_cuda_teardown(void *state) {
    gemm_cuda *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    hb__cuda_timer_destroy(&s->timer);
    hb__cuda_free(s->A), hb__cuda_free(s->B), hb__cuda_free(s->C);
    free(s);
}

static hb_status gemm_cuda_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                 size_t n) {
    *state = NULL;
    hb_status st = gemm_cuda_supports(d, p, err, n);
    if (st != HB_OK) return st;
    int64_t m = p->size.m, nn = p->size.n, k = p->size.k;
    if (m <= 0 || nn <= 0 || k <= 0) {
        hb__set_err(err, n, "gemm: m, n, k must be > 0");
        return HB_E_INVALID;
    }
    gemm_cuda *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    hb__cuda_device *cd = s->cd;
    const hb_gemm_data *data = p->data;
    size_t es = hb__variant_elem_size(p->variant);
    size_t ba = (size_t)m * (size_t)k * es, bb = (size_t)k * (size_t)nn * es;
    s->bytes_c = (size_t)m * (size_t)nn * es;
    if ((st = hb__cuda_use(cd, err, n)) != HB_OK ||
        (st = hb__cuda_timer_create(cd, &s->timer, err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, ba, &s->A, "gemm A", err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, bb, &s->B, "gemm B", err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, s->bytes_c, &s->C, "gemm C", err, n)) != HB_OK ||
        (st = hb__cuda_h2d(cd, s->A, data->A, ba, err, n)) != HB_OK ||
        (st = hb__cuda_h2d(cd, s->B, data->B, bb, err, n)) != HB_OK ||
        (st = hb__cuda_h2d(cd, s->C, data->C, s->bytes_c, err, n)) != HB_OK) {
        gemm_cuda_teardown(s);
        return st;
    }
    snprintf(s->detail, sizeof s->detail,
             "hetbench CUDA tiled GEMM (%s) on %s [sm_%d%d], CUDA events",
             hb__cuda_gemm_tiles(p->variant == HB_F64), cd->name, cd->cc_major, cd->cc_minor);
    *state = s;
    return HB_OK;
}

static hb_status gemm_cuda_run(void *state) {
    gemm_cuda *s = state;
    hb__cuda_device *cd = s->cd;
    const char *what = "cudaSetDevice";
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) what = "cudaEventRecord", e = hb__cuda_timer_start(cd, &s->timer);
    if (e == cudaSuccess)
        what = "gemm kernel launch",
        e = hb__cuda_gemm_launch(s->p->variant == HB_F64, s->p->size.m, s->p->size.n, s->p->size.k,
                                 s->A, s->B, s->C, cd->stream);
    if (e == cudaSuccess)
        what = "waiting for the gemm kernel", e = hb__cuda_timer_stop(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, what, NULL, 0);
    return HB_OK;
}

static double gemm_cuda_device_seconds(void *state) {
    return hb__cuda_timer_seconds(&((gemm_cuda *)state)->timer);
}

static hb_status gemm_cuda_finish(void *state) {
    gemm_cuda *s = state;
    hb_gemm_data *data = s->p->data;
    hb_status st = hb__cuda_use(s->cd, NULL, 0);
    if (st != HB_OK) return st;
    return hb__cuda_d2h(s->cd, data->C, s->C, s->bytes_c, NULL, 0);
}

static const char *gemm_cuda_detail(void *state) {
    return ((gemm_cuda *)state)->detail;
}

const hb_impl hb__gemm_cuda_base = {
    .kernel = "gemm",
    .kind = HB_IMPL_BASE,
    .name = "hetbench-cuda",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
    .supports = gemm_cuda_supports,
    .setup = gemm_cuda_setup,
    .run = gemm_cuda_run,
    .finish = gemm_cuda_finish,
    .teardown = gemm_cuda_teardown,
    .detail = gemm_cuda_detail,
    .device_seconds = gemm_cuda_device_seconds,
};
