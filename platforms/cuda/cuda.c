/* hetbench — the CUDA platform: every GPU the CUDA runtime lists, device ids "cuda:N".
 *
 * Discovery (platform init) only asks the runtime questions that create no context:
 * cudaGetDeviceCount, cudaGetDeviceProperties, cudaDeviceGetAttribute. A machine without the
 * NVIDIA driver (cudaErrorInsufficientDriver: the runtime finds no libcuda.so.1, or an older
 * one) or without a GPU (cudaErrorNoDevice, also what CUDA_VISIBLE_DEVICES=-1 gives) is not an
 * error: the platform registers with 0 devices and its "status" property says why.
 *
 * A device's context, stream and library handles (cuBLAS, cuBLASLt, cuSOLVER) are created on
 * first use by an implementation's setup, and destroyed at fini. */
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/cuda/cuda.h"

#ifndef HB_CUDA_ARCHITECTURES
#define HB_CUDA_ARCHITECTURES "?"
#endif
#ifndef HB_CUDA_COMPILER_VERSION
#define HB_CUDA_COMPILER_VERSION "?"
#endif

typedef struct cuda_ctx {
    hb__cuda_device *devs;
    int ndevs;
    int runtime_version, driver_version;
    char status[512];
} cuda_ctx;

/* ---- error texts ---- */

void hb__cuda_error_text(cudaError_t e, char *out, size_t n) {
    const char *name = cudaGetErrorName(e), *text = cudaGetErrorString(e);
    snprintf(out, n, "%s (%d): %s", name ? name : "unknown CUDA error", (int)e, text ? text : "?");
}

void hb__cublas_status_text(cublasStatus_t s, char *out, size_t n) {
    const char *name = cublasGetStatusName(s);
    snprintf(out, n, "%s (%d)", name ? name : "unknown cuBLAS status", (int)s);
}

void hb__cusolver_status_text(cusolverStatus_t s, char *out, size_t n) {
    const char *name;
    switch (s) {
#define S(x)                                                                                       \
    case x:                                                                                        \
        name = #x;                                                                                 \
        break;
        S(CUSOLVER_STATUS_SUCCESS)
        S(CUSOLVER_STATUS_NOT_INITIALIZED)
        S(CUSOLVER_STATUS_ALLOC_FAILED)
        S(CUSOLVER_STATUS_INVALID_VALUE)
        S(CUSOLVER_STATUS_ARCH_MISMATCH)
        S(CUSOLVER_STATUS_EXECUTION_FAILED)
        S(CUSOLVER_STATUS_INTERNAL_ERROR)
        S(CUSOLVER_STATUS_MATRIX_TYPE_NOT_SUPPORTED)
        S(CUSOLVER_STATUS_NOT_SUPPORTED)
        S(CUSOLVER_STATUS_INVALID_WORKSPACE)
#undef S
    default:
        name = "unknown cuSOLVER status";
        break;
    }
    snprintf(out, n, "%s (%d)", name, (int)s);
}

static hb_status fail_text(const hb__cuda_device *cd, const char *what, const char *text, char *err,
                           size_t n) {
    if (err && n) hb__set_err(err, n, "%s on %s: %s", what, cd ? cd->name : "CUDA", text);
    hb__note_error("%s on %s: %s", what, cd ? cd->name : "CUDA", text);
    return HB_E_RUNTIME;
}

hb_status hb__cuda_fail(const hb__cuda_device *cd, cudaError_t e, const char *what, char *err,
                        size_t n) {
    char text[256];
    hb__cuda_error_text(e, text, sizeof text);
    (void)cudaGetLastError(); /* a non-sticky error must not be reported again by the next call */
    return fail_text(cd, what, text, err, n);
}

hb_status hb__cublas_fail(const hb__cuda_device *cd, cublasStatus_t s, const char *what, char *err,
                          size_t n) {
    char text[96];
    hb__cublas_status_text(s, text, sizeof text);
    (void)cudaGetLastError();
    return fail_text(cd, what, text, err, n);
}

