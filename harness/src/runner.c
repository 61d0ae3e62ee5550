/* hetbench — the runner: DESIGN.md §4 made code.
 *
 * For every planned measurement (kernel × variant × operation × device × implementation):
 *   1. generate the seeded inputs on the host (never zeros);
 *   2. run once, verify against the host reference: a failure gives failed_verification and
 *      no rate — a number is never printed for an unverified result;
 *   3. warm up (--warmup runs, default 1);
 *   4. calibrate the repetitions to the minimum measured time (≥ min_reps, default 5), then
 *      time each repetition with the monotonic clock (only the implementation's run() is in
 *      the timed window; resets such as re-copying LU's matrix are outside it);
 *   5. verify the output again after the timed repetitions;
 *   6. statistics: median (the headline), min, max, mean, stddev, CV, 95 % CI of the median.
 *
 * The result document is rewritten atomically after every record. Before a measurement
 * starts, its record is written as "interrupted"; it is replaced when the measurement ends, so
 * a run killed at any point leaves every completed record and marks the one that was running.
 */
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "counters.h"
#include "energy.h"
#include "internal.h"

static volatile sig_atomic_t g_signals;

static void on_signal(int sig) {
    (void)sig;
    g_signals++;
    if (g_signals >= 2) {
        static const char msg[] = "\nhetbench: second signal, exiting now; the result file marks "
                                  "the interrupted measurement\n";
        ssize_t w = write(2, msg, sizeof msg - 1);
        (void)w;
        _exit(3);
    }
}

void hb_install_signal_handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

void hb_run_options_default(hb_run_options *o, hb_suite suite) {
    memset(o, 0, sizeof *o);
    o->suite = suite;
    o->min_time = -1.0;
    o->min_reps = 5;
    o->max_reps = 100000;
    o->warmup = 1;
    o->seed = 42;
    o->mem_fraction = 0.25;
    o->energy_window = -1.0;
    o->idle_seconds = -1.0;
}

hb_status hb_check_meter_sources(const char *meters, char *err, size_t errlen) {
    return hb__energy_check_sources(meters, err, errlen) == 0 ? HB_OK : HB_E_INVALID;
}

hb_status hb_check_counter_names(const char *names, char *err, size_t errlen) {
    if (!names || strcmp(names, "none") == 0) return HB_OK;
    return hb__counters_check_names(names, err, errlen) == 0 ? HB_OK : HB_E_INVALID;
}

static void iso_time(char *buf, size_t n) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the plan ---- */
typedef struct plan_item {
    const hb_kernel *k;
    hb_variant v;
    int op;
    size_t dev;
    const hb_impl *impl; /* NULL: no implementation on this device (record says so) */
    hb_size size;
} plan_item;

typedef struct plan {
    plan_item *items;
    size_t n, cap;
    json_t *not_applicable; /* combinations an implementation does not provide here */
} plan;

static int plan_add(plan *pl, plan_item it) {
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? 2 * pl->cap : 64;
        plan_item *p = realloc(pl->items, cap * sizeof *p);
        if (!p) return -1;
        pl->items = p, pl->cap = cap;
    }
    pl->items[pl->n++] = it;
    return 0;
}

static int first_variant(uint32_t mask) {
    for (int v = 0; v < HB_NVARIANTS; v++)
        if (mask & HB_VARIANT_BIT(v)) return v;
    return -1;
}

