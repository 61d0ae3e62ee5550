/* hetbench — the catalog: data files on chips and software (docs/acceptance.md §1), read with
 * jansson and checked field by field; errors name the file, the line and the field. */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "internal.h"

#ifndef HB_CATALOG_DIR
#define HB_CATALOG_DIR ""
#endif

#define MAX_FILE_BYTES (8u << 20)

struct hb__catalog {
    json_t *entries; /* array of entry objects, load order */
    json_t *origin;  /* array of file paths, parallel to entries */
    json_t *ids;     /* id -> index (integer) */
    json_t *files;   /* files read */
    char note[512];  /* why the built-in directory was not read */
};

hb__catalog *hb__catalog_new(void) {
    hb__catalog *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->entries = json_array();
    c->origin = json_array();
    c->ids = json_object();
    c->files = json_array();
    if (!c->entries || !c->origin || !c->ids || !c->files) {
        hb__catalog_free(c);
        return NULL;
    }
    return c;
}

void hb__catalog_free(hb__catalog *c) {
    if (!c) return;
    json_decref(c->entries);
    json_decref(c->origin);
    json_decref(c->ids);
    json_decref(c->files);
    free(c);
}

size_t hb__catalog_entry_count(const hb__catalog *c) {
    return c ? json_array_size(c->entries) : 0;
}
const json_t *hb__catalog_entries(const hb__catalog *c) {
    return c ? c->entries : NULL;
}
const json_t *hb__catalog_files(const hb__catalog *c) {
    return c ? c->files : NULL;
}
const char *hb__catalog_note(const hb__catalog *c) {
    return c ? c->note : "";
}

const char *hb__catalog_entry_file(const hb__catalog *c, size_t i) {
    return c ? json_string_value(json_array_get(c->origin, i)) : NULL;
}

const json_t *hb__catalog_find(const hb__catalog *c, const char *id) {
    if (!c || !id) return NULL;
    json_t *ix = json_object_get(c->ids, id);
    return ix ? json_array_get(c->entries, (size_t)json_integer_value(ix)) : NULL;
}

/* snprintf whose truncation is intended (paths of error messages); keeps gcc's
   -Wformat-truncation quiet by going through vsnprintf. */
static void fmt(char *buf, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static void fmt(char *buf, size_t n, const char *f, ...) {
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, n, f, ap);
    va_end(ap);
}

/* ---- where a field is: a small walker over the (syntactically valid) file text ----
   A path is "entries[3].peak.tflops.f16"; the line is the one of the deepest member or
   element of that path found in the text (the key's line for a member). */

typedef struct {
    const char *p, *end;
    int line;
} scan;

static void skip_ws(scan *s) {
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n')) {
        if (*s->p == '\n') s->line++;
        s->p++;
    }
}

/* At a '"': moves past the string; the raw bytes between the quotes in *b / *len. */
static void skip_string(scan *s, const char **b, size_t *len) {
    s->p++;
    const char *start = s->p;
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' && s->p + 1 < s->end) s->p++;
        if (*s->p == '\n') s->line++;
        s->p++;
    }
    if (b) *b = start;
    if (len) *len = (size_t)(s->p - start);
    if (s->p < s->end) s->p++;
}

static void skip_value(scan *s) {
    skip_ws(s);
    if (s->p >= s->end) return;
    if (*s->p == '"') {
        skip_string(s, NULL, NULL);
        return;
    }
    if (*s->p == '{' || *s->p == '[') {
        int depth = 0;
        while (s->p < s->end) {
            char ch = *s->p;
            if (ch == '"') {
                skip_string(s, NULL, NULL);
                continue;
            }
            if (ch == '\n') s->line++;
            if (ch == '{' || ch == '[') depth++;
            if (ch == '}' || ch == ']') {
                depth--;
                if (depth == 0) {
                    s->p++;
                    return;
                }
            }
            s->p++;
        }
        return;
    }
    while (s->p < s->end && !strchr(",]} \t\r\n", *s->p)) s->p++;
}

