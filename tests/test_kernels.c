/* The every-kernel test (after ggml's test-backend-ops): for every device, kernel, variant,
 * operation, implementation of the device's platform, base-GEMM ISA and several sizes
 * (including odd ones that are multiples of no block size), set up the seeded problem, run the
 * implementation as the runner does, and check that
 *   1. the kernel's verification passes after one run and again after a second run;
 *   2. after kernel->corrupt() damages one output element, verification FAILS.
 * Unsupported combinations are skipped with their reason and counted. */
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "internal.h"
#include "kernels/gemm/gemm_base.h"

static hb_context *g_ctx;

static const hb_size gemm_sizes[] = {
    {1, 1, 1}, {7, 5, 3}, {33, 17, 65}, {129, 67, 255}, {300, 301, 257}};
/* 256: the OpenCL LU pads the leading dimension of n that are multiples of 128 */
static const hb_size lu_sizes[] = {{0, 1, 0},   {0, 2, 0},   {0, 17, 0},  {0, 100, 0},
                                   {0, 256, 0}, {0, 257, 0}, {0, 1001, 0}};
static const hb_size stream_sizes[] = {{0, 1, 0}, {0, 1000, 0}, {0, 100003, 0}};
static const char *const isas[] = {"generic", "avx2", "avx512", "neon"};

typedef struct counts {
    int verified, unsupported, failed;
} counts;

static void size_text(const hb_kernel *k, const hb_size *s, char *buf, size_t n) {
    if (k->size_dims == 3)
        snprintf(buf, n, "%lldx%lldx%lld", (long long)s->m, (long long)s->n, (long long)s->k);
    else
        snprintf(buf, n, "%lld", (long long)s->n);
}

/* One combination. Returns 1 verified, 0 unsupported; fails the test on errors. */
static int run_one(const hb_device *dev, const hb_kernel *k, hb_variant v, int op,
                   const hb_impl *im, const char *isa, const hb_size *size, counts *c) {
    char sz[64], what[256];
    size_text(k, size, sz, sizeof sz);
    snprintf(what, sizeof what, "%s%s%s %s %s/%s%s%s %s on %s", k->name, k->nops ? "." : "",
             k->nops ? k->ops[op] : "", hb_variant_name(v), hb_impl_kind_name(im->kind), im->name,
             isa ? " isa=" : "", isa ? isa : "", sz, dev->info.id);

    hb_problem p = {.kernel = k, .variant = v, .op = op, .size = *size, .seed = 1234};
    char why[256] = "";
    if (!(im->variants & HB_VARIANT_BIT(v))) {
        print_message("  skip %s: implementation has no %s variant\n", what, hb_variant_name(v));
        c->unsupported++;
        return 0;
    }
    if (im->supports) {
        hb_status s = im->supports(dev, &p, why, sizeof why);
        if (s == HB_UNSUPPORTED || s == HB_SKIPPED) {
            print_message("  skip %s: %s\n", what, why[0] ? why : hb_status_name(s));
            c->unsupported++;
            return 0;
        }
        if (s != HB_OK) fail_msg("%s: supports() returned %s", what, hb_status_name(s));
    }
    char err[512] = "";
    hb_status s = k->setup(&p, err, sizeof err);
    if (s != HB_OK) fail_msg("%s: kernel setup: %s %s", what, hb_status_name(s), err);
    assert_non_null(p.data);

    void *st = NULL;
    s = im->setup(dev, &p, &st, err, sizeof err);
    if (s != HB_OK) fail_msg("%s: impl setup: %s %s", what, hb_status_name(s), err);
    if (im->detail) assert_non_null(im->detail(st));

    for (int rep = 0; rep < 2; rep++) {
        if (im->reset && (s = im->reset(st)) != HB_OK)
            fail_msg("%s: reset: %s", what, hb_status_name(s));
        if ((s = im->run(st)) != HB_OK) fail_msg("%s: run: %s", what, hb_status_name(s));
        if (im->finish && (s = im->finish(st)) != HB_OK)
            fail_msg("%s: finish: %s", what, hb_status_name(s));
        hb_verification ver;
        memset(&ver, 0, sizeof ver);
        if ((s = k->verify(&p, &ver)) != HB_OK) fail_msg("%s: verify: %s", what, hb_status_name(s));
        if (!ver.passed) {
            c->failed++;
            fail_msg("%s: verification FAILED after run %d: %s = %.6g (threshold %.6g) %s", what,
                     rep + 1, ver.metric_name ? ver.metric_name : "?", ver.metric, ver.threshold,
                     ver.detail);
        }
        assert_non_null(ver.metric_name);
    }
    /* negative test: a damaged output must be rejected */
    assert_non_null(k->corrupt);
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
    c->verified++;
    return 1;
}

