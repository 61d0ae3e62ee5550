/* hetbench — acceptance reports: result files judged against a spec (docs/acceptance.md §4),
 * the report.json object (§5) and the three output files.
 *
 * Everything the renderers show is computed here, once; every human-readable text is a text
 * object {"en", "zh"}. Rates are converted to base units (FLOP/s, B/s) from the records'
 * rate.value and rate.unit. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <jansson.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "internal.h"
#include "meter.h"
#include "report.h"

void hb__utf8_cut(char *s) {
    size_t len = strlen(s), j = len;
    while (j > 0 && ((unsigned char)s[j - 1] & 0xc0) == 0x80) j--;
    if (j == 0) return;
    unsigned char lead = (unsigned char)s[j - 1];
    size_t need = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (j - 1 + need > len) s[j - 1] = '\0';
}

/* snprintf for messages, labels and inventory texts, where a truncated text is still useful */
void hb__sfmt(char *out, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(out, n, fmt, ap);
    va_end(ap);
    if (n && r >= 0 && (size_t)r >= n) hb__utf8_cut(out);
}

/* ---- statistics ---- */

/* One-sided 95 % quantiles of Student's t distribution, t(0.95, df) for df = 1..30, as tabled
   in NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2 "Critical values of the
   Student's t distribution" (column 0.05); beyond 30 the normal quantile 1.645 (the table's
   df = ∞ row), which is at most 3 % below the true value (1.696 at df = 31). */
static const double t95_table[31] = {0,     6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895,
                                     1.860, 1.833, 1.812, 1.796, 1.782, 1.771, 1.761, 1.753,
                                     1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714,
                                     1.711, 1.708, 1.706, 1.703, 1.701, 1.699, 1.697};

double hb__t95(int df) {
    if (df < 1) return NAN;
    return df <= 30 ? t95_table[df] : 1.645;
}

double hb__lcb_mean(const double *v, int n) {
    if (n < 2) return NAN;
    double mean = 0, ss = 0;
    for (int i = 0; i < n; i++) mean += v[i];
    mean /= n;
    for (int i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
    double s = sqrt(ss / (n - 1));
    return mean - hb__t95(n - 1) * s / sqrt((double)n);
}

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *s, int n) { /* sorts s */
    qsort(s, (size_t)n, sizeof *s, cmp_dbl);
    return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

void hb__median_mad(const double *v, int n, double *median, double *mad) {
    double *s = malloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    if (!s || n < 1) {
        free(s);
        *median = *mad = NAN;
        return;
    }
    memcpy(s, v, (size_t)n * sizeof *s);
    double m = median_of(s, n);
    for (int i = 0; i < n; i++) s[i] = fabs(v[i] - m);
    *median = m;
    *mad = median_of(s, n);
    free(s);
}

/* ---- small helpers ---- */

static json_t *txt(const char *en, const char *zh) {
    return json_pack("{s:s,s:s}", "en", en, "zh", zh);
}

/* Both formats take the same arguments in the same order. */
static json_t *txtf(const char *fen, const char *fzh, ...) __attribute__((format(printf, 1, 3)));
static json_t *txtf(const char *fen, const char *fzh, ...) {
    char en[2048], zh[2048];
    va_list ap, aq;
    va_start(ap, fzh);
    va_copy(aq, ap);
    if (vsnprintf(en, sizeof en, fen, ap) >= (int)sizeof en) hb__utf8_cut(en);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    if (vsnprintf(zh, sizeof zh, fzh, aq) >= (int)sizeof zh) hb__utf8_cut(zh);
#pragma GCC diagnostic pop
    va_end(aq);
    va_end(ap);
    return txt(en, zh);
}

/* 5.12e15, "FLOP/s" → "5.12 PFLOP/s" */
static const char *si(char *buf, size_t n, double v, const char *unit) {
    static const char *const pre[] = {"", "k", "M", "G", "T", "P", "E", "Z"};
    if (!isfinite(v)) {
        hb__sfmt(buf, n, "—");
        return buf;
    }
    int i = 0;
    double a = fabs(v);
    while (a >= 1000 && i < 7) a /= 1000, v /= 1000, i++;
    hb__sfmt(buf, n, "%.3g %s%s", v, pre[i], unit);
    return buf;
}

static const char *pct(char *buf, size_t n, double r) {
    if (!isfinite(r))
        hb__sfmt(buf, n, "—");
    else
        hb__sfmt(buf, n, "%.1f %%", 100 * r);
    return buf;
}

static const char *jstr(const json_t *o, const char *k) {
    return json_string_value(json_object_get(o, k));
}

static int in_list(const json_t *list, const char *s) {
    size_t i;
    json_t *x;
    if (!s) return 0;
    json_array_foreach(list, i,
                       x) if (json_is_string(x) && strcmp(json_string_value(x), s) == 0) return 1;
    return 0;
}

static void join(const json_t *list, const char *sep, char *out, size_t n) {
    size_t i;
    json_t *x;
    out[0] = '\0';
    json_array_foreach(list, i, x) {
        size_t l = strlen(out);
        hb__sfmt(out + l, n - l, "%s%s", i ? sep : "", json_string_value(x));
    }
}

static int ci_contains(const char *hay, const char *needle) {
    return hay && needle && strcasestr(hay, needle) != NULL;
}

/* The multiplier of a rate or count unit's SI prefix: "GFLOP/s" → 1e9, "GB/s" → 1e9. */
static double unit_scale(const char *unit) {
    if (!unit || !*unit) return 1;
    static const struct {
        char p;
        double m;
    } pre[] = {{'k', 1e3},  {'K', 1e3},  {'M', 1e6}, {'G', 1e9},
               {'T', 1e12}, {'P', 1e15}, {'E', 1e18}};
    /* a prefix only when what follows is a known base unit */
    static const char *const base[] = {"FLOP", "OP", "B/", "B", "launch", "IOP", "J", "W"};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
        if (unit[0] == pre[i].p)
            for (size_t j = 0; j < sizeof base / sizeof *base; j++)
                if (strncmp(unit + 1, base[j], strlen(base[j])) == 0) return pre[i].m;
    return 1;
}

/* Rates above this (per second, in base units) are rejected as input errors: far beyond any
   machine, and it keeps count × rate sums finite. */
#define MAX_RATE 1e30

/* The record's median rate in base units (FLOP/s, OP/s, B/s); 0 when it has none. ci_low: the
   lower end of the 95 % CI of the median rate; a result without it (the field is optional)
   gives its slowest repetition's rate ("worst") instead, never the median itself, which is
   no bound at all. */
static double rec_rate(const json_t *r, double *ci_low) {
    const json_t *rate = json_object_get(r, "rate");
    double v = json_number_value(json_object_get(rate, "value"));
    double m = unit_scale(jstr(rate, "unit"));
    const json_t *ci = json_object_get(rate, "median_ci");
    const json_t *worst = json_object_get(rate, "worst");
    if (ci_low) {
        *ci_low = json_is_number(json_array_get(ci, 0))
                      ? m * json_number_value(json_array_get(ci, 0))
                  : json_is_number(worst) ? m * json_number_value(worst)
                                          : m * v;
        if (*ci_low > m * v) *ci_low = m * v;
    }
    return m * v;
}

static int rec_is_ops(const json_t *r) {
    const json_t *rate = json_object_get(r, "rate");
    const char *basis = jstr(rate, "basis"), *unit = jstr(rate, "unit");
    if (basis) return strcmp(basis, "ops") == 0;
    return unit && strstr(unit, "OP") != NULL;
}

static const char *rec_impl(const json_t *r) {
    const char *k = jstr(json_object_get(r, "implementation"), "kind");
    return k ? k : "?";
}

/* "gemm f64 base on cpu:0" */
static void rec_name(const json_t *r, char *out, size_t n) {
    const char *op = jstr(r, "operation");
    hb__sfmt(out, n, "%s%s%s %s %s on %s", jstr(r, "kernel"), op ? " " : "", op ? op : "",
             jstr(r, "variant"), rec_impl(r), jstr(r, "device"));
}

/* ---- nodes ---- */

enum { IN_USED, IN_NOT_IN_INVENTORY, IN_SUPERSEDED, IN_MERGED };

typedef struct node {
    const char *path;
    json_t *doc;
    const json_t *sys;
    const char *host, *schema, *finished;
    int type;
    int status;
    json_t *reason; /* text object or NULL */
    json_t *inv;    /* inventory used */
    json_t *units;  /* the physical non-CPU units (hb__inventory_units) */
    const char *inv_source;
    json_t *out; /* the nodes[] entry (borrowed) */
} node;

typedef struct group {
    char key[200];
    char label[200];
    int comp;  /* index in the node's inventory components, -1 */
    int split; /* one of several devices of an accelerator component */
} group;

static const json_t *find_device(const node *nd, const char *id) {
    size_t i;
    json_t *d;
    json_array_foreach(json_object_get(nd->sys, "devices"), i, d) {
        const char *did = jstr(d, "id");
        if (did && strcmp(did, id) == 0) return d;
    }
    return NULL;
}

static const json_t *components(const node *nd) {
    return json_object_get(nd->inv, "components");
}

/* A PCI address without its domain, lower case: "0000:C1:00.0" and "c1:00.0" are one. */
static void norm_bus(const char *bus, char *out, size_t n) {
    const char *last = strrchr(bus, ':');
    const char *from = bus;
    if (last) {
        const char *p = last;
        while (p > bus && p[-1] != ':') p--;
        from = p > bus ? p : bus;
    }
    size_t k = 0;
    for (; from[k] && k + 1 < n; k++) out[k] = (char)tolower((unsigned char)from[k]);
    out[k] = '\0';
}

/* The physical piece of silicon a device id runs on (docs §4): every device of type cpu is the
   host CPU (one piece, its inventory component's key when there is one); another device is
   the inventory component that lists it, an accelerator component of several devices split by
   the physical unit the inventory linked the device to (so a CUDA view with a PCI address and
   an OpenCL view without one are one piece); a device no component lists is told apart by PCI
   address or id. */
static void group_of(const node *nd, const char *dev, group *g) {
    const json_t *d = find_device(nd, dev);
    const char *type = jstr(d, "type");
    const char *bus = jstr(json_object_get(d, "properties"), "pci_bus_id");
    const char *dname = jstr(d, "name");
    char nb[64] = "";
    if (bus) norm_bus(bus, nb, sizeof nb);
    g->comp = -1;
    g->split = 0;
    size_t i;
    json_t *c;
    if ((type && strcmp(type, "cpu") == 0) || (!d && strncmp(dev, "cpu:", 4) == 0)) {
        json_array_foreach(components(nd), i, c) if (g->comp < 0 && jstr(c, "category") &&
                                                     strcmp(jstr(c, "category"), "cpu") == 0)
            g->comp = (int)i;
        const char *comp_name =
            g->comp >= 0 ? jstr(json_array_get(components(nd), (size_t)g->comp), "name") : NULL;
        const char *cname = jstr(json_object_get(nd->sys, "cpu"), "model");
        if (g->comp >= 0)
            hb__sfmt(g->key, sizeof g->key, "component:%d", g->comp);
        else
            hb__sfmt(g->key, sizeof g->key, "host-cpu");
        const char *label = comp_name ? comp_name : cname;
        hb__sfmt(g->label, sizeof g->label, "%s", label ? label : dname ? dname : "host CPU");
        return;
    }
    json_array_foreach(components(nd), i, c) {
        if (!in_list(json_object_get(c, "devices"), dev)) continue;
        g->comp = (int)i;
        json_int_t count = json_integer_value(json_object_get(c, "count"));
        const char *name = jstr(c, "name"), *cat = jstr(c, "category");
        if (count <= 1 || !cat || strcmp(cat, "accelerator") != 0) {
            hb__sfmt(g->key, sizeof g->key, "component:%zu", i);
            hb__sfmt(g->label, sizeof g->label, "%s", name ? name : dev);
            return;
        }
        g->split = 1;
        /* the unit the inventory linked this device to: its address, else its position (shown
           by the unit's first device id) */
        const char *shown = bus ? nb : dev;
        char uid[80];
        hb__sfmt(uid, sizeof uid, "%s", shown);
        size_t u;
        json_t *unit;
        json_array_foreach(nd->units, u, unit) {
            if (!in_list(json_object_get(unit, "devices"), dev)) continue;
            const char *addr = jstr(unit, "address");
            if (addr) {
                norm_bus(addr, uid, sizeof uid);
                shown = uid;
            } else {
                hb__sfmt(uid, sizeof uid, "unit%zu", u);
                const char *first =
                    json_string_value(json_array_get(json_object_get(unit, "devices"), 0));
                shown = first ? first : dev;
            }
            break;
        }
        hb__sfmt(g->key, sizeof g->key, "component:%zu:%s", i, uid);
        hb__sfmt(g->label, sizeof g->label, "%s (%s)", name ? name : "?", shown);
        return;
    }
    if (bus) {
        hb__sfmt(g->key, sizeof g->key, "pci:%s", nb);
        hb__sfmt(g->label, sizeof g->label, "%s (%s)", dname ? dname : dev, nb);
    } else {
        hb__sfmt(g->key, sizeof g->key, "device:%s", dev);
        hb__sfmt(g->label, sizeof g->label, "%s", dname ? dname : dev);
    }
}

static const char *group_origin(const node *nd, const group *g) {
    const char *o =
        g->comp >= 0 ? jstr(json_array_get(components(nd), (size_t)g->comp), "origin") : NULL;
    return o ? o : "unknown";
}

/* The catalog's rated peak of one piece of the group's component at a precision (FLOP/s). */
static double group_rated(const node *nd, const group *g, const char *prec, const char **formula) {
    if (g->comp < 0) return NAN;
    const json_t *c = json_array_get(components(nd), (size_t)g->comp);
    const json_t *rp = json_object_get(json_object_get(c, "rated_peak"), prec);
    const json_t *v = json_object_get(rp, "value");
    if (!json_is_number(v) || !(json_number_value(v) > 0)) return NAN;
    double x = json_number_value(v);
    json_int_t count = json_integer_value(json_object_get(c, "count"));
    if (formula) *formula = jstr(rp, "formula");
    /* a group is one piece of a component of several (split by PCI address) */
    if (count > 1 && g->split) x /= (double)count;
    return x;
}

/* ---- the best verified rate per physical device ---- */
typedef struct best {
    group g;
    const json_t *rec;
    double v, lo;
} best;

typedef struct bestset {
    best *b;
    size_t n, cap;
    json_t *failed; /* failed_verification records among the kernels and precisions */
} bestset;

static void bestset_free(bestset *s) {
    free(s->b);
    json_decref(s->failed);
    memset(s, 0, sizeof *s);
}

static best *bestset_slot(bestset *s, const group *g) {
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->b[i].g.key, g->key) == 0) return &s->b[i];
    if (s->n == s->cap) {
        size_t nc = s->cap ? 2 * s->cap : 8;
        best *nb = realloc(s->b, nc * sizeof *nb);
        if (!nb) return NULL;
        s->b = nb, s->cap = nc;
    }
    best *b = &s->b[s->n++];
    memset(b, 0, sizeof *b);
    b->g = *g;
    return b;
}

static json_t *failed_entry(const json_t *r) {
    return json_pack("{s:s?,s:s?,s:s?,s:s,s:s?,s:s?,s:s?}", "kernel", jstr(r, "kernel"),
                     "operation", jstr(r, "operation"), "precision", jstr(r, "variant"),
                     "implementation", rec_impl(r), "device", jstr(r, "device"), "status",
                     jstr(r, "status"), "reason", jstr(r, "reason"));
}

/* Fills s with, per physical device, the best ok rate among the kernels and precisions. */
static void node_best(const node *nd, const json_t *precs, const json_t *kernels, bestset *s) {
    memset(s, 0, sizeof *s);
    s->failed = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(nd->doc, "records"), i, r) {
        if (!in_list(kernels, jstr(r, "kernel")) || !in_list(precs, jstr(r, "variant"))) continue;
        const char *st = jstr(r, "status");
        if (st && strcmp(st, "failed_verification") == 0) {
            json_array_append_new(s->failed, failed_entry(r));
            continue;
        }
        if (!st || strcmp(st, "ok") != 0 || !rec_is_ops(r)) continue;
        group g;
        group_of(nd, jstr(r, "device"), &g);
        double lo, v = rec_rate(r, &lo);
        best *b = bestset_slot(s, &g);
        if (b && (!b->rec || v > b->v)) b->rec = r, b->v = v, b->lo = lo;
    }
}

