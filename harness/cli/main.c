/* hetbench — the command. Thin: it parses arguments and calls the public API.
 *
 * Exit codes (DESIGN.md §6): 0 success; 1 a measurement failed verification or hit an error
 * (the rest of the run went on; the result file holds every record); 2 bad usage or bad input,
 * with a message naming the option, file or field; 3 a runtime failure of the harness itself
 * (the result file could not be written mid-run, or the run was interrupted). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hetbench/hetbench.h"

enum { EXIT_OKAY = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_RUNTIME = 3 };

static const char *prog = "hetbench";

static void usage_main(FILE *f) {
    fprintf(f,
            "hetbench %s — heterogeneous compute benchmark and acceptance suite\n\n"
            "usage: hetbench <command> [options]\n\n"
            "commands:\n"
            "  info [--json]     the system: topology, devices, libraries, plugins\n"
            "  list              kernels x precisions x implementations available here\n"
            "  run [options]     run a suite or a selection; write a result file\n"
            "  check FILE...     read result files back and check them\n"
            "  show FILE...      print result files as the summary table\n"
            "  report --spec S -o DIR RESULT...\n"
            "                    judge result files against an acceptance spec\n\n"
            "`hetbench <command> --help` describes each command.\n"
            "Exit codes: 0 success, 1 a measurement failed, 2 bad usage/input, 3 runtime error.\n",
            HB_VERSION_STRING);
}

static void usage_run(FILE *f) {
    fprintf(f, "usage: hetbench run [options]\n\n"
               "  --suite quick|node     quick: small sizes, 0.2 s per measurement (default);\n"
               "                         node: acceptance sizes, >= 1 s per measurement\n"
               "  --kernel LIST          comma list: stream, gemm, lu, peak, transfer, latency\n"
               "                         (default: all of the suite; `hetbench list` has them)\n"
               "  --precision LIST       comma list: f64, f32, tf32, f16, bf16, i8, fp8 ...\n"
               "                         (default: every precision of each kernel)\n"
               "  --impl base|peak|all   the project's own code, the vendor library, or both\n"
               "  --device LIST          device ids (cpu:0), platform names or name substrings\n"
               "  --size N | MxNxK       problem size (gemm MxNxK or N; lu N; stream N elements;\n"
               "                         transfer N floats)\n"
               "  --threads N            CPU threads (default: one per core, or OMP_NUM_THREADS)\n"
               "  --no-bind              do not bind threads to cores\n"
               "  --min-time SECONDS     minimum measured time per measurement\n"
               "  --min-reps N           minimum timed repetitions (>= 5, default 5)\n"
               "  --max-reps N           maximum timed repetitions (default 100000)\n"
               "  --warmup N             warm-up runs after the verification run (default 1)\n"
               "  --seed N               seed of the input generator (default 42)\n"
               "  --mem-fraction F       share of memory for memory-sized kernels (node LU; 0.25)\n"
               "  -o, --output FILE      result file (default hetbench-<suite>-<UTC time>.json)\n"
               "  --dry-run              list the measurements and their sizes; measure nothing\n"
               "energy and counters:\n"
               "  --meters LIST|none     meter sources: powercap, perf-power, hwmon, nvml,\n"
               "                         ipmi-dcmi (default: every one available here)\n"
               "  --meter-log FILE       an external meter's CSV log (timestamp,watts), read\n"
               "                         after each measurement and aligned to the run's clock\n"
               "  --meter-log-offset S   seconds to add to the log's timestamps (clock skew)\n"
               "  --meter-log-scope S    what the external meter measures (default node-ac)\n"
               "  --energy-window S      stretch a timed window up to S seconds so that the\n"
               "                         meters reach their resolution (quick 1, node 10)\n"
               "  --idle S               idle baseline before the run (quick 2, node 5; 0 = none)\n"
               "  --counters LIST|none   libpfm4 event names replacing the default hardware set\n"
               "                         (software events are always counted)\n"
               "  --catalog FILE         a catalog file added to the built-in one for the\n"
               "                         inventory in the result (repeatable)\n"
               "  -q, --quiet            no progress and no table\n"
               "  -h, --help\n");
}

static void usage_info(FILE *f) {
    fprintf(f,
            "usage: hetbench info [--json] [--threads N] [--meters LIST|none] [--catalog FILE]\n\n"
            "  --json       the same facts as JSON (the \"system\" object of result files,\n"
            "               with the energy meters and counter sources)\n"
            "  --meters L   meter sources to look for (default: all)\n"
            "  --catalog F  a catalog file added to the built-in one for the inventory\n"
            "               (repeatable; an entry with a known id replaces it)\n");
}

static void usage_list(FILE *f) {
    fprintf(f, "usage: hetbench list\n");
}
static void usage_show(FILE *f) {
    fprintf(f, "usage: hetbench show RESULT.json...\n");
}

static void usage_report(FILE *f) {
    fprintf(f, "usage: hetbench report --spec SPEC -o DIR [options] RESULT.json...\n\n"
               "Judges result files (one or more per node) against an acceptance spec and writes\n"
               "DIR/report.json, DIR/report.md and DIR/report.html (docs/acceptance.md).\n\n"
               "  --spec FILE            the acceptance spec (results/specs/*.json)\n"
               "  -o, --output DIR       where the report goes (created when missing)\n"
               "  --lang zh|en|both      language of report.md and report.html (default both:\n"
               "                         Chinese, then English); report.json has both\n"
               "  --catalog FILE         a catalog file added to the built-in one (repeatable;\n"
               "                         an entry with a known id replaces it)\n"
               "  --no-builtin-catalog   only the spec's and the --catalog files (tests)\n"
               "  -q, --quiet            no verdict table on stdout\n"
               "  -h, --help\n\n"
               "Exit codes: 0 every required clause passes; 1 a required clause fails or is not\n"
               "measurable; 2 bad usage or bad input (the message names the file, line and\n"
               "field); 3 the report could not be written.\n");
}

static void usage_check(FILE *f) {
    fprintf(f, "usage: hetbench check RESULT.json...\n");
}

static int bad(const char *cmd, const char *fmt, const char *a, const char *b) {
    fprintf(stderr, "%s %s: ", prog, cmd);
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n(see `hetbench %s --help`)\n", cmd);
    return EXIT_USAGE;
}

static int parse_i64(const char *s, long long lo, long long hi, long long *out) {
    if (!s || !*s || !((*s >= '0' && *s <= '9') || *s == '-')) return -1;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

/* Plain decimal notation only (strtod would also take hex, "inf" and leading blanks). */
static int parse_double(const char *s, double lo, double hi, double *out) {
    if (!s || !*s) return -1;
    for (const char *c = s; *c; c++)
        if (!strchr("0123456789.eE+-", *c)) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (errno || *end || !(v >= lo && v <= hi)) return -1;
    *out = v;
    return 0;
}

