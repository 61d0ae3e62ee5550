/* hetbench — stream on CUDA (base): the four STREAM operations of stream.c as the project's
 * own CUDA kernels (stream.cu: grid-stride loops, 16-byte vector accesses, one resident wave of
 * 256-thread blocks), on arrays in the GPU's memory.
 *
 * setup creates the arrays the operation touches and copies its inputs and the seeded junk of
 * its output from the host problem (untimed); run launches the kernel between two CUDA events
 * and waits for the second; the device time is the events' difference. Each operation is
 * idempotent (stream.c), so no reset is needed; finish copies the output back for the
 * kernel's verify(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"
#include "platforms/cuda/cuda_kernels.h"

typedef struct stream_cuda {
    hb__cuda_device *cd;
    hb_problem *p;
    void *a, *b, *c;
    hb__cuda_timer timer;
    int max_blocks;
    char detail[320];
} stream_cuda;

static hb_status stream_cuda_supports(const hb_device *d, const hb_problem *p, char *why,
                                      size_t n) {
    hb__cuda_device *cd = hb__cuda_dev(d);
    if (!cd) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    if (p->variant != HB_F64 && p->variant != HB_F32) {
        hb__set_err(why, n, "stream has only f64 and f32");
        return HB_UNSUPPORTED;
    }
    if (p->op < 0 || p->op > HB_STREAM_TRIAD) {
        hb__set_err(why, n, "stream: no operation %d", p->op);
        return HB_UNSUPPORTED;
    }
    unsigned in, out;
    hb__stream_op_arrays(p->op, &in, &out);
    double bytes = (double)hb__stream_count_arrays(in | out) *
                   (double)(p->size.n > 0 ? p->size.n : 0) *
                   (double)hb__variant_elem_size(p->variant);
    if (bytes > (double)cd->total_mem) {
        hb__set_err(why, n,
                    "%d arrays of %lld elements (%.3g GB) exceed the memory of %s (%.3g GB)",
                    hb__stream_count_arrays(in | out), (long long)p->size.n, bytes * 1e-9, cd->name,
                    (double)cd->total_mem * 1e-9);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void stream_cuda_teardown(void *state) {
    stream_cuda *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    hb__cuda_timer_destroy(&s->timer);
    hb__cuda_free(s->a), hb__cuda_free(s->b), hb__cuda_free(s->c);
    free(s);
}

static hb_status stream_cuda_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                   size_t n) {
    *state = NULL;
    hb_status st = stream_cuda_supports(d, p, err, n);
    if (st != HB_OK) return st;
    if (p->size.n <= 0) {
        hb__set_err(err, n, "stream: n must be > 0");
        return HB_E_INVALID;
    }
    stream_cuda *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    hb__cuda_device *cd = s->cd;
    if ((st = hb__cuda_use(cd, err, n)) != HB_OK ||
        (st = hb__cuda_timer_create(cd, &s->timer, err, n)) != HB_OK)
        goto fail;
    const hb_stream_data *data = p->data;
    size_t bytes = (size_t)p->size.n * hb__variant_elem_size(p->variant);
    unsigned in, out;
    hb__stream_op_arrays(p->op, &in, &out);
    void **dev[3] = {&s->a, &s->b, &s->c};
    void *host[3] = {data->a, data->b, data->c};
    for (int i = 0; i < 3; i++) {
        if (!((in | out) & (1u << i))) continue;
        if ((st = hb__cuda_alloc(cd, bytes, dev[i], "stream array", err, n)) != HB_OK) goto fail;
        /* inputs, and the output's seeded junk: a run that writes nothing fails */
        if ((st = hb__cuda_h2d(cd, *dev[i], host[i], bytes, err, n)) != HB_OK) goto fail;
    }
    /* one resident wave: as many blocks of 256 threads as every SM holds at once (8 on
       Hopper: 2048 threads), from the kernel's occupancy on this device, not assumed — one
       block per SM more than fits would run its grid-stride share alone at the end */
    int per_sm = hb__cuda_stream_blocks_per_sm(p->op, p->variant == HB_F64);
    s->max_blocks = (cd->sm_count > 0 ? cd->sm_count : 1) * (per_sm > 0 ? per_sm : 8);
    static const char *const names[] = {"copy", "scale", "add", "triad"};
    snprintf(s->detail, sizeof s->detail,
             "hetbench CUDA kernel stream %s (%s) on %s: grid-stride loop, 16-byte vector "
             "accesses, %d blocks of 256 threads (%d per SM: one resident wave), CUDA events",
             names[p->op], p->variant == HB_F64 ? "double" : "float", cd->name, s->max_blocks,
             s->max_blocks / (cd->sm_count > 0 ? cd->sm_count : 1));
    *state = s;
    return HB_OK;
fail:
    stream_cuda_teardown(s);
    return st;
}

static hb_status stream_cuda_run(void *state) {
    stream_cuda *s = state;
    hb__cuda_device *cd = s->cd;
    const hb_stream_data *data = s->p->data;
    const char *what = "cudaSetDevice";
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) what = "cudaEventRecord", e = hb__cuda_timer_start(cd, &s->timer);
    if (e == cudaSuccess)
        what = "stream kernel launch",
        e = hb__cuda_stream_launch(s->p->op, s->p->variant == HB_F64, s->a, s->b, s->c,
                                   data->scalar, s->p->size.n, s->max_blocks, cd->stream);
    if (e == cudaSuccess)
        what = "waiting for the stream kernel", e = hb__cuda_timer_stop(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, what, NULL, 0);
    return HB_OK;
}

static double stream_cuda_device_seconds(void *state) {
    return hb__cuda_timer_seconds(&((stream_cuda *)state)->timer);
}

static hb_status stream_cuda_finish(void *state) {
    stream_cuda *s = state;
    hb_stream_data *data = s->p->data;
    unsigned in, out;
    hb__stream_op_arrays(s->p->op, &in, &out);
    void *dev = out == 1 ? s->a : out == 2 ? s->b : s->c;
    void *host = out == 1 ? data->a : out == 2 ? data->b : data->c;
    hb_status st = hb__cuda_use(s->cd, NULL, 0);
    if (st != HB_OK) return st;
    return hb__cuda_d2h(s->cd, host, dev,
                        (size_t)s->p->size.n * hb__variant_elem_size(s->p->variant), NULL, 0);
}

static const char *stream_cuda_detail(void *state) {
    return ((stream_cuda *)state)->detail;
}

const hb_impl hb__stream_cuda_base = {
    .kernel = "stream",
    .kind = HB_IMPL_BASE,
    .name = "hetbench-cuda",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
    .supports = stream_cuda_supports,
    .setup = stream_cuda_setup,
    .run = stream_cuda_run,
    .finish = stream_cuda_finish,
    .teardown = stream_cuda_teardown,
    .detail = stream_cuda_detail,
    .device_seconds = stream_cuda_device_seconds,
};
