/* hetbench — peak: 16 independent chains of `steps` dependent steps per work item (see
 * kernels/peak/peak.c for the recurrences and their exact host reference). Built with
 * -DHB_F64 / -DHB_F16 only on devices with cl_khr_fp64 / cl_khr_fp16. */

#define CH(OP) OP(0) OP(1) OP(2) OP(3) OP(4) OP(5) OP(6) OP(7) OP(8) OP(9) OP(10) OP(11) OP(12) OP(13) OP(14) OP(15)

#define PEAK_FLOAT_KERNEL(name, T)                                                                 \
    __kernel void name(__global const T *in, __global T *out, T a, T b, int steps, long n) {       \
        long i = get_global_id(0);                                                                 \
        if (i >= n) return;                                                                        \
        T x0 = in[i];                                                                              \
        CH(PEAK_DECL)                                                                              \
        for (int s = 0; s < steps; s++) {                                                          \
            CH(PEAK_STEP)                                                                          \
        }                                                                                          \
        T sum = (T)0;                                                                              \
        CH(PEAK_SUM)                                                                               \
        out[i] = sum;                                                                              \
    }
#define PEAK_DECL(c) T y##c = x0 + (T)(c) * (T)0.0625;
#define PEAK_STEP(c) y##c = fma(y##c, a, b);
#define PEAK_SUM(c) sum += y##c;

#define T float
PEAK_FLOAT_KERNEL(hb_peak_f32, float)
#undef T

#ifdef HB_F64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define T double
PEAK_FLOAT_KERNEL(hb_peak_f64, double)
#undef T
#endif

#ifdef HB_F16
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
/* half kernel arguments are not allowed: a and b come as floats (exact in half) */
__kernel void hb_peak_f16(__global const half *in, __global half *out, float af, float bf,
                          int steps, long n) {
    long i = get_global_id(0);
    if (i >= n) return;
    half a = (half)af, b = (half)bf;
    half x0 = in[i];
#define T half
    CH(PEAK_DECL)
    for (int s = 0; s < steps; s++) {
        CH(PEAK_STEP)
    }
    half sum = (half)0;
    CH(PEAK_SUM)
#undef T
    out[i] = sum;
}
#endif

/* integer chains, modulo 2^32 (unsigned: no overflow UB): ARGS are the recurrence's constants,
   STEP(c) advances chain c */
#define PEAK_INT_KERNEL(name, ARGS, STEP)                                                          \
    __kernel void name(__global const uint *in, __global uint *out, ARGS, int steps, long n) {     \
        long i = get_global_id(0);                                                                 \
        if (i >= n) return;                                                                        \
        uint x0 = in[i];                                                                           \
        CH(INT_DECL)                                                                               \
        for (int s = 0; s < steps; s++) {                                                          \
            CH(STEP)                                                                               \
        }                                                                                          \
        uint sum = 0;                                                                              \
        CH(PEAK_SUM)                                                                               \
        out[i] = sum;                                                                              \
    }
#define INT_DECL(c) uint y##c = x0 + (uint)(c) * 0x9E3779B9u;
#define COMMA ,

/* i32: x = x·a + b */
#define I32_STEP(c) y##c = y##c * a + b;
PEAK_INT_KERNEL(hb_peak_i32, uint a COMMA uint b, I32_STEP)

