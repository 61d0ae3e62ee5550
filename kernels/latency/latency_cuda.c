/* hetbench — latency on CUDA (base): a kernel of one thread that folds one int, launched and
 * waited for (cudaStreamSynchronize) n times per run. Timed by the host clock around run():
 * the launch latency is the launch + execution + wait as the host sees it, so this
 * implementation has no device_seconds (as on OpenCL). reset clears the slot (untimed); finish
 * copies it back for the kernel's verify(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"
#include "platforms/cuda/cuda_kernels.h"

typedef struct latency_cuda {
    hb__cuda_device *cd;
    hb_problem *p;
    uint32_t *out;
    char detail[256];
} latency_cuda;

static hb_status latency_cuda_supports(const hb_device *d, const hb_problem *p, char *why,
                                       size_t n) {
    (void)p;
    if (!hb__cuda_dev(d)) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static void latency_cuda_teardown(void *state) {
    latency_cuda *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    hb__cuda_free(s->out);
    free(s);
}

static hb_status latency_cuda_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                    size_t n) {
    *state = NULL;
    hb_status st = latency_cuda_supports(d, p, err, n);
    if (st != HB_OK) return st;
    latency_cuda *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    void *out = NULL;
    if ((st = hb__cuda_use(s->cd, err, n)) != HB_OK ||
        (st = hb__cuda_alloc(s->cd, sizeof(uint32_t), &out, "latency slot", err, n)) != HB_OK) {
        latency_cuda_teardown(s);
        return st;
    }
    s->out = out;
    snprintf(s->detail, sizeof s->detail,
             "1 thread folds one int; kernel launch + cudaStreamSynchronize per launch on a "
             "non-blocking stream, host clock");
    *state = s;
    return HB_OK;
}

static hb_status latency_cuda_reset(void *state) {
    latency_cuda *s = state;
    hb__latency_data *d = s->p->data;
    d->out[0] = 0;
    d->used = 0;
    uint32_t zero = 0;
    hb_status st = hb__cuda_use(s->cd, NULL, 0);
    if (st != HB_OK) return st;
    return hb__cuda_h2d(s->cd, s->out, &zero, sizeof zero, NULL, 0);
}

static hb_status latency_cuda_run(void *state) {
    latency_cuda *s = state;
    hb__cuda_device *cd = s->cd;
    hb__latency_data *d = s->p->data;
    int64_t n = s->p->size.n;
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "cudaSetDevice", NULL, 0);
    for (int64_t j = 0; j < n; j++) {
        uint32_t val = d->token + (uint32_t)j * HB__LATENCY_STRIDE;
        e = hb__cuda_latency_launch(s->out, val, cd->stream);
        if (e == cudaSuccess) e = cudaStreamSynchronize(cd->stream);
        if (e != cudaSuccess) {
            char what[64];
            snprintf(what, sizeof what, "latency launch %lld", (long long)j + 1);
            return hb__cuda_fail(cd, e, what, NULL, 0);
        }
    }
    return HB_OK;
}

static hb_status latency_cuda_finish(void *state) {
    latency_cuda *s = state;
    hb__latency_data *d = s->p->data;
    hb_status st = hb__cuda_use(s->cd, NULL, 0);
    if (st == HB_OK) st = hb__cuda_d2h(s->cd, d->out, s->out, sizeof(uint32_t), NULL, 0);
    if (st == HB_OK) d->used = 1;
    return st;
}

static const char *latency_cuda_detail(void *state) {
    return ((latency_cuda *)state)->detail;
}

const hb_impl hb__latency_cuda_base = {
    .kernel = "latency",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F32),
    .supports = latency_cuda_supports,
    .setup = latency_cuda_setup,
    .reset = latency_cuda_reset,
    .run = latency_cuda_run,
    .finish = latency_cuda_finish,
    .teardown = latency_cuda_teardown,
    .detail = latency_cuda_detail,
};
