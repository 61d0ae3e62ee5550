/* Unit tests: hb_stats_compute (median, spread, CI of the median) and hb_calibrate_reps. */
#include <string.h>

#include "hb_test.h"

#include "hetbench/hetbench.h"
#include "internal.h"

#define EPS 1e-12

static void test_odd_median_min_max_mean(void **state) {
    (void)state;
    const double x[] = {5.0, 1.0, 4.0, 2.0, 3.0};
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 5, &s), HB_OK);
    assert_int_equal(s.n, 5);
    assert_double_equal(s.median, 3.0, EPS);
    assert_double_equal(s.min, 1.0, EPS);
    assert_double_equal(s.max, 5.0, EPS);
    assert_double_equal(s.mean, 3.0, EPS);
    /* sample (n-1) standard deviation: sum of squares 10 / 4 */
    assert_double_equal(s.stddev, sqrt(2.5), EPS);
    assert_double_equal(s.cv, sqrt(2.5) / 3.0, EPS);
}

static void test_even_median(void **state) {
    (void)state;
    const double x[] = {4.0, 1.0, 10.0, 2.0};
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 4, &s), HB_OK);
    assert_double_equal(s.median, 3.0, EPS); /* (2 + 4) / 2 */
    assert_double_equal(s.mean, 4.25, EPS);
    assert_double_equal(s.min, 1.0, EPS);
    assert_double_equal(s.max, 10.0, EPS);
    double m = 4.25,
           ss = (4 - m) * (4 - m) + (1 - m) * (1 - m) + (10 - m) * (10 - m) + (2 - m) * (2 - m);
    assert_double_equal(s.stddev, sqrt(ss / 3.0), EPS);
}

static void test_ci_n5_is_min_max(void **state) {
    (void)state;
    const double x[] = {0.3, 0.1, 0.5, 0.2, 0.4};
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 5, &s), HB_OK);
    assert_double_equal(s.ci_low, 0.1, EPS);
    assert_double_equal(s.ci_high, 0.5, EPS);
    assert_double_equal(s.ci_level, 0.9375, 1e-12); /* 1 - 2/32 */
}

static void test_ci_n20_order_statistics(void **state) {
    (void)state;
    /* values 1..20 in a scrambled order: x(i) = i */
    double x[20];
    for (int i = 0; i < 20; i++) x[i] = (double)((i * 7) % 20 + 1);
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 20, &s), HB_OK);
    assert_double_equal(s.median, 10.5, EPS);
    assert_double_equal(s.ci_low, 6.0, EPS);   /* x(6) */
    assert_double_equal(s.ci_high, 15.0, EPS); /* x(15) */
    /* 1 - 2 P(Bin(20, 1/2) <= 5) = 1 - 2 * 21700 / 2^20 */
    double want = 1.0 - 2.0 * 21700.0 / 1048576.0;
    assert_double_equal(s.ci_level, want, 1e-9);
    assert_true(s.ci_level >= 0.95 && s.ci_level < 0.96);
}

static void test_ci_level_at_least_95_when_possible(void **state) {
    (void)state;
    double x[400];
    for (int n = 6; n <= 400; n += 17) {
        for (int i = 0; i < n; i++) x[i] = (double)(n - i);
        hb_stats s;
        assert_int_equal(hb_stats_compute(x, n, &s), HB_OK);
        assert_true(s.ci_level >= 0.95);
        assert_true(s.ci_low <= s.median && s.median <= s.ci_high);
        assert_true(s.min <= s.ci_low && s.ci_high <= s.max);
    }
}

static void test_ci_large_n_normal_approximation(void **state) {
    (void)state;
    /* n = 1000: the 95 % order-statistic interval of the median is [x(469), x(532)] */
    static double x[1000];
    for (int i = 0; i < 1000; i++)
        x[i] = (double)((i * 37) % 1000 + 1); /* a permutation of 1..1000 */
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 1000, &s), HB_OK);
    assert_double_equal(s.median, 500.5, EPS);
    assert_double_equal(s.ci_low, 469.0, EPS);
    assert_double_equal(s.ci_high, 532.0, EPS);
    assert_double_equal(s.ci_level, 0.95, 0.005);
}

