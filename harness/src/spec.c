/* hetbench — acceptance specs: reading and checking a spec file (docs/acceptance.md §3).
 *
 * Every field is checked, unknown fields are rejected, duplicate keys too (jansson's
 * JSON_REJECT_DUPLICATES). jansson gives the line of a syntax error; for the errors found
 * afterwards (a wrong type, a value out of range, an unknown field) the line is found by
 * walking the text once more with a small scanner that follows the same path ("clauses[2].min")
 * — the text has already been parsed, so the scanner only needs to track nesting. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "report.h"

#define SPEC_MAX_BYTES (16u << 20)

/* snprintf for paths and lists: a truncated path is still a useful message */
static void pfmt(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pfmt(char *out, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, n, fmt, ap);
    va_end(ap);
}

/* ---- where a path's value starts in the text ---- */
typedef struct scan {
    const char *s;
    size_t i;
    int line;
    const char *target;
    int found;
} scan;

static void skip_ws(scan *sc) {
    for (;;) {
        char c = sc->s[sc->i];
        if (c == '\n')
            sc->line++;
        else if (c != ' ' && c != '\t' && c != '\r')
            return;
        sc->i++;
    }
}

/* Copies a JSON string's raw contents (escapes kept as written) into out; advances past it. */
static void scan_string(scan *sc, char *out, size_t n) {
    size_t k = 0;
    sc->i++; /* opening quote */
    while (sc->s[sc->i] && sc->s[sc->i] != '"') {
        if (sc->s[sc->i] == '\\' && sc->s[sc->i + 1]) {
            if (out && k + 2 < n) out[k++] = sc->s[sc->i], out[k++] = sc->s[sc->i + 1];
            sc->i += 2;
            continue;
        }
        if (out && k + 1 < n) out[k++] = sc->s[sc->i];
        sc->i++;
    }
    if (sc->s[sc->i] == '"') sc->i++;
    if (out && n) out[k] = '\0';
}

static void scan_value(scan *sc, char *path, size_t cap, int depth);

static void at_path(scan *sc, const char *path) {
    if (!sc->found && strcmp(path, sc->target) == 0) sc->found = sc->line;
}

static void scan_value(scan *sc, char *path, size_t cap, int depth) {
    skip_ws(sc);
    at_path(sc, path);
    size_t plen = strlen(path);
    char c = sc->s[sc->i];
    if (depth > 200) return;
    if (c == '{') {
        sc->i++;
        for (;;) {
            skip_ws(sc);
            if (sc->s[sc->i] == '}') {
                sc->i++;
                break;
            }
            if (sc->s[sc->i] != '"') return; /* not JSON: give up */
            char key[256];
            scan_string(sc, key, sizeof key);
            pfmt(path + plen, cap - plen, "%s%s", plen ? "." : "", key);
            at_path(sc, path);
            skip_ws(sc);
            if (sc->s[sc->i] == ':') sc->i++;
            scan_value(sc, path, cap, depth + 1);
            path[plen] = '\0';
            skip_ws(sc);
            if (sc->s[sc->i] == ',')
                sc->i++;
            else if (sc->s[sc->i] == '}') {
                sc->i++;
                break;
            } else
                return;
        }
    } else if (c == '[') {
        sc->i++;
        for (int idx = 0;; idx++) {
            skip_ws(sc);
            if (sc->s[sc->i] == ']') {
                sc->i++;
                break;
            }
            pfmt(path + plen, cap - plen, "[%d]", idx);
            scan_value(sc, path, cap, depth + 1);
            path[plen] = '\0';
            skip_ws(sc);
            if (sc->s[sc->i] == ',')
                sc->i++;
            else if (sc->s[sc->i] == ']') {
                sc->i++;
                break;
            } else
                return;
        }
    } else if (c == '"') {
        scan_string(sc, NULL, 0);
    } else {
        while (sc->s[sc->i] && !strchr(",]} \t\r\n", sc->s[sc->i])) sc->i++;
    }
}

