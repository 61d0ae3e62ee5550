/* Unit tests of the report renderings (report_md.c, report_html.c, report_i18n.c) on the
 * hand-written sample report (tests/fixtures/reports/sample-report.json): content in both
 * languages, escaping, no external URL, the charts, robustness to missing or null fields, number
 * formatting.
 *
 * Also a driver for tests/report_html_test.sh: `test_render --write DIR` writes the sample's
 * report.html / report.md (both languages) and report-zh / report-en variants into DIR, and
 * DIR/expect.tsv: one line per clause, "id<TAB>Chinese verdict<TAB>English verdict". */
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "report.h"
#include "report_i18n.h"

#ifndef HB_SAMPLE_REPORT
#error "HB_SAMPLE_REPORT: path of tests/fixtures/reports/sample-report.json"
#endif

static json_t *load_sample(void) {
    json_error_t e;
    json_t *r = json_load_file(HB_SAMPLE_REPORT, 0, &e);
    if (!r) fail_msg("%s:%d: %s", HB_SAMPLE_REPORT, e.line, e.text);
    return r;
}

typedef enum { FMT_MD, FMT_HTML } fmt;

/* Renders into a string (free it); asserts the status. */
static char *render(const json_t *r, fmt f, const char *lang) {
    char *buf = NULL;
    size_t len = 0;
    FILE *s = open_memstream(&buf, &len);
    assert_non_null(s);
    hb_status st =
        f == FMT_MD ? hb__report_write_md(r, lang, s) : hb__report_write_html(r, lang, s);
    assert_int_equal(fclose(s), 0);
    assert_int_equal(st, HB_OK);
    assert_non_null(buf);
    return buf;
}

