/* hetbench — power and energy sensors of the hwmon class (/sys/class/hwmon/hwmonN).
 *
 * Known kinds, recognised by the `name` file and the PCI vendor of `device`:
 *   amdgpu (vendor 0x1002) and Hygon DCU (vendor 0x1d94, any name): one accelerator-board meter
 *     per card, from energy1_input (µJ) if there is one, else power1_average, else power1_input
 *     (µW, sampled by the core at 10 Hz and integrated);
 *   ACPI power_meter: node power at the wall, power1_average (µW);
 *   amd_energy / zenergy: the Esocket energy counters (µJ, already 64-bit in the driver) summed.
 * Each meter keeps its files open and reads them with pread. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "meter.h"
#include "meter_sysfs.h"

#define ACPI_ERROR_UW 4294967295000ULL /* ACPI power_meter: 0xffffffff mW, "no valid reading" */

/* One field of hex digits (either case), at most maxd of them. */
static int hex_field(const char **p, int maxd, unsigned *v) {
    unsigned x = 0;
    int nd = 0;
    for (;; (*p)++) {
        char c = **p;
        int h = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (h < 0) break;
        if (++nd > maxd) return -1;
        x = x * 16 + (unsigned)h;
    }
    if (nd == 0) return -1;
    *v = x;
    return 0;
}

int hb__pci_bus_id_normalise(const char *in, char *out, size_t outlen) {
    /* "dddd:bb:dd.f" or "bb:dd.f" (domain 0); VMD domains have 5 digits ("10000:e1:00.0") */
    unsigned a, b, dom = 0, bus, dev, fn;
    const char *p = in;
    if (hex_field(&p, 8, &a) != 0 || *p++ != ':' || hex_field(&p, 2, &b) != 0) return -1;
    if (*p == ':') {
        p++;
        dom = a, bus = b;
        if (hex_field(&p, 2, &dev) != 0) return -1;
    } else {
        if (a > 0xff) return -1;
        bus = a, dev = b;
    }
    if (*p++ != '.' || hex_field(&p, 1, &fn) != 0 || *p != '\0') return -1;
    if (dev > 0x1f || fn > 7) return -1;
    int n = snprintf(out, outlen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
    return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/* ---- the meters ---- */

typedef struct hw_file {
    int fd;
    uint64_t first, last; /* energy: counter at discovery (or the last reset) and at the
                             previous reading */
    uint64_t before;      /* energy counted before the last reset, µJ */
    char path[200];       /* for messages */
} hw_file;

typedef struct hw_priv {
    int acpi; /* power_meter: 4294967295000 is its error value */
    size_t n; /* power: 1 file; energy: the counters summed */
    hw_file f[];
} hw_priv;

static int hw_read_power(hb__meter *m, double *value, char *err, size_t errlen) {
    hw_priv *p = m->priv;
    uint64_t uw;
    if (hb__sysfs_pread_u64(p->f[0].fd, p->f[0].path, &uw, err, errlen) != 0) return -1;
    if (p->acpi && uw == ACPI_ERROR_UW) {
        snprintf(err, errlen, "ACPI power_meter reports an error reading (%s = %llu)", p->f[0].path,
                 (unsigned long long)uw);
        return -1;
    }
    *value = (double)uw * 1e-6;
    return 0;
}

static int hw_read_energy(hb__meter *m, double *value, char *err, size_t errlen) {
    hw_priv *p = m->priv;
    uint64_t now[64], sum = 0;
    for (size_t i = 0; i < p->n; i++)
        if (hb__sysfs_pread_u64(p->f[i].fd, p->f[i].path, &now[i], err, errlen) != 0) return -1;
    /* the counters are 64-bit: going back means a reset (driver reload), not a wrap. The
       energy across it is unknown: this reading fails (the windows around it get no figure),
       and counting starts again from the new value so later windows are measured again. */
    int reset = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (now[i] < p->f[i].last) {
            if (!reset)
                snprintf(err, errlen, "%s went backwards (%llu after %llu): counter reset",
                         p->f[i].path, (unsigned long long)now[i],
                         (unsigned long long)p->f[i].last);
            reset = 1;
            p->f[i].before += p->f[i].last - p->f[i].first;
            p->f[i].first = now[i];
        }
        p->f[i].last = now[i];
        sum += p->f[i].before + (now[i] - p->f[i].first);
    }
    if (reset) return -1;
    *value = (double)sum * 1e-6;
    return 0;
}

static void hw_close(hb__meter *m) {
    hw_priv *p = m->priv;
    if (!p) return;
    for (size_t i = 0; i < p->n; i++)
        if (p->f[i].fd >= 0) close(p->f[i].fd);
    free(p);
    m->priv = NULL;
}

static const hb__meter_ops hw_power_ops = {hw_read_power, hw_close};
static const hb__meter_ops hw_energy_ops = {hw_read_energy, hw_close};

static hw_priv *priv_new(size_t n) {
    hw_priv *p = calloc(1, sizeof *p + n * sizeof(hw_file));
    if (!p) return NULL;
    for (size_t i = 0; i < n; i++) p->f[i].fd = -1;
    return p;
}

static void priv_free(hw_priv *p) {
    if (!p) return;
    for (size_t i = 0; i < p->n; i++)
        if (p->f[i].fd >= 0) close(p->f[i].fd);
    free(p);
}

/* Opens path as the next file of p and reads it once (a file that is absent, unreadable or
   garbage makes no meter). 0, or -1 with the reason in why; *absent set when it does not
   exist. */
static int add_file(hw_priv *p, const char *path, int *absent, char *why, size_t whylen) {
    hw_file *f = &p->f[p->n];
    char eb[128];
    *absent = 0;
    snprintf(f->path, sizeof f->path, "%s", path);
    f->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (f->fd < 0) {
        *absent = errno == ENOENT;
        snprintf(why, whylen, "%s: %s", path, hb__sysfs_strerror(errno, eb, sizeof eb));
        return -1;
    }
    p->n++;
    if (hb__sysfs_pread_u64(f->fd, f->path, &f->first, why, whylen) != 0) return -1;
    f->last = f->first;
    return 0;
}

/* Interval file (ms) of a power attribute, as seconds; 0 when absent or unusable. */
static double interval_s(const char *dir, const char *file) {
    char path[4096], text[64];
    uint64_t ms;
    if (hb__sysfs_path(path, sizeof path, "%s/%s", dir, file) != 0 ||
        hb__sysfs_read_text(path, text, sizeof text) != 0 || hb__sysfs_parse_u64(text, &ms) != 0 ||
        ms == 0 || ms > 3600000)
        return 0.0;
    return (double)ms / 1000.0;
}

/* Adds ":hwmonN" to a name already taken (two cards without a bus id, two power meters). */
static void make_unique(const hb__meter_list *l, char *name, size_t len, const char *hw) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i]->name, name) == 0) {
            hb__sysfs_append(name, len, ":%s", hw);
            return;
        }
}

