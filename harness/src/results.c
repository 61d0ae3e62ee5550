/* hetbench — result files: atomic writes and checking a result read back.
 *
 * Writes go to a temporary file in the destination directory, are fsync'ed, then renamed
 * over the destination: a reader (or a crash, or Ctrl-C) sees the old file or the new one,
 * never half of one. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "report.h"

static void dir_of(const char *path, char *out, size_t n) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    snprintf(out, n, "%s", dirname(tmp));
}

hb_status hb__check_writable(const char *path, char *err, size_t n) {
    if (strlen(path) >= 4000) {
        hb__set_err(err, n, "%.64s...: path longer than 4000 characters", path);
        return HB_E_IO;
    }
    char dir[4096];
    dir_of(path, dir, sizeof dir);
    char probe[4200];
    snprintf(probe, sizeof probe, "%s/.hetbench-probe-XXXXXX", dir);
    int fd = mkstemp(probe);
    if (fd < 0) {
        hb__set_err(err, n, "%s: cannot write in directory %s: %s", path, dir, strerror(errno));
        return HB_E_IO;
    }
    close(fd);
    unlink(probe);
    /* an existing destination must be a regular, replaceable file */
    FILE *f = fopen(path, "r+");
    if (!f && errno != ENOENT) {
        hb__set_err(err, n, "%s: %s", path, strerror(errno));
        return HB_E_IO;
    }
    if (f) fclose(f);
    return HB_OK;
}

hb_status hb__json_write_atomic(const json_t *doc, const char *path, char *err, size_t n) {
    char dir[4096], tmp[4200];
    dir_of(path, dir, sizeof dir);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dir, "hetbench-result");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        hb__set_err(err, n, "%s: cannot create a temporary file in %s: %s", path, dir,
                    strerror(errno));
        return HB_E_IO;
    }
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    if (!text) {
        close(fd);
        unlink(tmp);
        hb__set_err(err, n, "%s: cannot serialise the result", path);
        return HB_E_NOMEM;
    }
    size_t len = strlen(text), off = 0;
    int ok = 1;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            ok = 0;
            break;
        }
        off += (size_t)w;
    }
    if (ok && write(fd, "\n", 1) != 1) ok = 0;
    int saved = errno;
    free(text);
    if (ok && fsync(fd) != 0) ok = 0, saved = errno;
    /* mkstemp creates 0600; give the file the mode a plain fopen would (0666 & ~umask) */
    mode_t mask = umask(0);
    umask(mask);
    if (ok && fchmod(fd, 0666 & ~mask) != 0) ok = 0, saved = errno;
    if (close(fd) != 0 && ok) ok = 0, saved = errno;
    if (!ok || rename(tmp, path) != 0) {
        if (ok) saved = errno;
        unlink(tmp);
        hb__set_err(err, n, "%s: cannot write: %s", path, strerror(saved));
        return HB_E_IO;
    }
    /* make the rename itself durable */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return HB_OK;
}

/* ---- reading a result back ---- */
static const char *const record_statuses[] = {
    "ok", "failed_verification", "unsupported", "skipped", "error", "interrupted"};

static int want(json_t *obj, const char *key, json_type type, const char *path, const char *where,
                char *err, size_t n) {
    json_t *v = json_object_get(obj, key);
    if (!v) {
        hb__set_err(err, n, "%s: field %s.%s is missing", path, where, key);
        return -1;
    }
    if (json_typeof(v) != type && !(type == JSON_REAL && json_is_integer(v))) {
        hb__set_err(err, n, "%s: field %s.%s has the wrong type", path, where, key);
        return -1;
    }
    return 0;
}

/* "M.x" or "M.x.y" (M, x, y: decimal digits, nothing around them). */
static int version_form(const char *v) {
    for (int part = 0; part < 3; part++) {
        if (*v < '0' || *v > '9') return 0;
        while (*v >= '0' && *v <= '9') v++;
        if (*v == '\0') return part > 0;
        if (*v != '.') return 0;
        v++;
    }
    return 0;
}