/* N or MxNxK: positive decimal integers only, exactly one 'x' between them. */
static int parse_size(const char *s, hb_size *out) {
    long long d[3] = {0, 0, 0};
    int nd = 0;
    const char *p = s;
    for (;;) {
        if (nd == 3 || *p < '0' || *p > '9') return -1;
        long long v = 0;
        while (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            if (v > 2147483647LL) return -1; /* products of two dims fit in 64 bits */
            p++;
        }
        if (v < 1) return -1;
        d[nd++] = v;
        if (*p == '\0') break;
        if (*p != 'x') return -1;
        p++;
    }
    if (nd == 1)
        out->m = out->n = out->k = d[0];
    else if (nd == 3)
        out->m = d[0], out->n = d[1], out->k = d[2];
    else
        return -1;
    return 0;
}

/* The option getopt complained about: a short option from optopt (getopt has not advanced past
   a cluster like -xq), a long one from the argument it was reading. */
static const char *opt_name(char **argv, int optopt_value) {
    static char buf[8];
    if (optopt_value > 0 && optopt_value < 256) {
        snprintf(buf, sizeof buf, "-%c", optopt_value);
        return buf;
    }
    return argv[optind - 1];
}

/* A comma list with no empty item ("" and "a,,b" are mistakes, not "everything"). */
static int bad_list(const char *s) {
    if (!*s || *s == ',' || s[strlen(s) - 1] == ',') return 1;
    return strstr(s, ",,") != NULL;
}

