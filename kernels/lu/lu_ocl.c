/* hetbench — lu on OpenCL (base): the HPL-like solve in f64 entirely on the device, with the
 * kernels of kernels/lu/lu.cl.
 *
 * setup (untimed) builds the program (cached per device), takes the tiles of the device's gemm
 * tile search for the trailing update, creates the buffers — the working matrix A, a pristine
 * copy A0 of the input, b, x, the pivots and an info word — and copies A0 and b from the host
 * problem. reset (untimed) copies A0 into A and b into x on the device. run (timed) enqueues
 * the whole factorisation and solve on the device's in-order queue and waits for the last
 * kernel; nothing comes back to the host during a run, not even a scalar: the pivot search,
 * the row swaps and the singularity flag all stay on the device. finish copies x (and the
 * info word) back for the descriptor's HPL residual.
 *
 * Algorithm (A n x n column-major, ld = n), blocked right-looking with partial pivoting:
 *   for each panel of NB columns at k:
 *     the panel, recursively (halves down to leaves of PW columns): lu_panel_leaf factors a
 *     leaf in one work-group (device-side pivot search, swaps across the whole panel);
 *     between the halves a TRSM forms the right half's rows of U and lu_gemm_sub (narrow
 *     tiles) updates the right half below them;
 *     lu_swap_rows applies the panel's interchanges to every column outside the panel;
 *     U12 = L11^-1 A12: recursive TRSM (halves; lu_trsm_leaf on PW-row leaves, lu_gemm_sub
 *     between them);
 *     A22 -= L21·U12 with lu_gemm_sub (gemm.cl's tiling, this device's searched tiles).
 *   (the left columns' interchanges are applied per panel too, by the same lu_swap_rows)
 *   then x = P b (lu_permute), L y = x and U x = y by diagonal blocks of LS rows
 *   (lu_trsv_lower/upper in one work-group, lu_gemv_sub for the rest of the rows).
 * The CPU base implementation's timed region is the same (factorisation + both solves), so the
 * count 2/3·n³ + 2·n² means the same thing on both platforms.
 *
 * Device time: END of the last kernel's profiling event minus START of the first's, i.e. the
 * span of the whole run on the device including any gap between kernels (the device's idle
 * time while the host enqueues is part of the run). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

#define LU_OCL_NB 128    /* panel width = k of the trailing update */
#define LU_OCL_PW 16     /* panel leaf / TRSM leaf width */
#define LU_OCL_LS 256    /* work-group of the one-work-group kernels */
#define LU_OCL_LS_CPU 64 /* the same on a CPU device */
#define LU_OCL_L1 64     /* work-group of the one-work-item-per-column/row kernels */

typedef struct lu_ocl {
    hb__ocl_device *od;
    hb_problem *p;
    int n, ld, nb, pw, ls; /* ld: the device matrices' leading dimension (lu_ld) */
    int tiles[2][6];       /* TM TN TK WM WN VW: [0] the gemm search's, [1] narrow (see setup) */
    size_t l1;
    cl_kernel k_leaf, k_swap, k_trsm, k_gemm[2], k_perm, k_trsvl, k_trsvu, k_gemv;
    cl_mem A, A0, b0, x, ipiv, info;
    cl_event first, last; /* the run's first and last kernels */
    int dry;              /* count the kernels of a run instead of enqueueing them */
    long launches;
    cl_int err; /* the first failure of the current run, with what failed */
    char err_what[96];
    long fail_at; /* tests: the launch (1-based) of the next run that fails with fail_code */
    cl_int fail_code;
    char detail[900];
} lu_ocl;

/* The leading dimension of the device's copies of A. A column stride that is a multiple of
   1 KiB (n a multiple of 128) maps the columns a panel leaf walks to the same few cache sets:
   on PoCL the panel leaves of n = 2048 took 3.8 times as long as those of n = 2000. Such n get
   16 doubles (128 bytes, which keeps GPU rows aligned) of padding per column. */
