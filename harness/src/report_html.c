/* hetbench — report.html: one self-contained file rendered from the report.json object only
 * (inline CSS, inline SVG charts, no script, no URL). Every field may be missing or null: a
 * missing figure prints "—", a chart without data is left out. Every string taken from the
 * JSON is escaped. Format: docs/acceptance.md §5. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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

/* HTML-escaped text; NULL → "—". At most max_cp code points (0: all), then "…". */
static void esc_n(FILE *f, const char *s, size_t max_cp) {
    if (!s) {
        fputs(HB__DASH, f);
        return;
    }
    size_t cp = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) != 0x80) {
            if (max_cp && cp == max_cp) {
                fputs("…", f);
                return;
            }
            cp++;
        }
        switch (*p) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&#39;", f);
            break;
        default:
            fputc(*p, f);
        }
    }
}
static void esc(ctx *c, const char *s) {
    esc_n(c->f, s, 0);
}
/* a text object (or string) in the current language */
static void esc_text(ctx *c, const json_t *v) {
    esc(c, hb__rtext(v, c->lang));
}
static void esc_member(ctx *c, const json_t *obj, const char *key) {
    esc(c, hb__rstr(obj, key));
}

static const char *verdict_class(const char *v) {
    if (!v) return "v-none";
    if (strcmp(v, "pass") == 0) return "v-pass";
    if (strcmp(v, "fail") == 0) return "v-fail";
    if (strcmp(v, "not_measurable") == 0) return "v-nm";
    return "v-none";
}

static void verdict_badge(ctx *c, const char *v) {
    const char *w = hb__rverdict_word(c->lang, v);
    out(c, "<span class=\"verdict %s\">", verdict_class(v));
    esc(c, w ? w : v);
    out(c, "</span>");
}

/* ---- charts ---- */
static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd",
                                      "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
#define PALETTE_N (sizeof palette / sizeof palette[0])

static double nice_step(double range, int nticks) {
    double raw = range / nticks;
    if (!(raw > 0)) return 1;
    double mag = pow(10, floor(log10(raw)));
    double m = raw / mag;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * mag;
}

typedef struct {
    const char *label; /* from the JSON: escaped when written */
    const char *sub;   /* second label (node type, device): may be NULL */
    double value;
    int has;            /* 0: no bar, `note` instead */
    const char *note;   /* UI text when !has (e.g. "no meter") */
    const char *flag;   /* UI text after the value (e.g. "suspect"), or NULL */
    const char *colour; /* NULL: default */
} hbar;

typedef struct {
    double x;
    double x2; /* a second line of the same kind (the other end of a band) when has_x2 */
    int has_x2;
    size_t from, to; /* rows [from, to) */
    const char *cls; /* ln-median, ln-cutoff, ln-needed, ln-min, ln-target */
    char legend[256];
    const char *legend_json; /* escaped part of the legend (a node type id), may be NULL */
} vline;

#define ROW_H 22
#define LABEL_W 200
#define PLOT_W 560
#define RIGHT_W 160
#define CHART_W (LABEL_W + PLOT_W + RIGHT_W)

/* Horizontal bars with vertical reference lines spanning groups of rows. fixed_max > 0
   fixes the axis (shares); unit formats the ticks and values. */
