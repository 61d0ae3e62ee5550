/* Unit tests: the sysfs energy meters (powercap RAPL, perf power PMU, hwmon) on the fake trees
 * of tests/fixtures/sysfs (see its README.md), and one pass over the real /sys.
 *
 * Counters are checked on a copy of a tree in a temporary directory whose files the test
 * rewrites between readings (in place: the meters keep their files open). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hb_test.h"

#include "meter.h"
#include "meter_sysfs.h"

#define FIX HB_FIXTURES "/sysfs/"
#define RAPL_RANGE 262143328850ULL /* max_energy_range_uj of the Intel fixture */

/* ---- a temporary copy of a fixture tree ---- */

typedef struct tstate {
    char tmp[PATH_MAX]; /* "" or the temporary root */
    hb__meter_list l;
} tstate;

static int setup(void **state) {
    tstate *s = calloc(1, sizeof *s);
    if (!s) return -1;
    *state = s;
    return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    chmod(path, 0700); /* undo a chmod 000 so the entry can go */
    return remove(path) == 0 ? 0 : -1;
}

static int teardown(void **state) {
    tstate *s = *state;
    hb__meter_list_free(&s->l);
    if (s->tmp[0]) nftw(s->tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(s);
    return 0;
}

static void copy_file(const char *from, const char *to) {
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) fail_msg("copy %s -> %s: %s", from, to, strerror(errno));
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

static void copy_dir(const char *from, const char *to) {
    DIR *d = opendir(from);
    if (!d) fail_msg("opendir %s: %s", from, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        char a[PATH_MAX], b[PATH_MAX];
        snprintf(a, sizeof a, "%s/%s", from, de->d_name);
        snprintf(b, sizeof b, "%s/%s", to, de->d_name);
        struct stat st;
        assert_int_equal(lstat(a, &st), 0);
        if (S_ISDIR(st.st_mode)) {
            assert_int_equal(mkdir(b, 0755), 0);
            copy_dir(a, b);
        } else {
            copy_file(a, b);
        }
    }
    closedir(d);
}

/* Copies fixtures/sysfs/<tree> into a new temporary directory; returns its path. */
static const char *copy_fixture(tstate *s, const char *tree) {
    const char *t = getenv("TMPDIR");
    snprintf(s->tmp, sizeof s->tmp, "%s/hb-sysfs-XXXXXX", t && t[0] ? t : "/tmp");
    if (!mkdtemp(s->tmp)) fail_msg("mkdtemp %s: %s", s->tmp, strerror(errno));
    char from[PATH_MAX];
    snprintf(from, sizeof from, FIX "%s", tree);
    copy_dir(from, s->tmp);
    return s->tmp;
}

/* Rewrites <root>/<rel> in place (truncate + write: an open descriptor sees the new value). */
static void write_at(const char *root, const char *rel, const char *text) {
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    if (!f) fail_msg("write %s: %s", p, strerror(errno));
    fprintf(f, "%s\n", text);
    assert_int_equal(fclose(f), 0);
}

static void write_u64(const char *root, const char *rel, unsigned long long v) {
    char t[32];
    snprintf(t, sizeof t, "%llu", v);
    write_at(root, rel, t);
}

static void path_at(char *buf, size_t len, const char *root, const char *rel) {
    snprintf(buf, len, "%s/%s", root, rel);
}

/* ---- looking at a list ---- */

static hb__meter *find_meter(const hb__meter_list *l, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->name, name) == 0) return l->v[i];
    return NULL;
}

static hb__meter *get_meter(const hb__meter_list *l, const char *name) {
    hb__meter *m = find_meter(l, name);
    if (!m) {
        for (size_t i = 0; i < l->n; i++) print_message("  meter %s\n", l->v[i]->name);
        for (size_t i = 0; i < l->nu; i++)
            print_message("  unavailable %s: %s\n", l->unavail[i].name, l->unavail[i].reason);
        fail_msg("no meter \"%s\"", name);
    }
    return m;
}

/* The only unavailable line; fails unless there is exactly one. */
static const hb__meter_unavailable *only_unavail(const hb__meter_list *l) {
    if (l->nu != 1) {
        for (size_t i = 0; i < l->nu; i++)
            print_message("  unavailable %s: %s\n", l->unavail[i].name, l->unavail[i].reason);
        fail_msg("%zu unavailable lines, expected 1", l->nu);
    }
    return &l->unavail[0];
}

