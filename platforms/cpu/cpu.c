/* hetbench — the built-in CPU platform: the host's cores as one device, "cpu:0".
 *
 * Threads: OpenMP, one per core by default; --threads (hb_platform_config.threads) or
 * OMP_NUM_THREADS override. Binding: each OpenMP thread is bound with hwloc to its own core
 * (round-robin over PUs when there are more threads than cores), unless the user asked the
 * OpenMP runtime to bind (OMP_PROC_BIND / OMP_PLACES set), which is then respected and
 * recorded. libgomp keeps its thread pool, so binding the team once at init holds for every
 * later parallel region of the same size.
 *
 * Memory: kernels allocate with posix_memalign and fill their inputs in parallel with the
 * same static schedule the compute loops use, so every page is first touched — and placed on
 * the NUMA node of — the bound thread that will use it ("first-touch by bound threads").
 *
 * The platform registers through the same hb_platform table a plugin would. */
#include <hwloc.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/gemm/gemm_base.h"

typedef struct cpu_ctx {
    int threads;
    char binding[160];
} cpu_ctx;

static cpu_ctx g_cpu = {0, "not initialised"};

int hb__cpu_threads(void) {
    return g_cpu.threads ? g_cpu.threads : omp_get_max_threads();
}
const char *hb__cpu_binding(void) {
    return g_cpu.binding;
}
const char *hb__cpu_memory_policy(void) {
    return "first-touch by the bound threads (inputs filled in parallel with the kernels' "
           "static schedule)";
}

static void bind_team(hwloc_topology_t topo, int threads) {
    /* The user asked the OpenMP runtime to bind (OMP_PROC_BIND other than false, or places):
       respect it. OMP_PROC_BIND=false means "do not bind": record exactly that. */
    if (getenv("OMP_PROC_BIND") || getenv("OMP_PLACES")) {
        if (omp_get_proc_bind() == omp_proc_bind_false)
            snprintf(g_cpu.binding, sizeof g_cpu.binding, "none (OMP_PROC_BIND=false)");
        else
            snprintf(g_cpu.binding, sizeof g_cpu.binding,
                     "by the OpenMP runtime (OMP_PROC_BIND=%s, OMP_PLACES=%s)",
                     getenv("OMP_PROC_BIND") ? getenv("OMP_PROC_BIND") : "unset",
                     getenv("OMP_PLACES") ? getenv("OMP_PLACES") : "unset");
        return;
    }
    hwloc_const_cpuset_t usable = (hwloc_const_cpuset_t)hb__usable_cpuset();
    if (!topo || !usable) {
        snprintf(g_cpu.binding, sizeof g_cpu.binding, "none (hwloc topology unavailable)");
        return;
    }
    /* bind inside the CPUs this process was given (taskset/numactl/srun), never outside */
    int ncores = hwloc_get_nbobjs_inside_cpuset_by_type(topo, usable, HWLOC_OBJ_CORE);
    int npus = hwloc_get_nbobjs_inside_cpuset_by_type(topo, usable, HWLOC_OBJ_PU);
    if (npus <= 0) {
        snprintf(g_cpu.binding, sizeof g_cpu.binding, "none (no usable PU found)");
        return;
    }
    int failures = 0;
    int per_pu = threads > ncores;
#pragma omp parallel num_threads(threads) reduction(+ : failures)
    {
        int t = omp_get_thread_num();
        hwloc_obj_t obj =
            per_pu ? hwloc_get_obj_inside_cpuset_by_type(topo, usable, HWLOC_OBJ_PU, t % npus)
                   : hwloc_get_obj_inside_cpuset_by_type(topo, usable, HWLOC_OBJ_CORE, t);
        if (!obj || hwloc_set_cpubind(topo, obj->cpuset, HWLOC_CPUBIND_THREAD) != 0) failures++;
    }
    if (failures)
        snprintf(g_cpu.binding, sizeof g_cpu.binding,
                 "none (hwloc_set_cpubind failed for %d of %d threads)", failures, threads);
    else if (threads > npus)
        snprintf(g_cpu.binding, sizeof g_cpu.binding,
                 "hwloc, OVERSUBSCRIBED: %d threads round-robin on %d PUs (%d cores)", threads,
                 npus, ncores);
    else
        snprintf(g_cpu.binding, sizeof g_cpu.binding,
                 "hwloc: one thread per %s (%d threads, %d cores, %d PUs usable)",
                 per_pu ? "PU" : "core", threads, ncores, npus);
}

