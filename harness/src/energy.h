/* hetbench — energy over measurement windows (internal interface).
 *
 * One hb__energy per run: the meters discovered (meter.h drivers), one sampler thread per
 * meter, a time series per meter, and optionally an external meter's log. For each
 * measurement the runner opens a measurement, marks every timed window (cheap meters are read
 * right before and right after it), and asks for the record's "energy" object: per meter the
 * joules over exactly the timed windows, average watts and operations per joule, and a
 * headline from the narrowest meter whose scope covers the device.
 */
#ifndef HB_ENERGY_H
#define HB_ENERGY_H

#include <signal.h>

#include "hetbench/hetbench.h"
#include "meter.h"

struct json_t;
typedef struct hb__energy hb__energy;

typedef struct hb__energy_config {
    hb__meter_env env;           /* discovery roots (tests), see meter.h */
    const char *sources;         /* NULL = every source; "none" = no meters; else a comma list of
                                    powercap, perf-power, hwmon, nvml, ipmi-dcmi */
    const char *meter_log;       /* external meter log (CSV), or NULL */
    double meter_log_offset;     /* seconds added to the log's timestamps (its clock's skew) */
    const char *meter_log_scope; /* scope of the external meter: "node-ac" (default) ... */
    hb__meter_list *extra;       /* tests: meters added after discovery (ownership moves) */
} hb__energy_config;

/* The environment overrides (HETBENCH_SYSFS_ROOT, HETBENCH_DEV_ROOT, HETBENCH_NVML_LIBRARY,
   HETBENCH_IPMI_COMMAND) applied to a config. */
void hb__energy_env_from_environment(hb__meter_env *env);
/* Checks a --meters list. 0, or -1 with the message. */
int hb__energy_check_sources(const char *sources, char *err, size_t errlen);

/* Discovers the meters and starts their sampler threads. HB_E_INVALID (err names the file
   and line) when the external meter log is malformed or unreadable. A machine without any
   meter gives a valid hb__energy with no meters. */
hb_status hb__energy_create(const hb__energy_config *c, hb__energy **out, char *err, size_t errlen);
void hb__energy_destroy(hb__energy *E);
/* The runner's signal counter: the idle baseline and the waits for slow meters and logs end
   early once it is non-zero. */
void hb__energy_set_stop_flag(hb__energy *E, volatile sig_atomic_t *flag);
size_t hb__energy_meter_count(const hb__energy *E);

/* {"meters": [...], "unavailable": [...], "external_log": ...} for results and `info`. */
struct json_t *hb__energy_sources_json(const hb__energy *E);
/* `info`: discovers, describes, closes (no sampler threads). */
struct json_t *hb__energy_info_json(const hb__energy_config *c);

/* The idle baseline: samples `seconds` with nothing running; per meter average watts. */
struct json_t *hb__energy_idle(hb__energy *E, double seconds);

/* ---- one measurement ---- */
/* Starts a measurement on dev: trims the series, notes which meters cover the device. */
void hb__energy_measure_begin(hb__energy *E, const hb_device *dev);
/* The window length the covering meters need for their resolution, capped at `cap`. */
double hb__energy_needed_window(const hb__energy *E, double cap);
/* Read the cheap meters (just before a timed window starts / just after it ends). */
void hb__energy_mark(hb__energy *E);
/* The same, skipping a meter whose newest reading is younger than its update period: for
   per-repetition windows, whose repetitions can be microseconds. */
void hb__energy_mark_if_stale(hb__energy *E);
/* Adds one timed window [t0, t1] (CLOCK_MONOTONIC seconds, hb__now) covering `reps` runs. */
void hb__energy_add_window(hb__energy *E, double t0, double t1, int reps);
/* The record's energy object for `ops` operations per run (in the rate's basis) and the rate
   unit ("GFLOP/s" → "GFLOP/J"). Waits (≤ 2 sampling intervals) for slow meters to have a
   sample after the last window. */
struct json_t *hb__energy_measure_end(hb__energy *E, double ops_per_run, const char *rate_unit,
                                      double required_window);

#endif
