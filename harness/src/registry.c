/* hetbench — registry: kernels, platforms (built-in and plugins), devices. */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define HB_MAX_PLATFORMS 16
#define HB_MAX_DEVICES 64
#define HB_MAX_PROBLEMS 16

#ifdef HB_HAVE_OPENCL
const hb_platform *hb__opencl_platform(void); /* platforms/opencl/opencl.c */
#endif

static const hb_kernel *const g_kernels[] = {&hb__kernel_gemm,     &hb__kernel_lu,
                                             &hb__kernel_stream,   &hb__kernel_peak,
                                             &hb__kernel_transfer, &hb__kernel_latency};

size_t hb_kernel_count(void) {
    return sizeof g_kernels / sizeof g_kernels[0];
}
const hb_kernel *hb_kernel_at(size_t i) {
    return i < hb_kernel_count() ? g_kernels[i] : NULL;
}
const hb_kernel *hb_kernel_find(const char *name) {
    for (size_t i = 0; i < hb_kernel_count(); i++)
        if (strcmp(g_kernels[i]->name, name) == 0) return g_kernels[i];
    return NULL;
}

typedef struct platform_slot {
    const hb_platform *p;
    void *pctx;
    void *dl; /* plugin handle */
    char origin[256];
} platform_slot;

struct hb_context {
    hb_platform_config cfg;
    platform_slot plats[HB_MAX_PLATFORMS];
    size_t nplats;
    hb_device devs[HB_MAX_DEVICES];
    size_t ndevs;
    char *problems[HB_MAX_PROBLEMS];
    size_t nproblems;
};

static void add_problem(hb_context *ctx, const char *fmt, const char *a, const char *b) {
    if (ctx->nproblems >= HB_MAX_PROBLEMS) return;
    char buf[8192];
    snprintf(buf, sizeof buf, fmt, a, b);
    ctx->problems[ctx->nproblems] = strdup(buf);
    if (ctx->problems[ctx->nproblems]) ctx->nproblems++;
}

/* A device id a platform may give its devices: "<its name>:" then digits and dots (the
   results schema's ^[A-Za-z0-9_-]+:[0-9.]+$), unique among the devices so far. */
static int own_device_id(const char *platform, const char *id) {
    size_t n = strlen(platform);
    if (strncmp(id, platform, n) != 0 || id[n] != ':' || !id[n + 1]) return 0;
    for (const char *c = id + n + 1; *c; c++)
        if (!isdigit((unsigned char)*c) && *c != '.') return 0;
    return 1;
}