hb_status hb__cusolver_fail(const hb__cuda_device *cd, cusolverStatus_t s, const char *what,
                            char *err, size_t n) {
    char text[96];
    hb__cusolver_status_text(s, text, sizeof text);
    (void)cudaGetLastError();
    return fail_text(cd, what, text, err, n);
}

/* ---- devices ---- */

static hb_status cuda_init(void **pctx, const hb_platform_config *cfg, char *err, size_t n);

hb__cuda_device *hb__cuda_dev(const hb_device *d) {
    if (!d || !d->platform || !d->pctx || !d->platform->name ||
        strcmp(d->platform->name, "cuda") != 0 || d->platform->init != cuda_init)
        return NULL;
    cuda_ctx *c = d->pctx;
    if (d->index < 0 || d->index >= c->ndevs) return NULL;
    return &c->devs[d->index];
}

static int attr(int dev, enum cudaDeviceAttr a) {
    int v = 0;
    if (cudaDeviceGetAttribute(&v, a, dev) != cudaSuccess) {
        (void)cudaGetLastError();
        v = 0;
    }
    return v;
}

/* Fills the device's facts without creating a context; 0 on success. */
static int probe_device(hb__cuda_device *cd, int ordinal, char *why, size_t n) {
    memset(cd, 0, sizeof *cd);
    cd->ordinal = ordinal;
    struct cudaDeviceProp p;
    memset(&p, 0, sizeof p);
    cudaError_t e = cudaGetDeviceProperties(&p, ordinal);
    if (e != cudaSuccess) {
        char text[256];
        hb__cuda_error_text(e, text, sizeof text);
        (void)cudaGetLastError();
        snprintf(why, n, "cudaGetDeviceProperties(%d): %s", ordinal, text);
        return -1;
    }
    p.name[sizeof p.name - 1] = 0;
    snprintf(cd->name, sizeof cd->name, "%.127s", p.name[0] ? p.name : "unknown NVIDIA GPU");
    cd->cc_major = p.major, cd->cc_minor = p.minor;
    cd->sm_count = p.multiProcessorCount;
    cd->total_mem = p.totalGlobalMem;
    cd->l2_bytes = p.l2CacheSize;
    cd->smem_per_sm = p.sharedMemPerMultiprocessor;
    cd->smem_optin = p.sharedMemPerBlockOptin;
    cd->bus_width = p.memoryBusWidth;
    cd->ecc = p.ECCEnabled;
    cd->integrated = p.integrated;
    cd->async_engines = p.asyncEngineCount;
    cd->pci_ids = p.gpuPciDeviceID;
    /* clocks left cudaDeviceProp in CUDA 13: attributes (kHz) */
    cd->clock_khz = attr(ordinal, cudaDevAttrClockRate);
    cd->mem_clock_khz = attr(ordinal, cudaDevAttrMemoryClockRate);
    cd->timeout = attr(ordinal, cudaDevAttrKernelExecTimeout);
    /* the form sysfs and the NVML meter use (function 0: a GPU is function 0) */
    snprintf(cd->pci_bus_id, sizeof cd->pci_bus_id, "%04x:%02x:%02x.0",
             (unsigned)p.pciDomainID & 0xffffu, (unsigned)p.pciBusID & 0xffu,
             (unsigned)p.pciDeviceID & 0x1fu);
    const unsigned char *u = (const unsigned char *)p.uuid.bytes;
    snprintf(cd->uuid, sizeof cd->uuid,
             "GPU-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
             u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
             u[15]);
    pthread_mutex_init(&cd->lock, NULL);
    return 0;
}

static void release_device(hb__cuda_device *cd) {
    if (cd->ready) {
        /* the handles belong to this device's context */
        if (cudaSetDevice(cd->ordinal) != cudaSuccess) (void)cudaGetLastError();
        if (cd->cusolver) cusolverDnDestroy(cd->cusolver);
        if (cd->cublaslt) cublasLtDestroy(cd->cublaslt);
        if (cd->cublas) cublasDestroy(cd->cublas);
        if (cd->stream) cudaStreamDestroy(cd->stream);
        (void)cudaGetLastError();
    }
    cd->cusolver = NULL, cd->cublaslt = NULL, cd->cublas = NULL, cd->stream = NULL;
    cd->ready = 0;
    pthread_mutex_destroy(&cd->lock);
}

