/* hetbench — the inventory of a node (docs/acceptance.md §2): each component of the system
 * object (CPU, accelerators, server, OS, compiler, math libraries, runtimes) matched against
 * the catalog, with its origin and rated peak. Also the /sys and /proc readers that give the
 * system object its pci, dmi and cpu identification fields. */
#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "internal.h"
#include "meter_sysfs.h"
#include "report.h"

/* ---- small helpers ---- */

static const char *sget(const json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

static void trim_copy(char *dst, size_t n, const char *s) {
    while (*s && isspace((unsigned char)*s)) s++;
    size_t l = strlen(s);
    while (l && isspace((unsigned char)s[l - 1])) l--;
    int cut = l >= n;
    if (cut) l = n - 1;
    memcpy(dst, s, l);
    dst[l] = '\0';
    if (cut) hb__utf8_cut(dst); /* a name cut in a character would be lost in the JSON */
}

static int ci_equal_trimmed(const char *a, const char *b) {
    char x[256], y[256];
    trim_copy(x, sizeof x, a);
    trim_copy(y, sizeof y, b);
    return strcasecmp(x, y) == 0;
}

static int ci_contains(const char *hay, const char *needle) {
    size_t nl = strlen(needle);
    if (!nl) return 0;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, nl) == 0) return 1;
    return 0;
}

static long parse_hex(const char *s) {
    if (!s) return -1;
    char *end;
    long v = strtol(s, &end, 16);
    return (end == s) ? -1 : v;
}

/* An integer given as a JSON integer or a decimal string ("26"); -1 if neither. */
static long json_int_any(const json_t *v) {
    if (json_is_integer(v)) return (long)json_integer_value(v);
    const char *s = json_string_value(v);
    if (!s || !*s) return -1;
    char *end;
    long x = strtol(s, &end, 10);
    return *end ? -1 : x;
}

/* The inventory's texts (names, matched_by) go into JSON: one cut at its buffer's end is cut
   on a character boundary (jansson refuses a string cut inside a UTF-8 sequence, and the
   name or the reason would be lost). hb__sfmt (report.c): snprintf; appendf: appends to buf. */
static void appendf(char *buf, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void appendf(char *buf, size_t n, const char *fmt, ...) {
    size_t l = strlen(buf);
    if (l + 1 >= n) return;
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf + l, n - l, fmt, ap);
    va_end(ap);
    if (r >= 0 && (size_t)r >= n - l) hb__utf8_cut(buf);
}

/* ---- matching ---- */

static const struct {
    const char *key, *label;
} k_labels[] = {
    {"cpu_vendor_id", "vendor_id"},
    {"cpu_family", "family"},
    {"cpu_model_number", "model"},
    {"cpu_model_name", "model name"},
    {"cpu_implementer", "implementer"},
    {"cpu_part", "part"},
    {"machine", "machine"},
    {"pci", "PCI"},
    {"device_name", "device name"},
    {"device_vendor", "device vendor"},
    {"os_id", "os-release ID"},
    {"compiler_id", "compiler"},
    {"compiler_version", "compiler version"},
    {"library", "library"},
    {"opencl_platform", "OpenCL platform"},
    {"platform", "hetbench platform"},
    {"dmi_vendor", "DMI vendor"},
    {"dmi_product", "DMI product"},
};

static const char *label_of(const char *key) {
    for (size_t i = 0; i < sizeof k_labels / sizeof k_labels[0]; i++)
        if (!strcmp(k_labels[i].key, key)) return k_labels[i].label;
    return key;
}

/* Does one catalog pattern match one fact? *exact is set for a full PCI id. */
static int value_match(const char *key, const json_t *pat, const json_t *fact, int *exact) {
    const char *ps = json_string_value(pat), *fs = json_string_value(fact);
    if (!strcmp(key, "cpu_family")) {
        long f = json_int_any(fact);
        return f >= 0 && json_is_integer(pat) && f == (long)json_integer_value(pat);
    }
    if (!strcmp(key, "cpu_model_number")) {
        long f = json_int_any(fact);
        if (f < 0) return 0;
        if (json_is_integer(pat)) return f == (long)json_integer_value(pat);
        return f >= (long)json_integer_value(json_array_get(pat, 0)) &&
               f <= (long)json_integer_value(json_array_get(pat, 1));
    }
    if (!ps || !fs) return 0;
    if (!strcmp(key, "cpu_implementer") || !strcmp(key, "cpu_part")) {
        long a = parse_hex(ps), b = parse_hex(fs);
        return a >= 0 && a == b;
    }
    if (!strcmp(key, "pci")) {
        /* fact "10de:2330", or "10de:????" when only the vendor is known */
        if (strlen(fs) != 9 || strncasecmp(ps, fs, 4) != 0) return 0;
        if (!strcmp(ps + 5, "*")) return 1;
        if (strcasecmp(ps + 5, fs + 5) == 0) {
            *exact = 1;
            return 1;
        }
        return 0;
    }
    if (!strcmp(key, "cpu_vendor_id") || !strcmp(key, "os_id") || !strcmp(key, "compiler_id") ||
        !strcmp(key, "machine") || !strcmp(key, "platform"))
        return ci_equal_trimmed(ps, fs);
    return ci_contains(fs, ps); /* substring keys */
}

static void fact_text(const json_t *fact, char *buf, size_t n) {
    if (json_is_integer(fact))
        hb__sfmt(buf, n, "%lld", (long long)json_integer_value(fact));
    else {
        char t[200];
        trim_copy(t, sizeof t, json_string_value(fact) ? json_string_value(fact) : "?");
        hb__sfmt(buf, n, "%s", t);
    }
}

/* Every key of the entry's match must match one of the facts under that key. Returns the
   score (2 per key, +1 for a full PCI id) or 0; `why` gets "label value, ...". */
static int entry_match(const json_t *e, const json_t *facts, char *why, size_t wn) {
    const json_t *m = json_object_get(e, "match");
    const char *key;
    json_t *pats;
    int score = 0, exact = 0;
    if (why) why[0] = '\0';
    json_object_foreach((json_t *)m, key, pats) {
        const json_t *fl = json_object_get(facts, key);
        const json_t *hit = NULL;
        size_t i, j;
        json_t *p, *f;
        json_array_foreach(pats, i, p) {
            json_array_foreach(fl, j, f) {
                if (value_match(key, p, f, &exact)) {
                    hit = f;
                    break;
                }
            }
            if (hit) break;
        }
        if (!hit) return 0;
        score += 2;
        if (why) {
            char t[200];
            fact_text(hit, t, sizeof t);
            appendf(why, wn, "%s%s %s", why[0] ? ", " : "", label_of(key), t);
        }
    }
    return score + exact;
}

