/* hetbench — acceptance specs, evaluation of results against a spec, and the report
 * renderings. Formats and rules: docs/acceptance.md §3–5. */
#ifndef HB_REPORT_H
#define HB_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "hetbench/status.h"

struct hb__catalog;

/* ---- spec.c: loading and checking a spec (docs/acceptance.md §3) ----
   Reads and checks the whole file (JSON_REJECT_DUPLICATES, every field, unknown fields
   rejected). On success returns the document with the defaults filled in (clause "required"
   true, "outliers.k" 3, capacity "kernels" ["gemm", "lu"], efficiency "against"
   ["rated", "attainable"], "node_types" lists of every id); NULL on bad input with
   "FILE:LINE: PATH: what is wrong" in err (HB_E_IO-like problems: "FILE: reason"). */
json_t *hb__spec_load(const char *path, char *err, size_t n);
/* The line (1-based) where the value at `path` (e.g. "clauses[2].min") starts in the JSON
   text, or of its nearest enclosing value; 0 when the text is not JSON. Exposed for tests. */
int hb__json_path_line(const char *text, const char *path);
/* Native precision of a node role: hpc f64, ai f16, general f32. NULL for an unknown role. */
const char *hb__role_precision(const char *role);

/* After a truncated snprintf: drops a UTF-8 sequence cut at the end of s. Every text of the
   acceptance code (inventory.c, report*.c) goes into JSON, which must be valid UTF-8: jansson
   refuses the string otherwise and the text is lost. Defined in report.c. */
void hb__utf8_cut(char *s);
/* snprintf whose truncated result is cut on a character boundary (hb__utf8_cut). */
void hb__sfmt(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- report.c: evaluation (docs/acceptance.md §4) ---- */
/* One-sided 95 % Student t quantile t(0.95, df); df ≥ 1 (beyond 30: the normal 1.645). */
double hb__t95(int df);
/* The lower confidence bound of the mean of n ≥ 2 values: mean − t(0.95, n−1)·s/√n. */
double hb__lcb_mean(const double *v, int n);
/* Median and median absolute deviation (unscaled) of n ≥ 1 values. */
void hb__median_mad(const double *v, int n, double *median, double *mad);

/* Evaluates results against a loaded spec. spec_path locates the spec's relative files (logs,
   catalogs). catalog: the report's catalog (built-in files, the spec's and --catalog files).
   Returns the report.json object (docs §5); NULL with err ("FILE: ..." naming the input) on
   bad input — a result that cannot be read or checked, another major schema version, a meter
   log that is malformed. */
json_t *hb__report_evaluate(const json_t *spec, const char *spec_path,
                            const struct hb__catalog *catalog, const char *const *results,
                            size_t nresults, char *err, size_t n);
/* Writes report.json, report.md and report.html into dir (created when missing), each
   atomically (temporary file + rename). lang: "zh", "en" or "both". HB_E_IO on failure. */
hb_status hb__report_write_all(const json_t *report, const char *dir, const char *lang, char *err,
                               size_t n);

/* ---- renderers (report_md.c, report_html.c): take the report.json object only ----
   lang: "zh", "en" or "both" (Chinese then English, anchors #zh and #en).
   Return HB_OK, or HB_E_IO when the stream fails. */
hb_status hb__report_write_md(const json_t *report, const char *lang, FILE *f);
hb_status hb__report_write_html(const json_t *report, const char *lang, FILE *f);

#endif
