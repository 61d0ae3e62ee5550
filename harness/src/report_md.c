/* hetbench — report.md: the acceptance report as Markdown tables and lists, rendered from the
 * report.json object only (the charts are in report.html). Every field may be missing or
 * null ("—"). Strings taken from the JSON are escaped: HTML's < > & (Markdown passes HTML
 * through), '[' (links, images), backslashes, backticks, and in table cells | and line breaks.
 * Format: docs/acceptance.md §5. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report.h"
#include "report_i18n.h"

typedef struct {
    FILE *f;
    const char *lang;
    const json_t *r;
} ctx;

#define T(id) hb__ui(c->lang, HB__UI_##id)
#define COLON hb__rcolon(c->lang)

__attribute__((format(printf, 2, 3))) static void out(ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->f, fmt, ap);
    va_end(ap);
}

/* Escaped text for Markdown (tables included); NULL → "—". */
static void esc(ctx *c, const char *s) {
    if (!s) {
        fputs(HB__DASH, c->f);
        return;
    }
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '|':
            fputs("\\|", c->f);
            break;
        case '\\':
            fputs("\\\\", c->f);
            break;
        case '`':
            fputs("\\`", c->f);
            break;
        case '[':
            fputs("\\[", c->f);
            break;
        case '<':
            fputs("&lt;", c->f);
            break;
        case '>':
            fputs("&gt;", c->f);
            break;
        case '&':
            fputs("&amp;", c->f);
            break;
        case '\r':
            break;
        case '\n':
            fputs("<br>", c->f);
            break;
        default:
            fputc(*p, c->f);
        }
    }
}
static void esc_text(ctx *c, const json_t *v) {
    esc(c, hb__rtext(v, c->lang));
}
static void esc_member(ctx *c, const json_t *obj, const char *key) {
    esc(c, hb__rstr(obj, key));
}

static void verdict_word(ctx *c, const char *v) {
    const char *w = hb__rverdict_word(c->lang, v);
    const char *mark = !v                                 ? ""
                       : strcmp(v, "pass") == 0           ? "✅ "
                       : strcmp(v, "fail") == 0           ? "❌ "
                       : strcmp(v, "not_measurable") == 0 ? "⚠️ "
                                                          : "";
    out(c, "%s**", mark);
    esc(c, w ? w : v);
    out(c, "**");
}

/* a table header: cells separated by '\t' in `cols` */
static void table_head(ctx *c, int n, ...) {
    va_list ap;
    va_start(ap, n);
    out(c, "\n|");
    for (int i = 0; i < n; i++) out(c, " %s |", va_arg(ap, const char *));
    va_end(ap);
    out(c, "\n|");
    for (int i = 0; i < n; i++) out(c, " --- |");
    out(c, "\n");
}

static void nodata(ctx *c) {
    out(c, "\n%s\n", T(NO_DATA));
}

static void section_header(ctx *c) {
    const json_t *spec = json_object_get(c->r, "spec");
    const char *name = hb__rtext(json_object_get(spec, "name"), c->lang);
    out(c, "# %s", T(TITLE));
    if (name) {
        out(c, "%s", COLON);
        esc(c, name);
    }
    out(c, "\n\n- %s%s", T(SPEC), COLON);
    esc(c, name);
    if (hb__rstr(spec, "path")) {
        out(c, " (");
        esc_member(c, spec, "path");
        out(c, ")");
    }
    out(c, "\n- %s%s", T(GENERATED_AT), COLON);
    esc_member(c, c->r, "generated_at");
    out(c, "\n- %s%s", T(GENERATOR), COLON);
    esc_member(c, c->r, "generator");
    const json_t *v = json_object_get(c->r, "verdict");
    out(c, "\n\n%s%s", T(OVERALL), COLON);
    verdict_word(c, hb__rstr(v, "overall"));
    static const char *const keys[] = {"pass", "fail", "not_measurable"};
    int first = 1;
    for (size_t i = 0; i < 3; i++) {
        double n;
        if (!hb__rnum(v, keys[i], &n)) continue;
        out(c, "%s%s %.0f", first ? " — " : " · ", hb__rverdict_word(c->lang, keys[i]), n);
        first = 0;
    }
    out(c, "\n\n> %s\n", T(CHARTS_NOTE));
}