static int make_context(hb_context **ctx, int threads, int bind) {
    hb_platform_config cfg = {.threads = threads, .bind = bind};
    char err[512] = "";
    hb_status s = hb_context_create(ctx, &cfg, err, sizeof err);
    if (s != HB_OK) {
        fprintf(stderr, "%s: cannot initialise: %s\n", prog, err);
        return EXIT_RUNTIME;
    }
    return EXIT_OKAY;
}

/* --catalog FILE (repeatable, info and run): a vendor's catalog file, added to the built-in
   one for the inventory; every file is checked before anything runs (bad file: exit 2). */
#define MAX_CATALOG_FILES 64
static int set_catalogs(const char *cmd, const char *const *files, size_t n) {
    char err[1024] = "";
    if (hb_set_catalog_files(files, n, err, sizeof err) != HB_OK) {
        fprintf(stderr, "%s %s: %s\n", prog, cmd, err);
        return EXIT_USAGE;
    }
    return EXIT_OKAY;
}

static int cmd_info(int argc, char **argv) {
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'},         {"threads", required_argument, 0, 't'},
        {"meters", required_argument, 0, 'm'}, {"catalog", required_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    int json = 0, c;
    long long threads = 0;
    const char *meters = NULL;
    const char *catalogs[MAX_CATALOG_FILES];
    size_t ncatalogs = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = 1;
            break;
        case 'm':
            meters = optarg;
            break;
        case 'c':
            if (!*optarg) return bad("info", "--catalog: empty file name%s%s", "", "");
            if (ncatalogs == MAX_CATALOG_FILES)
                return bad("info", "--catalog: more than %s files%s", "64", "");
            catalogs[ncatalogs++] = optarg;
            break;
        case 't':
            if (parse_i64(optarg, 1, 4096, &threads))
                return bad("info", "--threads: '%s' is not a thread count (1..4096)%s", optarg, "");
            break;
        case 'h':
            usage_info(stdout);
            return EXIT_OKAY;
        case ':':
            return bad("info", "option %s needs a value%s", opt_name(argv, optopt), "");
        default:
            return bad("info", "unknown option '%s'%s", opt_name(argv, optopt), "");
        }
    }
    if (optind < argc) return bad("info", "unexpected argument '%s'%s", argv[optind], "");
    {
        char e[512] = "";
        if (meters && (bad_list(meters) || hb_check_meter_sources(meters, e, sizeof e) != HB_OK))
            return bad("info", "%s%s", e[0] ? e : "--meters: empty item", "");
    }
    if (set_catalogs("info", catalogs, ncatalogs)) return EXIT_USAGE;
    hb_context *ctx;
    int rc = make_context(&ctx, (int)threads, 1);
    if (rc) return rc;
    if (json) {
        char *text = hb_info_json(ctx, meters);
        if (!text) {
            hb_context_destroy(ctx);
            return EXIT_RUNTIME;
        }
        puts(text);
        free(text);
    } else {
        hb_print_info(ctx, stdout);
        hb_print_info_meters(meters, stdout);
    }
    hb_context_destroy(ctx);
    return EXIT_OKAY;
}