static hb__meter *meter_new(hb__meter_list *l, const char *name, const char *hw, hw_priv *p) {
    hb__meter *m = hb__meter_new();
    if (!m) return NULL;
    snprintf(m->name, sizeof m->name, "%s", name);
    make_unique(l, m->name, sizeof m->name, hw);
    snprintf(m->source, sizeof m->source, "hwmon");
    m->in_band = 1;
    m->cheap = 1;
    m->priv = p;
    return m;
}

static void add_or_drop(hb__meter_list *l, hb__meter *m, hw_priv *p, const char *name) {
    if (!m) {
        priv_free(p);
        hb__meter_list_unavailable(l, name, "out of memory");
        return;
    }
    hb__meter_list_add(l, m); /* closes m itself on failure */
}

/* PCI bus id of hwmonN/device: PCI_SLOT_NAME of its uevent, else the link's target name. */
static void pci_bus_id(const char *dir, char *out, size_t outlen) {
    char path[4096], text[1024], target[4096];
    out[0] = '\0';
    if (hb__sysfs_path(path, sizeof path, "%s/device/uevent", dir) == 0 &&
        hb__sysfs_read_text(path, text, sizeof text) == 0) {
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            if (strncmp(line, "PCI_SLOT_NAME=", 14) == 0 &&
                hb__pci_bus_id_normalise(line + 14, out, outlen) == 0)
                return;
    }
    if (hb__sysfs_path(path, sizeof path, "%s/device", dir) != 0) return;
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n <= 0) return;
    target[n] = '\0';
    const char *b = strrchr(target, '/');
    if (hb__pci_bus_id_normalise(b ? b + 1 : target, out, outlen) != 0) out[0] = '\0';
}

