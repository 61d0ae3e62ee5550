/* Unit tests: the window arithmetic (hand-computed values) and the energy session (sampler
 * threads, marks, windows, headline choice, uncertain and failed meters, external logs aligned
 * to the run's clock) with synthetic meters whose true energy is known exactly. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hb_test.h"

#include "energy.h"
#include "internal.h"

/* ---- arithmetic ---- */
static void test_counter_interpolation(void **state) {
    (void)state;
    const double t[] = {0, 1, 2, 3}, e[] = {0, 10, 30, 60};
    double j;
    assert_int_equal(hb__series_energy_counter(t, e, 4, 1, 2, &j), 0);
    assert_double_equal(j, 20, 0);
    /* E(2.5) = 45, E(0.5) = 5 */
    assert_int_equal(hb__series_energy_counter(t, e, 4, 0.5, 2.5, &j), 0);
    assert_double_equal(j, 40, 1e-12);
    assert_int_equal(hb__series_energy_counter(t, e, 4, 0, 3, &j), 0);
    assert_double_equal(j, 60, 0);
    /* not bracketed: no figure, never an extrapolation */
    assert_int_equal(hb__series_energy_counter(t, e, 4, -0.1, 2, &j), -1);
    assert_int_equal(hb__series_energy_counter(t, e, 4, 1, 3.1, &j), -1);
    assert_int_equal(hb__series_energy_counter(t, e, 0, 0, 0, &j), -1);
}

static void test_power_trapezoid(void **state) {
    (void)state;
    const double t[] = {0, 1, 2}, w[] = {100, 200, 100};
    double j;
    assert_int_equal(hb__series_energy_power(t, w, 3, 0, 2, &j), 0);
    assert_double_equal(j, 300, 1e-12); /* 150 + 150 */
    /* P(0.5) = 150, P(1) = 200, P(1.5) = 150: 0.5*(150+200)/2 * 2 */
    assert_int_equal(hb__series_energy_power(t, w, 3, 0.5, 1.5, &j), 0);
    assert_double_equal(j, 175, 1e-12);
    /* inside one interval: P(0.25) = 125, P(0.75) = 175 */
    assert_int_equal(hb__series_energy_power(t, w, 3, 0.25, 0.75, &j), 0);
    assert_double_equal(j, 75, 1e-12);
    /* a window ending exactly on a sample */
    assert_int_equal(hb__series_energy_power(t, w, 3, 0.5, 1, &j), 0);
    assert_double_equal(j, 87.5, 1e-12);
    assert_int_equal(hb__series_energy_power(t, w, 3, 1, 1, &j), 0);
    assert_double_equal(j, 0, 0);
    assert_int_equal(hb__series_energy_power(t, w, 3, 1.5, 2.5, &j), -1);
    /* uneven spacing: t = 0, 0.1, 1.1 (P 10, 30, 30): 0.1*20 + 1.0*30 = 32 */
    const double t2[] = {0, 0.1, 1.1}, w2[] = {10, 30, 30};
    assert_int_equal(hb__series_energy_power(t2, w2, 3, 0, 1.1, &j), 0);
    assert_double_equal(j, 32, 1e-12);
}

/* ---- synthetic meters ---- */
typedef struct synth {
    double watts;   /* true power */
    int fail_after; /* reads before failing (-1 never) */
    int reads;
} synth;

static int synth_energy_read(hb__meter *m, double *v, char *err, size_t n) {
    synth *s = m->priv;
    if (s->fail_after >= 0 && s->reads++ >= s->fail_after) {
        snprintf(err, n, "synthetic sensor lost");
        return -1;
    }
    *v = s->watts * hb__now(); /* exactly linear: interpolation is exact */
    return 0;
}

static int synth_power_read(hb__meter *m, double *v, char *err, size_t n) {
    (void)err, (void)n;
    *v = ((synth *)m->priv)->watts;
    return 0;
}

static void synth_close(hb__meter *m) {
    free(m->priv);
}

static const hb__meter_ops k_energy_ops = {synth_energy_read, synth_close};
static const hb__meter_ops k_power_ops = {synth_power_read, synth_close};

