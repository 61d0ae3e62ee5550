/* Plugin loading: a good plugin (platform "fake", device fake:0, its own stream
 * implementation) is registered, selectable and runs to ok records; a plugin of another ABI
 * version is rejected with a message naming the ABI. */
#include <dirent.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hb_test.h"

#include "hetbench/hetbench.h"

#ifndef HB_PLUGIN_GOOD_DIR
#error "HB_PLUGIN_GOOD_DIR must be defined"
#endif

static hb_context *make_ctx(const char *plugin_path) {
    if (plugin_path)
        setenv("HETBENCH_PLUGIN_PATH", plugin_path, 1);
    else
        unsetenv("HETBENCH_PLUGIN_PATH");
    hb_platform_config cfg = {.threads = 2, .bind = 0, .quiet = 1};
    hb_context *ctx = NULL;
    char err[512] = "";
    if (hb_context_create(&ctx, &cfg, err, sizeof err) != HB_OK)
        fail_msg("hb_context_create: %s", err);
    return ctx;
}

/* The built-in platforms of this build (cpu, and opencl when built with it). */
static size_t builtin_platforms(void) {
    hb_context *ctx = make_ctx(NULL);
    size_t n = hb_platform_count(ctx);
    hb_context_destroy(ctx);
    return n;
}

static const hb_device *find_dev(hb_context *ctx, const char *id) {
    for (size_t i = 0; i < hb_device_count(ctx); i++)
        if (!strcmp(hb_device_at(ctx, i)->info.id, id)) return hb_device_at(ctx, i);
    return NULL;
}

static void print_problems(hb_context *ctx) {
    for (size_t i = 0; i < hb_plugin_problem_count(ctx); i++)
        print_message("  plugin problem: %s\n", hb_plugin_problem_at(ctx, i));
}

static void test_good_plugin_registers(void **state) {
    (void)state;
    hb_context *ctx = make_ctx(HB_PLUGIN_GOOD_DIR);
    print_problems(ctx);
    assert_int_equal(hb_plugin_problem_count(ctx), 0);
    const hb_device *d = find_dev(ctx, "fake:0");
    if (!d) fail_msg("no device fake:0 with HETBENCH_PLUGIN_PATH=%s", HB_PLUGIN_GOOD_DIR);
    assert_string_equal(d->platform->name, "fake");
    assert_string_equal(d->info.name, "Fake Test Accelerator");
    assert_non_null(find_dev(ctx, "cpu:0")); /* the built-in platform is still there */
    assert_int_equal(hb_platform_count(ctx), builtin_platforms() + 1);

    size_t idx[8];
    size_t n = hb_device_select(ctx, "fake", idx, 8);
    assert_int_equal(n, 1);
    assert_string_equal(hb_device_at(ctx, idx[0])->info.id, "fake:0");
    n = hb_device_select(ctx, "fake:0", idx, 8);
    assert_int_equal(n, 1);
    assert_string_equal(hb_device_at(ctx, idx[0])->info.id, "fake:0");
    n = hb_device_select(ctx, "test accel", idx, 8); /* case-insensitive name substring */
    assert_int_equal(n, 1);
    assert_string_equal(hb_device_at(ctx, idx[0])->info.id, "fake:0");
    assert_int_equal(hb_device_select(ctx, "fake:1", idx, 8), 0);

    /* the system description lists the plugin device */
    char *sys = hb_system_json(ctx);
    assert_non_null(sys);
    assert_contains(sys, "fake:0");
    free(sys);
    hb_context_destroy(ctx);
}

/* Options for a quick-suite run of stream on the fake device, written to out. */
static void fake_stream_options(hb_run_options *o, int impl_mask, double min_time, int64_t n,
                                const char *out) {
    hb_run_options_default(o, HB_SUITE_QUICK);
    o->devices = "fake:0";
    o->kernels = "stream";
    o->impl_mask = impl_mask;
    o->min_time = min_time;
    o->size.n = n;
    o->output = out;
    o->command_line = "test_plugin";
}