static double bestset_sum(const bestset *s, double *lo_sum, double *domestic, const node *nd) {
    double v = 0, lo = 0, dom = 0;
    for (size_t i = 0; i < s->n; i++) {
        v += s->b[i].v, lo += s->b[i].lo;
        if (nd && strcmp(group_origin(nd, &s->b[i].g), "domestic") == 0) dom += s->b[i].v;
    }
    if (lo_sum) *lo_sum = lo;
    if (domestic) *domestic = dom;
    return v;
}

/* ---- measures: a set of precisions and kernels whose best rate is a node's capacity ---- */
typedef struct measure {
    char key[96];
    const char *unit;        /* FLOP/s, or OP/s for i8 (the spec never mixes them in one measure) */
    json_t *precs, *kernels; /* borrowed from the spec */
} measure;

typedef struct evalctx {
    const json_t *spec;
    const json_t *node_types;
    char spec_dir[4096];
    node *nodes;
    size_t nn;
    measure ms[64];
    size_t nm;
    json_t *report;
    json_t *nt_out;    /* node_types[] */
    json_t *all_types; /* every node type id */
    double k;          /* outlier k */
    char *err;
    size_t errn;
} evalctx;

/* Integer operations are counted in OP/s, floating-point ones in FLOP/s. */
static const char *prec_unit(const char *prec) {
    return hb__variant_name_is_integer(prec) ? "OP/s" : "FLOP/s";
}
static const char *precs_unit(const json_t *precs) {
    for (size_t i = 0; i < json_array_size(precs); i++)
        if (hb__variant_name_is_integer(json_string_value(json_array_get(precs, i)))) return "OP/s";
    return "FLOP/s";
}

static int is_default_kernels(const json_t *k) {
    return json_array_size(k) == 2 && in_list(k, "gemm") && in_list(k, "lu");
}

static const measure *measure_for(evalctx *e, json_t *precs, json_t *kernels) {
    for (size_t i = 0; i < e->nm; i++)
        if (json_equal(e->ms[i].precs, precs) && json_equal(e->ms[i].kernels, kernels))
            return &e->ms[i];
    if (e->nm == sizeof e->ms / sizeof *e->ms) return NULL;
    measure *m = &e->ms[e->nm];
    char p[64], k[64];
    join(precs, "+", p, sizeof p);
    join(kernels, "+", k, sizeof k);
    if (is_default_kernels(kernels))
        hb__sfmt(m->key, sizeof m->key, "%s", p);
    else
        hb__sfmt(m->key, sizeof m->key, "%s@%s", p, k);
    for (size_t i = 0; i < e->nm; i++) /* same key, other kernels: make it unique */
        if (strcmp(e->ms[i].key, m->key) == 0) hb__sfmt(m->key, sizeof m->key, "%s@%s", p, k);
    m->precs = precs, m->kernels = kernels;
    m->unit = precs_unit(precs);
    e->nm++;
    return m;
}

/* Used nodes of node type t. */
static size_t tested_nodes(const evalctx *e, int t, node **out) {
    size_t n = 0;
    for (size_t i = 0; i < e->nn; i++)
        if (e->nodes[i].status == IN_USED && e->nodes[i].type == t) out[n++] = &e->nodes[i];
    return n;
}

static const json_t *nt_at(const evalctx *e, int t) {
    return json_array_get(e->node_types, (size_t)t);
}
static const char *nt_id(const evalctx *e, int t) {
    return jstr(nt_at(e, t), "id");
}
static json_int_t nt_count(const evalctx *e, int t) {
    return json_integer_value(json_object_get(nt_at(e, t), "count"));
}
static int nt_index(const evalctx *e, const char *id) {
    for (size_t t = 0; t < json_array_size(e->node_types); t++)
        if (strcmp(nt_id(e, (int)t), id) == 0) return (int)t;
    return -1;
}

/* Per-node capacity objects (nodes[].capacity[key]) and per node type statistics
   (node_types[].capacity[key]) of a measure. */
static void compute_measure(evalctx *e, const measure *m) {
    char kl[128], pl[64];
    join(m->kernels, ", ", kl, sizeof kl);
    join(m->precs, ", ", pl, sizeof pl);
    for (size_t i = 0; i < e->nn; i++) {
        node *nd = &e->nodes[i];
        if (nd->status != IN_USED) continue;
        bestset s;
        node_best(nd, m->precs, m->kernels, &s);
        double lo, dom, v = bestset_sum(&s, &lo, &dom, nd);
        json_t *devs = json_array();
        for (size_t b = 0; b < s.n; b++) {
            const json_t *r = s.b[b].rec;
            json_t *ids = json_array();
            /* every device id of the node that runs on this silicon */
            size_t j;
            json_t *d;
            json_array_foreach(json_object_get(nd->sys, "devices"), j, d) {
                group g;
                const char *id = jstr(d, "id");
                if (!id) continue;
                group_of(nd, id, &g);
                if (strcmp(g.key, s.b[b].g.key) == 0) json_array_append_new(ids, json_string(id));
            }
            json_array_append_new(
                devs,
                json_pack("{s:s,s:s,s:s,s:o,s:s?,s:s?,s:s,s:s?,s:f,s:f,s:s}", "device",
                          jstr(r, "device"), "physical_device", s.b[b].g.key, "label",
                          s.b[b].g.label, "views", ids, "kernel", jstr(r, "kernel"), "precision",
                          jstr(r, "variant"), "implementation", rec_impl(r), "implementation_name",
                          jstr(json_object_get(r, "implementation"), "name"), "value", s.b[b].v,
                          "ci_low", s.b[b].lo, "origin", group_origin(nd, &s.b[b].g)));
        }
        json_t *cap =
            json_pack("{s:f,s:s,s:f,s:f,s:O,s:O,s:o,s:b,s:O}", "value", v, "unit", m->unit, "lcb",
                      lo, "domestic", dom, "precision", m->precs, "kernels", m->kernels, "devices",
                      devs, "measured", s.n > 0, "failed", s.failed);
        json_object_set_new(json_object_get(nd->out, "capacity"), m->key, cap);
        bestset_free(&s);
    }
    /* node types */
    for (size_t t = 0; t < json_array_size(e->node_types); t++) {
        node **tn = calloc(e->nn + 1, sizeof *tn);
        double *vals = calloc(e->nn + 1, sizeof *vals);
        if (!tn || !vals) {
            free(tn), free(vals);
            continue;
        }
        size_t n = tested_nodes(e, (int)t, tn);
        json_t *values = json_array(), *hosts = json_array();
        int any = 0;
        for (size_t i = 0; i < n; i++) {
            json_t *c = json_object_get(json_object_get(tn[i]->out, "capacity"), m->key);
            vals[i] = json_number_value(json_object_get(c, "value"));
            any |= json_is_true(json_object_get(c, "measured"));
            json_array_append_new(values, json_real(vals[i]));
            json_array_append_new(hosts, json_string(tn[i]->host));
        }
        json_t *o = json_pack("{s:O,s:O,s:s,s:o,s:o,s:I,s:b}", "precision", m->precs, "kernels",
                              m->kernels, "unit", m->unit, "values", values, "hosts", hosts, "n",
                              (json_int_t)n, "measured", any);
        json_int_t count = nt_count(e, (int)t);
        char a[64], b[64];
        if (n == 0) {
            json_object_set_new(o, "lcb", json_null());
            json_object_set_new(o, "system", json_null());
            json_object_set_new(o, "method",
                                txtf("no tested node: the node type's capacity is not measured",
                                     "无受测节点：该节点类型的算力未测量"));
        } else {
            double med, mad, mean = 0, lcb;
            hb__median_mad(vals, (int)n, &med, &mad);
            for (size_t i = 0; i < n; i++) mean += vals[i];
            mean /= (double)n;
            json_t *method;
            if (n >= 2) {
                lcb = hb__lcb_mean(vals, (int)n);
                double sd = 0;
                for (size_t i = 0; i < n; i++) sd += (vals[i] - mean) * (vals[i] - mean);
                sd = sqrt(sd / (double)(n - 1));
                json_object_set_new(o, "stddev", json_real(sd));
                json_object_set_new(o, "t", json_real(hb__t95((int)n - 1)));
                method = txtf("one-sided 95 %% Student-t lower confidence bound of the mean of the "
                              "%zu tested nodes: mean − t(0.95, %zu)·s/√n = %s − %.3f × %s/√%zu",
                              "%zu 个受测节点算力均值的单侧 95%% 学生 t 置信下限：均值 − "
                              "t(0.95, %zu)·s/√n = %s − %.3f × %s/√%zu",
                              n, n - 1, si(a, sizeof a, mean, m->unit), hb__t95((int)n - 1),
                              si(b, sizeof b, sd, m->unit), n);
            } else {
                json_t *c = json_object_get(json_object_get(tn[0]->out, "capacity"), m->key);
                lcb = json_number_value(json_object_get(c, "lcb"));
                method = txtf(
                    "one tested node: the lower end of the 95 %% confidence interval of its "
                    "median rate (order statistics over its repetitions; with 5 repetitions the "
                    "interval is [min, max], 93.75 %% coverage), summed over its devices",
                    "仅 1 个受测节点：取其中位速率 95%% 置信区间的下端（按重复测量的次序统计量；"
                    "5 次重复时区间为 [最小值, 最大值]，覆盖率 93.75%%），各设备求和");
            }
            if (lcb < 0) lcb = 0;
            json_object_set_new(o, "mean", json_real(mean));
            json_object_set_new(o, "median", json_real(med));
            json_object_set_new(o, "mad", json_real(mad));
            json_object_set_new(o, "lcb", json_real(lcb));
            json_object_set_new(o, "system", json_real((double)count * lcb));
            json_object_set_new(o, "method", method);
            json_object_set_new(o, "suspect_threshold", json_null());
            /* each node against its peers */
            for (size_t i = 0; i < n; i++)
                if (med > 0)
                    json_object_set_new(
                        json_object_get(json_object_get(tn[i]->out, "capacity"), m->key),
                        "peer_ratio", json_real(vals[i] / med));
            if (n >= 3) {
                double thr = med - e->k * 1.4826 * mad;
                json_object_set_new(o, "suspect_threshold", json_real(thr));
                for (size_t i = 0; i < n; i++) {
                    if (!(vals[i] < thr)) continue;
                    json_object_set_new(tn[i]->out, "suspect", json_true());
                    json_array_append_new(json_object_get(tn[i]->out, "suspect_in"),
                                          json_string(m->key));
                    json_array_append_new(
                        json_object_get(e->report, "suspect_nodes"),
                        json_pack(
                            "{s:s,s:s,s:s,s:f,s:f,s:f,s:f,s:f,s:o}", "host", tn[i]->host,
                            "node_type", nt_id(e, (int)t), "precision", m->key, "value", vals[i],
                            "median", med, "mad", mad, "threshold", thr, "k", e->k, "reason",
                            txtf("%s < median − k·1.4826·MAD = %s − %.3g × 1.4826 × %s "
                                 "(%zu nodes of type %s)",
                                 "%s < 中位数 − k·1.4826·MAD = %s − %.3g × 1.4826 × %s"
                                 "（%zu 个节点，类型 %s）",
                                 si(a, sizeof a, vals[i], m->unit), si(b, sizeof b, med, m->unit),
                                 e->k, si((char[64]){0}, 64, mad, m->unit), n, nt_id(e, (int)t))));
                }
            }
        }
        json_object_set_new(json_object_get(json_array_get(e->nt_out, t), "capacity"), m->key, o);
        free(tn), free(vals);
    }
}

/* ---- clauses ---- */

static const char *prec_upper(const char *p) {
    static const struct {
        const char *p, *u;
    } m[] = {{"f64", "FP64"},  {"f32", "FP32"}, {"tf32", "TF32"}, {"f16", "FP16"},
             {"bf16", "BF16"}, {"i8", "INT8"},  {"fp8", "FP8"},   {"i32", "INT32"}};
    for (size_t i = 0; i < sizeof m / sizeof *m; i++)
        if (strcmp(m[i].p, p) == 0) return m[i].u;
    return p;
}

static void precs_upper(const json_t *precs, char *out, size_t n) {
    size_t i;
    json_t *x;
    out[0] = '\0';
    json_array_foreach(precs, i, x) {
        size_t l = strlen(out);
        hb__sfmt(out + l, n - l, "%s%s", i ? "/" : "", prec_upper(json_string_value(x)));
    }
}

static json_t *clause_new(const json_t *cl, json_t *default_title) {
    const json_t *title = json_object_get(cl, "title");
    json_t *c =
        json_pack("{s:s,s:s,s:O,s:b,s:s,s:n,s:n,s:n,s:n,s:[],s:n}", "id", jstr(cl, "id"), "type",
                  jstr(cl, "type"), "title", title ? title : default_title, "required",
                  json_is_true(json_object_get(cl, "required")), "verdict", "not_measurable",
                  "measured", "threshold", "comparison", "unit", "evidence", "reason");
    json_decref(default_title);
    if (json_object_get(cl, "note")) json_object_set(c, "note", json_object_get(cl, "note"));
    return c;
}

static void set_verdict(json_t *c, const char *v, json_t *reason) {
    json_object_set_new(c, "verdict", json_string(v));
    json_object_set_new(c, "reason", reason ? reason : json_null());
}

static void evidence(json_t *c, json_t *t) {
    json_array_append_new(json_object_get(c, "evidence"), t);
}

static void set_num(json_t *c, const char *k, double v) {
    json_object_set_new(c, k, isfinite(v) ? json_real(v) : json_null());
}

/* The used nodes whose type is in the list. */
static size_t nodes_of_types(const evalctx *e, const json_t *types, node **out) {
    size_t n = 0;
    for (size_t i = 0; i < e->nn; i++) {
        node *nd = &e->nodes[i];
        if (nd->status == IN_USED && in_list(types, nt_id(e, nd->type))) out[n++] = nd;
    }
    return n;
}

/* Failed-verification records of the measure on the nodes of the listed types, as evidence;
   returns how many. */
static size_t failed_evidence(evalctx *e, const measure *m, const json_t *types, json_t *c,
                              char *first, size_t fn) {
    size_t nf = 0;
    for (size_t i = 0; i < e->nn; i++) {
        node *nd = &e->nodes[i];
        if (nd->status != IN_USED || !in_list(types, nt_id(e, nd->type))) continue;
        json_t *cap = json_object_get(json_object_get(nd->out, "capacity"), m->key);
        size_t j;
        json_t *f;
        json_array_foreach(json_object_get(cap, "failed"), j, f) {
            char name[256];
            hb__sfmt(name, sizeof name, "%s: %s %s %s on %s", nd->host, jstr(f, "kernel"),
                     jstr(f, "precision"), jstr(f, "implementation"), jstr(f, "device"));
            if (!nf)
                hb__sfmt(first, fn, "%s (%s)", name, jstr(f, "reason") ? jstr(f, "reason") : "");
            nf++;
            evidence(c, txtf("record %s failed verification: %s (file %s)",
                             "记录 %s 校验失败：%s（文件 %s）", name,
                             jstr(f, "reason") ? jstr(f, "reason") : "", nd->path));
        }
    }
    return nf;
}

/* failed_verification records of a kernel and precision on a node, as evidence; the first one
   named in `first` (when empty). Returns how many. */
static int node_failures(const node *nd, const char *kernel, const char *prec, json_t *c,
                         char *first, size_t fn) {
    int nf = 0;
    size_t j;
    json_t *x;
    json_array_foreach(json_object_get(nd->doc, "records"), j, x) {
        if (strcmp(jstr(x, "status"), "failed_verification") != 0 ||
            strcmp(jstr(x, "kernel"), kernel) != 0 || strcmp(jstr(x, "variant"), prec) != 0)
            continue;
        char rn[256];
        rec_name(x, rn, sizeof rn);
        if (!first[0]) hb__sfmt(first, fn, "%s: %s", nd->host, rn);
        nf++;
        evidence(c, txtf("%s: record %s failed verification: %s (file %s)",
                         "%s：记录 %s 校验失败：%s（文件 %s）", nd->host, rn, jstr(x, "reason"),
                         nd->path));
    }
    return nf;
}