static int64_t lu_ld(int64_t n) {
    return n >= 128 && n % 128 == 0 ? n + 16 : n;
}

static hb_status lu_ocl_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__ocl_device *od = hb__ocl_dev(d);
    if (!od) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    if (p->variant != HB_F64) {
        hb__set_err(why, n, "lu is f64 only");
        return HB_UNSUPPORTED;
    }
    if (!od->has_fp64) {
        hb__set_err(why, n, "%s has no cl_khr_fp64 (double precision)", od->name);
        return HB_UNSUPPORTED;
    }
    const int64_t nn = p->size.n;
    if (nn > INT_MAX / 2) {
        hb__set_err(why, n, "n = %lld is above the kernels' 32-bit row index", (long long)nn);
        return HB_SKIPPED;
    }
    const double mat = 8.0 * (double)lu_ld(nn) * (double)nn;
    if (od->max_alloc && mat > (double)od->max_alloc) {
        hb__set_err(why, n,
                    "the %lld x %lld matrix (%.0f MiB) exceeds the largest allocation %s allows "
                    "(CL_DEVICE_MAX_MEM_ALLOC_SIZE %.0f MiB)",
                    (long long)nn, (long long)nn, mat / 1048576.0, od->name,
                    (double)od->max_alloc / 1048576.0);
        return HB_SKIPPED;
    }
    const double all = 2.0 * mat + 24.0 * (double)nn + 64.0;
    if (od->global_mem && all > (double)od->global_mem) {
        hb__set_err(why, n,
                    "the matrix and its pristine copy (%.0f MiB) exceed the global memory of %s "
                    "(%.0f MiB)",
                    all / 1048576.0, od->name, (double)od->global_mem / 1048576.0);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void release_events(lu_ocl *s) {
    if (s->last) clReleaseEvent(s->last);
    if (s->first) clReleaseEvent(s->first);
    s->first = s->last = NULL;
}

static void lu_ocl_teardown(void *state) {
    lu_ocl *s = state;
    if (!s) return;
    release_events(s);
    cl_kernel ks[] = {s->k_leaf, s->k_swap,  s->k_trsm,  s->k_gemm[0], s->k_gemm[1],
                      s->k_perm, s->k_trsvl, s->k_trsvu, s->k_gemv};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++)
        if (ks[i]) clReleaseKernel(ks[i]);
    cl_mem ms[] = {s->A, s->A0, s->b0, s->x, s->ipiv, s->info};
    for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
        if (ms[i]) clReleaseMemObject(ms[i]);
    free(s);
}

/* ---- enqueueing: the first failure sticks and the rest of the run is not enqueued ---- */

static void note_fail(lu_ocl *s, cl_int e, const char *what, const char *kernel) {
    if (s->err != CL_SUCCESS) return;
    s->err = e;
    snprintf(s->err_what, sizeof s->err_what, "%s(%s)", what, kernel);
}

static void arg(lu_ocl *s, cl_kernel k, const char *name, cl_uint i, size_t size, const void *v) {
    if (s->err != CL_SUCCESS) return;
    cl_int e = clSetKernelArg(k, i, size, v);
    if (e != CL_SUCCESS) note_fail(s, e, "clSetKernelArg", name);
}
#define ARG(s, k, name, i, v) arg((s), (k), (name), (i), sizeof(v), &(v))

static void enq(lu_ocl *s, cl_kernel k, const char *name, cl_uint dims, const size_t *g,
                const size_t *l) {
    if (s->err != CL_SUCCESS) return;
    s->launches++;
    if (s->dry) return;
    cl_event ev = NULL;
    cl_int e = s->launches == s->fail_at
                   ? s->fail_code
                   : clEnqueueNDRangeKernel(s->od->queue, k, dims, NULL, g, l, 0, NULL, &ev);
    if (e != CL_SUCCESS) {
        note_fail(s, e, "clEnqueueNDRangeKernel", name);
        return;
    }
    if (!s->first)
        s->first = ev;
    else {
        if (s->last) clReleaseEvent(s->last);
        s->last = ev;
    }
}

