/* hetbench — external meter logs: a power series from a wall meter or PDU, CSV lines
 * "timestamp,watts", integrated later with the same window arithmetic as the in-band meters.
 *
 * Accepted:
 *   - separator ',' or, for exports from locales that use the decimal comma, ';' or a tab (the
 *     first of these in a line is its separator); spaces around fields; fields in double quotes;
 *   - columns after the second are ignored: many PDUs log voltage, current, energy as well;
 *   - CRLF line ends, a UTF-8 byte order mark, blank lines and '#' comments anywhere;
 *   - one header line before the first sample (its first field is not a number or a date);
 *   - timestamp: Unix seconds (fraction allowed), or ISO 8601 / RFC 3339
 *     "YYYY-MM-DD[T ]hh:mm[:ss[.fff]][Z|±hh:mm|±hhmm|±hh]". Without an offset the time is
 *     taken as UTC (never the local zone: the log may come from another machine, and the
 *     result must not depend on TZ where it is read).
 * Numbers are read with strtod, which follows LC_NUMERIC: hetbench never calls setlocale, so
 * the "C" locale and its '.' decimal point apply. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "meter.h"
#include "meter_remote.h"

static int is_blank(char c) {
    return c == ' ' || c == '\t';
}
static int is_digit(char c) {
    return c >= '0' && c <= '9';
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static unsigned days_in_month(long long y, unsigned m) {
    static const unsigned dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* Exactly n digits at *p. */
static int take_digits(const char **p, int n, unsigned *v) {
    unsigned x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i])) return -1;
        x = 10 * x + (unsigned)((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return 0;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        return -1;                                                                                 \
    } while (0)

static int parse_iso(const char *s, double *t, char *err, size_t errlen) {
    const char *p = s;
    unsigned y, mo, d, h, mi, sec = 0;
    if (take_digits(&p, 4, &y) || *p++ != '-' || take_digits(&p, 2, &mo) || *p++ != '-' ||
        take_digits(&p, 2, &d))
        FAIL("'%s' is not a date YYYY-MM-DD", s);
    if (mo < 1 || mo > 12) FAIL("'%s': month %u out of range", s, mo);
    if (d < 1 || d > days_in_month(y, mo))
        FAIL("'%s': day %u does not exist in %04u-%02u", s, d, y, mo);
    if (*p != 'T' && *p != 't' && *p != ' ')
        FAIL("'%s': time of day missing (expected 'T' or a space after the date)", s);
    p++;
    if (take_digits(&p, 2, &h) || *p++ != ':' || take_digits(&p, 2, &mi))
        FAIL("'%s': time of day is not hh:mm[:ss]", s);
    double frac = 0.0;
    if (*p == ':') {
        p++;
        if (take_digits(&p, 2, &sec)) FAIL("'%s': seconds are not two digits", s);
        if (*p == '.') {
            char buf[40] = "0.";
            size_t k = 2;
            for (p++; is_digit(*p); p++)
                if (k + 1 < sizeof buf) buf[k++] = *p;
            buf[k] = '\0';
            if (k == 2) FAIL("'%s': no digits after the decimal point", s);
            frac = strtod(buf, NULL);
        }
    }
    if (h > 23 || mi > 59 || sec > 59) FAIL("'%s': time of day out of range", s);
    long long off = 0; /* seconds east of UTC */
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        unsigned oh, om = 0;
        if (take_digits(&p, 2, &oh)) FAIL("'%s': UTC offset is not ±hh:mm", s);
        if (*p == ':') {
            p++;
            if (take_digits(&p, 2, &om)) FAIL("'%s': UTC offset is not ±hh:mm", s);
        } else if (is_digit(*p)) {
            if (take_digits(&p, 2, &om)) FAIL("'%s': UTC offset is not ±hhmm", s);
        }
        if (oh > 23 || om > 59) FAIL("'%s': UTC offset out of range", s);
        off = sign * (long long)(oh * 3600 + om * 60);
    }
    if (*p) FAIL("'%s': unexpected '%s' after the time", s, p);
    long long whole = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
    *t = (double)whole + frac;
    return 0;
}

