/* hetbench — energy meters (internal interface).
 *
 * A meter yields cumulative energy over time for one scope. Two kinds:
 *   HB_METER_ENERGY  the source has an energy counter (RAPL powercap, perf power PMU, NVML total
 *                    energy, hwmon energyN_input): read() returns cumulative joules, already
 *                    unwrapped into a double by the driver (the core reads every energy meter at
 *                    least once a second from its sampler thread, so a 32-bit register cannot
 *                    wrap twice between two reads).
 *   HB_METER_POWER   the source gives instantaneous or averaged power (hwmon powerN_average /
 *                    powerN_input, IPMI DCMI, NVML power): read() returns watts; the core samples
 *                    it from a thread and integrates the samples with the trapezoid rule.
 * The core (meter.c) owns the sampler threads, the time series and the window arithmetic;
 * the drivers (meter_powercap.c, meter_perf_power.c, meter_hwmon.c, meter_nvml.c,
 * meter_ipmi.c) only discover and read. External meter logs (meter_log.c) are parsed into a
 * power series and integrated with the same arithmetic.
 */
#ifndef HB_METER_H
#define HB_METER_H

#include <stddef.h>
#include <stdint.h>

typedef enum hb__meter_scope {
    HB_SCOPE_CPU_PACKAGE = 0, /* CPU package(s): RAPL package zones, energy-pkg */
    HB_SCOPE_DRAM,            /* DRAM attached to the packages */
    HB_SCOPE_ACCEL_BOARD,     /* one accelerator board (NVML, amdgpu/Hygon DCU hwmon) */
    HB_SCOPE_NODE_AC,         /* the whole node at the wall (IPMI DCMI, ACPI power_meter, PDU) */
    HB_SCOPE_PSYS,            /* the platform/SoC (RAPL psys) */
} hb__meter_scope;

const char *hb__meter_scope_name(hb__meter_scope s); /* "cpu-package", "dram", ... */

typedef enum hb__meter_kind {
    HB_METER_ENERGY = 0, /* read() gives cumulative joules */
    HB_METER_POWER = 1,  /* read() gives watts */
} hb__meter_kind;

typedef struct hb__meter hb__meter;

typedef struct hb__meter_ops {
    /* One reading (joules or watts by kind). Returns 0, or -1 with the reason in err (a
       reading that fails mid-run makes that meter's figures null for the windows it touches,
       never a guessed value). Calls are serialised by the core (a lock per meter). */
    int (*read)(hb__meter *m, double *value, char *err, size_t errlen);
    /* Releases priv (may be NULL). */
    void (*close)(hb__meter *m);
} hb__meter_ops;

struct hb__meter {
    char name[64];    /* unique, e.g. "powercap:package", "nvml:0000:17:00.0", "ipmi-dcmi" */
    char source[32];  /* "powercap", "perf-power", "hwmon", "nvml", "ipmi-dcmi", "external-log" */
    char detail[256]; /* what exactly is read: zone names and files, events, command line */
    hb__meter_scope scope;
    hb__meter_kind kind;
    int in_band;         /* 1: on-chip/BMC sensor (not a calibrated meter); 0: external meter */
    double interval;     /* sampling interval the core uses, s (energy meters: ≤ 1 s) */
    double resolution;   /* update period of the source itself, s (RAPL ~0.001, NVML ~0.1) */
    double min_window;   /* shortest window giving a figure within ~1 % quantisation, s */
    int cheap;           /* read() costs < ~100 µs: the core reads it at every window boundary */
    char pci_bus_id[32]; /* accelerator-board: "dddd:bb:dd.f" lower case; otherwise "" */
    const hb__meter_ops *ops;
    void *priv;
};

/* What discovery found: meters that work, and sources that do not with the reason. */
typedef struct hb__meter_unavailable {
    char name[64];    /* source or meter name, e.g. "powercap", "nvml" */
    char reason[256]; /* e.g. "powercap energy_uj: permission denied, root only" */
} hb__meter_unavailable;

typedef struct hb__meter_list {
    hb__meter **v;
    size_t n, cap;
    hb__meter_unavailable *unavail;
    size_t nu, capu;
} hb__meter_list;

/* List helpers (meter.c). hb__meter_new returns a zeroed meter (NULL on no memory); add takes
   ownership. */
