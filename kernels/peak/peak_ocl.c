/* hetbench — peak on OpenCL (base): one work item per element, 16 independent chains of
 * HB__PEAK_STEPS steps each (peak.cl; the recurrences and their host reference are in
 * peak.c). f64 only with cl_khr_fp64, f16 only with cl_khr_fp16; i32 multiply-adds in uint
 * arithmetic; i8 dot products in plain char arithmetic with int accumulators. On CPU devices
 * (f64, f32, i32, i8) each work item takes a native vector of elements, each chain one vector
 * register (the _v kernels: see peak.cl for why). HB_PEAK_OCL_VW=1 forces the scalar kernels
 * everywhere, =2/4/8/16 that width wherever a _v kernel exists. setup builds the
 * program (cached, untimed) and uploads the seeds; run enqueues the kernel and waits; the device
 * time is the profiling event's START..END; finish reads the results back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

typedef struct peak_ocl {
    hb__ocl_device *od;
    hb_problem *p;
    cl_kernel kernel;
    cl_mem in, out;
    cl_event last;
    size_t global, local, bytes;
    int vw; /* elements per work item: 1, or the vector width of the _v kernel */
    char detail[320];
} peak_ocl;

static size_t peak_ocl_es(hb_variant v) {
    return v == HB_F64 ? 8 : v == HB_F16 ? 2 : 4;
}

/* Elements per work item for variant v on this device: the native vector width on a CPU
   device (whose OpenCL compiler vectorises within a work item, not across them), 1 elsewhere
   (a GPU thread is one lane already). HB_PEAK_OCL_VW overrides; -1 (err filled) when it holds
   no valid width. */
static int peak_ocl_vw(const hb__ocl_device *od, hb_variant v, char *err, size_t n) {
    static const int k_vws[] = {1, 2, 4, 8, 16};
    int forced = hb__env_int_choice("HB_PEAK_OCL_VW", k_vws, 5, 0, err, n);
    if (forced != 0) return forced;
    if (!(od->type & CL_DEVICE_TYPE_CPU)) return 1;
    cl_device_info q = v == HB_F64   ? CL_DEVICE_NATIVE_VECTOR_WIDTH_DOUBLE
                       : v == HB_F32 ? CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT
                                     : CL_DEVICE_NATIVE_VECTOR_WIDTH_INT;
    cl_uint w = 0;
    if (clGetDeviceInfo(od->device, q, sizeof w, &w, NULL) != CL_SUCCESS) return 1;
    return w == 2 || w == 4 || w == 8 || w == 16 ? (int)w : 1;
}