/* Every field a driver must fill. */
static void check_common(const hb__meter_list *l, const hb__meter *m, const char *source) {
    assert_true(m->name[0] != '\0');
    assert_string_equal(m->source, source);
    assert_true(strlen(m->detail) > 10);
    assert_int_equal(m->in_band, 1);
    assert_int_equal(m->cheap, 1);
    assert_true(m->interval > 0);
    if (m->kind == HB_METER_ENERGY) assert_true(m->interval <= 1.0); /* never miss a wrap */
    if (m->kind == HB_METER_POWER) assert_true(m->min_window >= 10 * m->interval - 1e-9);
    assert_true(m->resolution > 0);
    assert_true(m->min_window > 0);
    assert_non_null(m->ops);
    assert_non_null(m->ops->read);
    assert_non_null(m->ops->close);
    assert_non_null(m->priv);
    if (m->scope == HB_SCOPE_ACCEL_BOARD)
        assert_int_equal(strlen(m->pci_bus_id), 12);
    else
        assert_string_equal(m->pci_bus_id, "");
    size_t same = 0;
    for (size_t i = 0; i < l->n; i++) same += strcmp(l->v[i]->name, m->name) == 0;
    assert_int_equal(same, 1); /* unique */
}

static double read_ok(hb__meter *m) {
    double v = -1;
    char err[256] = "";
    if (m->ops->read(m, &v, err, sizeof err) != 0) fail_msg("%s: read: %s", m->name, err);
    return v;
}

static void read_fails(hb__meter *m, const char *why) {
    double v = -1;
    char err[256] = "";
    assert_int_equal(m->ops->read(m, &v, err, sizeof err), -1);
    assert_contains(err, why);
}

static void discover(const char *root, void (*fn)(const hb__meter_env *, hb__meter_list *),
                     hb__meter_list *l) {
    hb__meter_env env = {.sysfs_root = root};
    fn(&env, l);
}

/* ================= powercap ================= */

static void test_rapl_delta(void **state) {
    (void)state;
    const uint64_t R = RAPL_RANGE;
    assert_true(hb__rapl_delta(100, 300, R) == 200);
    assert_true(hb__rapl_delta(300, 300, R) == 0);
    /* wrap: 1000 µJ up to the range, then 500 after 0 */
    assert_true(hb__rapl_delta(R - 1000, 500, R) == 1500);
    /* at the edge, range and 0 are the same point (the formula's convention) */
    assert_true(hb__rapl_delta(R, 0, R) == 0);
    assert_true(hb__rapl_delta(R, 7, R) == 7);
    assert_true(hb__rapl_delta(0, R, R) == R);
    /* a first reading above the range: as after a reset */
    assert_true(hb__rapl_delta(R + 5, 3, R) == 3);
}

static void test_powercap_intel_meters(void **state) {
    tstate *s = *state;
    discover(FIX "intel-2pkg", hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 3);
    assert_int_equal(s->l.nu, 0);
    hb__meter *pkg = get_meter(&s->l, "powercap:package");
    hb__meter *dram = get_meter(&s->l, "powercap:dram");
    hb__meter *psys = get_meter(&s->l, "powercap:psys");
    for (size_t i = 0; i < s->l.n; i++) {
        hb__meter *m = s->l.v[i];
        check_common(&s->l, m, "powercap");
        assert_int_equal(m->kind, HB_METER_ENERGY);
        assert_double_equal(m->interval, 0.5, 0);
        assert_double_equal(m->resolution, 0.001, 0);
        assert_double_equal(m->min_window, 0.1, 0);
        assert_double_equal(read_ok(m), 0.0, 0); /* cumulative since discovery */
        assert_null(strstr(m->detail, "mmio"));
    }
    assert_int_equal(pkg->scope, HB_SCOPE_CPU_PACKAGE);
    assert_int_equal(dram->scope, HB_SCOPE_DRAM);
    assert_int_equal(psys->scope, HB_SCOPE_PSYS);
    assert_contains(pkg->detail, "intel-rapl:0 (package-0)");
    assert_contains(pkg->detail, "intel-rapl:1 (package-1)");
    assert_contains(pkg->detail, "energy_uj");
    assert_contains(pkg->detail, "core"); /* says what it skipped */
    assert_null(strstr(pkg->detail, "intel-rapl:0:1"));
    assert_contains(dram->detail, "intel-rapl:0:1 (dram)");
    assert_contains(dram->detail, "intel-rapl:1:1 (dram)");
    assert_contains(psys->detail, "intel-rapl:2 (psys)");
}

