/* hetbench — stream on OpenCL (base): the four STREAM operations of stream.c as OpenCL C
 * kernels (stream.cl), a vector of elements per work-item, on buffers in the device's global
 * memory.
 *
 * setup builds the program (cached per device, never timed), creates the buffers the
 * operation touches and copies its inputs from the host problem; run enqueues the one kernel
 * and waits for it; the device time of a run is the profiling event's START..END. Each
 * operation is idempotent (its inputs are never its output, see stream.c), so no reset is
 * needed between repetitions; finish reads the output array back for the kernel's verify(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

typedef struct stream_ocl {
    hb__ocl_device *od;
    hb_problem *p;
    cl_kernel kernel;
    cl_mem a, b, c;
    cl_event last;
    size_t global, local;
    char detail[640];
} stream_ocl;

static const char *const kernel_names[] = {"stream_copy", "stream_scale", "stream_add",
                                           "stream_triad"};

static hb_status stream_ocl_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__ocl_device *od = hb__ocl_dev(d);
    if (!od) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    if (p->variant != HB_F64 && p->variant != HB_F32) {
        hb__set_err(why, n, "stream has only f64 and f32");
        return HB_UNSUPPORTED;
    }
    if (p->variant == HB_F64 && !od->has_fp64) {
        hb__set_err(why, n, "%s has no cl_khr_fp64 (no double precision)", od->name);
        return HB_UNSUPPORTED;
    }
    if (p->op < 0 || p->op > HB_STREAM_TRIAD) {
        hb__set_err(why, n, "stream: no operation %d", p->op);
        return HB_UNSUPPORTED;
    }
    unsigned in, out;
    hb__stream_op_arrays(p->op, &in, &out);
    double bytes = (double)hb__stream_count_arrays(in | out) *
                   (double)(p->size.n > 0 ? p->size.n : 0) *
                   (double)hb__variant_elem_size(p->variant);
    if (od->global_mem && bytes > (double)od->global_mem) {
        hb__set_err(why, n,
                    "%d arrays of %lld elements (%.3g GB) exceed the global memory of "
                    "%s (%.3g GB)",
                    hb__stream_count_arrays(in | out), (long long)p->size.n, bytes * 1e-9, od->name,
                    (double)od->global_mem * 1e-9);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void stream_ocl_teardown(void *state) {
    stream_ocl *s = state;
    if (!s) return;
    if (s->last) clReleaseEvent(s->last);
    if (s->kernel) clReleaseKernel(s->kernel);
    if (s->a) clReleaseMemObject(s->a);
    if (s->b) clReleaseMemObject(s->b);
    if (s->c) clReleaseMemObject(s->c);
    free(s);
}

static hb_status set_arg(stream_ocl *s, cl_uint i, size_t size, const void *v, char *err,
                         size_t n) {
    cl_int e = clSetKernelArg(s->kernel, i, size, v);
    if (e != CL_SUCCESS) {
        char what[96];
        snprintf(what, sizeof what, "clSetKernelArg(%s, %u)", kernel_names[s->p->op], i);
        return hb__ocl_fail(e, what, err, n);
    }
    return HB_OK;
}

/* Runs stream_nt_probe once: 1 when this build of the program really stores non-temporally. */
static hb_status nt_probe(hb__ocl_device *od, cl_program prog, int *used, char *err, size_t n) {
    cl_int e;
    cl_kernel k = clCreateKernel(prog, "stream_nt_probe", &e);
    if (!k || e != CL_SUCCESS) return hb__ocl_fail(e, "clCreateKernel(stream_nt_probe)", err, n);
    cl_mem buf = NULL;
    hb_status st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, sizeof(cl_int), &buf, err, n);
    cl_int v = -1;
    size_t one = 1;
    if (st == HB_OK) {
        e = clSetKernelArg(k, 0, sizeof buf, &buf);
        if (e == CL_SUCCESS)
            e = clEnqueueNDRangeKernel(od->queue, k, 1, NULL, &one, &one, 0, NULL, NULL);
        if (e == CL_SUCCESS) e = clFinish(od->queue);
        if (e != CL_SUCCESS) st = hb__ocl_fail(e, "stream_nt_probe", err, n);
    }
    if (st == HB_OK) st = hb__ocl_read(od, buf, &v, sizeof v, err, n);
    if (buf) clReleaseMemObject(buf);
    clReleaseKernel(k);
    *used = v == 1;
    return st;
}

