/* The verification rules catch the errors they exist for, at the sizes the suites use, and pass
 * correct results of legitimate summation orders (base GEMM and the CBLAS provider), including
 * at large k. Each case runs the real kernel, damages the output in one specific way, and
 * checks the verdict. */
#include <math.h>
#include <stdlib.h>

#include "hb_test.h"
#include "internal.h"

enum damage { NONE, ONE_ELEMENT, ONE_COLUMN, ROUND_TO_F16, STALE };

static int verdict(const hb_impl *impl, hb_variant v, int64_t m, int64_t n, int64_t k,
                   enum damage dmg, double f) {
    hb_problem p = {.kernel = &hb__kernel_gemm, .variant = v, .size = {m, n, k}, .seed = 7};
    char err[256] = "";
    if (hb__kernel_gemm.setup(&p, err, sizeof err) != HB_OK) fail_msg("setup: %s", err);
    void *st = NULL;
    if (impl->setup(NULL, &p, &st, err, sizeof err) != HB_OK) fail_msg("impl setup: %s", err);
    if (dmg != STALE) assert_int_equal(impl->run(st), HB_OK);
    hb_gemm_data *d = p.data;
    for (int64_t i = 0; i < m * n; i++) {
        int hit = (dmg == ONE_ELEMENT && i == m * n / 2 + 3) || (dmg == ONE_COLUMN && i / m == 5) ||
                  dmg == ROUND_TO_F16;
        if (!hit) continue;
        if (v == HB_F64)
            ((double *)d->C)[i] *= 1 + f;
        else if (dmg == ROUND_TO_F16)
            ((float *)d->C)[i] = hb__f16_to_f32(hb__f32_to_f16(((float *)d->C)[i]));
        else
            ((float *)d->C)[i] *= (float)(1 + f);
    }
    hb_verification ver;
    assert_int_equal(hb__kernel_gemm.verify(&p, &ver), HB_OK);
    print_message("  %s %s %lldx%lldx%lld damage %d (%g): %s, metric %.3g, threshold %.3g\n",
                  impl->name, hb_variant_name(v), (long long)m, (long long)n, (long long)k, dmg, f,
                  ver.passed ? "passed" : "failed", ver.metric, ver.threshold);
    impl->teardown(st);
    hb__kernel_gemm.teardown(&p);
    return ver.passed;
}

static void test_gemm_correct_results_pass(void **state) {
    (void)state;
    assert_true(verdict(&hb__gemm_cpu_base, HB_F32, 1024, 1024, 1024, NONE, 0));
    assert_true(verdict(&hb__gemm_cpu_peak, HB_F32, 1024, 1024, 1024, NONE, 0));
    assert_true(verdict(&hb__gemm_cpu_base, HB_F64, 512, 512, 512, NONE, 0));
    assert_true(verdict(&hb__gemm_cpu_peak, HB_F64, 512, 512, 512, NONE, 0));
    /* large k: rounding error grows, the threshold must not be crossed */
    assert_true(verdict(&hb__gemm_cpu_base, HB_F32, 64, 64, 16384, NONE, 0));
    assert_true(verdict(&hb__gemm_cpu_peak, HB_F32, 64, 64, 16384, NONE, 0));
    assert_true(verdict(&hb__gemm_cpu_base, HB_F16, 64, 64, 16384, NONE, 0));
    assert_true(verdict(&hb__gemm_cpu_base, HB_BF16, 64, 64, 16384, NONE, 0));
}

static void test_gemm_wrong_results_fail(void **state) {
    (void)state;
    assert_false(verdict(&hb__gemm_cpu_base, HB_F32, 1024, 1024, 1024, ONE_ELEMENT, 1e-2));
    assert_false(verdict(&hb__gemm_cpu_base, HB_F32, 1024, 1024, 1024, ONE_COLUMN, 1e-3));
    assert_false(verdict(&hb__gemm_cpu_base, HB_F32, 1024, 1024, 1024, ROUND_TO_F16, 0));
    assert_false(verdict(&hb__gemm_cpu_base, HB_F32, 1024, 1024, 1024, STALE, 0));
    assert_false(verdict(&hb__gemm_cpu_base, HB_F32, 300, 200, 4000, ONE_ELEMENT, 0.1));
    assert_false(verdict(&hb__gemm_cpu_base, HB_F64, 512, 512, 512, ONE_ELEMENT, 1e-9));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_correct_results_pass),
        cmocka_unit_test(test_gemm_wrong_results_fail),
    };
    return cmocka_run_group_tests_name("verification", tests, NULL, NULL);
}