static hb_status cpu_init(void **ctx, const hb_platform_config *cfg, char *err, size_t n) {
    (void)err, (void)n;
    hwloc_topology_t topo = (hwloc_topology_t)hb__topology();
    (void)hb__usable_cpuset(); /* read the initial affinity before anything is bound */
    int threads = cfg && cfg->threads > 0 ? cfg->threads : 0;
    if (!threads && getenv("OMP_NUM_THREADS")) threads = omp_get_max_threads();
    if (!threads) threads = hb__core_count();
    if (threads < 1) threads = 1;
    omp_set_dynamic(0);
    omp_set_num_threads(threads);
    g_cpu.threads = threads;
    if (!cfg || cfg->bind)
        bind_team(topo, threads);
    else
        snprintf(g_cpu.binding, sizeof g_cpu.binding, "none (disabled)");
    hb__cblas_set_threads(threads);
    *ctx = &g_cpu;
    return HB_OK;
}

static void cpu_fini(void *ctx) {
    (void)ctx;
}

static int cpu_device_count(void *ctx) {
    (void)ctx;
    return 1;
}

static hb_status cpu_device_info(void *ctx, int index, hb_device_info *o) {
    (void)ctx;
    if (index != 0) return HB_E_INVALID;
    hwloc_topology_t topo = (hwloc_topology_t)hb__topology();
    snprintf(o->type, sizeof o->type, "cpu");
    snprintf(o->name, sizeof o->name, "unknown CPU");
    snprintf(o->vendor, sizeof o->vendor, "unknown");
    o->compute_units = hb__cpu_threads();
    o->mem_bytes = hb__mem_bytes_total();
    o->llc_bytes_total = hb__llc_bytes_total();
    if (topo) {
        hwloc_obj_t pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
        const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
        const char *vendor = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUVendor") : NULL;
        if (model) snprintf(o->name, sizeof o->name, "%s", model);
        if (vendor) snprintf(o->vendor, sizeof o->vendor, "%s", vendor);
        hb__prop_num(o, "sockets", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE));
        hb__prop_num(o, "numa_nodes", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
        hb__prop_num(o, "cores", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE));
        hb__prop_num(o, "pus", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
    }
    hb__prop_num(o, "threads", hb__cpu_threads());
    hb__prop_text(o, "binding", hb__cpu_binding());
    hb__prop_text(o, "memory_policy", hb__cpu_memory_policy());
    hb__prop_text(o, "base_gemm_isa", hb__gemm_isa());
    return HB_OK;
}

static int cpu_platform_props(void *ctx, hb_prop *props, int max) {
    (void)ctx;
    char name[32], cfg[128], blas[256], lapack[256];
    hb__cblas_describe(name, sizeof name, cfg, sizeof cfg, blas, sizeof blas, lapack,
                       sizeof lapack);
    char threading[96];
    hb__cblas_threading(threading, sizeof threading);
    const char *kv[][2] = {{"cblas_provider", name},
                           {"cblas_config", cfg},
                           {"cblas_library", blas},
                           {"lapack_library", lapack},
                           {"cblas_threading", threading}};
    int n = 0;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0] && n < max; i++, n++) {
        snprintf(props[n].key, sizeof props[n].key, "%s", kv[i][0]);
        snprintf(props[n].value, sizeof props[n].value, "%s", kv[i][1]);
        props[n].is_number = 0;
    }
    return n;
}

static const hb_platform cpu_platform = {
    .abi_version = HB_PLATFORM_ABI,
    .name = "cpu",
    .version = HB_VERSION_STRING,
    .init = cpu_init,
    .fini = cpu_fini,
    .device_count = cpu_device_count,
    .device_info = cpu_device_info,
    .platform_props = cpu_platform_props,
    .impls = NULL, /* filled below: the impls live beside their kernels */
    .nimpls = 0,
};

const hb_platform *hb__cpu_platform(void) {
    /* The implementation objects are defined in other translation units, so the table is
       assembled once at run time. */
    static hb_impl impls[8];
    static hb_platform p;
    static int done;
    if (!done) {
        impls[0] = hb__gemm_cpu_base;
        impls[1] = hb__gemm_cpu_peak;
        impls[2] = hb__lu_cpu_base;
        impls[3] = hb__lu_cpu_peak;
        impls[4] = hb__stream_cpu_base;
        impls[5] = hb__peak_cpu_base;
        impls[6] = hb__transfer_cpu_base;
        impls[7] = hb__latency_cpu_base;
        p = cpu_platform;
        p.impls = impls;
        p.nimpls = 8;
        done = 1;
    }
    return &p;
}