static json_t *eval_capacity(evalctx *e, const json_t *cl) {
    json_t *precs = json_object_get(cl, "precision"), *kernels = json_object_get(cl, "kernels");
    const json_t *types = json_object_get(cl, "node_types");
    double min = json_number_value(json_object_get(cl, "min"));
    const char *unit = precs_unit(precs);
    char pu[64], a[64], b[64], kl[128], pl[64];
    precs_upper(precs, pu, sizeof pu);
    join(kernels, ", ", kl, sizeof kl);
    join(precs, ", ", pl, sizeof pl);
    json_t *c =
        clause_new(cl, txtf("%s capacity ≥ %s", "%s 算力 ≥ %s", pu, si(a, sizeof a, min, unit)));
    const measure *m = measure_for(e, precs, kernels);
    json_object_set(c, "precision", precs);
    json_object_set(c, "kernels", kernels);
    json_object_set_new(c, "capacity_key", json_string(m->key));
    json_object_set_new(c, "comparison", json_string(">="));
    json_object_set_new(c, "unit", json_string(unit));
    set_num(c, "threshold", min);
    double sum = 0;
    int untested = 0, any = 0;
    char untested_ids[512] = "";
    json_t *by_type = json_array();
    size_t i;
    json_t *x;
    json_array_foreach(types, i, x) {
        int t = nt_index(e, json_string_value(x));
        json_t *st = json_object_get(
            json_object_get(json_array_get(e->nt_out, (size_t)t), "capacity"), m->key);
        json_int_t count = nt_count(e, t);
        json_int_t n = json_integer_value(json_object_get(st, "n"));
        if (n == 0) {
            untested = 1;
            size_t l = strlen(untested_ids);
            hb__sfmt(untested_ids + l, sizeof untested_ids - l, "%s%s", l ? ", " : "", nt_id(e, t));
            evidence(c,
                     txtf("node type %s (%lld nodes): no tested node",
                          "节点类型 %s（%lld 个节点）：无受测节点", nt_id(e, t), (long long)count));
            json_array_append_new(by_type, json_pack("{s:s,s:I,s:I,s:n,s:n}", "node_type",
                                                     nt_id(e, t), "count", count, "tested",
                                                     (json_int_t)0, "lcb", "contribution"));
            continue;
        }
        double lcb = json_number_value(json_object_get(st, "lcb"));
        int measured = json_is_true(json_object_get(st, "measured"));
        any |= measured;
        sum += (double)count * lcb;
        json_array_append_new(by_type, json_pack("{s:s,s:I,s:I,s:f,s:f}", "node_type", nt_id(e, t),
                                                 "count", count, "tested", n, "lcb", lcb,
                                                 "contribution", (double)count * lcb));
        if (!measured)
            evidence(
                c,
                txtf("node type %s: no verified %s record of kernels %s on its %lld "
                     "tested nodes: contributes 0",
                     "节点类型 %s：没有 %s（内核 %s）的已校验记录（受测节点 %lld 个）：贡献计为 0",
                     nt_id(e, t), pl, kl, (long long)n));
        else
            evidence(c, txtf("node type %s: %lld × L = %lld × %s = %s (%lld tested)",
                             "节点类型 %s：%lld × L = %lld × %s = %s（受测 %lld 个）", nt_id(e, t),
                             (long long)count, (long long)count, si(a, sizeof a, lcb, unit),
                             si(b, sizeof b, (double)count * lcb, unit), (long long)n));
        /* suspect nodes of this type and measure */
        size_t j;
        json_t *sn;
        json_array_foreach(json_object_get(e->report, "suspect_nodes"), j, sn) {
            if (strcmp(jstr(sn, "node_type"), nt_id(e, t)) != 0 ||
                strcmp(jstr(sn, "precision"), m->key) != 0)
                continue;
            evidence(c, txtf("suspect node %s: %s, below the type's cut-off %s (kept in the "
                             "figures)",
                             "可疑节点 %s：%s，低于该类型的阈值 %s（仍计入统计）", jstr(sn, "host"),
                             si(a, sizeof a, json_number_value(json_object_get(sn, "value")), unit),
                             si(b, sizeof b, json_number_value(json_object_get(sn, "threshold")),
                                unit)));
        }
    }
    json_object_set_new(c, "by_node_type", by_type);
    json_object_set_new(c, "method",
                        txtf("system capacity = Σ over node types of count × L, L = a lower "
                             "confidence bound of the tested nodes' capacity (Student-t for n ≥ 2, "
                             "the CI of the median for n = 1); node capacity = Σ over physical "
                             "devices of the best verified rate among kernels %s at %s",
                             "系统算力 = Σ(节点类型数量 × L)，L 为受测节点算力的置信下限（n ≥ 2 "
                             "用学生 t，n = 1 用中位数置信区间）；节点算力 = 各物理设备在内核 %s、"
                             "精度 %s 下最佳已校验速率之和",
                             kl, pl));
    char first[512] = "";
    size_t nf = failed_evidence(e, m, types, c, first, sizeof first);
    if (!untested) set_num(c, "measured", sum);
    if (nf)
        set_verdict(c, "fail",
                    txtf("%zu record(s) of this precision and kernel failed verification, first: "
                         "%s",
                         "%zu 条该精度和内核的记录校验失败，第一条：%s", nf, first));
    else if (untested)
        set_verdict(c, "not_measurable",
                    txtf("node type(s) %s have no tested node: their capacity is unknown",
                         "节点类型 %s 无受测节点：其算力未知", untested_ids));
    else if (!any)
        set_verdict(c, "not_measurable",
                    txtf("no verified record of kernels %s at %s",
                         "无内核 %s、精度 %s 的已校验记录", kl, pl));
    else if (sum >= min)
        set_verdict(c, "pass",
                    txtf("system capacity %s ≥ %s", "系统算力 %s ≥ %s", si(a, sizeof a, sum, unit),
                         si(b, sizeof b, min, unit)));
    else
        set_verdict(c, "fail",
                    txtf("system capacity %s < %s", "系统算力 %s < %s", si(a, sizeof a, sum, unit),
                         si(b, sizeof b, min, unit)));
    return c;
}

/* Appends x (a reference taken) to a node's per-figure list unless an entry with the same values
   of keys (NULL: an equal entry) is there: two clauses on the same kernel and precision judge
   the same figure, which the report lists once. */
static void append_once(json_t *arr, json_t *x, const char *const *keys) {
    size_t i;
    json_t *y;
    json_array_foreach(arr, i, y) {
        int same = 1;
        if (!keys)
            same = json_equal(x, y);
        else
            for (const char *const *k = keys; *k && same; k++)
                same = json_equal(json_object_get(x, *k), json_object_get(y, *k));
        if (same) {
            json_decref(x);
            return;
        }
    }
    json_array_append_new(arr, x);
}

/* Efficiency entries of a node for a kernel and precision (nodes[].efficiency). Each physical
   device takes the first reference of `against`, in the listed order, that it has: `rated` is
   the node type's declared peak when the spec gives one (it overrides the catalog: one figure
   for the whole node, the entry of device "node"), else the catalog's rated peak of the
   device; `attainable` is the peak kernel's rate on the device. */
static json_t *node_efficiency(evalctx *e, node *nd, const char *kernel, const char *prec,
                               const json_t *against) {
    json_t *out = json_array();
    json_t *pl = json_pack("[s]", prec), *kl = json_pack("[s]", kernel),
           *pk = json_pack("[s]", "peak");
    bestset s, p;
    node_best(nd, pl, kl, &s);
    node_best(nd, pl, pk, &p);
    const json_t *declared =
        json_object_get(json_object_get(nt_at(e, nd->type), "rated_peak"), prec);
    int node_rated = 0; /* a device takes the declared peak: the node entry is judged */
    json_t *devs = json_array();
    for (size_t i = 0; i < s.n; i++) {
        const char *formula = NULL;
        double rated = group_rated(nd, &s.b[i].g, prec, &formula);
        double attain = NAN;
        for (size_t j = 0; j < p.n; j++)
            if (strcmp(p.b[j].g.key, s.b[i].g.key) == 0) attain = p.b[j].v;
        double ref = NAN;
        const char *kind = NULL, *src = NULL;
        int by_node = 0;
        size_t k;
        json_t *a;
        json_array_foreach(against, k, a) {
            const char *w = json_string_value(a);
            if (!w) continue;
            if (strcmp(w, "rated") == 0 && json_is_number(declared)) {
                by_node = 1;
                break;
            }
            if (strcmp(w, "rated") == 0 && isfinite(rated)) {
                ref = rated, kind = "rated", src = "catalog";
                break;
            }
            if (strcmp(w, "attainable") == 0 && isfinite(attain)) {
                ref = attain, kind = "attainable", src = "peak kernel";
                break;
            }
        }
        if (by_node) { /* judged with the whole node against the declared peak */
            node_rated = 1;
            continue;
        }
        json_t *en =
            json_pack("{s:s,s:s,s:s,s:s,s:s?,s:f}", "kernel", kernel, "precision", prec, "device",
                      s.b[i].g.label, "record_device", jstr(s.b[i].rec, "device"), "implementation",
                      rec_impl(s.b[i].rec), "measured", s.b[i].v);
        set_num(en, "reference", ref);
        json_object_set_new(en, "reference_kind", kind ? json_string(kind) : json_null());
        json_object_set_new(en, "reference_source", src ? json_string(src) : json_null());
        set_num(en, "ratio", kind ? s.b[i].v / ref : NAN);
        set_num(en, "rated", rated);
        set_num(en, "attainable", attain);
        if (formula) json_object_set_new(en, "rated_formula", json_string(formula));
        json_object_set_new(en, "above_rated", json_boolean(isfinite(rated) && s.b[i].v > rated));
        json_array_append_new(devs, en);
    }
    /* the node type's declared rated peak: one figure for the whole node (every device's best
       rate: the declared peak is the node's), listed before the devices it did not judge */
    if (node_rated) {
        double v = bestset_sum(&s, NULL, NULL, NULL), ref = json_number_value(declared);
        json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:f,s:f,s:s,s:s,s:f,s:f,s:b}", "kernel",
                                             kernel, "precision", prec, "device", "node",
                                             "measured", v, "reference", ref, "reference_kind",
                                             "rated", "reference_source", "spec", "ratio", v / ref,
                                             "rated", ref, "above_rated", v > ref));
    }
    json_array_extend(out, devs);
    json_decref(devs);
    bestset_free(&s);
    bestset_free(&p);
    json_decref(pl), json_decref(kl), json_decref(pk);
    return out;
}

static json_t *eval_efficiency(evalctx *e, const json_t *cl) {
    const char *kernel = jstr(cl, "kernel"), *prec = jstr(cl, "precision");
    const json_t *against = json_object_get(cl, "against"),
                 *types = json_object_get(cl, "node_types");
    double min = json_number_value(json_object_get(cl, "min"));
    char a[64], b[64], al[64];
    join(against, ", ", al, sizeof al);
    json_t *c =
        clause_new(cl, txtf("%s %s efficiency ≥ %s (against %s)", "%s %s 计算效率 ≥ %s（参考 %s）",
                            kernel, prec_upper(prec), pct(a, sizeof a, min), al));
    json_object_set_new(c, "comparison", json_string(">="));
    json_object_set_new(c, "unit", json_string("ratio"));
    json_object_set_new(c, "kernel", json_string(kernel));
    json_object_set_new(c, "precision", json_string(prec));
    set_num(c, "threshold", min);
    json_object_set_new(
        c, "method",
        txtf("per node and physical device: the best verified %s %s rate ÷ the "
             "reference, the first available of [%s] in that order (rated: the node type's "
             "declared peak, which overrides the catalog and is compared with the whole "
             "node's rate; else the catalog's rated peak of the device; "
             "attainable: the peak kernel's rate on the same device)",
             "按节点和物理设备：%s %s 最佳已校验速率 ÷ 参考值，按 [%s] 的顺序取第一个可用的"
             "（rated：节点类型声明的峰值，优先于目录，与整个节点的速率比较；"
             "否则目录中该设备的额定峰值；"
             "attainable：同一设备上 peak 内核的实测速率）",
             kernel, prec, al));
    node **ns = calloc(e->nn + 1, sizeof *ns);
    size_t n = ns ? nodes_of_types(e, types, ns) : 0;
    double worst = INFINITY;
    int below = 0, missing = 0, failed = 0;
    char first_below[256] = "", first_missing[256] = "", first_failed[512] = "";
    for (size_t i = 0; i < n; i++) {
        node *nd = ns[i];
        json_t *eff = node_efficiency(e, nd, kernel, prec, against);
        size_t j;
        json_t *x;
        int has = 0;
        const json_t *lowest = NULL;
        size_t ndev = 0;
        json_array_foreach(eff, j, x) {
            append_once(json_object_get(nd->out, "efficiency"), json_incref(x), NULL);
            json_t *r = json_object_get(x, "ratio");
            if (json_is_true(json_object_get(x, "above_rated")))
                evidence(c,
                         txtf("%s %s: measured %s is above the rated peak %s (plausibility: "
                              "check the catalog entry or the measurement)",
                              "%s %s：实测 %s 高于额定峰值 %s（合理性存疑：请核对目录条目或测量）",
                              nd->host, jstr(x, "device"),
                              si(a, sizeof a, json_number_value(json_object_get(x, "measured")),
                                 prec_unit(prec)),
                              si(b, sizeof b, json_number_value(json_object_get(x, "rated")),
                                 prec_unit(prec))));
            if (!json_is_number(r)) continue;
            has = 1;
            ndev++;
            double ratio = json_number_value(r);
            if (!lowest || ratio < json_number_value(json_object_get(lowest, "ratio"))) lowest = x;
            if (ratio < worst) worst = ratio;
            if (ratio < min) {
                if (!below++)
                    hb__sfmt(first_below, sizeof first_below, "%s %s: %.3f", nd->host,
                             jstr(x, "device"), ratio);
            }
        }
        /* one line per node: its lowest ratio (every device is in nodes[].efficiency) */
        if (lowest)
            evidence(
                c,
                txtf("%s: lowest of %zu device(s) %s: %s ÷ %s (%s) = %s",
                     "%s：%zu 个设备中最低 %s：%s ÷ %s（%s）= %s", nd->host, ndev,
                     jstr(lowest, "device"),
                     si(a, sizeof a, json_number_value(json_object_get(lowest, "measured")),
                        prec_unit(prec)),
                     si(b, sizeof b, json_number_value(json_object_get(lowest, "reference")),
                        prec_unit(prec)),
                     jstr(lowest, "reference_kind"),
                     pct((char[32]){0}, 32, json_number_value(json_object_get(lowest, "ratio")))));
        if (!has) {
            if (!missing++) hb__sfmt(first_missing, sizeof first_missing, "%s", nd->host);
            evidence(c, txtf("%s: no ratio (no verified %s %s record, or no reference among [%s])",
                             "%s：无比值（无 %s %s 已校验记录，或 [%s] 中无可用参考值）", nd->host,
                             kernel, prec, al));
        }
        json_decref(eff);
        /* failed verification of this kernel and precision on the node */
        failed += node_failures(nd, kernel, prec, c, first_failed, sizeof first_failed);
    }
    free(ns);
    if (isfinite(worst)) set_num(c, "measured", worst);
    if (failed)
        set_verdict(c, "fail",
                    txtf("%d record(s) failed verification, first %s",
                         "%d 条记录校验失败，第一条 %s", failed, first_failed));
    else if (below)
        set_verdict(c, "fail",
                    txtf("%d device(s) below %s, first %s", "%d 个设备低于 %s，第一个 %s", below,
                         pct(a, sizeof a, min), first_below));
    else if (n == 0)
        set_verdict(c, "not_measurable",
                    txt("no tested node of the clause's node types", "无该条款节点类型的受测节点"));
    else if (missing)
        set_verdict(c, "not_measurable",
                    txtf("%d node(s) without a ratio, first %s", "%d 个节点无比值，第一个 %s",
                         missing, first_missing));
    else
        set_verdict(c, "pass",
                    txtf("lowest ratio %s ≥ %s", "最低比值 %s ≥ %s", pct(a, sizeof a, worst),
                         pct(b, sizeof b, min)));
    return c;
}

