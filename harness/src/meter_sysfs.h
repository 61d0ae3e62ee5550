/* hetbench — sysfs energy meters (powercap, perf power PMU, hwmon): small shared helpers and
 * the parsers exposed for the tests. Internal; see meter.h for the meter interface. */
#ifndef HB_METER_SYSFS_H
#define HB_METER_SYSFS_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "meter.h"

/* ---- helpers shared by the three drivers (static inline: no new translation unit) ---- */

/* The directory standing for /sys: "" or NULL means the real one. */
static inline const char *hb__sysfs_root(const hb__meter_env *e) {
    return (e && e->sysfs_root && e->sysfs_root[0]) ? e->sysfs_root : "/sys";
}

/* snprintf into a path buffer; -1 when it does not fit (a truncated path must not be opened). */
static inline int hb__sysfs_path(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline int hb__sysfs_path(char *buf, size_t len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/* strerror that is safe from several threads (read() runs in sampler threads). */
static inline const char *hb__sysfs_strerror(int err, char *buf, size_t len) {
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
    return strerror_r(err, buf, len);
#else
    if (strerror_r(err, buf, len) != 0) snprintf(buf, len, "error %d", err);
    return buf;
#endif
}

/* Reads a whole small file (sysfs attributes are < 4 KiB) into buf, NUL-terminated, with the
   trailing newline and spaces removed. 0, or -1 with errno set (EISDIR, ENOENT, EACCES...). */
static inline int hb__sysfs_read_text(const char *path, char *buf, size_t len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    size_t got = 0;
    while (got + 1 < len) {
        ssize_t r = read(fd, buf + got, len - 1 - got);
        if (r < 0) {
            if (errno == EINTR) continue;
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    while (got > 0 && (buf[got - 1] == '\n' || buf[got - 1] == ' ' || buf[got - 1] == '\t'))
        buf[--got] = '\0';
    return 0;
}

/* Parses an unsigned decimal sysfs value ("123456\n"): digits only, then optional whitespace.
   Rejects a sign, an empty value and anything above UINT64_MAX. 0 or -1. */
static inline int hb__sysfs_parse_u64(const char *s, uint64_t *v) {
    uint64_t x = 0;
    const char *p = s;
    if (*p < '0' || *p > '9') return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (x > (UINT64_MAX - d) / 10) return -1;
        x = x * 10 + d;
    }
    while (*p == '\n' || *p == ' ' || *p == '\t') p++;
    if (*p) return -1;
    *v = x;
    return 0;
}

/* pread of a kept-open sysfs attribute at offset 0 (kernfs regenerates the value on every read
   from offset 0, so one open file serves all readings) parsed as unsigned decimal.
   0, or -1 with the reason in err. */
static inline int hb__sysfs_pread_u64(int fd, const char *what, uint64_t *v, char *err,
                                      size_t errlen) {
    char buf[64], eb[128];
    ssize_t r;
    do r = pread(fd, buf, sizeof buf - 1, 0);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        snprintf(err, errlen, "%s: read: %s", what, hb__sysfs_strerror(errno, eb, sizeof eb));
        return -1;
    }
    buf[r] = '\0';
    if (hb__sysfs_parse_u64(buf, v) != 0) {
        buf[strcspn(buf, "\n")] = '\0';
        snprintf(err, errlen, "%s: not an unsigned integer: \"%.32s\"", what, buf);
        return -1;
    }
    return 0;
}

/* Appends printf text to a fixed buffer, keeping what fits (for the meters' detail field). */
static inline void hb__sysfs_append(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void hb__sysfs_append(char *buf, size_t len, const char *fmt, ...) {
    size_t used = strlen(buf);
    if (used + 1 >= len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* ---- powercap (meter_powercap.c) ---- */

/* Energy (µJ) between two readings e0 then e1 of a RAPL counter that counts up to range and
   wraps to 0: d = e1 >= e0 ? e1 - e0 : e1 + (range - e0). */
uint64_t hb__rapl_delta(uint64_t e0, uint64_t e1, uint64_t range);

/* ---- perf power PMU (meter_perf_power.c) ---- */

typedef struct hb__perf_power_event {
    char name[32];    /* "energy-pkg", "energy-ram", "energy-psys", "energy-cores", ... */
    uint64_t config;  /* the "event=0x.." code → attr.config */
    double scale;     /* joules per count, from <name>.scale */
    char unit[16];    /* from <name>.unit: "Joules" */
    int usable;       /* 1: code, scale and unit parsed, unit in joules */
    char problem[96]; /* why not usable */
} hb__perf_power_event;

typedef struct hb__perf_power_pmu {
    uint32_t type; /* attr.type */
    int *cpus;     /* the CPUs of cpumask, one per package */
    size_t ncpus;
    hb__perf_power_event ev[16];
    size_t nev;
} hb__perf_power_pmu;

/* Parses a cpulist ("0", "0,28", "0-3,8"): *cpus is malloc'ed (free it). 0 or -1. */
int hb__parse_cpulist(const char *s, int **cpus, size_t *n);
/* Reads <root>/bus/event_source/devices/power: type, cpumask and the energy-* events.
   0, or -1 with the reason in err (absent PMU, unreadable or malformed type/cpumask).
   On 0, free with hb__perf_power_pmu_free. */
int hb__perf_power_parse(const char *sysfs_root, hb__perf_power_pmu *p, char *err, size_t errlen);
void hb__perf_power_pmu_free(hb__perf_power_pmu *p);

/* ---- hwmon (meter_hwmon.c) ---- */

/* Normalises a PCI address ("0000:C3:00.0", "03:00.0") to lower-case "dddd:bb:dd.f".
   0, or -1 when it is not one. */
int hb__pci_bus_id_normalise(const char *in, char *out, size_t outlen);

#endif
