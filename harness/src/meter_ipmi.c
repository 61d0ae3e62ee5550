/* hetbench — IPMI DCMI meter: whole-node AC power from the BMC, read by running
 * `ipmitool dcmi power reading` or `ipmi-dcmi --get-system-power-statistics` (or a command
 * line given by the user) and parsing its current reading. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "meter.h"
#include "meter_remote.h"

extern char **environ;

double hb__ipmi_timeout_s = 10.0;

/* ---- parsing ---- */

enum { F_CURRENT, F_STATE };
static const struct {
    const char *label; /* as printed, matched case-insensitively at the start of a line */
    const char *field; /* the name used in messages */
    int what;
} ipmi_fields[] = {
    {"Instantaneous power reading", "Instantaneous power reading", F_CURRENT}, /* ipmitool */
    {"Current Power", "Current Power", F_CURRENT},              /* ipmi-dcmi (FreeIPMI), ipmiutil */
    {"Power reading state is", "Power reading state", F_STATE}, /* ipmitool, ipmiutil */
    {"Power Measurement", "Power Measurement", F_STATE},        /* ipmi-dcmi */
};

static int is_blank(char c) {
    return c == ' ' || c == '\t';
}

/* If line [s, e) is "LABEL <spaces> : value", the value (trimmed) in [*v, *ve). */
static int match_field(const char *s, const char *e, const char *label, const char **v,
                       const char **ve) {
    size_t n = strlen(label);
    if ((size_t)(e - s) < n || strncasecmp(s, label, n) != 0) return 0;
    s += n;
    while (s < e && is_blank(*s)) s++;
    if (s == e || *s != ':') return 0; /* "Current Power Limit" etc. are other fields */
    s++;
    while (s < e && is_blank(*s)) s++;
    while (e > s && (is_blank(e[-1]) || e[-1] == '\r')) e--;
    *v = s, *ve = e;
    return 1;
}

/* "220 Watts" → 220. The value must be a plain non-negative number, optionally followed by
   the unit W/Watts in either case. */
static int parse_watts(const char *field, const char *v, const char *ve, double *w, char *err,
                       size_t errlen) {
    int len = (int)(ve - v);
    const char *p = v;
    if (p < ve && *p == '-' && p + 1 < ve && p[1] >= '0' && p[1] <= '9') {
        snprintf(err, errlen, "field '%s': negative power '%.*s'", field, len, v);
        return -1;
    }
    char num[32];
    size_t k = 0;
    int digits = 0;
    while (p < ve && k + 1 < sizeof num && ((*p >= '0' && *p <= '9') || *p == '.')) {
        digits += *p != '.';
        num[k++] = *p++;
    }
    num[k] = '\0';
    const char *unit = p;
    while (unit < ve && is_blank(*unit)) unit++;
    size_t ulen = (size_t)(ve - unit);
    int unit_ok = ulen == 0 || ((ulen == 1 || ulen == 5) && strncasecmp(unit, "Watts", ulen) == 0);
    char *end = NULL;
    double x = digits ? strtod(num, &end) : 0.0;
    /* digits glued to something else ("22x0", "1.2.3") are not a number; "220 mW" is a unit */
    if (!digits || *end != '\0' || (!unit_ok && unit == p)) {
        snprintf(err, errlen, "field '%s': not a number: '%.*s'", field, len, v);
        return -1;
    }
    if (!unit_ok) {
        snprintf(err, errlen, "field '%s': unexpected unit in '%.*s' (expected Watts)", field, len,
                 v);
        return -1;
    }
    *w = x;
    return 0;
}

int hb__ipmi_parse_reading(const char *text, double *watts, char *err, size_t errlen) {
    const char *cur = NULL, *cur_end = NULL, *cur_field = NULL;
    const char *state = NULL, *state_end = NULL, *state_field = NULL;
    for (const char *s = text ? text : ""; *s;) {
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        const char *b = s;
        while (b < e && is_blank(*b)) b++;
        for (size_t i = 0; i < sizeof ipmi_fields / sizeof ipmi_fields[0]; i++) {
            const char *v, *ve;
            if (!match_field(b, e, ipmi_fields[i].label, &v, &ve)) continue;
            /* the first occurrence counts; min/max/average lines are never matched */
            if (ipmi_fields[i].what == F_CURRENT && !cur)
                cur = v, cur_end = ve, cur_field = ipmi_fields[i].field;
            else if (ipmi_fields[i].what == F_STATE && !state)
                state = v, state_end = ve, state_field = ipmi_fields[i].field;
            break;
        }
        s = *e ? e + 1 : e;
    }
    /* A deactivated reading is a stale or made-up number: reject it whatever it says. */
    if (state) {
        size_t n = (size_t)(state_end - state);
        int ok = (n == 9 && strncasecmp(state, "activated", 9) == 0) ||
                 (n == 6 && strncasecmp(state, "active", 6) == 0);
        if (!ok) {
            snprintf(err, errlen,
                     "field '%s': '%.*s': the BMC has no valid power reading (power "
                     "measurement not active on this server)",
                     state_field, (int)n, state);
            return -1;
        }
    }
    if (!cur) {
        snprintf(err, errlen,
                 "field 'Instantaneous power reading' (ipmitool) or 'Current Power' (ipmi-dcmi) "
                 "not found in the output");
        return -1;
    }
    return parse_watts(cur_field, cur, cur_end, watts, err, errlen);
}

