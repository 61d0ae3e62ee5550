/* hetbench — `info` and `list` as text for people (JSON is hb_system_json). */
#include <hwloc.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "counters.h"
#include "energy.h"
#include "internal.h"

static void print_topology(FILE *f, hwloc_topology_t t, hwloc_obj_t o, int depth) {
    if (o->type == HWLOC_OBJ_PU) return; /* PUs are listed with their core */
    char type[64], attr[128];
    hwloc_obj_type_snprintf(type, sizeof type, o, 0);
    hwloc_obj_attr_snprintf(attr, sizeof attr, o, " ", 0);
    fprintf(f, "    %*s%s", 2 * depth, "", type);
    if (o->os_index != HWLOC_UNKNOWN_INDEX && o->type != HWLOC_OBJ_MACHINE)
        fprintf(f, " #%u", o->logical_index);
    if (attr[0]) fprintf(f, " (%s)", attr);
    if (o->type == HWLOC_OBJ_CORE) {
        fprintf(f, " PUs:");
        for (unsigned i = 0; i < o->arity; i++)
            if (o->children[i]->type == HWLOC_OBJ_PU) fprintf(f, " %u", o->children[i]->os_index);
    }
    fputc('\n', f);
    for (hwloc_obj_t c = o->memory_first_child; c; c = c->next_sibling)
        print_topology(f, t, c, depth + 1);
    for (unsigned i = 0; i < o->arity; i++) print_topology(f, t, o->children[i], depth + 1);
}

static const char *str(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "?";
}

/* 1.66e11 FLOP/s -> "166 GFLOP/s" */
static void si_rate(char *buf, size_t n, double v, const char *unit) {
    static const char *const pre[] = {"", "k", "M", "G", "T", "P", "E"};
    int i = 0;
    while (fabs(v) >= 1000.0 && i < 6) v /= 1000.0, i++;
    snprintf(buf, n, "%.3g %s%s", v, pre[i], unit);
}

/* The inventory (docs/acceptance.md §2): each component, its origin, catalog id, rated peak. */
static void print_inventory(FILE *f, json_t *inv) {
    json_t *cat = json_object_get(inv, "catalog");
    fprintf(f, "\ninventory (catalog: %zu file(s), %lld entries; %lld unknown component(s))\n",
            json_array_size(json_object_get(cat, "files")),
            (long long)json_integer_value(json_object_get(cat, "entries")),
            (long long)json_integer_value(json_object_get(inv, "unknown")));
    if (json_object_get(cat, "error")) fprintf(f, "  catalog error: %s\n", str(cat, "error"));
    if (json_object_get(cat, "note")) fprintf(f, "  catalog: %s\n", str(cat, "note"));
    size_t i, j;
    json_t *c, *d;
    json_array_foreach(json_object_get(inv, "components"), i, c) {
        json_t *id = json_object_get(c, "catalog_id");
        fprintf(f, "  %-12s %s", str(c, "category"), str(c, "name"));
        if (json_is_string(json_object_get(c, "model")))
            fprintf(f, " (%s)", str(c, "model"));
        else if (json_is_string(json_object_get(c, "version")))
            fprintf(f, " (%s)", str(c, "version"));
        fputc('\n', f);
        fprintf(f, "  %-12s origin %s, catalog %s", "", str(c, "origin"),
                json_is_string(id) ? json_string_value(id) : "unknown");
        if (json_is_string(json_object_get(c, "vendor")))
            fprintf(f, ", vendor %s", str(c, "vendor"));
        if (json_is_integer(json_object_get(c, "count")) &&
            (json_integer_value(json_object_get(c, "count")) != 1 ||
             !strcmp(str(c, "category"), "cpu") || !strcmp(str(c, "category"), "accelerator")))
            fprintf(f, ", x%lld", (long long)json_integer_value(json_object_get(c, "count")));
        if (json_array_size(json_object_get(c, "devices"))) {
            fprintf(f, ", devices");
            json_array_foreach(json_object_get(c, "devices"), j, d)
                fprintf(f, " %s", json_string_value(d) ? json_string_value(d) : "?");
        }
        fputc('\n', f);
        fprintf(f, "  %-12s matched by: %s\n", "", str(c, "matched_by"));
        json_t *rp = json_object_get(c, "rated_peak");
        const char *key;
        json_t *pk;
        if (json_is_object(rp)) {
            json_object_foreach(rp, key, pk) {
                char v[64];
                si_rate(v, sizeof v, json_number_value(json_object_get(pk, "value")),
                        str(pk, "unit"));
                fprintf(f, "  %-12s rated peak %-4s %s = %s (confidence %s)\n", "", key, v,
                        str(pk, "formula"), str(pk, "confidence"));
            }
        } else if (json_is_string(json_object_get(c, "rated_peak_reason")))
            fprintf(f, "  %-12s rated peak: unknown (%s)\n", "", str(c, "rated_peak_reason"));
        if (json_is_number(json_object_get(c, "tdp_w")))
            fprintf(f, "  %-12s TDP %g W\n", "", json_number_value(json_object_get(c, "tdp_w")));
        json_array_foreach(json_object_get(c, "notes"), j, d)
            fprintf(f, "  %-12s note: %s\n", "", json_string_value(d) ? json_string_value(d) : "");
    }
}

