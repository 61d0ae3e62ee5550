/* hetbench — transfer on OpenCL (base). One run moves the n floats once:
 *   h2d_pageable  clEnqueueWriteBuffer from the problem's malloc'ed source array;
 *   d2h_pageable  clEnqueueReadBuffer into the problem's malloc'ed destination array;
 *   h2d_pinned    clEnqueueWriteBuffer from a CL_MEM_ALLOC_HOST_PTR buffer mapped with
 *                 clEnqueueMapBuffer (page-locked, DMA-able host memory), filled with the
 *                 source at setup;
 *   d2h_pinned    clEnqueueReadBuffer into such a mapped buffer, copied to the destination
 *                 array at finish.
 * Blocking transfers; the device time is the transfer event's START..END. Untimed: setup
 * puts the source on the device (d2h); reset fills the device buffer (h2d) or the host
 * destination (d2h) with a pattern, so a skipped transfer fails the check; finish reads the
 * device buffer back (h2d). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

typedef struct transfer_ocl {
    hb__ocl_device *od;
    hb_problem *p;
    cl_mem dev;   /* the device buffer */
    cl_mem pin;   /* pinned: the CL_MEM_ALLOC_HOST_PTR staging buffer */
    void *pinned; /* its mapping */
    cl_event last;
    size_t bytes;
    int h2d, use_pinned;
    char detail[256];
} transfer_ocl;

