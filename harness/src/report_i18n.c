/* hetbench — shared by the report renderers: UI strings in two languages, null-tolerant
 * readers of report.json, number formatting. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "report.h"
#include "report_i18n.h"

static const char *const ui_en[HB__UI_N_STRINGS] = {
#define HB__UI_EN(id, en, zh) [HB__UI_##id] = en,
    HB__UI_STRINGS(HB__UI_EN)
#undef HB__UI_EN
};
static const char *const ui_zh[HB__UI_N_STRINGS] = {
#define HB__UI_ZH(id, en, zh) [HB__UI_##id] = zh,
    HB__UI_STRINGS(HB__UI_ZH)
#undef HB__UI_ZH
};

const char *hb__ui(const char *lang, hb__ui_id id) {
    if ((int)id < 0 || id >= HB__UI_N_STRINGS) return "";
    return lang && strcmp(lang, "zh") == 0 ? ui_zh[id] : ui_en[id];
}

const char *hb__rcolon(const char *lang) {
    return lang && strcmp(lang, "zh") == 0 ? "：" : ": ";
}

int hb__report_langs(const char *lang, const char *out[2]) {
    if (!lang || strcmp(lang, "both") == 0) {
        out[0] = "zh", out[1] = "en";
        return 2;
    }
    if (strcmp(lang, "zh") == 0 || strcmp(lang, "en") == 0) {
        out[0] = strcmp(lang, "zh") == 0 ? "zh" : "en";
        return 1;
    }
    return 0;
}

const char *hb__rtext(const json_t *v, const char *lang) {
    if (json_is_string(v)) return json_string_value(v);
    if (!json_is_object(v)) return NULL;
    const char *want = lang && strcmp(lang, "zh") == 0 ? "zh" : "en";
    const char *other = strcmp(want, "zh") == 0 ? "en" : "zh";
    const char *s = json_string_value(json_object_get(v, want));
    if (s && *s) return s;
    s = json_string_value(json_object_get(v, other));
    return s && *s ? s : NULL;
}

const char *hb__rstr(const json_t *obj, const char *key) {
    return json_string_value(json_object_get(obj, key));
}

int hb__rnum(const json_t *obj, const char *key, double *out) {
    const json_t *v = json_object_get(obj, key);
    if (!json_is_number(v)) return 0;
    double d = json_number_value(v);
    if (!isfinite(d)) return 0;
    *out = d;
    return 1;
}

static void add_prec(const char *p, const char **out, size_t *n, size_t max) {
    if (!p || !*p) return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(out[i], p) == 0) return;
    if (*n < max) out[(*n)++] = p;
}

static void add_keys(const json_t *obj, const char **out, size_t *n, size_t max) {
    if (!json_is_object(obj)) return;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)obj, k, v) {
        (void)v;
        add_prec(k, out, n, max);
    }
}

size_t hb__rprecisions(const json_t *report, const char **out, size_t max) {
    const char *all[64];
    size_t na = 0;
    add_keys(json_object_get(json_object_get(report, "system"), "capacity"), all, &na, 64);
    const json_t *nts = json_object_get(report, "node_types");
    for (size_t i = 0; i < json_array_size(nts); i++)
        add_keys(json_object_get(json_array_get(nts, i), "capacity"), all, &na, 64);
    const json_t *nodes = json_object_get(report, "nodes");
    for (size_t i = 0; i < json_array_size(nodes); i++)
        add_keys(json_object_get(json_array_get(nodes, i), "capacity"), all, &na, 64);
    static const char *const order[] = {"f64", "f32", "f16", "bf16", "i8", "i32"};
    size_t n = 0;
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
        for (size_t i = 0; i < na; i++)
            if (strcmp(all[i], order[o]) == 0) add_prec(all[i], out, &n, max);
    for (size_t i = 0; i < na; i++) add_prec(all[i], out, &n, max);
    return n;
}

const json_t *hb__rnode_type(const json_t *report, const char *id) {
    if (!id) return NULL;
    const json_t *nts = json_object_get(report, "node_types");
    for (size_t i = 0; i < json_array_size(nts); i++) {
        const json_t *t = json_array_get(nts, i);
        const char *tid = hb__rstr(t, "id");
        if (tid && strcmp(tid, id) == 0) return t;
    }
    return NULL;
}

int hb__rclause_has_precision(const json_t *clause, const char *prec) {
    const json_t *p = json_object_get(clause, "precision");
    if (!prec) return 0;
    if (json_is_string(p)) return strcmp(json_string_value(p), prec) == 0;
    for (size_t i = 0; i < json_array_size(p); i++) {
        const char *s = json_string_value(json_array_get(p, i));
        if (s && strcmp(s, prec) == 0) return 1;
    }
    return 0;
}

int hb__rclause_is_capacity(const json_t *clause, const char *key) {
    const char *ck = hb__rstr(clause, "capacity_key");
    if (!key) return 0;
    if (ck) return strcmp(ck, key) == 0;
    return hb__rclause_has_precision(clause, key);
}

const char *hb__rcapacity_unit(const json_t *report, const char *key) {
    const char *u =
        hb__rstr(json_object_get(json_object_get(json_object_get(report, "system"), "capacity"),
                                 key ? key : ""),
                 "unit");
    const json_t *nts = json_object_get(report, "node_types");
    for (size_t i = 0; !u && key && i < json_array_size(nts); i++)
        u = hb__rstr(json_object_get(json_object_get(json_array_get(nts, i), "capacity"), key),
                     "unit");
    return u ? u : "FLOP/s";
}

const char *hb__renergy_unit(const char *prec) {
    return hb__variant_name_is_integer(prec) ? "GOP/J" : "GFLOP/J";
}

void hb__rfmt_energy(char *buf, size_t n, const json_t *e, const char *lang) {
    double x;
    if (hb__rnum(e, "gflops_per_joule", &x))
        hb__rfmt_value(buf, n, x, hb__renergy_unit(hb__rstr(e, "precision")));
    else
        snprintf(buf, n, "%s", hb__ui(lang, HB__UI_NO_METER));
}

const char *hb__rrate_unit(const char *prec) {
    return hb__variant_name_is_integer(prec) ? "OP/s" : "FLOP/s";
}

const char *hb__rverdict_word(const char *lang, const char *verdict) {
    if (!verdict) return NULL;
    if (strcmp(verdict, "pass") == 0) return hb__ui(lang, HB__UI_V_PASS);
    if (strcmp(verdict, "fail") == 0) return hb__ui(lang, HB__UI_V_FAIL);
    if (strcmp(verdict, "not_measurable") == 0) return hb__ui(lang, HB__UI_V_NM);
    return NULL;
}

const char *hb__rinput_status_word(const char *lang, const char *status) {
    if (!status) return NULL;
    if (strcmp(status, "used") == 0) return hb__ui(lang, HB__UI_IN_USED);
    if (strcmp(status, "not_in_inventory") == 0) return hb__ui(lang, HB__UI_IN_NOT_INV);
    if (strcmp(status, "superseded") == 0) return hb__ui(lang, HB__UI_IN_SUPERSEDED);
    if (strcmp(status, "merged") == 0) return hb__ui(lang, HB__UI_IN_MERGED);
    return status;
}

const char *hb__rcmp_symbol(const char *c) {
    if (!c) return "";
    if (strcmp(c, ">=") == 0) return "≥";
    if (strcmp(c, "<=") == 0) return "≤";
    if (strcmp(c, ">") == 0) return ">";
    if (strcmp(c, "<") == 0) return "<";
    if (strcmp(c, "==") == 0 || strcmp(c, "=") == 0) return "=";
    if (strcmp(c, "~") == 0 || strcmp(c, "approx") == 0) return "≈";
    return c;
}

/* m in [1, 1000) with 3 significant digits; *carry set when rounding reached 1000. */
static int digits_for(double m) {
    return m < 9.995 ? 2 : m < 99.95 ? 1 : 0;
}

