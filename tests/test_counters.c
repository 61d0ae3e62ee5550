/* Unit tests: per-measurement counters (perf_event_open on this process's threads; libpfm4
 * event names when built with it). Software events must count everywhere; hardware events
 * either count or say why not (the build machines are VMs without a PMU).
 *
 * `test_counters force-pmu` runs the libpfm4 tests with an absent PMU forced active: the
 * LIBPFM_* variables are read once, by pfm_initialize, so they need a process of their own. */
#include <dirent.h>
#include <grp.h>
#include <jansson.h>
#include <omp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hb_test.h"

#include "counters.h"

#define FORCED_PMU "amd64_fam19h_zen4"
#define FORCED_EVENT FORCED_PMU "::RETIRED_SSE_AVX_FLOPS:ANY"

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double thread_cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void sleep_s(double s) {
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* Burns `sec` of this thread's CPU time (not wall time: the tests must hold on a loaded
   machine too) with double-precision arithmetic, so that FP counters see some. */
static double spin_cpu(double sec) {
    volatile double x = 1.0;
    double t0 = thread_cpu_now();
    while (thread_cpu_now() - t0 < sec)
        for (int i = 0; i < 2000; i++) x = x * 1.0000001 + 1e-9;
    return x;
}

static const json_t *find_event(const json_t *rec, const char *name) {
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(rec, "events"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0) return e;
    }
    return NULL;
}

/* The event's value; fails the test when it is missing or null (software events must count). */
static double value_of(const json_t *rec, const char *name) {
    const json_t *e = find_event(rec, name);
    if (!e) fail_msg("event %s missing from the record", name);
    const json_t *v = json_object_get(e, "value");
    if (!json_is_number(v))
        fail_msg("event %s: value is not a number (reason \"%s\")", name,
                 json_string_value(json_object_get(e, "reason")));
    return json_number_value(v);
}

static double counted(hb__counters *c, const char *name) {
    json_t *j = hb__counters_json(c);
    assert_non_null(j);
    double v = value_of(j, name);
    json_decref(j);
    return v;
}

/* ---- software events ---- */

static void test_task_clock_counts_all_threads(void **state) {
    (void)state;
    omp_set_dynamic(0);
    int nt = 0;
    /* the workers must exist before open (as after the runner's verification run) */
#pragma omp parallel num_threads(2)
    {
#pragma omp single
        nt = omp_get_num_threads();
    }
    assert_int_equal(nt, 2);
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    hb__counters_reset(c);
    double t0 = wall_now();
    hb__counters_begin(c);
#pragma omp parallel num_threads(2)
    spin_cpu(0.05);
    hb__counters_end(c);
    double wall = wall_now() - t0;

    json_t *j = hb__counters_json(c);
    assert_non_null(j);
    assert_true(json_integer_value(json_object_get(j, "threads")) >= 2);
    double tc = value_of(j, "task-clock");
    /* both threads' 50 ms, and no double counting */
    if (!(tc >= 0.08e9)) fail_msg("task-clock %.3g ns < 80 ms: not every thread is counted", tc);
    if (!(tc <= wall * 1e9 * 2 * 1.2))
        fail_msg("task-clock %.3g ns > wall %.3g s x 2 threads x 1.2", tc, wall);
    const json_t *e = find_event(j, "task-clock");
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "software");
    assert_string_equal(json_string_value(json_object_get(e, "unit")), "ns");
    assert_string_equal(json_string_value(json_object_get(e, "reason")), "");
    assert_true(json_is_false(json_object_get(e, "scaled")));
    assert_double_equal(json_number_value(json_object_get(e, "running_fraction")), 1.0, 1e-9);
    const char *sw[] = {"page-faults", "context-switches", "cpu-migrations"};
    for (int i = 0; i < 3; i++) {
        e = find_event(j, sw[i]);
        assert_non_null(e);
        assert_string_equal(json_string_value(json_object_get(e, "kind")), "software");
        assert_string_equal(json_string_value(json_object_get(e, "unit")), "count");
        assert_true(value_of(j, sw[i]) >= 0);
        /* software events are never multiplexed: no scaling of the group's members */
        assert_true(json_is_false(json_object_get(e, "scaled")));
        assert_double_equal(json_number_value(json_object_get(e, "running_fraction")), 1.0, 1e-9);
    }
    assert_non_null(json_string_value(json_object_get(j, "note")));
    json_decref(j);
    hb__counters_close(c);
}

