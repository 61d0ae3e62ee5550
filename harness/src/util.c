/* hetbench — small utilities: errors, clock, aligned memory, names of enums, half floats. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

void hb__set_err(char *err, size_t n, const char *fmt, ...) {
    if (!err || n == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

double hb__now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void *hb__alloc(size_t bytes) {
    if (bytes == 0) return NULL;
    void *p = NULL;
    if (posix_memalign(&p, 64, bytes) != 0) return NULL;
    return p;
}

void *hb__alloc_array(uint64_t n1, uint64_t n2, size_t es) {
    uint64_t t;
    if (__builtin_mul_overflow(n1, n2, &t) || __builtin_mul_overflow(t, (uint64_t)es, &t) ||
        t > (uint64_t)SIZE_MAX)
        return NULL;
    return hb__alloc((size_t)t);
}

hb_status hb__check_fits(double bytes, const char *what, char *err, size_t n) {
    double mem = (double)hb__mem_bytes_total();
    if (mem > 0 && bytes > 0.9 * mem) {
        hb__set_err(err, n, "%s needs %.1f GiB, more than 90 %% of the %.1f GiB of memory", what,
                    bytes / 1073741824.0, mem / 1073741824.0);
        return HB_SKIPPED;
    }
    return HB_OK;
}

void hb__free(void *p) {
    free(p);
}

const char *hb_status_name(hb_status s) {
    switch (s) {
    case HB_OK:
        return "ok";
    case HB_E_INVALID:
        return "invalid input";
    case HB_E_NOMEM:
        return "out of memory";
    case HB_E_IO:
        return "I/O error";
    case HB_E_RUNTIME:
        return "runtime error";
    case HB_E_ABI:
        return "ABI mismatch";
    case HB_E_INTERRUPTED:
        return "interrupted";
    case HB_UNSUPPORTED:
        return "unsupported";
    case HB_SKIPPED:
        return "skipped";
    }
    return "unknown status";
}

static const char *const variant_names[HB_NVARIANTS] = {"f64",  "f32", "tf32", "f16",
                                                        "bf16", "i8",  "fp8",  "i32"};

const char *hb_variant_name(hb_variant v) {
    return (v >= 0 && v < HB_NVARIANTS) ? variant_names[v] : "?";
}

int hb_variant_parse(const char *name, hb_variant *out) {
    for (int i = 0; i < HB_NVARIANTS; i++) {
        if (strcmp(name, variant_names[i]) == 0) {
            *out = (hb_variant)i;
            return 0;
        }
    }
    /* common aliases */
    static const struct {
        const char *alias;
        hb_variant v;
    } aliases[] = {{"fp64", HB_F64},  {"double", HB_F64}, {"fp32", HB_F32},
                   {"float", HB_F32}, {"fp16", HB_F16},   {"half", HB_F16},
                   {"int8", HB_I8},   {"e4m3", HB_FP8},   {"int32", HB_I32}};
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++) {
        if (strcmp(name, aliases[i].alias) == 0) {
            *out = aliases[i].v;
            return 0;
        }
    }
    return -1;
}

const char *hb_record_status_name(hb_record_status s) {
    switch (s) {
    case HB_REC_OK:
        return "ok";
    case HB_REC_FAILED_VERIFICATION:
        return "failed_verification";
    case HB_REC_UNSUPPORTED:
        return "unsupported";
    case HB_REC_SKIPPED:
        return "skipped";
    case HB_REC_ERROR:
        return "error";
    case HB_REC_INTERRUPTED:
        return "interrupted";
    }
    return "error";
}

const char *hb_impl_kind_name(hb_impl_kind k) {
    return k == HB_IMPL_PEAK ? "peak" : "base";
}

const char *hb_category_name(hb_category c) {
    switch (c) {
    case HB_CAT_HPC:
        return "hpc";
    case HB_CAT_AI:
        return "ai";
    case HB_CAT_MEMORY:
        return "memory";
    case HB_CAT_LATENCY:
        return "latency";
    }
    return "?";
}

int hb__variant_name_is_integer(const char *name) {
    hb_variant v;
    return name && hb_variant_parse(name, &v) == 0 && (v == HB_I8 || v == HB_I32);
}

size_t hb__variant_elem_size(hb_variant v) {
    switch (v) {
    case HB_F64:
        return 8;
    case HB_F32:
    case HB_TF32:
    case HB_I32:
        return 4;
    case HB_F16:
    case HB_BF16:
        return 2;
    case HB_I8:
    case HB_FP8:
        return 1;
    default:
        return 0;
    }
}

double hb__variant_unit_roundoff(hb_variant v) {
    switch (v) {
    case HB_F64:
        return 0x1p-53;
    case HB_F32:
        return 0x1p-24;
    case HB_TF32:
        return 0x1p-11; /* 10-bit mantissa inputs */
    case HB_F16:
    case HB_BF16:
        return 0x1p-24; /* fp32 accumulation; inputs exact in the reference */
    case HB_FP8:
        return 0x1p-24;
    case HB_I8:
    case HB_I32:
        return 0.0; /* exact */
    default:
        return 0x1p-24;
    }
}