static void section_verdicts(ctx *c) {
    const json_t *cl = json_object_get(c->r, "clauses");
    out(c, "\n## %s\n", T(VERDICTS));
    if (!json_array_size(cl)) {
        nodata(c);
        return;
    }
    table_head(c, 7, T(CLAUSE), T(NAME), T(VERDICT), T(MEASURED), T(THRESHOLD), T(REASON),
               T(EVIDENCE));
    int any_info = 0;
    for (size_t i = 0; i < json_array_size(cl); i++) {
        const json_t *k = json_array_get(cl, i);
        int informational = json_is_false(json_object_get(k, "required"));
        any_info |= informational;
        out(c, "| ");
        esc_member(c, k, "id");
        if (hb__rstr(k, "type")) {
            out(c, " (");
            esc_member(c, k, "type");
            out(c, ")");
        }
        out(c, " | ");
        esc_text(c, json_object_get(k, "title"));
        out(c, " | ");
        verdict_word(c, hb__rstr(k, "verdict"));
        if (informational) out(c, " (%s)", T(INFORMATIONAL));
        const char *unit = hb__rstr(k, "unit");
        char m[96], t[96];
        hb__rfmt_member(m, sizeof m, k, "measured", unit);
        hb__rfmt_member(t, sizeof t, k, "threshold", unit);
        double thr;
        int has_thr = hb__rnum(k, "threshold", &thr);
        out(c, " | %s | %s%s%s | ", m, has_thr ? hb__rcmp_symbol(hb__rstr(k, "comparison")) : "",
            has_thr && hb__rstr(k, "comparison") ? " " : "", t);
        esc_text(c, json_object_get(k, "reason"));
        out(c, " | ");
        const json_t *ev = json_object_get(k, "evidence");
        for (size_t e = 0; e < json_array_size(ev); e++) {
            out(c, "%s", e ? "<br>" : "");
            out(c, "• ");
            esc_text(c, json_array_get(ev, e));
        }
        if (!json_array_size(ev)) out(c, "%s", HB__DASH);
        out(c, " |\n");
    }
    if (any_info) out(c, "\n%s\n", T(INFORMATIONAL_NOTE));
}

static void section_capacity(ctx *c, const char **precs, size_t np) {
    const json_t *sys = json_object_get(json_object_get(c->r, "system"), "capacity");
    out(c, "\n## %s\n", T(SYS_CAPACITY));
    if (!json_object_size(sys)) {
        nodata(c);
    } else {
        table_head(c, 3, T(PRECISION), T(VALUE), T(METHOD));
        for (size_t p = 0; p < np; p++) {
            const json_t *e = json_object_get(sys, precs[p]);
            if (!e) continue;
            const char *unit = hb__rstr(e, "unit");
            char v[96];
            hb__rfmt_member(v, sizeof v, e, "value", unit ? unit : "FLOP/s");
            out(c, "| ");
            esc(c, precs[p]);
            out(c, " | **%s** | ", v);
            esc_text(c, json_object_get(e, "method"));
            out(c, " |\n");
        }
    }
    const json_t *nts = json_object_get(c->r, "node_types");
    if (!json_array_size(nts)) return;
    out(c, "\n### %s\n", T(NODE_TYPES));
    table_head(c, 11, T(NODE_TYPE), T(ROLE), T(COUNT), T(TESTED), T(PRECISION), T(MEDIAN), T(MAD),
               T(LCB), T(LINE_CUTOFF), T(SYSTEM_PART), T(METHOD));
    for (size_t i = 0; i < json_array_size(nts); i++) {
        const json_t *t = json_array_get(nts, i);
        const json_t *cap = json_object_get(t, "capacity");
        char cnt[64], tested[64];
        hb__rfmt_member(cnt, sizeof cnt, t, "count", NULL);
        hb__rfmt_member(tested, sizeof tested, t, "tested", NULL);
        int rows = 0;
        for (size_t p = 0; p <= np; p++) {
            const json_t *e = p < np ? json_object_get(cap, precs[p]) : NULL;
            if (p < np && !e) continue;
            if (p == np && rows) break;
            out(c, "| ");
            esc_member(c, t, "id");
            out(c, " | ");
            esc_member(c, t, "role");
            out(c, " | %s | %s | ", cnt, tested);
            esc(c, e ? precs[p] : NULL);
            char med[64], mad[64], lcb[64], cut[64], sy[64];
            const char *u = p < np ? hb__rcapacity_unit(c->r, precs[p]) : NULL;
            hb__rfmt_member(med, sizeof med, e, "median", u);
            hb__rfmt_member(mad, sizeof mad, e, "mad", u);
            hb__rfmt_member(lcb, sizeof lcb, e, "lcb", u);
            hb__rfmt_member(cut, sizeof cut, e, "suspect_threshold", u);
            hb__rfmt_member(sy, sizeof sy, e, "system", u);
            out(c, " | %s | %s | %s | %s | %s | ", med, mad, lcb, cut, sy);
            esc_text(c, json_object_get(e, "method"));
            out(c, " |\n");
            rows++;
        }
    }
}