static hb_status stream_ocl_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                  size_t n) {
    *state = NULL;
    char why[256] = "";
    hb_status st = stream_ocl_supports(d, p, why, sizeof why);
    if (st != HB_OK) {
        hb__set_err(err, n, "%s", why);
        return st;
    }
    if (p->size.n <= 0) {
        hb__set_err(err, n, "stream: n must be > 0");
        return HB_E_INVALID;
    }
    stream_ocl *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->od = hb__ocl_dev(d);
    s->p = p;
    hb__ocl_device *od = s->od;
    const hb_stream_data *data = p->data;
    int f64 = p->variant == HB_F64;
    size_t es = hb__variant_elem_size(p->variant);
    size_t len = (size_t)p->size.n;
    size_t bytes = len * es;

    cl_program prog;
    /* Elements per work-item: a 64-byte vector on a CPU device (one cache line per store,
       which PoCL turns into full-width SIMD loads and stores), 16 bytes elsewhere (the widest
       load a GPU thread issues in one instruction). Non-temporal stores are asked for on
       every device; the probe below says whether the compiler has them. HB_STREAM_OCL_VW
       (1, 2, 4, 8, 16) and HB_STREAM_OCL_NT (0/1) override, for experiments on new devices;
       what ran is in the detail either way. */
    static const int k_vws[] = {1, 2, 4, 8, 16}, k_nts[] = {0, 1};
    int vw = hb__env_int_choice("HB_STREAM_OCL_VW", k_vws, 5,
                                (int)((od->type & CL_DEVICE_TYPE_CPU ? 64 : 16) / es), err, n);
    int nt = vw < 0 ? -1 : hb__env_int_choice("HB_STREAM_OCL_NT", k_nts, 2, 1, err, n);
    if (vw < 0 || nt < 0) {
        st = HB_E_INVALID;
        goto fail;
    }
    char opts[128];
    snprintf(opts, sizeof opts, "%s -DVW=%d%s", f64 ? "-DT=double -DHB_FP64" : "-DT=float", vw,
             nt ? " -DHB_NT" : "");
    st = hb__ocl_program(od, "stream", opts, NULL, &prog, err, n);
    if (st != HB_OK) goto fail;
    cl_int e;
    s->kernel = clCreateKernel(prog, kernel_names[p->op], &e);
    if (!s->kernel || e != CL_SUCCESS) {
        s->kernel = NULL;
        st = hb__ocl_fail(e, "clCreateKernel(stream)", err, n);
        goto fail;
    }

    unsigned in, out;
    hb__stream_op_arrays(p->op, &in, &out);
    cl_mem *bufs[3] = {&s->a, &s->b, &s->c};
    void *host[3] = {data->a, data->b, data->c};
    for (int i = 0; i < 3; i++) {
        unsigned bit = 1u << i;
        if (!((in | out) & bit)) continue;
        cl_mem_flags fl = (bit & out) ? CL_MEM_READ_WRITE : CL_MEM_READ_ONLY;
        if ((st = hb__ocl_buffer(od, fl, bytes, bufs[i], err, n)) != HB_OK) goto fail;
        /* inputs, and the output too: it holds the kernel's seeded junk on the host, so a
           run that writes nothing fails verification */
        if ((st = hb__ocl_write(od, *bufs[i], host[i], bytes, err, n)) != HB_OK) goto fail;
    }

    cl_ulong nn = (cl_ulong)len;
    cl_float sf = (cl_float)data->scalar;
    cl_double sd = data->scalar;
    const void *sp = f64 ? (const void *)&sd : (const void *)&sf;
    size_t ss = f64 ? sizeof sd : sizeof sf;
    switch (p->op) {
    case HB_STREAM_COPY:
        if ((st = set_arg(s, 0, sizeof(cl_mem), &s->a, err, n)) ||
            (st = set_arg(s, 1, sizeof(cl_mem), &s->c, err, n)) ||
            (st = set_arg(s, 2, sizeof nn, &nn, err, n)))
            goto fail;
        break;
    case HB_STREAM_SCALE:
        if ((st = set_arg(s, 0, sizeof(cl_mem), &s->b, err, n)) ||
            (st = set_arg(s, 1, sizeof(cl_mem), &s->c, err, n)) ||
            (st = set_arg(s, 2, ss, sp, err, n)) || (st = set_arg(s, 3, sizeof nn, &nn, err, n)))
            goto fail;
        break;
    case HB_STREAM_ADD:
        if ((st = set_arg(s, 0, sizeof(cl_mem), &s->a, err, n)) ||
            (st = set_arg(s, 1, sizeof(cl_mem), &s->b, err, n)) ||
            (st = set_arg(s, 2, sizeof(cl_mem), &s->c, err, n)) ||
            (st = set_arg(s, 3, sizeof nn, &nn, err, n)))
            goto fail;
        break;
    default:
        if ((st = set_arg(s, 0, sizeof(cl_mem), &s->a, err, n)) ||
            (st = set_arg(s, 1, sizeof(cl_mem), &s->b, err, n)) ||
            (st = set_arg(s, 2, sizeof(cl_mem), &s->c, err, n)) ||
            (st = set_arg(s, 3, ss, sp, err, n)) || (st = set_arg(s, 4, sizeof nn, &nn, err, n)))
            goto fail;
        break;
    }

    int nt_used = 0;
    if (nt && (st = nt_probe(od, prog, &nt_used, err, n)) != HB_OK) goto fail;

    /* work-group: 256 items, or what the kernel / device allow; global rounded up */
    size_t wg = 256, kwg = 0;
    if (clGetKernelWorkGroupInfo(s->kernel, od->device, CL_KERNEL_WORK_GROUP_SIZE, sizeof kwg, &kwg,
                                 NULL) == CL_SUCCESS &&
        kwg > 0 && kwg < wg)
        wg = kwg;
    if (od->max_wg && od->max_wg < wg) wg = od->max_wg;
    if (wg < 1) wg = 1;
    s->local = wg;
    size_t items = (len + (size_t)vw - 1) / (size_t)vw;
    s->global = (items + wg - 1) / wg * wg;
    snprintf(s->detail, sizeof s->detail,
             "OpenCL C kernel %s (%s) on %s [%s], %d element%s per work-item (vector loads and "
             "stores), %s stores, work-group %zu, global %zu",
             kernel_names[p->op], f64 ? "double" : "float", od->name, od->platform_name, vw,
             vw > 1 ? "s" : "",
             nt_used ? "non-temporal"
                     : (nt ? "plain (the compiler has no __builtin_nontemporal_store)" : "plain"),
             s->local, s->global);
    *state = s;
    return HB_OK;
fail:
    stream_ocl_teardown(s);
    return st;
}