/* amdgpu / Hygon DCU: one accelerator-board meter. */
static void probe_accel(hb__meter_list *l, const char *dir, const char *hw, const char *name,
                        unsigned vendor) {
    char bus[32], mname[64], path[4096], why[256] = "";
    pci_bus_id(dir, bus, sizeof bus);
    snprintf(mname, sizeof mname, "hwmon:%.32s:%.20s", name, bus[0] ? bus : hw);
    static const char *const files[] = {"energy1_input", "power1_average", "power1_input"};
    hw_priv *p = priv_new(1);
    if (!p) {
        hb__meter_list_unavailable(l, mname, "out of memory");
        return;
    }
    size_t k;
    for (k = 0; k < 3; k++) {
        char w[256];
        int absent;
        if (p->n) { /* the previous candidate opened but read garbage */
            close(p->f[0].fd);
            p->f[0].fd = -1, p->n = 0;
        }
        if (hb__sysfs_path(path, sizeof path, "%s/%s", dir, files[k]) != 0) continue;
        if (add_file(p, path, &absent, w, sizeof w) == 0) break;
        if (!absent && !why[0]) snprintf(why, sizeof why, "%s", w); /* the first real failure */
    }
    if (k == 3) {
        priv_free(p);
        if (why[0])
            hb__meter_list_unavailable(l, mname, "%s", why);
        else
            hb__meter_list_unavailable(
                l, mname, "no energy1_input, power1_average or power1_input in %s", dir);
        return;
    }
    hb__meter *m = meter_new(l, mname, hw, p);
    if (m) {
        m->scope = HB_SCOPE_ACCEL_BOARD;
        snprintf(m->pci_bus_id, sizeof m->pci_bus_id, "%s", bus);
        if (k == 0) {
            m->kind = HB_METER_ENERGY;
            m->ops = &hw_energy_ops;
            m->interval = 0.5;
            m->resolution = 0.001;
            m->min_window = 0.1;
            hb__sysfs_append(m->detail, sizeof m->detail, "%s (µJ counter)", path);
        } else {
            double avg = k == 1 ? interval_s(dir, "power1_average_interval") : 0.0;
            m->kind = HB_METER_POWER;
            m->ops = &hw_power_ops;
            m->interval = 0.1; /* ≥ 10 Hz for the trapezoid rule */
            m->resolution = avg > 0 ? avg : 0.1;
            m->min_window = 1.0; /* ≥ 10 samples */
            hb__sysfs_append(m->detail, sizeof m->detail, "%s (µW, sampled and integrated)", path);
        }
        hb__sysfs_append(m->detail, sizeof m->detail, "; %s, PCI vendor 0x%04x", name, vendor);
    }
    add_or_drop(l, m, p, mname);
}

/* ACPI power meter (ACPI000D): the node at the wall. */
static void probe_acpi(hb__meter_list *l, const char *dir, const char *hw) {
    char path[4096], why[256] = "path too long";
    const char *mname = "hwmon:power_meter";
    hw_priv *p = priv_new(1);
    int absent;
    if (!p) {
        hb__meter_list_unavailable(l, mname, "out of memory");
        return;
    }
    if (hb__sysfs_path(path, sizeof path, "%s/power1_average", dir) != 0 ||
        add_file(p, path, &absent, why, sizeof why) != 0) {
        priv_free(p);
        hb__meter_list_unavailable(l, mname, "%s", why);
        return;
    }
    /* an error value at discovery may be transient: keep the meter, its readings fail until
       the firmware reports again */
    p->acpi = 1;
    double iv = interval_s(dir, "power1_average_interval");
    hb__meter *m = meter_new(l, mname, hw, p);
    if (m) {
        m->scope = HB_SCOPE_NODE_AC;
        m->kind = HB_METER_POWER;
        m->ops = &hw_power_ops;
        m->interval = iv > 0 ? iv : 1.0;
        m->resolution = m->interval; /* the firmware's averaging period */
        m->min_window = 10 * m->interval;
        hb__sysfs_append(m->detail, sizeof m->detail, "%s (µW, ACPI power_meter, node AC)%s", path,
                         iv > 0 ? ", power1_average_interval" : "");
    }
    add_or_drop(l, m, p, mname);
}