/* Walks the path from the value at s; returns the line of the deepest part found. */
static int walk(scan *s, const char *path) {
    skip_ws(s);
    int line = s->line;
    while (*path == '.') path++;
    if (!*path || s->p >= s->end) return line;
    if (*path == '[') {
        char *endp;
        long idx = strtol(path + 1, &endp, 10);
        const char *rest = strchr(path, ']');
        if (!rest || *s->p != '[') return line;
        rest++;
        s->p++;
        for (long i = 0;; i++) {
            skip_ws(s);
            if (s->p >= s->end || *s->p == ']') return line;
            if (i == idx) return walk(s, rest);
            skip_value(s);
            skip_ws(s);
            if (s->p < s->end && *s->p == ',') s->p++;
        }
    }
    size_t klen = strcspn(path, ".[");
    if (*s->p != '{') return line;
    s->p++;
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end || *s->p != '"') return line;
        const char *k;
        size_t len;
        int kline = s->line;
        skip_string(s, &k, &len);
        skip_ws(s);
        if (s->p < s->end && *s->p == ':') s->p++;
        if (len == klen && memcmp(k, path, klen) == 0) {
            if (!path[klen]) return kline;
            return walk(s, path + klen);
        }
        skip_value(s);
        skip_ws(s);
        if (s->p < s->end && *s->p == ',') s->p++;
    }
}

static int line_of(const char *text, size_t len, const char *path) {
    scan s = {text, text + len, 1};
    return walk(&s, path);
}

/* ---- checking ---- */

typedef struct {
    const char *file;
    const char *text;
    size_t len;
    char *err;
    size_t n;
} ctx_t;

/* "FILE:LINE: PATH: message"; returns -1 */
static int fail(ctx_t *x, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ctx_t *x, const char *path, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hb__set_err(x->err, x->n, "%s:%d: %s: %s", x->file, line_of(x->text, x->len, path), path, msg);
    return -1;
}

static const char *const k_categories[] = {
    "cpu",          "accelerator", "display", "os",           "compiler",
    "math_library", "runtime",     "server",  "dl_framework", NULL};
static const char *const k_precisions[] = {"f64", "f32", "f16", "bf16", "i8", NULL};
static const char *const k_confidence[] = {"high", "medium", "low", NULL};

static int in_list(const char *s, const char *const *list) {
    for (; *list; list++)
        if (strcmp(s, *list) == 0) return 1;
    return 0;
}

static void join_list(char *buf, size_t n, const char *const *list) {
    buf[0] = '\0';
    for (size_t i = 0; list[i]; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, n - l, "%s%s", i ? ", " : "", list[i]);
    }
}

/* The match keys and which categories may use them. */
typedef enum { K_STR, K_INT, K_RANGE, K_HEX, K_PCI } key_kind;
static const struct {
    const char *key;
    key_kind kind;
    const char *categories; /* space separated */
} k_match[] = {
    {"cpu_vendor_id", K_STR, "cpu"},
    {"cpu_family", K_INT, "cpu"},
    {"cpu_model_number", K_RANGE, "cpu"},
    {"cpu_model_name", K_STR, "cpu"},
    {"cpu_implementer", K_HEX, "cpu"},
    {"cpu_part", K_HEX, "cpu"},
    {"machine", K_STR, "cpu"},
    {"pci", K_PCI, "accelerator display"},
    {"device_name", K_STR, "accelerator display"},
    {"device_vendor", K_STR, "accelerator display"},
    {"os_id", K_STR, "os"},
    {"compiler_id", K_STR, "compiler"},
    {"compiler_version", K_STR, "compiler"},
    {"library", K_STR, "math_library runtime dl_framework"},
    {"opencl_platform", K_STR, "runtime"},
    {"platform", K_STR, "runtime"},
    {"dmi_vendor", K_STR, "server"},
    {"dmi_product", K_STR, "server"},
};
#define N_MATCH_KEYS (sizeof k_match / sizeof k_match[0])

static int word_in(const char *words, const char *w) {
    size_t l = strlen(w);
    for (const char *p = words; (p = strstr(p, w)); p += l)
        if ((p == words || p[-1] == ' ') && (p[l] == ' ' || p[l] == '\0')) return 1;
    return 0;
}

static int is_hex_id(const char *s) {
    if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2]) return 0;
    for (s += 2; *s; s++)
        if (!isxdigit((unsigned char)*s)) return 0;
    return 1;
}

