/* hetbench — lu on CUDA (peak): cuSOLVER's LU with partial pivoting and solve, the 64-bit API
 * (cusolverDnXgetrf + cusolverDnXgetrs, f64), on the GPU's memory.
 *
 * setup uploads A and b once into pristine device copies and sizes cuSOLVER's workspaces;
 * reset (untimed) copies them into the working matrix and right-hand side on the device; run
 * factors and solves between two CUDA events (the same timed region as the CPU
 * implementations: factorisation + both triangular solves), then reads cuSOLVER's two info
 * words (after the stop event: not in the device time) so that a singular matrix or a bad
 * argument is an error; finish copies x back for the HPL residual of kernels/lu/lu.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"

typedef struct lu_cusolver {
    hb__cuda_device *cd;
    hb_problem *p;
    cusolverDnHandle_t h;
    cusolverDnParams_t params;
    double *A0, *A, *b0, *x;
    int64_t *ipiv;
    int *info; /* device: getrf's, getrs's */
    void *dwork, *hwork;
    size_t dwork_bytes, hwork_bytes;
    hb__cuda_timer timer;
    char detail[320];
} lu_cusolver;

static hb_status lu_cusolver_supports(const hb_device *d, const hb_problem *p, char *why,
                                      size_t n) {
    hb__cuda_device *cd = hb__cuda_dev(d);
    if (!cd) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    if (p->variant != HB_F64) {
        hb__set_err(why, n, "lu is f64");
        return HB_UNSUPPORTED;
    }
    double nn = (double)(p->size.n > 0 ? p->size.n : 0);
    double bytes = 16.0 * nn * nn + 32.0 * nn;
    if (bytes > (double)cd->total_mem) {
        hb__set_err(why, n,
                    "two %lld x %lld matrices (the pristine copy and the working one, %.3g GB) "
                    "exceed the memory of %s (%.3g GB)",
                    (long long)p->size.n, (long long)p->size.n, bytes * 1e-9, cd->name,
                    (double)cd->total_mem * 1e-9);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void lu_cusolver_teardown(void *state) {
    lu_cusolver *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    if (s->params) cusolverDnDestroyParams(s->params);
    hb__cuda_timer_destroy(&s->timer);
    hb__cuda_free(s->A0), hb__cuda_free(s->A), hb__cuda_free(s->b0), hb__cuda_free(s->x);
    hb__cuda_free(s->ipiv), hb__cuda_free(s->info), hb__cuda_free(s->dwork);
    free(s->hwork);
    free(s);
}

static hb_status lu_cusolver_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                   size_t n) {
    *state = NULL;
    hb_status st = lu_cusolver_supports(d, p, err, n);
    if (st != HB_OK) return st;
    int64_t nn = p->size.n;
    if (nn <= 0) {
        hb__set_err(err, n, "lu: n must be > 0");
        return HB_E_INVALID;
    }
    lu_cusolver *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    hb__cuda_device *cd = s->cd;
    const hb_lu_data *data = p->data;
    size_t mat = (size_t)nn * (size_t)nn * sizeof(double), vec = (size_t)nn * sizeof(double);
    void *A0 = NULL, *A = NULL, *b0 = NULL, *x = NULL, *ipiv = NULL, *info = NULL;
    if ((st = hb__cuda_use(cd, err, n)) != HB_OK ||
        (st = hb__cuda_cusolver(cd, &s->h, err, n)) != HB_OK ||
        (st = hb__cuda_timer_create(cd, &s->timer, err, n)) != HB_OK)
        goto fail;
    st = hb__cuda_alloc(cd, mat, &A0, "lu: pristine A", err, n);
    s->A0 = A0;
    if (st == HB_OK) st = hb__cuda_alloc(cd, mat, &A, "lu: working A", err, n);
    s->A = A;
    if (st == HB_OK) st = hb__cuda_alloc(cd, vec, &b0, "lu: b", err, n);
    s->b0 = b0;
    if (st == HB_OK) st = hb__cuda_alloc(cd, vec, &x, "lu: x", err, n);
    s->x = x;
    if (st == HB_OK)
        st = hb__cuda_alloc(cd, (size_t)nn * sizeof(int64_t), &ipiv, "lu: pivots", err, n);
    s->ipiv = ipiv;
    if (st == HB_OK) st = hb__cuda_alloc(cd, 2 * sizeof(int), &info, "lu: info", err, n);
    s->info = info;
    if (st == HB_OK) st = hb__cuda_h2d(cd, s->A0, data->A, mat, err, n);
    if (st == HB_OK) st = hb__cuda_h2d(cd, s->b0, data->b, vec, err, n);
    /* x's seeded junk, so that a solve that writes nothing fails */
    if (st == HB_OK) st = hb__cuda_h2d(cd, s->x, data->x, vec, err, n);
    if (st != HB_OK) goto fail;
    cusolverStatus_t cs = cusolverDnCreateParams(&s->params);
    if (cs != CUSOLVER_STATUS_SUCCESS) {
        s->params = NULL;
        st = hb__cusolver_fail(cd, cs, "cusolverDnCreateParams", err, n);
        goto fail;
    }
    cs = cusolverDnXgetrf_bufferSize(s->h, s->params, nn, nn, CUDA_R_64F, s->A, nn, CUDA_R_64F,
                                     &s->dwork_bytes, &s->hwork_bytes);
    if (cs != CUSOLVER_STATUS_SUCCESS) {
        st = hb__cusolver_fail(cd, cs, "cusolverDnXgetrf_bufferSize", err, n);
        goto fail;
    }
    if ((st = hb__cuda_alloc(cd, s->dwork_bytes, &s->dwork, "lu: cuSOLVER workspace", err, n)) !=
        HB_OK)
        goto fail;
    if (s->hwork_bytes && !(s->hwork = malloc(s->hwork_bytes))) {
        hb__set_err(err, n, "lu: cannot allocate cuSOLVER's %zu-byte host workspace",
                    s->hwork_bytes);
        st = HB_E_NOMEM;
        goto fail;
    }
    int ma = 0, mi = 0, pa = 0;
    (void)cusolverGetProperty(MAJOR_VERSION, &ma);
    (void)cusolverGetProperty(MINOR_VERSION, &mi);
    (void)cusolverGetProperty(PATCH_LEVEL, &pa);
    snprintf(s->detail, sizeof s->detail,
             "cusolverDnXgetrf + cusolverDnXgetrs (f64, default algorithm, %.3g MB workspace); "
             "cuSOLVER %d.%d.%d on %s [sm_%d%d], CUDA events",
             (double)s->dwork_bytes * 1e-6, ma, mi, pa, cd->name, cd->cc_major, cd->cc_minor);
    *state = s;
    return HB_OK;
fail:
    lu_cusolver_teardown(s);
    return st;
}

static hb_status lu_cusolver_reset(void *state) {
    lu_cusolver *s = state;
    hb__cuda_device *cd = s->cd;
    hb_status st = hb__cuda_use(cd, NULL, 0);
    if (st != HB_OK) return st;
    int64_t nn = s->p->size.n;
    cudaError_t e = cudaMemcpyAsync(s->A, s->A0, (size_t)nn * (size_t)nn * sizeof(double),
                                    cudaMemcpyDeviceToDevice, cd->stream);
    if (e == cudaSuccess)
        e = cudaMemcpyAsync(s->x, s->b0, (size_t)nn * sizeof(double), cudaMemcpyDeviceToDevice,
                            cd->stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize(cd->stream);
    if (e != cudaSuccess)
        return hb__cuda_fail(cd, e, "lu: restoring A and b on the device", NULL, 0);
    return HB_OK;
}

static hb_status lu_cusolver_run(void *state) {
    lu_cusolver *s = state;
    hb__cuda_device *cd = s->cd;
    int64_t nn = s->p->size.n;
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) e = hb__cuda_timer_start(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "cudaEventRecord", NULL, 0);
    cusolverStatus_t cs =
        cusolverDnXgetrf(s->h, s->params, nn, nn, CUDA_R_64F, s->A, nn, s->ipiv, CUDA_R_64F,
                         s->dwork, s->dwork_bytes, s->hwork, s->hwork_bytes, s->info);
    if (cs != CUSOLVER_STATUS_SUCCESS)
        return hb__cusolver_fail(cd, cs, "cusolverDnXgetrf", NULL, 0);
    cs = cusolverDnXgetrs(s->h, s->params, CUBLAS_OP_N, nn, 1, CUDA_R_64F, s->A, nn, s->ipiv,
                          CUDA_R_64F, s->x, nn, s->info + 1);
    if (cs != CUSOLVER_STATUS_SUCCESS)
        return hb__cusolver_fail(cd, cs, "cusolverDnXgetrs", NULL, 0);
    e = hb__cuda_timer_stop(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "waiting for the LU", NULL, 0);
    int info[2] = {0, 0};
    if (hb__cuda_d2h(cd, info, s->info, sizeof info, NULL, 0) != HB_OK) return HB_E_RUNTIME;
    if (info[0] != 0 || info[1] != 0) {
        if (info[0] > 0)
            hb__note_error("lu on %s: cusolverDnXgetrf: U(%d,%d) is exactly zero (singular)",
                           cd->name, info[0], info[0]);
        else
            hb__note_error("lu on %s: cuSOLVER info %d (getrf), %d (getrs): bad argument", cd->name,
                           info[0], info[1]);
        return HB_E_RUNTIME;
    }
    return HB_OK;
}

static double lu_cusolver_device_seconds(void *state) {
    return hb__cuda_timer_seconds(&((lu_cusolver *)state)->timer);
}

static hb_status lu_cusolver_finish(void *state) {
    lu_cusolver *s = state;
    hb_lu_data *d = s->p->data;
    hb_status st = hb__cuda_use(s->cd, NULL, 0);
    if (st != HB_OK) return st;
    return hb__cuda_d2h(s->cd, d->x, s->x, (size_t)s->p->size.n * sizeof(double), NULL, 0);
}

static const char *lu_cusolver_detail(void *state) {
    return ((lu_cusolver *)state)->detail;
}

const hb_impl hb__lu_cuda_peak = {
    .kernel = "lu",
    .kind = HB_IMPL_PEAK,
    .name = "cusolver",
    .variants = HB_VARIANT_BIT(HB_F64),
    .supports = lu_cusolver_supports,
    .setup = lu_cusolver_setup,
    .reset = lu_cusolver_reset,
    .run = lu_cusolver_run,
    .finish = lu_cusolver_finish,
    .teardown = lu_cusolver_teardown,
    .detail = lu_cusolver_detail,
    .device_seconds = lu_cusolver_device_seconds,
};

/* ---- lu base on CUDA: not written yet. An entry that says so, so that a suite lists
   "lu f64 base" on CUDA devices under run.not_applicable with the reason (as OpenCL's missing
   LU peak), and an explicit --impl base gets an `unsupported` record. ---- */
static hb_status lu_cuda_none_supports(const hb_device *d, const hb_problem *p, char *why,
                                       size_t n) {
    (void)p;
    if (!hb__cuda_dev(d))
        hb__set_err(why, n, "not a CUDA device");
    else
        hb__set_err(why, n,
                    "the project's own LU has no CUDA port yet (the CUDA platform's lu is "
                    "cuSOLVER's, the peak implementation)");
    return HB_UNSUPPORTED;
}

static hb_status lu_cuda_none_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                    size_t n) {
    *state = NULL;
    return lu_cuda_none_supports(d, p, err, n);
}

static hb_status lu_cuda_none_run(void *state) {
    (void)state;
    return HB_UNSUPPORTED;
}

static void lu_cuda_none_teardown(void *state) {
    (void)state;
}

const hb_impl hb__lu_cuda_base = {
    .kernel = "lu",
    .kind = HB_IMPL_BASE,
    .name = "none",
    .variants = HB_VARIANT_BIT(HB_F64),
    .supports = lu_cuda_none_supports,
    .setup = lu_cuda_none_setup,
    .run = lu_cuda_none_run,
    .teardown = lu_cuda_none_teardown,
};