static void version_text(int v, char *out, size_t n) {
    if (v <= 0)
        snprintf(out, n, "none");
    else
        snprintf(out, n, "%d.%d", v / 1000, (v % 1000) / 10);
}

static hb_status cuda_init(void **pctx, const hb_platform_config *cfg, char *err, size_t n) {
    (void)cfg, (void)err, (void)n;
    cuda_ctx *c = calloc(1, sizeof *c);
    if (!c) return HB_E_NOMEM;
    *pctx = c;
    if (cudaRuntimeGetVersion(&c->runtime_version) != cudaSuccess) c->runtime_version = 0;
    /* 0 (and success) when no driver is installed */
    if (cudaDriverGetVersion(&c->driver_version) != cudaSuccess) c->driver_version = 0;
    (void)cudaGetLastError();
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count <= 0) {
        char text[256];
        hb__cuda_error_text(e, text, sizeof text);
        (void)cudaGetLastError();
        /* short enough for a property value (160 bytes) */
        const char *hint = e == cudaErrorInsufficientDriver
                               ? "no NVIDIA driver (libcuda.so.1), or one older than the runtime"
                           : e == cudaErrorNoDevice
                               ? "the driver sees no GPU, or CUDA_VISIBLE_DEVICES hides them"
                               : NULL;
        if (e == cudaSuccess)
            snprintf(c->status, sizeof c->status, "no CUDA device (cudaGetDeviceCount: 0)");
        else if (hint)
            snprintf(c->status, sizeof c->status,
                     "no CUDA device: %s (%d) from cudaGetDeviceCount — %s", cudaGetErrorName(e),
                     (int)e, hint);
        else
            snprintf(c->status, sizeof c->status, "no CUDA device: cudaGetDeviceCount: %s", text);
        return HB_OK;
    }
    c->devs = calloc((size_t)count, sizeof *c->devs);
    if (!c->devs) return HB_OK;
    for (int i = 0; i < count; i++) {
        char why[320] = "";
        if (probe_device(&c->devs[c->ndevs], i, why, sizeof why) == 0) {
            c->ndevs++;
        } else {
            size_t len = strlen(c->status);
            snprintf(c->status + len, sizeof c->status - len, "%s%s", len ? "; " : "", why);
        }
    }
    if (!c->status[0]) snprintf(c->status, sizeof c->status, "ok");
    return HB_OK;
}

static void cuda_fini(void *pctx) {
    cuda_ctx *c = pctx;
    if (!c) return;
    for (int i = 0; i < c->ndevs; i++) release_device(&c->devs[i]);
    free(c->devs);
    free(c);
}

static int cuda_device_count(void *pctx) {
    return pctx ? ((cuda_ctx *)pctx)->ndevs : 0;
}

/* The tensor-core input formats of a compute capability (what cuBLAS can run there). */
static void tensor_formats(const hb__cuda_device *cd, char *out, size_t n) {
    int cc = cd->cc_major * 10 + cd->cc_minor;
    snprintf(out, n, "%s%s%s%s%s", cc >= 80 ? "f64,tf32,bf16," : "", cc >= 70 ? "f16," : "",
             cc >= 75 ? "i8," : "", cc >= 89 ? "fp8-e4m3," : "", "");
    size_t len = strlen(out);
    if (len && out[len - 1] == ',') out[len - 1] = 0;
    if (!out[0]) snprintf(out, n, "none");
}

