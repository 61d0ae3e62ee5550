/* hetbench — gemm on CUDA (peak): the vendor's libraries, every precision of the descriptor.
 *
 *   f64, f32, tf32, f16, bf16  cublasGemmEx, column-major C = A·B as the descriptor lays it out
 *                              (no copies, no padding). Compute types: 64F, 32F (never TF32:
 *                              the handle keeps CUBLAS_DEFAULT_MATH, and the f32 check would
 *                              reject TF32's rounding), 32F_FAST_TF32, and 32F for f16/bf16
 *                              inputs with fp32 output (the descriptor's definition).
 *   i8                         cuBLASLt, int8 inputs, int32 accumulation and output (32I).
 *   fp8                        cuBLASLt, e4m3 inputs, fp32 accumulation and output, scales 1
 *                              (the scale pointers left unset), no fast accumulation unless
 *                              HETBENCH_CUBLASLT_FP8_FAST_ACCUM=1.
 *
 * The int8 and fp8 tensor-core kernels take only the "TN" layout (A transposed: both operands
 * k-contiguous), with leading dimensions multiple of 16 bytes. So setup uploads A transposed
 * and every matrix zero-padded to multiples of 16 (untimed; the benchmark sizes are multiples,
 * there is no padding then, and the zeros do not change C); finish copies the m x n block back.
 * HETBENCH_CUDA_GEMM=lt sends the other precisions through cuBLASLt too (NN, no padding).
 *
 * cuBLASLt's algorithm: from cublasLtMatmulAlgoGetHeuristic (up to 8 candidates, 32 MiB of
 * workspace); for problems of 2^31 operations and more each candidate is timed at setup
 * (untimed for the record) and the fastest kept. Every run is between two CUDA events on the
 * device's stream. One untimed call at setup loads the library's kernels (lazy module loading)
 * and turns an unsupported combination into an `unsupported` record with the library's reason. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"

#define CUBLAS_VARIANTS                                                                            \
    (HB_VARIANT_BIT(HB_F64) | HB_VARIANT_BIT(HB_F32) | HB_VARIANT_BIT(HB_TF32) |                   \
     HB_VARIANT_BIT(HB_F16) | HB_VARIANT_BIT(HB_BF16) | HB_VARIANT_BIT(HB_I8) |                    \
     HB_VARIANT_BIT(HB_FP8))
#define LT_WORKSPACE (32u << 20)
#define LT_CANDIDATES 8

typedef union scalar {
    double d;
    float f;
    int32_t i;
} scalar;

typedef struct cublas_gemm {
    hb__cuda_device *cd;
    hb_problem *p;
    int lt, tn, fast_accum;
    int64_t m, n, k, mp, np, kp; /* sizes and, for TN, the padded ones */
    size_t in_es, out_es;
    cudaDataType_t ta, tc;
    cublasComputeType_t ct;
    cudaDataType_t st; /* scale type */
    scalar alpha, beta;
    void *A, *B, *C, *ws;
    size_t ws_bytes;
    cublasHandle_t h;
    cublasLtHandle_t lth;
    cublasLtMatmulDesc_t op;
    cublasLtMatrixLayout_t la, lb, lc;
    cublasLtMatmulPreference_t pref;
    cublasLtMatmulAlgo_t algo;
    hb__cuda_timer timer;
    char detail[640];
} cublas_gemm;

static int64_t up16(int64_t x) {
    return (x + 15) / 16 * 16;
}

/* cc >= needed, as major·10 + minor */
static int cc_at_least(const hb__cuda_device *cd, int needed) {
    return cd->cc_major * 10 + cd->cc_minor >= needed;
}

static int env_is(const char *name, const char *value) {
    const char *v = getenv(name);
    return v && strcmp(v, value) == 0;
}