/* The line of the value at jpath (spec.c's path walk) in the file; 1 when it cannot be read. */
static int file_line(const char *path, const char *jpath) {
    FILE *f = fopen(path, "rb");
    if (!f) return 1;
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    char buf[8192];
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (len + got + 1 > cap) {
            size_t nc = cap ? cap * 2 : sizeof buf * 2;
            while (nc < len + got + 1) nc *= 2;
            char *t = realloc(text, nc);
            if (!t) break;
            text = t, cap = nc;
        }
        memcpy(text + len, buf, got);
        len += got;
    }
    fclose(f);
    if (!text) return 1;
    text[len] = '\0';
    int line = hb__json_path_line(text, jpath);
    free(text);
    return line > 0 ? line : 1;
}

hb_status hb_result_check_file(const char *path, char *err, size_t n) {
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        if (je.line > 0)
            hb__set_err(err, n, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        else
            hb__set_err(err, n, "%s: %s", path, je.text);
        return json_error_code(&je) == json_error_cannot_open_file ? HB_E_IO : HB_E_INVALID;
    }
    hb_status st = HB_E_INVALID;
    if (!json_is_object(doc)) {
        hb__set_err(err, n, "%s: the document is not a JSON object", path);
        goto out;
    }
    if (want(doc, "schema_version", JSON_STRING, path, "$", err, n)) goto out;
    const char *ver = json_string_value(json_object_get(doc, "schema_version"));
    if (!version_form(ver) || strncmp(ver, "1.", 2) != 0) {
        /* "2.0" is another major version; "1.foo", "1." or " 1.2" is no version at all */
        hb__set_err(err, n, "%s:%d: schema_version: \"%s\" %s; this hetbench reads 1.x or 1.x.y",
                    path, file_line(path, "schema_version"), ver,
                    version_form(ver) ? "is another major version"
                                      : "is not a version (MAJOR.MINOR[.PATCH], digits only)");
        goto out;
    }
    if (want(doc, "system", JSON_OBJECT, path, "$", err, n) ||
        want(doc, "run", JSON_OBJECT, path, "$", err, n) ||
        want(doc, "records", JSON_ARRAY, path, "$", err, n))
        goto out;
    json_t *recs = json_object_get(doc, "records");
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r) {
        char where[64];
        snprintf(where, sizeof where, "$.records[%zu]", i);
        if (!json_is_object(r)) {
            hb__set_err(err, n, "%s: %s is not an object", path, where);
            goto out;
        }
        if (want(r, "kernel", JSON_STRING, path, where, err, n) ||
            want(r, "variant", JSON_STRING, path, where, err, n) ||
            want(r, "device", JSON_STRING, path, where, err, n) ||
            want(r, "status", JSON_STRING, path, where, err, n) ||
            want(r, "reason", JSON_STRING, path, where, err, n))
            goto out;
        const char *s = json_string_value(json_object_get(r, "status"));
        int known = 0;
        for (size_t k = 0; k < sizeof record_statuses / sizeof *record_statuses; k++)
            if (strcmp(s, record_statuses[k]) == 0) known = 1;
        if (!known) {
            hb__set_err(err, n, "%s: field %s.status has unknown value \"%s\"", path, where, s);
            goto out;
        }
        if (strcmp(s, "ok") == 0) {
            /* a number is never reported for an unverified result */
            json_t *rate = json_object_get(r, "rate");
            json_t *value = json_is_object(rate) ? json_object_get(rate, "value") : NULL;
            if (!json_is_number(value) || !(json_number_value(value) > 0)) {
                hb__set_err(err, n,
                            "%s: field %s.rate.value must be a positive number for an ok record",
                            path, where);
                goto out;
            }
            json_t *ver = json_object_get(r, "verification");
            json_t *after = json_is_object(ver) ? json_object_get(ver, "after_timing") : NULL;
            if (!json_is_object(ver) || !json_is_true(json_object_get(ver, "passed")) ||
                (after && !json_is_true(json_object_get(after, "passed")))) {
                hb__set_err(err, n,
                            "%s: field %s.verification.passed must be true for an ok record", path,
                            where);
                goto out;
            }
        }
    }
    st = HB_OK;