int hb__json_path_line(const char *text, const char *path) {
    char want[1024];
    pfmt(want, sizeof want, "%s", path ? path : "");
    for (;;) {
        scan sc = {.s = text, .i = 0, .line = 1, .target = want, .found = 0};
        char buf[1024] = "";
        if (text[0] == '\xef' && text[1] == '\xbb' && text[2] == '\xbf') sc.i = 3;
        scan_value(&sc, buf, sizeof buf, 0);
        if (sc.found) return sc.found;
        /* the nearest enclosing value: strip the last ".key" or "[i]" */
        size_t len = strlen(want);
        if (len == 0) return 0;
        char *dot = strrchr(want, '.'), *br = strrchr(want, '[');
        char *cut = dot > br ? dot : br;
        if (!cut)
            want[0] = '\0';
        else
            *cut = '\0';
    }
}

/* ---- checking ---- */
typedef struct ctx {
    const char *file;
    const char *text;
    char *err;
    size_t n;
    int failed;
} ctx;

static int fail(ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, const char *path, const char *fmt, ...) {
    if (c->failed) return -1;
    c->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = hb__json_path_line(c->text, path);
    hb__set_err(c->err, c->n, "%s:%d: %s: %s", c->file, line > 0 ? line : 1,
                path && *path ? path : "(document)", msg);
    return -1;
}

/* Rejects keys outside `allowed` (NULL-terminated). */
static int only_keys(ctx *c, const json_t *obj, const char *path, const char *const *allowed) {
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0) ok = 1;
        if (!ok) {
            char p[512], list[512] = "";
            pfmt(p, sizeof p, "%s%s%s", path, *path ? "." : "", key);
            for (const char *const *a = allowed; *a; a++)
                pfmt(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     a == allowed ? "" : ", ", *a);
            return fail(c, p, "unknown field (allowed here: %s)", list);
        }
    }
    return 0;
}

static void sub(char *out, size_t n, const char *path, const char *key) {
    pfmt(out, n, "%s%s%s", path, *path ? "." : "", key);
}

static json_t *need(ctx *c, json_t *obj, const char *path, const char *key, int required) {
    json_t *v = json_object_get(obj, key);
    if (!v && required) {
        char p[512];
        sub(p, sizeof p, path, key);
        fail(c, p, "required field is missing");
    }
    return v;
}

static int check_text(ctx *c, json_t *v, const char *path) {
    static const char *const keys[] = {"en", "zh", NULL};
    if (!json_is_object(v))
        return fail(c, path, "must be a text object {\"en\": \"...\", \"zh\": \"...\"}");
    if (only_keys(c, v, path, keys)) return -1;
    for (int i = 0; i < 2; i++) {
        char p[512];
        sub(p, sizeof p, path, keys[i]);
        json_t *s = json_object_get(v, keys[i]);
        if (!s) return fail(c, p, "required field is missing (texts are bilingual)");
        if (!json_is_string(s) || json_string_length(s) == 0)
            return fail(c, p, "must be a non-empty string");
    }
    return 0;
}

static int check_string(ctx *c, json_t *v, const char *path) {
    if (!json_is_string(v) || json_string_length(v) == 0)
        return fail(c, path, "must be a non-empty string");
    return 0;
}

static int check_number(ctx *c, json_t *v, const char *path, double lo, int lo_open, double hi,
                        const char *what) {
    if (!json_is_number(v)) return fail(c, path, "must be %s", what);
    double x = json_number_value(v);
    if (!isfinite(x) || (lo_open ? !(x > lo) : !(x >= lo)) || !(x <= hi))
        return fail(c, path, "must be %s", what);
    return 0;
}

static int check_count(ctx *c, json_t *v, const char *path) {
    if (!json_is_integer(v) || json_integer_value(v) < 1)
        return fail(c, path, "must be an integer ≥ 1");
    return 0;
}

