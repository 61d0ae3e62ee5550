/* hetbench — counter-based pseudo-random numbers.
 *
 * Inputs are generated element by element from (seed, stream, index) with the SplitMix64
 * finaliser, so a parallel fill gives the same data whatever the thread count and schedule:
 * the bound threads first-touch their own pages and the problem is still reproducible from
 * the seed recorded in the result. */
#include "internal.h"

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t hb__rand_u64(uint64_t seed, uint64_t stream, uint64_t i) {
    uint64_t key = mix64(seed * 0x9e3779b97f4a7c15ULL + stream * 0xd1b54a32d192ed03ULL + 1u);
    return mix64(key + i * 0x9e3779b97f4a7c15ULL);
}

double hb__rand_uniform(uint64_t seed, uint64_t stream, uint64_t i, double lo, double hi) {
    double u = (double)(hb__rand_u64(seed, stream, i) >> 11) * 0x1p-53; /* [0, 1) */
    return lo + (hi - lo) * u;
}
