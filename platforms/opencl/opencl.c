/* hetbench — the OpenCL platform: every device of every platform the ICD loader lists.
 *
 * Device ids are "opencl:P.D" (platform P of clGetPlatformIDs, device D of its
 * clGetDeviceIDs(CL_DEVICE_TYPE_ALL)). Each device gets one context and one in-order queue
 * with profiling enabled. A machine without an ICD loader configuration, without platforms or
 * without devices is not an error: the platform registers with 0 devices and says why in its
 * platform properties ("status").
 *
 * Programs are built once per (device, name, options[, replacement source]) and cached until
 * fini, so that no build ever lands in a timed window. */
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "platforms/opencl/ocl.h"

/* The implementations live beside their kernels and may not all be linked in (another
   kernel's OpenCL port may be missing from a build): weak references, only the present ones
   go into the table. */
extern const hb_impl hb__stream_ocl_base __attribute__((weak));
extern const hb_impl hb__gemm_ocl_base __attribute__((weak));
extern const hb_impl hb__peak_ocl_base __attribute__((weak));
extern const hb_impl hb__transfer_ocl_base __attribute__((weak));
extern const hb_impl hb__latency_ocl_base __attribute__((weak));
extern const hb_impl hb__lu_ocl_base __attribute__((weak));
extern const hb_impl hb__lu_ocl_peak __attribute__((weak));
#ifdef HB_HAVE_CLBLAST
extern const hb_impl hb__gemm_ocl_peak __attribute__((weak));
#endif

struct hb__ocl_program_entry {
    char *name, *options, *source; /* source: the replacement source, or NULL (embedded) */
    cl_program program;
    hb__ocl_program_entry *next;
};

typedef struct ocl_ctx {
    hb__ocl_device *devs;
    int ndevs;
    int nplatforms;
    char status[512];        /* "ok", or why there are no / fewer devices */
    char platform_list[160]; /* "Portable Computing Language; NVIDIA CUDA" */
} ocl_ctx;

const char *hb__ocl_error_name(cl_int e) {
    switch (e) {
#define E(x)                                                                                       \
    case x:                                                                                        \
        return #x;
        E(CL_SUCCESS)
        E(CL_DEVICE_NOT_FOUND)
        E(CL_DEVICE_NOT_AVAILABLE)
        E(CL_COMPILER_NOT_AVAILABLE)
        E(CL_MEM_OBJECT_ALLOCATION_FAILURE)
        E(CL_OUT_OF_RESOURCES)
        E(CL_OUT_OF_HOST_MEMORY)
        E(CL_PROFILING_INFO_NOT_AVAILABLE)
        E(CL_MEM_COPY_OVERLAP)
        E(CL_IMAGE_FORMAT_MISMATCH)
        E(CL_IMAGE_FORMAT_NOT_SUPPORTED)
        E(CL_BUILD_PROGRAM_FAILURE)
        E(CL_MAP_FAILURE)
        E(CL_MISALIGNED_SUB_BUFFER_OFFSET)
        E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST)
        E(CL_COMPILE_PROGRAM_FAILURE)
        E(CL_LINKER_NOT_AVAILABLE)
        E(CL_LINK_PROGRAM_FAILURE)
        E(CL_DEVICE_PARTITION_FAILED)
        E(CL_KERNEL_ARG_INFO_NOT_AVAILABLE)
        E(CL_INVALID_VALUE)
        E(CL_INVALID_DEVICE_TYPE)
        E(CL_INVALID_PLATFORM)
        E(CL_INVALID_DEVICE)
        E(CL_INVALID_CONTEXT)
        E(CL_INVALID_QUEUE_PROPERTIES)
        E(CL_INVALID_COMMAND_QUEUE)
        E(CL_INVALID_HOST_PTR)
        E(CL_INVALID_MEM_OBJECT)
        E(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR)
        E(CL_INVALID_IMAGE_SIZE)
        E(CL_INVALID_SAMPLER)
        E(CL_INVALID_BINARY)
        E(CL_INVALID_BUILD_OPTIONS)
        E(CL_INVALID_PROGRAM)
        E(CL_INVALID_PROGRAM_EXECUTABLE)
        E(CL_INVALID_KERNEL_NAME)
        E(CL_INVALID_KERNEL_DEFINITION)
        E(CL_INVALID_KERNEL)
        E(CL_INVALID_ARG_INDEX)
        E(CL_INVALID_ARG_VALUE)
        E(CL_INVALID_ARG_SIZE)
        E(CL_INVALID_KERNEL_ARGS)
        E(CL_INVALID_WORK_DIMENSION)
        E(CL_INVALID_WORK_GROUP_SIZE)
        E(CL_INVALID_WORK_ITEM_SIZE)
        E(CL_INVALID_GLOBAL_OFFSET)
        E(CL_INVALID_EVENT_WAIT_LIST)
        E(CL_INVALID_EVENT)
        E(CL_INVALID_OPERATION)
        E(CL_INVALID_GL_OBJECT)
        E(CL_INVALID_BUFFER_SIZE)
        E(CL_INVALID_MIP_LEVEL)
        E(CL_INVALID_GLOBAL_WORK_SIZE)
        E(CL_INVALID_PROPERTY)
        E(CL_INVALID_IMAGE_DESCRIPTOR)
        E(CL_INVALID_COMPILER_OPTIONS)
        E(CL_INVALID_LINKER_OPTIONS)
        E(CL_INVALID_DEVICE_PARTITION_COUNT)
#undef E
    case -1001:
        return "CL_PLATFORM_NOT_FOUND_KHR";
    default: {
        /* callers print the number next to the name */
        return "unknown CL error";
    }
    }
}