static size_t count(const char *hay, const char *needle) {
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

static void assert_not_contains(const char *hay, const char *needle) {
    const char *p = strstr(hay, needle);
    if (p) fail_msg("unexpected \"%s\" at: %.120s", needle, p);
}

static const char *const langs[] = {"zh", "en", "both"};

/* the part of `doc` that belongs to one language: all of it, or for "both" the text between
   the anchors */
static char *part(const char *doc, fmt f, const char *lang_of_doc, const char *want) {
    if (strcmp(lang_of_doc, "both") != 0) return strdup(doc);
    const char *zh = strstr(doc, f == FMT_HTML ? "<section id=\"zh\"" : "<a id=\"zh\"></a>");
    const char *en = strstr(doc, f == FMT_HTML ? "<section id=\"en\"" : "<a id=\"en\"></a>");
    assert_non_null(zh);
    assert_non_null(en);
    assert_true(zh < en);
    if (strcmp(want, "zh") == 0) return strndup(zh, (size_t)(en - zh));
    return strdup(en);
}

/* Every clause id is there, and on its row its verdict word in that language. */
static void check_clauses(const json_t *r, const char *text, fmt f, const char *lang) {
    const json_t *cl = json_object_get(r, "clauses");
    assert_true(json_array_size(cl) >= 3);
    for (size_t i = 0; i < json_array_size(cl); i++) {
        const json_t *k = json_array_get(cl, i);
        const char *id = json_string_value(json_object_get(k, "id"));
        const char *word =
            hb__rverdict_word(lang, json_string_value(json_object_get(k, "verdict")));
        assert_non_null(id);
        assert_non_null(word);
        char needle[160];
        snprintf(needle, sizeof needle, f == FMT_HTML ? "<code>%s</code>" : "| %s (", id);
        const char *row = strstr(text, needle);
        if (!row) fail_msg("clause %s not found (%s)", id, lang);
        const char *end = strstr(row, f == FMT_HTML ? "</tr>" : "\n");
        assert_non_null(end);
        char *line = strndup(row, (size_t)(end - row));
        snprintf(needle, sizeof needle, f == FMT_HTML ? ">%s</span>" : "**%s**", word);
        if (!strstr(line, needle)) fail_msg("clause %s: no verdict \"%s\" in: %s", id, word, line);
        if (json_is_false(json_object_get(k, "required")))
            assert_contains(line, hb__ui(lang, HB__UI_INFORMATIONAL));
        free(line);
    }
}

static void test_content_every_language(void **state) {
    (void)state;
    json_t *r = load_sample();
    for (int f = 0; f < 2; f++) {
        for (size_t l = 0; l < 3; l++) {
            char *doc = render(r, (fmt)f, langs[l]);
            assert_not_contains(doc, "(null)");
            for (int w = 0; w < 2; w++) {
                const char *want = w ? "en" : "zh";
                if (strcmp(langs[l], "both") != 0 && strcmp(langs[l], want) != 0) continue;
                char *p = part(doc, (fmt)f, langs[l], want);
                check_clauses(r, p, (fmt)f, want);
                /* the fixed strings and the texts of the report, in that language */
                assert_contains(p, hb__ui(want, HB__UI_TITLE));
                assert_contains(p, w ? "Sample computing center, phase 1" : "示例计算中心一期");
                assert_contains(p, w ? "hpc-cpu: 4900 × 477 GFLOP/s" : "hpc-cpu：4900 × 477");
                static const hb__ui_id sections[] = {HB__UI_VERDICTS,      HB__UI_SYS_CAPACITY,
                                                     HB__UI_NODE_CAPACITY, HB__UI_SUSPECT_NODES,
                                                     HB__UI_ROOFLINE,      HB__UI_ENERGY,
                                                     HB__UI_AUTONOMY,      HB__UI_STRUCTURE,
                                                     HB__UI_NODES,         HB__UI_INPUTS};
                for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++)
                    assert_contains(p, hb__ui(want, sections[s]));
                /* figures: system capacity with SI prefix, the suspect node, the inputs */
                assert_contains(p, "20.4 PFLOP/s");
                assert_contains(p, "996 PFLOP/s");
                assert_contains(p, "cn003");
                assert_contains(p, "login01");
                assert_contains(p, hb__ui(want, HB__UI_IN_NOT_INV));
                assert_contains(p, hb__ui(want, HB__UI_IN_SUPERSEDED));
                assert_contains(p, hb__ui(want, HB__UI_NO_METER));
                assert_contains(p, hb__ui(want, HB__UI_SUSPECT));
                assert_contains(p, "failed_verification");
                assert_contains(p, "libxsmm-fork");
                if (f == FMT_MD) assert_contains(p, hb__ui(want, HB__UI_CHARTS_NOTE));
                free(p);
            }
            /* one language only: nothing of the other */
            if (strcmp(langs[l], "zh") == 0) {
                assert_not_contains(doc, "Acceptance report");
                assert_not_contains(doc, "Sample computing center");
            } else if (strcmp(langs[l], "en") == 0) {
                assert_not_contains(doc, "验收报告");
                assert_not_contains(doc, "示例计算中心");
            } else {
                assert_contains(doc, "#zh");
                assert_contains(doc, "#en");
            }
            free(doc);
        }
    }
    json_decref(r);
}

static void test_chinese_ui_strings(void **state) {
    (void)state;
    /* the words the acceptance team reads */
    assert_string_equal(hb__ui("zh", HB__UI_TITLE), "验收报告");
    assert_string_equal(hb__ui("zh", HB__UI_VERDICTS), "结论");
    assert_string_equal(hb__rverdict_word("zh", "pass"), "通过");
    assert_string_equal(hb__rverdict_word("zh", "fail"), "不通过");
    assert_string_equal(hb__rverdict_word("zh", "not_measurable"), "无法测量");
    assert_string_equal(hb__ui("zh", HB__UI_INFORMATIONAL), "仅供参考");
    assert_string_equal(hb__ui("zh", HB__UI_SYS_CAPACITY), "系统算力");
    assert_string_equal(hb__ui("zh", HB__UI_ROOFLINE), "屋顶线模型");
    assert_string_equal(hb__ui("en", HB__UI_TITLE), "Acceptance report");
    assert_null(hb__rverdict_word("en", "maybe"));
    /* every string exists in both languages */
    for (int i = 0; i < HB__UI_N_STRINGS; i++) {
        assert_true(hb__ui("zh", (hb__ui_id)i)[0] != 0);
        assert_true(hb__ui("en", (hb__ui_id)i)[0] != 0);
    }
}

