/* hetbench — NVML, IPMI DCMI and external-log meters: declarations beyond meter.h that the
 * tests need. */
#ifndef HB_METER_REMOTE_H
#define HB_METER_REMOTE_H

#include <stddef.h>

/* Time limit in seconds for one run of the IPMI command (discovery's trial reading and every
   read()): a BMC that stops answering must not hang the sampler thread. Default 10; tests
   lower it to check the limit without waiting. */
extern double hb__ipmi_timeout_s;

/* Timestamp field of a meter log (Unix seconds or ISO 8601) as Unix seconds, UTC.
   0, or -1 with the reason (without the field name) in err. */
int hb__power_log_parse_time(const char *s, double *t, char *err, size_t errlen);

#endif
