/* The CUDA platform and the GEMM precisions that came with it.
 *
 * Every build (no CUDA needed): the tf32 and fp8 (e4m3) GEMM variants of the descriptor —
 * their inputs are exact in their formats (checked with a decoder written here, independently
 * of gemm.c's encoder); correct results of the orders tensor cores use pass (a host reference,
 * a truncating fp32 accumulator for tf32, fp8's short truncated partial sums promoted to fp32
 * every 128 steps); wrong ones fail (corrupt(), tf32 computed from bf16-rounded inputs, fp8
 * from e5m2-rounded inputs).
 *
 * CUDA builds (HB_HAVE_CUDA): the platform registers whatever the machine has; without a
 * driver or a GPU (this project's build machines; CUDA_VISIBLE_DEVICES=-1 in the test
 * cuda.no_device) it has 0 devices and its "status" says why; every implementation refuses a
 * device of another platform; the error texts. With a GPU: the device's properties and the
 * device timer against the host clock. Everything the kernels compute on a GPU is checked by
 * the every-kernel test (HB_TEST_DEVICES=cuda: cuda.every_kernel). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "internal.h"
#ifdef HB_HAVE_CUDA
#include "platforms/cuda/cuda.h"
#endif

/* ---- the tf32 and fp8 GEMM variants (no CUDA needed) ---- */

/* e4m3 ("fn") decoder, written from the format's definition: bias 7, 3 mantissa bits,
   subnormals at exponent field 0, S.1111.111 NaN, no infinities. */
static double e4m3(uint8_t c) {
    int e = (c >> 3) & 15, m = c & 7;
    if (e == 15 && m == 7) return NAN;
    double v = e == 0 ? ldexp(m / 8.0, -6) : ldexp(1.0 + m / 8.0, e - 7);
    return (c & 0x80) ? -v : v;
}

/* Round x to `bits` significand bits (nearest), for the "wrong input precision" results. */
static double round_bits(double x, int bits) {
    if (x == 0) return 0;
    int e;
    double f = frexp(x, &e);
    return ldexp(nearbyint(ldexp(f, bits)), e - bits);
}

/* Truncate x (toward zero) to `bits` significand bits: a tensor core's adder. */
static double trunc_bits(double x, int bits) {
    if (x == 0) return 0;
    int e;
    double f = frexp(x, &e);
    return ldexp(trunc(ldexp(f, bits)), e - bits);
}

static double in_value(const hb_problem *p, const void *M, int64_t i) {
    return p->variant == HB_FP8 ? e4m3(((const uint8_t *)M)[i]) : ((const float *)M)[i];
}

typedef enum { REF_EXACT, REF_TRUNC_FP32, REF_FP8_BLOCKS, REF_BF16_IN, REF_E5M2_IN } ref_kind;

/* C = A·B on the host into the problem's (float) output, in the way `how` says. */
static void compute(hb_problem *p, ref_kind how) {
    hb_gemm_data *d = p->data;
    int64_t m = p->size.m, n = p->size.n, k = p->size.k;
    float *C = d->C;
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++) {
            double acc = 0, block = 0;
            for (int64_t l = 0; l < k; l++) {
                double a = in_value(p, d->A, i + l * m), b = in_value(p, d->B, l + j * k);
                switch (how) {
                case REF_EXACT:
                    acc += a * b;
                    break;
                case REF_TRUNC_FP32: /* fp32 accumulator that truncates every addition */
                    acc = trunc_bits(acc + a * b, 24);
                    break;
                case REF_FP8_BLOCKS: /* ~14-bit truncated partial sums, into fp32 every 128 */
                    block = trunc_bits(block + a * b, 14);
                    if ((l + 1) % 128 == 0 || l + 1 == k) acc = (float)(acc + block), block = 0;
                    break;
                case REF_BF16_IN:
                    acc += round_bits(a, 8) * round_bits(b, 8);
                    break;
                case REF_E5M2_IN:
                    acc += round_bits(a, 3) * round_bits(b, 3);
                    break;
                }
            }
            C[i + j * m] = (float)acc;
        }
}

static int verdict(hb_problem *p) {
    hb_verification v;
    memset(&v, 0, sizeof v);
    assert_int_equal(hb__kernel_gemm.verify(p, &v), HB_OK);
    return v.passed;
}

