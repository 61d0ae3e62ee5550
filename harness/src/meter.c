/* hetbench — energy meters: list handling and the window arithmetic.
 * (The sampler threads and the per-measurement windows live in energy.c.) */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meter.h"

const char *hb__meter_scope_name(hb__meter_scope s) {
    switch (s) {
    case HB_SCOPE_CPU_PACKAGE:
        return "cpu-package";
    case HB_SCOPE_DRAM:
        return "dram";
    case HB_SCOPE_ACCEL_BOARD:
        return "accelerator-board";
    case HB_SCOPE_NODE_AC:
        return "node-ac";
    case HB_SCOPE_PSYS:
        return "psys";
    }
    return "unknown";
}

hb__meter *hb__meter_new(void) {
    return calloc(1, sizeof(hb__meter));
}

int hb__meter_list_add(hb__meter_list *l, hb__meter *m) {
    if (!m) return -1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        hb__meter **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            if (m->ops && m->ops->close) m->ops->close(m);
            free(m);
            return -1;
        }
        l->v = v, l->cap = cap;
    }
    l->v[l->n++] = m;
    return 0;
}

void hb__meter_list_unavailable(hb__meter_list *l, const char *name, const char *fmt, ...) {
    if (l->nu == l->capu) {
        size_t cap = l->capu ? 2 * l->capu : 8;
        hb__meter_unavailable *u = realloc(l->unavail, cap * sizeof *u);
        if (!u) return;
        l->unavail = u, l->capu = cap;
    }
    hb__meter_unavailable *u = &l->unavail[l->nu++];
    snprintf(u->name, sizeof u->name, "%s", name);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->reason, sizeof u->reason, fmt, ap);
    va_end(ap);
}

void hb__meter_list_free(hb__meter_list *l) {
    for (size_t i = 0; i < l->n; i++) {
        if (l->v[i]->ops && l->v[i]->ops->close) l->v[i]->ops->close(l->v[i]);
        free(l->v[i]);
    }
    free(l->v);
    free(l->unavail);
    memset(l, 0, sizeof *l);
}

/* ---- window arithmetic ---- */

/* Index i of the last sample with t[i] <= x (n > 0, t[0] <= x). */
static size_t last_at_or_before(const double *t, size_t n, double x) {
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (t[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* Linear interpolation of series y at x, bracketed (t[0] <= x <= t[n-1]). */
static double interp(const double *t, const double *y, size_t n, double x) {
    size_t i = last_at_or_before(t, n, x);
    if (i == n - 1 || t[i] == x) return y[i];
    double f = (x - t[i]) / (t[i + 1] - t[i]);
    return y[i] + f * (y[i + 1] - y[i]);
}

int hb__series_energy_counter(const double *t, const double *e, size_t n, double a, double b,
                              double *joules) {
    if (n < 1 || !(a <= b) || a < t[0] || b > t[n - 1]) return -1;
    *joules = interp(t, e, n, b) - interp(t, e, n, a);
    return 0;
}

int hb__series_energy_power(const double *t, const double *w, size_t n, double a, double b,
                            double *joules) {
    if (n < 1 || !(a <= b) || a < t[0] || b > t[n - 1]) return -1;
    if (a == b) {
        *joules = 0.0;
        return 0;
    }
    size_t i = last_at_or_before(t, n, a);
    double x0 = a, p0 = interp(t, w, n, a), sum = 0.0;
    /* whole and partial trapezoids from a to b */
    for (size_t j = i + 1; j < n && t[j] < b; j++) {
        sum += 0.5 * (p0 + w[j]) * (t[j] - x0);
        x0 = t[j], p0 = w[j];
    }
    sum += 0.5 * (p0 + interp(t, w, n, b)) * (b - x0);
    *joules = sum;
    return 0;
}