typedef struct {
    size_t index;
    int score;
} hit_t;

static int cmp_hit(const void *a, const void *b) {
    const hit_t *x = a, *y = b;
    if (x->score != y->score) return y->score - x->score;
    return x->index < y->index ? 1 : (x->index > y->index ? -1 : 0); /* later entry first */
}

/* Is w one of the space-separated words? */
static int word_in(const char *words, const char *w) {
    size_t l = strlen(w);
    for (const char *p = words; (p = strstr(p, w)); p += l)
        if ((p == words || p[-1] == ' ') && (p[l] == ' ' || p[l] == '\0')) return 1;
    return 0;
}

/* The matching entries of the given categories (space separated), best first: every one of
   them (a catalog may hold any number of entries matching one part: a cap would drop the
   later, more specific ones before the sort). *n: how many. Free the array; NULL when none
   match (or out of memory: nothing identified rather than a wrong entry). */
static hit_t *find_matches(const hb__catalog *c, const char *cats, const json_t *facts, size_t *n) {
    size_t i, cap = 0;
    hit_t *out = NULL;
    json_t *e;
    *n = 0;
    json_array_foreach((json_t *)hb__catalog_entries(c), i, e) {
        const char *cat = sget(e, "category");
        if (!cat || !word_in(cats, cat)) continue;
        int s = entry_match(e, facts, NULL, 0);
        if (s <= 0) continue;
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            hit_t *t = realloc(out, nc * sizeof *t);
            if (!t) {
                free(out);
                *n = 0;
                return NULL;
            }
            out = t, cap = nc;
        }
        out[(*n)++] = (hit_t){i, s};
    }
    if (*n) qsort(out, *n, sizeof *out, cmp_hit);
    return out;
}

static void add_fact(json_t *facts, const char *key, json_t *v) {
    if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v))) {
        json_decref(v);
        return;
    }
    json_t *arr = json_object_get(facts, key);
    if (!arr) {
        arr = json_array();
        json_object_set_new(facts, key, arr);
    }
    json_array_append_new(arr, v);
}

static void add_fact_str(json_t *facts, const char *key, const char *s) {
    if (s && *s) add_fact(facts, key, json_string(s));
}

/* ---- confidence ---- */

static int conf_rank(const char *c) {
    if (!c) return 0;
    if (!strcmp(c, "high")) return 3;
    if (!strcmp(c, "medium")) return 2;
    if (!strcmp(c, "low")) return 1;
    return 0;
}
static const char *conf_name(int r) {
    return r >= 3 ? "high" : r == 2 ? "medium" : "low";
}

/* The confidence of one figure of an entry: field_confidence, else the entry's. */
static int figure_conf(const json_t *e, const char *fig) {
    const char *f = sget(json_object_get(e, "field_confidence"), fig);
    return conf_rank(f ? f : sget(e, "confidence"));
}

static const char *const k_precs[] = {"f64", "f32", "f16", "bf16", "i8"};
#define N_PRECS 5

static const char *unit_of(const char *prec) {
    return strcmp(prec, "i8") ? "FLOP/s" : "OP/s";
}

static json_t *peak_figure(double value, const char *prec, const char *formula, int conf,
                           const char *source) {
    return json_pack("{s:f,s:s,s:s,s:s,s:s}", "value", value, "unit", unit_of(prec), "formula",
                     formula, "confidence", conf_name(conf), "source", source);
}

/* ---- components ---- */

static json_t *component(const char *category, const char *name, const char *vendor,
                         const char *origin, const char *catalog_id, const char *matched_by) {
    json_t *o = json_object();
    json_object_set_new(o, "category", json_string(category));
    json_object_set_new(o, "name", json_string(name && *name ? name : "unknown"));
    json_object_set_new(o, "vendor", vendor ? json_string(vendor) : json_null());
    json_object_set_new(o, "origin", json_string(origin ? origin : "unknown"));
    json_object_set_new(o, "catalog_id", catalog_id ? json_string(catalog_id) : json_null());
    json_object_set_new(o, "matched_by", json_string(matched_by ? matched_by : ""));
    json_object_set_new(o, "count", json_integer(1));
    json_object_set_new(o, "devices", json_array());
    return o;
}

/* A component named by the best matching entry, or unknown. what: the facts in words, for
   the unknown case. */
static json_t *identified(const hb__catalog *c, const char *cats, const char *category,
                          const json_t *facts, const char *what, const char *unknown_name,
                          const json_t **entry_out) {
    size_t n;
    hit_t *hits = find_matches(c, cats, facts, &n);
    if (entry_out) *entry_out = NULL;
    if (!n) {
        char why[600];
        if (json_object_size(facts) == 0)
            hb__sfmt(why, sizeof why, "%s", what && *what ? what : "nothing to identify it by");
        else
            hb__sfmt(why, sizeof why, "%s: no catalog entry matches", what ? what : "");
        return component(category, unknown_name, NULL, NULL, NULL, why);
    }
    size_t best = hits[0].index;
    free(hits);
    const json_t *e = json_array_get(hb__catalog_entries(c), best);
    char why[600];
    entry_match(e, facts, why, sizeof why);
    json_t *o = component(sget(e, "category"), sget(e, "product"), sget(e, "vendor"),
                          sget(e, "origin"), sget(e, "id"), why);
    const char *file = hb__catalog_entry_file(c, best);
    if (file) json_object_set_new(o, "catalog_file", json_string(file));
    if (entry_out) *entry_out = e;
    return o;
}

static void set_no_peak(json_t *comp, const char *reason) {
    json_object_set_new(comp, "rated_peak", json_null());
    json_object_set_new(comp, "rated_peak_reason", reason ? json_string(reason) : json_null());
}

static void add_note(json_t *comp, const char *note) {
    json_t *notes = json_object_get(comp, "notes");
    if (!notes) {
        notes = json_array();
        json_object_set_new(comp, "notes", notes);
    }
    json_array_append_new(notes, json_string(note));
}

/* ---- CPU ---- */

