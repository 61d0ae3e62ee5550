/* hetbench — RAPL energy through the perf `power` PMU (/sys/bus/event_source/devices/power).
 *
 * The same RAPL counters as powercap, but readable without root where perf_event_paranoid ≤ 0
 * or with CAP_PERFMON, and extended to 64 bits by the kernel (no wrap handling here). One
 * counting event per CPU of the PMU's cpumask (one CPU per package); a reading is the sum of
 * the counts since discovery × the event's scale (J per count). energy-pkg, energy-ram and
 * energy-psys become meters; energy-cores and energy-gpu are parts of the package: skipped. */
#include <dirent.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "meter.h"
#include "meter_sysfs.h"

/* ---- sysfs parsing ---- */

int hb__parse_cpulist(const char *s, int **cpus, size_t *n) {
    int *v = NULL;
    size_t nv = 0, cap = 0;
    const char *p = s;
    while (*p == ' ' || *p == '\n') p++;
    if (!*p) goto bad;
    while (*p) {
        char *end;
        if (*p < '0' || *p > '9') goto bad;
        long a = strtol(p, &end, 10), b = a;
        p = end;
        if (*p == '-') {
            p++;
            if (*p < '0' || *p > '9') goto bad;
            b = strtol(p, &end, 10);
            p = end;
        }
        if (a < 0 || b < a || b > 1 << 20) goto bad; /* far above any CPU count */
        for (long c = a; c <= b; c++) {
            if (nv == cap) {
                size_t nc = cap ? 2 * cap : 8;
                int *nvp = realloc(v, nc * sizeof *nvp);
                if (!nvp) goto bad;
                v = nvp, cap = nc;
            }
            v[nv++] = (int)c;
        }
        if (*p == ',') {
            p++;
            if (*p < '0' || *p > '9') goto bad; /* "1," or "1,,2" */
        } else if (*p == '\n' || *p == ' ') {
            while (*p == '\n' || *p == ' ') p++;
            if (*p) goto bad;
        } else if (*p)
            goto bad;
    }
    *cpus = v, *n = nv;
    return 0;
bad:
    free(v);
    return -1;
}

/* "event=0x02" (the power PMU's only format term; the kernel also accepts "event=2"). */
static int parse_event_code(const char *s, uint64_t *config) {
    if (strncmp(s, "event=", 6) != 0) return -1;
    const char *p = s + 6;
    if (*p < '0' || *p > '9') return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 0);
    if (errno || end == p || *end) return -1;
    *config = v;
    return 0;
}

static void parse_event(const char *evdir, const char *name, hb__perf_power_event *ev) {
    char path[4096], text[128];
    memset(ev, 0, sizeof *ev);
    char nm[sizeof ev->name]; /* local copies: snprintf into ev must not read from ev */
    snprintf(nm, sizeof nm, "%.31s", name); /* length checked by the caller */
    memcpy(ev->name, nm, sizeof nm);
    if (hb__sysfs_path(path, sizeof path, "%s/%s", evdir, nm) != 0 ||
        hb__sysfs_read_text(path, text, sizeof text) != 0 ||
        parse_event_code(text, &ev->config) != 0) {
        snprintf(ev->problem, sizeof ev->problem, "events/%s unreadable or not \"event=0x..\"", nm);
        return;
    }
    if (hb__sysfs_path(path, sizeof path, "%s/%s.scale", evdir, nm) != 0 ||
        hb__sysfs_read_text(path, text, sizeof text) != 0) {
        snprintf(ev->problem, sizeof ev->problem, "no events/%s.scale", nm);
        return;
    }
    char *end;
    ev->scale = strtod(text, &end);
    if (end == text || *end || !(ev->scale > 0 && ev->scale < 1e300)) { /* no NaN, inf */
        snprintf(ev->problem, sizeof ev->problem, "events/%s.scale not a positive number", nm);
        return;
    }
    /* the kernel has always written "Joules" here; without the file, take that */
    if (hb__sysfs_path(path, sizeof path, "%s/%s.unit", evdir, nm) == 0 &&
        hb__sysfs_read_text(path, text, sizeof text) == 0)
        snprintf(ev->unit, sizeof ev->unit, "%.15s", text);
    else
        snprintf(ev->unit, sizeof ev->unit, "Joules");
    if (strcmp(ev->unit, "Joules") != 0) {
        snprintf(ev->problem, sizeof ev->problem, "events/%s.unit is \"%.15s\", not Joules", nm,
                 text);
        return;
    }
    ev->usable = 1;
}

