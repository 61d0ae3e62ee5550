/* hetbench — RAPL energy through the powercap sysfs class (/sys/class/powercap/intel-rapl:*).
 *
 * Zones are recognised by their `name` file, never by their index: every "package-N" zone is
 * summed into one powercap:package meter, every "dram" subzone into powercap:dram, "psys" into
 * powercap:psys. "core" and "uncore" are parts of the package and are skipped so nothing is
 * counted twice; so are the intel-rapl-mmio zones, which repeat the package through another
 * interface. energy_uj is kept open and read with pread (one syscall per zone per reading). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "meter.h"
#include "meter_sysfs.h"

#define PERM_REASON                                                                                \
    "powercap energy_uj: permission denied, root only (CVE-2020-8694); try the perf power PMU"

/* Convention at the wrap: the counter runs 0 .. range (range = max_energy_range_uj) and the
   reading after range is 0, and we take range and 0 as the same point, exactly as the formula
   d = e1 >= e0 ? e1 - e0 : e1 + (range - e0). (Were the register to step range → 0 as one
   count this is 1 µJ short per wrap: negligible, and the kernel documents no finer rule.)
   A first reading above range (inconsistent attributes) gives d = e1, as after a reset. */
uint64_t hb__rapl_delta(uint64_t e0, uint64_t e1, uint64_t range) {
    if (e1 >= e0) return e1 - e0;
    if (e0 > range) return e1;
    return e1 + (range - e0);
}

#define RAPL_MAX_WATTS 20000.0 /* per zone: beyond any package or DRAM */
#define MAX_ZONES 64 /* per meter: packages × dies on the largest machines stay far below */

typedef struct rapl_zone {
    int fd;
    uint64_t range; /* max_energy_range_uj */
    uint64_t last;  /* previous energy_uj reading */
    char dir[64];   /* "intel-rapl:0", for messages */
} rapl_zone;

typedef struct rapl_priv {
    uint64_t acc_uj; /* energy since discovery, all zones, unwrapped */
    double last_t;   /* CLOCK_MONOTONIC of the previous reading */
    size_t n;
    rapl_zone z[];
} rapl_priv;