static int cmd_list(int argc, char **argv) {
    if (argc > 1) {
        if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
            usage_list(stdout);
            return EXIT_OKAY;
        }
        return bad("list", "unexpected argument '%s'%s", argv[1], "");
    }
    hb_context *ctx;
    int rc = make_context(&ctx, 0, 1);
    if (rc) return rc;
    hb_print_list(ctx, stdout);
    hb_context_destroy(ctx);
    return EXIT_OKAY;
}

static int cmd_check(int argc, char **argv) {
    if (argc < 2) return bad("check", "needs at least one result file%s%s", "", "");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage_check(stdout);
        return EXIT_OKAY;
    }
    int rc = EXIT_OKAY;
    for (int i = 1; i < argc; i++) {
        char err[1024];
        hb_status s = hb_result_check_file(argv[i], err, sizeof err);
        if (s != HB_OK) {
            fprintf(stderr, "%s check: %s\n", prog, err);
            rc = EXIT_USAGE;
        } else
            printf("%s: ok\n", argv[i]);
    }
    return rc;
}

static int cmd_show(int argc, char **argv) {
    if (argc < 2) return bad("show", "needs at least one result file%s%s", "", "");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage_show(stdout);
        return EXIT_OKAY;
    }
    int rc = EXIT_OKAY;
    for (int i = 1; i < argc; i++) {
        char err[1024];
        if (i > 1) putchar('\n');
        if (hb_result_print(argv[i], stdout, err, sizeof err) != HB_OK) {
            fprintf(stderr, "%s show: %s\n", prog, err);
            rc = EXIT_USAGE;
        }
    }
    return rc;
}

static int cmd_report(int argc, char **argv) {
    static const struct option opts[] = {{"spec", required_argument, 0, 's'},
                                         {"output", required_argument, 0, 'o'},
                                         {"lang", required_argument, 0, 'l'},
                                         {"catalog", required_argument, 0, 'c'},
                                         {"no-builtin-catalog", no_argument, 0, 'n'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    hb_report_options o = {0};
    const char **catalogs = calloc((size_t)argc + 1, sizeof *catalogs);
    if (!catalogs) return EXIT_RUNTIME;
    int c, quiet = 0, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            o.spec = optarg;
            break;
        case 'o':
            o.output_dir = optarg;
            break;
        case 'l':
            if (strcmp(optarg, "zh") && strcmp(optarg, "en") && strcmp(optarg, "both")) {
                free(catalogs);
                return bad("report", "--lang: '%s' is not zh, en or both%s", optarg, "");
            }
            o.lang = optarg;
            break;
        case 'c':
            if (!*optarg) {
                free(catalogs);
                return bad("report", "--catalog: empty file name%s%s", "", "");
            }
            catalogs[o.n_catalogs++] = optarg;
            break;
        case 'n':
            o.no_builtin_catalog = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            free(catalogs);
            usage_report(stdout);
            return EXIT_OKAY;
        case ':':
            free(catalogs);
            return bad("report", "option %s needs a value%s", opt_name(argv, optopt), "");
        default:
            free(catalogs);
            return bad("report", "unknown option '%s'%s", opt_name(argv, optopt), "");
        }
    }
    if (!o.spec || !*o.spec)
        rc = bad("report", "--spec FILE is required%s%s", "", "");
    else if (!o.output_dir || !*o.output_dir)
        rc = bad("report", "-o DIR (the report's directory) is required%s%s", "", "");
    else if (optind >= argc)
        rc = bad("report", "needs at least one result file%s%s", "", "");
    else {
        o.catalogs = catalogs;
        o.results = (const char *const *)(argv + optind);
        o.n_results = (size_t)(argc - optind);
        o.summary = quiet ? NULL : stdout;
        hb_report_summary sum;
        char err[2048] = "";
        hb_status st = hb_report(&o, &sum, err, sizeof err);
        if (st == HB_E_INVALID) {
            fprintf(stderr, "%s report: %s\n", prog, err);
            rc = EXIT_USAGE;
        } else if (st != HB_OK) {
            fprintf(stderr, "%s report: %s\n", prog, err);
            rc = EXIT_RUNTIME;
        } else
            rc = sum.required_unmet ? EXIT_FAILED : EXIT_OKAY;
    }
    free(catalogs);
    return rc;
}