static hb__meter *synth_meter(const char *name, hb__meter_scope scope, hb__meter_kind kind,
                              double watts, double interval, double min_window, int cheap,
                              const char *pci, int fail_after) {
    hb__meter *m = hb__meter_new();
    synth *s = calloc(1, sizeof *s);
    s->watts = watts;
    s->fail_after = fail_after;
    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(m->source, sizeof m->source, "synthetic");
    m->scope = scope;
    m->kind = kind;
    m->in_band = 1;
    m->interval = interval;
    m->resolution = interval;
    m->min_window = min_window;
    m->cheap = cheap;
    if (pci) snprintf(m->pci_bus_id, sizeof m->pci_bus_id, "%s", pci);
    m->ops = kind == HB_METER_ENERGY ? &k_energy_ops : &k_power_ops;
    m->priv = s;
    return m;
}

static hb_platform k_cpu_platform = {.name = "cpu"};
static hb_platform k_gpu_platform = {.name = "fakegpu"};

static hb_device make_dev(const hb_platform *p, const char *id, const char *pci) {
    hb_device d;
    memset(&d, 0, sizeof d);
    d.platform = p;
    snprintf(d.info.id, sizeof d.info.id, "%s", id);
    snprintf(d.info.type, sizeof d.info.type, "%s", p == &k_cpu_platform ? "cpu" : "gpu");
    if (pci) {
        snprintf(d.info.props[0].key, sizeof d.info.props[0].key, "pci_bus_id");
        snprintf(d.info.props[0].value, sizeof d.info.props[0].value, "%s", pci);
        d.info.nprops = 1;
    }
    return d;
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static hb__energy *make_energy(hb__meter_list *extra, const char *log) {
    hb__energy_config c = {.sources = "none", .extra = extra, .meter_log = log};
    hb__energy *E = NULL;
    char err[512] = "";
    assert_int_equal(hb__energy_create(&c, &E, err, sizeof err), HB_OK);
    return E;
}

static json_t *meter_in(json_t *energy, const char *name) {
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(energy, "meters"), i,
                       m) if (strcmp(json_string_value(json_object_get(m, "name")), name) ==
                              0) return m;
    fail_msg("meter %s not in the record", name);
    return NULL;
}

static double num(json_t *o, const char *k) {
    return json_number_value(json_object_get(o, k));
}

/* Boundary marks: hb__energy_mark always reads a cheap meter; hb__energy_mark_if_stale (the
   per-repetition windows) skips one whose newest reading is younger than its update period, so
   that microsecond repetitions do not read a slow sensor twice each. */
static void test_mark_if_stale(void **state) {
    (void)state;
    hb__meter_list extra = {0};
    /* update period and sampling interval 10 s: the sampler's second reading comes long after
       the test, however loaded the machine */
    hb__meter *m = synth_meter("ctr", HB_SCOPE_ACCEL_BOARD, HB_METER_ENERGY, 100.0, 10.0, 10.0, 1,
                               "0000:17:00.0", 1000000000); /* counts its reads */
    synth *s = m->priv;
    hb__meter_list_add(&extra, m);
    hb__energy *E = make_energy(&extra, NULL);
    hb_device gpu = make_dev(&k_gpu_platform, "fakegpu:0", "0000:17:00.0");
    sleep_s(0.05); /* the sampler's first reading */
    hb__energy_measure_begin(E, &gpu);
    int r0 = s->reads;
    assert_true(r0 >= 1);
    for (int i = 0; i < 100; i++) hb__energy_mark_if_stale(E);
    assert_int_equal(s->reads, r0); /* all fresh: the newest reading is < 10 s old */
    for (int i = 0; i < 5; i++) hb__energy_mark(E);
    assert_int_equal(s->reads, r0 + 5);
    hb__energy_destroy(E);
}

