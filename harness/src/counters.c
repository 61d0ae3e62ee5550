/* hetbench — per-measurement counters: perf_event_open, with libpfm4 for event names.
 *
 * Layout: one fd per (thread, event). The events of one thread are grouped so that a window
 * edge is one ioctl per group; software and hardware events are in separate groups, since a
 * hardware group the PMU cannot schedule would otherwise take the software counts with it.
 * A hardware event that does not fit in the current group starts a new one (the kernel then
 * multiplexes the groups and the counts are scaled). Which events open, with which attributes
 * and in which groups, is decided on the calling thread; the other threads get the same.
 *
 * Only the leaders are opened disabled and switched; the members stay enabled and follow
 * their leader. Switching the members too (PERF_IOC_FLAG_GROUP) loses their counts: on
 * Linux 6.18 a sibling enabled after its leader is only scheduled in at the task's next
 * context switch (seen: page faults of a window missing, time_running < time_enabled).
 *
 * Counts are never reset in the kernel: PERF_EVENT_IOC_RESET zeroes the count but not
 * time_enabled / time_running, which the scaling needs. hb__counters_reset stores a baseline
 * reading instead, and the record is the difference. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <linux/perf_event.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifdef HB_HAVE_LIBPFM
/* after <linux/perf_event.h>: libpfm4's own copy of the perf ABI then steps aside */
#include <perfmon/pfmlib_perf_event.h>
#endif

#include "counters.h"
#include "internal.h"

enum { KIND_SW = 0, KIND_HW = 1 };

/* ---- the kernel's generic events, known by name without libpfm4 ---- */

struct builtin {
    const char *name;  /* the name in records */
    const char *alias; /* perf(1) / libpfm4 "perf::" spelling, or NULL */
    const char *pfm;   /* libpfm4's long name */
    uint32_t type;
    uint64_t config;
};

