/* hetbench — energy over measurement windows: sampler threads, series, per-record figures.
 *
 * Every meter gets a sampler thread (named "hb-meter-N" so that the counters leave it out)
 * that reads it at its interval: energy counters at least every second so that a 32-bit
 * register never wraps twice between reads, power meters at their sampling rate. Cheap meters
 * are also read by the runner right before and right after every timed window ("marks"), so
 * that a counter's energy over a window is the difference of two readings taken within
 * microseconds of its ends (linear interpolation covers the microseconds). Per-repetition
 * windows skip a mark where the meter's newest reading is younger than its update period
 * (hb__energy_mark_if_stale): the readings then lie within one update period of the ends, and
 * the last window's closing one may be the sampler's, which hb__energy_measure_end waits for.
 * Power meters are integrated with the trapezoid rule over exactly the window (meter.c).
 */
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "energy.h"
#include "internal.h"

#define MAX_SAMPLES (1u << 22) /* per meter per measurement: 64 MiB of series at most */

typedef struct series {
    double *t, *v;
    size_t n, cap;
} series;

typedef struct mstate {
    hb__meter *m;
    pthread_mutex_t mu; /* serialises read() and guards the series */
    series s;
    int failures;      /* failed reads since the measurement began */
    double fail_t[64]; /* their times (the first 64) */
    int fail_overflow; /* more than 64: treated as touching every window */
    int overflow;      /* samples dropped (MAX_SAMPLES) */
    char last_err[256];
    pthread_t th;
    int th_started;
    int covers; /* covers the current device: headline rank 1..4 (5: dram, never headline),
                   0 = does not cover it */
} mstate;

typedef struct window {
    double a, b;
    int reps;
} window;

struct hb__energy {
    hb__meter_list list;
    volatile sig_atomic_t *stop_flag; /* the runner's signal counter: waits end early */
    mstate *ms;
    size_t nm;
    pthread_mutex_t stop_mu;
    pthread_cond_t stop_cv;
    int stop;
    window *win;
    size_t nw, capw;
    char dev_id[48];
    double mono_to_unix; /* unix = monotonic + this */
    /* external meter log */
    char *log_path;
    double log_offset;
    hb__meter_scope log_scope;
    int log_covers;
};

static const char *const k_sources[] = {"powercap", "perf-power", "hwmon", "nvml", "ipmi-dcmi"};
#define NSOURCES (sizeof k_sources / sizeof k_sources[0])

void hb__energy_env_from_environment(hb__meter_env *env) {
    const char *s;
    if ((s = getenv("HETBENCH_SYSFS_ROOT"))) env->sysfs_root = s;
    if ((s = getenv("HETBENCH_DEV_ROOT"))) env->dev_root = s;
    if ((s = getenv("HETBENCH_NVML_LIBRARY"))) env->nvml_library = s;
    if ((s = getenv("HETBENCH_IPMI_COMMAND"))) env->ipmi_command = s;
    if (!env->sysfs_root) env->sysfs_root = "";
    if (!env->dev_root) env->dev_root = "";
}

int hb__energy_check_sources(const char *sources, char *err, size_t errlen) {
    if (!sources || strcmp(sources, "none") == 0 || strcmp(sources, "all") == 0) return 0;
    char *copy = strdup(sources);
    if (!copy) return -1;
    int rc = 0;
    for (char *sv = NULL, *t = strtok_r(copy, ",", &sv); t; t = strtok_r(NULL, ",", &sv)) {
        size_t i;
        for (i = 0; i < NSOURCES; i++)
            if (strcmp(t, k_sources[i]) == 0) break;
        if (i == NSOURCES) {
            hb__set_err(err, errlen,
                        "--meters: unknown meter source '%s' (powercap, perf-power, hwmon, nvml, "
                        "ipmi-dcmi, all or none)",
                        t);
            rc = -1;
            break;
        }
    }
    free(copy);
    return rc;
}

static int source_on(const char *sources, const char *name) {
    if (!sources || strcmp(sources, "all") == 0) return 1;
    if (strcmp(sources, "none") == 0) return 0;
    return hb__str_in_list(sources, name);
}

static void discover(const hb__energy_config *c, hb__meter_list *l) {
    hb__meter_env env = c->env;
    if (!env.sysfs_root) env.sysfs_root = "";
    if (!env.dev_root) env.dev_root = "";
    if (source_on(c->sources, "powercap")) hb__meters_discover_powercap(&env, l);
    if (source_on(c->sources, "perf-power")) hb__meters_discover_perf_power(&env, l);
    if (source_on(c->sources, "hwmon")) hb__meters_discover_hwmon(&env, l);
    if (source_on(c->sources, "nvml")) hb__meters_discover_nvml(&env, l);
    if (source_on(c->sources, "ipmi-dcmi")) hb__meters_discover_ipmi(&env, l);
    if (c->sources && strcmp(c->sources, "none") == 0)
        hb__meter_list_unavailable(l, "all", "energy meters turned off (--meters none)");
}