void hb__lu_ocl_fail_at(void *state, long launch, cl_int code) {
    lu_ocl *s = state;
    s->fail_at = launch, s->fail_code = code;
}

static size_t round_up(size_t x, size_t m) {
    return (x + m - 1) / m * m;
}

static size_t off(const lu_ocl *s, int i, int j) {
    return (size_t)i + (size_t)j * (size_t)s->ld;
}

/* C -= A·B (m x k times k x n), three blocks of the working matrix at element offsets. The
   narrow tiles serve the updates inside a panel and a TRSM (n or k below the searched tile's
   TN or TK), where the searched tile would mostly multiply the zeros of its edge padding. */
static void gemm_sub(lu_ocl *s, int m, int n, int k, size_t ao, size_t bo, size_t co) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    const int v = n < s->tiles[0][1] || k < s->tiles[0][2];
    const int *t = s->tiles[v];
    cl_kernel kk = s->k_gemm[v];
    if (!s->dry) {
        cl_ulong a = ao, b = bo, c = co;
        const char *nm = "lu_gemm_sub";
        ARG(s, kk, nm, 0, m), ARG(s, kk, nm, 1, n), ARG(s, kk, nm, 2, k);
        ARG(s, kk, nm, 3, s->A), ARG(s, kk, nm, 4, s->A), ARG(s, kk, nm, 5, s->A);
        ARG(s, kk, nm, 6, a), ARG(s, kk, nm, 7, b), ARG(s, kk, nm, 8, c), ARG(s, kk, nm, 9, s->ld);
    }
    const int tm = t[0], tn = t[1], wm = t[3], wn = t[4];
    size_t l[2] = {(size_t)(tm / wm), (size_t)(tn / wn)};
    size_t g[2] = {(size_t)((m + tm - 1) / tm) * l[0], (size_t)((n + tn - 1) / tn) * l[1]};
    enq(s, kk, "lu_gemm_sub", 2, g, l);
}

/* B := L^-1 B with L unit lower m x m at lo (m <= pw), B m x ncol at bo. */
static void trsm_leaf(lu_ocl *s, int m, int ncol, size_t lo, size_t bo) {
    if (m <= 1 || ncol <= 0) return; /* a 1 x 1 unit triangle changes nothing */
    if (!s->dry) {
        cl_ulong l = lo, b = bo;
        cl_kernel k = s->k_trsm;
        const char *nm = "lu_trsm_leaf";
        ARG(s, k, nm, 0, m), ARG(s, k, nm, 1, ncol), ARG(s, k, nm, 2, s->A);
        ARG(s, k, nm, 3, l), ARG(s, k, nm, 4, b), ARG(s, k, nm, 5, s->ld);
    }
    size_t g = round_up((size_t)ncol, s->l1);
    enq(s, s->k_trsm, "lu_trsm_leaf", 1, &g, &s->l1);
}

/* Recursive: [L11 0; L21 L22][X1; X2] = [B1; B2]: X1 = L11^-1 B1, B2 -= L21 X1, X2 =
   L22^-1 B2, the split on a multiple of the leaf width. */
static void trsm(lu_ocl *s, int m, int ncol, size_t lo, size_t bo) {
    if (m <= 0 || ncol <= 0) return;
    if (m <= s->pw) {
        trsm_leaf(s, m, ncol, lo, bo);
        return;
    }
    int m1 = (m / 2 + s->pw - 1) / s->pw * s->pw;
    if (m1 >= m) m1 = m - 1;
    trsm(s, m1, ncol, lo, bo);
    gemm_sub(s, m - m1, ncol, m1, lo + (size_t)m1, bo, bo + (size_t)m1);
    trsm(s, m - m1, ncol, lo + (size_t)m1 + (size_t)m1 * (size_t)s->ld, bo + (size_t)m1);
}