static const struct builtin builtins[] = {
    {"task-clock", NULL, "PERF_COUNT_SW_TASK_CLOCK", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    {"page-faults", NULL, "PERF_COUNT_SW_PAGE_FAULTS", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_PAGE_FAULTS},
    {"context-switches", NULL, "PERF_COUNT_SW_CONTEXT_SWITCHES", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", NULL, "PERF_COUNT_SW_CPU_MIGRATIONS", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_CPU_MIGRATIONS},
    {"cpu-clock", NULL, "PERF_COUNT_SW_CPU_CLOCK", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK},
    {"minor-faults", NULL, "PERF_COUNT_SW_PAGE_FAULTS_MIN", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_PAGE_FAULTS_MIN},
    {"major-faults", NULL, "PERF_COUNT_SW_PAGE_FAULTS_MAJ", PERF_TYPE_SOFTWARE,
     PERF_COUNT_SW_PAGE_FAULTS_MAJ},
    {"cycles", "cpu-cycles", "PERF_COUNT_HW_CPU_CYCLES", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", NULL, "PERF_COUNT_HW_INSTRUCTIONS", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-references", NULL, "PERF_COUNT_HW_CACHE_REFERENCES", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", NULL, "PERF_COUNT_HW_CACHE_MISSES", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_CACHE_MISSES},
    {"branches", "branch-instructions", "PERF_COUNT_HW_BRANCH_INSTRUCTIONS", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    {"branch-misses", NULL, "PERF_COUNT_HW_BRANCH_MISSES", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_BRANCH_MISSES},
    {"bus-cycles", NULL, "PERF_COUNT_HW_BUS_CYCLES", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES},
    {"stalled-cycles-frontend", NULL, "PERF_COUNT_HW_STALLED_CYCLES_FRONTEND", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_STALLED_CYCLES_FRONTEND},
    {"stalled-cycles-backend", NULL, "PERF_COUNT_HW_STALLED_CYCLES_BACKEND", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_STALLED_CYCLES_BACKEND},
    {"ref-cycles", NULL, "PERF_COUNT_HW_REF_CPU_CYCLES", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_REF_CPU_CYCLES},
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])
#define NSOFTWARE 4 /* the first four builtins are always counted */

/* Case-insensitive, '-' and '_' alike: "perf::TASK-CLOCK", "task_clock", "task-clock". */
static int name_eq(const char *a, const char *b) {
    for (;; a++, b++) {
        char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
        if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
        if (x != y) return 0;
        if (!x) return 1;
    }
}

static const struct builtin *find_builtin(const char *name) {
    if (strncasecmp(name, "perf::", 6) == 0) name += 6;
    for (size_t i = 0; i < NBUILTINS; i++) {
        const struct builtin *b = &builtins[i];
        if (name_eq(name, b->name) || (b->alias && name_eq(name, b->alias)) ||
            name_eq(name, b->pfm))
            return b;
    }
    return NULL;
}

/* ---- libpfm4 ---- */

#ifdef HB_HAVE_LIBPFM
static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;
static int pfm_init_ret = PFM_ERR_NOINIT;
static void pfm_init_once(void) {
    pfm_init_ret = pfm_initialize();
}
/* pfm_initialize is not thread-safe and reads LIBPFM_* from the environment once. */
static int pfm_ready(void) {
    pthread_once(&pfm_once, pfm_init_once);
    return pfm_init_ret;
}

static int pfm_encode(const char *name, int plm, struct perf_event_attr *a) {
    memset(a, 0, sizeof *a);
    a->size = sizeof *a;
    pfm_perf_encode_arg_t arg;
    memset(&arg, 0, sizeof arg);
    arg.size = sizeof arg;
    arg.attr = a;
    int r = pfm_get_os_event_encoding(name, plm, PFM_OS_PERF_EVENT_EXT, &arg);
    a->size = sizeof *a;
    return r;
}
#endif

/* Splits a comma list into trimmed, non-empty items; calls f(item) until it returns non-zero. */
static int for_each_name(const char *list, int (*f)(const char *, void *), void *ctx) {
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        while (l && (*p == ' ' || *p == '\t')) p++, l--;
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t')) l--;
        if (l) {
            char *item = strndup(p, l);
            if (!item) return HB_E_NOMEM;
            int r = f(item, ctx);
            free(item);
            if (r) return r;
        }
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

struct check_ctx {
    char *err;
    size_t errlen;
};

static int check_one(const char *name, void *vctx) {
    struct check_ctx *cx = vctx;
    if (find_builtin(name)) return 0;
#ifdef HB_HAVE_LIBPFM
    int r = pfm_ready();
    if (r != PFM_SUCCESS) {
        hb__set_err(cx->err, cx->errlen, "counter event \"%s\": libpfm4 failed to initialise: %s",
                    name, pfm_strerror(r));
        return HB_E_INVALID;
    }
    struct perf_event_attr a;
    r = pfm_encode(name, PFM_PLM3, &a);
    if (r != PFM_SUCCESS) {
        hb__set_err(cx->err, cx->errlen, "unknown counter event \"%s\": libpfm4: %s", name,
                    pfm_strerror(r));
        return HB_E_INVALID;
    }
    return 0;
#else
    hb__set_err(cx->err, cx->errlen,
                "unknown counter event \"%s\": built without libpfm4 (only the kernel's generic "
                "events such as cycles, instructions, task-clock are known)",
                name);
    return HB_E_INVALID;
#endif
}

int hb__counters_check_names(const char *names, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!names) return 0; /* the default set: whatever of it encodes is tried */
    struct check_ctx cx = {err, errlen};
    return for_each_name(names, check_one, &cx);
}

/* ---- the set ---- */

typedef struct {
    char name[192];
    int kind;
    int unit_ns;
    struct perf_event_attr attr;
    int group;     /* index into groups, -1 when not counted */
    int user_only; /* exclude_kernel had to be set to open it */
    int missing;   /* threads (after the first) on which it could not be opened */
    int missing_errno;
    char reason[256];
} hb_event;

typedef struct {
    uint64_t value, enabled, running;
} hb_reading;

struct hb__counters {
    hb_event *ev;
    size_t nev, cap;
    int *leader; /* event index of each group's leader */
    size_t ngroups;
    pid_t *tid;
    size_t nthr;
    int *fd;          /* nthr × nev, -1 where not open */
    hb_reading *base; /* nthr × nev: readings at the last reset */
    int meter_threads;
    int gone_threads;
    int nofile_raised;
    char note_extra[256];
};

static int paranoid_level(void) {
    FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
    int v = 2; /* the kernel's default when the file is unreadable */
    if (f) {
        if (fscanf(f, "%d", &v) != 1) v = 2;
        fclose(f);
    }
    return v;
}

static int sys_perf_open(struct perf_event_attr *a, pid_t tid, int group_fd) {
    return (int)syscall(__NR_perf_event_open, a, tid, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
}

/* Opens with the kernel included when allowed; retries user-mode only where the
   perf_event_paranoid setting forbids more (sets *user_only). -1 and errno on failure. */
static int open_event(struct perf_event_attr *a, pid_t tid, int group_fd, int *user_only) {
    int fd = sys_perf_open(a, tid, group_fd);
    if (fd < 0 && (errno == EACCES || errno == EPERM) && !a->exclude_kernel) {
        /* kept on failure too: the error that matters is then the user-mode one */
        a->exclude_kernel = 1, a->exclude_hv = 1;
        *user_only = 1;
        fd = sys_perf_open(a, tid, group_fd);
    }
    return fd;
}

/* Whether a generic hardware event opens at all (distinguishes "no PMU" from "no event"). */
static int hw_cycles_errno(void) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a, a.type = PERF_TYPE_HARDWARE, a.config = PERF_COUNT_HW_CPU_CYCLES;
    a.disabled = 1;
    int uo = 0;
    int fd = open_event(&a, 0, -1, &uo);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return errno;
}

static void describe_errno(char *out, size_t n, int e, const struct perf_event_attr *a, int kind) {
    const char *s = strerror(e);
    switch (e) {
    case ENOENT:
    case EOPNOTSUPP:
        if (kind == KIND_HW) {
            int he = a->type == PERF_TYPE_HARDWARE ? e : hw_cycles_errno();
            if (he == ENOENT || he == EOPNOTSUPP)
                snprintf(out, n, "perf_event_open: %s: this machine has no hardware PMU (a VM?)",
                         s);
            else
                snprintf(out, n,
                         "perf_event_open: %s: the PMU or the kernel does not support "
                         "this event",
                         s);
        } else
            snprintf(out, n, "perf_event_open: %s: the kernel does not support this event", s);
        break;
    case EACCES:
    case EPERM:
        snprintf(out, n,
                 "permission denied: needs perf_event_paranoid <= %d or CAP_PERFMON (now %d)",
                 a->exclude_kernel ? 2 : 1, paranoid_level());
        break;
    case EINVAL:
        snprintf(out, n, "perf_event_open: %s: the kernel or the CPU rejects this encoding", s);
        break;
    case EMFILE:
    case ENFILE:
        snprintf(out, n, "perf_event_open: %s: raise the open-files limit (ulimit -n)", s);
        break;
    case EBUSY:
        snprintf(out, n, "perf_event_open: %s: the PMU is in exclusive use by another tool", s);
        break;
    case ENOSYS:
        snprintf(out, n, "perf_event_open: %s: perf events are disabled (kernel or seccomp)", s);
        break;
    default:
        snprintf(out, n, "perf_event_open: %s", s);
    }
}

static hb_event *add_event(hb__counters *c, const char *name, int kind,
                           const struct perf_event_attr *a) {
    if (c->nev == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 16;
        hb_event *ne = realloc(c->ev, nc * sizeof *ne);
        if (!ne) return NULL;
        c->ev = ne, c->cap = nc;
    }
    hb_event *e = &c->ev[c->nev++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->kind = kind;
    e->group = -1;
    if (a) e->attr = *a;
    e->attr.size = sizeof e->attr;
    e->unit_ns =
        e->attr.type == PERF_TYPE_SOFTWARE &&
        (e->attr.config == PERF_COUNT_SW_TASK_CLOCK || e->attr.config == PERF_COUNT_SW_CPU_CLOCK);
    return e;
}

static void builtin_attr(const struct builtin *b, struct perf_event_attr *a) {
    memset(a, 0, sizeof *a);
    a->size = sizeof *a, a->type = b->type, a->config = b->config;
}

/* task-clock, page-faults, context-switches, cpu-migrations: in every set already */
static int always_counted(const struct perf_event_attr *a) {
    if (a->type != PERF_TYPE_SOFTWARE) return 0;
    for (size_t i = 0; i < NSOFTWARE; i++)
        if (a->config == builtins[i].config) return 1;
    return 0;
}

/* Adds one event by name; an event that cannot be encoded is kept with the reason. */
static int add_named(const char *name, void *vc) {
    hb__counters *c = vc;
    for (size_t i = 0; i < c->nev; i++)
        if (strcmp(c->ev[i].name, name) == 0) return 0; /* listed twice */
    struct perf_event_attr a;
    const struct builtin *b = find_builtin(name);
    if (b) {
        builtin_attr(b, &a);
    } else {
#ifdef HB_HAVE_LIBPFM
        int r = pfm_ready();
        /* PLM0|PLM3: the kernel too, unless the name's own modifiers say otherwise */
        if (r == PFM_SUCCESS) r = pfm_encode(name, PFM_PLM0 | PFM_PLM3, &a);
        if (r != PFM_SUCCESS) {
            hb_event *e = add_event(c, name, KIND_HW, NULL);
            if (!e) return HB_E_NOMEM;
            snprintf(e->reason, sizeof e->reason, "libpfm4: %s", pfm_strerror(r));
            return 0;
        }
#else
        hb_event *e = add_event(c, name, KIND_HW, NULL);
        if (!e) return HB_E_NOMEM;
        snprintf(e->reason, sizeof e->reason, "unknown event: built without libpfm4");
        return 0;
#endif
    }
    if (always_counted(&a)) return 0;
    return add_event(c, name, a.type == PERF_TYPE_SOFTWARE ? KIND_SW : KIND_HW, &a) ? 0
                                                                                    : HB_E_NOMEM;
}

#ifdef HB_HAVE_LIBPFM
/* Floating-point events of the host's core PMUs, tried per PMU; those libpfm4 does not know
   for that PMU are left out silently (e.g. 512B on CPUs without AVX-512). */
static const char *const fp_candidates[] = {
    /* Intel, Broadwell and later cores (Haswell has none) */
    "FP_ARITH_INST_RETIRED:SCALAR_DOUBLE",
    "FP_ARITH_INST_RETIRED:128B_PACKED_DOUBLE",
    "FP_ARITH_INST_RETIRED:256B_PACKED_DOUBLE",
    "FP_ARITH_INST_RETIRED:512B_PACKED_DOUBLE",
    "FP_ARITH_INST_RETIRED:SCALAR_SINGLE",
    "FP_ARITH_INST_RETIRED:128B_PACKED_SINGLE",
    "FP_ARITH_INST_RETIRED:256B_PACKED_SINGLE",
    "FP_ARITH_INST_RETIRED:512B_PACKED_SINGLE",
    /* AMD Zen 2, 3, 4: FLOPs (an FMA counts 2) */
    "RETIRED_SSE_AVX_FLOPS:ANY",
    /* Arm: FP / Advanced SIMD instructions; SVE element operations (Neoverse V1, N2, V2) */
    "VFP_SPEC",
    "ASE_SPEC",
    "FP_SCALE_OPS_SPEC",
    "FP_FIXED_OPS_SPEC",
};

static int add_fp_defaults(hb__counters *c) {
    if (pfm_ready() != PFM_SUCCESS) return 0;
    pfm_pmu_t p;
    pfm_for_all_pmus(p) {
        pfm_pmu_info_t pi;
        memset(&pi, 0, sizeof pi);
        pi.size = sizeof pi;
        if (pfm_get_pmu_info(p, &pi) != PFM_SUCCESS || !pi.is_present || !pi.name ||
            pi.type != PFM_PMU_TYPE_CORE)
            continue;
        for (size_t i = 0; i < sizeof fp_candidates / sizeof fp_candidates[0]; i++) {
            char full[192];
            struct perf_event_attr a;
            snprintf(full, sizeof full, "%s::%s", pi.name, fp_candidates[i]);
            if (pfm_encode(full, PFM_PLM0 | PFM_PLM3, &a) != PFM_SUCCESS) continue;
            if (!add_event(c, full, KIND_HW, &a)) return HB_E_NOMEM;
        }
    }
    return 0;
}
#endif

static int build_events(hb__counters *c, const char *names) {
    struct perf_event_attr a;
    for (size_t i = 0; i < NSOFTWARE; i++) {
        builtin_attr(&builtins[i], &a);
        if (!add_event(c, builtins[i].name, KIND_SW, &a)) return HB_E_NOMEM;
    }
    if (names) return for_each_name(names, add_named, c);
    if (add_named("cycles", c) || add_named("instructions", c)) return HB_E_NOMEM;
#ifdef HB_HAVE_LIBPFM
    return add_fp_defaults(c);
#else
    return 0;
#endif
}

/* ---- threads ---- */

static int is_meter_thread(pid_t tid) {
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)tid);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    if (!fgets(comm, sizeof comm, f)) comm[0] = 0;
    fclose(f);
    return strncmp(comm, "hb-meter", 8) == 0;
}

/* The calling thread first (it decides what opens), then the others but hb-meter*. */
static int list_threads(hb__counters *c) {
    pid_t self = (pid_t)syscall(SYS_gettid);
    size_t cap = 16;
    c->tid = malloc(cap * sizeof *c->tid);
    if (!c->tid) return HB_E_NOMEM;
    c->tid[0] = self;
    c->nthr = 1;
    DIR *d = opendir("/proc/self/task");
    if (!d) {
        snprintf(c->note_extra, sizeof c->note_extra,
                 "/proc/self/task unreadable: only the calling thread is counted; ");
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        char *end;
        long t = strtol(de->d_name, &end, 10);
        if (end == de->d_name || *end || t <= 0 || (pid_t)t == self) continue;
        if (is_meter_thread((pid_t)t)) {
            c->meter_threads++;
            continue;
        }
        if (c->nthr == cap) {
            pid_t *nt = realloc(c->tid, 2 * cap * sizeof *nt);
            if (!nt) {
                closedir(d);
                return HB_E_NOMEM;
            }
            c->tid = nt, cap *= 2;
        }
        c->tid[c->nthr++] = (pid_t)t;
    }
    closedir(d);
    return 0;
}

/* The default soft limit (1024) is below threads × events on large nodes. */
static void raise_nofile(hb__counters *c, size_t need) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return;
    rlim_t want = (rlim_t)need + 256;
    if (rl.rlim_cur >= want) return;
    rlim_t old = rl.rlim_cur;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
    if (rl.rlim_cur > old && setrlimit(RLIMIT_NOFILE, &rl) == 0) c->nofile_raised = 1;
}

/* ---- opening ---- */

static void prepare_attr(struct perf_event_attr *a) {
    a->size = sizeof *a;
    a->inherit = 1;
    a->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
    a->sample_period = 0;
    a->sample_type = 0;
}

static int add_group(hb__counters *c, size_t leader) {
    int *nl = realloc(c->leader, (c->ngroups + 1) * sizeof *nl);
    if (!nl) return -1;
    c->leader = nl;
    c->leader[c->ngroups] = (int)leader;
    return (int)c->ngroups++;
}

/* Events per hardware group. The kernel checks at open that a group fits the PMU, but not
   against counters held by others: the NMI watchdog takes one (a fixed counter on Intel, a
   general one on AMD), and a group that only fits with it would never be scheduled. Small
   groups always fit and are multiplexed instead. */
#define HW_GROUP_MAX 4

/* On the calling thread: which events open, their final attributes and their groups. */
static int open_first_thread(hb__counters *c) {
    /* the open software / hardware group */
    int cur_fd[2] = {-1, -1}, cur_group[2] = {-1, -1}, cur_size[2] = {0, 0};
    for (size_t i = 0; i < c->nev; i++) {
        hb_event *e = &c->ev[i];
        if (e->reason[0]) continue; /* could not be encoded */
        prepare_attr(&e->attr);
        int k = e->kind, f = -1, err = 0;
        if (cur_fd[k] >= 0 && (k == KIND_SW || cur_size[k] < HW_GROUP_MAX)) {
            e->attr.disabled = 0; /* a member: counts whenever its leader does */
            f = open_event(&e->attr, c->tid[0], cur_fd[k], &e->user_only);
            if (f >= 0) e->group = cur_group[k], cur_size[k]++;
        }
        if (f < 0) {
            /* alone: a new group (the current one is full), or the real reason it cannot open */
            e->attr.disabled = 1;
            f = open_event(&e->attr, c->tid[0], -1, &e->user_only);
            if (f >= 0) {
                int g = add_group(c, i);
                if (g < 0) {
                    close(f);
                    return HB_E_NOMEM;
                }
                e->group = cur_group[k] = g;
                cur_fd[k] = f, cur_size[k] = 1;
            } else
                err = errno;
        }
        if (f < 0) {
            describe_errno(e->reason, sizeof e->reason, err, &e->attr, e->kind);
            continue;
        }
        c->fd[i] = f;
        /* the kernel counts these from kernel context: in user mode only they read 0 */
        if (e->user_only && e->attr.type == PERF_TYPE_SOFTWARE &&
            (e->attr.config == PERF_COUNT_SW_CONTEXT_SWITCHES ||
             e->attr.config == PERF_COUNT_SW_CPU_MIGRATIONS)) {
            snprintf(e->reason, sizeof e->reason,
                     "counted in kernel mode only: needs perf_event_paranoid <= 1 or CAP_PERFMON "
                     "(now %d)",
                     paranoid_level());
            if (c->leader[e->group] != (int)i) { /* a leader stays: its members need it */
                close(f);
                c->fd[i] = -1;
                e->group = -1;
            }
        }
    }
    return 0;
}

static void close_thread(hb__counters *c, size_t t) {
    for (size_t i = 0; i < c->nev; i++) {
        int *f = &c->fd[t * c->nev + i];
        if (*f >= 0) close(*f);
        *f = -1;
    }
}

/* The other threads: the same groups. Returns 0, or 1 when the thread has exited. */
static int open_other_thread(hb__counters *c, size_t t) {
    int *fd = &c->fd[t * c->nev];
    for (size_t g = 0; g < c->ngroups; g++) {
        size_t l = (size_t)c->leader[g];
        int lf = sys_perf_open(&c->ev[l].attr, c->tid[t], -1);
        if (lf < 0 && errno == ESRCH) {
            close_thread(c, t);
            return 1;
        }
        int lerr = errno;
        if (lf >= 0) fd[l] = lf;
        for (size_t i = 0; i < c->nev; i++) {
            hb_event *e = &c->ev[i];
            if (e->group != (int)g) continue;
            int err = lerr;
            if (i != l && lf >= 0) {
                int f = sys_perf_open(&e->attr, c->tid[t], lf);
                if (f >= 0) {
                    fd[i] = f;
                    continue;
                }
                err = errno;
            } else if (lf >= 0)
                continue;
            e->missing++;
            e->missing_errno = err;
        }
    }
    return 0;
}

hb__counters *hb__counters_open(const char *names) {
    hb__counters *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    if (build_events(c, names) || list_threads(c)) goto nomem;
    c->fd = malloc(c->nthr * c->nev * sizeof *c->fd);
    if (!c->fd) goto nomem;
    for (size_t i = 0; i < c->nthr * c->nev; i++) c->fd[i] = -1; /* before any goto nomem */
    c->base = calloc(c->nthr * c->nev, sizeof *c->base);
    if (!c->base) goto nomem;
    raise_nofile(c, c->nthr * c->nev);
    if (open_first_thread(c)) goto nomem;
    /* compact away threads that exited between the listing and the opening */
    size_t w = 1;
    for (size_t t = 1; t < c->nthr; t++) {
        if (open_other_thread(c, t)) {
            c->gone_threads++;
            continue;
        }
        if (w != t) {
            c->tid[w] = c->tid[t];
            memcpy(&c->fd[w * c->nev], &c->fd[t * c->nev], c->nev * sizeof *c->fd);
        }
        w++;
    }
    c->nthr = w;
    return c;
nomem:
    hb__counters_close(c);
    return NULL;
}

void hb__counters_close(hb__counters *c) {
    if (!c) return;
    if (c->fd)
        for (size_t t = 0; t < c->nthr; t++) close_thread(c, t);
    free(c->fd);
    free(c->base);
    free(c->tid);
    free(c->leader);
    free(c->ev);
    free(c);
}

/* ---- windows ---- */

static void group_ioctl(hb__counters *c, unsigned long req) {
    if (!c) return;
    for (size_t t = 0; t < c->nthr; t++)
        for (size_t g = 0; g < c->ngroups; g++) {
            int f = c->fd[t * c->nev + (size_t)c->leader[g]];
            if (f >= 0) ioctl(f, req, 0); /* the leader alone: see the top */
        }
}

void hb__counters_begin(hb__counters *c) {
    group_ioctl(c, PERF_EVENT_IOC_ENABLE);
}
void hb__counters_end(hb__counters *c) {
    group_ioctl(c, PERF_EVENT_IOC_DISABLE);
}

/* value, time_enabled, time_running (the sum over the thread and the threads it started) */
static int read_fd(int fd, hb_reading *r) {
    uint64_t buf[3];
    if (fd < 0 || read(fd, buf, sizeof buf) != (ssize_t)sizeof buf) return -1;
    r->value = buf[0], r->enabled = buf[1], r->running = buf[2];
    return 0;
}

void hb__counters_reset(hb__counters *c) {
    if (!c) return;
    for (size_t k = 0; k < c->nthr * c->nev; k++) {
        hb_reading r;
        if (read_fd(c->fd[k], &r) == 0) c->base[k] = r;
    }
}

/* ---- the record ---- */

static void append(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t n, const char *fmt, ...) {
    size_t l = strlen(buf);
    if (l + 1 >= n) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + l, n - l, fmt, ap);
    va_end(ap);
}