static int label_cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* amd_energy / zenergy: the Esocket counters summed. */
static void probe_amd_energy(hb__meter_list *l, const char *dir, const char *hw, const char *name) {
    char mname[64], path[4096], text[64], why[256];
    snprintf(mname, sizeof mname, "hwmon:%.56s", name);
    DIR *d = opendir(dir);
    if (!d) {
        hb__meter_list_unavailable(l, mname, "%s: cannot list", dir);
        return;
    }
    /* energyN_input whose energyN_label starts with "Esocket" (the others are per core) */
    char sock[64][24]; /* "energyN" */
    size_t ns = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && ns < 64) {
        size_t len = strlen(de->d_name);
        if (strncmp(de->d_name, "energy", 6) != 0 || de->d_name[6] < '0' || de->d_name[6] > '9' ||
            len - 6 >= sizeof sock[0] || strcmp(de->d_name + len - 6, "_label") != 0)
            continue;
        if (hb__sysfs_path(path, sizeof path, "%s/%s", dir, de->d_name) != 0 ||
            hb__sysfs_read_text(path, text, sizeof text) != 0 || strncmp(text, "Esocket", 7) != 0)
            continue;
        snprintf(sock[ns], sizeof sock[ns], "%.*s", (int)(len - 6), de->d_name);
        ns++;
    }
    closedir(d);
    if (ns == 0) {
        hb__meter_list_unavailable(l, mname, "no energyN_label \"Esocket*\" in %s", dir);
        return;
    }
    const char *order[64];
    for (size_t i = 0; i < ns; i++) order[i] = sock[i];
    qsort(order, ns, sizeof order[0], label_cmp);
    hw_priv *p = priv_new(ns);
    if (!p) {
        hb__meter_list_unavailable(l, mname, "out of memory");
        return;
    }
    for (size_t i = 0; i < ns; i++) {
        int absent;
        if (hb__sysfs_path(path, sizeof path, "%s/%s_input", dir, order[i]) != 0 ||
            add_file(p, path, &absent, why, sizeof why) != 0) {
            priv_free(p);
            hb__meter_list_unavailable(l, mname, "%s", why);
            return;
        }
    }
    hb__meter *m = meter_new(l, mname, hw, p);
    if (m) {
        m->scope = HB_SCOPE_CPU_PACKAGE;
        m->kind = HB_METER_ENERGY;
        m->ops = &hw_energy_ops;
        m->interval = 0.5;
        m->resolution = 0.001;
        m->min_window = 0.1;
        hb__sysfs_append(m->detail, sizeof m->detail, "%s/{", dir);
        for (size_t i = 0; i < ns; i++)
            hb__sysfs_append(m->detail, sizeof m->detail, "%s%s", i ? "," : "", order[i]);
        hb__sysfs_append(m->detail, sizeof m->detail, "}_input (µJ, Esocket%s)",
                         ns > 1 ? " summed" : "");
    }
    add_or_drop(l, m, p, mname);
}

/* hwmonN sorted by N (readdir order is arbitrary, and "hwmon10" < "hwmon9" as strings) */
static int hwmon_cmp(const void *a, const void *b) {
    long x = strtol(*(const char *const *)a + 5, NULL, 10);
    long y = strtol(*(const char *const *)b + 5, NULL, 10);
    return (x > y) - (x < y);
}

void hb__meters_discover_hwmon(const hb__meter_env *e, hb__meter_list *l) {
    static const char *const none =
        "no power or energy sensor of a known kind (amdgpu, Hygon DCU, ACPI power_meter, "
        "amd_energy)";
    char base[4096];
    if (hb__sysfs_path(base, sizeof base, "%s/class/hwmon", hb__sysfs_root(e)) != 0) {
        hb__meter_list_unavailable(l, "hwmon", "sysfs root path too long");
        return;
    }
    DIR *d = opendir(base);
    if (!d) {
        hb__meter_list_unavailable(l, "hwmon", "%s (no %s)", none, base);
        return;
    }
    char **hw = NULL;
    size_t nh = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "hwmon", 5) != 0 || de->d_name[5] < '0' || de->d_name[5] > '9')
            continue;
        if (nh == cap) {
            size_t nc = cap ? 2 * cap : 16;
            char **nv = realloc(hw, nc * sizeof *nv);
            if (!nv) break;
            hw = nv, cap = nc;
        }
        if ((hw[nh] = strdup(de->d_name)) != NULL) nh++;
    }
    closedir(d);
    if (nh) qsort(hw, nh, sizeof *hw, hwmon_cmp);

    size_t known = 0;
    for (size_t i = 0; i < nh; i++) {
        char dir[4096], path[4096], name[64], text[32];
        if (hb__sysfs_path(dir, sizeof dir, "%s/%s", base, hw[i]) != 0 ||
            hb__sysfs_path(path, sizeof path, "%s/name", dir) != 0 ||
            hb__sysfs_read_text(path, name, sizeof name) != 0 || !name[0])
            continue;
        unsigned vendor = 0;
        if (hb__sysfs_path(path, sizeof path, "%s/device/vendor", dir) == 0 &&
            hb__sysfs_read_text(path, text, sizeof text) == 0) {
            char *end;
            unsigned long v = strtoul(text, &end, 16);
            if (end != text && !*end && v <= 0xffff) vendor = (unsigned)v;
        }
        if ((strcmp(name, "amdgpu") == 0 && vendor == 0x1002) || vendor == 0x1d94) {
            probe_accel(l, dir, hw[i], name, vendor);
            known++;
        } else if (strcmp(name, "power_meter") == 0) {
            probe_acpi(l, dir, hw[i]);
            known++;
        } else if (strcmp(name, "amd_energy") == 0 || strcmp(name, "zenergy") == 0) {
            probe_amd_energy(l, dir, hw[i], name);
            known++;
        }
    }
    for (size_t i = 0; i < nh; i++) free(hw[i]);
    free(hw);
    if (known == 0) hb__meter_list_unavailable(l, "hwmon", "%s", none);
}