static void test_html_self_contained(void **state) {
    (void)state;
    json_t *r = load_sample();
    for (size_t l = 0; l < 3; l++) {
        char *doc = render(r, FMT_HTML, langs[l]);
        assert_true(strncmp(doc, "<!DOCTYPE html>", 15) == 0);
        assert_contains(doc, "<meta charset=\"utf-8\">");
        assert_contains(doc, "<style>");
        assert_not_contains(doc, "http://");
        assert_not_contains(doc, "https://");
        assert_not_contains(doc, "src=");
        assert_not_contains(doc, "@import");
        assert_not_contains(doc, "url(");
        assert_not_contains(doc, "<script");
        assert_not_contains(doc, "<link");
        /* charts per language: node capacity f64 × 2 node types + f16, 2 rooflines, energy
           gemm f64 and f16, autonomy, structure */
        size_t per = 9, nlang = strcmp(langs[l], "both") == 0 ? 2 : 1;
        size_t svgs = count(doc, "<svg");
        if (svgs < per * nlang)
            fail_msg("%s: %zu charts, expected %zu", langs[l], svgs, per * nlang);
        assert_int_equal(svgs, count(doc, "</svg>"));
        assert_true(count(doc, "class=\"chart roofline\"") == 2 * nlang);
        /* the lines of the capacity charts: median, suspect cut-off, the per-node need */
        assert_true(count(doc, "class=\"ln-median\"") >= 3 * nlang);
        assert_true(count(doc, "class=\"ln-cutoff\"") >= nlang);
        assert_true(count(doc, "class=\"ln-needed\"") >= nlang);
        assert_contains(doc, "2.50 PFLOP/s"); /* f16: 1.5 EFLOP/s ÷ 600 nodes */
        if (nlang == 2) {
            assert_contains(doc, "href=\"#zh\"");
            assert_contains(doc, "href=\"#en\"");
            assert_contains(doc, "id=\"zh\"");
            assert_contains(doc, "id=\"en\"");
        }
        free(doc);
    }
    json_decref(r);
}

static void test_escaping(void **state) {
    (void)state;
    json_t *r = load_sample();
    const char *evil = "<script>alert(1)</script>";
    json_t *node = json_array_get(json_object_get(r, "nodes"), 0);
    json_object_set_new(node, "host", json_string(evil));
    json_t *cl = json_array_get(json_object_get(r, "clauses"), 0);
    json_object_set_new(cl, "title", json_pack("{s:s,s:s}", "en", evil, "zh", evil));
    json_object_set_new(
        cl, "reason", json_pack("{s:s,s:s}", "en", "a|b\nc \"q\" 'x' & [l](j)", "zh", "甲|乙\n丙"));
    json_object_set_new(json_array_get(json_object_get(r, "inputs"), 0), "path",
                        json_string("x\" onmouseover=\"y"));
    for (size_t l = 0; l < 3; l++) {
        char *h = render(r, FMT_HTML, langs[l]);
        assert_not_contains(h, "<script");
        assert_not_contains(h, "onmouseover=\"");
        assert_contains(h, "&lt;script&gt;alert(1)&lt;/script&gt;");
        if (strcmp(langs[l], "zh") != 0)
            assert_contains(h, "a|b\nc &quot;q&quot; &#39;x&#39; &amp; [l](j)");
        free(h);
        char *m = render(r, FMT_MD, langs[l]);
        assert_not_contains(m, "<script");
        assert_contains(m, "&lt;script&gt;alert(1)&lt;/script&gt;");
        if (strcmp(langs[l], "zh") != 0) assert_contains(m, "a\\|b<br>c \"q\" 'x' &amp; \\[l](j)");
        if (strcmp(langs[l], "en") != 0) assert_contains(m, "甲\\|乙<br>丙");
        /* every row of the verdict table keeps its 8 unescaped cell separators */
        const char *t = strstr(m, "| --- | --- | --- | --- | --- | --- | --- |\n");
        assert_non_null(t);
        t = strchr(t, '\n') + 1;
        while (*t == '|') {
            size_t bars = 0;
            const char *e = strchr(t, '\n');
            for (const char *p = t; p < e; p++) bars += *p == '|' && (p == t || p[-1] != '\\');
            assert_int_equal(bars, 8);
            t = e + 1;
        }
        free(m);
    }
    json_decref(r);
}

