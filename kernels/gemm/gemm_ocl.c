/* hetbench — gemm on OpenCL: the project's own tiled kernel (kernels/gemm/gemm.cl), C = A·B
 * column-major at f64 (cl_khr_fp64), f32, and f16 inputs (vload_half) with f32 accumulation.
 *
 * Tile parameters are chosen per device and variant: at first use, every candidate of a small
 * table that fits the device (work-group size, local memory) is built and timed with profiling
 * events on an N³ problem (search_n: N large enough that the largest tile still gives every
 * compute unit about two work-groups, N ≤ 2048); the fastest whose result checks against a
 * host reference wins. The choice is cached for the process and named in detail(). Programs are
 * built in setup (hb__ocl_program caches them), never in run(). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

#define GEMM_OCL_VARIANTS (HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16))

/* Tile configurations (see gemm.cl). vw is for 4-byte elements; f64 uses vw/2 (the same
   vector bytes). The first ones suit CPUs (PoCL: wide vectors, few work-items), the others
   GPUs (256 work-items, narrow vectors). */
typedef struct tile_cfg {
    int tm, tn, tk, wm, wn, vw;
} tile_cfg;

static const tile_cfg candidates[] = {
    {64, 64, 64, 16, 16, 16},  {64, 128, 64, 32, 8, 16}, {64, 64, 64, 32, 8, 16},
    {128, 128, 32, 32, 8, 16}, {64, 64, 16, 4, 4, 4},    {128, 128, 16, 8, 8, 4},
    {32, 32, 16, 2, 2, 1},
};
#define NCANDIDATES ((int)(sizeof candidates / sizeof *candidates))
/* The search problem: N = 512, or more on a device of many compute units. At a fixed 512 a
   128x128 tile makes 16 work-groups, and an H100's 132 SMs mostly idled while the 32x32 tile's
   256 work-groups filled them: the search chose 32x32 (5.2 TFLOP/s at 512), which then ran
   n = 4096 at 0.22 of cuBLAS. N is the smallest multiple of 128 with (N/128)² >= 2 x compute
   units, within [512, 2048] (2048: 17 GFLOP per run; 4 runs per candidate, 4 more for the
   winner). A CPU device of 2 compute units (PoCL in CI) keeps 512, one of 16 gets 768. */
#define SEARCH_TILE_MAX 128
int hb__gemm_ocl_search_n(unsigned compute_units) {
    int t = 1;
    while ((long long)t * t < 2LL * (long long)compute_units) t++;
    int n = t * SEARCH_TILE_MAX;
    return n < 512 ? 512 : n > 2048 ? 2048 : n;
}
/* HB_GEMM_OCL_SEARCH_N overrides it (64 .. 8192): to tune for another size class, or to test.
   -1 with err filled for a value that is not such an integer. */
static int search_n(const hb__ocl_device *od, char *err, size_t n) {
    const char *e = getenv("HB_GEMM_OCL_SEARCH_N");
    if (e && *e) {
        char *end;
        long v = strtol(e, &end, 10);
        if (*end || v < 64 || v > 8192) {
            hb__set_err(err, n, "HB_GEMM_OCL_SEARCH_N='%.32s': not an integer in 64 .. 8192", e);
            return -1;
        }
        return (int)v;
    }
    return hb__gemm_ocl_search_n(od->compute_units);
}

typedef struct tuned {
    cl_device_id device;
    hb_variant variant;
    tile_cfg cfg; /* vw already adjusted to the element size */
    double gflops;
    int tried;
    char options[192];
    char detail[400];
    hb_status status; /* of the search: a failed one is remembered too, not redone per run */
    char error[600];
    struct tuned *next;
} tuned;

static pthread_mutex_t tune_lock = PTHREAD_MUTEX_INITIALIZER;
static tuned *tune_cache; /* process lifetime (a few hundred bytes per device and variant) */