static int ev_cmp(const void *a, const void *b) {
    return strcmp(((const hb__perf_power_event *)a)->name, ((const hb__perf_power_event *)b)->name);
}

int hb__perf_power_parse(const char *sysfs_root, hb__perf_power_pmu *p, char *err, size_t errlen) {
    char dir[4096], path[4096], text[4096], eb[128];
    const char *root = (sysfs_root && sysfs_root[0]) ? sysfs_root : "/sys";
    memset(p, 0, sizeof *p);
    if (hb__sysfs_path(dir, sizeof dir, "%s/bus/event_source/devices/power", root) != 0) {
        snprintf(err, errlen, "sysfs root path too long");
        return -1;
    }
    if (hb__sysfs_path(path, sizeof path, "%s/type", dir) != 0 ||
        hb__sysfs_read_text(path, text, sizeof text) != 0) {
        if (errno == ENOENT)
            snprintf(err, errlen,
                     "no power PMU (%s absent: kernel without the RAPL perf driver, a CPU "
                     "without RAPL, or a VM)",
                     dir);
        else
            snprintf(err, errlen, "%s/type: %s", dir, hb__sysfs_strerror(errno, eb, sizeof eb));
        return -1;
    }
    uint64_t type;
    if (hb__sysfs_parse_u64(text, &type) != 0 || type > UINT32_MAX) {
        snprintf(err, errlen, "%s/type: not a PMU type number: \"%.32s\"", dir, text);
        return -1;
    }
    p->type = (uint32_t)type;
    if (hb__sysfs_path(path, sizeof path, "%s/cpumask", dir) != 0 ||
        hb__sysfs_read_text(path, text, sizeof text) != 0) {
        snprintf(err, errlen, "%s/cpumask: %s", dir, hb__sysfs_strerror(errno, eb, sizeof eb));
        return -1;
    }
    if (hb__parse_cpulist(text, &p->cpus, &p->ncpus) != 0) {
        snprintf(err, errlen, "%s/cpumask: not a CPU list: \"%.32s\"", dir, text);
        return -1;
    }
    char evdir[4096];
    if (hb__sysfs_path(evdir, sizeof evdir, "%s/events", dir) != 0) {
        snprintf(err, errlen, "sysfs root path too long");
        hb__perf_power_pmu_free(p);
        return -1;
    }
    DIR *d = opendir(evdir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL && p->nev < sizeof p->ev / sizeof p->ev[0]) {
            /* the event files themselves, not their .scale/.unit companions */
            if (strncmp(de->d_name, "energy-", 7) != 0 || strchr(de->d_name, '.') ||
                strlen(de->d_name) >= sizeof p->ev[0].name)
                continue;
            parse_event(evdir, de->d_name, &p->ev[p->nev++]);
        }
        closedir(d);
        qsort(p->ev, p->nev, sizeof p->ev[0], ev_cmp);
    }
    return 0;
}

void hb__perf_power_pmu_free(hb__perf_power_pmu *p) {
    free(p->cpus);
    p->cpus = NULL;
    p->ncpus = 0;
}

/* ---- the meter ---- */

typedef struct pp_priv {
    double scale;
    size_t n;
    struct {
        int fd;
        int cpu;
        uint64_t first; /* count at discovery */
    } c[];
} pp_priv;

static int read_count(int fd, uint64_t *v) {
    ssize_t r;
    do r = read(fd, v, sizeof *v);
    while (r < 0 && errno == EINTR);
    if (r == (ssize_t)sizeof *v) return 0;
    if (r >= 0) errno = EIO; /* short read */
    return -1;
}

