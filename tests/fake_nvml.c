/* A fake libnvidia-ml for the tests: the symbols hetbench's NVML meter resolves, with
 * behaviour set by environment variables read at nvmlInit_v2:
 *   FAKE_NVML_INIT=<code>        nvmlInit_v2 fails with that code (e.g. 9, driver not loaded)
 *   FAKE_NVML_COUNT=<n>          number of GPUs (default 2, at most 4)
 *   FAKE_NVML_ENERGY=unsupported nvmlDeviceGetTotalEnergyConsumption returns NOT_SUPPORTED (3)
 *   FAKE_NVML_LOST_AFTER=<n>     per GPU, the reading calls (energy or power) after the n-th
 *                                return GPU_IS_LOST (15); the n counts discovery's trial reading
 *   FAKE_NVML_RESET_AT=<n>       per GPU, the n-th energy call finds the counter reset to 100 mJ
 *                                (a GPU reset or driver reload); it advances from there
 *   FAKE_NVML_LOG=<file>         appends "init" / "shutdown" lines, to check they pair up
 * Energy: GPU i starts at FAKE_E0 + i mJ and advances by FAKE_STEP_MJ per call. Power: GPU i
 * reads 250500 + 1000·i mW. Bus ids: "00000000:17:00.0", "00000000:CA:00.0", ... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAKE_E0 987654321ULL
#define FAKE_STEP_MJ 1500ULL
#define FAKE_MAX 4

typedef struct nvml_device_st {
    int index;
    unsigned long long energy;
    unsigned calls, energy_calls;
} fake_device;

typedef struct {
    char busIdLegacy[16];
    unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} fake_pci_info;

static fake_device devs[FAKE_MAX];
static int count, initialised, energy_unsupported;
static unsigned lost_after; /* 0: never */
static unsigned reset_at;   /* 0: never */
static const unsigned bus_of[FAKE_MAX] = {0x17, 0xca, 0x31, 0x4b};

static int env_int(const char *name, int dflt) {
    const char *s = getenv(name);
    return s && *s ? atoi(s) : dflt;
}

static void log_call(const char *what) {
    const char *path = getenv("FAKE_NVML_LOG");
    if (!path || !*path) return;
    FILE *f = fopen(path, "a");
    if (!f) return;
    fprintf(f, "%s\n", what);
    fclose(f);
}

const char *nvmlErrorString(int r) {
    switch (r) {
    case 0:
        return "Success";
    case 1:
        return "Uninitialized";
    case 2:
        return "Invalid Argument";
    case 3:
        return "Not Supported";
    case 9:
        return "Driver Not Loaded";
    case 15:
        return "GPU is lost";
    }
    return "Unknown Error";
}

int nvmlInit_v2(void) {
    int code = env_int("FAKE_NVML_INIT", 0);
    if (code) return code;
    log_call("init");
    count = env_int("FAKE_NVML_COUNT", 2);
    if (count < 0) count = 0;
    if (count > FAKE_MAX) count = FAKE_MAX;
    const char *en = getenv("FAKE_NVML_ENERGY");
    energy_unsupported = en && strcmp(en, "unsupported") == 0;
    lost_after = (unsigned)env_int("FAKE_NVML_LOST_AFTER", 0);
    reset_at = (unsigned)env_int("FAKE_NVML_RESET_AT", 0);
    for (int i = 0; i < FAKE_MAX; i++) {
        devs[i].index = i;
        devs[i].energy = FAKE_E0 + (unsigned long long)i;
        devs[i].calls = 0;
        devs[i].energy_calls = 0;
    }
    initialised++;
    return 0;
}

int nvmlShutdown(void) {
    if (!initialised) return 1;
    initialised--;
    log_call("shutdown");
    return 0;
}

int nvmlDeviceGetCount_v2(unsigned int *n) {
    if (!initialised) return 1;
    *n = (unsigned)count;
    return 0;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned int i, fake_device **dev) {
    if (!initialised) return 1;
    if (i >= (unsigned)count) return 2;
    *dev = &devs[i];
    return 0;
}

int nvmlDeviceGetName(fake_device *dev, char *name, unsigned int length) {
    if (!initialised) return 1;
    snprintf(name, length, "NVIDIA H100 80GB HBM3 #%d", dev->index);
    return 0;
}

int nvmlDeviceGetPciInfo_v3(fake_device *dev, fake_pci_info *pci) {
    if (!initialised) return 1;
    memset(pci, 0, sizeof *pci);
    pci->bus = bus_of[dev->index];
    pci->pciDeviceId = 0x233010de;
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02X:00.0", (unsigned char)pci->bus);
    snprintf(pci->busId, sizeof pci->busId, "00000000:%02X:00.0", pci->bus);
    return 0;
}

static int lost(fake_device *dev) {
    return lost_after && ++dev->calls > lost_after;
}

int nvmlDeviceGetTotalEnergyConsumption(fake_device *dev, unsigned long long *mj) {
    if (!initialised) return 1;
    if (energy_unsupported) return 3;
    if (lost(dev)) return 15;
    if (reset_at && ++dev->energy_calls == reset_at)
        dev->energy = 100;
    else
        dev->energy += FAKE_STEP_MJ;
    *mj = dev->energy;
    return 0;
}

int nvmlDeviceGetPowerUsage(fake_device *dev, unsigned int *mw) {
    if (!initialised) return 1;
    if (lost(dev)) return 15;
    *mw = 250500u + 1000u * (unsigned)dev->index;
    return 0;
}