static void test_empty_window_counts_nothing(void **state) {
    (void)state;
#pragma omp parallel num_threads(2)
    spin_cpu(0.001);
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    sleep_s(0.1); /* let the OpenMP workers stop spin-waiting */
    hb__counters_reset(c);
    hb__counters_begin(c);
    hb__counters_end(c);
    double tc = counted(c, "task-clock");
    if (!(tc < 2e6)) fail_msg("an empty window counted %.3g ns of task-clock", tc);
    hb__counters_close(c);
}

static void test_windows_accumulate_and_reset_zeroes(void **state) {
    (void)state;
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    hb__counters_reset(c);
    hb__counters_begin(c);
    spin_cpu(0.02);
    hb__counters_end(c);
    double v1 = counted(c, "task-clock");
    assert_true(v1 >= 0.018e9);
    spin_cpu(0.02); /* outside any window: not counted */
    hb__counters_begin(c);
    spin_cpu(0.02);
    hb__counters_end(c);
    double v2 = counted(c, "task-clock");
    if (!(v2 >= v1 + 0.018e9 && v2 < v1 + 0.035e9))
        fail_msg("second window: %.3g ns after %.3g ns, expected +20 ms", v2, v1);
    hb__counters_reset(c);
    assert_double_equal(counted(c, "task-clock"), 0, 0);
    assert_double_equal(counted(c, "page-faults"), 0, 0);
    hb__counters_begin(c);
    spin_cpu(0.01);
    hb__counters_end(c);
    double v3 = counted(c, "task-clock");
    assert_true(v3 >= 0.009e9 && v3 < 0.025e9);
    hb__counters_close(c);
}

/* Touches `bytes` of fresh memory; returns the page faults the window counted. */
static double touch_fresh(hb__counters *c, size_t bytes) {
    double before = counted(c, "page-faults");
    hb__counters_begin(c);
    /* mmap rather than malloc: fresh pages for sure; no huge pages, so one fault per page */
    char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(p != MAP_FAILED);
#ifdef MADV_NOHUGEPAGE
    madvise(p, bytes, MADV_NOHUGEPAGE);
#endif
    memset(p, 1, bytes);
    hb__counters_end(c);
    munmap(p, bytes);
    return counted(c, "page-faults") - before;
}

static void test_page_faults_on_fresh_pages(void **state) {
    (void)state;
    const size_t bytes = 64u << 20;
    double pages = (double)bytes / (double)sysconf(_SC_PAGESIZE);
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    hb__counters_reset(c);
    /* page-faults is a member of the software group: every window must count it, not only
       the first (see counters.c on switching members) */
    for (int w = 0; w < 3; w++) {
        double pf = touch_fresh(c, bytes);
        if (!(pf >= 0.5 * pages))
            fail_msg("window %d: %.0f page faults for %.0f fresh pages", w, pf, pages);
    }
    hb__counters_close(c);
}

/* ---- the sampler threads ---- */

struct spinner {
    atomic_int go, done;
    const char *name;
};

static void *spinner_main(void *arg) {
    struct spinner *s = arg;
    while (!atomic_load(&s->go)) sleep_s(0.001);
    spin_cpu(0.1);
    atomic_store(&s->done, 1);
    return NULL;
}

/* task-clock of a window in which a thread named `name` spins 100 ms and this one sleeps */
static double other_thread_window(const char *name) {
    struct spinner s = {0, 0, name};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, spinner_main, &s), 0);
    assert_int_equal(pthread_setname_np(th, name), 0);
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    hb__counters_reset(c);
    hb__counters_begin(c);
    atomic_store(&s.go, 1);
    while (!atomic_load(&s.done)) sleep_s(0.001);
    hb__counters_end(c);
    pthread_join(th, NULL);
    double tc = counted(c, "task-clock");
    json_t *j = hb__counters_json(c);
    if (strncmp(name, "hb-meter", 8) == 0)
        assert_contains(json_string_value(json_object_get(j, "note")), "hb-meter");
    json_decref(j);
    hb__counters_close(c);
    return tc;
}

