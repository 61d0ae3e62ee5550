/* hetbench — what the machine is: topology (hwloc), OS, kernel, memory, compiler, libraries.
 * The same JSON object is printed by `hetbench info --json` and stored as "system" in every
 * result. */
#include <gnu/libc-version.h>
#include <hwloc.h>
#include <jansson.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "catalog.h"
#include "internal.h"

static hwloc_topology_t g_topo;
static int g_topo_state; /* 0 not tried, 1 ok, -1 failed */

struct hwloc_topology *hb__topology(void) {
    if (g_topo_state == 0) {
        g_topo_state = -1;
        if (hwloc_topology_init(&g_topo) == 0) {
            if (hwloc_topology_load(g_topo) == 0)
                g_topo_state = 1;
            else
                hwloc_topology_destroy(g_topo);
        }
    }
    return g_topo_state == 1 ? g_topo : NULL;
}

uint64_t hb__llc_bytes_total(void) {
    hwloc_topology_t t = hb__topology();
    if (!t) return 0;
    static const hwloc_obj_type_t levels[] = {HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE,
                                              HWLOC_OBJ_L3CACHE, HWLOC_OBJ_L2CACHE,
                                              HWLOC_OBJ_L1CACHE};
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        int n = hwloc_get_nbobjs_by_type(t, levels[l]);
        if (n <= 0) continue;
        uint64_t sum = 0;
        for (int i = 0; i < n; i++) {
            hwloc_obj_t o = hwloc_get_obj_by_type(t, levels[l], (unsigned)i);
            if (o && o->attr) sum += o->attr->cache.size;
        }
        if (sum) return sum;
    }
    return 0;
}

/* The memory limit of this process's cgroup (v2 memory.max, or v1 limit_in_bytes), 0 when none:
   inside a Slurm --mem allocation or a container, sizing from MemTotal would get the run
   OOM-killed. */
static uint64_t cgroup_limit(void) {
    char line[512], path[1024];
    FILE *f = fopen("/proc/self/cgroup", "r");
    uint64_t limit = 0;
    if (f) {
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "0::", 3) != 0) continue;
            line[strcspn(line, "\n")] = '\0';
            snprintf(path, sizeof path, "/sys/fs/cgroup%s/memory.max", line + 3);
            FILE *m = fopen(path, "r");
            if (m) {
                unsigned long long v;
                if (fscanf(m, "%llu", &v) == 1) limit = v; /* "max" does not scan: no limit */
                fclose(m);
            }
        }
        fclose(f);
    }
    if (!limit) {
        FILE *m = fopen("/sys/fs/cgroup/memory/memory.limit_in_bytes", "r");
        if (m) {
            unsigned long long v;
            if (fscanf(m, "%llu", &v) == 1 && v < (1ULL << 60)) limit = v;
            fclose(m);
        }
    }
    return limit;
}

/* Physical memory as the kernel counts it (MemTotal), or the cgroup limit when smaller. hwloc's
   NUMA-node totals can be smaller still (seen here: a VM with hot-plugged memory that node0's
   meminfo does not count), so they are recorded beside it, not used for sizing. */
uint64_t hb__mem_bytes_total(void) {
    uint64_t total = 0;
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
    if (pages > 0 && psize > 0) total = (uint64_t)pages * (uint64_t)psize;
    if (!total) {
        hwloc_topology_t t = hb__topology();
        if (t && hwloc_get_root_obj(t)->total_memory) total = hwloc_get_root_obj(t)->total_memory;
    }
    uint64_t limit = cgroup_limit();
    if (limit && (limit < total || !total)) total = limit;
    return total;
}

/* The CPUs this process may use: the allowed set (cgroups) ∩ the affinity the process started
   with (taskset, numactl, srun --cpu-bind). Read once, before the CPU platform binds the main
   thread — which would otherwise narrow it to one core. */
static hwloc_bitmap_t g_usable;

const struct hwloc_bitmap_s *hb__usable_cpuset(void) {
    hwloc_topology_t t = hb__topology();
    if (!t) return NULL;
    if (!g_usable) {
        g_usable = hwloc_bitmap_dup(hwloc_topology_get_allowed_cpuset(t));
        hwloc_bitmap_t mine = hwloc_bitmap_alloc();
        if (mine && hwloc_get_cpubind(t, mine, HWLOC_CPUBIND_THREAD) == 0 &&
            hwloc_bitmap_intersects(mine, g_usable))
            hwloc_bitmap_and(g_usable, g_usable, mine);
        hwloc_bitmap_free(mine);
    }
    return g_usable;
}