static int check_enum(ctx *c, json_t *v, const char *path, const char *const *values) {
    const char *s = json_string_value(v);
    char list[256] = "";
    for (const char *const *a = values; *a; a++) {
        if (s && strcmp(s, *a) == 0) return 0;
        pfmt(list + strlen(list), sizeof list - strlen(list), "%s%s", a == values ? "" : ", ", *a);
    }
    return fail(c, path, "must be one of %s", list);
}

static int check_id(ctx *c, json_t *v, const char *path) {
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > 64)
        return fail(c, path, "must be an identifier (letters, digits, '-', '_', '.'; 1-64)");
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_.", *p))
            return fail(c, path, "must be an identifier (letters, digits, '-', '_', '.'; 1-64)");
    return 0;
}

static int check_precision_name(ctx *c, json_t *v, const char *path) {
    hb_variant var;
    const char *s = json_string_value(v);
    if (!s || hb_variant_parse(s, &var) != 0 || strcmp(hb_variant_name(var), s) != 0)
        return fail(c, path, "must be a precision: f64, f32, tf32, f16, bf16, i8, fp8, i32");
    return 0;
}

static int check_kernel_name(ctx *c, json_t *v, const char *path) {
    const char *s = json_string_value(v);
    if (!s || !hb_kernel_find(s)) {
        char list[256] = "";
        for (size_t i = 0; i < hb_kernel_count(); i++)
            pfmt(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
                 hb_kernel_at(i)->name);
        return fail(c, path, "must be a kernel name (%s)", list);
    }
    return 0;
}

/* A non-empty array of items checked by fn, no duplicates (strings). */
static int check_list(ctx *c, json_t *v, const char *path,
                      int (*fn)(ctx *, json_t *, const char *)) {
    if (!json_is_array(v) || json_array_size(v) == 0)
        return fail(c, path, "must be a non-empty list");
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        char p[512];
        pfmt(p, sizeof p, "%s[%zu]", path, i);
        if (fn(c, x, p)) return -1;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(v, j), x)) return fail(c, p, "appears twice in the list");
    }
    return 0;
}

static const char *const roles[] = {"hpc", "ai", "general", NULL};
static const char *const origins[] = {"domestic", "foreign", "unknown", NULL};
static const char *const categories[] = {"cpu",          "accelerator", "os",       "compiler",
                                         "math_library", "runtime",     "server",   "dl_framework",
                                         "cloud_os",     "bmc",         "database", "middleware",
                                         "storage",      "network",     NULL};

static int check_category(ctx *c, json_t *v, const char *path) {
    return check_enum(c, v, path, categories);
}

const char *hb__role_precision(const char *role) {
    if (!role) return NULL;
    if (strcmp(role, "hpc") == 0) return "f64";
    if (strcmp(role, "ai") == 0) return "f16";
    if (strcmp(role, "general") == 0) return "f32";
    return NULL;
}