/* 1 when s is valid UTF-8 (no sequence cut, no stray continuation byte) */
static int utf8_valid(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int k = *p < 0x80             ? 0
                : (*p & 0xe0) == 0xc0 ? 1
                : (*p & 0xf0) == 0xe0 ? 2
                : (*p & 0xf8) == 0xf0 ? 3
                                      : -1;
        if (k < 0) return 0;
        p++;
        for (int i = 0; i < k; i++, p++)
            if ((*p & 0xc0) != 0x80) return 0;
    }
    return 1;
}

/* A unit or a capacity key from the JSON longer than the renderer's buffer (a foreign or
   hand-edited report.json) is cut on a character boundary: report.md and report.html stay
   valid UTF-8. */
static void test_long_utf8_members(void **state) {
    (void)state;
    for (int off = 0; off < 3; off++) {
        json_t *r = load_sample();
        char s[3 + 80 * 3 + 1] = "";
        memset(s, 'x', (size_t)off + 1);
        for (int i = 0; i < 80; i++) strcat(s, "单");
        size_t i;
        json_t *cl;
        json_array_foreach(json_object_get(r, "clauses"), i, cl) {
            json_object_set_new(cl, "unit", json_string(s));
            json_object_set_new(cl, "capacity_key", json_string(s));
        }
        json_t *node = json_array_get(json_object_get(r, "nodes"), 0);
        json_t *cap = json_object_get(node, "capacity");
        json_object_set(cap, s, json_object_get(cap, json_object_iter_key(json_object_iter(cap))));
        for (int f = 0; f < 2; f++)
            for (size_t l = 0; l < 3; l++) {
                char *doc = render(r, (fmt)f, langs[l]);
                if (!utf8_valid(doc))
                    fail_msg("%s %s (offset %d): invalid UTF-8", f ? "html" : "md", langs[l], off);
                free(doc);
            }
        json_decref(r);
    }
}

/* renders every format and language; nothing may crash, print "(null)" or fail */
static void render_all(const json_t *r, const char *what) {
    for (int f = 0; f < 2; f++)
        for (size_t l = 0; l < 3; l++) {
            char *doc = render(r, (fmt)f, langs[l]);
            if (strstr(doc, "(null)")) fail_msg("%s: \"(null)\" in the output", what);
            if (f == FMT_HTML) {
                assert_int_equal(count(doc, "<svg"), count(doc, "</svg>"));
                assert_contains(doc, "</html>");
            }
            free(doc);
        }
}

/* Each member of the object at `path` (a list of keys / indexes) deleted, set to null, and
   set to a value of the wrong type, one at a time. */
static void mutate_members(const char *where, json_t *(*get)(json_t *root)) {
    json_t *probe = load_sample();
    json_t *obj = get(probe);
    assert_true(json_is_object(obj));
    size_t n = json_object_size(obj);
    const char **keys = calloc(n, sizeof *keys);
    const char *k;
    json_t *v;
    size_t i = 0;
    json_object_foreach(obj, k, v) keys[i++] = k;
    for (i = 0; i < n; i++) {
        for (int mode = 0; mode < 4; mode++) {
            json_t *r = load_sample();
            json_t *o = get(r);
            if (mode == 0) json_object_del(o, keys[i]);
            if (mode == 1) json_object_set_new(o, keys[i], json_null());
            if (mode == 2) json_object_set_new(o, keys[i], json_string("x"));
            if (mode == 3) json_object_set_new(o, keys[i], json_pack("[i,{}]", 7));
            char what[256];
            snprintf(what, sizeof what, "%s.%s (mode %d)", where, keys[i], mode);
            render_all(r, what);
            json_decref(r);
        }
    }
    free(keys);
    json_decref(probe);
}