static hb_status build_plan(hb_context *ctx, const hb_run_options *o, plan *pl, char *err,
                            size_t errlen) {
    /* validate filters first: unknown names are usage errors */
    if (o->kernels) {
        char *copy = strdup(o->kernels);
        if (!copy) return HB_E_NOMEM;
        for (char *s = NULL, *t = strtok_r(copy, ",", &s); t; t = strtok_r(NULL, ",", &s)) {
            if (!hb_kernel_find(t)) {
                hb__set_err(err, errlen, "--kernel: unknown kernel '%s' (see `hetbench list`)", t);
                free(copy);
                return HB_E_INVALID;
            }
        }
        free(copy);
    }
    uint32_t vmask = 0;
    if (o->precisions) {
        char *copy = strdup(o->precisions);
        if (!copy) return HB_E_NOMEM;
        for (char *s = NULL, *t = strtok_r(copy, ",", &s); t; t = strtok_r(NULL, ",", &s)) {
            hb_variant v;
            if (hb_variant_parse(t, &v) != 0) {
                hb__set_err(
                    err, errlen,
                    "--precision: unknown precision '%s' (f64, f32, tf32, f16, bf16, i8, fp8)", t);
                free(copy);
                return HB_E_INVALID;
            }
            vmask |= HB_VARIANT_BIT(v);
        }
        free(copy);
    } else
        vmask = ~0u;

    size_t ndev = hb_device_count(ctx);
    int *dev_on = calloc(ndev ? ndev : 1, sizeof *dev_on);
    if (!dev_on) return HB_E_NOMEM;
    if (o->devices) {
        char *copy = strdup(o->devices);
        if (!copy) {
            free(dev_on);
            return HB_E_NOMEM;
        }
        for (char *s = NULL, *t = strtok_r(copy, ",", &s); t; t = strtok_r(NULL, ",", &s)) {
            size_t idx[64];
            size_t n = hb_device_select(ctx, t, idx, 64);
            if (n == 0) {
                hb__set_err(err, errlen, "--device: no device matches '%s' (see `hetbench info`)",
                            t);
                free(copy);
                free(dev_on);
                return HB_E_INVALID;
            }
            for (size_t i = 0; i < n; i++) dev_on[idx[i]] = 1;
        }
        free(copy);
    } else
        for (size_t i = 0; i < ndev; i++) dev_on[i] = 1;

    int impl_mask = o->impl_mask ? o->impl_mask : (HB_IMPL_MASK_BASE | HB_IMPL_MASK_PEAK);
    /* When the user names precisions or an implementation, every combination asked for gets a
       record (unsupported ones say why). A whole suite lists the combinations that an
       implementation does not provide on this device under run.not_applicable instead. */
    int explicit_choice = o->precisions != NULL || o->impl_mask != 0;
    const char *names[32];
    size_t nk = hb__suite_kernels(o->suite, names, 32);
    for (size_t ki = 0; ki < nk; ki++) {
        const hb_kernel *k = hb_kernel_find(names[ki]);
        if (!k || !hb__str_in_list(o->kernels, k->name)) continue;
        for (int v = 0; v < HB_NVARIANTS; v++) {
            if (!(k->variants & HB_VARIANT_BIT(v)) || !(vmask & HB_VARIANT_BIT(v))) continue;
            int nops = k->nops > 0 ? k->nops : 1;
            for (int op = 0; op < nops; op++) {
                for (size_t d = 0; d < ndev; d++) {
                    if (!dev_on[d]) continue;
                    const hb_device *dev = hb_device_at(ctx, d);
                    hb_size size = o->size;
                    if (size.n || size.m || size.k) {
                        if (!size.m) size.m = size.n;
                        if (!size.k) size.k = size.n;
                    } else {
                        hb_size_ctx sc = {.suite = o->suite,
                                          .llc_bytes_total = dev->info.llc_bytes_total,
                                          .mem_bytes = dev->info.mem_bytes,
                                          .mem_fraction = o->mem_fraction,
                                          .cores = dev->info.compute_units};
                        k->default_size(&sc, (hb_variant)v, op, &size);
                    }
                    int any = 0;
                    for (size_t ii = 0; ii < dev->platform->nimpls; ii++) {
                        const hb_impl *im = &dev->platform->impls[ii];
                        if (strcmp(im->kernel, k->name) != 0) continue;
                        int bit = im->kind == HB_IMPL_PEAK ? HB_IMPL_MASK_PEAK : HB_IMPL_MASK_BASE;
                        if (!(impl_mask & bit)) continue;
                        char why[256] = "";
                        if (!(im->variants & HB_VARIANT_BIT(v)))
                            snprintf(why, sizeof why, "%s (%s) has no %s variant", im->name,
                                     hb_impl_kind_name(im->kind), hb_variant_name((hb_variant)v));
                        else if (im->supports) {
                            hb_problem probe = {.kernel = k,
                                                .variant = (hb_variant)v,
                                                .op = op,
                                                .size = size,
                                                .seed = o->seed};
                            if (im->supports(dev, &probe, why, sizeof why) == HB_OK)
                                why[0] = '\0';
                            else if (!why[0])
                                snprintf(why, sizeof why, "unsupported");
                        }
                        any = 1;
                        if (why[0] && !explicit_choice) {
                            json_t *na = json_object();
                            json_object_set_new(na, "kernel", json_string(k->name));
                            json_object_set_new(na, "variant",
                                                json_string(hb_variant_name((hb_variant)v)));
                            json_object_set_new(na, "implementation",
                                                json_string(hb_impl_kind_name(im->kind)));
                            json_object_set_new(na, "device", json_string(dev->info.id));
                            json_object_set_new(na, "reason", json_string(why));
                            /* one entry per (kernel, variant, impl, device), not per operation */
                            if (op == 0)
                                json_array_append_new(pl->not_applicable, na);
                            else
                                json_decref(na);
                            continue;
                        }
                        if (plan_add(pl, (plan_item){k, (hb_variant)v, op, d, im, size}))
                            goto nomem;
                    }
                    if (!any && !explicit_choice && !o->kernels && !o->devices) {
                        /* a whole suite: the platform has no implementation of this kernel
                           (e.g. lu on OpenCL); listed, not a record */
                        if (op == 0 && v == first_variant(k->variants & vmask)) {
                            json_t *na = json_object();
                            json_object_set_new(na, "kernel", json_string(k->name));
                            json_object_set_new(na, "variant", json_string("all"));
                            json_object_set_new(na, "implementation", json_string("none"));
                            json_object_set_new(na, "device", json_string(dev->info.id));
                            char why[160];
                            snprintf(why, sizeof why, "no implementation of %s on platform %s",
                                     k->name, dev->platform->name);
                            json_object_set_new(na, "reason", json_string(why));
                            json_array_append_new(pl->not_applicable, na);
                        }
                        continue;
                    }
                    if (!any && plan_add(pl, (plan_item){k, (hb_variant)v, op, d, NULL, size}))
                        goto nomem;
                }
            }
        }
    }
    free(dev_on);
    if (pl->n == 0) {
        hb__set_err(err, errlen, "nothing to run: no kernel of suite '%s' has precision %s",
                    hb__suite_name(o->suite), o->precisions ? o->precisions : "(any)");
        return HB_E_INVALID;
    }
    return HB_OK;
nomem:
    free(dev_on);
    return HB_E_NOMEM;
}

/* ---- progress (stderr, only on a terminal) ---- */
typedef struct progress {
    int on;
    size_t index, total;
    double t_start;
    double t_last;          /* last update printed */
    const char *last_phase; /* a new phase is always shown */
    char what[160];
} progress;

static void progress_show(progress *pg, const char *phase, int rep, int reps) {
    if (!pg->on) return;
    /* at most ~10 updates a second: writing to the terminal between repetitions must not
       become a load of its own (a fast kernel runs thousands of repetitions) */
    double now = hb__now();
    if (phase == pg->last_phase && now - pg->t_last < 0.1) return;
    pg->t_last = now;
    pg->last_phase = phase;
    double el = now - pg->t_start;
    if (reps > 0)
        fprintf(stderr, "\r\033[K[%zu/%zu] %s: %s %d/%d  (%.0f s elapsed)", pg->index + 1,
                pg->total, pg->what, phase, rep, reps, el);
    else
        fprintf(stderr, "\r\033[K[%zu/%zu] %s: %s  (%.0f s elapsed)", pg->index + 1, pg->total,
                pg->what, phase, el);
    fflush(stderr);
}