hb_status hb__ocl_fail(cl_int e, const char *what, char *err, size_t n) {
    hb__set_err(err, n, "%s: %s (%d)", what, hb__ocl_error_name(e), (int)e);
    hb__note_error("%s: %s (%d)", what, hb__ocl_error_name(e), (int)e);
    return HB_E_DEVICE;
}

/* ---- the platform's context (one per hb_context) ---- */

static hb_status ocl_init(void **pctx, const hb_platform_config *cfg, char *err, size_t n);

hb__ocl_device *hb__ocl_dev(const hb_device *d) {
    if (!d || !d->platform || !d->pctx || !d->platform->name ||
        strcmp(d->platform->name, "opencl") != 0 || d->platform->init != ocl_init)
        return NULL;
    ocl_ctx *c = d->pctx;
    if (d->index < 0 || d->index >= c->ndevs) return NULL;
    return &c->devs[d->index];
}

/* A string property, truncated to the buffer (clGetDeviceInfo refuses a short buffer). */
static void info_str(cl_device_id dev, cl_device_info what, char *out, size_t n) {
    out[0] = 0;
    size_t need = 0;
    if (clGetDeviceInfo(dev, what, 0, NULL, &need) != CL_SUCCESS || need == 0) return;
    char *tmp = malloc(need + 1);
    if (!tmp) return;
    if (clGetDeviceInfo(dev, what, need, tmp, NULL) == CL_SUCCESS) {
        tmp[need] = 0;
        snprintf(out, n, "%s", tmp);
    }
    free(tmp);
}

static void platform_str(cl_platform_id p, cl_platform_info what, char *out, size_t n) {
    out[0] = 0;
    size_t need = 0;
    if (clGetPlatformInfo(p, what, 0, NULL, &need) != CL_SUCCESS || need == 0) return;
    char *tmp = malloc(need + 1);
    if (!tmp) return;
    if (clGetPlatformInfo(p, what, need, tmp, NULL) == CL_SUCCESS) {
        tmp[need] = 0;
        snprintf(out, n, "%s", tmp);
    }
    free(tmp);
}