static int check_node_type(ctx *c, json_t *nt, const char *path) {
    static const char *const keys[] = {"id", "name", "role", "count", "match", "rated_peak", NULL};
    static const char *const mkeys[] = {"hosts", "cpu", "accelerator", "os", NULL};
    char p[512];
    if (!json_is_object(nt)) return fail(c, path, "must be an object");
    if (only_keys(c, nt, path, keys)) return -1;
    json_t *v;
    if (!(v = need(c, nt, path, "id", 1))) return -1;
    sub(p, sizeof p, path, "id");
    if (check_id(c, v, p)) return -1;
    if ((v = json_object_get(nt, "name"))) {
        sub(p, sizeof p, path, "name");
        if (check_text(c, v, p)) return -1;
    }
    if (!(v = need(c, nt, path, "role", 1))) return -1;
    sub(p, sizeof p, path, "role");
    if (check_enum(c, v, p, roles)) return -1;
    if (!(v = need(c, nt, path, "count", 1))) return -1;
    sub(p, sizeof p, path, "count");
    if (check_count(c, v, p)) return -1;
    if (!(v = need(c, nt, path, "match", 1))) return -1;
    sub(p, sizeof p, path, "match");
    if (!json_is_object(v) || json_object_size(v) == 0)
        return fail(c, p, "must be an object with at least one of hosts, cpu, accelerator, os");
    if (only_keys(c, v, p, mkeys)) return -1;
    const char *key;
    json_t *m;
    json_object_foreach(v, key, m) {
        char q[512];
        sub(q, sizeof q, p, key);
        if (strcmp(key, "hosts") == 0) {
            if (check_list(c, m, q, check_string)) return -1;
        } else if (check_string(c, m, q))
            return -1;
    }
    if ((v = json_object_get(nt, "rated_peak"))) {
        sub(p, sizeof p, path, "rated_peak");
        if (!json_is_object(v) || json_object_size(v) == 0)
            return fail(c, p, "must be an object of precision: FLOP/s per node");
        json_object_foreach(v, key, m) {
            char q[512];
            sub(q, sizeof q, p, key);
            json_t *tmp = json_string(key);
            int bad = check_precision_name(c, tmp, q);
            json_decref(tmp);
            if (bad) return -1;
            if (check_number(c, m, q, 0, 1, INFINITY, "a number > 0 (FLOP/s per node)")) return -1;
        }
    }
    return 0;
}

static int check_declared(ctx *c, json_t *d, const char *path) {
    static const char *const keys[] = {"category", "name", "origin", "count", "note", NULL};
    char p[512];
    if (!json_is_object(d)) return fail(c, path, "must be an object");
    if (only_keys(c, d, path, keys)) return -1;
    json_t *v;
    if (!(v = need(c, d, path, "category", 1))) return -1;
    sub(p, sizeof p, path, "category");
    if (check_category(c, v, p)) return -1;
    if (!(v = need(c, d, path, "name", 1))) return -1;
    sub(p, sizeof p, path, "name");
    if (check_string(c, v, p)) return -1;
    if (!(v = need(c, d, path, "origin", 1))) return -1;
    sub(p, sizeof p, path, "origin");
    if (check_enum(c, v, p, origins)) return -1;
    if ((v = json_object_get(d, "count"))) {
        sub(p, sizeof p, path, "count");
        if (check_count(c, v, p)) return -1;
    } else
        json_object_set_new(d, "count", json_integer(1));
    if ((v = json_object_get(d, "note"))) {
        sub(p, sizeof p, path, "note");
        if (check_text(c, v, p)) return -1;
    }
    return 0;
}

/* node_types of a clause: known ids; default every node type. */
static int check_clause_node_types(ctx *c, json_t *cl, const char *path, json_t *node_types) {
    json_t *v = json_object_get(cl, "node_types");
    char p[512];
    sub(p, sizeof p, path, "node_types");
    if (!v) {
        json_t *all = json_array();
        size_t i;
        json_t *nt;
        json_array_foreach(node_types, i, nt) json_array_append(all, json_object_get(nt, "id"));
        json_object_set_new(cl, "node_types", all);
        return 0;
    }
    if (check_list(c, v, p, check_string)) return -1;
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
        int known = 0;
        size_t j;
        json_t *nt;
        json_array_foreach(node_types, j, nt) if (json_equal(json_object_get(nt, "id"), x)) known =
            1;
        if (!known) {
            char q[512];
            pfmt(q, sizeof q, "%s[%zu]", p, i);
            return fail(c, q, "\"%s\" is not the id of a node type in system.node_types",
                        json_string_value(x));
        }
    }
    return 0;
}