/* ---- one measurement ---- */
static json_t *verification_json(const hb_verification *v) {
    json_t *o = json_object();
    json_object_set_new(o, "metric_name", json_string(v->metric_name ? v->metric_name : ""));
    json_object_set_new(o, "metric", isfinite(v->metric) ? json_real(v->metric) : json_null());
    json_object_set_new(o, "threshold", json_real(v->threshold));
    json_object_set_new(o, "passed", json_boolean(v->passed));
    json_object_set_new(o, "detail", json_string(v->detail));
    return o;
}

static void set_status(json_t *rec, hb_record_status s, const char *reason) {
    json_object_set_new(rec, "status", json_string(hb_record_status_name(s)));
    json_t *r = json_string(reason ? reason : "");
    if (!r) {
        /* not UTF-8 (a plugin's last_error or a driver's text in another encoding, or cut
           inside a character): json_string refuses it and the record would keep its earlier
           reason ("the run stopped during this measurement") */
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", reason);
        hb__utf8_fix(buf);
        r = json_string(buf);
    }
    json_object_set_new(rec, "reason", r);
}

static hb_record_status status_of_error(hb_status s) {
    if (s == HB_UNSUPPORTED) return HB_REC_UNSUPPORTED;
    if (s == HB_SKIPPED) return HB_REC_SKIPPED;
    return HB_REC_ERROR;
}

static json_t *record_skeleton(const plan_item *it, const hb_device *dev, const hb_size *size,
                               const hb_run_options *o) {
    json_t *r = json_object();
    json_object_set_new(r, "kernel", json_string(it->k->name));
    if (it->k->nops > 0) json_object_set_new(r, "operation", json_string(it->k->ops[it->op]));
    json_object_set_new(r, "variant", json_string(hb_variant_name(it->v)));
    json_object_set_new(r, "category", json_string(hb_category_name(it->k->category)));
    json_t *impl = json_object();
    json_object_set_new(impl, "kind",
                        json_string(it->impl ? hb_impl_kind_name(it->impl->kind) : "none"));
    json_object_set_new(impl, "name", json_string(it->impl ? it->impl->name : "none"));
    json_object_set_new(r, "implementation", impl);
    json_object_set_new(r, "device", json_string(dev->info.id));
    json_object_set_new(r, "device_name", json_string(dev->info.name));
    json_t *params = json_object();
    if (it->k->size_dims == 3) {
        json_object_set_new(params, "m", json_integer(size->m));
        json_object_set_new(params, "n", json_integer(size->n));
        json_object_set_new(params, "k", json_integer(size->k));
    } else
        json_object_set_new(params, "n", json_integer(size->n));
    json_object_set_new(params, "seed", json_integer((json_int_t)o->seed));
    if (strcmp(dev->platform->name, "cpu") == 0)
        json_object_set_new(params, "threads", json_integer(hb__cpu_threads()));
    json_object_set_new(r, "parameters", params);
    json_t *counts = json_object();
    json_object_set_new(counts, "ops", json_real(it->k->op_count(it->v, it->op, size)));
    json_object_set_new(counts, "ops_formula", json_string(it->k->op_formula));
    json_object_set_new(counts, "bytes", json_real(it->k->byte_count(it->v, it->op, size)));
    json_object_set_new(counts, "bytes_formula", json_string(it->k->byte_formula));
    json_object_set_new(r, "counts", counts);
    json_t *energy = json_object();
    json_object_set_new(energy, "joules", json_null());
    json_object_set_new(energy, "reason",
                        json_string("no energy figure: the measurement did not complete"));
    json_object_set_new(r, "energy", energy);
    return r;
}

typedef struct run_env {
    const hb_run_options *o;
    double min_time;
    double energy_window; /* cap on stretching a window for the meters */
    hb__energy *energy;   /* NULL: --meters none */
    progress *pg;
} run_env;

/* What happens right outside one timed run when the windows are per repetition: the meters
   are read and the counters switched on just before t0, and the reverse just after t1. */
typedef struct window_hooks {
    hb__energy *energy;
    hb__counters *counters;
} window_hooks;

static hb_status timed_run_hooked(const hb_impl *im, void *state, double *secs,
                                  const window_hooks *h, double *t_start) {
    hb_status s = HB_OK;
    if (im->reset && (s = im->reset(state)) != HB_OK) return s;
    if (h) {
        hb__energy_mark_if_stale(h->energy);
        if (h->counters) hb__counters_begin(h->counters);
    }
    double t0 = hb__now();
    s = im->run(state);
    double t1 = hb__now();
    *secs = t1 - t0;
    if (t_start) *t_start = t0;
    if (h) {
        if (h->counters) hb__counters_end(h->counters);
        hb__energy_mark_if_stale(h->energy);
        hb__energy_add_window(h->energy, t0, t1, 1);
    }
    return s;
}

static hb_status timed_run(const hb_impl *im, void *state, double *secs) {
    return timed_run_hooked(im, state, secs, NULL, NULL);
}

/* "runtime error" plus what the implementation said of it (the device error), if anything:
   the built-in platforms note it on the thread, a plugin answers last_error */
static const char *failure_text(const hb_impl *im, void *state, hb_status s) {
    static _Thread_local char buf[384];
    const char *noted = hb__noted_error();
    if (!noted[0] && im->last_error && state) {
        noted = im->last_error(state);
        if (!noted) noted = "";
    }
    snprintf(buf, sizeof buf, "%s%s%.340s", hb_status_name(s), noted[0] ? ": " : "", noted);
    return buf;
}