static void setup_problem(hb_problem *p, hb_variant v, int64_t m, int64_t n, int64_t k) {
    memset(p, 0, sizeof *p);
    p->kernel = &hb__kernel_gemm;
    p->variant = v;
    p->size = (hb_size){m, n, k};
    p->seed = 1234;
    char err[256] = "";
    hb_status s = hb__kernel_gemm.setup(p, err, sizeof err);
    if (s != HB_OK) fail_msg("gemm %s setup: %s %s", hb_variant_name(v), hb_status_name(s), err);
}

static void test_gemm_new_variants_declared(void **state) {
    (void)state;
    assert_true(hb__kernel_gemm.variants & HB_VARIANT_BIT(HB_TF32));
    assert_true(hb__kernel_gemm.variants & HB_VARIANT_BIT(HB_FP8));
    /* the CPU base GEMM does not claim them */
    assert_false(hb__gemm_cpu_base.variants & HB_VARIANT_BIT(HB_TF32));
    assert_false(hb__gemm_cpu_base.variants & HB_VARIANT_BIT(HB_FP8));
    hb_size s = {64, 64, 64};
    assert_double_equal(hb__kernel_gemm.op_count(HB_FP8, 0, &s), 2.0 * 64 * 64 * 64, 0);
    /* fp8: one byte in, four out */
    assert_double_equal(hb__kernel_gemm.byte_count(HB_FP8, 0, &s), 2.0 * 4096 + 4.0 * 4096, 0);
}

static void test_gemm_tf32_fp8_inputs(void **state) {
    (void)state;
    hb_problem p;
    setup_problem(&p, HB_TF32, 97, 1, 300);
    const hb_gemm_data *d = p.data;
    for (int64_t i = 0; i < 97 * 300; i++) {
        float f = ((const float *)d->A)[i];
        uint32_t u;
        memcpy(&u, &f, sizeof u);
        if (u & 0x1fffu) fail_msg("tf32 input %lld = %.9g has bits below tf32's", (long long)i, f);
        if (!(f >= -1.0f && f <= 1.0f)) fail_msg("tf32 input %g out of [-1, 1]", f);
    }
    hb__kernel_gemm.teardown(&p);

    setup_problem(&p, HB_FP8, 97, 1, 300);
    d = p.data;
    int seen[256] = {0}, distinct = 0, neg = 0;
    for (int64_t i = 0; i < 97 * 300; i++) {
        uint8_t c = ((const uint8_t *)d->A)[i];
        double x = e4m3(c);
        if (isnan(x) || fabs(x) > 1.0) fail_msg("fp8 input code 0x%02x = %g", c, x);
        if (!seen[c]++) distinct++;
        neg += x < 0;
    }
    /* uniform in [-1, 1): every code of magnitude <= 1 occurs, about half negative */
    assert_true(distinct >= 100);
    assert_true(neg > 97 * 300 / 3 && neg < 97 * 300 * 2 / 3);
    /* the encoder rounds to nearest: an input is within half an e4m3 step of [-1, 1)'s
       uniform values — checked through the round trip of a few exact cases by the decoder */
    assert_double_equal(e4m3(0x38), 1.0, 0);
    assert_double_equal(e4m3(0x01), ldexp(1, -9), 0);
    assert_double_equal(e4m3(0x7e), 448.0, 0);
    hb__kernel_gemm.teardown(&p);
}

/* the every-kernel test's sizes and two larger ones */
static const hb_size sizes[] = {{1, 1, 1},      {7, 5, 3},       {33, 17, 65},
                                {129, 67, 255}, {300, 301, 257}, {48, 40, 4096}};

static void check_variant(hb_variant v) {
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        hb_problem p;
        setup_problem(&p, v, sizes[si].m, sizes[si].n, sizes[si].k);
        const char *what = hb_variant_name(v);
        ref_kind good[2] = {REF_EXACT, v == HB_TF32 ? REF_TRUNC_FP32 : REF_FP8_BLOCKS};
        for (int g = 0; g < 2; g++) {
            compute(&p, good[g]);
            if (!verdict(&p))
                fail_msg("%s %lldx%lldx%lld: a correct result (%s) was rejected", what,
                         (long long)sizes[si].m, (long long)sizes[si].n, (long long)sizes[si].k,
                         g ? "tensor-core accumulation" : "exact");
            hb__kernel_gemm.corrupt(&p);
            if (verdict(&p))
                fail_msg("%s %lldx%lldx%lld: a corrupted result passed", what,
                         (long long)sizes[si].m, (long long)sizes[si].n, (long long)sizes[si].k);
        }
        /* computed from inputs of a lower precision: wrong for k large enough to see it */
        if (sizes[si].k >= 64) {
            compute(&p, v == HB_TF32 ? REF_BF16_IN : REF_E5M2_IN);
            if (verdict(&p))
                fail_msg("%s %lldx%lldx%lld: a result from %s inputs passed", what,
                         (long long)sizes[si].m, (long long)sizes[si].n, (long long)sizes[si].k,
                         v == HB_TF32 ? "bf16" : "e5m2");
        }
        hb__kernel_gemm.teardown(&p);
    }
}