static int check_target(ctx *c, json_t *t, const char *path) {
    static const char *const keys[] = {"max", "min", "approx", "tolerance", NULL};
    if (!json_is_object(t))
        return fail(c, path,
                    "must be an object: {\"max\": x}, {\"min\": x} "
                    "or {\"approx\": x, \"tolerance\": t}");
    if (only_keys(c, t, path, keys)) return -1;
    json_t *mx = json_object_get(t, "max"), *mn = json_object_get(t, "min"),
           *ap = json_object_get(t, "approx"), *tol = json_object_get(t, "tolerance");
    char p[512];
    if ((!!mx + !!mn + !!ap) != 1)
        return fail(c, path, "must have exactly one of max, min, approx");
    if (ap && !tol) {
        sub(p, sizeof p, path, "tolerance");
        return fail(c, p, "required field is missing (approx needs a tolerance)");
    }
    if (!ap && tol) {
        sub(p, sizeof p, path, "tolerance");
        return fail(c, p, "only with approx");
    }
    const char *k = mx ? "max" : mn ? "min" : "approx";
    sub(p, sizeof p, path, k);
    if (check_number(c, json_object_get(t, k), p, 0, 0, 1, "a share between 0 and 1")) return -1;
    if (tol) {
        sub(p, sizeof p, path, "tolerance");
        if (check_number(c, tol, p, 0, 0, 1, "a share between 0 and 1")) return -1;
    }
    return 0;
}