/* GFLOP/J of an ok record with an energy figure; NAN when it has none. */
static double rec_gflops_per_joule(const json_t *r) {
    const json_t *en = json_object_get(r, "energy");
    const json_t *j = json_object_get(en, "joules");
    if (!json_is_number(j) || !(json_number_value(j) > 0)) return NAN;
    const json_t *opj = json_object_get(en, "ops_per_joule");
    const char *u = jstr(en, "ops_per_joule_unit");
    if (json_is_number(opj) && (!u || strcmp(u, "GFLOP/J") == 0 || strcmp(u, "GOP/J") == 0))
        return json_number_value(opj);
    double ops = json_number_value(json_object_get(json_object_get(r, "counts"), "ops"));
    const json_t *reps = json_object_get(json_object_get(en, "window"), "repetitions");
    if (!json_is_integer(reps)) reps = json_object_get(json_object_get(r, "timing"), "repetitions");
    if (!(ops > 0) || !json_is_integer(reps)) return NAN;
    return ops * (double)json_integer_value(reps) / json_number_value(j) / 1e9;
}

static json_t *eval_energy(evalctx *e, const json_t *cl) {
    const char *kernel = jstr(cl, "kernel"), *prec = jstr(cl, "precision");
    const json_t *types = json_object_get(cl, "node_types");
    double min = json_number_value(json_object_get(cl, "min_gflops_per_joule"));
    char a[64];
    /* integer operations per joule for i8 */
    const char *gu = strcmp(prec_unit(prec), "OP/s") == 0 ? "GOP/J" : "GFLOP/J";
    json_t *c = clause_new(cl, txtf("%s %s energy efficiency ≥ %.3g %s", "%s %s 能效 ≥ %.3g %s",
                                    kernel, prec_upper(prec), min, gu));
    json_object_set_new(c, "comparison", json_string(">="));
    json_object_set_new(c, "unit", json_string(gu));
    json_object_set_new(c, "kernel", json_string(kernel));
    json_object_set_new(c, "precision", json_string(prec));
    set_num(c, "threshold", min);
    json_object_set_new(c, "method",
                        txtf("per node: the best GFLOP/J among its verified %s %s records with "
                             "an energy figure (the record's ops_per_joule, else ops × "
                             "repetitions ÷ joules), from the headline meter of the record",
                             "按节点：其 %s %s 已校验且有能耗数据的记录中最佳的 GFLOP/J（记录的 "
                             "ops_per_joule，否则 运算量 × 重复次数 ÷ 焦耳），取自记录的主计量",
                             kernel, prec));
    node **ns = calloc(e->nn + 1, sizeof *ns);
    size_t n = ns ? nodes_of_types(e, types, ns) : 0;
    double worst = INFINITY;
    int below = 0, missing = 0, failed = 0;
    char first_below[256] = "", why[768] = "", first_failed[512] = "";
    for (size_t i = 0; i < n; i++) {
        node *nd = ns[i];
        const json_t *bestr = NULL;
        double bestv = -1;
        const char *reason = NULL;
        size_t j;
        json_t *r;
        failed += node_failures(nd, kernel, prec, c, first_failed, sizeof first_failed);
        json_array_foreach(json_object_get(nd->doc, "records"), j, r) {
            if (strcmp(jstr(r, "kernel"), kernel) != 0 || strcmp(jstr(r, "variant"), prec) != 0 ||
                strcmp(jstr(r, "status"), "ok") != 0)
                continue;
            /* a rate counted in bytes (stream) has no operations per joule */
            if (!rec_is_ops(r)) {
                if (!reason)
                    reason = "the records of this kernel are not counted in operations (their "
                             "rate is in bytes): no GFLOP/J";
                continue;
            }
            double g = rec_gflops_per_joule(r);
            if (!isfinite(g)) {
                const char *why_not = jstr(json_object_get(r, "energy"), "reason");
                if (!reason && why_not && *why_not) reason = why_not;
                if (!reason && !json_object_get(r, "energy"))
                    reason = "the record has no energy object (result schema 1.0)";
                if (!reason) reason = "the record's energy object gives no operations per joule";
                continue;
            }
            if (g > bestv) bestv = g, bestr = r;
        }
        if (!bestr) {
            if (!missing++)
                hb__sfmt(why, sizeof why, "%s: %s", nd->host,
                         reason ? reason : "no verified record of this kernel and precision");
            evidence(c, txtf("%s: no energy figure: %s", "%s：无能耗数据：%s", nd->host,
                             reason ? reason : "no verified record of this kernel and precision"));
            continue;
        }
        const json_t *en = json_object_get(bestr, "energy");
        const char *meter = jstr(en, "meter");
        const char *scope = jstr(en, "scope");
        char meters[160];
        hb__sfmt(meters, sizeof meters, "%s%s%s%s", meter ? meter : "?", scope ? " (" : "",
                 scope ? scope : "", scope ? ")" : "");
        json_t *ent = json_pack(
            "{s:s,s:s,s:s,s:s,s:f,s:O,s:O,s:s,s:b}", "kernel", kernel, "precision", prec, "device",
            jstr(bestr, "device"), "implementation", rec_impl(bestr), "gflops_per_joule", bestv,
            "joules", json_object_get(en, "joules"), "watts",
            json_object_get(en, "average_watts") ? json_object_get(en, "average_watts")
                                                 : json_null(),
            "meters", meters, "uncertain", json_is_true(json_object_get(en, "uncertain")));
        static const char *const energy_key[] = {"device", "kernel", "precision", NULL};
        append_once(json_object_get(nd->out, "energy"), ent, energy_key);
        if (bestv < worst) worst = bestv;
        if (bestv < min && !below++)
            hb__sfmt(first_below, sizeof first_below, "%s: %.3g %s", nd->host, bestv, gu);
        if (json_is_true(json_object_get(en, "uncertain")))
            evidence(c, txtf("%s: %.3g %s (%s, %s, uncertain)", "%s：%.3g %s（%s，%s，不确定）",
                             nd->host, bestv, gu, jstr(bestr, "device"), meters));
        else
            evidence(c, txtf("%s: %.3g %s (%s, %s)", "%s：%.3g %s（%s，%s）", nd->host, bestv, gu,
                             jstr(bestr, "device"), meters));
    }
    free(ns);
    if (isfinite(worst)) set_num(c, "measured", worst);
    if (failed)
        set_verdict(c, "fail",
                    txtf("%d record(s) failed verification, first %s",
                         "%d 条记录校验失败，第一条 %s", failed, first_failed));
    else if (below)
        set_verdict(c, "fail",
                    txtf("%d node(s) below %.3g %s, first %s", "%d 个节点低于 %.3g %s，第一个 %s",
                         below, min, gu, first_below));
    else if (n == 0)
        set_verdict(c, "not_measurable",
                    txt("no tested node of the clause's node types", "无该条款节点类型的受测节点"));
    else if (missing)
        set_verdict(c, "not_measurable",
                    txtf("%d node(s) without an energy figure, first %s",
                         "%d 个节点无能耗数据，第一个 %s", missing, why));
    else
        set_verdict(c, "pass",
                    txtf("lowest %.3g %s ≥ %.3g", "最低 %.3g %s ≥ %.3g", worst, gu, min));
    (void)a;
    return c;
}

/* ---- autonomy ---- */

/* nodes[].autonomy.count: per category of the node's inventory. */
static json_t *node_count_autonomy(const node *nd) {
    json_t *bycat = json_object(), *unknown = json_array();
    double dom = 0, tot = 0;
    size_t i;
    json_t *c;
    json_array_foreach(components(nd), i, c) {
        const char *cat = jstr(c, "category"), *origin = jstr(c, "origin");
        if (!cat) continue;
        if (!origin) origin = "unknown";
        json_t *e = json_object_get(bycat, cat);
        if (!e) {
            e = json_pack("{s:i,s:i,s:i,s:i}", "domestic", 0, "foreign", 0, "unknown", 0, "total",
                          0);
            json_object_set_new(bycat, cat, e);
        }
        const char *k = strcmp(origin, "domestic") == 0  ? "domestic"
                        : strcmp(origin, "foreign") == 0 ? "foreign"
                                                         : "unknown";
        json_object_set_new(e, k, json_integer(json_integer_value(json_object_get(e, k)) + 1));
        json_object_set_new(e, "total",
                            json_integer(json_integer_value(json_object_get(e, "total")) + 1));
        tot += 1;
        if (strcmp(k, "domestic") == 0) dom += 1;
        if (strcmp(k, "unknown") == 0)
            json_array_append_new(
                unknown, json_pack("{s:s,s:s?}", "category", cat, "name", jstr(c, "name")));
    }
    json_t *o = json_pack("{s:f,s:f,s:o,s:o}", "domestic", dom, "total", tot, "by_category", bycat,
                          "unknown_components", unknown);
    set_num(o, "ratio", tot > 0 ? dom / tot : NAN);
    return o;
}

/* The count-based figure over categories C (docs §4). *needs_untested: a node type that the
   categories need has no tested node (or no inventory). */
static json_t *autonomy_count(evalctx *e, const json_t *C, int *incomplete, json_t *ev) {
    const json_t *declared =
        json_object_get(json_object_get(e->spec, "system"), "declared_components");
    int needs_nodes = 0;
    size_t i, j;
    json_t *x, *d;
    json_array_foreach(C, i, x) {
        int in_declared = 0;
        json_array_foreach(declared, j, d) if (strcmp(jstr(d, "category"), json_string_value(x)) ==
                                               0) in_declared = 1;
        if (!in_declared) needs_nodes = 1;
    }
    json_t *bycat = json_object(), *unknown = json_array(), *by_type = json_array();
    json_array_foreach(C, i, x)
        json_object_set_new(bycat, json_string_value(x),
                            json_pack("{s:f,s:f,s:f,s:f}", "domestic", 0.0, "foreign", 0.0,
                                      "unknown", 0.0, "total", 0.0));
    double dom = 0, tot = 0;
    *incomplete = 0;
    char a[32];
    node **tn = calloc(e->nn + 1, sizeof *tn);
    for (size_t t = 0; tn && t < json_array_size(e->node_types); t++) {
        size_t n = tested_nodes(e, (int)t, tn);
        json_int_t count = nt_count(e, (int)t);
        size_t with_inv = 0;
        for (size_t k = 0; k < n; k++) with_inv += json_array_size(components(tn[k])) > 0;
        if (with_inv == 0) {
            if (needs_nodes) {
                *incomplete = 1;
                if (ev)
                    json_array_append_new(
                        ev, n == 0 ? txtf("node type %s: no tested node, its components are not "
                                          "known",
                                          "节点类型 %s：无受测节点，其部件未知", nt_id(e, (int)t))
                                   : txtf("node type %s: the inventory of its tested nodes is "
                                          "empty (no catalog identification)",
                                          "节点类型 %s：其受测节点的部件清单为空（目录未识别）",
                                          nt_id(e, (int)t)));
            }
            continue;
        }
        double tdom = 0, ttot = 0;
        json_array_foreach(C, i, x) {
            const char *cat = json_string_value(x);
            double cd = 0, cf = 0, cu = 0;
            for (size_t k = 0; k < n; k++) {
                if (!json_array_size(components(tn[k]))) continue;
                size_t q;
                json_t *c;
                json_array_foreach(components(tn[k]), q, c) {
                    if (!jstr(c, "category") || strcmp(jstr(c, "category"), cat) != 0) continue;
                    const char *o = jstr(c, "origin");
                    if (o && strcmp(o, "domestic") == 0)
                        cd += 1;
                    else if (o && strcmp(o, "foreign") == 0)
                        cf += 1;
                    else {
                        cu += 1;
                        /* list each unknown component once per node type */
                        int seen = 0;
                        size_t u;
                        json_t *ue;
                        json_array_foreach(
                            unknown, u,
                            ue) if (strcmp(jstr(ue, "category"), cat) == 0 &&
                                    strcmp(jstr(ue, "node_type") ? jstr(ue, "node_type") : "",
                                           nt_id(e, (int)t)) == 0 &&
                                    strcmp(jstr(ue, "name") ? jstr(ue, "name") : "",
                                           jstr(c, "name") ? jstr(c, "name") : "") == 0) seen = 1;
                        if (!seen)
                            json_array_append_new(unknown,
                                                  json_pack("{s:s,s:s?,s:s,s:I}", "category", cat,
                                                            "name", jstr(c, "name"), "node_type",
                                                            nt_id(e, (int)t), "count", count));
                    }
                }
            }
            /* per node of the type, averaged over its tested nodes with an inventory */
            double w = (double)count / (double)with_inv;
            json_t *bc = json_object_get(bycat, cat);
            json_object_set_new(
                bc, "domestic",
                json_real(json_number_value(json_object_get(bc, "domestic")) + w * cd));
            json_object_set_new(
                bc, "foreign",
                json_real(json_number_value(json_object_get(bc, "foreign")) + w * cf));
            json_object_set_new(
                bc, "unknown",
                json_real(json_number_value(json_object_get(bc, "unknown")) + w * cu));
            json_object_set_new(
                bc, "total",
                json_real(json_number_value(json_object_get(bc, "total")) + w * (cd + cf + cu)));
            tdom += cd / (double)with_inv, ttot += (cd + cf + cu) / (double)with_inv;
        }
        dom += (double)count * tdom, tot += (double)count * ttot;
        json_array_append_new(by_type,
                              json_pack("{s:s,s:I,s:I,s:f,s:f}", "node_type", nt_id(e, (int)t),
                                        "count", count, "tested", (json_int_t)n,
                                        "domestic_per_node", tdom, "total_per_node", ttot));
        if (ev)
            json_array_append_new(
                ev, txtf("node type %s: %.3g of %.3g components domestic per "
                         "node, × %lld nodes",
                         "节点类型 %s：每节点 %.3g / %.3g 个部件为国产，× %lld 个节点",
                         nt_id(e, (int)t), tdom, ttot, (long long)count));
    }
    free(tn);
    json_array_foreach(declared, j, d) {
        const char *cat = jstr(d, "category");
        if (!in_list(C, cat)) continue;
        double cnt = (double)json_integer_value(json_object_get(d, "count"));
        const char *o = jstr(d, "origin");
        const char *k = strcmp(o, "domestic") == 0  ? "domestic"
                        : strcmp(o, "foreign") == 0 ? "foreign"
                                                    : "unknown";
        json_t *bc = json_object_get(bycat, cat);
        json_object_set_new(bc, k, json_real(json_number_value(json_object_get(bc, k)) + cnt));
        json_object_set_new(bc, "total",
                            json_real(json_number_value(json_object_get(bc, "total")) + cnt));
        tot += cnt;
        if (strcmp(k, "domestic") == 0) dom += cnt;
        if (strcmp(k, "unknown") == 0)
            json_array_append_new(unknown, json_pack("{s:s,s:s,s:s,s:f}", "category", cat, "name",
                                                     jstr(d, "name"), "node_type", "(declared)",
                                                     "count", cnt));
        if (ev)
            json_array_append_new(ev, txtf("declared %s %s: %s × %.0f", "声明部件 %s %s：%s × %.0f",
                                           cat, jstr(d, "name"), o, cnt));
    }
    char cl[256];
    join(C, ", ", cl, sizeof cl);
    json_t *o = json_pack(
        "{s:s,s:O,s:f,s:f,s:o,s:o,s:o,s:o}", "kind", "count", "categories", C, "domestic", dom,
        "total", tot, "by_category", bycat, "unknown_components", unknown, "by_node_type", by_type,
        "method",
        txtf("count-based: domestic ÷ all inventoried components in the categories %s; each "
             "distinct component of a node counts once; node types weighted by their node count "
             "(the mean over their tested nodes), plus the spec's declared components; unknown "
             "origin counts as not domestic",
             "按部件数量：类别 %s 中国产部件数 ÷ 清单部件总数；每个节点上的每种部件计 1 次；"
             "各节点类型按节点数加权（取受测节点的平均），再加上规范中声明的部件；来源未知按非国产"
             "计",
             cl));
    set_num(o, "ratio", tot > 0 ? dom / tot : NAN);
    (void)a;
    return o;
}