static json_t *g_root(json_t *r) {
    return r;
}
static json_t *g_clause(json_t *r) {
    return json_array_get(json_object_get(r, "clauses"), 0);
}
static json_t *g_node(json_t *r) {
    return json_array_get(json_object_get(r, "nodes"), 0);
}
static json_t *g_node_cap(json_t *r) {
    return json_object_get(json_object_get(g_node(r), "capacity"), "f64");
}
static json_t *g_node_type(json_t *r) {
    return json_array_get(json_object_get(r, "node_types"), 0);
}
static json_t *g_nt_cap(json_t *r) {
    return json_object_get(json_object_get(g_node_type(r), "capacity"), "f64");
}
static json_t *g_system(json_t *r) {
    return json_object_get(r, "system");
}
static json_t *g_autonomy(json_t *r) {
    return json_object_get(g_system(r), "autonomy");
}
static json_t *g_count(json_t *r) {
    return json_object_get(g_autonomy(r), "count");
}
static json_t *g_structure(json_t *r) {
    return json_object_get(g_system(r), "structure");
}
static json_t *g_role(json_t *r) {
    return json_array_get(json_object_get(g_structure(r), "roles"), 1);
}
static json_t *g_roofline(json_t *r) {
    return json_array_get(json_object_get(r, "roofline"), 0);
}
static json_t *g_point(json_t *r) {
    return json_array_get(json_object_get(g_roofline(r), "points"), 0);
}
static json_t *g_input(json_t *r) {
    return json_array_get(json_object_get(r, "inputs"), 2);
}
static json_t *g_suspect(json_t *r) {
    return json_array_get(json_object_get(r, "suspect_nodes"), 0);
}
static json_t *g_energy(json_t *r) {
    return json_array_get(json_object_get(g_node(r), "energy"), 0);
}
static json_t *g_spec(json_t *r) {
    return json_object_get(r, "spec");
}
static json_t *g_verdict(json_t *r) {
    return json_object_get(r, "verdict");
}

static void test_robust_missing_fields(void **state) {
    (void)state;
    static const struct {
        const char *where;
        json_t *(*get)(json_t *);
    } targets[] = {
        {"report", g_root},
        {"clauses[0]", g_clause},
        {"nodes[0]", g_node},
        {"nodes[0].capacity.f64", g_node_cap},
        {"node_types[0]", g_node_type},
        {"node_types[0].capacity.f64", g_nt_cap},
        {"system", g_system},
        {"system.autonomy", g_autonomy},
        {"system.autonomy.count", g_count},
        {"system.structure", g_structure},
        {"system.structure.roles[1]", g_role},
        {"roofline[0]", g_roofline},
        {"roofline[0].points[0]", g_point},
        {"inputs[2]", g_input},
        {"suspect_nodes[0]", g_suspect},
        {"nodes[0].energy[0]", g_energy},
        {"spec", g_spec},
        {"verdict", g_verdict},
    };
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
        mutate_members(targets[t].where, targets[t].get);
}

static void test_robust_degenerate_reports(void **state) {
    (void)state;
    json_t *empty = json_object();
    render_all(empty, "{}");
    char *h = render(empty, FMT_HTML, "en");
    assert_contains(h, hb__ui("en", HB__UI_NO_DATA));
    assert_contains(h, "—");
    free(h);
    json_decref(empty);
    json_t *arr = json_array();
    render_all(arr, "[]");
    json_decref(arr);
    render_all(NULL, "NULL");
    /* a roofline with only a bandwidth roof, one with only a compute roof, one with points of
       zero or negative figures, an empty points list */
    json_t *r = load_sample();
    json_t *rf = json_object_get(r, "roofline");
    json_array_append_new(rf,
                          json_pack("{s:s,s:f}", "device_type", "bw only", "bandwidth_roof", 1e11));
    json_array_append_new(
        rf, json_pack("{s:s,s:{s:f}}", "device_type", "compute only", "compute_roof", "f64", 1e12));
    json_array_append_new(rf,
                          json_pack("{s:s,s:[{s:f,s:f},{s:i,s:i}]}", "device_type", "bad", "points",
                                    "intensity", -1.0, "rate", 0.0, "intensity", 0, "rate", -5));
    json_array_append_new(rf, json_pack("{s:s,s:[]}", "device_type", "empty", "points"));
    /* structure roles as an object keyed by role, a node of an unknown type, nodes with huge
       and zero capacities, an unknown verdict word, a clause with a non-number measure */
    json_t *st = json_object_get(json_object_get(r, "system"), "structure");
    json_object_set_new(st, "roles",
                        json_pack("{s:{s:f,s:{s:f}},s:{s:f,s:{s:f}}}", "hpc", "share", 0.4,
                                  "target", "max", 0.5, "ai", "share", 0.6, "target", "min", 0.7));
    json_array_append_new(json_object_get(r, "nodes"),
                          json_pack("{s:s,s:s,s:{s:{s:f}}}", "host", "x1", "node_type", "nope",
                                    "capacity", "f64", "value", 1e30));
    json_array_append_new(json_object_get(r, "nodes"), json_pack("{s:s,s:{s:{s:f}}}", "host", "x2",
                                                                 "capacity", "f32", "value", 0.0));
    /* near DBL_MAX: the axis would overflow to inf (an SVG coordinate "inf" once) */
    json_array_append_new(
        json_object_get(r, "nodes"),
        json_pack("{s:s,s:{s:{s:f}}}", "host", "x3", "capacity", "f64", "value", 1.7e308));
    json_t *cl = json_array_get(json_object_get(r, "clauses"), 0);
    json_object_set_new(cl, "verdict", json_string("maybe"));
    json_object_set_new(cl, "measured", json_pack("{s:f}", "hpc", 0.5));
    render_all(r, "degenerate");
    h = render(r, FMT_HTML, "en");
    assert_contains(h, "≤ 50.0 %"); /* the max target */
    assert_contains(h, "maybe");
    assert_not_contains(h, "\"inf\"");
    assert_not_contains(h, "nan");
    free(h);
    json_decref(r);
}

