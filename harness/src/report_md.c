/* placeholder (being written) */
#include "internal.h"
#include "report.h"

hb_status hb__report_write_md(const json_t *report, const char *lang, FILE *f) {
    (void)report, (void)lang;
    return fputs("(report rendering not written yet)\n", f) < 0 ? HB_E_IO : HB_OK;
}
