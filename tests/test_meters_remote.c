/* Unit tests: the NVML meter (through a fake libnvidia-ml loaded by the real dlopen path), the
 * IPMI DCMI meter (recorded outputs, fake tools, time limit) and external meter logs.
 * Run one group with `test_meters_remote nvml|ipmi|log`, all without an argument. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hb_test.h"

#include "meter.h"
#include "meter_remote.h"

/* ---- helpers ---- */

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) fail_msg("cannot open %s", path);
    char *buf = calloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void copy_file(const char *from, const char *to) {
    char *s = read_file(from);
    write_file(to, s);
    free(s);
}

static void make_temp_dir(char *buf, size_t n) {
    const char *tmp = getenv("TMPDIR");
    snprintf(buf, n, "%s/hb-meters-remote-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(buf)) fail_msg("mkdtemp failed");
}

static void remove_tree(const char *dir) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static hb__meter *find_meter(const hb__meter_list *l, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->name, name) == 0) return l->v[i];
    return NULL;
}

static double read_ok(hb__meter *m) {
    char err[256] = "";
    double v = -1;
    if (m->ops->read(m, &v, err, sizeof err) != 0) fail_msg("%s: read failed: %s", m->name, err);
    return v;
}

/* ---- NVML ---- */

static char nvml_dir[256], nvml_log[300];

static int nvml_setup(void **state) {
    (void)state;
    make_temp_dir(nvml_dir, sizeof nvml_dir);
    snprintf(nvml_log, sizeof nvml_log, "%s/calls.log", nvml_dir);
    unsetenv("FAKE_NVML_INIT");
    unsetenv("FAKE_NVML_ENERGY");
    unsetenv("FAKE_NVML_LOST_AFTER");
    unsetenv("FAKE_NVML_RESET_AT");
    setenv("FAKE_NVML_COUNT", "2", 1);
    setenv("FAKE_NVML_LOG", nvml_log, 1);
    return 0;
}

static int nvml_teardown(void **state) {
    (void)state;
    remove_tree(nvml_dir);
    return 0;
}

static void discover_fake_nvml(hb__meter_list *l) {
    hb__meter_env e = {.sysfs_root = "", .nvml_library = HB_FAKE_NVML, .dev_root = ""};
    hb__meters_discover_nvml(&e, l);
}

/* The init/shutdown calls the fake saw, "" when none. */
static char *nvml_calls(void) {
    if (access(nvml_log, F_OK) != 0) return strdup("");
    return read_file(nvml_log);
}

static void assert_nvml_calls(const char *expected) {
    char *calls = nvml_calls();
    if (strcmp(calls, expected) != 0) {
        char copy[256];
        snprintf(copy, sizeof copy, "%s", calls);
        free(calls);
        fail_msg("NVML calls \"%s\", expected \"%s\"", copy, expected);
    }
    free(calls);
}

/* dlclose happened: the library is no longer loaded. */
static void assert_fake_unloaded(void) {
    void *h = dlopen(HB_FAKE_NVML, RTLD_NOW | RTLD_NOLOAD);
    if (h) {
        dlclose(h);
        fail_msg("the fake NVML library is still loaded");
    }
}

static void test_nvml_two_gpus_energy(void **state) {
    (void)state;
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.nu, 0);
    assert_int_equal(l.n, 2);
    hb__meter *a = find_meter(&l, "nvml:0000:17:00.0");
    hb__meter *b = find_meter(&l, "nvml:0000:ca:00.0"); /* NVML's "00000000:CA:00.0" */
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a->pci_bus_id, "0000:17:00.0");
    assert_string_equal(b->pci_bus_id, "0000:ca:00.0");
    for (int i = 0; i < 2; i++) {
        hb__meter *m = i ? b : a;
        assert_string_equal(m->source, "nvml");
        assert_int_equal(m->scope, HB_SCOPE_ACCEL_BOARD);
        assert_int_equal(m->kind, HB_METER_ENERGY);
        assert_int_equal(m->in_band, 1);
        assert_int_equal(m->cheap, 1);
        assert_double_equal(m->interval, 0.5, 0);
        assert_double_equal(m->resolution, 0.1, 0);
        assert_double_equal(m->min_window, 10.0, 0);
        assert_contains(m->detail, "nvmlDeviceGetTotalEnergyConsumption");
    }
    assert_contains(a->detail, "NVIDIA H100 80GB HBM3 #0");
    assert_contains(b->detail, "NVIDIA H100 80GB HBM3 #1");
    /* joules since the first reading; the fake adds 1500 mJ per call */
    assert_double_equal(read_ok(a), 0.0, 0);
    assert_double_equal(read_ok(a), 1.5, 0);
    assert_double_equal(read_ok(a), 3.0, 0);
    assert_double_equal(read_ok(b), 0.0, 0);
    assert_double_equal(read_ok(a), 4.5, 0);
    assert_double_equal(read_ok(b), 1.5, 0);
    assert_nvml_calls("init\n");
    hb__meter_list_free(&l);
    assert_nvml_calls("init\nshutdown\n");
    assert_fake_unloaded();
}

