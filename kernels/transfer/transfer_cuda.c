/* hetbench — transfer on CUDA (base). One run moves the n floats once, with cudaMemcpyAsync on
 * the device's stream between two CUDA events, waited for:
 *   h2d_pageable  from the problem's malloc'ed source array (the driver stages it);
 *   d2h_pageable  into the problem's malloc'ed destination array;
 *   h2d_pinned    from a cudaHostAlloc'ed (page-locked) buffer, filled with the source at setup;
 *   d2h_pinned    into such a buffer, copied to the destination array at finish.
 * Untimed: setup puts the source on the device (d2h); reset fills the device buffer (h2d) or
 * the host destination (d2h) with a pattern, so that a skipped transfer fails the check; finish
 * copies the device buffer back (h2d). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"

typedef struct transfer_cuda {
    hb__cuda_device *cd;
    hb_problem *p;
    void *dev;    /* the device buffer */
    void *pinned; /* cudaHostAlloc'ed staging buffer (pinned operations) */
    size_t bytes;
    int h2d, use_pinned;
    hb__cuda_timer timer;
    char detail[256];
} transfer_cuda;

static hb_status transfer_cuda_supports(const hb_device *d, const hb_problem *p, char *why,
                                        size_t n) {
    hb__cuda_device *cd = hb__cuda_dev(d);
    if (!cd) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    double bytes = (double)(p->size.n > 0 ? p->size.n : 0) * sizeof(float);
    if (bytes > (double)cd->total_mem / 2) {
        hb__set_err(why, n, "%.3g GB exceed half the memory of %s", bytes * 1e-9, cd->name);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void transfer_cuda_teardown(void *state) {
    transfer_cuda *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    hb__cuda_timer_destroy(&s->timer);
    if (s->pinned && cudaFreeHost(s->pinned) != cudaSuccess) (void)cudaGetLastError();
    hb__cuda_free(s->dev);
    free(s);
}

static hb_status transfer_cuda_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                     size_t n) {
    *state = NULL;
    hb_status st = transfer_cuda_supports(d, p, err, n);
    if (st != HB_OK) return st;
    if (p->size.n <= 0 || (uint64_t)p->size.n > (uint64_t)SIZE_MAX / sizeof(float)) {
        hb__set_err(err, n, "transfer: bad n");
        return HB_E_INVALID;
    }
    transfer_cuda *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    hb__cuda_device *cd = s->cd;
    const hb__transfer_data *data = p->data;
    s->bytes = (size_t)p->size.n * sizeof(float);
    s->h2d = p->op == HB__XFER_H2D_PAGEABLE || p->op == HB__XFER_H2D_PINNED;
    s->use_pinned = p->op == HB__XFER_H2D_PINNED || p->op == HB__XFER_D2H_PINNED;
    if ((st = hb__cuda_use(cd, err, n)) != HB_OK ||
        (st = hb__cuda_timer_create(cd, &s->timer, err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, s->bytes, &s->dev, "transfer buffer", err, n)) != HB_OK)
        goto fail;
    if (s->use_pinned) {
        cudaError_t e = cudaHostAlloc(&s->pinned, s->bytes, cudaHostAllocDefault);
        if (e != cudaSuccess) {
            s->pinned = NULL;
            st = hb__cuda_fail(cd, e, "cudaHostAlloc (pinned host buffer)", err, n);
            goto fail;
        }
        if (s->h2d) memcpy(s->pinned, data->src, s->bytes);
    }
    if (!s->h2d && (st = hb__cuda_h2d(cd, s->dev, data->src, s->bytes, err, n)) != HB_OK) goto fail;
    snprintf(s->detail, sizeof s->detail,
             "cudaMemcpyAsync %s %s host memory on a non-blocking stream, waited for, CUDA events",
             s->h2d ? "from" : "into",
             s->use_pinned ? "pinned (cudaHostAlloc)" : "pageable (malloc'ed)");
    *state = s;
    return HB_OK;
fail:
    transfer_cuda_teardown(s);
    return st;
}

static hb_status transfer_cuda_reset(void *state) {
    transfer_cuda *s = state;
    if (s->h2d) {
        hb_status st = hb__cuda_use(s->cd, NULL, 0);
        if (st != HB_OK) return st;
        cudaError_t e = cudaMemsetAsync(s->dev, 0xff, s->bytes, s->cd->stream);
        if (e == cudaSuccess) e = cudaStreamSynchronize(s->cd->stream);
        if (e != cudaSuccess)
            return hb__cuda_fail(s->cd, e, "transfer: clearing the device buffer", NULL, 0);
        return HB_OK;
    }
    hb__transfer_data *data = s->p->data;
    memset(s->use_pinned ? s->pinned : (void *)data->dst, 0xff, s->bytes);
    return HB_OK;
}

static hb_status transfer_cuda_run(void *state) {
    transfer_cuda *s = state;
    hb__cuda_device *cd = s->cd;
    hb__transfer_data *data = s->p->data;
    const char *what = "cudaSetDevice";
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) what = "cudaEventRecord", e = hb__cuda_timer_start(cd, &s->timer);
    if (e == cudaSuccess) {
        what = s->h2d ? "cudaMemcpyAsync host to device" : "cudaMemcpyAsync device to host";
        if (s->h2d)
            e = cudaMemcpyAsync(s->dev, s->use_pinned ? s->pinned : (const void *)data->src,
                                s->bytes, cudaMemcpyHostToDevice, cd->stream);
        else
            e = cudaMemcpyAsync(s->use_pinned ? s->pinned : (void *)data->dst, s->dev, s->bytes,
                                cudaMemcpyDeviceToHost, cd->stream);
    }
    if (e == cudaSuccess) what = "waiting for the transfer", e = hb__cuda_timer_stop(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, what, NULL, 0);
    return HB_OK;
}

static hb_status transfer_cuda_finish(void *state) {
    transfer_cuda *s = state;
    hb__transfer_data *data = s->p->data;
    if (s->h2d) {
        hb_status st = hb__cuda_use(s->cd, NULL, 0);
        if (st != HB_OK) return st;
        return hb__cuda_d2h(s->cd, data->dst, s->dev, s->bytes, NULL, 0);
    }
    if (s->use_pinned) memcpy(data->dst, s->pinned, s->bytes);
    return HB_OK;
}

static double transfer_cuda_device_seconds(void *state) {
    return hb__cuda_timer_seconds(&((transfer_cuda *)state)->timer);
}

static const char *transfer_cuda_detail(void *state) {
    return ((transfer_cuda *)state)->detail;
}

const hb_impl hb__transfer_cuda_base = {
    .kernel = "transfer",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F32),
    .supports = transfer_cuda_supports,
    .setup = transfer_cuda_setup,
    .reset = transfer_cuda_reset,
    .run = transfer_cuda_run,
    .finish = transfer_cuda_finish,
    .teardown = transfer_cuda_teardown,
    .detail = transfer_cuda_detail,
    .device_seconds = transfer_cuda_device_seconds,
};