/* "10de:2330" or "10de:*" */
static int is_pci_pattern(const char *s) {
    if (strlen(s) < 6) return 0;
    for (int i = 0; i < 4; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    if (s[4] != ':') return 0;
    if (strcmp(s + 5, "*") == 0) return 1;
    if (strlen(s) != 9) return 0;
    for (int i = 5; i < 9; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return 1;
}

static int check_match(ctx_t *x, json_t *m, const char *cat, const char *path) {
    char p[256];
    if (!json_is_object(m)) return fail(x, path, "must be an object of match keys");
    if (json_object_size(m) == 0)
        return fail(x, path, "must have at least one key (an entry that matches nothing)");
    const char *key;
    json_t *v;
    json_object_foreach(m, key, v) {
        fmt(p, sizeof p, "%s.%s", path, key);
        size_t k = 0;
        while (k < N_MATCH_KEYS && strcmp(k_match[k].key, key) != 0) k++;
        if (k == N_MATCH_KEYS) {
            char all[512] = "";
            for (size_t i = 0; i < N_MATCH_KEYS; i++) {
                size_t l = strlen(all);
                snprintf(all + l, sizeof all - l, "%s%s", i ? ", " : "", k_match[i].key);
            }
            return fail(x, p, "unknown match key (known: %s)", all);
        }
        if (!word_in(k_match[k].categories, cat))
            return fail(x, p, "not a match key of category %s (it is for: %s)", cat,
                        k_match[k].categories);
        if (!json_is_array(v) || json_array_size(v) == 0)
            return fail(x, p, "must be a non-empty list");
        size_t i;
        json_t *it;
        json_array_foreach(v, i, it) {
            char ip[300];
            snprintf(ip, sizeof ip, "%s[%zu]", p, i);
            switch (k_match[k].kind) {
            case K_STR: {
                const char *s = json_string_value(it);
                if (!s || !*s) return fail(x, ip, "must be a non-empty string");
                /* blanks around a value are kept only for the vendor id ("  Shanghai  ") */
                break;
            }
            case K_INT:
                if (!json_is_integer(it) || json_integer_value(it) < 0)
                    return fail(x, ip, "must be an integer >= 0");
                break;
            case K_RANGE:
                if (json_is_integer(it) && json_integer_value(it) >= 0) break;
                if (json_is_array(it) && json_array_size(it) == 2 &&
                    json_is_integer(json_array_get(it, 0)) &&
                    json_is_integer(json_array_get(it, 1)) &&
                    json_integer_value(json_array_get(it, 0)) >= 0 &&
                    json_integer_value(json_array_get(it, 0)) <=
                        json_integer_value(json_array_get(it, 1)))
                    break;
                return fail(x, ip,
                            "must be an integer >= 0 or a range [low, high] with low <= high");
            case K_HEX: {
                const char *s = json_string_value(it);
                if (!s || !is_hex_id(s))
                    return fail(x, ip, "must be a hexadecimal id string like \"0x48\"");
                break;
            }
            case K_PCI: {
                const char *s = json_string_value(it);
                if (!s || !is_pci_pattern(s))
                    return fail(x, ip,
                                "must be a PCI id \"vvvv:dddd\" or \"vvvv:*\" (4 hex digits each)");
                break;
            }
            }
        }
    }
    return 0;
}

/* a number > 0, or null */
static int check_pos(ctx_t *x, json_t *v, const char *path) {
    if (json_is_null(v)) return 0;
    if (!json_is_number(v) || !(json_number_value(v) > 0) || !isfinite(json_number_value(v)))
        return fail(x, path, "must be a number > 0 or null");
    return 0;
}

static int check_prec_obj(ctx_t *x, json_t *o, const char *path) {
    char p[256], all[64];
    if (!json_is_object(o)) return fail(x, path, "must be an object keyed by precision");
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        fmt(p, sizeof p, "%s.%s", path, key);
        if (!in_list(key, k_precisions)) {
            join_list(all, sizeof all, k_precisions);
            return fail(x, p, "unknown precision (known: %s)", all);
        }
        if (check_pos(x, v, p)) return -1;
    }
    return 0;
}

static int check_peak(ctx_t *x, json_t *pk, const char *cat, const char *path) {
    char p[256];
    if (!json_is_object(pk)) return fail(x, path, "must be an object");
    int is_cpu = strcmp(cat, "cpu") == 0;
    if (!is_cpu && strcmp(cat, "accelerator") != 0)
        return fail(x, path, "only cpu and accelerator entries have peak figures");
    const char *key;
    json_t *v;
    json_object_foreach(pk, key, v) {
        fmt(p, sizeof p, "%s.%s", path, key);
        if (!strcmp(key, "tflops")) {
            if (check_prec_obj(x, v, p)) return -1;
        } else if (!strcmp(key, "memory_bandwidth_gbs")) {
            if (check_pos(x, v, p)) return -1;
        } else if (!strcmp(key, "flops_per_cycle_per_core") || !strcmp(key, "base_clock_ghz") ||
                   !strcmp(key, "boost_clock_ghz") || !strcmp(key, "cores")) {
            if (!is_cpu) return fail(x, p, "only cpu entries have %s", key);
            if (!strcmp(key, "flops_per_cycle_per_core")) {
                if (check_prec_obj(x, v, p)) return -1;
            } else if (!strcmp(key, "cores")) {
                if (!json_is_null(v) && (!json_is_integer(v) || json_integer_value(v) <= 0))
                    return fail(x, p, "must be an integer > 0 or null");
            } else if (check_pos(x, v, p))
                return -1;
        } else
            return fail(x, p,
                        "unknown field (known: flops_per_cycle_per_core, cores, base_clock_ghz, "
                        "boost_clock_ghz, tflops, memory_bandwidth_gbs)");
    }
    return 0;
}

/* field_confidence keys: "tdp_w", "memory_gb", "peak.cores", "peak.tflops.f16" ... and the
   figure must be in the entry. */
static int figure_exists(json_t *e, const char *fig) {
    char buf[128];
    snprintf(buf, sizeof buf, "%s", fig);
    json_t *v = e;
    for (char *save = NULL, *t = strtok_r(buf, ".", &save); t; t = strtok_r(NULL, ".", &save)) {
        if (!json_is_object(v)) return 0;
        v = json_object_get(v, t);
        if (!v) return 0;
    }
    return json_is_number(v) || json_is_null(v);
}

static const char *const k_entry_fields[] = {
    "id",    "category",  "vendor",     "product",          "origin", "match", "peak",
    "tdp_w", "memory_gb", "confidence", "field_confidence", "source", "notes", NULL};

static int check_entry(ctx_t *x, json_t *e, size_t idx) {
    char path[64], p[256], all[256];
    snprintf(path, sizeof path, "entries[%zu]", idx);
    if (!json_is_object(e)) return fail(x, path, "must be an object");
    const char *key;
    json_t *v;
    json_object_foreach(e, key, v) {
        if (!in_list(key, k_entry_fields)) {
            fmt(p, sizeof p, "%s.%s", path, key);
            join_list(all, sizeof all, k_entry_fields);
            return fail(x, p, "unknown field (known: %s)", all);
        }
    }
    static const char *const required[] = {"id",    "category",   "vendor", "product", "origin",
                                           "match", "confidence", "source", NULL};
    for (size_t i = 0; required[i]; i++)
        if (!json_object_get(e, required[i]))
            return fail(x, path, "missing field \"%s\"", required[i]);
    snprintf(p, sizeof p, "%s.id", path);
    const char *id = json_string_value(json_object_get(e, "id"));
    if (!id) return fail(x, p, "must be a string");
    size_t idlen = strlen(id);
    int ok = idlen > 0 && idlen <= 64 &&
             (islower((unsigned char)id[0]) || isdigit((unsigned char)id[0]));
    for (size_t i = 0; ok && i < idlen; i++)
        ok =
            islower((unsigned char)id[i]) || isdigit((unsigned char)id[i]) || strchr("._+-", id[i]);
    if (!ok)
        return fail(
            x, p, "\"%s\" is not an id (1-64 of a-z 0-9 . _ + -, starting with a letter or digit)",
            id);
    snprintf(p, sizeof p, "%s.category", path);
    const char *cat = json_string_value(json_object_get(e, "category"));
    if (!cat || !in_list(cat, k_categories)) {
        join_list(all, sizeof all, k_categories);
        return fail(x, p, "must be one of %s", all);
    }
    static const char *const texts[] = {"vendor", "product", "source", NULL};
    for (size_t i = 0; texts[i]; i++) {
        snprintf(p, sizeof p, "%s.%s", path, texts[i]);
        const char *s = json_string_value(json_object_get(e, texts[i]));
        if (!s || !*s) return fail(x, p, "must be a non-empty string");
    }
    snprintf(p, sizeof p, "%s.notes", path);
    if ((v = json_object_get(e, "notes")) && !json_is_string(v))
        return fail(x, p, "must be a string");
    snprintf(p, sizeof p, "%s.origin", path);
    const char *org = json_string_value(json_object_get(e, "origin"));
    if (!org || (strcmp(org, "domestic") != 0 && strcmp(org, "foreign") != 0))
        return fail(x, p, "must be \"domestic\" or \"foreign\"");
    snprintf(p, sizeof p, "%s.confidence", path);
    v = json_object_get(e, "confidence");
    if (!json_is_null(v) && !(json_is_string(v) && in_list(json_string_value(v), k_confidence)))
        return fail(x, p, "must be \"high\", \"medium\", \"low\" or null");
    snprintf(p, sizeof p, "%s.match", path);
    if (check_match(x, json_object_get(e, "match"), cat, p)) return -1;
    if ((v = json_object_get(e, "peak"))) {
        snprintf(p, sizeof p, "%s.peak", path);
        if (check_peak(x, v, cat, p)) return -1;
    }
    static const char *const nums[] = {"tdp_w", "memory_gb", NULL};
    for (size_t i = 0; nums[i]; i++)
        if ((v = json_object_get(e, nums[i]))) {
            snprintf(p, sizeof p, "%s.%s", path, nums[i]);
            if (check_pos(x, v, p)) return -1;
        }
    if ((v = json_object_get(e, "field_confidence"))) {
        snprintf(p, sizeof p, "%s.field_confidence", path);
        if (!json_is_object(v)) return fail(x, p, "must be an object {\"figure\": confidence}");
        json_t *fv;
        json_object_foreach(v, key, fv) {
            char fp[300];
            snprintf(fp, sizeof fp, "%s.%s", p, key);
            if (!figure_exists(e, key))
                return fail(x, fp,
                            "names no figure of this entry (e.g. \"tdp_w\", \"peak.tflops.f16\")");
            if (!json_is_string(fv) || !in_list(json_string_value(fv), k_confidence))
                return fail(x, fp, "must be \"high\", \"medium\" or \"low\"");
        }
    }
    return 0;
}

static int check_doc(ctx_t *x, json_t *doc) {
    if (!json_is_object(doc))
        return fail(x, "$", "must be an object {\"catalog_version\": 1, \"entries\": [...]}");
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v) {
        if (strcmp(key, "catalog_version") && strcmp(key, "entries") && strcmp(key, "$schema") &&
            strcmp(key, "description"))
            return fail(x, key,
                        "unknown field (known: catalog_version, entries, description, $schema)");
    }
    v = json_object_get(doc, "catalog_version");
    if (!v) return fail(x, "$", "missing field \"catalog_version\"");
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        return fail(x, "catalog_version", "must be 1 (this hetbench reads catalog version 1)");
    if ((v = json_object_get(doc, "description")) && !json_is_string(v))
        return fail(x, "description", "must be a string");
    if ((v = json_object_get(doc, "$schema")) && !json_is_string(v))
        return fail(x, "$schema", "must be a string");
    json_t *entries = json_object_get(doc, "entries");
    if (!entries) return fail(x, "$", "missing field \"entries\"");
    if (!json_is_array(entries)) return fail(x, "entries", "must be a list");
    json_t *seen = json_object();
    if (!seen) return fail(x, "$", "out of memory");
    size_t i;
    json_t *e;
    int rc = 0;
    json_array_foreach(entries, i, e) {
        if ((rc = check_entry(x, e, i))) break;
        const char *id = json_string_value(json_object_get(e, "id"));
        json_t *prev = json_object_get(seen, id);
        if (prev) {
            char p[64], pp[64];
            snprintf(p, sizeof p, "entries[%zu].id", i);
            snprintf(pp, sizeof pp, "entries[%lld].id", (long long)json_integer_value(prev));
            rc = fail(x, p, "duplicate id \"%s\" (also entries[%lld], line %d)", id,
                      (long long)json_integer_value(prev), line_of(x->text, x->len, pp));
            break;
        }
        json_object_set_new(seen, id, json_integer((json_int_t)i));
    }
    json_decref(seen);
    return rc;
}