static void test_session_cpu(void **state) {
    (void)state;
    hb__meter_list extra = {0};
    hb__meter_list_add(&extra, synth_meter("pkg", HB_SCOPE_CPU_PACKAGE, HB_METER_ENERGY, 50.0, 0.05,
                                           0.01, 1, NULL, -1));
    hb__meter_list_add(&extra, synth_meter("node", HB_SCOPE_NODE_AC, HB_METER_POWER, 80.0, 0.02,
                                           0.05, 0, NULL, -1));
    hb__meter_list_add(&extra, synth_meter("gpu", HB_SCOPE_ACCEL_BOARD, HB_METER_ENERGY, 300.0,
                                           0.05, 0.01, 1, "0000:17:00.0", -1));
    hb__energy *E = make_energy(&extra, NULL);
    assert_int_equal(hb__energy_meter_count(E), 3);
    hb_device cpu = make_dev(&k_cpu_platform, "cpu:0", NULL);
    sleep_s(0.05); /* the sampler threads take their first readings */
    hb__energy_measure_begin(E, &cpu);
    assert_double_equal(hb__energy_needed_window(E, 10.0), 0.05, 0);
    assert_double_equal(hb__energy_needed_window(E, 0.02), 0.02, 0);
    /* two windows with a gap between them (a reset): only the windows count */
    double total = 0;
    for (int w = 0; w < 2; w++) {
        hb__energy_mark(E);
        double a = hb__now();
        sleep_s(0.1);
        double b = hb__now();
        hb__energy_mark(E);
        hb__energy_add_window(E, a, b, 3);
        total += b - a;
        sleep_s(0.05);
    }
    json_t *en = hb__energy_measure_end(E, 2e9, "GFLOP/s", 0.05);
    /* headline: the package meter (narrowest scope covering the CPU) */
    assert_string_equal(json_string_value(json_object_get(en, "meter")), "pkg");
    assert_double_equal(num(en, "joules"), 50.0 * total, 1e-4 * 50.0 * total);
    assert_double_equal(num(en, "average_watts"), 50.0, 5e-3); /* reading takes µs */
    /* 6 runs of 2 GFLOP */
    assert_double_equal(num(en, "ops_per_joule"), 12.0 / (50.0 * total),
                        1e-4 * 12.0 / (50.0 * total));
    assert_string_equal(json_string_value(json_object_get(en, "ops_per_joule_unit")), "GFLOP/J");
    json_t *win = json_object_get(en, "window");
    assert_string_equal(json_string_value(json_object_get(win, "kind")), "per-repetition");
    assert_int_equal(json_integer_value(json_object_get(win, "repetitions")), 6);
    assert_double_equal(num(win, "seconds"), total, 1e-12);
    /* the node meter integrates its constant 80 W */
    json_t *node = meter_in(en, "node");
    assert_true(json_is_true(json_object_get(node, "covers_device")));
    assert_double_equal(num(node, "joules"), 80.0 * total, 1e-6 * 80.0 * total);
    assert_true(json_integer_value(json_object_get(node, "samples")) >= 5);
    /* per-repetition windows of 0.1 s: long against the node meter's 0.02 s sampling, short
       against 20 x the package counter's 0.05 s update period */
    assert_false(json_is_true(json_object_get(node, "uncertain")));
    assert_true(json_is_true(json_object_get(en, "uncertain")));
    assert_contains(json_string_value(json_object_get(en, "reason")), "per-repetition windows");
    /* the GPU board does not cover the CPU, but its figure is recorded */
    json_t *gpu = meter_in(en, "gpu");
    assert_false(json_is_true(json_object_get(gpu, "covers_device")));
    assert_double_equal(num(gpu, "joules"), 300.0 * total, 1e-4 * 300.0 * total);
    json_decref(en);

    /* an accelerator with the board's PCI id: the board meter is the headline */
    hb_device gpu_dev = make_dev(&k_gpu_platform, "fakegpu:0", "0000:17:00.0");
    hb__energy_measure_begin(E, &gpu_dev);
    hb__energy_mark(E);
    double a = hb__now();
    sleep_s(0.06);
    double b = hb__now();
    hb__energy_mark(E);
    hb__energy_add_window(E, a, b, 10);
    en = hb__energy_measure_end(E, 1e9, "GB/s", 0);
    assert_string_equal(json_string_value(json_object_get(en, "meter")), "gpu");
    assert_string_equal(json_string_value(json_object_get(en, "ops_per_joule_unit")), "GB/J");
    assert_false(json_is_true(json_object_get(meter_in(en, "pkg"), "covers_device")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(en, "window"), "kind")),
                        "span");
    json_decref(en);

    /* another accelerator: only the node meter covers it */
    hb_device other = make_dev(&k_gpu_platform, "fakegpu:1", "0000:65:00.0");
    hb__energy_measure_begin(E, &other);
    hb__energy_mark(E);
    a = hb__now();
    sleep_s(0.06);
    b = hb__now();
    hb__energy_mark(E);
    hb__energy_add_window(E, a, b, 1);
    en = hb__energy_measure_end(E, 1e9, "GFLOP/s", 0);
    assert_string_equal(json_string_value(json_object_get(en, "meter")), "node");
    json_decref(en);

    json_t *idle = hb__energy_idle(E, 0.1);
    json_t *im = json_array_get(json_object_get(idle, "meters"), 0);
    assert_double_equal(num(im, "watts"), 50.0, 5e-3);
    json_decref(idle);
    hb__energy_destroy(E);
}