static json_t *eval_autonomy(evalctx *e, const json_t *cl, json_t *sys_aut) {
    const char *method = jstr(cl, "method");
    double min = json_number_value(json_object_get(cl, "min"));
    char a[32], b[32], l[256];
    json_t *c;
    if (strcmp(method, "count") == 0) {
        const json_t *C = json_object_get(cl, "categories");
        join(C, ", ", l, sizeof l);
        c = clause_new(cl, txtf("Autonomy (count-based: %s) ≥ %s", "自主率（按部件数量：%s）≥ %s",
                                l, pct(a, sizeof a, min)));
        int incomplete;
        json_t *fig = autonomy_count(e, C, &incomplete, json_object_get(c, "evidence"));
        json_object_set(c, "method", json_object_get(fig, "method"));
        json_object_set(c, "details", fig);
        json_t *r = json_object_get(fig, "ratio");
        size_t nu = json_array_size(json_object_get(fig, "unknown_components"));
        if (nu)
            evidence(c,
                     txtf("%zu component(s) of unknown origin, counted as not domestic (listed "
                          "in details.unknown_components)",
                          "%zu 个来源未知的部件，按非国产计（见 details.unknown_components）", nu));
        if (incomplete)
            set_verdict(c, "not_measurable",
                        txt("the components of some node types are not known (untested, or "
                            "their inventory is empty)",
                            "部分节点类型的部件未知（未受测，或其部件清单为空）"));
        else if (!json_is_number(r))
            set_verdict(c, "not_measurable",
                        txt("no component in these categories", "这些类别中没有部件"));
        else {
            double ratio = json_number_value(r);
            set_num(c, "measured", ratio);
            int ok = ratio >= min;
            set_verdict(c, ok ? "pass" : "fail",
                        txtf("%s domestic (%.6g of %.6g) %s %s", "国产占比 %s（%.6g / %.6g）%s %s",
                             pct(a, sizeof a, ratio),
                             json_number_value(json_object_get(fig, "domestic")),
                             json_number_value(json_object_get(fig, "total")), ok ? "≥" : "<",
                             pct(b, sizeof b, min)));
        }
        json_object_set_new(json_object_get(sys_aut, "clauses"), jstr(cl, "id"), fig);
    } else {
        const json_t *P = json_object_get(cl, "precision");
        json_t *kernels = json_object_get(cl, "kernels");
        char pu[64], kl[128];
        precs_upper(P, pu, sizeof pu);
        join(kernels, ", ", kl, sizeof kl);
        c = clause_new(cl, txtf("Autonomy (compute-weighted: %s) ≥ %s",
                                "自主率（按算力加权：%s）≥ %s", pu, pct(a, sizeof a, min)));
        json_t *byp = json_object();
        double worst = INFINITY, wdom = NAN, wtot = NAN;
        const char *wunit = "FLOP/s";
        int untested = 0, empty = 0;
        size_t i, nf = 0;
        char first[512] = "";
        json_t *x;
        json_array_foreach(P, i, x) {
            json_t *one = json_pack("[O]", x);
            const measure *m = measure_for(e, one, kernels);
            json_decref(one);
            char f1[512] = "";
            size_t k = failed_evidence(e, m, e->all_types, c, f1, sizeof f1);
            if (k && !first[0]) hb__sfmt(first, sizeof first, "%s", f1);
            nf += k;
            double dom = 0, tot = 0;
            node **tn = calloc(e->nn + 1, sizeof *tn);
            for (size_t t = 0; tn && t < json_array_size(e->node_types); t++) {
                size_t n = tested_nodes(e, (int)t, tn);
                if (!n) {
                    untested = 1;
                    continue;
                }
                double md = 0, mt = 0;
                for (size_t k = 0; k < n; k++) {
                    json_t *cap = json_object_get(json_object_get(tn[k]->out, "capacity"), m->key);
                    md += json_number_value(json_object_get(cap, "domestic"));
                    mt += json_number_value(json_object_get(cap, "value"));
                }
                double cnt = (double)nt_count(e, (int)t);
                dom += cnt * md / (double)n, tot += cnt * mt / (double)n;
            }
            free(tn);
            const char *unit = prec_unit(json_string_value(x));
            json_t *o = json_pack("{s:f,s:f,s:s}", "domestic", dom, "total", tot, "unit", unit);
            set_num(o, "ratio", tot > 0 ? dom / tot : NAN);
            json_object_set_new(byp, json_string_value(x), o);
            if (!(tot > 0)) {
                empty = 1;
                continue;
            }
            evidence(c, txtf("%s: domestic devices deliver %s of %s (%s)",
                             "%s：国产设备提供 %s / %s（%s）", prec_upper(json_string_value(x)),
                             si(a, sizeof a, dom, unit), si(b, sizeof b, tot, unit),
                             pct(l, sizeof l, dom / tot)));
            if (dom / tot < worst) worst = dom / tot, wdom = dom, wtot = tot, wunit = unit;
        }
        json_t *fig = json_pack(
            "{s:s,s:O,s:O,s:o,s:s,s:o}", "kind", "compute", "precision", P, "kernels", kernels,
            "by_precision", byp, "unit", wunit, "method",
            txtf("compute-weighted: the share of the measured system capacity (kernels %s; each "
                 "node type's mean node capacity × its node count) delivered by devices of "
                 "domestic origin, per precision; the figure is the lowest over %s",
                 "按算力加权：国产设备在实测系统算力（内核 %s；各节点类型平均节点算力 × 节点数）"
                 "中的占比，按精度分别计算；取 %s 中的最低值",
                 kl, pu));
        set_num(fig, "ratio", worst);
        set_num(fig, "domestic", wdom);
        set_num(fig, "total", wtot);
        json_object_set(c, "method", json_object_get(fig, "method"));
        json_object_set(c, "details", fig);
        if (!untested && !empty) set_num(c, "measured", worst);
        if (nf)
            set_verdict(c, "fail",
                        txtf("%zu record(s) of these precisions and kernels failed verification, "
                             "first: %s",
                             "%zu 条这些精度和内核的记录校验失败，第一条：%s", nf, first));
        else if (untested)
            set_verdict(c, "not_measurable",
                        txt("some node types have no tested node", "部分节点类型无受测节点"));
        else if (empty)
            set_verdict(
                c, "not_measurable",
                txtf("no verified capacity at some of %s", "%s 中部分精度无已校验算力", pu));
        else {
            int ok = worst >= min;
            set_verdict(c, ok ? "pass" : "fail",
                        txtf("lowest domestic share %s %s %s", "最低国产占比 %s %s %s",
                             pct(a, sizeof a, worst), ok ? "≥" : "<", pct(b, sizeof b, min)));
        }
        if (!json_object_get(sys_aut, "compute")) json_object_set(sys_aut, "compute", fig);
        json_object_set_new(json_object_get(sys_aut, "clauses"), jstr(cl, "id"), fig);
    }
    json_object_set_new(c, "comparison", json_string(">="));
    json_object_set_new(c, "unit", json_string("ratio"));
    set_num(c, "threshold", min);
    return c;
}

/* ---- compute structure ---- */
static json_t *eval_structure(evalctx *e, const json_t *cl, json_t *sys) {
    static const char *const roles[] = {"hpc", "ai", "general"};
    static const char *const role_en[] = {"supercomputing", "AI", "general"};
    static const char *const role_zh[] = {"超算", "智算", "通用"};
    const json_t *targets = json_object_get(cl, "targets");
    const json_t *norm = json_object_get(cl, "normalisation");
    const json_t *factors = json_object_get(norm, "factors");
    json_t *kernels = json_object_get(cl, "kernels");
    char a[64], b[64], c1[64];
    json_t *c = clause_new(cl, txt("Compute structure", "算力结构"));
    json_object_set_new(c, "comparison", json_string("targets"));
    json_object_set_new(c, "unit", json_string("share"));
    double cap[3] = {0, 0, 0}, normed[3], total = 0;
    int untested = 0;
    size_t nf = 0;
    char untested_ids[256] = "", first[512] = "";
    for (int r = 0; r < 3; r++) {
        const char *prec = hb__role_precision(roles[r]);
        json_t *pl = json_pack("[s]", prec);
        const measure *m = measure_for(e, pl, kernels);
        json_decref(pl);
        /* failed verification in the role's native precision on the role's node types */
        json_t *role_types = json_array();
        for (size_t t = 0; t < json_array_size(e->node_types); t++)
            if (strcmp(jstr(nt_at(e, (int)t), "role"), roles[r]) == 0)
                json_array_append_new(role_types, json_string(nt_id(e, (int)t)));
        char f1[512] = "";
        size_t k = failed_evidence(e, m, role_types, c, f1, sizeof f1);
        if (k && !first[0]) hb__sfmt(first, sizeof first, "%s", f1);
        nf += k;
        json_decref(role_types);
        for (size_t t = 0; t < json_array_size(e->node_types); t++) {
            if (strcmp(jstr(nt_at(e, (int)t), "role"), roles[r]) != 0) continue;
            json_t *st =
                json_object_get(json_object_get(json_array_get(e->nt_out, t), "capacity"), m->key);
            if (!json_is_number(json_object_get(st, "system"))) {
                untested = 1;
                size_t l = strlen(untested_ids);
                hb__sfmt(untested_ids + l, sizeof untested_ids - l, "%s%s", l ? ", " : "",
                         nt_id(e, (int)t));
                continue;
            }
            cap[r] += json_number_value(json_object_get(st, "system"));
        }
        normed[r] = cap[r] * json_number_value(json_object_get(factors, prec));
        total += normed[r];
    }
    json_t *rl = json_array();
    int all_met = 1;
    for (int r = 0; r < 3; r++) {
        const char *prec = hb__role_precision(roles[r]);
        double share = total > 0 ? normed[r] / total : NAN;
        const json_t *tg = json_object_get(targets, roles[r]);
        json_t *o = json_pack(
            "{s:s,s:s,s:f,s:f,s:f}", "role", roles[r], "precision", prec, "capacity", cap[r],
            "factor", json_number_value(json_object_get(factors, prec)), "normalised", normed[r]);
        set_num(o, "share", share);
        json_object_set(o, "target", tg ? (json_t *)tg : json_null());
        if (tg && isfinite(share)) {
            int met;
            const json_t *v;
            if ((v = json_object_get(tg, "max")))
                met = share <= json_number_value(v) + 1e-12;
            else if ((v = json_object_get(tg, "min")))
                met = share >= json_number_value(v) - 1e-12;
            else
                met = fabs(share - json_number_value(json_object_get(tg, "approx"))) <=
                      json_number_value(json_object_get(tg, "tolerance")) + 1e-12;
            json_object_set_new(o, "met", json_boolean(met));
            all_met &= met;
            const char *kind = json_object_get(tg, "max")   ? "≤"
                               : json_object_get(tg, "min") ? "≥"
                                                            : "≈";
            double tv =
                json_number_value(json_object_get(tg, json_object_get(tg, "max")   ? "max"
                                                      : json_object_get(tg, "min") ? "min"
                                                                                   : "approx"));
            evidence(c, txtf("%s (%s at %s): %s × %.3g = %s, share %s, target %s %s: %s",
                             "%s（%s，%s）：%s × %.3g = %s，占比 %s，目标 %s %s：%s", roles[r],
                             role_en[r], prec, si(a, sizeof a, cap[r], "FLOP/s"),
                             json_number_value(json_object_get(factors, prec)),
                             si(b, sizeof b, normed[r], "FLOP/s"), pct(c1, sizeof c1, share), kind,
                             pct((char[32]){0}, 32, tv), met ? "met" : "not met"));
            (void)role_zh;
        } else
            json_object_set_new(o, "met", json_null());
        json_array_append_new(rl, o);
    }
    char fl[256] = "";
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)factors, k, v) {
        size_t l = strlen(fl);
        hb__sfmt(fl + l, sizeof fl - l, "%s%s × %g", l ? ", " : "", k, json_number_value(v));
    }
    json_t *st = json_pack(
        "{s:o,s:f,s:s,s:O,s:O,s:o}", "roles", rl, "total", total, "unit", jstr(norm, "unit"),
        "factors", factors, "kernels", kernels, "rule",
        txtf("each role's system capacity in its native precision (hpc: f64, ai: f16, general: "
             "f32; Σ over the node types of the role of count × L), multiplied by the factor of "
             "that precision (%s) to express it in %s-equivalent FLOP/s; share = normalised ÷ "
             "the sum of the three",
             "各角色的系统算力按其原生精度计（超算 f64、智算 f16、通用 f32；该角色各节点类型的"
             "数量 × L 之和），乘以该精度的系数（%s）折算为 %s 等效 FLOP/s；占比 = 归一化算力 ÷ "
             "三者之和",
             fl, jstr(norm, "unit")));
    json_object_set(c, "details", st);
    json_object_set(c, "method", json_object_get(st, "rule"));
    json_object_set_new(sys, "structure", st);
    if (nf)
        set_verdict(c, "fail",
                    txtf("%zu record(s) in the roles' native precisions failed verification, "
                         "first: %s",
                         "%zu 条各角色原生精度的记录校验失败，第一条：%s", nf, first));
    else if (untested)
        set_verdict(
            c, "not_measurable",
            txtf("node type(s) %s have no tested node", "节点类型 %s 无受测节点", untested_ids));
    else if (!(total > 0))
        set_verdict(c, "not_measurable",
                    txt("no verified capacity in any role", "各角色均无已校验算力"));
    else
        set_verdict(c, all_met ? "pass" : "fail",
                    all_met ? txt("every target is met", "各项目标均达到")
                            : txt("at least one target is not met", "至少一项目标未达到"));
    return c;
}

/* ---- PUE and rack power ---- */

static void spec_relative(const evalctx *e, const char *file, char *out, size_t n) {
    if (file[0] == '/')
        hb__sfmt(out, n, "%s", file);
    else
        hb__sfmt(out, n, "%s/%s", e->spec_dir, file);
}

/* Loads a meter log named by the spec. 1 loaded, 0 missing (reason in why), -1 malformed (bad
   input: err set). */
static int load_log(evalctx *e, const char *file, hb__power_log *log, char *why, size_t wn) {
    char path[4200];
    spec_relative(e, file, path, sizeof path);
    memset(log, 0, sizeof *log);
    if (access(path, F_OK) != 0) {
        hb__sfmt(why, wn, "%s: %s", path, strerror(errno));
        return 0;
    }
    if (hb__power_log_load(path, log, e->err, e->errn) != 0) return -1;
    if (log->n < 2) {
        hb__sfmt(why, wn, "%s: fewer than 2 samples", path);
        hb__power_log_free(log);
        return 0;
    }
    return 1;
}

static json_t *eval_pue(evalctx *e, const json_t *cl, json_t *sys, int *bad) {
    double max = json_number_value(json_object_get(cl, "max"));
    json_t *c = clause_new(cl, txtf("PUE ≤ %.3g", "PUE ≤ %.3g", max));
    json_object_set_new(c, "comparison", json_string("<="));
    set_num(c, "threshold", max);
    json_object_set_new(c, "method",
                        txt("PUE = ∫ facility power ÷ ∫ IT power over the common period of the "
                            "two logs (trapezoid rule, the power at the period's ends "
                            "interpolated)",
                            "PUE = 设施总功率积分 ÷ IT 设备功率积分，在两份日志的共同时段内计算"
                            "（梯形法，时段两端功率插值）"));
    hb__power_log fl, il;
    char why[600] = "";
    int f = load_log(e, jstr(cl, "facility_log"), &fl, why, sizeof why);
    if (f < 0) {
        *bad = 1;
        return c;
    }
    int i = f ? load_log(e, jstr(cl, "it_log"), &il, why, sizeof why) : 0;
    if (i < 0) {
        hb__power_log_free(&fl);
        *bad = 1;
        return c;
    }
    if (!f || !i) {
        if (f) hb__power_log_free(&fl);
        set_verdict(c, "not_measurable", txtf("meter log missing: %s", "计量日志缺失：%s", why));
        return c;
    }
    double t0 = fmax(fl.t[0], il.t[0]), t1 = fmin(fl.t[fl.n - 1], il.t[il.n - 1]);
    double ef, ei;
    if (!(t1 > t0) || hb__series_energy_power(fl.t, fl.w, fl.n, t0, t1, &ef) != 0 ||
        hb__series_energy_power(il.t, il.w, il.n, t0, t1, &ei) != 0 || !(ei > 0)) {
        set_verdict(c, "not_measurable",
                    txt("the facility and IT logs have no common period with IT energy",
                        "设施日志与 IT 日志没有共同的时段（或 IT 能耗为 0）"));
    } else {
        double pue = ef / ei;
        set_num(c, "measured", pue);
        json_t *o =
            json_pack("{s:f,s:f,s:f,s:f,s:f,s:f,s:s,s:s}", "pue", pue, "facility_joules", ef,
                      "it_joules", ei, "start_unix", t0, "end_unix", t1, "seconds", t1 - t0,
                      "facility_log", jstr(cl, "facility_log"), "it_log", jstr(cl, "it_log"));
        json_object_set_new(sys, "pue", o);
        char a[64], b[64];
        evidence(c, txtf("facility %s, IT %s over %.0f s (%zu and %zu samples)",
                         "设施 %s，IT %s，共 %.0f 秒（%zu 与 %zu 个采样）",
                         si(a, sizeof a, ef / 3600, "Wh"), si(b, sizeof b, ei / 3600, "Wh"),
                         t1 - t0, fl.n, il.n));
        int ok = pue <= max;
        set_verdict(c, ok ? "pass" : "fail",
                    txtf("PUE %.3f %s %.3g", "PUE %.3f %s %.3g", pue, ok ? "≤" : ">", max));
    }
    hb__power_log_free(&fl);
    hb__power_log_free(&il);
    return c;
}