/* The built-in platforms this build of hetbench does not have, and why: a platform that was
   built but finds nothing says so itself (its status); one that was not built cannot. */
static const struct {
    const char *name, *reason;
} not_built[] = {
#ifndef HB_HAVE_CUDA
    {"cuda", "not built: this hetbench was compiled without the CUDA platform (CMake found "
             "no CUDA toolkit, or -DHB_CUDA=OFF); build it where /usr/local/cuda is to measure "
             "NVIDIA GPUs"},
#endif
#ifndef HB_HAVE_OPENCL
    {"opencl", "not built: this hetbench was compiled without the OpenCL headers and ICD loader "
               "(opencl-headers, ocl-icd-opencl-dev)"},
#endif
    {NULL, NULL}};

void hb_print_info(hb_context *ctx, FILE *f) {
    json_t *sys = hb__system_json(ctx);
    json_t *os = json_object_get(sys, "os"), *kern = json_object_get(sys, "kernel");
    json_t *cpu = json_object_get(sys, "cpu");
    fprintf(f, "hetbench %s\n\n", HB_VERSION_STRING);
    fprintf(f, "host       %s\n", str(sys, "host"));
    fprintf(f, "os         %s\n", str(os, "pretty_name"));
    fprintf(f, "kernel     %s %s %s\n", str(kern, "sysname"), str(kern, "release"),
            str(kern, "machine"));
    fprintf(f, "cpu        %s (%s), %lld socket(s), %lld cores, %lld threads, %lld NUMA node(s)\n",
            str(cpu, "model"), str(cpu, "vendor"),
            (long long)json_integer_value(json_object_get(cpu, "sockets")),
            (long long)json_integer_value(json_object_get(cpu, "cores")),
            (long long)json_integer_value(json_object_get(cpu, "threads")),
            (long long)json_integer_value(json_object_get(cpu, "numa_nodes")));
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(cpu, "caches"), i, c)
        fprintf(f, "cache      L%lld %-11s %8lld KiB x %lld\n",
                (long long)json_integer_value(json_object_get(c, "level")), str(c, "type"),
                (long long)json_integer_value(json_object_get(c, "size_bytes")) / 1024,
                (long long)json_integer_value(json_object_get(c, "count")));
    fprintf(
        f, "memory     %.1f GiB\n",
        (double)json_integer_value(json_object_get(json_object_get(sys, "memory"), "total_bytes")) /
            (1 << 30));
    json_t *cc = json_object_get(sys, "compiler");
    fprintf(f, "compiler   %s %s, flags \"%s\" (%s)\n", str(cc, "id"), str(cc, "version"),
            str(cc, "flags"), str(cc, "build_type"));
    json_t *l;
    json_array_foreach(json_object_get(sys, "libraries"), i, l) {
        fprintf(f, "library    %-9s %s", str(l, "name"), str(l, "version"));
        if (json_object_get(l, "path")) fprintf(f, "  [%s]", str(l, "path"));
        fputc('\n', f);
    }

    hwloc_topology_t t = hb__topology();
    if (t) {
        fprintf(f, "\ntopology (hwloc)\n");
        print_topology(f, t, hwloc_get_root_obj(t), 0);
    }

    fprintf(f, "\nplatforms\n");
    for (i = 0; i < hb_platform_count(ctx); i++) {
        const hb_platform *p = hb_platform_at(ctx, i);
        size_t ndev = 0;
        for (size_t j = 0; j < hb_device_count(ctx); j++)
            ndev += hb_device_at(ctx, j)->platform == p;
        fprintf(f, "  %-8s version %s, ABI %u, %zu implementations, %zu device%s\n", p->name,
                p->version ? p->version : "?", p->abi_version, p->nimpls, ndev,
                ndev == 1 ? "" : "s");
        /* a platform that found nothing says why (no driver, no ICD, no GPU ...) */
        if (p->platform_props) {
            hb_prop props[HB_MAX_PROPS];
            memset(props, 0, sizeof props);
            int np = p->platform_props(hb__platform_ctx(ctx, i), props, HB_MAX_PROPS);
            for (int k = 0; k < np && k < HB_MAX_PROPS; k++)
                if (!strcmp(props[k].key, "status") && strcmp(props[k].value, "ok") != 0)
                    fprintf(f, "           status: %s\n", props[k].value);
        }
    }
    for (size_t k = 0; not_built[k].name; k++)
        fprintf(f, "  %-8s %s\n", not_built[k].name, not_built[k].reason);
    for (i = 0; i < hb_plugin_problem_count(ctx); i++)
        fprintf(f, "  plugin problem: %s\n", hb_plugin_problem_at(ctx, i));
    if (!getenv("HETBENCH_PLUGIN_PATH"))
        fprintf(f, "  plugins: none (HETBENCH_PLUGIN_PATH is not set)\n");

    fprintf(f, "\ndevices\n");
    for (i = 0; i < hb_device_count(ctx); i++) {
        const hb_device *d = hb_device_at(ctx, i);
        fprintf(f, "  %-10s %s [%s, %s], %d compute units, %.1f GiB, LLC %.1f MiB\n", d->info.id,
                d->info.name, d->info.vendor, d->info.type, d->info.compute_units,
                (double)d->info.mem_bytes / (1 << 30), (double)d->info.llc_bytes_total / (1 << 20));
        for (int k = 0; k < d->info.nprops; k++)
            fprintf(f, "             %-16s %s\n", d->info.props[k].key, d->info.props[k].value);
    }
    print_inventory(f, json_object_get(sys, "inventory"));
    json_decref(sys);
}

