/* hetbench — public library API: context, registry, runner, results. */
#ifndef HETBENCH_HETBENCH_H
#define HETBENCH_HETBENCH_H

#include <stdio.h>

#include "hetbench/kernel.h"
#include "hetbench/platform.h"
#include "hetbench/status.h"
#include "hetbench/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- context and registry ---- */
typedef struct hb_context hb_context;

/* Creates a context: registers the built-in kernels and platforms, then the plugins found on
   HETBENCH_PLUGIN_PATH (a plugin that fails to load is reported in `info`, not fatal). */
hb_status hb_context_create(hb_context **out, const hb_platform_config *cfg, char *err,
                            size_t errlen);
void hb_context_destroy(hb_context *ctx);

/* Registers a platform table (what the built-in platforms and plugins use). */
hb_status hb_register_platform(hb_context *ctx, const hb_platform *p, const char *origin, char *err,
                               size_t errlen);

size_t hb_kernel_count(void);
const hb_kernel *hb_kernel_at(size_t i);
const hb_kernel *hb_kernel_find(const char *name);

size_t hb_platform_count(const hb_context *ctx);
const hb_platform *hb_platform_at(const hb_context *ctx, size_t i);

size_t hb_device_count(const hb_context *ctx);
const hb_device *hb_device_at(const hb_context *ctx, size_t i);
/* Finds devices matching a selector: an exact id ("cpu:0"), a platform name ("cpu", all its
   devices) or a case-insensitive substring of the device name. Returns the number found
   (indices in out, at most max). */
size_t hb_device_select(const hb_context *ctx, const char *selector, size_t *out, size_t max);

/* Plugins that were found but rejected, as text lines (for `info`). */
size_t hb_plugin_problem_count(const hb_context *ctx);
const char *hb_plugin_problem_at(const hb_context *ctx, size_t i);

/* ---- statistics ---- */
typedef struct hb_stats {
    int n;
    double median, min, max, mean, stddev, cv;
    double ci_low, ci_high; /* 95 % confidence interval of the median (order statistics) */
    double ci_level;        /* achieved coverage (≥ 0.95 when n allows, else the best) */
} hb_stats;

hb_status hb_stats_compute(const double *samples, int n, hb_stats *out);
/* Repetitions for a minimum measured time: max(min_reps, ceil(min_time / t_once)), capped. */
int hb_calibrate_reps(double t_once, double min_time, int min_reps, int max_reps);

/* ---- runner ---- */
#define HB_IMPL_MASK_BASE 1
#define HB_IMPL_MASK_PEAK 2

typedef struct hb_run_options {
    hb_suite suite;
    const char *kernels;    /* comma list, NULL = all of the suite */
    const char *precisions; /* comma list, NULL = all */
    int impl_mask;          /* HB_IMPL_MASK_*; 0 = both */
    const char *devices;    /* comma list of selectors, NULL = all */
    hb_size size;           /* all zero = suite default */
    double min_time;        /* seconds per measurement (< 0 = suite default) */
    int min_reps;           /* ≥ 5 */
    int max_reps;
    int warmup; /* warm-up runs after the verification run */
    uint64_t seed;
    double mem_fraction; /* for memory-sized kernels (LU in node) */
    const char *output;  /* result file (NULL = none) */
    int progress;        /* progress on stderr */
    const char *command_line;
    int dry_run; /* print the plan (with sizes) to `table`, measure nothing */
    /* energy (DESIGN §4.5) and counters */
    const char *meters;          /* NULL = every meter source; "none"; or a comma list of
                                    powercap, perf-power, hwmon, nvml, ipmi-dcmi */
    const char *meter_log;       /* external meter log (CSV "timestamp,watts"), NULL = none */
    double meter_log_offset;     /* seconds added to the log's timestamps */
    const char *meter_log_scope; /* NULL = "node-ac" */
    double energy_window;        /* < 0: suite default; longest stretch of a timed window for the
                                    meters' resolution (s) */
    double idle_seconds;  /* < 0: suite default; idle baseline before the run (s), 0 = none */
    const char *counters; /* NULL = default set; "none" = off; else libpfm4 event names */
} hb_run_options;

