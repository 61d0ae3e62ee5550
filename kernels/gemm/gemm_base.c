/* hetbench base GEMM driver: portable C11 + OpenMP, BLIS/GotoBLAS-style blocked & packed.
 *
 * Loop structure (column-major C = alpha*A*B + beta*C):
 *
 *   for jc in [0,n) step NC             B panel columns         (panel lives in L3)
 *     for pc in [0,k) step KC           depth block
 *       pack B[pc:pc+KC, jc:jc+NC] -> Bp   (shared, every thread packs a share of the NR
 *                                           slivers, then a barrier)
 *       for each thread's row range, ic step <= MC                (A block lives in L2)
 *         pack A[ic:ic+MC, pc:pc+KC] -> Ap (private per thread)
 *         for jr over the thread's NR slivers of the panel         (B micro-panel in L1)
 *           for ir in [0,MC) step MR
 *             micro-kernel: C[ir.., jr..] (+)= Ap[ir] * Bp[jr]     (tile in registers)
 *       barrier (Bp may be overwritten only when everybody is done with it)
 *
 * Threading: the T threads are arranged as WM x WN (WM*WN = T) chosen to minimise the
 * largest per-thread share of MR x NR tiles; rows (MR slivers) are split contiguously over WM
 * and the NR slivers of every NC panel over WN.  For big square problems WM = T (each thread
 * owns a contiguous row band, perfect balance up to one MR sliver, no A duplication); for
 * short/wide problems (m small, many threads) the panel columns are split too.  Threads with
 * the same row band but different column ranges each pack their own copy of A (cheap: A is
 * packed O(n/NC) times, B is packed once).
 *
 * Edge tiles (m % MR, n % NR != 0) run the full-size kernel into a local tile which is then
 * merged into C, so the kernels never see partial tiles.  beta is applied by the first KC
 * block only; beta == 0 never reads C.
 *
 * Memory: the packing buffers (shared B panel + one A block per thread) live in a per-thread,
 * grow-only, 64-byte aligned workspace of the calling thread, kept between calls: a timed call
 * neither allocates nor page-faults fresh buffers (at n = 1024 a fresh 3 MB buffer costs ~5 %).
 * Each calling thread has its own, so concurrent callers (the LU's look-ahead) never share one.
 * If it cannot be allocated, the call does nothing and hb__gemm_failures() counts it: library
 * code never aborts.
 *
 * Dispatch: the ISA table (kernels + blocking) is chosen on first use from the CPU features
 * (__builtin_cpu_supports on x86-64, compile-time on aarch64), or from HETBENCH_GEMM_ISA.
 * Developer tuning knobs (read at selection time): HETBENCH_GEMM_MC / _KC / _NC override the
 * blocking of every precision (rounded to MR / NR / even multiples); HETBENCH_GEMM_NO_VNNI=1
 * makes "avx512" use the vpmaddwd i8 kernel even on VNNI CPUs.
 */
#define _POSIX_C_SOURCE 200809L
#include "gemm_base.h"
#include "gemm_internal.h"

#include <omp.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ workspace */

static atomic_long g_failures;
static _Thread_local void *tls_buf;
static _Thread_local size_t tls_cap;

/* The calling thread's packing workspace, grown when a call needs more (never shrunk). */
static void *workspace(size_t bytes) {
    if (bytes <= tls_cap) return tls_buf;
    free(tls_buf);
    tls_buf = NULL;
    tls_cap = 0;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    tls_buf = p;
    tls_cap = bytes;
    return p;
}

/* ------------------------------------------------------------------ dispatch */

typedef struct {
    hb_gemm_isa_t t;   /* copy of the table, blocking possibly overridden */
    char desc[5][192]; /* f64 f32 f16 bf16 i8 */
} hb_isa_state;