static void hbar_chart(ctx *c, const char *aria, const hbar *bars, size_t nb, const vline *lines,
                       size_t nl, const char *unit, double fixed_max) {
    if (nb == 0) return;
    double max = 0;
    for (size_t i = 0; i < nb; i++)
        if (bars[i].has && bars[i].value > max) max = bars[i].value;
    for (size_t i = 0; i < nl; i++) {
        if (lines[i].x > max) max = lines[i].x;
        if (lines[i].has_x2 && lines[i].x2 > max) max = lines[i].x2;
    }
    if (fixed_max <= 0 && !(max > 0)) { /* nothing above zero: no scale to draw */
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    if (fixed_max > 0)
        max = fixed_max;
    else
        max *= 1.08;
    double step = nice_step(max, 5);
    if (fixed_max <= 0) max = ceil(max / step - 1e-9) * step;
    if (!isfinite(max) || !isfinite(step)) { /* values near DBL_MAX: no drawable scale */
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    int legend_h = (int)nl * 16 + (nl ? 8 : 0);
    int top = 10 + legend_h;
    int h = top + (int)nb * ROW_H + 34;
    out(c, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"",
        CHART_W, h, CHART_W, h);
    out(c, " aria-label=\"");
    esc(c, aria);
    out(c, "\">\n");
    /* legend */
    for (size_t i = 0; i < nl; i++) {
        int y = 14 + (int)i * 16;
        out(c, "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", lines[i].cls,
            LABEL_W, y - 4, LABEL_W + 28, y - 4);
        out(c, "<text x=\"%d\" y=\"%d\" class=\"legend\">", LABEL_W + 34, y);
        esc(c, lines[i].legend);
        if (lines[i].legend_json) {
            out(c, " (");
            esc_n(c->f, lines[i].legend_json, 40);
            out(c, ")");
        }
        out(c, "</text>\n");
    }
    /* grid and ticks */
    int axis_y = top + (int)nb * ROW_H + 4;
    for (double t = 0; t <= max * (1 + 1e-9); t += step) {
        double x = LABEL_W + PLOT_W * t / max;
        char lab[64];
        hb__rfmt_value(lab, sizeof lab, t, unit);
        out(c, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, top, x,
            axis_y);
        out(c, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
            axis_y + 14, lab);
    }
    out(c, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n", LABEL_W, axis_y,
        LABEL_W + PLOT_W, axis_y);
    /* bars */
    for (size_t i = 0; i < nb; i++) {
        const hbar *b = &bars[i];
        int y = top + (int)i * ROW_H;
        out(c, "<g><title>");
        esc(c, b->label);
        if (b->sub) {
            out(c, " · ");
            esc(c, b->sub);
        }
        out(c, "</title>");
        out(c, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 6, y + 15);
        esc_n(c->f, b->label, 20);
        if (b->sub) {
            out(c, " <tspan class=\"sub\">");
            esc_n(c->f, b->sub, 12);
            out(c, "</tspan>");
        }
        out(c, "</text>");
        if (b->has) {
            double v = b->value < 0 ? 0 : b->value > max ? max : b->value;
            double w = PLOT_W * v / max;
            char lab[64];
            hb__rfmt_value(lab, sizeof lab, b->value, unit);
            out(c, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"", LABEL_W,
                y + 3, w, ROW_H - 6);
            if (b->colour) out(c, " style=\"fill:%s\"", b->colour);
            out(c, "/><text class=\"value\" x=\"%.1f\" y=\"%d\">%s", LABEL_W + w + 4, y + 15, lab);
            if (b->flag) {
                out(c, " ⚠ ");
                esc(c, b->flag);
            }
            out(c, "</text>");
        } else {
            out(c, "<text class=\"note\" x=\"%d\" y=\"%d\">", LABEL_W + 4, y + 15);
            esc(c, b->note ? b->note : HB__DASH);
            out(c, "</text>");
        }
        out(c, "</g>\n");
    }
    /* reference lines over the bars */
    for (size_t i = 0; i < nl; i++) {
        if (lines[i].from >= lines[i].to || lines[i].to > nb) continue;
        for (int k = 0; k < 1 + (lines[i].has_x2 != 0); k++) {
            double lx = k ? lines[i].x2 : lines[i].x;
            double x = LABEL_W + PLOT_W * (lx < 0 ? 0 : lx > max ? max : lx) / max;
            out(c, "<line class=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n",
                lines[i].cls, x, top + (int)lines[i].from * ROW_H, x,
                top + (int)lines[i].to * ROW_H);
        }
    }
    out(c, "</svg>\n");
}

/* ---- sections ---- */
static void section_header(ctx *c) {
    const json_t *r = c->r;
    const json_t *spec = json_object_get(r, "spec");
    const char *name = hb__rtext(json_object_get(spec, "name"), c->lang);
    out(c, "<h1>%s", T(TITLE));
    if (name) {
        out(c, "%s", COLON);
        esc(c, name);
    }
    out(c, "</h1>\n<dl class=\"meta\">");
    out(c, "<dt>%s</dt><dd>", T(SPEC));
    esc(c, name);
    if (hb__rstr(spec, "path")) {
        out(c, " <code>");
        esc_member(c, spec, "path");
        out(c, "</code>");
    }
    out(c, "</dd><dt>%s</dt><dd>", T(GENERATED_AT));
    esc_member(c, r, "generated_at");
    out(c, "</dd><dt>%s</dt><dd>", T(GENERATOR));
    esc_member(c, r, "generator");
    out(c, "</dd></dl>\n");
    const json_t *v = json_object_get(r, "verdict");
    const char *overall = hb__rstr(v, "overall");
    out(c, "<div class=\"banner %s\"><span class=\"overall\">%s%s", verdict_class(overall),
        T(OVERALL), COLON);
    const char *w = hb__rverdict_word(c->lang, overall);
    esc(c, w ? w : overall);
    out(c, "</span>");
    static const char *const keys[] = {"pass", "fail", "not_measurable"};
    for (size_t i = 0; i < 3; i++) {
        double n;
        if (!hb__rnum(v, keys[i], &n)) continue;
        out(c, " <span class=\"count %s\">%s %.0f</span>", verdict_class(keys[i]),
            hb__rverdict_word(c->lang, keys[i]), n);
    }
    out(c, "</div>\n");
}

static void section_verdicts(ctx *c) {
    const json_t *cl = json_object_get(c->r, "clauses");
    out(c, "<h2>%s</h2>\n", T(VERDICTS));
    if (!json_array_size(cl)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    out(c,
        "<table class=\"verdicts\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
        T(CLAUSE), T(NAME), T(VERDICT), T(MEASURED), T(THRESHOLD), T(REASON), T(EVIDENCE));
    int any_info = 0;
    for (size_t i = 0; i < json_array_size(cl); i++) {
        const json_t *k = json_array_get(cl, i);
        const char *verdict = hb__rstr(k, "verdict");
        int informational = json_is_false(json_object_get(k, "required"));
        any_info |= informational;
        out(c, "<tr class=\"%s\"><td><code>", verdict_class(verdict));
        esc_member(c, k, "id");
        out(c, "</code>");
        if (hb__rstr(k, "type")) {
            out(c, "<br><span class=\"sub\">");
            esc_member(c, k, "type");
            out(c, "</span>");
        }
        out(c, "</td><td>");
        esc_text(c, json_object_get(k, "title"));
        out(c, "</td><td>");
        verdict_badge(c, verdict);
        if (informational) out(c, " <span class=\"info\">%s</span>", T(INFORMATIONAL));
        const char *unit = hb__rstr(k, "unit");
        char m[96], t[96];
        hb__rfmt_member(m, sizeof m, k, "measured", unit);
        hb__rfmt_member(t, sizeof t, k, "threshold", unit);
        double thr;
        out(c, "</td><td class=\"num\">%s</td><td class=\"num\">%s%s%s</td><td>", m,
            hb__rnum(k, "threshold", &thr) ? hb__rcmp_symbol(hb__rstr(k, "comparison")) : "",
            hb__rnum(k, "threshold", &thr) && hb__rstr(k, "comparison") ? " " : "", t);
        esc_text(c, json_object_get(k, "reason"));
        out(c, "</td><td>");
        const json_t *ev = json_object_get(k, "evidence");
        if (json_array_size(ev)) {
            out(c, "<ul class=\"evidence\">");
            for (size_t e = 0; e < json_array_size(ev); e++) {
                out(c, "<li>");
                esc_text(c, json_array_get(ev, e));
                out(c, "</li>");
            }
            out(c, "</ul>");
        } else {
            out(c, "%s", HB__DASH);
        }
        out(c, "</td></tr>\n");
    }
    out(c, "</tbody></table>\n");
    if (any_info) out(c, "<p class=\"note\">%s</p>\n", T(INFORMATIONAL_NOTE));
}

static void section_capacity(ctx *c, const char **precs, size_t np) {
    const json_t *sys = json_object_get(json_object_get(c->r, "system"), "capacity");
    out(c, "<h2>%s</h2>\n", T(SYS_CAPACITY));
    if (!json_is_object(sys) || !json_object_size(sys)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
    } else {
        out(c, "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
            T(PRECISION), T(VALUE), T(METHOD));
        for (size_t p = 0; p < np; p++) {
            const json_t *e = json_object_get(sys, precs[p]);
            if (!e) continue;
            const char *unit = hb__rstr(e, "unit");
            char v[96];
            hb__rfmt_member(v, sizeof v, e, "value", unit ? unit : "FLOP/s");
            out(c, "<tr><td>");
            esc(c, precs[p]);
            out(c, "</td><td class=\"num big\">%s</td><td>", v);
            esc_text(c, json_object_get(e, "method"));
            out(c, "</td></tr>\n");
        }
        out(c, "</tbody></table>\n");
    }
    const json_t *nts = json_object_get(c->r, "node_types");
    if (!json_array_size(nts)) return;
    out(c, "<h3>%s</h3>\n", T(NODE_TYPES));
    out(c,
        "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>"
        "<tbody>\n",
        T(NODE_TYPE), T(ROLE), T(COUNT), T(TESTED), T(PRECISION), T(MEDIAN), T(MAD), T(LCB),
        T(LINE_CUTOFF), T(SYSTEM_PART), T(METHOD));
    for (size_t i = 0; i < json_array_size(nts); i++) {
        const json_t *t = json_array_get(nts, i);
        const json_t *cap = json_object_get(t, "capacity");
        size_t rows = 0;
        for (size_t p = 0; p < np; p++) rows += json_object_get(cap, precs[p]) != NULL;
        char cnt[64], tested[64];
        hb__rfmt_member(cnt, sizeof cnt, t, "count", NULL);
        hb__rfmt_member(tested, sizeof tested, t, "tested", NULL);
        int first = 1;
        for (size_t p = 0; p < np || (rows == 0 && first); p++) {
            const json_t *e = p < np ? json_object_get(cap, precs[p]) : NULL;
            if (rows && !e) continue;
            out(c, "<tr>");
            if (first) {
                out(c, "<td rowspan=\"%zu\"><code>", rows ? rows : 1);
                esc_member(c, t, "id");
                out(c, "</code></td><td rowspan=\"%zu\">", rows ? rows : 1);
                esc_member(c, t, "role");
                out(c,
                    "</td><td rowspan=\"%zu\" class=\"num\">%s</td>"
                    "<td rowspan=\"%zu\" class=\"num\">%s</td>",
                    rows ? rows : 1, cnt, rows ? rows : 1, tested);
                first = 0;
            }
            char med[64], mad[64], lcb[64], cut[64], sys_[64];
            const char *u = p < np ? hb__rcapacity_unit(c->r, precs[p]) : NULL;
            hb__rfmt_member(med, sizeof med, e, "median", u);
            hb__rfmt_member(mad, sizeof mad, e, "mad", u);
            hb__rfmt_member(lcb, sizeof lcb, e, "lcb", u);
            hb__rfmt_member(cut, sizeof cut, e, "suspect_threshold", u);
            hb__rfmt_member(sys_, sizeof sys_, e, "system", u);
            out(c, "<td>");
            esc(c, e ? precs[p] : NULL);
            out(c,
                "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                "<td class=\"num\">%s</td><td class=\"num\">%s</td><td>",
                med, mad, lcb, cut, sys_);
            esc_text(c, json_object_get(e, "method"));
            out(c, "</td></tr>\n");
            if (!rows) break;
        }
    }
    out(c, "</tbody></table>\n");
}

/* The threshold of the suspect test for a node type and precision: the node type's
   "suspect_threshold", else the threshold of a listed suspect of that type. */
static int suspect_cutoff(const json_t *r, const json_t *nt, const char *prec, double *out) {
    if (hb__rnum(json_object_get(json_object_get(nt, "capacity"), prec), "suspect_threshold", out))
        return 1;
    const char *id = hb__rstr(nt, "id");
    const json_t *sus = json_object_get(r, "suspect_nodes");
    for (size_t i = 0; id && i < json_array_size(sus); i++) {
        const json_t *s = json_array_get(sus, i);
        const char *t = hb__rstr(s, "node_type"), *p = hb__rstr(s, "precision");
        if (t && p && strcmp(t, id) == 0 && strcmp(p, prec) == 0 && hb__rnum(s, "threshold", out))
            return 1;
    }
    return 0;
}

static int node_is_suspect(const json_t *r, const json_t *node, const char *prec) {
    const char *host = hb__rstr(node, "host");
    const json_t *sus = json_object_get(r, "suspect_nodes");
    for (size_t i = 0; host && i < json_array_size(sus); i++) {
        const json_t *s = json_array_get(sus, i);
        const char *h = hb__rstr(s, "host"), *p = hb__rstr(s, "precision");
        if (h && strcmp(h, host) == 0 && (!p || strcmp(p, prec) == 0)) return 1;
    }
    return 0;
}

/* The capacity clause minimum for a precision (the largest, when several clauses name it). */
static int clause_min_for(const json_t *r, const char *prec, double *out) {
    const json_t *cl = json_object_get(r, "clauses");
    int found = 0;
    for (size_t i = 0; i < json_array_size(cl); i++) {
        const json_t *k = json_array_get(cl, i);
        const char *type = hb__rstr(k, "type");
        double t;
        if (type && strcmp(type, "capacity") == 0 && hb__rclause_is_capacity(k, prec) &&
            hb__rnum(k, "threshold", &t) && (!found || t > *out))
            *out = t, found = 1;
    }
    return found;
}

/* 1 when the node has a failed record at this precision (or one that names none). */
static int node_failed_at(const json_t *node, const char *prec) {
    const json_t *fr = json_object_get(node, "failed_records");
    for (size_t i = 0; i < json_array_size(fr); i++) {
        const char *p = hb__rstr(json_array_get(fr, i), "precision");
        if (!p || strcmp(p, prec) == 0) return 1;
    }
    return 0;
}

/* One chart per precision and node type (each on its own scale: a CPU node and an
   accelerator node differ by orders of magnitude), with the node type's median, the suspect
   cut-off and, when a single node type has this precision, the per-node capacity the clause
   minimum needs. Nodes of no known type get a chart of their own, without lines. */
static void section_node_capacity(ctx *c, const char **precs, size_t np) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    const json_t *nts = json_object_get(c->r, "node_types");
    size_t nn = json_array_size(nodes), ntn = json_array_size(nts);
    out(c, "<h2>%s</h2>\n", T(NODE_CAPACITY));
    if (!nn || !np) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    hbar *bars = calloc(nn, sizeof *bars);
    if (!bars) return;
    for (size_t p = 0; p < np; p++) {
        const char *prec = precs[p];
        const char *unit = hb__rcapacity_unit(c->r, prec);
        size_t types_here = 0;
        for (size_t t = 0; t < ntn; t++)
            types_here +=
                json_object_get(json_object_get(json_array_get(nts, t), "capacity"), prec) != NULL;
        int heading = 0;
        for (size_t t = 0; t <= ntn; t++) {
            const json_t *nt = t < ntn ? json_array_get(nts, t) : NULL;
            const char *tid = hb__rstr(nt, "id");
            const json_t *tcap = json_object_get(json_object_get(nt, "capacity"), prec);
            size_t nb = 0, nl = 0;
            vline lines[3];
            memset(bars, 0, nn * sizeof *bars);
            for (size_t i = 0; i < nn; i++) {
                const json_t *node = json_array_get(nodes, i);
                const char *nid = hb__rstr(node, "node_type");
                int mine = t < ntn ? (tid && nid && strcmp(tid, nid) == 0)
                                   : (!nid || !hb__rnode_type(c->r, nid));
                if (!mine) continue;
                const json_t *cap = json_object_get(json_object_get(node, "capacity"), prec);
                if (!cap && !tcap) continue;
                hbar *b = &bars[nb++];
                b->label = hb__rstr(node, "host");
                b->has = hb__rnum(cap, "value", &b->value);
                b->note = HB__DASH;
                if (json_is_false(json_object_get(cap, "measured"))) b->flag = T(NOT_MEASURED);
                if (node_is_suspect(c->r, node, prec)) {
                    b->flag = T(SUSPECT);
                    b->colour = "#e69f00";
                } else if (node_failed_at(node, prec)) {
                    b->flag = T(HAS_FAILED);
                    b->colour = "#b0b0b0";
                }
            }
            if (!nb) continue;
            double x, min, count;
            char v[64];
            if (hb__rnum(tcap, "median", &x)) {
                vline *l = &lines[nl++];
                hb__rfmt_si(v, sizeof v, x, unit);
                *l = (vline){.x = x, .to = nb, .cls = "ln-median"};
                snprintf(l->legend, sizeof l->legend, "%s %s", T(LINE_MEDIAN), v);
            }
            if (nt && suspect_cutoff(c->r, nt, prec, &x)) {
                vline *l = &lines[nl++];
                hb__rfmt_si(v, sizeof v, x, unit);
                *l = (vline){.x = x, .to = nb, .cls = "ln-cutoff"};
                snprintf(l->legend, sizeof l->legend, "%s %s", T(LINE_CUTOFF), v);
            }
            int needed = types_here == 1 && tcap && clause_min_for(c->r, prec, &min) &&
                         hb__rnum(nt, "count", &count) && count > 0;
            if (needed) {
                vline *l = &lines[nl++];
                hb__rfmt_si(v, sizeof v, min / count, unit);
                *l = (vline){.x = min / count, .to = nb, .cls = "ln-needed"};
                snprintf(l->legend, sizeof l->legend, "%s %s", T(LINE_NEEDED), v);
            }
            if (!heading) {
                out(c, "<h3>");
                esc(c, prec);
                out(c, "</h3>\n");
                heading = 1;
            }
            out(c, "<figure><figcaption class=\"chart-title\">");
            esc(c, prec);
            out(c, " · %s ", T(NODE_TYPE));
            esc(c, tid);
            out(c, "</figcaption>");
            char aria[160];
            if (snprintf(aria, sizeof aria, "%s %s", T(NODE_CAPACITY), prec) >= (int)sizeof aria)
                hb__utf8_cut(aria); /* a long key from the JSON */
            hbar_chart(c, aria, bars, nb, lines, nl, unit, 0);
            if (needed) out(c, "<figcaption>%s = %s</figcaption>", T(LINE_NEEDED), T(NEEDED_NOTE));
            out(c, "</figure>\n");
        }
    }
    free(bars);
}

static void section_suspects(ctx *c) {
    const json_t *sus = json_object_get(c->r, "suspect_nodes");
    out(c, "<h2>%s</h2>\n", T(SUSPECT_NODES));
    if (!json_is_array(sus)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    if (!json_array_size(sus)) {
        out(c, "<p>%s</p>\n", T(NO_SUSPECTS));
        return;
    }
    out(c,
        "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th></tr></thead><tbody>\n",
        T(HOST), T(NODE_TYPE), T(PRECISION), T(CAPACITY), T(MEDIAN), T(LINE_CUTOFF));
    for (size_t i = 0; i < json_array_size(sus); i++) {
        const json_t *s = json_array_get(sus, i);
        char v[64], m[64], t[64];
        const char *u = hb__rcapacity_unit(c->r, hb__rstr(s, "precision"));
        hb__rfmt_member(v, sizeof v, s, "value", u);
        hb__rfmt_member(m, sizeof m, s, "median", u);
        hb__rfmt_member(t, sizeof t, s, "threshold", u);
        out(c, "<tr class=\"suspect\"><td>");
        esc_member(c, s, "host");
        out(c, "</td><td>");
        esc_member(c, s, "node_type");
        out(c, "</td><td>");
        esc_member(c, s, "precision");
        out(c,
            "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
            "</tr>\n",
            v, m, t);
    }
    out(c, "</tbody></table>\n");
}

static void section_efficiency(ctx *c) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    size_t rows = 0;
    for (size_t i = 0; i < json_array_size(nodes); i++)
        rows += json_array_size(json_object_get(json_array_get(nodes, i), "efficiency"));
    if (!rows) return;
    out(c, "<h2>%s</h2>\n", T(EFFICIENCY));
    out(c,
        "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th></tr></thead><tbody>\n",
        T(HOST), T(KERNEL), T(PRECISION), T(DEVICE), T(MEASURED), T(REFERENCE), T(RATIO));
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
            out(c, "<tr><td>");
            esc_member(c, node, "host");
            out(c, "</td><td>");
            esc_member(c, e, "kernel");
            out(c, "</td><td>");
            esc_member(c, e, "precision");
            out(c, "</td><td>");
            esc_member(c, e, "device");
            out(c, "</td><td class=\"num\">%s</td><td class=\"num\">%s", m, ref);
            if (hb__rstr(e, "reference_kind")) {
                out(c, " <span class=\"sub\">(");
                esc_member(c, e, "reference_kind");
                out(c, ")</span>");
            }
            out(c, "</td><td class=\"num\">%s", ratio);
            if (json_is_true(json_object_get(e, "above_rated")))
                out(c, " <span class=\"warn\">⚠ %s</span>", T(ABOVE_RATED));
            out(c, "</td></tr>\n");
        }
    }
    out(c, "</tbody></table>\n");
}