static void test_n1(void **state) {
    (void)state;
    const double x[] = {2.5};
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 1, &s), HB_OK);
    assert_int_equal(s.n, 1);
    assert_double_equal(s.median, 2.5, EPS);
    assert_double_equal(s.min, 2.5, EPS);
    assert_double_equal(s.max, 2.5, EPS);
    assert_double_equal(s.mean, 2.5, EPS);
    assert_double_equal(s.stddev, 0.0, EPS);
    assert_double_equal(s.cv, 0.0, EPS);
    assert_double_equal(s.ci_low, 2.5, EPS);
    assert_double_equal(s.ci_high, 2.5, EPS);
    assert_true(s.ci_level >= 0.0 && s.ci_level < 0.95);
}

static void test_input_not_modified(void **state) {
    (void)state;
    double x[] = {3.0, 1.0, 2.0, 9.0, -4.0, 0.5};
    double copy[6];
    memcpy(copy, x, sizeof x);
    hb_stats s;
    assert_int_equal(hb_stats_compute(x, 6, &s), HB_OK);
    assert_memory_equal(x, copy, sizeof x);
    assert_double_equal(s.median, 1.5, EPS);
}

static void test_invalid_args(void **state) {
    (void)state;
    const double x[] = {1.0, 2.0};
    hb_stats s;
    assert_int_equal(hb_stats_compute(NULL, 2, &s), HB_E_INVALID);
    assert_int_equal(hb_stats_compute(x, 0, &s), HB_E_INVALID);
    assert_int_equal(hb_stats_compute(x, -3, &s), HB_E_INVALID);
    assert_int_equal(hb_stats_compute(x, 2, NULL), HB_E_INVALID);
}

static void test_calibrate_reps(void **state) {
    (void)state;
    assert_int_equal(hb_calibrate_reps(0.01, 1.0, 5, 100000), 100);
    assert_int_equal(hb_calibrate_reps(1.0, 0.2, 5, 100000), 5);  /* min_reps wins */
    assert_int_equal(hb_calibrate_reps(0.3, 1.0, 1, 100000), 4);  /* ceil(3.33) */
    assert_int_equal(hb_calibrate_reps(0.0, 1.0, 5, 100000), 5);  /* t = 0 */
    assert_int_equal(hb_calibrate_reps(NAN, 1.0, 7, 100000), 7);  /* t = NaN */
    assert_int_equal(hb_calibrate_reps(-1.0, 1.0, 6, 100000), 6); /* negative time */
    assert_int_equal(hb_calibrate_reps(INFINITY, 1.0, 5, 100000), 5);
    assert_int_equal(hb_calibrate_reps(1e-9, 1.0, 5, 1000), 1000); /* capped */
    assert_int_equal(hb_calibrate_reps(1e-12, 1e6, 5, 100000000), 100000000);
    /* min_time 0: just the minimum */
    assert_int_equal(hb_calibrate_reps(0.5, 0.0, 5, 1000), 5);
}

static void test_wall_limit(void **state) {
    (void)state;
    /* the larger of min_time and the energy window, three times, plus a second */
    assert_double_equal(hb__wall_limit(0.2, 0.0), 1.6, EPS);
    assert_double_equal(hb__wall_limit(0.2, 1.0), 4.0, EPS);
    assert_double_equal(hb__wall_limit(1.0, 10.0), 31.0, EPS);
    assert_double_equal(hb__wall_limit(0.0, 0.0), 1.0, EPS);
    assert_double_equal(hb__wall_limit(NAN, -1.0), 1.0, EPS);
    assert_double_equal(hb__wall_limit(0.2, NAN), 1.6, EPS); /* a bad one is ignored */
    assert_double_equal(hb__wall_limit(INFINITY, 1.0), 4.0, EPS);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_odd_median_min_max_mean),
        cmocka_unit_test(test_even_median),
        cmocka_unit_test(test_ci_n5_is_min_max),
        cmocka_unit_test(test_ci_n20_order_statistics),
        cmocka_unit_test(test_ci_level_at_least_95_when_possible),
        cmocka_unit_test(test_ci_large_n_normal_approximation),
        cmocka_unit_test(test_n1),
        cmocka_unit_test(test_input_not_modified),
        cmocka_unit_test(test_invalid_args),
        cmocka_unit_test(test_calibrate_reps),
        cmocka_unit_test(test_wall_limit),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