/* Cores entirely inside the usable set; PUs when none is (a mask that splits SMT siblings). */
int hb__core_count(void) {
    hwloc_topology_t t = hb__topology();
    if (t && hb__usable_cpuset()) {
        int n = hwloc_get_nbobjs_inside_cpuset_by_type(t, hb__usable_cpuset(), HWLOC_OBJ_CORE);
        if (n <= 0)
            n = hwloc_get_nbobjs_inside_cpuset_by_type(t, hb__usable_cpuset(), HWLOC_OBJ_PU);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* /etc/os-release: KEY=value or KEY="value" */
static json_t *os_release(void) {
    json_t *o = json_object();
    const char *path = getenv("HETBENCH_OS_RELEASE");
    FILE *f = fopen(path ? path : "/etc/os-release", "r");
    if (!f) f = fopen("/usr/lib/os-release", "r");
    if (!f) {
        json_object_set_new(o, "error", json_string("no /etc/os-release"));
        return o;
    }
    static const char *const keep[] = {"ID", "ID_LIKE", "NAME", "VERSION_ID", "PRETTY_NAME"};
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = '\0';
        char *v = eq + 1;
        size_t len = strlen(v);
        if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
            v[len - 1] = '\0';
            v++;
        }
        for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
            if (strcmp(line, keep[i]) == 0) {
                char key[32];
                size_t j = 0;
                for (; line[j] && j < sizeof key - 1; j++)
                    key[j] = (char)(line[j] >= 'A' && line[j] <= 'Z' ? line[j] + 32 : line[j]);
                key[j] = '\0';
                json_object_set_new(o, key, json_string(v));
            }
        }
    }
    fclose(f);
    return o;
}

static json_t *caches_json(hwloc_topology_t t) {
    json_t *arr = json_array();
    if (!t) return arr;
    for (int d = 1; d <= 5; d++) {
        hwloc_obj_type_t types[3];
        int nt = 0;
        switch (d) {
        case 1:
            types[nt++] = HWLOC_OBJ_L1CACHE;
            break;
        case 2:
            types[nt++] = HWLOC_OBJ_L2CACHE;
            break;
        case 3:
            types[nt++] = HWLOC_OBJ_L3CACHE;
            break;
        case 4:
            types[nt++] = HWLOC_OBJ_L4CACHE;
            break;
        default:
            types[nt++] = HWLOC_OBJ_L5CACHE;
            break;
        }
        for (int ti = 0; ti < nt; ti++) {
            int n = hwloc_get_nbobjs_by_type(t, types[ti]);
            if (n <= 0) continue;
            hwloc_obj_t o = hwloc_get_obj_by_type(t, types[ti], 0);
            json_t *c = json_object();
            json_object_set_new(c, "level", json_integer(d));
            const char *ty = o->attr->cache.type == HWLOC_OBJ_CACHE_DATA          ? "data"
                             : o->attr->cache.type == HWLOC_OBJ_CACHE_INSTRUCTION ? "instruction"
                                                                                  : "unified";
            json_object_set_new(c, "type", json_string(ty));
            json_object_set_new(c, "size_bytes", json_integer((json_int_t)o->attr->cache.size));
            json_object_set_new(c, "line_bytes", json_integer(o->attr->cache.linesize));
            json_object_set_new(c, "count", json_integer(n));
            json_array_append_new(arr, c);
        }
    }
    return arr;
}

/* The hwloc tree as `info` prints it: machine, packages, NUMA nodes, caches, cores (with the
   OS indexes of their PUs). */
