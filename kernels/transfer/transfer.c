/* hetbench — transfer: host→device and device→host bandwidth, from pageable (malloc'ed) and
 * from pinned (page-locked, device-mappable) host memory.
 *
 * One run moves n floats (4n bytes) once in the measured direction. The other direction,
 * needed to put the data on the device or to bring it back for checking, is untimed (setup,
 * reset, finish). Verification: the destination equals the source, every element, bit for
 * bit (a transfer must not change a single bit).
 *
 * The CPU platform has no implementation that measures anything: its "device memory" is the
 * host memory (supports() says so). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const transfer_ops[] = {"h2d_pageable", "d2h_pageable", "h2d_pinned",
                                           "d2h_pinned"};

static hb_status transfer_default_size(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out) {
    (void)v, (void)op;
    /* quick: 64 MiB; node: 1 GiB (large enough to reach the link's bandwidth), under an
       eighth of the device memory */
    uint64_t bytes = ctx->suite == HB_SUITE_QUICK ? (64u << 20) : (1u << 30);
    if (ctx->mem_bytes && bytes > ctx->mem_bytes / 8) bytes = ctx->mem_bytes / 8;
    if (bytes < 4096) bytes = 4096;
    memset(out, 0, sizeof *out);
    out->n = (int64_t)(bytes / sizeof(float));
    return HB_OK;
}

static double transfer_ops_count(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op, (void)s;
    return 0.0;
}

static double transfer_bytes(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op;
    return (double)s->n * sizeof(float);
}

static const char *transfer_unit(hb_variant v) {
    (void)v;
    return "GB/s";
}

static hb_status transfer_setup(hb_problem *p, char *err, size_t errlen) {
    if (p->variant != HB_F32) return HB_UNSUPPORTED;
    int64_t n = p->size.n;
    if (n <= 0) {
        hb__set_err(err, errlen, "transfer: n must be > 0 (got %lld)", (long long)n);
        return HB_E_INVALID;
    }
    char what[64];
    snprintf(what, sizeof what, "transfer n = %lld (two host arrays)", (long long)n);
    hb_status fits = hb__check_fits(2.0 * (double)n * sizeof(float), what, err, errlen);
    if (fits != HB_OK) return fits;
    hb__transfer_data *d = calloc(1, sizeof *d);
    if (!d) return HB_E_NOMEM;
    d->src = hb__alloc_array((uint64_t)n, 1, sizeof(float));
    d->dst = hb__alloc_array((uint64_t)n, 1, sizeof(float));
    if (!d->src || !d->dst) {
        hb__free(d->src), hb__free(d->dst), free(d);
        hb__set_err(err, errlen, "transfer: cannot allocate 2 x %lld floats", (long long)n);
        return HB_E_NOMEM;
    }
    float *src = d->src, *dst = d->dst;
    uint64_t seed = p->seed;
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < n; i++) {
        src[i] = (float)hb__rand_uniform(seed, 1, (uint64_t)i, 1.0, 2.0);
        dst[i] = -1.0f; /* never equal to a source element */
    }
    p->data = d;
    return HB_OK;
}

static hb_status transfer_verify(const hb_problem *p, hb_verification *v) {
    const hb__transfer_data *d = p->data;
    int64_t n = p->size.n, bad = 0;
    const float *src = d->src, *dst = d->dst;
#pragma omp parallel for schedule(static) reduction(+ : bad)
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&src[i], &dst[i], sizeof(float)) != 0) bad++;
    v->metric_name = "wrong_elements";
    v->metric = (double)bad;
    v->threshold = 0.0;
    v->passed = bad == 0;
    snprintf(v->detail, sizeof v->detail,
             "every element of the destination equals the source bit for bit (%lld floats)",
             (long long)n);
    return HB_OK;
}

static void transfer_corrupt(hb_problem *p) {
    hb__transfer_data *d = p->data;
    d->dst[p->size.n / 3] *= 1.0f + 1e-6f;
    if (d->dst[p->size.n / 3] == d->src[p->size.n / 3]) d->dst[p->size.n / 3] = -1.0f;
}

static void transfer_teardown(hb_problem *p) {
    hb__transfer_data *d = p->data;
    if (!d) return;
    hb__free(d->src), hb__free(d->dst);
    free(d);
    p->data = NULL;
}

const hb_kernel hb__kernel_transfer = {
    .name = "transfer",
    .description = "host<->device transfer bandwidth, pageable and pinned host memory",
    .category = HB_CAT_MEMORY,
    .variants = HB_VARIANT_BIT(HB_F32),
    .ops = transfer_ops,
    .nops = 4,
    .size_dims = 1,
    .rate_basis = HB_RATE_BYTES,
    .default_size = transfer_default_size,
    .op_count = transfer_ops_count,
    .op_formula = "0 (no arithmetic)",
    .byte_count = transfer_bytes,
    .byte_formula = "n·sizeof(float), once in the measured direction",
    .rate_unit = transfer_unit,
    .setup = transfer_setup,
    .verify = transfer_verify,
    .corrupt = transfer_corrupt,
    .teardown = transfer_teardown,
};

/* ---- CPU: nothing to measure ---- */
static hb_status transfer_cpu_supports(const hb_device *d, const hb_problem *p, char *why,
                                       size_t n) {
    (void)d, (void)p;
    hb__set_err(why, n,
                "the CPU device has no separate memory: no transfer to measure (host memory "
                "bandwidth is the stream kernel)");
    return HB_UNSUPPORTED;
}

static hb_status transfer_cpu_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                    size_t n) {
    (void)dev, (void)p, (void)state;
    hb__set_err(err, n, "the CPU device has no separate memory: no transfer to measure");
    return HB_UNSUPPORTED;
}

static hb_status transfer_cpu_run(void *state) {
    (void)state;
    return HB_UNSUPPORTED;
}

static void transfer_cpu_teardown(void *state) {
    free(state);
}

const hb_impl hb__transfer_cpu_base = {
    .kernel = "transfer",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F32),
    .supports = transfer_cpu_supports,
    .setup = transfer_cpu_setup,
    .run = transfer_cpu_run,
    .teardown = transfer_cpu_teardown,
};