static int has_ext(const char *list, const char *ext) {
    size_t n = strlen(ext);
    for (const char *p = list; (p = strstr(p, ext)); p += n)
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == 0)) return 1;
    return 0;
}

#define HB_CL_DEVICE_PCI_BUS_INFO_KHR 0x410F
typedef struct {
    cl_uint domain, bus, device, function;
} hb_cl_pci_bus_info;

/* Fills the device's facts; 0 on success. */
static int probe_device(hb__ocl_device *od) {
    cl_device_id d = od->device;
    info_str(d, CL_DEVICE_NAME, od->name, sizeof od->name);
    info_str(d, CL_DEVICE_VENDOR, od->vendor, sizeof od->vendor);
    info_str(d, CL_DEVICE_VERSION, od->version, sizeof od->version);
    info_str(d, CL_DRIVER_VERSION, od->driver, sizeof od->driver);
    info_str(d, CL_DEVICE_OPENCL_C_VERSION, od->c_version, sizeof od->c_version);
    info_str(d, CL_DEVICE_EXTENSIONS, od->extensions, sizeof od->extensions);
    /* the flags from the whole list: a long one (some GPU drivers) does not fit the copy */
    char *all_ext = NULL;
    size_t ext_len = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, 0, NULL, &ext_len) == CL_SUCCESS && ext_len &&
        (all_ext = calloc(1, ext_len + 1)) &&
        clGetDeviceInfo(d, CL_DEVICE_EXTENSIONS, ext_len, all_ext, NULL) != CL_SUCCESS)
        all_ext[0] = 0;
    const char *ext = all_ext ? all_ext : od->extensions;
    platform_str(od->platform, CL_PLATFORM_NAME, od->platform_name, sizeof od->platform_name);
    if (clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof od->type, &od->type, NULL) != CL_SUCCESS)
        od->type = CL_DEVICE_TYPE_DEFAULT;
    (void)clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof(cl_uint), &od->compute_units,
                          NULL);
    (void)clGetDeviceInfo(d, CL_DEVICE_MAX_CLOCK_FREQUENCY, sizeof(cl_uint), &od->clock_mhz, NULL);
    (void)clGetDeviceInfo(d, CL_DEVICE_VENDOR_ID, sizeof(cl_uint), &od->vendor_id, NULL);
    (void)clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof(cl_ulong), &od->global_mem, NULL);
    (void)clGetDeviceInfo(d, CL_DEVICE_LOCAL_MEM_SIZE, sizeof(cl_ulong), &od->local_mem, NULL);
    (void)clGetDeviceInfo(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(cl_ulong), &od->max_alloc, NULL);
    (void)clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof(size_t), &od->max_wg, NULL);
    size_t res = 0;
    if (clGetDeviceInfo(d, CL_DEVICE_PROFILING_TIMER_RESOLUTION, sizeof res, &res, NULL) ==
        CL_SUCCESS)
        od->timer_resolution = (double)res * 1e-9;
    od->has_fp64 = has_ext(ext, "cl_khr_fp64");
    od->has_fp16 = has_ext(ext, "cl_khr_fp16");
    od->has_int8_dot = has_ext(ext, "cl_khr_integer_dot_product");
    int has_pci = has_ext(ext, "cl_khr_pci_bus_info");
    free(all_ext);
    od->pci_bus_id[0] = 0;
    if (has_pci) {
        hb_cl_pci_bus_info pci;
        if (clGetDeviceInfo(d, HB_CL_DEVICE_PCI_BUS_INFO_KHR, sizeof pci, &pci, NULL) == CL_SUCCESS)
            snprintf(od->pci_bus_id, sizeof od->pci_bus_id, "%04x:%02x:%02x.%x",
                     pci.domain & 0xffffu, pci.bus & 0xffu, pci.device & 0xffu,
                     pci.function & 0xfu);
    }
    if (!od->max_wg) od->max_wg = 1;
    return 0;
}