static void panel_leaf(lu_ocl *s, int r, int w, int lc, int pw) {
    if (!s->dry) {
        int m = s->n - r;
        cl_ulong o = off(s, r, r);
        cl_kernel k = s->k_leaf;
        const char *nm = "lu_panel_leaf";
        ARG(s, k, nm, 0, m), ARG(s, k, nm, 1, w), ARG(s, k, nm, 2, lc), ARG(s, k, nm, 3, pw);
        ARG(s, k, nm, 4, s->A), ARG(s, k, nm, 5, o), ARG(s, k, nm, 6, s->ld);
        ARG(s, k, nm, 7, s->ipiv), ARG(s, k, nm, 8, r), ARG(s, k, nm, 9, s->info);
    }
    size_t l = (size_t)s->ls;
    enq(s, s->k_leaf, "lu_panel_leaf", 1, &l, &l);
}

/* The panel block at diagonal row/column r, w columns wide, lc columns right of the panel's
   first column (the panel is pw wide), recursively: factor the left half, form the right
   half's rows of U and update the right half below them, factor the right half. The leaves'
   row interchanges span the whole panel, so each half sees the other's. */
static void panel(lu_ocl *s, int r, int w, int lc, int pw) {
    if (w <= s->pw) {
        panel_leaf(s, r, w, lc, pw);
        return;
    }
    const int w1 = (w / 2 + s->pw - 1) / s->pw * s->pw, w2 = w - w1;
    panel(s, r, w1, lc, pw);
    trsm(s, w1, w2, off(s, r, r), off(s, r, r + w1));
    gemm_sub(s, s->n - r - w1, w2, w1, off(s, r + w1, r), off(s, r, r + w1),
             off(s, r + w1, r + w1));
    panel(s, r + w1, w2, lc + w1, pw);
}

static void swap_rows(lu_ocl *s, int c0, int c1, int k1, int k2) {
    int ncols = c0 + (s->n - c1);
    if (ncols <= 0) return;
    if (!s->dry) {
        cl_kernel k = s->k_swap;
        const char *nm = "lu_swap_rows";
        ARG(s, k, nm, 0, ncols), ARG(s, k, nm, 1, c0), ARG(s, k, nm, 2, c1), ARG(s, k, nm, 3, s->A);
        ARG(s, k, nm, 4, s->ld), ARG(s, k, nm, 5, s->ipiv), ARG(s, k, nm, 6, k1);
        ARG(s, k, nm, 7, k2);
    }
    size_t g = round_up((size_t)ncols, s->l1);
    enq(s, s->k_swap, "lu_swap_rows", 1, &g, &s->l1);
}

static void trsv(lu_ocl *s, int upper, int k, int kb) {
    cl_kernel kk = upper ? s->k_trsvu : s->k_trsvl;
    const char *nm = upper ? "lu_trsv_upper" : "lu_trsv_lower";
    if (!s->dry) {
        ARG(s, kk, nm, 0, k), ARG(s, kk, nm, 1, kb), ARG(s, kk, nm, 2, s->A);
        ARG(s, kk, nm, 3, s->ld), ARG(s, kk, nm, 4, s->x);
    }
    size_t l = (size_t)s->ls;
    enq(s, kk, nm, 1, &l, &l);
}

static void gemv_sub(lu_ocl *s, int m, int r0, int k, int kb) {
    if (m <= 0 || kb <= 0) return;
    if (!s->dry) {
        cl_kernel kk = s->k_gemv;
        const char *nm = "lu_gemv_sub";
        ARG(s, kk, nm, 0, m), ARG(s, kk, nm, 1, r0), ARG(s, kk, nm, 2, k), ARG(s, kk, nm, 3, kb);
        ARG(s, kk, nm, 4, s->A), ARG(s, kk, nm, 5, s->ld), ARG(s, kk, nm, 6, s->x);
    }
    size_t g = round_up((size_t)m, s->l1);
    enq(s, s->k_gemv, "lu_gemv_sub", 1, &g, &s->l1);
}

