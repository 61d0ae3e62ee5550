/* hetbench — NVML meters: one per NVIDIA GPU, board energy (or power) read through
 * libnvidia-ml loaded with dlopen at run time, so that hetbench neither needs nvml.h to build
 * nor the driver to start. */
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meter.h"

/* ---- the part of the NVML ABI we use (declared here: nvml.h is not available) ----
   nvmlReturn_t is an enum (int-sized); nvmlPciInfo_t is the layout nvmlDeviceGetPciInfo_v3
   fills (busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE = 16] first, then the ids, then
   busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE = 32]). */
typedef int nvml_return;
typedef struct nvml_device_st *nvml_device;
typedef struct nvml_pci_info {
    char busIdLegacy[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} nvml_pci_info;

enum { NVML_OK = 0, NVML_ERR_NOT_SUPPORTED = 3 };

#define NVML_DEFAULT_LIBRARY "libnvidia-ml.so.1"

/* One loaded library, shared by the meters of one discovery. NVML and dlopen are both
   reference counted, so a later discovery loads its own instance safely. */
typedef struct nvml_lib {
    void *dl;
    atomic_int refs; /* discovery's own + one per meter; the last release shuts NVML down */
    nvml_return (*init)(void);
    nvml_return (*shutdown)(void);
    const char *(*error_string)(nvml_return);
    nvml_return (*get_count)(unsigned int *);
    nvml_return (*get_handle)(unsigned int, nvml_device *);
    nvml_return (*get_name)(nvml_device, char *, unsigned int);
    nvml_return (*get_pci)(nvml_device, nvml_pci_info *);
    nvml_return (*get_power)(nvml_device, unsigned int *);
    nvml_return (*get_energy)(nvml_device, unsigned long long *); /* NULL: pre-Volta driver */
} nvml_lib;

typedef struct nvml_meter {
    nvml_lib *lib;
    nvml_device dev;
    int energy;                /* 1: energy counter, 0: power usage */
    int have_base;             /* energy: first reading taken */
    unsigned long long base;   /* energy: first reading (or the one after a reset), mJ */
    unsigned long long last;   /* energy: previous reading, mJ */
    unsigned long long before; /* energy: mJ counted before the last reset */
} nvml_meter;

static const char *errstr(const nvml_lib *lib, nvml_return r) {
    const char *s = lib->error_string ? lib->error_string(r) : NULL;
    return s ? s : "unknown error";
}

static void lib_release(nvml_lib *lib) {
    if (atomic_fetch_sub(&lib->refs, 1) != 1) return;
    lib->shutdown();
    dlclose(lib->dl);
    free(lib);
}

/* dlsym into a function pointer: through memcpy, since ISO C has no conversion from void *
   to a function pointer. Returns 0 when the symbol is missing. */
static int sym(void *dl, const char *name, void *fnptr, size_t size) {
    void *p = dlsym(dl, name);
    if (!p) return 0;
    memcpy(fnptr, &p, size);
    return 1;
}
#define SYM(lib, field, name) sym((lib)->dl, name, &(lib)->field, sizeof((lib)->field))

static int nvml_read(hb__meter *m, double *value, char *err, size_t errlen) {
    nvml_meter *p = m->priv;
    if (p->energy) {
        unsigned long long mj = 0;
        nvml_return r = p->lib->get_energy(p->dev, &mj);
        if (r != NVML_OK) {
            snprintf(err, errlen, "nvmlDeviceGetTotalEnergyConsumption: %s (NVML error %d)",
                     errstr(p->lib, r), r);
            return -1;
        }
        /* Joules since the first reading: the absolute counter (since driver load) carries
           no meaning, and the integer difference keeps it exact. */
        if (!p->have_base) p->base = p->last = mj, p->have_base = 1;
        if (mj < p->last) {
            /* a GPU reset or driver reload: the energy across it is unknown, so this reading
               fails (the windows around it get no figure); counting restarts from here */
            snprintf(err, errlen,
                     "energy counter went backwards (%llu mJ after %llu mJ): GPU reset or "
                     "driver reloaded",
                     mj, p->last);
            p->before += p->last - p->base;
            p->base = p->last = mj;
            return -1;
        }
        p->last = mj;
        *value = (double)(p->before + (mj - p->base)) / 1000.0;
        return 0;
    }
    unsigned int mw = 0;
    nvml_return r = p->lib->get_power(p->dev, &mw);
    if (r != NVML_OK) {
        snprintf(err, errlen, "nvmlDeviceGetPowerUsage: %s (NVML error %d)", errstr(p->lib, r), r);
        return -1;
    }
    *value = (double)mw / 1000.0;
    return 0;
}

static void nvml_close(hb__meter *m) {
    nvml_meter *p = m->priv;
    if (!p) return;
    lib_release(p->lib);
    free(p);
    m->priv = NULL;
}

static const hb__meter_ops nvml_ops = {nvml_read, nvml_close};

/* "00000000:17:00.0" (NVML: 8-digit domain, upper-case hex) → "0000:17:00.0", the form sysfs
   and the other drivers use; from the numeric fields when the string does not parse. */
static void normalise_bus_id(const nvml_pci_info *pci, char *out, size_t n) {
    unsigned int dom, bus, dev, fn;
    char tail;
    if (sscanf(pci->busId, "%x:%x:%x.%x%c", &dom, &bus, &dev, &fn, &tail) == 4)
        snprintf(out, n, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
    else
        snprintf(out, n, "%04x:%02x:%02x.0", pci->domain, pci->bus, pci->device);
}

/* One GPU: a meter, or one unavailable line saying why not. */
static void add_gpu(nvml_lib *lib, unsigned int i, hb__meter_list *l) {
    nvml_device dev = NULL;
    nvml_return r = lib->get_handle(i, &dev);
    if (r != NVML_OK) {
        hb__meter_list_unavailable(l, "nvml",
                                   "GPU %u: nvmlDeviceGetHandleByIndex_v2: %s (NVML error %d)", i,
                                   errstr(lib, r), r);
        return;
    }
    nvml_pci_info pci;
    memset(&pci, 0, sizeof pci);
    r = lib->get_pci(dev, &pci);
    if (r != NVML_OK) {
        hb__meter_list_unavailable(l, "nvml", "GPU %u: nvmlDeviceGetPciInfo_v3: %s (NVML error %d)",
                                   i, errstr(lib, r), r);
        return;
    }
    pci.busId[sizeof pci.busId - 1] = '\0';
    char busid[32], mname[64];
    normalise_bus_id(&pci, busid, sizeof busid);
    snprintf(mname, sizeof mname, "nvml:%s", busid);

    char gpu[96] = "";
    if (lib->get_name(dev, gpu, sizeof gpu) != NVML_OK || !gpu[0])
        snprintf(gpu, sizeof gpu, "NVIDIA GPU %u", i);
    gpu[sizeof gpu - 1] = '\0';

    /* Prefer the energy counter (Volta+): exact energy between any two reads. Fall back to
       power samples, which the core integrates, only where the counter is not supported. */
    int energy = 0;
    nvml_return re = NVML_ERR_NOT_SUPPORTED;
    if (lib->get_energy) {
        unsigned long long mj;
        re = lib->get_energy(dev, &mj);
        if (re == NVML_OK) energy = 1;
    }
    if (!energy) {
        if (re != NVML_ERR_NOT_SUPPORTED) {
            hb__meter_list_unavailable(l, mname,
                                       "nvmlDeviceGetTotalEnergyConsumption: %s (NVML error %d)",
                                       errstr(lib, re), re);
            return;
        }
        unsigned int mw;
        r = lib->get_power(dev, &mw);
        if (r != NVML_OK) {
            hb__meter_list_unavailable(
                l, mname, "no energy counter, and nvmlDeviceGetPowerUsage: %s (NVML error %d)",
                errstr(lib, r), r);
            return;
        }
    }

    hb__meter *m = hb__meter_new();
    nvml_meter *p = calloc(1, sizeof *p);
    if (!m || !p) {
        free(m), free(p);
        hb__meter_list_unavailable(l, mname, "out of memory");
        return;
    }
    p->lib = lib, p->dev = dev, p->energy = energy;
    atomic_fetch_add(&lib->refs, 1);

    snprintf(m->name, sizeof m->name, "%s", mname);
    snprintf(m->source, sizeof m->source, "nvml");
    snprintf(m->pci_bus_id, sizeof m->pci_bus_id, "%s", busid);
    m->scope = HB_SCOPE_ACCEL_BOARD;
    m->in_band = 1;
    m->cheap = 1;
    m->min_window = 10.0; /* the counter moves every ~100 ms; Ampere+ power is a 1 s average */
    if (energy) {
        m->kind = HB_METER_ENERGY;
        m->interval = 0.5;
        m->resolution = 0.1;
        snprintf(m->detail, sizeof m->detail,
                 "%s: board energy, nvmlDeviceGetTotalEnergyConsumption (mJ counter, ~100 ms "
                 "updates)",
                 gpu);
    } else {
        m->kind = HB_METER_POWER;
        m->interval = 0.1;
        m->resolution = 1.0;
        snprintf(m->detail, sizeof m->detail,
                 "%s: board power, nvmlDeviceGetPowerUsage (mW) sampled and integrated: no "
                 "energy counter on this GPU",
                 gpu);
    }
    m->ops = &nvml_ops;
    m->priv = p;
    hb__meter_list_add(l, m); /* on failure it closes m, which drops the reference */
}

void hb__meters_discover_nvml(const hb__meter_env *e, hb__meter_list *l) {
    const char *path = e && e->nvml_library ? e->nvml_library : NVML_DEFAULT_LIBRARY;
    dlerror();
    void *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!dl) {
        const char *de = dlerror();
        if (!de || strstr(de, "No such file"))
            hb__meter_list_unavailable(l, "nvml", "%s not found (no NVIDIA driver)", path);
        else
            hb__meter_list_unavailable(l, "nvml", "cannot load %s: %s", path, de);
        return;
    }
    nvml_lib *lib = calloc(1, sizeof *lib);
    if (!lib) {
        dlclose(dl);
        hb__meter_list_unavailable(l, "nvml", "out of memory");
        return;
    }
    lib->dl = dl;
    atomic_init(&lib->refs, 1);
    /* Optional: nvmlDeviceGetTotalEnergyConsumption (drivers before Volta support lack it). */
    SYM(lib, get_energy, "nvmlDeviceGetTotalEnergyConsumption");
    SYM(lib, error_string, "nvmlErrorString");
    const char *missing = NULL;
    if (!SYM(lib, init, "nvmlInit_v2"))
        missing = "nvmlInit_v2";
    else if (!SYM(lib, shutdown, "nvmlShutdown"))
        missing = "nvmlShutdown";
    else if (!SYM(lib, get_count, "nvmlDeviceGetCount_v2"))
        missing = "nvmlDeviceGetCount_v2";
    else if (!SYM(lib, get_handle, "nvmlDeviceGetHandleByIndex_v2"))
        missing = "nvmlDeviceGetHandleByIndex_v2";
    else if (!SYM(lib, get_name, "nvmlDeviceGetName"))
        missing = "nvmlDeviceGetName";
    else if (!SYM(lib, get_pci, "nvmlDeviceGetPciInfo_v3"))
        missing = "nvmlDeviceGetPciInfo_v3";
    else if (!SYM(lib, get_power, "nvmlDeviceGetPowerUsage"))
        missing = "nvmlDeviceGetPowerUsage";
    if (missing) {
        hb__meter_list_unavailable(l, "nvml", "%s has no %s (NVIDIA driver too old)", path,
                                   missing);
        dlclose(dl);
        free(lib);
        return;
    }
    nvml_return r = lib->init();
    if (r != NVML_OK) {
        hb__meter_list_unavailable(l, "nvml", "nvmlInit_v2: %s (NVML error %d)", errstr(lib, r), r);
        dlclose(dl);
        free(lib);
        return;
    }
    unsigned int n = 0;
    r = lib->get_count(&n);
    if (r != NVML_OK)
        hb__meter_list_unavailable(l, "nvml", "nvmlDeviceGetCount_v2: %s (NVML error %d)",
                                   errstr(lib, r), r);
    else if (n == 0)
        hb__meter_list_unavailable(l, "nvml", "no NVIDIA GPU");
    for (unsigned int i = 0; r == NVML_OK && i < n; i++) add_gpu(lib, i, l);
    lib_release(lib); /* discovery's reference: unloads now if no meter was made */
}