static int is_suspect(const json_t *r, const char *host, const char *prec) {
    const json_t *sus = json_object_get(r, "suspect_nodes");
    for (size_t i = 0; host && i < json_array_size(sus); i++) {
        const json_t *s = json_array_get(sus, i);
        const char *h = hb__rstr(s, "host"), *p = hb__rstr(s, "precision");
        if (h && strcmp(h, host) == 0 && (!p || strcmp(p, prec) == 0)) return 1;
    }
    return 0;
}

static void section_node_capacity(ctx *c, const char **precs, size_t np) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    out(c, "\n## %s\n", T(NODE_CAPACITY));
    if (!json_array_size(nodes) || !np) {
        nodata(c);
        return;
    }
    for (size_t p = 0; p < np; p++) {
        const char *prec = precs[p];
        const char *unit = hb__rcapacity_unit(c->r, prec);
        size_t rows = 0;
        for (size_t i = 0; i < json_array_size(nodes); i++) {
            const json_t *node = json_array_get(nodes, i);
            const json_t *cap = json_object_get(json_object_get(node, "capacity"), prec);
            const json_t *nt = hb__rnode_type(c->r, hb__rstr(node, "node_type"));
            const json_t *tc = json_object_get(json_object_get(nt, "capacity"), prec);
            if (!cap && !tc) continue;
            if (!rows++) {
                out(c, "\n### ");
                esc(c, prec);
                out(c, "\n");
                table_head(c, 6, T(HOST), T(NODE_TYPE), T(CAPACITY), T(LCB), T(LINE_MEDIAN),
                           T(LINE_CUTOFF));
            }
            char v[64], l[64], m[64], cut[64];
            hb__rfmt_member(v, sizeof v, cap, "value", unit);
            hb__rfmt_member(l, sizeof l, cap, "lcb", unit);
            hb__rfmt_member(m, sizeof m, tc, "median", unit);
            hb__rfmt_member(cut, sizeof cut, tc, "suspect_threshold", unit);
            out(c, "| ");
            esc_member(c, node, "host");
            out(c, " | ");
            esc_member(c, node, "node_type");
            out(c, " | %s", v);
            if (json_is_false(json_object_get(cap, "measured"))) out(c, " (%s)", T(NOT_MEASURED));
            if (is_suspect(c->r, hb__rstr(node, "host"), prec)) out(c, " ⚠ %s", T(SUSPECT));
            if (json_array_size(json_object_get(node, "failed_records")))
                out(c, " (%s)", T(HAS_FAILED));
            out(c, " | %s | %s | %s |\n", l, m, cut);
        }
        /* one node type with this precision: the per-node capacity the clause needs */
        const json_t *nts = json_object_get(c->r, "node_types"), *only = NULL;
        size_t types_here = 0;
        for (size_t t = 0; t < json_array_size(nts); t++)
            if (json_object_get(json_object_get(json_array_get(nts, t), "capacity"), prec))
                types_here++, only = json_array_get(nts, t);
        const json_t *cl = json_object_get(c->r, "clauses");
        double min = 0, count;
        int found = 0;
        for (size_t i = 0; i < json_array_size(cl); i++) {
            const json_t *k = json_array_get(cl, i);
            const char *type = hb__rstr(k, "type");
            double t;
            if (type && strcmp(type, "capacity") == 0 && hb__rclause_is_capacity(k, prec) &&
                hb__rnum(k, "threshold", &t) && (!found || t > min))
                min = t, found = 1;
        }
        if (rows && types_here == 1 && found && hb__rnum(only, "count", &count) && count > 0) {
            char v[64];
            hb__rfmt_si(v, sizeof v, min / count, unit);
            out(c, "\n%s (", T(LINE_NEEDED));
            esc_member(c, only, "id");
            out(c, "): **%s** = %s\n", v, T(NEEDED_NOTE));
        }
    }
}