static void sizes_of(const hb_kernel *k, const hb_size **sizes, size_t *n) {
    if (!strcmp(k->name, "gemm"))
        *sizes = gemm_sizes, *n = sizeof gemm_sizes / sizeof *gemm_sizes;
    else if (!strcmp(k->name, "lu"))
        *sizes = lu_sizes, *n = sizeof lu_sizes / sizeof *lu_sizes;
    else if (!strcmp(k->name, "stream"))
        *sizes = stream_sizes, *n = sizeof stream_sizes / sizeof *stream_sizes;
    else {
        /* a kernel this test does not know yet: small odd sizes */
        static const hb_size other[] = {{1, 1, 1}, {17, 17, 17}, {131, 131, 131}};
        *sizes = other, *n = 3;
    }
}

static void test_kernel(void **state) {
    const hb_kernel *k = *state;
    counts c = {0, 0, 0};
    const hb_size *sizes;
    size_t nsizes;
    sizes_of(k, &sizes, &nsizes);
    int is_gemm = !strcmp(k->name, "gemm");
    int nimpls_seen = 0;

    /* HB_TEST_DEVICES (a device selector, e.g. "opencl") limits the test to those devices:
       scripts/device-check-opencl runs it on a GPU machine's OpenCL devices only */
    const char *only = getenv("HB_TEST_DEVICES");
    size_t sel[64], nsel = only ? hb_device_select(g_ctx, only, sel, 64) : 0;
    for (size_t d = 0; d < hb_device_count(g_ctx); d++) {
        const hb_device *dev = hb_device_at(g_ctx, d);
        int chosen = !only;
        for (size_t i = 0; i < nsel; i++) chosen |= sel[i] == d;
        if (!chosen) continue;
        for (size_t ii = 0; ii < dev->platform->nimpls; ii++) {
            const hb_impl *im = &dev->platform->impls[ii];
            if (strcmp(im->kernel, k->name) != 0) continue;
            nimpls_seen++;
            assert_non_null(im->setup);
            assert_non_null(im->run);
            assert_non_null(im->teardown);
            int base_cpu_gemm =
                is_gemm && im->kind == HB_IMPL_BASE && !strcmp(dev->platform->name, "cpu");
            size_t nisa = base_cpu_gemm ? sizeof isas / sizeof *isas : 1;
            for (size_t ia = 0; ia < nisa; ia++) {
                const char *isa = NULL;
                if (base_cpu_gemm) {
                    isa = isas[ia];
                    if (!hb__gemm_isa_available(isa)) {
                        print_message("  isa %s not available on this build/CPU\n", isa);
                        assert_int_equal(hb__gemm_select_isa(isa), -1);
                        continue;
                    }
                    assert_int_equal(hb__gemm_select_isa(isa), 0);
                    assert_string_equal(hb__gemm_isa(), isa);
                }
                for (int v = 0; v < HB_NVARIANTS; v++) {
                    if (!(k->variants & HB_VARIANT_BIT(v))) continue;
                    int nops = k->nops > 0 ? k->nops : 1;
                    for (int op = 0; op < nops; op++)
                        for (size_t si = 0; si < nsizes; si++)
                            run_one(dev, k, (hb_variant)v, op, im, isa, &sizes[si], &c);
                }
            }
            if (base_cpu_gemm) hb__gemm_select_isa(NULL);
        }
    }
    printf("[ SUMMARY  ] kernel %-7s %4d combinations verified (incl. corrupt check), %3d "
           "unsupported, "
           "%d implementations\n",
           k->name, c.verified, c.unsupported, nimpls_seen);
    fflush(stdout);
    if (only && nimpls_seen == 0) return; /* not implemented on the selected devices */
    assert_true(nimpls_seen > 0);
    /* every kernel is verified somewhere — except one that only accelerators can run
       (transfer) on a machine without any: then every case must be unsupported with a
       reason, which run_one already required */
    if (strcmp(k->name, "transfer") != 0 || hb_device_count(g_ctx) > 1)
        assert_true(c.verified > 0);
    else
        assert_true(c.unsupported > 0);
    assert_int_equal(c.failed, 0);
}