void hb__rfmt_si(char *buf, size_t n, double v, const char *unit) {
    static const char *const big[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
    static const char *const small[] = {"", "m", "µ", "n", "p"};
    const char *u = unit ? unit : "";
    const char *sp = unit && *unit ? " " : "";
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", HB__DASH);
        return;
    }
    if (v == 0) {
        snprintf(buf, n, "0%s%s", sp, u);
        return;
    }
    double a = fabs(v);
    int e = 0;
    if (a >= 1) {
        while (a >= 999.5 && e < 8) a /= 1000, e++;
    } else {
        while (a < 0.9995 && e > -4) a *= 1000, e--;
    }
    const char *pre = e >= 0 ? big[e] : small[-e];
    /* a prefix needs a separating space when there is no unit ("5.12 P"); with a unit it
       joins it ("5.12 PFLOP/s") */
    snprintf(buf, n, "%s%.*f%s%s%s", v < 0 ? "-" : "", digits_for(a), a, (*pre || *u) ? " " : "",
             pre, u);
}

void hb__rfmt_num(char *buf, size_t n, double v) {
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", HB__DASH);
        return;
    }
    double a = fabs(v);
    if (v == floor(v) && a < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    if (a >= 1000 && a < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    if (a >= 1000 || a < 0.001) {
        snprintf(buf, n, "%.3g", v);
        return;
    }
    int d = a < 0.00999 ? 5 : a < 0.0999 ? 4 : a < 0.999 ? 3 : digits_for(a);
    snprintf(buf, n, "%.*f", d, v);
}

void hb__rfmt_pct(char *buf, size_t n, double ratio) {
    if (!isfinite(ratio)) {
        snprintf(buf, n, "%s", HB__DASH);
        return;
    }
    char num[64];
    double p = ratio * 100;
    double a = fabs(p);
    if (a == 0)
        snprintf(num, sizeof num, "0");
    else if (a < 0.995)
        snprintf(num, sizeof num, "%.2g", p);
    else
        snprintf(num, sizeof num, "%.*f", digits_for(a), p);
    snprintf(buf, n, "%s %%", num);
}

static int si_unit(const char *u) {
    static const char *const units[] = {"FLOP/s", "FLOP", "OP/s", "OP", "B/s",
                                        "B",      "W",    "J",    "Hz", "IOP/s"};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(u, units[i]) == 0) return 1;
    return 0;
}