static void test_gemm_tf32_verification(void **state) {
    (void)state;
    check_variant(HB_TF32);
}

static void test_gemm_fp8_verification(void **state) {
    (void)state;
    check_variant(HB_FP8);
}

#ifdef HB_HAVE_CUDA
/* ---- the platform ---- */

static hb_context *g_ctx;

static const hb_platform *cuda_platform(size_t *index) {
    for (size_t i = 0; i < hb_platform_count(g_ctx); i++)
        if (!strcmp(hb_platform_at(g_ctx, i)->name, "cuda")) {
            if (index) *index = i;
            return hb_platform_at(g_ctx, i);
        }
    return NULL;
}

static const char *pprop(const hb_prop *props, int n, const char *key) {
    for (int i = 0; i < n; i++)
        if (!strcmp(props[i].key, key)) return props[i].value;
    return NULL;
}

static const hb_prop *dprop(const hb_device *d, const char *key) {
    for (int i = 0; i < d->info.nprops; i++)
        if (!strcmp(d->info.props[i].key, key)) return &d->info.props[i];
    return NULL;
}

static size_t cuda_devices(size_t *first) {
    size_t n = 0;
    for (size_t i = 0; i < hb_device_count(g_ctx); i++)
        if (!strcmp(hb_device_at(g_ctx, i)->platform->name, "cuda")) {
            if (!n && first) *first = i;
            n++;
        }
    return n;
}

static void test_platform(void **state) {
    (void)state;
    size_t pi = 0;
    const hb_platform *p = cuda_platform(&pi);
    if (!p)
        fail_msg("the cuda platform is not registered (problems: %s)",
                 hb_plugin_problem_count(g_ctx) ? hb_plugin_problem_at(g_ctx, 0) : "none");
    assert_int_equal(p->abi_version, HB_PLATFORM_ABI);
    assert_non_null(p->platform_props);
    hb_prop props[HB_MAX_PROPS];
    int n = p->platform_props(hb__platform_ctx(g_ctx, pi), props, HB_MAX_PROPS);
    const char *keys[] = {
        "status",           "runtime_version",  "driver_version",     "cublas_version",
        "cublaslt_version", "cusolver_version", "cuda_architectures", "devices"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!pprop(props, n, keys[i])) fail_msg("platform property '%s' missing", keys[i]);
    const char *status = pprop(props, n, "status"), *rt = pprop(props, n, "runtime_version");
    const char *drv = pprop(props, n, "driver_version"), *blas = pprop(props, n, "cublas_version");
    const char *archs = pprop(props, n, "cuda_architectures"), *devs = pprop(props, n, "devices");
    if (!status || !rt || !drv || !blas || !archs || !devs) fail_msg("platform properties missing");
    size_t ndev = cuda_devices(NULL);
    print_message("  cuda: %zu device(s); status: %s; runtime %s, driver %s, cuBLAS %s\n", ndev,
                  status, rt, drv, blas);
    assert_true(strcmp(rt, "none") != 0);
    assert_contains(archs, "90");
    char count[16];
    snprintf(count, sizeof count, "%zu", ndev);
    assert_string_equal(devs, count);
    /* stream, gemm base, peak, transfer, latency, cuBLAS, cuSOLVER, and the LU base entry
       that says there is none */
    assert_int_equal(p->nimpls, 8);
    const char *need_no_device = getenv("HB_EXPECT_NO_CUDA_DEVICE");
    if (need_no_device && *need_no_device == '1') assert_int_equal(ndev, 0);
    if (ndev == 0) {
        /* the no-GPU path: a reason, never an error */
        assert_contains(status, "no CUDA device");
        assert_true(strlen(status) > 30);
        assert_int_equal(hb_plugin_problem_count(g_ctx), 0);
        size_t idx[8];
        assert_int_equal(hb_device_select(g_ctx, "cuda", idx, 8), 0);
    } else {
        assert_string_equal(status, "ok");
    }
}

