/* Unit tests: half-precision conversions, the counter-based RNG, variant names, comma lists. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "internal.h"

static float bits_to_f(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* ---- IEEE binary16 ---- */
static void test_f16_exact_values(void **state) {
    (void)state;
    assert_int_equal(hb__f32_to_f16(0.0f), 0x0000);
    assert_int_equal(hb__f32_to_f16(-0.0f), 0x8000);
    assert_int_equal(hb__f32_to_f16(1.0f), 0x3c00);
    assert_int_equal(hb__f32_to_f16(-2.0f), 0xc000);
    assert_int_equal(hb__f32_to_f16(0.5f), 0x3800);
    assert_int_equal(hb__f32_to_f16(1.5f), 0x3e00);
    assert_int_equal(hb__f32_to_f16(65504.0f), 0x7bff); /* largest finite */
    assert_int_equal(hb__f32_to_f16(0x1p-14f), 0x0400); /* smallest normal */
    assert_double_equal(hb__f16_to_f32(0x3c00), 1.0, 0);
    assert_double_equal(hb__f16_to_f32(0xc000), -2.0, 0);
    assert_double_equal(hb__f16_to_f32(0x7bff), 65504.0, 0);
    assert_double_equal(hb__f16_to_f32(0x3555), 0.333251953125, 0);
    assert_double_equal(hb__f16_to_f32(0x0001), 0x1p-24, 0);
    assert_double_equal(hb__f16_to_f32(0x03ff), 0x1p-14 - 0x1p-24, 0);
}

static void test_f16_round_to_nearest_even(void **state) {
    (void)state;
    /* ties between 1 and 1 + 2^-10 go to the even mantissa */
    assert_int_equal(hb__f32_to_f16(1.0f + 0x1p-11f), 0x3c00);
    assert_int_equal(hb__f32_to_f16(1.0f + 3 * 0x1p-11f), 0x3c02);
    /* just above / below a tie round to nearest */
    assert_int_equal(hb__f32_to_f16(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01);
    assert_int_equal(hb__f32_to_f16(1.0f + 3 * 0x1p-11f - 0x1p-20f), 0x3c01);
    /* a carry out of the mantissa increments the exponent: 2 - 2^-12 → 2 */
    assert_int_equal(hb__f32_to_f16(2.0f - 0x1p-12f), 0x4000);
    assert_int_equal(hb__f32_to_f16(-(1.0f + 3 * 0x1p-11f)), 0xbc02);
}

static void test_f16_overflow_to_inf(void **state) {
    (void)state;
    assert_int_equal(hb__f32_to_f16(65519.0f), 0x7bff); /* below the tie: largest finite */
    assert_int_equal(hb__f32_to_f16(65520.0f), 0x7c00); /* the tie rounds to even = inf */
    assert_int_equal(hb__f32_to_f16(1e6f), 0x7c00);
    assert_int_equal(hb__f32_to_f16(-1e6f), 0xfc00);
    assert_int_equal(hb__f32_to_f16(FLT_MAX), 0x7c00);
    assert_int_equal(hb__f32_to_f16(INFINITY), 0x7c00);
    assert_int_equal(hb__f32_to_f16(-INFINITY), 0xfc00);
    assert_true(isinf(hb__f16_to_f32(0x7c00)) && hb__f16_to_f32(0x7c00) > 0);
    assert_true(isinf(hb__f16_to_f32(0xfc00)) && hb__f16_to_f32(0xfc00) < 0);
}

static void test_f16_subnormals(void **state) {
    (void)state;
    assert_int_equal(hb__f32_to_f16(0x1p-24f), 0x0001);     /* smallest subnormal */
    assert_int_equal(hb__f32_to_f16(0x1p-25f), 0x0000);     /* tie with 0: even */
    assert_int_equal(hb__f32_to_f16(3 * 0x1p-25f), 0x0002); /* tie 1|2: even */
    assert_int_equal(hb__f32_to_f16(0x1p-25f + 0x1p-30f), 0x0001);
    assert_int_equal(hb__f32_to_f16(-0x1p-24f), 0x8001);
    assert_int_equal(hb__f32_to_f16(1e-30f), 0x0000);              /* underflow to zero */
    assert_int_equal(hb__f32_to_f16(0x1p-14f - 0x1p-24f), 0x03ff); /* largest subnormal */
    /* tie between the largest subnormal and the smallest normal rounds up to the normal */
    assert_int_equal(hb__f32_to_f16(0x1p-14f - 0x1p-25f), 0x0400);
}

static void test_f16_nan_stays_nan(void **state) {
    (void)state;
    uint16_t h = hb__f32_to_f16(NAN);
    assert_int_equal(h & 0x7c00, 0x7c00);
    assert_true((h & 0x03ff) != 0);
    assert_true(isnan(hb__f16_to_f32(h)));
    /* a NaN whose payload lives only in the low mantissa bits must not become inf */
    uint16_t h2 = hb__f32_to_f16(bits_to_f(0x7f800001u));
    assert_true((h2 & 0x03ff) != 0);
    assert_true(isnan(hb__f16_to_f32(0x7e00)));
    assert_true(isnan(hb__f16_to_f32(0xfc01)));
}

static void test_f16_round_trip_all(void **state) {
    (void)state;
    for (uint32_t h = 0; h < 0x10000u; h++) {
        float f = hb__f16_to_f32((uint16_t)h);
        if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff)) {
            if (!isnan(f)) fail_msg("f16 0x%04x: NaN became %g", h, f);
            continue;
        }
        uint16_t back = hb__f32_to_f16(f);
        if (back != h) fail_msg("f16 0x%04x -> %.9g -> 0x%04x", h, f, back);
    }
}