static hb_status cuda_device_info(void *pctx, int index, hb_device_info *o) {
    cuda_ctx *c = pctx;
    if (!c || index < 0 || index >= c->ndevs) return HB_E_INVALID;
    const hb__cuda_device *cd = &c->devs[index];
    snprintf(o->id, sizeof o->id, "cuda:%d", cd->ordinal);
    snprintf(o->name, sizeof o->name, "%s", cd->name);
    snprintf(o->vendor, sizeof o->vendor, "NVIDIA");
    snprintf(o->type, sizeof o->type, "gpu");
    o->compute_units = cd->sm_count;
    o->mem_bytes = cd->total_mem;
    o->llc_bytes_total = cd->l2_bytes > 0 ? (uint64_t)cd->l2_bytes : 0;
    char buf[96];
    hb__prop_text(o, "device_name", cd->name);
    snprintf(buf, sizeof buf, "%d.%d", cd->cc_major, cd->cc_minor);
    hb__prop_text(o, "compute_capability", buf);
    hb__prop_num(o, "sm_count", cd->sm_count);
    hb__prop_num(o, "clock_mhz", cd->clock_khz / 1000.0);
    hb__prop_num(o, "memory_clock_mhz", cd->mem_clock_khz / 1000.0);
    hb__prop_num(o, "memory_bus_width_bits", cd->bus_width);
    /* double data rate: 2 transfers per clock over the bus */
    hb__prop_num(o, "memory_bandwidth_theoretical_gbs",
                 2.0 * cd->mem_clock_khz * 1e3 * (cd->bus_width / 8.0) * 1e-9);
    hb__prop_num(o, "global_mem", (double)cd->total_mem);
    hb__prop_num(o, "l2_cache", (double)cd->l2_bytes);
    hb__prop_num(o, "shared_mem_per_sm", (double)cd->smem_per_sm);
    hb__prop_num(o, "shared_mem_per_block_optin", (double)cd->smem_optin);
    hb__prop_text(o, "pci_bus_id", cd->pci_bus_id);
    snprintf(buf, sizeof buf, "0x%04x", cd->pci_ids & 0xffffu);
    hb__prop_text(o, "pci_vendor_id", buf);
    snprintf(buf, sizeof buf, "0x%04x", (cd->pci_ids >> 16) & 0xffffu);
    hb__prop_text(o, "pci_device_id", buf);
    hb__prop_text(o, "uuid", cd->uuid);
    version_text(c->driver_version, buf, sizeof buf);
    hb__prop_text(o, "driver_version", buf);
    version_text(c->runtime_version, buf, sizeof buf);
    hb__prop_text(o, "runtime_version", buf);
    hb__prop_num(o, "cuda_ordinal", cd->ordinal);
    hb__prop_text(o, "ecc", cd->ecc ? "on" : "off");
    hb__prop_text(o, "integrated", cd->integrated ? "yes" : "no");
    hb__prop_text(o, "kernel_timeout", cd->timeout ? "yes (display watchdog)" : "no");
    hb__prop_num(o, "async_copy_engines", cd->async_engines);
    tensor_formats(cd, buf, sizeof buf);
    hb__prop_text(o, "tensor_core_formats", buf);
    hb__prop_text(o, "fp64", "yes");
    hb__prop_text(o, "fp16", "yes");
    hb__prop_num(o, "timer_resolution_ns", 500); /* cudaEventElapsedTime: ~0.5 µs */
    return HB_OK;
}