static char *read_file(const char *path, size_t *len, char *err, size_t n) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        hb__set_err(err, n, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        hb__set_err(err, n, "%s: not a regular file", path);
        fclose(f);
        return NULL;
    }
    if ((unsigned long long)st.st_size > MAX_FILE_BYTES) {
        hb__set_err(err, n, "%s: larger than %u MiB: not a catalog file", path,
                    MAX_FILE_BYTES >> 20);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        hb__set_err(err, n, "%s: out of memory", path);
        fclose(f);
        return NULL;
    }
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        hb__set_err(err, n, "%s: read error", path);
        free(buf);
        return NULL;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

hb_status hb__catalog_add_file(hb__catalog *c, const char *path, char *err, size_t n) {
    if (!c || !path) {
        hb__set_err(err, n, "catalog: no file");
        return HB_E_INVALID;
    }
    size_t len = 0;
    char *text = read_file(path, &len, err, n);
    if (!text) return HB_E_INVALID;
    json_error_t je;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        hb__set_err(err, n, "%s:%d: column %d: %s", path, je.line, je.column, je.text);
        free(text);
        return HB_E_INVALID;
    }
    ctx_t x = {path, text, len, err, n};
    if (check_doc(&x, doc)) {
        json_decref(doc);
        free(text);
        return HB_E_INVALID;
    }
    free(text);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(doc, "entries"), i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        json_t *ix = json_object_get(c->ids, id);
        if (ix) {
            size_t at = (size_t)json_integer_value(ix);
            json_array_set(c->entries, at, e);
            json_array_set_new(c->origin, at, json_string(path));
        } else {
            json_object_set_new(c->ids, id, json_integer((json_int_t)json_array_size(c->entries)));
            json_array_append(c->entries, e);
            json_array_append_new(c->origin, json_string(path));
        }
    }
    json_array_append_new(c->files, json_string(path));
    json_decref(doc);
    return HB_OK;
}

