/* hetbench — stream on OpenCL: STREAM's copy, scale, add and triad (McCalpin), one work-item
 * per element. T is the element type, set at build time (-DT=float or -DT=double; double
 * builds add -DHB_FP64). Same operations as the host reference in stream.c:
 *   copy c = a, scale b = s*c, add c = a + b, triad a = b + s*c. */
#ifdef HB_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#ifndef T
#define T float
#endif

__kernel void stream_copy(__global const T *restrict a, __global T *restrict c, ulong n) {
    size_t i = get_global_id(0);
    if (i < n) c[i] = a[i];
}

__kernel void stream_scale(__global T *restrict b, __global const T *restrict c, T s, ulong n) {
    size_t i = get_global_id(0);
    if (i < n) b[i] = s * c[i];
}

__kernel void stream_add(__global const T *restrict a, __global const T *restrict b,
                         __global T *restrict c, ulong n) {
    size_t i = get_global_id(0);
    if (i < n) c[i] = a[i] + b[i];
}

__kernel void stream_triad(__global T *restrict a, __global const T *restrict b,
                           __global const T *restrict c, T s, ulong n) {
    size_t i = get_global_id(0);
    if (i < n) a[i] = b[i] + s * c[i];
}