void hb__rfmt_value(char *buf, size_t n, double v, const char *unit) {
    if (unit && (strcmp(unit, "ratio") == 0 || strcmp(unit, "share") == 0)) {
        hb__rfmt_pct(buf, n, v);
    } else if (unit && si_unit(unit)) {
        hb__rfmt_si(buf, n, v, unit);
    } else if (unit && *unit) {
        char num[64];
        hb__rfmt_num(num, sizeof num, v);
        /* a unit from the JSON may be long: cut it on a character boundary */
        if (snprintf(buf, n, "%s %s", num, unit) >= (int)n) hb__utf8_cut(buf);
    } else {
        hb__rfmt_num(buf, n, v);
    }
}

void hb__rfmt_member(char *buf, size_t n, const json_t *obj, const char *key, const char *unit) {
    double v;
    if (hb__rnum(obj, key, &v))
        hb__rfmt_value(buf, n, v, unit);
    else
        snprintf(buf, n, "%s", HB__DASH);
}

void hb__rfmt_target(char *buf, size_t n, const json_t *t) {
    double x, tol;
    char a[64], b[64];
    if (hb__rnum(t, "max", &x)) {
        hb__rfmt_pct(a, sizeof a, x);
        snprintf(buf, n, "≤ %s", a);
    } else if (hb__rnum(t, "min", &x)) {
        hb__rfmt_pct(a, sizeof a, x);
        snprintf(buf, n, "≥ %s", a);
    } else if (hb__rnum(t, "approx", &x)) {
        hb__rfmt_pct(a, sizeof a, x);
        if (hb__rnum(t, "tolerance", &tol)) {
            hb__rfmt_pct(b, sizeof b, tol);
            snprintf(buf, n, "≈ %s ± %s", a, b);
        } else {
            snprintf(buf, n, "≈ %s", a);
        }
    } else {
        snprintf(buf, n, "%s", HB__DASH);
    }
}