/* ---- roofline ---- */
#define RF_L 104
#define RF_T 20
#define RF_W 640
#define RF_H 360
#define RF_BOXES 256 /* labels and points that later labels avoid */

typedef struct {
    double lx0, lx1, ly0, ly1;
} rf_dom;

static double rf_x(const rf_dom *d, double x) {
    return RF_L + RF_W * (log10(x) - d->lx0) / (d->lx1 - d->lx0);
}
static double rf_y(const rf_dom *d, double y) {
    return RF_T + RF_H - RF_H * (log10(y) - d->ly0) / (d->ly1 - d->ly0);
}

static size_t prec_index(const char **precs, size_t np, const char *p) {
    for (size_t i = 0; p && i < np; i++)
        if (strcmp(precs[i], p) == 0) return i;
    return np;
}

static void roofline_chart(ctx *c, const json_t *rf) {
    const json_t *roofs = json_object_get(rf, "compute_roof");
    const json_t *pts = json_object_get(rf, "points");
    double bw = 0;
    int has_bw = hb__rnum(rf, "bandwidth_roof", &bw) && bw > 0;
    /* precisions in this chart, for colours */
    const char *precs[16];
    size_t np = 0;
    const char *k;
    json_t *v;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY, maxroof = 0;
    json_object_foreach((json_t *)roofs, k, v) {
        if (!json_is_number(v) || !(json_number_value(v) > 0)) continue;
        double r = json_number_value(v);
        if (np < 16) precs[np++] = k;
        ymin = fmin(ymin, r), ymax = fmax(ymax, r), maxroof = fmax(maxroof, r);
        if (has_bw) xmin = fmin(xmin, r / bw), xmax = fmax(xmax, r / bw);
    }
    size_t nplotted = 0;
    for (size_t i = 0; i < json_array_size(pts); i++) {
        const json_t *p = json_array_get(pts, i);
        double x, y;
        if (!hb__rnum(p, "intensity", &x) || !hb__rnum(p, "rate", &y) || !(x > 0) || !(y > 0))
            continue;
        nplotted++;
        xmin = fmin(xmin, x), xmax = fmax(xmax, x), ymin = fmin(ymin, y), ymax = fmax(ymax, y);
        const char *pp = hb__rstr(p, "precision");
        if (pp && prec_index(precs, np, pp) == np && np < 16) precs[np++] = pp;
    }
    if (!nplotted && maxroof <= 0) return; /* nothing to draw */
    if (!isfinite(xmin)) xmin = 0.01, xmax = 100;
    if (!isfinite(ymin)) ymin = maxroof / 100, ymax = maxroof;
    rf_dom d = {floor(log10(xmin / 2)), ceil(log10(xmax * 2)), floor(log10(ymin / 3)),
                ceil(log10(ymax * 1.5))};
    if (d.lx1 - d.lx0 < 2) d.lx1 = d.lx0 + 2;
    if (d.ly1 - d.ly0 < 2) d.ly0 = d.ly1 - 2;
    double X0 = pow(10, d.lx0), X1 = pow(10, d.lx1), Y0 = pow(10, d.ly0), Y1 = pow(10, d.ly1);
    int w = RF_L + RF_W + 200, h = RF_T + RF_H + 50;
    out(c,
        "<svg class=\"chart roofline\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        "role=\"img\" aria-label=\"",
        w, h, w, h);
    esc(c, T(ROOFLINE));
    out(c, " ");
    esc_member(c, rf, "device_type");
    out(c, "\">\n");
    /* decades */
    int xstep = d.lx1 - d.lx0 > 8 ? 2 : 1, ystep = d.ly1 - d.ly0 > 8 ? 2 : 1;
    for (double e = d.lx0; e <= d.lx1 + 1e-9; e += 1) {
        double x = rf_x(&d, pow(10, e));
        char lab[64];
        if (e >= -3 && e <= 4)
            snprintf(lab, sizeof lab, "%g", pow(10, e));
        else
            snprintf(lab, sizeof lab, "1e%d", (int)e);
        out(c, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>", x, RF_T, x,
            RF_T + RF_H);
        if (((int)(e - d.lx0)) % xstep == 0)
            out(c, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x,
                RF_T + RF_H + 14, lab);
    }
    for (double e = d.ly0; e <= d.ly1 + 1e-9; e += 1) {
        double y = rf_y(&d, pow(10, e));
        char lab[64];
        hb__rfmt_si(lab, sizeof lab, pow(10, e), "FLOP/s");
        out(c, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>", RF_L, y,
            RF_L + RF_W, y);
        if (((int)(e - d.ly0)) % ystep == 0)
            out(c, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                RF_L - 4, y + 4, lab);
    }
    out(c, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", RF_L, RF_T,
        RF_W, RF_H);
    out(c, "<text class=\"axis-title\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
        RF_L + RF_W / 2, RF_T + RF_H + 34, T(INTENSITY));
    out(c,
        "<text class=\"axis-title\" x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
        "text-anchor=\"middle\">%s (FLOP/s)</text>\n",
        RF_T + RF_H / 2, RF_T + RF_H / 2, T(RATE));
    /* bandwidth roof: y = bw·x, from the left edge (or where it enters) up to the highest
       compute roof (or the right edge) */
    if (has_bw) {
        double x0 = fmax(X0, Y0 / bw);
        double x1 = fmin(X1, fmin(Y1, maxroof > 0 ? maxroof : INFINITY) / bw);
        if (x0 < x1) {
            char lab[64];
            hb__rfmt_si(lab, sizeof lab, bw, "B/s");
            out(c, "<line class=\"roof-bw\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                rf_x(&d, x0), rf_y(&d, bw * x0), rf_x(&d, x1), rf_y(&d, bw * x1));
            double xm = sqrt(x0 * x1);
            out(c,
                "<text class=\"roof-label\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s %s"
                "</text>\n",
                rf_x(&d, xm) - 6, rf_y(&d, bw * xm) - 6, T(BW_ROOF), lab);
        }
    }
    /* compute roofs; their labels (right of the frame) are the first boxes that point labels
       avoid */
    double boxes[RF_BOXES][4];
    size_t nbox = 0;
    json_object_foreach((json_t *)roofs, k, v) {
        if (!json_is_number(v) || !(json_number_value(v) > 0)) continue;
        double r = json_number_value(v);
        double x0 = has_bw ? fmax(X0, r / bw) : X0;
        const char *col = palette[prec_index(precs, np, k) % PALETTE_N];
        char lab[64];
        hb__rfmt_si(lab, sizeof lab, r, "FLOP/s");
        out(c,
            "<line class=\"roof\" style=\"stroke:%s\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
            "y2=\"%.1f\"/>",
            col, rf_x(&d, x0), rf_y(&d, r), rf_x(&d, X1), rf_y(&d, r));
        if (nbox < RF_BOXES) {
            boxes[nbox][0] = RF_L + RF_W + 4, boxes[nbox][1] = rf_y(&d, r) - 7;
            boxes[nbox][2] = RF_L + RF_W + 4 + 5.6 * (double)(strlen(k) + 1 + strlen(lab));
            boxes[nbox][3] = rf_y(&d, r) + 5;
            nbox++;
        }
        out(c, "<text class=\"roof-label\" x=\"%d\" y=\"%.1f\" style=\"fill:%s\">", RF_L + RF_W + 4,
            rf_y(&d, r) + 4, col);
        esc_n(c->f, k, 8);
        out(c, " %s</text>\n", lab);
    }
    /* points, their labels placed where they overlap no earlier label and no point */
    for (size_t i = 0; i < json_array_size(pts) && nbox < RF_BOXES; i++) {
        const json_t *p = json_array_get(pts, i);
        double x, y;
        if (!hb__rnum(p, "intensity", &x) || !hb__rnum(p, "rate", &y) || !(x > 0) || !(y > 0))
            continue;
        double px = rf_x(&d, x), py = rf_y(&d, y);
        boxes[nbox][0] = px - 5, boxes[nbox][1] = py - 5;
        boxes[nbox][2] = px + 5, boxes[nbox][3] = py + 5;
        nbox++;
    }
    for (size_t i = 0; i < json_array_size(pts); i++) {
        const json_t *p = json_array_get(pts, i);
        double x, y;
        if (!hb__rnum(p, "intensity", &x) || !hb__rnum(p, "rate", &y) || !(x > 0) || !(y > 0))
            continue;
        const char *pp = hb__rstr(p, "precision");
        const char *col = palette[prec_index(precs, np, pp) % PALETTE_N];
        double px = rf_x(&d, x), py = rf_y(&d, y);
        out(c, "<g><title>");
        esc_member(c, p, "kernel");
        if (hb__rstr(p, "operation")) {
            out(c, "/");
            esc_member(c, p, "operation");
        }
        out(c, " ");
        esc(c, pp);
        out(c, "</title><circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" style=\"fill:%s\"/>",
            px, py, col);
        size_t chars = 2 + strlen(pp ? pp : "");
        chars += hb__rstr(p, "kernel") ? strlen(hb__rstr(p, "kernel")) : 1;
        chars += hb__rstr(p, "operation") ? 1 + strlen(hb__rstr(p, "operation")) : 0;
        double tw = 5.6 * (double)(chars > 40 ? 40 : chars), th = 11;
        static const double cand[][2] = {{8, -4}, {8, 12},   {-8, -4}, {-8, 12}, {8, -16},
                                         {8, 24}, {-8, -16}, {-8, 24}, {8, -28}, {8, 36}};
        double lx = px + 8, ly = py - 4;
        int anchor_end = 0;
        for (size_t k = 0; k < sizeof cand / sizeof cand[0]; k++) {
            double x0 = cand[k][0] > 0 ? px + cand[k][0] : px + cand[k][0] - tw;
            double y0 = py + cand[k][1] - th;
            int clash = 0;
            for (size_t b = 0; b < nbox && !clash; b++)
                clash = x0 < boxes[b][2] && boxes[b][0] < x0 + tw && y0 < boxes[b][3] &&
                        boxes[b][1] < y0 + th;
            if (!clash || k + 1 == sizeof cand / sizeof cand[0]) {
                lx = px + cand[k][0], ly = py + cand[k][1], anchor_end = cand[k][0] < 0;
                if (nbox < RF_BOXES) {
                    boxes[nbox][0] = x0, boxes[nbox][1] = y0;
                    boxes[nbox][2] = x0 + tw, boxes[nbox][3] = y0 + th;
                    nbox++;
                }
                break;
            }
        }
        out(c, "<text class=\"pt-label\" x=\"%.1f\" y=\"%.1f\"%s>", lx, ly,
            anchor_end ? " text-anchor=\"end\"" : "");
        esc_n(c->f, hb__rstr(p, "kernel"), 16);
        if (hb__rstr(p, "operation")) {
            out(c, "/");
            esc_n(c->f, hb__rstr(p, "operation"), 12);
        }
        out(c, " ");
        esc_n(c->f, pp, 8);
        out(c, "</text></g>\n");
    }
    out(c, "</svg>\n");
}

static void section_roofline(ctx *c) {
    const json_t *rfs = json_object_get(c->r, "roofline");
    out(c, "<h2>%s</h2>\n", T(ROOFLINE));
    if (!json_array_size(rfs)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    for (size_t i = 0; i < json_array_size(rfs); i++) {
        const json_t *rf = json_array_get(rfs, i);
        out(c, "<h3>");
        esc_member(c, rf, "device_type");
        out(c, "</h3>\n<figure>");
        roofline_chart(c, rf);
        out(c, "<figcaption>");
        const json_t *roofs = json_object_get(rf, "compute_roof");
        const char *k;
        json_t *v;
        out(c, "%s%s", T(COMPUTE_ROOF), COLON);
        int any = 0;
        json_object_foreach((json_t *)roofs, k, v) {
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
        out(c, "<br>%s%s%s<br>%s%s", T(BW_ROOF), COLON, bw, T(ROOF_SOURCE), COLON);
        esc_text(c, json_object_get(rf, "roof_source"));
        out(c, "</figcaption></figure>\n");
        const json_t *pts = json_object_get(rf, "points");
        if (!json_array_size(pts)) continue;
        out(c,
            "<table class=\"compact\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th></tr></thead><tbody>\n",
            T(KERNEL), T(PRECISION), T(INTENSITY), T(RATE));
        for (size_t j = 0; j < json_array_size(pts); j++) {
            const json_t *p = json_array_get(pts, j);
            char in[64], rate[64];
            hb__rfmt_member(in, sizeof in, p, "intensity", NULL);
            hb__rfmt_member(rate, sizeof rate, p, "rate", hb__rrate_unit(hb__rstr(p, "precision")));
            out(c, "<tr><td>");
            esc_member(c, p, "kernel");
            if (hb__rstr(p, "operation")) {
                out(c, "/");
                esc_member(c, p, "operation");
            }
            out(c, "</td><td>");
            esc_member(c, p, "precision");
            out(c, "</td><td class=\"num\">%s", in);
            double x;
            if (!hb__rnum(p, "intensity", &x) || !(x > 0))
                out(c, " <span class=\"sub\">(%s)</span>", T(NO_INTENSITY));
            out(c, "</td><td class=\"num\">%s</td></tr>\n", rate);
        }
        out(c, "</tbody></table>\n");
    }
}

/* ---- energy ---- */
typedef struct {
    const char *kernel, *precision;
} kp;

static size_t energy_combos(const json_t *nodes, kp *out_, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *en = json_object_get(json_array_get(nodes, i), "energy");
        for (size_t j = 0; j < json_array_size(en); j++) {
            const json_t *e = json_array_get(en, j);
            const char *k = hb__rstr(e, "kernel"), *p = hb__rstr(e, "precision");
            if (!k || !p) continue;
            size_t m = 0;
            while (m < n && !(strcmp(out_[m].kernel, k) == 0 && strcmp(out_[m].precision, p) == 0))
                m++;
            if (m == n && n < max) out_[n++] = (kp){k, p};
        }
    }
    return n;
}

/* The best GFLOP/J of a node for a kernel and precision; the entry in *best. */
static int node_best_energy(const json_t *node, const kp *combo, const json_t **best) {
    const json_t *en = json_object_get(node, "energy");
    double b = -1;
    *best = NULL;
    for (size_t j = 0; j < json_array_size(en); j++) {
        const json_t *e = json_array_get(en, j);
        const char *k = hb__rstr(e, "kernel"), *p = hb__rstr(e, "precision");
        double g;
        if (k && p && strcmp(k, combo->kernel) == 0 && strcmp(p, combo->precision) == 0 &&
            hb__rnum(e, "gflops_per_joule", &g) && g > b)
            b = g, *best = e;
    }
    return *best != NULL;
}

static int energy_clause_min(const json_t *r, const kp *combo, size_t ncombos, double *out) {
    const json_t *cl = json_object_get(r, "clauses");
    for (size_t i = 0; i < json_array_size(cl); i++) {
        const json_t *k = json_array_get(cl, i);
        const char *type = hb__rstr(k, "type");
        if (!type || strcmp(type, "energy_efficiency") != 0) continue;
        const char *kk = hb__rstr(k, "kernel");
        int match =
            kk ? strcmp(kk, combo->kernel) == 0 && hb__rclause_has_precision(k, combo->precision)
               : ncombos == 1;
        if (match && hb__rnum(k, "threshold", out)) return 1;
    }
    return 0;
}

static void section_energy(ctx *c) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    size_t nn = json_array_size(nodes);
    out(c, "<h2>%s</h2>\n", T(ENERGY));
    kp combos[16];
    size_t nc = energy_combos(nodes, combos, 16);
    if (!nn) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    hbar *bars = calloc(nn, sizeof *bars);
    if (!bars) return;
    for (size_t k = 0; k < nc; k++) {
        for (size_t i = 0; i < nn; i++) {
            const json_t *node = json_array_get(nodes, i), *best;
            hbar *b = &bars[i];
            *b = (hbar){.label = hb__rstr(node, "host"), .note = T(NO_METER)};
            /* a node with meters that did not run this kernel and precision: "—" */
            const json_t *en = json_object_get(node, "energy");
            int ran = 0;
            for (size_t j = 0; j < json_array_size(en); j++) {
                const json_t *e = json_array_get(en, j);
                const char *ek = hb__rstr(e, "kernel"), *ep = hb__rstr(e, "precision");
                ran |= ek && ep && strcmp(ek, combos[k].kernel) == 0 &&
                       strcmp(ep, combos[k].precision) == 0;
            }
            if (json_array_size(en) && !ran) b->note = HB__DASH;
            if (node_best_energy(node, &combos[k], &best)) {
                hb__rnum(best, "gflops_per_joule", &b->value);
                b->has = 1;
                b->sub = hb__rstr(best, "device");
            }
        }
        vline l = {.from = 0, .to = nn, .cls = "ln-min"};
        size_t nl = 0;
        if (energy_clause_min(c->r, &combos[k], nc, &l.x)) {
            char v[64];
            hb__rfmt_value(v, sizeof v, l.x, hb__renergy_unit(combos[k].precision));
            snprintf(l.legend, sizeof l.legend, "%s %s", T(LINE_ENERGY_MIN), v);
            nl = 1;
        }
        out(c, "<h3>");
        esc(c, combos[k].kernel);
        out(c, " ");
        esc(c, combos[k].precision);
        const char *eu = hb__renergy_unit(combos[k].precision);
        out(c, " (%s)</h3>\n<figure>", eu);
        char aria[160];
        snprintf(aria, sizeof aria, "%s %s", T(ENERGY), eu);
        hbar_chart(c, aria, bars, nn, &l, nl, eu, 0);
        out(c, "</figure>\n");
    }
    /* the figures */
    out(c,
        "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
        T(HOST), T(KERNEL), T(PRECISION), T(DEVICE), T(ENERGY), T(JOULES), T(POWER), T(METERS));
    for (size_t i = 0; i < nn; i++) {
        const json_t *node = json_array_get(nodes, i);
        const json_t *en = json_object_get(node, "energy");
        size_t rows = 0;
        for (size_t j = 0; j < json_array_size(en); j++) {
            const json_t *e = json_array_get(en, j);
            char g[64], jl[64], w[64];
            hb__rfmt_energy(g, sizeof g, e, c->lang);
            hb__rfmt_member(jl, sizeof jl, e, "joules", "J");
            hb__rfmt_member(w, sizeof w, e, "watts", "W");
            out(c, "<tr><td>");
            esc_member(c, node, "host");
            out(c, "</td><td>");
            esc_member(c, e, "kernel");
            out(c, "</td><td>");
            esc_member(c, e, "precision");
            out(c, "</td><td>");
            esc_member(c, e, "device");
            out(c,
                "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s"
                "</td><td>",
                g, jl, w);
            esc_text(c, json_object_get(e, "meters"));
            if (json_is_true(json_object_get(e, "uncertain")))
                out(c, " <span class=\"warn\">(%s)</span>", T(UNCERTAIN));
            out(c, "</td></tr>\n");
            rows++;
        }
        if (!rows) {
            out(c, "<tr><td>");
            esc_member(c, node, "host");
            out(c, "</td><td colspan=\"7\" class=\"note\">%s</td></tr>\n", T(NO_METER));
        }
    }
    out(c, "</tbody></table>\n");
    free(bars);
}

/* ---- autonomy ---- */
/* domestic / foreign / unknown of a category entry; foreign = total − domestic − unknown
   when the entry has no "foreign". */
static void category_counts(const json_t *e, double *d, double *f, double *u) {
    double t = 0;
    *d = *f = *u = 0;
    hb__rnum(e, "domestic", d);
    hb__rnum(e, "unknown", u);
    if (!hb__rnum(e, "foreign", f) && hb__rnum(e, "total", &t)) *f = fmax(0, t - *d - *u);
}

static void autonomy_chart(ctx *c, const json_t *bycat) {
    size_t n = json_object_size(bycat);
    if (!n) return;
    int top = 34, h = top + (int)n * ROW_H + 30;
    out(c,
        "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
        "aria-label=\"%s\">\n",
        CHART_W, h, CHART_W, h, T(AUTONOMY));
    static const char *const cls[] = {"seg-dom", "seg-for", "seg-unk"};
    const hb__ui_id names[] = {HB__UI_DOMESTIC, HB__UI_FOREIGN, HB__UI_UNKNOWN};
    for (int i = 0; i < 3; i++)
        out(c,
            "<rect class=\"%s\" x=\"%d\" y=\"8\" width=\"14\" height=\"12\"/><text "
            "class=\"legend\" x=\"%d\" y=\"18\">%s</text>",
            cls[i], LABEL_W + i * 150, LABEL_W + i * 150 + 18, hb__ui(c->lang, names[i]));
    out(c, "\n");
    const char *k;
    json_t *e;
    int row = 0;
    json_object_foreach((json_t *)bycat, k, e) {
        double v[3];
        category_counts(e, &v[0], &v[1], &v[2]);
        double tot = v[0] + v[1] + v[2];
        int y = top + row * ROW_H;
        out(c, "<g><text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">", LABEL_W - 6,
            y + 15);
        esc_n(c->f, k, 24);
        out(c, "</text>");
        double x = LABEL_W;
        for (int s = 0; s < 3 && tot > 0; s++) {
            double w = PLOT_W * v[s] / tot;
            if (w <= 0) continue;
            char num[64];
            hb__rfmt_num(num, sizeof num, v[s]);
            out(c,
                "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s "
                "%s</title></rect>",
                cls[s], x, y + 3, w, ROW_H - 6, hb__ui(c->lang, names[s]), num);
            if (w > 40)
                out(c,
                    "<text class=\"seg-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
                    "</text>",
                    x + w / 2, y + 15, num);
            x += w;
        }
        char pct[64];
        if (tot > 0)
            hb__rfmt_pct(pct, sizeof pct, v[0] / tot);
        else
            snprintf(pct, sizeof pct, "%s", HB__DASH);
        out(c, "<text class=\"value\" x=\"%d\" y=\"%d\">%s %s</text></g>\n", LABEL_W + PLOT_W + 6,
            y + 15, T(DOMESTIC), pct);
        row++;
    }
    out(c, "</svg>\n");
}

static void autonomy_ratio_line(ctx *c, const json_t *m, const char *key, hb__ui_id name) {
    if (!m) return;
    char ratio[64];
    hb__rfmt_member(ratio, sizeof ratio, m, "ratio", "ratio");
    out(c, "<li><b>%s</b> (<code>%s</code>): <span class=\"big\">%s</span>", hb__ui(c->lang, name),
        key, ratio);
    double d, t;
    const char *unit = hb__rstr(m, "unit");
    if (hb__rnum(m, "domestic", &d) && hb__rnum(m, "total", &t)) {
        char a[64], b[64];
        hb__rfmt_value(a, sizeof a, d, unit);
        hb__rfmt_value(b, sizeof b, t, unit);
        out(c, " — %s %s / %s %s", T(DOMESTIC), a, T(TOTAL_LC), b);
    }
    const json_t *p = json_object_get(m, "precision");
    if (json_array_size(p) || json_is_string(p)) {
        out(c, " — %s ", T(PRECISION));
        if (json_is_string(p)) esc(c, json_string_value(p));
        for (size_t i = 0; i < json_array_size(p); i++) {
            out(c, "%s", i ? ", " : "");
            esc(c, json_string_value(json_array_get(p, i)));
        }
    }
    const char *method = hb__rtext(json_object_get(m, "method"), c->lang);
    if (method) {
        out(c, "<br><span class=\"sub\">%s%s", T(METHOD), COLON);
        esc(c, method);
        out(c, "</span>");
    }
    out(c, "</li>\n");
}

static void section_autonomy(ctx *c) {
    const json_t *a = json_object_get(json_object_get(c->r, "system"), "autonomy");
    out(c, "<h2>%s</h2>\n", T(AUTONOMY));
    const json_t *count = json_object_get(a, "count"), *compute = json_object_get(a, "compute");
    if (!json_is_object(count) && !json_is_object(compute)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    out(c, "<ul class=\"ratios\">\n");
    autonomy_ratio_line(c, json_is_object(count) ? count : NULL, "count", HB__UI_COUNT_BASED);
    autonomy_ratio_line(c, json_is_object(compute) ? compute : NULL, "compute",
                        HB__UI_COMPUTE_WEIGHTED);
    out(c, "</ul>\n");
    const json_t *bycat = json_object_get(count, "by_category");
    if (json_object_size(bycat)) {
        out(c, "<figure>");
        autonomy_chart(c, bycat);
        out(c, "</figure>\n");
        out(c,
            "<table class=\"compact\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
            "<th>%s</th></tr></thead><tbody>\n",
            T(CATEGORY), T(DOMESTIC), T(FOREIGN), T(UNKNOWN), T(TOTAL));
        const char *k;
        json_t *e;
        json_object_foreach((json_t *)bycat, k, e) {
            double d, f, u;
            category_counts(e, &d, &f, &u);
            char sd[64], sf[64], su[64], st[64];
            hb__rfmt_num(sd, sizeof sd, d);
            hb__rfmt_num(sf, sizeof sf, f);
            hb__rfmt_num(su, sizeof su, u);
            hb__rfmt_member(st, sizeof st, e, "total", NULL);
            out(c, "<tr><td>");
            esc(c, k);
            out(c,
                "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s"
                "</td><td class=\"num\">%s</td></tr>\n",
                sd, sf, su, st);
        }
        out(c, "</tbody></table>\n");
    }
    const json_t *unk = json_object_get(count, "unknown_components");
    if (json_array_size(unk)) {
        out(c, "<h3>%s</h3>\n<ul>", T(UNKNOWN_COMPONENTS));
        for (size_t i = 0; i < json_array_size(unk); i++) {
            const json_t *u = json_array_get(unk, i);
            out(c, "<li>");
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
            out(c, "</li>");
        }
        out(c, "</ul>\n");
    }
}

/* ---- compute structure ---- */
static void section_structure(ctx *c) {
    const json_t *st = json_object_get(json_object_get(c->r, "system"), "structure");
    out(c, "<h2>%s</h2>\n", T(STRUCTURE));
    const json_t *roles = json_object_get(st, "roles");
    size_t n = json_is_array(roles) ? json_array_size(roles) : json_object_size(roles);
    if (!json_is_object(st) || !n) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    /* the normalisation rule */
    const char *rule = hb__rtext(json_object_get(st, "rule"), c->lang);
    const json_t *fac = json_object_get(st, "factors");
    out(c, "<p><b>%s</b>%s", T(NORMALISATION), COLON);
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
    out(c, "</p>\n");
    hbar *bars = calloc(n, sizeof *bars);
    vline *lines = calloc(2 * n, sizeof *lines);
    const json_t **items = calloc(n, sizeof *items);
    const char **names = calloc(n, sizeof *names);
    if (!bars || !lines || !items || !names) {
        free(bars), free(lines), free(items), free(names);
        return;
    }
    size_t i = 0, nl = 0;
    if (json_is_array(roles)) {
        for (; i < n; i++) {
            items[i] = json_array_get(roles, i);
            names[i] = hb__rstr(items[i], "role");
        }
    } else {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)roles, k, v) {
            if (i == n) break;
            items[i] = v, names[i] = k, i++;
        }
    }
    for (i = 0; i < n; i++) {
        const json_t *t = json_object_get(items[i], "target");
        bars[i] =
            (hbar){.label = names[i], .sub = hb__rstr(items[i], "precision"), .note = HB__DASH};
        bars[i].has = hb__rnum(items[i], "share", &bars[i].value);
        if (json_is_false(json_object_get(items[i], "met"))) bars[i].colour = "#d62728";
        double x, tol;
        char a[64], b[64];
        if (hb__rnum(t, "max", &x) || hb__rnum(t, "min", &x)) {
            vline *l = &lines[nl++];
            *l = (vline){.x = x, .from = i, .to = i + 1, .cls = "ln-target"};
            hb__rfmt_target(a, sizeof a, t);
            snprintf(l->legend, sizeof l->legend, "%s %s", T(TARGET), a);
            l->legend_json = names[i];
        } else if (hb__rnum(t, "approx", &x)) {
            vline *l = &lines[nl++];
            hb__rfmt_target(a, sizeof a, t);
            *l = (vline){.x = x, .from = i, .to = i + 1, .cls = "ln-target"};
            snprintf(l->legend, sizeof l->legend, "%s %s", T(TARGET), a);
            l->legend_json = names[i];
            if (hb__rnum(t, "tolerance", &tol) && tol > 0) {
                l = &lines[nl++];
                hb__rfmt_pct(b, sizeof b, x - tol);
                *l = (vline){.x = x - tol,
                             .x2 = x + tol,
                             .has_x2 = 1,
                             .from = i,
                             .to = i + 1,
                             .cls = "ln-tol"};
                hb__rfmt_pct(a, sizeof a, x + tol);
                snprintf(l->legend, sizeof l->legend, "%s – %s", b, a);
                l->legend_json = names[i];
            }
        }
    }
    out(c, "<figure>");
    hbar_chart(c, T(STRUCTURE), bars, n, lines, nl, "ratio", 1.0);
    out(c, "</figure>\n");
    out(c,
        "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
        T(ROLE), T(PRECISION), T(CAPACITY), T(FACTOR), T(NORMALISED), T(SHARE), T(TARGET), T(MET));
    for (i = 0; i < n; i++) {
        const json_t *it = items[i];
        char cap[64], f[64], nm[64], sh[64], tg[96];
        hb__rfmt_member(cap, sizeof cap, it, "capacity", "FLOP/s");
        hb__rfmt_member(f, sizeof f, it, "factor", NULL);
        hb__rfmt_member(nm, sizeof nm, it, "normalised", "FLOP/s");
        hb__rfmt_member(sh, sizeof sh, it, "share", "ratio");
        hb__rfmt_target(tg, sizeof tg, json_object_get(it, "target"));
        const json_t *met = json_object_get(it, "met");
        out(c, "<tr><td>");
        esc(c, names[i]);
        out(c, "</td><td>");
        esc_member(c, it, "precision");
        out(c,
            "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
            "<td class=\"num\">%s</td><td>%s</td><td>",
            cap, f, nm, sh, tg);
        if (json_is_boolean(met))
            verdict_badge(c, json_is_true(met) ? "pass" : "fail");
        else
            out(c, "%s", HB__DASH);
        out(c, "</td></tr>\n");
    }
    char tot[64];
    hb__rfmt_member(tot, sizeof tot, st, "total", "FLOP/s");
    out(c,
        "<tr class=\"total\"><td>%s</td><td></td><td></td><td></td><td class=\"num\">%s</td>"
        "<td></td><td></td><td></td></tr>\n",
        T(TOTAL), tot);
    out(c, "</tbody></table>\n");
    free(bars), free(lines), free(items), free(names);
}