static int cuda_platform_props(void *pctx, hb_prop *props, int max) {
    cuda_ctx *c = pctx;
    char rt[16], drv[16], cublas[32], lt[32], solver[32];
    version_text(c ? c->runtime_version : 0, rt, sizeof rt);
    version_text(c ? c->driver_version : 0, drv, sizeof drv);
    int ma = 0, mi = 0, pa = 0;
    if (cublasGetProperty(MAJOR_VERSION, &ma) == CUBLAS_STATUS_SUCCESS &&
        cublasGetProperty(MINOR_VERSION, &mi) == CUBLAS_STATUS_SUCCESS &&
        cublasGetProperty(PATCH_LEVEL, &pa) == CUBLAS_STATUS_SUCCESS)
        snprintf(cublas, sizeof cublas, "%d.%d.%d", ma, mi, pa);
    else
        snprintf(cublas, sizeof cublas, "?");
    size_t ltv = cublasLtGetVersion(); /* major·10000 + minor·100 + patch */
    snprintf(lt, sizeof lt, "%zu.%zu.%zu", ltv / 10000, (ltv / 100) % 100, ltv % 100);
    if (cusolverGetProperty(MAJOR_VERSION, &ma) == CUSOLVER_STATUS_SUCCESS &&
        cusolverGetProperty(MINOR_VERSION, &mi) == CUSOLVER_STATUS_SUCCESS &&
        cusolverGetProperty(PATCH_LEVEL, &pa) == CUSOLVER_STATUS_SUCCESS)
        snprintf(solver, sizeof solver, "%d.%d.%d", ma, mi, pa);
    else
        snprintf(solver, sizeof solver, "?");
    const char *vis = getenv("CUDA_VISIBLE_DEVICES");
    const char *kv[][2] = {{"status", c ? c->status : "not initialised"},
                           {"runtime_version", rt},
                           {"driver_version", drv},
                           {"cublas_version", cublas},
                           {"cublaslt_version", lt},
                           {"cusolver_version", solver},
                           {"cuda_architectures", HB_CUDA_ARCHITECTURES},
                           {"nvcc_version", HB_CUDA_COMPILER_VERSION},
                           {"cuda_visible_devices", vis ? vis : "(unset)"}};
    int k = 0;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && k < max; i++, k++) {
        snprintf(props[k].key, sizeof props[k].key, "%s", kv[i][0]);
        snprintf(props[k].value, sizeof props[k].value, "%s", kv[i][1]);
        props[k].is_number = 0;
    }
    if (k < max) {
        snprintf(props[k].key, sizeof props[k].key, "devices");
        snprintf(props[k].value, sizeof props[k].value, "%d", c ? c->ndevs : 0);
        props[k].number = c ? c->ndevs : 0;
        props[k].is_number = 1;
        k++;
    }
    return k;
}

/* ---- context, stream, library handles ---- */

/* The runtime starts helper threads when it creates a context, and they inherit the calling
   thread's affinity: the CPU platform has bound this thread to one core. As for OpenCL, the
   thread gets the process's usable CPUs while the context is created. */
static cudaError_t create_context(hb__cuda_device *cd) {
    hwloc_topology_t topo = hb__topology();
    hwloc_bitmap_t saved = topo ? hwloc_bitmap_alloc() : NULL;
    int rebind =
        saved && hb__usable_cpuset() && hwloc_get_cpubind(topo, saved, HWLOC_CPUBIND_THREAD) == 0 &&
        hwloc_set_cpubind(topo, (hwloc_const_cpuset_t)hb__usable_cpuset(), HWLOC_CPUBIND_THREAD) ==
            0;
    cudaError_t e = cudaSetDevice(cd->ordinal);
    if (e == cudaSuccess) e = cudaFree(NULL); /* the primary context, now */
    if (e == cudaSuccess) e = cudaStreamCreateWithFlags(&cd->stream, cudaStreamNonBlocking);
    if (rebind) hwloc_set_cpubind(topo, saved, HWLOC_CPUBIND_THREAD);
    if (saved) hwloc_bitmap_free(saved);
    return e;
}

hb_status hb__cuda_use(hb__cuda_device *cd, char *err, size_t n) {
    if (!cd) {
        hb__set_err(err, n, "not a CUDA device");
        return HB_E_INVALID;
    }
    pthread_mutex_lock(&cd->lock);
    cudaError_t e = cudaSuccess;
    if (!cd->ready) {
        e = create_context(cd);
        if (e == cudaSuccess) cd->ready = 1;
    } else {
        e = cudaSetDevice(cd->ordinal);
    }
    pthread_mutex_unlock(&cd->lock);
    if (e != cudaSuccess) return hb__cuda_fail(cd, e, "creating the context and stream", err, n);
    return HB_OK;
}

hb_status hb__cuda_cublas(hb__cuda_device *cd, cublasHandle_t *out, char *err, size_t n) {
    hb_status st = hb__cuda_use(cd, err, n);
    if (st != HB_OK) return st;
    pthread_mutex_lock(&cd->lock);
    cublasStatus_t s = CUBLAS_STATUS_SUCCESS;
    const char *what = "cublasCreate";
    if (!cd->cublas) {
        cublasHandle_t h = NULL;
        s = cublasCreate(&h);
        if (s == CUBLAS_STATUS_SUCCESS) {
            what = "cublasSetStream";
            s = cublasSetStream(h, cd->stream);
            if (s == CUBLAS_STATUS_SUCCESS)
                cd->cublas = h;
            else
                cublasDestroy(h);
        }
    }
    *out = cd->cublas;
    pthread_mutex_unlock(&cd->lock);
    if (s != CUBLAS_STATUS_SUCCESS) return hb__cublas_fail(cd, s, what, err, n);
    return HB_OK;
}

