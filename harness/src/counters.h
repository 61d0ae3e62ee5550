/* hetbench — per-measurement counters through libpfm4 + perf_event_open (internal interface).
 *
 * Software events (task clock, page faults, context switches, CPU migrations) are always
 * asked for; hardware events (cycles, instructions, and the PMU's floating-point events where
 * libpfm4 knows them) when the machine has them. `--counters` replaces the hardware set with
 * the user's libpfm4 event names. An event that cannot be counted here is null with the
 * reason ("perf_event_open: No such file or directory: no hardware PMU (a VM?)").
 *
 * Counting covers every thread of the process that exists when the set is opened (the
 * OpenMP workers are created by the verification run, before timing) except hetbench's own
 * sampler threads (named "hb-meter*"), and threads created later (inherit). Counts are
 * scaled when the kernel multiplexed them (time_enabled / time_running), and the record says
 * so.
 */
#ifndef HB_COUNTERS_H
#define HB_COUNTERS_H

#include <stddef.h>

struct json_t;
typedef struct hb__counters hb__counters;

/* Checks the event names (comma list; NULL = the default hardware set) with libpfm4 without
   opening anything: an unknown name is a usage error (HB_E_INVALID, err names the event and
   says libpfm4's reason). Used by the CLI before a run starts. */
int hb__counters_check_names(const char *names, char *err, size_t errlen);

/* Opens the counter set for the calling process (all current threads but the sampler
   threads). Never fails for an event that merely cannot be counted here: that event is kept
   with its reason. Returns NULL only on no memory. Events start disabled. */
hb__counters *hb__counters_open(const char *names);
/* Zero all counts. */
void hb__counters_reset(hb__counters *c);
/* Enable / disable counting (around each counted window, in a pass after the timed one; one ioctl
   per thread and group). */
void hb__counters_begin(hb__counters *c);
void hb__counters_end(hb__counters *c);
/* The record's "counters" object:
   {"events": [{"name", "kind": "software"|"hardware", "value": number|null, "scaled": bool,
                "running_fraction": number|null, "unit", "reason": string}], "threads": N, "note":
   "..."} */
struct json_t *hb__counters_json(const hb__counters *c);
void hb__counters_close(hb__counters *c);

/* For `info`: one line per source ("software events: available", "hardware events:
   unavailable: ...", PMU names libpfm4 detected), as a JSON array of
   {"name", "available", "reason"}. */
struct json_t *hb__counters_info_json(void);

#endif
