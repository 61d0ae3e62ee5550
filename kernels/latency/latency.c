/* hetbench — latency: the time to start a minimal piece of parallel work and wait for it.
 *
 * One run is n launches, each waited for before the next (default n = 1, so that the timing's
 * median is the latency of one launch). OpenCL: a kernel that writes one int, enqueued and
 * waited (clFinish), timed by the host clock — the latency includes the enqueue and the wait,
 * so no device timer is used. CPU: an OpenMP parallel region (fork + join) in which every
 * thread writes one int.
 *
 * Launch j of a run folds token + j·7919 + s into slot s: out[s] = out[s]·31 + token + j·7919
 * + s (mod 2^32; s < the number of threads or work items the implementation uses; token
 * seeded). Implementations clear the slots before each run (untimed). Verification: every
 * used slot holds the fold over ALL n launches, so any skipped launch fails, and at least
 * one slot was used. The rate is launches per
 * second (the runner reports it in units of 10^9: Glaunch/s). */
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static hb_status latency_default_size(const hb_size_ctx *ctx, hb_variant v, int op, hb_size *out) {
    (void)ctx, (void)v, (void)op;
    memset(out, 0, sizeof *out);
    out->n = 1; /* one launch per run: timing.median is the latency of one launch */
    return HB_OK;
}

static double latency_ops(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op;
    return (double)s->n; /* launches */
}

static double latency_bytes(hb_variant v, int op, const hb_size *s) {
    (void)v, (void)op;
    return (double)s->n * sizeof(uint32_t);
}

static const char *latency_unit(hb_variant v) {
    (void)v;
    return "Glaunch/s";
}

static hb_status latency_setup(hb_problem *p, char *err, size_t errlen) {
    if (p->variant != HB_F32) return HB_UNSUPPORTED;
    int64_t n = p->size.n;
    if (n <= 0 || n > (int64_t)1 << 40) {
        hb__set_err(err, errlen, "latency: n (launches per run) must be in 1 .. 2^40 (got %lld)",
                    (long long)n);
        return HB_E_INVALID;
    }
    hb__latency_data *d = calloc(1, sizeof *d);
    if (!d) return HB_E_NOMEM;
    d->out = hb__alloc_array(HB__LATENCY_SLOTS, 1, sizeof(uint32_t));
    if (!d->out) {
        free(d);
        hb__set_err(err, errlen, "latency: cannot allocate the slots");
        return HB_E_NOMEM;
    }
    memset(d->out, 0, HB__LATENCY_SLOTS * sizeof(uint32_t));
    d->token = (uint32_t)hb__rand_u64(p->seed, 1, 0) | 1u;
    p->data = d;
    return HB_OK;
}

static hb_status latency_verify(const hb_problem *p, hb_verification *v) {
    const hb__latency_data *d = p->data;
    int64_t used = d->used, bad = 0;
    if (used < 1 || used > HB__LATENCY_SLOTS)
        bad = 1;
    else
        for (int64_t s = 0; s < used; s++) {
            uint32_t e = 0;
            for (int64_t j = 0; j < p->size.n; j++)
                e = e * 31u + d->token + (uint32_t)j * HB__LATENCY_STRIDE + (uint32_t)s;
            if (d->out[s] != e) bad++;
        }
    v->metric_name = "wrong_slots";
    v->metric = (double)bad;
    v->threshold = 0.0;
    v->passed = bad == 0;
    snprintf(v->detail, sizeof v->detail,
             "each of the %lld slots holds the fold over all %lld launches", (long long)used,
             (long long)p->size.n);
    return HB_OK;
}

static void latency_corrupt(hb_problem *p) {
    hb__latency_data *d = p->data;
    d->out[d->used > 1 ? d->used - 1 : 0] += 1;
}

static void latency_teardown(hb_problem *p) {
    hb__latency_data *d = p->data;
    if (!d) return;
    hb__free(d->out);
    free(d);
    p->data = NULL;
}

const hb_kernel hb__kernel_latency = {
    .name = "latency",
    .description = "launch latency: start a minimal parallel task and wait for it",
    .category = HB_CAT_LATENCY,
    .variants = HB_VARIANT_BIT(HB_F32),
    .ops = NULL,
    .nops = 0,
    .size_dims = 1,
    .rate_basis = HB_RATE_OPS,
    .default_size = latency_default_size,
    .op_count = latency_ops,
    .op_formula = "n launches (one op = one launch and its wait)",
    .byte_count = latency_bytes,
    .byte_formula = "4·n (one int per launch and slot, nominal)",
    .rate_unit = latency_unit,
    .setup = latency_setup,
    .verify = latency_verify,
    .corrupt = latency_corrupt,
    .teardown = latency_teardown,
};

/* ---- CPU base: an OpenMP parallel region (fork-join of the platform's thread team) ---- */
typedef struct latency_cpu {
    hb_problem *p;
    int threads;
    char detail[160];
} latency_cpu;

static hb_status latency_cpu_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                   size_t n) {
    (void)dev;
    int threads = omp_get_max_threads();
    if (threads > HB__LATENCY_SLOTS) {
        hb__set_err(err, n, "latency: %d threads, more than the %d slots", threads,
                    HB__LATENCY_SLOTS);
        return HB_UNSUPPORTED;
    }
    latency_cpu *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    s->threads = threads;
    snprintf(s->detail, sizeof s->detail,
             "OpenMP parallel region fork-join, %d threads, each writes one int", threads);
    *state = s;
    return HB_OK;
}

static hb_status latency_cpu_reset(void *state) {
    latency_cpu *st = state;
    hb__latency_data *d = st->p->data;
    memset(d->out, 0, (size_t)st->threads * sizeof(uint32_t));
    d->used = 0;
    return HB_OK;
}

static hb_status latency_cpu_run(void *state) {
    latency_cpu *st = state;
    hb__latency_data *d = st->p->data;
    uint32_t *out = d->out, token = d->token;
    int64_t n = st->p->size.n;
    int used = 0;
    for (int64_t j = 0; j < n; j++) {
        uint32_t val = token + (uint32_t)j * HB__LATENCY_STRIDE;
#pragma omp parallel num_threads(st->threads)
        {
            int t = omp_get_thread_num();
            out[t] = out[t] * 31u + val + (uint32_t)t;
            if (t == 0) used = omp_get_num_threads();
        }
    }
    d->used = used;
    return HB_OK;
}

static void latency_cpu_teardown(void *state) {
    free(state);
}

static const char *latency_cpu_detail(void *state) {
    return ((latency_cpu *)state)->detail;
}

const hb_impl hb__latency_cpu_base = {
    .kernel = "latency",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F32),
    .setup = latency_cpu_setup,
    .reset = latency_cpu_reset,
    .run = latency_cpu_run,
    .teardown = latency_cpu_teardown,
    .detail = latency_cpu_detail,
};