static void test_impls_refuse_other_devices(void **state) {
    (void)state;
    const hb_platform *p = cuda_platform(NULL);
    assert_non_null(p);
    const hb_device *cpu = hb_device_at(g_ctx, 0);
    assert_string_equal(cpu->info.id, "cpu:0");
    assert_null(hb__cuda_dev(cpu));
    for (size_t i = 0; i < p->nimpls; i++) {
        const hb_impl *im = &p->impls[i];
        assert_non_null(im->supports);
        assert_non_null(im->setup);
        assert_non_null(im->run);
        assert_non_null(im->teardown);
        hb_problem pr = {
            .kernel = hb_kernel_find(im->kernel), .variant = HB_F64, .size = {8, 8, 8}, .seed = 1};
        for (int v = 0; v < HB_NVARIANTS; v++)
            if (im->variants & HB_VARIANT_BIT(v)) {
                pr.variant = (hb_variant)v;
                break;
            }
        char why[256] = "";
        assert_int_equal(im->supports(cpu, &pr, why, sizeof why), HB_UNSUPPORTED);
        assert_contains(why, "not a CUDA device");
        void *st = NULL;
        why[0] = 0;
        assert_int_equal(im->setup(cpu, &pr, &st, why, sizeof why), HB_UNSUPPORTED);
        assert_null(st);
        assert_contains(why, "not a CUDA device");
        /* those with a device timer have it; latency is host-timed on purpose */
        if (!strcmp(im->kernel, "latency") || !strcmp(im->name, "none"))
            assert_null(im->device_seconds);
        else
            assert_non_null(im->device_seconds);
    }
}

static void test_error_texts(void **state) {
    (void)state;
    char t[256];
    hb__cuda_error_text(cudaErrorMemoryAllocation, t, sizeof t);
    assert_contains(t, "cudaErrorMemoryAllocation (2)");
    hb__cuda_error_text(cudaErrorInsufficientDriver, t, sizeof t);
    assert_contains(t, "cudaErrorInsufficientDriver (35)");
    hb__cublas_status_text(CUBLAS_STATUS_NOT_SUPPORTED, t, sizeof t);
    assert_contains(t, "CUBLAS_STATUS_NOT_SUPPORTED (15)");
    hb__cusolver_status_text(CUSOLVER_STATUS_INVALID_VALUE, t, sizeof t);
    assert_contains(t, "CUSOLVER_STATUS_INVALID_VALUE (3)");
    hb__cusolver_status_text((cusolverStatus_t)12345, t, sizeof t);
    assert_contains(t, "unknown cuSOLVER status (12345)");
    /* a failure is noted on the thread for the record, and named */
    hb__clear_noted_error();
    char err[256] = "";
    assert_int_equal(
        hb__cuda_fail(NULL, cudaErrorLaunchFailure, "gemm kernel launch", err, sizeof err),
        HB_E_RUNTIME);
    assert_contains(err, "gemm kernel launch on CUDA: cudaErrorLaunchFailure");
    assert_contains(hb__noted_error(), "cudaErrorLaunchFailure");
    hb__clear_noted_error();
}

static void test_device(void **state) {
    (void)state;
    size_t first = 0;
    if (!cuda_devices(&first)) {
        print_message("  no CUDA device here: the device checks are skipped\n");
        skip();
    }
    const hb_device *d = hb_device_at(g_ctx, first);
    assert_string_equal(d->info.id, "cuda:0");
    assert_string_equal(d->info.type, "gpu");
    assert_string_equal(d->info.vendor, "NVIDIA");
    assert_true(d->info.compute_units > 0);
    assert_true(d->info.mem_bytes > 0);
    const char *keys[] = {"device_name",    "compute_capability", "sm_count",
                          "clock_mhz",      "memory_clock_mhz",   "global_mem",
                          "l2_cache",       "pci_bus_id",         "uuid",
                          "driver_version", "runtime_version",    "tensor_core_formats"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!dprop(d, keys[i])) fail_msg("device property '%s' missing", keys[i]);
    /* "dddd:bb:dd.0", lower case: what the NVML meter matches */
    const char *pci = dprop(d, "pci_bus_id")->value;
    unsigned dom, bus, dev, fn;
    char tail;
    assert_int_equal(sscanf(pci, "%4x:%2x:%2x.%1x%c", &dom, &bus, &dev, &fn, &tail), 4);
    assert_int_equal(strlen(pci), 12);
    assert_true(dprop(d, "sm_count")->is_number && dprop(d, "sm_count")->number > 0);
    assert_true(dprop(d, "clock_mhz")->number > 0);
    const hb_prop *uuid = dprop(d, "uuid");
    if (!uuid || strncmp(uuid->value, "GPU-", 4) != 0) fail_msg("uuid missing or not GPU-...");
    print_message("  %s: %s, cc %s, %d SMs, %.1f GiB, PCI %s, %s\n", d->info.id, d->info.name,
                  dprop(d, "compute_capability")->value, d->info.compute_units,
                  (double)d->info.mem_bytes / (1 << 30), pci,
                  dprop(d, "tensor_core_formats")->value);
}

