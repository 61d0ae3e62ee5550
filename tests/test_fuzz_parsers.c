/* A deterministic fuzz test of the meter parsers (DESIGN §7: parsers get a fuzz target).
 *
 * Mutates well-formed meter-log lines and recorded IPMI outputs (byte flips, insertions,
 * deletions, splices, truncations) many thousands of times and checks the parsers' contract on
 * every input: no crash or sanitizer report (CI runs this under ASan + UBSan); a sample is
 * finite with watts >= 0; a rejection always says which field. Seeded: a failure reproduces.
 * HB_FUZZ_ITERATIONS overrides the count (default 10^6 log lines; a quarter of that for the
 * others).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hb_test.h"

#include "meter.h"
#include "meter_sysfs.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void) {
    /* xorshift64*: fast, deterministic */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static const char *const k_tokens[] = {"0", "-", "+",   ".",  "e",  "E",  "1e308", "nan", "inf",
                                       "T", "Z", ":",   ",",  ";",  "\t", "\"",    " ",   "\r",
                                       "#", "9", "+08", "00", "-1", "60", "2026-", "W",   "\xff"};

static size_t mutate(char *buf, size_t len, size_t cap) {
    int nmut = 1 + (int)(next_rand() % 4);
    for (int m = 0; m < nmut; m++) {
        size_t pos = len ? (size_t)(next_rand() % (len + 1)) : 0;
        switch (next_rand() % 5) {
        case 0: /* flip a byte */
            if (len) buf[pos % len] = (char)(next_rand() & 0xff);
            break;
        case 1: { /* insert a token */
            const char *t = k_tokens[next_rand() % (sizeof k_tokens / sizeof k_tokens[0])];
            size_t tl = strlen(t);
            if (len + tl < cap) {
                memmove(buf + pos + tl, buf + pos, len - pos);
                memcpy(buf + pos, t, tl);
                len += tl;
            }
            break;
        }
        case 2: /* delete a run */
            if (len) {
                size_t n = 1 + (size_t)(next_rand() % 8);
                if (pos + n > len) n = len - pos;
                memmove(buf + pos, buf + pos + n, len - pos - n);
                len -= n;
            }
            break;
        case 3: /* truncate */
            len = pos;
            break;
        default: /* duplicate a run (splice) */
            if (len) {
                size_t n = 1 + (size_t)(next_rand() % 16);
                if (pos + n > len) n = len - pos;
                if (len + n < cap) {
                    memmove(buf + pos + n, buf + pos, len - pos);
                    len += n;
                }
            }
            break;
        }
    }
    buf[len] = '\0';
    return len;
}

static long iterations(void) {
    const char *s = getenv("HB_FUZZ_ITERATIONS");
    long n = s ? strtol(s, NULL, 10) : 1000000;
    return n > 0 ? n : 1000000;
}

static void test_fuzz_meter_log_line(void **state) {
    (void)state;
    static const char *const seeds[] = {
        "1795707257.25,220.5",
        "2026-11-26T23:34:17.25+08:00,180",
        "2026-11-26 15:34:17Z;99.75",
        "\"2026-11-26T15:34:17.125Z\",\"245\",extra,columns",
        "timestamp,watts",
        "1795707257\t0",
        "# a comment",
    };
    long n = iterations(), accepted = 0, rejected = 0;
    char buf[512], err[256];
    for (long i = 0; i < n; i++) {
        const char *seed = seeds[next_rand() % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len + 1);
        mutate(buf, len, sizeof buf - 1);
        double t = NAN, w = NAN;
        err[0] = '\0';
        int rc = hb__power_log_parse_line(buf, (int)(i & 1), &t, &w, err, sizeof err);
        if (rc == 1) {
            if (!isfinite(t) || !isfinite(w) || w < 0)
                fail_msg("accepted \"%s\" as t=%g w=%g", buf, t, w);
            accepted++;
        } else if (rc == -1) {
            if (!strstr(err, "field '"))
                fail_msg("rejected \"%s\" without naming the field: \"%s\"", buf, err);
            rejected++;
        } else if (rc != 0)
            fail_msg("parse_line returned %d for \"%s\"", rc, buf);
    }
    /* the mutations must exercise both outcomes, or the test proves nothing */
    assert_true(accepted > n / 100);
    assert_true(rejected > n / 100);
    print_message("meter log lines: %ld inputs, %ld accepted, %ld rejected\n", n, accepted,
                  rejected);
}