static hb_status verify_output(const plan_item *it, const hb_impl *im, void *state, hb_problem *p,
                               hb_verification *v) {
    hb_status s = HB_OK;
    if (im->finish && (s = im->finish(state)) != HB_OK) return s;
    memset(v, 0, sizeof *v);
    return it->k->verify(p, v);
}

/* Fills rec; returns its status. */
static hb_record_status measure(const run_env *env, const plan_item *it, const hb_device *dev,
                                const hb_size *size, json_t *rec) {
    char msg[512] = "";
    const hb_run_options *o = env->o;
    if (!it->impl) {
        snprintf(msg, sizeof msg, "no implementation of %s on platform %s", it->k->name,
                 dev->platform->name);
        set_status(rec, HB_REC_UNSUPPORTED, msg);
        return HB_REC_UNSUPPORTED;
    }
    const hb_impl *im = it->impl;
    hb_problem p = {
        .kernel = it->k, .variant = it->v, .op = it->op, .size = *size, .seed = o->seed};
    if (!(im->variants & HB_VARIANT_BIT(it->v))) {
        snprintf(msg, sizeof msg, "%s %s has no %s variant", im->name, hb_impl_kind_name(im->kind),
                 hb_variant_name(it->v));
        set_status(rec, HB_REC_UNSUPPORTED, msg);
        return HB_REC_UNSUPPORTED;
    }
    if (im->supports) {
        hb_status s = im->supports(dev, &p, msg, sizeof msg);
        if (s != HB_OK) {
            set_status(rec, status_of_error(s), msg[0] ? msg : hb_status_name(s));
            return status_of_error(s);
        }
    }
    hb__clear_noted_error();
    progress_show(env->pg, "generating inputs", 0, 0);
    hb_status s = it->k->setup(&p, msg, sizeof msg);
    if (s != HB_OK) {
        set_status(rec, status_of_error(s), msg[0] ? msg : hb_status_name(s));
        return status_of_error(s);
    }
    void *state = NULL;
    hb_record_status rs = HB_REC_ERROR;
    hb_verification v1, v2;
    double *samples = NULL, *host = NULL; /* timed samples; host-clock times of the same runs */
    int host_timed = 0;                   /* device-timed impl: runs the device could not time */
    hb__counters *counters = NULL;
    json_t *energy_fig = NULL;
    s = im->setup(dev, &p, &state, msg, sizeof msg);
    if (s != HB_OK) {
        rs = status_of_error(s);
        set_status(rec, rs, msg[0] ? msg : hb_status_name(s));
        goto out_problem;
    }
    const char *detail = im->detail ? im->detail(state) : NULL;
    if (detail)
        json_object_set_new(json_object_get(rec, "implementation"), "detail", json_string(detail));

    /* 1. verification run */
    progress_show(env->pg, "verifying", 0, 0);
    double t_first;
    if ((s = timed_run(im, state, &t_first)) != HB_OK ||
        (s = verify_output(it, im, state, &p, &v1)) != HB_OK) {
        snprintf(msg, sizeof msg, "verification run failed: %s", failure_text(im, state, s));
        rs = status_of_error(s);
        set_status(rec, rs, msg);
        goto out_impl;
    }
    json_t *ver = verification_json(&v1);
    json_object_set_new(rec, "verification", ver);
    if (!v1.passed) {
        snprintf(msg, sizeof msg, "%s = %.6g exceeds the threshold %.6g", v1.metric_name, v1.metric,
                 v1.threshold);
        rs = HB_REC_FAILED_VERIFICATION;
        set_status(rec, rs, msg);
        goto out_impl;
    }
    /* 2. warm-up */
    double t_once = t_first;
    for (int w = 0; w < o->warmup; w++) {
        progress_show(env->pg, "warm-up", w + 1, o->warmup);
        if ((s = timed_run(im, state, &t_once)) != HB_OK) {
            snprintf(msg, sizeof msg, "warm-up run failed: %s", failure_text(im, state, s));
            rs = status_of_error(s);
            set_status(rec, rs, msg);
            goto out_impl;
        }
        if (g_signals) break;
    }
    /* 3. calibrated, timed repetitions, with energy over exactly the timed windows. An
       implementation without a reset runs back to back: one window spans the repetitions (the gaps
       are the loop's own microseconds). One with a reset (LU copies its matrix back) gets a window
       per repetition, so the resets are left out. */
    int reps = hb_calibrate_reps(t_once, env->min_time, o->min_reps, o->max_reps);
    int cap = reps;
    samples = malloc((size_t)cap * sizeof *samples);
    host = malloc((size_t)cap * sizeof *host);
    if (!samples || !host) {
        rs = HB_REC_ERROR;
        set_status(rec, rs, "out of memory for timing samples");
        goto out_impl;
    }
    int per_rep = im->reset != NULL;
    hb__energy_measure_begin(env->energy, dev);
    double need_window = hb__energy_needed_window(env->energy, env->energy_window);
    window_hooks hooks = {env->energy, NULL};
    int done = 0;
    double measured = 0.0, span_start = 0.0, span_end = 0.0, window_time = 0.0;
    /* The loop's wall clock is bounded too. What is timed can be a small part of a repetition:
       a launch of 10 µs whose reset takes as long, a copy of 1 ms after a reset that rewrites
       64 MiB. Repetitions counted from the timed part alone (to reach min_time, or an energy
       window of 1 to 10 s) then take minutes. The limit is hb__wall_limit(min_time, window);
       past it, with at least min_reps repetitions, the loop stops and the record says so. */
    double wall_limit = hb__wall_limit(env->min_time, need_window);
    double loop_start = hb__now();
    int wall_stop = 0;
    if (!per_rep) hb__energy_mark(env->energy);
    /* the calibrated count, and more if the repetitions ran faster than the calibration run
       said, until the measured time reaches min_time and the window is long enough for the
       energy meters (bounded by max_reps and the wall limit) */
    while ((done < reps || measured < env->min_time || window_time < need_window) &&
           done < o->max_reps && !g_signals) {
        if (done >= o->min_reps && hb__now() - loop_start > wall_limit) {
            wall_stop = 1;
            break;
        }
        if (done == cap) {
            int ncap = cap * 2 < o->max_reps ? cap * 2 : o->max_reps;
            double *ns = realloc(samples, (size_t)ncap * sizeof *ns);
            if (!ns) break;
            samples = ns;
            double *nh = realloc(host, (size_t)ncap * sizeof *nh);
            if (!nh) break;
            host = nh, cap = ncap;
        }
        progress_show(env->pg, "measuring", done + 1, reps > done ? reps : done + 1);
        double t0;
        if ((s = timed_run_hooked(im, state, &samples[done], per_rep ? &hooks : NULL, &t0)) !=
            HB_OK) {
            snprintf(msg, sizeof msg, "repetition %d failed: %s", done + 1,
                     failure_text(im, state, s));
            rs = status_of_error(s);
            set_status(rec, rs, msg);
            goto out_impl;
        }
        if (done == 0) span_start = t0;
        span_end = t0 + samples[done];
        host[done] = samples[done];
        if (im->device_seconds) {
            /* the device's own timer (profiling events) is the sample; it must fit inside
               the host's window around run(). < 0: no device time for this run (too short
               for the timer): the host time stands, and the record counts such runs. */
            double d = im->device_seconds(state);
            if (d < 0) {
                host_timed++;
                d = host[done];
            }
            if (!(d > 0) || d > host[done] * 1.05 + 50e-6) {
                snprintf(msg, sizeof msg,
                         "repetition %d: the device timer (%.6g s) disagrees with the host clock "
                         "around the run (%.6g s)",
                         done + 1, d, host[done]);
                rs = HB_REC_ERROR;
                set_status(rec, rs, msg);
                goto out_impl;
            }
            samples[done] = d;
        }
        measured += samples[done];
        done++;
        window_time = per_rep ? measured : span_end - span_start;
    }
    double loop_seconds = hb__now() - loop_start;
    if (!per_rep) {
        hb__energy_mark(env->energy);
        if (done > 0) hb__energy_add_window(env->energy, span_start, span_end, done);
    }
    if (g_signals) {
        snprintf(msg, sizeof msg, "interrupted by a signal after %d of %d repetitions", done, reps);
        rs = HB_REC_INTERRUPTED;
        set_status(rec, rs, msg);
        goto out_impl;
    }
    energy_fig = NULL;
    if (env->energy)
        energy_fig = hb__energy_measure_end(env->energy,
                                            it->k->rate_basis == HB_RATE_BYTES
                                                ? it->k->byte_count(it->v, it->op, size)
                                                : it->k->op_count(it->v, it->op, size),
                                            it->k->rate_unit(it->v), need_window);
    /* 3b. counters, over a separate pass of repetitions right after the timed ones, with the
           same window structure: counting costs every context switch of the counted threads,
           which slowed sub-millisecond kernels by ~7 % here — it must not touch the rate.
           About a tenth of the measured time, at least min_reps repetitions. */
    if ((!o->counters || strcmp(o->counters, "none") != 0) &&
        (counters = hb__counters_open(o->counters)) != NULL) {
        double t_med = done ? measured / done : 0.0;
        int k = t_med > 0 ? (int)ceil(0.1 * env->min_time / t_med) : o->min_reps;
        if (k < o->min_reps) k = o->min_reps;
        if (k > done) k = done;
        hb__counters_reset(counters);
        window_hooks chooks = {NULL, counters};
        if (!per_rep) hb__counters_begin(counters);
        int kd = 0;
        for (; kd < k && !g_signals; kd++) {
            double t;
            if ((s = timed_run_hooked(im, state, &t, per_rep ? &chooks : NULL, NULL)) != HB_OK)
                break;
        }
        if (!per_rep) hb__counters_end(counters);
        if (s != HB_OK) {
            snprintf(msg, sizeof msg, "counted repetition %d (after timing) failed: %s", kd + 1,
                     failure_text(im, state, s));
            rs = status_of_error(s);
            set_status(rec, rs, msg);
            goto out_impl;
        }
        json_t *cj = hb__counters_json(counters);
        json_object_set_new(cj, "repetitions", json_integer(kd));
        json_object_set_new(
            cj, "pass",
            json_string(per_rep ? "separate, per repetition" : "separate, back to back"));
        json_object_set_new(rec, "counters", cj);
    }
    /* 4. verify again: the output of the last timed repetition */
    progress_show(env->pg, "verifying again", 0, 0);
    if ((s = verify_output(it, im, state, &p, &v2)) != HB_OK) {
        snprintf(msg, sizeof msg, "verification after timing failed: %s",
                 failure_text(im, state, s));
        rs = status_of_error(s);
        set_status(rec, rs, msg);
        goto out_impl;
    }
    json_object_set_new(ver, "after_timing", verification_json(&v2));
    if (!v2.passed) {
        snprintf(msg, sizeof msg, "after the timed repetitions: %s = %.6g exceeds %.6g",
                 v2.metric_name, v2.metric, v2.threshold);
        rs = HB_REC_FAILED_VERIFICATION;
        set_status(rec, rs, msg);
        goto out_impl;
    }
    /* 5. statistics */
    hb_stats st;
    hb_stats_compute(samples, done, &st);
    json_t *tm = json_object();
    json_object_set_new(tm, "unit", json_string("s"));
    if (im->device_seconds) {
        hb_stats hst;
        hb_stats_compute(host, done, &hst);
        json_object_set_new(tm, "clock", json_string("device timer (profiling events)"));
        json_object_set_new(tm, "host_median", json_real(hst.median));
        json_object_set_new(tm, "device_host_ratio", json_real(st.median / hst.median));
        json_object_set_new(tm, "host_timed_runs", json_integer(host_timed));
    } else
        json_object_set_new(tm, "clock", json_string("host CLOCK_MONOTONIC"));
    json_object_set_new(tm, "warmup_runs", json_integer(o->warmup));
    json_object_set_new(tm, "repetitions", json_integer(done));
    json_object_set_new(tm, "min_time", json_real(env->min_time));
    json_object_set_new(tm, "measured_total", json_real(measured));
    /* max_reps can stop a very fast kernel short of min_time: say so */
    json_object_set_new(tm, "min_time_reached", json_boolean(measured >= env->min_time));
    json_object_set_new(tm, "loop_seconds", json_real(loop_seconds));
    json_object_set_new(tm, "wall_limit", json_real(wall_limit));
    /* why the loop ended: its goal (the calibrated count, min_time and the energy window all
       reached), --max-reps, the wall-clock limit, or no memory for more samples */
    const char *stop = wall_stop ? "wall_limit"
                       : done >= reps && measured >= env->min_time && window_time >= need_window
                           ? "goal"
                       : done >= o->max_reps ? "max_reps"
                                             : "memory";
    json_object_set_new(tm, "stopped_by", json_string(stop));
    json_object_set_new(tm, "median", json_real(st.median));
    json_object_set_new(tm, "min", json_real(st.min));
    json_object_set_new(tm, "max", json_real(st.max));
    json_object_set_new(tm, "mean", json_real(st.mean));
    json_object_set_new(tm, "stddev", json_real(st.stddev));
    json_object_set_new(tm, "cv", json_real(st.cv));
    json_t *ci = json_array();
    json_array_append_new(ci, json_real(st.ci_low));
    json_array_append_new(ci, json_real(st.ci_high));
    json_object_set_new(tm, "median_ci", ci);
    json_object_set_new(tm, "median_ci_level", json_real(st.ci_level));
    if (done <= 1000) {
        json_t *arr = json_array();
        for (int i = 0; i < done; i++) json_array_append_new(arr, json_real(samples[i]));
        json_object_set_new(tm, "samples", arr);
    }
    json_object_set_new(rec, "timing", tm);
    if (im->device_seconds) {
        /* an event that covers a fraction of the work (a library that enqueues several
           kernels and hands the caller's event to the last) would inflate the rate: a device
           median under half the host median, for runs long enough that launch overhead
           cannot explain it, is an error (medians: robust to a preempted host) */
        hb_stats hst;
        hb_stats_compute(host, done, &hst);
        if (hst.median > 2e-3 && st.median < 0.5 * hst.median) {
            snprintf(msg, sizeof msg,
                     "the device timer (median %.6g s) covers less than half of the host's "
                     "window around each run (median %.6g s): its event does not time the "
                     "whole work",
                     st.median, hst.median);
            rs = HB_REC_ERROR;
            json_object_del(rec, "timing");
            set_status(rec, rs, msg);
            goto out_impl;
        }
    }

    double work = it->k->rate_basis == HB_RATE_BYTES ? it->k->byte_count(it->v, it->op, size)
                                                     : it->k->op_count(it->v, it->op, size);
    json_t *rate = json_object();
    json_object_set_new(rate, "value", json_real(work / st.median * 1e-9));
    json_object_set_new(rate, "unit", json_string(it->k->rate_unit(it->v)));
    json_object_set_new(rate, "basis",
                        json_string(it->k->rate_basis == HB_RATE_BYTES ? "bytes" : "ops"));
    json_object_set_new(rate, "best", json_real(work / st.min * 1e-9));
    json_object_set_new(rate, "worst", json_real(work / st.max * 1e-9));
    json_t *rci = json_array();
    json_array_append_new(rci, json_real(work / st.ci_high * 1e-9));
    json_array_append_new(rci, json_real(work / st.ci_low * 1e-9));
    json_object_set_new(rate, "median_ci", rci);
    json_object_set_new(rec, "rate", rate);
    if (energy_fig) {
        json_object_set_new(rec, "energy", energy_fig);
        energy_fig = NULL;
    } else {
        json_t *en = json_object_get(rec, "energy");
        json_object_set_new(en, "reason",
                            json_string("energy measurement off (--meters none): no figure"));
    }
    rs = HB_REC_OK;
    if (measured >= env->min_time)
        set_status(rec, rs, "verified before and after timing");
    else {
        if (wall_stop)
            snprintf(msg, sizeof msg,
                     "verified before and after timing; measured %.3g s in %d repetitions, less "
                     "than --min-time %.3g s: the repetitions' untimed part (resets, waits) "
                     "took the loop to its wall-clock limit of %.3g s",
                     measured, done, env->min_time, wall_limit);
        else
            snprintf(msg, sizeof msg,
                     "verified before and after timing; measured %.3g s in %d repetitions (%s), "
                     "less than --min-time %.3g s",
                     measured, done,
                     strcmp(stop, "memory") == 0 ? "no memory for more timing samples"
                                                 : "the --max-reps cap",
                     env->min_time);
        set_status(rec, rs, msg);
    }
out_impl:
    free(host);
    json_decref(energy_fig);
    if (counters) hb__counters_close(counters);
    free(samples);
    im->teardown(state);
out_problem:
    if (it->k->teardown) it->k->teardown(&p);
    return rs;
}