/* the kernel's counts are monotonic; guard anyway against a baseline above the reading */
static double delta(uint64_t now, uint64_t base) {
    return now >= base ? (double)(now - base) : 0;
}

json_t *hb__counters_json(const hb__counters *c) {
    if (!c) return json_null();
    json_t *o = json_object(), *arr = json_array();
    if (!o || !arr) {
        json_decref(o);
        json_decref(arr);
        return NULL;
    }
    int any_user_only = 0, any_scaled = 0;
    char partial[512] = "";
    for (size_t i = 0; i < c->nev; i++) {
        const hb_event *e = &c->ev[i];
        json_t *j = json_object();
        if (!j) continue;
        json_object_set_new(j, "name", json_string(e->name));
        json_object_set_new(j, "kind", json_string(e->kind == KIND_SW ? "software" : "hardware"));
        json_object_set_new(j, "unit", json_string(e->unit_ns ? "ns" : "count"));
        double sum = 0, en = 0, run = 0;
        int scaled = 0, opened = 0;
        for (size_t t = 0; t < c->nthr && e->group >= 0; t++) {
            size_t k = t * c->nev + i, kl = t * c->nev + (size_t)c->leader[e->group];
            hb_reading r, rl;
            if (read_fd(c->fd[k], &r) != 0 || read_fd(c->fd[kl], &rl) != 0) continue;
            opened++;
            /* The group is scheduled as one, so the leader's times are the members' (as with
               PERF_FORMAT_GROUP). The members' own time_running is not to be trusted: on
               Linux 6.18 software siblings read running < enabled, even 0, though they count. */
            double dv = delta(r.value, c->base[k].value);
            double de = delta(rl.enabled, c->base[kl].enabled);
            double dr = delta(rl.running, c->base[kl].running);
            en += de, run += dr;
            if (dr > 0 && dr < de) {
                dv *= de / dr; /* multiplexed: estimate the count over the enabled time */
                scaled = 1;
            }
            sum += dv;
        }
        const char *reason = e->reason;
        if (!opened && !reason[0]) reason = "could not be read";
        if (opened && en > 0 && run == 0)
            reason = "never scheduled on the PMU during the window (its counters were taken by "
                     "other events: try fewer)";
        if (!opened || reason[0]) {
            json_object_set_new(j, "value", json_null());
            json_object_set_new(j, "scaled", json_false());
            json_object_set_new(j, "running_fraction", json_null());
            json_object_set_new(j, "reason", json_string(reason));
        } else {
            json_object_set_new(j, "value", json_integer((json_int_t)llround(sum)));
            json_object_set_new(j, "scaled", json_boolean(scaled));
            json_object_set_new(j, "running_fraction", en > 0 ? json_real(run / en) : json_null());
            any_scaled |= scaled;
            any_user_only |= e->user_only;
            if (e->missing) {
                /* a sum over some threads only: say so on the event itself, not only in the
                   run's note, so nobody reads it as the whole process */
                char why[256];
                snprintf(why, sizeof why, "partial: not counted on %d of %zu thread(s): %s",
                         e->missing, c->nthr, strerror(e->missing_errno));
                json_object_set_new(j, "reason", json_string(why));
                json_object_set_new(j, "partial", json_true());
                append(partial, sizeof partial, "%s not counted on %d thread(s): %s; ", e->name,
                       e->missing, strerror(e->missing_errno));
            } else
                json_object_set_new(j, "reason", json_string(""));
        }
        json_array_append_new(arr, j);
    }
    json_object_set_new(o, "events", arr);
    json_object_set_new(o, "threads", json_integer((json_int_t)c->nthr));

    char note[1024];
    snprintf(note, sizeof note,
             "summed over %zu thread(s) present at open and the threads they start", c->nthr);
    if (c->meter_threads)
        append(note, sizeof note, ", excluding %d hb-meter sampler thread(s)", c->meter_threads);
    append(note, sizeof note, "; ");
    if (c->gone_threads)
        append(note, sizeof note, "%d thread(s) exited while opening; ", c->gone_threads);
    if (any_user_only)
        append(note, sizeof note,
               "user mode only (perf_event_paranoid=%d forbids counting the kernel: needs <= 1 "
               "or CAP_PERFMON); ",
               paranoid_level());
    if (any_scaled)
        append(note, sizeof note,
               "multiplexed events scaled by time_enabled/time_running (estimates); ");
    if (c->nofile_raised) append(note, sizeof note, "open-files soft limit raised; ");
    append(note, sizeof note, "%s%s", c->note_extra, partial);
#ifndef HB_HAVE_LIBPFM
    append(note, sizeof note, "built without libpfm4: generic kernel events only; ");
#endif
    size_t l = strlen(note);
    if (l >= 2 && note[l - 2] == ';') note[l - 2] = 0; /* drop the trailing "; " */
    json_object_set_new(o, "note", json_string(note));
    return o;
}