static void section_suspects(ctx *c) {
    const json_t *sus = json_object_get(c->r, "suspect_nodes");
    out(c, "\n## %s\n", T(SUSPECT_NODES));
    if (!json_is_array(sus)) {
        nodata(c);
        return;
    }
    if (!json_array_size(sus)) {
        out(c, "\n%s\n", T(NO_SUSPECTS));
        return;
    }
    table_head(c, 6, T(HOST), T(NODE_TYPE), T(PRECISION), T(CAPACITY), T(MEDIAN), T(LINE_CUTOFF));
    for (size_t i = 0; i < json_array_size(sus); i++) {
        const json_t *s = json_array_get(sus, i);
        char v[64], m[64], t[64];
        const char *u = hb__rcapacity_unit(c->r, hb__rstr(s, "precision"));
        hb__rfmt_member(v, sizeof v, s, "value", u);
        hb__rfmt_member(m, sizeof m, s, "median", u);
        hb__rfmt_member(t, sizeof t, s, "threshold", u);
        out(c, "| ");
        esc_member(c, s, "host");
        out(c, " | ");
        esc_member(c, s, "node_type");
        out(c, " | ");
        esc_member(c, s, "precision");
        out(c, " | %s | %s | %s |\n", v, m, t);
    }
}

static void section_efficiency(ctx *c) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    size_t rows = 0;
    for (size_t i = 0; i < json_array_size(nodes); i++)
        rows += json_array_size(json_object_get(json_array_get(nodes, i), "efficiency"));
    if (!rows) return;
    out(c, "\n## %s\n", T(EFFICIENCY));
    table_head(c, 7, T(HOST), T(KERNEL), T(PRECISION), T(DEVICE), T(MEASURED), T(REFERENCE),
               T(RATIO));
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        const json_t *eff = json_object_get(node, "efficiency");
        for (size_t j = 0; j < json_array_size(eff); j++) {
            const json_t *e = json_array_get(eff, j);
            char m[64], ref[64], ratio[64];
            const char *u = hb__rrate_unit(hb__rstr(e, "precision"));
            hb__rfmt_member(m, sizeof m, e, "measured", u);
            hb__rfmt_member(ref, sizeof ref, e, "reference", u);
            hb__rfmt_member(ratio, sizeof ratio, e, "ratio", "ratio");
            out(c, "| ");
            esc_member(c, node, "host");
            out(c, " | ");
            esc_member(c, e, "kernel");
            out(c, " | ");
            esc_member(c, e, "precision");
            out(c, " | ");
            esc_member(c, e, "device");
            out(c, " | %s | %s", m, ref);
            if (hb__rstr(e, "reference_kind")) {
                out(c, " (");
                esc_member(c, e, "reference_kind");
                out(c, ")");
            }
            out(c, " | %s", ratio);
            if (json_is_true(json_object_get(e, "above_rated"))) out(c, " ⚠ %s", T(ABOVE_RATED));
            out(c, " |\n");
        }
    }
}