/* ---- nodes and inputs ---- */
static void section_nodes(ctx *c, const char **precs, size_t np) {
    const json_t *nodes = json_object_get(c->r, "nodes");
    out(c, "<h2>%s</h2>\n", T(NODES));
    if (!json_array_size(nodes)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    out(c, "<table><thead><tr><th>%s</th><th>%s</th>", T(HOST), T(NODE_TYPE));
    for (size_t p = 0; p < np; p++) {
        out(c, "<th>%s ", T(CAPACITY));
        esc(c, precs[p]);
        out(c, "</th>");
    }
    out(c, "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
        T(RATED_PEAK), T(NODE_POWER), T(AUTONOMY), T(FAILED_RECORDS), T(RESULT));
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        int suspect = json_is_true(json_object_get(node, "suspect"));
        size_t nfail = json_array_size(json_object_get(node, "failed_records"));
        out(c, "<tr%s><td>", suspect ? " class=\"suspect\"" : nfail ? " class=\"failed\"" : "");
        esc_member(c, node, "host");
        if (suspect) out(c, " <span class=\"warn\">⚠ %s</span>", T(SUSPECT));
        out(c, "</td><td>");
        esc_member(c, node, "node_type");
        out(c, "</td>");
        const json_t *cap = json_object_get(node, "capacity");
        for (size_t p = 0; p < np; p++) {
            char v[64];
            const json_t *e = json_object_get(cap, precs[p]);
            const char *unit = hb__rstr(e, "unit");
            hb__rfmt_member(v, sizeof v, e, "value",
                            unit ? unit : hb__rcapacity_unit(c->r, precs[p]));
            out(c, "<td class=\"num\">%s", v);
            if (json_is_false(json_object_get(e, "measured")))
                out(c, " <span class=\"sub\">(%s)</span>", T(NOT_MEASURED));
            out(c, "</td>");
        }
        /* rated peaks, per precision */
        out(c, "<td class=\"num\">");
        const json_t *rp = json_object_get(node, "rated_peak");
        const char *k;
        json_t *v;
        int any = 0;
        json_object_foreach((json_t *)rp, k, v) {
            char s[64];
            const char *u = hb__rstr(v, "unit");
            hb__rfmt_member(s, sizeof s, v, "value", u ? u : hb__rrate_unit(k));
            out(c, "%s", any ? "<br>" : "");
            esc(c, k);
            out(c, " %s", s);
            if (hb__rstr(v, "source")) {
                out(c, " <span class=\"sub\">(");
                esc_member(c, v, "source");
                out(c, ")</span>");
            }
            any = 1;
        }
        if (!any) out(c, "%s", HB__DASH);
        char pw[64], au[64];
        hb__rfmt_member(pw, sizeof pw, node, "node_power_w", "W");
        hb__rfmt_member(au, sizeof au, json_object_get(json_object_get(node, "autonomy"), "count"),
                        "ratio", "ratio");
        out(c,
            "</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%zu</td>"
            "<td><code>",
            pw, au, nfail);
        esc_member(c, node, "result");
        out(c, "</code></td></tr>\n");
    }
    out(c, "</tbody></table>\n");
    /* failed records */
    size_t total_failed = 0;
    for (size_t i = 0; i < json_array_size(nodes); i++)
        total_failed +=
            json_array_size(json_object_get(json_array_get(nodes, i), "failed_records"));
    if (!total_failed) return;
    out(c,
        "<h3>%s</h3>\n<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th><th>%s</th></tr></thead><tbody>\n",
        T(FAILED_RECORDS), T(HOST), T(KERNEL), T(PRECISION), T(DEVICE), T(STATUS), T(REASON));
    for (size_t i = 0; i < json_array_size(nodes); i++) {
        const json_t *node = json_array_get(nodes, i);
        const json_t *fr = json_object_get(node, "failed_records");
        for (size_t j = 0; j < json_array_size(fr); j++) {
            const json_t *e = json_array_get(fr, j);
            out(c, "<tr class=\"failed\"><td>");
            esc_member(c, node, "host");
            out(c, "</td><td>");
            esc_member(c, e, "kernel");
            out(c, "</td><td>");
            esc_member(c, e, "precision");
            out(c, "</td><td>");
            esc_member(c, e, "device");
            out(c, "</td><td><code>");
            esc_member(c, e, "status");
            out(c, "</code></td><td>");
            esc_text(c, json_object_get(e, "reason"));
            out(c, "</td></tr>\n");
        }
    }
    out(c, "</tbody></table>\n");
}