static json_t *run_json(const hb_run_options *o, double min_time, const char *started) {
    json_t *r = json_object();
    json_object_set_new(r, "suite", json_string(hb__suite_name(o->suite)));
    json_object_set_new(r, "kernels", o->kernels ? json_string(o->kernels) : json_null());
    json_object_set_new(r, "precisions", o->precisions ? json_string(o->precisions) : json_null());
    const char *impl = o->impl_mask == HB_IMPL_MASK_BASE   ? "base"
                       : o->impl_mask == HB_IMPL_MASK_PEAK ? "peak"
                                                           : "base,peak";
    json_object_set_new(r, "implementations", json_string(impl));
    json_object_set_new(r, "devices", o->devices ? json_string(o->devices) : json_null());
    if (o->size.n || o->size.m || o->size.k) {
        json_t *s = json_object();
        json_object_set_new(s, "m", json_integer(o->size.m));
        json_object_set_new(s, "n", json_integer(o->size.n));
        json_object_set_new(s, "k", json_integer(o->size.k));
        json_object_set_new(r, "size", s);
    } else
        json_object_set_new(r, "size", json_null());
    json_object_set_new(r, "threads", json_integer(hb__cpu_threads()));
    json_object_set_new(r, "min_time", json_real(min_time));
    json_object_set_new(r, "min_repetitions", json_integer(o->min_reps));
    json_object_set_new(r, "max_repetitions", json_integer(o->max_reps));
    json_object_set_new(r, "warmup_runs", json_integer(o->warmup));
    json_object_set_new(r, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(r, "mem_fraction", json_real(o->mem_fraction));
    json_object_set_new(r, "command_line", json_string(o->command_line ? o->command_line : ""));
    json_object_set_new(r, "started_at", json_string(started));
    json_object_set_new(r, "finished_at", json_null());
    return r;
}

hb_status hb_run(hb_context *ctx, const hb_run_options *o, hb_run_summary *sum, FILE *table,
                 char *err, size_t errlen) {
    hb_run_summary local;
    if (!sum) sum = &local;
    memset(sum, 0, sizeof *sum);
    if (o->min_reps < 5) {
        hb__set_err(err, errlen, "at least 5 repetitions are required (got %d)", o->min_reps);
        return HB_E_INVALID;
    }
    if (o->mem_fraction <= 0 || o->mem_fraction > 0.9) {
        hb__set_err(err, errlen, "--mem-fraction must be in (0, 0.9] (got %g)", o->mem_fraction);
        return HB_E_INVALID;
    }
    plan pl = {.not_applicable = json_array()};
    hb_status s = build_plan(ctx, o, &pl, err, errlen);
    if (s != HB_OK) {
        free(pl.items);
        json_decref(pl.not_applicable);
        return s;
    }
    if (o->dry_run) {
        FILE *f = table ? table : stdout;
        fprintf(f, "%-8s %-12s %-5s %-5s %-10s %-18s %14s %14s\n", "kernel", "op", "prec", "impl",
                "device", "size", "ops/run", "bytes/run");
        for (size_t i = 0; i < pl.n; i++) {
            const plan_item *it = &pl.items[i];
            char size[48];
            if (it->k->size_dims == 3)
                snprintf(size, sizeof size, "%lldx%lldx%lld", (long long)it->size.m,
                         (long long)it->size.n, (long long)it->size.k);
            else
                snprintf(size, sizeof size, "%lld", (long long)it->size.n);
            fprintf(f, "%-8s %-12s %-5s %-5s %-10s %-18s %14.4g %14.4g\n", it->k->name,
                    it->k->nops ? it->k->ops[it->op] : "-", hb_variant_name(it->v),
                    it->impl ? hb_impl_kind_name(it->impl->kind) : "none",
                    hb_device_at(ctx, it->dev)->info.id, size,
                    it->k->op_count(it->v, it->op, &it->size),
                    it->k->byte_count(it->v, it->op, &it->size));
        }
        fprintf(f, "%zu measurements, minimum %g s each (dry run: nothing measured)\n", pl.n,
                o->min_time >= 0 ? o->min_time : hb__suite_default_min_time(o->suite));
        free(pl.items);
        json_decref(pl.not_applicable);
        return HB_OK;
    }
    /* an output that cannot be written is bad input: found before anything is measured */
    if (o->output && hb__check_writable(o->output, err, errlen) != HB_OK) {
        free(pl.items);
        json_decref(pl.not_applicable);
        return HB_E_INVALID;
    }
    if (hb_check_meter_sources(o->meters, err, errlen) != HB_OK ||
        hb_check_counter_names(o->counters, err, errlen) != HB_OK) {
        free(pl.items);
        json_decref(pl.not_applicable);
        return HB_E_INVALID;
    }
    /* energy meters: discovered and sampling before the first measurement; a malformed
       external log is bad input, found before anything is measured */
    hb__energy *energy = NULL;
    if (!(o->meters && strcmp(o->meters, "none") == 0) || o->meter_log) {
        hb__energy_config ec = {.sources = o->meters,
                                .meter_log = o->meter_log,
                                .meter_log_offset = o->meter_log_offset,
                                .meter_log_scope = o->meter_log_scope};
        hb__energy_env_from_environment(&ec.env);
        if ((s = hb__energy_create(&ec, &energy, err, errlen)) != HB_OK) {
            free(pl.items);
            json_decref(pl.not_applicable);
            return s;
        }
        hb__energy_set_stop_flag(energy, &g_signals);
    }
    double min_time = o->min_time >= 0 ? o->min_time : hb__suite_default_min_time(o->suite);
    char started[32];
    iso_time(started, sizeof started);

    json_t *doc = json_object();
    json_object_set_new(doc, "schema_version", json_string(HB_RESULT_SCHEMA_VERSION));
    json_object_set_new(doc, "generator", json_string("hetbench " HB_VERSION_STRING));
    json_object_set_new(doc, "system", hb__system_json(ctx));
    json_t *run = run_json(o, min_time, started);
    json_object_set_new(run, "not_applicable", pl.not_applicable);
    json_object_set_new(doc, "run", run);
    double energy_window =
        o->energy_window >= 0 ? o->energy_window : hb__suite_default_energy_window(o->suite);
    double idle = o->idle_seconds >= 0 ? o->idle_seconds : hb__suite_default_idle_seconds(o->suite);
    json_t *ej = energy ? hb__energy_sources_json(energy) : json_object();
    json_object_set_new(ej, "enabled", json_boolean(energy != NULL));
    json_object_set_new(ej, "max_window_stretch", json_real(energy_window));
    /* the idle baseline: only where something can measure it */
    if (energy && (hb__energy_meter_count(energy) > 0 || o->meter_log) && idle > 0) {
        if (o->progress && isatty(2)) fprintf(stderr, "idle baseline: %.3g s ...", idle);
        json_object_set_new(ej, "idle", hb__energy_idle(energy, idle));
        if (o->progress && isatty(2)) fprintf(stderr, "\r\033[K");
    } else
        json_object_set_new(ej, "idle", json_null());
    json_object_set_new(run, "energy", ej);
    json_t *cj = json_object();
    json_object_set_new(cj, "events",
                        o->counters ? json_string(o->counters) : json_string("default"));
    json_object_set_new(cj, "sources", hb__counters_info_json());
    json_object_set_new(run, "counters", cj);
    json_t *records = json_array();
    json_object_set_new(doc, "records", records);

    progress pg = {.on = o->progress && isatty(2), .total = pl.n, .t_start = hb__now()};
    run_env env = {
        .o = o, .min_time = min_time, .energy_window = energy_window, .energy = energy, .pg = &pg};
    hb_status result = HB_OK;
    for (size_t i = 0; i < pl.n; i++) {
        if (g_signals) { /* during the idle baseline: nothing measured, the run stops here */
            result = HB_E_INTERRUPTED;
            hb__set_err(err, errlen, "interrupted before the first measurement");
            char werr[256];
            if (o->output) hb__json_write_atomic(doc, o->output, werr, sizeof werr);
            break;
        }
        const plan_item *it = &pl.items[i];
        const hb_device *dev = hb_device_at(ctx, it->dev);
        hb_size size = it->size;
        pg.index = i;
        snprintf(pg.what, sizeof pg.what, "%s%s%s %s %s %s", it->k->name, it->k->nops ? "." : "",
                 it->k->nops ? it->k->ops[it->op] : "", hb_variant_name(it->v),
                 it->impl ? hb_impl_kind_name(it->impl->kind) : "-", dev->info.id);

        json_t *rec = record_skeleton(it, dev, &size, o);
        char at[32];
        iso_time(at, sizeof at);
        json_object_set_new(rec, "started_at", json_string(at));
        /* provisional: what the file says if the process dies during this measurement */
        set_status(rec, HB_REC_INTERRUPTED, "the run stopped during this measurement");
        json_array_append(records, rec);
        if (o->output && (s = hb__json_write_atomic(doc, o->output, err, errlen)) != HB_OK) {
            json_decref(rec);
            result = s;
            break;
        }
        double t0 = hb__now();
        hb_record_status rs = measure(&env, it, dev, &size, rec);
        json_object_set_new(rec, "wall_seconds", json_real(hb__now() - t0));
        json_decref(rec);
        sum->total++;
        switch (rs) {
        case HB_REC_OK:
            sum->ok++;
            break;
        case HB_REC_FAILED_VERIFICATION:
            sum->failed_verification++;
            break;
        case HB_REC_UNSUPPORTED:
            sum->unsupported++;
            break;
        case HB_REC_SKIPPED:
            sum->skipped++;
            break;
        case HB_REC_ERROR:
            sum->error++;
            break;
        case HB_REC_INTERRUPTED:
            sum->interrupted++;
            break;
        }
        if (pg.on) fprintf(stderr, "\r\033[K");
        if (g_signals) {
            /* the records not reached are not written: the file has what was measured */
            result = HB_E_INTERRUPTED;
            hb__set_err(err, errlen, "interrupted: %d of %zu measurements completed",
                        sum->total - sum->interrupted, pl.n);
        }
        char fin[32];
        iso_time(fin, sizeof fin);
        json_object_set_new(run, "finished_at", json_string(fin));
        json_t *sj = json_object();
        json_object_set_new(sj, "total", json_integer(sum->total));
        json_object_set_new(sj, "ok", json_integer(sum->ok));
        json_object_set_new(sj, "failed_verification", json_integer(sum->failed_verification));
        json_object_set_new(sj, "unsupported", json_integer(sum->unsupported));
        json_object_set_new(sj, "skipped", json_integer(sum->skipped));
        json_object_set_new(sj, "error", json_integer(sum->error));
        json_object_set_new(sj, "interrupted", json_integer(sum->interrupted));
        json_object_set_new(sj, "complete", json_boolean(i + 1 == pl.n && !g_signals));
        json_object_set_new(doc, "summary", sj);
        if (o->output && (s = hb__json_write_atomic(doc, o->output, err, errlen)) != HB_OK) {
            result = s;
            break;
        }
        if (g_signals) break;
    }
    if (table) {
        hb__print_records_table(records, table);
        size_t i;
        json_t *na;
        json_array_foreach(pl.not_applicable, i, na) {
            if (i == 0) fprintf(table, "not available here:\n");
            fprintf(table, "  %s %s %s on %s: %s\n",
                    json_string_value(json_object_get(na, "kernel")),
                    json_string_value(json_object_get(na, "variant")),
                    json_string_value(json_object_get(na, "implementation")),
                    json_string_value(json_object_get(na, "device")),
                    json_string_value(json_object_get(na, "reason")));
        }
    }
    json_decref(doc);
    free(pl.items);
    hb__energy_destroy(energy);
    return result;
}