static void test_gemm_isa_dispatch(void **state) {
    (void)state;
    assert_true(hb__gemm_isa_available("generic"));
    assert_false(hb__gemm_isa_available("sse9000"));
    assert_int_equal(hb__gemm_select_isa("sse9000"), -1);
    assert_int_equal(hb__gemm_select_isa(NULL), 0);
    const char *best = hb__gemm_isa();
    assert_non_null(best);
    assert_true(hb__gemm_isa_available(best));
    assert_int_equal(hb__gemm_select_isa("generic"), 0);
    assert_string_equal(hb__gemm_isa(), "generic");
    assert_int_equal(hb__gemm_select_isa(NULL), 0);
    assert_string_equal(hb__gemm_isa(), best);
    print_message("  best base GEMM ISA here: %s\n", best);
}

static void test_every_kernel_has_hooks(void **state) {
    (void)state;
    assert_true(hb_kernel_count() >= 3);
    for (size_t i = 0; i < hb_kernel_count(); i++) {
        const hb_kernel *k = hb_kernel_at(i);
        assert_non_null(k);
        assert_ptr_equal(hb_kernel_find(k->name), k);
        assert_non_null(k->setup);
        assert_non_null(k->verify);
        assert_non_null(k->corrupt);
        assert_non_null(k->teardown);
        assert_non_null(k->default_size);
        assert_true(k->variants != 0);
    }
    assert_null(hb_kernel_find("nope"));
    assert_null(hb_kernel_at(hb_kernel_count()));
}

static int group_setup(void **state) {
    (void)state;
    hb_platform_config cfg = {.threads = 2, .bind = 0, .quiet = 1};
    char err[512] = "";
    if (hb_context_create(&g_ctx, &cfg, err, sizeof err) != HB_OK) {
        fprintf(stderr, "hb_context_create: %s\n", err);
        return -1;
    }
    if (hb_device_count(g_ctx) == 0) return -1;
    /* HB_TEST_DEVICES naming devices this machine does not have (the CUDA platform built on a
       machine without a GPU): nothing to test — skip (ctest: 77) and say why */
    const char *only = getenv("HB_TEST_DEVICES");
    size_t sel[64];
    if (only && hb_device_select(g_ctx, only, sel, 64) == 0) {
        printf("SKIP: no device matches HB_TEST_DEVICES=%s", only);
        for (size_t i = 0; i < hb_platform_count(g_ctx); i++) {
            const hb_platform *p = hb_platform_at(g_ctx, i);
            hb_prop props[HB_MAX_PROPS];
            int np = p->platform_props && !strncmp(only, p->name, strlen(p->name))
                         ? p->platform_props(hb__platform_ctx(g_ctx, i), props, HB_MAX_PROPS)
                         : 0;
            for (int k = 0; k < np && k < HB_MAX_PROPS; k++)
                if (!strcmp(props[k].key, "status"))
                    printf(" (platform %s: %s)", p->name, props[k].value);
        }
        printf("\n");
        fflush(stdout);
        hb_context_destroy(g_ctx);
        exit(77);
    }
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    hb__gemm_select_isa(NULL);
    hb_context_destroy(g_ctx);
    return 0;
}

int main(void) {
    struct CMUnitTest tests[3 + 16];
    size_t n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_every_kernel_has_hooks);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_gemm_isa_dispatch);
    static char names[16][64];
    for (size_t i = 0; i < hb_kernel_count() && i < 16; i++) {
        snprintf(names[i], sizeof names[i], "every_combination_%s", hb_kernel_at(i)->name);
        tests[n++] =
            (struct CMUnitTest){names[i], test_kernel, NULL, NULL, (void *)hb_kernel_at(i)};
    }
    return _cmocka_run_group_tests("kernels", tests, n, group_setup, group_teardown);
}