/* A GPU reset drops the counter: that reading fails (the energy across it is unknown) and
   counting goes on from the new value, so later windows are measured again. */
static void test_nvml_counter_reset(void **state) {
    (void)state;
    setenv("FAKE_NVML_COUNT", "1", 1);
    setenv("FAKE_NVML_RESET_AT", "4", 1); /* discovery's trial reading is call 1 */
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.n, 1);
    hb__meter *a = l.v[0];
    assert_double_equal(read_ok(a), 0.0, 0);
    assert_double_equal(read_ok(a), 1.5, 0);
    double v;
    char err[256] = "";
    assert_int_equal(a->ops->read(a, &v, err, sizeof err), -1);
    assert_contains(err, "went backwards");
    assert_double_equal(read_ok(a), 3.0, 0); /* 1.5 before the reset + 1.5 after it */
    assert_double_equal(read_ok(a), 4.5, 0);
    hb__meter_list_free(&l);
}

/* NVML stays loaded while any meter is open; the last close shuts it down. */
static void test_nvml_refcount(void **state) {
    (void)state;
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.n, 2);
    hb__meter *first = l.v[0];
    first->ops->close(first);
    free(first);
    l.v[0] = l.v[1];
    l.n = 1;
    assert_nvml_calls("init\n");
    assert_double_equal(read_ok(l.v[0]), 0.0, 0);
    assert_double_equal(read_ok(l.v[0]), 1.5, 0);
    hb__meter_list_free(&l);
    assert_nvml_calls("init\nshutdown\n");
    assert_fake_unloaded();
}

static void test_nvml_power_fallback(void **state) {
    (void)state;
    setenv("FAKE_NVML_ENERGY", "unsupported", 1);
    setenv("FAKE_NVML_COUNT", "1", 1);
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.nu, 0);
    assert_int_equal(l.n, 1);
    hb__meter *m = l.v[0];
    assert_string_equal(m->name, "nvml:0000:17:00.0");
    assert_int_equal(m->kind, HB_METER_POWER);
    assert_int_equal(m->scope, HB_SCOPE_ACCEL_BOARD);
    assert_double_equal(m->interval, 0.1, 0);
    assert_double_equal(m->resolution, 1.0, 0);
    assert_double_equal(m->min_window, 10.0, 0);
    assert_int_equal(m->cheap, 1);
    assert_contains(m->detail, "nvmlDeviceGetPowerUsage");
    assert_contains(m->detail, "no energy counter");
    assert_double_equal(read_ok(m), 250.5, 0); /* 250500 mW */
    hb__meter_list_free(&l);
    assert_nvml_calls("init\nshutdown\n");
}

static void test_nvml_init_error(void **state) {
    (void)state;
    setenv("FAKE_NVML_INIT", "9", 1);
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].name, "nvml");
    assert_string_equal(l.unavail[0].reason, "nvmlInit_v2: Driver Not Loaded (NVML error 9)");
    hb__meter_list_free(&l);
    assert_nvml_calls(""); /* a failed init is not shut down */
    assert_fake_unloaded();
}

static void test_nvml_no_gpu(void **state) {
    (void)state;
    setenv("FAKE_NVML_COUNT", "0", 1);
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].name, "nvml");
    assert_string_equal(l.unavail[0].reason, "no NVIDIA GPU");
    /* no meter: shut down and unloaded right away */
    assert_nvml_calls("init\nshutdown\n");
    assert_fake_unloaded();
    hb__meter_list_free(&l);
}

static void test_nvml_missing_library(void **state) {
    (void)state;
    hb__meter_list l = {0};
    hb__meter_env e = {.sysfs_root = "", .nvml_library = "/nonexistent/libnvidia-ml.so.1"};
    hb__meters_discover_nvml(&e, &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].name, "nvml");
    assert_string_equal(l.unavail[0].reason,
                        "/nonexistent/libnvidia-ml.so.1 not found (no NVIDIA driver)");
    hb__meter_list_free(&l);

    /* the default name, where this machine has no driver */
    void *real = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (real) {
        dlclose(real);
        return;
    }
    hb__meter_env d = {.sysfs_root = "", .nvml_library = NULL};
    hb__meters_discover_nvml(&d, &l);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].reason, "libnvidia-ml.so.1 not found (no NVIDIA driver)");
    hb__meter_list_free(&l);
}

