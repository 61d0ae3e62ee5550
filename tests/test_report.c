/* Acceptance reports (docs/acceptance.md §3–5): spec checking with file:line:field errors, the
 * evaluation of the centre example over the synthetic multi-node results of
 * tests/fixtures/reports/results (make_results.py), inputs that must be rejected, and the
 * command's exit codes and outputs (report.json checked against report-v1.schema.json).
 *
 * The expected figures are computed by hand from the rates make_results.py writes (GFLOP/s):
 *   hpc-hygon, f64, node capacity = max over cpu:0 and opencl:0.0 (one CPU) of gemm and lu:
 *     900, 950, 890, 905, 600, 880 → mean 854.1667, s = 126.8229, n = 6, t(0.95, 5) = 2.015,
 *     L = 854.1667 − 2.015 × 126.8229 / √6 = 749.8392; × 7000 nodes = 5.2489 PFLOP/s.
 *     median 895, MAD 12.5 → cut-off 895 − 3 × 1.4826 × 12.5 = 839.4025: hpc-node05 (600) is
 *     the only suspect.
 *   ai-ascend, f16: 8 × 180 000 + 1000, 8 × 178 000 + 1000, 8 × 182 000 + 1000 → mean 1 441 000,
 *     s = 16 000, t(0.95, 2) = 2.920 → L = 1 441 000 − 2.920 × 16 000 / √3 = 1 414 026.195
 *   ai-dcu, f16, one node: lower CI ends 4 × 88 000 + 450 = 352 450
 *   FP16 system capacity = 80 × 1 414 026.195 + 40 × 352 450 GFLOP/s = 127.2201 PFLOP/s.
 *   Structure: hpc 2 × 5.2489 P, ai 0.5 × 127.2201 P, general 1 × 30000 × 1950 G → shares
 *     0.07916, 0.47969, 0.44115.
 *   Hardware autonomy (cpu, accelerator, server), per node: hpc 2/2, ascend 3/3, dcu 2/3 (no
 *     DMI in a 1.1 result: server unknown), general 1/2 → (7000·2 + 80·3 + 40·2 + 30000·1) /
 *     (7000·2 + 80·3 + 40·3 + 30000·2) = 44320 / 74360. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "catalog.h"
#include "internal.h"
#include "report.h"

#ifndef HB_SOURCE_DIR
#error "HB_SOURCE_DIR must be defined"
#endif
#define FIX HB_SOURCE_DIR "/tests/fixtures"
#define RESULTS FIX "/reports/results"
#define CENTRE HB_SOURCE_DIR "/results/specs/centre-example.json"

static const char *const all_results[] = {
    RESULTS "/ai-node01.json",  RESULTS "/ai-node02.json",      RESULTS "/ai-node03.json",
    RESULTS "/dcu-node01.json", RESULTS "/gp-node01.json",      RESULTS "/hpc-node01.json",
    RESULTS "/hpc-node02.json", RESULTS "/hpc-node03-old.json", RESULTS "/hpc-node03.json",
    RESULTS "/hpc-node04.json", RESULTS "/hpc-node05.json",     RESULTS "/hpc-node06.json",
    RESULTS "/login01.json"};
#define NRESULTS (sizeof all_results / sizeof *all_results)

static int close_to(double a, double b, double rel) {
    return fabs(a - b) <= rel * fabs(b);
}

static const json_t *by_id(const json_t *arr, const char *key, const char *id) {
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) {
        const char *v = json_string_value(json_object_get(x, key));
        if (v && strcmp(v, id) == 0) return x;
    }
    return NULL;
}

static const char *en(const json_t *text) {
    const char *s = json_string_value(json_object_get(text, "en"));
    return s ? s : "";
}

/* 1 when an evidence line of the clause (English) contains s */
static int has_evidence(const json_t *clause, const char *s) {
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(clause, "evidence"), i, x) if (strstr(en(x), s)) return 1;
    return 0;
}

/* ---- statistics ---- */
static void test_t_table_and_bounds(void **state) {
    (void)state;
    assert_true(close_to(hb__t95(1), 6.314, 1e-9));
    assert_true(close_to(hb__t95(5), 2.015, 1e-9));
    assert_true(close_to(hb__t95(30), 1.697, 1e-9));
    assert_true(close_to(hb__t95(31), 1.645, 1e-9));
    assert_true(isnan(hb__t95(0)));
    double v[] = {900, 950, 890, 905, 600, 880};
    assert_true(close_to(hb__lcb_mean(v, 6), 749.8392, 1e-6));
    double m, mad;
    hb__median_mad(v, 6, &m, &mad);
    assert_true(close_to(m, 895, 1e-12));
    assert_true(close_to(mad, 12.5, 1e-12));
    assert_true(isnan(hb__lcb_mean(v, 1)));
}

/* ---- spec checking ---- */
static void test_path_line(void **state) {
    (void)state;
    const char *text = "{\n \"a\": [\n  1,\n  {\"b\":\n   2}\n ],\n \"c\": \"x\"\n}\n";
    assert_int_equal(hb__json_path_line(text, "a"), 2);
    assert_int_equal(hb__json_path_line(text, "a[0]"), 3);
    assert_int_equal(hb__json_path_line(text, "a[1]"), 4);
    assert_int_equal(hb__json_path_line(text, "a[1].b"), 4);
    assert_int_equal(hb__json_path_line(text, "c"), 7);
    assert_int_equal(hb__json_path_line(text, "a[1].missing"), 4); /* the enclosing object */
    assert_int_equal(hb__json_path_line(text, ""), 1);
}

static const struct {
    const char *file;
    const char *where; /* "FILE:LINE: field" after the fixture directory */
} spec_cases[] = {
    {"bad-syntax.json", "bad-syntax.json:6: "},
    {"bad-duplicate.json", "bad-duplicate.json:8: duplicate object key"},
    {"bad-min-negative.json", "bad-min-negative.json:14: clauses[2].min: must be a number ≥ 0"},
    {"bad-unknown-field.json", "bad-unknown-field.json:11: clauses[0].minimum: unknown field"},
    {"bad-node-type-ref.json", "bad-node-type-ref.json:13: clauses[1].node_types[0]: \"b\""},
    {"bad-missing-count.json",
     "bad-missing-count.json:6: system.node_types[0].count: required field is missing"},
    {"bad-text.json", "bad-text.json:3: name.zh: required field is missing"},
    {"bad-precision.json", "bad-precision.json:9: clauses[0].precision[1]: must be a precision"},
    {"bad-structure.json",
     "bad-structure.json:9: clauses[0].normalisation.factors: needs a factor for f16"},
    {"bad-version.json", "bad-version.json:2: spec_version: must be 1"},
    {"bad-approx.json", "bad-approx.json:8: clauses[0].targets.general.tolerance"},
    {"bad-i8-mixed.json", "bad-i8-mixed.json:7: clauses[0].precision: i8 (integer OP/s) cannot"},
    {"bad-i32-mixed.json", "bad-i32-mixed.json:7: clauses[0].precision: i32 (integer OP/s) cannot"},
    {"no-such-spec.json", "no-such-spec.json: No such file"},
};
#define NSPEC_CASES (sizeof spec_cases / sizeof *spec_cases)

static void test_spec_errors(void **state) {
    (void)state;
    for (size_t i = 0; i < NSPEC_CASES; i++) {
        char path[1024], err[1024] = "";
        snprintf(path, sizeof path, "%s/specs/%s", FIX, spec_cases[i].file);
        json_t *s = hb__spec_load(path, err, sizeof err);
        if (s || !strstr(err, spec_cases[i].where))
            fail_msg("%s: expected an error containing '%s', got '%s'", spec_cases[i].file,
                     spec_cases[i].where, s ? "(accepted)" : err);
        /* the message starts with the path given */
        assert_int_equal(strncmp(err, path, strlen(path)), 0);
    }
}