static size_t in_size(hb_variant v) {
    return v == HB_F64 ? 8 : v == HB_F16 ? 2 : 4;
}
static size_t out_size(hb_variant v) {
    return v == HB_F64 ? 8 : 4;
}

static tile_cfg adjust(const tile_cfg *c, hb_variant v) {
    tile_cfg r = *c;
    if (v == HB_F64 && r.vw > 1) r.vw /= 2;
    return r;
}

static void options_of(const tile_cfg *c, hb_variant v, char *buf, size_t n) {
    snprintf(buf, n, "-DHB_%s -DTM=%d -DTN=%d -DTK=%d -DWM=%d -DWN=%d -DVW=%d",
             v == HB_F64   ? "F64"
             : v == HB_F16 ? "F16"
                           : "F32",
             c->tm, c->tn, c->tk, c->wm, c->wn, c->vw);
}

static int fits(const hb__ocl_device *od, const tile_cfg *c, hb_variant v) {
    size_t wg = (size_t)(c->tm / c->wm) * (size_t)(c->tn / c->wn);
    size_t local = (size_t)c->tk * (size_t)(c->tm + c->tn) * out_size(v);
    return wg <= od->max_wg && local + 1024 <= od->local_mem;
}

static void global_size(const tile_cfg *c, int64_t m, int64_t n, size_t g[2], size_t l[2]) {
    l[0] = (size_t)(c->tm / c->wm), l[1] = (size_t)(c->tn / c->wn);
    g[0] = (size_t)((m + c->tm - 1) / c->tm) * l[0];
    g[1] = (size_t)((n + c->tn - 1) / c->tn) * l[1];
}

static cl_int set_args(cl_kernel k, int m, int n, int kk, cl_mem A, cl_mem B, cl_mem C) {
    cl_int e = clSetKernelArg(k, 0, sizeof m, &m);
    if (e == CL_SUCCESS) e = clSetKernelArg(k, 1, sizeof n, &n);
    if (e == CL_SUCCESS) e = clSetKernelArg(k, 2, sizeof kk, &kk);
    if (e == CL_SUCCESS) e = clSetKernelArg(k, 3, sizeof A, &A);
    if (e == CL_SUCCESS) e = clSetKernelArg(k, 4, sizeof B, &B);
    if (e == CL_SUCCESS) e = clSetKernelArg(k, 5, sizeof C, &C);
    return e;
}

/* Input element i of a search matrix as stored, and its value. */
static double search_value(uint64_t stream, size_t i) {
    return hb__rand_uniform(0x7e57ULL, stream, (uint64_t)i, -1.0, 1.0);
}

/* One candidate on the search problem: best of 3 timed runs after a warm-up (s), < 0 when it
   cannot run here (does not build, too many resources ...); then why says so, unless it
   already holds an earlier candidate's reason. */
static double time_candidate(hb__ocl_device *od, const tile_cfg *c, hb_variant v, int N, cl_mem A,
                             cl_mem B, cl_mem C, char *why, size_t wn) {
    char opts[192], err[512];
    options_of(c, v, opts, sizeof opts);
    cl_program prog;
    if (hb__ocl_program(od, "gemm", opts, NULL, &prog, err, sizeof err) != HB_OK) {
        if (!why[0]) hb__set_err(why, wn, "%s", err);
        return -1;
    }
    cl_int e;
    cl_kernel k = clCreateKernel(prog, "gemm", &e);
    if (e != CL_SUCCESS) {
        if (!why[0])
            hb__set_err(why, wn, "clCreateKernel(gemm): %s (%d)", hb__ocl_error_name(e), (int)e);
        return -1;
    }
    double best = -1;
    if (set_args(k, N, N, N, A, B, C) == CL_SUCCESS) {
        size_t g[2], l[2];
        global_size(c, N, N, g, l);
        for (int it = 0; it < 4; it++) {
            cl_event ev = NULL;
            e = clEnqueueNDRangeKernel(od->queue, k, 2, NULL, g, l, 0, NULL, &ev);
            if (e == CL_SUCCESS) e = clWaitForEvents(1, &ev);
            double t = e == CL_SUCCESS ? hb__ocl_event_seconds(ev) : -1;
            if (ev) clReleaseEvent(ev);
            if (e != CL_SUCCESS && !why[0])
                hb__set_err(why, wn, "tiles %s: clEnqueueNDRangeKernel/clWaitForEvents: %s (%d)",
                            opts, hb__ocl_error_name(e), (int)e);
            if (t < 0) {
                best = -1;
                break;
            }
            if (it > 0 && (best < 0 || t < best)) best = t;
        }
    }
    clReleaseKernel(k);
    return best;
}