static void section_inputs(ctx *c) {
    const json_t *in = json_object_get(c->r, "inputs");
    out(c, "<h2>%s</h2>\n", T(INPUTS));
    if (!json_array_size(in)) {
        out(c, "<p class=\"nodata\">%s</p>\n", T(NO_DATA));
        return;
    }
    out(c,
        "<table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
        "<th>%s</th></tr></thead><tbody>\n",
        T(PATH), T(HOST), T(SCHEMA), T(NODE_TYPE), T(STATUS), T(REASON));
    for (size_t i = 0; i < json_array_size(in); i++) {
        const json_t *e = json_array_get(in, i);
        const char *st = hb__rstr(e, "status");
        out(c, "<tr class=\"in-");
        esc(c, st ? st : "none");
        out(c, "\"><td><code>");
        esc_member(c, e, "path");
        out(c, "</code></td><td>");
        esc_member(c, e, "host");
        out(c, "</td><td>");
        esc_member(c, e, "schema_version");
        out(c, "</td><td>");
        esc_member(c, e, "node_type");
        out(c, "</td><td>");
        esc(c, hb__rinput_status_word(c->lang, st));
        out(c, "</td><td>");
        esc_text(c, json_object_get(e, "reason"));
        out(c, "</td></tr>\n");
    }
    out(c, "</tbody></table>\n");
}