static void test_powercap_counting_and_wrap(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "intel-2pkg");
    /* package-0 starts 250 000 µJ below its range, so it wraps in the test */
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", RAPL_RANGE - 250000);
    /* dram of package 1 starts 200 100 µJ below its own range (65712999613) */
    write_u64(root, "class/powercap/intel-rapl:1:1/energy_uj", 65712999613ULL - 200100);
    discover(root, hb__meters_discover_powercap, &s->l);
    hb__meter *pkg = get_meter(&s->l, "powercap:package");
    hb__meter *dram = get_meter(&s->l, "powercap:dram");
    hb__meter *psys = get_meter(&s->l, "powercap:psys");
    assert_double_equal(read_ok(pkg), 0.0, 0);

    /* package-1: +1 000 000 µJ = 1 J exactly */
    write_u64(root, "class/powercap/intel-rapl:1/energy_uj", 200000000 + 1000000);
    assert_double_equal(read_ok(pkg), 1.0, 0);
    /* package-0 wraps: 250 000 to the range, then 750 000 → 1 J more; the two summed */
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", 750000);
    assert_double_equal(read_ok(pkg), 2.0, 0);
    /* the mmio zone repeats the package: never counted */
    write_u64(root, "class/powercap/intel-rapl-mmio:0/energy_uj", 999000000);
    /* core is a part of the package: not added either */
    write_u64(root, "class/powercap/intel-rapl:0:0/energy_uj", 99000000);
    assert_double_equal(read_ok(pkg), 2.0, 0);
    /* 750 000 → R - 1 in microseconds is 262 kJ at far more than 20 kW: not energy but a
       reset (or a rewritten counter). That reading fails and counting goes on from R - 1 */
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", RAPL_RANGE - 1);
    read_fails(pkg, "counter reset?");
    /* a second wrap: R - 1 → 1 234 567 (1 µJ up to R, which is 0, then 1 234 567); the meter
       sums integer µJ: compare with the exact totals */
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", 1234567);
    uint64_t total = 2000000 + 1234567 + 1;
    assert_double_equal(read_ok(pkg), (double)total * 1e-6, 0);
    /* a reset to a small value (not near the range) reads as a huge wrap: refused too */
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", 1000);
    read_fails(pkg, "jumped by");
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", 1000 + 500000);
    total += 500000;
    assert_double_equal(read_ok(pkg), (double)total * 1e-6, 0);

    /* dram zones are summed into their own meter; psys separate */
    assert_double_equal(read_ok(dram), 0.0, 0);
    write_u64(root, "class/powercap/intel-rapl:0:1/energy_uj", 20000000 + 300000);
    write_u64(root, "class/powercap/intel-rapl:1:1/energy_uj", 65712999613ULL - 100);
    assert_double_equal(read_ok(dram), 0.5, 0);
    /* dram wraps at its own range (65712999613): 100 µJ up to it, then 400 */
    write_u64(root, "class/powercap/intel-rapl:1:1/energy_uj", 400);
    total = 500000 + 100 + 400;
    assert_double_equal(read_ok(dram), (double)total * 1e-6, 0);
    assert_double_equal(read_ok(psys), 0.0, 0);
    write_u64(root, "class/powercap/intel-rapl:2/energy_uj", 500000000 + 4000000);
    assert_double_equal(read_ok(psys), 4.0, 0);
}

static void test_powercap_read_errors(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "amd-rapl");
    discover(root, hb__meters_discover_powercap, &s->l);
    hb__meter *pkg = get_meter(&s->l, "powercap:package");
    write_at(root, "class/powercap/intel-rapl:0/energy_uj", "garbage");
    read_fails(pkg, "intel-rapl:0/energy_uj");
    /* a failed reading leaves the state: the next good one counts from the last good one */
    write_u64(root, "class/powercap/intel-rapl:0/energy_uj", 4000000 + 3000000);
    assert_double_equal(read_ok(pkg), 3.0, 0);
}

static void test_powercap_amd(void **state) {
    tstate *s = *state;
    discover(FIX "amd-rapl", hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 1); /* no dram, no psys: not a failure */
    assert_int_equal(s->l.nu, 0);
    hb__meter *pkg = get_meter(&s->l, "powercap:package");
    check_common(&s->l, pkg, "powercap");
    assert_int_equal(pkg->scope, HB_SCOPE_CPU_PACKAGE);
    assert_contains(pkg->detail, "intel-rapl:0 (package-0)");
    assert_contains(pkg->detail, "intel-rapl:0:0 (core)");
    assert_contains(pkg->detail, "skipped");
}

static void test_powercap_energy_uj_directory(void **state) {
    tstate *s = *state;
    discover(FIX "rapl-energy-dir", hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "powercap");
    assert_contains(u->reason, "intel-rapl:0/energy_uj");
    assert_contains(u->reason, "Is a directory");
}

static void test_powercap_energy_uj_missing(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "amd-rapl");
    char p[PATH_MAX];
    path_at(p, sizeof p, root, "class/powercap/intel-rapl:0/energy_uj");
    assert_int_equal(unlink(p), 0);
    discover(root, hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "powercap");
    assert_contains(u->reason, "energy_uj: No such file");
}

static void test_powercap_permission_denied(void **state) {
    tstate *s = *state;
    if (geteuid() == 0) {
        print_message("skipped: running as root, which reads any file; the unreadable path is "
                      "covered by powercap_energy_uj_directory/_missing\n");
        skip();
    }
    const char *root = copy_fixture(s, "intel-2pkg");
    /* as on a real machine: every energy_uj root-only */
    static const char *const zones[] = {"intel-rapl:0", "intel-rapl:0:0",   "intel-rapl:0:1",
                                        "intel-rapl:1", "intel-rapl:1:0",   "intel-rapl:1:1",
                                        "intel-rapl:2", "intel-rapl-mmio:0"};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        char rel[128], p[PATH_MAX];
        snprintf(rel, sizeof rel, "class/powercap/%s/energy_uj", zones[i]);
        path_at(p, sizeof p, root, rel);
        assert_int_equal(chmod(p, 0), 0);
    }
    discover(root, hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l); /* one line, not one per meter */
    assert_string_equal(u->name, "powercap");
    assert_contains(u->reason, "permission denied, root only (CVE-2020-8694)");
    assert_contains(u->reason, "perf power PMU");
}

