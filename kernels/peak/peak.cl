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