static void test_sampler_threads_not_counted(void **state) {
    (void)state;
    double meter = other_thread_window("hb-meter-x");
    if (!(meter < 0.03e9)) fail_msg("an hb-meter thread was counted: task-clock %.3g ns", meter);
    /* the same with another name is counted: the exclusion is by name, not by accident */
    double other = other_thread_window("hb-worker");
    if (!(other >= 0.08e9)) fail_msg("a worker thread was not counted: task-clock %.3g ns", other);
}

/* ---- hardware events ---- */

static void check_hardware_events(const json_t *j) {
    size_t i;
    const json_t *e;
    json_array_foreach(json_object_get(j, "events"), i, e) {
        const char *name = json_string_value(json_object_get(e, "name"));
        const char *reason = json_string_value(json_object_get(e, "reason"));
        const json_t *v = json_object_get(e, "value");
        assert_non_null(reason);
        if (strcmp(json_string_value(json_object_get(e, "kind")), "hardware") != 0) continue;
        if (json_is_null(v)) {
            if (!reason[0]) fail_msg("%s: null without a reason", name);
            assert_true(json_is_null(json_object_get(e, "running_fraction")));
            continue;
        }
        assert_true(json_is_integer(v));
        assert_string_equal(reason, "");
        double rf = json_number_value(json_object_get(e, "running_fraction"));
        assert_true(rf > 0 && rf <= 1.0 + 1e-9);
        /* cycles and instructions over a busy window cannot be 0: that would be silent loss */
        if (strcmp(name, "cycles") == 0 || strcmp(name, "instructions") == 0 ||
            strcmp(name, "perf::CYCLES") == 0 || strcmp(name, "perf::INSTRUCTIONS") == 0)
            if (!(json_integer_value(v) > 0)) fail_msg("%s counted 0 over a busy window", name);
    }
}

static void test_hardware_counted_or_explained(void **state) {
    (void)state;
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    hb__counters_reset(c);
    hb__counters_begin(c);
    spin_cpu(0.02);
    hb__counters_end(c);
    json_t *j = hb__counters_json(c);
    assert_non_null(find_event(j, "cycles"));
    assert_non_null(find_event(j, "instructions"));
    check_hardware_events(j);
    json_decref(j);
    hb__counters_close(c);

    /* --counters replaces the hardware set; software events stay, listed once */
    c = hb__counters_open("perf::CYCLES, perf::INSTRUCTIONS,perf::TASK-CLOCK,NOT_AN_EVENT");
    assert_non_null(c);
    hb__counters_begin(c);
    spin_cpu(0.02);
    hb__counters_end(c);
    j = hb__counters_json(c);
    assert_int_equal(json_array_size(json_object_get(j, "events")), 4 + 3);
    assert_null(find_event(j, "cycles"));
    assert_null(find_event(j, "perf::TASK-CLOCK"));
    assert_true(value_of(j, "task-clock") >= 0.018e9);
    const json_t *e = find_event(j, "perf::CYCLES");
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "hardware");
    e = find_event(j, "NOT_AN_EVENT");
    assert_non_null(e);
    assert_true(json_is_null(json_object_get(e, "value")));
    assert_true(strlen(json_string_value(json_object_get(e, "reason"))) > 0);
    check_hardware_events(j);
    json_decref(j);
    hb__counters_close(c);
}

/* ---- unprivileged: perf_event_paranoid 2 allows user mode only ---- */

static int paranoid(void) {
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int v = -100;
    if (f) {
        if (fscanf(f, "%d", &v) != 1) v = -100;
        fclose(f);
    }
    return v;
}