/* A library that is not NVML (or a driver too old for the _v2/_v3 entry points). */
static void test_nvml_missing_symbol(void **state) {
    (void)state;
    hb__meter_list l = {0};
    hb__meter_env e = {.sysfs_root = "", .nvml_library = "libm.so.6"};
    hb__meters_discover_nvml(&e, &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].reason,
                        "libm.so.6 has no nvmlInit_v2 (NVIDIA driver too old)");
    hb__meter_list_free(&l);
}

static void test_nvml_gpu_lost(void **state) {
    (void)state;
    setenv("FAKE_NVML_COUNT", "1", 1);
    setenv("FAKE_NVML_LOST_AFTER", "3", 1); /* discovery's trial + 2 reads, then lost */
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.n, 1);
    hb__meter *m = l.v[0];
    assert_double_equal(read_ok(m), 0.0, 0);
    assert_double_equal(read_ok(m), 1.5, 0);
    char err[256] = "";
    double v = -7;
    assert_int_equal(m->ops->read(m, &v, err, sizeof err), -1);
    assert_string_equal(err, "nvmlDeviceGetTotalEnergyConsumption: GPU is lost (NVML error 15)");
    assert_int_equal(m->ops->read(m, &v, err, sizeof err), -1);
    hb__meter_list_free(&l);
    assert_nvml_calls("init\nshutdown\n");
}

static void test_nvml_gpu_lost_power(void **state) {
    (void)state;
    setenv("FAKE_NVML_COUNT", "1", 1);
    setenv("FAKE_NVML_ENERGY", "unsupported", 1);
    setenv("FAKE_NVML_LOST_AFTER", "1", 1); /* only discovery's trial succeeds */
    hb__meter_list l = {0};
    discover_fake_nvml(&l);
    assert_int_equal(l.n, 1);
    char err[256] = "";
    double v;
    assert_int_equal(l.v[0]->ops->read(l.v[0], &v, err, sizeof err), -1);
    assert_string_equal(err, "nvmlDeviceGetPowerUsage: GPU is lost (NVML error 15)");
    hb__meter_list_free(&l);
}

/* Two discoveries at once (NVML and dlopen are both reference counted). */
static void test_nvml_two_discoveries(void **state) {
    (void)state;
    hb__meter_list l1 = {0}, l2 = {0};
    discover_fake_nvml(&l1);
    discover_fake_nvml(&l2);
    assert_int_equal(l1.n, 2);
    assert_int_equal(l2.n, 2);
    hb__meter_list_free(&l1);
    assert_nvml_calls("init\ninit\nshutdown\n");
    read_ok(l2.v[0]);
    hb__meter_list_free(&l2);
    assert_nvml_calls("init\ninit\nshutdown\nshutdown\n");
    assert_fake_unloaded();
}

/* ---- IPMI DCMI: parser ---- */

static double parse_fixture(const char *name, int expect_rc, char *err, size_t errlen) {
    char path[512];
    snprintf(path, sizeof path, "%s/ipmi/%s", HB_FIXTURES, name);
    char *text = read_file(path);
    double w = -1;
    err[0] = '\0';
    int rc = hb__ipmi_parse_reading(text, &w, err, errlen);
    free(text);
    if (rc != expect_rc) fail_msg("%s: rc %d, expected %d (err: %s)", name, rc, expect_rc, err);
    return w;
}

static void test_ipmi_parse_recorded(void **state) {
    (void)state;
    char err[256];
    /* the current reading, never min / max / average */
    assert_double_equal(parse_fixture("ipmitool_reading.txt", 0, err, sizeof err), 220, 0);
    assert_double_equal(parse_fixture("ipmi-dcmi_statistics.txt", 0, err, sizeof err), 215, 0);
    assert_double_equal(parse_fixture("ipmi-dcmi_statistics_lowercase.txt", 0, err, sizeof err),
                        332, 0);
    assert_double_equal(parse_fixture("ipmiutil_dcmi_power.txt", 0, err, sizeof err), 49, 0);
}