static hb_status cublas_supports(const hb_device *d, const hb_problem *p, char *why, size_t n) {
    hb__cuda_device *cd = hb__cuda_dev(d);
    if (!cd) {
        hb__set_err(why, n, "not a CUDA device");
        return HB_UNSUPPORTED;
    }
    hb_variant v = p->variant;
    if (!(CUBLAS_VARIANTS & HB_VARIANT_BIT(v))) {
        hb__set_err(why, n, "cuBLAS gemm has no %s", hb_variant_name(v));
        return HB_UNSUPPORTED;
    }
    if ((v == HB_TF32 || v == HB_BF16) && !cc_at_least(cd, 80)) {
        hb__set_err(why, n, "%s needs compute capability 8.0 (%s is %d.%d)", hb_variant_name(v),
                    cd->name, cd->cc_major, cd->cc_minor);
        return HB_UNSUPPORTED;
    }
    if (v == HB_FP8 && !cc_at_least(cd, 89)) {
        hb__set_err(why, n, "fp8 (e4m3) tensor cores need compute capability 8.9 (%s is %d.%d)",
                    cd->name, cd->cc_major, cd->cc_minor);
        return HB_UNSUPPORTED;
    }
    int tn = v == HB_I8 || v == HB_FP8;
    int lt = tn || env_is("HETBENCH_CUDA_GEMM", "lt");
    int64_t m = p->size.m, nn = p->size.n, k = p->size.k;
    if (!lt && (m > INT_MAX || nn > INT_MAX || k > INT_MAX)) {
        hb__set_err(why, n, "cublasGemmEx takes int sizes (m, n, k <= %d)", INT_MAX);
        return HB_SKIPPED;
    }
    if (tn) m = up16(m), nn = up16(nn), k = up16(k);
    double in = (double)hb__variant_elem_size(v), out = v == HB_F64 ? 8.0 : 4.0;
    double bytes = in * ((double)m * (double)k + (double)k * (double)nn) +
                   out * (double)m * (double)nn + (lt ? LT_WORKSPACE : 0);
    if (bytes > (double)cd->total_mem) {
        hb__set_err(why, n, "A, B and C (%.3g GB) exceed the memory of %s (%.3g GB)", bytes * 1e-9,
                    cd->name, (double)cd->total_mem * 1e-9);
        return HB_SKIPPED;
    }
    return HB_OK;
}