static void test_spec_examples_and_defaults(void **state) {
    (void)state;
    char err[1024] = "";
    json_t *s = hb__spec_load(CENTRE, err, sizeof err);
    if (!s) fail_msg("%s", err);
    /* defaults filled in */
    const json_t *cls = json_object_get(s, "clauses");
    const json_t *eff = by_id(cls, "id", "hpc-efficiency");
    assert_true(json_is_true(json_object_get(eff, "required")));
    const json_t *aut = by_id(cls, "id", "autonomy-hardware");
    assert_non_null(aut);
    assert_true(json_number_value(json_object_get(json_object_get(s, "outliers"), "k")) == 3.0);
    const json_t *cap = by_id(cls, "id", "fp64-capacity");
    assert_int_equal(json_array_size(json_object_get(cap, "node_types")), 1);
    json_decref(s);
    s = hb__spec_load(HB_SOURCE_DIR "/results/specs/single-node-example.json", err, sizeof err);
    if (!s) fail_msg("%s", err);
    /* a clause without node_types gets every node type */
    cap = by_id(json_object_get(s, "clauses"), "id", "fp64");
    assert_int_equal(json_array_size(json_object_get(cap, "node_types")), 1);
    json_decref(s);
}

/* ---- evaluation of the centre example ---- */
static json_t *centre_report(void) {
    char err[2048] = "";
    json_t *spec = hb__spec_load(CENTRE, err, sizeof err);
    if (!spec) fail_msg("%s", err);
    hb__catalog *cat = hb__catalog_new();
    if (hb__catalog_add_file(cat, FIX "/specs/catalog-centre.json", err, sizeof err) != HB_OK)
        fail_msg("%s", err);
    json_t *r = hb__report_evaluate(spec, CENTRE, cat, all_results, NRESULTS, err, sizeof err);
    if (!r) fail_msg("%s", err);
    json_decref(spec);
    hb__catalog_free(cat);
    return r;
}

static void test_centre_capacity(void **state) {
    (void)state;
    json_t *r = centre_report();
    const json_t *cls = json_object_get(r, "clauses");
    /* FP64: the capacity clears 5 P, but hpc-node06's gemm f64 failed verification */
    const json_t *fp64 = by_id(cls, "id", "fp64-capacity");
    assert_string_equal(json_string_value(json_object_get(fp64, "verdict")), "fail");
    assert_non_null(strstr(en(json_object_get(fp64, "reason")), "hpc-node06: gemm f64 base"));
    assert_non_null(strstr(en(json_object_get(fp64, "reason")), "failed verification"));
    double m = json_number_value(json_object_get(fp64, "measured"));
    assert_true(close_to(m, 7000 * 749.8391889788857e9, 1e-9));
    /* FP16 passes */
    const json_t *fp16 = by_id(cls, "id", "fp16-capacity");
    assert_string_equal(json_string_value(json_object_get(fp16, "verdict")), "pass");
    assert_true(close_to(json_number_value(json_object_get(fp16, "measured")),
                         80 * 1414026.1954234606e9 + 40 * 352450e9, 1e-9));
    /* the method is written next to the figure */
    const json_t *sys64 =
        json_object_get(json_object_get(json_object_get(r, "system"), "capacity"), "f64");
    assert_non_null(strstr(en(json_object_get(sys64, "method")), "Student-t"));
    assert_non_null(json_string_value(json_object_get(json_object_get(sys64, "method"), "zh")));
    /* node type statistics */
    const json_t *hpc = by_id(json_object_get(r, "node_types"), "id", "hpc-hygon");
    const json_t *st = json_object_get(json_object_get(hpc, "capacity"), "f64");
    assert_int_equal(json_integer_value(json_object_get(st, "n")), 6);
    assert_true(close_to(json_number_value(json_object_get(st, "median")), 895e9, 1e-12));
    assert_true(close_to(json_number_value(json_object_get(st, "mad")), 12.5e9, 1e-12));
    assert_true(
        close_to(json_number_value(json_object_get(st, "suspect_threshold")), 839.4025e9, 1e-9));
    /* cpu:0 and PoCL's opencl:0.0 are one CPU: hpc-node02 counts its faster view once */
    const json_t *n2 = by_id(json_object_get(r, "nodes"), "host", "hpc-node02");
    const json_t *c2 = json_object_get(json_object_get(n2, "capacity"), "f64");
    assert_true(close_to(json_number_value(json_object_get(c2, "value")), 950e9, 1e-12));
    /* against its peers: 950 ÷ the median 895 */
    assert_true(close_to(json_number_value(json_object_get(c2, "peer_ratio")), 950.0 / 895, 1e-9));
    assert_int_equal(json_array_size(json_object_get(c2, "devices")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(c2, "devices"), 0), "device")),
                        "opencl:0.0");
    /* an Ascend node: 8 accelerators (one per PCI address) + the CPU */
    const json_t *a1 = by_id(json_object_get(r, "nodes"), "host", "ai-node01");
    const json_t *ca = json_object_get(json_object_get(a1, "capacity"), "f16+bf16@gemm");
    assert_non_null(ca);
    assert_int_equal(json_array_size(json_object_get(ca, "devices")), 9);
    assert_true(close_to(json_number_value(json_object_get(ca, "value")), 1441000e9, 1e-12));
    json_decref(r);
}

static void test_centre_suspects_inputs(void **state) {
    (void)state;
    json_t *r = centre_report();
    /* suspects: hpc-node05 only (its f64 and f32 capacities) */
    const json_t *sus = json_object_get(r, "suspect_nodes");
    assert_true(json_array_size(sus) >= 1);
    size_t i;
    json_t *x;
    int f64 = 0;
    json_array_foreach(sus, i, x) {
        assert_string_equal(json_string_value(json_object_get(x, "host")), "hpc-node05");
        if (!strcmp(json_string_value(json_object_get(x, "precision")), "f64")) f64 = 1;
    }
    assert_true(f64);
    const json_t *n5 = by_id(json_object_get(r, "nodes"), "host", "hpc-node05");
    assert_true(json_is_true(json_object_get(n5, "suspect")));
    /* inputs */
    const json_t *in = json_object_get(r, "inputs");
    const json_t *login = by_id(in, "host", "login01");
    assert_string_equal(json_string_value(json_object_get(login, "status")), "not_in_inventory");
    assert_true(json_is_null(json_object_get(login, "node_type")));
    assert_null(by_id(json_object_get(r, "nodes"), "host", "login01"));
    int superseded = 0, used03 = 0;
    json_array_foreach(in, i, x) {
        if (strcmp(json_string_value(json_object_get(x, "host")), "hpc-node03") != 0) continue;
        const char *st = json_string_value(json_object_get(x, "status"));
        const char *p = json_string_value(json_object_get(x, "path"));
        if (!strcmp(st, "superseded")) {
            superseded++;
            assert_non_null(strstr(p, "hpc-node03-old.json"));
        } else if (!strcmp(st, "used"))
            used03++;
    }
    assert_int_equal(superseded, 1);
    assert_int_equal(used03, 1);
    const json_t *gp = by_id(in, "host", "gp-node01");
    assert_string_equal(json_string_value(json_object_get(gp, "schema_version")), "1.0");
    assert_string_equal(json_string_value(json_object_get(gp, "status")), "used");
    /* the failed record is listed on its node */
    const json_t *n6 = by_id(json_object_get(r, "nodes"), "host", "hpc-node06");
    assert_int_equal(json_array_size(json_object_get(n6, "failed_records")), 1);
    json_decref(r);
}