static void test_ipmi_parse_rejects(void **state) {
    (void)state;
    char err[256];
    parse_fixture("ipmitool_deactivated.txt", -1, err, sizeof err);
    assert_contains(err, "field 'Power reading state': 'deactivated'");
    parse_fixture("ipmi-dcmi_not_available.txt", -1, err, sizeof err);
    assert_contains(err, "field 'Power Measurement': 'Not Available'");
    parse_fixture("ipmitool_not_a_number.txt", -1, err, sizeof err);
    assert_string_equal(err, "field 'Instantaneous power reading': not a number: 'N/A Watts'");
    parse_fixture("ipmitool_negative.txt", -1, err, sizeof err);
    assert_string_equal(err, "field 'Instantaneous power reading': negative power '-12 Watts'");
    parse_fixture("ipmitool_no_dcmi.txt", -1, err, sizeof err);
    assert_contains(err, "field 'Instantaneous power reading' (ipmitool) or 'Current Power'");
    assert_contains(err, "not found");

    double w;
    assert_int_equal(hb__ipmi_parse_reading("Current Power : 22x0 Watts\n", &w, err, sizeof err),
                     -1);
    assert_string_equal(err, "field 'Current Power': not a number: '22x0 Watts'");
    assert_int_equal(hb__ipmi_parse_reading("Current Power : 220 mW\n", &w, err, sizeof err), -1);
    assert_contains(err, "unexpected unit");
    assert_int_equal(hb__ipmi_parse_reading("Current Power :\n", &w, err, sizeof err), -1);
    assert_contains(err, "not a number");
    assert_int_equal(hb__ipmi_parse_reading("", &w, err, sizeof err), -1);
    assert_int_equal(hb__ipmi_parse_reading(NULL, &w, err, sizeof err), -1);
    /* other "Current ..." fields are not the reading */
    assert_int_equal(
        hb__ipmi_parse_reading("Current Power Limit : 500 Watts\n", &w, err, sizeof err), -1);
    /* CRLF, glued unit, decimals */
    assert_int_equal(hb__ipmi_parse_reading("Current Power : 215W\r\n", &w, err, sizeof err), 0);
    assert_double_equal(w, 215, 0);
    assert_int_equal(hb__ipmi_parse_reading("  Instantaneous power reading: 220.5 Watts\r\n", &w,
                                            err, sizeof err),
                     0);
    assert_double_equal(w, 220.5, 0);
}

/* ---- IPMI DCMI: discovery and reading ---- */

static char ipmi_dir[256];
static char *saved_path;

static int ipmi_setup(void **state) {
    (void)state;
    make_temp_dir(ipmi_dir, sizeof ipmi_dir);
    const char *p = getenv("PATH");
    saved_path = strdup(p ? p : "/usr/bin:/bin");
    return 0;
}

static int ipmi_teardown(void **state) {
    (void)state;
    setenv("PATH", saved_path, 1);
    free(saved_path);
    hb__ipmi_timeout_s = 10.0;
    remove_tree(ipmi_dir);
    return 0;
}

static void discover_ipmi(const char *cmd, const char *dev_root, hb__meter_list *l) {
    hb__meter_env e = {.sysfs_root = "", .ipmi_command = cmd, .dev_root = dev_root};
    hb__meters_discover_ipmi(&e, l);
}

static void test_ipmi_off(void **state) {
    (void)state;
    hb__meter_list l = {0};
    discover_ipmi("", "", &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].name, "ipmi-dcmi");
    assert_string_equal(l.unavail[0].reason, "off");
    hb__meter_list_free(&l);
}

static void test_ipmi_command_meter(void **state) {
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cat %s/ipmi/ipmitool_reading.txt", HB_FIXTURES);
    hb__meter_list l = {0};
    discover_ipmi(cmd, "", &l);
    assert_int_equal(l.nu, 0);
    assert_int_equal(l.n, 1);
    hb__meter *m = l.v[0];
    assert_string_equal(m->name, "ipmi-dcmi");
    assert_string_equal(m->source, "ipmi-dcmi");
    assert_string_equal(m->detail, cmd);
    assert_string_equal(m->pci_bus_id, "");
    assert_int_equal(m->scope, HB_SCOPE_NODE_AC);
    assert_int_equal(m->kind, HB_METER_POWER);
    assert_int_equal(m->in_band, 1);
    assert_int_equal(m->cheap, 0);
    assert_double_equal(m->interval, 1.0, 0);
    assert_double_equal(m->resolution, 1.0, 0);
    assert_double_equal(m->min_window, 10.0, 0);
    assert_double_equal(read_ok(m), 220, 0);
    hb__meter_list_free(&l);
}

