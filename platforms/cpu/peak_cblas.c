/* hetbench — CPU "peak" implementations on the CBLAS / LAPACKE provider found at build time
 * (OpenBLAS by default; BLIS or a vendor CBLAS such as Kunpeng KML with -DHB_BLAS=...).
 *
 * gemm: cblas_dgemm / cblas_sgemm; bf16 through cblas_sbgemm when the provider exports it
 * (looked up at run time: Debian's OpenBLAS declares it in cblas.h but is built without it).
 * f16 and i8 have no CBLAS routine: unsupported, with that reason.
 * lu: LAPACKE_dgetrf + LAPACKE_dgetrs (column-major). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "internal.h"

/* ---- provider description ---- */
static void lib_of(void *sym, char *out, size_t n) {
    Dl_info info;
    if (sym && dladdr(sym, &info) && info.dli_fname) {
        char real[4096];
        if (realpath(info.dli_fname, real))
            snprintf(out, n, "%s", real);
        else
            snprintf(out, n, "%s", info.dli_fname);
    } else
        snprintf(out, n, "unknown");
}

void hb__cblas_describe(char *name, size_t n1, char *config, size_t n2, char *blas_path, size_t n3,
                        char *lapack_path, size_t n4) {
    snprintf(name, n1, "%s", HB_BLAS_PROVIDER);
#if defined(HB_HAVE_OPENBLAS_CONFIG)
    snprintf(config, n2, "%s", openblas_get_config());
#else
    /* BLIS: its version through dlsym (blis.h cannot be included beside lapacke.h: both
       declare lsame_) */
    const char *(*blis_version)(void) =
        (const char *(*)(void))(uintptr_t)dlsym(RTLD_DEFAULT, "bli_info_get_version_str");
    if (blis_version)
        snprintf(config, n2, "BLIS %s", blis_version());
    else
        snprintf(config, n2, "unknown");
#endif
    lib_of((void *)(uintptr_t)&cblas_dgemm, blas_path, n3);
    void *getrf = dlsym(RTLD_DEFAULT, "dgetrf_");
    lib_of(getrf ? getrf : (void *)(uintptr_t)&LAPACKE_dgetrf, lapack_path, n4);
}

/* How the provider runs its threads: OpenBLAS's pthread flavour has its own pool, created when
   the library loads and not bound by hetbench (the main thread that also computes is). */
void hb__cblas_threading(char *out, size_t n) {
#if defined(HB_HAVE_OPENBLAS_THREADS)
    int par = openblas_get_parallel();
    snprintf(out, n, "%s, %d threads",
             par == 0   ? "sequential"
             : par == 1 ? "OpenBLAS pthreads (own pool, not bound by hetbench)"
                        : "OpenMP (hetbench's bound team)",
             openblas_get_num_threads());
#else
    const char *env = getenv("BLIS_NUM_THREADS");
    snprintf(out, n, "provider's own, BLIS_NUM_THREADS=%s", env ? env : "unset");
#endif
}

void hb__cblas_set_threads(int n) {
#if defined(HB_HAVE_OPENBLAS_THREADS)
    openblas_set_num_threads(n);
#else
    /* BLIS (and vendor CBLAS that follow it) read the thread count from the environment at
       their first call, which comes after this; a value the user set is kept. */
    char buf[16];
    snprintf(buf, sizeof buf, "%d", n);
    setenv("BLIS_NUM_THREADS", buf, 0);
#endif
}

/* ---- gemm ---- */
typedef void (*sbgemm_fn)(int, int, int, int, int, int, float, const uint16_t *, int,
                          const uint16_t *, int, float, float *, int);

typedef struct cblas_gemm {
    hb_problem *p;
    sbgemm_fn sbgemm;
    char detail[512];
} cblas_gemm;

static sbgemm_fn find_sbgemm(void) {
    return (sbgemm_fn)(uintptr_t)dlsym(RTLD_DEFAULT, "cblas_sbgemm");
}

static hb_status gemm_peak_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    (void)d;
    switch (p->variant) {
    case HB_F64:
    case HB_F32:
        break;
    case HB_BF16:
        if (find_sbgemm()) break;
        hb__set_err(why, n, "the CBLAS provider (%s) does not export cblas_sbgemm",
                    HB_BLAS_PROVIDER);
        return HB_UNSUPPORTED;
    default:
        hb__set_err(why, n, "CBLAS has no %s GEMM routine", hb_variant_name(p->variant));
        return HB_UNSUPPORTED;
    }
    if (p->size.m > 2147483647 || p->size.n > 2147483647 || p->size.k > 2147483647 ||
        p->size.m * p->size.k > 2147483647 || p->size.k * p->size.n > 2147483647 ||
        p->size.m * p->size.n > 2147483647) {
        hb__set_err(why, n, "matrix larger than the provider's 32-bit index (blasint)");
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static hb_status gemm_peak_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                                 size_t n) {
    (void)dev, (void)err, (void)n;
    cblas_gemm *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    s->sbgemm = find_sbgemm();
    char name[32], cfg[128], blas[256], lapack[256];
    hb__cblas_describe(name, sizeof name, cfg, sizeof cfg, blas, sizeof blas, lapack,
                       sizeof lapack);
    snprintf(s->detail, sizeof s->detail, "%s %s (%s)",
             p->variant == HB_F64   ? "cblas_dgemm"
             : p->variant == HB_F32 ? "cblas_sgemm"
                                    : "cblas_sbgemm",
             name, cfg);
    *state = s;
    return HB_OK;
}