/* ---- running the command ---- */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* First non-blank line of the output, for error messages. */
static void first_line(const char *out, char *buf, size_t n) {
    const char *s = out;
    while (*s == '\n' || *s == '\r' || is_blank(*s)) s++;
    size_t k = strcspn(s, "\r\n");
    snprintf(buf, n, "%.*s", (int)(k < 160 ? k : 160), s);
}

/* Runs `sh -c cmd` with stdin from /dev/null and stdout+stderr captured into out (truncated
   to outlen-1 bytes), under the time limit. posix_spawn rather than popen: the child gets its
   own process group so that a hung tool and its children can be killed at the limit.
   0 when it ran and exited with status 0; -1 with the reason otherwise. */
static int run_command(const char *cmd, double limit, char *out, size_t outlen, char *err,
                       size_t errlen) {
    out[0] = '\0';
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    posix_spawnattr_init(&at);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE); /* the parent may ignore SIGPIPE; the tool should not inherit it */
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
    char *argv[] = {"sh", "-c", (char *)cmd, NULL};
    pid_t pid;
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        snprintf(err, errlen, "cannot run /bin/sh: %s", strerror(rc));
        return -1;
    }

    size_t len = 0;
    int timed_out = 0;
    double deadline = now_s() + limit;
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pf, 1, (int)(left * 1000.0) + 1);
        if (pr < 0 && errno == EINTR) continue;
        if (pr <= 0) {
            timed_out = pr == 0;
            break;
        }
        char buf[1024];
        ssize_t r = read(fds[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break; /* EOF: the command (and anything holding the pipe) is done */
        size_t room = outlen - 1 - len, take = (size_t)r < room ? (size_t)r : room;
        memcpy(out + len, buf, take); /* the rest is drained and dropped */
        len += take;
    }
    out[len] = '\0';
    close(fds[0]);
    /* The output is complete; the command may still linger (it closed its output but did
       not exit): wait for it under the same limit. */
    int status = 0;
    int wait_errno = 0;
    while (!timed_out) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        wait_errno = w < 0 ? errno : 0;
        if (w != 0 && wait_errno != EINTR) break;
        if (now_s() >= deadline) {
            timed_out = 1;
            break;
        }
        nanosleep(&(struct timespec){.tv_nsec = 5000000}, NULL);
    }
    if (timed_out) {
        kill(-pid, SIGKILL); /* the whole process group: sh, the tool and its children */
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (wait_errno == ECHILD) status = 0; /* SIGCHLD ignored by the host: status unknown */
    if (timed_out) {
        snprintf(err, errlen, "no answer within %g s (BMC not responding?)", limit);
        return -1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    char line[192];
    first_line(out, line, sizeof line);
    if (WIFEXITED(status))
        snprintf(err, errlen, "exit status %d%s%s", WEXITSTATUS(status), line[0] ? ": " : "", line);
    else
        snprintf(err, errlen, "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return -1;
}

/* One reading: run, check the status, parse. */
static int ipmi_reading(const char *cmd, double *watts, char *err, size_t errlen) {
    char out[8192];
    if (run_command(cmd, hb__ipmi_timeout_s, out, sizeof out, err, errlen) != 0) return -1;
    return hb__ipmi_parse_reading(out, watts, err, errlen);
}

static int ipmi_read(hb__meter *m, double *value, char *err, size_t errlen) {
    return ipmi_reading(m->priv, value, err, errlen);
}

static void ipmi_close(hb__meter *m) {
    free(m->priv);
    m->priv = NULL;
}

static const hb__meter_ops ipmi_ops = {ipmi_read, ipmi_close};

/* ---- discovery ---- */

/* Executable `name` in $PATH or, since FreeIPMI installs to /usr/sbin which a user's PATH
   often lacks, in /usr/sbin and /sbin. */
static int find_tool(const char *name, char *out, size_t n) {
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/sbin", path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        struct stat st;
        snprintf(out, n, "%s/%s", *d ? d : ".", name);
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0) return 1;
    }
    return 0;
}