static void section_roofline(ctx *c) {
    const json_t *rfs = json_object_get(c->r, "roofline");
    out(c, "\n## %s\n", T(ROOFLINE));
    if (!json_array_size(rfs)) {
        nodata(c);
        return;
    }
    for (size_t i = 0; i < json_array_size(rfs); i++) {
        const json_t *rf = json_array_get(rfs, i);
        out(c, "\n### ");
        esc_member(c, rf, "device_type");
        out(c, "\n\n- %s%s", T(COMPUTE_ROOF), COLON);
        const char *k;
        json_t *v;
        int any = 0;
        json_object_foreach(json_object_get(rf, "compute_roof"), k, v) {
            char lab[64];
            if (json_is_number(v))
                hb__rfmt_si(lab, sizeof lab, json_number_value(v), hb__rrate_unit(k));
            else
                snprintf(lab, sizeof lab, "%s", HB__DASH);
            out(c, "%s", any ? "; " : "");
            esc(c, k);
            out(c, " %s", lab);
            any = 1;
        }
        if (!any) out(c, "%s", HB__DASH);
        char bw[64];
        hb__rfmt_member(bw, sizeof bw, rf, "bandwidth_roof", "B/s");
        out(c, "\n- %s%s%s\n- %s%s", T(BW_ROOF), COLON, bw, T(ROOF_SOURCE), COLON);
        esc_text(c, json_object_get(rf, "roof_source"));
        out(c, "\n");
        const json_t *pts = json_object_get(rf, "points");
        if (!json_array_size(pts)) continue;
        table_head(c, 4, T(KERNEL), T(PRECISION), T(INTENSITY), T(RATE));
        for (size_t j = 0; j < json_array_size(pts); j++) {
            const json_t *p = json_array_get(pts, j);
            char in[64], rate[64];
            hb__rfmt_member(in, sizeof in, p, "intensity", NULL);
            hb__rfmt_member(rate, sizeof rate, p, "rate", hb__rrate_unit(hb__rstr(p, "precision")));
            out(c, "| ");
            esc_member(c, p, "kernel");
            if (hb__rstr(p, "operation")) {
                out(c, "/");
                esc_member(c, p, "operation");
            }
            out(c, " | ");
            esc_member(c, p, "precision");
            out(c, " | %s | %s |\n", in, rate);
        }
    }
}

static void section_energy(ctx *c) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    out(c, "\n## %s\n", T(ENERGY));
    if (!json_array_size(nodes)) {
        nodata(c);
        return;
    }
    table_head(c, 8, T(HOST), T(KERNEL), T(PRECISION), T(DEVICE), T(ENERGY), T(JOULES), T(POWER),
               T(METERS));
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        const json_t *en = json_object_get(node, "energy");
        for (size_t j = 0; j < json_array_size(en); j++) {
            const json_t *e = json_array_get(en, j);
            char g[64], jl[64], w[64];
            hb__rfmt_energy(g, sizeof g, e, c->lang);
            hb__rfmt_member(jl, sizeof jl, e, "joules", "J");
            hb__rfmt_member(w, sizeof w, e, "watts", "W");
            out(c, "| ");
            esc_member(c, node, "host");
            out(c, " | ");
            esc_member(c, e, "kernel");
            out(c, " | ");
            esc_member(c, e, "precision");
            out(c, " | ");
            esc_member(c, e, "device");
            out(c, " | %s | %s | %s | ", g, jl, w);
            esc_text(c, json_object_get(e, "meters"));
            if (json_is_true(json_object_get(e, "uncertain"))) out(c, " (%s)", T(UNCERTAIN));
            out(c, " |\n");
        }
        if (!json_array_size(en)) {
            out(c, "| ");
            esc_member(c, node, "host");
            out(c, " | %s | | | | | | |\n", T(NO_METER));
        }
    }
}

static void category_counts(const json_t *e, double *d, double *f, double *u) {
    double t = 0;
    *d = *f = *u = 0;
    hb__rnum(e, "domestic", d);
    hb__rnum(e, "unknown", u);
    if (!hb__rnum(e, "foreign", f) && hb__rnum(e, "total", &t)) *f = fmax(0, t - *d - *u);
}