/* i8: acc += dot(the 4 bytes of acc as int8, w) */
#define I8_STEP(c)                                                                                 \
    {                                                                                              \
        char4 v = as_char4(y##c);                                                                  \
        y##c += (uint)(v.x * w.x + v.y * w.y + v.z * w.z + v.w * w.w);                             \
    }
PEAK_INT_KERNEL(hb_peak_i8, char4 w, I8_STEP)

#ifdef HB_PEAK_VW
/* CPU devices (-DHB_PEAK_VW = the device's native vector width for the type): HB_PEAK_VW
   consecutive elements per work item, and each of the 16 chains is one vector of them, so 16
   independent vector registers are in flight. With one element per work item, PoCL packs a
   work item's 16 scalar chains into ONE vector register (SLP) and does not vectorise across
   work items: a single dependent chain of vector FMAs, an eighth of the peak on a machine
   with two 4-cycle FMA pipes. Per element the arithmetic is exactly the scalar kernels', in
   the same order: the results are bit for bit the same. The last work item may hold a partial
   vector: its missing lanes compute on zeros and are not stored. */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define VLOAD CAT(vload, HB_PEAK_VW)
#define VSTORE CAT(vstore, HB_PEAK_VW)
#define VLOAD_IN(VT, T, x0)                                                                        \
    VT x0;                                                                                         \
    if (i0 + HB_PEAK_VW <= n) {                                                                    \
        x0 = VLOAD(0, in + i0);                                                                    \
    } else {                                                                                       \
        T t_[HB_PEAK_VW];                                                                          \
        for (int l = 0; l < HB_PEAK_VW; l++) t_[l] = i0 + l < n ? in[i0 + l] : (T)0;               \
        x0 = VLOAD(0, t_);                                                                         \
    }
#define VSTORE_OUT(T, sum)                                                                         \
    if (i0 + HB_PEAK_VW <= n) {                                                                    \
        VSTORE(sum, 0, out + i0);                                                                  \
    } else {                                                                                       \
        T t_[HB_PEAK_VW];                                                                          \
        VSTORE(sum, 0, t_);                                                                        \
        for (int l = 0; l < HB_PEAK_VW && i0 + l < n; l++) out[i0 + l] = t_[l];                    \
    }

#define PEAK_VFLOAT_KERNEL(name, T)                                                                \
    __kernel void name(__global const T *in, __global T *out, T as, T bs, int steps, long n) {     \
        long i0 = (long)get_global_id(0) * HB_PEAK_VW;                                             \
        if (i0 >= n) return;                                                                       \
        typedef CAT(T, HB_PEAK_VW) VT;                                                             \
        VT a = (VT)(as), b = (VT)(bs);                                                             \
        VLOAD_IN(VT, T, x0)                                                                        \
        CH(VF_DECL)                                                                                \
        for (int s = 0; s < steps; s++) {                                                          \
            CH(PEAK_STEP)                                                                          \
        }                                                                                          \
        VT sum = (VT)(0);                                                                          \
        CH(PEAK_SUM)                                                                               \
        VSTORE_OUT(T, sum)                                                                         \
    }
#define VF_DECL(c) VT y##c = x0 + (VT)((T)(c) * (T)0.0625);

#define T float
PEAK_VFLOAT_KERNEL(hb_peak_f32_v, float)
#undef T
#ifdef HB_F64
#define T double
PEAK_VFLOAT_KERNEL(hb_peak_f64_v, double)
#undef T
#endif

#define VU CAT(uint, HB_PEAK_VW)
#define VI CAT(int, HB_PEAK_VW)
#define PEAK_VINT_KERNEL(name, ARGS, PRE, STEP)                                                    \
    __kernel void name(__global const uint *in, __global uint *out, ARGS, int steps, long n) {     \
        long i0 = (long)get_global_id(0) * HB_PEAK_VW;                                             \
        if (i0 >= n) return;                                                                       \
        PRE                                                                                        \
        VLOAD_IN(VU, uint, x0)                                                                     \
        CH(VI_DECL)                                                                                \
        for (int s = 0; s < steps; s++) {                                                          \
            CH(STEP)                                                                               \
        }                                                                                          \
        VU sum = (VU)(0);                                                                          \
        CH(PEAK_SUM)                                                                               \
        VSTORE_OUT(uint, sum)                                                                      \
    }
#define VI_DECL(c) VU y##c = x0 + (VU)((uint)(c) * 0x9E3779B9u);

/* i32: y·a + b */
#define VI32_STEP(c) y##c = y##c * va + vb;
PEAK_VINT_KERNEL(hb_peak_i32_v, uint a COMMA uint b, VU va = (VU)(a); VU vb = (VU)(b);, VI32_STEP)

/* i8: byte j of y, sign-extended, is as_int(y << (24 − 8j)) >> 24 (arithmetic shift) */
#define VI8_STEP(c)                                                                                \
    {                                                                                              \
        VI d_ = (CAT(as_int, HB_PEAK_VW)(y##c << 24) >> 24) * w0 +                                 \
                (CAT(as_int, HB_PEAK_VW)(y##c << 16) >> 24) * w1 +                                 \
                (CAT(as_int, HB_PEAK_VW)(y##c << 8) >> 24) * w2 +                                  \
                (CAT(as_int, HB_PEAK_VW)(y##c) >> 24) * w3;                                        \
        y##c += CAT(as_uint, HB_PEAK_VW)(d_);                                                      \
    }
PEAK_VINT_KERNEL(hb_peak_i8_v, char4 w,
                 VI w0 = (VI)((int)w.x); VI w1 = (VI)((int)w.y); VI w2 = (VI)((int)w.z);
                 VI w3 = (VI)((int)w.w);, VI8_STEP)
#endif