int hb__power_log_parse_time(const char *s, double *t, char *err, size_t errlen) {
    if (!*s) FAIL("empty");
    /* four digits and '-': a date; anything else must be Unix seconds */
    if (is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) && s[4] == '-')
        return parse_iso(s, t, err, errlen);
    /* digits with at most one '.': strtod alone would also take "inf", "0x1p3", " 5", "1e3" */
    size_t nd = strspn(s, "0123456789"), n = nd;
    if (s[n] == '.') n += 1 + strspn(s + n + 1, "0123456789");
    if (n == 0 || s[n] || (nd == 0 && n == 1))
        FAIL("'%s' is neither Unix seconds nor an ISO 8601 date", s);
    double x = strtod(s, NULL);
    if (x >= 1e11) FAIL("'%s' is too large for Unix seconds (milliseconds?)", s);
    *t = x;
    return 0;
}

/* Watts: a finite non-negative decimal number. */
static int parse_watts(const char *s, double *w, char *err, size_t errlen) {
    if (!*s) FAIL("empty");
    const char *p = s + (*s == '-' || *s == '+');
    /* a plain decimal, optional exponent: no hex, "inf", "nan" or trailing units */
    size_t nd = strspn(p, "0123456789"), n = nd;
    if (p[n] == '.') {
        size_t f = strspn(p + n + 1, "0123456789");
        nd += f, n += 1 + f;
    }
    if (nd && (p[n] == 'e' || p[n] == 'E')) {
        size_t q = n + 1 + (p[n + 1] == '-' || p[n + 1] == '+'), ed = strspn(p + q, "0123456789");
        if (ed) n = q + ed;
    }
    if (nd == 0 || p[n]) FAIL("'%s' is not a number", s);
    errno = 0;
    double x = strtod(s, NULL);
    if (!isfinite(x) || errno == ERANGE) FAIL("'%s' is out of range", s);
    if (x < 0) FAIL("'%s' is negative", s);
    /* a gigawatt is beyond any facility: a larger value is a broken log, and the trapezoid
       sums must stay far from overflow */
    if (x > HB_POWER_LOG_MAX_WATTS) FAIL("'%s' W is implausible (more than 1 GW)", s);
    *w = x + 0.0; /* -0 → 0 */
    return 0;
}

/* Field [b, e) trimmed and unquoted into out; -1 when it does not fit. */
static int field_copy(const char *b, const char *e, char *out, size_t n) {
    while (b < e && is_blank(*b)) b++;
    while (e > b && is_blank(e[-1])) e--;
    if (e - b >= 2 && *b == '"' && e[-1] == '"') b++, e--;
    size_t k = (size_t)(e - b);
    if (k >= n) k = n - 1;
    memcpy(out, b, k);
    out[k] = '\0';
    return (size_t)(e - b) < n ? 0 : -1;
}

int hb__power_log_parse_line(const char *line, int allow_header, double *t, double *w, char *err,
                             size_t errlen) {
    const char *s = line, *end = line + strlen(line);
    while (is_blank(*s)) s++;
    while (end > s && (is_blank(end[-1]) || end[-1] == '\r' || end[-1] == '\n')) end--;
    if (s == end || *s == '#') return 0;

    const char *sep = s + strcspn(s, ",;\t");
    if (sep > end) sep = end;
    char ts[96], ws[96];
    int ts_long = field_copy(s, sep, ts, sizeof ts);
    /* a header names its columns: its first field starts with neither a digit nor a sign */
    if (allow_header && !is_digit(ts[0]) && ts[0] != '.' && ts[0] != '+' && ts[0] != '-') return 0;
    if (sep == end)
        FAIL("field 'watts': missing (expected \"timestamp,watts\"; separators: ',' ';' tab)");
    const char *wend = memchr(sep + 1, *sep, (size_t)(end - sep - 1)); /* extra columns */
    int ws_long = field_copy(sep + 1, wend ? wend : end, ws, sizeof ws);

    char why[200];
    if (!ts[0]) FAIL("field 'timestamp': missing");
    if (ts_long) FAIL("field 'timestamp': longer than %zu characters", sizeof ts - 1);
    if (hb__power_log_parse_time(ts, t, why, sizeof why) != 0) FAIL("field 'timestamp': %s", why);
    if (!ws[0]) FAIL("field 'watts': missing");
    if (ws_long) FAIL("field 'watts': longer than %zu characters", sizeof ws - 1);
    if (parse_watts(ws, w, why, sizeof why) != 0) FAIL("field 'watts': %s", why);
    return 1;
}

