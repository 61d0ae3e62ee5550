/* hetbench — the OpenCL "peak" GEMM: CLBlast (CLBlastSgemm / Dgemm / Hgemm), column-major, no
 * transposes, on the device's own context and profiling queue. Built only with CLBlast
 * (HB_HAVE_CLBLAST). CLBlast compiles its kernels at the first call for a device and
 * precision: setup makes one untimed call on the real problem so that this never lands in a
 * timed run(). Hgemm computes in half precision and needs cl_khr_fp16; its half output is
 * widened to float in finish(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h" /* before clblast_c.h: it sets CL_TARGET_OPENCL_VERSION */

#include <clblast_c.h>

#define CLBLAST_VARIANTS (HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16))

static const char *clblast_status_name(CLBlastStatusCode s) {
    switch (s) {
    case CLBlastNotImplemented:
        return "CLBlastNotImplemented";
    case CLBlastInvalidMatrixA:
        return "CLBlastInvalidMatrixA";
    case CLBlastInvalidMatrixB:
        return "CLBlastInvalidMatrixB";
    case CLBlastInvalidMatrixC:
        return "CLBlastInvalidMatrixC";
    case CLBlastInvalidDimension:
        return "CLBlastInvalidDimension";
    case CLBlastInvalidLeadDimA:
        return "CLBlastInvalidLeadDimA";
    case CLBlastInvalidLeadDimB:
        return "CLBlastInvalidLeadDimB";
    case CLBlastInvalidLeadDimC:
        return "CLBlastInvalidLeadDimC";
    case CLBlastInsufficientMemoryA:
        return "CLBlastInsufficientMemoryA";
    case CLBlastInsufficientMemoryB:
        return "CLBlastInsufficientMemoryB";
    case CLBlastInsufficientMemoryC:
        return "CLBlastInsufficientMemoryC";
    case CLBlastInsufficientMemoryTemp:
        return "CLBlastInsufficientMemoryTemp";
    case CLBlastInvalidLocalMemUsage:
        return "CLBlastInvalidLocalMemUsage";
    case CLBlastNoHalfPrecision:
        return "CLBlastNoHalfPrecision";
    case CLBlastNoDoublePrecision:
        return "CLBlastNoDoublePrecision";
    case CLBlastDatabaseError:
        return "CLBlastDatabaseError";
    case CLBlastUnknownError:
        return "CLBlastUnknownError";
    case CLBlastUnexpectedError:
        return "CLBlastUnexpectedError";
    default:
        /* the codes above -1000 are OpenCL's own */
        return (int)s > -1000 ? hb__ocl_error_name((cl_int)s) : "CLBlast status";
    }
}

static void clblast_err(CLBlastStatusCode s, const char *what, char *err, size_t n) {
    hb__set_err(err, n, "%s: %s (%d)", what, clblast_status_name(s), (int)s);
}

typedef struct clblast_gemm {
    hb_problem *p;
    hb__ocl_device *od;
    cl_mem A, B, C;
    cl_event last;
    char detail[320];
} clblast_gemm;

static size_t in_size(hb_variant v) {
    return v == HB_F64 ? 8 : v == HB_F16 ? 2 : 4;
}
/* on the device: Hgemm's C is half */
static size_t dev_out_size(hb_variant v) {
    return v == HB_F64 ? 8 : v == HB_F16 ? 2 : 4;
}