static void test_centre_other_clauses(void **state) {
    (void)state;
    json_t *r = centre_report();
    const json_t *cls = json_object_get(r, "clauses");
    const json_t *c;
    /* efficiency against the declared rated peak: the failed record makes it fail */
    c = by_id(cls, "id", "hpc-efficiency");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "fail");
    /* Ascend: catalog rated peak 256 TFLOP/s per device (8 in the component, split by PCI) */
    c = by_id(cls, "id", "ai-efficiency");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "pass");
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 178.0 / 256, 1e-9));
    /* energy: hpc-node06's gemm f64 failed verification (the clause fails on it, the record
       named), and hpc-node05 gives 600 GFLOP/s at 600 W = 1 GFLOP/J < 1.2 */
    c = by_id(cls, "id", "hpc-energy");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "fail");
    assert_non_null(strstr(en(json_object_get(c, "reason")), "hpc-node06: gemm f64 base"));
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 1.0, 1e-9));
    assert_true(has_evidence(c, "hpc-node05: 1 GFLOP/J"));
    assert_true(has_evidence(c, "hpc-node06: record gemm f64 base on cpu:0 failed verification"));
    /* autonomy */
    c = by_id(cls, "id", "autonomy-hardware");
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 44320.0 / 74360, 1e-9));
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "fail");
    assert_non_null(strstr(en(json_object_get(c, "method")), "count-based"));
    c = by_id(cls, "id", "autonomy-cloud-os");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "pass");
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 1.0, 1e-12));
    /* compute-weighted autonomy and structure use gemm f64: the failed record fails them, the
       figures are still computed */
    c = by_id(cls, "id", "autonomy-compute");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "fail");
    assert_non_null(strstr(en(json_object_get(c, "reason")), "hpc-node06: gemm f64 base"));
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 1.0, 1e-12));
    assert_non_null(strstr(en(json_object_get(c, "method")), "compute-weighted"));
    /* structure */
    c = by_id(cls, "id", "structure");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "fail");
    assert_non_null(strstr(en(json_object_get(c, "reason")), "hpc-node06: gemm f64 base"));
    const json_t *roles =
        json_object_get(json_object_get(json_object_get(r, "system"), "structure"), "roles");
    assert_true(close_to(json_number_value(json_object_get(json_array_get(roles, 0), "share")),
                         0.07916388723540656, 1e-9));
    assert_true(close_to(json_number_value(json_object_get(json_array_get(roles, 1), "share")),
                         0.479685580439142, 1e-9));
    /* PUE from the example logs (1.22 ± 0.03 sine over the day) and rack power */
    c = by_id(cls, "id", "pue");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "pass");
    double pue = json_number_value(json_object_get(c, "measured"));
    assert_true(pue > 1.2 && pue < 1.24);
    c = by_id(cls, "id", "rack-power");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "pass");
    double kw = json_number_value(json_object_get(c, "measured"));
    assert_true(kw > 6.6 && kw < 6.8); /* 16.8 MW mean ÷ 2500 racks */
    /* verdict */
    const json_t *v = json_object_get(r, "verdict");
    assert_string_equal(json_string_value(json_object_get(v, "overall")), "fail");
    assert_int_equal(json_integer_value(json_object_get(v, "fail")), 7);
    /* every clause has a bilingual title, reason and evidence */
    size_t i;
    json_t *x;
    json_array_foreach(cls, i, x) {
        assert_true(*en(json_object_get(x, "title")));
        assert_non_null(json_string_value(json_object_get(json_object_get(x, "reason"), "zh")));
    }
    json_decref(r);
}

static void test_bad_inputs(void **state) {
    (void)state;
    char err[2048] = "";
    json_t *spec = hb__spec_load(CENTRE, err, sizeof err);
    hb__catalog *cat = hb__catalog_new();
    const char *future[] = {RESULTS "/hpc-node01.json", RESULTS "/bad/future.json"};
    json_t *r = hb__report_evaluate(spec, CENTRE, cat, future, 2, err, sizeof err);
    assert_null(r);
    assert_non_null(strstr(err, "future.json"));
    assert_non_null(strstr(err, "2.0"));
    const char *missing[] = {RESULTS "/no-such-node.json"};
    r = hb__report_evaluate(spec, CENTRE, cat, missing, 1, err, sizeof err);
    assert_null(r);
    assert_non_null(strstr(err, "no-such-node.json"));
    json_decref(spec);
    /* a malformed meter log named by the spec is bad input, with its file and line */
    const char *bad_log = FIX "/specs/pue-bad-log.json";
    spec = hb__spec_load(bad_log, err, sizeof err);
    if (!spec) fail_msg("%s", err);
    const char *one[] = {RESULTS "/hpc-node01.json"};
    r = hb__report_evaluate(spec, bad_log, cat, one, 1, err, sizeof err);
    assert_null(r);
    if (!strstr(err, "bad_watts_line7.csv:7")) fail_msg("unexpected: %s", err);
    hb__catalog_free(cat);
    json_decref(spec);
}

/* A result whose own inventory identifies its parts is used when the report's catalog
   identifies nothing; a missing PUE log is "not measurable" with the reason. */
static void test_inventory_fallback_and_missing_log(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-test-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    json_object_set_new(json_object_get(doc, "system"), "inventory",
                        json_pack("{s:[{s:s,s:s,s:s,s:s,s:i,s:[s,s]}],s:i}", "components",
                                  "category", "cpu", "name", "Hygon C86 7285", "origin", "domestic",
                                  "catalog_id", "hygon-c86-7285", "count", 2, "devices", "cpu:0",
                                  "opencl:0.0", "unknown", 0));
    snprintf(path, sizeof path, "%s/node.json", dir);
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    json_decref(doc);
    const char *spec_path = FIX "/specs/pue-missing-log.json";
    json_t *spec = hb__spec_load(spec_path, err, sizeof err);
    if (!spec) fail_msg("%s", err);
    hb__catalog *cat = hb__catalog_new();
    const char *res[] = {path};
    json_t *r = hb__report_evaluate(spec, spec_path, cat, res, 1, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *node = json_array_get(json_object_get(r, "nodes"), 0);
    assert_string_equal(json_string_value(json_object_get(node, "inventory_source")), "result");
    const json_t *c = json_array_get(json_object_get(r, "clauses"), 0);
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "not_measurable");
    assert_non_null(strstr(en(json_object_get(c, "reason")), "no-such-facility.csv"));
    json_decref(r);
    json_decref(spec);
    hb__catalog_free(cat);
    unlink(path);
    rmdir(dir);
}

/* A one-node type whose result has no rate.median_ci (optional in the schema): the bound is
   the slowest repetition's rate, below the median — never the median itself. */
static void test_lcb_without_median_ci(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-test-XXXXXX", path[256];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    size_t i;
    json_t *rec;
    json_array_foreach(json_object_get(doc, "records"), i, rec) {
        json_t *rate = json_object_get(rec, "rate");
        if (json_is_object(rate)) json_object_del(rate, "median_ci");
    }
    snprintf(path, sizeof path, "%s/node.json", dir);
    assert_int_equal(json_dump_file(doc, path, 0), 0);
    json_decref(doc);
    const char *spec_path = HB_SOURCE_DIR "/results/specs/single-node-example.json";
    json_t *spec = hb__spec_load(spec_path, err, sizeof err);
    if (!spec) fail_msg("%s", err);
    hb__catalog *cat = hb__catalog_new();
    const char *res[] = {path};
    json_t *r = hb__report_evaluate(spec, spec_path, cat, res, 1, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *f64 = json_object_get(
        json_object_get(json_array_get(json_object_get(r, "node_types"), 0), "capacity"), "f64");
    double lcb = json_number_value(json_object_get(f64, "lcb"));
    double med = json_number_value(json_object_get(f64, "median"));
    print_message("  f64 median %.4g, bound without median_ci %.4g\n", med, lcb);
    assert_true(lcb > 0 && lcb < med);
    json_decref(r);
    json_decref(spec);
    hb__catalog_free(cat);
    unlink(path);
    rmdir(dir);
}

/* ---- the command ---- */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void results_args(char *out, size_t n) {
    out[0] = '\0';
    for (size_t i = 0; i < NRESULTS; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, " %s", all_results[i]);
    }
}

/* ---- devices, inputs and units on modified copies of the fixtures ---- */
static void dump_to(json_t *doc, const char *dir, const char *name, char *path, size_t n) {
    snprintf(path, n, "%s/%s", dir, name);
    if (json_dump_file(doc, path, JSON_INDENT(1)) != 0) fail_msg("cannot write %s", path);
}

/* dir/spec.json holding text; its path in path */
static void write_spec(const char *dir, const char *text, char *path, size_t n) {
    snprintf(path, n, "%s/spec.json", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(text, f) < 0) fail_msg("cannot write %s", path);
    fclose(f);
}