/* The whole run: factorisation, then the two triangular solves. */
static void enqueue_all(lu_ocl *s) {
    const int n = s->n, nb = s->nb;
    for (int k = 0; k < n; k += nb) {
        const int jb = n - k < nb ? n - k : nb;
        panel(s, k, jb, 0, jb);
        swap_rows(s, k, k + jb, k, k + jb);
        const int rest = n - k - jb;
        if (rest > 0) {
            trsm(s, jb, rest, off(s, k, k), off(s, k, k + jb));
            gemm_sub(s, rest, rest, jb, off(s, k + jb, k), off(s, k, k + jb),
                     off(s, k + jb, k + jb));
        }
    }
    /* x = P b, then L y = x, U x = y */
    if (!s->dry) {
        cl_kernel k = s->k_perm;
        ARG(s, k, "lu_permute", 0, s->n), ARG(s, k, "lu_permute", 1, s->ipiv);
        ARG(s, k, "lu_permute", 2, s->x);
    }
    size_t one = 1;
    enq(s, s->k_perm, "lu_permute", 1, &one, &one);
    const int sb = s->ls;
    for (int k = 0; k < n; k += sb) {
        const int kb = n - k < sb ? n - k : sb;
        trsv(s, 0, k, kb);
        gemv_sub(s, n - k - kb, k + kb, k, kb);
    }
    for (int k1 = n; k1 > 0; k1 -= sb) {
        const int k = k1 - sb > 0 ? k1 - sb : 0, kb = k1 - k;
        trsv(s, 1, k, kb);
        gemv_sub(s, k, 0, k, kb);
    }
}

static size_t kernel_wg(cl_kernel k, cl_device_id dev) {
    size_t wg = 0;
    if (clGetKernelWorkGroupInfo(k, dev, CL_KERNEL_WORK_GROUP_SIZE, sizeof wg, &wg, NULL) !=
        CL_SUCCESS)
        return 0;
    return wg;
}

/* The host's n x n matrix (leading dimension n) into A0 (leading dimension ld), padding
   zeroed. */
static hb_status write_matrix(lu_ocl *s, const double *A, char *err, size_t n) {
    const size_t nn = (size_t)s->n, ld = (size_t)s->ld;
    if (ld == nn) return hb__ocl_write(s->od, s->A0, A, 8 * nn * nn, err, n);
    const double zero = 0.0;
    cl_int e =
        clEnqueueFillBuffer(s->od->queue, s->A0, &zero, sizeof zero, 0, 8 * ld * nn, 0, NULL, NULL);
    if (e != CL_SUCCESS) return hb__ocl_fail(e, "clEnqueueFillBuffer(lu A0)", err, n);
    const size_t origin[3] = {0, 0, 0}, region[3] = {8 * nn, nn, 1};
    e = clEnqueueWriteBufferRect(s->od->queue, s->A0, CL_TRUE, origin, origin, region, 8 * ld, 0,
                                 8 * nn, 0, A, 0, NULL, NULL);
    if (e != CL_SUCCESS) return hb__ocl_fail(e, "clEnqueueWriteBufferRect(lu A0)", err, n);
    return HB_OK;
}