static json_t *cpu_component(const hb__catalog *c, const json_t *sys) {
    const json_t *cpu = json_object_get(sys, "cpu");
    const json_t *kern = json_object_get(sys, "kernel");
    json_t *facts = json_object();
    char what[600] = "";
    const char *vid = sget(cpu, "vendor"), *model = sget(cpu, "model");
    long fam = json_int_any(json_object_get(cpu, "family_number"));
    long mod = json_int_any(json_object_get(cpu, "model_number"));
    const char *impl = sget(cpu, "implementer"), *part = sget(cpu, "part");
    const char *machine = sget(kern, "machine");
    add_fact_str(facts, "cpu_vendor_id", vid);
    if (fam >= 0) add_fact(facts, "cpu_family", json_integer(fam));
    if (mod >= 0) add_fact(facts, "cpu_model_number", json_integer(mod));
    add_fact_str(facts, "cpu_model_name", model);
    add_fact_str(facts, "cpu_implementer", impl);
    add_fact_str(facts, "cpu_part", part);
    add_fact_str(facts, "machine", machine);
    if (vid) appendf(what, sizeof what, "vendor_id %s", vid);
    if (fam >= 0) appendf(what, sizeof what, "%sfamily %ld", what[0] ? ", " : "", fam);
    if (mod >= 0) appendf(what, sizeof what, "%smodel %ld", what[0] ? ", " : "", mod);
    if (impl) appendf(what, sizeof what, "%simplementer %s", what[0] ? ", " : "", impl);
    if (part) appendf(what, sizeof what, "%spart %s", what[0] ? ", " : "", part);
    if (model) appendf(what, sizeof what, "%smodel name \"%s\"", what[0] ? ", " : "", model);
    if (machine) appendf(what, sizeof what, "%smachine %s", what[0] ? ", " : "", machine);

    json_t *comp = identified(c, "cpu", "cpu", facts, what, model ? model : "unknown CPU", NULL);
    json_t *sockets = json_object_get(cpu, "sockets");
    long nsock = json_int_any(sockets);
    json_object_set_new(comp, "count", nsock > 0 ? json_integer(nsock) : json_null());
    json_t *devs = json_object_get(comp, "devices");
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(sys, "devices"), i, d) {
        const char *type = sget(d, "type"), *id = sget(d, "id");
        if (type && id && !strcmp(type, "cpu")) json_array_append_new(devs, json_string(id));
    }

    /* rated peak: FLOP/cycle/core × cores × base clock (§1) */
    size_t nh;
    hit_t *hits = find_matches(c, "cpu", facts, &nh);
    const json_t *fpc_e = NULL, *clk_e = NULL, *tf_e = NULL, *tdp_e = NULL;
    for (size_t h = 0; h < nh; h++) {
        const json_t *e = json_array_get(hb__catalog_entries(c), hits[h].index);
        const json_t *pk = json_object_get(e, "peak");
        const json_t *fpc = json_object_get(pk, "flops_per_cycle_per_core");
        int any = 0;
        for (int p = 0; p < N_PRECS; p++) any |= json_is_number(json_object_get(fpc, k_precs[p]));
        if (!fpc_e && any) fpc_e = e;
        if (!clk_e && json_is_number(json_object_get(pk, "base_clock_ghz"))) clk_e = e;
        if (!tdp_e && json_is_number(json_object_get(e, "tdp_w"))) tdp_e = e;
        int anytf = 0;
        for (int p = 0; p < N_PRECS; p++)
            anytf |= json_is_number(json_object_get(json_object_get(pk, "tflops"), k_precs[p]));
        if (!tf_e && anytf) tf_e = e;
    }
    free(hits);
    long cores = json_int_any(json_object_get(cpu, "cores"));
    json_t *rp = json_object();
    char reason[600] = "";
    if (!nh) {
        hb__sfmt(reason, sizeof reason, "the CPU is not in the catalog");
    } else if (fpc_e) {
        double ghz = 0;
        int clk_conf = 0;
        char clk_src[400] = "";
        if (clk_e) {
            ghz = json_number_value(
                json_object_get(json_object_get(clk_e, "peak"), "base_clock_ghz"));
            clk_conf = figure_conf(clk_e, "peak.base_clock_ghz");
            hb__sfmt(clk_src, sizeof clk_src, "base clock of %s (catalog %s: %s)",
                     sget(clk_e, "product"), sget(clk_e, "id"), sget(clk_e, "source"));
        } else if (json_is_number(json_object_get(cpu, "base_mhz")) &&
                   json_number_value(json_object_get(cpu, "base_mhz")) > 0) {
            ghz = json_number_value(json_object_get(cpu, "base_mhz")) / 1000.0;
            clk_conf = 1;
            hb__sfmt(clk_src, sizeof clk_src, "clock reported by the kernel (%s)",
                     sget(cpu, "base_mhz_source") ? sget(cpu, "base_mhz_source") : "base_mhz");
        }
        if (cores <= 0)
            hb__sfmt(reason, sizeof reason, "the number of cores is unknown (system.cpu.cores)");
        else if (!(ghz > 0))
            hb__sfmt(reason, sizeof reason,
                     "the clock is unknown: no catalog entry gives a base clock for this CPU "
                     "(model name \"%s\" names no SKU in it), and the kernel's clock is %s",
                     model ? model : "?",
                     sget(cpu, "base_mhz_source") ? sget(cpu, "base_mhz_source")
                                                  : "not in the system object (no base_mhz)");
        else {
            const json_t *fpc =
                json_object_get(json_object_get(fpc_e, "peak"), "flops_per_cycle_per_core");
            for (int p = 0; p < N_PRECS; p++) {
                const json_t *v = json_object_get(fpc, k_precs[p]);
                if (!json_is_number(v)) continue;
                double f = json_number_value(v);
                char fig[64], formula[300], src[1200];
                hb__sfmt(fig, sizeof fig, "peak.flops_per_cycle_per_core.%s", k_precs[p]);
                int conf = figure_conf(fpc_e, fig);
                if (clk_conf < conf) conf = clk_conf;
                hb__sfmt(formula, sizeof formula, "%g %s/cycle × %ld cores × %g GHz", f,
                         strcmp(k_precs[p], "i8") ? "FLOP" : "OP", cores, ghz);
                hb__sfmt(src, sizeof src, "%s/cycle/core: %s (catalog %s: %s); clock: %s",
                         strcmp(k_precs[p], "i8") ? "FLOP" : "OP", sget(fpc_e, "product"),
                         sget(fpc_e, "id"), sget(fpc_e, "source"), clk_src);
                json_object_set_new(
                    rp, k_precs[p],
                    peak_figure(f * (double)cores * ghz * 1e9, k_precs[p], formula, conf, src));
            }
            if (clk_e && nsock > 0) {
                long sku = json_int_any(json_object_get(json_object_get(clk_e, "peak"), "cores"));
                if (sku > 0 && sku * nsock != cores) {
                    char note[400];
                    hb__sfmt(note, sizeof note,
                             "the machine shows %ld cores; %s has %ld per socket × %ld "
                             "socket(s): the rated peak uses the machine's count",
                             cores, sget(clk_e, "product"), sku, nsock);
                    add_note(comp, note);
                }
            }
        }
    } else if (tf_e && nsock > 0) {
        const json_t *tf = json_object_get(json_object_get(tf_e, "peak"), "tflops");
        for (int p = 0; p < N_PRECS; p++) {
            const json_t *v = json_object_get(tf, k_precs[p]);
            if (!json_is_number(v)) continue;
            char fig[64], formula[200], src[800];
            hb__sfmt(fig, sizeof fig, "peak.tflops.%s", k_precs[p]);
            hb__sfmt(formula, sizeof formula, "%g T%s/s per chip × %ld socket(s)",
                     json_number_value(v), strcmp(k_precs[p], "i8") ? "FLOP" : "OP", nsock);
            hb__sfmt(src, sizeof src, "%s (catalog %s: %s)", sget(tf_e, "product"),
                     sget(tf_e, "id"), sget(tf_e, "source"));
            json_object_set_new(rp, k_precs[p],
                                peak_figure(json_number_value(v) * 1e12 * (double)nsock, k_precs[p],
                                            formula, figure_conf(tf_e, fig), src));
        }
    } else {
        hb__sfmt(reason, sizeof reason, "the catalog gives no FLOP/cycle/core figure for this CPU");
    }
    if (json_object_size(rp)) {
        json_object_set_new(comp, "rated_peak", rp);
        json_object_set_new(comp, "rated_peak_reason", json_null());
    } else {
        json_decref(rp);
        set_no_peak(comp, reason[0] ? reason : "no figure");
    }
    if (tdp_e && nsock > 0)
        json_object_set_new(
            comp, "tdp_w",
            json_real(json_number_value(json_object_get(tdp_e, "tdp_w")) * (double)nsock));
    else
        json_object_set_new(comp, "tdp_w", json_null());
    json_decref(facts);
    return comp;
}