/* One immutable state per ISA table, built on first selection and never rewritten: a GEMM
 * running on one ISA keeps a consistent table (blocking + kernels) whatever is selected
 * meanwhile. A state is keyed by the ISA table and the blocking overrides in force
 * (HETBENCH_GEMM_MC/KC/NC, read at each selection). */
#define HB_MAX_ISA_STATES 32
typedef struct {
    const hb_gemm_isa_t *src;
    int64_t mc, kc, nc; /* the overrides it was built with */
    hb_isa_state st;
} hb_isa_slot;
static hb_isa_slot g_slots[HB_MAX_ISA_STATES];
static int g_nslots;
static atomic_flag g_install_lock = ATOMIC_FLAG_INIT;
static _Atomic(const hb_isa_state *) g_cur = NULL;

static int64_t env_int(const char *name) {
    const char *s = getenv(name);
    if (!s || !*s) return 0;
    long long v = strtoll(s, NULL, 10);
    return v > 0 ? (int64_t)v : 0;
}

#if defined(__x86_64__)
/* F16C via CPUID (not every compiler accepts __builtin_cpu_supports("f16c")). Every AVX2+FMA
 * CPU has it in practice; checked anyway because the avx2 f16 conversion uses it. */
static int cpu_has_f16c(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c >> 29) & 1u;
}
#endif

static const hb_gemm_isa_t *isa_lookup(const char *name) {
    if (!name) return NULL;
    if (!strcmp(name, "generic")) return &hb__gemm_isa_generic;
#if defined(__x86_64__)
    if (!strcmp(name, "avx2")) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && cpu_has_f16c())
            return &hb__gemm_isa_avx2;
        return NULL;
    }
    if (!strcmp(name, "avx512")) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("fma"))
            /* VNNI only changes the i8 kernel (vpdpwssd instead of vpmaddwd+vpaddd);
             * HETBENCH_GEMM_NO_VNNI=1 forces the non-VNNI variant (testing). */
            return (__builtin_cpu_supports("avx512vnni") && env_int("HETBENCH_GEMM_NO_VNNI") == 0)
                       ? &hb__gemm_isa_avx512_vnni
                       : &hb__gemm_isa_avx512;
        return NULL;
    }
#endif
#if defined(__aarch64__)
    if (!strcmp(name, "neon")) return &hb__gemm_isa_neon; /* NEON is baseline on aarch64 */
#endif
    return NULL;
}

static const hb_gemm_isa_t *isa_best(void) {
    static const char *const order[] = {"avx512", "avx2", "neon", "generic"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const hb_gemm_isa_t *t = isa_lookup(order[i]);
        if (t) return t;
    }
    return &hb__gemm_isa_generic;
}

static void apply_overrides(hb_gemm_blk *b) {
    int64_t mc = env_int("HETBENCH_GEMM_MC"), kc = env_int("HETBENCH_GEMM_KC"),
            nc = env_int("HETBENCH_GEMM_NC");
    if (mc) b->mc = (int)((mc + b->mr - 1) / b->mr * b->mr);
    if (kc) b->kc = (int)((kc + 1) / 2 * 2);
    if (nc) b->nc = (int)((nc + b->nr - 1) / b->nr * b->nr);
}

static void describe(char *dst, size_t len, const hb_gemm_isa_t *t, const char *prec,
                     const hb_gemm_blk *b, const char *note) {
    snprintf(dst, len, "%s %s %dx%d packed%s%s, MC=%d,KC=%d,NC=%d", t->name, prec, b->mr, b->nr,
             note ? " " : "", note ? note : "", b->mc, b->kc, b->nc);
}