/* The events agree with the host clock: a triad of 2^24 doubles, 10 runs. */
static void test_device_timer(void **state) {
    (void)state;
    size_t first = 0;
    if (!cuda_devices(&first)) skip();
    const hb_device *d = hb_device_at(g_ctx, first);
    const hb_kernel *k = hb_kernel_find("stream");
    hb_problem p = {
        .kernel = k, .variant = HB_F64, .op = HB_STREAM_TRIAD, .size = {0, 1 << 24, 0}, .seed = 5};
    char err[256] = "";
    assert_int_equal(k->setup(&p, err, sizeof err), HB_OK);
    void *st = NULL;
    if (hb__stream_cuda_base.setup(d, &p, &st, err, sizeof err) != HB_OK) fail_msg("%s", err);
    for (int r = 0; r < 10; r++) {
        double t0 = hb__now();
        assert_int_equal(hb__stream_cuda_base.run(st), HB_OK);
        double host = hb__now() - t0, dev = hb__stream_cuda_base.device_seconds(st);
        assert_true(dev > 0);
        if (!(dev <= host * 1.05 + 50e-6 && dev >= 0.5 * host - 50e-6))
            fail_msg("run %d: device %.6g s, host %.6g s", r, dev, host);
        if (r == 9)
            print_message("  triad 2^24 f64: device %.3f ms, host %.3f ms, %.0f GB/s\n", dev * 1e3,
                          host * 1e3, 3.0 * 8 * (1 << 24) / dev * 1e-9);
    }
    assert_int_equal(hb__stream_cuda_base.finish(st), HB_OK);
    hb_verification v;
    memset(&v, 0, sizeof v);
    assert_int_equal(k->verify(&p, &v), HB_OK);
    assert_true(v.passed);
    hb__stream_cuda_base.teardown(st);
    k->teardown(&p);
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
#else
/* A build without the CUDA toolkit has no cuda platform at all (skipped cleanly). */
static void test_not_built(void **state) {
    (void)state;
    hb_platform_config cfg = {.threads = 1, .bind = 0, .quiet = 1};
    hb_context *ctx = NULL;
    char err[512] = "";
    assert_int_equal(hb_context_create(&ctx, &cfg, err, sizeof err), HB_OK);
    for (size_t i = 0; i < hb_platform_count(ctx); i++)
        assert_string_not_equal(hb_platform_at(ctx, i)->name, "cuda");
    size_t idx[8];
    assert_int_equal(hb_device_select(ctx, "cuda", idx, 8), 0);
    hb_context_destroy(ctx);
}
#endif

int main(void) {
    const struct CMUnitTest gemm[] = {
        cmocka_unit_test(test_gemm_new_variants_declared),
        cmocka_unit_test(test_gemm_tf32_fp8_inputs),
        cmocka_unit_test(test_gemm_tf32_verification),
        cmocka_unit_test(test_gemm_fp8_verification),
#ifndef HB_HAVE_CUDA
        cmocka_unit_test(test_not_built),
#endif
    };
    int rc = cmocka_run_group_tests_name("gemm_tf32_fp8", gemm, NULL, NULL);
#ifdef HB_HAVE_CUDA
    const struct CMUnitTest cuda[] = {
        cmocka_unit_test(test_platform),     cmocka_unit_test(test_impls_refuse_other_devices),
        cmocka_unit_test(test_error_texts),  cmocka_unit_test(test_device),
        cmocka_unit_test(test_device_timer),
    };
    rc |= cmocka_run_group_tests_name("cuda", cuda, group_setup, group_teardown);
#endif
    return rc;
}