hb__meter *hb__meter_new(void);
int hb__meter_list_add(hb__meter_list *l, hb__meter *m);
void hb__meter_list_unavailable(hb__meter_list *l, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void hb__meter_list_free(hb__meter_list *l); /* closes and frees every meter */

/* Where discovery looks. Tests point the roots at fake trees under tests/fixtures/. */
typedef struct hb__meter_env {
    const char *sysfs_root;   /* "" = the real /sys; else a directory standing for /sys */
    const char *nvml_library; /* NULL = "libnvidia-ml.so.1" */
    const char *ipmi_command; /* NULL = auto (ipmitool, then ipmi-dcmi); "" = off; else a
                                 command line whose output is parsed as a DCMI power reading */
    const char *dev_root;     /* "" = the real /dev (IPMI device node check) */
} hb__meter_env;

/* Drivers: each appends what it finds to l; a source that is absent or unusable adds one
   "unavailable" line with the reason (never an error). */
void hb__meters_discover_powercap(const hb__meter_env *e, hb__meter_list *l);
void hb__meters_discover_perf_power(const hb__meter_env *e, hb__meter_list *l);
void hb__meters_discover_hwmon(const hb__meter_env *e, hb__meter_list *l);
void hb__meters_discover_nvml(const hb__meter_env *e, hb__meter_list *l);
void hb__meters_discover_ipmi(const hb__meter_env *e, hb__meter_list *l);

/* ---- parsers, exposed for the tests ---- */
/* Current power in watts from the text of `ipmitool dcmi power reading` or
   `ipmi-dcmi --get-system-power-statistics`. 0, or -1 with the reason. */
int hb__ipmi_parse_reading(const char *text, double *watts, char *err, size_t errlen);

/* ---- time series and the window arithmetic (meter.c) ---- */
/* Energy in [a, b] from a cumulative-energy series (t ascending, e in J): linear
   interpolation between the readings around a and around b (exact when a reading sits on the
   boundary). 0, or -1 when the series does not bracket [a, b]. */
int hb__series_energy_counter(const double *t, const double *e, size_t n, double a, double b,
                              double *joules);
/* Energy in [a, b] from power samples (t ascending, w in W): integral of the piecewise-linear
   power through the samples (trapezoid rule), with the power at a and b interpolated.
   0, or -1 when the series does not bracket [a, b]. */
int hb__series_energy_power(const double *t, const double *w, size_t n, double a, double b,
                            double *joules);

/* ---- external meter logs (meter_log.c) ---- */
/* A power series from a wall meter or PDU: CSV lines "timestamp,watts". The timestamp is
   Unix seconds (fractional allowed) or ISO 8601 ("2026-11-26T15:34:17.25Z", "+08:00" offsets,
   a space instead of 'T'); a header line and lines starting with '#' are skipped; times must
   increase. t[] is in Unix seconds (UTC). */
typedef struct hb__power_log {
    double *t, *w;
    size_t n, cap;
} hb__power_log;
#define HB_POWER_LOG_MAX_LINE 4096 /* bytes: longer lines mean it is not a meter log */
#define HB_POWER_LOG_MAX_WATTS 1e9 /* 1 GW: beyond any facility */
/* Parses the whole file (a regular file: a device or pipe is refused). On a malformed line:
   -1 with "FILE:LINE: field 'watts': ..." in err. */
int hb__power_log_load(const char *path, hb__power_log *log, char *err, size_t errlen);
/* Malformed lines skipped by a live reload. */
typedef struct hb__power_log_skips {
    size_t count;
    char first[320]; /* "FILE:LINE: field ...: ..." of the first */
} hb__power_log_skips;
/* The same for a log a logger is still writing (live = 1): a last line without its newline is
   left for the next reload, and malformed lines are skipped and counted in skips instead of
   failing the load. live = 0 is hb__power_log_load. */
int hb__power_log_load_live(const char *path, hb__power_log *log, int live,
                            hb__power_log_skips *skips, char *err, size_t errlen);
/* Parses one line (no newline). Returns 1 (sample), 0 (blank, comment or header allowed only
   when is_first_data is set), -1 (malformed: err names the field). */
int hb__power_log_parse_line(const char *line, int allow_header, double *t, double *w, char *err,
                             size_t errlen);
void hb__power_log_free(hb__power_log *log);

#endif
