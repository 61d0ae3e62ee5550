/* Unit tests: atomic JSON writes, writability checks, reading result files back. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hb_test.h"

#include "internal.h"

static char g_dir[256];

static int setup_dir(void **state) {
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/hb-test-results-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown_dir(void **state) {
    (void)state;
    DIR *d = opendir(g_dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[600];
            snprintf(p, sizeof p, "%s/%s", g_dir, e->d_name);
            chmod(p, 0700);
            if (unlink(p) != 0) rmdir(p);
        }
        closedir(d);
    }
    rmdir(g_dir);
    return 0;
}

static void path_in(char *out, size_t n, const char *name) {
    snprintf(out, n, "%s/%s", g_dir, name);
}

static int count_entries(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void write_text(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* ---- hb__json_write_atomic ---- */
static void test_write_atomic_round_trip(void **state) {
    (void)state;
    char path[512];
    path_in(path, sizeof path, "doc.json");
    json_t *doc = json_pack("{s:s, s:i, s:f, s:[i,i,i], s:{s:b}}", "name", "hetbench ✓", "n", 42,
                            "x", 0.1, "list", 1, 2, 3, "obj", "flag", 1);
    assert_non_null(doc);
    char err[512] = "";
    assert_int_equal(hb__json_write_atomic(doc, path, err, sizeof err), HB_OK);
    /* rewrite over the existing file (the runner does this after every record) */
    json_object_set_new(doc, "n", json_integer(43));
    assert_int_equal(hb__json_write_atomic(doc, path, err, sizeof err), HB_OK);

    json_error_t je;
    json_t *back = json_load_file(path, 0, &je);
    if (!back) fail_msg("cannot read back %s: %s (line %d)", path, je.text, je.line);
    assert_true(json_equal(doc, back));
    assert_int_equal(json_integer_value(json_object_get(back, "n")), 43);
    assert_double_equal(json_real_value(json_object_get(back, "x")), 0.1, 0); /* 17 digits */
    json_decref(back);
    json_decref(doc);

    /* no temporary file left behind: the directory holds exactly the result */
    assert_int_equal(count_entries(g_dir), 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    unlink(path);
}

static void test_write_atomic_missing_dir(void **state) {
    (void)state;
    char path[512];
    path_in(path, sizeof path, "no-such-dir/r.json");
    json_t *doc = json_pack("{s:i}", "a", 1);
    char err[512] = "";
    assert_int_equal(hb__json_write_atomic(doc, path, err, sizeof err), HB_E_IO);
    assert_contains(err, path);
    json_decref(doc);
    assert_int_equal(count_entries(g_dir), 0);
}

static void test_write_atomic_dest_is_dir(void **state) {
    (void)state;
    char path[512];
    path_in(path, sizeof path, "adir");
    assert_int_equal(mkdir(path, 0755), 0);
    json_t *doc = json_pack("{s:i}", "a", 1);
    char err[512] = "";
    assert_int_equal(hb__json_write_atomic(doc, path, err, sizeof err), HB_E_IO);
    assert_contains(err, path);
    json_decref(doc);
    /* the temporary file was removed: only the directory remains */
    assert_int_equal(count_entries(g_dir), 1);
    rmdir(path);
}

/* ---- hb__check_writable ---- */
static void test_check_writable(void **state) {
    (void)state;
    char path[512], err[512] = "";
    path_in(path, sizeof path, "new.json");
    assert_int_equal(hb__check_writable(path, err, sizeof err), HB_OK);
    assert_int_equal(count_entries(g_dir), 0); /* no probe file left, nothing created */

    assert_int_equal(hb__check_writable("/nonexistent-dir-hb/r.json", err, sizeof err), HB_E_IO);
    assert_contains(err, "/nonexistent-dir-hb/r.json");
    /* /proc refuses new files even for root */
    err[0] = '\0';
    assert_int_equal(hb__check_writable("/proc/r.json", err, sizeof err), HB_E_IO);
    assert_contains(err, "/proc/r.json");

    if (geteuid() != 0) {
        char ro[512], p2[600];
        path_in(ro, sizeof ro, "ro");
        assert_int_equal(mkdir(ro, 0500), 0);
        snprintf(p2, sizeof p2, "%s/r.json", ro);
        err[0] = '\0';
        assert_int_equal(hb__check_writable(p2, err, sizeof err), HB_E_IO);
        assert_contains(err, p2);
        rmdir(ro);
    } else
        print_message("running as root: the chmod 0500 directory case is not testable\n");
}

/* ---- hb_result_check_file ---- */
static const char *k_valid =
    "{\n"
    "  \"schema_version\": \"1.0\",\n"
    "  \"generator\": \"test\",\n"
    "  \"system\": {},\n"
    "  \"run\": {},\n"
    "  \"records\": [\n"
    "    {\"kernel\": \"gemm\", \"variant\": \"f64\", \"device\": \"cpu:0\", \"status\": \"ok\",\n"
    "     \"reason\": \"\", \"rate\": {\"value\": 12.5, \"unit\": \"GFLOP/s\"},\n"
    "     \"verification\": {\"passed\": true, \"after_timing\": {\"passed\": true}}},\n"
    "    {\"kernel\": \"lu\", \"variant\": \"f64\", \"device\": \"cpu:0\",\n"
    "     \"status\": \"unsupported\", \"reason\": \"no\"}\n"
    "  ]\n"
    "}\n";

static hb_status check_text(const char *name, const char *text, char *err, size_t n, char *pathout,
                            size_t pn) {
    char path[512];
    path_in(path, sizeof path, name);
    write_text(path, text);
    if (pathout) snprintf(pathout, pn, "%s", path);
    err[0] = '\0';
    hb_status s = hb_result_check_file(path, err, n);
    unlink(path);
    return s;
}

static void test_check_valid(void **state) {
    (void)state;
    char err[1024];
    hb_status s = check_text("valid.json", k_valid, err, sizeof err, NULL, 0);
    if (s != HB_OK) fail_msg("valid document rejected: %s", err);
    s = check_text("empty-records.json",
                   "{\"schema_version\":\"1.3\",\"system\":{},\"run\":{},\"records\":[]}", err,
                   sizeof err, NULL, 0);
    if (s != HB_OK) fail_msg("valid 1.3 document rejected: %s", err);
}

static void test_check_syntax_error_names_file_and_line(void **state) {
    (void)state;
    char err[1024], path[512], want[600];
    const char *text = "{\n  \"schema_version\": \"1.0\",\n  \"system\": {,\n  \"run\": {}\n}\n";
    assert_int_equal(check_text("syntax.json", text, err, sizeof err, path, sizeof path),
                     HB_E_INVALID);
    snprintf(want, sizeof want, "%s:3:", path);
    assert_contains(err, want);
}

/* The status of a syntax error must not depend on an errno left over from earlier calls. */
static void test_check_syntax_error_status_ignores_stale_errno(void **state) {
    (void)state;
    char path[512], err[1024] = "";
    path_in(path, sizeof path, "syntax2.json");
    write_text(path, "{\n  \"a\": ,\n}\n");
    errno = ENOENT; /* e.g. from checking a missing file just before */
    hb_status s = hb_result_check_file(path, err, sizeof err);
    unlink(path);
    if (s != HB_E_INVALID)
        fail_msg("a syntax error is reported as %s instead of HB_E_INVALID (stale errno?); "
                 "message: %s",
                 hb_status_name(s), err);
}

static void test_check_missing_file(void **state) {
    (void)state;
    char err[1024] = "";
    assert_int_equal(hb_result_check_file("/nonexistent-dir-hb/none.json", err, sizeof err),
                     HB_E_IO);
    assert_contains(err, "/nonexistent-dir-hb/none.json");
}

static void test_check_missing_fields(void **state) {
    (void)state;
    char err[1024];
    /* no status in record 0 */
    const char *t1 =
        "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":["
        "{\"kernel\":\"gemm\",\"variant\":\"f64\",\"device\":\"cpu:0\",\"reason\":\"\"}]}";
    assert_int_equal(check_text("nostatus.json", t1, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "$.records[0].status");
    /* second record lacks its kernel */
    const char *t2 =
        "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":["
        "{\"kernel\":\"lu\",\"variant\":\"f64\",\"device\":\"cpu:0\",\"status\":\"skipped\","
        "\"reason\":\"x\"},"
        "{\"variant\":\"f64\",\"device\":\"cpu:0\",\"status\":\"skipped\",\"reason\":\"x\"}]}";
    assert_int_equal(check_text("nokernel.json", t2, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "$.records[1].kernel");
    /* top level */
    const char *t3 = "{\"schema_version\":\"1.0\",\"system\":{},\"records\":[]}";
    assert_int_equal(check_text("norun.json", t3, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "run");
    /* wrong type */
    const char *t4 = "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":{}}";
    assert_int_equal(check_text("recobj.json", t4, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "records");
    /* not an object at all */
    assert_int_equal(check_text("array.json", "[1, 2]", err, sizeof err, NULL, 0), HB_E_INVALID);
}

static void test_check_unknown_status(void **state) {
    (void)state;
    char err[1024];
    const char *t = "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":["
                    "{\"kernel\":\"gemm\",\"variant\":\"f64\",\"device\":\"cpu:0\",\"status\":"
                    "\"great\",\"reason\":\"\"}]}";
    assert_int_equal(check_text("status.json", t, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "$.records[0].status");
    assert_contains(err, "great");
}

static void test_check_schema_version(void **state) {
    (void)state;
    char err[1024];
    const char *t = "{\"schema_version\":\"2.0\",\"system\":{},\"run\":{},\"records\":[]}";
    assert_int_equal(check_text("v2.json", t, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "schema_version");
    assert_contains(err, "2.0");
    const char *t2 = "{\"schema_version\":1,\"system\":{},\"run\":{},\"records\":[]}";
    assert_int_equal(check_text("vnum.json", t2, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "schema_version");
}

static void test_check_ok_without_rate(void **state) {
    (void)state;
    char err[1024];
    const char *t = "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":["
                    "{\"kernel\":\"gemm\",\"variant\":\"f64\",\"device\":\"cpu:0\",\"status\":"
                    "\"ok\",\"reason\":\"\"}]}";
    assert_int_equal(check_text("norate.json", t, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "$.records[0].rate");
    const char *t2 = "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":["
                     "{\"kernel\":\"gemm\",\"variant\":\"f64\",\"device\":\"cpu:0\",\"status\":"
                     "\"ok\",\"reason\":\"\","
                     "\"rate\":{\"value\":\"fast\"}}]}";
    assert_int_equal(check_text("strrate.json", t2, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "rate");
    /* a rate for an unverified result is not a result */
    const char *t3 = "{\"schema_version\":\"1.0\",\"system\":{},\"run\":{},\"records\":["
                     "{\"kernel\":\"gemm\",\"variant\":\"f64\",\"device\":\"cpu:0\",\"status\":"
                     "\"ok\",\"reason\":\"\",\"rate\":{\"value\":3.5},"
                     "\"verification\":{\"passed\":true,\"after_timing\":{\"passed\":false}}}]}";
    assert_int_equal(check_text("unverified.json", t3, err, sizeof err, NULL, 0), HB_E_INVALID);
    assert_contains(err, "$.records[0].verification.passed");
}

int main(int argc, char **argv) {
    (void)argc, (void)argv;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_check_syntax_error_status_ignores_stale_errno,
                                        setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_write_atomic_round_trip, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_write_atomic_missing_dir, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_write_atomic_dest_is_dir, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_writable, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_valid, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_syntax_error_names_file_and_line, setup_dir,
                                        teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_missing_file, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_missing_fields, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_unknown_status, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_schema_version, setup_dir, teardown_dir),
        cmocka_unit_test_setup_teardown(test_check_ok_without_rate, setup_dir, teardown_dir),
    };
    return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