static int rapl_read(hb__meter *m, double *value, char *err, size_t errlen) {
    rapl_priv *p = m->priv;
    /* read every zone first so a failing one leaves the state untouched */
    uint64_t now[MAX_ZONES];
    for (size_t i = 0; i < p->n; i++) {
        char what[96];
        snprintf(what, sizeof what, "powercap %s/energy_uj", p->z[i].dir);
        if (hb__sysfs_pread_u64(p->z[i].fd, what, &now[i], err, errlen) != 0) return -1;
    }
    /* A reset (e.g. the package lost power state, a VM migrated) looks like a wrap and would
       add up to the whole range (~262 kJ). A zone delivering more than 20 kW since the last
       reading is such a jump: the reading fails and counting restarts from the new value. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    double t = (double)ts.tv_sec + 1e-9 * ts.tv_nsec, dt = t - p->last_t;
    if (dt < 1e-3) dt = 1e-3;
    int jump = 0;
    uint64_t add = 0;
    for (size_t i = 0; i < p->n; i++) {
        uint64_t d = hb__rapl_delta(p->z[i].last, now[i], p->z[i].range);
        if ((double)d * 1e-6 > RAPL_MAX_WATTS * dt && !jump) {
            snprintf(err, errlen,
                     "powercap %s/energy_uj jumped by %.6g J in %.3g s (%llu after %llu): "
                     "counter reset?",
                     p->z[i].dir, (double)d * 1e-6, dt, (unsigned long long)now[i],
                     (unsigned long long)p->z[i].last);
            jump = 1;
        }
        add += d;
        p->z[i].last = now[i];
    }
    p->last_t = t;
    if (jump) return -1;
    p->acc_uj += add;
    *value = (double)p->acc_uj * 1e-6;
    return 0;
}

static void rapl_close(hb__meter *m) {
    rapl_priv *p = m->priv;
    if (!p) return;
    for (size_t i = 0; i < p->n; i++)
        if (p->z[i].fd >= 0) close(p->z[i].fd);
    free(p);
    m->priv = NULL;
}

static const hb__meter_ops rapl_ops = {rapl_read, rapl_close};

/* The three meters and the zone names they take. */
enum { G_PACKAGE, G_DRAM, G_PSYS, G_N };
static const struct {
    const char *meter;
    hb__meter_scope scope;
} groups[G_N] = {
    {"powercap:package", HB_SCOPE_CPU_PACKAGE},
    {"powercap:dram", HB_SCOPE_DRAM},
    {"powercap:psys", HB_SCOPE_PSYS},
};

typedef struct zone_ref {
    char dir[64];
    char name[32];
} zone_ref;

static int zone_cmp(const void *a, const void *b) {
    return strcmp(((const zone_ref *)a)->dir, ((const zone_ref *)b)->dir);
}

/* Opens every zone of one group and builds its meter. NULL with the reason in why. */
static hb__meter *make_meter(const char *base, int g, const zone_ref *zones, size_t nz,
                             const char *skipped, char *why, size_t whylen) {
    rapl_priv *p = calloc(1, sizeof *p + nz * sizeof(rapl_zone));
    if (!p) {
        snprintf(why, whylen, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < nz; i++) p->z[i].fd = -1;
    p->n = nz;
    hb__meter *m = NULL;
    char path[4096], text[64], eb[128];
    for (size_t i = 0; i < nz; i++) {
        rapl_zone *z = &p->z[i];
        snprintf(z->dir, sizeof z->dir, "%s", zones[i].dir);
        if (hb__sysfs_path(path, sizeof path, "%s/%s/max_energy_range_uj", base, z->dir) != 0) {
            snprintf(why, whylen, "powercap %s: path too long", z->dir);
            goto fail;
        }
        if (hb__sysfs_read_text(path, text, sizeof text) != 0) {
            snprintf(why, whylen, "powercap %s/max_energy_range_uj: %s", z->dir,
                     hb__sysfs_strerror(errno, eb, sizeof eb));
            goto fail;
        }
        if (hb__sysfs_parse_u64(text, &z->range) != 0 || z->range == 0) {
            snprintf(why, whylen, "powercap %s/max_energy_range_uj: not a positive integer: \"%s\"",
                     z->dir, text);
            goto fail;
        }
        hb__sysfs_path(path, sizeof path, "%s/%s/energy_uj", base, z->dir); /* fits: as above */
        z->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (z->fd < 0) {
            if (errno == EACCES || errno == EPERM)
                snprintf(why, whylen, "%s", PERM_REASON);
            else
                snprintf(why, whylen, "powercap %s/energy_uj: %s", z->dir,
                         hb__sysfs_strerror(errno, eb, sizeof eb));
            goto fail;
        }
        char what[96];
        snprintf(what, sizeof what, "powercap %s/energy_uj", z->dir);
        if (hb__sysfs_pread_u64(z->fd, what, &z->last, why, whylen) != 0) goto fail;
    }
    m = hb__meter_new();
    if (!m) {
        snprintf(why, whylen, "out of memory");
        goto fail;
    }
    snprintf(m->name, sizeof m->name, "%s", groups[g].meter);
    snprintf(m->source, sizeof m->source, "powercap");
    /* e.g. "/sys/class/powercap/{intel-rapl:0 (package-0), intel-rapl:1 (package-1)}/energy_uj
       summed, max_energy_range_uj wrap; skipped: intel-rapl:0:0 (core)" */
    hb__sysfs_append(m->detail, sizeof m->detail, "%s/{", base);
    for (size_t i = 0; i < nz; i++)
        hb__sysfs_append(m->detail, sizeof m->detail, "%s%s (%s)", i ? ", " : "", zones[i].dir,
                         zones[i].name);
    hb__sysfs_append(m->detail, sizeof m->detail, "}/energy_uj%s, wrap at max_energy_range_uj",
                     nz > 1 ? " summed" : "");
    if (skipped[0])
        hb__sysfs_append(m->detail, sizeof m->detail, "; skipped (inside the package): %s",
                         skipped);
    m->scope = groups[g].scope;
    m->kind = HB_METER_ENERGY;
    m->in_band = 1;
    m->interval = 0.5; /* a 32-bit RAPL register wraps after minutes: never missed at 2 Hz */
    m->resolution = 0.001;
    m->min_window = 0.1;
    m->cheap = 1;
    m->ops = &rapl_ops;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    p->last_t = (double)ts.tv_sec + 1e-9 * ts.tv_nsec; /* the zones' first readings */
    m->priv = p;
    return m;
fail:
    for (size_t i = 0; i < nz; i++)
        if (p->z[i].fd >= 0) close(p->z[i].fd);
    free(p);
    return NULL;
}

void hb__meters_discover_powercap(const hb__meter_env *e, hb__meter_list *l) {
    char base[4096], path[4096], eb[128];
    if (hb__sysfs_path(base, sizeof base, "%s/class/powercap", hb__sysfs_root(e)) != 0) {
        hb__meter_list_unavailable(l, "powercap", "sysfs root path too long");
        return;
    }
    DIR *d = opendir(base);
    if (!d) {
        if (errno == ENOENT)
            hb__meter_list_unavailable(l, "powercap", "no %s (kernel without intel_rapl, or a VM)",
                                       base);
        else
            hb__meter_list_unavailable(l, "powercap", "%s: %s", base,
                                       hb__sysfs_strerror(errno, eb, sizeof eb));
        return;
    }
    zone_ref *zones = NULL;
    size_t nz = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        /* "intel-rapl:" and not "intel-rapl-mmio:" (the package again) nor "intel-rapl" (the
           control type itself) */
        if (strncmp(de->d_name, "intel-rapl:", 11) != 0) continue;
        if (strlen(de->d_name) >= sizeof zones[0].dir) continue;
        if (nz == cap) {
            size_t nc = cap ? 2 * cap : 16;
            zone_ref *nzv = realloc(zones, nc * sizeof *nzv);
            if (!nzv) break;
            zones = nzv, cap = nc;
        }
        zone_ref *z = &zones[nz];
        snprintf(z->dir, sizeof z->dir, "%.63s", de->d_name); /* length checked above */
        if (hb__sysfs_path(path, sizeof path, "%s/%s/name", base, de->d_name) != 0 ||
            hb__sysfs_read_text(path, z->name, sizeof z->name) != 0)
            continue; /* a zone without a readable name cannot be identified: ignore it */
        nz++;
    }
    closedir(d);
    if (nz == 0) {
        hb__meter_list_unavailable(
            l, "powercap", "no intel-rapl zone in %s (intel_rapl_msr not loaded, or a VM)", base);
        free(zones);
        return;
    }
    qsort(zones, nz, sizeof *zones, zone_cmp); /* readdir order is arbitrary */

    zone_ref *by_group[G_N];
    size_t n_group[G_N] = {0, 0, 0};
    char skipped[128] = "";
    for (int g = 0; g < G_N; g++) by_group[g] = calloc(nz, sizeof(zone_ref));
    for (size_t i = 0; i < nz; i++) {
        int g = -1;
        if (strncmp(zones[i].name, "package", 7) == 0) /* "package-0", "package-0-die-1" */
            g = G_PACKAGE;
        else if (strcmp(zones[i].name, "dram") == 0)
            g = G_DRAM;
        else if (strcmp(zones[i].name, "psys") == 0)
            g = G_PSYS;
        else if (strcmp(zones[i].name, "core") == 0 || strcmp(zones[i].name, "uncore") == 0)
            hb__sysfs_append(skipped, sizeof skipped, "%s%s (%s)", skipped[0] ? ", " : "",
                             zones[i].dir, zones[i].name);
        if (g >= 0 && by_group[g] && n_group[g] < MAX_ZONES) by_group[g][n_group[g]++] = zones[i];
    }

    /* If no meter comes out, one line for the source (all zones usually fail alike, e.g. the
       permission); otherwise one line per meter that failed. */
    char why[G_N][256];
    int failed[G_N] = {0, 0, 0}, made = 0, nfail = 0;
    for (int g = 0; g < G_N; g++) {
        if (n_group[g] == 0) continue;
        hb__meter *m = make_meter(base, g, by_group[g], n_group[g], g == G_PACKAGE ? skipped : "",
                                  why[g], sizeof why[g]);
        if (m) {
            if (hb__meter_list_add(l, m) == 0) made++;
        } else {
            failed[g] = 1, nfail++;
        }
    }
    if (made == 0 && nfail == 0) {
        hb__meter_list_unavailable(l, "powercap",
                                   "no package, dram or psys zone in %s (found only: %s)", base,
                                   skipped[0] ? skipped : "zones of unknown names");
    } else if (made == 0) {
        for (int g = 0; g < G_N; g++)
            if (failed[g]) {
                hb__meter_list_unavailable(l, "powercap", "%s", why[g]);
                break;
            }
    } else {
        for (int g = 0; g < G_N; g++)
            if (failed[g]) hb__meter_list_unavailable(l, groups[g].meter, "%s", why[g]);
    }
    for (int g = 0; g < G_N; g++) free(by_group[g]);
    free(zones);
}