static json_t *evaluate(const char *spec_path, hb__catalog *cat, const char **res, size_t n,
                        char *err, size_t errn) {
    json_t *spec = hb__spec_load(spec_path, err, errn);
    if (!spec) fail_msg("%s", err);
    json_t *r = hb__report_evaluate(spec, spec_path, cat, res, n, err, errn);
    json_decref(spec);
    return r;
}

static hb__catalog *centre_catalog(void) {
    char err[1024] = "";
    hb__catalog *cat = hb__catalog_new();
    if (hb__catalog_add_file(cat, FIX "/specs/catalog-centre.json", err, sizeof err) != HB_OK)
        fail_msg("%s", err);
    return cat;
}

/* An OpenCL view of each Ascend without a PCI address (linked by the inventory through its PCI
   vendor id) is the same silicon as the vendor platform's view with one: counted once. */
static void test_views_without_address_counted_once(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-views-XXXXXX", path[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/ai-node01.json", 0, NULL);
    assert_non_null(doc);
    json_t *devs = json_object_get(json_object_get(doc, "system"), "devices");
    json_t *recs = json_object_get(doc, "records");
    json_t *tmpl = json_deep_copy(json_array_get(recs, 1)); /* gemm f16 on ascend:0 */
    assert_string_equal(json_string_value(json_object_get(tmpl, "device")), "ascend:0");
    for (int i = 0; i < 8; i++) {
        char id[32];
        snprintf(id, sizeof id, "opencl:1.%d", i);
        json_array_append_new(
            devs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s}}", "id", id, "platform", "opencl",
                            "name", "Ascend910", "vendor", "Huawei", "type", "accelerator",
                            "properties", "platform", "Huawei OpenCL", "pci_vendor_id", "0x19e5"));
        json_t *r = json_deep_copy(tmpl);
        json_object_set_new(r, "device", json_string(id));
        json_object_set_new(json_object_get(r, "rate"), "value", json_real(170000.0));
        json_object_set_new(json_object_get(r, "rate"), "median_ci",
                            json_pack("[f,f]", 1.69e5, 1.71e5));
        json_array_append_new(recs, r);
    }
    json_decref(tmpl);
    dump_to(doc, dir, "ai-node01.json", path, sizeof path);
    json_decref(doc);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {path};
    json_t *r = evaluate(CENTRE, cat, res, 1, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *cap = json_object_get(
        json_object_get(json_array_get(json_object_get(r, "nodes"), 0), "capacity"), "f16");
    /* 8 × 180 TFLOP/s (the faster view of each) + 1000 GFLOP/s on the CPU, not 8 × 350 */
    assert_true(close_to(json_number_value(json_object_get(cap, "value")), 1441000e9, 1e-12));
    const json_t *ds = json_object_get(cap, "devices");
    assert_int_equal(json_array_size(ds), 9);
    size_t i;
    json_t *d;
    int seen = 0;
    json_array_foreach(ds, i, d) {
        if (strcmp(json_string_value(json_object_get(d, "device")), "ascend:0")) continue;
        seen = 1;
        const json_t *views = json_object_get(d, "views");
        assert_int_equal(json_array_size(views), 2);
        assert_string_equal(json_string_value(json_array_get(views, 1)), "opencl:1.0");
    }
    assert_true(seen);
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* The CPU is one device even when the result's own inventory (used: the report's catalog
   identifies nothing) lists only cpu:0 and not PoCL's CPU device. */
