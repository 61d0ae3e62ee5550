/* The OpenCL platform on this machine's ICD (PoCL in CI): discovery and properties, device
 * selection by id and by name, program build failures, allocation limits, the program cache
 * the stream implementation's device timer, and lu: odd sizes verified by the HPL residual with
 * the corrupt-must-fail check, its limits (f64, cl_khr_fp64, allocation sizes), the missing peak
 * and a kernel that fails to enqueue mid-run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "internal.h"
#include "platforms/opencl/ocl.h"

static hb_context *g_ctx;

/* The first device of the "opencl" platform (fails the test when there is none). */
static const hb_device *first_ocl(void) {
    for (size_t i = 0; i < hb_device_count(g_ctx); i++) {
        const hb_device *d = hb_device_at(g_ctx, i);
        if (!strcmp(d->platform->name, "opencl")) return d;
    }
    fail_msg("no OpenCL device (is POCL_CACHE_DIR writable? is pocl-opencl-icd installed?)");
    return NULL;
}

static const char *od_name_of(const hb_device *d) {
    return hb__ocl_dev(d)->name;
}

static const hb_prop *prop(const hb_device *d, const char *key) {
    for (int i = 0; i < d->info.nprops; i++)
        if (!strcmp(d->info.props[i].key, key)) return &d->info.props[i];
    return NULL;
}

static void test_discovery(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    assert_string_equal(d->info.id, "opencl:0.0");
    assert_non_null(hb__ocl_dev(d));
    assert_null(hb__ocl_dev(hb_device_at(g_ctx, 0))); /* cpu:0 */
    assert_string_equal(hb_device_at(g_ctx, 0)->info.id, "cpu:0");
    assert_true(d->info.name[0] != 0);
    assert_true(d->info.compute_units > 0);
    assert_true(d->info.mem_bytes > 0);
    const char *keys[] = {"platform",       "device_name",        "vendor",        "pci_vendor_id",
                          "driver_version", "opencl_c_version",   "compute_units", "clock_mhz",
                          "global_mem",     "local_mem",          "max_alloc",     "fp64",
                          "fp16",           "timer_resolution_ns"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!prop(d, keys[i])) fail_msg("device property '%s' missing", keys[i]);
    assert_true(!strncmp(prop(d, "pci_vendor_id")->value, "0x", 2));
    assert_true(prop(d, "max_alloc")->is_number && prop(d, "max_alloc")->number > 0);
    hb__ocl_device *od = hb__ocl_dev(d);
    print_message("  %s: %s, %s, type %s\n", d->info.id, d->info.name, od->platform_name,
                  d->info.type);
    if (strstr(od->platform_name, "Portable Computing Language")) {
        /* PoCL 3.1 on Debian 12: a CPU device with doubles and without halves */
        assert_string_equal(d->info.type, "cpu");
        assert_string_equal(prop(d, "fp64")->value, "yes");
        assert_string_equal(prop(d, "fp16")->value, "no");
        assert_true(od->has_fp64);
        assert_false(od->has_fp16);
        assert_true(prop(d, "timer_resolution_ns")->number > 0);
    }
    /* the platform's own facts */
    const hb_platform *p = d->platform;
    assert_int_equal(p->abi_version, HB_PLATFORM_ABI);
    assert_non_null(p->platform_props);
    hb_prop pp[16];
    int n = p->platform_props(d->pctx, pp, 16);
    int saw_status = 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(pp[i].key, "status")) saw_status = 1, assert_string_equal(pp[i].value, "ok");
    assert_true(saw_status);
    /* the stream implementation is registered */
    int saw_stream = 0;
    for (size_t i = 0; i < p->nimpls; i++)
        if (!strcmp(p->impls[i].kernel, "stream") && p->impls[i].kind == HB_IMPL_BASE)
            saw_stream = 1;
    assert_true(saw_stream);
}