static void install(const hb_gemm_isa_t *t) {
    while (atomic_flag_test_and_set(&g_install_lock)) {
    }
    hb_isa_state *s = NULL;
    int64_t mc = env_int("HETBENCH_GEMM_MC"), kc = env_int("HETBENCH_GEMM_KC"),
            nc = env_int("HETBENCH_GEMM_NC");
    for (int i = 0; i < g_nslots; i++)
        if (g_slots[i].src == t && g_slots[i].mc == mc && g_slots[i].kc == kc &&
            g_slots[i].nc == nc)
            s = &g_slots[i].st;
    if (!s && g_nslots < HB_MAX_ISA_STATES) {
        g_slots[g_nslots].src = t;
        g_slots[g_nslots].mc = mc, g_slots[g_nslots].kc = kc, g_slots[g_nslots].nc = nc;
        s = &g_slots[g_nslots++].st;
        s->t = *t;
        apply_overrides(&s->t.f64);
        apply_overrides(&s->t.f32);
        apply_overrides(&s->t.i8);
        describe(s->desc[0], sizeof s->desc[0], t, "f64", &s->t.f64, NULL);
        describe(s->desc[1], sizeof s->desc[1], t, "f32", &s->t.f32, NULL);
        describe(s->desc[2], sizeof s->desc[2], t, "f16", &s->t.f32,
                 "(f16->f32 in packing, f32 kernel)");
        describe(s->desc[3], sizeof s->desc[3], t, "bf16", &s->t.f32,
                 "(bf16->f32 in packing, f32 kernel)");
        describe(s->desc[4], sizeof s->desc[4], t, "i8", &s->t.i8, t->i8_note);
    }
    if (s) atomic_store(&g_cur, s);
    atomic_flag_clear(&g_install_lock);
}

int hb__gemm_isa_available(const char *name) {
    return isa_lookup(name) != NULL;
}

int hb__gemm_isa_env_check(char *err, size_t n) {
    const char *env = getenv("HETBENCH_GEMM_ISA");
    if (!env || !*env || isa_lookup(env)) return 0;
    static const char *const all[] = {"avx512", "avx2", "neon", "generic"};
    char here[64] = "";
    for (size_t i = 0, l = 0; i < sizeof all / sizeof *all && l < sizeof here; i++)
        if (isa_lookup(all[i]))
            l += (size_t)snprintf(here + l, sizeof here - l, "%s%s", l ? ", " : "", all[i]);
    if (err && n)
        snprintf(err, n, "HETBENCH_GEMM_ISA='%.32s': not a GEMM ISA this build and CPU run (%s)",
                 env, here);
    return -1;
}

int hb__gemm_select_isa(const char *name) {
    const hb_gemm_isa_t *t = name ? isa_lookup(name) : isa_best();
    if (!t) return -1;
    install(t);
    return 0;
}

static const hb_isa_state *cur_state(void) {
    const hb_isa_state *s = atomic_load(&g_cur);
    if (s) return s;
    const char *env = getenv("HETBENCH_GEMM_ISA");
    if (!(env && *env && hb__gemm_select_isa(env) == 0)) hb__gemm_select_isa(NULL);
    return atomic_load(&g_cur);
}

const char *hb__gemm_isa(void) {
    return cur_state()->t.name;
}

const char *hb__gemm_describe(const char *prec) {
    static const char *const names[5] = {"f64", "f32", "f16", "bf16", "i8"};
    const hb_isa_state *s = cur_state();
    for (int i = 0; i < 5; i++)
        if (prec && !strcmp(prec, names[i])) return s->desc[i];
    return "unknown precision";
}

/* ------------------------------------------------------------------ job description */

typedef enum { P_F64, P_F32, P_F16, P_BF16, P_I8 } hb_prec;

typedef struct {
    hb_prec prec;
    int64_t m, n, k;
    const void *A, *B;
    void *C;
    int64_t lda, ldb, ldc;
    double alpha, beta; /* f64 exact; f32 stores float values exactly */
    const hb_gemm_isa_t *isa;
    hb_gemm_blk blk;
    size_t pel;     /* bytes per packed element (8, 4, or 4 for an int16 pair) */
    int64_t kdmax;  /* packed depth of a full KC block (pairs for i8) */
    char *bbuf;     /* shared packed B panel */
    char *abuf;     /* nthreads packed A blocks */
    size_t astride; /* bytes per thread A block (+ f16 staging) */
    int nt, wm, wn;
} hb_job;