static void cublas_teardown(void *state) {
    cublas_gemm *s = state;
    if (!s) return;
    if (s->cd && cudaSetDevice(s->cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
    if (s->pref) cublasLtMatmulPreferenceDestroy(s->pref);
    if (s->la) cublasLtMatrixLayoutDestroy(s->la);
    if (s->lb) cublasLtMatrixLayoutDestroy(s->lb);
    if (s->lc) cublasLtMatrixLayoutDestroy(s->lc);
    if (s->op) cublasLtMatmulDescDestroy(s->op);
    hb__cuda_timer_destroy(&s->timer);
    hb__cuda_free(s->A), hb__cuda_free(s->B), hb__cuda_free(s->C), hb__cuda_free(s->ws);
    free(s);
}

/* The types of a variant (see the header). */
static void types_of(cublas_gemm *s, hb_variant v) {
    s->st = CUDA_R_32F;
    s->ct = CUBLAS_COMPUTE_32F;
    s->tc = CUDA_R_32F;
    s->alpha.f = 1.0f, s->beta.f = 0.0f;
    switch (v) {
    case HB_F64:
        s->ta = s->tc = s->st = CUDA_R_64F;
        s->ct = CUBLAS_COMPUTE_64F;
        s->alpha.d = 1.0, s->beta.d = 0.0;
        break;
    case HB_F32:
        s->ta = CUDA_R_32F;
        break;
    case HB_TF32:
        s->ta = CUDA_R_32F;
        s->ct = CUBLAS_COMPUTE_32F_FAST_TF32;
        break;
    case HB_F16:
        s->ta = CUDA_R_16F;
        break;
    case HB_BF16:
        s->ta = CUDA_R_16BF;
        break;
    case HB_I8:
        s->ta = CUDA_R_8I;
        s->tc = s->st = CUDA_R_32I;
        s->ct = CUBLAS_COMPUTE_32I;
        s->alpha.i = 1, s->beta.i = 0;
        break;
    default: /* fp8 */
        s->ta = CUDA_R_8F_E4M3;
        break;
    }
}

/* One GEMM on the device's stream (not waited for). */
static cublasStatus_t gemm_call(cublas_gemm *s, const cublasLtMatmulAlgo_t *algo) {
    if (s->lt)
        return cublasLtMatmul(s->lth, s->op, &s->alpha, s->A, s->la, s->B, s->lb, &s->beta, s->C,
                              s->lc, s->C, s->lc, algo, s->ws, s->ws_bytes, s->cd->stream);
    return cublasGemmEx(s->h, CUBLAS_OP_N, CUBLAS_OP_N, (int)s->m, (int)s->n, (int)s->k, &s->alpha,
                        s->A, s->ta, (int)s->m, s->B, s->ta, (int)s->k, &s->beta, s->C, s->tc,
                        (int)s->m, s->ct, CUBLAS_GEMM_DEFAULT);
}

/* Uploads C's seeded junk into the (padded) device C: at setup, and again after the setup's
   own GEMM calls, so that a run that writes nothing fails the verification. */
static hb_status upload_c(cublas_gemm *s, char *err, size_t n) {
    const hb_gemm_data *d = s->p->data;
    if (!s->tn || s->mp == s->m)
        return hb__cuda_h2d(s->cd, s->C, d->C, (size_t)(s->m * s->n) * s->out_es, err, n);
    size_t cbytes = (size_t)(s->mp * s->np) * s->out_es;
    unsigned char *stage = calloc(cbytes, 1);
    if (!stage) {
        hb__set_err(err, n, "gemm: cannot allocate a %zu-byte staging buffer", cbytes);
        return HB_E_NOMEM;
    }
    for (int64_t j = 0; j < s->n; j++)
        memcpy(stage + (size_t)(j * s->mp) * s->out_es,
               (const unsigned char *)d->C + (size_t)(j * s->m) * s->out_es,
               (size_t)s->m * s->out_es);
    hb_status st = hb__cuda_h2d(s->cd, s->C, stage, cbytes, err, n);
    free(stage);
    return st;
}

/* Uploads A (transposed when TN) and B into the (padded) device matrices. */
static hb_status upload_ab(cublas_gemm *s, char *err, size_t n) {
    const hb_gemm_data *d = s->p->data;
    hb__cuda_device *cd = s->cd;
    size_t es = s->in_es;
    if (!s->tn) {
        hb_status st = hb__cuda_h2d(cd, s->A, d->A, (size_t)(s->m * s->k) * es, err, n);
        if (st != HB_OK) return st;
        return hb__cuda_h2d(cd, s->B, d->B, (size_t)(s->k * s->n) * es, err, n);
    }
    /* TN: At (kp x mp, ld kp) with At(l, i) = A(i, l), B (kp x np, ld kp), zero-padded.
       Elements are 1 byte here (i8, fp8). */
    int64_t m = s->m, nn = s->n, k = s->k, mp = s->mp, np = s->np, kp = s->kp;
    size_t big = (size_t)(kp * (mp > np ? mp : np));
    unsigned char *stage = calloc(big, 1);
    if (!stage) {
        hb__set_err(err, n, "gemm: cannot allocate a %zu-byte staging buffer", big);
        return HB_E_NOMEM;
    }
    const unsigned char *A = d->A, *B = d->B;
    /* blocked transpose, 64 x 64 tiles */
#pragma omp parallel for schedule(static)
    for (int64_t i0 = 0; i0 < m; i0 += 64)
        for (int64_t l0 = 0; l0 < k; l0 += 64)
            for (int64_t i = i0; i < i0 + 64 && i < m; i++)
                for (int64_t l = l0; l < l0 + 64 && l < k; l++) stage[l + i * kp] = A[i + l * m];
    hb_status st = hb__cuda_h2d(cd, s->A, stage, (size_t)(kp * mp), err, n);
    if (st == HB_OK) {
        memset(stage, 0, (size_t)(kp * np));
        for (int64_t j = 0; j < nn; j++) memcpy(stage + j * kp, B + j * k, (size_t)k);
        st = hb__cuda_h2d(cd, s->B, stage, (size_t)(kp * np), err, n);
    }
    free(stage);
    return st;
}

/* cuBLASLt: descriptors, heuristic candidates, and (large problems) the fastest of them. */
static hb_status lt_prepare(cublas_gemm *s, char *err, size_t n, int *chosen, int *candidates,
                            int *tuned) {
    hb__cuda_device *cd = s->cd;
    cublasStatus_t b;
    const char *what = "cublasLtMatmulDescCreate";
    cublasOperation_t opa = s->tn ? CUBLAS_OP_T : CUBLAS_OP_N, opb = CUBLAS_OP_N;
    b = cublasLtMatmulDescCreate(&s->op, s->ct, s->st);
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatmulDescSetAttribute(TRANSA)",
        b = cublasLtMatmulDescSetAttribute(s->op, CUBLASLT_MATMUL_DESC_TRANSA, &opa, sizeof opa);
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatmulDescSetAttribute(TRANSB)",
        b = cublasLtMatmulDescSetAttribute(s->op, CUBLASLT_MATMUL_DESC_TRANSB, &opb, sizeof opb);
    if (b == CUBLAS_STATUS_SUCCESS && s->p->variant == HB_FP8) {
        int8_t fast = (int8_t)s->fast_accum;
        what = "cublasLtMatmulDescSetAttribute(FAST_ACCUM)";
        b = cublasLtMatmulDescSetAttribute(s->op, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fast,
                                           sizeof fast);
    }
    /* A: TN stores At (kp x mp), else A (m x k); B: kp x np; C: mp x np */
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatrixLayoutCreate(A)",
        b = cublasLtMatrixLayoutCreate(&s->la, s->ta, (uint64_t)(s->tn ? s->kp : s->mp),
                                       (uint64_t)(s->tn ? s->mp : s->kp),
                                       (int64_t)(s->tn ? s->kp : s->mp));
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatrixLayoutCreate(B)",
        b = cublasLtMatrixLayoutCreate(&s->lb, s->ta, (uint64_t)s->kp, (uint64_t)s->np,
                                       (int64_t)s->kp);
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatrixLayoutCreate(C)",
        b = cublasLtMatrixLayoutCreate(&s->lc, s->tc, (uint64_t)s->mp, (uint64_t)s->np,
                                       (int64_t)s->mp);
    uint64_t wsb = s->ws_bytes;
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatmulPreferenceCreate", b = cublasLtMatmulPreferenceCreate(&s->pref);
    if (b == CUBLAS_STATUS_SUCCESS)
        what = "cublasLtMatmulPreferenceSetAttribute(MAX_WORKSPACE_BYTES)",
        b = cublasLtMatmulPreferenceSetAttribute(s->pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                                 &wsb, sizeof wsb);
    if (b != CUBLAS_STATUS_SUCCESS) return hb__cublas_fail(cd, b, what, err, n);

    cublasLtMatmulHeuristicResult_t res[LT_CANDIDATES];
    memset(res, 0, sizeof res);
    int nres = 0;
    b = cublasLtMatmulAlgoGetHeuristic(s->lth, s->op, s->la, s->lb, s->lc, s->lc, s->pref,
                                       LT_CANDIDATES, res, &nres);
    if (b == CUBLAS_STATUS_NOT_SUPPORTED || (b == CUBLAS_STATUS_SUCCESS && nres <= 0)) {
        char text[96];
        hb__cublas_status_text(b, text, sizeof text);
        hb__set_err(err, n, "cuBLASLt has no %s algorithm for %lldx%lldx%lld on %s (%s)",
                    hb_variant_name(s->p->variant), (long long)s->mp, (long long)s->np,
                    (long long)s->kp, cd->name, text);
        return HB_UNSUPPORTED;
    }
    if (b != CUBLAS_STATUS_SUCCESS)
        return hb__cublas_fail(cd, b, "cublasLtMatmulAlgoGetHeuristic", err, n);
    *candidates = nres;
    *chosen = 0;
    *tuned = 0;
    s->algo = res[0].algo;
    double ops = 2.0 * (double)s->m * (double)s->n * (double)s->k;
    if (nres < 2 || ops < 2147483648.0) return HB_OK;
    /* time each candidate: one warm call, then the best of 3 */
    double best = -1.0;
    for (int c = 0; c < nres; c++) {
        if (res[c].state != CUBLAS_STATUS_SUCCESS) continue;
        if (gemm_call(s, &res[c].algo) != CUBLAS_STATUS_SUCCESS ||
            cudaStreamSynchronize(cd->stream) != cudaSuccess) {
            (void)cudaGetLastError();
            continue;
        }
        double t = -1.0;
        for (int r = 0; r < 3; r++) {
            if (hb__cuda_timer_start(cd, &s->timer) != cudaSuccess ||
                gemm_call(s, &res[c].algo) != CUBLAS_STATUS_SUCCESS ||
                hb__cuda_timer_stop(cd, &s->timer) != cudaSuccess) {
                (void)cudaGetLastError();
                t = -1.0;
                break;
            }
            double x = hb__cuda_timer_seconds(&s->timer);
            if (x > 0 && (t < 0 || x < t)) t = x;
        }
        if (t > 0 && (best < 0 || t < best)) best = t, *chosen = c;
    }
    s->algo = res[*chosen].algo;
    *tuned = best > 0;
    return HB_OK;
}

static hb_status cublas_setup(const hb_device *d, hb_problem *p, void **state, char *err,
                              size_t n) {
    *state = NULL;
    hb_status st = cublas_supports(d, p, err, n);
    if (st != HB_OK) return st;
    if (p->size.m <= 0 || p->size.n <= 0 || p->size.k <= 0) {
        hb__set_err(err, n, "gemm: m, n, k must be > 0");
        return HB_E_INVALID;
    }
    cublas_gemm *s = calloc(1, sizeof *s);
    if (!s) return HB_E_NOMEM;
    s->cd = hb__cuda_dev(d);
    s->p = p;
    hb__cuda_device *cd = s->cd;
    hb_variant v = p->variant;
    types_of(s, v);
    s->tn = v == HB_I8 || v == HB_FP8;
    s->lt = s->tn || env_is("HETBENCH_CUDA_GEMM", "lt");
    s->fast_accum = v == HB_FP8 && env_is("HETBENCH_CUBLASLT_FP8_FAST_ACCUM", "1");
    s->m = p->size.m, s->n = p->size.n, s->k = p->size.k;
    s->mp = s->tn ? up16(s->m) : s->m;
    s->np = s->tn ? up16(s->n) : s->n;
    s->kp = s->tn ? up16(s->k) : s->k;
    s->in_es = hb__variant_elem_size(v);
    s->out_es = v == HB_F64 ? 8 : 4;
    s->ws_bytes = s->lt ? LT_WORKSPACE : 0;
    size_t ba = (size_t)(s->mp * s->kp) * s->in_es, bb = (size_t)(s->kp * s->np) * s->in_es;
    size_t bc = (size_t)(s->mp * s->np) * s->out_es;
    if ((st = hb__cuda_use(cd, err, n)) != HB_OK ||
        (st = hb__cuda_timer_create(cd, &s->timer, err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, ba, &s->A, "gemm A", err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, bb, &s->B, "gemm B", err, n)) != HB_OK ||
        (st = hb__cuda_alloc(cd, bc, &s->C, "gemm C", err, n)) != HB_OK ||
        (s->ws_bytes &&
         (st = hb__cuda_alloc(cd, s->ws_bytes, &s->ws, "cuBLASLt workspace", err, n)) != HB_OK) ||
        (st = upload_ab(s, err, n)) != HB_OK)
        goto fail;
    int chosen = 0, candidates = 0, tuned = 0;
    if (s->lt) {
        if ((st = hb__cuda_cublaslt(cd, &s->lth, err, n)) != HB_OK ||
            (st = lt_prepare(s, err, n, &chosen, &candidates, &tuned)) != HB_OK)
            goto fail;
    } else if ((st = hb__cuda_cublas(cd, &s->h, err, n)) != HB_OK) {
        goto fail;
    }
    /* one untimed call: loads the kernels, and says now whether the combination runs */
    cublasStatus_t b = gemm_call(s, &s->algo);
    if (b == CUBLAS_STATUS_NOT_SUPPORTED || b == CUBLAS_STATUS_ARCH_MISMATCH) {
        char text[96];
        hb__cublas_status_text(b, text, sizeof text);
        hb__set_err(err, n, "%s %s on %s: %s", s->lt ? "cublasLtMatmul" : "cublasGemmEx",
                    hb_variant_name(v), cd->name, text);
        st = HB_UNSUPPORTED;
        goto fail;
    }
    if (b != CUBLAS_STATUS_SUCCESS) {
        st = hb__cublas_fail(cd, b, s->lt ? "cublasLtMatmul" : "cublasGemmEx", err, n);
        goto fail;
    }
    cudaError_t e = cudaStreamSynchronize(cd->stream);
    if (e != cudaSuccess) {
        st = hb__cuda_fail(cd, e, "the first GEMM", err, n);
        goto fail;
    }
    /* the junk again: the calls above wrote a correct C */
    if ((st = upload_c(s, err, n)) != HB_OK) goto fail;
    static const char *const ctn[] = {"64F", "32F", "32F_FAST_TF32", "32F", "32F", "32I", "32F"};
    char how[256];
    if (s->lt)
        snprintf(how, sizeof how,
                 "cublasLtMatmul %s, CUBLAS_COMPUTE_%s, algorithm: heuristic #%d of %d%s%s",
                 s->tn ? "TN (A uploaded transposed, sizes padded to multiples of 16)" : "NN",
                 ctn[v], chosen + 1, candidates, tuned ? " (fastest when timed at setup)" : "",
                 v == HB_FP8 ? (s->fast_accum ? ", fast accumulation" : ", no fast accumulation")
                             : "");
    else
        snprintf(how, sizeof how, "cublasGemmEx NN, CUBLAS_COMPUTE_%s, CUBLAS_GEMM_DEFAULT",
                 ctn[v]);
    int ma = 0, mi = 0, pa = 0;
    (void)cublasGetProperty(MAJOR_VERSION, &ma);
    (void)cublasGetProperty(MINOR_VERSION, &mi);
    (void)cublasGetProperty(PATCH_LEVEL, &pa);
    snprintf(s->detail, sizeof s->detail, "%s; cuBLAS %d.%d.%d on %s [sm_%d%d], CUDA events", how,
             ma, mi, pa, cd->name, cd->cc_major, cd->cc_minor);
    *state = s;
    return HB_OK;
fail:
    cublas_teardown(s);
    return st;
}

static hb_status cublas_run(void *state) {
    cublas_gemm *s = state;
    hb__cuda_device *cd = s->cd;
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) e = hb__cuda_timer_start(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "cudaEventRecord", NULL, 0);
    cublasStatus_t b = gemm_call(s, &s->algo);
    if (b != CUBLAS_STATUS_SUCCESS)
        return hb__cublas_fail(cd, b, s->lt ? "cublasLtMatmul" : "cublasGemmEx", NULL, 0);
    e = hb__cuda_timer_stop(cd, &s->timer);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "waiting for the GEMM", NULL, 0);
    return HB_OK;
}