static void test_fuzz_ipmi_reading(void **state) {
    (void)state;
    static const char *const seeds[] = {
        "\n    Instantaneous power reading:                   220 Watts\n"
        "    Minimum during sampling period:                182 Watts\n"
        "    Maximum during sampling period:                411 Watts\n"
        "    Average power reading over sample period:      238 Watts\n"
        "    Power reading state is:                   activated\n",
        "Current Power                        : 215 Watts\n"
        "Minimum Power over sampling duration : 180 watts\n"
        "Power Measurement                    : Active\n",
    };
    long n = iterations() / 4, accepted = 0, rejected = 0;
    char buf[1024], err[256];
    for (long i = 0; i < n; i++) {
        const char *seed = seeds[next_rand() % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len + 1);
        mutate(buf, len, sizeof buf - 1);
        double w = NAN;
        err[0] = '\0';
        int rc = hb__ipmi_parse_reading(buf, &w, err, sizeof err);
        if (rc == 0) {
            if (!isfinite(w) || w < 0) fail_msg("accepted a reading of %g W", w);
            accepted++;
        } else {
            if (!err[0]) fail_msg("rejected without a reason: \"%s\"", buf);
            rejected++;
        }
    }
    assert_true(accepted > n / 100);
    assert_true(rejected > n / 100);
    print_message("ipmi outputs: %ld inputs, %ld accepted, %ld rejected\n", n, accepted, rejected);
}

static int hexrun(const char *s, int min, int max) {
    int n = 0;
    while ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')) n++;
    return n >= min && n <= max ? n : -1;
}

static int pci_shape_ok(const char *s) {
    int n = hexrun(s, 4, 8);
    if (n < 0 || s[n] != ':') return 0;
    s += n + 1;
    if (hexrun(s, 2, 2) < 0 || s[2] != ':') return 0;
    s += 3;
    if (hexrun(s, 2, 2) < 0 || s[2] != '.') return 0;
    return s[3] >= '0' && s[3] <= '7' && s[4] == '\0';
}

/* sysfs values: cpulists of the perf power PMU and PCI addresses of hwmon devices */
static void test_fuzz_sysfs_values(void **state) {
    (void)state;
    static const char *const lists[] = {"0", "0,28", "0-3,8", "0-1\n", "12-15,32-35"};
    static const char *const pcis[] = {"0000:03:00.0", "0000:C3:00.0", "00000000:17:00.0"};
    long n = iterations() / 4, ok = 0, bad = 0;
    char buf[256];
    for (long i = 0; i < n; i++) {
        int which = (int)(next_rand() & 1);
        const char *seed = which ? lists[next_rand() % 5] : pcis[next_rand() % 3];
        size_t len = strlen(seed);
        memcpy(buf, seed, len + 1);
        mutate(buf, len, sizeof buf - 1);
        if (which) {
            int *cpus = NULL;
            size_t nc = 0;
            if (hb__parse_cpulist(buf, &cpus, &nc) == 0) {
                for (size_t k = 0; k < nc; k++)
                    if (cpus[k] < 0) fail_msg("cpulist \"%s\" gave CPU %d", buf, cpus[k]);
                ok++;
            } else
                bad++;
            free(cpus);
        } else {
            char out[32];
            if (hb__pci_bus_id_normalise(buf, out, sizeof out) == 0) {
                /* [dddd]dddd:bb:dd.f, lower-case hex (Linux prints the domain with %04x:
                   VMD domains like 10000 have five digits) */
                if (!pci_shape_ok(out)) fail_msg("PCI id \"%s\" normalised to \"%s\"", buf, out);
                ok++;
            } else
                bad++;
        }
    }
    assert_true(ok > n / 100 && bad > n / 100);
    print_message("sysfs values: %ld inputs, %ld accepted, %ld rejected\n", n, ok, bad);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_meter_log_line),
        cmocka_unit_test(test_fuzz_ipmi_reading),
        cmocka_unit_test(test_fuzz_sysfs_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