/* ---- bfloat16 ---- */
static void test_bf16_exact_and_ties(void **state) {
    (void)state;
    assert_int_equal(hb__f32_to_bf16(1.0f), 0x3f80);
    assert_int_equal(hb__f32_to_bf16(-2.0f), 0xc000);
    assert_int_equal(hb__f32_to_bf16(0.0f), 0x0000);
    assert_int_equal(hb__f32_to_bf16(-0.0f), 0x8000);
    assert_double_equal(hb__bf16_to_f32(0x3f80), 1.0, 0);
    assert_double_equal(hb__bf16_to_f32(0x4049), 3.140625, 0);
    /* ties to even */
    assert_int_equal(hb__f32_to_bf16(1.0f + 0x1p-8f), 0x3f80);
    assert_int_equal(hb__f32_to_bf16(1.0f + 3 * 0x1p-8f), 0x3f82);
    assert_int_equal(hb__f32_to_bf16(1.0f + 0x1p-8f + 0x1p-20f), 0x3f81);
    /* subnormal ties */
    assert_int_equal(hb__f32_to_bf16(bits_to_f(0x00008000u)), 0x0000);
    assert_int_equal(hb__f32_to_bf16(bits_to_f(0x00018000u)), 0x0002);
    assert_int_equal(hb__f32_to_bf16(bits_to_f(0x00010001u)), 0x0001);
}

static void test_bf16_overflow_and_nan(void **state) {
    (void)state;
    assert_int_equal(hb__f32_to_bf16(FLT_MAX), 0x7f80); /* rounds up to inf */
    assert_int_equal(hb__f32_to_bf16(bits_to_f(0x7f7f7fffu)), 0x7f7f);
    assert_int_equal(hb__f32_to_bf16(INFINITY), 0x7f80);
    assert_int_equal(hb__f32_to_bf16(-INFINITY), 0xff80);
    uint16_t n1 = hb__f32_to_bf16(NAN);
    assert_true(isnan(hb__bf16_to_f32(n1)));
    /* payload only in the low 16 bits: truncation would give inf */
    uint16_t n2 = hb__f32_to_bf16(bits_to_f(0x7f800001u));
    assert_true(isnan(hb__bf16_to_f32(n2)));
    uint16_t n3 = hb__f32_to_bf16(bits_to_f(0xffffffffu));
    assert_true(isnan(hb__bf16_to_f32(n3)));
}