static double cublas_device_seconds(void *state) {
    return hb__cuda_timer_seconds(&((cublas_gemm *)state)->timer);
}

static hb_status cublas_finish(void *state) {
    cublas_gemm *s = state;
    hb_gemm_data *d = s->p->data;
    hb__cuda_device *cd = s->cd;
    hb_status st = hb__cuda_use(cd, NULL, 0);
    if (st != HB_OK) return st;
    if (!s->tn || s->mp == s->m)
        return hb__cuda_d2h(cd, d->C, s->C, (size_t)(s->mp * s->n) * s->out_es, NULL, 0);
    /* the m x n block of the padded mp x np result */
    cudaError_t e = cudaMemcpy2DAsync(d->C, (size_t)s->m * s->out_es, s->C,
                                      (size_t)s->mp * s->out_es, (size_t)s->m * s->out_es,
                                      (size_t)s->n, cudaMemcpyDeviceToHost, cd->stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize(cd->stream);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "cudaMemcpy2DAsync (C)", NULL, 0);
    return HB_OK;
}

static const char *cublas_detail(void *state) {
    return ((cublas_gemm *)state)->detail;
}

const hb_impl hb__gemm_cuda_peak = {
    .kernel = "gemm",
    .kind = HB_IMPL_PEAK,
    .name = "cublas",
    .variants = CUBLAS_VARIANTS,
    .supports = cublas_supports,
    .setup = cublas_setup,
    .run = cublas_run,
    .finish = cublas_finish,
    .teardown = cublas_teardown,
    .detail = cublas_detail,
    .device_seconds = cublas_device_seconds,
};