static void test_single_node_type_needed_line(void **state) {
    (void)state;
    /* only hpc-cpu: its f64 chart shows the per-node capacity the clause minimum needs,
       2e16 ÷ 4900 = 4.08 TFLOP/s */
    json_t *r = load_sample();
    json_array_remove(json_object_get(r, "node_types"), 1);
    json_t *nodes = json_object_get(r, "nodes");
    json_array_remove(nodes, 4);
    json_array_remove(nodes, 3);
    char *h = render(r, FMT_HTML, "en");
    assert_contains(h, "class=\"ln-needed\"");
    assert_contains(h, "4.08 TFLOP/s");
    free(h);
    char *m = render(r, FMT_MD, "zh");
    assert_contains(m, "4.08 TFLOP/s");
    assert_contains(m, hb__ui("zh", HB__UI_LINE_NEEDED));
    free(m);
    json_decref(r);
}

/* The clause minimum drawn on a capacity chart is the one of the clause about that capacity
   (its capacity_key: f64 over gemm only is not the f64 over gemm and lu); an integer capacity
   is shown in OP/s, never FLOP/s. */
static void test_capacity_key_and_units(void **state) {
    (void)state;
    json_t *r = load_sample();
    json_array_remove(json_object_get(r, "node_types"), 1);
    json_t *nodes = json_object_get(r, "nodes");
    json_array_remove(nodes, 4);
    json_array_remove(nodes, 3);
    json_t *cl = NULL;
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(r, "clauses"), i, x) {
        const char *id = json_string_value(json_object_get(x, "id"));
        if (id && strcmp(id, "fp64-capacity") == 0) cl = x;
    }
    assert_non_null(cl);
    json_object_set_new(cl, "capacity_key", json_string("f64@gemm"));
    char *h = render(r, FMT_HTML, "en"), *m = render(r, FMT_MD, "en");
    assert_not_contains(h, "class=\"ln-needed\"");
    assert_not_contains(h, "4.08 TFLOP/s");
    assert_not_contains(m, "4.08 TFLOP/s");
    free(h), free(m);
    /* the same capacity, in OP/s */
    json_object_set_new(cl, "capacity_key", json_string("f64"));
    json_object_set_new(
        json_object_get(json_object_get(json_object_get(r, "system"), "capacity"), "f64"), "unit",
        json_string("OP/s"));
    h = render(r, FMT_HTML, "en"), m = render(r, FMT_MD, "en");
    assert_contains(h, "class=\"ln-needed\"");
    assert_contains(h, "4.08 TOP/s");
    assert_contains(m, "4.08 TOP/s");
    free(h), free(m);
    /* an i8 roofline point and roof */
    json_t *rf = json_array_get(json_object_get(r, "roofline"), 0);
    json_object_set_new(json_object_get(rf, "compute_roof"), "i8", json_real(2.5e14));
    json_array_append_new(json_object_get(rf, "points"),
                          json_pack("{s:s,s:s,s:f,s:f}", "kernel", "gemm", "precision", "i8",
                                    "intensity", 50.0, "rate", 1.23e14));
    h = render(r, FMT_HTML, "en"), m = render(r, FMT_MD, "en");
    assert_contains(m, "123 TOP/s");
    assert_contains(m, "250 TOP/s");
    assert_contains(h, "123 TOP/s");
    free(h), free(m);
    /* energy of an integer precision is in GOP/J, a floating-point one's in GFLOP/J */
    json_t *node0 = json_array_get(nodes, 0);
    json_t *en = json_object_get(node0, "energy");
    if (!json_is_array(en)) json_object_set_new(node0, "energy", en = json_array());
    json_array_append_new(en, json_pack("{s:s,s:s,s:s,s:f,s:f,s:f}", "kernel", "peak", "precision",
                                        "i32", "device", "cpu:0", "gflops_per_joule", 3.5, "joules",
                                        100.0, "watts", 200.0));
    json_array_append_new(en, json_pack("{s:s,s:s,s:s,s:f,s:f,s:f}", "kernel", "gemm", "precision",
                                        "f64", "device", "cpu:0", "gflops_per_joule", 4.25,
                                        "joules", 100.0, "watts", 200.0));
    h = render(r, FMT_HTML, "en"), m = render(r, FMT_MD, "en");
    assert_contains(m, "3.50 GOP/J");
    assert_contains(h, "3.50 GOP/J");
    assert_contains(m, "4.25 GFLOP/J");
    assert_contains(h, "4.25 GFLOP/J");
    free(h), free(m);
    json_decref(r);
}