hb_status hb__cuda_cublaslt(hb__cuda_device *cd, cublasLtHandle_t *out, char *err, size_t n) {
    hb_status st = hb__cuda_use(cd, err, n);
    if (st != HB_OK) return st;
    pthread_mutex_lock(&cd->lock);
    cublasStatus_t s = CUBLAS_STATUS_SUCCESS;
    if (!cd->cublaslt) s = cublasLtCreate(&cd->cublaslt);
    if (s != CUBLAS_STATUS_SUCCESS) cd->cublaslt = NULL;
    *out = cd->cublaslt;
    pthread_mutex_unlock(&cd->lock);
    if (s != CUBLAS_STATUS_SUCCESS) return hb__cublas_fail(cd, s, "cublasLtCreate", err, n);
    return HB_OK;
}

hb_status hb__cuda_cusolver(hb__cuda_device *cd, cusolverDnHandle_t *out, char *err, size_t n) {
    hb_status st = hb__cuda_use(cd, err, n);
    if (st != HB_OK) return st;
    pthread_mutex_lock(&cd->lock);
    cusolverStatus_t s = CUSOLVER_STATUS_SUCCESS;
    const char *what = "cusolverDnCreate";
    if (!cd->cusolver) {
        cusolverDnHandle_t h = NULL;
        s = cusolverDnCreate(&h);
        if (s == CUSOLVER_STATUS_SUCCESS) {
            what = "cusolverDnSetStream";
            s = cusolverDnSetStream(h, cd->stream);
            if (s == CUSOLVER_STATUS_SUCCESS)
                cd->cusolver = h;
            else
                cusolverDnDestroy(h);
        }
    }
    *out = cd->cusolver;
    pthread_mutex_unlock(&cd->lock);
    if (s != CUSOLVER_STATUS_SUCCESS) return hb__cusolver_fail(cd, s, what, err, n);
    return HB_OK;
}

/* ---- memory ---- */

hb_status hb__cuda_alloc(hb__cuda_device *cd, size_t bytes, void **out, const char *what, char *err,
                         size_t n) {
    *out = NULL;
    hb_status st = hb__cuda_use(cd, err, n);
    if (st != HB_OK) return st;
    size_t free_b = 0, total_b = 0;
    if (cudaMemGetInfo(&free_b, &total_b) != cudaSuccess) {
        (void)cudaGetLastError();
        free_b = total_b = 0;
    }
    if (total_b && bytes > free_b) {
        hb__set_err(err, n, "%s: %.3g GB of device memory needed, %.3g GB free of %.3g GB on %s",
                    what, (double)bytes * 1e-9, (double)free_b * 1e-9, (double)total_b * 1e-9,
                    cd->name);
        return HB_SKIPPED;
    }
    cudaError_t e = cudaMalloc(out, bytes ? bytes : 1);
    if (e == cudaErrorMemoryAllocation) {
        (void)cudaGetLastError();
        *out = NULL;
        hb__set_err(err, n, "%s: cudaMalloc(%zu bytes) on %s: out of device memory", what, bytes,
                    cd->name);
        return HB_SKIPPED;
    }
    if (e != cudaSuccess) {
        *out = NULL;
        char w[160];
        snprintf(w, sizeof w, "%s: cudaMalloc(%zu bytes)", what, bytes);
        return hb__cuda_fail(cd, e, w, err, n);
    }
    return HB_OK;
}

void hb__cuda_free(void *p) {
    if (p && cudaFree(p) != cudaSuccess) (void)cudaGetLastError();
}

