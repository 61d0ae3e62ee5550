/* Peer for scripts/bench-peers: a plain OpenMP STREAM triad loop, compiled with the same
 * flags as hetbench (-O3 -fopenmp), same array size, arrays first-touched in parallel, one
 * warm-up, repetitions until >= MIN_TIME and >= 5; median reported with STREAM's counting
 * (3 arrays x 8 bytes per element).
 *   usage: peer_triad N MIN_TIME
 * prints: GBS <median rate> */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: peer_triad N MIN_TIME\n");
        return 2;
    }
    long n = atol(argv[1]);
    double min_time = atof(argv[2]);
    double *a = aligned_alloc(64, n * sizeof(double)), *b = aligned_alloc(64, n * sizeof(double)),
           *c = aligned_alloc(64, n * sizeof(double));
    const double s = 3.0;
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) a[i] = 1.0, b[i] = 1.5 + (i & 7), c[i] = 2.0 - (i & 3) * 0.25;
    double samples[100000];
    int reps = 0;
    double total = 0;
    for (int it = -2; reps < 100000; it++) {
        double t0 = now();
#pragma omp parallel for schedule(static)
        for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
        double t = now() - t0;
        if (it < 0) continue;
        samples[reps++] = t;
        total += t;
        if (reps >= 5 && total >= min_time) break;
    }
    double check = a[n / 2] + a[n - 1]; /* keep the loop alive */
    qsort(samples, reps, sizeof *samples, cmp);
    double med = reps % 2 ? samples[reps / 2] : 0.5 * (samples[reps / 2 - 1] + samples[reps / 2]);
    printf("GBS %.3f reps %d check %.3f\n", 3.0 * 8.0 * n / med * 1e-9, reps, check);
    free(a), free(b), free(c);
    return 0;
}