/* ---- accelerators: PCI functions and the platforms' non-CPU devices ---- */

/* "0000:65:00.0" lower case; "" when not an address */
static void norm_bus(const char *s, char *out, size_t n) {
    out[0] = '\0';
    if (!s) return;
    unsigned dom, bus, dev, fn;
    char extra;
    if (sscanf(s, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &extra) == 4)
        hb__sfmt(out, n, "%04x:%02x:%02x.%x", dom & 0xffffu, bus & 0xffu, dev & 0xffu, fn & 0xfu);
    else if (sscanf(s, "%x:%x.%x%c", &bus, &dev, &fn, &extra) == 3)
        hb__sfmt(out, n, "0000:%02x:%02x.%x", bus & 0xffu, dev & 0xffu, fn & 0xfu);
}

/* "0x10de" / "10de" / 4318 → "10de"; "" when absent */
static void norm_vendor(const json_t *v, char *out, size_t n) {
    out[0] = '\0';
    long x = -1;
    if (json_is_number(v))
        x = (long)json_number_value(v);
    else if (json_string_value(v))
        x = parse_hex(json_string_value(v));
    if (x > 0 && x <= 0xffff) hb__sfmt(out, n, "%04lx", x);
}

static const char *prop(const json_t *dev, const char *k) {
    return sget(json_object_get(dev, "properties"), k);
}

/* A physical unit: {address|null, vendor|null, device|null, class|null, devices[], names[],
   vendors[], platforms[]} */
static json_t *new_unit(const char *addr, const char *vendor, const char *device, const char *cls) {
    return json_pack("{s:o,s:o,s:o,s:o,s:[],s:[],s:[],s:[]}", "address",
                     addr && *addr ? json_string(addr) : json_null(), "vendor",
                     vendor && *vendor ? json_string(vendor) : json_null(), "device",
                     device && *device ? json_string(device) : json_null(), "class",
                     cls && *cls ? json_string(cls) : json_null(), "devices", "names", "vendors",
                     "platforms");
}

static int str_in_array(const json_t *arr, const char *s) {
    size_t i;
    json_t *v;
    json_array_foreach(arr, i,
                       v) if (json_string_value(v) && !strcmp(json_string_value(v), s)) return 1;
    return 0;
}

static void attach(json_t *unit, const json_t *dev) {
    const char *id = sget(dev, "id"), *name = sget(dev, "name"), *vendor = sget(dev, "vendor"),
               *plat = sget(dev, "platform");
    if (id) json_array_append_new(json_object_get(unit, "devices"), json_string(id));
    if (name && !str_in_array(json_object_get(unit, "names"), name))
        json_array_append_new(json_object_get(unit, "names"), json_string(name));
    if (vendor && !str_in_array(json_object_get(unit, "vendors"), vendor))
        json_array_append_new(json_object_get(unit, "vendors"), json_string(vendor));
    if (plat) json_array_append_new(json_object_get(unit, "platforms"), json_string(plat));
}

static json_t *accel_units(const json_t *sys) {
    json_t *units = json_array();
    size_t i, j;
    json_t *p, *d, *u;
    json_array_foreach(json_object_get(sys, "pci"), i, p) {
        char bus[32];
        norm_bus(sget(p, "address"), bus, sizeof bus);
        json_array_append_new(
            units, new_unit(bus, sget(p, "vendor"), sget(p, "device"), sget(p, "class")));
    }
    json_t *pending = json_array();
    json_array_foreach(json_object_get(sys, "devices"), i, d) {
        const char *type = sget(d, "type");
        if (!type || !strcmp(type, "cpu")) continue; /* CPU devices belong to the CPU */
        char bus[32];
        norm_bus(prop(d, "pci_bus_id"), bus, sizeof bus);
        if (!bus[0]) {
            json_array_append(pending, d);
            continue;
        }
        json_t *found = NULL;
        json_array_foreach(units, j, u) {
            const char *a = sget(u, "address");
            if (a && !strcmp(a, bus)) {
                found = u;
                break;
            }
        }
        if (!found) {
            char vid[8];
            norm_vendor(json_object_get(json_object_get(d, "properties"), "pci_vendor_id"), vid,
                        sizeof vid);
            found = new_unit(bus, vid, NULL, NULL);
            json_array_append_new(units, found);
        }
        attach(found, d);
    }
    /* devices without a bus id: to a unit of the same PCI vendor (or, without one, the same
       name) that has no device of that platform yet, preferring one with the same name */
    json_array_foreach(pending, i, d) {
        char vid[8];
        norm_vendor(json_object_get(json_object_get(d, "properties"), "pci_vendor_id"), vid,
                    sizeof vid);
        const char *name = sget(d, "name"), *plat = sget(d, "platform");
        json_t *best = NULL;
        int best_named = -1;
        json_array_foreach(units, j, u) {
            const char *uv = sget(u, "vendor");
            int named = name && str_in_array(json_object_get(u, "names"), name);
            if (vid[0] ? !(uv && !strcasecmp(uv, vid)) : !named) continue;
            if (plat && str_in_array(json_object_get(u, "platforms"), plat)) continue;
            if (named > best_named) {
                best = u;
                best_named = named;
            }
        }
        if (!best) {
            best = new_unit(NULL, vid, NULL, NULL);
            json_array_append_new(units, best);
        }
        attach(best, d);
    }
    json_decref(pending);
    return units;
}

