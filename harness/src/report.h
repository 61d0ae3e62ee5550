/* hetbench — acceptance specs, evaluation of results against a spec, and the report
 * renderings. Formats and rules: docs/acceptance.md §3–5. */
#ifndef HB_REPORT_H
#define HB_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "hetbench/status.h"

/* ---- renderers (report_md.c, report_html.c): take the report.json object only ----
   lang: "zh", "en" or "both" (Chinese then English, anchors #zh and #en).
   Return HB_OK, or HB_E_IO when the stream fails. */
hb_status hb__report_write_md(const json_t *report, const char *lang, FILE *f);
hb_status hb__report_write_html(const json_t *report, const char *lang, FILE *f);

#endif
