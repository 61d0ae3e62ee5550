/* OpenCL gemm: the project's tiled kernel (base, "hetbench-opencl") and CLBlast (peak) on every
 * OpenCL device (PoCL in CI), at odd sizes that are multiples of no tile, verified by the gemm
 * descriptor's own verify(); a corrupted output must fail verification; the tile search's
 * choice is named in detail(); f16 base reads its inputs with vload_half, and f16 peak is
 * unsupported, with the reason, where the device lacks cl_khr_fp16. */
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "internal.h"
#include "platforms/opencl/ocl.h"

static hb_context *g_ctx;

static const hb_size sizes[] = {
    {1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {129, 67, 255}, {300, 301, 257}};
#define NSIZES (sizeof sizes / sizeof *sizes)

static const hb_impl *find_impl(const hb_device *dev, hb_impl_kind kind) {
    for (size_t i = 0; i < dev->platform->nimpls; i++) {
        const hb_impl *im = &dev->platform->impls[i];
        if (!strcmp(im->kernel, "gemm") && im->kind == kind) return im;
    }
    return NULL;
}

/* Runs one combination like the runner; returns 1 verified, 0 unsupported (why filled). */
static int run_one(const hb_device *dev, const hb_impl *im, hb_variant v, const hb_size *size,
                   char *detail, size_t dn, char *why, size_t wn) {
    char what[160];
    snprintf(what, sizeof what, "gemm %s %s/%s %lldx%lldx%lld on %s", hb_variant_name(v),
             hb_impl_kind_name(im->kind), im->name, (long long)size->m, (long long)size->n,
             (long long)size->k, dev->info.id);
    const hb_kernel *k = hb_kernel_find("gemm");
    assert_non_null(k);
    hb_problem p = {.kernel = k, .variant = v, .size = *size, .seed = 1234};
    why[0] = 0;
    if (!(im->variants & HB_VARIANT_BIT(v))) {
        snprintf(why, wn, "no %s variant", hb_variant_name(v));
        return 0;
    }
    if (im->supports) {
        hb_status s = im->supports(dev, &p, why, wn);
        if (s == HB_UNSUPPORTED || s == HB_SKIPPED) {
            print_message("  skip %s: %s\n", what, why);
            return 0;
        }
        if (s != HB_OK) fail_msg("%s: supports() returned %s", what, hb_status_name(s));
    }
    char err[512] = "";
    hb_status s = k->setup(&p, err, sizeof err);
    if (s != HB_OK) fail_msg("%s: kernel setup: %s %s", what, hb_status_name(s), err);
    void *st = NULL;
    s = im->setup(dev, &p, &st, err, sizeof err);
    if (s != HB_OK) fail_msg("%s: impl setup: %s %s", what, hb_status_name(s), err);
    assert_non_null(im->detail);
    assert_non_null(im->detail(st));
    snprintf(detail, dn, "%s", im->detail(st));
    for (int rep = 0; rep < 2; rep++) {
        if (im->reset && (s = im->reset(st)) != HB_OK)
            fail_msg("%s: reset: %s", what, hb_status_name(s));
        if ((s = im->run(st)) != HB_OK) fail_msg("%s: run: %s", what, hb_status_name(s));
        /* the base kernel is timed by its event; CLBlast by the host clock on purpose (it
           hands the caller's event to its last kernel only) */
        if (im->kind == HB_IMPL_BASE) {
            assert_non_null(im->device_seconds);
            double ds = im->device_seconds(st);
            /* < 0: shorter than the timer can tell (the runner uses the host time) */
            if (!(ds > 0 || ds == -1.0)) fail_msg("%s: device_seconds = %g", what, ds);
        } else
            assert_null(im->device_seconds);
        if (im->finish && (s = im->finish(st)) != HB_OK)
            fail_msg("%s: finish: %s", what, hb_status_name(s));
        hb_verification ver;
        memset(&ver, 0, sizeof ver);
        if ((s = k->verify(&p, &ver)) != HB_OK) fail_msg("%s: verify: %s", what, hb_status_name(s));
        if (!ver.passed)
            fail_msg("%s: verification FAILED after run %d: %s = %.6g (threshold %.6g) %s", what,
                     rep + 1, ver.metric_name ? ver.metric_name : "?", ver.metric, ver.threshold,
                     ver.detail);
    }
    k->corrupt(&p);
    hb_verification bad;
    memset(&bad, 0, sizeof bad);
    if ((s = k->verify(&p, &bad)) != HB_OK)
        fail_msg("%s: verify (corrupted): %s", what, hb_status_name(s));
    if (bad.passed)
        fail_msg("%s: verification PASSED a corrupted output: %s = %.6g (threshold %.6g)", what,
                 bad.metric_name ? bad.metric_name : "?", bad.metric, bad.threshold);
    im->teardown(st);
    k->teardown(&p);
    assert_null(p.data);
    print_message("  ok %s\n", what);
    return 1;
}

static int opencl_devices(void) {
    int n = 0;
    for (size_t d = 0; d < hb_device_count(g_ctx); d++)
        if (hb__ocl_dev(hb_device_at(g_ctx, d))) n++;
    return n;
}

static void check_impl(hb_impl_kind kind) {
    if (opencl_devices() == 0) skip();
    int verified = 0;
    for (size_t d = 0; d < hb_device_count(g_ctx); d++) {
        const hb_device *dev = hb_device_at(g_ctx, d);
        hb__ocl_device *od = hb__ocl_dev(dev);
        if (!od) continue;
        const hb_impl *im = find_impl(dev, kind);
#if !defined(HB_HAVE_CLBLAST)
        if (kind == HB_IMPL_PEAK && !im) skip();
#endif
        assert_non_null(im);
        const hb_variant vs[] = {HB_F32, HB_F64};
        for (size_t vi = 0; vi < 2; vi++) {
            for (size_t si = 0; si < NSIZES; si++) {
                char detail[512], why[512];
                int ok =
                    run_one(dev, im, vs[vi], &sizes[si], detail, sizeof detail, why, sizeof why);
                if (!ok) {
                    /* only f64 on a device without cl_khr_fp64 may be refused */
                    assert_true(vs[vi] == HB_F64 && !od->has_fp64);
                    assert_non_null(strstr(why, "cl_khr_fp64"));
                    continue;
                }
                verified++;
                if (kind == HB_IMPL_BASE) {
                    if (!strstr(detail, "chosen by search among") || !strstr(detail, "TM=") ||
                        !strstr(detail, od->name))
                        fail_msg("base detail does not name the tile search: %s", detail);
                } else if (!strstr(detail, "CLBlast"))
                    fail_msg("peak detail does not name CLBlast: %s", detail);
                if (si == 0) print_message("  detail: %s\n", detail);
            }
        }
    }
    assert_true(verified > 0);
}

static void test_base_f32_f64(void **state) {
    (void)state;
    check_impl(HB_IMPL_BASE);
}

static void test_peak_f32_f64(void **state) {
    (void)state;
    check_impl(HB_IMPL_PEAK);
}

static void test_f16(void **state) {
    (void)state;
    if (opencl_devices() == 0) skip();
    for (size_t d = 0; d < hb_device_count(g_ctx); d++) {
        const hb_device *dev = hb_device_at(g_ctx, d);
        hb__ocl_device *od = hb__ocl_dev(dev);
        if (!od) continue;
        char detail[512], why[512];
        const hb_impl *base = find_impl(dev, HB_IMPL_BASE);
        assert_non_null(base);
        for (size_t si = 0; si < NSIZES; si++) /* vload_half: no cl_khr_fp16 needed */
            assert_int_equal(
                run_one(dev, base, HB_F16, &sizes[si], detail, sizeof detail, why, sizeof why), 1);
        const hb_impl *peak = find_impl(dev, HB_IMPL_PEAK);
        if (!peak) continue;
        int ok = run_one(dev, peak, HB_F16, &sizes[2], detail, sizeof detail, why, sizeof why);
        if (!od->has_fp16) {
            assert_int_equal(ok, 0);
            if (!strstr(why, "cl_khr_fp16")) fail_msg("f16 peak refused without reason: %s", why);
        }
    }
}

/* The search problem grows with the device: the largest tile (128x128) must still give every
   compute unit two work-groups, else a big GPU idles and the search picks the smallest tile. */
static void test_search_size(void **state) {
    (void)state;
    assert_int_equal(hb__gemm_ocl_search_n(1), 512);
    assert_int_equal(hb__gemm_ocl_search_n(2), 512);    /* PoCL on CI's 2 cores: as before */
    assert_int_equal(hb__gemm_ocl_search_n(16), 768);   /* 6² = 36 >= 32 */
    assert_int_equal(hb__gemm_ocl_search_n(80), 1664);  /* 13² = 169 >= 160 */
    assert_int_equal(hb__gemm_ocl_search_n(132), 2048); /* H100: 17 x 128, capped */
    assert_int_equal(hb__gemm_ocl_search_n(0xffffffffu), 2048);
}

/* The search runs once per device and variant: a second setup reuses the choice. */
static void test_search_cached(void **state) {
    (void)state;
    if (opencl_devices() == 0) skip();
    for (size_t d = 0; d < hb_device_count(g_ctx); d++) {
        const hb_device *dev = hb_device_at(g_ctx, d);
        if (!hb__ocl_dev(dev)) continue;
        const hb_impl *base = find_impl(dev, HB_IMPL_BASE);
        char d1[512], d2[512], why[512];
        hb_size s = {65, 66, 67};
        assert_int_equal(run_one(dev, base, HB_F32, &s, d1, sizeof d1, why, sizeof why), 1);
        double t0 = hb__now();
        assert_int_equal(run_one(dev, base, HB_F32, &s, d2, sizeof d2, why, sizeof why), 1);
        print_message("  second setup+run: %.3f s\n", hb__now() - t0);
        assert_string_equal(d1, d2);
    }
}

/* Every row of the search's table, forced in turn (HB_GEMM_OCL_TILES), at the odd sizes: the
   search only ever times and checks complete tiles (N a multiple of 128), so a row's edge
   path is otherwise tested only where the search happens to choose that row. */
static void test_every_candidate(void **state) {
    (void)state;
    if (opencl_devices() == 0) skip();
    int rows[32][6];
    int nrows = hb__gemm_ocl_candidates(rows, 32);
    assert_true(nrows >= 1 && nrows <= 32);
    int verified = 0;
    for (int r = 0; r < nrows; r++) {
        char env[64];
        snprintf(env, sizeof env, "%d,%d,%d,%d,%d,%d", rows[r][0], rows[r][1], rows[r][2],
                 rows[r][3], rows[r][4], rows[r][5]);
        setenv("HB_GEMM_OCL_TILES", env, 1);
        hb__gemm_ocl_forget_tiles();
        for (size_t d = 0; d < hb_device_count(g_ctx); d++) {
            const hb_device *dev = hb_device_at(g_ctx, d);
            hb__ocl_device *od = hb__ocl_dev(dev);
            if (!od) continue;
            const hb_impl *im = find_impl(dev, HB_IMPL_BASE);
            assert_non_null(im);
            const hb_variant vs[] = {HB_F32, HB_F64};
            for (size_t vi = 0; vi < 2; vi++) {
                if (vs[vi] == HB_F64 && !od->has_fp64) continue;
                if (!hb__gemm_ocl_tiles_fit(od, rows[r], vs[vi])) {
                    print_message("  tiles %s do not fit %s (%s)\n", env, od->name,
                                  hb_variant_name(vs[vi]));
                    continue;
                }
                for (size_t si = 0; si < NSIZES; si++) {
                    char detail[512], why[512];
                    assert_int_equal(run_one(dev, im, vs[vi], &sizes[si], detail, sizeof detail,
                                             why, sizeof why),
                                     1);
                    if (!strstr(detail, "forced by HB_GEMM_OCL_TILES"))
                        fail_msg("HB_GEMM_OCL_TILES=%s: detail does not say so: %s", env, detail);
                    verified++;
                }
            }
        }
    }
    unsetenv("HB_GEMM_OCL_TILES");
    hb__gemm_ocl_forget_tiles();
    assert_true(verified > 0);
}

/* A malformed HB_GEMM_OCL_TILES or HB_GEMM_OCL_SEARCH_N is an error naming the variable, not
   a silent search. */
static void test_forced_tiles_invalid(void **state) {
    (void)state;
    if (opencl_devices() == 0) skip();
    static const struct {
        const char *var, *value;
    } bad[] = {
        {"HB_GEMM_OCL_TILES", "64,64,64"},
        {"HB_GEMM_OCL_TILES", "64,64,64,16,16,16,1"},
        {"HB_GEMM_OCL_TILES", "64,64,64,10,16,16"},
        {"HB_GEMM_OCL_TILES", "a,b,c,d,e,f"},
        {"HB_GEMM_OCL_TILES", "20,20,20,10,10,5"}, /* VW 5 */
        {"HB_GEMM_OCL_SEARCH_N", "10"},
        {"HB_GEMM_OCL_SEARCH_N", "1024x"},
    };
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        setenv(bad[b].var, bad[b].value, 1);
        hb__gemm_ocl_forget_tiles();
        for (size_t d = 0; d < hb_device_count(g_ctx); d++) {
            const hb_device *dev = hb_device_at(g_ctx, d);
            hb__ocl_device *od = hb__ocl_dev(dev);
            if (!od) continue;
            int tiles[6];
            const char *detail = NULL;
            char err[512] = "";
            hb_status s = hb__gemm_ocl_tiles(od, HB_F32, tiles, &detail, err, sizeof err);
            assert_int_equal(s, HB_E_INVALID);
            if (!strstr(err, bad[b].var)) fail_msg("%s=%s: %s", bad[b].var, bad[b].value, err);
        }
        unsetenv(bad[b].var);
    }
    hb__gemm_ocl_forget_tiles();
}

static int group_setup(void **state) {
    (void)state;
    hb_platform_config cfg = {.threads = 2, .bind = 0, .quiet = 1};
    char err[512] = "";
    if (hb_context_create(&g_ctx, &cfg, err, sizeof err) != HB_OK) {
        fprintf(stderr, "hb_context_create: %s\n", err);
        return -1;
    }
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    hb_context_destroy(g_ctx);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_f32_f64),
        cmocka_unit_test(test_peak_f32_f64),
        cmocka_unit_test(test_f16),
        cmocka_unit_test(test_search_size),
        cmocka_unit_test(test_search_cached),
        cmocka_unit_test(test_every_candidate),
        cmocka_unit_test(test_forced_tiles_invalid),
    };
    return cmocka_run_group_tests_name("opencl_gemm", tests, group_setup, group_teardown);
}