/* In a forked child as nobody; returns 0 or the number of the failed check. */
static int unprivileged_child(void) {
    if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) return 1;
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* as an ordinary process of that user */
    hb__counters *c = hb__counters_open(NULL);
    if (!c) return 2;
    hb__counters_reset(c);
    hb__counters_begin(c);
    spin_cpu(0.02);
    sleep_s(0.01);
    hb__counters_end(c);
    json_t *j = hb__counters_json(c);
    int rc = 0;
    const json_t *tc = json_object_get(find_event(j, "task-clock"), "value");
    const json_t *cs = find_event(j, "context-switches");
    const json_t *cy = find_event(j, "cycles");
    const char *note = json_string_value(json_object_get(j, "note"));
    if (!json_is_integer(tc) || json_integer_value(tc) < 18000000) rc = 3;
    /* switches are seen from kernel context: in user mode they would read 0, silently */
    else if (!json_is_null(json_object_get(cs, "value")) ||
             !strstr(json_string_value(json_object_get(cs, "reason")), "perf_event_paranoid"))
        rc = 4;
    else if (!note || !strstr(note, "user mode only"))
        rc = 5;
    else if (json_is_null(json_object_get(cy, "value")) &&
             !*json_string_value(json_object_get(cy, "reason")))
        rc = 6;
    json_decref(j);
    hb__counters_close(c);
    return rc;
}

static void test_unprivileged_user_mode_only(void **state) {
    (void)state;
    if (geteuid() != 0 || paranoid() != 2) skip(); /* needs root to become nobody */
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) _exit(unprivileged_child());
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("unprivileged child: %s %d", WIFEXITED(st) ? "failed check" : "killed by signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* ---- names ---- */

static void test_check_names(void **state) {
    (void)state;
    char err[512];
    assert_int_equal(hb__counters_check_names(NULL, err, sizeof err), 0);
    assert_int_equal(hb__counters_check_names("perf::CYCLES", err, sizeof err), 0);
    assert_int_equal(hb__counters_check_names("cycles, instructions", err, sizeof err), 0);
    assert_int_equal(hb__counters_check_names("perf::TASK-CLOCK,page-faults", err, sizeof err), 0);
    assert_int_not_equal(hb__counters_check_names("NOT_AN_EVENT", err, sizeof err), 0);
    assert_contains(err, "\"NOT_AN_EVENT\"");
    assert_int_not_equal(hb__counters_check_names("perf::CYCLES,NOT_AN_EVENT:U", err, sizeof err),
                         0);
    assert_contains(err, "\"NOT_AN_EVENT:U\"");
#ifdef HB_HAVE_LIBPFM
    assert_contains(err, "libpfm4: event not found");
    /* libpfm4 syntax beyond the generic names */
    assert_int_equal(hb__counters_check_names("perf::CYCLES:u", err, sizeof err), 0);
    assert_int_equal(hb__counters_check_names("perf::PERF_COUNT_HW_CACHE_MISSES", err, sizeof err),
                     0);
#else
    assert_contains(err, "built without libpfm4");
#endif
    assert_int_not_equal(hb__counters_check_names("NOT_AN_EVENT", NULL, 0), 0); /* no buffer */
}

static int open_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    assert_non_null(d);
    while (readdir(d)) n++;
    closedir(d);
    return n;
}

static void test_close_releases_every_fd(void **state) {
    (void)state;
#pragma omp parallel num_threads(2)
    spin_cpu(0.001);
    int before = open_fds();
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    /* 4 software events on each of >= 2 threads at least */
    assert_true(open_fds() >= before + 8);
    hb__counters_close(c);
    assert_int_equal(open_fds(), before);
}

static void test_null_is_harmless(void **state) {
    (void)state;
    hb__counters_reset(NULL);
    hb__counters_begin(NULL);
    hb__counters_end(NULL);
    hb__counters_close(NULL);
    json_t *j = hb__counters_json(NULL);
    assert_true(j == NULL || json_is_null(j));
    json_decref(j);
}

/* ---- info ---- */

static const json_t *find_info(const json_t *arr, const char *name) {
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "name")), name) == 0) return e;
    }
    return NULL;
}