static void test_selection(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    size_t idx[64];
    size_t n = hb_device_select(g_ctx, "opencl:0.0", idx, 64);
    assert_int_equal(n, 1);
    assert_ptr_equal(hb_device_at(g_ctx, idx[0]), d);
    /* the platform name: every OpenCL device */
    n = hb_device_select(g_ctx, "opencl", idx, 64);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(hb_device_at(g_ctx, idx[i])->platform->name, "opencl");
    /* a substring of the device's name, any case */
    char sub[16];
    snprintf(sub, sizeof sub, "%.6s", d->info.name);
    for (char *c = sub; *c; c++)
        if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 'a' + 'A');
    n = hb_device_select(g_ctx, sub, idx, 64);
    int found = 0;
    for (size_t i = 0; i < n; i++)
        if (hb_device_at(g_ctx, idx[i]) == d) found = 1;
    if (!found) fail_msg("selector '%s' does not select %s (%s)", sub, d->info.id, d->info.name);
    assert_int_equal(hb_device_select(g_ctx, "opencl:9.9", idx, 64), 0);
    assert_int_equal(hb_device_select(g_ctx, "cpu:0", idx, 64), 1);
}

static void test_error_names(void **state) {
    (void)state;
    assert_string_equal(hb__ocl_error_name(CL_SUCCESS), "CL_SUCCESS");
    assert_string_equal(hb__ocl_error_name(-5), "CL_OUT_OF_RESOURCES");
    assert_string_equal(hb__ocl_error_name(-52), "CL_INVALID_KERNEL_ARGS");
    assert_string_equal(hb__ocl_error_name(-68), "CL_INVALID_DEVICE_PARTITION_COUNT");
    assert_string_equal(hb__ocl_error_name(-1001), "CL_PLATFORM_NOT_FOUND_KHR");
    assert_string_equal(hb__ocl_error_name(-9999), "unknown CL error");
    char err[128];
    assert_int_equal(hb__ocl_fail(-4, "clCreateBuffer", err, sizeof err), HB_E_DEVICE);
    assert_string_equal(err, "clCreateBuffer: CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)");
}

static void test_build_failure(void **state) {
    (void)state;
    hb__ocl_device *od = hb__ocl_dev(first_ocl());
    const char *bad = "__kernel void broken(__global float *x) {\n"
                      "    x[0] = hb_no_such_symbol * 2.0f;\n"
                      "}\n";
    cl_program prog = (cl_program)1;
    char err[1024] = "";
    hb_status s = hb__ocl_program(od, "broken", NULL, bad, &prog, err, sizeof err);
    print_message("  err: %s\n", err);
    assert_int_equal(s, HB_E_DEVICE);
    assert_null(prog);
    assert_contains(err, "program 'broken' failed to build on");
    assert_contains(err, od->name);
    assert_contains(err, "hb_no_such_symbol"); /* from the build log */
    /* a source that is not embedded */
    assert_int_equal(hb__ocl_program(od, "no-such-kernel", NULL, NULL, &prog, err, sizeof err),
                     HB_E_INVALID);
    assert_contains(err, "no-such-kernel");
}

static void test_program_cache(void **state) {
    (void)state;
    hb__ocl_device *od = hb__ocl_dev(first_ocl());
    cl_program p1 = NULL, p2 = NULL, p3 = NULL;
    char err[512] = "";
    assert_int_equal(hb__ocl_program(od, "stream", "-DT=float", NULL, &p1, err, sizeof err), HB_OK);
    assert_int_equal(hb__ocl_program(od, "stream", "-DT=float", NULL, &p2, err, sizeof err), HB_OK);
    assert_ptr_equal(p1, p2);
    const char *ok = "__kernel void fine(__global float *x) { x[0] = 1.0f; }";
    assert_int_equal(hb__ocl_program(od, "stream", "-DT=float", ok, &p3, err, sizeof err), HB_OK);
    assert_true(p3 != p1); /* a replacement source is its own program */
}

