/* hetbench — stream on OpenCL: STREAM's copy, scale, add and triad (McCalpin). T is the
 * element type, set at build time (-DT=float or -DT=double; double builds add -DHB_FP64).
 * Each work-item handles VW consecutive elements (-DVW=1, 2, 4, 8 or 16; 1 by default) with
 * vector loads and stores; the last work-item finishes a tail shorter than VW element by
 * element. Where the compiler has __builtin_nontemporal_store (clang-based compilers, e.g.
 * PoCL's) and -DHB_NT is given, stores are non-temporal — as the CPU base's streaming stores:
 * the written lines are not read first (no write-allocate), which STREAM's byte count assumes.
 * Same operations as the host reference in stream.c:
 *   copy c = a, scale b = s*c, add c = a + b, triad a = b + s*c. */
#ifdef HB_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#ifndef T
#define T float
#endif
#ifndef VW
#define VW 1
#endif

#define HB_CAT2(a, b) a##b
#define HB_CAT(a, b) HB_CAT2(a, b)
#if VW == 1
#define VT T
#else
#define VT HB_CAT(T, VW)
#endif

#if defined(HB_NT) && defined(__has_builtin)
#if __has_builtin(__builtin_nontemporal_store)
#define HB_STORE(v, p) __builtin_nontemporal_store((v), (p))
#define HB_NT_USED 1
#endif
#endif
#ifndef HB_STORE
#define HB_STORE(v, p) (*(p) = (v))
#define HB_NT_USED 0
#endif

/* tells the host whether this build really uses non-temporal stores */
__kernel void stream_nt_probe(__global int *out) { out[0] = HB_NT_USED; }

#define V(p, i) (*(__global VT *)((p) + (i)))
#define CV(p, i) (*(__global const VT *)((p) + (i)))

__kernel void stream_copy(__global const T *restrict a, __global T *restrict c, ulong n) {
    ulong i = (ulong)get_global_id(0) * VW;
    if (i + VW <= n) {
        HB_STORE(CV(a, i), &V(c, i));
    } else {
        for (; i < n; i++) c[i] = a[i];
    }
}

__kernel void stream_scale(__global T *restrict b, __global const T *restrict c, T s, ulong n) {
    ulong i = (ulong)get_global_id(0) * VW;
    if (i + VW <= n) {
        HB_STORE(s * CV(c, i), &V(b, i));
    } else {
        for (; i < n; i++) b[i] = s * c[i];
    }
}

__kernel void stream_add(__global const T *restrict a, __global const T *restrict b,
                         __global T *restrict c, ulong n) {
    ulong i = (ulong)get_global_id(0) * VW;
    if (i + VW <= n) {
        HB_STORE(CV(a, i) + CV(b, i), &V(c, i));
    } else {
        for (; i < n; i++) c[i] = a[i] + b[i];
    }
}

__kernel void stream_triad(__global T *restrict a, __global const T *restrict b,
                           __global const T *restrict c, T s, ulong n) {
    ulong i = (ulong)get_global_id(0) * VW;
    if (i + VW <= n) {
        HB_STORE(CV(b, i) + s * CV(c, i), &V(a, i));
    } else {
        for (; i < n; i++) a[i] = b[i] + s * c[i];
    }
}