void hb_print_list(hb_context *ctx, FILE *f) {
    fprintf(f, "%-8s %-8s %-32s %-10s %-6s %s\n", "kernel", "category", "precisions", "platform",
            "impl", "name");
    for (size_t ki = 0; ki < hb_kernel_count(); ki++) {
        const hb_kernel *k = hb_kernel_at(ki);
        for (size_t pi = 0; pi < hb_platform_count(ctx); pi++) {
            const hb_platform *p = hb_platform_at(ctx, pi);
            for (size_t ii = 0; ii < p->nimpls; ii++) {
                const hb_impl *im = &p->impls[ii];
                if (strcmp(im->kernel, k->name) != 0) continue;
                char precs[64] = "";
                for (int v = 0; v < HB_NVARIANTS; v++)
                    if ((k->variants & im->variants) & HB_VARIANT_BIT(v)) {
                        if (precs[0]) strncat(precs, ",", sizeof precs - strlen(precs) - 1);
                        strncat(precs, hb_variant_name((hb_variant)v),
                                sizeof precs - strlen(precs) - 1);
                    }
                fprintf(f, "%-8s %-8s %-32s %-10s %-6s %s\n", k->name,
                        hb_category_name(k->category), precs, p->name, hb_impl_kind_name(im->kind),
                        im->name);
            }
        }
        if (k->nops) {
            fprintf(f, "         operations:");
            for (int o = 0; o < k->nops; o++) fprintf(f, " %s", k->ops[o]);
            fputc('\n', f);
        }
    }
    fprintf(f, "\n(precisions an implementation lists may still be unsupported on a device: a "
               "run records why)\n");
}

static json_t *energy_info(const char *meters) {
    hb__energy_config c = {.sources = meters};
    hb__energy_env_from_environment(&c.env);
    return hb__energy_info_json(&c);
}

char *hb_info_json(hb_context *ctx, const char *meters) {
    json_t *sys = hb__system_json(ctx);
    if (!sys) return NULL;
    json_object_set_new(sys, "energy", energy_info(meters));
    json_object_set_new(sys, "counters", hb__counters_info_json());
    json_t *nb = json_array();
    for (size_t i = 0; not_built[i].name; i++)
        json_array_append_new(
            nb, json_pack("{s:s,s:s}", "name", not_built[i].name, "reason", not_built[i].reason));
    json_object_set_new(sys, "platforms_not_built", nb);
    char *text = json_dumps(sys, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(sys);
    return text;
}

void hb_print_info_meters(const char *meters, FILE *f) {
    json_t *e = energy_info(meters);
    size_t i;
    json_t *m;
    fprintf(f, "\nenergy meters\n");
    json_array_foreach(json_object_get(e, "meters"), i, m) {
        fprintf(f, "  %-22s available    %s, %s, every %.3g s, >= %.3g s windows%s%s\n",
                str(m, "name"), str(m, "scope"), str(m, "kind"),
                json_real_value(json_object_get(m, "sampling_interval")),
                json_real_value(json_object_get(m, "min_window")),
                json_object_get(m, "pci_bus_id") ? ", PCI " : "",
                json_object_get(m, "pci_bus_id") ? str(m, "pci_bus_id") : "");
        fprintf(f, "  %-22s              %s\n", "", str(m, "detail"));
    }
    json_array_foreach(json_object_get(e, "unavailable"), i, m)
        fprintf(f, "  %-22s unavailable  %s\n", str(m, "name"), str(m, "reason"));
    fprintf(f, "  %-22s              (an external meter's log: hetbench run --meter-log FILE)\n",
            "external-log");
    json_decref(e);
    json_t *c = hb__counters_info_json();
    fprintf(f, "\ncounters\n");
    json_array_foreach(c, i, m)
        fprintf(f, "  %-22s %-12s %s\n", str(m, "name"),
                json_is_true(json_object_get(m, "available")) ? "available" : "unavailable",
                str(m, "reason"));
    json_decref(c);
}