static void release_device(hb__ocl_device *od) {
    for (hb__ocl_program_entry *e = od->programs, *next; e; e = next) {
        next = e->next;
        if (e->program) clReleaseProgram(e->program);
        free(e->name), free(e->options), free(e->source), free(e);
    }
    od->programs = NULL;
    if (od->queue) clReleaseCommandQueue(od->queue);
    if (od->context) clReleaseContext(od->context);
    od->queue = NULL, od->context = NULL;
    pthread_mutex_destroy(&od->lock);
}

static void add_status(ocl_ctx *c, const char *fmt, const char *a, const char *b, cl_int e) {
    size_t len = strlen(c->status);
    if (len + 4 >= sizeof c->status) return;
    if (len) snprintf(c->status + len, sizeof c->status - len, "; ");
    len = strlen(c->status);
    char what[320];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(c->status + len, sizeof c->status - len, "%s: %s (%d)", what, hb__ocl_error_name(e),
             (int)e);
}

static hb_status ocl_init_devices(void **pctx);

/* Runtimes that run kernels on the host CPUs (PoCL) start their worker threads while the
   platform initialises, and those inherit the calling thread's affinity: the CPU platform has
   already bound this thread to one core, which would confine a CPU OpenCL device to that core
   (measured here: half the GEMM rate). The thread is given the process's usable CPUs for the
   initialisation, then its binding is restored. */
static hb_status ocl_init(void **pctx, const hb_platform_config *cfg, char *err, size_t n) {
    (void)cfg, (void)err, (void)n;
    hwloc_topology_t topo = hb__topology();
    hwloc_bitmap_t saved = topo ? hwloc_bitmap_alloc() : NULL;
    int rebind =
        saved && hb__usable_cpuset() && hwloc_get_cpubind(topo, saved, HWLOC_CPUBIND_THREAD) == 0 &&
        hwloc_set_cpubind(topo, (hwloc_const_cpuset_t)hb__usable_cpuset(), HWLOC_CPUBIND_THREAD) ==
            0;
    hb_status s = ocl_init_devices(pctx);
    if (rebind) hwloc_set_cpubind(topo, saved, HWLOC_CPUBIND_THREAD);
    if (saved) hwloc_bitmap_free(saved);
    return s;
}