json_t *hb__inventory_units(const json_t *system) {
    return accel_units(system);
}

static void unit_key(const json_t *u, char *key, size_t n) {
    const char *v = sget(u, "vendor"), *dv = sget(u, "device");
    const char *name = json_string_value(json_array_get(json_object_get(u, "names"), 0));
    if (v && dv)
        hb__sfmt(key, n, "%s:%s", v, dv);
    else
        hb__sfmt(key, n, "%s|%s", v ? v : "", name ? name : "");
}

static const char *class_words(const char *cls) {
    long c = parse_hex(cls);
    if (c < 0) return "";
    if ((c >> 16) == 0x03) return "display controller";
    if ((c >> 16) == 0x12) return "processing accelerator";
    if ((c >> 8) == 0x0b40) return "co-processor";
    return "";
}

static void accel_components(const hb__catalog *c, const json_t *sys, json_t *out) {
    json_t *units = accel_units(sys);
    json_t *groups = json_object(); /* key -> array of units, in first-seen order */
    json_t *order = json_array();
    size_t i, j;
    json_t *u;
    json_array_foreach(units, i, u) {
        char key[300];
        unit_key(u, key, sizeof key);
        json_t *g = json_object_get(groups, key);
        if (!g) {
            g = json_array();
            json_object_set_new(groups, key, g);
            json_array_append_new(order, json_string(key));
        }
        json_array_append(g, u);
    }
    json_t *k;
    json_array_foreach(order, i, k) {
        json_t *g = json_object_get(groups, json_string_value(k));
        json_t *u0 = json_array_get(g, 0);
        const char *v = sget(u0, "vendor"), *dv = sget(u0, "device"), *cls = sget(u0, "class");
        json_t *facts = json_object();
        char pci[16] = "", what[800] = "";
        if (v) {
            hb__sfmt(pci, sizeof pci, "%s:%s", v, dv ? dv : "????");
            add_fact_str(facts, "pci", pci);
            appendf(what, sizeof what, "PCI %s%s", pci, dv ? "" : " (device id unknown)");
            if (cls) appendf(what, sizeof what, " (class %s, %s)", cls, class_words(cls));
        }
        json_t *names = json_array(), *vendors = json_array(), *devs = json_array(),
               *addrs = json_array();
        json_array_foreach(g, j, u) {
            size_t x;
            json_t *s;
            json_array_foreach(json_object_get(u, "names"), x,
                               s) if (!str_in_array(names, json_string_value(s)))
                json_array_append(names, s);
            json_array_foreach(json_object_get(u, "vendors"), x,
                               s) if (!str_in_array(vendors, json_string_value(s)))
                json_array_append(vendors, s);
            json_array_foreach(json_object_get(u, "devices"), x, s) json_array_append(devs, s);
            if (json_is_string(json_object_get(u, "address")))
                json_array_append(addrs, json_object_get(u, "address"));
        }
        json_array_foreach(names, j, u) add_fact(facts, "device_name", json_incref(u));
        json_array_foreach(vendors, j, u) add_fact(facts, "device_vendor", json_incref(u));
        const char *name0 = json_string_value(json_array_get(names, 0));
        if (name0) appendf(what, sizeof what, "%sdevice \"%s\"", what[0] ? ", " : "", name0);
        size_t na = json_array_size(addrs);
        if (na)
            appendf(what, sizeof what, " at %s%s", json_string_value(json_array_get(addrs, 0)),
                    na > 1 ? " and others" : "");
        char unknown_name[200];
        if (name0)
            hb__sfmt(unknown_name, sizeof unknown_name, "%s", name0);
        else
            hb__sfmt(unknown_name, sizeof unknown_name, "PCI device %s%s%s", pci[0] ? pci : "?",
                     cls ? " " : "", cls ? class_words(cls) : "");
        const json_t *e = NULL;
        json_t *comp =
            identified(c, "accelerator display", "accelerator", facts, what, unknown_name, &e);
        if (e && na) {
            char why[800];
            hb__sfmt(why, sizeof why, "%s", json_string_value(json_object_get(comp, "matched_by")));
            appendf(why, sizeof why, " at %s%s", json_string_value(json_array_get(addrs, 0)),
                    na > 1 ? " and others" : "");
            json_object_set_new(comp, "matched_by", json_string(why));
        }
        size_t count = json_array_size(g);
        json_object_set_new(comp, "count", json_integer((json_int_t)count));
        json_object_set_new(comp, "devices", devs);
        json_object_set_new(comp, "pci_addresses", addrs);
        /* rated peak: tflops × devices, from the most specific matching entry giving it */
        size_t nh;
        hit_t *hits = find_matches(c, "accelerator", facts, &nh);
        const json_t *tf_e = NULL, *tdp_e = NULL;
        for (size_t h = 0; h < nh; h++) {
            const json_t *x = json_array_get(hb__catalog_entries(c), hits[h].index);
            const json_t *tf = json_object_get(json_object_get(x, "peak"), "tflops");
            int any = 0;
            for (int p = 0; p < N_PRECS; p++)
                any |= json_is_number(json_object_get(tf, k_precs[p]));
            if (!tf_e && any) tf_e = x;
            if (!tdp_e && json_is_number(json_object_get(x, "tdp_w"))) tdp_e = x;
        }
        free(hits);
        const char *cat = json_string_value(json_object_get(comp, "category"));
        if (cat && !strcmp(cat, "display")) {
            set_no_peak(comp, "a display controller, not a compute device");
        } else if (tf_e) {
            json_t *rp = json_object();
            const json_t *tf = json_object_get(json_object_get(tf_e, "peak"), "tflops");
            for (int p = 0; p < N_PRECS; p++) {
                const json_t *x = json_object_get(tf, k_precs[p]);
                if (!json_is_number(x)) continue;
                char fig[64], formula[200], src[800];
                hb__sfmt(fig, sizeof fig, "peak.tflops.%s", k_precs[p]);
                hb__sfmt(formula, sizeof formula, "%g T%s/s × %zu device%s", json_number_value(x),
                         strcmp(k_precs[p], "i8") ? "FLOP" : "OP", count, count == 1 ? "" : "s");
                hb__sfmt(src, sizeof src, "%s (catalog %s: %s)", sget(tf_e, "product"),
                         sget(tf_e, "id"), sget(tf_e, "source"));
                json_object_set_new(rp, k_precs[p],
                                    peak_figure(json_number_value(x) * 1e12 * (double)count,
                                                k_precs[p], formula, figure_conf(tf_e, fig), src));
            }
            json_object_set_new(comp, "rated_peak", rp);
            json_object_set_new(comp, "rated_peak_reason", json_null());
        } else {
            set_no_peak(comp, e ? "the catalog gives no peak figure for this device"
                                : "the device is not in the catalog");
        }
        json_object_set_new(
            comp, "tdp_w",
            tdp_e ? json_real(json_number_value(json_object_get(tdp_e, "tdp_w")) * (double)count)
                  : json_null());
        json_array_append_new(out, comp);
        json_decref(facts);
        json_decref(names);
        json_decref(vendors);
    }
    json_decref(order);
    json_decref(groups);
    json_decref(units);
}