static void test_good_plugin_runs(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-test-plugin-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[256];
    snprintf(out, sizeof out, "%s/fake.json", dir);

    hb_context *ctx = make_ctx(HB_PLUGIN_GOOD_DIR);
    hb_run_options o; /* base: the faulty peak impl has its own test; n odd, small */
    fake_stream_options(&o, HB_IMPL_MASK_BASE, 0.01, 100003, out);
    o.meters = "none"; /* a node-level meter would stretch the windows: "goal" is asserted */
    hb_run_summary sum;
    char err[1024] = "";
    hb_status s = hb_run(ctx, &o, &sum, NULL, err, sizeof err);
    hb_context_destroy(ctx);
    if (s != HB_OK) fail_msg("hb_run: %s: %s", hb_status_name(s), err);
    assert_int_equal(sum.total, 8); /* f64, f32 x copy, scale, add, triad */
    assert_int_equal(sum.ok, 8);
    assert_int_equal(sum.failed_verification + sum.error + sum.interrupted, 0);

    json_error_t je;
    json_t *doc = json_load_file(out, 0, &je);
    if (!doc) fail_msg("%s: %s (line %d)", out, je.text, je.line);
    json_t *recs = json_object_get(doc, "records");
    assert_true(json_is_array(recs));
    assert_int_equal(json_array_size(recs), 8);
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r) {
        assert_string_equal(json_string_value(json_object_get(r, "status")), "ok");
        assert_string_equal(json_string_value(json_object_get(r, "device")), "fake:0");
        assert_string_equal(json_string_value(json_object_get(r, "kernel")), "stream");
        json_t *im = json_object_get(r, "implementation");
        assert_string_equal(json_string_value(json_object_get(im, "name")), "fake-loops");
        json_t *rate = json_object_get(r, "rate");
        assert_true(json_is_number(json_object_get(rate, "value")));
        assert_true(json_number_value(json_object_get(rate, "value")) > 0);
        assert_string_equal(json_string_value(json_object_get(rate, "unit")), "GB/s");
        json_t *tm = json_object_get(r, "timing");
        assert_true(json_integer_value(json_object_get(tm, "repetitions")) >= 5);
        assert_string_equal(json_string_value(json_object_get(tm, "stopped_by")), "goal");
    }
    json_decref(doc);
    assert_int_equal(hb_result_check_file(out, err, sizeof err), HB_OK);
    unlink(out);
    rmdir(dir);
}

/* A repetition whose untimed part (here a reset that sleeps 4 ms) dwarfs the timed one (a few
   microseconds): repetitions counted from the timed part alone would take 100000 x 4 ms. The
   runner's wall-clock limit stops the loop and the record says so, with its figures. */
static void test_wall_limit_stops_slow_resets(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-test-plugin-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[256];
    snprintf(out, sizeof out, "%s/slow.json", dir);
    setenv("HB_FAKE_RESET_SLEEP_MS", "4", 1);
    hb_context *ctx = make_ctx(HB_PLUGIN_GOOD_DIR);
    hb_run_options o;
    fake_stream_options(&o, HB_IMPL_MASK_BASE, 0.1, 1000, out);
    o.precisions = "f32";
    o.meters = "none";
    o.idle_seconds = 0;
    hb_run_summary sum;
    char err[1024] = "";
    hb_status s = hb_run(ctx, &o, &sum, NULL, err, sizeof err);
    hb_context_destroy(ctx);
    unsetenv("HB_FAKE_RESET_SLEEP_MS");
    if (s != HB_OK) fail_msg("hb_run: %s: %s", hb_status_name(s), err);
    assert_int_equal(sum.total, 4);
    assert_int_equal(sum.ok, 4);
    json_error_t je;
    json_t *doc = json_load_file(out, 0, &je);
    if (!doc) fail_msg("%s: %s (line %d)", out, je.text, je.line);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "records"), i, r) {
        json_t *tm = json_object_get(r, "timing");
        double limit = json_number_value(json_object_get(tm, "wall_limit"));
        double loop = json_number_value(json_object_get(tm, "loop_seconds"));
        long long reps = json_integer_value(json_object_get(tm, "repetitions"));
        assert_double_equal(limit, 3 * 0.1 + 1.0, 1e-9);
        assert_string_equal(json_string_value(json_object_get(tm, "stopped_by")), "wall_limit");
        assert_true(json_is_false(json_object_get(tm, "min_time_reached")));
        /* stopped within one repetition of the limit, not after 100000 of them */
        if (!(loop >= limit && loop < limit + 0.5))
            fail_msg("loop %.3f s for a wall limit of %.3f s", loop, limit);
        assert_true(reps >= 5 && reps < 1000);
        const char *why = json_string_value(json_object_get(r, "reason"));
        if (!strstr(why, "wall-clock limit")) fail_msg("reason: %s", why);
    }
    json_decref(doc);
    assert_int_equal(hb_result_check_file(out, err, sizeof err), HB_OK);
    unlink(out);
    rmdir(dir);
}

