/* hetbench — peak on CUDA (base): one thread per element, the 16 independent chains of
 * HB__PEAK_STEPS steps of peak.c (peak.cu): f64 and f32 FMA, f16 HFMA2 (two chains per
 * instruction), i8 __dp4a, i32 multiply-add (IMAD). setup uploads the seeds (untimed); run
 * launches the kernel between two CUDA events and waits; finish copies the results back for the
 * exact check of peak.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"
#include "platforms/cuda/cuda_kernels.h"

typedef struct peak_cuda {
    hb__cuda_device *cd;
    hb_problem *p;
    void *in, *out;
    size_t bytes;
    int kind;
    hb__cuda_timer timer;
    char detail[320];
} peak_cuda;

static size_t peak_cuda_es(hb_variant v) {
    return v == HB_F64 ? 8 : v == HB_F16 ? 2 : 4;
}

static hb_status peak_cuda_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__cuda_device *cd = hb__cuda_dev(d);
    if (!cd) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    if (p->variant != HB_F64 && p->variant != HB_F32 && p->variant != HB_F16 &&
        p->variant != HB_I8 && p->variant != HB_I32) {
        hb__set_err(why, n, "peak has f64, f32, f16, i32 and i8");
        return HB_UNSUPPORTED;
    }
    double bytes = 2.0 * (double)(p->size.n > 0 ? p->size.n : 0) * (double)peak_cuda_es(p->variant);
    if (bytes > (double)cd->total_mem) {
        hb__set_err(why, n, "%.3g GB of seeds and results exceed the memory of %s", bytes * 1e-9,
                    cd->name);
        return HB_SKIPPED;
    }
    if ((p->size.n + 255) / 256 > 2147483647LL) {
        hb__set_err(why, n, "n = %lld needs more than 2^31 - 1 blocks", (long long)p->size.n);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void peak_cuda_teardown(void *state) {
    peak_cuda *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    hb__cuda_timer_destroy(&s->timer);
    hb__cuda_free(s->in), hb__cuda_free(s->out);
    free(s);
}

static hb_status peak_cuda_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                 size_t n) {
    *state = NULL;
    hb_status st = peak_cuda_supports(d, p, err, n);
    if (st != HB_OK) return st;
    if (p->size.n <= 0) {
        hb__set_err(err, n, "peak: n must be > 0");
        return HB_E_INVALID;
    }
    peak_cuda *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    hb__cuda_device *cd = s->cd;
    const hb__peak_data *data = p->data;
    hb_variant v = p->variant;
    s->kind = v == HB_F64 ? 0 : v == HB_F32 ? 1 : v == HB_F16 ? 2 : v == HB_I8 ? 3 : 4;
    s->bytes = (size_t)p->size.n * peak_cuda_es(v);
    if ((st = hb__cuda_use(cd, err, n)) != HB_OK ||
        (st = hb__cuda_timer_create(cd, &s->timer, err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, s->bytes, &s->in, "peak seeds", err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, s->bytes, &s->out, "peak results", err, n)) != HB_OK ||
        (st = hb__cuda_h2d(cd, s->in, data->in, s->bytes, err, n)) != HB_OK ||
        (st = hb__cuda_h2d(cd, s->out, data->out, s->bytes, err, n)) != HB_OK) {
        peak_cuda_teardown(s);
        return st;
    }
    static const char *const how[] = {
        "double fma()", "float fma()", "half2 __hfma2 (two chains per instruction)",
        "__dp4a (int8 dot4, int32 accumulation)", "uint32 multiply-add (IMAD)"};
    snprintf(s->detail, sizeof s->detail,
             "hetbench CUDA kernel, one thread per element, %d chains x %d steps, %s, 256 threads "
             "per block, CUDA events",
             HB__PEAK_CHAINS, HB__PEAK_STEPS, how[s->kind]);
    *state = s;
    return HB_OK;
}

static hb_status peak_cuda_run(void *state) {
    peak_cuda *s = state;
    hb__cuda_device *cd = s->cd;
    const hb__peak_data *data = s->p->data;
    const char *what = "cudaSetDevice";
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) what = "cudaEventRecord", e = hb__cuda_timer_start(cd, &s->timer);
    if (e == cudaSuccess)
        what = "peak kernel launch",
        e = hb__cuda_peak_launch(s->kind, s->in, s->out, data->a, data->b, data->w, data->ia,
                                 data->ib, HB__PEAK_STEPS, s->p->size.n, cd->stream);
    if (e == cudaSuccess)
        what = "waiting for the peak kernel", e = hb__cuda_timer_stop(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, what, NULL, 0);
    return HB_OK;
}

static double peak_cuda_device_seconds(void *state) {
    return hb__cuda_timer_seconds(&((peak_cuda *)state)->timer);
}

static hb_status peak_cuda_finish(void *state) {
    peak_cuda *s = state;
    hb__peak_data *data = s->p->data;
    hb_status st = hb__cuda_use(s->cd, NULL, 0);
    if (st != HB_OK) return st;
    return hb__cuda_d2h(s->cd, data->out, s->out, s->bytes, NULL, 0);
}

static const char *peak_cuda_detail(void *state) {
    return ((peak_cuda *)state)->detail;
}

const hb_impl hb__peak_cuda_base = {
    .kernel = "peak",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16) |
                HB_VARIANT_BIT(HB_I8) | HB_VARIANT_BIT(HB_I32),
    .supports = peak_cuda_supports,
    .setup = peak_cuda_setup,
    .run = peak_cuda_run,
    .finish = peak_cuda_finish,
    .teardown = peak_cuda_teardown,
    .detail = peak_cuda_detail,
    .device_seconds = peak_cuda_device_seconds,
};