static void test_allocation_limits(void **state) {
    (void)state;
    hb__ocl_device *od = hb__ocl_dev(first_ocl());
    cl_mem m = (cl_mem)1;
    char err[512] = "";
    assert_true(od->max_alloc > 0);
    hb_status s =
        hb__ocl_buffer(od, CL_MEM_READ_WRITE, (size_t)od->max_alloc + 1, &m, err, sizeof err);
    print_message("  err: %s\n", err);
    assert_int_equal(s, HB_SKIPPED);
    assert_null(m);
    assert_contains(err, "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
    /* a small one round-trips */
    float in[5] = {1, 2, 3, 4, 5}, out[5] = {0};
    assert_int_equal(hb__ocl_buffer(od, CL_MEM_READ_WRITE, sizeof in, &m, err, sizeof err), HB_OK);
    assert_int_equal(hb__ocl_write(od, m, in, sizeof in, err, sizeof err), HB_OK);
    assert_int_equal(hb__ocl_read(od, m, out, sizeof out, err, sizeof err), HB_OK);
    assert_memory_equal(in, out, sizeof in);
    clReleaseMemObject(m);
    /* the stream implementation says why a problem cannot fit */
    const hb_device *d = first_ocl();
    hb_problem p = {.kernel = hb_kernel_find("stream"), .variant = HB_F64, .op = HB_STREAM_TRIAD};
    p.size.n = (int64_t)(od->global_mem / 8);
    char why[256] = "";
    assert_int_equal(hb__stream_ocl_base.supports(d, &p, why, sizeof why), HB_SKIPPED);
    assert_contains(why, "global memory");
}

static void test_stream_device_timer(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    const hb_kernel *k = hb_kernel_find("stream");
    const hb_impl *im = &hb__stream_ocl_base;
    assert_non_null(im->device_seconds);
    for (int op = 0; op < 4; op++) {
        hb_problem p = {.kernel = k, .variant = HB_F32, .op = op, .seed = 7};
        p.size.n = 100003;
        char err[512] = "";
        assert_int_equal(k->setup(&p, err, sizeof err), HB_OK);
        void *st = NULL;
        if (im->setup(d, &p, &st, err, sizeof err) != HB_OK) fail_msg("setup: %s", err);
        assert_true(im->device_seconds(st) < 0); /* nothing ran yet */
        double t0 = hb__now();
        assert_int_equal(im->run(st), HB_OK);
        double host = hb__now() - t0;
        double dev = im->device_seconds(st);
        print_message("  %s: device %.3g s, host %.3g s; %s\n", k->ops[op], dev, host,
                      im->detail(st));
        assert_true(dev > 0 && dev <= host * 1.05 + 50e-6);
        assert_int_equal(im->finish(st), HB_OK);
        hb_verification v;
        memset(&v, 0, sizeof v);
        assert_int_equal(k->verify(&p, &v), HB_OK);
        assert_true(v.passed);
        im->teardown(st);
        k->teardown(&p);
    }
}

/* ---- lu on OpenCL ---- */

/* The implementation of `lu` of the given kind on the device's platform. */
static const hb_impl *lu_impl(const hb_device *d, hb_impl_kind kind) {
    for (size_t i = 0; i < d->platform->nimpls; i++)
        if (!strcmp(d->platform->impls[i].kernel, "lu") && d->platform->impls[i].kind == kind)
            return &d->platform->impls[i];
    return NULL;
}

static void lu_verify_ok(const hb_problem *p, const char *what, int rep) {
    hb_verification v;
    memset(&v, 0, sizeof v);
    assert_int_equal(p->kernel->verify(p, &v), HB_OK);
    if (!v.passed)
        fail_msg("lu %s: verification FAILED after run %d: %s = %.6g (threshold %.6g)", what, rep,
                 v.metric_name, v.metric, v.threshold);
}

/* Sizes around the blocking (NB = 128 columns, panel leaves of 16, solve blocks of the
   one-work-group size): 1, odd, one past a block, several blocks plus a remainder that is a
   multiple of no block. Each: two runs verified by the HPL residual, the device time within
   the host window, and a corrupted x must fail. */
static void test_lu_odd_sizes(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    const hb_impl *im = lu_impl(d, HB_IMPL_BASE);
    assert_non_null(im);
    assert_non_null(im->device_seconds);
    assert_non_null(im->reset);
    const hb_kernel *k = hb_kernel_find("lu");
    const int64_t sizes[] = {1, 2, 7, 16, 17, 65, 129, 257, 300, 531};
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        char what[32];
        snprintf(what, sizeof what, "n=%lld", (long long)sizes[si]);
        hb_problem p = {.kernel = k, .variant = HB_F64, .seed = 99 + si};
        p.size.n = sizes[si];
        char err[512] = "";
        assert_int_equal(im->supports(d, &p, err, sizeof err), HB_OK);
        assert_int_equal(k->setup(&p, err, sizeof err), HB_OK);
        void *st = NULL;
        if (im->setup(d, &p, &st, err, sizeof err) != HB_OK) fail_msg("%s: setup: %s", what, err);
        assert_contains(im->detail(st), "lu_gemm_sub");
        assert_contains(im->detail(st), "device time = first kernel start to last kernel end");
        for (int rep = 1; rep <= 2; rep++) {
            assert_int_equal(im->reset(st), HB_OK);
            double t0 = hb__now();
            assert_int_equal(im->run(st), HB_OK);
            double host = hb__now() - t0, dev = im->device_seconds(st);
            /* < 0: shorter than the timer can tell (the runner then uses the host time) */
            if (!(dev == -1.0 || (dev > 0 && dev <= host * 1.05 + 50e-6)))
                fail_msg("%s: device %.3g s, host %.3g s", what, dev, host);
            assert_int_equal(im->finish(st), HB_OK);
            lu_verify_ok(&p, what, rep);
        }
        k->corrupt(&p);
        hb_verification bad;
        memset(&bad, 0, sizeof bad);
        assert_int_equal(k->verify(&p, &bad), HB_OK);
        if (bad.passed) fail_msg("%s: a corrupted x passed (%.3g)", what, bad.metric);
        if (si == sizeof sizes / sizeof *sizes - 1) print_message("  %s\n", im->detail(st));
        im->teardown(st);
        k->teardown(&p);
    }
}