static hb_status ocl_init_devices(void **pctx) {
    ocl_ctx *c = calloc(1, sizeof *c);
    if (!c) return HB_E_NOMEM;
    *pctx = c;
    cl_uint np = 0;
    cl_int e = clGetPlatformIDs(0, NULL, &np);
    if (e != CL_SUCCESS || np == 0) {
        /* -1001: the ICD loader found no vendor file (/etc/OpenCL/vendors, OCL_ICD_VENDORS) */
        if (e != CL_SUCCESS)
            add_status(c, "no OpenCL platform (clGetPlatformIDs%s%s)", "", "", e);
        else
            snprintf(c->status, sizeof c->status, "no OpenCL platform (the ICD loader lists none)");
        return HB_OK;
    }
    cl_platform_id *plats = calloc(np, sizeof *plats);
    if (!plats) return HB_OK;
    if ((e = clGetPlatformIDs(np, plats, NULL)) != CL_SUCCESS) {
        add_status(c, "clGetPlatformIDs%s%s", "", "", e);
        free(plats);
        return HB_OK;
    }
    c->nplatforms = (int)np;
    for (cl_uint p = 0; p < np; p++) {
        char pname[128];
        platform_str(plats[p], CL_PLATFORM_NAME, pname, sizeof pname);
        if (!pname[0]) snprintf(pname, sizeof pname, "platform %u", p);
        size_t len = strlen(c->platform_list);
        snprintf(c->platform_list + len, sizeof c->platform_list - len, "%s%s", len ? "; " : "",
                 pname);
        cl_uint nd = 0;
        e = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 0, NULL, &nd);
        if (e != CL_SUCCESS || nd == 0) {
            /* PoCL says CL_DEVICE_NOT_FOUND when its cache directory is unwritable */
            add_status(c, "%s: no devices%s", pname,
                       e == CL_DEVICE_NOT_FOUND ? " (PoCL: is POCL_CACHE_DIR writable?)" : "", e);
            continue;
        }
        cl_device_id *ids = calloc(nd, sizeof *ids);
        hb__ocl_device *grown = realloc(c->devs, (size_t)(c->ndevs + (int)nd) * sizeof *grown);
        if (!ids || !grown) {
            free(ids);
            if (grown) c->devs = grown;
            break;
        }
        c->devs = grown;
        if ((e = clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, nd, ids, NULL)) != CL_SUCCESS) {
            add_status(c, "%s: clGetDeviceIDs%s", pname, "", e);
            free(ids);
            continue;
        }
        for (cl_uint i = 0; i < nd; i++) {
            hb__ocl_device *od = &c->devs[c->ndevs];
            memset(od, 0, sizeof *od);
            od->platform = plats[p];
            od->device = ids[i];
            od->platform_index = (int)p;
            od->device_index = (int)i;
            probe_device(od);
            cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)plats[p],
                                             0};
            od->context = clCreateContext(props, 1, &ids[i], NULL, NULL, &e);
            if (!od->context || e != CL_SUCCESS) {
                add_status(c, "%s: clCreateContext%s", od->name, "", e);
                od->context = NULL;
                continue;
            }
            od->queue = clCreateCommandQueue(od->context, ids[i], CL_QUEUE_PROFILING_ENABLE, &e);
            if (!od->queue || e != CL_SUCCESS) {
                add_status(c, "%s: clCreateCommandQueue%s", od->name, "", e);
                clReleaseContext(od->context);
                continue;
            }
            pthread_mutex_init(&od->lock, NULL);
            c->ndevs++;
        }
        free(ids);
    }
    free(plats);
    if (!c->status[0]) snprintf(c->status, sizeof c->status, "ok");
    return HB_OK;
}

static void ocl_fini(void *pctx) {
    ocl_ctx *c = pctx;
    if (!c) return;
    for (int i = 0; i < c->ndevs; i++) release_device(&c->devs[i]);
    free(c->devs);
    free(c);
}

static int ocl_device_count(void *pctx) {
    return pctx ? ((ocl_ctx *)pctx)->ndevs : 0;
}

static hb_status ocl_device_info(void *pctx, int index, hb_device_info *o) {
    ocl_ctx *c = pctx;
    if (!c || index < 0 || index >= c->ndevs) return HB_E_INVALID;
    const hb__ocl_device *od = &c->devs[index];
    /* the registry keeps an id of the form "<platform>:<digits and dots>" */
    snprintf(o->id, sizeof o->id, "opencl:%d.%d", od->platform_index, od->device_index);
    snprintf(o->name, sizeof o->name, "%s", od->name[0] ? od->name : "unknown OpenCL device");
    snprintf(o->vendor, sizeof o->vendor, "%s", od->vendor[0] ? od->vendor : "unknown");
    snprintf(o->type, sizeof o->type, "%s",
             (od->type & CL_DEVICE_TYPE_GPU)   ? "gpu"
             : (od->type & CL_DEVICE_TYPE_CPU) ? "cpu"
                                               : "accelerator");
    o->compute_units = (int)od->compute_units;
    o->mem_bytes = od->global_mem;
    cl_ulong cache = 0;
    if (clGetDeviceInfo(od->device, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, sizeof cache, &cache, NULL) !=
        CL_SUCCESS)
        cache = 0;
    o->llc_bytes_total = cache;
    char buf[64];
    hb__prop_text(o, "platform", od->platform_name);
    hb__prop_text(o, "device_name", od->name);
    hb__prop_text(o, "vendor", od->vendor);
    snprintf(buf, sizeof buf, "0x%04x", (unsigned)od->vendor_id);
    hb__prop_text(o, "pci_vendor_id", buf);
    if (od->pci_bus_id[0]) hb__prop_text(o, "pci_bus_id", od->pci_bus_id);
    hb__prop_text(o, "device_version", od->version);
    hb__prop_text(o, "driver_version", od->driver);
    hb__prop_text(o, "opencl_c_version", od->c_version);
    hb__prop_num(o, "compute_units", od->compute_units);
    hb__prop_num(o, "clock_mhz", od->clock_mhz);
    hb__prop_num(o, "global_mem", (double)od->global_mem);
    hb__prop_num(o, "global_mem_cache", (double)cache);
    hb__prop_num(o, "local_mem", (double)od->local_mem);
    hb__prop_num(o, "max_alloc", (double)od->max_alloc);
    hb__prop_num(o, "max_work_group_size", (double)od->max_wg);
    hb__prop_text(o, "fp64", od->has_fp64 ? "yes" : "no");
    hb__prop_text(o, "fp16", od->has_fp16 ? "yes" : "no");
    hb__prop_text(o, "int8_dot", od->has_int8_dot ? "yes" : "no");
    hb__prop_num(o, "timer_resolution_ns", od->timer_resolution * 1e9);
    return HB_OK;
}