static void ratio_item(ctx *c, const json_t *m, const char *key, hb__ui_id name) {
    if (!json_is_object(m)) return;
    char ratio[64];
    hb__rfmt_member(ratio, sizeof ratio, m, "ratio", "ratio");
    out(c, "- **%s** (%s): **%s**", hb__ui(c->lang, name), key, ratio);
    double d, t;
    const char *unit = hb__rstr(m, "unit");
    if (hb__rnum(m, "domestic", &d) && hb__rnum(m, "total", &t)) {
        char a[64], b[64];
        hb__rfmt_value(a, sizeof a, d, unit);
        hb__rfmt_value(b, sizeof b, t, unit);
        out(c, " — %s %s / %s %s", T(DOMESTIC), a, T(TOTAL_LC), b);
    }
    const json_t *p = json_object_get(m, "precision");
    if (json_is_string(p)) {
        out(c, " — %s ", T(PRECISION));
        esc(c, json_string_value(p));
    }
    for (size_t i = 0; i < json_array_size(p); i++) {
        out(c, "%s", i ? ", " : " — ");
        if (!i) out(c, "%s ", T(PRECISION));
        esc(c, json_string_value(json_array_get(p, i)));
    }
    const char *method = hb__rtext(json_object_get(m, "method"), c->lang);
    if (method) {
        out(c, "\n  %s%s", T(METHOD), COLON);
        esc(c, method);
    }
    out(c, "\n");
}

static void section_autonomy(ctx *c) {
    const json_t *a = json_object_get(json_object_get(c->r, "system"), "autonomy");
    const json_t *count = json_object_get(a, "count"), *compute = json_object_get(a, "compute");
    out(c, "\n## %s\n", T(AUTONOMY));
    if (!json_is_object(count) && !json_is_object(compute)) {
        nodata(c);
        return;
    }
    out(c, "\n");
    ratio_item(c, count, "count", HB__UI_COUNT_BASED);
    ratio_item(c, compute, "compute", HB__UI_COMPUTE_WEIGHTED);
    const json_t *bycat = json_object_get(count, "by_category");
    if (json_object_size(bycat)) {
        table_head(c, 6, T(CATEGORY), T(DOMESTIC), T(FOREIGN), T(UNKNOWN), T(TOTAL), T(RATIO));
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)bycat, k, e) {
            double d, f, u;
            category_counts(e, &d, &f, &u);
            char sd[64], sf[64], su[64], st[64], r[64];
            hb__rfmt_num(sd, sizeof sd, d);
            hb__rfmt_num(sf, sizeof sf, f);
            hb__rfmt_num(su, sizeof su, u);
            hb__rfmt_member(st, sizeof st, e, "total", NULL);
            if (d + f + u > 0)
                hb__rfmt_pct(r, sizeof r, d / (d + f + u));
            else
                snprintf(r, sizeof r, "%s", HB__DASH);
            out(c, "| ");
            esc(c, k);
            out(c, " | %s | %s | %s | %s | %s |\n", sd, sf, su, st, r);
        }
    }
    const json_t *unk = json_object_get(count, "unknown_components");
    if (json_array_size(unk)) {
        out(c, "\n### %s\n\n", T(UNKNOWN_COMPONENTS));
        for (size_t i = 0; i < json_array_size(unk); i++) {
            const json_t *u = json_array_get(unk, i);
            out(c, "- ");
            if (json_is_string(u)) {
                esc(c, json_string_value(u));
            } else {
                esc_member(c, u, "category");
                out(c, ": ");
                esc_member(c, u, "name");
                double n;
                char cnt[64];
                if (hb__rnum(u, "count", &n)) {
                    hb__rfmt_num(cnt, sizeof cnt, n);
                    out(c, " × %s", cnt);
                }
                if (hb__rstr(u, "node_type")) {
                    out(c, " (");
                    esc_member(c, u, "node_type");
                    out(c, ")");
                }
            }
            out(c, "\n");
        }
    }
}