static void test_powercap_one_meter_fails(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "intel-2pkg");
    char p[PATH_MAX];
    path_at(p, sizeof p, root, "class/powercap/intel-rapl:1:1/energy_uj");
    assert_int_equal(unlink(p), 0);
    discover(root, hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 2);
    get_meter(&s->l, "powercap:package");
    get_meter(&s->l, "powercap:psys");
    assert_null(find_meter(&s->l, "powercap:dram"));
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "powercap:dram");
    assert_contains(u->reason, "intel-rapl:1:1/energy_uj");
}

static void test_powercap_absent(void **state) {
    tstate *s = *state;
    discover(FIX "hwmon-none", hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "powercap");
    assert_contains(u->reason, "no ");
    assert_contains(u->reason, "class/powercap");
    assert_contains(u->reason, "intel_rapl");
    hb__meter_list_free(&s->l);
    /* a powercap directory with no intel-rapl zone (only the mmio one) */
    const char *root = copy_fixture(s, "intel-2pkg");
    static const char *const gone[] = {"intel-rapl:0", "intel-rapl:0:0", "intel-rapl:0:1",
                                       "intel-rapl:1", "intel-rapl:1:0", "intel-rapl:1:1",
                                       "intel-rapl:2"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/class/powercap/%s", root, gone[i]);
        assert_int_equal(nftw(p, rm_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
    }
    discover(root, hb__meters_discover_powercap, &s->l);
    assert_int_equal(s->l.n, 0);
    assert_contains(only_unavail(&s->l)->reason, "no intel-rapl zone");
}

/* ================= perf power PMU ================= */

static void test_cpulist(void **state) {
    (void)state;
    int *c = NULL;
    size_t n = 0;
    assert_int_equal(hb__parse_cpulist("0\n", &c, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(c[0], 0);
    free(c);
    assert_int_equal(hb__parse_cpulist("0,28", &c, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(c[0], 0);
    assert_int_equal(c[1], 28);
    free(c);
    assert_int_equal(hb__parse_cpulist("0-1", &c, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(c[1], 1);
    free(c);
    assert_int_equal(hb__parse_cpulist("0-3,8,10-11\n", &c, &n), 0);
    assert_int_equal(n, 7);
    assert_int_equal(c[3], 3);
    assert_int_equal(c[4], 8);
    assert_int_equal(c[6], 11);
    free(c);
    static const char *const bad[] = {"", "\n", "a", "3-1", "1,", "-1", "1-", "0,,1", "1 2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        c = NULL;
        if (hb__parse_cpulist(bad[i], &c, &n) != -1) fail_msg("cpulist \"%s\" accepted", bad[i]);
        assert_null(c);
    }
}

static void test_perf_power_parse(void **state) {
    (void)state;
    hb__perf_power_pmu p;
    char err[256] = "";
    if (hb__perf_power_parse(FIX "perf-power", &p, err, sizeof err) != 0) fail_msg("%s", err);
    assert_true(p.type == 4000000000u);
    assert_int_equal(p.ncpus, 2);
    assert_int_equal(p.cpus[0], 0);
    assert_int_equal(p.cpus[1], 1);
    assert_int_equal(p.nev, 4);
    static const struct {
        const char *name;
        uint64_t code;
    } want[] = {{"energy-cores", 1}, {"energy-pkg", 2}, {"energy-psys", 5}, {"energy-ram", 3}};
    for (size_t i = 0; i < 4; i++) { /* sorted by name */
        assert_string_equal(p.ev[i].name, want[i].name);
        assert_true(p.ev[i].config == want[i].code);
        assert_double_equal(p.ev[i].scale, 0x1p-32, 0); /* 2.3283064365386962890625e-10 */
        assert_string_equal(p.ev[i].unit, "Joules");
        assert_int_equal(p.ev[i].usable, 1);
    }
    hb__perf_power_pmu_free(&p);

    /* absent PMU */
    assert_int_equal(hb__perf_power_parse(FIX "hwmon-none", &p, err, sizeof err), -1);
    assert_contains(err, "no power PMU");
}

static void test_perf_power_parse_bad(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "perf-power");
    hb__perf_power_pmu p;
    char err[256] = "";
    write_at(root, "bus/event_source/devices/power/events/energy-ram", "umask=0x3");
    write_at(root, "bus/event_source/devices/power/events/energy-psys.scale", "lots");
    write_at(root, "bus/event_source/devices/power/events/energy-pkg.unit", "Watts");
    if (hb__perf_power_parse(root, &p, err, sizeof err) != 0) fail_msg("%s", err);
    assert_int_equal(p.nev, 4);
    assert_int_equal(p.ev[0].usable, 1); /* energy-cores */
    assert_int_equal(p.ev[1].usable, 0);
    assert_contains(p.ev[1].problem, "unit");
    assert_int_equal(p.ev[2].usable, 0);
    assert_contains(p.ev[2].problem, "energy-psys.scale");
    assert_int_equal(p.ev[3].usable, 0);
    assert_contains(p.ev[3].problem, "events/energy-ram");
    hb__perf_power_pmu_free(&p);
    write_at(root, "bus/event_source/devices/power/cpumask", "zero");
    assert_int_equal(hb__perf_power_parse(root, &p, err, sizeof err), -1);
    assert_contains(err, "cpumask");
    write_at(root, "bus/event_source/devices/power/cpumask", "0");
    write_at(root, "bus/event_source/devices/power/type", "-3");
    assert_int_equal(hb__perf_power_parse(root, &p, err, sizeof err), -1);
    assert_contains(err, "type");
}

static void test_perf_power_discover_fake(void **state) {
    tstate *s = *state;
    /* the fixture's PMU type exists in no kernel: perf_event_open must fail, cleanly */
    discover(FIX "perf-power", hb__meters_discover_perf_power, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "perf-power");
    assert_contains(u->reason, "perf_event_open(power/energy-pkg");
    assert_contains(u->reason, "cpu 0");
    print_message("perf-power on the fake tree: %s\n", u->reason);
}

static void test_perf_power_absent(void **state) {
    tstate *s = *state;
    discover(FIX "hwmon-none", hb__meters_discover_perf_power, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "perf-power");
    assert_contains(u->reason, "no power PMU");
}

static void test_perf_power_no_wanted_event(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "perf-power");
    static const char *const gone[] = {"energy-pkg", "energy-ram", "energy-psys"};
    for (size_t i = 0; i < 3; i++) {
        char rel[128], p[PATH_MAX];
        snprintf(rel, sizeof rel, "bus/event_source/devices/power/events/%s", gone[i]);
        path_at(p, sizeof p, root, rel);
        assert_int_equal(unlink(p), 0);
    }
    discover(root, hb__meters_discover_perf_power, &s->l);
    assert_int_equal(s->l.n, 0);
    assert_contains(only_unavail(&s->l)->reason, "without energy-pkg");
    assert_contains(only_unavail(&s->l)->reason, "energy-cores");
}

/* ================= hwmon ================= */

static void test_pci_bus_id(void **state) {
    (void)state;
    char out[32];
    assert_int_equal(hb__pci_bus_id_normalise("0000:C3:00.0", out, sizeof out), 0);
    assert_string_equal(out, "0000:c3:00.0");
    assert_int_equal(hb__pci_bus_id_normalise("03:00.1", out, sizeof out), 0);
    assert_string_equal(out, "0000:03:00.1");
    assert_int_equal(hb__pci_bus_id_normalise("0001:0a:1f.7", out, sizeof out), 0);
    assert_string_equal(out, "0001:0a:1f.7");
    assert_int_equal(hb__pci_bus_id_normalise("10000:E1:00.0", out, sizeof out), 0); /* VMD */
    assert_string_equal(out, "10000:e1:00.0");
    static const char *const bad[] = {
        "",         "0000:03:00", "0000:03:00.0x", "0x00:03:00.0", "0000:03:20.0", "0000:03:00.8",
        " 03:00.0", "card0",      "0000:003:00.0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (hb__pci_bus_id_normalise(bad[i], out, sizeof out) != -1)
            fail_msg("bus id \"%s\" accepted as \"%s\"", bad[i], out);
}

static void test_hwmon_amdgpu(void **state) {
    tstate *s = *state;
    discover(FIX "hwmon-amdgpu", hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 1); /* coretemp ignored */
    assert_int_equal(s->l.nu, 0);
    hb__meter *m = get_meter(&s->l, "hwmon:amdgpu:0000:03:00.0");
    check_common(&s->l, m, "hwmon");
    assert_int_equal(m->scope, HB_SCOPE_ACCEL_BOARD);
    assert_int_equal(m->kind, HB_METER_POWER);
    assert_string_equal(m->pci_bus_id, "0000:03:00.0");
    assert_double_equal(m->interval, 0.1, 0);
    assert_double_equal(m->resolution, 0.1, 0);
    assert_double_equal(m->min_window, 1.0, 0);
    assert_contains(m->detail, "hwmon1/power1_average");
    assert_double_equal(read_ok(m), 35.0, 1e-12);
}

static void test_hwmon_amdgpu_power_changes(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "hwmon-amdgpu");
    /* with power1_input and an averaging interval, power1_average is still preferred */
    write_u64(root, "class/hwmon/hwmon1/power1_input", 41000000);
    write_u64(root, "class/hwmon/hwmon1/power1_average_interval", 250);
    discover(root, hb__meters_discover_hwmon, &s->l);
    hb__meter *m = get_meter(&s->l, "hwmon:amdgpu:0000:03:00.0");
    assert_double_equal(m->resolution, 0.25, 0);
    assert_double_equal(read_ok(m), 35.0, 1e-12);
    write_u64(root, "class/hwmon/hwmon1/power1_average", 123456789);
    assert_double_equal(read_ok(m), 123.456789, 1e-9);
    write_at(root, "class/hwmon/hwmon1/power1_average", "");
    read_fails(m, "power1_average");
    hb__meter_list_free(&s->l);
    /* power1_average gone (newer kernels on some cards): power1_input */
    char p[PATH_MAX];
    path_at(p, sizeof p, root, "class/hwmon/hwmon1/power1_average");
    assert_int_equal(unlink(p), 0);
    discover(root, hb__meters_discover_hwmon, &s->l);
    m = get_meter(&s->l, "hwmon:amdgpu:0000:03:00.0");
    assert_contains(m->detail, "power1_input");
    assert_double_equal(m->resolution, 0.1, 0);
    assert_double_equal(read_ok(m), 41.0, 1e-12);
}

static void test_hwmon_amdgpu_garbage(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "hwmon-amdgpu");
    write_at(root, "class/hwmon/hwmon1/power1_average", "N/A");
    discover(root, hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "hwmon:amdgpu:0000:03:00.0");
    assert_contains(u->reason, "hwmon1/power1_average");
    assert_contains(u->reason, "not an unsigned integer");
    hb__meter_list_free(&s->l);
    /* unreadable (a directory here) */
    char p[PATH_MAX];
    path_at(p, sizeof p, root, "class/hwmon/hwmon1/power1_average");
    assert_int_equal(unlink(p), 0);
    assert_int_equal(mkdir(p, 0755), 0);
    discover(root, hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 0);
    u = only_unavail(&s->l);
    assert_contains(u->reason, "hwmon1/power1_average");
    assert_contains(u->reason, "Is a directory");
    hb__meter_list_free(&s->l);
    /* no power file at all */
    assert_int_equal(rmdir(p), 0);
    discover(root, hb__meters_discover_hwmon, &s->l);
    assert_contains(only_unavail(&s->l)->reason,
                    "no energy1_input, power1_average or power1_input");
}

static void test_hwmon_bus_id_from_link(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "hwmon-amdgpu");
    /* as on a real system: device is a link to the PCI device, here without a uevent */
    char dev[PATH_MAX], pci[PATH_MAX], target[PATH_MAX];
    path_at(dev, sizeof dev, root, "class/hwmon/hwmon1/device");
    path_at(pci, sizeof pci, root, "devices");
    assert_int_equal(mkdir(pci, 0755), 0);
    path_at(pci, sizeof pci, root, "devices/0000:0A:00.0");
    assert_int_equal(rename(dev, pci), 0);
    path_at(target, sizeof target, root, "devices/0000:0A:00.0/uevent");
    assert_int_equal(unlink(target), 0);
    assert_int_equal(symlink("../../../devices/0000:0A:00.0", dev), 0);
    discover(root, hb__meters_discover_hwmon, &s->l);
    hb__meter *m = get_meter(&s->l, "hwmon:amdgpu:0000:0a:00.0");
    assert_string_equal(m->pci_bus_id, "0000:0a:00.0");
}

static void test_hwmon_hygon(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "hwmon-hygon");
    discover(root, hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 1);
    assert_int_equal(s->l.nu, 0);
    hb__meter *m = get_meter(&s->l, "hwmon:hycu:0000:c3:00.0");
    check_common(&s->l, m, "hwmon");
    assert_int_equal(m->scope, HB_SCOPE_ACCEL_BOARD);
    assert_int_equal(m->kind, HB_METER_ENERGY); /* the counter, not power1_average */
    assert_string_equal(m->pci_bus_id, "0000:c3:00.0");
    assert_double_equal(m->interval, 0.5, 0);
    assert_double_equal(m->min_window, 0.1, 0);
    assert_contains(m->detail, "energy1_input");
    assert_contains(m->detail, "0x1d94");
    assert_double_equal(read_ok(m), 0.0, 0);
    write_u64(root, "class/hwmon/hwmon0/energy1_input", 123000000 + 2500000);
    assert_double_equal(read_ok(m), 2.5, 0);
    write_u64(root, "class/hwmon/hwmon0/energy1_input", 100);
    read_fails(m, "went backwards");
    /* counting goes on from the reset: 2.5 J before it, 0.75 J after */
    write_u64(root, "class/hwmon/hwmon0/energy1_input", 100 + 750000);
    assert_double_equal(read_ok(m), 3.25, 1e-12);
}

static void test_hwmon_acpi(void **state) {
    tstate *s = *state;
    discover(FIX "hwmon-acpi", hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 1);
    assert_int_equal(s->l.nu, 0);
    hb__meter *m = get_meter(&s->l, "hwmon:power_meter");
    check_common(&s->l, m, "hwmon");
    assert_int_equal(m->scope, HB_SCOPE_NODE_AC);
    assert_int_equal(m->kind, HB_METER_POWER);
    assert_double_equal(m->interval, 0.5, 0); /* power1_average_interval 500 ms */
    assert_double_equal(m->min_window, 5.0, 1e-12);
    assert_double_equal(read_ok(m), 245.0, 1e-12);
}

static void test_hwmon_acpi_error_value(void **state) {
    tstate *s = *state;
    discover(FIX "hwmon-acpi-error", hb__meters_discover_hwmon, &s->l);
    hb__meter *m = get_meter(&s->l, "hwmon:power_meter");
    assert_double_equal(m->interval, 1.0, 0); /* no interval file */
    assert_double_equal(m->min_window, 10.0, 0);
    read_fails(m, "ACPI power_meter reports an error reading");
    hb__meter_list_free(&s->l);
    /* and it recovers when the firmware reports again */
    const char *root = copy_fixture(s, "hwmon-acpi-error");
    discover(root, hb__meters_discover_hwmon, &s->l);
    m = get_meter(&s->l, "hwmon:power_meter");
    read_fails(m, "ACPI power_meter reports an error reading");
    write_u64(root, "class/hwmon/hwmon0/power1_average", 180500000);
    assert_double_equal(read_ok(m), 180.5, 1e-12);
}

static void test_hwmon_amd_energy(void **state) {
    tstate *s = *state;
    const char *root = copy_fixture(s, "hwmon-amd-energy");
    discover(root, hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 1);
    assert_int_equal(s->l.nu, 0);
    hb__meter *m = get_meter(&s->l, "hwmon:amd_energy");
    check_common(&s->l, m, "hwmon");
    assert_int_equal(m->scope, HB_SCOPE_CPU_PACKAGE);
    assert_int_equal(m->kind, HB_METER_ENERGY);
    assert_contains(m->detail, "energy5");
    assert_contains(m->detail, "energy6");
    assert_null(strstr(m->detail, "energy1,"));
    assert_double_equal(read_ok(m), 0.0, 0);
    write_u64(root, "class/hwmon/hwmon0/energy5_input", 900000000 + 1000000);
    write_u64(root, "class/hwmon/hwmon0/energy6_input", 800000000 + 2000000);
    write_u64(root, "class/hwmon/hwmon0/energy1_input", 77000000); /* a core: not counted */
    assert_double_equal(read_ok(m), 3.0, 0);
    /* 64-bit counters in the driver: a large value is no wrap */
    write_u64(root, "class/hwmon/hwmon0/energy5_input", 900000000ULL + 5000000000000ULL);
    assert_double_equal(read_ok(m), 5000002.0, 1e-6);
}

static void test_hwmon_several_and_unique(void **state) {
    tstate *s = *state;
    /* two ACPI meters and an amdgpu without a bus id in one tree: names stay unique */
    const char *root = copy_fixture(s, "hwmon-acpi");
    char from[PATH_MAX], to[PATH_MAX];
    snprintf(from, sizeof from, FIX "hwmon-acpi/class/hwmon/hwmon0");
    path_at(to, sizeof to, root, "class/hwmon/hwmon7");
    assert_int_equal(mkdir(to, 0755), 0);
    copy_dir(from, to);
    snprintf(from, sizeof from, FIX "hwmon-amdgpu/class/hwmon/hwmon1");
    path_at(to, sizeof to, root, "class/hwmon/hwmon12");
    assert_int_equal(mkdir(to, 0755), 0);
    copy_dir(from, to);
    path_at(to, sizeof to, root, "class/hwmon/hwmon12/device/uevent");
    assert_int_equal(unlink(to), 0);
    discover(root, hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 3);
    assert_int_equal(s->l.nu, 0);
    get_meter(&s->l, "hwmon:power_meter");
    get_meter(&s->l, "hwmon:power_meter:hwmon7");
    hb__meter *gpu = get_meter(&s->l, "hwmon:amdgpu:hwmon12");
    assert_string_equal(gpu->pci_bus_id, ""); /* unknown, not guessed */
    for (size_t i = 0; i < s->l.n; i++) {
        size_t same = 0;
        for (size_t j = 0; j < s->l.n; j++) same += !strcmp(s->l.v[i]->name, s->l.v[j]->name);
        assert_int_equal(same, 1);
    }
}

static void test_hwmon_none(void **state) {
    tstate *s = *state;
    discover(FIX "hwmon-none", hb__meters_discover_hwmon, &s->l);
    assert_int_equal(s->l.n, 0);
    const hb__meter_unavailable *u = only_unavail(&s->l);
    assert_string_equal(u->name, "hwmon");
    assert_contains(u->reason, "no power or energy sensor of a known kind (amdgpu, Hygon DCU, "
                               "ACPI power_meter, amd_energy)");
    hb__meter_list_free(&s->l);
    discover(FIX "amd-rapl", hb__meters_discover_hwmon, &s->l); /* no class/hwmon at all */
    assert_int_equal(s->l.n, 0);
    assert_contains(only_unavail(&s->l)->reason, "no power or energy sensor of a known kind");
}

/* ================= all three on the real /sys ================= */

static void test_real_sysfs(void **state) {
    tstate *s = *state;
    static const struct {
        const char *source;
        void (*fn)(const hb__meter_env *, hb__meter_list *);
    } src[] = {{"powercap", hb__meters_discover_powercap},
               {"perf-power", hb__meters_discover_perf_power},
               {"hwmon", hb__meters_discover_hwmon}};
    hb__meter_env env = {.sysfs_root = ""};
    for (size_t k = 0; k < 3; k++) {
        size_t n0 = s->l.n, u0 = s->l.nu;
        src[k].fn(&env, &s->l);
        for (size_t i = n0; i < s->l.n; i++) {
            hb__meter *m = s->l.v[i];
            check_common(&s->l, m, src[k].source);
            double v = 0;
            char err[256] = "";
            int rc = m->ops->read(m, &v, err, sizeof err);
            print_message("%s: %s (%s) read rc %d value %g %s\n", m->name,
                          hb__meter_scope_name(m->scope), m->detail, rc, v, err);
        }
        for (size_t i = u0; i < s->l.nu; i++) {
            print_message("%s unavailable: %s\n", s->l.unavail[i].name, s->l.unavail[i].reason);
            assert_true(strncmp(s->l.unavail[i].name, src[k].source, strlen(src[k].source)) == 0);
            assert_true(s->l.unavail[i].reason[0] != '\0');
        }
        if (s->l.n == n0 && s->l.nu == u0)
            fail_msg("%s: neither a meter nor a reason", src[k].source);
    }
    /* the project's build machines have no power PMU: say so */
    if (access("/sys/bus/event_source/devices/power", F_OK) != 0) {
        int seen = 0;
        for (size_t i = 0; i < s->l.nu; i++)
            if (!strcmp(s->l.unavail[i].name, "perf-power")) {
                assert_contains(s->l.unavail[i].reason, "no power PMU");
                seen = 1;
            }
        assert_true(seen);
    }
}

/* ================= main ================= */

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(int argc, char **argv) {
    const struct CMUnitTest powercap[] = {
        T(test_powercap_intel_meters),
        T(test_powercap_counting_and_wrap),
        T(test_powercap_read_errors),
        T(test_powercap_amd),
        T(test_powercap_energy_uj_directory),
        T(test_powercap_energy_uj_missing),
        T(test_powercap_permission_denied),
        T(test_powercap_one_meter_fails),
        T(test_powercap_absent),
    };
    const struct CMUnitTest perf_power[] = {
        T(test_perf_power_parse),           T(test_perf_power_parse_bad),
        T(test_perf_power_discover_fake),   T(test_perf_power_absent),
        T(test_perf_power_no_wanted_event),
    };
    const struct CMUnitTest hwmon[] = {
        T(test_hwmon_amdgpu),
        T(test_hwmon_amdgpu_power_changes),
        T(test_hwmon_amdgpu_garbage),
        T(test_hwmon_bus_id_from_link),
        T(test_hwmon_hygon),
        T(test_hwmon_acpi),
        T(test_hwmon_acpi_error_value),
        T(test_hwmon_amd_energy),
        T(test_hwmon_several_and_unique),
        T(test_hwmon_none),
    };
    const struct CMUnitTest parsers[] = {
        cmocka_unit_test(test_rapl_delta),
        cmocka_unit_test(test_cpulist),
        cmocka_unit_test(test_pci_bus_id),
    };
    const struct CMUnitTest real[] = {T(test_real_sysfs)};
    const char *g = argc > 1 ? argv[1] : "";
    int all = !g[0], rc = 0;
    static const char *const groups[] = {"powercap", "perf_power", "hwmon", "parsers", "real"};
    int known = all;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) known |= !strcmp(g, groups[i]);
    if (!known) {
        fprintf(stderr, "usage: %s [powercap|perf_power|hwmon|parsers|real]\n", argv[0]);
        return 2;
    }
    if (all || !strcmp(g, "powercap"))
        rc |= cmocka_run_group_tests_name("meters.sysfs.powercap", powercap, NULL, NULL);
    if (all || !strcmp(g, "perf_power"))
        rc |= cmocka_run_group_tests_name("meters.sysfs.perf_power", perf_power, NULL, NULL);
    if (all || !strcmp(g, "hwmon"))
        rc |= cmocka_run_group_tests_name("meters.sysfs.hwmon", hwmon, NULL, NULL);
    if (all || !strcmp(g, "parsers"))
        rc |= cmocka_run_group_tests_name("meters.sysfs.parsers", parsers, NULL, NULL);
    if (all || !strcmp(g, "real"))
        rc |= cmocka_run_group_tests_name("meters.sysfs.real", real, NULL, NULL);
    return rc;
}