/* ---- the built-in directory ---- */

static int is_dir(const char *p) {
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directory to read; "" when none. */
static hb_status default_dir(char *dir, size_t dn, char *note, size_t nn, char *err, size_t n) {
    dir[0] = note[0] = '\0';
    const char *env = getenv("HETBENCH_CATALOG_DIR");
    if (env && *env) {
        if (!is_dir(env)) {
            hb__set_err(err, n, "HETBENCH_CATALOG_DIR=%s: not a directory", env);
            return HB_E_INVALID;
        }
        snprintf(dir, dn, "%s", env);
        return HB_OK;
    }
    Dl_info info;
    if (dladdr((void *)(uintptr_t)&hb__catalog_new, &info) && info.dli_fname) {
        char lib[4096];
        snprintf(lib, sizeof lib, "%s", info.dli_fname);
        char *slash = strrchr(lib, '/');
        if (slash) {
            *slash = '\0';
            /* lib/ and multiarch lib/<triplet>/ */
            static const char *const rel[] = {"/../share/hetbench/catalog",
                                              "/../../share/hetbench/catalog"};
            for (size_t i = 0; i < 2; i++) {
                char cand[4200];
                fmt(cand, sizeof cand, "%s%s", lib, rel[i]);
                if (is_dir(cand)) {
                    char *real = realpath(cand, NULL);
                    fmt(dir, dn, "%s", real ? real : cand);
                    free(real);
                    return HB_OK;
                }
            }
        }
    }
    if (is_dir(HB_CATALOG_DIR)) {
        snprintf(dir, dn, "%s", HB_CATALOG_DIR);
        return HB_OK;
    }
    snprintf(note, nn,
             "no built-in catalog: HETBENCH_CATALOG_DIR is not set, and neither "
             "share/hetbench/catalog beside the library nor %s exists",
             HB_CATALOG_DIR[0] ? HB_CATALOG_DIR : "(no source directory)");
    return HB_OK;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

hb_status hb__catalog_load_default(hb__catalog **out, char *err, size_t n) {
    *out = NULL;
    hb__catalog *c = hb__catalog_new();
    if (!c) {
        hb__set_err(err, n, "catalog: out of memory");
        return HB_E_NOMEM;
    }
    char dir[4096];
    hb_status s = default_dir(dir, sizeof dir, c->note, sizeof c->note, err, n);
    if (s != HB_OK || !dir[0]) {
        if (s == HB_OK)
            *out = c;
        else
            hb__catalog_free(c);
        return s;
    }
    DIR *d = opendir(dir);
    if (!d) {
        hb__set_err(err, n, "%s: cannot read the catalog directory: %s", dir, strerror(errno));
        hb__catalog_free(c);
        return HB_E_INVALID;
    }
    char **names = NULL;
    size_t nn = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0) continue;
        if (nn == cap) {
            cap = cap ? 2 * cap : 16;
            char **nw = realloc(names, cap * sizeof *names);
            if (!nw) break;
            names = nw;
        }
        size_t pl = strlen(dir) + l + 2;
        names[nn] = malloc(pl);
        if (!names[nn]) break;
        snprintf(names[nn], pl, "%s/%s", dir, de->d_name);
        nn++;
    }
    closedir(d);
    if (nn) qsort(names, nn, sizeof *names, cmp_str);
    s = HB_OK;
    for (size_t i = 0; i < nn; i++) {
        if (s == HB_OK) s = hb__catalog_add_file(c, names[i], err, n);
        free(names[i]);
    }
    free(names);
    if (s != HB_OK) {
        hb__catalog_free(c);
        return s;
    }
    *out = c;
    return HB_OK;
}