static const char style[] =
    "<style>\n"
    "body{font-family:'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC',"
    "'Microsoft YaHei',system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;"
    "color:#222;line-height:1.45}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #ddd;padding-bottom:4px;"
    "margin-top:2em}h3{margin-bottom:.3em}\n"
    "nav.langs{margin-bottom:1em}nav.langs a{margin-right:1em}\n"
    "dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 12px;color:#444}"
    "dl.meta dt{font-weight:bold}dl.meta dd{margin:0}\n"
    "table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}"
    "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}"
    "th{background:#f2f4f7}td.num{text-align:right;white-space:nowrap}"
    "table.compact{font-size:.85em}\n"
    ".verdict{display:inline-block;padding:1px 8px;border-radius:4px;font-weight:bold;"
    "color:#fff;white-space:nowrap}\n"
    ".v-pass .verdict,.verdict.v-pass{background:#1a7f37}.verdict.v-fail{background:#c62828}"
    ".verdict.v-nm{background:#b26a00}.verdict.v-none{background:#666}\n"
    "tr.v-fail td:first-child{border-left:4px solid #c62828}"
    "tr.v-pass td:first-child{border-left:4px solid #1a7f37}"
    "tr.v-nm td:first-child{border-left:4px solid #b26a00}\n"
    ".banner{padding:10px 14px;border-radius:6px;margin:1em 0;font-size:1.1em;color:#fff}"
    ".banner.v-pass{background:#1a7f37}.banner.v-fail{background:#c62828}"
    ".banner.v-nm{background:#b26a00}.banner.v-none{background:#666}"
    ".banner .overall{font-weight:bold;font-size:1.2em;margin-right:1em}"
    ".banner .count{margin-left:.8em;padding:1px 6px;border-radius:3px;"
    "background:rgba(255,255,255,.2)}\n"
    ".info{display:inline-block;padding:0 6px;border:1px solid #888;border-radius:4px;"
    "color:#555;font-size:.85em}\n"
    ".sub{color:#666;font-size:.85em}.note{color:#555;font-style:italic}.nodata{color:#777}"
    ".warn{color:#b26a00;font-weight:bold}.big{font-size:1.15em;font-weight:bold}\n"
    "tr.suspect td{background:#fff6e0}tr.failed td{background:#fdecea}"
    "tr.in-not_in_inventory td{background:#fff6e0}tr.in-superseded td,tr.in-merged td{color:#777}\n"
    "ul.evidence{margin:0;padding-left:1.1em}figure{margin:.5em 0 1em}"
    "figcaption{color:#555;font-size:.9em;max-width:900px}\n"
    "svg.chart{display:block;background:#fff;border:1px solid #e3e3e3;margin:.3em 0;"
    "font-size:12px;font-family:inherit}\n"
    "svg .bar{fill:#4c78a8}svg .grid{stroke:#e6e6e6}svg .axis,svg .frame{stroke:#888;fill:none}"
    "svg .tick{fill:#555;font-size:11px}svg .label{fill:#222}svg .sub{fill:#777;font-size:10px}"
    "svg .value{fill:#333;font-size:11px}svg .value,svg .pt-label,svg "
    ".roof-label{paint-order:stroke;"
    "stroke:#fff;stroke-width:3px;stroke-linejoin:round}svg .note{fill:#888;font-style:italic}"
    "svg .legend{fill:#333;font-size:11px}svg .axis-title{fill:#333}\n"
    "svg .ln-median{stroke:#1f3f8f;stroke-width:2;stroke-dasharray:7 4}"
    "svg .ln-cutoff{stroke:#d62728;stroke-width:2;stroke-dasharray:4 3}"
    "svg .ln-needed{stroke:#2ca02c;stroke-width:2.5;stroke-dasharray:2 2}"
    "svg .ln-min{stroke:#d62728;stroke-width:2;stroke-dasharray:6 3}"
    "svg .ln-target{stroke:#000;stroke-width:2.5}"
    "svg .ln-tol{stroke:#000;stroke-width:1;stroke-dasharray:3 3}\n"
    "svg .roof{stroke-width:2.5;fill:none}svg .roof-bw{stroke:#555;stroke-width:2.5}"
    "svg .roof-label{font-size:11px;fill:#333}svg .pt{stroke:#fff;stroke-width:1}"
    "svg .pt-label{font-size:10px;fill:#222}\n"
    "svg .seg-dom{fill:#2e8b57}svg .seg-for{fill:#c0504d}svg .seg-unk{fill:#a0a0a0}"
    "svg .seg-label{fill:#fff;font-size:11px}\n"
    "</style>\n";