static hb_status stream_ocl_run(void *state) {
    stream_ocl *s = state;
    if (s->last) {
        clReleaseEvent(s->last);
        s->last = NULL;
    }
    cl_int e = clEnqueueNDRangeKernel(s->od->queue, s->kernel, 1, NULL, &s->global, &s->local, 0,
                                      NULL, &s->last);
    if (e != CL_SUCCESS) {
        s->last = NULL;
        hb__note_error("stream on %s: clEnqueueNDRangeKernel: %s (%d)", s->od->name,
                       hb__ocl_error_name(e), (int)e);
        return HB_E_DEVICE;
    }
    e = clWaitForEvents(1, &s->last);
    if (e != CL_SUCCESS) {
        hb__note_error("stream on %s: clWaitForEvents: %s (%d)", s->od->name, hb__ocl_error_name(e),
                       (int)e);
        return HB_E_DEVICE;
    }
    return HB_OK;
}

static double stream_ocl_device_seconds(void *state) {
    stream_ocl *s = state;
    return s->last ? hb__ocl_event_seconds(s->last) : -1.0;
}

static hb_status stream_ocl_finish(void *state) {
    stream_ocl *s = state;
    hb_stream_data *data = s->p->data;
    unsigned in, out;
    hb__stream_op_arrays(s->p->op, &in, &out);
    cl_mem buf = out == 1 ? s->a : out == 2 ? s->b : s->c;
    void *host = out == 1 ? data->a : out == 2 ? data->b : data->c;
    char err[256];
    hb_status st =
        hb__ocl_read(s->od, buf, host, (size_t)s->p->size.n * hb__variant_elem_size(s->p->variant),
                     err, sizeof err);
    if (st != HB_OK) hb__note_error("stream: %s", err);
    return st;
}

static const char *stream_ocl_detail(void *state) {
    return ((stream_ocl *)state)->detail;
}

const hb_impl hb__stream_ocl_base = {
    .kernel = "stream",
    .kind = HB_IMPL_BASE,
    .name = "hetbench-opencl",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32),
    .supports = stream_ocl_supports,
    .setup = stream_ocl_setup,
    .run = stream_ocl_run,
    .finish = stream_ocl_finish,
    .teardown = stream_ocl_teardown,
    .detail = stream_ocl_detail,
    .device_seconds = stream_ocl_device_seconds,
};