/* Each read runs the command again; a failing run or output is -1 with the reason. */
static void test_ipmi_reads_follow_the_output(void **state) {
    (void)state;
    char file[400], cmd[600], src[600];
    snprintf(file, sizeof file, "%s/reading.txt", ipmi_dir);
    snprintf(src, sizeof src, "%s/ipmi/ipmitool_reading.txt", HB_FIXTURES);
    copy_file(src, file);
    snprintf(cmd, sizeof cmd, "cat %s", file);
    hb__meter_list l = {0};
    discover_ipmi(cmd, "", &l);
    assert_int_equal(l.n, 1);
    hb__meter *m = l.v[0];
    assert_double_equal(read_ok(m), 220, 0);

    snprintf(src, sizeof src, "%s/ipmi/ipmi-dcmi_statistics.txt", HB_FIXTURES);
    copy_file(src, file);
    assert_double_equal(read_ok(m), 215, 0);

    char err[256];
    double v;
    snprintf(src, sizeof src, "%s/ipmi/ipmitool_deactivated.txt", HB_FIXTURES);
    copy_file(src, file);
    assert_int_equal(m->ops->read(m, &v, err, sizeof err), -1);
    assert_contains(err, "deactivated");

    unlink(file);
    assert_int_equal(m->ops->read(m, &v, err, sizeof err), -1);
    assert_contains(err, "exit status 1: cat: ");
    assert_contains(err, "No such file or directory");
    hb__meter_list_free(&l);
}

static void test_ipmi_trial_reading_fails(void **state) {
    (void)state;
    char cmd[600];
    hb__meter_list l = {0};
    snprintf(cmd, sizeof cmd, "cat %s/ipmi/ipmi-dcmi_not_available.txt", HB_FIXTURES);
    discover_ipmi(cmd, "", &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].name, "ipmi-dcmi");
    assert_contains(l.unavail[0].reason, cmd);
    assert_contains(l.unavail[0].reason, "field 'Power Measurement': 'Not Available'");
    hb__meter_list_free(&l);

    discover_ipmi("echo 'Could not open device at /dev/ipmi0: Permission denied' >&2; exit 1", "",
                  &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_contains(l.unavail[0].reason,
                    "exit status 1: Could not open device at /dev/ipmi0: Permission denied");
    hb__meter_list_free(&l);
}