static void render_lang(ctx *c, int with_anchor) {
    out(c, "<section%s%s lang=\"%s\">\n", with_anchor ? " id=\"" : "",
        with_anchor ? (strcmp(c->lang, "zh") == 0 ? "zh\"" : "en\"") : "",
        strcmp(c->lang, "zh") == 0 ? "zh-CN" : "en");
    const char *precs[32];
    size_t np = hb__rprecisions(c->r, precs, 32);
    section_header(c);
    section_verdicts(c);
    section_capacity(c, precs, np);
    section_node_capacity(c, precs, np);
    section_suspects(c);
    section_efficiency(c);
    section_roofline(c);
    section_energy(c);
    section_autonomy(c);
    section_structure(c);
    section_nodes(c, precs, np);
    section_inputs(c);
    out(c, "</section>\n");
}

hb_status hb__report_write_html(const json_t *report, const char *lang, FILE *f) {
    const char *langs[2];
    int nl = hb__report_langs(lang, langs);
    if (!f || nl == 0) return HB_E_INVALID;
    ctx c = {f, langs[0], report};
    const char *name =
        hb__rtext(json_object_get(json_object_get(report, "spec"), "name"), langs[0]);
    out(&c,
        "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        strcmp(langs[0], "zh") == 0 ? "zh-CN" : "en");
    esc(&c, hb__ui(langs[0], HB__UI_TITLE));
    if (name) {
        out(&c, " — ");
        esc(&c, name);
    }
    out(&c, "</title>\n%s</head>\n<body>\n", style);
    if (nl == 2)
        out(&c, "<nav class=\"langs\"><a href=\"#zh\">%s</a><a href=\"#en\">%s</a></nav>\n",
            hb__ui("zh", HB__UI_LANG_NAME), hb__ui("en", HB__UI_LANG_NAME));
    for (int i = 0; i < nl; i++) {
        c.lang = langs[i];
        render_lang(&c, nl == 2);
        if (i + 1 < nl) out(&c, "<hr>\n");
    }
    out(&c, "</body>\n</html>\n");
    return ferror(f) || fflush(f) != 0 ? HB_E_IO : HB_OK;
}