static void test_bf16_round_trip_all(void **state) {
    (void)state;
    for (uint32_t h = 0; h < 0x10000u; h++) {
        float f = hb__bf16_to_f32((uint16_t)h);
        if (isnan(f)) {
            if (!isnan(hb__bf16_to_f32(hb__f32_to_bf16(f)))) fail_msg("bf16 NaN 0x%04x lost", h);
            continue;
        }
        uint16_t back = hb__f32_to_bf16(f);
        if (back != h) fail_msg("bf16 0x%04x -> %.9g -> 0x%04x", h, f, back);
    }
}

/* ---- RNG ---- */
static void test_rand_uniform_range_and_mean(void **state) {
    (void)state;
    const int n = 200000;
    double sum = 0, lo = 1e9, hi = -1e9;
    for (int i = 0; i < n; i++) {
        double r = hb__rand_uniform(42, 1, (uint64_t)i, -0.5, 0.5);
        if (!(r >= -0.5 && r < 0.5)) fail_msg("sample %d = %.17g outside [-0.5, 0.5)", i, r);
        sum += r;
        if (r < lo) lo = r;
        if (r > hi) hi = r;
    }
    assert_double_equal(sum / n, 0.0, 0.01);
    assert_true(lo < -0.49 && hi > 0.49); /* covers the range */
    for (int i = 0; i < 1000; i++) {
        double r = hb__rand_uniform(7, 3, (uint64_t)i, 1.0, 2.0);
        assert_true(r >= 1.0 && r < 2.0);
    }
}

static void test_rand_reproducible(void **state) {
    (void)state;
    for (uint64_t i = 0; i < 1000; i++) {
        assert_true(hb__rand_uniform(42, 11, i, -1, 1) == hb__rand_uniform(42, 11, i, -1, 1));
        assert_true(hb__rand_u64(9, 2, i) == hb__rand_u64(9, 2, i));
    }
    int differ_seed = 0, differ_stream = 0, differ_index = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        differ_seed += hb__rand_u64(42, 1, i) != hb__rand_u64(43, 1, i);
        differ_stream += hb__rand_u64(42, 1, i) != hb__rand_u64(42, 2, i);
        differ_index += hb__rand_u64(42, 1, i) != hb__rand_u64(42, 1, i + 1);
    }
    assert_int_equal(differ_seed, 1000);
    assert_int_equal(differ_stream, 1000);
    assert_int_equal(differ_index, 1000);
    /* not constant: the low bit is balanced */
    int ones = 0;
    for (uint64_t i = 0; i < 10000; i++) ones += (int)(hb__rand_u64(1, 1, i) & 1);
    assert_in_range(ones, 4700, 5300);
}

/* ---- names ---- */
static void test_variant_names_round_trip(void **state) {
    (void)state;
    for (int v = 0; v < HB_NVARIANTS; v++) {
        const char *name = hb_variant_name((hb_variant)v);
        assert_non_null(name);
        assert_string_not_equal(name, "?");
        hb_variant back = HB_NVARIANTS;
        assert_int_equal(hb_variant_parse(name, &back), 0);
        assert_int_equal(back, v);
    }
    hb_variant v = HB_NVARIANTS;
    assert_int_equal(hb_variant_parse("fp64", &v), 0);
    assert_int_equal(v, HB_F64);
    assert_int_equal(hb_variant_parse("int8", &v), 0);
    assert_int_equal(v, HB_I8);
    v = HB_F16;
    assert_int_equal(hb_variant_parse("f128", &v), -1);
    assert_int_equal(hb_variant_parse("", &v), -1);
    assert_int_equal(hb_variant_parse("f6", &v), -1);
    assert_int_equal(hb_variant_parse("f644", &v), -1);
    assert_int_equal(v, HB_F16); /* untouched on failure */
    assert_string_equal(hb_variant_name(HB_NVARIANTS), "?");
}