static void test_ipmi_time_limit(void **state) {
    (void)state;
    hb__ipmi_timeout_s = 0.3;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    hb__meter_list l = {0};
    discover_ipmi("sleep 30", "", &l);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_string_equal(l.unavail[0].reason,
                        "'sleep 30': no answer within 0.3 s (BMC not responding?)");
    assert_true(dt < 5.0);
    hb__meter_list_free(&l);

    /* output complete, but the command lingers with its output closed */
    discover_ipmi("echo 'Current Power : 5 Watts'; exec >&- 2>&-; sleep 30", "", &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_contains(l.unavail[0].reason, "no answer within 0.3 s");
    hb__meter_list_free(&l);
    hb__ipmi_timeout_s = 10.0;
}

static void test_ipmi_auto_no_device(void **state) {
    (void)state;
    hb__meter_list l = {0};
    discover_ipmi(NULL, ipmi_dir, &l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    char expected[512];
    snprintf(expected, sizeof expected, "no %s/ipmi0 (no BMC, or ipmi_si/ipmi_devintf not loaded)",
             ipmi_dir);
    assert_string_equal(l.unavail[0].reason, expected);
    hb__meter_list_free(&l);
}

static int tool_installed(const char *name) {
    static const char *const dirs[] = {"/usr/sbin", "/sbin"};
    char p[256];
    for (int i = 0; i < 2; i++) {
        snprintf(p, sizeof p, "%s/%s", dirs[i], name);
        if (access(p, X_OK) == 0) return 1;
    }
    return 0;
}

static void test_ipmi_auto_no_tool(void **state) {
    (void)state;
    char dev[400], bin[400];
    snprintf(dev, sizeof dev, "%s/dev", ipmi_dir);
    snprintf(bin, sizeof bin, "%s/empty-bin", ipmi_dir);
    mkdir(dev, 0755);
    mkdir(bin, 0755);
    char node[500];
    snprintf(node, sizeof node, "%s/ipmi", dev);
    mkdir(node, 0755);
    snprintf(node, sizeof node, "%s/ipmi/0", dev); /* the devfs-style name */
    write_file(node, "");
    if (tool_installed("ipmitool") || tool_installed("ipmi-dcmi")) skip();
    setenv("PATH", bin, 1);
    hb__meter_list l = {0};
    discover_ipmi(NULL, dev, &l);
    setenv("PATH", saved_path, 1);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.nu, 1);
    assert_contains(l.unavail[0].reason, "neither ipmitool nor ipmi-dcmi is installed");
    assert_contains(l.unavail[0].reason, "ipmitool or freeipmi-tools");
    hb__meter_list_free(&l);
}

/* Auto mode with fake tools on PATH: ipmitool first, ipmi-dcmi when ipmitool is absent. */
static void test_ipmi_auto_fake_tools(void **state) {
    (void)state;
    char dev[400], bin[400], tool[500], script[1200], path[1400];
    snprintf(dev, sizeof dev, "%s/dev2", ipmi_dir);
    snprintf(bin, sizeof bin, "%s/bin", ipmi_dir);
    mkdir(dev, 0755);
    mkdir(bin, 0755);
    snprintf(tool, sizeof tool, "%s/ipmi0", dev);
    write_file(tool, "");

    snprintf(tool, sizeof tool, "%s/ipmi-dcmi", bin);
    snprintf(script, sizeof script,
             "#!/bin/sh\n[ \"$*\" = '--get-system-power-statistics' ] || exit 2\n"
             "cat '%s/ipmi/ipmi-dcmi_statistics.txt'\n",
             HB_FIXTURES);
    write_file(tool, script);
    chmod(tool, 0755);
    snprintf(path, sizeof path, "%s:/usr/bin:/bin", bin);
    setenv("PATH", path, 1);
    hb__meter_list l = {0};
    if (!access("/usr/bin/ipmitool", X_OK) || tool_installed("ipmitool")) {
        setenv("PATH", saved_path, 1);
        skip();
    }
    discover_ipmi(NULL, dev, &l);
    assert_int_equal(l.nu, 0);
    assert_int_equal(l.n, 1);
    char expected[600];
    snprintf(expected, sizeof expected, "%s --get-system-power-statistics", tool);
    assert_string_equal(l.v[0]->detail, expected);
    assert_double_equal(read_ok(l.v[0]), 215, 0);
    hb__meter_list_free(&l);

    snprintf(tool, sizeof tool, "%s/ipmitool", bin);
    snprintf(script, sizeof script,
             "#!/bin/sh\n[ \"$*\" = 'dcmi power reading' ] || exit 2\n"
             "cat '%s/ipmi/ipmitool_reading.txt'\n",
             HB_FIXTURES);
    write_file(tool, script);
    chmod(tool, 0755);
    discover_ipmi(NULL, dev, &l);
    setenv("PATH", saved_path, 1);
    assert_int_equal(l.nu, 0);
    assert_int_equal(l.n, 1);
    snprintf(expected, sizeof expected, "%s dcmi power reading", tool);
    assert_string_equal(l.v[0]->detail, expected);
    assert_double_equal(read_ok(l.v[0]), 220, 0);
    hb__meter_list_free(&l);
}

/* ---- external meter logs ---- */

static void fixture_log(const char *name, char *path, size_t n) {
    snprintf(path, n, "%s/meterlog/%s", HB_FIXTURES, name);
}

static void test_log_unix(void **state) {
    (void)state;
    char path[512], err[512] = "";
    fixture_log("unix.csv", path, sizeof path);
    hb__power_log log;
    if (hb__power_log_load(path, &log, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(log.n, 7);
    assert_double_equal(log.t[0], 1795707257.0, 0);
    assert_double_equal(log.w[0], 412.5, 0);
    assert_double_equal(log.t[1], 1795707258.0, 0);
    assert_double_equal(log.w[1], 415.0, 0);
    assert_double_equal(log.t[4], 1795707261.5, 0);
    assert_double_equal(log.w[4], 421.75, 0);
    assert_double_equal(log.t[6], 1795707263.0, 0);
    assert_double_equal(log.w[6], 300.0, 0);
    hb__power_log_free(&log);
    assert_null(log.t);
    assert_int_equal(log.n, 0);
}

static void test_log_iso_offset(void **state) {
    (void)state;
    char path[512], err[512] = "";
    fixture_log("iso_offset.csv", path, sizeof path);
    hb__power_log log;
    if (hb__power_log_load(path, &log, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(log.n, 5);
    /* 2026-11-26T23:34:17.25+08:00 = 2026-11-26T15:34:17.25Z (date -d gives 1795707257) */
    assert_double_equal(log.t[0], 1795707257.25, 0);
    assert_double_equal(log.w[0], 401.2, 0);
    assert_double_equal(log.t[4], 1795707261.25, 0);
    assert_double_equal(log.w[4], 399.9, 0);
    hb__power_log_free(&log);
}

static void test_log_header_crlf(void **state) {
    (void)state;
    char path[512], err[512] = "";
    fixture_log("header_crlf.csv", path, sizeof path);
    hb__power_log log;
    if (hb__power_log_load(path, &log, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(log.n, 3);
    assert_double_equal(log.t[0], 1795707257.0, 0);
    assert_double_equal(log.w[0], 380.0, 0);
    assert_double_equal(log.t[2], 1795707259.0, 0);
    assert_double_equal(log.w[2], 383.0, 0);
    hb__power_log_free(&log);
}

static void expect_load_error(const char *name, const char *expected) {
    char path[512], err[512] = "", want[1024];
    fixture_log(name, path, sizeof path);
    snprintf(want, sizeof want, "%s%s", path, expected);
    hb__power_log log;
    assert_int_equal(hb__power_log_load(path, &log, err, sizeof err), -1);
    assert_string_equal(err, want);
    assert_null(log.t);
    assert_null(log.w);
    assert_int_equal(log.n, 0);
}

static void test_log_errors(void **state) {
    (void)state;
    expect_load_error("bad_watts_line7.csv", ":7: field 'watts': 'n/a' is not a number");
    expect_load_error("not_increasing.csv",
                      ":5: field 'timestamp': 1795707258.5 is not after the previous sample's "
                      "1795707259 (line 4); times must increase");
    expect_load_error("bad_date.csv",
                      ":4: field 'timestamp': '2026-02-30T10:00:00Z': day 30 does not exist in "
                      "2026-02");
    expect_load_error("no_samples.csv", ": no samples");
    expect_load_error("does-not-exist.csv", ": No such file or directory");
}

static void test_log_second_header_is_an_error(void **state) {
    (void)state;
    char path[600], err[700] = "";
    char dir[256];
    make_temp_dir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/two-headers.csv", dir);
    write_file(path, "\xEF\xBB\xBF# bom, comment, header\ntime,power_w\n1,2\ntime,power_w\n");
    hb__power_log log;
    assert_int_equal(hb__power_log_load(path, &log, err, sizeof err), -1);
    assert_contains(err, ":4: field 'timestamp': 'time' is neither Unix seconds nor an ISO 8601");
    write_file(path, "\xEF\xBB\xBFtime,power_w\n1,2\n");
    assert_int_equal(hb__power_log_load(path, &log, err, sizeof err), 0);
    assert_int_equal(log.n, 1);
    hb__power_log_free(&log);
    remove_tree(dir);
}

static void expect_line(const char *line, double t, double w) {
    char err[256] = "";
    double pt = -1, pw = -1;
    int rc = hb__power_log_parse_line(line, 0, &pt, &pw, err, sizeof err);
    if (rc != 1) fail_msg("\"%s\": rc %d (%s)", line, rc, err);
    assert_double_equal(pt, t, 0);
    assert_double_equal(pw, w, 0);
}

static void expect_line_error(const char *line, const char *expected) {
    char err[256] = "";
    double t, w;
    int rc = hb__power_log_parse_line(line, 0, &t, &w, err, sizeof err);
    if (rc != -1) fail_msg("\"%s\": rc %d, expected -1", line, rc);
    assert_string_equal(err, expected);
}

static void test_log_parse_line_formats(void **state) {
    (void)state;
    const double t = 1795707257.25; /* 2026-11-26T15:34:17.25Z */
    expect_line("2026-11-26T23:34:17.25+08:00,1", t, 1);
    expect_line("2026-11-26T23:34:17.25+0800;1", t, 1);
    expect_line("2026-11-26T23:34:17.25+08,1", t, 1);
    expect_line("2026-11-26 15:34:17.25Z\t1", t, 1);
    expect_line("2026-11-26t15:34:17.25z,1", t, 1);
    expect_line("2026-11-26T15:34:17.25,1", t, 1); /* no offset: UTC */
    expect_line("2026-11-26T10:04:17.25-05:30,1", t, 1);
    expect_line("  1795707257.25 , 7.5 ,230.1,extra\r", t, 7.5);
    expect_line("\"2026-11-26T15:34:17.25Z\",\"380\"", t, 380);
    expect_line("1795707257.25;2.5e2", t, 250);
    expect_line("2026-11-26T15:34Z,0", 1795707240.0, 0);
    expect_line("2024-02-29T00:00:00Z,1", 1709164800.0, 1);
    expect_line("2000-03-01T00:00:00Z,1", 951868800.0, 1);
    expect_line("1969-12-31T23:59:59Z,1", -1.0, 1);

    char err[256];
    double pt, pw;
    assert_int_equal(hb__power_log_parse_line("", 0, &pt, &pw, err, sizeof err), 0);
    assert_int_equal(hb__power_log_parse_line("  \r", 0, &pt, &pw, err, sizeof err), 0);
    assert_int_equal(hb__power_log_parse_line("# note", 0, &pt, &pw, err, sizeof err), 0);
    assert_int_equal(hb__power_log_parse_line("time,power_w", 1, &pt, &pw, err, sizeof err), 0);
    assert_int_equal(hb__power_log_parse_line("\"Time\";\"Watt\"", 1, &pt, &pw, err, sizeof err),
                     0);
    assert_int_equal(hb__power_log_parse_line("time,power_w", 0, &pt, &pw, err, sizeof err), -1);
    assert_contains(err, "field 'timestamp': ");
    /* a data line is data even where a header would be allowed */
    assert_int_equal(hb__power_log_parse_line("5,6", 1, &pt, &pw, err, sizeof err), 1);
}

static void test_log_parse_line_errors(void **state) {
    (void)state;
    expect_line_error("1,abc", "field 'watts': 'abc' is not a number");
    expect_line_error("1,-5", "field 'watts': '-5' is negative");
    expect_line_error("1,nan", "field 'watts': 'nan' is not a number");
    expect_line_error("1,inf", "field 'watts': 'inf' is not a number");
    expect_line_error("1,0x10", "field 'watts': '0x10' is not a number");
    expect_line_error("1,12 W", "field 'watts': '12 W' is not a number");
    expect_line_error("1,1e999", "field 'watts': '1e999' is out of range");
    expect_line_error("1", "field 'watts': missing (expected \"timestamp,watts\"; separators: "
                           "',' ';' tab)");
    expect_line_error("1,", "field 'watts': missing");
    expect_line_error("1, ,3", "field 'watts': missing");
    expect_line_error(",5", "field 'timestamp': missing");
    expect_line_error("2026-13-01T00:00:00Z,1",
                      "field 'timestamp': '2026-13-01T00:00:00Z': month 13 out of range");
    expect_line_error("2026-11-26T24:00:00Z,1",
                      "field 'timestamp': '2026-11-26T24:00:00Z': time of day out of range");
    expect_line_error("2026-11-26,1", "field 'timestamp': '2026-11-26': time of day missing "
                                      "(expected 'T' or a space after the date)");
    expect_line_error("2026-11-26T15:34:17+8,1",
                      "field 'timestamp': '2026-11-26T15:34:17+8': UTC offset is not ±hh:mm");
    expect_line_error("2026-11-26T15:34:17Zjunk,1",
                      "field 'timestamp': '2026-11-26T15:34:17Zjunk': unexpected 'junk' after "
                      "the time");
    expect_line_error("17:34:00,1",
                      "field 'timestamp': '17:34:00' is neither Unix seconds nor an ISO 8601 "
                      "date");
    expect_line_error("-5,1", "field 'timestamp': '-5' is neither Unix seconds nor an ISO 8601 "
                              "date");
    expect_line_error("1795707257250,1", "field 'timestamp': '1795707257250' is too large for "
                                         "Unix seconds (milliseconds?)");
}

int main(int argc, char **argv) {
    const struct CMUnitTest nvml[] = {
        cmocka_unit_test_setup_teardown(test_nvml_two_gpus_energy, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_refcount, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_counter_reset, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_power_fallback, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_init_error, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_no_gpu, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_missing_library, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_missing_symbol, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_gpu_lost, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_gpu_lost_power, nvml_setup, nvml_teardown),
        cmocka_unit_test_setup_teardown(test_nvml_two_discoveries, nvml_setup, nvml_teardown),
    };
    const struct CMUnitTest ipmi[] = {
        cmocka_unit_test(test_ipmi_parse_recorded),
        cmocka_unit_test(test_ipmi_parse_rejects),
        cmocka_unit_test_setup_teardown(test_ipmi_off, ipmi_setup, ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_command_meter, ipmi_setup, ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_reads_follow_the_output, ipmi_setup,
                                        ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_trial_reading_fails, ipmi_setup, ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_time_limit, ipmi_setup, ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_auto_no_device, ipmi_setup, ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_auto_no_tool, ipmi_setup, ipmi_teardown),
        cmocka_unit_test_setup_teardown(test_ipmi_auto_fake_tools, ipmi_setup, ipmi_teardown),
    };
    const struct CMUnitTest log[] = {
        cmocka_unit_test(test_log_unix),
        cmocka_unit_test(test_log_iso_offset),
        cmocka_unit_test(test_log_header_crlf),
        cmocka_unit_test(test_log_errors),
        cmocka_unit_test(test_log_second_header_is_an_error),
        cmocka_unit_test(test_log_parse_line_formats),
        cmocka_unit_test(test_log_parse_line_errors),
    };
    const char *only = argc > 1 ? argv[1] : NULL;
    int failed = 0;
    if (!only || strcmp(only, "nvml") == 0)
        failed += cmocka_run_group_tests_name("nvml", nvml, NULL, NULL);
    if (!only || strcmp(only, "ipmi") == 0)
        failed += cmocka_run_group_tests_name("ipmi", ipmi, NULL, NULL);
    if (!only || strcmp(only, "log") == 0)
        failed += cmocka_run_group_tests_name("log", log, NULL, NULL);
    return failed ? 1 : 0;
}