static inline int64_t min64(int64_t a, int64_t b) {
    return a < b ? a : b;
}
static inline int64_t cdiv(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}
static inline size_t align64(size_t x) {
    return (x + 63) & ~(size_t)63;
}

static inline int32_t pair16(int8_t lo, int8_t hi) {
    /* two's-complement int16 halves assembled in uint32 (no implementation-defined casts) */
    uint32_t w = ((uint32_t)(uint16_t)(int16_t)lo) | ((uint32_t)(uint16_t)(int16_t)hi << 16);
    int32_t s;
    memcpy(&s, &w, sizeof s);
    return s;
}

/* Pack the mc x kc block of A at (ic, pc) into MR-row micro-panels. */
static void pack_A(const hb_job *J, int64_t ic, int64_t mc, int64_t pc, int64_t kc, void *dst,
                   float *stage) {
    const int64_t MR = J->blk.mr;
    for (int64_t i0 = 0; i0 < mc; i0 += MR) {
        const int64_t mr = min64(MR, mc - i0), r0 = ic + i0;
        switch (J->prec) {
        case P_F64: {
            const double *A = (const double *)J->A;
            double *d = (double *)dst + i0 * kc;
            for (int64_t p = 0; p < kc; p++, d += MR) {
                memcpy(d, A + r0 + (pc + p) * J->lda, (size_t)mr * sizeof *d);
                for (int64_t i = mr; i < MR; i++) d[i] = 0.0;
            }
            break;
        }
        case P_F32:
        case P_F16:
        case P_BF16: {
            float *d = (float *)dst + i0 * kc;
            hb_cvt16_fn cvt = J->prec == P_F16 ? J->isa->cvt_f16 : J->isa->cvt_bf16;
            for (int64_t p = 0; p < kc; p++, d += MR) {
                if (J->prec == P_F32)
                    memcpy(d, (const float *)J->A + r0 + (pc + p) * J->lda, (size_t)mr * sizeof *d);
                else
                    cvt((const uint16_t *)J->A + r0 + (pc + p) * J->lda, d, mr);
                for (int64_t i = mr; i < MR; i++) d[i] = 0.0f;
            }
            break;
        }
        case P_I8: {
            const int8_t *A = (const int8_t *)J->A;
            const int64_t kq = cdiv(kc, 2);
            int32_t *d = (int32_t *)dst + i0 * kq;
            for (int64_t q = 0; q < kq; q++, d += MR) {
                const int8_t *c0 = A + r0 + (pc + 2 * q) * J->lda;
                const int8_t *c1 = (2 * q + 1 < kc) ? c0 + J->lda : NULL;
                for (int64_t i = 0; i < mr; i++) d[i] = pair16(c0[i], c1 ? c1[i] : 0);
                for (int64_t i = mr; i < MR; i++) d[i] = 0;
            }
            break;
        }
        }
    }
    (void)stage;
}