hb_status hb_register_platform(hb_context *ctx, const hb_platform *p, const char *origin, char *err,
                               size_t errlen) {
    if (!p) {
        hb__set_err(err, errlen, "null platform table");
        return HB_E_INVALID;
    }
    if (p->abi_version != HB_PLATFORM_ABI) {
        hb__set_err(err, errlen, "platform '%s' has ABI version %u, this hetbench needs %u",
                    p->name ? p->name : "?", p->abi_version, HB_PLATFORM_ABI);
        return HB_E_ABI;
    }
    if (!p->name || !p->init || !p->device_count || !p->device_info) {
        hb__set_err(err, errlen, "platform table from %s lacks name/init/device_count/device_info",
                    origin);
        return HB_E_INVALID;
    }
    if (p->nimpls && !p->impls) {
        hb__set_err(err, errlen, "platform '%s' declares %zu implementations but no table", p->name,
                    p->nimpls);
        return HB_E_INVALID;
    }
    for (size_t i = 0; i < p->nimpls; i++) {
        const hb_impl *im = &p->impls[i];
        if (!im->kernel || !im->name || !im->setup || !im->run || !im->teardown) {
            hb__set_err(err, errlen,
                        "platform '%s': implementation %zu lacks kernel/name/setup/run/teardown",
                        p->name, i);
            return HB_E_INVALID;
        }
    }
    for (size_t i = 0; i < ctx->nplats; i++)
        if (strcmp(ctx->plats[i].p->name, p->name) == 0) {
            hb__set_err(err, errlen, "platform '%s' is already registered (from %s)", p->name,
                        ctx->plats[i].origin);
            return HB_E_INVALID;
        }
    if (ctx->nplats >= HB_MAX_PLATFORMS) {
        hb__set_err(err, errlen, "too many platforms");
        return HB_E_INVALID;
    }
    void *pctx = NULL;
    char perr[256] = "";
    hb_status s = p->init(&pctx, &ctx->cfg, perr, sizeof perr);
    if (s != HB_OK) {
        hb__set_err(err, errlen, "platform '%s' failed to initialise: %s", p->name,
                    perr[0] ? perr : hb_status_name(s));
        return s < 0 ? s : HB_E_RUNTIME;
    }
    platform_slot *slot = &ctx->plats[ctx->nplats++];
    slot->p = p;
    slot->pctx = pctx;
    snprintf(slot->origin, sizeof slot->origin, "%s", origin);
    int n = p->device_count(pctx);
    for (int i = 0; i < n && ctx->ndevs < HB_MAX_DEVICES; i++) {
        hb_device *d = &ctx->devs[ctx->ndevs];
        memset(d, 0, sizeof *d);
        d->platform = p;
        d->pctx = pctx;
        d->index = i;
        if (p->device_info(pctx, i, &d->info) != HB_OK) continue;
        /* "<platform>:<index>", unless the platform named the device "<platform>:<digits and
           dots>" itself (OpenCL: "opencl:P.D", platform P, device D) */
        int own = own_device_id(p->name, d->info.id);
        for (size_t j = 0; own && j < ctx->ndevs; j++)
            if (strcmp(ctx->devs[j].info.id, d->info.id) == 0) own = 0;
        if (!own) snprintf(d->info.id, sizeof d->info.id, "%s:%d", p->name, i);
        ctx->ndevs++;
    }
    return HB_OK;
}

static void load_plugins(hb_context *ctx) {
    const char *path = getenv("HETBENCH_PLUGIN_PATH");
    if (!path || !*path) return;
    char *copy = strdup(path);
    if (!copy) return;
    for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        DIR *dh = opendir(dir);
        if (!dh) {
            add_problem(ctx, "%s: cannot open plugin directory%s", dir, "");
            continue;
        }
        struct dirent *e;
        while ((e = readdir(dh))) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0) continue;
            char file[4096];
            snprintf(file, sizeof file, "%s/%s", dir, e->d_name);
            void *h = dlopen(file, RTLD_NOW | RTLD_LOCAL);
            if (!h) {
                add_problem(ctx, "%s: dlopen failed: %s", file, dlerror());
                continue;
            }
            void *sym = dlsym(h, HB_PLATFORM_ENTRY_SYMBOL);
            if (!sym) {
                add_problem(ctx, "%s: no symbol %s", file, HB_PLATFORM_ENTRY_SYMBOL);
                dlclose(h);
                continue;
            }
            const hb_platform *(*entry)(void) = (const hb_platform *(*)(void))(uintptr_t)sym;
            char err[512];
            if (hb_register_platform(ctx, entry(), file, err, sizeof err) != HB_OK) {
                add_problem(ctx, "%s: rejected: %s", file, err);
                dlclose(h);
                continue;
            }
            ctx->plats[ctx->nplats - 1].dl = h;
        }
        closedir(dh);
    }
    free(copy);
}

#ifdef HB_CUDA_MODULE
/* The CUDA platform lives in its own library (it needs libcudart, cuBLAS, cuBLASLt and
   cuSOLVER), loaded from libhetbench's directory, or from $HETBENCH_CUDA_MODULE. A machine
   without the CUDA runtime gets no cuda platform and the loader's reason as a problem; no
   driver or no GPU gives the platform with 0 devices and the reason. */