static void section_structure(ctx *c) {
    const json_t *st = json_object_get(json_object_get(c->r, "system"), "structure");
    const json_t *roles = json_object_get(st, "roles");
    size_t n = json_is_array(roles) ? json_array_size(roles) : json_object_size(roles);
    out(c, "\n## %s\n", T(STRUCTURE));
    if (!json_is_object(st) || !n) {
        nodata(c);
        return;
    }
    const char *rule = hb__rtext(json_object_get(st, "rule"), c->lang);
    const json_t *fac = json_object_get(st, "factors");
    out(c, "\n%s%s", T(NORMALISATION), COLON);
    if (rule) esc(c, rule);
    if (hb__rstr(st, "unit") || json_object_size(fac)) {
        out(c, "%s%s ", rule ? " — " : "", T(UNIT));
        esc_member(c, st, "unit");
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)fac, k, v) {
            char num[64];
            hb__rfmt_num(num, sizeof num, json_is_number(v) ? json_number_value(v) : NAN);
            out(c, "; ");
            esc(c, k);
            out(c, " × %s", num);
        }
    } else if (!rule) {
        out(c, "%s", HB__DASH);
    }
    out(c, "\n");
    table_head(c, 8, T(ROLE), T(PRECISION), T(CAPACITY), T(FACTOR), T(NORMALISED), T(SHARE),
               T(TARGET), T(MET));
    const char *k = NULL;
    json_t *v = NULL;
    void *it = json_is_object(roles) ? json_object_iter((json_t *)roles) : NULL;
    for (size_t i = 0; i < n; i++) {
        const json_t *item;
        const char *name;
        if (json_is_array(roles)) {
            item = json_array_get(roles, i);
            name = hb__rstr(item, "role");
        } else {
            if (!it) break;
            k = json_object_iter_key(it);
            v = json_object_iter_value(it);
            it = json_object_iter_next((json_t *)roles, it);
            item = v, name = k;
        }
        char cap[64], f[64], nm[64], sh[64], tg[96];
        hb__rfmt_member(cap, sizeof cap, item, "capacity", "FLOP/s");
        hb__rfmt_member(f, sizeof f, item, "factor", NULL);
        hb__rfmt_member(nm, sizeof nm, item, "normalised", "FLOP/s");
        hb__rfmt_member(sh, sizeof sh, item, "share", "ratio");
        hb__rfmt_target(tg, sizeof tg, json_object_get(item, "target"));
        out(c, "| ");
        esc(c, name);
        out(c, " | ");
        esc_member(c, item, "precision");
        out(c, " | %s | %s | %s | %s | %s | ", cap, f, nm, sh, tg);
        const json_t *met = json_object_get(item, "met");
        if (json_is_boolean(met))
            verdict_word(c, json_is_true(met) ? "pass" : "fail");
        else
            out(c, "%s", HB__DASH);
        out(c, " |\n");
    }
    char tot[64];
    hb__rfmt_member(tot, sizeof tot, st, "total", "FLOP/s");
    out(c, "| %s | | | | %s | | | |\n", T(TOTAL), tot);
}