/* ---- series and reading ---- */
static void series_push(mstate *st, double t, double v) {
    series *s = &st->s;
    if (s->n == s->cap) {
        if (s->cap >= MAX_SAMPLES) {
            st->overflow = 1;
            return;
        }
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *nt = realloc(s->t, cap * sizeof *nt);
        if (!nt) {
            st->overflow = 1;
            return;
        }
        s->t = nt;
        double *nv = realloc(s->v, cap * sizeof *nv);
        if (!nv) {
            st->overflow = 1;
            return;
        }
        s->v = nv, s->cap = cap;
    }
    /* readings are time-ordered: a reading that finished before the last one (two readers
       racing for the lock) is placed at the later time */
    if (s->n && t < s->t[s->n - 1]) t = s->t[s->n - 1];
    s->t[s->n] = t, s->v[s->n] = v, s->n++;
}

/* One reading. A cheap meter is read under its lock (the sampler and the runner's marks both
   read it). A slow one (IPMI: a process per reading) is read only by its sampler thread, so
   outside the lock: the runner never waits for a BMC to answer. */
static void read_meter(mstate *st) {
    char err[256] = "";
    double v = 0.0;
    int locked = st->m->cheap;
    if (locked) pthread_mutex_lock(&st->mu);
    double t0 = hb__now();
    int rc = st->m->ops->read(st->m, &v, err, sizeof err);
    double t1 = hb__now();
    if (!locked) pthread_mutex_lock(&st->mu);
    if (rc == 0 && isfinite(v))
        series_push(st, 0.5 * (t0 + t1), v);
    else {
        if (st->failures < (int)(sizeof st->fail_t / sizeof st->fail_t[0]))
            st->fail_t[st->failures] = 0.5 * (t0 + t1);
        else
            st->fail_overflow = 1;
        st->failures++;
        snprintf(st->last_err, sizeof st->last_err, "%s",
                 err[0] ? err : "the meter returned a non-finite value");
    }
    pthread_mutex_unlock(&st->mu);
}

static int stopping(const hb__energy *E) {
    return E->stop_flag && *E->stop_flag;
}

void hb__energy_set_stop_flag(hb__energy *E, volatile sig_atomic_t *flag) {
    if (E) E->stop_flag = flag;
}

typedef struct sampler_arg {
    hb__energy *E;
    size_t i;
} sampler_arg;

static void *sampler(void *arg) {
    sampler_arg a = *(sampler_arg *)arg;
    free(arg);
    hb__energy *E = a.E;
    mstate *st = &E->ms[a.i];
    char name[16];
    snprintf(name, sizeof name, "hb-meter-%zu", a.i);
    pthread_setname_np(pthread_self(), name);
    double interval = st->m->interval > 0 ? st->m->interval : 1.0;
    struct timespec due;
    clock_gettime(CLOCK_MONOTONIC, &due);
    for (;;) {
        read_meter(st);
        long long ns = (long long)(interval * 1e9);
        due.tv_sec += ns / 1000000000LL;
        due.tv_nsec += ns % 1000000000LL;
        if (due.tv_nsec >= 1000000000L) due.tv_sec++, due.tv_nsec -= 1000000000L;
        pthread_mutex_lock(&E->stop_mu);
        int rc = 0;
        while (!E->stop && rc != ETIMEDOUT)
            rc = pthread_cond_timedwait(&E->stop_cv, &E->stop_mu, &due);
        int stop = E->stop;
        pthread_mutex_unlock(&E->stop_mu);
        if (stop) break;
        /* a slow reading (IPMI) that overran its slot: next slot from now, no burst */
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > due.tv_sec + 1) due = now;
    }
    return NULL;
}