static void test_bad_arguments_and_stream_errors(void **state) {
    (void)state;
    json_t *r = load_sample();
    FILE *s = fopen("/dev/null", "w");
    assert_non_null(s);
    assert_int_equal(hb__report_write_md(r, "fr", s), HB_E_INVALID);
    assert_int_equal(hb__report_write_html(r, "", s), HB_E_INVALID);
    assert_int_equal(hb__report_write_html(r, NULL, s), HB_OK); /* NULL = both */
    fclose(s);
    assert_int_equal(hb__report_write_html(r, "en", NULL), HB_E_INVALID);
    /* a stream that cannot be written */
    s = fopen("/dev/null", "r");
    assert_non_null(s);
    assert_int_equal(hb__report_write_html(r, "both", s), HB_E_IO);
    clearerr(s);
    assert_int_equal(hb__report_write_md(r, "both", s), HB_E_IO);
    fclose(s);
    json_decref(r);
}

static void test_number_formatting(void **state) {
    (void)state;
    char b[64];
    hb__rfmt_si(b, sizeof b, 5.12e15, "FLOP/s");
    assert_string_equal(b, "5.12 PFLOP/s");
    hb__rfmt_si(b, sizeof b, 1.806e11, "FLOP/s");
    assert_string_equal(b, "181 GFLOP/s");
    hb__rfmt_si(b, sizeof b, 999.6e9, "FLOP/s");
    assert_string_equal(b, "1.00 TFLOP/s");
    hb__rfmt_si(b, sizeof b, 99.96, "W");
    assert_string_equal(b, "100 W");
    hb__rfmt_si(b, sizeof b, 0, "FLOP/s");
    assert_string_equal(b, "0 FLOP/s");
    hb__rfmt_si(b, sizeof b, 2e-6, "J");
    assert_string_equal(b, "2.00 µJ");
    hb__rfmt_si(b, sizeof b, -3.2e12, "B/s");
    assert_string_equal(b, "-3.20 TB/s");
    hb__rfmt_si(b, sizeof b, 1.5e3, NULL);
    assert_string_equal(b, "1.50 k");
    hb__rfmt_si(b, sizeof b, 1e40, "FLOP/s"); /* beyond the prefixes: the largest one */
    assert_non_null(strstr(b, "YFLOP/s"));
    hb__rfmt_value(b, sizeof b, 0.6667, "ratio");
    assert_string_equal(b, "66.7 %");
    hb__rfmt_value(b, sizeof b, 32.1, "kW");
    assert_string_equal(b, "32.1 kW");
    hb__rfmt_value(b, sizeof b, 1.25, NULL);
    assert_string_equal(b, "1.25");
    hb__rfmt_value(b, sizeof b, 4900, NULL);
    assert_string_equal(b, "4900");
    hb__rfmt_value(b, sizeof b, 0.0833, NULL);
    assert_string_equal(b, "0.0833");
    hb__rfmt_value(b, sizeof b, 1.2288e12, "FLOP/s");
    assert_string_equal(b, "1.23 TFLOP/s");
    hb__rfmt_pct(b, sizeof b, 0.0093);
    assert_string_equal(b, "0.93 %");
    hb__rfmt_pct(b, sizeof b, 1.0);
    assert_string_equal(b, "100 %");
    hb__rfmt_member(b, sizeof b, NULL, "x", "FLOP/s");
    assert_string_equal(b, "—");
    json_t *t = json_pack("{s:f,s:f}", "approx", 0.97, "tolerance", 0.03);
    hb__rfmt_target(b, sizeof b, t);
    assert_string_equal(b, "≈ 97.0 % ± 3.00 %");
    json_decref(t);
    t = json_pack("{s:f}", "max", 0.1);
    hb__rfmt_target(b, sizeof b, t);
    assert_string_equal(b, "≤ 10.0 %");
    json_decref(t);
    /* the text objects */
    t = json_pack("{s:s,s:s}", "en", "E", "zh", "");
    assert_string_equal(hb__rtext(t, "zh"), "E"); /* empty: the other language */
    assert_null(hb__rtext(json_object_get(t, "none"), "en"));
    json_decref(t);
}