/* Pack NR-column slivers s0..s1-1 of the kc x nc panel of B at (pc, jc). */
static void pack_B(const hb_job *J, int64_t jc, int64_t nc, int64_t pc, int64_t kc, int64_t s0,
                   int64_t s1, void *dst, float *stage) {
    const int64_t NR = J->blk.nr;
    for (int64_t s = s0; s < s1; s++) {
        const int64_t j0 = s * NR, nr = min64(NR, nc - j0);
        switch (J->prec) {
        case P_F64: {
            const double *B = (const double *)J->B;
            double *d = (double *)dst + j0 * kc;
            for (int64_t j = 0; j < nr; j++) {
                const double *b = B + pc + (jc + j0 + j) * J->ldb;
                for (int64_t p = 0; p < kc; p++) d[p * NR + j] = b[p];
            }
            for (int64_t j = nr; j < NR; j++)
                for (int64_t p = 0; p < kc; p++) d[p * NR + j] = 0.0;
            break;
        }
        case P_F32:
        case P_F16:
        case P_BF16: {
            float *d = (float *)dst + j0 * kc;
            hb_cvt16_fn cvt = J->prec == P_F16 ? J->isa->cvt_f16 : J->isa->cvt_bf16;
            for (int64_t j = 0; j < nr; j++) {
                const float *b;
                if (J->prec == P_F32) {
                    b = (const float *)J->B + pc + (jc + j0 + j) * J->ldb;
                } else { /* widen the contiguous column piece once, then scatter */
                    cvt((const uint16_t *)J->B + pc + (jc + j0 + j) * J->ldb, stage, kc);
                    b = stage;
                }
                for (int64_t p = 0; p < kc; p++) d[p * NR + j] = b[p];
            }
            for (int64_t j = nr; j < NR; j++)
                for (int64_t p = 0; p < kc; p++) d[p * NR + j] = 0.0f;
            break;
        }
        case P_I8: {
            const int64_t kq = cdiv(kc, 2);
            int32_t *d = (int32_t *)dst + j0 * kq;
            for (int64_t j = 0; j < nr; j++) {
                const int8_t *b = (const int8_t *)J->B + pc + (jc + j0 + j) * J->ldb;
                for (int64_t q = 0; q < kq; q++)
                    d[q * NR + j] = pair16(b[2 * q], (2 * q + 1 < kc) ? b[2 * q + 1] : 0);
            }
            for (int64_t j = nr; j < NR; j++)
                for (int64_t q = 0; q < kq; q++) d[q * NR + j] = 0;
            break;
        }
        }
    }
}

/* Run the micro-kernels over the mc x (slivers js0..js1) part of one packed A block. */
static void macro_kernel(const hb_job *J, const void *Ap, const void *Bp, int64_t ic, int64_t mc,
                         int64_t jc, int64_t nc, int64_t kc, int64_t js0, int64_t js1, int first) {
    const int64_t MR = J->blk.mr, NR = J->blk.nr, ldc = J->ldc;
    /* local tile for edges: full MR x NR, ld = MR */
    _Alignas(64) char tile[HB_GEMM_MAX_TILE * 8];
    const int64_t kd = J->prec == P_I8 ? cdiv(kc, 2) : kc; /* packed depth */
    for (int64_t s = js0; s < js1; s++) {
        const int64_t j0 = s * NR, nr = min64(NR, nc - j0);
        const char *bp = (const char *)Bp + (size_t)(j0 * kd) * J->pel;
        for (int64_t i0 = 0; i0 < mc; i0 += MR) {
            const int64_t mr = min64(MR, mc - i0);
            const char *ap = (const char *)Ap + (size_t)(i0 * kd) * J->pel;
            const int64_t ci = ic + i0, cj = jc + j0;
            const int full = (mr == MR && nr == NR);
            switch (J->prec) {
            case P_F64: {
                double *C = (double *)J->C + ci + cj * ldc;
                const double beta = first ? J->beta : 1.0;
                if (full) {
                    J->isa->uk_f64(kd, J->alpha, (const double *)ap, (const double *)bp, beta, C,
                                   ldc);
                } else {
                    double *t = (double *)(void *)tile;
                    J->isa->uk_f64(kd, J->alpha, (const double *)ap, (const double *)bp, 0.0, t,
                                   MR);
                    for (int64_t j = 0; j < nr; j++)
                        for (int64_t i = 0; i < mr; i++)
                            C[i + j * ldc] =
                                beta == 0.0 ? t[i + j * MR] : t[i + j * MR] + beta * C[i + j * ldc];
                }
                break;
            }
            case P_F32:
            case P_F16:
            case P_BF16: {
                float *C = (float *)J->C + ci + cj * ldc;
                const float alpha = (float)J->alpha, beta = first ? (float)J->beta : 1.0f;
                if (full) {
                    J->isa->uk_f32(kd, alpha, (const float *)ap, (const float *)bp, beta, C, ldc);
                } else {
                    float *t = (float *)(void *)tile;
                    J->isa->uk_f32(kd, alpha, (const float *)ap, (const float *)bp, 0.0f, t, MR);
                    for (int64_t j = 0; j < nr; j++)
                        for (int64_t i = 0; i < mr; i++)
                            C[i + j * ldc] = beta == 0.0f ? t[i + j * MR]
                                                          : t[i + j * MR] + beta * C[i + j * ldc];
                }
                break;
            }
            case P_I8: {
                int32_t *C = (int32_t *)J->C + ci + cj * ldc;
                if (full) {
                    J->isa->uk_i8(kd, (const int32_t *)ap, (const int32_t *)bp, !first, C, ldc);
                } else {
                    int32_t *t = (int32_t *)(void *)tile;
                    J->isa->uk_i8(kd, (const int32_t *)ap, (const int32_t *)bp, 0, t, MR);
                    for (int64_t j = 0; j < nr; j++)
                        for (int64_t i = 0; i < mr; i++) {
                            uint32_t v =
                                (uint32_t)t[i + j * MR] + (first ? 0u : (uint32_t)C[i + j * ldc]);
                            int32_t r;
                            memcpy(&r, &v, sizeof r);
                            C[i + j * ldc] = r;
                        }
                }
                break;
            }
            }
        }
    }
}