/* ---- lifetime ---- */
hb_status hb__energy_create(const hb__energy_config *c, hb__energy **out, char *err,
                            size_t errlen) {
    *out = NULL;
    hb__energy *E = calloc(1, sizeof *E);
    if (!E) return HB_E_NOMEM;
    pthread_mutex_init(&E->stop_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&E->stop_cv, &ca);
    pthread_condattr_destroy(&ca);
    struct timespec rt, mt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mt);
    E->mono_to_unix =
        ((double)rt.tv_sec + 1e-9 * rt.tv_nsec) - ((double)mt.tv_sec + 1e-9 * mt.tv_nsec);

    if (c->meter_log) {
        hb__power_log log = {0};
        if (hb__power_log_load(c->meter_log, &log, err, errlen) != 0) {
            hb__power_log_free(&log);
            hb__energy_destroy(E);
            return HB_E_INVALID;
        }
        hb__power_log_free(&log);
        E->log_path = strdup(c->meter_log);
        E->log_offset = c->meter_log_offset;
        E->log_scope = HB_SCOPE_NODE_AC;
        if (c->meter_log_scope) {
            int found = 0;
            for (int s = 0; s <= HB_SCOPE_PSYS; s++)
                if (strcmp(c->meter_log_scope, hb__meter_scope_name((hb__meter_scope)s)) == 0)
                    E->log_scope = (hb__meter_scope)s, found = 1;
            if (!found) {
                hb__set_err(err, errlen,
                            "--meter-log-scope: unknown scope '%s' (node-ac, cpu-package, dram, "
                            "accelerator-board, psys)",
                            c->meter_log_scope);
                hb__energy_destroy(E);
                return HB_E_INVALID;
            }
        }
    }

    discover(c, &E->list);
    if (c->extra) {
        for (size_t i = 0; i < c->extra->n; i++) hb__meter_list_add(&E->list, c->extra->v[i]);
        c->extra->n = 0;
        hb__meter_list_free(c->extra);
    }
    E->ms = calloc(E->list.n ? E->list.n : 1, sizeof *E->ms);
    if (!E->ms) {
        hb__energy_destroy(E);
        return HB_E_NOMEM;
    }
    E->nm = E->list.n;
    for (size_t i = 0; i < E->nm; i++) {
        E->ms[i].m = E->list.v[i];
        pthread_mutex_init(&E->ms[i].mu, NULL);
    }
    /* the sampler threads never take SIGINT/SIGTERM: the runner's thread must see them */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (size_t i = 0; i < E->nm; i++) {
        sampler_arg *a = malloc(sizeof *a);
        if (!a) continue;
        a->E = E, a->i = i;
        if (pthread_create(&E->ms[i].th, NULL, sampler, a) == 0)
            E->ms[i].th_started = 1;
        else
            free(a);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    /* a power meter's first window needs a reading before it: wait for every sampler's first
       reading (or failure) — at most a couple of seconds, for a slow BMC */
    double limit = hb__now() + 3.0;
    for (size_t i = 0; i < E->nm; i++) {
        mstate *st = &E->ms[i];
        for (;;) {
            pthread_mutex_lock(&st->mu);
            int ready = st->s.n > 0 || st->failures > 0;
            pthread_mutex_unlock(&st->mu);
            if (ready || !st->th_started || hb__now() > limit) break; /* ≤ 3 s */
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    *out = E;
    return HB_OK;
}

void hb__energy_destroy(hb__energy *E) {
    if (!E) return;
    pthread_mutex_lock(&E->stop_mu);
    E->stop = 1;
    pthread_cond_broadcast(&E->stop_cv);
    pthread_mutex_unlock(&E->stop_mu);
    for (size_t i = 0; i < E->nm; i++) {
        if (E->ms[i].th_started) pthread_join(E->ms[i].th, NULL);
        pthread_mutex_destroy(&E->ms[i].mu);
        free(E->ms[i].s.t);
        free(E->ms[i].s.v);
    }
    free(E->ms);
    hb__meter_list_free(&E->list);
    pthread_cond_destroy(&E->stop_cv);
    pthread_mutex_destroy(&E->stop_mu);
    free(E->win);
    free(E->log_path);
    free(E);
}

size_t hb__energy_meter_count(const hb__energy *E) {
    return E ? E->nm : 0;
}

/* ---- descriptions ---- */
static json_t *meter_desc(const hb__meter *m) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(m->name));
    json_object_set_new(o, "source", json_string(m->source));
    json_object_set_new(o, "scope", json_string(hb__meter_scope_name(m->scope)));
    json_object_set_new(
        o, "kind", json_string(m->kind == HB_METER_ENERGY ? "energy-counter" : "power-sampled"));
    json_object_set_new(o, "in_band", json_boolean(m->in_band));
    json_object_set_new(o, "sampling_interval", json_real(m->interval));
    json_object_set_new(o, "resolution", json_real(m->resolution));
    json_object_set_new(o, "min_window", json_real(m->min_window));
    if (m->pci_bus_id[0]) json_object_set_new(o, "pci_bus_id", json_string(m->pci_bus_id));
    json_object_set_new(o, "detail", json_string(m->detail));
    return o;
}