static int pp_read(hb__meter *m, double *value, char *err, size_t errlen) {
    pp_priv *p = m->priv;
    uint64_t sum = 0;
    for (size_t i = 0; i < p->n; i++) {
        uint64_t v;
        if (read_count(p->c[i].fd, &v) != 0) {
            char eb[128];
            snprintf(err, errlen, "%s: read (cpu %d): %s", m->name, p->c[i].cpu,
                     hb__sysfs_strerror(errno, eb, sizeof eb));
            return -1;
        }
        sum += v - p->c[i].first; /* 64-bit counts: no wrap in practice */
    }
    *value = (double)sum * p->scale;
    return 0;
}

static void pp_close(hb__meter *m) {
    pp_priv *p = m->priv;
    if (!p) return;
    for (size_t i = 0; i < p->n; i++)
        if (p->c[i].fd >= 0) close(p->c[i].fd);
    free(p);
    m->priv = NULL;
}

static const hb__meter_ops pp_ops = {pp_read, pp_close};

static const struct {
    const char *event;
    hb__meter_scope scope;
} wanted[] = {
    {"energy-pkg", HB_SCOPE_CPU_PACKAGE},
    {"energy-ram", HB_SCOPE_DRAM},
    {"energy-psys", HB_SCOPE_PSYS},
};

static const char *hint_for(int err) {
    switch (err) {
    case EACCES:
    case EPERM:
        return "needs perf_event_paranoid ≤ 0, CAP_PERFMON or root";
    case ENOENT:
    case EINVAL:
        return "the kernel does not know this PMU type or event (stale sysfs?)";
    case ENODEV:
        return "the CPU of cpumask is offline";
    case ENOSYS:
        return "perf_event_open blocked (seccomp in a container?) or not built in";
    default:
        return "needs perf_event_paranoid ≤ 0, CAP_PERFMON or root";
    }
}

/* Opens one event on every CPU of the mask. NULL with the reason in why. */
static hb__meter *open_meter(const hb__perf_power_pmu *pmu, const hb__perf_power_event *ev,
                             hb__meter_scope scope, const char *skipped, char *why, size_t whylen) {
    pp_priv *p = calloc(1, sizeof *p + pmu->ncpus * sizeof p->c[0]);
    if (!p) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    p->scale = ev->scale;
    for (size_t i = 0; i < pmu->ncpus; i++) {
        struct perf_event_attr attr;
        memset(&attr, 0, sizeof attr);
        attr.type = pmu->type;
        attr.size = sizeof attr;
        attr.config = ev->config;
        attr.sample_period = 0; /* counting, not sampling */
        attr.disabled = 0;      /* counts from the open on */
        int cpu = pmu->cpus[i];
        long fd = syscall(SYS_perf_event_open, &attr, -1 /* any task */, cpu, -1 /* no group */,
                          (unsigned long)PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
            int en = errno;
            char eb[128];
            snprintf(why, whylen,
                     "perf_event_open(power/%s, type %u, config 0x%llx, cpu %d): %s; %s", ev->name,
                     (unsigned)pmu->type, (unsigned long long)ev->config, cpu,
                     hb__sysfs_strerror(en, eb, sizeof eb), hint_for(en));
            goto fail;
        }
        p->c[p->n].fd = (int)fd;
        p->c[p->n].cpu = cpu;
        p->n++;
        if (read_count((int)fd, &p->c[p->n - 1].first) != 0) {
            char eb[128];
            snprintf(why, whylen, "power/%s: read (cpu %d): %s", ev->name, cpu,
                     hb__sysfs_strerror(errno, eb, sizeof eb));
            goto fail;
        }
    }
    hb__meter *m = hb__meter_new();
    if (!m) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    snprintf(m->name, sizeof m->name, "perf-power:%s", ev->name);
    snprintf(m->source, sizeof m->source, "perf-power");
    hb__sysfs_append(m->detail, sizeof m->detail,
                     "perf_event_open type %u (power) config 0x%llx (%s) × %.17g J on cpu",
                     (unsigned)pmu->type, (unsigned long long)ev->config, ev->name, ev->scale);
    for (size_t i = 0; i < pmu->ncpus; i++)
        hb__sysfs_append(m->detail, sizeof m->detail, "%s%d", i ? "," : " ", pmu->cpus[i]);
    if (pmu->ncpus > 1) hb__sysfs_append(m->detail, sizeof m->detail, " summed");
    if (skipped[0])
        hb__sysfs_append(m->detail, sizeof m->detail, "; skipped (inside the package): %s",
                         skipped);
    m->scope = scope;
    m->kind = HB_METER_ENERGY;
    m->in_band = 1;
    m->interval = 1.0; /* 64-bit counts: no wrap to outrun */
    m->resolution = 0.001;
    m->min_window = 0.1;
    m->cheap = 1;
    m->ops = &pp_ops;
    m->priv = p;
    return m;
fail:
    for (size_t i = 0; i < p->n; i++) close(p->c[i].fd);
    free(p);
    return NULL;
}