/* Checks C of the search problem on 128 sampled entries against a long double reference, with
   the rigorous bound 2·k·u·Σ|a||b| (plus a tiny absolute floor). */
static int check_search(const void *hA, const void *hB, const void *hC, hb_variant v, int N) {
    const double u = v == HB_F64 ? 0x1p-53 : 0x1p-24;
    for (int s = 0; s < 128; s++) {
        uint64_t r = hb__rand_u64(0x7e57ULL, 99, (uint64_t)s);
        int i = (int)(r % (uint64_t)N), j = (int)((r >> 32) % (uint64_t)N);
        long double ref = 0, mag = 0;
        for (int l = 0; l < N; l++) {
            long double a, b;
            size_t ia = (size_t)i + (size_t)l * N, ib = (size_t)l + (size_t)j * N;
            if (v == HB_F64)
                a = ((const double *)hA)[ia], b = ((const double *)hB)[ib];
            else if (v == HB_F16)
                a = hb__f16_to_f32(((const uint16_t *)hA)[ia]),
                b = hb__f16_to_f32(((const uint16_t *)hB)[ib]);
            else
                a = ((const float *)hA)[ia], b = ((const float *)hB)[ib];
            ref += a * b;
            mag += fabsl(a * b);
        }
        size_t ic = (size_t)i + (size_t)j * N;
        long double got = v == HB_F64 ? ((const double *)hC)[ic] : ((const float *)hC)[ic];
        if (!(fabsl(got - ref) <= 2.0L * N * u * mag + 1e-30L)) return 0;
    }
    return 1;
}

static hb_status fail(hb_status s, char *err, size_t n, const char *fmt, const char *a) {
    hb__set_err(err, n, fmt, a);
    return s;
}

/* HB_GEMM_OCL_TILES=TM,TN,TK,WM,WN,VW (VW for 4-byte elements, halved for f64 like the
   table's) replaces the table by that one configuration: still timed and checked against the
   host reference, and named in detail() as forced. 1: set and valid; 0: not set; -1: invalid
   (err says why). */
static int forced_tiles(tile_cfg *c, char *err, size_t n) {
    const char *e = getenv("HB_GEMM_OCL_TILES");
    if (!e || !*e) return 0;
    int used = 0;
    if (sscanf(e, "%d,%d,%d,%d,%d,%d%n", &c->tm, &c->tn, &c->tk, &c->wm, &c->wn, &c->vw, &used) !=
            6 ||
        e[used] || c->tm < 1 || c->tn < 1 || c->tk < 1 || c->wm < 1 || c->wn < 1 ||
        (c->vw != 1 && c->vw != 2 && c->vw != 4 && c->vw != 8 && c->vw != 16) || c->tm % c->wm ||
        c->tn % c->wn || c->wm % c->vw || c->tk % c->vw) {
        hb__set_err(err, n,
                    "HB_GEMM_OCL_TILES='%.64s': not TM,TN,TK,WM,WN,VW (positive integers, WM "
                    "dividing TM, WN dividing TN, VW one of 1, 2, 4, 8, 16 dividing WM and TK)",
                    e);
        return -1;
    }
    return 1;
}