static hb_status clblast_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__ocl_device *od = hb__ocl_dev(d);
    if (!od) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    switch (p->variant) {
    case HB_F32:
        break;
    case HB_F64:
        if (od->has_fp64) break;
        hb__set_err(why, n, "%s has no cl_khr_fp64 (CLBlastDgemm needs double precision)",
                    od->name);
        return HB_UNSUPPORTED;
    case HB_F16:
        if (od->has_fp16) break;
        hb__set_err(why, n, "%s has no cl_khr_fp16: CLBlastHgemm needs half-precision arithmetic",
                    od->name);
        return HB_UNSUPPORTED;
    default:
        hb__set_err(why, n, "CLBlast has no %s GEMM", hb_variant_name(p->variant));
        return HB_UNSUPPORTED;
    }
    const double es = (double)in_size(p->variant), os = (double)dev_out_size(p->variant);
    const double m = (double)p->size.m, nn = (double)p->size.n, k = (double)p->size.k;
    const double a = es * m * k, b = es * k * nn, c = os * m * nn;
    const double big = a > b ? (a > c ? a : c) : (b > c ? b : c);
    if (big > (double)od->max_alloc) {
        hb__set_err(why, n,
                    "a matrix of %.0f MiB exceeds the largest allocation %s allows "
                    "(CL_DEVICE_MAX_MEM_ALLOC_SIZE %.0f MiB)",
                    big / 1048576.0, od->name, (double)od->max_alloc / 1048576.0);
        return HB_SKIPPED;
    }
    /* CLBlast's indirect GEMM pads copies of the matrices: leave it room */
    if (2.0 * (a + b + c) > (double)od->global_mem) {
        hb__set_err(why, n,
                    "A, B and C (%.0f MiB, twice that with CLBlast's padded copies) exceed the "
                    "global memory of %s (%.0f MiB)",
                    (a + b + c) / 1048576.0, od->name, (double)od->global_mem / 1048576.0);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static CLBlastStatusCode call_gemm(clblast_gemm *s, cl_event *ev) {
    const size_t m = (size_t)s->p->size.m, n = (size_t)s->p->size.n, k = (size_t)s->p->size.k;
    cl_command_queue q = s->od->queue;
    switch (s->p->variant) {
    case HB_F64:
        return CLBlastDgemm(CLBlastLayoutColMajor, CLBlastTransposeNo, CLBlastTransposeNo, m, n, k,
                            1.0, s->A, 0, m, s->B, 0, k, 0.0, s->C, 0, m, &q, ev);
    case HB_F32:
        return CLBlastSgemm(CLBlastLayoutColMajor, CLBlastTransposeNo, CLBlastTransposeNo, m, n, k,
                            1.0f, s->A, 0, m, s->B, 0, k, 0.0f, s->C, 0, m, &q, ev);
    case HB_F16:
        return CLBlastHgemm(CLBlastLayoutColMajor, CLBlastTransposeNo, CLBlastTransposeNo, m, n, k,
                            (cl_half)0x3c00, s->A, 0, m, s->B, 0, k, (cl_half)0, s->C, 0, m, &q,
                            ev);
    default:
        return CLBlastNotImplemented;
    }
}

static const char *routine(hb_variant v) {
    return v == HB_F64 ? "CLBlastDgemm" : v == HB_F16 ? "CLBlastHgemm" : "CLBlastSgemm";
}

static void clblast_teardown(void *state) {
    clblast_gemm *s = state;
    if (!s) return;
    if (s->last) clReleaseEvent(s->last);
    if (s->A) clReleaseMemObject(s->A);
    if (s->B) clReleaseMemObject(s->B);
    if (s->C) clReleaseMemObject(s->C);
    free(s);
}

static hb_status clblast_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                               size_t n) {
    hb_status st = clblast_supports(dev, p, err, n);
    if (st != HB_OK) return st;
    clblast_gemm *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    s->od = hb__ocl_dev(dev);
    hb_variant v = p->variant;
    const size_t m = (size_t)p->size.m, nn = (size_t)p->size.n, k = (size_t)p->size.k;
    const size_t es = in_size(v), ba = es * m * k, bb = es * k * nn, bc = dev_out_size(v) * m * nn;
    hb_gemm_data *d = p->data;
    if ((st = hb__ocl_buffer(s->od, CL_MEM_READ_ONLY, ba, &s->A, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(s->od, CL_MEM_READ_ONLY, bb, &s->B, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(s->od, CL_MEM_READ_WRITE, bc, &s->C, err, n)) != HB_OK ||
        (st = hb__ocl_write(s->od, s->A, d->A, ba, err, n)) != HB_OK ||
        (st = hb__ocl_write(s->od, s->B, d->B, bb, err, n)) != HB_OK)
        goto fail;
    /* the untimed first call: CLBlast builds (or loads) its kernels for this device here */
    cl_event ev = NULL;
    CLBlastStatusCode cs = call_gemm(s, &ev);
    if (cs != CLBlastSuccess) {
        char what[256];
        snprintf(what, sizeof what, "%s (first call, kernel compilation) on %s", routine(v),
                 s->od->name);
        clblast_err(cs, what, err, n);
        st = HB_E_DEVICE;
        goto fail;
    }
    cl_int e = clWaitForEvents(1, &ev);
    clReleaseEvent(ev);
    if (e != CL_SUCCESS) {
        st = hb__ocl_fail(e, "CLBlast gemm: clWaitForEvents", err, n);
        goto fail;
    }
    snprintf(s->detail, sizeof s->detail, "CLBlast %d.%d.%d %s on %s", CLBLAST_VERSION_MAJOR,
             CLBLAST_VERSION_MINOR, CLBLAST_VERSION_PATCH, routine(v), s->od->name);
    *state = s;
    return HB_OK;
fail:
    clblast_teardown(s);
    return st;
}

static hb_status clblast_run(void *state) {
    clblast_gemm *s = state;
    if (s->last) clReleaseEvent(s->last);
    s->last = NULL;
    CLBlastStatusCode cs = call_gemm(s, &s->last);
    if (cs != CLBlastSuccess) {
        s->last = NULL;
        hb__note_error("%s on %s: %s (%d)", routine(s->p->variant), s->od->name,
                       clblast_status_name(cs), (int)cs);
        return HB_E_DEVICE;
    }
    cl_int e = clWaitForEvents(1, &s->last);
    if (e != CL_SUCCESS) {
        hb__note_error("%s on %s: clWaitForEvents: %s (%d)", routine(s->p->variant), s->od->name,
                       hb__ocl_error_name(e), (int)e);
        return HB_E_DEVICE;
    }
    return HB_OK;
}

static hb_status clblast_finish(void *state) {
    clblast_gemm *s = state;
    hb_gemm_data *d = s->p->data;
    const size_t count = (size_t)s->p->size.m * (size_t)s->p->size.n;
    char err[512];
    hb_status st;
    if (s->p->variant != HB_F16) {
        st = hb__ocl_read(s->od, s->C, d->C, count * dev_out_size(s->p->variant), err, sizeof err);
    } else {
        uint16_t *h = malloc(count * sizeof *h);
        if (!h) return HB_E_NOMEM;
        st = hb__ocl_read(s->od, s->C, h, count * sizeof *h, err, sizeof err);
        if (st == HB_OK)
            for (size_t i = 0; i < count; i++) ((float *)d->C)[i] = hb__f16_to_f32(h[i]);
        free(h);
    }
    if (st != HB_OK) {
        hb__note_error("CLBlast gemm on %s: %s", s->od->name, err);
        return HB_E_DEVICE;
    }
    return HB_OK;
}

static const char *clblast_detail(void *state) {
    return ((clblast_gemm *)state)->detail;
}

const hb_impl hb__gemm_ocl_peak = {
    .kernel = "gemm",
    .kind = HB_IMPL_PEAK,
    .name = "clblast",
    .variants = CLBLAST_VARIANTS,
    .supports = clblast_supports,
    .setup = clblast_setup,
    .run = clblast_run,
    .finish = clblast_finish,
    .teardown = clblast_teardown,
    .detail = clblast_detail,
    /* no device_seconds: CLBlast hands the caller's event to its LAST kernel only, and for
       sizes off its tiles it enqueues pad/copy kernels before the GEMM and an un-pad after
       (CLBlast issue #159): the event would time a fraction of the work. Host clock around
       the call and its wait instead. */
};