/* ---- this process's catalog: built-in + hb_set_catalog_files ---- */

static char **g_files;
static size_t g_nfiles;

static void free_files(char **f, size_t nf) {
    for (size_t i = 0; i < nf; i++) free(f[i]);
    free(f);
}

static hb_status load_process_catalog(hb__catalog **out, char *const *files, size_t nf, char *err,
                                      size_t n) {
    hb_status s = hb__catalog_load_default(out, err, n);
    if (s != HB_OK) return s;
    for (size_t i = 0; i < nf; i++) {
        s = hb__catalog_add_file(*out, files[i], err, n);
        if (s != HB_OK) {
            hb__catalog_free(*out);
            *out = NULL;
            return s;
        }
    }
    return HB_OK;
}

hb_status hb_set_catalog_files(const char *const *files, size_t nfiles, char *err, size_t errlen) {
    char **copy = nfiles ? calloc(nfiles, sizeof *copy) : NULL;
    if (nfiles && !copy) {
        hb__set_err(err, errlen, "catalog: out of memory");
        return HB_E_NOMEM;
    }
    for (size_t i = 0; i < nfiles; i++) {
        if (!files[i] || !*files[i]) {
            free_files(copy, nfiles);
            hb__set_err(err, errlen, "--catalog: empty file name");
            return HB_E_INVALID;
        }
        if (!(copy[i] = strdup(files[i]))) {
            free_files(copy, nfiles);
            hb__set_err(err, errlen, "catalog: out of memory");
            return HB_E_NOMEM;
        }
    }
    hb__catalog *c = NULL;
    hb_status s = load_process_catalog(&c, copy, nfiles, err, errlen);
    hb__catalog_free(c);
    if (s != HB_OK) {
        free_files(copy, nfiles);
        return s;
    }
    free_files(g_files, g_nfiles);
    g_files = copy;
    g_nfiles = nfiles;
    return HB_OK;
}

json_t *hb__inventory_here(const json_t *system) {
    char err[1024] = "";
    hb__catalog *c = NULL;
    hb_status s = load_process_catalog(&c, g_files, g_nfiles, err, sizeof err);
    if (s != HB_OK) c = hb__catalog_new();
    json_t *inv = hb__inventory_build(c, system);
    if (inv && s != HB_OK)
        json_object_set_new(json_object_get(inv, "catalog"), "error", json_string(err));
    hb__catalog_free(c);
    return inv;
}