static hb_status lu_ocl_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                              size_t n) {
    *state = NULL;
    hb_status st = lu_ocl_supports(dev, p, err, n);
    if (st != HB_OK) return st;
    if (p->size.n <= 0) {
        hb__set_err(err, n, "lu: n must be > 0");
        return HB_E_INVALID;
    }
    lu_ocl *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->od = hb__ocl_dev(dev);
    s->p = p;
    s->n = (int)p->size.n;
    s->ld = (int)lu_ld(p->size.n);
    s->nb = LU_OCL_NB;
    s->pw = LU_OCL_PW;
    hb__ocl_device *od = s->od;

    /* the one-work-group kernels: LU_OCL_LS work-items (LU_OCL_LS_CPU on a CPU device, where a
       work-group runs on one core and a wide one only lengthens its reductions), at most what
       the device allows, a power of two */
    size_t ls = od->type & CL_DEVICE_TYPE_CPU ? LU_OCL_LS_CPU : LU_OCL_LS;
    while (ls > 1 && ls > od->max_wg) ls /= 2;
    const char *tiles_detail = "";
    if ((st = hb__gemm_ocl_tiles(od, HB_F64, s->tiles[0], &tiles_detail, err, n)) != HB_OK)
        goto fail;
    /* the narrow tiles: TN <= 32, TK <= 16, the rest as searched (every constraint of gemm.cl
       still holds: VW <= 8 in f64 divides 16, WN is cut to divide TN) */
    memcpy(s->tiles[1], s->tiles[0], sizeof s->tiles[0]);
    if (s->tiles[1][1] > 32) s->tiles[1][1] = 32;
    if (s->tiles[1][2] > 16 && 16 % s->tiles[1][5] == 0) s->tiles[1][2] = 16;
    while (s->tiles[1][1] % s->tiles[1][4]) s->tiles[1][4]--;

    for (;;) {
        cl_program prog[2];
        for (int v = 0; v < 2; v++) {
            const int *t = s->tiles[v];
            char opts[256];
            snprintf(opts, sizeof opts,
                     "-DTM=%d -DTN=%d -DTK=%d -DWM=%d -DWN=%d -DVW=%d -DLS=%zu -DPW=%d", t[0], t[1],
                     t[2], t[3], t[4], t[5], ls, s->pw);
            if ((st = hb__ocl_program(od, "lu", opts, NULL, &prog[v], err, n)) != HB_OK) goto fail;
        }
        static const char *const names[] = {"lu_panel_leaf", "lu_swap_rows",  "lu_trsm_leaf",
                                            "lu_gemm_sub",   "lu_gemm_sub",   "lu_permute",
                                            "lu_trsv_lower", "lu_trsv_upper", "lu_gemv_sub"};
        cl_kernel *ks[] = {&s->k_leaf, &s->k_swap,  &s->k_trsm,  &s->k_gemm[0], &s->k_gemm[1],
                           &s->k_perm, &s->k_trsvl, &s->k_trsvu, &s->k_gemv};
        for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
            if (*ks[i]) clReleaseKernel(*ks[i]);
            cl_int e;
            *ks[i] = clCreateKernel(prog[i == 4], names[i], &e);
            if (!*ks[i] || e != CL_SUCCESS) {
                *ks[i] = NULL;
                char what[96];
                snprintf(what, sizeof what, "lu: clCreateKernel(%s)", names[i]);
                st = hb__ocl_fail(e, what, err, n);
                goto fail;
            }
        }
        /* a kernel the compiler cannot give LS work-items (registers, local memory): a
           smaller work-group */
        size_t w1 = kernel_wg(s->k_leaf, od->device), w2 = kernel_wg(s->k_trsvl, od->device),
               w3 = kernel_wg(s->k_trsvu, od->device);
        size_t lim = w1 < w2 ? w1 : w2;
        if (w3 < lim) lim = w3;
        if (lim == 0 || lim >= ls || ls <= 16) break;
        while (ls > lim) ls /= 2;
    }
    s->ls = (int)ls;
    /* the one-work-item-per-column/row kernels share one work-group size */
    s->l1 = LU_OCL_L1;
    cl_kernel per_item[] = {s->k_swap, s->k_trsm, s->k_gemv};
    for (size_t i = 0; i < sizeof per_item / sizeof *per_item; i++) {
        size_t w = kernel_wg(per_item[i], od->device);
        if (w && w < s->l1) s->l1 = w;
    }
    if (od->max_wg < s->l1) s->l1 = od->max_wg;

    const size_t nn = (size_t)s->n, mat = 8 * (size_t)s->ld * nn;
    const hb_lu_data *d = p->data;
    if ((st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, mat, &s->A, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_ONLY, mat, &s->A0, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_ONLY, 8 * nn, &s->b0, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, 8 * nn, &s->x, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, sizeof(cl_int) * nn, &s->ipiv, err, n)) !=
            HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, sizeof(cl_int), &s->info, err, n)) != HB_OK ||
        (st = write_matrix(s, d->A, err, n)) != HB_OK ||
        (st = hb__ocl_write(od, s->b0, d->b, 8 * nn, err, n)) != HB_OK ||
        /* x holds the host's seeded junk until a run: a run that solves nothing fails */
        (st = hb__ocl_write(od, s->x, d->x, 8 * nn, err, n)) != HB_OK)
        goto fail;

    s->dry = 1;
    enqueue_all(s);
    s->dry = 0;
    snprintf(s->detail, sizeof s->detail,
             "hetbench-opencl lu.cl on %s: blocked right-looking LU, partial pivoting, NB=%d, "
             "panel leaves of %d columns in one work-group of %d (device-side pivot search), "
             "recursive panel and TRSM, trailing update lu_gemm_sub with the gemm %s (narrow "
             "updates: TN=%d,TK=%d,WN=%d); x solved on the device; %ld kernels per run, device "
             "time = first kernel start to last kernel end",
             od->name, s->nb, s->pw, s->ls, tiles_detail, s->tiles[1][1], s->tiles[1][2],
             s->tiles[1][4], s->launches);
    *state = s;
    return HB_OK;