/* The node's power under load: the median over its ok records of the node-scope (node-ac)
   meter's average watts; NAN when no record has one. */
static double node_power(const node *nd) {
    double *w = NULL;
    int n = 0, cap = 0;
    size_t i, j;
    json_t *r, *m;
    json_array_foreach(json_object_get(nd->doc, "records"), i, r) {
        if (strcmp(jstr(r, "status"), "ok") != 0) continue;
        json_array_foreach(json_object_get(json_object_get(r, "energy"), "meters"), j, m) {
            const char *sc = jstr(m, "scope");
            const json_t *aw = json_object_get(m, "average_watts");
            if (!sc || strcmp(sc, "node-ac") != 0 || !json_is_number(aw)) continue;
            if (n == cap) {
                cap = cap ? 2 * cap : 16;
                double *nw = realloc(w, (size_t)cap * sizeof *w);
                if (!nw) break;
                w = nw;
            }
            w[n++] = json_number_value(aw);
            break;
        }
    }
    double med = n ? median_of(w, n) : NAN;
    free(w);
    return med;
}

static json_t *eval_rack(evalctx *e, const json_t *cl, json_t *sys, const char *it_log_default,
                         int *bad) {
    double min = json_number_value(json_object_get(cl, "min_kw"));
    json_t *c = clause_new(cl, txtf("Average rack power ≥ %.3g kW", "平均机柜功率 ≥ %.3g kW", min));
    json_object_set_new(c, "comparison", json_string(">="));
    json_object_set_new(c, "unit", json_string("kW"));
    set_num(c, "threshold", min);
    const json_t *racks = json_object_get(json_object_get(e->spec, "system"), "racks");
    const char *it = jstr(cl, "it_log") ? jstr(cl, "it_log") : it_log_default;
    if (!json_is_integer(racks)) {
        json_object_set_new(c, "method", txt("needs system.racks", "需要 system.racks"));
        set_verdict(c, "not_measurable",
                    txt("the spec does not give the number of racks (system.racks)",
                        "规范未给出机柜数（system.racks）"));
        return c;
    }
    double nr = (double)json_integer_value(racks), watts = NAN;
    char why[600] = "";
    json_t *method = NULL;
    if (it) {
        hb__power_log il;
        int l = load_log(e, it, &il, why, sizeof why);
        if (l < 0) {
            *bad = 1;
            return c;
        }
        if (l) {
            double ej;
            if (hb__series_energy_power(il.t, il.w, il.n, il.t[0], il.t[il.n - 1], &ej) == 0 &&
                il.t[il.n - 1] > il.t[0]) {
                watts = ej / (il.t[il.n - 1] - il.t[0]);
                method = txtf("the IT log's mean power (∫P dt ÷ duration of %s) ÷ %.0f racks",
                              "IT 日志的平均功率（%s 的 ∫P dt ÷ 时长）÷ %.0f 个机柜", it, nr);
                evidence(c, txtf("IT log %s: mean %.4g kW over %.0f s",
                                 "IT 日志 %s：平均 %.4g kW，共 %.0f 秒", it, watts / 1e3,
                                 il.t[il.n - 1] - il.t[0]));
            }
            hb__power_log_free(&il);
        } else
            evidence(c, txtf("IT log not available: %s", "IT 日志不可用：%s", why));
    }
    if (!isfinite(watts)) {
        /* Σ count × measured node power */
        double sum = 0;
        int missing = 0;
        node **tn = calloc(e->nn + 1, sizeof *tn);
        for (size_t t = 0; tn && t < json_array_size(e->node_types); t++) {
            size_t n = tested_nodes(e, (int)t, tn);
            double s = 0;
            int k = 0;
            for (size_t i = 0; i < n; i++) {
                double p = node_power(tn[i]);
                if (isfinite(p)) s += p, k++;
            }
            if (!k) {
                missing = 1;
                evidence(c, txtf("node type %s: no node-scope power measured",
                                 "节点类型 %s：无整机功率测量", nt_id(e, (int)t)));
                continue;
            }
            sum += (double)nt_count(e, (int)t) * s / k;
            evidence(c, txtf("node type %s: %lld × %.4g W", "节点类型 %s：%lld × %.4g W",
                             nt_id(e, (int)t), (long long)nt_count(e, (int)t), s / k));
        }
        free(tn);
        if (!missing) {
            watts = sum;
            method = txtf("Σ over node types of count × the mean node-scope power of the tested "
                          "nodes (median over each node's records) ÷ %.0f racks",
                          "Σ(节点类型数量 × 受测节点整机功率均值（每节点取其记录的中位数））÷ %.0f "
                          "个机柜",
                          nr);
        }
    }
    json_object_set_new(c, "method",
                        method
                            ? method
                            : txt("the IT log's mean power ÷ racks, else Σ count × measured "
                                  "node power ÷ racks",
                                  "IT 日志平均功率 ÷ 机柜数，否则 Σ 数量 × 实测节点功率 ÷ 机柜数"));
    if (!isfinite(watts)) {
        set_verdict(c, "not_measurable",
                    txt("neither an IT log nor node-scope power for every node type",
                        "既无 IT 日志，也没有每种节点类型的整机功率"));
        return c;
    }
    double kw = watts / 1e3 / nr;
    set_num(c, "measured", kw);
    json_object_set_new(
        sys, "rack_power",
        json_pack("{s:f,s:f,s:f}", "racks", nr, "it_watts", watts, "kw_per_rack", kw));
    int ok = kw >= min;
    set_verdict(
        c, ok ? "pass" : "fail",
        txtf("%.3g kW per rack %s %.3g kW", "每机柜 %.3g kW %s %.3g kW", kw, ok ? "≥" : "<", min));
    return c;
}

/* ---- node types and inventories ---- */

/* "19e5:d801" from a PCI entry's vendor/device fields (hex, "0x" optional). */
static void pci_id(const json_t *p, char *out, size_t n) {
    const char *v = jstr(p, "vendor") ? jstr(p, "vendor") : jstr(p, "vendor_id");
    const char *d = jstr(p, "device") ? jstr(p, "device") : jstr(p, "device_id");
    out[0] = '\0';
    if (!v || !d) return;
    if (!strncasecmp(v, "0x", 2)) v += 2;
    if (!strncasecmp(d, "0x", 2)) d += 2;
    hb__sfmt(out, n, "%s:%s", v, d);
    for (char *c = out; *c; c++) *c = (char)tolower((unsigned char)*c);
}

static int match_accelerator(const node *nd, const char *want) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(nd->sys, "devices"), i, x) {
        const char *type = jstr(x, "type");
        if (type && strcmp(type, "cpu") == 0) continue;
        if (ci_contains(jstr(x, "name"), want) || ci_contains(jstr(x, "vendor"), want)) return 1;
        const json_t *pr = json_object_get(x, "properties");
        char id[64];
        const char *pv = jstr(pr, "pci_vendor_id");
        if (pv) {
            hb__sfmt(id, sizeof id, "%s", !strncasecmp(pv, "0x", 2) ? pv + 2 : pv);
            if (ci_contains(id, want)) return 1;
        }
    }
    json_array_foreach(json_object_get(nd->sys, "pci"), i, x) {
        char id[64];
        pci_id(x, id, sizeof id);
        if (ci_contains(id, want)) return 1;
        const char *k;
        json_t *v;
        json_object_foreach(x, k, v) if (json_is_string(v) &&
                                         ci_contains(json_string_value(v), want)) return 1;
    }
    json_array_foreach(components(nd), i, x) {
        const char *cat = jstr(x, "category");
        if (cat && strcmp(cat, "accelerator") == 0 &&
            (ci_contains(jstr(x, "name"), want) || ci_contains(jstr(x, "vendor"), want)))
            return 1;
    }
    return 0;
}

static int match_node_type(const node *nd, const json_t *nt) {
    const json_t *m = json_object_get(nt, "match");
    const json_t *hosts = json_object_get(m, "hosts");
    if (hosts) {
        int any = 0;
        size_t i;
        json_t *g;
        json_array_foreach(hosts, i, g) if (fnmatch(json_string_value(g), nd->host, 0) == 0) any =
            1;
        if (!any) return 0;
    }
    const char *cpu = jstr(m, "cpu");
    if (cpu) {
        const json_t *c = json_object_get(nd->sys, "cpu");
        int ok = ci_contains(jstr(c, "model"), cpu) || ci_contains(jstr(c, "vendor"), cpu);
        size_t i;
        json_t *x;
        json_array_foreach(components(nd), i, x) {
            const char *cat = jstr(x, "category");
            if (cat && strcmp(cat, "cpu") == 0 &&
                (ci_contains(jstr(x, "name"), cpu) || ci_contains(jstr(x, "vendor"), cpu)))
                ok = 1;
        }
        if (!ok) return 0;
    }
    const char *acc = jstr(m, "accelerator");
    if (acc && !match_accelerator(nd, acc)) return 0;
    const char *os = jstr(m, "os");
    if (os) {
        const json_t *o = json_object_get(nd->sys, "os");
        if (!ci_contains(jstr(o, "id"), os) && !ci_contains(jstr(o, "pretty_name"), os)) return 0;
    }
    return 1;
}

static int inventory_identifies(const json_t *inv) {
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(inv, "components"), i, c) {
        const char *o = jstr(c, "origin");
        if ((o && strcmp(o, "unknown") != 0) || jstr(c, "catalog_id")) return 1;
    }
    return 0;
}

/* The inventory from the report's catalog; the result's own system.inventory only when the
   catalog identifies nothing and the result's does. */
static void node_inventory(node *nd, const struct hb__catalog *cat) {
    json_t *inv = hb__inventory_build(cat, nd->sys);
    const json_t *mine = json_object_get(nd->sys, "inventory");
    if ((!inv || !inventory_identifies(inv)) && json_is_object(mine) &&
        inventory_identifies(mine)) {
        json_decref(inv);
        nd->inv = json_deep_copy(mine);
        nd->inv_source = "result";
    } else {
        nd->inv = inv ? inv : json_pack("{s:[],s:i}", "components", "unknown", 0);
        nd->inv_source = "catalog";
    }
}

/* What a device id stands for in one run: the id, the device's name and PCI address. One id
   may name another device in another run of the same host: opencl:0.0 is PoCL's CPU with one
   set of OpenCL drivers and the GPU with another, cuda:0 follows CUDA_VISIBLE_DEVICES. */
static void device_identity(const node *nd, const char *dev, char *out, size_t n) {
    const json_t *d = dev ? find_device(nd, dev) : NULL;
    const char *name = jstr(d, "name"), *bus = jstr(json_object_get(d, "properties"), "pci_bus_id");
    hb__sfmt(out, n, "%s|%s|%s", dev ? dev : "", name ? name : "", bus ? bus : "");
}

/* The identity of a measurement of node nd's run, for pooling the runs of one host. */
static void measurement_key(const node *nd, const json_t *r, char *out, size_t n) {
    const json_t *impl = json_object_get(r, "implementation");
    const char *op = jstr(r, "operation"), *name = jstr(impl, "name");
    char dev[400];
    device_identity(nd, jstr(r, "device"), dev, sizeof dev);
    hb__sfmt(out, n, "%s|%s|%s|%s|%s|%s", dev, jstr(r, "kernel") ? jstr(r, "kernel") : "",
             jstr(r, "variant") ? jstr(r, "variant") : "", op ? op : "", rec_impl(r),
             name ? name : "");
}

/* The id in the base run of device dev of an older run (ids: identity → id in the base,
   completed here). A device the base lacks is copied into it; one whose id the base gives to
   another device is copied as "ID@FILE" (FILE: the older result's file name), so that its
   records are not taken for that device's. NULL: keep the record's id. */
static const char *merged_device_id(json_t *ids, json_t *devs, node *base, const node *old,
                                    const char *dev) {
    if (!dev || !json_is_array(devs)) return NULL;
    char ident[400];
    device_identity(old, dev, ident, sizeof ident);
    const char *to = json_string_value(json_object_get(ids, ident));
    if (to) return to;
    const json_t *od = find_device(old, dev);
    if (!od) return NULL; /* nothing known of it: taken for the base's device of that id */
    char nid[400];
    hb__sfmt(nid, sizeof nid, "%s", dev);
    if (find_device(base, dev)) {
        const char *file = strrchr(old->path, '/');
        file = file ? file + 1 : old->path;
        hb__sfmt(nid, sizeof nid, "%s@%s", dev, file);
        for (int k = 2; find_device(base, nid); k++)
            hb__sfmt(nid, sizeof nid, "%s@%s#%d", dev, file, k);
    }
    json_t *copy = json_deep_copy(od);
    json_object_set_new(copy, "id", json_string(nid));
    json_array_append_new(devs, copy);
    json_object_set_new(ids, ident, json_string(nid));
    return json_string_value(json_object_get(ids, ident));
}

/* 1 when node a's run is later than b's (ties: the file given last) */
static int run_later(const node *a, size_t ia, const node *b, size_t ib) {
    int c = strcmp(a->finished ? a->finished : "", b->finished ? b->finished : "");
    return c > 0 || (c == 0 && ia > ib);
}

/* 1 for a record that measured something: a figure (ok) or a verdict on it (failed
   verification). An interrupted, skipped, unsupported or error record measured nothing, so it
   never hides an earlier run's measurement of the same thing. */
static int rec_measured(const json_t *r) {
    const char *st = jstr(r, "status");
    return st && (!strcmp(st, "ok") || !strcmp(st, "failed_verification"));
}

