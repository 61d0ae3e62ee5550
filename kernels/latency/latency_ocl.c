/* hetbench — latency on OpenCL (base): a kernel of one work item that writes one int, enqueued
 * and waited for (clFinish) n times per run. Timed by the host clock around run(): the launch
 * latency is the enqueue + execution + wait as the host sees it, so this implementation has
 * no device_seconds. finish reads the slot back for the kernel's verify(); reset clears it
 * (untimed), so that a launch that did not happen fails the verification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

typedef struct latency_ocl {
    hb__ocl_device *od;
    hb_problem *p;
    cl_kernel kernel;
    cl_mem out;
    char detail[256];
} latency_ocl;

static hb_status latency_ocl_supports(const hb_device *d, const hb_problem *p, char *why,
                                      size_t n) {
    (void)p;
    if (!hb__ocl_dev(d)) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static void latency_ocl_teardown(void *state) {
    latency_ocl *s = state;
    if (!s) return;
    if (s->kernel) clReleaseKernel(s->kernel);
    if (s->out) clReleaseMemObject(s->out);
    free(s);
}

static hb_status latency_ocl_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                   size_t n) {
    hb__ocl_device *od = hb__ocl_dev(dev);
    if (!od) {
        hb__set_err(err, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    latency_ocl *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->od = od;
    s->p = p;
    cl_program prog;
    hb_status st = hb__ocl_program(od, "latency", "", NULL, &prog, err, n);
    if (st != HB_OK) {
        free(s);
        return st;
    }
    cl_int e;
    s->kernel = clCreateKernel(prog, "hb_latency", &e);
    if (e != CL_SUCCESS) {
        latency_ocl_teardown(s);
        return hb__ocl_fail(e, "clCreateKernel(hb_latency)", err, n);
    }
    if ((st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, sizeof(cl_uint), &s->out, err, n)) != HB_OK) {
        latency_ocl_teardown(s);
        return st;
    }
    if ((e = clSetKernelArg(s->kernel, 0, sizeof(cl_mem), &s->out)) != CL_SUCCESS) {
        latency_ocl_teardown(s);
        return hb__ocl_fail(e, "clSetKernelArg(hb_latency)", err, n);
    }
    snprintf(s->detail, sizeof s->detail,
             "1 work item writes one int; clEnqueueNDRangeKernel + clFinish per launch, host "
             "clock");
    *state = s;
    return HB_OK;
}

static hb_status latency_ocl_reset(void *state) {
    latency_ocl *s = state;
    hb__latency_data *d = s->p->data;
    cl_uint zero = 0;
    char err[256];
    d->out[0] = 0;
    d->used = 0;
    return hb__ocl_write(s->od, s->out, &zero, sizeof zero, err, sizeof err);
}

static hb_status latency_ocl_run(void *state) {
    latency_ocl *s = state;
    hb__latency_data *d = s->p->data;
    int64_t n = s->p->size.n;
    size_t one = 1;
    for (int64_t j = 0; j < n; j++) {
        cl_uint val = d->token + (cl_uint)j * HB__LATENCY_STRIDE;
        cl_int e = clSetKernelArg(s->kernel, 1, sizeof val, &val);
        if (e == CL_SUCCESS)
            e = clEnqueueNDRangeKernel(s->od->queue, s->kernel, 1, NULL, &one, &one, 0, NULL, NULL);
        if (e == CL_SUCCESS) e = clFinish(s->od->queue);
        if (e != CL_SUCCESS) {
            hb__note_error("latency launch %lld on %s: %s (%d)", (long long)j + 1, s->od->name,
                           hb__ocl_error_name(e), (int)e);
            return HB_E_DEVICE;
        }
    }
    return HB_OK;
}

static hb_status latency_ocl_finish(void *state) {
    latency_ocl *s = state;
    hb__latency_data *d = s->p->data;
    char err[256];
    hb_status st = hb__ocl_read(s->od, s->out, d->out, sizeof(cl_uint), err, sizeof err);
    if (st == HB_OK) d->used = 1;
    return st;
}

static const char *latency_ocl_detail(void *state) {
    return ((latency_ocl *)state)->detail;
}

const hb_impl hb__latency_ocl_base = {
    .kernel = "latency",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F32),
    .supports = latency_ocl_supports,
    .setup = latency_ocl_setup,
    .reset = latency_ocl_reset,
    .run = latency_ocl_run,
    .finish = latency_ocl_finish,
    .teardown = latency_ocl_teardown,
    .detail = latency_ocl_detail,
};