void hb__meters_discover_perf_power(const hb__meter_env *e, hb__meter_list *l) {
    hb__perf_power_pmu pmu;
    char err[256];
    if (hb__perf_power_parse(hb__sysfs_root(e), &pmu, err, sizeof err) != 0) {
        hb__meter_list_unavailable(l, "perf-power", "%s", err);
        return;
    }
    if (pmu.ncpus == 0) {
        hb__meter_list_unavailable(l, "perf-power", "power PMU with an empty cpumask");
        hb__perf_power_pmu_free(&pmu);
        return;
    }
    char skipped[96] = "";
    for (size_t i = 0; i < pmu.nev; i++)
        if (strcmp(pmu.ev[i].name, "energy-cores") == 0 ||
            strcmp(pmu.ev[i].name, "energy-gpu") == 0)
            hb__sysfs_append(skipped, sizeof skipped, "%s%s", skipped[0] ? ", " : "",
                             pmu.ev[i].name);

    /* As for powercap: one line for the source when nothing works, else one per failed meter. */
    enum { NW = sizeof wanted / sizeof wanted[0] };
    char why[NW][256];
    int failed[NW] = {0}, made = 0, nfail = 0, present = 0;
    for (size_t w = 0; w < NW; w++) {
        const hb__perf_power_event *ev = NULL;
        for (size_t i = 0; i < pmu.nev; i++)
            if (strcmp(pmu.ev[i].name, wanted[w].event) == 0) ev = &pmu.ev[i];
        if (!ev) continue;
        present++;
        hb__meter *m = NULL;
        if (!ev->usable)
            snprintf(why[w], sizeof why[w], "power PMU: %s", ev->problem);
        else
            m = open_meter(&pmu, ev, wanted[w].scope, w == 0 ? skipped : "", why[w], sizeof why[w]);
        if (m) {
            if (hb__meter_list_add(l, m) == 0) made++;
        } else {
            failed[w] = 1, nfail++;
        }
    }
    if (present == 0) {
        if (skipped[0])
            hb__meter_list_unavailable(
                l, "perf-power",
                "power PMU without energy-pkg, energy-ram or energy-psys (only %s)", skipped);
        else
            hb__meter_list_unavailable(l, "perf-power",
                                       "power PMU without energy-pkg, energy-ram or energy-psys");
    } else if (made == 0) {
        for (size_t w = 0; w < NW; w++)
            if (failed[w]) {
                hb__meter_list_unavailable(l, "perf-power", "%s", why[w]);
                break;
            }
    } else {
        for (size_t w = 0; w < NW; w++)
            if (failed[w]) {
                char name[64];
                snprintf(name, sizeof name, "perf-power:%s", wanted[w].event);
                hb__meter_list_unavailable(l, name, "%s", why[w]);
            }
    }
    hb__perf_power_pmu_free(&pmu);
}