static void test_session_uncertain_and_failed(void **state) {
    (void)state;
    hb__meter_list extra = {0};
    /* needs 5 s windows; the windows here are 0.05 s */
    hb__meter_list_add(&extra, synth_meter("slow", HB_SCOPE_CPU_PACKAGE, HB_METER_ENERGY, 10.0,
                                           0.05, 5.0, 1, NULL, -1));
    /* fails after a few readings */
    hb__meter_list_add(
        &extra, synth_meter("lost", HB_SCOPE_PSYS, HB_METER_ENERGY, 10.0, 0.02, 0.01, 1, NULL, 2));
    hb__energy *E = make_energy(&extra, NULL);
    hb_device cpu = make_dev(&k_cpu_platform, "cpu:0", NULL);
    sleep_s(0.1);
    hb__energy_measure_begin(E, &cpu);
    assert_double_equal(hb__energy_needed_window(E, 1.0), 1.0, 0);
    hb__energy_mark(E);
    double a = hb__now();
    sleep_s(0.05);
    double b = hb__now();
    hb__energy_mark(E);
    hb__energy_add_window(E, a, b, 1);
    json_t *en = hb__energy_measure_end(E, 1e9, "GFLOP/s", 1.0);
    assert_string_equal(json_string_value(json_object_get(en, "meter")), "slow");
    assert_true(json_is_true(json_object_get(en, "uncertain")));
    assert_contains(json_string_value(json_object_get(en, "reason")), "shorter than the 5 s");
    json_t *lost = meter_in(en, "lost");
    assert_true(json_is_null(json_object_get(lost, "joules")));
    assert_contains(json_string_value(json_object_get(lost, "reason")), "synthetic sensor lost");
    json_decref(en);
    hb__energy_destroy(E);
}

static void test_no_meters_reason(void **state) {
    (void)state;
    hb__energy *E = make_energy(NULL, NULL);
    hb_device cpu = make_dev(&k_cpu_platform, "cpu:0", NULL);
    hb__energy_measure_begin(E, &cpu);
    double a = hb__now();
    hb__energy_add_window(E, a, a + 0.01, 1);
    json_t *en = hb__energy_measure_end(E, 1e9, "GFLOP/s", 0);
    assert_true(json_is_null(json_object_get(en, "joules")));
    assert_contains(json_string_value(json_object_get(en, "reason")),
                    "no meter on this machine covers it");
    assert_contains(json_string_value(json_object_get(en, "reason")), "--meters none");
    json_decref(en);
    hb__energy_destroy(E);
}

/* An external log written in the meter's own clock, one hour ahead of this machine's, with a
   ramp: 100 W at t0 rising 10 W/s. The window [t0+1, t0+3] holds 2 s at an average of
   120 W = 240 J (hand-computed: P(1) = 110, P(3) = 130). */
static void test_external_log_alignment(void **state) {
    (void)state;
    char path[] = "/tmp/hb-energy-log-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    struct timespec rt, mt;
    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mt);
    double unix_now = (double)rt.tv_sec + 1e-9 * rt.tv_nsec;
    double mono_now = (double)mt.tv_sec + 1e-9 * mt.tv_nsec;
    double t0 = unix_now - 10.0; /* the log starts 10 s ago */
    fprintf(f, "time,watts\n");
    for (int i = 0; i <= 40; i++) /* every 0.5 s for 20 s */
        fprintf(f, "%.3f,%.3f\n", t0 + 3600.0 + 0.5 * i, 100.0 + 10.0 * 0.5 * i);
    fclose(f);
    hb__energy_config c = {.sources = "none", .meter_log = path, .meter_log_offset = -3600.0};
    hb__energy *E = NULL;
    char err[512] = "";
    assert_int_equal(hb__energy_create(&c, &E, err, sizeof err), HB_OK);
    hb_device cpu = make_dev(&k_cpu_platform, "cpu:0", NULL);
    hb__energy_measure_begin(E, &cpu);
    /* the window in this machine's monotonic clock: t0 + 1 .. t0 + 3 in Unix time */
    double a = mono_now - 10.0 + 1.0, b = mono_now - 10.0 + 3.0;
    hb__energy_add_window(E, a, b, 4);
    json_t *en = hb__energy_measure_end(E, 1e9, "GFLOP/s", 0);
    assert_string_equal(json_string_value(json_object_get(en, "meter")), "external-log");
    assert_false(json_is_true(json_object_get(en, "in_band")));
    /* the two clocks were read microseconds apart: allow 1 ms of ramp (0.01 W·s) */
    assert_double_equal(num(en, "joules"), 240.0, 0.05);
    assert_double_equal(num(en, "average_watts"), 120.0, 0.05);
    json_t *lm = meter_in(en, "external-log");
    /* t0+1 .. t0+3 every 0.5 s, and the bracketing readings when the ends fall between */
    json_int_t ns = json_integer_value(json_object_get(lm, "samples"));
    assert_true(ns >= 5 && ns <= 7);
    assert_true(json_is_true(json_object_get(lm, "uncertain"))); /* < 10 samples */
    json_decref(en);
    hb__energy_destroy(E);

    /* a malformed log is bad input before anything runs: the message names file and line */
    f = fopen(path, "w");
    fprintf(f, "time,watts\n%.3f,100\n%.3f,lots\n", unix_now, unix_now + 1);
    fclose(f);
    E = NULL;
    assert_int_equal(hb__energy_create(&c, &E, err, sizeof err), HB_E_INVALID);
    assert_null(E);
    assert_contains(err, path);
    assert_contains(err, ":3:");
    assert_contains(err, "watts");
    unlink(path);
}