static void thread_body(const hb_job *J, int tid) {
    const hb_gemm_blk *b = &J->blk;
    const int64_t MR = b->mr, NR = b->nr;
    const int tm = tid % J->wm, tn = tid / J->wm;
    /* this thread's row band (whole MR slivers) */
    const int64_t msl = cdiv(J->m, MR);
    const int64_t r0 = min64(J->m, (msl * tm / J->wm) * MR);
    const int64_t r1 = min64(J->m, (msl * (tm + 1) / J->wm) * MR);
    /* split the band into equal MR-aligned chunks of at most MC rows */
    const int64_t band = r1 - r0;
    const int64_t nchunks = band > 0 ? cdiv(band, b->mc) : 0;
    const int64_t chunk = nchunks > 0 ? cdiv(cdiv(band, nchunks), MR) * MR : 0;
    char *Ap = J->abuf + (size_t)tid * J->astride;
    float *stage =
        (float *)(void *)(Ap + align64((size_t)cdiv(b->mc, MR) * MR * J->kdmax * J->pel));

    for (int64_t jc = 0; jc < J->n; jc += b->nc) {
        const int64_t nc = min64(b->nc, J->n - jc);
        const int64_t nsl = cdiv(nc, NR);
        for (int64_t pc = 0; pc < J->k; pc += b->kc) {
            const int64_t kc = min64(b->kc, J->k - pc);
            /* cooperative B packing: slivers split evenly over all threads */
            pack_B(J, jc, nc, pc, kc, nsl * tid / J->nt, nsl * (tid + 1) / J->nt, J->bbuf, stage);
            if (J->nt > 1) {
#pragma omp barrier
            }
            const int64_t js0 = nsl * tn / J->wn, js1 = nsl * (tn + 1) / J->wn;
            if (js1 > js0) {
                for (int64_t ic = r0; ic < r1; ic += chunk) {
                    const int64_t mc = min64(chunk, r1 - ic);
                    pack_A(J, ic, mc, pc, kc, Ap, stage);
                    macro_kernel(J, Ap, J->bbuf, ic, mc, jc, nc, kc, js0, js1, pc == 0);
                }
            }
            if (J->nt > 1) { /* nobody may repack Bp while another thread still reads it */
#pragma omp barrier
            }
        }
    }
}