/* See the caller. Records and device entries are copied into the base's document. */
static int merge_host_runs(evalctx *e, char *err, size_t n) {
    size_t *order = calloc(e->nn + 1, sizeof *order);
    if (!order) {
        hb__set_err(err, n, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < e->nn; i++) {
        node *base = &e->nodes[i];
        int latest = 1;
        for (size_t j = 0; j < e->nn && latest; j++)
            if (j != i && strcmp(e->nodes[j].host, base->host) == 0 &&
                run_later(&e->nodes[j], j, base, i))
                latest = 0;
        if (!latest) continue;
        /* the host's other runs, latest first */
        size_t no = 0;
        for (size_t j = 0; j < e->nn; j++) {
            if (j == i || strcmp(e->nodes[j].host, base->host) != 0) continue;
            size_t k = no++;
            while (k > 0 && run_later(&e->nodes[j], j, &e->nodes[order[k - 1]], order[k - 1])) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = j;
        }
        if (!no) continue;
        /* measured: what a later run measured (an older run's record of it is left out);
           listed: what a later run has any record of (an older record that measured nothing
           adds nothing then) */
        json_t *measured = json_object(), *listed = json_object(), *ids = json_object();
        json_t *recs = json_object_get(base->doc, "records");
        json_t *devs = json_object_get((json_t *)base->sys, "devices");
        char key[512];
        size_t ri;
        json_t *r;
        json_array_foreach(devs, ri, r) {
            const char *id = jstr(r, "id");
            if (!id) continue;
            device_identity(base, id, key, sizeof key);
            if (!json_object_get(ids, key)) json_object_set_new(ids, key, json_string(id));
        }
        json_array_foreach(recs, ri, r) {
            measurement_key(base, r, key, sizeof key);
            json_object_set_new(listed, key, json_true());
            if (rec_measured(r)) json_object_set_new(measured, key, json_true());
        }
        for (size_t o = 0; o < no; o++) {
            node *old = &e->nodes[order[o]];
            size_t taken = 0;
            json_array_foreach(json_object_get(old->doc, "records"), ri, r) {
                measurement_key(old, r, key, sizeof key);
                int m = rec_measured(r);
                if (json_object_get(m ? measured : listed, key)) continue;
                json_object_set_new(listed, key, json_true());
                if (m) json_object_set_new(measured, key, json_true());
                if (!json_is_array(recs)) continue;
                json_t *copy = json_deep_copy(r);
                const char *dev = jstr(r, "device");
                const char *to = merged_device_id(ids, devs, base, old, dev);
                if (to && strcmp(to, dev) != 0)
                    json_object_set_new(copy, "device", json_string(to));
                json_array_append_new(recs, copy);
                taken++;
            }
            if (taken) {
                old->status = IN_MERGED;
                old->reason = txtf("%zu of its records joined the node's latest run (%s, finished "
                                   "%s): measurements that run did not repeat",
                                   "其中 %zu 条记录并入该节点最新一次运行（%s，完成于 %s）："
                                   "该次运行未重复的测量",
                                   taken, base->path, base->finished ? base->finished : "?");
            } else {
                old->status = IN_SUPERSEDED;
                old->reason = txtf("superseded by %s (a later run of the same host, finished %s)",
                                   "已被 %s 取代（同一主机较晚的运行，完成于 %s）", base->path,
                                   base->finished ? base->finished : "?");
            }
        }
        json_decref(measured);
        json_decref(listed);
        json_decref(ids);
    }
    free(order);
    return 0;
}

static json_t *node_rated_peak(evalctx *e, node *nd) {
    static const char *const precs[] = {"f64", "f32", "f16", "bf16", "i8"};
    json_t *out = json_object();
    const json_t *declared = json_object_get(nt_at(e, nd->type), "rated_peak");
    for (size_t p = 0; p < sizeof precs / sizeof *precs; p++) {
        const json_t *d = json_object_get(declared, precs[p]);
        if (json_is_number(d)) {
            json_object_set_new(out, precs[p],
                                json_pack("{s:f,s:s,s:s}", "value", json_number_value(d), "unit",
                                          prec_unit(precs[p]), "source", "spec"));
            continue;
        }
        double sum = 0;
        int known = 0, unknown = 0;
        char formula[512] = "";
        size_t i;
        json_t *c;
        json_array_foreach(components(nd), i, c) {
            const char *cat = jstr(c, "category");
            if (!cat || (strcmp(cat, "cpu") != 0 && strcmp(cat, "accelerator") != 0)) continue;
            const json_t *rp = json_object_get(json_object_get(c, "rated_peak"), precs[p]);
            const json_t *v = json_object_get(rp, "value");
            if (!json_is_number(v)) {
                unknown++;
                continue;
            }
            known++;
            sum += json_number_value(v);
            size_t l = strlen(formula);
            hb__sfmt(formula + l, sizeof formula - l, "%s%s: %s", l ? "; " : "",
                     jstr(c, "name") ? jstr(c, "name") : "?",
                     jstr(rp, "formula") ? jstr(rp, "formula") : "?");
        }
        if (known)
            json_object_set_new(out, precs[p],
                                json_pack("{s:f,s:s,s:s,s:s,s:b}", "value", sum, "unit",
                                          prec_unit(precs[p]), "source", "catalog", "formula",
                                          formula, "partial", unknown > 0));
    }
    return out;
}

static json_t *node_failed_records(const node *nd) {
    json_t *out = json_array();
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(nd->doc, "records"), i, r) {
        const char *st = jstr(r, "status");
        if (st && (!strcmp(st, "failed_verification") || !strcmp(st, "error") ||
                   !strcmp(st, "interrupted")))
            json_array_append_new(out, failed_entry(r));
    }
    return out;
}

/* ---- roofline ---- */
static void roofline_add(evalctx *e, json_t *map) {
    static const char *const kernels[] = {"gemm", "lu", "stream", "peak"};
    for (size_t i = 0; i < e->nn; i++) {
        node *nd = &e->nodes[i];
        if (nd->status != IN_USED) continue;
        size_t j;
        json_t *r;
        json_array_foreach(json_object_get(nd->doc, "records"), j, r) {
            const char *k = jstr(r, "kernel");
            int want = 0;
            for (size_t q = 0; q < sizeof kernels / sizeof *kernels; q++)
                want |= strcmp(k, kernels[q]) == 0;
            if (!want || strcmp(jstr(r, "status"), "ok") != 0) continue;
            group g;
            group_of(nd, jstr(r, "device"), &g);
            const json_t *dev = find_device(nd, jstr(r, "device"));
            char label[260];
            hb__sfmt(label, sizeof label, "%s (%s)", g.label,
                     jstr(dev, "type") ? jstr(dev, "type") : "device");
            json_t *rf = json_object_get(map, label);
            if (!rf) {
                rf = json_pack("{s:s,s:{},s:n,s:[],s:{}}", "device_type", label, "compute_roof",
                               "bandwidth_roof", "points", "roof_kind");
                json_object_set_new(map, label, rf);
            }
            const char *prec = jstr(r, "variant");
            double v = rec_rate(r, NULL);
            if (strcmp(k, "stream") == 0) {
                const json_t *bw = json_object_get(rf, "bandwidth_roof");
                if (!json_is_number(bw) || v > json_number_value(bw))
                    json_object_set_new(rf, "bandwidth_roof", json_real(v));
            }
            json_t *roofs = json_object_get(rf, "compute_roof"),
                   *kinds = json_object_get(rf, "roof_kind");
            double rated = group_rated(nd, &g, prec, NULL);
            if (isfinite(rated)) {
                const char *kind = jstr(kinds, prec);
                double cur = json_number_value(json_object_get(roofs, prec));
                if (!kind || strcmp(kind, "rated") != 0 || rated > cur) {
                    json_object_set_new(roofs, prec, json_real(rated));
                    json_object_set_new(kinds, prec, json_string("rated"));
                }
            } else if (strcmp(k, "peak") == 0 && rec_is_ops(r)) {
                const char *kind = jstr(kinds, prec);
                double cur = json_number_value(json_object_get(roofs, prec));
                if (!kind || (strcmp(kind, "attainable") == 0 && v > cur)) {
                    json_object_set_new(roofs, prec, json_real(v));
                    json_object_set_new(kinds, prec, json_string("attainable"));
                }
            }
            const json_t *counts = json_object_get(r, "counts");
            double ops = json_number_value(json_object_get(counts, "ops"));
            double bytes = json_number_value(json_object_get(counts, "bytes"));
            if (!(ops > 0) || !(bytes > 0) || strcmp(k, "peak") == 0) continue;
            double flops = rec_is_ops(r) ? v : v * ops / bytes;
            const char *op = jstr(r, "operation");
            json_t *pts = json_object_get(rf, "points");
            size_t q, at = (size_t)-1;
            json_t *x;
            json_array_foreach(pts, q, x) {
                const char *xo = jstr(x, "operation");
                if (!strcmp(jstr(x, "kernel"), k) && !strcmp(jstr(x, "precision"), prec) &&
                    ((!xo && !op) || (xo && op && !strcmp(xo, op))))
                    at = q;
            }
            if (at != (size_t)-1 &&
                json_number_value(json_object_get(json_array_get(pts, at), "rate")) >= flops)
                continue;
            json_t *np =
                json_pack("{s:s,s:s?,s:s,s:f,s:f,s:s}", "kernel", k, "operation", op, "precision",
                          prec, "intensity", ops / bytes, "rate", flops, "host", nd->host);
            if (at != (size_t)-1)
                json_array_set_new(pts, at, np);
            else
                json_array_append_new(pts, np);
        }
    }
}

static json_t *roofline_finish(json_t *map) {
    json_t *out = json_array();
    const char *label;
    json_t *rf;
    json_object_foreach(map, label, rf) {
        json_t *kinds = json_object_get(rf, "roof_kind");
        char en[512] = "", zh[512] = "";
        const char *p;
        json_t *k;
        json_object_foreach(kinds, p, k) {
            int rated = strcmp(json_string_value(k), "rated") == 0;
            size_t l = strlen(en), m = strlen(zh);
            hb__sfmt(en + l, sizeof en - l, "%s%s: %s", l ? "; " : "", p,
                     rated ? "the catalog's rated peak" : "the peak kernel's measured rate");
            hb__sfmt(zh + m, sizeof zh - m, "%s%s：%s", m ? "；" : "", p,
                     rated ? "目录中的额定峰值" : "peak 内核的实测速率");
        }
        size_t l = strlen(en), m = strlen(zh);
        hb__sfmt(en + l, sizeof en - l, "%sbandwidth: the best STREAM rate measured",
                 l ? "; " : "");
        hb__sfmt(zh + m, sizeof zh - m, "%s带宽：实测最佳 STREAM 速率", m ? "；" : "");
        json_object_set_new(rf, "roof_source", txt(en, zh));
        json_array_append(out, rf);
    }
    return out;
}

/* ---- the evaluation ---- */

static void free_nodes(node *nodes, size_t n) {
    for (size_t i = 0; i < n; i++) {
        json_decref(nodes[i].doc);
        json_decref(nodes[i].inv);
        json_decref(nodes[i].units);
        json_decref(nodes[i].reason);
    }
    free(nodes);
}

static const char *verdict_word(const char *v, int zh) {
    if (!strcmp(v, "pass")) return zh ? "通过" : "pass";
    if (!strcmp(v, "fail")) return zh ? "不通过" : "fail";
    return zh ? "无法测量" : "not measurable";
}

/* Registers every measure the clauses will use (capacity clauses, compute-weighted autonomy,
   compute structure), so that the per-node figures exist before the clauses read them. */
static int register_measures(evalctx *e) {
    size_t i;
    json_t *cl;
    json_array_foreach(json_object_get(e->spec, "clauses"), i, cl) {
        const char *type = jstr(cl, "type");
        json_t *kernels = json_object_get(cl, "kernels");
        if (!strcmp(type, "capacity")) {
            if (!measure_for(e, json_object_get(cl, "precision"), kernels)) return -1;
        } else if (!strcmp(type, "autonomy") && !strcmp(jstr(cl, "method"), "compute")) {
            size_t j;
            json_t *p;
            json_array_foreach(json_object_get(cl, "precision"), j, p) {
                json_t *one = json_pack("[O]", p);
                /* the measure keeps borrowed lists: keep this one alive in the clause */
                json_t *keep = json_object_get(cl, "_measure_lists");
                if (!keep) {
                    keep = json_array();
                    json_object_set_new((json_t *)cl, "_measure_lists", keep);
                }
                json_array_append_new(keep, one);
                if (!measure_for(e, one, kernels)) return -1;
            }
        } else if (!strcmp(type, "compute_structure")) {
            static const char *const roles[] = {"hpc", "ai", "general"};
            for (int r = 0; r < 3; r++) {
                json_t *one = json_pack("[s]", hb__role_precision(roles[r]));
                json_t *keep = json_object_get(cl, "_measure_lists");
                if (!keep) {
                    keep = json_array();
                    json_object_set_new((json_t *)cl, "_measure_lists", keep);
                }
                json_array_append_new(keep, one);
                if (!measure_for(e, one, kernels)) return -1;
            }
        }
    }
    return 0;
}