static void test_check_sources(void **state) {
    (void)state;
    char err[256] = "";
    assert_int_equal(hb__energy_check_sources("powercap,nvml", err, sizeof err), 0);
    assert_int_equal(hb__energy_check_sources("none", err, sizeof err), 0);
    assert_int_equal(hb__energy_check_sources("powercap,rapl", err, sizeof err), -1);
    assert_contains(err, "'rapl'");
}

/* Review findings, each pinned: a frozen counter is no measurement of zero; a reading that
   fails after the window does not void it; a CPU-type device of another platform is covered by
   the package meters; a DRAM-scope external log is never the headline. */
static void test_frozen_failed_after_and_coverage(void **state) {
    (void)state;
    hb__meter_list extra = {0};
    hb__meter_list_add(&extra, synth_meter("frozen", HB_SCOPE_CPU_PACKAGE, HB_METER_ENERGY, 0.0,
                                           0.05, 0.01, 1, NULL, -1));
    hb__meter_list_add(&extra, synth_meter("zero-node", HB_SCOPE_NODE_AC, HB_METER_POWER, 0.0, 0.02,
                                           0.01, 0, NULL, -1));
    /* fails from its 4th reading on: the creation wait, 2 marks ... then failures only after
       the window */
    hb__meter_list_add(
        &extra, synth_meter("psys", HB_SCOPE_PSYS, HB_METER_ENERGY, 20.0, 5.0, 0.01, 1, NULL, 3));
    hb__energy *E = make_energy(&extra, NULL);
    static hb_platform pocl = {.name = "pocl"};
    hb_device d = make_dev(&pocl, "opencl:0.0", NULL);
    snprintf(d.info.type, sizeof d.info.type, "cpu");
    hb__energy_measure_begin(E, &d);
    hb__energy_mark(E);
    double a = hb__now();
    sleep_s(0.1);
    double b = hb__now();
    hb__energy_mark(E);
    hb__energy_add_window(E, a, b, 1);
    sleep_s(0.2);
    hb__energy_mark(E); /* fails: after the window */
    json_t *en = hb__energy_measure_end(E, 1e9, "GFLOP/s", 0);
    json_t *fz = meter_in(en, "frozen");
    assert_true(json_is_null(json_object_get(fz, "joules")));
    assert_contains(json_string_value(json_object_get(fz, "reason")), "did not move");
    json_t *zn = meter_in(en, "zero-node");
    assert_true(json_is_null(json_object_get(zn, "joules")));
    assert_contains(json_string_value(json_object_get(zn, "reason")), "0 W throughout");
    /* the PoCL-like CPU device: psys covers it and gives the headline */
    json_t *ps = meter_in(en, "psys");
    assert_string_equal(json_string_value(json_object_get(ps, "reason")), "");
    assert_non_null(json_object_get(en, "meter"));
    assert_string_equal(json_string_value(json_object_get(en, "meter")), "psys");
    assert_double_equal(num(en, "average_watts"), 20.0, 5e-3);
    json_decref(en);
    hb__energy_destroy(E);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_log_live_and_hostile(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-energy-logs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[512], err[512];
    hb__power_log log;
    hb__power_log_skips sk;
    /* a live log's unfinished last line is not a sample; a finished file keeps it */
    snprintf(p, sizeof p, "%s/live.csv", dir);
    write_file(p, "t,w\n1795700000,100\n1795700001,200\n1795700002,12");
    assert_int_equal(hb__power_log_load_live(p, &log, 1, &sk, err, sizeof err), 0);
    assert_int_equal(log.n, 2);
    hb__power_log_free(&log);
    assert_int_equal(hb__power_log_load(p, &log, err, sizeof err), 0);
    assert_int_equal(log.n, 3);
    hb__power_log_free(&log);
    /* live: a garbled line in the middle is skipped and counted */
    write_file(p, "t,w\n1795700000,100\n17957#00001,2x0\n1795700002,120\n");
    assert_int_equal(hb__power_log_load_live(p, &log, 1, &sk, err, sizeof err), 0);
    assert_int_equal(log.n, 2);
    assert_int_equal(sk.count, 1);
    assert_contains(sk.first, ":3:");
    hb__power_log_free(&log);
    /* not at the start */
    assert_int_equal(hb__power_log_load(p, &log, err, sizeof err), -1);
    assert_contains(err, ":3:");
    /* absurd power is refused (no overflow to inf in the integrals) */
    write_file(p, "1795700000,1e308\n");
    assert_int_equal(hb__power_log_load(p, &log, err, sizeof err), -1);
    assert_contains(err, "implausible");
    /* devices and pipes are refused at once (no endless read, no blocking open) */
    assert_int_equal(hb__power_log_load("/dev/zero", &log, err, sizeof err), -1);
    assert_contains(err, "not a regular file");
    snprintf(p, sizeof p, "%s/fifo", dir);
    assert_int_equal(mkfifo(p, 0600), 0);
    assert_int_equal(hb__power_log_load(p, &log, err, sizeof err), -1);
    assert_contains(err, "not a regular file");
    unlink(p);
    /* a line far too long */
    snprintf(p, sizeof p, "%s/long.csv", dir);
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 5000; i++) fputc('1', f);
    fputs(",5\n", f);
    fclose(f);
    assert_int_equal(hb__power_log_load(p, &log, err, sizeof err), -1);
    assert_contains(err, "longer than");
    unlink(p);
    snprintf(p, sizeof p, "%s/live.csv", dir);
    unlink(p);
    rmdir(dir);
}