static json_t *sources_json(const hb__meter_list *l, const char *log_path, double log_offset,
                            hb__meter_scope log_scope) {
    json_t *o = json_object(), *ms = json_array(), *un = json_array();
    for (size_t i = 0; i < l->n; i++) json_array_append_new(ms, meter_desc(l->v[i]));
    for (size_t i = 0; i < l->nu; i++) {
        json_t *u = json_object();
        json_object_set_new(u, "name", json_string(l->unavail[i].name));
        json_object_set_new(u, "reason", json_string(l->unavail[i].reason));
        json_array_append_new(un, u);
    }
    json_object_set_new(o, "meters", ms);
    json_object_set_new(o, "unavailable", un);
    if (log_path) {
        json_t *x = json_object();
        json_object_set_new(x, "path", json_string(log_path));
        json_object_set_new(x, "clock_offset", json_real(log_offset));
        json_object_set_new(x, "scope", json_string(hb__meter_scope_name(log_scope)));
        json_object_set_new(x, "in_band", json_false());
        json_object_set_new(o, "external_log", x);
    } else
        json_object_set_new(o, "external_log", json_null());
    return o;
}

json_t *hb__energy_sources_json(const hb__energy *E) {
    return sources_json(&E->list, E->log_path, E->log_offset, E->log_scope);
}

json_t *hb__energy_info_json(const hb__energy_config *c) {
    hb__meter_list l = {0};
    discover(c, &l);
    json_t *o = sources_json(&l, c->meter_log, c->meter_log_offset, HB_SCOPE_NODE_AC);
    hb__meter_list_free(&l);
    return o;
}

/* ---- measurements ---- */
static void trim(mstate *st) {
    pthread_mutex_lock(&st->mu);
    if (st->s.n > 1) {
        st->s.t[0] = st->s.t[st->s.n - 1];
        st->s.v[0] = st->s.v[st->s.n - 1];
        st->s.n = 1;
    }
    st->failures = 0;
    st->fail_overflow = 0;
    st->overflow = 0;
    st->last_err[0] = '\0';
    pthread_mutex_unlock(&st->mu);
}

static const char *device_pci(const hb_device *dev) {
    for (int i = 0; i < dev->info.nprops; i++)
        if (strcmp(dev->info.props[i].key, "pci_bus_id") == 0) return dev->info.props[i].value;
    return NULL;
}

/* Coverage rank (1 = the preferred headline .. 4 = node AC; 5 = DRAM, which covers the CPU's
   work but is never its headline), 0 = the meter does not cover the device. */
static int coverage(hb__meter_scope scope, const char *pci, const hb_device *dev) {
    /* by the device's type, not its platform: a PoCL device or a plugin's CPU device runs on
       the same packages */
    int is_cpu = strcmp(dev->info.type, "cpu") == 0;
    if (scope == HB_SCOPE_NODE_AC) return 4;
    if (is_cpu) {
        if (scope == HB_SCOPE_CPU_PACKAGE) return 1;
        if (scope == HB_SCOPE_PSYS) return 2;
        if (scope == HB_SCOPE_DRAM) return 5; /* listed as covering, never the headline */
        return 0;
    }
    const char *dp = device_pci(dev);
    if (scope == HB_SCOPE_ACCEL_BOARD && pci && pci[0] && dp && strcasecmp(pci, dp) == 0) return 1;
    return 0;
}

static double mono_to_unix_now(void) {
    struct timespec rt, mt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mt);
    return ((double)rt.tv_sec + 1e-9 * rt.tv_nsec) - ((double)mt.tv_sec + 1e-9 * mt.tv_nsec);
}

void hb__energy_measure_begin(hb__energy *E, const hb_device *dev) {
    if (!E) return;
    E->nw = 0;
    /* taken again per measurement: a wall-clock step during a long run (NTP) then shifts
       only the records after it */
    E->mono_to_unix = mono_to_unix_now();
    snprintf(E->dev_id, sizeof E->dev_id, "%s", dev->info.id);
    for (size_t i = 0; i < E->nm; i++) {
        trim(&E->ms[i]);
        E->ms[i].covers = coverage(E->ms[i].m->scope, E->ms[i].m->pci_bus_id, dev);
    }
    E->log_covers = coverage(E->log_scope, NULL, dev);
}

double hb__energy_needed_window(const hb__energy *E, double cap) {
    double need = 0.0;
    if (!E) return 0.0;
    for (size_t i = 0; i < E->nm; i++)
        if (E->ms[i].covers && E->ms[i].m->min_window > need) need = E->ms[i].m->min_window;
    return need < cap ? need : cap;
}

/* A reading of every cheap meter at a window boundary. */
void hb__energy_mark(hb__energy *E) {
    if (!E) return;
    for (size_t i = 0; i < E->nm; i++)
        if (E->ms[i].m->cheap) read_meter(&E->ms[i]);
}

/* The same, for per-repetition windows, except for a meter whose newest reading is younger than
   its own update period (`resolution`: RAPL ~1 ms, NVML's energy counter ~100 ms; a power meter
   updating every second, like NVML's power reading, is in effect left to its sampler): such a
   reading adds nothing to the interpolation at the boundary, and a repetition of a few
   microseconds with a window of its own (latency, transfer) would otherwise read the meter
   twice per repetition: on the H100 VM that made a 10 µs launch cost 7 ms. Span windows (two
   boundaries per measurement) keep hb__energy_mark. */
