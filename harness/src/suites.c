/* hetbench — suites: named lists of measurements.
 *   quick  every kernel × variant × implementation on every device, small sizes, a short
 *          minimum time per measurement (0.2 s): the CI suite, < 2 minutes on 2 cores.
 *   node   the same at acceptance sizes (GEMM 4096 or 8192, LU sized from memory), ≥ 1 s of
 *          measured time per measurement. */
#include <string.h>

#include "internal.h"

static const char *const suite_kernels[] = {"stream", "gemm", "lu", "peak", "transfer", "latency"};

double hb__suite_default_min_time(hb_suite s) {
    return s == HB_SUITE_QUICK ? 0.2 : 1.0;
}

/* Energy: how far a measurement's timed window may be stretched so that the meters reach their
   resolution (RAPL needs ~0.1 s, NVML and IPMI ~10 s), and the idle baseline before the run. */
double hb__suite_default_energy_window(hb_suite s) {
    return s == HB_SUITE_QUICK ? 1.0 : 10.0;
}

double hb__suite_default_idle_seconds(hb_suite s) {
    return s == HB_SUITE_QUICK ? 2.0 : 5.0;
}

const char *hb__suite_name(hb_suite s) {
    return s == HB_SUITE_QUICK ? "quick" : "node";
}

size_t hb__suite_kernels(hb_suite s, const char **names, size_t max) {
    (void)s;
    size_t n = 0;
    for (size_t i = 0; i < sizeof suite_kernels / sizeof suite_kernels[0] && n < max; i++)
        names[n++] = suite_kernels[i];
    return n;
}