static char *join_args(int argc, char **argv) {
    size_t len = 1;
    for (int i = 0; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s) return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        if (i) strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static int cmd_run(int argc, char **argv, int full_argc, char **full_argv) {
    enum {
        O_SUITE = 256,
        O_KERNEL,
        O_PREC,
        O_IMPL,
        O_DEVICE,
        O_SIZE,
        O_THREADS,
        O_MINTIME,
        O_MINREPS,
        O_MAXREPS,
        O_WARMUP,
        O_SEED,
        O_MEMFRAC,
        O_NOBIND,
        O_DRYRUN,
        O_METERS,
        O_METERLOG,
        O_METERLOGOFF,
        O_METERLOGSCOPE,
        O_EWINDOW,
        O_IDLE,
        O_COUNTERS,
        O_CATALOG
    };
    static const struct option opts[] = {{"suite", required_argument, 0, O_SUITE},
                                         {"kernel", required_argument, 0, O_KERNEL},
                                         {"precision", required_argument, 0, O_PREC},
                                         {"impl", required_argument, 0, O_IMPL},
                                         {"device", required_argument, 0, O_DEVICE},
                                         {"size", required_argument, 0, O_SIZE},
                                         {"threads", required_argument, 0, O_THREADS},
                                         {"min-time", required_argument, 0, O_MINTIME},
                                         {"min-reps", required_argument, 0, O_MINREPS},
                                         {"max-reps", required_argument, 0, O_MAXREPS},
                                         {"warmup", required_argument, 0, O_WARMUP},
                                         {"seed", required_argument, 0, O_SEED},
                                         {"mem-fraction", required_argument, 0, O_MEMFRAC},
                                         {"no-bind", no_argument, 0, O_NOBIND},
                                         {"dry-run", no_argument, 0, O_DRYRUN},
                                         {"meters", required_argument, 0, O_METERS},
                                         {"meter-log", required_argument, 0, O_METERLOG},
                                         {"meter-log-offset", required_argument, 0, O_METERLOGOFF},
                                         {"meter-log-scope", required_argument, 0, O_METERLOGSCOPE},
                                         {"energy-window", required_argument, 0, O_EWINDOW},
                                         {"idle", required_argument, 0, O_IDLE},
                                         {"counters", required_argument, 0, O_COUNTERS},
                                         {"catalog", required_argument, 0, O_CATALOG},
                                         {"output", required_argument, 0, 'o'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    hb_run_options o;
    hb_run_options_default(&o, HB_SUITE_QUICK);
    const char *suite = "quick";
    const char *catalogs[MAX_CATALOG_FILES];
    size_t ncatalogs = 0;
    long long threads = 0, v;
    int quiet = 0, bind = 1, c;
    double d;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", opts, NULL)) != -1) {
        switch (c) {
        case O_SUITE:
            suite = optarg;
            break;
        case O_KERNEL:
            o.kernels = optarg;
            break;
        case O_PREC:
            o.precisions = optarg;
            break;
        case O_IMPL:
            if (!strcmp(optarg, "base"))
                o.impl_mask = HB_IMPL_MASK_BASE;
            else if (!strcmp(optarg, "peak"))
                o.impl_mask = HB_IMPL_MASK_PEAK;
            else if (!strcmp(optarg, "all"))
                o.impl_mask = HB_IMPL_MASK_BASE | HB_IMPL_MASK_PEAK;
            else
                return bad("run", "--impl: '%s' is not base, peak or all%s", optarg, "");
            break;
        case O_DEVICE:
            o.devices = optarg;
            break;
        case O_SIZE:
            if (parse_size(optarg, &o.size))
                return bad("run",
                           "--size: '%s' is not a size (N or MxNxK, integers 1..2147483647)%s",
                           optarg, "");
            break;
        case O_THREADS:
            if (parse_i64(optarg, 1, 4096, &threads))
                return bad("run", "--threads: '%s' is not a thread count (1..4096)%s", optarg, "");
            break;
        case O_MINTIME:
            if (parse_double(optarg, 0.0, 86400.0, &d))
                return bad("run", "--min-time: '%s' is not a number of seconds (0..86400)%s",
                           optarg, "");
            o.min_time = d;
            break;
        case O_MINREPS:
            if (parse_i64(optarg, 5, 100000000, &v))
                return bad("run", "--min-reps: '%s' is not an integer >= 5%s", optarg, "");
            o.min_reps = (int)v;
            break;
        case O_MAXREPS:
            if (parse_i64(optarg, 5, 100000000, &v))
                return bad("run", "--max-reps: '%s' is not an integer >= 5%s", optarg, "");
            o.max_reps = (int)v;
            break;
        case O_WARMUP:
            if (parse_i64(optarg, 0, 1000, &v))
                return bad("run", "--warmup: '%s' is not an integer 0..1000%s", optarg, "");
            o.warmup = (int)v;
            break;
        case O_SEED:
            if (parse_i64(optarg, 0, LLONG_MAX, &v))
                return bad("run", "--seed: '%s' is not a non-negative integer%s", optarg, "");
            o.seed = (uint64_t)v;
            break;
        case O_MEMFRAC:
            if (parse_double(optarg, 1e-6, 0.9, &d))
                return bad("run", "--mem-fraction: '%s' is not a fraction in (0, 0.9]%s", optarg,
                           "");
            o.mem_fraction = d;
            break;
        case O_NOBIND:
            bind = 0;
            break;
        case O_DRYRUN:
            o.dry_run = 1;
            break;
        case O_METERS:
            o.meters = optarg;
            break;
        case O_METERLOG:
            o.meter_log = optarg;
            break;
        case O_METERLOGOFF:
            if (parse_double(optarg, -86400.0, 86400.0, &d))
                return bad("run",
                           "--meter-log-offset: '%s' is not a number of seconds "
                           "(-86400..86400)%s",
                           optarg, "");
            o.meter_log_offset = d;
            break;
        case O_METERLOGSCOPE:
            o.meter_log_scope = optarg;
            break;
        case O_EWINDOW:
            if (parse_double(optarg, 0.0, 3600.0, &d))
                return bad("run", "--energy-window: '%s' is not a number of seconds (0..3600)%s",
                           optarg, "");
            o.energy_window = d;
            break;
        case O_IDLE:
            if (parse_double(optarg, 0.0, 600.0, &d))
                return bad("run", "--idle: '%s' is not a number of seconds (0..600)%s", optarg, "");
            o.idle_seconds = d;
            break;
        case O_COUNTERS:
            o.counters = optarg;
            break;
        case O_CATALOG:
            if (!*optarg) return bad("run", "--catalog: empty file name%s%s", "", "");
            if (ncatalogs == MAX_CATALOG_FILES)
                return bad("run", "--catalog: more than %s files%s", "64", "");
            catalogs[ncatalogs++] = optarg;
            break;
        case 'o':
            o.output = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage_run(stdout);
            return EXIT_OKAY;
        case ':':
            return bad("run", "option %s needs a value%s", opt_name(argv, optopt), "");
        default:
            return bad("run", "unknown option '%s'%s", opt_name(argv, optopt), "");
        }
    }
    if (optind < argc) return bad("run", "unexpected argument '%s'%s", argv[optind], "");
    if (o.kernels && bad_list(o.kernels))
        return bad("run", "--kernel: '%s' has an empty item%s", o.kernels, "");
    if (o.precisions && bad_list(o.precisions))
        return bad("run", "--precision: '%s' has an empty item%s", o.precisions, "");
    if (o.devices && bad_list(o.devices))
        return bad("run", "--device: '%s' has an empty item%s", o.devices, "");
    if (o.output && !*o.output) return bad("run", "--output: empty file name%s%s", "", "");
    if (o.meters && bad_list(o.meters))
        return bad("run", "--meters: '%s' has an empty item%s", o.meters, "");
    if (o.counters && bad_list(o.counters))
        return bad("run", "--counters: '%s' has an empty item%s", o.counters, "");
    if (o.meter_log && !*o.meter_log) return bad("run", "--meter-log: empty file name%s%s", "", "");
    if ((o.meter_log_scope || o.meter_log_offset != 0.0) && !o.meter_log)
        return bad("run", "--meter-log-scope and --meter-log-offset need --meter-log%s%s", "", "");
    {
        char e[512] = "";
        if (hb_check_meter_sources(o.meters, e, sizeof e) != HB_OK ||
            hb_check_counter_names(o.counters, e, sizeof e) != HB_OK)
            return bad("run", "%s%s", e, "");
    }
    hb_suite s;
    if (!strcmp(suite, "quick"))
        s = HB_SUITE_QUICK;
    else if (!strcmp(suite, "node"))
        s = HB_SUITE_NODE;
    else
        return bad("run", "--suite: unknown suite '%s' (quick, node)%s", suite, "");
    o.suite = s;
    if (o.max_reps < o.min_reps) o.max_reps = o.min_reps;
    if (set_catalogs("run", catalogs, ncatalogs)) return EXIT_USAGE;

    char defout[96];
    if (!o.output) {
        time_t t = time(NULL);
        struct tm tm;
        gmtime_r(&t, &tm);
        char stamp[32];
        strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
        snprintf(defout, sizeof defout, "hetbench-%s-%s.json", suite, stamp);
        /* never overwrite an earlier run's file (two runs in the same second) */
        for (int i = 2; access(defout, F_OK) == 0 && i < 1000; i++)
            snprintf(defout, sizeof defout, "hetbench-%s-%s-%d.json", suite, stamp, i);
        o.output = defout;
    }
    o.progress = !quiet;
    char *cmdline = join_args(full_argc, full_argv);
    o.command_line = cmdline;

    hb_context *ctx;
    int rc = make_context(&ctx, (int)threads, bind);
    if (rc) {
        free(cmdline);
        return rc;
    }
    hb_install_signal_handlers();
    hb_run_summary sum;
    char err[1024] = "";
    hb_status st = hb_run(ctx, &o, &sum, quiet ? NULL : stdout, err, sizeof err);
    hb_context_destroy(ctx);
    free(cmdline);
    if (o.dry_run && st == HB_OK) return EXIT_OKAY;
    if (st == HB_E_INVALID) {
        fprintf(stderr, "%s run: %s\n", prog, err);
        return EXIT_USAGE;
    }
    if (!quiet || st != HB_OK || sum.failed_verification || sum.error)
        fprintf(stderr,
                "%s: %d measurements: %d ok, %d failed verification, %d unsupported, %d skipped, "
                "%d error, %d interrupted; result: %s\n",
                prog, sum.total, sum.ok, sum.failed_verification, sum.unsupported, sum.skipped,
                sum.error, sum.interrupted, o.output);
    if (st != HB_OK) {
        fprintf(stderr, "%s run: %s\n", prog, err);
        return EXIT_RUNTIME;
    }
    return (sum.failed_verification || sum.error) ? EXIT_FAILED : EXIT_OKAY;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage_main(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage_main(stdout);
        return EXIT_OKAY;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("hetbench %s\n", HB_VERSION_STRING);
        return EXIT_OKAY;
    }
    if (!strcmp(cmd, "info")) return cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "list")) return cmd_list(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1, argc, argv);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "show")) return cmd_show(argc - 1, argv + 1);
    if (!strcmp(cmd, "report")) return cmd_report(argc - 1, argv + 1);
    fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
    usage_main(stderr);
    return EXIT_USAGE;
}