out:
    json_decref(doc);
    return st;
}

/* The summary table of a result's records (also printed at the end of `run`). */
void hb__print_records_table(const json_t *records_c, FILE *f) {
    json_t *records = (json_t *)records_c;
    fprintf(f, "%-8s %-12s %-5s %-5s %-10s %-18s %-20s %12s %-9s %6s\n", "kernel", "op", "prec",
            "impl", "device", "size", "status", "rate", "unit", "cv%");
    size_t i;
    json_t *r;
    json_array_foreach(records, i, r) {
        const char *op = json_string_value(json_object_get(r, "operation"));
        json_t *par = json_object_get(r, "parameters");
        char size[32];
        if (json_object_get(par, "m"))
            snprintf(size, sizeof size, "%lldx%lldx%lld",
                     (long long)json_integer_value(json_object_get(par, "m")),
                     (long long)json_integer_value(json_object_get(par, "n")),
                     (long long)json_integer_value(json_object_get(par, "k")));
        else
            snprintf(size, sizeof size, "%lld",
                     (long long)json_integer_value(json_object_get(par, "n")));
        json_t *rate = json_object_get(r, "rate");
        json_t *tm = json_object_get(r, "timing");
        char rv[32] = "-", cv[16] = "-";
        const char *unit = rate ? json_string_value(json_object_get(rate, "unit")) : "";
        const char *cat = json_string_value(json_object_get(r, "category"));
        if (rate && cat && strcmp(cat, "latency") == 0 && tm) {
            /* a latency is read as time per launch, not as billions of launches a second */
            double n = (double)json_integer_value(json_object_get(par, "n"));
            snprintf(rv, sizeof rv, "%.2f",
                     1e6 * json_number_value(json_object_get(tm, "median")) / (n > 0 ? n : 1));
            unit = "us/launch";
        } else if (rate)
            snprintf(rv, sizeof rv, "%.2f", json_number_value(json_object_get(rate, "value")));
        if (tm) snprintf(cv, sizeof cv, "%.1f", 100 * json_number_value(json_object_get(tm, "cv")));
        fprintf(f, "%-8s %-12s %-5s %-5s %-10s %-18s %-20s %12s %-9s %6s\n",
                json_string_value(json_object_get(r, "kernel")), op ? op : "-",
                json_string_value(json_object_get(r, "variant")),
                json_string_value(json_object_get(json_object_get(r, "implementation"), "kind")),
                json_string_value(json_object_get(r, "device")), size,
                json_string_value(json_object_get(r, "status")), rv, unit ? unit : "", cv);
        const char *st = json_string_value(json_object_get(r, "status"));
        if (strcmp(st, "ok") != 0)
            fprintf(f, "        reason: %s\n", json_string_value(json_object_get(r, "reason")));
    }
}

static const char *str_or(const json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "?";
}

hb_status hb_result_print(const char *path, FILE *f, char *err, size_t n) {
    hb_status st = hb_result_check_file(path, err, n);
    if (st != HB_OK) return st;
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        hb__set_err(err, n, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return HB_E_INVALID;
    }
    json_t *sys = json_object_get(doc, "system"), *run = json_object_get(doc, "run");
    json_t *cpu = json_object_get(sys, "cpu"), *os = json_object_get(sys, "os");
    fprintf(f, "%s: %s\n", path, str_or(doc, "generator"));
    fprintf(f, "host %s, %s, cpu %s, %lld cores\n", str_or(sys, "host"), str_or(os, "pretty_name"),
            str_or(cpu, "model"), (long long)json_integer_value(json_object_get(cpu, "cores")));
    fprintf(f, "suite %s, started %s, finished %s\n", str_or(run, "suite"),
            str_or(run, "started_at"), str_or(run, "finished_at"));
    hb__print_records_table(json_object_get(doc, "records"), f);
    json_t *sum = json_object_get(doc, "summary");
    if (!sum || !json_is_true(json_object_get(sum, "complete")))
        fprintf(
            f,
            "(the run did not complete: the file holds the records measured before it stopped)\n");
    json_decref(doc);
    return HB_OK;
}
