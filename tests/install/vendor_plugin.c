/* A minimal vendor platform plugin: one device, no implementations. Built out of tree
   against the installed public headers (tests/install_test.sh). */
#include <stdio.h>

#include <hetbench/platform.h>

static hb_status init(void **ctx, const hb_platform_config *cfg, char *err, size_t n) {
    (void)cfg, (void)err, (void)n;
    *ctx = NULL;
    return HB_OK;
}

static int device_count(void *ctx) {
    (void)ctx;
    return 1;
}

static hb_status device_info(void *ctx, int i, hb_device_info *o) {
    (void)ctx, (void)i;
    snprintf(o->name, sizeof o->name, "Vendor Test Accelerator");
    snprintf(o->vendor, sizeof o->vendor, "vendor");
    snprintf(o->type, sizeof o->type, "accelerator");
    o->compute_units = 1;
    return HB_OK;
}

static const hb_platform vendor = {
    .abi_version = HB_PLATFORM_ABI,
    .name = "vendor",
    .version = "1.0",
    .init = init,
    .device_count = device_count,
    .device_info = device_info,
};

const hb_platform *hetbench_platform_entry(void) {
    return &vendor;
}