int hb__gemm_ocl_tiles_fit(const hb__ocl_device *od, const int tiles[6], hb_variant v) {
    const tile_cfg c = {tiles[0], tiles[1], tiles[2], tiles[3], tiles[4], tiles[5]};
    tile_cfg a = adjust(&c, v);
    return fits(od, &a, v);
}

int hb__gemm_ocl_candidates(int (*out)[6], int max) {
    int k = 0;
    for (; k < NCANDIDATES && k < max; k++) {
        const tile_cfg *c = &candidates[k];
        int v[6] = {c->tm, c->tn, c->tk, c->wm, c->wn, c->vw};
        memcpy(out[k], v, sizeof v);
    }
    return NCANDIDATES;
}

/* The search itself (tune_lock held). */
static hb_status search(hb__ocl_device *od, hb_variant v, tuned *t, char *err, size_t n) {
    tile_cfg forced;
    const tile_cfg *cands = candidates;
    int ncand = NCANDIDATES, force = forced_tiles(&forced, err, n);
    if (force < 0) return HB_E_INVALID;
    if (force) cands = &forced, ncand = 1;
    const int sn = search_n(od, err, n);
    if (sn < 0) return HB_E_INVALID;
    const size_t N = (size_t)sn, ni = N * N;
    size_t es = in_size(v), os = out_size(v);
    void *hA = malloc(ni * es), *hB = malloc(ni * es), *hC = malloc(ni * os);
    cl_mem A = NULL, B = NULL, C = NULL;
    hb_status st = HB_OK;
    if (!hA || !hB || !hC) {
        st = fail(HB_E_NOMEM, err, n, "gemm: %s", "cannot allocate the tile search's matrices");
        goto out;
    }
    for (size_t i = 0; i < ni; i++) {
        double a = search_value(1, i), b = search_value(2, i);
        if (v == HB_F64)
            ((double *)hA)[i] = a, ((double *)hB)[i] = b;
        else if (v == HB_F16)
            ((uint16_t *)hA)[i] = hb__f32_to_f16((float)a),
                       ((uint16_t *)hB)[i] = hb__f32_to_f16((float)b);
        else
            ((float *)hA)[i] = (float)a, ((float *)hB)[i] = (float)b;
    }
    if ((st = hb__ocl_buffer(od, CL_MEM_READ_ONLY, ni * es, &A, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_ONLY, ni * es, &B, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(od, CL_MEM_READ_WRITE, ni * os, &C, err, n)) != HB_OK ||
        (st = hb__ocl_write(od, A, hA, ni * es, err, n)) != HB_OK ||
        (st = hb__ocl_write(od, B, hB, ni * es, err, n)) != HB_OK)
        goto out;

    double secs[NCANDIDATES];
    int tried = 0;
    char why[400] = "";
    for (int c = 0; c < ncand; c++) {
        tile_cfg cfg = adjust(&cands[c], v);
        secs[c] = -1;
        if (!fits(od, &cfg, v)) {
            if (force)
                hb__set_err(why, sizeof why,
                            "HB_GEMM_OCL_TILES: %d work-items or %zu bytes of local memory do "
                            "not fit the device (%zu work-items, %llu bytes)",
                            (cfg.tm / cfg.wm) * (cfg.tn / cfg.wn),
                            (size_t)cfg.tk * (size_t)(cfg.tm + cfg.tn) * out_size(v), od->max_wg,
                            (unsigned long long)od->local_mem);
            continue;
        }
        tried++;
        secs[c] = time_candidate(od, &cfg, v, sn, A, B, C, why, sizeof why);
    }
    /* the fastest candidate whose result is right */
    int done[NCANDIDATES] = {0};
    for (;;) {
        int best = -1;
        for (int c = 0; c < ncand; c++)
            if (!done[c] && secs[c] > 0 && (best < 0 || secs[c] < secs[best])) best = c;
        if (best < 0) {
            if (force)
                hb__set_err(err, n,
                            "gemm: the tiles forced by HB_GEMM_OCL_TILES=%s did not run correctly "
                            "on %s%s%s",
                            getenv("HB_GEMM_OCL_TILES"), od->name, why[0] ? ": " : "", why);
            else
                hb__set_err(err, n,
                            "gemm: none of the %d tile configurations tried ran correctly on %s "
                            "(program build or launch failures, or wrong results)%s%s",
                            tried, od->name, why[0] ? "; first failure: " : "", why);
            st = force ? HB_E_INVALID : HB_E_DEVICE;
            goto out;
        }
        done[best] = 1;
        tile_cfg cfg = adjust(&cands[best], v);
        /* rerun the winner on fresh junk output, then check it */
        memset(hC, 0xff, ni * os);
        if (hb__ocl_write(od, C, hC, ni * os, err, n) != HB_OK) continue;
        if (time_candidate(od, &cfg, v, sn, A, B, C, why, sizeof why) < 0) continue;
        if (hb__ocl_read(od, C, hC, ni * os, err, n) != HB_OK) continue;
        if (!check_search(hA, hB, hC, v, sn)) continue;
        char how[48];
        if (force)
            snprintf(how, sizeof how, "forced by HB_GEMM_OCL_TILES");
        else
            snprintf(how, sizeof how, "chosen by search among %d", tried);
        t->cfg = cfg;
        t->tried = tried;
        t->gflops = 2.0 * (double)N * (double)N * (double)N / secs[best] * 1e-9;
        options_of(&cfg, v, t->options, sizeof t->options);
        snprintf(t->detail, sizeof t->detail,
                 "tiles TM=%d,TN=%d,TK=%d,WM=%d,WN=%d,VW=%d %s on %s (%.1f GFLOP/s at %dx%dx%d)",
                 cfg.tm, cfg.tn, cfg.tk, cfg.wm, cfg.wn, cfg.vw, how, od->name, t->gflops, sn, sn,
                 sn);
        err[0] = 0;
        break;
    }
out:
    if (A) clReleaseMemObject(A);
    if (B) clReleaseMemObject(B);
    if (C) clReleaseMemObject(C);
    free(hA), free(hB), free(hC);
    return st;
}

void hb__gemm_ocl_forget_tiles(void) {
    pthread_mutex_lock(&tune_lock);
    while (tune_cache) {
        tuned *t = tune_cache;
        tune_cache = t->next;
        free(t);
    }
    pthread_mutex_unlock(&tune_lock);
}

static hb_status tiles_for(hb__ocl_device *od, hb_variant v, const tuned **out, char *err,
                           size_t n) {
    pthread_mutex_lock(&tune_lock);
    for (tuned *t = tune_cache; t; t = t->next)
        if (t->device == od->device && t->variant == v) {
            hb_status s = t->status;
            if (s == HB_OK)
                *out = t;
            else
                hb__set_err(err, n, "%s (the search failed earlier in this process; not redone)",
                            t->error);
            pthread_mutex_unlock(&tune_lock);
            return s;
        }
    tuned *t = calloc(1, sizeof *t);
    hb_status s = HB_E_NOMEM;
    if (t) {
        t->device = od->device, t->variant = v;
        s = t->status = search(od, v, t, err, n);
        if (s != HB_OK) snprintf(t->error, sizeof t->error, "%s", err);
        t->next = tune_cache, tune_cache = t;
        if (s == HB_OK) *out = t;
    }
    pthread_mutex_unlock(&tune_lock);
    return s;
}

/* The tiles of (device, variant), from the search (run now on first use, then cached): kernels/
   lu/lu_ocl.c builds its trailing update, gemm.cl's tiling with leading dimensions, with them. */
hb_status hb__gemm_ocl_tiles(hb__ocl_device *od, hb_variant v, int tiles[6], const char **detail,
                             char *err, size_t n) {
    const tuned *t = NULL;
    hb_status s = tiles_for(od, v, &t, err, n);
    if (s != HB_OK) return s;
    tiles[0] = t->cfg.tm, tiles[1] = t->cfg.tn, tiles[2] = t->cfg.tk;
    tiles[3] = t->cfg.wm, tiles[4] = t->cfg.wn, tiles[5] = t->cfg.vw;
    if (detail) *detail = t->detail;
    return HB_OK;
}

/* ---- the implementation ---- */
typedef struct gemm_ocl {
    hb_problem *p;
    hb__ocl_device *od;
    const tuned *t;
    cl_kernel kernel;
    cl_mem A, B, C;
    cl_event last;
    size_t g[2], l[2];
    char detail[512];
} gemm_ocl;

static hb_status gemm_ocl_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__ocl_device *od = hb__ocl_dev(d);
    if (!od) {
        hb__set_err(why, n, "not an OpenCL device");
        return HB_UNSUPPORTED;
    }
    hb_variant v = p->variant;
    if (!(GEMM_OCL_VARIANTS & HB_VARIANT_BIT(v))) {
        hb__set_err(why, n, "the OpenCL gemm kernel has no %s variant", hb_variant_name(v));
        return HB_UNSUPPORTED;
    }
    if (v == HB_F64 && !od->has_fp64) {
        hb__set_err(why, n, "%s has no cl_khr_fp64 (double precision)", od->name);
        return HB_UNSUPPORTED;
    }
    const int64_t m = p->size.m, nn = p->size.n, k = p->size.k;
    if (m > 2147483647 || nn > 2147483647 || k > 2147483647) {
        hb__set_err(why, n, "dimension above the kernel's 32-bit index");
        return HB_SKIPPED;
    }
    const double es = (double)in_size(v), os = (double)out_size(v);
    const double a = es * (double)m * (double)k, b = es * (double)k * (double)nn,
                 c = os * (double)m * (double)nn;
    const double big = a > b ? (a > c ? a : c) : (b > c ? b : c);
    if (big > (double)od->max_alloc) {
        hb__set_err(why, n,
                    "a matrix of %.0f MiB exceeds the largest allocation %s allows "
                    "(CL_DEVICE_MAX_MEM_ALLOC_SIZE %.0f MiB)",
                    big / 1048576.0, od->name, (double)od->max_alloc / 1048576.0);
        return HB_SKIPPED;
    }
    if (a + b + c > (double)od->global_mem) {
        hb__set_err(why, n, "A, B and C (%.0f MiB) exceed the global memory of %s (%.0f MiB)",
                    (a + b + c) / 1048576.0, od->name, (double)od->global_mem / 1048576.0);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void gemm_ocl_teardown(void *state) {
    gemm_ocl *s = state;
    if (!s) return;
    if (s->last) clReleaseEvent(s->last);
    if (s->kernel) clReleaseKernel(s->kernel);
    if (s->A) clReleaseMemObject(s->A);
    if (s->B) clReleaseMemObject(s->B);
    if (s->C) clReleaseMemObject(s->C);
    free(s);
}

static hb_status gemm_ocl_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                size_t n) {
    hb_status st = gemm_ocl_supports(dev, p, err, n);
    if (st != HB_OK) return st;
    gemm_ocl *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    s->od = hb__ocl_dev(dev);
    hb_variant v = p->variant;
    const int64_t m = p->size.m, nn = p->size.n, k = p->size.k;
    if ((st = tiles_for(s->od, v, &s->t, err, n)) != HB_OK) goto fail;
    cl_program prog;
    if ((st = hb__ocl_program(s->od, "gemm", s->t->options, NULL, &prog, err, n)) != HB_OK)
        goto fail;
    cl_int e;
    s->kernel = clCreateKernel(prog, "gemm", &e);
    if (e != CL_SUCCESS) {
        st = hb__ocl_fail(e, "gemm: clCreateKernel", err, n);
        goto fail;
    }
    const size_t es = in_size(v), os = out_size(v);
    const size_t ba = es * (size_t)m * (size_t)k, bb = es * (size_t)k * (size_t)nn,
                 bc = os * (size_t)m * (size_t)nn;
    hb_gemm_data *d = p->data;
    if ((st = hb__ocl_buffer(s->od, CL_MEM_READ_ONLY, ba, &s->A, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(s->od, CL_MEM_READ_ONLY, bb, &s->B, err, n)) != HB_OK ||
        (st = hb__ocl_buffer(s->od, CL_MEM_READ_WRITE, bc, &s->C, err, n)) != HB_OK ||
        (st = hb__ocl_write(s->od, s->A, d->A, ba, err, n)) != HB_OK ||
        (st = hb__ocl_write(s->od, s->B, d->B, bb, err, n)) != HB_OK ||
        /* the host C holds the kernel's seeded junk: a run that writes nothing fails */
        (st = hb__ocl_write(s->od, s->C, d->C, bc, err, n)) != HB_OK)
        goto fail;
    e = set_args(s->kernel, (int)m, (int)nn, (int)k, s->A, s->B, s->C);
    if (e != CL_SUCCESS) {
        st = hb__ocl_fail(e, "gemm: clSetKernelArg", err, n);
        goto fail;
    }
    global_size(&s->t->cfg, m, nn, s->g, s->l);
    snprintf(s->detail, sizeof s->detail, "hetbench-opencl tiled gemm.cl %s: %s",
             hb_variant_name(v), s->t->detail);
    *state = s;
    return HB_OK;
fail:
    gemm_ocl_teardown(s);
    return st;
}

static hb_status gemm_ocl_run(void *state) {
    gemm_ocl *s = state;
    if (s->last) clReleaseEvent(s->last);
    s->last = NULL;
    cl_int e =
        clEnqueueNDRangeKernel(s->od->queue, s->kernel, 2, NULL, s->g, s->l, 0, NULL, &s->last);
    if (e != CL_SUCCESS) {
        s->last = NULL;
        hb__note_error("gemm on %s: clEnqueueNDRangeKernel: %s (%d)", s->od->name,
                       hb__ocl_error_name(e), (int)e);
        return HB_E_DEVICE;
    }
    e = clWaitForEvents(1, &s->last);
    if (e != CL_SUCCESS) {
        hb__note_error("gemm on %s: clWaitForEvents: %s (%d)", s->od->name, hb__ocl_error_name(e),
                       (int)e);
        return HB_E_DEVICE;
    }
    return HB_OK;
}

static hb_status gemm_ocl_finish(void *state) {
    gemm_ocl *s = state;
    hb_gemm_data *d = s->p->data;
    size_t bytes = out_size(s->p->variant) * (size_t)s->p->size.m * (size_t)s->p->size.n;
    char err[512];
    if (hb__ocl_read(s->od, s->C, d->C, bytes, err, sizeof err) != HB_OK) {
        hb__note_error("gemm on %s: %s", s->od->name, err);
        return HB_E_DEVICE;
    }
    return HB_OK;
}

static double gemm_ocl_device_seconds(void *state) {
    gemm_ocl *s = state;
    return s->last ? hb__ocl_event_seconds(s->last) : -1.0;
}

static const char *gemm_ocl_detail(void *state) {
    return ((gemm_ocl *)state)->detail;
}

const hb_impl hb__gemm_ocl_base = {
    .kernel = "gemm",
    .kind = HB_IMPL_BASE,
    .name = "hetbench-opencl",
    .variants = GEMM_OCL_VARIANTS,
    .supports = gemm_ocl_supports,
    .setup = gemm_ocl_setup,
    .run = gemm_ocl_run,
    .finish = gemm_ocl_finish,
    .teardown = gemm_ocl_teardown,
    .detail = gemm_ocl_detail,
    .device_seconds = gemm_ocl_device_seconds,
};