/* Quotes a path for sh only when it needs it (the command is also shown as the detail). */
static void shell_word(const char *s, char *out, size_t n) {
    if (s[strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._+-")] ==
        '\0') {
        snprintf(out, n, "%s", s);
        return;
    }
    size_t k = 0;
    if (n < 3) return;
    out[k++] = '\'';
    for (; *s && k + 6 < n; s++) {
        if (*s == '\'') {
            memcpy(out + k, "'\\''", 4);
            k += 4;
        } else
            out[k++] = *s;
    }
    out[k++] = '\'';
    out[k] = '\0';
}

void hb__meters_discover_ipmi(const hb__meter_env *e, hb__meter_list *l) {
    const char *cmd = e ? e->ipmi_command : NULL;
    char auto_cmd[PATH_MAX + 64];
    if (cmd && !*cmd) {
        hb__meter_list_unavailable(l, "ipmi-dcmi", "off");
        return;
    }
    if (!cmd) {
        /* In-band access needs the OpenIPMI device node (the ipmi_si + ipmi_devintf
           modules); the tools look for the same three names. */
        const char *root = e && e->dev_root && *e->dev_root ? e->dev_root : "/dev";
        static const char *const nodes[] = {"ipmi0", "ipmi/0", "ipmidev/0"};
        char node[PATH_MAX] = "";
        int found = 0;
        for (size_t i = 0; i < 3 && !found; i++) {
            struct stat st;
            snprintf(node, sizeof node, "%s/%s", root, nodes[i]);
            found = stat(node, &st) == 0;
        }
        if (!found) {
            hb__meter_list_unavailable(
                l, "ipmi-dcmi", "no %s/ipmi0 (no BMC, or ipmi_si/ipmi_devintf not loaded)", root);
            return;
        }
        if (access(node, R_OK | W_OK) != 0 && errno == EACCES) {
            hb__meter_list_unavailable(
                l, "ipmi-dcmi",
                "%s: permission denied (root only, unless a udev rule grants access)", node);
            return;
        }
        char tool[PATH_MAX], word[PATH_MAX + 16];
        if (find_tool("ipmitool", tool, sizeof tool)) {
            shell_word(tool, word, sizeof word);
            snprintf(auto_cmd, sizeof auto_cmd, "%s dcmi power reading", word);
        } else if (find_tool("ipmi-dcmi", tool, sizeof tool)) {
            shell_word(tool, word, sizeof word);
            snprintf(auto_cmd, sizeof auto_cmd, "%s --get-system-power-statistics", word);
        } else {
            hb__meter_list_unavailable(l, "ipmi-dcmi",
                                       "%s exists but neither ipmitool nor ipmi-dcmi is installed "
                                       "(Debian packages ipmitool or freeipmi-tools)",
                                       node);
            return;
        }
        cmd = auto_cmd;
    }

    /* A trial reading: a BMC without DCMI power support, or a tool that needs other
       options, shows here rather than as null figures in every window. */
    char why[256];
    double w;
    if (ipmi_reading(cmd, &w, why, sizeof why) != 0) {
        hb__meter_list_unavailable(l, "ipmi-dcmi", "'%s': %s", cmd, why);
        return;
    }
    hb__meter *m = hb__meter_new();
    char *priv = strdup(cmd);
    if (!m || !priv) {
        free(m), free(priv);
        hb__meter_list_unavailable(l, "ipmi-dcmi", "out of memory");
        return;
    }
    snprintf(m->name, sizeof m->name, "ipmi-dcmi");
    snprintf(m->source, sizeof m->source, "ipmi-dcmi");
    snprintf(m->detail, sizeof m->detail, "%.*s", (int)sizeof m->detail - 1, cmd); /* may cut */
    m->scope = HB_SCOPE_NODE_AC;
    m->kind = HB_METER_POWER;
    m->in_band = 1;    /* a BMC sensor, not a calibrated meter */
    m->interval = 1.0; /* BMCs update about once a second */
    m->resolution = 1.0;
    m->min_window = 10.0; /* EEHPC level 2: at least 10 readings in the measured phase */
    m->cheap = 0;         /* a process and a BMC round trip per reading */
    m->ops = &ipmi_ops;
    m->priv = priv;
    hb__meter_list_add(l, m);
}