static void test_info(void **state) {
    (void)state;
    json_t *arr = hb__counters_info_json();
    assert_true(json_is_array(arr));
    const json_t *sw = find_info(arr, "software events");
    assert_non_null(sw);
    assert_true(json_is_true(json_object_get(sw, "available")));
    const json_t *hw = find_info(arr, "hardware events");
    assert_non_null(hw);
    if (!json_is_true(json_object_get(hw, "available")))
        assert_true(strlen(json_string_value(json_object_get(hw, "reason"))) > 0);
    const json_t *pfm = find_info(arr, "libpfm4");
    assert_non_null(pfm);
#ifdef HB_HAVE_LIBPFM
    assert_true(json_is_true(json_object_get(pfm, "available")));
    assert_non_null(find_info(arr, "pmu:perf")); /* libpfm4's generic perf_events PMU */
#else
    assert_true(json_is_false(json_object_get(pfm, "available")));
    assert_string_equal(json_string_value(json_object_get(pfm, "reason")), "built without libpfm4");
#endif
    json_decref(arr);
}

/* ---- libpfm4 with an absent PMU forced active (own process: see the top) ---- */

static void test_forced_pmu(void **state) {
    (void)state;
#ifdef HB_HAVE_LIBPFM
    char err[512] = "";
    if (hb__counters_check_names(FORCED_EVENT, err, sizeof err) != 0)
        fail_msg("%s: %s", FORCED_EVENT, err);
    /* the forced PMU is active: its events resolve without the prefix too */
    assert_int_equal(hb__counters_check_names("RETIRED_SSE_AVX_FLOPS:ANY", err, sizeof err), 0);
    assert_int_equal(hb__counters_check_names("perf::CYCLES", err, sizeof err), 0);
    assert_int_not_equal(hb__counters_check_names("NOT_AN_EVENT", err, sizeof err), 0);
    assert_contains(err, "NOT_AN_EVENT");

    json_t *arr = hb__counters_info_json();
    const json_t *p = find_info(arr, "pmu:" FORCED_PMU);
    assert_non_null(p);
    assert_true(json_is_true(json_object_get(p, "available")));
    json_decref(arr);

    /* the default set takes the PMU's floating-point event; counted or explained */
    hb__counters *c = hb__counters_open(NULL);
    assert_non_null(c);
    hb__counters_begin(c);
    spin_cpu(0.01);
    hb__counters_end(c);
    json_t *j = hb__counters_json(c);
    const json_t *e = find_event(j, FORCED_EVENT);
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "kind")), "hardware");
    if (json_is_null(json_object_get(e, "value")))
        assert_true(strlen(json_string_value(json_object_get(e, "reason"))) > 0);
    assert_true(value_of(j, "task-clock") > 0);
    json_decref(j);
    hb__counters_close(c);
#else
    skip();
#endif
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "force-pmu") == 0) {
        /* before the first libpfm4 call, which reads them */
        setenv("LIBPFM_ENCODE_INACTIVE", "1", 1);
        setenv("LIBPFM_FORCE_PMU", FORCED_PMU, 1);
        const struct CMUnitTest forced[] = {cmocka_unit_test(test_forced_pmu)};
        return cmocka_run_group_tests_name("counters_forced_pmu", forced, NULL, NULL);
    }
    unsetenv("LIBPFM_FORCE_PMU");
    unsetenv("LIBPFM_ENCODE_INACTIVE");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_task_clock_counts_all_threads),
        cmocka_unit_test(test_empty_window_counts_nothing),
        cmocka_unit_test(test_windows_accumulate_and_reset_zeroes),
        cmocka_unit_test(test_page_faults_on_fresh_pages),
        cmocka_unit_test(test_sampler_threads_not_counted),
        cmocka_unit_test(test_hardware_counted_or_explained),
        cmocka_unit_test(test_unprivileged_user_mode_only),
        cmocka_unit_test(test_check_names),
        cmocka_unit_test(test_close_releases_every_fd),
        cmocka_unit_test(test_null_is_harmless),
        cmocka_unit_test(test_info),
    };
    return cmocka_run_group_tests_name("counters", tests, NULL, NULL);
}