/* ---- the software stack and the server ---- */

static void no_peak_fields(json_t *comp) {
    json_object_set_new(comp, "rated_peak", json_null());
    json_object_set_new(comp, "rated_peak_reason", json_null());
    json_object_set_new(comp, "tdp_w", json_null());
}

static json_t *os_component(const hb__catalog *c, const json_t *sys) {
    const json_t *os = json_object_get(sys, "os");
    json_t *facts = json_object();
    const char *id = sget(os, "id");
    add_fact_str(facts, "os_id", id);
    char what[300] = "";
    if (id) hb__sfmt(what, sizeof what, "os-release ID %s", id);
    const char *pretty = sget(os, "pretty_name") ? sget(os, "pretty_name") : sget(os, "name");
    json_t *comp = identified(c, "os", "os", facts, id ? what : "no os-release ID in system.os",
                              pretty ? pretty : "unknown OS", NULL);
    if (sget(os, "version_id"))
        json_object_set_new(comp, "version", json_string(sget(os, "version_id")));
    json_decref(facts);
    no_peak_fields(comp);
    return comp;
}

static json_t *compiler_component(const hb__catalog *c, const json_t *sys) {
    const json_t *cc = json_object_get(sys, "compiler");
    json_t *facts = json_object();
    const char *id = sget(cc, "id"), *ver = sget(cc, "version");
    add_fact_str(facts, "compiler_id", id);
    add_fact_str(facts, "compiler_version", ver);
    char what[400] = "";
    if (id) hb__sfmt(what, sizeof what, "compiler %s %s", id, ver ? ver : "");
    json_t *comp = identified(c, "compiler", "compiler", facts, id ? what : "no compiler id",
                              id ? id : "unknown compiler", NULL);
    if (ver) json_object_set_new(comp, "version", json_string(ver));
    json_decref(facts);
    no_peak_fields(comp);
    return comp;
}

/* hetbench's own infrastructure: not part of the node's software stack */
static int infrastructure_lib(const char *name) {
    static const char *const infra[] = {"hetbench", "hwloc", "jansson", "openmp", "glibc", NULL};
    for (size_t i = 0; infra[i]; i++)
        if (name && !strcasecmp(name, infra[i])) return 1;
    return 0;
}

static int math_role(const char *name) {
    static const char *const math[] = {"cblas", "blas",    "lapack",    "lapacke", "fft",
                                       "fftw",  "clblast", "scalapack", NULL};
    for (size_t i = 0; math[i]; i++)
        if (name && !strcasecmp(name, math[i])) return 1;
    return 0;
}

static void library_components(const hb__catalog *c, const json_t *sys, json_t *out) {
    json_t *libs = json_array();
    size_t i;
    json_t *l;
    json_array_foreach(json_object_get(sys, "libraries"), i, l) {
        if (!json_is_object(l) || infrastructure_lib(sget(l, "name"))) continue;
        json_array_append(libs, l);
    }
    /* CLBlast, linked into the OpenCL platform for the peak GEMM */
    json_t *p;
    json_array_foreach(json_object_get(sys, "platforms"), i, p) {
        const char *cb = sget(json_object_get(p, "properties"), "clblast");
        if (sget(p, "name") && !strcmp(sget(p, "name"), "opencl") && cb && !strcmp(cb, "yes"))
            json_array_append_new(libs,
                                  json_pack("{s:s,s:s}", "name", "clblast", "provider", "CLBlast"));
    }
    json_t *by_key = json_object();
    json_array_foreach(libs, i, l) {
        const char *name = sget(l, "name"), *prov = sget(l, "provider"), *path = sget(l, "path");
        json_t *facts = json_object();
        add_fact_str(facts, "library", prov);
        add_fact_str(facts, "library", name);
        add_fact_str(facts, "library", path);
        char what[800] = "";
        appendf(what, sizeof what, "%s", name ? name : "library");
        if (prov) appendf(what, sizeof what, " provider %s", prov);
        if (path) appendf(what, sizeof what, " %s", path);
        const json_t *e = NULL;
        char uname[300];
        hb__sfmt(uname, sizeof uname, "%s%s%s", prov ? prov : (name ? name : "unknown library"),
                 prov && name ? " " : "", prov && name ? name : "");
        json_t *comp =
            identified(c, "math_library runtime dl_framework",
                       math_role(name) ? "math_library" : "runtime", facts, what, uname, &e);
        if (e) {
            char why[900];
            hb__sfmt(why, sizeof why, "%s: %s", name ? name : "library",
                     json_string_value(json_object_get(comp, "matched_by")));
            json_object_set_new(comp, "matched_by", json_string(why));
        }
        char key[600];
        hb__sfmt(key, sizeof key, "%s", e ? sget(e, "id") : uname);
        json_t *prev = json_object_get(by_key, key);
        if (prev) { /* the same library in another role (cblas and lapack from OpenBLAS) */
            char why[1600];
            hb__sfmt(why, sizeof why, "%s; %s",
                     json_string_value(json_object_get(prev, "matched_by")),
                     json_string_value(json_object_get(comp, "matched_by")));
            json_object_set_new(prev, "matched_by", json_string(why));
            if (name) json_array_append_new(json_object_get(prev, "provides"), json_string(name));
            json_decref(comp);
        } else {
            json_object_set_new(comp, "provides", json_array());
            if (name) json_array_append_new(json_object_get(comp, "provides"), json_string(name));
            if (sget(l, "version"))
                json_object_set_new(comp, "version", json_string(sget(l, "version")));
            no_peak_fields(comp);
            json_object_set_new(by_key, key, comp);
            json_array_append(out, comp);
        }
        json_decref(facts);
    }
    json_decref(by_key);
    json_decref(libs);
}