int hb__str_in_list(const char *list, const char *item) {
    if (!list || !*list) return 1;
    size_t len = strlen(item);
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == len && strncmp(p, item, l) == 0) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

/* ---- IEEE binary16 and bfloat16, round to nearest even, portable ---- */
static uint32_t f2u(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}
static float u2f(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

uint16_t hb__f32_to_f16(float f) {
    uint32_t x = f2u(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) /* inf or nan */
        return (uint16_t)(sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0u));
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* rounds to >= 65520: inf */
    if (ax < 0x38800000u) {                                   /* subnormal or zero in f16 */
        /* value = ax as float; f16 subnormal step is 2^-24 */
        float v = u2f(ax) * 0x1p24f; /* in units of 2^-24, < 1024 */
        uint32_t q = (uint32_t)v;
        float rem = v - (float)q;
        if (rem > 0.5f || (rem == 0.5f && (q & 1u))) q++;
        return (uint16_t)(sign | q);
    }
    uint32_t exp = ((ax >> 23) - 127 + 15) << 10;
    uint32_t mant = (ax >> 13) & 0x3ffu;
    uint32_t rest = ax & 0x1fffu;
    uint32_t h = exp | mant;
    if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) h++;
    return (uint16_t)(sign | h);
}

float hb__f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0) {
        float v = (float)mant * 0x1p-24f;
        return sign ? -v : v;
    }
    if (exp == 31) return u2f(sign | 0x7f800000u | (mant << 13));
    return u2f(sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

uint16_t hb__f32_to_bf16(float f) {
    uint32_t x = f2u(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40u); /* quiet nan */
    uint32_t lsb = (x >> 16) & 1u;
    x += 0x7fffu + lsb;
    return (uint16_t)(x >> 16);
}

float hb__bf16_to_f32(uint16_t h) {
    return u2f((uint32_t)h << 16);
}

/* ---- the last error text of an implementation's run/finish/reset on this thread ----
   Built-in implementations (OpenCL, CUDA) note why a call failed, so the record names the
   device error (CL_OUT_OF_RESOURCES ...) instead of a bare status. */
static _Thread_local char noted[512];

void hb__note_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(noted, sizeof noted, fmt, ap);
    va_end(ap);
}

const char *hb__noted_error(void) {
    return noted;
}

void hb__clear_noted_error(void) {
    noted[0] = '\0';
}

void hb__utf8_fix(char *s) {
    unsigned char *p = (unsigned char *)s;
    while (*p) {
        unsigned c = p[0];
        size_t len = c < 0x80                 ? 1
                     : c >= 0xc2 && c <= 0xdf ? 2
                     : c >= 0xe0 && c <= 0xef ? 3
                     : c >= 0xf0 && c <= 0xf4 ? 4
                                              : 0;
        uint32_t v = len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;
        size_t k = 1;
        for (; k < len && (p[k] & 0xc0) == 0x80; k++) v = v << 6 | (p[k] & 0x3f);
        int ok = len > 0 && k == len &&
                 !(len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) &&
                 !(len == 4 && (v < 0x10000 || v > 0x10ffff));
        if (ok) {
            p += len;
        } else {
            *p++ = '?';
        }
    }
}

/* Device properties (hb_device_info.props), shared by the built-in platforms. A number keeps
   full precision in .number; its text is %.15g (3352.32, not 3352.3200000000002). A property
   past HB_MAX_PROPS is dropped. */
void hb__prop_text(hb_device_info *o, const char *k, const char *v) {
    if (o->nprops >= HB_MAX_PROPS) return;
    hb_prop *p = &o->props[o->nprops++];
    snprintf(p->key, sizeof p->key, "%s", k);
    snprintf(p->value, sizeof p->value, "%s", v);
    p->is_number = 0;
}

void hb__prop_num(hb_device_info *o, const char *k, double v) {
    if (o->nprops >= HB_MAX_PROPS) return;
    hb_prop *p = &o->props[o->nprops++];
    snprintf(p->key, sizeof p->key, "%s", k);
    snprintf(p->value, sizeof p->value, "%.15g", v);
    p->number = v;
    p->is_number = 1;
}

/* An integer tuning variable restricted to a few values (HB_STREAM_OCL_VW ...): def when unset
   or empty; -1 with err naming the variable, its value and the allowed ones when it holds
   anything else (a knob that is silently ignored would measure something else than asked). */
int hb__env_int_choice(const char *var, const int *allowed, size_t nallowed, int def, char *err,
                       size_t n) {
    const char *e = getenv(var);
    if (!e || !*e) return def;
    char *end;
    long v = strtol(e, &end, 10);
    for (size_t i = 0; !*end && i < nallowed; i++)
        if (v == allowed[i]) return allowed[i];
    char list[96] = "";
    for (size_t i = 0, l = 0; i < nallowed && l < sizeof list; i++)
        l += (size_t)snprintf(list + l, sizeof list - l, "%s%d", i ? ", " : "", allowed[i]);
    hb__set_err(err, n, "%s='%.32s': not one of %s", var, e, list);
    return -1;
}