/* ---- the driver for report_html_test.sh ---- */
static int write_file(const json_t *r, fmt f, const char *lang, const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *s = fopen(path, "w");
    if (!s) {
        perror(path);
        return 1;
    }
    hb_status st =
        f == FMT_MD ? hb__report_write_md(r, lang, s) : hb__report_write_html(r, lang, s);
    if (fclose(s) != 0 || st != HB_OK) {
        fprintf(stderr, "%s: rendering failed (%d)\n", path, (int)st);
        return 1;
    }
    printf("%s\n", path);
    return 0;
}

static int write_mode(const char *dir) {
    json_error_t e;
    json_t *r = json_load_file(HB_SAMPLE_REPORT, 0, &e);
    if (!r) {
        fprintf(stderr, "%s:%d: %s\n", HB_SAMPLE_REPORT, e.line, e.text);
        return 1;
    }
    int rc = write_file(r, FMT_HTML, "both", dir, "report.html") |
             write_file(r, FMT_HTML, "zh", dir, "report-zh.html") |
             write_file(r, FMT_HTML, "en", dir, "report-en.html") |
             write_file(r, FMT_MD, "both", dir, "report.md");
    char path[4096];
    snprintf(path, sizeof path, "%s/expect.tsv", dir);
    FILE *s = fopen(path, "w");
    const json_t *cl = json_object_get(r, "clauses");
    for (size_t i = 0; s && i < json_array_size(cl); i++) {
        const json_t *k = json_array_get(cl, i);
        const char *v = json_string_value(json_object_get(k, "verdict"));
        fprintf(s, "%s\t%s\t%s\n", json_string_value(json_object_get(k, "id")),
                hb__rverdict_word("zh", v), hb__rverdict_word("en", v));
    }
    if (!s || fclose(s) != 0) rc = 1;
    json_decref(r);
    return rc;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "--write") == 0) return write_mode(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_content_every_language),
        cmocka_unit_test(test_chinese_ui_strings),
        cmocka_unit_test(test_html_self_contained),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_long_utf8_members),
        cmocka_unit_test(test_robust_missing_fields),
        cmocka_unit_test(test_robust_degenerate_reports),
        cmocka_unit_test(test_single_node_type_needed_line),
        cmocka_unit_test(test_capacity_key_and_units),
        cmocka_unit_test(test_bad_arguments_and_stream_errors),
        cmocka_unit_test(test_number_formatting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