static void test_other_names(void **state) {
    (void)state;
    assert_string_equal(hb_record_status_name(HB_REC_OK), "ok");
    assert_string_equal(hb_record_status_name(HB_REC_FAILED_VERIFICATION), "failed_verification");
    assert_string_equal(hb_record_status_name(HB_REC_INTERRUPTED), "interrupted");
    assert_string_equal(hb_impl_kind_name(HB_IMPL_BASE), "base");
    assert_string_equal(hb_impl_kind_name(HB_IMPL_PEAK), "peak");
    assert_string_equal(hb_status_name(HB_OK), "ok");
    assert_string_equal(hb_status_name(HB_UNSUPPORTED), "unsupported");
}

static void test_str_in_list(void **state) {
    (void)state;
    assert_true(hb__str_in_list(NULL, "gemm"));
    assert_true(hb__str_in_list("", "gemm"));
    assert_true(hb__str_in_list("gemm", "gemm"));
    assert_true(hb__str_in_list("gemm,lu,stream", "lu"));
    assert_true(hb__str_in_list("gemm,lu,stream", "stream"));
    assert_true(hb__str_in_list("gemm,lu,stream", "gemm"));
    assert_false(hb__str_in_list("gemm,lu,stream", "l"));       /* prefix */
    assert_false(hb__str_in_list("gemm,lu,stream", "streams")); /* longer */
    assert_false(hb__str_in_list("gemm,lu", "stream"));
    assert_false(hb__str_in_list("gemm", "gem"));
    assert_false(hb__str_in_list("lu,", "stream"));
    assert_true(hb__str_in_list("a,,b", "b"));
}

/* A tuning variable holding an unexpected value is an error naming it, never ignored. */
static void test_env_int_choice(void **state) {
    (void)state;
    static const int allowed[] = {1, 2, 4, 8, 16};
    char err[256] = "";
    unsetenv("HB_TEST_CHOICE");
    assert_int_equal(hb__env_int_choice("HB_TEST_CHOICE", allowed, 5, 7, err, sizeof err), 7);
    setenv("HB_TEST_CHOICE", "", 1);
    assert_int_equal(hb__env_int_choice("HB_TEST_CHOICE", allowed, 5, 7, err, sizeof err), 7);
    setenv("HB_TEST_CHOICE", "8", 1);
    assert_int_equal(hb__env_int_choice("HB_TEST_CHOICE", allowed, 5, 7, err, sizeof err), 8);
    const char *bad[] = {"3", "8x", "x", "-4", "32"};
    for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
        setenv("HB_TEST_CHOICE", bad[b], 1);
        err[0] = 0;
        assert_int_equal(hb__env_int_choice("HB_TEST_CHOICE", allowed, 5, 7, err, sizeof err), -1);
        assert_non_null(strstr(err, "HB_TEST_CHOICE"));
        assert_non_null(strstr(err, "1, 2, 4, 8, 16"));
    }
    unsetenv("HB_TEST_CHOICE");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_f16_exact_values),
        cmocka_unit_test(test_f16_round_to_nearest_even),
        cmocka_unit_test(test_f16_overflow_to_inf),
        cmocka_unit_test(test_f16_subnormals),
        cmocka_unit_test(test_f16_nan_stays_nan),
        cmocka_unit_test(test_f16_round_trip_all),
        cmocka_unit_test(test_bf16_exact_and_ties),
        cmocka_unit_test(test_bf16_overflow_and_nan),
        cmocka_unit_test(test_bf16_round_trip_all),
        cmocka_unit_test(test_rand_uniform_range_and_mean),
        cmocka_unit_test(test_rand_reproducible),
        cmocka_unit_test(test_variant_names_round_trip),
        cmocka_unit_test(test_other_names),
        cmocka_unit_test(test_str_in_list),
        cmocka_unit_test(test_env_int_choice),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