static int ocl_platform_props(void *pctx, hb_prop *props, int max) {
    ocl_ctx *c = pctx;
    int n = 0;
    char count[32];
    snprintf(count, sizeof count, "%d", c ? c->nplatforms : 0);
    const char *kv[][2] = {
        {"status", c ? c->status : "not initialised"},
        {"opencl_platforms", count},
        {"opencl_platform_names", c ? c->platform_list : ""},
        {"target_opencl_version", "1.2"},
#ifdef HB_HAVE_CLBLAST
        {"clblast", "yes"},
#else
        {"clblast", "no (built without libclblast-dev)"},
#endif
        {"pocl_cache_dir", getenv("POCL_CACHE_DIR") ? getenv("POCL_CACHE_DIR") : "(unset)"}};
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && n < max; i++, n++) {
        snprintf(props[n].key, sizeof props[n].key, "%s", kv[i][0]);
        snprintf(props[n].value, sizeof props[n].value, "%s", kv[i][1]);
        props[n].is_number = 0;
    }
    if (n < max && c) {
        snprintf(props[n].key, sizeof props[n].key, "devices");
        snprintf(props[n].value, sizeof props[n].value, "%d", c->ndevs);
        props[n].number = c->ndevs;
        props[n].is_number = 1;
        n++;
    }
    return n;
}

/* ---- programs ---- */