static hb_status gemm_peak_run(void *state) {
    cblas_gemm *s = state;
    hb_gemm_data *d = s->p->data;
    int m = (int)s->p->size.m, n = (int)s->p->size.n, k = (int)s->p->size.k;
    switch (s->p->variant) {
    case HB_F64:
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0, d->A, m, d->B, k, 0.0,
                    d->C, m);
        break;
    case HB_F32:
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, d->A, m, d->B, k,
                    0.0f, d->C, m);
        break;
    case HB_BF16:
        s->sbgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f, d->A, m, d->B, k, 0.0f,
                  d->C, m);
        break;
    default:
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static void gemm_peak_teardown(void *state) {
    free(state);
}
static const char *gemm_peak_detail(void *state) {
    return ((cblas_gemm *)state)->detail;
}

const hb_impl hb__gemm_cpu_peak = {
    .kernel = "gemm",
    .kind = HB_IMPL_PEAK,
    .name = "cblas",
    .variants = HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_F16) |
                HB_VARIANT_BIT(HB_BF16) | HB_VARIANT_BIT(HB_I8),
    .supports = gemm_peak_supports,
    .setup = gemm_peak_setup,
    .run = gemm_peak_run,
    .teardown = gemm_peak_teardown,
    .detail = gemm_peak_detail,
};

/* ---- lu ---- */
typedef struct lapack_lu {
    hb_problem *p;
    double *work;
    lapack_int *ipiv;
    char detail[512];
} lapack_lu;

static hb_status lu_peak_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    (void)d;
    if (p->size.n > 46340 && sizeof(lapack_int) < 8) {
        hb__set_err(why, n, "n = %lld: n² exceeds LAPACK's 32-bit index", (long long)p->size.n);
        return HB_UNSUPPORTED;
    }
    return HB_OK;
}

static hb_status lu_peak_setup(const hb_device *dev, hb_problem *p, void **state, char *err,
                               size_t errlen) {
    (void)dev;
    int64_t n = p->size.n;
    lapack_lu *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->p = p;
    s->work = hb__alloc_array((uint64_t)n, (uint64_t)n, sizeof(double));
    s->ipiv = hb__alloc((size_t)n * sizeof(lapack_int));
    if (!s->work || !s->ipiv) {
        hb__free(s->work), hb__free(s->ipiv), free(s);
        hb__set_err(err, errlen, "lu: cannot allocate the working matrix (n = %lld)", (long long)n);
        return HB_E_NOMEM;
    }
    char name[32], cfg[128], blas[256], lapack[256];
    hb__cblas_describe(name, sizeof name, cfg, sizeof cfg, blas, sizeof blas, lapack,
                       sizeof lapack);
    snprintf(s->detail, sizeof s->detail, "LAPACKE_dgetrf+dgetrs, dgetrf_ from %s", lapack);
    *state = s;
    return HB_OK;
}

static hb_status lu_peak_reset(void *state) {
    lapack_lu *s = state;
    hb__lu_reset_copy(s->p, s->work);
    return HB_OK;
}

static hb_status lu_peak_run(void *state) {
    lapack_lu *s = state;
    hb_lu_data *d = s->p->data;
    lapack_int n = (lapack_int)s->p->size.n;
    lapack_int info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, n, n, s->work, n, s->ipiv);
    if (info != 0) return HB_E_RUNTIME;
    info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, 'N', n, 1, s->work, n, s->ipiv, d->x, n);
    return info == 0 ? HB_OK : HB_E_RUNTIME;
}

static void lu_peak_teardown(void *state) {
    lapack_lu *s = state;
    hb__free(s->work), hb__free(s->ipiv), free(s);
}

static const char *lu_peak_detail(void *state) {
    return ((lapack_lu *)state)->detail;
}

const hb_impl hb__lu_cpu_peak = {
    .kernel = "lu",
    .kind = HB_IMPL_PEAK,
    .name = "lapacke",
    .variants = HB_VARIANT_BIT(HB_F64),
    .supports = lu_peak_supports,
    .setup = lu_peak_setup,
    .reset = lu_peak_reset,
    .run = lu_peak_run,
    .teardown = lu_peak_teardown,
    .detail = lu_peak_detail,
};