/* Choose WM x WN = nt minimising the largest per-thread tile count. */
static void choose_grid(hb_job *J) {
    const int64_t msl = cdiv(J->m, J->blk.mr), nsl = cdiv(min64(J->n, J->blk.nc), J->blk.nr);
    int64_t best = -1;
    for (int wm = J->nt; wm >= 1; wm--) {
        if (J->nt % wm) continue;
        const int wn = J->nt / wm;
        const int64_t cost = cdiv(msl, wm) * cdiv(nsl, wn);
        if (best < 0 || cost < best) { /* ties keep the larger WM (visited first) */
            best = cost;
            J->wm = wm;
            J->wn = wn;
        }
    }
}

/* C = beta*C for the trivial cases (k == 0 or alpha == 0). */
static void scale_C(hb_prec prec, int64_t m, int64_t n, double beta, void *C, int64_t ldc) {
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < m; i++) {
            if (prec == P_F64) {
                double *c = (double *)C + i + j * ldc;
                *c = beta == 0.0 ? 0.0 : beta * *c;
            } else if (prec == P_I8) {
                ((int32_t *)C)[i + j * ldc] = 0;
            } else {
                float *c = (float *)C + i + j * ldc;
                *c = (float)beta == 0.0f ? 0.0f : (float)beta * *c;
            }
        }
}

static void run(hb_prec prec, int64_t m, int64_t n, int64_t k, double alpha, const void *A,
                int64_t lda, const void *B, int64_t ldb, double beta, void *C, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0.0) {
        scale_C(prec, m, n, beta, C, ldc);
        return;
    }
    const hb_isa_state *st = cur_state();
    hb_job J;
    memset(&J, 0, sizeof J);
    J.prec = prec;
    J.m = m;
    J.n = n;
    J.k = k;
    J.A = A;
    J.B = B;
    J.C = C;
    J.lda = lda;
    J.ldb = ldb;
    J.ldc = ldc;
    J.alpha = alpha;
    J.beta = beta;
    J.isa = &st->t;
    J.blk = prec == P_F64 ? st->t.f64 : prec == P_I8 ? st->t.i8 : st->t.f32;
    J.pel = prec == P_F64 ? 8 : 4;

    /* Do not shrink the blocks below the problem (saves memory/packing for small GEMMs). */
    hb_gemm_blk *b = &J.blk;
    if (b->kc > k) b->kc = (int)((k + 1) / 2 * 2);
    if (b->nc > n) b->nc = (int)(cdiv(n, b->nr) * b->nr);
    J.kdmax = prec == P_I8 ? b->kc / 2 : b->kc;

    /* Threads: the default team, but no more than the work justifies (~1 MFLOP per thread
     * minimum, and at least one MR x NR tile per thread). */
    int nt = omp_get_max_threads();
    const double flops = 2.0 * (double)m * (double)n * (double)k;
    if (flops < 2.0e6 * nt) nt = (int)(flops / 2.0e6) + 1;
    const int64_t tiles = cdiv(m, b->mr) * cdiv(min64(n, b->nc), b->nr);
    if (nt > tiles) nt = (int)tiles;
    if (nt < 1) nt = 1;
    J.nt = nt;
    /* shrink MC for a thread's band if the band is smaller (keeps A buffer small) */
    choose_grid(&J);
    const int64_t band = cdiv(cdiv(m, b->mr), J.wm) * b->mr;
    if (b->mc > band) b->mc = (int)band;

    const size_t bbytes = align64((size_t)cdiv(b->nc, b->nr) * b->nr * J.kdmax * J.pel);
    const size_t abytes = align64((size_t)cdiv(b->mc, b->mr) * b->mr * J.kdmax * J.pel);
    const size_t stbytes = align64((size_t)b->kc * sizeof(float)); /* f16/bf16 B staging */
    J.astride = abytes + stbytes;
    void *mem = workspace(bbytes + (size_t)nt * J.astride);
    if (!mem) {
        atomic_fetch_add(&g_failures, 1);
        return;
    }
    J.bbuf = (char *)mem;
    J.abuf = (char *)mem + bbytes;

    if (nt == 1) {
        thread_body(&J, 0);
    } else {
#pragma omp parallel num_threads(nt)
        {
            /* The runtime may give fewer threads than asked (called from inside a parallel region
             * with nesting off, thread limits): then one thread does everything, barrier-free. */
            if (omp_get_num_threads() == nt) {
                thread_body(&J, omp_get_thread_num());
            } else {
#pragma omp single
                {
                    hb_job J1 = J;
                    J1.nt = 1;
                    J1.wm = 1;
                    J1.wn = 1;
                    thread_body(&J1, 0);
                }
            }
        }
    }
}