static void test_bad_abi_rejected(void **state) {
    (void)state;
    hb_context *ctx = make_ctx(HB_PLUGIN_BAD_DIR);
    print_problems(ctx);
    assert_null(find_dev(ctx, "fake:0"));
    size_t idx[8];
    assert_int_equal(hb_device_select(ctx, "fake", idx, 8), 0);
    assert_true(hb_plugin_problem_count(ctx) > 0);
    int abi = 0;
    for (size_t i = 0; i < hb_plugin_problem_count(ctx); i++)
        if (strstr(hb_plugin_problem_at(ctx, i), "ABI")) abi = 1;
    if (!abi) fail_msg("no plugin problem mentions the ABI: %s", hb_plugin_problem_at(ctx, 0));
    assert_int_equal(hb_platform_count(ctx), builtin_platforms());
    assert_non_null(find_dev(ctx, "cpu:0"));
    hb_context_destroy(ctx);
}

static void test_bad_then_good_on_path(void **state) {
    (void)state;
    hb_context *ctx = make_ctx(HB_PLUGIN_BAD_DIR ":" HB_PLUGIN_GOOD_DIR ":/nonexistent-hb-plugins");
    print_problems(ctx);
    assert_non_null(find_dev(ctx, "fake:0"));
    assert_int_equal(hb_plugin_problem_count(ctx), 2); /* bad ABI + missing directory */
    int missing = 0;
    for (size_t i = 0; i < hb_plugin_problem_count(ctx); i++)
        if (strstr(hb_plugin_problem_at(ctx, i), "/nonexistent-hb-plugins")) missing = 1;
    assert_true(missing);
    hb_context_destroy(ctx);
}

static void test_no_plugin_path(void **state) {
    (void)state;
    hb_context *ctx = make_ctx(NULL);
    assert_null(find_dev(ctx, "fake:0"));
    assert_int_equal(hb_plugin_problem_count(ctx), 0);
    assert_int_equal(hb_platform_count(ctx), builtin_platforms());
    hb_context_destroy(ctx);
}

/* A device that fails in the middle of a measurement, and one that returns a wrong result:
   each becomes a record with that status and a reason, the run goes on to the end, and
   nothing gets a rate. */
static void test_faulty_plugin_records(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-test-faulty-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char out[256];
    snprintf(out, sizeof out, "%s/faulty.json", dir);
    hb_context *ctx = make_ctx(HB_PLUGIN_GOOD_DIR);
    hb_run_options o;
    fake_stream_options(&o, HB_IMPL_MASK_PEAK, 0.01, 1001, out);
    hb_run_summary sum;
    char err[1024] = "";
    hb_status s = hb_run(ctx, &o, &sum, NULL, err, sizeof err);
    hb_context_destroy(ctx);
    if (s != HB_OK) fail_msg("hb_run: %s: %s", hb_status_name(s), err);
    assert_int_equal(sum.total, 8);
    assert_int_equal(sum.error, 4);               /* f64: repetition 1 fails */
    assert_int_equal(sum.failed_verification, 4); /* f32: last element missing */
    assert_int_equal(sum.ok, 0);

    json_error_t je;
    json_t *doc = json_load_file(out, 0, &je);
    if (!doc) fail_msg("%s: %s (line %d)", out, je.text, je.line);
    assert_true(json_is_true(json_object_get(json_object_get(doc, "summary"), "complete")));
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(doc, "records"), i, r) {
        const char *v = json_string_value(json_object_get(r, "variant"));
        const char *st = json_string_value(json_object_get(r, "status"));
        const char *reason = json_string_value(json_object_get(r, "reason"));
        assert_null(json_object_get(r, "rate"));
        if (!strcmp(v, "f64")) {
            assert_string_equal(st, "error");
            assert_contains(reason, "repetition 1 failed");
            /* the plugin's own account of the failure (hb_impl.last_error, ABI 3) */
            assert_contains(reason, "FAKE_ERROR_DEVICE_LOST (-42) from fake_sync after 3 runs");
            /* a text that is not UTF-8, or is cut inside a character, still gives the reason
               (jansson refuses such a string: the record kept an older reason) */
            const char *op = json_string_value(json_object_get(r, "operation"));
            if (!strcmp(op, "triad")) assert_contains(reason, "设备丢失设备丢失");
        } else {
            assert_string_equal(st, "failed_verification");
            assert_contains(reason, "max_rel_err");
            assert_false(
                json_is_true(json_object_get(json_object_get(r, "verification"), "passed")));
        }
    }
    json_decref(doc);
    unlink(out);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_plugin_registers),
        cmocka_unit_test(test_good_plugin_runs),
        cmocka_unit_test(test_bad_abi_rejected),
        cmocka_unit_test(test_bad_then_good_on_path),
        cmocka_unit_test(test_no_plugin_path),
        cmocka_unit_test(test_faulty_plugin_records),
        cmocka_unit_test(test_wall_limit_stops_slow_resets),
    };
    return cmocka_run_group_tests_name("plugin", tests, NULL, NULL);
}