static void test_cpu_views_with_result_inventory(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-cpu-XXXXXX", path[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node02.json", 0, NULL);
    assert_non_null(doc);
    json_object_set_new(json_object_get(doc, "system"), "inventory",
                        json_pack("{s:[{s:s,s:s,s:s,s:s,s:i,s:[s]}],s:i}", "components", "category",
                                  "cpu", "name", "Hygon C86 7285", "origin", "domestic",
                                  "catalog_id", "hygon-c86-7285", "count", 2, "devices", "cpu:0",
                                  "unknown", 0));
    dump_to(doc, dir, "hpc-node02.json", path, sizeof path);
    json_decref(doc);
    hb__catalog *cat = hb__catalog_new();
    const char *res[] = {path};
    json_t *r = evaluate(CENTRE, cat, res, 1, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *node = json_array_get(json_object_get(r, "nodes"), 0);
    assert_string_equal(json_string_value(json_object_get(node, "inventory_source")), "result");
    const json_t *cap = json_object_get(json_object_get(node, "capacity"), "f64");
    /* max(910 on cpu:0, 950 on opencl:0.0), not their sum */
    assert_true(close_to(json_number_value(json_object_get(cap, "value")), 950e9, 1e-12));
    assert_int_equal(json_array_size(json_object_get(cap, "devices")), 1);
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* A rate that overflows in base units is bad input (it once dropped the node's capacity and
   counted the node as 0); three runs of one host: the older ones name the latest. */
static void test_implausible_rate_and_superseded(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-inp-XXXXXX", path[512], later[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    json_t *rate = json_object_get(json_array_get(json_object_get(doc, "records"), 0), "rate");
    json_object_set_new(rate, "value", json_real(1e300)); /* GFLOP/s: 1e309 FLOP/s */
    dump_to(doc, dir, "huge.json", path, sizeof path);
    json_decref(doc);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {path, RESULTS "/hpc-node02.json"};
    json_t *r = evaluate(CENTRE, cat, res, 2, err, sizeof err);
    assert_null(r);
    if (!strstr(err, "huge.json") || !strstr(err, "records[0].rate"))
        fail_msg("unexpected: %s", err);
    /* three runs of hpc-node03 */
    doc = json_load_file(RESULTS "/hpc-node03.json", 0, NULL);
    json_object_set_new(json_object_get(doc, "run"), "finished_at",
                        json_string("2026-12-01T00:00:00Z"));
    dump_to(doc, dir, "hpc-node03-latest.json", later, sizeof later);
    json_decref(doc);
    const char *three[] = {RESULTS "/hpc-node03-old.json", RESULTS "/hpc-node03.json", later};
    r = evaluate(CENTRE, cat, three, 3, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *in = json_object_get(r, "inputs");
    for (size_t i = 0; i < 2; i++) {
        assert_string_equal(json_string_value(json_object_get(json_array_get(in, i), "status")),
                            "superseded");
        assert_non_null(strstr(en(json_object_get(json_array_get(in, i), "reason")), later));
    }
    assert_string_equal(json_string_value(json_object_get(json_array_get(in, 2), "status")),
                        "used");
    assert_int_equal(json_array_size(json_object_get(r, "nodes")), 1);
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* Two runs of one host that measured different things (e.g. one on the CPU, one on a GPU)
   are one node with the records of both; what both measured comes from the later run. Here
   the later run re-measured gemm f64 only (at 1.5x the rate); every other record of the
   earlier run joins it. */
static void test_runs_of_one_host_merged(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-merge-XXXXXX", early[512], late[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    size_t total = json_array_size(json_object_get(doc, "records"));
    dump_to(doc, dir, "early.json", early, sizeof early);
    json_t *recs = json_object_get(doc, "records");
    double old_rate = 0;
    for (size_t i = json_array_size(recs); i-- > 0;) {
        json_t *r = json_array_get(recs, i);
        if (!strcmp(json_string_value(json_object_get(r, "kernel")), "gemm") &&
            !strcmp(json_string_value(json_object_get(r, "variant")), "f64") &&
            !strcmp(json_string_value(json_object_get(r, "device")), "cpu:0")) {
            json_t *rate = json_object_get(r, "rate");
            old_rate = json_number_value(json_object_get(rate, "value"));
            json_object_set_new(rate, "value", json_real(1.5 * old_rate));
            json_object_set_new(rate, "median_ci",
                                json_pack("[f,f]", 1.5 * old_rate, 1.5 * old_rate));
        } else {
            json_array_remove(recs, i);
        }
    }
    assert_int_equal(json_array_size(recs), 1);
    assert_true(old_rate > 0);
    json_object_set_new(json_object_get(doc, "run"), "finished_at",
                        json_string("2026-12-01T00:00:00Z"));
    dump_to(doc, dir, "late.json", late, sizeof late);
    json_decref(doc);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {late, early};
    json_t *r = evaluate(CENTRE, cat, res, 2, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *in = json_object_get(r, "inputs");
    assert_string_equal(json_string_value(json_object_get(json_array_get(in, 0), "status")),
                        "used");
    assert_string_equal(json_string_value(json_object_get(json_array_get(in, 1), "status")),
                        "merged");
    assert_non_null(strstr(en(json_object_get(json_array_get(in, 1), "reason")), late));
    char want[64];
    snprintf(want, sizeof want, "%zu of its records", total - 1);
    assert_non_null(strstr(en(json_object_get(json_array_get(in, 1), "reason")), want));
    const json_t *nodes = json_object_get(r, "nodes");
    assert_int_equal(json_array_size(nodes), 1);
    /* the node's f64 capacity includes the re-measured gemm rate (1.5x), and the node still
       has its other measurements (f16 capacity present) */
    const json_t *cap = json_object_get(json_array_get(nodes, 0), "capacity");
    const json_t *f64 = json_object_get(cap, "f64");
    assert_non_null(f64);
    assert_true(json_number_value(json_object_get(f64, "value")) >= 1.5 * old_rate * 1e9 * 0.999);
    assert_non_null(json_object_get(cap, "f16"));
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* A later run's record that measured nothing (interrupted, skipped, unsupported, error) does
   not hide the older run's measurement of the same thing: hpc-node01's gemm f64 on cpu:0 (900
   GFLOP/s) stays the node's f64 capacity when a later run was interrupted on it, and the
   interrupted record is still listed. A later failed verification does replace it. */
static void test_merge_unmeasured_record_keeps_older(void **state) {
    (void)state;
    static const char *const statuses[] = {"interrupted", "skipped", "error",
                                           "failed_verification"};
    char err[2048] = "", dir[] = "/tmp/hb-report-merge2-XXXXXX", late[512];
    assert_non_null(mkdtemp(dir));
    hb__catalog *cat = centre_catalog();
    for (size_t s = 0; s < sizeof statuses / sizeof *statuses; s++) {
        json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
        assert_non_null(doc);
        json_t *recs = json_object_get(doc, "records");
        json_t *r = json_deep_copy(json_array_get(recs, 0)); /* gemm f64 base on cpu:0 */
        assert_string_equal(json_string_value(json_object_get(r, "kernel")), "gemm");
        assert_string_equal(json_string_value(json_object_get(r, "device")), "cpu:0");
        json_object_del(r, "rate");
        json_object_set_new(r, "status", json_string(statuses[s]));
        json_object_set_new(r, "reason", json_string("the later run did not measure it"));
        json_array_clear(recs);
        json_array_append_new(recs, r);
        json_object_set_new(json_object_get(doc, "run"), "finished_at",
                            json_string("2026-12-01T00:00:00Z"));
        dump_to(doc, dir, "late.json", late, sizeof late);
        json_decref(doc);
        const char *res[] = {RESULTS "/hpc-node01.json", late};
        json_t *rep = evaluate(CENTRE, cat, res, 2, err, sizeof err);
        if (!rep) fail_msg("%s", err);
        const json_t *nd = json_array_get(json_object_get(rep, "nodes"), 0);
        const json_t *f64 = json_object_get(json_object_get(nd, "capacity"), "f64");
        double v = json_number_value(json_object_get(f64, "value"));
        if (strcmp(statuses[s], "failed_verification") == 0) {
            assert_true(close_to(v, 765e9, 1e-12)); /* lu: the gemm figure is voided */
        } else if (!close_to(v, 900e9, 1e-12)) {
            fail_msg("a later %s record hid the older gemm f64 figure: capacity %g", statuses[s],
                     v);
        }
        /* the later record is listed among the failed ones (a skip is no failure), once */
        assert_int_equal(json_array_size(json_object_get(nd, "failed_records")),
                         strcmp(statuses[s], "skipped") ? 1 : 0);
        const json_t *in = json_object_get(rep, "inputs");
        assert_string_equal(json_string_value(json_object_get(json_array_get(in, 0), "status")),
                            "merged");
        json_decref(rep);
    }
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* One device id may name another device in another run of the host: opencl:0.0 is PoCL's CPU
   in hpc-node01's run and a GPU (the vendor's OpenCL driver) in an earlier one. The GPU's gemm
   f64 is neither dropped as a repeat of PoCL's nor taken for the CPU: it joins as a device of
   its own, "opencl:0.0@FILE", and the node's f64 capacity is the CPU's 900 + the GPU's 40000
   GFLOP/s. */
static void test_merge_same_id_other_device(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-merge3-XXXXXX", early[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    json_t *devs = json_object_get(json_object_get(doc, "system"), "devices");
    json_t *ocl = json_deep_copy(json_array_get(devs, 1));
    assert_string_equal(json_string_value(json_object_get(ocl, "id")), "opencl:0.0");
    json_object_set_new(ocl, "name", json_string("NVIDIA H100 80GB HBM3"));
    json_object_set_new(ocl, "vendor", json_string("NVIDIA Corporation"));
    json_object_set_new(ocl, "type", json_string("gpu"));
    json_object_set_new(ocl, "properties", json_pack("{s:s}", "pci_bus_id", "0000:18:00.0"));
    json_array_remove(devs, 1);
    json_array_append_new(devs, ocl);
    json_t *recs = json_object_get(doc, "records");
    json_t *g = json_deep_copy(json_array_get(recs, 1)); /* gemm f64 base on opencl:0.0 */
    assert_string_equal(json_string_value(json_object_get(g, "device")), "opencl:0.0");
    json_object_set_new(g, "rate",
                        json_pack("{s:f,s:s,s:s,s:[f,f]}", "value", 40000.0, "unit", "GFLOP/s",
                                  "basis", "ops", "median_ci", 40000.0, 40000.0));
    json_array_clear(recs);
    json_array_append_new(recs, g);
    json_object_set_new(json_object_get(doc, "run"), "finished_at",
                        json_string("2026-11-01T00:00:00Z"));
    dump_to(doc, dir, "gpu-run.json", early, sizeof early);
    json_decref(doc);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {RESULTS "/hpc-node01.json", early};
    json_t *rep = evaluate(CENTRE, cat, res, 2, err, sizeof err);
    if (!rep) fail_msg("%s", err);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(rep, "inputs"), 1), "status")),
                        "merged");
    const json_t *nd = json_array_get(json_object_get(rep, "nodes"), 0);
    const json_t *f64 = json_object_get(json_object_get(nd, "capacity"), "f64");
    double v = json_number_value(json_object_get(f64, "value"));
    if (!close_to(v, 40900e9, 1e-12)) fail_msg("f64 capacity %g, want 4.09e13", v);
    const json_t *ds = json_object_get(f64, "devices");
    assert_int_equal(json_array_size(ds), 2);
    assert_non_null(by_id(ds, "device", "opencl:0.0@gpu-run.json"));
    json_decref(rep);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* Two runs of a host outside the spec's inventory: the older one's records join the latest,
   which takes no part — so neither does the older one, and its input says so. */
static void test_merged_outside_inventory(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-merge-out-XXXXXX", late[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/login01.json", 0, NULL);
    assert_non_null(doc);
    json_t *recs = json_object_get(doc, "records");
    json_array_clear(recs); /* the later run re-measured nothing: the older one joins it */
    json_object_set_new(json_object_get(doc, "run"), "finished_at",
                        json_string("2026-12-01T00:00:00Z"));
    dump_to(doc, dir, "login01-late.json", late, sizeof late);
    json_decref(doc);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {RESULTS "/login01.json", late};
    json_t *r = evaluate(CENTRE, cat, res, 2, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *in = json_object_get(r, "inputs");
    for (size_t i = 0; i < 2; i++)
        assert_string_equal(json_string_value(json_object_get(json_array_get(in, i), "status")),
                            "not_in_inventory");
    assert_non_null(strstr(en(json_object_get(json_array_get(in, 0), "reason")), "pooled"));
    assert_int_equal(json_array_size(json_object_get(r, "nodes")), 0);
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* i8 and i32 capacities are in OP/s (never FLOP/s); a stream record (a rate in bytes) gives no
   GFLOP/J. */
static void test_units_i8_and_stream_energy(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-units-XXXXXX", path[512], spec_path[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    json_t *recs = json_object_get(doc, "records");
    /* gemm i8 at 4000 GOP/s */
    json_t *i8 = json_deep_copy(json_array_get(recs, 0));
    json_object_set_new(i8, "variant", json_string("i8"));
    json_object_set_new(i8, "rate",
                        json_pack("{s:f,s:s,s:s,s:[f,f]}", "value", 4000.0, "unit", "GOP/s",
                                  "basis", "ops", "median_ci", 3900.0, 4100.0));
    json_array_append_new(recs, i8);
    /* peak i32 at 300 GOP/s */
    json_t *i32 = json_deep_copy(json_array_get(recs, 0));
    json_object_set_new(i32, "kernel", json_string("peak"));
    json_object_set_new(i32, "variant", json_string("i32"));
    json_object_set_new(i32, "rate",
                        json_pack("{s:f,s:s,s:s,s:[f,f]}", "value", 300.0, "unit", "GOP/s", "basis",
                                  "ops", "median_ci", 290.0, 310.0));
    json_array_append_new(recs, i32);
    /* stream f64 with an energy figure in GB/J (and counts.ops > 0, as STREAM's add/triad) */
    json_t *st = json_deep_copy(json_array_get(recs, 0));
    json_object_set_new(st, "kernel", json_string("stream"));
    json_object_set_new(st, "operation", json_string("triad"));
    json_object_set_new(st, "rate",
                        json_pack("{s:f,s:s,s:s,s:[f,f]}", "value", 200.0, "unit", "GB/s", "basis",
                                  "bytes", "median_ci", 190.0, 210.0));
    json_object_set_new(st, "counts",
                        json_pack("{s:f,s:s,s:f,s:s}", "ops", 2e8, "ops_formula", "2n", "bytes",
                                  2.4e9, "bytes_formula", "3n·8"));
    json_object_set_new(json_object_get(st, "energy"), "ops_per_joule", json_real(0.5));
    json_object_set_new(json_object_get(st, "energy"), "ops_per_joule_unit", json_string("GB/J"));
    json_array_append_new(recs, st);
    dump_to(doc, dir, "hpc-node01.json", path, sizeof path);
    json_decref(doc);
    write_spec(
        dir,
        "{\"spec_version\": 1, \"name\": {\"en\": \"units\", \"zh\": \"单位\"},\n"
        " \"system\": {\"node_types\": [{\"id\": \"h\", \"role\": \"ai\", \"count\": 10,\n"
        "   \"match\": {\"hosts\": [\"hpc-*\"]}}]},\n"
        " \"clauses\": [\n"
        "  {\"id\": \"int8\", \"type\": \"capacity\", \"precision\": [\"i8\"],\n"
        "   \"kernels\": [\"gemm\"], \"min\": 1e12},\n"
        "  {\"id\": \"int32\", \"type\": \"capacity\", \"precision\": [\"i32\"],\n"
        "   \"kernels\": [\"peak\"], \"min\": 1e12},\n"
        "  {\"id\": \"stream-energy\", \"type\": \"energy_efficiency\", \"kernel\": \"stream\",\n"
        "   \"precision\": \"f64\", \"min_gflops_per_joule\": 0.1},\n"
        "  {\"id\": \"int8-energy\", \"type\": \"energy_efficiency\", \"kernel\": \"gemm\",\n"
        "   \"precision\": \"i8\", \"min_gflops_per_joule\": 0.1, \"required\": false}]}\n",
        spec_path, sizeof spec_path);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {path};
    json_t *r = evaluate(spec_path, cat, res, 1, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *cls = json_object_get(r, "clauses");
    const json_t *c = by_id(cls, "id", "int8");
    assert_string_equal(json_string_value(json_object_get(c, "unit")), "OP/s");
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 10 * 3900e9, 1e-12));
    c = by_id(cls, "id", "int32");
    assert_string_equal(json_string_value(json_object_get(c, "unit")), "OP/s");
    assert_true(close_to(json_number_value(json_object_get(c, "measured")), 10 * 290e9, 1e-12));
    const json_t *sys =
        json_object_get(json_object_get(json_object_get(r, "system"), "capacity"), "i8@gemm");
    assert_string_equal(json_string_value(json_object_get(sys, "unit")), "OP/s");
    const json_t *node = json_array_get(json_object_get(r, "nodes"), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(node, "capacity"), "i8@gemm"), "unit")),
                        "OP/s");
    c = by_id(cls, "id", "stream-energy");
    assert_string_equal(json_string_value(json_object_get(c, "verdict")), "not_measurable");
    assert_non_null(strstr(en(json_object_get(c, "reason")), "not counted in operations"));
    assert_true(json_is_null(json_object_get(c, "measured")));
    c = by_id(cls, "id", "int8-energy");
    assert_string_equal(json_string_value(json_object_get(c, "unit")), "GOP/J");
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* A spec's declared rated peak overrides the catalog's whatever the order of `against`, and
   that order is honoured: [attainable, rated] takes the peak kernel where it ran and the
   declared peak (not the catalog's) where it did not. The declared 2 TFLOP/s differs from the
   catalog's 8 × 64 × 2.0 GHz = 1.024 TFLOP/s; hpc-node01 runs gemm at 900, peak at 1000. */
static void test_efficiency_declared_peak_and_order(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-eff-XXXXXX", nopeak[512], spec_path[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    assert_non_null(doc);
    json_t *recs = json_object_get(doc, "records");
    for (size_t i = json_array_size(recs); i-- > 0;)
        if (strcmp(json_string_value(json_object_get(json_array_get(recs, i), "kernel")), "peak") ==
            0)
            json_array_remove(recs, i);
    dump_to(doc, dir, "hpc-node01.json", nopeak, sizeof nopeak);
    json_decref(doc);
    write_spec(dir,
               "{\"spec_version\": 1, \"name\": {\"en\": \"eff\", \"zh\": \"效率\"},\n"
               " \"system\": {\"node_types\": [{\"id\": \"h\", \"role\": \"hpc\", \"count\": 10,\n"
               "   \"match\": {\"hosts\": [\"hpc-*\"]}, \"rated_peak\": {\"f64\": 2e12}}]},\n"
               " \"clauses\": [\n"
               "  {\"id\": \"ar\", \"type\": \"efficiency\", \"kernel\": \"gemm\", \"precision\": "
               "\"f64\",\n"
               "   \"min\": 0.1, \"against\": [\"attainable\", \"rated\"]},\n"
               "  {\"id\": \"ra\", \"type\": \"efficiency\", \"kernel\": \"gemm\", \"precision\": "
               "\"f64\",\n"
               "   \"min\": 0.1, \"against\": [\"rated\", \"attainable\"]},\n"
               "  {\"id\": \"r\", \"type\": \"efficiency\", \"kernel\": \"gemm\", \"precision\": "
               "\"f64\",\n"
               "   \"min\": 0.1, \"against\": [\"rated\"]}]}\n",
               spec_path, sizeof spec_path);
    hb__catalog *cat = centre_catalog();
    static const struct {
        const char *id;
        int with_peak;
        double ratio;
        const char *device, *kind, *source;
    } want[] = {
        {"ar", 1, 0.9, "Hygon C86 7285", "attainable", "peak kernel"},
        {"ra", 1, 0.45, "node", "rated", "spec"},
        {"r", 1, 0.45, "node", "rated", "spec"},
        {"ar", 0, 0.45, "node", "rated", "spec"}, /* the catalog's would be 0.879 */
        {"ra", 0, 0.45, "node", "rated", "spec"},
    };
    for (int with_peak = 1; with_peak >= 0; with_peak--) {
        const char *res[] = {with_peak ? RESULTS "/hpc-node01.json" : nopeak};
        json_t *r = evaluate(spec_path, cat, res, 1, err, sizeof err);
        if (!r) fail_msg("%s", err);
        const json_t *eff =
            json_object_get(json_array_get(json_object_get(r, "nodes"), 0), "efficiency");
        for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
            if (want[w].with_peak != with_peak) continue;
            const json_t *c = by_id(json_object_get(r, "clauses"), "id", want[w].id);
            assert_non_null(c);
            assert_string_equal(json_string_value(json_object_get(c, "verdict")), "pass");
            double m = json_number_value(json_object_get(c, "measured"));
            if (!close_to(m, want[w].ratio, 1e-9))
                fail_msg("%s (peak %d): measured %g, want %g", want[w].id, with_peak, m,
                         want[w].ratio);
            /* the entry of this ratio says what it was measured against */
            size_t i;
            json_t *x;
            int seen = 0;
            json_array_foreach(eff, i, x) {
                if (!close_to(json_number_value(json_object_get(x, "ratio")), want[w].ratio, 1e-9))
                    continue;
                seen = 1;
                assert_string_equal(json_string_value(json_object_get(x, "device")),
                                    want[w].device);
                assert_string_equal(json_string_value(json_object_get(x, "reference_kind")),
                                    want[w].kind);
                assert_string_equal(json_string_value(json_object_get(x, "reference_source")),
                                    want[w].source);
                if (strcmp(want[w].device, "node") == 0) /* what above_rated compares with */
                    assert_true(close_to(json_number_value(json_object_get(x, "rated")), 2e12, 0));
            }
            assert_true(seen);
        }
        json_decref(r);
    }
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* Two clauses on the same kernel and precision (here identical but for their ids) judge one
   figure: each gets its verdict, the node lists its energy and efficiency figures once. */
static void test_duplicate_clauses_one_figure(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-dup-XXXXXX", spec_path[512];
    assert_non_null(mkdtemp(dir));
    write_spec(dir,
               "{\"spec_version\": 1, \"name\": {\"en\": \"dup\", \"zh\": \"重复\"},\n"
               " \"system\": {\"node_types\": [{\"id\": \"h\", \"role\": \"hpc\", \"count\": 10,\n"
               "   \"match\": {\"hosts\": [\"hpc-*\"]}}]},\n"
               " \"clauses\": [\n"
               "  {\"id\": \"e1\", \"type\": \"energy_efficiency\", \"kernel\": \"gemm\",\n"
               "   \"precision\": \"f64\", \"min_gflops_per_joule\": 0.1},\n"
               "  {\"id\": \"e2\", \"type\": \"energy_efficiency\", \"kernel\": \"gemm\",\n"
               "   \"precision\": \"f64\", \"min_gflops_per_joule\": 0.1},\n"
               "  {\"id\": \"e3\", \"type\": \"energy_efficiency\", \"kernel\": \"gemm\",\n"
               "   \"precision\": \"f64\", \"min_gflops_per_joule\": 1000},\n"
               "  {\"id\": \"x1\", \"type\": \"efficiency\", \"kernel\": \"gemm\", \"precision\": "
               "\"f64\",\n"
               "   \"min\": 0.1},\n"
               "  {\"id\": \"x2\", \"type\": \"efficiency\", \"kernel\": \"gemm\", \"precision\": "
               "\"f64\",\n"
               "   \"min\": 0.1}]}\n",
               spec_path, sizeof spec_path);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {RESULTS "/hpc-node01.json"};
    json_t *r = evaluate(spec_path, cat, res, 1, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *cls = json_object_get(r, "clauses");
    static const char *const pass[] = {"e1", "e2", "x1", "x2"};
    for (size_t i = 0; i < 4; i++) {
        const json_t *c = by_id(cls, "id", pass[i]);
        assert_non_null(c);
        assert_string_equal(json_string_value(json_object_get(c, "verdict")), "pass");
    }
    assert_string_equal(json_string_value(json_object_get(by_id(cls, "id", "e3"), "verdict")),
                        "fail");
    const json_t *node = json_array_get(json_object_get(r, "nodes"), 0);
    assert_int_equal(json_array_size(json_object_get(node, "energy")), 1);
    assert_int_equal(json_array_size(json_object_get(node, "efficiency")), 1);
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

/* A result's schema_version must be "1.x" or "1.x.y": "1.foo", "1.", "1.2.3x" or " 1.2" are
   bad input named FILE:LINE: schema_version (the report exits 2), as is "2.0"; "1.7" and
   "1.2.3" are read. */
static void test_schema_version_form(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-ver-XXXXXX", path[512], want[600];
    assert_non_null(mkdtemp(dir));
    static const struct {
        const char *v;
        int ok;
    } cases[] = {{"1.foo", 0}, {"1.", 0},    {"1.2.3x", 0},  {" 1.2", 0}, {"1.2 ", 0},
                 {"1..2", 0},  {"1.2.", 0},  {"1.2.3.4", 0}, {"2.0", 0},  {"", 0},
                 {"1.7", 1},   {"1.2.3", 1}, {"1.10", 1}};
    hb__catalog *cat = centre_catalog();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
        assert_non_null(doc);
        json_object_set_new(doc, "schema_version", json_string(cases[i].v));
        dump_to(doc, dir, "hpc-node01.json", path, sizeof path);
        json_decref(doc);
        /* the line of the key in the file written */
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        char line[4096];
        int ln = 0, at = 0;
        while (fgets(line, sizeof line, f)) {
            ln++;
            if (strstr(line, "\"schema_version\"")) {
                at = ln;
                break;
            }
        }
        fclose(f);
        assert_true(at > 0);
        const char *res[] = {path};
        err[0] = '\0';
        json_t *r = evaluate(CENTRE, cat, res, 1, err, sizeof err);
        if (cases[i].ok) {
            if (!r) fail_msg("\"%s\" rejected: %s", cases[i].v, err);
            json_decref(r);
            continue;
        }
        if (r) fail_msg("\"%s\" accepted", cases[i].v);
        snprintf(want, sizeof want, "%s:%d: schema_version", path, at);
        if (!strstr(err, want)) fail_msg("\"%s\": want \"%s\" in: %s", cases[i].v, want, err);
    }
    hb__catalog_free(cat);
    /* the command: exit 2 */
    json_t *doc = json_load_file(RESULTS "/hpc-node01.json", 0, NULL);
    json_object_set_new(doc, "schema_version", json_string("1.foo"));
    dump_to(doc, dir, "hpc-node01.json", path, sizeof path);
    json_decref(doc);
    assert_int_equal(sh("%s report -q --no-builtin-catalog --spec %s -o %s/out %s 2>%s/err", HB_CLI,
                        CENTRE, dir, path, dir),
                     2);
    sh("rm -rf %s", dir);
}

/* A text cut at its buffer's end inside a UTF-8 sequence (a long non-ASCII host name or path)
   is still a valid string: the reason is kept, not dropped (jansson refuses invalid UTF-8). */
static void test_long_utf8_texts(void **state) {
    (void)state;
    char err[2048] = "", dir[] = "/tmp/hb-report-utf8-XXXXXX", path[512];
    assert_non_null(mkdtemp(dir));
    json_t *doc = json_load_file(RESULTS "/login01.json", 0, NULL);
    assert_non_null(doc);
    char host[1 + 700 * 3 + 1] = "a";
    for (int i = 0; i < 700; i++) strcat(host, "节");
    json_object_set_new(json_object_get(doc, "system"), "host", json_string(host));
    dump_to(doc, dir, "long.json", path, sizeof path);
    json_decref(doc);
    hb__catalog *cat = centre_catalog();
    const char *res[] = {path, RESULTS "/hpc-node01.json"};
    json_t *r = evaluate(CENTRE, cat, res, 2, err, sizeof err);
    if (!r) fail_msg("%s", err);
    const json_t *in = json_array_get(json_object_get(r, "inputs"), 0);
    assert_string_equal(json_string_value(json_object_get(in, "status")), "not_in_inventory");
    const json_t *why = json_object_get(in, "reason");
    assert_non_null(strstr(en(why), "host a节节"));
    assert_non_null(json_string_value(json_object_get(why, "zh")));
    assert_true(strlen(json_string_value(json_object_get(why, "zh"))) > 2000);
    json_decref(r);
    hb__catalog_free(cat);
    sh("rm -rf %s", dir);
}

#define CLI_CAT "--no-builtin-catalog --catalog " FIX "/specs/catalog-centre.json"

static void test_cli_exit_codes(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-report-cli-XXXXXX", res[8192];
    assert_non_null(mkdtemp(dir));
    results_args(res, sizeof res);
    /* 1: a required clause fails; the three files are written, report.json is valid */
    assert_int_equal(
        sh("%s report --spec %s -o %s/centre -q %s%s", HB_CLI, CENTRE, dir, CLI_CAT, res), 1);
    assert_int_equal(sh("test -s %s/centre/report.md && test -s %s/centre/report.html", dir, dir),
                     0);
    assert_int_equal(sh("%s -c 'import json,sys,jsonschema; "
                        "v=jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))); "
                        "e=list(v.iter_errors(json.load(open(sys.argv[2])))); "
                        "[print(list(x.path), x.message[:300]) for x in e[:10]]; "
                        "sys.exit(1 if e else 0)' %s %s/centre/report.json",
                        HB_PYTHON, HB_SOURCE_DIR "/results/schema/report-v1.schema.json", dir),
                     0);
    /* the examples are valid against the spec schema */
    assert_int_equal(sh("%s -c 'import json,sys,jsonschema; "
                        "v=jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))); "
                        "e=[x for f in sys.argv[2:] for x in v.iter_errors(json.load(open(f)))]; "
                        "[print(x.message[:300]) for x in e[:10]]; sys.exit(1 if e else 0)' "
                        "%s %s %s %s",
                        HB_PYTHON, HB_SOURCE_DIR "/results/schema/spec-v1.schema.json", CENTRE,
                        HB_SOURCE_DIR "/results/specs/single-node-example.json",
                        FIX "/specs/synthetic-pass.json"),
                     0);
    /* 0: every required clause passes (the spec names its catalog, relative to itself) */
    assert_int_equal(sh("%s report --spec %s -o %s/pass --lang en --no-builtin-catalog -q %s",
                        HB_CLI, FIX "/specs/synthetic-pass.json", dir, res),
                     0);
    /* 2: a malformed spec, naming file:line: field */
    assert_int_equal(sh("%s report --spec %s -o %s/bad %s 2> %s/err.txt", HB_CLI,
                        FIX "/specs/bad-min-negative.json", dir, RESULTS "/hpc-node01.json", dir),
                     2);
    assert_int_equal(sh("grep -q 'bad-min-negative.json:14: clauses\\[2\\].min' %s/err.txt", dir),
                     0);
    /* 2: every malformed spec, through the command, with its file:line: field */
    for (size_t i = 0; i < NSPEC_CASES; i++) {
        char want[512];
        snprintf(want, sizeof want, "%s/want.txt", dir);
        FILE *f = fopen(want, "w");
        assert_non_null(f);
        fprintf(f, "%s\n", spec_cases[i].where);
        fclose(f);
        int rc = sh("%s report --spec %s/specs/%s -o %s/bad %s 2> %s/err.txt", HB_CLI, FIX,
                    spec_cases[i].file, dir, RESULTS "/hpc-node01.json", dir);
        if (rc != 2 || sh("grep -q -F -f %s %s/err.txt", want, dir) != 0) {
            sh("cat %s/err.txt", dir);
            fail_msg("%s: exit %d, or the message lacks '%s'", spec_cases[i].file, rc,
                     spec_cases[i].where);
        }
    }
    /* 2: a result of schema 2.0 */
    assert_int_equal(sh("%s report --spec %s -o %s/bad %s %s %s 2> %s/err.txt", HB_CLI, CENTRE, dir,
                        CLI_CAT, RESULTS "/hpc-node01.json", RESULTS "/bad/future.json", dir),
                     2);
    assert_int_equal(sh("grep -q 'future.json.*2.0' %s/err.txt", dir), 0);
    /* 2: usage */
    assert_int_equal(sh("%s report -o %s/x %s 2>/dev/null", HB_CLI, dir, res), 2);
    assert_int_equal(sh("%s report --spec %s %s 2>/dev/null", HB_CLI, CENTRE, res), 2);
    assert_int_equal(sh("%s report --spec %s -o %s/x 2>/dev/null", HB_CLI, CENTRE, dir), 2);
    assert_int_equal(
        sh("%s report --spec %s -o %s/x --lang fr %s 2>/dev/null", HB_CLI, CENTRE, dir, res), 2);
    assert_int_equal(sh("%s report --help >/dev/null", HB_CLI), 0);
    /* 3: the output cannot be written (a file where the directory should be) */
    assert_int_equal(sh("touch %s/file && %s report --spec %s -o %s/file -q %s%s 2>/dev/null", dir,
                        HB_CLI, CENTRE, dir, CLI_CAT, res),
                     3);
    sh("rm -rf %s", dir);
}

/* The single-node example passes (exit 0) on a quick result of this machine. */
static void test_single_node_example(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-report-one-XXXXXX";
    assert_non_null(mkdtemp(dir));
    assert_int_equal(sh("%s run --kernel gemm,peak --precision f64,f16 --size 512 --min-time 0 "
                        "-q -o %s/r.json",
                        HB_CLI, dir),
                     0);
    int rc = sh("%s report --spec %s -o %s/rep %s/r.json", HB_CLI,
                HB_SOURCE_DIR "/results/specs/single-node-example.json", dir, dir);
    if (rc != 0) sh("cat %s/rep/report.md", dir);
    assert_int_equal(rc, 0);
    assert_int_equal(sh("%s -c 'import json,sys,jsonschema; "
                        "v=jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))); "
                        "e=list(v.iter_errors(json.load(open(sys.argv[2])))); "
                        "[print(list(x.path), x.message[:300]) for x in e[:10]]; "
                        "sys.exit(1 if e else 0)' %s %s/rep/report.json",
                        HB_PYTHON, HB_SOURCE_DIR "/results/schema/report-v1.schema.json", dir),
                     0);
    /* A result without the f16 measurements the spec asks for: the fp16 clause fails with
       its reason (the node type has no verified record), and the command must not crash on
       the way (it once did, on a Chinese message whose arguments were out of order). */
    assert_int_equal(sh("%s run --kernel gemm --precision f64 --size 128 --min-time 0 -q -o "
                        "%s/f64.json",
                        HB_CLI, dir),
                     0);
    rc = sh("%s report -q --spec %s -o %s/rep64 %s/f64.json", HB_CLI,
            HB_SOURCE_DIR "/results/specs/single-node-example.json", dir, dir);
    assert_int_equal(rc, 1);
    assert_int_equal(sh("grep -q '没有 f16' %s/rep64/report.md", dir), 0);
    sh("rm -rf %s", dir);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "single_node") == 0) {
        const struct CMUnitTest one[] = {cmocka_unit_test(test_single_node_example)};
        return cmocka_run_group_tests(one, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_t_table_and_bounds),
        cmocka_unit_test(test_path_line),
        cmocka_unit_test(test_spec_errors),
        cmocka_unit_test(test_spec_examples_and_defaults),
        cmocka_unit_test(test_centre_capacity),
        cmocka_unit_test(test_centre_suspects_inputs),
        cmocka_unit_test(test_centre_other_clauses),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_inventory_fallback_and_missing_log),
        cmocka_unit_test(test_lcb_without_median_ci),
        cmocka_unit_test(test_views_without_address_counted_once),
        cmocka_unit_test(test_cpu_views_with_result_inventory),
        cmocka_unit_test(test_implausible_rate_and_superseded),
        cmocka_unit_test(test_runs_of_one_host_merged),
        cmocka_unit_test(test_merged_outside_inventory),
        cmocka_unit_test(test_merge_unmeasured_record_keeps_older),
        cmocka_unit_test(test_merge_same_id_other_device),
        cmocka_unit_test(test_units_i8_and_stream_energy),
        cmocka_unit_test(test_efficiency_declared_peak_and_order),
        cmocka_unit_test(test_duplicate_clauses_one_figure),
        cmocka_unit_test(test_schema_version_form),
        cmocka_unit_test(test_long_utf8_texts),
        cmocka_unit_test(test_cli_exit_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