json_t *hb__report_evaluate(const json_t *spec_in, const char *spec_path,
                            const struct hb__catalog *catalog, const char *const *results,
                            size_t nresults, char *err, size_t n) {
    if (nresults == 0) {
        hb__set_err(err, n, "no result file given");
        return NULL;
    }
    /* the evaluation annotates the clauses (kept lists): work on a copy */
    json_t *spec = json_deep_copy(spec_in);
    evalctx e;
    memset(&e, 0, sizeof e);
    e.spec = spec;
    e.node_types = json_object_get(json_object_get(spec, "system"), "node_types");
    e.err = err, e.errn = n;
    e.k = json_number_value(json_object_get(json_object_get(spec, "outliers"), "k"));
    if (!(e.k > 0)) e.k = 3;
    {
        char tmp[4096];
        hb__sfmt(tmp, sizeof tmp, "%s", spec_path);
        hb__sfmt(e.spec_dir, sizeof e.spec_dir, "%s", dirname(tmp));
    }
    e.nodes = calloc(nresults, sizeof *e.nodes);
    if (!spec || !e.nodes) {
        json_decref(spec);
        free(e.nodes);
        hb__set_err(err, n, "out of memory");
        return NULL;
    }
    e.nn = nresults;
    json_t *report = NULL;
    /* inputs */
    for (size_t i = 0; i < nresults; i++) {
        node *nd = &e.nodes[i];
        nd->path = results[i];
        nd->type = -1;
        if (hb_result_check_file(results[i], err, n) != HB_OK) goto bad;
        json_error_t je;
        nd->doc = json_load_file(results[i], 0, &je);
        if (!nd->doc) {
            hb__set_err(err, n, "%s:%d: %s", results[i], je.line, je.text);
            goto bad;
        }
        nd->sys = json_object_get(nd->doc, "system");
        nd->host = jstr(nd->sys, "host");
        if (!nd->host || !*nd->host) {
            hb__set_err(err, n,
                        "%s: field $.system.host is missing or empty: the node cannot be "
                        "told apart",
                        results[i]);
            goto bad;
        }
        /* a rate that is not finite in base units (or beyond any machine) would turn the sums
           into inf and drop the node's figures: bad input, named */
        size_t ri;
        json_t *rr;
        json_array_foreach(json_object_get(nd->doc, "records"), ri, rr) {
            if (strcmp(jstr(rr, "status"), "ok") != 0) continue;
            double lo, v = rec_rate(rr, &lo);
            if (!(v >= 0 && v <= MAX_RATE) || !(fabs(lo) <= MAX_RATE)) {
                hb__set_err(
                    err, n,
                    "%s: field $.records[%zu].rate: %g %s (CI low end %g) is not a "
                    "plausible rate (at most 1e30 per second in base units)",
                    results[i], ri,
                    json_number_value(json_object_get(json_object_get(rr, "rate"), "value")),
                    jstr(json_object_get(rr, "rate"), "unit")
                        ? jstr(json_object_get(rr, "rate"), "unit")
                        : "(no unit)",
                    json_number_value(json_array_get(
                        json_object_get(json_object_get(rr, "rate"), "median_ci"), 0)));
                goto bad;
            }
        }
        nd->schema = jstr(nd->doc, "schema_version");
        const json_t *run = json_object_get(nd->doc, "run");
        nd->finished =
            jstr(run, "finished_at") ? jstr(run, "finished_at") : jstr(run, "started_at");
    }
    /* Several results of one host are one node: its latest run (ties: the file given last)
       is the base, and each older run's records join it where no later run measured the same
       thing (device, kernel, precision, operation, implementation) — a CPU run and a GPU run
       of one node both count, a repeated run replaces the earlier one; a later record that
       measured nothing (interrupted, skipped, error) replaces no figure. An older result none
       of whose records is left is superseded. */
    if (merge_host_runs(&e, err, n)) goto bad;
    for (size_t i = 0; i < e.nn; i++) {
        node *nd = &e.nodes[i];
        node_inventory(nd, catalog);
        nd->units = hb__inventory_units(nd->sys);
        if (nd->status == IN_SUPERSEDED || nd->status == IN_MERGED) continue;
        for (size_t t = 0; t < json_array_size(e.node_types) && nd->type < 0; t++)
            if (match_node_type(nd, json_array_get(e.node_types, t))) nd->type = (int)t;
        if (nd->type < 0) {
            nd->status = IN_NOT_IN_INVENTORY;
            nd->reason = txtf("host %s matches no node type of the spec: it takes no part in any "
                              "clause",
                              "主机 %s 不匹配规范中的任何节点类型：不参与任何条款", nd->host);
        }
    }
    /* an older run merged into a latest run that is outside the inventory is outside too */
    for (size_t i = 0; i < e.nn; i++) {
        node *nd = &e.nodes[i];
        if (nd->status != IN_MERGED) continue;
        for (size_t j = 0; j < e.nn; j++) {
            const node *b = &e.nodes[j];
            if (j == i || b->status != IN_NOT_IN_INVENTORY || strcmp(b->host, nd->host) != 0)
                continue;
            json_decref(nd->reason);
            nd->status = IN_NOT_IN_INVENTORY;
            nd->reason = txtf("host %s matches no node type of the spec: it takes no part in any "
                              "clause (this run's records were pooled with its latest run, %s)",
                              "主机 %s 不匹配规范中的任何节点类型：不参与任何条款（本次运行的记录已"
                              "并入其最新一次运行 %s）",
                              nd->host, b->path);
            break;
        }
    }
    report = json_pack(
        "{s:i,s:s,s:s,s:{s:s,s:O},s:[],s:[],s:[],s:[],s:{s:{},s:{s:{}}},s:[],"
        "s:[]}",
        "report_version", 1, "generator", "hetbench " HB_VERSION_STRING, "generated_at", "", "spec",
        "path", spec_path, "name", json_object_get(spec, "name"), "inputs", "nodes", "node_types",
        "suspect_nodes", "system", "capacity", "autonomy", "clauses", "roofline", "clauses");
    if (!report) {
        hb__set_err(err, n, "out of memory");
        goto bad;
    }
    {
        char stamp[32];
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_object_set_new(report, "generated_at", json_string(stamp));
    }
    e.report = report;
    e.nt_out = json_object_get(report, "node_types");
    e.all_types = json_array();
    for (size_t t = 0; t < json_array_size(e.node_types); t++)
        json_array_append_new(e.all_types, json_string(nt_id(&e, (int)t)));
    for (size_t t = 0; t < json_array_size(e.node_types); t++) {
        const json_t *nt = nt_at(&e, (int)t);
        node **tn = calloc(e.nn + 1, sizeof *tn);
        size_t tested = tn ? tested_nodes(&e, (int)t, tn) : 0;
        free(tn);
        json_t *o =
            json_pack("{s:s,s:s,s:I,s:I,s:{}}", "id", nt_id(&e, (int)t), "role", jstr(nt, "role"),
                      "count", nt_count(&e, (int)t), "tested", (json_int_t)tested, "capacity");
        if (json_object_get(nt, "name")) json_object_set(o, "name", json_object_get(nt, "name"));
        if (json_object_get(nt, "rated_peak"))
            json_object_set(o, "rated_peak", json_object_get(nt, "rated_peak"));
        json_array_append_new(e.nt_out, o);
    }
    for (size_t i = 0; i < e.nn; i++) {
        node *nd = &e.nodes[i];
        static const char *const st[] = {"used", "not_in_inventory", "superseded", "merged"};
        json_t *in = json_pack("{s:s,s:s,s:s,s:s,s:s?}", "path", nd->path, "host", nd->host,
                               "schema_version", nd->schema, "status", st[nd->status],
                               "finished_at", nd->finished);
        json_object_set_new(in, "node_type",
                            nd->type >= 0 ? json_string(nt_id(&e, nd->type)) : json_null());
        json_object_set(in, "reason", nd->reason ? nd->reason : json_null());
        json_array_append_new(json_object_get(report, "inputs"), in);
        if (nd->status != IN_USED) continue;
        nd->out = json_pack("{s:s,s:s,s:s,s:s,s:{},s:o,s:[],s:[],s:n,s:O,s:s,s:{s:o},s:o,"
                            "s:b,s:[]}",
                            "host", nd->host, "node_type", nt_id(&e, nd->type), "result", nd->path,
                            "schema_version", nd->schema, "capacity", "rated_peak",
                            node_rated_peak(&e, nd), "efficiency", "energy", "node_power_w",
                            "inventory", nd->inv, "inventory_source", nd->inv_source, "autonomy",
                            "count", node_count_autonomy(nd), "failed_records",
                            node_failed_records(nd), "suspect", 0, "suspect_in");
        double pw = node_power(nd);
        if (isfinite(pw)) json_object_set_new(nd->out, "node_power_w", json_real(pw));
        json_array_append_new(json_object_get(report, "nodes"), nd->out);
    }
    if (register_measures(&e)) {
        hb__set_err(err, n, "%s: too many different capacity measures", spec_path);
        goto bad;
    }
    for (size_t m = 0; m < e.nm; m++) compute_measure(&e, &e.ms[m]);
    /* system capacity per measure, over every node type */
    json_t *sys = json_object_get(report, "system");
    for (size_t m = 0; m < e.nm; m++) {
        double sum = 0;
        int complete = 1;
        json_t *bt = json_array();
        for (size_t t = 0; t < json_array_size(e.node_types); t++) {
            json_t *st = json_object_get(json_object_get(json_array_get(e.nt_out, t), "capacity"),
                                         e.ms[m].key);
            json_t *sv = json_object_get(st, "system");
            if (!json_is_number(sv))
                complete = 0;
            else
                sum += json_number_value(sv);
            json_array_append_new(bt, json_pack("{s:s,s:O}", "node_type", nt_id(&e, (int)t),
                                                "contribution", sv ? sv : json_null()));
        }
        char kl[128], pl[64];
        join(e.ms[m].kernels, ", ", kl, sizeof kl);
        join(e.ms[m].precs, ", ", pl, sizeof pl);
        json_t *o = json_pack(
            "{s:s,s:O,s:O,s:b,s:o,s:o}", "unit", e.ms[m].unit, "precision", e.ms[m].precs,
            "kernels", e.ms[m].kernels, "complete", complete, "by_node_type", bt, "method",
            txtf(
                "Σ over node types of count × L; L = the one-sided 95 %% Student-t lower "
                "confidence bound of the mean of the tested nodes' capacity (n ≥ 2), or the lower "
                "end of the 95 %% CI of the median rate (n = 1); node capacity = Σ over physical "
                "devices (views of one chip count once: cpu:0 and an OpenCL CPU device, a GPU's "
                "CUDA "
                "and OpenCL devices) of the best verified rate among "
                "kernels %s at %s%s",
                "Σ(节点类型数量 × L)；L 为受测节点算力均值的单侧 95%% 学生 t 置信下限（n ≥ 2），"
                "或中位速率 95%% 置信区间的下端（n = 1）；节点算力 = 各物理设备（同一芯片的不同视图"
                "只计一次：cpu:0 与 OpenCL CPU 设备、同一 GPU 的 CUDA 与 OpenCL 设备）在内核 %s、"
                "精度 %s 下最佳已校验速率之和%s",
                kl, pl, complete ? "" : " — incomplete: some node types have no tested node"));
        if (!complete) {
            /* the Chinese text says it too */
            json_t *meth = json_object_get(o, "method");
            char zh[2048];
            hb__sfmt(zh, sizeof zh, "%s（不完整：部分节点类型无受测节点）", jstr(meth, "zh"));
            json_object_set_new(meth, "zh", json_string(zh));
        }
        json_object_set_new(o, "value", complete ? json_real(sum) : json_null());
        json_object_set_new(o, "partial_value", json_real(sum));
        json_object_set_new(json_object_get(sys, "capacity"), e.ms[m].key, o);
    }
    /* autonomy over every count clause's categories together */
    json_t *sys_aut = json_object_get(sys, "autonomy");
    {
        json_t *all = json_array();
        size_t i, j;
        json_t *cl, *x;
        json_array_foreach(json_object_get(spec, "clauses"), i, cl) {
            if (strcmp(jstr(cl, "type"), "autonomy") || strcmp(jstr(cl, "method"), "count"))
                continue;
            json_array_foreach(json_object_get(cl, "categories"), j,
                               x) if (!in_list(all, json_string_value(x)))
                json_array_append(all, x);
        }
        if (json_array_size(all)) {
            int incomplete;
            json_t *fig = autonomy_count(&e, all, &incomplete, NULL);
            json_object_set_new(fig, "complete", json_boolean(!incomplete));
            json_object_set_new(sys_aut, "count", fig);
        }
        json_decref(all);
    }
    /* clauses */
    {
        const char *it_default = NULL;
        size_t i;
        json_t *cl;
        json_array_foreach(json_object_get(spec, "clauses"), i,
                           cl) if (!strcmp(jstr(cl, "type"), "pue")) it_default =
            jstr(cl, "it_log");
        int pass = 0, fail = 0, nm = 0, unmet = 0, bad = 0;
        json_array_foreach(json_object_get(spec, "clauses"), i, cl) {
            const char *type = jstr(cl, "type");
            json_t *c = NULL;
            if (!strcmp(type, "capacity"))
                c = eval_capacity(&e, cl);
            else if (!strcmp(type, "efficiency"))
                c = eval_efficiency(&e, cl);
            else if (!strcmp(type, "energy_efficiency"))
                c = eval_energy(&e, cl);
            else if (!strcmp(type, "autonomy"))
                c = eval_autonomy(&e, cl, sys_aut);
            else if (!strcmp(type, "compute_structure"))
                c = eval_structure(&e, cl, sys);
            else if (!strcmp(type, "pue"))
                c = eval_pue(&e, cl, sys, &bad);
            else if (!strcmp(type, "rack_power"))
                c = eval_rack(&e, cl, sys, it_default, &bad);
            if (bad) {
                json_decref(c);
                goto bad;
            }
            if (!c) continue;
            const char *v = jstr(c, "verdict");
            int req = json_is_true(json_object_get(c, "required"));
            if (!strcmp(v, "pass"))
                pass++;
            else if (!strcmp(v, "fail"))
                fail++, unmet += req;
            else
                nm++, unmet += req;
            json_array_append_new(json_object_get(report, "clauses"), c);
        }
        json_object_set_new(
            report, "verdict",
            json_pack("{s:i,s:i,s:i,s:i,s:s,s:o}", "pass", pass, "fail", fail, "not_measurable", nm,
                      "required_unmet", unmet, "overall", unmet ? "fail" : "pass", "reason",
                      unmet ? txtf("%d required clause(s) failed or could not be "
                                   "measured",
                                   "%d 项必需条款不通过或无法测量", unmet)
                            : txt("every required clause passes", "所有必需条款均通过")));
    }
    {
        json_t *map = json_object();
        roofline_add(&e, map);
        json_object_set_new(report, "roofline", roofline_finish(map));
        json_decref(map);
    }
    free_nodes(e.nodes, e.nn);
    json_decref(e.all_types);
    json_decref(spec);
    (void)verdict_word;
    return report;
bad:
    json_decref(report);
    free_nodes(e.nodes, e.nn);
    json_decref(e.all_types);
    json_decref(spec);
    return NULL;
}

/* ---- output files ---- */

static hb_status mkdir_p(const char *dir, char *err, size_t n) {
    char tmp[4096];
    if (strlen(dir) >= sizeof tmp) {
        hb__set_err(err, n, "%.64s...: path too long", dir);
        return HB_E_IO;
    }
    memcpy(tmp, dir, strlen(dir) + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
            hb__set_err(err, n, "%s: cannot create directory %s: %s", dir, tmp, strerror(errno));
            return HB_E_IO;
        }
        *p = '/';
    }
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
        hb__set_err(err, n, "%s: cannot create directory: %s", dir, strerror(errno));
        return HB_E_IO;
    }
    struct stat st;
    if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)) {
        hb__set_err(err, n, "%s: not a directory", dir);
        return HB_E_IO;
    }
    return HB_OK;
}

typedef hb_status (*renderer)(const json_t *, const char *, FILE *);

static hb_status write_rendered(const json_t *report, const char *dir, const char *name,
                                renderer fn, const char *lang, char *err, size_t n) {
    char path[4200], tmp[4300];
    hb__sfmt(path, sizeof path, "%s/%s", dir, name);
    hb__sfmt(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dir, name);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        hb__set_err(err, n, "%s: cannot create a temporary file: %s", path, strerror(errno));
        return HB_E_IO;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        hb__set_err(err, n, "%s: %s", path, strerror(errno));
        return HB_E_IO;
    }
    hb_status st = fn(report, lang, f);
    int saved = 0;
    if (st == HB_OK && (fflush(f) != 0 || fsync(fileno(f)) != 0)) st = HB_E_IO, saved = errno;
    mode_t mask = umask(0);
    umask(mask);
    if (st == HB_OK && fchmod(fileno(f), 0666 & ~mask) != 0) st = HB_E_IO, saved = errno;
    if (fclose(f) != 0 && st == HB_OK) st = HB_E_IO, saved = errno;
    if (st == HB_OK && rename(tmp, path) != 0) st = HB_E_IO, saved = errno;
    if (st != HB_OK) {
        unlink(tmp);
        hb__set_err(err, n, "%s: cannot write%s%s", path, saved ? ": " : "",
                    saved ? strerror(saved) : "");
        return HB_E_IO;
    }
    return HB_OK;
}

hb_status hb__report_write_all(const json_t *report, const char *dir, const char *lang, char *err,
                               size_t n) {
    hb_status st = mkdir_p(dir, err, n);
    if (st != HB_OK) return st;
    char path[4200];
    hb__sfmt(path, sizeof path, "%s/report.json", dir);
    if ((st = hb__json_write_atomic(report, path, err, n)) != HB_OK) return st;
    if ((st = write_rendered(report, dir, "report.md", hb__report_write_md, lang, err, n)) != HB_OK)
        return st;
    return write_rendered(report, dir, "report.html", hb__report_write_html, lang, err, n);
}

/* ---- the public entry point ---- */

hb_status hb_report(const hb_report_options *o, hb_report_summary *sum, char *err, size_t n) {
    if (sum) memset(sum, 0, sizeof *sum);
    if (!o || !o->spec || !o->output_dir || !o->n_results) {
        hb__set_err(err, n, "a spec, an output directory and at least one result are needed");
        return HB_E_INVALID;
    }
    const char *lang = o->lang ? o->lang : "both";
    if (strcmp(lang, "zh") && strcmp(lang, "en") && strcmp(lang, "both")) {
        hb__set_err(err, n, "language '%s': zh, en or both", lang);
        return HB_E_INVALID;
    }
    json_t *spec = hb__spec_load(o->spec, err, n);
    if (!spec) return HB_E_INVALID;
    hb__catalog *cat = NULL;
    hb_status st = HB_OK;
    if (o->no_builtin_catalog) {
        if (!(cat = hb__catalog_new())) st = HB_E_NOMEM;
    } else
        st = hb__catalog_load_default(&cat, err, n);
    if (st != HB_OK) {
        json_decref(spec);
        return st == HB_E_NOMEM ? st : HB_E_INVALID;
    }
    json_t *files = json_array();
    char dir[4096];
    {
        char tmp[4096];
        hb__sfmt(tmp, sizeof tmp, "%s", o->spec);
        hb__sfmt(dir, sizeof dir, "%s", dirname(tmp));
    }
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(spec, "catalog"), i, x) {
        char path[8200];
        const char *f = json_string_value(x);
        if (f[0] == '/')
            hb__sfmt(path, sizeof path, "%s", f);
        else
            hb__sfmt(path, sizeof path, "%s/%s", dir, f);
        if ((st = hb__catalog_add_file(cat, path, err, n)) != HB_OK) goto out;
        json_array_append_new(files, json_string(path));
    }
    for (size_t k = 0; k < o->n_catalogs; k++) {
        if ((st = hb__catalog_add_file(cat, o->catalogs[k], err, n)) != HB_OK) goto out;
        json_array_append_new(files, json_string(o->catalogs[k]));
    }
    json_t *report = hb__report_evaluate(spec, o->spec, cat, o->results, o->n_results, err, n);
    if (!report) {
        st = HB_E_INVALID;
        goto out;
    }
    json_object_set_new(report, "catalog",
                        json_pack("{s:O,s:I}", "added_files", files, "entries",
                                  (json_int_t)hb__catalog_entry_count(cat)));
    const json_t *v = json_object_get(report, "verdict");
    if (sum) {
        sum->pass = (int)json_integer_value(json_object_get(v, "pass"));
        sum->fail = (int)json_integer_value(json_object_get(v, "fail"));
        sum->not_measurable = (int)json_integer_value(json_object_get(v, "not_measurable"));
        sum->required_unmet = (int)json_integer_value(json_object_get(v, "required_unmet"));
    }
    if (o->summary) {
        int cnt[2][3] = {{0}}; /* [required][pass, fail, not measurable] */
        json_array_foreach(json_object_get(report, "clauses"), i, x) {
            const char *verdict = jstr(x, "verdict");
            cnt[json_is_true(json_object_get(x, "required"))][!strcmp(verdict, "pass")   ? 0
                                                              : !strcmp(verdict, "fail") ? 1
                                                                                         : 2]++;
            const char *why = jstr(json_object_get(x, "reason"), "en");
            fprintf(o->summary, "%-20s %-18s %-15s%s %.200s%s\n", jstr(x, "id"), jstr(x, "type"),
                    verdict_word(verdict, 0),
                    json_is_true(json_object_get(x, "required")) ? "" : " (informational)",
                    why ? why : "", why && strlen(why) > 200 ? "..." : "");
        }
        fprintf(o->summary,
                "overall: %s (required clauses: %d pass, %d fail, %d not measurable; "
                "informational: %d pass, %d fail, %d not measurable); report in %s\n",
                jstr(v, "overall"), cnt[1][0], cnt[1][1], cnt[1][2], cnt[0][0], cnt[0][1],
                cnt[0][2], o->output_dir);
    }
    st = hb__report_write_all(report, o->output_dir, lang, err, n);
    json_decref(report);
out:
    json_decref(files);
    json_decref(spec);
    hb__catalog_free(cat);
    return st;
}