void hb__energy_mark_if_stale(hb__energy *E) {
    if (!E) return;
    double now = hb__now();
    for (size_t i = 0; i < E->nm; i++) {
        mstate *st = &E->ms[i];
        if (!st->m->cheap) continue;
        pthread_mutex_lock(&st->mu);
        int fresh = st->s.n && now - st->s.t[st->s.n - 1] < st->m->resolution;
        pthread_mutex_unlock(&st->mu);
        if (!fresh) read_meter(st);
    }
}

void hb__energy_add_window(hb__energy *E, double t0, double t1, int reps) {
    if (!E) return;
    if (E->nw == E->capw) {
        size_t cap = E->capw ? 2 * E->capw : 64;
        window *w = realloc(E->win, cap * sizeof *w);
        if (!w) return;
        E->win = w, E->capw = cap;
    }
    E->win[E->nw++] = (window){t0, t1, reps};
}

/* Waits until every meter has a reading after time b (slow meters: ≤ 2 intervals + 0.5 s). */
static void wait_past(hb__energy *E, double b) {
    for (size_t i = 0; i < E->nm; i++) {
        mstate *st = &E->ms[i];
        double limit = hb__now() + 2.0 * st->m->interval + 0.5;
        for (;;) {
            pthread_mutex_lock(&st->mu);
            int ok = st->s.n && st->s.t[st->s.n - 1] >= b;
            pthread_mutex_unlock(&st->mu);
            if (ok || hb__now() > limit || !st->th_started || stopping(E)) break;
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
}

/* Energy of a series over all windows; 0 or -1 (no bracket). */
static int series_windows(hb__meter_kind kind, const double *t, const double *v, size_t n,
                          const window *w, size_t nw, double *joules) {
    double sum = 0.0;
    for (size_t i = 0; i < nw; i++) {
        double j;
        int rc = kind == HB_METER_ENERGY ? hb__series_energy_counter(t, v, n, w[i].a, w[i].b, &j)
                                         : hb__series_energy_power(t, v, n, w[i].a, w[i].b, &j);
        if (rc != 0) return -1;
        sum += j;
    }
    *joules = sum;
    return 0;
}

/* Readings that entered the figure: those inside [a, b] plus the one on each side that
   brackets it (a counter's marks sit microseconds outside the window). */
static size_t samples_within(const double *t, size_t n, double a, double b) {
    if (n == 0) return 0;
    size_t first = 0, last = n;
    for (size_t i = 0; i < n; i++) {
        if (t[i] <= a) first = i; /* the last reading at or before a */
        if (t[i] >= b) {
            last = i; /* the first reading at or after b */
            break;
        }
    }
    if (last == n) last = n - 1;
    return last >= first ? last - first + 1 : 0;
}

static void per_op_unit(const char *rate_unit, char *out, size_t n) {
    /* "GFLOP/s" → "GFLOP/J" */
    snprintf(out, n, "%s", rate_unit);
    size_t l = strlen(out);
    if (l >= 2 && out[l - 2] == '/' && out[l - 1] == 's') out[l - 1] = 'J';
}

typedef struct figure {
    double joules; /* NAN = none */
    int uncertain;
    char reason[320];
} figure;

static json_t *figure_json(const char *name, const char *source, hb__meter_scope scope, int in_band,
                           double interval, int covers, const figure *f, double seconds, double ops,
                           const char *unit, size_t nsamples) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "source", json_string(source));
    json_object_set_new(o, "scope", json_string(hb__meter_scope_name(scope)));
    json_object_set_new(o, "in_band", json_boolean(in_band));
    json_object_set_new(o, "sampling_interval", interval > 0 ? json_real(interval) : json_null());
    json_object_set_new(o, "covers_device", json_boolean(covers));
    int have = isfinite(f->joules);
    json_object_set_new(o, "joules", have ? json_real(f->joules) : json_null());
    json_object_set_new(o, "average_watts",
                        have && seconds > 0 ? json_real(f->joules / seconds) : json_null());
    json_object_set_new(o, "ops_per_joule",
                        have && f->joules > 0 && isfinite(ops / f->joules)
                            ? json_real(ops / f->joules * 1e-9)
                            : json_null());
    json_object_set_new(o, "ops_per_joule_unit", json_string(unit));
    json_object_set_new(o, "samples", json_integer((json_int_t)nsamples));
    json_object_set_new(o, "uncertain", json_boolean(f->uncertain));
    json_object_set_new(o, "reason", json_string(f->reason));
    return o;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_window(const window *w, size_t nw) {
    if (nw == 0) return 0.0;
    double *d = malloc(nw * sizeof *d);
    if (!d) return w[0].b - w[0].a;
    for (size_t i = 0; i < nw; i++) d[i] = w[i].b - w[i].a;
    qsort(d, nw, sizeof *d, cmp_double);
    double m = nw % 2 ? d[nw / 2] : 0.5 * (d[nw / 2 - 1] + d[nw / 2]);
    free(d);
    return m;
}

static void meter_figure(mstate *st, const window *w, size_t nw, double seconds, figure *f,
                         size_t *nsamples) {
    f->joules = NAN;
    f->uncertain = 0;
    f->reason[0] = '\0';
    pthread_mutex_lock(&st->mu);
    *nsamples = nw ? samples_within(st->s.t, st->s.n, w[0].a, w[nw - 1].b) : 0;
    /* a failed reading matters when it falls between the readings that bracket the windows
       (it may hide a reset or leave a hole); failures before or after them do not */
    int touching = st->fail_overflow;
    if (nw && st->s.n) {
        double lo = -INFINITY, hi = INFINITY;
        for (size_t i = 0; i < st->s.n; i++) {
            if (st->s.t[i] <= w[0].a) lo = st->s.t[i];
            if (st->s.t[i] >= w[nw - 1].b) {
                hi = st->s.t[i];
                break;
            }
        }
        for (int i = 0; i < st->failures && i < (int)(sizeof st->fail_t / sizeof st->fail_t[0]);
             i++)
            if (st->fail_t[i] > lo && st->fail_t[i] < hi) touching = 1;
    } else if (st->failures)
        touching = 1;
    if (touching)
        snprintf(f->reason, sizeof f->reason, "%d reading(s) failed during the measurement: %s",
                 st->failures, st->last_err);
    else if (st->overflow)
        snprintf(f->reason, sizeof f->reason, "too many readings to keep (more than %u): no figure",
                 MAX_SAMPLES);
    else if (series_windows(st->m->kind, st->s.t, st->s.v, st->s.n, w, nw, &f->joules) != 0) {
        f->joules = NAN;
        snprintf(f->reason, sizeof f->reason,
                 "the meter has no reading on both sides of the timed window");
    } else if (f->joules < 0) {
        snprintf(f->reason, sizeof f->reason,
                 "the energy counter went backwards (%.6g J): counter reset?", f->joules);
        f->joules = NAN;
    }
    pthread_mutex_unlock(&st->mu);
    if (f->reason[0]) return;
    if (!isfinite(f->joules)) {
        snprintf(f->reason, sizeof f->reason,
                 "the figure is not a finite number (a broken sensor?)");
        f->joules = NAN;
        return;
    }
    if (f->joules == 0.0 && seconds > 0) {
        /* no device draws nothing: a counter that never moves (some VMs expose a frozen
           energy_uj) or a power file that reads 0 is not a measurement of zero */
        if (st->m->kind == HB_METER_ENERGY && seconds < 2.0 * st->m->resolution)
            snprintf(f->reason, sizeof f->reason,
                     "the counter did not change in the %.3g s window, shorter than its %.3g s "
                     "update period",
                     seconds, st->m->resolution);
        else
            snprintf(f->reason, sizeof f->reason,
                     "the meter did not move over %.3g s (%s): a frozen or virtualised sensor",
                     seconds,
                     st->m->kind == HB_METER_ENERGY ? "counter unchanged" : "0 W throughout");
        f->joules = NAN;
        return;
    }
    if (seconds < st->m->min_window) {
        f->uncertain = 1;
        snprintf(f->reason, sizeof f->reason,
                 "uncertain: the timed window (%.3g s) is shorter than the %.3g s this meter needs "
                 "(it updates every %.3g s)",
                 seconds, st->m->min_window, st->m->resolution);
        return;
    }
    /* per-repetition windows: each one is quantised by the source's update period (counters)
       or interpolated between samples (power) — fine when the windows are long against it */
    double med = median_window(w, nw);
    double grain = st->m->kind == HB_METER_ENERGY ? 20.0 * st->m->resolution : st->m->interval;
    if (nw > 1 && med < grain) {
        f->uncertain = 1;
        snprintf(f->reason, sizeof f->reason,
                 "uncertain: the %zu per-repetition windows (median %.3g s) are short against "
                 "this meter's %s (%.3g s)",
                 nw, med,
                 st->m->kind == HB_METER_ENERGY ? "update period (x20)" : "sampling interval",
                 grain);
    }
}

static size_t samples_inside(const double *t, size_t n, double a, double b) {
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += t[i] > a && t[i] < b;
    return c;
}

static void log_figure(hb__energy *E, const window *w, size_t nw, double seconds, figure *f,
                       size_t *nsamples) {
    f->joules = NAN;
    f->uncertain = 0;
    f->reason[0] = '\0';
    *nsamples = 0;
    if (nw == 0) {
        snprintf(f->reason, sizeof f->reason, "no timed window");
        return;
    }
    /* windows in the log's clock: unix time minus the log clock's offset */
    double shift = E->mono_to_unix - E->log_offset;
    double b_log = w[nw - 1].b + shift;
    hb__power_log log = {0};
    hb__power_log_skips skips;
    char err[256];
    double limit = hb__now() + 5.0;
    /* the logger may still be writing: wait (≤ 5 s) for the log to pass the window's end */
    for (;;) {
        hb__power_log_free(&log);
        if (hb__power_log_load_live(E->log_path, &log, 1, &skips, err, sizeof err) != 0) {
            snprintf(f->reason, sizeof f->reason, "external log unreadable now: %s", err);
            hb__power_log_free(&log);
            return;
        }
        if (log.n && log.t[log.n - 1] >= b_log) break;
        if (hb__now() > limit || stopping(E)) break;
        struct timespec ts = {0, 250 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    window *lw = malloc(nw * sizeof *lw);
    if (!lw) {
        hb__power_log_free(&log);
        snprintf(f->reason, sizeof f->reason, "out of memory");
        return;
    }
    for (size_t i = 0; i < nw; i++) lw[i] = (window){w[i].a + shift, w[i].b + shift, w[i].reps};
    *nsamples = samples_within(log.t, log.n, lw[0].a, lw[nw - 1].b);
    size_t inside = samples_inside(log.t, log.n, lw[0].a, lw[nw - 1].b);
    if (series_windows(HB_METER_POWER, log.t, log.w, log.n, lw, nw, &f->joules) != 0) {
        f->joules = NAN;
        snprintf(f->reason, sizeof f->reason,
                 "the log (%zu samples, %.3f .. %.3f) does not cover the window %.3f .. %.3f "
                 "(Unix seconds, after the %+g s clock offset)",
                 log.n, log.n ? log.t[0] : 0.0, log.n ? log.t[log.n - 1] : 0.0, lw[0].a,
                 lw[nw - 1].b, E->log_offset);
    } else if (!isfinite(f->joules)) {
        f->joules = NAN;
        snprintf(f->reason, sizeof f->reason, "the figure is not a finite number");
    } else if (f->joules == 0.0 && seconds > 0) {
        f->joules = NAN;
        snprintf(f->reason, sizeof f->reason, "the log reads 0 W throughout the window");
    } else if (skips.count) {
        f->uncertain = 1;
        snprintf(f->reason, sizeof f->reason,
                 "uncertain: %zu malformed log line(s) skipped, the first: %.230s", skips.count,
                 skips.first);
    } else if (inside < 10) {
        f->uncertain = 1;
        snprintf(f->reason, sizeof f->reason,
                 "uncertain: %zu log samples inside the %.3g s window (EEHPC asks for >= 10)",
                 inside, seconds);
    }
    free(lw);
    hb__power_log_free(&log);
}

json_t *hb__energy_measure_end(hb__energy *E, double ops_per_run, const char *rate_unit,
                               double required_window) {
    json_t *o = json_object();
    char unit[32];
    per_op_unit(rate_unit, unit, sizeof unit);
    if (!E || E->nw == 0) {
        json_object_set_new(o, "joules", json_null());
        json_object_set_new(o, "reason",
                            json_string(E ? "no timed window" : "energy measurement off"));
        return o;
    }
    double seconds = 0.0;
    long long reps = 0;
    for (size_t i = 0; i < E->nw; i++) seconds += E->win[i].b - E->win[i].a, reps += E->win[i].reps;
    double ops = ops_per_run * (double)reps;
    wait_past(E, E->win[E->nw - 1].b);

    json_t *meters = json_array();
    json_t *best = NULL;
    int best_rank = 99;
    for (size_t i = 0; i < E->nm; i++) {
        mstate *st = &E->ms[i];
        figure f;
        size_t ns;
        meter_figure(st, E->win, E->nw, seconds, &f, &ns);
        json_t *mj = figure_json(st->m->name, st->m->source, st->m->scope, st->m->in_band,
                                 st->m->interval, st->covers != 0, &f, seconds, ops, unit, ns);
        json_array_append_new(meters, mj);
        if (st->covers && st->covers <= 4 && isfinite(f.joules) && st->covers < best_rank)
            best = mj, best_rank = st->covers;
    }
    if (E->log_path) {
        figure f;
        size_t ns;
        log_figure(E, E->win, E->nw, seconds, &f, &ns);
        json_t *mj = figure_json("external-log", "external-log", E->log_scope, 0, 0.0,
                                 E->log_covers != 0, &f, seconds, ops, unit, ns);
        json_array_append_new(meters, mj);
        /* a calibrated external meter wins over an in-band sensor of the same scope */
        if (E->log_covers && E->log_covers <= 4 && isfinite(f.joules) && E->log_covers <= best_rank)
            best = mj, best_rank = E->log_covers;
    }

    if (best) {
        json_object_set(o, "joules", json_object_get(best, "joules"));
        json_object_set(o, "average_watts", json_object_get(best, "average_watts"));
        json_object_set(o, "ops_per_joule", json_object_get(best, "ops_per_joule"));
        json_object_set_new(o, "ops_per_joule_unit", json_string(unit));
        json_object_set(o, "meter", json_object_get(best, "name"));
        json_object_set(o, "scope", json_object_get(best, "scope"));
        json_object_set(o, "in_band", json_object_get(best, "in_band"));
        json_object_set(o, "uncertain", json_object_get(best, "uncertain"));
        json_object_set(o, "reason", json_object_get(best, "reason"));
    } else {
        json_object_set_new(o, "joules", json_null());
        char why[1024];
        size_t used =
            (size_t)snprintf(why, sizeof why, "no meter covering %s gave a figure", E->dev_id);
        int any = 0;
        for (size_t i = 0; i < json_array_size(meters) && used < sizeof why; i++) {
            json_t *mj = json_array_get(meters, i);
            if (!json_is_true(json_object_get(mj, "covers_device"))) continue;
            used += (size_t)snprintf(why + used, sizeof why - used, "%s %s: %s", any ? ";" : ":",
                                     json_string_value(json_object_get(mj, "name")),
                                     json_string_value(json_object_get(mj, "reason")));
            any = 1;
        }
        if (!any && used < sizeof why) {
            used += (size_t)snprintf(why + used, sizeof why - used,
                                     ": no meter on this machine covers it");
            for (size_t i = 0; i < E->list.nu && used < sizeof why; i++)
                used += (size_t)snprintf(why + used, sizeof why - used, "; %s: %s",
                                         E->list.unavail[i].name, E->list.unavail[i].reason);
        }
        json_object_set_new(o, "reason", json_string(why));
    }
    json_t *win = json_object();
    json_object_set_new(win, "kind", json_string(E->nw == 1 ? "span" : "per-repetition"));
    json_object_set_new(win, "seconds", json_real(seconds));
    json_object_set_new(win, "repetitions", json_integer(reps));
    json_object_set_new(win, "windows", json_integer((json_int_t)E->nw));
    json_object_set_new(win, "start_unix", json_real(E->win[0].a + E->mono_to_unix));
    json_object_set_new(win, "end_unix", json_real(E->win[E->nw - 1].b + E->mono_to_unix));
    json_object_set_new(win, "needed_seconds", json_real(required_window));
    json_object_set_new(o, "window", win);
    json_object_set_new(o, "meters", meters);
    return o;
}

json_t *hb__energy_idle(hb__energy *E, double seconds) {
    json_t *o = json_object();
    json_object_set_new(o, "seconds", json_real(seconds));
    json_t *arr = json_array();
    for (size_t i = 0; i < E->nm; i++) trim(&E->ms[i]);
    hb__energy_mark(E);
    double a = hb__now();
    while (hb__now() - a < seconds && !stopping(E)) {
        struct timespec ts = {0, 50 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    double b = hb__now();
    hb__energy_mark(E);
    window w = {a, b, 0};
    E->nw = 0;
    hb__energy_add_window(E, a, b, 0);
    wait_past(E, b);
    for (size_t i = 0; i < E->nm; i++) {
        figure f;
        size_t ns;
        meter_figure(&E->ms[i], &w, 1, b - a, &f, &ns);
        json_t *m = json_object();
        json_object_set_new(m, "name", json_string(E->ms[i].m->name));
        json_object_set_new(m, "scope", json_string(hb__meter_scope_name(E->ms[i].m->scope)));
        json_object_set_new(m, "watts",
                            isfinite(f.joules) ? json_real(f.joules / (b - a)) : json_null());
        json_object_set_new(m, "samples", json_integer((json_int_t)ns));
        json_object_set_new(m, "uncertain", json_boolean(f.uncertain));
        json_object_set_new(m, "reason", json_string(f.reason));
        json_array_append_new(arr, m);
    }
    if (E->log_path) {
        figure f;
        size_t ns;
        log_figure(E, &w, 1, b - a, &f, &ns);
        json_t *m = json_object();
        json_object_set_new(m, "name", json_string("external-log"));
        json_object_set_new(m, "scope", json_string(hb__meter_scope_name(E->log_scope)));
        json_object_set_new(m, "watts",
                            isfinite(f.joules) ? json_real(f.joules / (b - a)) : json_null());
        json_object_set_new(m, "samples", json_integer((json_int_t)ns));
        json_object_set_new(m, "uncertain", json_boolean(f.uncertain));
        json_object_set_new(m, "reason", json_string(f.reason));
        json_array_append_new(arr, m);
    }
    E->nw = 0;
    json_object_set_new(o, "meters", arr);
    return o;
}