static int str_eq(const char *a, const char *b) {
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

/* The first `lines` lines of the build log, newlines as " | ". */
static void build_log_head(hb__ocl_device *od, cl_program prog, char *out, size_t n, int lines) {
    out[0] = 0;
    size_t need = 0;
    if (clGetProgramBuildInfo(prog, od->device, CL_PROGRAM_BUILD_LOG, 0, NULL, &need) !=
            CL_SUCCESS ||
        need == 0) {
        snprintf(out, n, "(no build log)");
        return;
    }
    char *log = malloc(need + 1);
    if (!log) return;
    if (clGetProgramBuildInfo(prog, od->device, CL_PROGRAM_BUILD_LOG, need, log, NULL) !=
        CL_SUCCESS) {
        free(log);
        snprintf(out, n, "(no build log)");
        return;
    }
    log[need] = 0;
    size_t o = 0;
    int l = 0;
    for (char *save = NULL, *line = strtok_r(log, "\n", &save); line && l < lines && o + 1 < n;
         line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ' || *line == '\t') line++;
        if (!*line) continue;
        int w = snprintf(out + o, n - o, "%s%s", l ? " | " : "", line);
        if (w < 0) break;
        o += (size_t)w;
        if (o >= n) o = n - 1;
        l++;
    }
    if (!l) snprintf(out, n, "(empty build log)");
    free(log);
}

hb_status hb__ocl_program(hb__ocl_device *od, const char *name, const char *options,
                          const char *extra_source, cl_program *out, char *err, size_t n) {
    *out = NULL;
    if (!od || !name) {
        hb__set_err(err, n, "hb__ocl_program: no device or no name");
        return HB_E_INVALID;
    }
    pthread_mutex_lock(&od->lock);
    for (hb__ocl_program_entry *e = od->programs; e; e = e->next)
        if (strcmp(e->name, name) == 0 && str_eq(e->options, options) &&
            str_eq(e->source, extra_source)) {
            *out = e->program;
            pthread_mutex_unlock(&od->lock);
            return HB_OK;
        }
    hb_status s = HB_OK;
    const char *src = extra_source ? extra_source : hb__ocl_source(name);
    if (!src) {
        hb__set_err(err, n, "no OpenCL C source '%s' is embedded in this build", name);
        pthread_mutex_unlock(&od->lock);
        return HB_E_INVALID;
    }
    cl_int e;
    cl_program prog = clCreateProgramWithSource(od->context, 1, &src, NULL, &e);
    if (!prog || e != CL_SUCCESS) {
        char what[192];
        snprintf(what, sizeof what, "program '%s' on %s: clCreateProgramWithSource", name,
                 od->name);
        s = hb__ocl_fail(e, what, err, n);
        pthread_mutex_unlock(&od->lock);
        return s;
    }
    e = clBuildProgram(prog, 1, &od->device, options ? options : "", NULL, NULL);
    if (e != CL_SUCCESS) {
        char log[1024];
        build_log_head(od, prog, log, sizeof log, 10);
        hb__set_err(err, n, "program '%s' failed to build on %s (%s): %s", name, od->name,
                    hb__ocl_error_name(e), log);
        clReleaseProgram(prog);
        pthread_mutex_unlock(&od->lock);
        return HB_E_DEVICE;
    }
    hb__ocl_program_entry *ent = calloc(1, sizeof *ent);
    if (ent) {
        ent->name = strdup(name);
        ent->options = dup_or_null(options);
        ent->source = dup_or_null(extra_source);
    }
    if (!ent || !ent->name || (options && !ent->options) || (extra_source && !ent->source)) {
        if (ent) free(ent->name), free(ent->options), free(ent->source), free(ent);
        clReleaseProgram(prog);
        pthread_mutex_unlock(&od->lock);
        hb__set_err(err, n, "out of host memory caching program '%s'", name);
        return HB_E_NOMEM;
    }
    ent->program = prog;
    ent->next = od->programs;
    od->programs = ent;
    *out = prog;
    pthread_mutex_unlock(&od->lock);
    return HB_OK;
}

double hb__ocl_event_seconds(cl_event ev) {
    if (!ev) return -1.0;
    cl_ulong t0 = 0, t1 = 0;
    if (clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL) !=
            CL_SUCCESS ||
        clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL) != CL_SUCCESS)
        return -1.0;
    if (t1 < t0) return -1.0;
    /* shorter than the timer can tell: no device time (the runner then uses the host
       clock) rather than an invented one-nanosecond run */
    if (t1 == t0) return -1.0;
    return (double)(t1 - t0) * 1e-9;
}

/* ---- buffers ---- */