/* Largest workspace a call of this precision can need with nt threads (full blocks). */
static size_t max_workspace(hb_prec prec, int nt) {
    const hb_isa_state *st = cur_state();
    hb_gemm_blk b = prec == P_F64 ? st->t.f64 : prec == P_I8 ? st->t.i8 : st->t.f32;
    size_t pel = prec == P_F64 ? 8 : 4;
    size_t kd = (size_t)(prec == P_I8 ? b.kc / 2 : b.kc);
    size_t bbytes = align64((size_t)cdiv(b.nc, b.nr) * (size_t)b.nr * kd * pel);
    size_t abytes = align64((size_t)cdiv(b.mc, b.mr) * (size_t)b.mr * kd * pel);
    size_t stbytes = align64((size_t)b.kc * sizeof(float));
    return bbytes + (size_t)nt * (abytes + stbytes);
}

int hb__gemm_reserve(const char *precision) {
    hb_prec prec = !strcmp(precision, "f64")    ? P_F64
                   : !strcmp(precision, "i8")   ? P_I8
                   : !strcmp(precision, "f16")  ? P_F16
                   : !strcmp(precision, "bf16") ? P_BF16
                                                : P_F32;
    int failed = workspace(max_workspace(prec, omp_get_max_threads())) == NULL;
    /* every team thread, for the single-threaded calls made inside a parallel region */
#pragma omp parallel reduction(+ : failed)
    if (omp_get_thread_num() != 0) failed += workspace(max_workspace(prec, 1)) == NULL;
    return failed ? -1 : 0;
}

/* ------------------------------------------------------------------ public entry points */

long hb__gemm_failures(void) {
    return atomic_load(&g_failures);
}

void hb__gemm_f64(int64_t m, int64_t n, int64_t k, double alpha, const double *A, int64_t lda,
                  const double *B, int64_t ldb, double beta, double *C, int64_t ldc) {
    run(P_F64, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void hb__gemm_f32(int64_t m, int64_t n, int64_t k, float alpha, const float *A, int64_t lda,
                  const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    run(P_F32, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}

void hb__gemm_f16(int64_t m, int64_t n, int64_t k, const uint16_t *A, int64_t lda,
                  const uint16_t *B, int64_t ldb, float *C, int64_t ldc) {
    run(P_F16, m, n, k, 1.0, A, lda, B, ldb, 0.0, C, ldc);
}

void hb__gemm_bf16(int64_t m, int64_t n, int64_t k, const uint16_t *A, int64_t lda,
                   const uint16_t *B, int64_t ldb, float *C, int64_t ldc) {
    run(P_BF16, m, n, k, 1.0, A, lda, B, ldb, 0.0, C, ldc);
}

void hb__gemm_i8(int64_t m, int64_t n, int64_t k, const int8_t *A, int64_t lda, const int8_t *B,
                 int64_t ldb, int32_t *C, int64_t ldc) {
    run(P_I8, m, n, k, 1.0, A, lda, B, ldb, 0.0, C, ldc);
}