static void section_nodes(ctx *c, const char **precs, size_t np) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    out(c, "\n## %s\n", T(NODES));
    if (!json_array_size(nodes)) {
        nodata(c);
        return;
    }
    out(c, "\n| %s | %s |", T(HOST), T(NODE_TYPE));
    for (size_t p = 0; p < np; p++) {
        out(c, " %s ", T(CAPACITY));
        esc(c, precs[p]);
        out(c, " |");
    }
    out(c, " %s | %s | %s | %s | %s |\n|", T(RATED_PEAK), T(NODE_POWER), T(AUTONOMY),
        T(FAILED_RECORDS), T(RESULT));
    for (size_t p = 0; p < np + 7; p++) out(c, " --- |");
    out(c, "\n");
    size_t total_failed = 0;
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        size_t nfail = json_array_size(json_object_get(node, "failed_records"));
        total_failed += nfail;
        out(c, "| ");
        esc_member(c, node, "host");
        if (json_is_true(json_object_get(node, "suspect"))) out(c, " ⚠ %s", T(SUSPECT));
        out(c, " | ");
        esc_member(c, node, "node_type");
        out(c, " |");
        const json_t *cap = json_object_get(node, "capacity");
        for (size_t p = 0; p < np; p++) {
            char v[64];
            const json_t *e = json_object_get(cap, precs[p]);
            const char *unit = hb__rstr(e, "unit");
            hb__rfmt_member(v, sizeof v, e, "value",
                            unit ? unit : hb__rcapacity_unit(c->r, precs[p]));
            out(c, " %s%s%s%s |", v, json_is_false(json_object_get(e, "measured")) ? " (" : "",
                json_is_false(json_object_get(e, "measured")) ? T(NOT_MEASURED) : "",
                json_is_false(json_object_get(e, "measured")) ? ")" : "");
        }
        out(c, " ");
        const char *k;
        json_t *v;
        int any = 0;
        json_object_foreach(json_object_get(node, "rated_peak"), k, v) {
            char s[64];
            const char *u = hb__rstr(v, "unit");
            hb__rfmt_member(s, sizeof s, v, "value", u ? u : hb__rrate_unit(k));
            out(c, "%s", any ? "<br>" : "");
            esc(c, k);
            out(c, " %s", s);
            if (hb__rstr(v, "source")) {
                out(c, " (");
                esc_member(c, v, "source");
                out(c, ")");
            }
            any = 1;
        }
        if (!any) out(c, "%s", HB__DASH);
        char pw[64], au[64];
        hb__rfmt_member(pw, sizeof pw, node, "node_power_w", "W");
        hb__rfmt_member(au, sizeof au, json_object_get(json_object_get(node, "autonomy"), "count"),
                        "ratio", "ratio");
        out(c, " | %s | %s | %zu | ", pw, au, nfail);
        esc_member(c, node, "result");
        out(c, " |\n");
    }
    if (!total_failed) return;
    out(c, "\n### %s\n", T(FAILED_RECORDS));
    table_head(c, 6, T(HOST), T(KERNEL), T(PRECISION), T(DEVICE), T(STATUS), T(REASON));
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        const json_t *fr = json_object_get(node, "failed_records");
        for (size_t j = 0; j < json_array_size(fr); j++) {
            const json_t *e = json_array_get(fr, j);
            out(c, "| ");
            esc_member(c, node, "host");
            out(c, " | ");
            esc_member(c, e, "kernel");
            out(c, " | ");
            esc_member(c, e, "precision");
            out(c, " | ");
            esc_member(c, e, "device");
            out(c, " | ");
            esc_member(c, e, "status");
            out(c, " | ");
            esc_text(c, json_object_get(e, "reason"));
            out(c, " |\n");
        }
    }
}

static void section_inputs(ctx *c) {
    const json_t *in = json_object_get(c->r, "inputs");
    out(c, "\n## %s\n", T(INPUTS));
    if (!json_array_size(in)) {
        nodata(c);
        return;
    }
    table_head(c, 6, T(PATH), T(HOST), T(SCHEMA), T(NODE_TYPE), T(STATUS), T(REASON));
    for (size_t i = 0; i < json_array_size(in); i++) {
        const json_t *e = json_array_get(in, i);
        out(c, "| ");
        esc_member(c, e, "path");
        out(c, " | ");
        esc_member(c, e, "host");
        out(c, " | ");
        esc_member(c, e, "schema_version");
        out(c, " | ");
        esc_member(c, e, "node_type");
        out(c, " | ");
        esc(c, hb__rinput_status_word(c->lang, hb__rstr(e, "status")));
        out(c, " | ");
        esc_text(c, json_object_get(e, "reason"));
        out(c, " |\n");
    }
}

hb_status hb__report_write_md(const json_t *report, const char *lang, FILE *f) {
    const char *langs[2];
    int nl = hb__report_langs(lang, langs);
    if (!f || nl == 0) return HB_E_INVALID;
    ctx c = {f, langs[0], report};
    if (nl == 2)
        out(&c, "[%s](#zh) · [%s](#en)\n\n", hb__ui("zh", HB__UI_LANG_NAME),
            hb__ui("en", HB__UI_LANG_NAME));
    const char *precs[32];
    size_t np = hb__rprecisions(report, precs, 32);
    for (int i = 0; i < nl; i++) {
        c.lang = langs[i];
        if (nl == 2) out(&c, "%s<a id=\"%s\"></a>\n\n", i ? "\n---\n\n" : "", langs[i]);
        section_header(&c);
        section_verdicts(&c);
        section_capacity(&c, precs, np);
        section_node_capacity(&c, precs, np);
        section_suspects(&c);
        section_efficiency(&c);
        section_roofline(&c);
        section_energy(&c);
        section_autonomy(&c);
        section_structure(&c);
        section_nodes(&c, precs, np);
        section_inputs(&c);
    }
    return ferror(f) || fflush(f) != 0 ? HB_E_IO : HB_OK;
}