hb_status hb__ocl_buffer(hb__ocl_device *od, cl_mem_flags flags, size_t bytes, cl_mem *out,
                         char *err, size_t n) {
    *out = NULL;
    if (!od) {
        hb__set_err(err, n, "hb__ocl_buffer: no device");
        return HB_E_INVALID;
    }
    if (od->max_alloc && bytes > od->max_alloc) {
        hb__set_err(err, n,
                    "a buffer of %zu bytes exceeds the largest allocation of %s "
                    "(CL_DEVICE_MAX_MEM_ALLOC_SIZE = %llu bytes)",
                    bytes, od->name, (unsigned long long)od->max_alloc);
        return HB_SKIPPED;
    }
    if (od->global_mem && bytes > od->global_mem) {
        hb__set_err(err, n, "a buffer of %zu bytes exceeds the global memory of %s (%llu bytes)",
                    bytes, od->name, (unsigned long long)od->global_mem);
        return HB_SKIPPED;
    }
    cl_int e;
    cl_mem m = clCreateBuffer(od->context, flags, bytes ? bytes : 1, NULL, &e);
    if (!m || e != CL_SUCCESS) {
        char what[192];
        snprintf(what, sizeof what, "clCreateBuffer(%zu bytes) on %s", bytes, od->name);
        hb__ocl_fail(e, what, err, n);
        /* the device cannot hold it: a size limit, not a failure */
        if (e == CL_MEM_OBJECT_ALLOCATION_FAILURE || e == CL_OUT_OF_RESOURCES ||
            e == CL_INVALID_BUFFER_SIZE)
            return HB_SKIPPED;
        return HB_E_DEVICE;
    }
    *out = m;
    return HB_OK;
}

hb_status hb__ocl_write(hb__ocl_device *od, cl_mem buf, const void *src, size_t bytes, char *err,
                        size_t n) {
    if (!bytes) return HB_OK;
    cl_int e = clEnqueueWriteBuffer(od->queue, buf, CL_TRUE, 0, bytes, src, 0, NULL, NULL);
    if (e != CL_SUCCESS) {
        char what[192];
        snprintf(what, sizeof what, "clEnqueueWriteBuffer(%zu bytes) on %s", bytes, od->name);
        return hb__ocl_fail(e, what, err, n);
    }
    return HB_OK;
}

hb_status hb__ocl_read(hb__ocl_device *od, cl_mem buf, void *dst, size_t bytes, char *err,
                       size_t n) {
    if (!bytes) return HB_OK;
    cl_int e = clEnqueueReadBuffer(od->queue, buf, CL_TRUE, 0, bytes, dst, 0, NULL, NULL);
    if (e != CL_SUCCESS) {
        char what[192];
        snprintf(what, sizeof what, "clEnqueueReadBuffer(%zu bytes) on %s", bytes, od->name);
        return hb__ocl_fail(e, what, err, n);
    }
    return HB_OK;
}

/* ---- the table ---- */

static const hb_platform opencl_platform = {
    .abi_version = HB_PLATFORM_ABI,
    .name = "opencl",
    .version = HB_VERSION_STRING,
    .init = ocl_init,
    .fini = ocl_fini,
    .device_count = ocl_device_count,
    .device_info = ocl_device_info,
    .platform_props = ocl_platform_props,
    .impls = NULL, /* filled below with the implementations linked in */
    .nimpls = 0,
};

static hb_impl g_impls[16];
static hb_platform g_platform;

static void build_table(void) {
    const hb_impl *all[] = {
        &hb__stream_ocl_base,  &hb__gemm_ocl_base, &hb__peak_ocl_base, &hb__transfer_ocl_base,
        &hb__latency_ocl_base, &hb__lu_ocl_base,   &hb__lu_ocl_peak,
#ifdef HB_HAVE_CLBLAST
        &hb__gemm_ocl_peak,
#endif
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0] && n < sizeof g_impls / sizeof g_impls[0];
         i++)
        if (all[i] && all[i]->kernel && all[i]->setup) g_impls[n++] = *all[i];
    g_platform = opencl_platform;
    g_platform.impls = g_impls;
    g_platform.nimpls = n;
}

const hb_platform *hb__opencl_platform(void) {
    /* the implementation objects are in other translation units (and weak): the table is
       assembled once at run time */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, build_table);
    return &g_platform;
}