fail:
    lu_ocl_teardown(s);
    return st;
}

/* Notes the failure for the runner's record, drains the queue so that the next measurement
   starts clean, and returns the device error. */
static hb_status device_failure(lu_ocl *s, const char *phase, const char *what, cl_int e) {
    hb__note_error("lu on %s: %s: %s: %s (%d)", s->od->name, phase, what, hb__ocl_error_name(e),
                   (int)e);
    clFinish(s->od->queue);
    return HB_E_DEVICE;
}

static hb_status lu_ocl_reset(void *state) {
    lu_ocl *s = state;
    const size_t nn = (size_t)s->n;
    cl_command_queue q = s->od->queue;
    cl_int zero = 0;
    cl_int e = clEnqueueCopyBuffer(q, s->A0, s->A, 0, 0, 8 * (size_t)s->ld * nn, 0, NULL, NULL);
    if (e != CL_SUCCESS) return device_failure(s, "reset", "clEnqueueCopyBuffer(A)", e);
    e = clEnqueueCopyBuffer(q, s->b0, s->x, 0, 0, 8 * nn, 0, NULL, NULL);
    if (e != CL_SUCCESS) return device_failure(s, "reset", "clEnqueueCopyBuffer(b)", e);
    e = clEnqueueWriteBuffer(q, s->info, CL_TRUE, 0, sizeof zero, &zero, 0, NULL, NULL);
    if (e != CL_SUCCESS) return device_failure(s, "reset", "clEnqueueWriteBuffer(info)", e);
    e = clFinish(q);
    if (e != CL_SUCCESS) return device_failure(s, "reset", "clFinish", e);
    return HB_OK;
}

static hb_status lu_ocl_run(void *state) {
    lu_ocl *s = state;
    release_events(s);
    s->err = CL_SUCCESS;
    s->err_what[0] = 0;
    s->launches = 0;
    enqueue_all(s);
    s->fail_at = 0;
    if (s->err != CL_SUCCESS) return device_failure(s, "run", s->err_what, s->err);
    cl_event end = s->last ? s->last : s->first;
    if (!end) return HB_OK;
    cl_int e = clWaitForEvents(1, &end);
    if (e != CL_SUCCESS) {
        /* the command's own status names the failure better than the wait's */
        cl_int status = CL_SUCCESS;
        if (clGetEventInfo(end, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status, NULL) ==
                CL_SUCCESS &&
            status < 0)
            e = status;
        return device_failure(s, "run", "clWaitForEvents", e);
    }
    return HB_OK;
}