void hb_run_options_default(hb_run_options *o, hb_suite suite);

typedef struct hb_run_summary {
    int total, ok, failed_verification, unsupported, skipped, error, interrupted;
} hb_run_summary;

/* Runs the measurements; writes the result file after every record (atomically).
   Returns HB_OK when it ran to the end (records may still carry failures: see summary),
   HB_E_INTERRUPTED after SIGINT/SIGTERM, HB_E_IO when the output cannot be written,
   HB_E_INVALID for bad options (message in err). A summary table goes to `table` if non-NULL. */
hb_status hb_run(hb_context *ctx, const hb_run_options *o, hb_run_summary *sum, FILE *table,
                 char *err, size_t errlen);

/* Installs SIGINT/SIGTERM handlers that make hb_run stop after the current repetition (the
   second signal exits at once; the result file on disk already marks the running record). */
void hb_install_signal_handlers(void);

/* Checks --meters / --counters values before a run (usage errors). */
hb_status hb_check_meter_sources(const char *meters, char *err, size_t errlen);
hb_status hb_check_counter_names(const char *names, char *err, size_t errlen);

/* ---- system description ---- */
/* The JSON text of the system (host, OS, kernel, CPU, topology, memory, compiler, libraries,
   devices). Caller frees with free(). */
char *hb_system_json(hb_context *ctx);
/* `info --json`: the system object plus "energy" (meters found and unavailable ones with the
   reason) and "counters" (software/hardware event sources). meters: as --meters (NULL = all).
   Caller frees with free(). */
char *hb_info_json(hb_context *ctx, const char *meters);
/* Human-readable `info` (with the energy meters and counter sources). */
void hb_print_info(hb_context *ctx, FILE *f);
void hb_print_info_meters(const char *meters, FILE *f);
/* `list`: kernels × variants × platforms/implementations. */
void hb_print_list(hb_context *ctx, FILE *f);

/* ---- catalog (docs/acceptance.md §1) ---- */
/* The catalog files (a vendor's additions and corrections, `--catalog FILE`) that this
   process's inventories use besides the built-in catalog: the `system.inventory` of `info`
   and of result files. Process-wide; each call replaces the previous list (n = 0: built-in
   only). Every file, and the built-in catalog, is read and checked now: HB_E_INVALID with
   "FILE:LINE: FIELD: what is wrong" in err. */
hb_status hb_set_catalog_files(const char *const *files, size_t n, char *err, size_t errlen);

/* ---- results ---- */
/* Loads and checks a result file. On error, err says file, line (for syntax errors) and field. */
hb_status hb_result_check_file(const char *path, char *err, size_t errlen);
/* Checks a result file, then prints its system line and its records as the summary table. */
hb_status hb_result_print(const char *path, FILE *f, char *err, size_t errlen);

/* ---- acceptance reports (docs/acceptance.md §3–5) ---- */
typedef struct hb_report_options {
    const char *spec;            /* the spec file */
    const char *output_dir;      /* report.json, report.md and report.html go here (created) */
    const char *lang;            /* "zh", "en" or "both" (NULL = both): report.md and .html */
    const char *const *catalogs; /* catalog files added to the built-in ones (--catalog) */
    size_t n_catalogs;
    int no_builtin_catalog;     /* 1: only the spec's and the given catalog files (tests) */
    const char *const *results; /* result files, one or more */
    size_t n_results;
    FILE *summary; /* when non-NULL: the verdict of every clause, one line each */
} hb_report_options;

typedef struct hb_report_summary {
    int pass, fail, not_measurable; /* clauses by verdict */
    int required_unmet;             /* required clauses that failed or were not measurable */
} hb_report_summary;

/* Evaluates result files against a spec and writes the report. HB_OK when the report was
   written (sum->required_unmet > 0: the acceptance is not met); HB_E_INVALID for bad input (a
   malformed spec, catalog, result or meter log: err names the file, line and field); HB_E_IO
   when the report cannot be written. */
hb_status hb_report(const hb_report_options *o, hb_report_summary *sum, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif
#endif