static hb_status copy(hb__cuda_device *cd, void *dst, const void *src, size_t bytes,
                      enum cudaMemcpyKind kind, char *err, size_t n) {
    if (!bytes) return HB_OK;
    cudaError_t e = cudaMemcpyAsync(dst, src, bytes, kind, cd->stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize(cd->stream);
    if (e == cudaSuccess) return HB_OK;
    char w[96];
    snprintf(w, sizeof w, "cudaMemcpyAsync %s (%zu bytes)",
             kind == cudaMemcpyHostToDevice ? "host to device" : "device to host", bytes);
    return hb__cuda_fail(cd, e, w, err, n);
}

hb_status hb__cuda_h2d(hb__cuda_device *cd, void *dst, const void *src, size_t bytes, char *err,
                       size_t n) {
    return copy(cd, dst, src, bytes, cudaMemcpyHostToDevice, err, n);
}

hb_status hb__cuda_d2h(hb__cuda_device *cd, void *dst, const void *src, size_t bytes, char *err,
                       size_t n) {
    return copy(cd, dst, src, bytes, cudaMemcpyDeviceToHost, err, n);
}

/* ---- timers ---- */

hb_status hb__cuda_timer_create(hb__cuda_device *cd, hb__cuda_timer *t, char *err, size_t n) {
    memset(t, 0, sizeof *t);
    cudaError_t e = cudaEventCreate(&t->start);
    if (e == cudaSuccess) e = cudaEventCreate(&t->stop);
    if (e != cudaSuccess) {
        hb__cuda_timer_destroy(t);
        return hb__cuda_fail(cd, e, "cudaEventCreate", err, n);
    }
    return HB_OK;
}

void hb__cuda_timer_destroy(hb__cuda_timer *t) {
    if (t->start) cudaEventDestroy(t->start);
    if (t->stop) cudaEventDestroy(t->stop);
    t->start = t->stop = NULL;
    t->valid = 0;
}

cudaError_t hb__cuda_timer_start(hb__cuda_device *cd, hb__cuda_timer *t) {
    t->valid = 0;
    return cudaEventRecord(t->start, cd->stream);
}

cudaError_t hb__cuda_timer_stop(hb__cuda_device *cd, hb__cuda_timer *t) {
    cudaError_t e = cudaEventRecord(t->stop, cd->stream);
    if (e == cudaSuccess) e = cudaEventSynchronize(t->stop);
    t->valid = e == cudaSuccess;
    return e;
}

double hb__cuda_timer_seconds(const hb__cuda_timer *t) {
    if (!t->valid) return -1.0;
    float ms = 0.0f;
    if (cudaEventElapsedTime(&ms, t->start, t->stop) != cudaSuccess) {
        (void)cudaGetLastError();
        return -1.0;
    }
    /* shorter than the events can tell: no device time (the runner uses the host clock) */
    if (!(ms > 0.0f)) return -1.0;
    return (double)ms * 1e-3;
}

/* ---- the table ---- */

static const hb_impl *const g_all[] = {
    &hb__stream_cuda_base,  &hb__gemm_cuda_base, &hb__peak_cuda_base, &hb__transfer_cuda_base,
    &hb__latency_cuda_base, &hb__gemm_cuda_peak, &hb__lu_cuda_peak,   &hb__lu_cuda_base,
};
static hb_impl g_impls[sizeof g_all / sizeof g_all[0]];
static hb_platform g_platform;

static void build_table(void) {
    for (size_t i = 0; i < sizeof g_all / sizeof g_all[0]; i++) g_impls[i] = *g_all[i];
    g_platform = (hb_platform){
        .abi_version = HB_PLATFORM_ABI,
        .name = "cuda",
        .version = HB_VERSION_STRING,
        .init = cuda_init,
        .fini = cuda_fini,
        .device_count = cuda_device_count,
        .device_info = cuda_device_info,
        .platform_props = cuda_platform_props,
        .impls = g_impls,
        .nimpls = sizeof g_impls / sizeof g_impls[0],
    };
}

const hb_platform *hb__cuda_platform(void) {
    /* the implementation objects are in other translation units: copied once at run time */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_table);
    return &g_platform;
}