static int check_clause(ctx *c, json_t *cl, const char *path, json_t *node_types) {
    static const char *const common[] = {"id", "type", "title", "required", "note"};
    static const char *const types[] = {
        "capacity",          "efficiency", "energy_efficiency", "autonomy",
        "compute_structure", "pue",        "rack_power",        NULL};
    static const char *const extra[][8] = {
        {"precision", "kernels", "min", "node_types", NULL},
        {"kernel", "precision", "min", "against", "node_types", NULL},
        {"kernel", "precision", "min_gflops_per_joule", "node_types", NULL},
        {"method", "min", "categories", "precision", "kernels", NULL},
        {"targets", "normalisation", "kernels", NULL},
        {"max", "facility_log", "it_log", NULL},
        {"min_kw", "it_log", NULL}};
    char p[512];
    if (!json_is_object(cl)) return fail(c, path, "must be an object");
    json_t *v;
    if (!(v = need(c, cl, path, "type", 1))) return -1;
    sub(p, sizeof p, path, "type");
    if (check_enum(c, v, p, types)) return -1;
    const char *type = json_string_value(v);
    int t = 0;
    while (strcmp(types[t], type) != 0) t++;
    const char *allowed[16];
    int na = 0;
    for (size_t i = 0; i < sizeof common / sizeof *common; i++) allowed[na++] = common[i];
    for (int i = 0; extra[t][i]; i++) allowed[na++] = extra[t][i];
    allowed[na] = NULL;
    if (only_keys(c, cl, path, allowed)) return -1;
    if (!(v = need(c, cl, path, "id", 1))) return -1;
    sub(p, sizeof p, path, "id");
    if (check_id(c, v, p)) return -1;
    if ((v = json_object_get(cl, "title"))) {
        sub(p, sizeof p, path, "title");
        if (check_text(c, v, p)) return -1;
    }
    if ((v = json_object_get(cl, "note"))) {
        sub(p, sizeof p, path, "note");
        if (check_text(c, v, p)) return -1;
    }
    if ((v = json_object_get(cl, "required"))) {
        sub(p, sizeof p, path, "required");
        if (!json_is_boolean(v)) return fail(c, p, "must be true or false");
    } else
        json_object_set_new(cl, "required", json_true());

#define FIELD(key)                                                                                 \
    do {                                                                                           \
        if (!(v = need(c, cl, path, key, 1))) return -1;                                           \
        sub(p, sizeof p, path, key);                                                               \
    } while (0)
    if (strcmp(type, "capacity") == 0) {
        FIELD("precision");
        if (check_list(c, v, p, check_precision_name)) return -1;
        /* one capacity adds rates of one kind: integer OP/s never go into FLOP/s, and an
           int8 dot-product OP is not an int32 multiply-add */
        for (size_t i = 0; json_array_size(v) > 1 && i < json_array_size(v); i++) {
            const char *pn = json_string_value(json_array_get(v, i));
            if (hb__variant_name_is_integer(pn))
                return fail(c, p,
                            "%s (integer OP/s) cannot be combined with other precisions in one "
                            "capacity",
                            pn);
        }
        if ((v = json_object_get(cl, "kernels"))) {
            sub(p, sizeof p, path, "kernels");
            if (check_list(c, v, p, check_kernel_name)) return -1;
        } else
            json_object_set_new(cl, "kernels", json_pack("[ss]", "gemm", "lu"));
        FIELD("min");
        if (check_number(c, v, p, 0, 0, INFINITY, "a number ≥ 0 (FLOP/s)")) return -1;
        if (check_clause_node_types(c, cl, path, node_types)) return -1;
    } else if (strcmp(type, "efficiency") == 0) {
        FIELD("kernel");
        if (check_kernel_name(c, v, p)) return -1;
        FIELD("precision");
        if (check_precision_name(c, v, p)) return -1;
        FIELD("min");
        if (check_number(c, v, p, 0, 0, 1, "a ratio between 0 and 1")) return -1;
        static const char *const against[] = {"rated", "attainable", NULL};
        if ((v = json_object_get(cl, "against"))) {
            sub(p, sizeof p, path, "against");
            if (!json_is_array(v) || json_array_size(v) == 0)
                return fail(c, p, "must be a non-empty list of \"rated\", \"attainable\"");
            size_t i;
            json_t *x;
            json_array_foreach(v, i, x) {
                char q[512];
                pfmt(q, sizeof q, "%s[%zu]", p, i);
                if (check_enum(c, x, q, against)) return -1;
                for (size_t j = 0; j < i; j++)
                    if (json_equal(json_array_get(v, j), x))
                        return fail(c, q, "appears twice in the list");
            }
        } else
            json_object_set_new(cl, "against", json_pack("[ss]", "rated", "attainable"));
        if (check_clause_node_types(c, cl, path, node_types)) return -1;
    } else if (strcmp(type, "energy_efficiency") == 0) {
        FIELD("kernel");
        if (check_kernel_name(c, v, p)) return -1;
        FIELD("precision");
        if (check_precision_name(c, v, p)) return -1;
        FIELD("min_gflops_per_joule");
        if (check_number(c, v, p, 0, 0, INFINITY, "a number ≥ 0 (GFLOP/J)")) return -1;
        if (check_clause_node_types(c, cl, path, node_types)) return -1;
    } else if (strcmp(type, "autonomy") == 0) {
        static const char *const methods[] = {"count", "compute", NULL};
        FIELD("method");
        if (check_enum(c, v, p, methods)) return -1;
        int count = strcmp(json_string_value(v), "count") == 0;
        FIELD("min");
        if (check_number(c, v, p, 0, 0, 1, "a ratio between 0 and 1")) return -1;
        if (count) {
            FIELD("categories");
            if (check_list(c, v, p, check_category)) return -1;
            if (json_object_get(cl, "precision")) {
                sub(p, sizeof p, path, "precision");
                return fail(c, p, "only with method \"compute\"");
            }
            if (json_object_get(cl, "kernels")) {
                sub(p, sizeof p, path, "kernels");
                return fail(c, p, "only with method \"compute\"");
            }
        } else {
            FIELD("precision");
            if (check_list(c, v, p, check_precision_name)) return -1;
            if (json_object_get(cl, "categories")) {
                sub(p, sizeof p, path, "categories");
                return fail(c, p, "only with method \"count\"");
            }
            if ((v = json_object_get(cl, "kernels"))) {
                sub(p, sizeof p, path, "kernels");
                if (check_list(c, v, p, check_kernel_name)) return -1;
            } else
                json_object_set_new(cl, "kernels", json_pack("[ss]", "gemm", "lu"));
        }
    } else if (strcmp(type, "compute_structure") == 0) {
        FIELD("targets");
        if (!json_is_object(v) || json_object_size(v) == 0)
            return fail(c, p, "must be an object of role: target (hpc, ai, general)");
        const char *key;
        json_t *tg;
        json_object_foreach(v, key, tg) {
            char q[512];
            sub(q, sizeof q, p, key);
            json_t *tmp = json_string(key);
            int bad = check_enum(c, tmp, q, roles);
            json_decref(tmp);
            if (bad || check_target(c, tg, q)) return -1;
        }
        FIELD("normalisation");
        static const char *const nkeys[] = {"unit", "factors", NULL};
        if (!json_is_object(v)) return fail(c, p, "must be an object {\"unit\", \"factors\"}");
        if (only_keys(c, v, p, nkeys)) return -1;
        char q[512];
        json_t *u = json_object_get(v, "unit"), *f = json_object_get(v, "factors");
        sub(q, sizeof q, p, "unit");
        if (!u) return fail(c, q, "required field is missing");
        if (check_precision_name(c, u, q)) return -1;
        sub(q, sizeof q, p, "factors");
        if (!f) return fail(c, q, "required field is missing");
        if (!json_is_object(f)) return fail(c, q, "must be an object of precision: factor");
        json_t *fx;
        json_object_foreach(f, key, fx) {
            char r[512];
            sub(r, sizeof r, q, key);
            json_t *tmp = json_string(key);
            int bad = check_precision_name(c, tmp, r);
            json_decref(tmp);
            if (bad || check_number(c, fx, r, 0, 1, INFINITY, "a number > 0")) return -1;
        }
        for (int r = 0; roles[r]; r++) {
            const char *prec = hb__role_precision(roles[r]);
            if (!json_object_get(f, prec))
                return fail(c, q, "needs a factor for %s (the native precision of role %s)", prec,
                            roles[r]);
        }
        if ((v = json_object_get(cl, "kernels"))) {
            sub(p, sizeof p, path, "kernels");
            if (check_list(c, v, p, check_kernel_name)) return -1;
        } else
            json_object_set_new(cl, "kernels", json_pack("[ss]", "gemm", "lu"));
    } else if (strcmp(type, "pue") == 0) {
        FIELD("max");
        if (check_number(c, v, p, 1, 0, 100, "a number between 1 and 100")) return -1;
        FIELD("facility_log");
        if (check_string(c, v, p)) return -1;
        FIELD("it_log");
        if (check_string(c, v, p)) return -1;
    } else if (strcmp(type, "rack_power") == 0) {
        FIELD("min_kw");
        if (check_number(c, v, p, 0, 1, INFINITY, "a number > 0 (kW)")) return -1;
        if ((v = json_object_get(cl, "it_log"))) {
            sub(p, sizeof p, path, "it_log");
            if (check_string(c, v, p)) return -1;
        }
    }
#undef FIELD
    return 0;
}