static void runtime_components(const hb__catalog *c, const json_t *sys, json_t *out) {
    size_t i, j;
    json_t *p, *d;
    json_array_foreach(json_object_get(sys, "platforms"), i, p) {
        const char *pname = sget(p, "name");
        if (!pname || !strcmp(pname, "cpu")) continue; /* hetbench's own CPU platform */
        if (!strcmp(pname, "opencl")) {
            const char *names = sget(json_object_get(p, "properties"), "opencl_platform_names");
            if (!names || !*names) continue;
            char buf[1024];
            hb__sfmt(buf, sizeof buf, "%s", names);
            for (char *save = NULL, *t = strtok_r(buf, ";", &save); t;
                 t = strtok_r(NULL, ";", &save)) {
                char plat[256];
                trim_copy(plat, sizeof plat, t);
                if (!plat[0]) continue;
                json_t *facts = json_object();
                add_fact_str(facts, "opencl_platform", plat);
                char what[400];
                hb__sfmt(what, sizeof what, "OpenCL platform \"%s\"", plat);
                json_t *comp = identified(c, "runtime", "runtime", facts, what, plat, NULL);
                json_array_foreach(json_object_get(sys, "devices"), j, d) {
                    const char *dp = prop(d, "platform");
                    if (sget(d, "platform") && !strcmp(sget(d, "platform"), "opencl") && dp &&
                        !strcmp(dp, plat))
                        json_array_append_new(json_object_get(comp, "devices"),
                                              json_string(sget(d, "id")));
                }
                no_peak_fields(comp);
                json_array_append_new(out, comp);
                json_decref(facts);
            }
            continue;
        }
        /* CUDA, or a vendor's plugin platform: its runtime stack */
        json_t *facts = json_object();
        add_fact_str(facts, "platform", pname);
        char what[300];
        hb__sfmt(what, sizeof what, "hetbench platform \"%s\"%s%s", pname,
                 sget(p, "version") ? " version " : "",
                 sget(p, "version") ? sget(p, "version") : "");
        json_t *comp = identified(c, "runtime", "runtime", facts, what, pname, NULL);
        json_array_foreach(json_object_get(sys, "devices"), j, d) {
            if (sget(d, "platform") && !strcmp(sget(d, "platform"), pname) && sget(d, "id"))
                json_array_append_new(json_object_get(comp, "devices"), json_string(sget(d, "id")));
        }
        no_peak_fields(comp);
        json_array_append_new(out, comp);
        json_decref(facts);
    }
}

static json_t *server_component(const hb__catalog *c, const json_t *sys) {
    const json_t *dmi = json_object_get(sys, "dmi");
    const char *sv = sget(dmi, "sys_vendor"), *pn = sget(dmi, "product_name"),
               *bv = sget(dmi, "board_vendor");
    json_t *facts = json_object();
    add_fact_str(facts, "dmi_vendor", sv);
    add_fact_str(facts, "dmi_product", pn);
    char what[600] = "", name[400];
    if (sv) appendf(what, sizeof what, "DMI sys_vendor \"%s\"", sv);
    if (pn) appendf(what, sizeof what, "%sproduct \"%s\"", what[0] ? ", " : "", pn);
    if (bv) appendf(what, sizeof what, "%sboard vendor \"%s\"", what[0] ? ", " : "", bv);
    hb__sfmt(name, sizeof name, "%s%s%s", sv ? sv : "unknown server", pn ? " " : "", pn ? pn : "");
    size_t nh;
    free(find_matches(c, "server", facts, &nh));
    json_t *comp;
    if (!nh && bv) {
        /* a white-box chassis: the board maker */
        json_t *f2 = json_object();
        add_fact_str(f2, "dmi_vendor", bv);
        comp = identified(c, "server", "server", f2, what, name, NULL);
        if (strcmp(json_string_value(json_object_get(comp, "origin")), "unknown")) {
            char why[700];
            hb__sfmt(why, sizeof why, "board %s",
                     json_string_value(json_object_get(comp, "matched_by")));
            json_object_set_new(comp, "matched_by", json_string(why));
        }
        json_decref(f2);
    } else
        comp = identified(c, "server", "server", facts,
                          sv || pn ? what : "no DMI data (system.dmi absent or empty)", name, NULL);
    if (pn) json_object_set_new(comp, "model", json_string(pn));
    json_decref(facts);
    no_peak_fields(comp);
    return comp;
}

/* Components in a fixed order of categories (stable within one). */
static int category_rank(const json_t *comp) {
    static const char *const order[] = {"cpu",      "accelerator",  "display", "server",      "os",
                                        "compiler", "math_library", "runtime", "dl_framework"};
    const char *c = sget(comp, "category");
    for (int i = 0; c && i < 9; i++)
        if (!strcmp(c, order[i])) return i;
    return 9;
}

static json_t *sorted_components(json_t *comps) {
    json_t *out = json_array();
    for (int r = 0; r <= 9; r++) {
        size_t i;
        json_t *x;
        json_array_foreach(comps, i, x) if (category_rank(x) == r) json_array_append(out, x);
    }
    json_decref(comps);
    return out;
}

json_t *hb__inventory_build(const hb__catalog *c, const json_t *system) {
    hb__catalog *empty = NULL;
    if (!c) c = empty = hb__catalog_new();
    if (!c) return NULL;
    json_t *inv = json_object();
    json_t *cat = json_object();
    json_object_set(cat, "files", (json_t *)hb__catalog_files(c));
    json_object_set_new(cat, "entries", json_integer((json_int_t)hb__catalog_entry_count(c)));
    if (hb__catalog_note(c)[0]) json_object_set_new(cat, "note", json_string(hb__catalog_note(c)));
    json_object_set_new(inv, "catalog", cat);
    json_t *comps = json_array();
    json_array_append_new(comps, cpu_component(c, system));
    accel_components(c, system, comps);
    json_array_append_new(comps, server_component(c, system));
    json_array_append_new(comps, os_component(c, system));
    json_array_append_new(comps, compiler_component(c, system));
    library_components(c, system, comps);
    runtime_components(c, system, comps);
    comps = sorted_components(comps);
    size_t i, unknown = 0;
    json_t *x;
    json_array_foreach(comps, i, x) {
        const char *o = sget(x, "origin");
        if (o && !strcmp(o, "unknown")) unknown++;
    }
    json_object_set_new(inv, "components", comps);
    json_object_set_new(inv, "unknown", json_integer((json_int_t)unknown));
    hb__catalog_free(empty);
    return inv;
}

/* ---- /sys and /proc readers ---- */