static json_t *topology_json(hwloc_obj_t o) {
    json_t *j = json_object();
    char type[64];
    hwloc_obj_type_snprintf(type, sizeof type, o, 0);
    json_object_set_new(j, "type", json_string(type));
    json_object_set_new(j, "logical_index", json_integer(o->logical_index));
    if (hwloc_obj_type_is_cache(o->type) && o->attr)
        json_object_set_new(j, "size_bytes", json_integer((json_int_t)o->attr->cache.size));
    if (o->type == HWLOC_OBJ_NUMANODE && o->attr)
        json_object_set_new(j, "memory_bytes",
                            json_integer((json_int_t)o->attr->numanode.local_memory));
    if (o->type == HWLOC_OBJ_CORE || o->type == HWLOC_OBJ_PU) {
        json_t *pus = json_array();
        if (o->type == HWLOC_OBJ_PU) json_array_append_new(pus, json_integer(o->os_index));
        for (unsigned i = 0; i < o->arity; i++)
            if (o->children[i]->type == HWLOC_OBJ_PU)
                json_array_append_new(pus, json_integer(o->children[i]->os_index));
        json_object_set_new(j, "pus", pus);
        if (o->type == HWLOC_OBJ_CORE) return j;
    }
    json_t *kids = json_array();
    for (hwloc_obj_t c = o->memory_first_child; c; c = c->next_sibling)
        json_array_append_new(kids, topology_json(c));
    for (unsigned i = 0; i < o->arity; i++)
        json_array_append_new(kids, topology_json(o->children[i]));
    if (json_array_size(kids))
        json_object_set_new(j, "children", kids);
    else
        json_decref(kids);
    return j;
}

static json_t *lib(const char *name, const char *version) {
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "version", json_string(version));
    return o;
}

static json_t *props_json(const hb_prop *props, int n) {
    json_t *o = json_object();
    for (int i = 0; i < n; i++)
        json_object_set_new(o, props[i].key,
                            props[i].is_number ? json_real(props[i].number)
                                               : json_string(props[i].value));
    return o;
}

json_t *hb__device_json(const hb_device *d) {
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(d->info.id));
    json_object_set_new(o, "platform", json_string(d->platform->name));
    json_object_set_new(o, "name", json_string(d->info.name));
    json_object_set_new(o, "vendor", json_string(d->info.vendor));
    json_object_set_new(o, "type", json_string(d->info.type));
    json_object_set_new(o, "compute_units", json_integer(d->info.compute_units));
    json_object_set_new(o, "memory_bytes", json_integer((json_int_t)d->info.mem_bytes));
    json_object_set_new(o, "llc_bytes_total", json_integer((json_int_t)d->info.llc_bytes_total));
    json_object_set_new(o, "properties", props_json(d->info.props, d->info.nprops));
    return o;
}

json_t *hb__system_json(hb_context *ctx) {
    json_t *sys = json_object();
    struct utsname u;
    hwloc_topology_t t = hb__topology();
    if (uname(&u) == 0) {
        json_object_set_new(sys, "host", json_string(u.nodename));
        json_t *k = json_object();
        json_object_set_new(k, "sysname", json_string(u.sysname));
        json_object_set_new(k, "release", json_string(u.release));
        json_object_set_new(k, "version", json_string(u.version));
        json_object_set_new(k, "machine", json_string(u.machine));
        json_object_set_new(sys, "kernel", k);
    }
    json_object_set_new(sys, "os", os_release());

    json_t *cpu = json_object();
    if (t) {
        hwloc_obj_t pkg = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0);
        const char *model = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;
        const char *vendor = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUVendor") : NULL;
        const char *family = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUFamilyNumber") : NULL;
        const char *modeln = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModelNumber") : NULL;
        json_object_set_new(cpu, "vendor", vendor ? json_string(vendor) : json_null());
        json_object_set_new(cpu, "model", model ? json_string(model) : json_null());
        json_object_set_new(cpu, "family_number", family ? json_string(family) : json_null());
        json_object_set_new(cpu, "model_number", modeln ? json_string(modeln) : json_null());
        json_object_set_new(cpu, "sockets",
                            json_integer(hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PACKAGE)));
        json_object_set_new(cpu, "numa_nodes",
                            json_integer(hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_NUMANODE)));
        json_object_set_new(cpu, "cores",
                            json_integer(hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_CORE)));
        json_object_set_new(cpu, "threads",
                            json_integer(hwloc_get_nbobjs_by_type(t, HWLOC_OBJ_PU)));
    } else {
        json_object_set_new(cpu, "error", json_string("hwloc could not load the topology"));
    }
    json_object_set_new(cpu, "caches", caches_json(t));
    if (t) json_object_set_new(cpu, "topology", topology_json(hwloc_get_root_obj(t)));
    /* base clock, arm64 implementer/part (inventory.c; $HETBENCH_SYSFS_ROOT honoured) */
    hb__cpu_identify(cpu, hb__inventory_sysfs_root(), "/proc/cpuinfo");
    json_object_set_new(sys, "cpu", cpu);
    json_object_set_new(sys, "pci", hb__pci_scan(hb__inventory_sysfs_root()));
    json_object_set_new(sys, "dmi", hb__dmi_read(hb__inventory_sysfs_root()));

    json_t *mem = json_object();
    json_object_set_new(mem, "total_bytes", json_integer((json_int_t)hb__mem_bytes_total()));
    uint64_t cg = cgroup_limit();
    json_object_set_new(mem, "cgroup_limit_bytes", cg ? json_integer((json_int_t)cg) : json_null());
    if (t)
        json_object_set_new(mem, "numa_total_bytes",
                            json_integer((json_int_t)hwloc_get_root_obj(t)->total_memory));
    json_object_set_new(sys, "memory", mem);

    json_t *cc = json_object();