static int check_spec(ctx *c, json_t *doc) {
    static const char *const keys[] = {"spec_version", "name",     "description", "catalog",
                                       "system",       "outliers", "clauses",     NULL};
    static const char *const skeys[] = {"node_types", "racks", "declared_components", NULL};
    if (!json_is_object(doc)) return fail(c, "", "the document must be a JSON object");
    if (only_keys(c, doc, "", keys)) return -1;
    json_t *v;
    if (!(v = need(c, doc, "", "spec_version", 1))) return -1;
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return fail(c, "spec_version", "must be 1 (this hetbench reads spec version 1)");
    if (!(v = need(c, doc, "", "name", 1)) || check_text(c, v, "name")) return -1;
    if ((v = json_object_get(doc, "description")) && check_text(c, v, "description")) return -1;
    if ((v = json_object_get(doc, "catalog")) && check_list(c, v, "catalog", check_string))
        return -1;
    json_t *sys = need(c, doc, "", "system", 1);
    if (!sys) return -1;
    if (!json_is_object(sys)) return fail(c, "system", "must be an object");
    if (only_keys(c, sys, "system", skeys)) return -1;
    json_t *nts = need(c, sys, "system", "node_types", 1);
    if (!nts) return -1;
    if (!json_is_array(nts) || json_array_size(nts) == 0)
        return fail(c, "system.node_types", "must be a non-empty list");
    size_t i;
    json_t *x;
    json_array_foreach(nts, i, x) {
        char p[512];
        pfmt(p, sizeof p, "system.node_types[%zu]", i);
        if (check_node_type(c, x, p)) return -1;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(nts, j), "id"),
                           json_object_get(x, "id"))) {
                strcat(p, ".id");
                return fail(c, p, "\"%s\" is the id of an earlier node type",
                            json_string_value(json_object_get(x, "id")));
            }
    }
    if ((v = json_object_get(sys, "racks")) && check_count(c, v, "system.racks")) return -1;
    if ((v = json_object_get(sys, "declared_components"))) {
        if (!json_is_array(v)) return fail(c, "system.declared_components", "must be a list");
        json_array_foreach(v, i, x) {
            char p[512];
            pfmt(p, sizeof p, "system.declared_components[%zu]", i);
            if (check_declared(c, x, p)) return -1;
        }
    } else
        json_object_set_new(sys, "declared_components", json_array());
    if ((v = json_object_get(doc, "outliers"))) {
        static const char *const okeys[] = {"k", NULL};
        if (!json_is_object(v)) return fail(c, "outliers", "must be an object {\"k\": 3}");
        if (only_keys(c, v, "outliers", okeys)) return -1;
        json_t *k = json_object_get(v, "k");
        if (!k)
            json_object_set_new(v, "k", json_real(3.0));
        else if (check_number(c, k, "outliers.k", 0, 1, 100, "a number > 0 (at most 100)"))
            return -1;
    } else
        json_object_set_new(doc, "outliers", json_pack("{s:f}", "k", 3.0));
    json_t *cls = need(c, doc, "", "clauses", 1);
    if (!cls) return -1;
    if (!json_is_array(cls) || json_array_size(cls) == 0)
        return fail(c, "clauses", "must be a non-empty list");
    json_array_foreach(cls, i, x) {
        char p[512];
        pfmt(p, sizeof p, "clauses[%zu]", i);
        if (check_clause(c, x, p, nts)) return -1;
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_object_get(json_array_get(cls, j), "id"),
                           json_object_get(x, "id"))) {
                strcat(p, ".id");
                return fail(c, p, "\"%s\" is the id of an earlier clause",
                            json_string_value(json_object_get(x, "id")));
            }
    }
    return 0;
}