static void test_log_dram_scope_not_headline(void **state) {
    (void)state;
    char path[] = "/tmp/hb-energy-dram-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    double now = (double)rt.tv_sec + 1e-9 * rt.tv_nsec;
    for (int i = 0; i <= 40; i++) fprintf(f, "%.3f,30\n", now - 10.0 + 0.5 * i);
    fclose(f);
    hb__energy_config c = {.sources = "none", .meter_log = path, .meter_log_scope = "dram"};
    hb__energy *E = NULL;
    char err[512];
    assert_int_equal(hb__energy_create(&c, &E, err, sizeof err), HB_OK);
    hb_device cpu = make_dev(&k_cpu_platform, "cpu:0", NULL);
    hb__energy_measure_begin(E, &cpu);
    double a = hb__now() - 8.0;
    hb__energy_add_window(E, a, a + 6.0, 1);
    json_t *en = hb__energy_measure_end(E, 1e9, "GFLOP/s", 0);
    assert_true(json_is_null(json_object_get(en, "joules")));
    json_t *lm = meter_in(en, "external-log");
    assert_true(json_is_true(json_object_get(lm, "covers_device")));
    assert_double_equal(num(lm, "average_watts"), 30.0, 1e-9);
    /* 12 samples strictly inside 6 s at 2 Hz (11 or 12 by phase): not uncertain */
    assert_false(json_is_true(json_object_get(lm, "uncertain")));
    json_decref(en);
    hb__energy_destroy(E);
    unlink(path);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counter_interpolation),
        cmocka_unit_test(test_power_trapezoid),
        cmocka_unit_test(test_mark_if_stale),
        cmocka_unit_test(test_session_cpu),
        cmocka_unit_test(test_session_uncertain_and_failed),
        cmocka_unit_test(test_no_meters_reason),
        cmocka_unit_test(test_external_log_alignment),
        cmocka_unit_test(test_check_sources),
        cmocka_unit_test(test_frozen_failed_after_and_coverage),
        cmocka_unit_test(test_log_live_and_hostile),
        cmocka_unit_test(test_log_dram_scope_not_headline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