#if defined(__clang__)
    json_object_set_new(cc, "id", json_string("clang"));
#elif defined(__GNUC__)
    json_object_set_new(cc, "id", json_string("gcc"));
#else
    json_object_set_new(cc, "id", json_string("unknown"));
#endif
    json_object_set_new(cc, "version", json_string(__VERSION__));
    json_object_set_new(cc, "flags", json_string(HB_C_FLAGS));
    json_object_set_new(cc, "build_type", json_string(HB_BUILD_TYPE));
    json_object_set_new(sys, "compiler", cc);

    json_t *libs = json_array();
    char buf[64];
    json_array_append_new(libs, lib("hetbench", HB_VERSION_STRING));
    unsigned hv = hwloc_get_api_version();
#ifdef HB_HWLOC_PKG_VERSION
    snprintf(buf, sizeof buf, "%s (API %u.%u)", HB_HWLOC_PKG_VERSION, hv >> 16, (hv >> 8) & 0xff);
#else
    snprintf(buf, sizeof buf, "API %u.%u.%u", hv >> 16, (hv >> 8) & 0xff, hv & 0xff);
#endif
    json_array_append_new(libs, lib("hwloc", buf));
    json_array_append_new(libs, lib("jansson", jansson_version_str()));
    snprintf(buf, sizeof buf, "%d", _OPENMP);
    json_array_append_new(libs, lib("openmp", buf));
    json_array_append_new(libs, lib("glibc", gnu_get_libc_version()));
    {
        char name[32], cfg[128], blas[256], lapack[256];
        hb__cblas_describe(name, sizeof name, cfg, sizeof cfg, blas, sizeof blas, lapack,
                           sizeof lapack);
        json_t *b = lib("cblas", cfg);
        json_object_set_new(b, "provider", json_string(name));
        json_object_set_new(b, "path", json_string(blas));
        json_array_append_new(libs, b);
        json_t *l = lib("lapack", "via LAPACKE");
        json_object_set_new(l, "path", json_string(lapack));
        json_array_append_new(libs, l);
    }
    json_object_set_new(sys, "libraries", libs);

    if (ctx) {
        json_t *plats = json_array();
        for (size_t i = 0; i < hb_platform_count(ctx); i++) {
            const hb_platform *p = hb_platform_at(ctx, i);
            json_t *po = json_object();
            json_object_set_new(po, "name", json_string(p->name));
            json_object_set_new(po, "version", json_string(p->version ? p->version : ""));
            json_object_set_new(po, "abi_version", json_integer(p->abi_version));
            if (p->platform_props) {
                hb_prop props[HB_MAX_PROPS];
                int n = p->platform_props(hb__platform_ctx(ctx, i), props, HB_MAX_PROPS);
                if (n < 0) n = 0;
                if (n > HB_MAX_PROPS) n = HB_MAX_PROPS; /* a plugin may overstate */
                json_object_set_new(po, "properties", props_json(props, n));
            }
            json_array_append_new(plats, po);
        }
        json_object_set_new(sys, "platforms", plats);
        json_t *devs = json_array();
        for (size_t i = 0; i < hb_device_count(ctx); i++)
            json_array_append_new(devs, hb__device_json(hb_device_at(ctx, i)));
        json_object_set_new(sys, "devices", devs);
        json_t *probs = json_array();
        for (size_t i = 0; i < hb_plugin_problem_count(ctx); i++)
            json_array_append_new(probs, json_string(hb_plugin_problem_at(ctx, i)));
        json_object_set_new(sys, "plugin_problems", probs);
    }
    /* the components matched against the catalog (docs/acceptance.md §2) */
    json_object_set_new(sys, "inventory", hb__inventory_here(sys));
    return sys;
}

char *hb_system_json(hb_context *ctx) {
    json_t *s = hb__system_json(ctx);
    char *text = json_dumps(s, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(s);
    return text;
}