static char *read_text(const char *path, char *err, size_t n) {
    struct stat st;
    if (stat(path, &st) != 0) {
        hb__set_err(err, n, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        hb__set_err(err, n, "%s: not a regular file", path);
        return NULL;
    }
    if ((unsigned long long)st.st_size > SPEC_MAX_BYTES) {
        hb__set_err(err, n, "%s: larger than %u MiB: not a spec", path, SPEC_MAX_BYTES >> 20);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        hb__set_err(err, n, "%s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int bad = buf && ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        hb__set_err(err, n, "%s: %s", path, buf ? "read error" : "out of memory");
        return NULL;
    }
    buf[got] = '\0';
    if (strlen(buf) != got) {
        free(buf);
        hb__set_err(err, n, "%s: contains a NUL byte: not a JSON text", path);
        return NULL;
    }
    return buf;
}

json_t *hb__spec_load(const char *path, char *err, size_t n) {
    char *text = read_text(path, err, n);
    if (!text) return NULL;
    json_error_t je;
    json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        hb__set_err(err, n, "%s:%d: %s", path, je.line > 0 ? je.line : 1, je.text);
        free(text);
        return NULL;
    }
    ctx c = {.file = path, .text = text, .err = err, .n = n, .failed = 0};
    if (check_spec(&c, doc)) {
        json_decref(doc);
        doc = NULL;
    }
    free(text);
    return doc;
}
