/* A test plugin built from the public headers only (hetbench_headers): platform "fake" with
 * one device and its own base "stream" implementation (plain loops, f64 and f32), plus a
 * deliberately faulty "peak" one: in f64 its first timed repetition fails (a device error in
 * the middle of a measurement), in f32 it leaves the last element unwritten (a wrong result).
 * The base one has a reset that sleeps HB_FAKE_RESET_SLEEP_MS milliseconds when that is set
 * (a repetition whose untimed part dwarfs the timed one, as a GPU launch with a reset).
 * Built twice: once as is, once with -DFAKE_BAD_ABI (abi_version = HB_PLATFORM_ABI + 1),
 * which hetbench must reject. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hetbench/platform.h"

#ifdef FAKE_BAD_ABI
#define FAKE_ABI (HB_PLATFORM_ABI + 1u)
#else
#define FAKE_ABI HB_PLATFORM_ABI
#endif

static int g_fake_ctx;

static hb_status fake_init(void **ctx, const hb_platform_config *cfg, char *err, size_t n) {
    (void)cfg, (void)err, (void)n;
    *ctx = &g_fake_ctx;
    return HB_OK;
}

static void fake_fini(void *ctx) {
    (void)ctx;
}

static int fake_device_count(void *ctx) {
    (void)ctx;
    return 1;
}

static hb_status fake_device_info(void *ctx, int index, hb_device_info *o) {
    (void)ctx;
    if (index != 0) return HB_E_INVALID;
    snprintf(o->name, sizeof o->name, "Fake Test Accelerator");
    snprintf(o->vendor, sizeof o->vendor, "hetbench tests");
    snprintf(o->type, sizeof o->type, "accelerator");
    o->compute_units = 1;
    o->mem_bytes = 1ull << 30;
    o->llc_bytes_total = 1ull << 20;
    o->nprops = 1;
    snprintf(o->props[0].key, sizeof o->props[0].key, "fake_lanes");
    snprintf(o->props[0].value, sizeof o->props[0].value, "4");
    o->props[0].number = 4;
    o->props[0].is_number = 1;
    return HB_OK;
}

typedef struct fake_stream {
    hb_problem *p;
    int calls;
    char last_error[512];
} fake_stream;

static hb_status fake_stream_supports(const hb_device *d, const hb_problem *p, char *why,
                                      size_t n) {
    (void)d;
    if (p->variant != HB_F64 && p->variant != HB_F32) {
        snprintf(why, n, "fake stream runs f64 and f32 only");
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static hb_status fake_stream_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                   size_t n) {
    (void)d, (void)err, (void)n;
    fake_stream *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    *state = s;
    return HB_OK;
}

#define FAKE_LOOPS(T)                                                                              \
    do {                                                                                           \
        T *a = dd->a, *b = dd->b, *c = dd->c;                                                      \
        T s = (T)dd->scalar;                                                                       \
        for (int64_t i = 0; i < nn; i++) {                                                         \
            switch (op) {                                                                          \
            case HB_STREAM_COPY:                                                                   \
                c[i] = a[i];                                                                       \
                break;                                                                             \
            case HB_STREAM_SCALE:                                                                  \
                b[i] = s * c[i];                                                                   \
                break;                                                                             \
            case HB_STREAM_ADD:                                                                    \
                c[i] = a[i] + b[i];                                                                \
                break;                                                                             \
            default:                                                                               \
                a[i] = b[i] + s * c[i];                                                            \
                break;                                                                             \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static hb_status fake_stream_run(void *state) {
    fake_stream *st = state;
    hb_stream_data *dd = st->p->data;
    int64_t nn = st->p->size.n;
    int op = st->p->op;
    if (st->p->variant == HB_F64)
        FAKE_LOOPS(double);
    else
        FAKE_LOOPS(float);
    return HB_OK;
}

static hb_status fake_stream_reset(void *state) {
    (void)state;
    const char *ms = getenv("HB_FAKE_RESET_SLEEP_MS");
    long v = ms ? strtol(ms, NULL, 10) : 0;
    if (v > 0) {
        struct timespec ts = {v / 1000, (v % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return HB_OK;
}

/* The faulty implementation: run 1 is the verification run, run 2 the warm-up. */
static hb_status faulty_stream_run(void *state) {
    fake_stream *st = state;
    hb_stream_data *dd = st->p->data;
    int op = st->p->op;
    st->calls++;
    if (st->p->variant == HB_F64) {
        if (st->calls >= 3) { /* the device "fails" mid-measurement, and says why */
            int n =
                snprintf(st->last_error, sizeof st->last_error,
                         "FAKE_ERROR_DEVICE_LOST (-42) from fake_sync after %d runs", st->calls);
            /* add: a vendor runtime's text in GBK ("设备丢失"), not UTF-8; triad: a long
               UTF-8 text, cut by the runner somewhere inside a character */
            if (op == 2)
                snprintf(st->last_error + n, sizeof st->last_error - (size_t)n,
                         ": \xc9\xe8\xb1\xb8\xb6\xaa\xca\xa7");
            for (int k = 0; op == 3 && k < 35; k++)
                n += snprintf(st->last_error + n, sizeof st->last_error - (size_t)n, "%s",
                              k ? "设备丢失" : "; 设备丢失");
            return HB_E_RUNTIME;
        }
        int64_t nn = st->p->size.n;
        FAKE_LOOPS(double);
    } else {
        int64_t nn = st->p->size.n - 1; /* forgets the last element */
        FAKE_LOOPS(float);
    }
    return HB_OK;
}

static const char *faulty_stream_last_error(void *state) {
    return ((fake_stream *)state)->last_error;
}

static void fake_stream_teardown(void *state) {
    free(state);
}
static const char *fake_stream_detail(void *state) {
    (void)state;
    return "fake plugin: serial loops";
}

static const hb_impl fake_impls[] = {
    {
        .kernel = "stream",
        .kind = HB_IMPL_BASE,
        .name = "fake-loops",
        .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
        .supports = fake_stream_supports,
        .setup = fake_stream_setup,
        .reset = fake_stream_reset,
        .run = fake_stream_run,
        .teardown = fake_stream_teardown,
        .detail = fake_stream_detail,
    },
    {
        .kernel = "stream",
        .kind = HB_IMPL_PEAK,
        .name = "fake-faulty",
        .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
        .supports = fake_stream_supports,
        .setup = fake_stream_setup,
        .run = faulty_stream_run,
        .teardown = fake_stream_teardown,
        .last_error = faulty_stream_last_error,
    }};

static const hb_platform fake_platform = {
    .abi_version = FAKE_ABI,
    .name = "fake",
    .version = "0.1-test",
    .init = fake_init,
    .fini = fake_fini,
    .device_count = fake_device_count,
    .device_info = fake_device_info,
    .impls = fake_impls,
    .nimpls = sizeof fake_impls / sizeof fake_impls[0],
};

__attribute__((visibility("default"))) const hb_platform *hetbench_platform_entry(void) {
    return &fake_platform;
}
