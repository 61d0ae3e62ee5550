/* peak_selftest: the CPU peak kernel at every precision, checked by the kernel's own exact
 * verification (dev tool; scripts/cross-check runs it for aarch64 under qemu-user, where the
 * Armv8.2 sdot i8 path and the portable one both run). Needs no library but util.c and rng.c:
 *
 *   gcc -std=c11 -O2 -fopenmp -D_GNU_SOURCE -I. -Iharness/include -Iharness/src -I<version.h>
 *       kernels/peak/peak.c kernels/peak/peak_selftest.c harness/src/util.c harness/src/rng.c
 *       -o peak_selftest -lm
 *   peak_selftest        exit 0 when every precision verifies (the best path, then the
 *                        portable one: HETBENCH_PEAK_ISA=generic)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* sysinfo.c's, which would bring hwloc and jansson: 0 = unknown, every size fits */
uint64_t hb__mem_bytes_total(void) {
    return 0;
}

extern const hb_kernel hb__kernel_peak;
extern const hb_impl hb__peak_cpu_base;

static int check(hb_variant v, int64_t n) {
    char err[256] = "";
    hb_problem p = {.kernel = &hb__kernel_peak, .variant = v, .seed = 42};
    p.size.n = n;
    if (hb__kernel_peak.setup(&p, err, sizeof err) != HB_OK) {
        printf("%-4s setup: %s\n", hb_variant_name(v), err);
        return 1;
    }
    void *st = NULL;
    hb_status s = hb__peak_cpu_base.setup(NULL, &p, &st, err, sizeof err);
    int bad = 1;
    if (s == HB_OK && hb__peak_cpu_base.run(st) == HB_OK) {
        hb_verification ver;
        memset(&ver, 0, sizeof ver);
        hb__kernel_peak.verify(&p, &ver);
        printf("%-4s n=%lld %s: %s (%s = %g)\n", hb_variant_name(v), (long long)n,
               hb__peak_cpu_base.detail(st), ver.passed ? "ok" : "WRONG", ver.metric_name,
               ver.metric);
        bad = !ver.passed;
    } else {
        printf("%-4s: %s\n", hb_variant_name(v), s == HB_OK ? "run failed" : err);
    }
    if (st) hb__peak_cpu_base.teardown(st);
    hb__kernel_peak.teardown(&p);
    return bad;
}

int main(void) {
    const hb_variant vs[] = {HB_F64, HB_F32, HB_I8, HB_I32};
    int bad = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass) setenv("HETBENCH_PEAK_ISA", "generic", 1);
        for (size_t i = 0; i < sizeof vs / sizeof vs[0]; i++) bad += check(vs[i], 1001);
    }
    printf("%s\n", bad ? "PEAK SELFTEST FAILED" : "PEAK SELFTEST OK");
    return bad != 0;
}
