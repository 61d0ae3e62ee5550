/* hetbench — statistics of repeated timings and repetition calibration.
 *
 * The headline is the median. Its 95 % confidence interval comes from order statistics
 * (distribution-free): with n sorted samples, [x(j), x(n-j+1)] covers the true median with
 * probability 1 - 2·P(Bin(n, 1/2) <= j-1). We take the largest j whose coverage is >= 95 %;
 * when n is too small for 95 % (n < 6) the interval is [min, max] and ci_level says what it
 * covers (n = 5: 93.75 %). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* P(Bin(n, 1/2) <= j) */
static double binom_half_cdf(int n, int j) {
    if (j < 0) return 0.0;
    if (j >= n) return 1.0;
    double sum = 0.0;
    double lfn = lgamma((double)n + 1.0);
    for (int i = 0; i <= j; i++) {
        double lp =
            lfn - lgamma((double)i + 1.0) - lgamma((double)(n - i) + 1.0) - (double)n * log(2.0);
        sum += exp(lp);
    }
    return sum > 1.0 ? 1.0 : sum;
}

hb_status hb_stats_compute(const double *samples, int n, hb_stats *out) {
    if (!samples || !out || n <= 0) return HB_E_INVALID;
    memset(out, 0, sizeof *out);
    double *s = malloc((size_t)n * sizeof *s);
    if (!s) return HB_E_NOMEM;
    memcpy(s, samples, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);

    out->n = n;
    out->min = s[0];
    out->max = s[n - 1];
    out->median = (n % 2) ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    double sum = 0.0;
    for (int i = 0; i < n; i++) sum += s[i];
    out->mean = sum / n;
    double ss = 0.0;
    for (int i = 0; i < n; i++) ss += (s[i] - out->mean) * (s[i] - out->mean);
    out->stddev = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
    out->cv = out->mean > 0.0 ? out->stddev / out->mean : 0.0;

    /* order-statistic interval of the median */
    int j = 1; /* 1-based rank of the lower bound */
    double cover = 1.0 - 2.0 * binom_half_cdf(n, 0);
    if (n > 400) {
        /* normal approximation: rank n/2 - 1.96·sqrt(n)/2 (exact sums get slow) */
        j = (int)floor(n / 2.0 - 0.98 * sqrt((double)n));
        if (j < 1) j = 1;
        cover = 0.95;
    } else {
        for (int cand = 2; cand <= (n + 1) / 2; cand++) {
            double c = 1.0 - 2.0 * binom_half_cdf(n, cand - 1);
            if (c < 0.95) break;
            j = cand;
            cover = c;
        }
    }
    out->ci_low = s[j - 1];
    out->ci_high = s[n - j];
    out->ci_level = n == 1 ? 0.0 : cover;
    free(s);
    return HB_OK;
}

int hb_calibrate_reps(double t_once, double min_time, int min_reps, int max_reps) {
    if (min_reps < 1) min_reps = 1;
    if (max_reps < min_reps) max_reps = min_reps;
    if (!(t_once > 0.0) || !isfinite(t_once)) return min_reps;
    double want = ceil(min_time / t_once);
    if (!(want >= (double)min_reps)) return min_reps;
    if (want > (double)max_reps) return max_reps;
    return (int)want;
}

/* The wall-clock limit of a measurement's timed loop: three times what the loop has to
   collect (min_time of timed runs, an energy window) plus a second, so that a repetition
   whose untimed part (reset, wait) is twice its timed part still reaches its goal, and one
   whose untimed part dominates stops in seconds, not minutes. */
double hb__wall_limit(double min_time, double energy_window) {
    double goal = 0.0; /* the larger of the two that are finite and positive */
    if (min_time > goal && isfinite(min_time)) goal = min_time;
    if (energy_window > goal && isfinite(energy_window)) goal = energy_window;
    return 3.0 * goal + 1.0;
}