static double lu_ocl_device_seconds(void *state) {
    lu_ocl *s = state;
    cl_event end = s->last ? s->last : s->first;
    if (!s->first || !end) return -1.0;
    cl_ulong t0 = 0, t1 = 0;
    if (clGetEventProfilingInfo(s->first, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL) !=
            CL_SUCCESS ||
        clGetEventProfilingInfo(end, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL) !=
            CL_SUCCESS ||
        t1 <= t0)
        return -1.0;
    return (double)(t1 - t0) * 1e-9;
}

static hb_status lu_ocl_finish(void *state) {
    lu_ocl *s = state;
    hb_lu_data *d = s->p->data;
    char err[512];
    cl_int info = 0;
    if (hb__ocl_read(s->od, s->x, d->x, 8 * (size_t)s->n, err, sizeof err) != HB_OK ||
        hb__ocl_read(s->od, s->info, &info, sizeof info, err, sizeof err) != HB_OK) {
        hb__note_error("lu on %s: finish: %s", s->od->name, err);
        return HB_E_DEVICE;
    }
    if (info > 0) {
        hb__note_error("lu on %s: U(%d,%d) is exactly zero (a singular matrix)", s->od->name,
                       (int)info, (int)info);
        return HB_E_RUNTIME;
    }
    return HB_OK;
}

static const char *lu_ocl_detail(void *state) {
    return ((lu_ocl *)state)->detail;
}

const hb_impl hb__lu_ocl_base = {
    .kernel = "lu",
    .kind = HB_IMPL_BASE,
    .name = "hetbench-opencl",
    .variants = HB_VARIANT_BIT(HB_F64),
    .supports = lu_ocl_supports,
    .setup = lu_ocl_setup,
    .reset = lu_ocl_reset,
    .run = lu_ocl_run,
    .finish = lu_ocl_finish,
    .teardown = lu_ocl_teardown,
    .detail = lu_ocl_detail,
    .device_seconds = lu_ocl_device_seconds,
};

/* ---- peak: none. CLBlast is a BLAS (no getrf/getrs), and no other OpenCL LAPACK is bound:
   the entry exists so that a suite lists "lu peak" on OpenCL devices under
   run.not_applicable with this reason, and an explicit request gets an unsupported record. */
#define LU_OCL_NO_PEAK                                                                             \
    "no vendor LU on OpenCL: CLBlast has no LAPACK routines (getrf/getrs) and hetbench binds "     \
    "no other OpenCL LAPACK"

static hb_status lu_ocl_peak_supports(const hb_device *d, const hb_problem *p, char *why,
                                      size_t n) {
    (void)d, (void)p;
    hb__set_err(why, n, LU_OCL_NO_PEAK);
    return HB_UNSUPPORTED;
}

static hb_status lu_ocl_peak_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                                   size_t n) {
    *state = NULL;
    return lu_ocl_peak_supports(d, p, err, n);
}

static hb_status lu_ocl_peak_run(void *state) {
    (void)state;
    hb__note_error(LU_OCL_NO_PEAK);
    return HB_UNSUPPORTED;
}

static void lu_ocl_peak_teardown(void *state) {
    (void)state;
}

const hb_impl hb__lu_ocl_peak = {
    .kernel = "lu",
    .kind = HB_IMPL_PEAK,
    .name = "none",
    .variants = HB_VARIANT_BIT(HB_F64),
    .supports = lu_ocl_peak_supports,
    .setup = lu_ocl_peak_setup,
    .run = lu_ocl_peak_run,
    .teardown = lu_ocl_peak_teardown,
};