static hb_status peak_ocl_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__ocl_device *od = hb__ocl_dev(d);
    if (!od) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    switch (p->variant) {
    case HB_F64:
        if (!od->has_fp64) {
            hb__set_err(why, n, "%s has no cl_khr_fp64 (no double precision)", od->name);
            return HB_UNSUPPORTED;
        }
        break;
    case HB_F16:
        if (!od->has_fp16) {
            hb__set_err(why, n, "%s has no cl_khr_fp16 (no half-precision arithmetic)", od->name);
            return HB_UNSUPPORTED;
        }
        break;
    case HB_F32:
    case HB_I8:
    case HB_I32:
        break;
    default:
        hb__set_err(why, n, "peak has f64, f32, f16, i32 and i8");
        return HB_UNSUPPORTED;
    }
    double bytes = 2.0 * (double)(p->size.n > 0 ? p->size.n : 0) * (double)peak_ocl_es(p->variant);
    if (od->global_mem && bytes > (double)od->global_mem) {
        hb__set_err(why, n, "%.3g GB of seeds and results exceed the global memory of %s",
                    bytes * 1e-9, od->name);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void peak_ocl_teardown(void *state) {
    peak_ocl *s = state;
    if (!s) return;
    if (s->last) clReleaseEvent(s->last);
    if (s->kernel) clReleaseKernel(s->kernel);
    if (s->in) clReleaseMemObject(s->in);
    if (s->out) clReleaseMemObject(s->out);
    free(s);
}

static hb_status peak_ocl_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                size_t n) {
    hb__ocl_device *od = hb__ocl_dev(dev);
    if (!od) {
        hb__set_err(err, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    hb__peak_data *d = p->data;
    peak_ocl *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->od = od;
    s->p = p;
    hb_variant v = p->variant;
    if ((uint64_t)p->size.n > (uint64_t)SIZE_MAX / 8) {
        free(s);
        hb__set_err(err, n, "peak: n too large");
        return HB_E_INVALID;
    }
    s->bytes = (size_t)p->size.n * peak_ocl_es(v);
    s->vw = v == HB_F16 ? 1 : peak_ocl_vw(od, v, err, n);
    if (s->vw < 0) {
        free(s);
        return HB_E_INVALID;
    }
    char opts[128];
    snprintf(opts, sizeof opts, "%s%s", od->has_fp64 ? "-DHB_F64 " : "",
             od->has_fp16 ? "-DHB_F16" : "");
    if (s->vw > 1) {
        size_t l = strlen(opts);
        snprintf(opts + l, sizeof opts - l, " -DHB_PEAK_VW=%d", s->vw);
    }
    cl_program prog;
    hb_status st = hb__ocl_program(od, "peak", opts, NULL, &prog, err, n);
    if (st != HB_OK) {
        free(s);
        return st;
    }
    char kname[32];
    snprintf(kname, sizeof kname, "hb_peak_%s%s", hb_variant_name(v), s->vw > 1 ? "_v" : "");
    cl_int e;
    s->kernel = clCreateKernel(prog, kname, &e);
    if (e != CL_SUCCESS) {
        peak_ocl_teardown(s);
        return hb__ocl_fail(e, "clCreateKernel(peak)", err, n);
    }
    if ((st = hb__ocl_buffer(od, CL_MEM_READ_ONLY, s->bytes, &s->in, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_WRITE_ONLY, s->bytes, &s->out, err, n)) != HB_OK ||
        (st = hb__ocl_write(od, s->in, d->in, s->bytes, err, n)) != HB_OK) {
        peak_ocl_teardown(s);
        return st;
    }
    cl_int steps = HB__PEAK_STEPS;
    cl_long nn = p->size.n;
    e = clSetKernelArg(s->kernel, 0, sizeof(cl_mem), &s->in);
    e |= clSetKernelArg(s->kernel, 1, sizeof(cl_mem), &s->out);
    if (v == HB_I8) {
        cl_char4 w;
        for (int j = 0; j < 4; j++) w.s[j] = d->w[j];
        e |= clSetKernelArg(s->kernel, 2, sizeof w, &w);
        e |= clSetKernelArg(s->kernel, 3, sizeof steps, &steps);
        e |= clSetKernelArg(s->kernel, 4, sizeof nn, &nn);
    } else {
        if (v == HB_I32) {
            cl_uint a = d->ia, b = d->ib;
            e |= clSetKernelArg(s->kernel, 2, sizeof a, &a);
            e |= clSetKernelArg(s->kernel, 3, sizeof b, &b);
        } else if (v == HB_F64) {
            cl_double a = d->a, b = d->b;
            e |= clSetKernelArg(s->kernel, 2, sizeof a, &a);
            e |= clSetKernelArg(s->kernel, 3, sizeof b, &b);
        } else { /* f32, and f16 whose a and b travel as floats (exact) */
            cl_float a = (cl_float)d->a, b = (cl_float)d->b;
            e |= clSetKernelArg(s->kernel, 2, sizeof a, &a);
            e |= clSetKernelArg(s->kernel, 3, sizeof b, &b);
        }
        e |= clSetKernelArg(s->kernel, 4, sizeof steps, &steps);
        e |= clSetKernelArg(s->kernel, 5, sizeof nn, &nn);
    }
    if (e != CL_SUCCESS) {
        peak_ocl_teardown(s);
        return hb__ocl_fail(CL_INVALID_KERNEL_ARGS, "clSetKernelArg(peak)", err, n);
    }
    size_t wg = 0;
    if (clGetKernelWorkGroupInfo(s->kernel, od->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof wg, &wg,
                                 NULL) != CL_SUCCESS ||
        wg == 0)
        wg = 64;
    s->local = wg < 256 ? wg : 256;
    size_t items = ((size_t)p->size.n + (size_t)s->vw - 1) / (size_t)s->vw;
    size_t groups = (items + s->local - 1) / s->local;
    s->global = groups * s->local;
    snprintf(s->detail, sizeof s->detail,
             "OpenCL C kernel %s, %d element%s per work item, %d chains x %d steps, local size "
             "%zu%s",
             kname, s->vw, s->vw > 1 ? "s (one vector)" : "", HB__PEAK_CHAINS, HB__PEAK_STEPS,
             s->local,
             v == HB_I8    ? ", int8 dot4 in char arithmetic with int accumulators"
             : v == HB_I32 ? ", uint multiply + add"
                           : ", fma()");
    *state = s;
    return HB_OK;
}

static hb_status peak_ocl_run(void *state) {
    peak_ocl *s = state;
    if (s->last) clReleaseEvent(s->last), s->last = NULL;
    cl_int e = clEnqueueNDRangeKernel(s->od->queue, s->kernel, 1, NULL, &s->global, &s->local, 0,
                                      NULL, &s->last);
    const char *what = "clEnqueueNDRangeKernel";
    if (e == CL_SUCCESS) e = clWaitForEvents(1, &s->last), what = "clWaitForEvents";
    if (e == CL_SUCCESS) return HB_OK;
    hb__note_error("peak on %s: %s: %s (%d)", s->od->name, what, hb__ocl_error_name(e), (int)e);
    return HB_E_DEVICE;
}

static hb_status peak_ocl_finish(void *state) {
    peak_ocl *s = state;
    hb__peak_data *d = s->p->data;
    char err[256];
    return hb__ocl_read(s->od, s->out, d->out, s->bytes, err, sizeof err);
}

static double peak_ocl_device_seconds(void *state) {
    peak_ocl *s = state;
    return s->last ? hb__ocl_event_seconds(s->last) : -1.0;
}

static const char *peak_ocl_detail(void *state) {
    return ((peak_ocl *)state)->detail;
}

const hb_impl hb__peak_ocl_base = {
    .kernel = "peak",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16) |
                HB_VARIANT_BIT(HB_I8) | HB_VARIANT_BIT(HB_I32),
    .supports = peak_ocl_supports,
    .setup = peak_ocl_setup,
    .run = peak_ocl_run,
    .finish = peak_ocl_finish,
    .teardown = peak_ocl_teardown,
    .detail = peak_ocl_detail,
    .device_seconds = peak_ocl_device_seconds,
};
