/* hetbench — latency: the smallest useful kernel, one work item writes one int
 * (see kernels/latency/latency.c). */
/* each launch folds into the previous launch's value: a skipped launch changes the result */
__kernel void hb_latency(__global uint *out, uint value) {
    size_t i = get_global_id(0);
    out[i] = out[i] * 31u + value + (uint)i;
}