/* f64 only, where the device has it; the matrix must fit one allocation, the matrix and its
   pristine copy the global memory: otherwise skipped with the reason, never attempted. */
static void test_lu_limits(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    hb__ocl_device *od = hb__ocl_dev(d);
    const hb_impl *im = lu_impl(d, HB_IMPL_BASE);
    assert_non_null(im);
    hb_problem p = {.kernel = hb_kernel_find("lu"), .variant = HB_F32};
    p.size.n = 100;
    char why[512] = "";
    assert_int_equal(im->supports(d, &p, why, sizeof why), HB_UNSUPPORTED);
    assert_contains(why, "f64");
    /* a device without doubles (PoCL has them: pretend for the check) */
    p.variant = HB_F64;
    int had = od->has_fp64;
    od->has_fp64 = 0;
    hb_status s = im->supports(d, &p, why, sizeof why);
    od->has_fp64 = had;
    assert_int_equal(s, HB_UNSUPPORTED);
    assert_contains(why, "cl_khr_fp64");
    /* one matrix above CL_DEVICE_MAX_MEM_ALLOC_SIZE */
    p.size.n = (int64_t)sqrt((double)od->max_alloc / 8.0) + 1;
    assert_int_equal(im->supports(d, &p, why, sizeof why), HB_SKIPPED);
    print_message("  n = %lld: %s\n", (long long)p.size.n, why);
    assert_contains(why, "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
    /* two matrices above the global memory (pretend one may take all of it) */
    cl_ulong max_alloc = od->max_alloc;
    od->max_alloc = od->global_mem;
    p.size.n = (int64_t)sqrt((double)od->global_mem / 16.0) + 1;
    s = im->supports(d, &p, why, sizeof why);
    od->max_alloc = max_alloc;
    assert_int_equal(s, HB_SKIPPED);
    assert_contains(why, "global memory");
    /* beyond the kernels' 32-bit indices */
    p.size.n = (int64_t)1 << 40;
    assert_int_equal(im->supports(d, &p, why, sizeof why), HB_SKIPPED);
    /* setup refuses the same way, before allocating anything */
    p.size.n = (int64_t)sqrt((double)od->max_alloc / 8.0) + 1;
    void *st = (void *)1;
    char err[512] = "";
    assert_int_equal(im->setup(d, &p, &st, err, sizeof err), HB_SKIPPED);
    assert_null(st);
    assert_contains(err, "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
}

/* An explicit transfer size above one buffer's limit: skipped with the reason, not a failed
   allocation (PoCL allows 8 GiB, beyond --size's range: pretend a smaller limit). */
static void test_transfer_max_alloc(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    hb__ocl_device *od = hb__ocl_dev(d);
    const hb_impl *im = NULL;
    for (size_t i = 0; i < d->platform->nimpls; i++)
        if (!strcmp(d->platform->impls[i].kernel, "transfer")) im = &d->platform->impls[i];
    assert_non_null(im);
    hb_problem p = {.kernel = hb_kernel_find("transfer"), .variant = HB_F32};
    p.size.n = 1 << 20;
    char why[512] = "";
    assert_int_equal(im->supports(d, &p, why, sizeof why), HB_OK);
    cl_ulong max_alloc = od->max_alloc;
    od->max_alloc = (cl_ulong)(1 << 20) * sizeof(float) - 1;
    hb_status s = im->supports(d, &p, why, sizeof why);
    od->max_alloc = max_alloc;
    assert_int_equal(s, HB_SKIPPED);
    assert_contains(why, "CL_DEVICE_MAX_MEM_ALLOC_SIZE");
}

/* No vendor LU on OpenCL (CLBlast has no LAPACK): a peak entry that always says why. */
static void test_lu_no_peak(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    const hb_impl *im = lu_impl(d, HB_IMPL_PEAK);
    assert_non_null(im);
    hb_problem p = {.kernel = hb_kernel_find("lu"), .variant = HB_F64};
    p.size.n = 100;
    char why[512] = "";
    assert_int_equal(im->supports(d, &p, why, sizeof why), HB_UNSUPPORTED);
    assert_contains(why, "CLBlast");
    assert_contains(why, "getrf");
}

/* A kernel that fails to enqueue in the middle of a run: run() returns a device error and the
   noted reason names the OpenCL error and the kernel; the queue is drained, and the next run
   of the same state is verified again (the runner's record is `error`, and it goes on). */
static void test_lu_run_failure(void **state) {
    (void)state;
    const hb_device *d = first_ocl();
    const hb_impl *im = lu_impl(d, HB_IMPL_BASE);
    const hb_kernel *k = hb_kernel_find("lu");
    hb_problem p = {.kernel = k, .variant = HB_F64, .seed = 5};
    p.size.n = 300;
    char err[512] = "";
    assert_int_equal(k->setup(&p, err, sizeof err), HB_OK);
    void *st = NULL;
    assert_int_equal(im->setup(d, &p, &st, err, sizeof err), HB_OK);
    const cl_int codes[] = {CL_OUT_OF_RESOURCES, CL_INVALID_COMMAND_QUEUE};
    const long at[] = {1, 5};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(im->reset(st), HB_OK);
        hb__clear_noted_error();
        hb__lu_ocl_fail_at(st, at[i], codes[i]);
        assert_int_equal(im->run(st), HB_E_DEVICE);
        print_message("  noted: %s\n", hb__noted_error());
        assert_contains(hb__noted_error(), hb__ocl_error_name(codes[i]));
        assert_contains(hb__noted_error(), "clEnqueueNDRangeKernel(lu_");
        assert_contains(hb__noted_error(), od_name_of(d));
        assert_int_equal(im->reset(st), HB_OK);
        assert_int_equal(im->run(st), HB_OK);
        assert_int_equal(im->finish(st), HB_OK);
        lu_verify_ok(&p, "after a failed run", i + 1);
    }
    im->teardown(st);
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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discovery),           cmocka_unit_test(test_selection),
        cmocka_unit_test(test_error_names),         cmocka_unit_test(test_build_failure),
        cmocka_unit_test(test_program_cache),       cmocka_unit_test(test_allocation_limits),
        cmocka_unit_test(test_stream_device_timer), cmocka_unit_test(test_lu_odd_sizes),
        cmocka_unit_test(test_lu_limits),           cmocka_unit_test(test_lu_no_peak),
        cmocka_unit_test(test_lu_run_failure),      cmocka_unit_test(test_transfer_max_alloc),
    };
    return cmocka_run_group_tests_name("opencl", tests, group_setup, group_teardown);
}