/* ---- `hetbench info` ---- */

static json_t *info_item(const char *name, int available, const char *reason) {
    json_t *j = json_object();
    if (!j) return NULL;
    json_object_set_new(j, "name", json_string(name));
    json_object_set_new(j, "available", json_boolean(available));
    json_object_set_new(j, "reason", json_string(reason));
    return j;
}

/* Opens one event on the calling thread to see whether this kind counts here. */
static void probe(json_t *arr, const char *name, uint32_t type, uint64_t config, int kind) {
    struct perf_event_attr a;
    memset(&a, 0, sizeof a);
    a.size = sizeof a, a.type = type, a.config = config, a.disabled = 1;
    int uo = 0;
    char reason[256] = "";
    int fd = open_event(&a, 0, -1, &uo);
    if (fd >= 0) {
        close(fd);
        if (uo)
            snprintf(reason, sizeof reason,
                     "user mode only (perf_event_paranoid=%d; <= 1 or CAP_PERFMON for the kernel)",
                     paranoid_level());
    } else
        describe_errno(reason, sizeof reason, errno, &a, kind);
    json_array_append_new(arr, info_item(name, fd >= 0, reason));
}

json_t *hb__counters_info_json(void) {
    json_t *arr = json_array();
    if (!arr) return NULL;
    probe(arr, "software events", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, KIND_SW);
    probe(arr, "hardware events", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, KIND_HW);
#ifdef HB_HAVE_LIBPFM
    int r = pfm_ready();
    char buf[256];
    if (r != PFM_SUCCESS) {
        snprintf(buf, sizeof buf, "pfm_initialize: %s", pfm_strerror(r));
        json_array_append_new(arr, info_item("libpfm4", 0, buf));
        return arr;
    }
    int v = pfm_get_version();
    /* libpfm4 4.x reports its API version (4.0), not the release */
    snprintf(buf, sizeof buf, "API version %d.%d", PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v));
    json_array_append_new(arr, info_item("libpfm4", 1, buf));
    pfm_pmu_t p;
    pfm_for_all_pmus(p) {
        pfm_pmu_info_t pi;
        memset(&pi, 0, sizeof pi);
        pi.size = sizeof pi;
        if (pfm_get_pmu_info(p, &pi) != PFM_SUCCESS || !pi.is_present || !pi.name) continue;
        char name[128];
        snprintf(name, sizeof name, "pmu:%s", pi.name);
        snprintf(buf, sizeof buf, "%s, %d events", pi.desc ? pi.desc : "", pi.nevents);
        json_array_append_new(arr, info_item(name, 1, buf));
    }
#else
    json_array_append_new(arr, info_item("libpfm4", 0, "built without libpfm4"));
#endif
    return arr;
}