static void load_cuda(hb_context *ctx) {
    char path[4096];
    const char *env = getenv("HETBENCH_CUDA_MODULE");
    Dl_info di;
    if (env && *env)
        snprintf(path, sizeof path, "%s", env);
    else if (dladdr((void *)&load_cuda, &di) && di.dli_fname && strchr(di.dli_fname, '/')) {
        snprintf(path, sizeof path, "%s", di.dli_fname);
        *strrchr(path, '/') = 0;
        size_t len = strlen(path);
        snprintf(path + len, sizeof path - len, "/%s", HB_CUDA_MODULE);
    } else
        snprintf(path, sizeof path, "%s", HB_CUDA_MODULE);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        add_problem(ctx, "cuda: the CUDA platform is not loaded (%s): no CUDA runtime here?%s",
                    e ? e : path, "");
        return;
    }
    const hb_platform *(*entry)(void) = (const hb_platform *(*)(void))dlsym(h, "hb__cuda_platform");
    if (!entry) {
        add_problem(ctx, "cuda: %s has no hb__cuda_platform%s", path, "");
        dlclose(h);
        return;
    }
    char cerr[512] = "";
    if (hb_register_platform(ctx, entry(), "built-in", cerr, sizeof cerr) != HB_OK)
        add_problem(ctx, "cuda: %s%s", cerr, "");
    /* the module stays loaded for the process: the platform's tables live in it */
}
#endif

hb_status hb_context_create(hb_context **out, const hb_platform_config *cfg, char *err,
                            size_t errlen) {
    hb_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return HB_E_NOMEM;
    if (cfg)
        ctx->cfg = *cfg;
    else
        ctx->cfg.bind = 1;
    hb_status s = hb_register_platform(ctx, hb__cpu_platform(), "built-in", err, errlen);
    if (s != HB_OK) {
        free(ctx);
        return s;
    }
#ifdef HB_HAVE_OPENCL
    /* OpenCL: a machine without an ICD or devices gets the platform with 0 devices (its
       platform properties say why); anything worse is a problem to report, never fatal */
    {
        char oerr[512] = "";
        if (hb_register_platform(ctx, hb__opencl_platform(), "built-in", oerr, sizeof oerr) !=
            HB_OK)
            add_problem(ctx, "opencl: %s%s", oerr, "");
    }
#endif
#ifdef HB_CUDA_MODULE
    load_cuda(ctx);
#endif
    load_plugins(ctx);
    *out = ctx;
    return HB_OK;
}

void hb_context_destroy(hb_context *ctx) {
    if (!ctx) return;
    for (size_t i = ctx->nplats; i-- > 0;) {
        if (ctx->plats[i].p->fini) ctx->plats[i].p->fini(ctx->plats[i].pctx);
        if (ctx->plats[i].dl) dlclose(ctx->plats[i].dl);
    }
    for (size_t i = 0; i < ctx->nproblems; i++) free(ctx->problems[i]);
    free(ctx);
}

size_t hb_platform_count(const hb_context *ctx) {
    return ctx->nplats;
}
const hb_platform *hb_platform_at(const hb_context *ctx, size_t i) {
    return i < ctx->nplats ? ctx->plats[i].p : NULL;
}
void *hb__platform_ctx(const hb_context *ctx, size_t i) {
    return i < ctx->nplats ? ctx->plats[i].pctx : NULL;
}
size_t hb_device_count(const hb_context *ctx) {
    return ctx->ndevs;
}
const hb_device *hb_device_at(const hb_context *ctx, size_t i) {
    return i < ctx->ndevs ? &ctx->devs[i] : NULL;
}
size_t hb_plugin_problem_count(const hb_context *ctx) {
    return ctx->nproblems;
}
const char *hb_plugin_problem_at(const hb_context *ctx, size_t i) {
    return i < ctx->nproblems ? ctx->problems[i] : NULL;
}

static int icontains(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    if (n == 0) return 0;
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n) return 1;
    }
    return 0;
}

size_t hb_device_select(const hb_context *ctx, const char *sel, size_t *out, size_t max) {
    size_t found = 0;
    /* exact id */
    for (size_t i = 0; i < ctx->ndevs; i++)
        if (strcmp(ctx->devs[i].info.id, sel) == 0) {
            if (found < max) out[found] = i;
            return 1;
        }
    /* platform name */
    for (size_t i = 0; i < ctx->ndevs; i++)
        if (strcmp(ctx->devs[i].platform->name, sel) == 0 && found < max) out[found++] = i;
    if (found) return found;
    /* name substring */
    for (size_t i = 0; i < ctx->ndevs; i++)
        if (icontains(ctx->devs[i].info.name, sel) && found < max) out[found++] = i;
    return found;
}