static hb_status transfer_ocl_supports(const hb_device *d, const hb_problem *p, char *why,
                                       size_t n) {
    hb__ocl_device *od = hb__ocl_dev(d);
    if (!od) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    double bytes = (double)(p->size.n > 0 ? p->size.n : 0) * sizeof(float);
    if (od->global_mem && bytes > (double)od->global_mem / 2) {
        hb__set_err(why, n, "%.3g GB exceed half the global memory of %s", bytes * 1e-9, od->name);
        return HB_SKIPPED;
    }
    /* the default sizes stay under an eighth of the memory, which OpenCL guarantees to be
       allocatable in one buffer (max alloc >= a quarter); an explicit --size may not be */
    if (od->max_alloc && bytes > (double)od->max_alloc) {
        hb__set_err(why, n, "%.3g GB exceed CL_DEVICE_MAX_MEM_ALLOC_SIZE of %s (%.3g GB)",
                    bytes * 1e-9, od->name, (double)od->max_alloc * 1e-9);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void transfer_ocl_teardown(void *state) {
    transfer_ocl *s = state;
    if (!s) return;
    if (s->last) clReleaseEvent(s->last);
    if (s->pinned) {
        cl_event ev = NULL;
        if (clEnqueueUnmapMemObject(s->od->queue, s->pin, s->pinned, 0, NULL, &ev) == CL_SUCCESS &&
            ev) {
            clWaitForEvents(1, &ev);
            clReleaseEvent(ev);
        }
    }
    if (s->pin) clReleaseMemObject(s->pin);
    if (s->dev) clReleaseMemObject(s->dev);
    free(s);
}

static hb_status transfer_ocl_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                    size_t n) {
    hb__ocl_device *od = hb__ocl_dev(dev);
    if (!od) {
        hb__set_err(err, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    if (p->size.n <= 0 || (uint64_t)p->size.n > (uint64_t)SIZE_MAX / sizeof(float)) {
        hb__set_err(err, n, "transfer: bad n");
        return HB_E_INVALID;
    }
    hb__transfer_data *d = p->data;
    transfer_ocl *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->od = od;
    s->p = p;
    s->bytes = (size_t)p->size.n * sizeof(float);
    s->h2d = p->op == HB__XFER_H2D_PAGEABLE || p->op == HB__XFER_H2D_PINNED;
    s->use_pinned = p->op == HB__XFER_H2D_PINNED || p->op == HB__XFER_D2H_PINNED;
    hb_status st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, s->bytes, &s->dev, err, n);
    if (st != HB_OK) {
        free(s);
        return st;
    }
    if (s->use_pinned) {
        cl_int e;
        s->pin = clCreateBuffer(od->context, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, s->bytes,
                                NULL, &e);
        if (e == CL_SUCCESS)
            s->pinned = clEnqueueMapBuffer(od->queue, s->pin, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE,
                                           0, s->bytes, 0, NULL, NULL, &e);
        if (e != CL_SUCCESS) {
            transfer_ocl_teardown(s);
            return hb__ocl_fail(e, "pinned host buffer (CL_MEM_ALLOC_HOST_PTR + map)", err, n);
        }
        if (s->h2d) memcpy(s->pinned, d->src, s->bytes);
    }
    if (!s->h2d && (st = hb__ocl_write(od, s->dev, d->src, s->bytes, err, n)) != HB_OK) {
        transfer_ocl_teardown(s);
        return st;
    }
    snprintf(s->detail, sizeof s->detail, "%s from %s host memory, blocking, event-timed",
             s->h2d ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer",
             s->use_pinned ? "pinned (CL_MEM_ALLOC_HOST_PTR, mapped)" : "pageable (malloc'ed)");
    *state = s;
    return HB_OK;
}

static hb_status transfer_ocl_reset(void *state) {
    transfer_ocl *s = state;
    if (s->h2d) {
        cl_float pattern = -1.0f;
        cl_int e = clEnqueueFillBuffer(s->od->queue, s->dev, &pattern, sizeof pattern, 0, s->bytes,
                                       0, NULL, NULL);
        if (e == CL_SUCCESS) e = clFinish(s->od->queue);
        if (e == CL_SUCCESS) return HB_OK;
        hb__note_error("transfer on %s: clearing the device buffer: %s (%d)", s->od->name,
                       hb__ocl_error_name(e), (int)e);
        return HB_E_DEVICE;
    }
    hb__transfer_data *d = s->p->data;
    memset(s->use_pinned ? s->pinned : (void *)d->dst, 0xff, s->bytes);
    return HB_OK;
}

static hb_status transfer_ocl_run(void *state) {
    transfer_ocl *s = state;
    hb__transfer_data *d = s->p->data;
    if (s->last) clReleaseEvent(s->last), s->last = NULL;
    cl_int e;
    if (s->h2d)
        e = clEnqueueWriteBuffer(s->od->queue, s->dev, CL_TRUE, 0, s->bytes,
                                 s->use_pinned ? s->pinned : (const void *)d->src, 0, NULL,
                                 &s->last);
    else
        e = clEnqueueReadBuffer(s->od->queue, s->dev, CL_TRUE, 0, s->bytes,
                                s->use_pinned ? s->pinned : (void *)d->dst, 0, NULL, &s->last);
    if (e == CL_SUCCESS) return HB_OK;
    hb__note_error("transfer on %s: %s: %s (%d)", s->od->name,
                   s->h2d ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer", hb__ocl_error_name(e),
                   (int)e);
    return HB_E_DEVICE;
}

static hb_status transfer_ocl_finish(void *state) {
    transfer_ocl *s = state;
    hb__transfer_data *d = s->p->data;
    char err[256];
    if (s->h2d) return hb__ocl_read(s->od, s->dev, d->dst, s->bytes, err, sizeof err);
    if (s->use_pinned) memcpy(d->dst, s->pinned, s->bytes);
    return HB_OK;
}

static double transfer_ocl_device_seconds(void *state) {
    transfer_ocl *s = state;
    return s->last ? hb__ocl_event_seconds(s->last) : -1.0;
}

static const char *transfer_ocl_detail(void *state) {
    return ((transfer_ocl *)state)->detail;
}

const hb_impl hb__transfer_ocl_base = {
    .kernel = "transfer",
    .kind = HB_IMPL_BASE,
    .name = "hetbench",
    .variants = HB_VARIANT_BIT(HB_F32),
    .supports = transfer_ocl_supports,
    .setup = transfer_ocl_setup,
    .reset = transfer_ocl_reset,
    .run = transfer_ocl_run,
    .finish = transfer_ocl_finish,
    .teardown = transfer_ocl_teardown,
    .detail = transfer_ocl_detail,
    .device_seconds = transfer_ocl_device_seconds,
};