static int append(hb__power_log *log, double t, double w) {
    if (log->n == log->cap) {
        size_t cap = log->cap ? 2 * log->cap : 256;
        double *nt = realloc(log->t, cap * sizeof *nt);
        if (!nt) return -1;
        log->t = nt;
        double *nw = realloc(log->w, cap * sizeof *nw);
        if (!nw) return -1;
        log->w = nw, log->cap = cap;
    }
    log->t[log->n] = t, log->w[log->n] = w, log->n++;
    return 0;
}

/* Opens a regular file for reading without blocking on a FIFO; NULL with the reason. */
static FILE *open_regular(const char *path, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file (a log file is needed, not a device or pipe)",
                 path);
        close(fd);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    FILE *f = fdopen(fd, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        close(fd);
    }
    return f;
}

int hb__power_log_load(const char *path, hb__power_log *log, char *err, size_t errlen) {
    return hb__power_log_load_live(path, log, 0, NULL, err, errlen);
}

int hb__power_log_load_live(const char *path, hb__power_log *log, int live,
                            hb__power_log_skips *skips, char *err, size_t errlen) {
    memset(log, 0, sizeof *log);
    if (skips) memset(skips, 0, sizeof *skips);
    FILE *f = open_regular(path, err, errlen);
    if (!f) return -1;
    char *line = NULL, why[200];
    size_t cap = 0, lineno = 0, prev_line = 0;
    ssize_t len;
    int header_seen = 0, rc = 0;
    while ((errno = 0, len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        char *s = line;
        /* a live log's last line without its newline is still being written: not a sample */
        if (live && (len == 0 || s[len - 1] != '\n')) break;
        if (len > HB_POWER_LOG_MAX_LINE) {
            snprintf(err, errlen, "%s:%zu: line longer than %d bytes (not a meter log?)", path,
                     lineno, HB_POWER_LOG_MAX_LINE);
            rc = -1;
            break;
        }
        if (lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3, len -= 3; /* BOM */
        double t, w;
        int r;
        if (strlen(s) != (size_t)len) {
            snprintf(why, sizeof why, "a NUL byte (not a text file?)");
            r = -1;
        } else
            r = hb__power_log_parse_line(s, log->n == 0 && !header_seen, &t, &w, why, sizeof why);
        if (r == 1 && log->n > 0 && !(t > log->t[log->n - 1])) {
            snprintf(why, sizeof why,
                     "field 'timestamp': %.15g is not after the previous sample's %.15g "
                     "(line %zu); times must increase",
                     t, log->t[log->n - 1], prev_line);
            r = -1;
        }
        if (r < 0) {
            /* at the start a malformed log is bad input; during a run a line the logger
               garbled is skipped and counted, so one glitch does not void every later record */
            if (live && skips) {
                if (skips->count++ == 0)
                    snprintf(skips->first, sizeof skips->first, "%s:%zu: %s", path, lineno, why);
                continue;
            }
            snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
            rc = -1;
            break;
        }
        if (r == 0) {
            const char *b = s + strspn(s, " \t\r\n");
            if (*b && *b != '#') header_seen = 1;
            continue;
        }
        if (append(log, t, w) != 0) {
            snprintf(err, errlen, "%s:%zu: out of memory", path, lineno);
            rc = -1;
            break;
        }
        prev_line = lineno;
    }
    if (rc == 0 && (ferror(f) || (len < 0 && errno == ENOMEM))) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && log->n == 0) {
        snprintf(err, errlen, "%s: no samples", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc != 0) hb__power_log_free(log);
    return rc;
}

void hb__power_log_free(hb__power_log *log) {
    free(log->t);
    free(log->w);
    memset(log, 0, sizeof *log);
}