const char *hb__inventory_sysfs_root(void) {
    const char *s = getenv("HETBENCH_SYSFS_ROOT");
    return s && *s ? s : "/sys";
}

static int cmp_address(const void *a, const void *b) {
    return strcmp(sget(*(json_t *const *)a, "address"), sget(*(json_t *const *)b, "address"));
}

json_t *hb__pci_scan(const char *root) {
    json_t *arr = json_array();
    char dir[4096];
    if (hb__sysfs_path(dir, sizeof dir, "%s/bus/pci/devices", root && *root ? root : "/sys"))
        return arr;
    DIR *d = opendir(dir);
    if (!d) return arr;
    json_t **list = NULL; /* every function found: no cap that would drop some silently */
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[4400], cls[64], ven[64], dev[64];
        if (hb__sysfs_path(path, sizeof path, "%s/%s/class", dir, de->d_name) ||
            hb__sysfs_read_text(path, cls, sizeof cls))
            continue;
        long c = parse_hex(cls);
        if (c < 0 || !((c >> 16) == 0x03 || (c >> 16) == 0x12 || (c >> 8) == 0x0b40)) continue;
        if (hb__sysfs_path(path, sizeof path, "%s/%s/vendor", dir, de->d_name) ||
            hb__sysfs_read_text(path, ven, sizeof ven))
            continue;
        if (hb__sysfs_path(path, sizeof path, "%s/%s/device", dir, de->d_name) ||
            hb__sysfs_read_text(path, dev, sizeof dev))
            continue;
        long v = parse_hex(ven), dv = parse_hex(dev);
        char bus[32];
        norm_bus(de->d_name, bus, sizeof bus);
        if (v < 0 || v > 0xffff || dv < 0 || dv > 0xffff || !bus[0]) continue;
        char vs[8], ds[8], cs[16];
        snprintf(vs, sizeof vs, "%04lx", v);
        snprintf(ds, sizeof ds, "%04lx", dv);
        snprintf(cs, sizeof cs, "0x%06lx", c & 0xffffff);
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            json_t **t = realloc(list, nc * sizeof *t);
            if (!t) break; /* out of memory: the functions found so far */
            list = t, cap = nc;
        }
        list[n++] =
            json_pack("{s:s,s:s,s:s,s:s}", "address", bus, "vendor", vs, "device", ds, "class", cs);
    }
    closedir(d);
    if (n) qsort(list, n, sizeof *list, cmp_address);
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, list[i]);
    free(list);
    return arr;
}

json_t *hb__dmi_read(const char *root) {
    json_t *o = json_object();
    static const char *const keys[] = {"sys_vendor", "product_name", "board_vendor"};
    for (size_t i = 0; i < 3; i++) {
        char path[4200], buf[256], t[256];
        json_t *v = json_null();
        if (!hb__sysfs_path(path, sizeof path, "%s/class/dmi/id/%s", root && *root ? root : "/sys",
                            keys[i]) &&
            !hb__sysfs_read_text(path, buf, sizeof buf)) {
            trim_copy(t, sizeof t, buf);
            hb__utf8_cut(t); /* the read may have stopped inside a character */
            if (t[0]) {
                json_decref(v);
                v = json_string(t);
                if (!v) v = json_null(); /* not UTF-8 */
            }
        }
        json_object_set_new(o, keys[i], v);
    }
    return o;
}

static int is_unset(const json_t *cpu, const char *k) {
    const json_t *v = json_object_get(cpu, k);
    return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v));
}

void hb__cpu_identify(json_t *cpu, const char *root, const char *cpuinfo_path) {
    if (!json_is_object(cpu)) return;
    if (!root || !*root) root = "/sys";
    /* the nominal clock */
    static const struct {
        const char *file;
        double to_mhz;
        const char *source;
    } clk[] = {
        {"cpufreq/base_frequency", 1e-3, "cpufreq base_frequency"},
        {"acpi_cppc/nominal_freq", 1.0, "ACPI CPPC nominal_freq"},
        {"cpufreq/cpuinfo_max_freq", 1e-3,
         "cpufreq cpuinfo_max_freq (the highest clock the kernel allows: may be a boost clock)"},
    };
    if (!json_object_get(cpu, "base_mhz")) {
        json_t *mhz = NULL;
        const char *src = NULL;
        for (size_t i = 0; i < sizeof clk / sizeof clk[0] && !mhz; i++) {
            char path[4200], buf[64];
            uint64_t v;
            if (hb__sysfs_path(path, sizeof path, "%s/devices/system/cpu/cpu0/%s", root,
                               clk[i].file) ||
                hb__sysfs_read_text(path, buf, sizeof buf) || hb__sysfs_parse_u64(buf, &v) ||
                v == 0)
                continue;
            mhz = json_real((double)v * clk[i].to_mhz);
            src = clk[i].source;
        }
        if (mhz) {
            json_object_set_new(cpu, "base_mhz", mhz);
            json_object_set_new(cpu, "base_mhz_source", json_string(src));
        } else {
            char why[4300];
            hb__sfmt(why, sizeof why,
                     "not reported: no cpufreq base_frequency, ACPI CPPC nominal_freq or cpufreq "
                     "cpuinfo_max_freq under %s/devices/system/cpu/cpu0",
                     root);
            json_object_set_new(cpu, "base_mhz", json_null());
            json_object_set_new(cpu, "base_mhz_source", json_string(why));
        }
    }
    /* /proc/cpuinfo: the first processor's block */
    FILE *f = cpuinfo_path ? fopen(cpuinfo_path, "r") : NULL;
    if (!f) return;
    char line[1024];
    int seen = 0;
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (!colon) {
            if (seen) break; /* the blank line after the first processor's block */
            continue;
        }
        *colon = '\0';
        char key[128], val[512];
        trim_copy(key, sizeof key, line);
        trim_copy(val, sizeof val, colon + 1);
        if (!key[0]) continue;
        if (!strcmp(key, "processor")) seen = 1; /* LoongArch has a "system type" block first */
        if (!val[0]) continue;
        const char *target = NULL;
        if (!strcmp(key, "CPU implementer"))
            target = "implementer";
        else if (!strcmp(key, "CPU part"))
            target = "part";
        else if (!strcmp(key, "vendor_id"))
            target = "vendor";
        else if (!strcmp(key, "cpu family"))
            target = "family_number";
        else if (!strcmp(key, "model"))
            target = "model_number";
        else if (!strcasecmp(key, "model name") || !strcmp(key, "cpu model"))
            target = "model";
        if (target && is_unset(cpu, target)) {
            json_t *v = json_string(val);
            if (v) json_object_set_new(cpu, target, v);
        }
    }
    fclose(f);
}
