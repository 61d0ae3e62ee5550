/* The catalog (docs/acceptance.md §1) and the inventory (§2): the built-in files load, every
 * malformed fixture gives its file:line:field error, a vendor file overrides by id, and the
 * inventories of synthetic system objects (fixtures/catalog/system-*.json) and of fake sysfs
 * trees (fixtures/sysfs/pci-*) name each component with the right origin and rated peak. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hb_test.h"

#include "catalog.h"
#include "internal.h"

#ifndef HB_FIXTURES
#error HB_FIXTURES must be defined
#endif
#define CAT_FIX HB_FIXTURES "/catalog/"

static json_t *load_json(const char *path) {
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j) fail_msg("%s:%d: %s", path, e.line, e.text);
    return j;
}

static hb__catalog *builtin(void) {
    hb__catalog *c = NULL;
    char err[1024] = "";
    if (hb__catalog_load_default(&c, err, sizeof err) != HB_OK)
        fail_msg("built-in catalog: %s", err);
    return c;
}

/* The component of a category (the nth of it). */
static json_t *comp(json_t *inv, const char *category, int nth) {
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(inv, "components"), i, c) {
        if (!strcmp(json_string_value(json_object_get(c, "category")), category) && nth-- == 0)
            return c;
    }
    return NULL;
}

/* The component with that catalog id. */
static json_t *comp_id(json_t *inv, const char *id) {
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(inv, "components"), i, c) {
        const char *x = json_string_value(json_object_get(c, "catalog_id"));
        if (x && !strcmp(x, id)) return c;
    }
    char *s = json_dumps(json_object_get(inv, "components"), JSON_INDENT(1));
    fail_msg("no component %s in %s", id, s);
    free(s);
    return NULL;
}

static const char *s_of(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "(null)";
}

static double peak_of(json_t *c, const char *prec) {
    json_t *p = json_object_get(json_object_get(c, "rated_peak"), prec);
    if (!p) fail_msg("no rated peak %s in %s", prec, s_of(c, "name"));
    return json_number_value(json_object_get(p, "value"));
}

static json_t *inventory_of(hb__catalog *c, const char *fixture) {
    json_t *sys = load_json(fixture);
    json_t *inv = hb__inventory_build(c, sys);
    assert_non_null(inv);
    json_decref(sys);
    return inv;
}

/* ---- catalog loading ---- */

static void test_builtin_loads(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    assert_true(hb__catalog_entry_count(c) >= 100);
    assert_true(json_array_size(hb__catalog_files(c)) >= 4);
    assert_string_equal(hb__catalog_note(c), "");
    /* the reference's chips and this project's reference hardware are there */
    static const char *const ids[] = {
        "hygon-c86",          "hygon-c86-7285",   "hygon-c86-7490",
        "huawei-kunpeng-920", "phytium-ftc66x",   "loongson-3c5000",
        "loongson-3d5000",    "zhaoxin-kh-40000", "sunway-sw26010-pro",
        "amd-zen3-milan",     "amd-epyc-7763",    "amd-zen5-turin",
        "nvidia-h100-sxm",    "nvidia-h100-pcie", "huawei-ascend-910",
        "huawei-ascend-910b", "hygon-dcu",        "cambricon-mlu370-x8",
        "kunlunxin-k200",     "metax-c500",       "moore-threads-mtt-s4000",
        "iluvatar-bi-v100",   "biren-br100",      "enflame-gcu",
        "os-kylin",           "os-openeuler",     "lib-kml",
        "cc-bisheng",         "server-sugon",     "rt-pocl"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (!hb__catalog_find(c, ids[i])) fail_msg("built-in catalog lacks %s", ids[i]);
    /* the 7285 SKU: 32 cores, 2.0 GHz, 8 FLOP/cycle */
    json_t *pk = json_object_get((json_t *)hb__catalog_find(c, "hygon-c86-7285"), "peak");
    assert_int_equal(json_integer_value(json_object_get(pk, "cores")), 32);
    hb__catalog_free(c);
}

static void test_catalog_dir_env(void **state) {
    (void)state;
    char dir[] = "/tmp/hb-catalog-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp %s/good-minimal.json %s/a.json", HB_FIXTURES "/catalog", dir);
    assert_int_equal(system(cmd), 0);
    setenv("HETBENCH_CATALOG_DIR", dir, 1);
    hb__catalog *c = builtin();
    assert_int_equal(hb__catalog_entry_count(c), 1);
    assert_non_null(hb__catalog_find(c, "test-cpu"));
    hb__catalog_free(c);
    setenv("HETBENCH_CATALOG_DIR", "/nonexistent/hetbench-catalog", 1);
    char err[512] = "";
    c = (hb__catalog *)1;
    assert_int_equal(hb__catalog_load_default(&c, err, sizeof err), HB_E_INVALID);
    assert_null(c);
    assert_contains(err, "HETBENCH_CATALOG_DIR=/nonexistent/hetbench-catalog: not a directory");
    unsetenv("HETBENCH_CATALOG_DIR");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_malformed(void **state) {
    (void)state;
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"bad-syntax.json", "bad-syntax.json:8: column "},
        {"bad-type.json", "bad-type.json:11: entries[0].tdp_w: must be a number > 0 or null"},
        {"bad-unknown-field.json", "bad-unknown-field.json:9: entries[0].orgin: unknown field"},
        {"bad-pci.json", "bad-pci.json:10: entries[0].match.pci[1]: must be a PCI id"},
        {"bad-category.json", "bad-category.json:6: entries[0].category: must be one of cpu"},
        {"dup-id.json",
         "dup-id.json:15: entries[1].id: duplicate id \"test-os\" (also entries[0], line 5)"},
        {"bad-peak.json",
         "bad-peak.json:23: entries[1].peak.tflops.f16: must be a number > 0 or null"},
        {"bad-match-key.json",
         "bad-match-key.json:10: entries[0].match.pci: not a match key of category cpu"},
        {"dup-key.json", "dup-key.json:8: column "},
        {"no-such-file.json", "no-such-file.json: cannot open"},
    };
    hb__catalog *c = builtin();
    size_t before = hb__catalog_entry_count(c);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[512], err[1024] = "";
        snprintf(path, sizeof path, "%s%s", CAT_FIX, cases[i].file);
        assert_int_equal(hb__catalog_add_file(c, path, err, sizeof err), HB_E_INVALID);
        assert_contains(err, cases[i].want);
        assert_contains(err, CAT_FIX); /* the error names the file as given */
        /* a bad file leaves the catalog as it was */
        assert_int_equal(hb__catalog_entry_count(c), before);
    }
    char err[1024] = "";
    assert_int_equal(hb__catalog_add_file(c, CAT_FIX "dup-key.json", err, sizeof err),
                     HB_E_INVALID);
    assert_contains(err, "duplicate object key");
    hb__catalog_free(c);
}

static void test_override(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    size_t n = hb__catalog_entry_count(c);
    assert_null(json_object_get((json_t *)hb__catalog_find(c, "hygon-c86-7285"), "tdp_w"));
    char err[1024] = "";
    assert_int_equal(hb__catalog_add_file(c, CAT_FIX "vendor-override.json", err, sizeof err),
                     HB_OK);
    assert_int_equal(hb__catalog_entry_count(c), n + 1); /* one replaced, one added */
    const json_t *e = hb__catalog_find(c, "hygon-c86-7285");
    assert_double_equal(json_number_value(json_object_get(e, "tdp_w")), 180, 0);
    assert_string_equal(s_of((json_t *)e, "product"), "Hygon C86 7285 (vendor data)");
    assert_non_null(hb__catalog_find(c, "vendor-test-dcu"));
    /* the replaced entry keeps its place and says where it came from */
    for (size_t i = 0; i < hb__catalog_entry_count(c); i++)
        if (json_array_get(hb__catalog_entries(c), i) == e)
            assert_contains(hb__catalog_entry_file(c, i), "vendor-override.json");
    hb__catalog_free(c);
}

/* ---- inventories of synthetic systems ---- */

static void test_kunpeng_ascend_domestic(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    json_t *inv = inventory_of(c, CAT_FIX "system-kunpeng-ascend.json");
    assert_int_equal(json_integer_value(json_object_get(inv, "unknown")), 0);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(inv, "components"), i,
                       x) if (strcmp(s_of(x, "origin"), "domestic"))
        fail_msg("%s %s is %s, expected domestic", s_of(x, "category"), s_of(x, "name"),
                 s_of(x, "origin"));
    json_t *cpu = comp(inv, "cpu", 0);
    assert_string_equal(s_of(cpu, "catalog_id"), "huawei-kunpeng-920");
    assert_contains(s_of(cpu, "matched_by"), "implementer 0x48, part 0xd01");
    assert_int_equal(json_integer_value(json_object_get(cpu, "count")), 2);
    /* 4 FLOP/cycle x 128 cores x 2.6 GHz from the kernel (ACPI CPPC): low confidence */
    assert_double_equal(peak_of(cpu, "f64"), 4 * 128 * 2.6e9, 1e3);
    json_t *f64 = json_object_get(json_object_get(cpu, "rated_peak"), "f64");
    assert_string_equal(s_of(f64, "confidence"), "low");
    assert_contains(s_of(f64, "formula"), "4 FLOP/cycle × 128 cores × 2.6 GHz");
    assert_contains(s_of(f64, "source"), "ACPI CPPC nominal_freq");
    json_t *acc = comp_id(inv, "huawei-ascend-910");
    assert_int_equal(json_integer_value(json_object_get(acc, "count")), 8);
    assert_int_equal(json_array_size(json_object_get(acc, "devices")), 8);
    assert_double_equal(peak_of(acc, "f16"), 8 * 256e12, 1e6);
    assert_string_equal(s_of(json_object_get(json_object_get(acc, "rated_peak"), "i8"), "unit"),
                        "OP/s");
    assert_double_equal(json_number_value(json_object_get(acc, "tdp_w")), 8 * 310.0, 1e-9);
    assert_string_equal(s_of(comp(inv, "display", 0), "catalog_id"), "huawei-hi171x-vga");
    assert_string_equal(s_of(comp(inv, "os", 0), "catalog_id"), "os-kylin");
    assert_string_equal(s_of(comp(inv, "compiler", 0), "catalog_id"), "cc-bisheng");
    json_t *kml = comp_id(inv, "lib-kml");
    assert_int_equal(json_array_size(json_object_get(kml, "provides")), 2); /* cblas, lapack */
    assert_null(comp(inv, "math_library", 1));                              /* one component */
    assert_string_equal(s_of(comp(inv, "runtime", 0), "catalog_id"), "rt-cann");
    assert_string_equal(s_of(comp(inv, "server", 0), "catalog_id"), "server-huawei");
    /* hetbench's own infrastructure is not inventoried */
    json_array_foreach(json_object_get(inv, "components"), i, x)
        assert_null(strstr(s_of(x, "name"), "jansson"));
    json_decref(inv);
    hb__catalog_free(c);
}

static void test_hygon_dcu_openeuler(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    json_t *inv = inventory_of(c, CAT_FIX "system-hygon-dcu.json");
    json_t *cpu = comp(inv, "cpu", 0);
    assert_string_equal(s_of(cpu, "catalog_id"), "hygon-c86-7285");
    assert_string_equal(s_of(cpu, "origin"), "domestic");
    /* 8 x 64 cores x 2.0 GHz (the SKU's base clock): 1.024 TFLOPS per dual-socket node */
    assert_double_equal(peak_of(cpu, "f64"), 1.024e12, 1);
    json_t *f64 = json_object_get(json_object_get(cpu, "rated_peak"), "f64");
    assert_string_equal(s_of(f64, "confidence"), "medium");
    assert_contains(s_of(f64, "formula"), "8 FLOP/cycle × 64 cores × 2 GHz");
    json_t *dcu = comp_id(inv, "hygon-dcu-k100");
    assert_string_equal(s_of(dcu, "origin"), "domestic");
    assert_int_equal(json_integer_value(json_object_get(dcu, "count")), 4);
    assert_true(json_is_null(json_object_get(dcu, "rated_peak")));
    assert_contains(s_of(dcu, "rated_peak_reason"), "no peak figure");
    /* a DCU model the catalog does not know: the vendor is still known from the PCI id */
    json_t *other = comp_id(inv, "hygon-dcu");
    assert_string_equal(s_of(other, "origin"), "domestic");
    assert_string_equal(s_of(comp(inv, "os", 0), "catalog_id"), "os-openeuler");
    assert_string_equal(s_of(comp(inv, "os", 0), "origin"), "domestic");
    assert_string_equal(s_of(comp(inv, "server", 0), "catalog_id"), "server-sugon");
    assert_string_equal(s_of(comp_id(inv, "lib-openblas"), "origin"), "foreign");
    json_decref(inv);

    /* the vendor's file: the new DCU model gets its figures, the CPU its TDP */
    char err[1024] = "";
    assert_int_equal(hb__catalog_add_file(c, CAT_FIX "vendor-override.json", err, sizeof err),
                     HB_OK);
    inv = inventory_of(c, CAT_FIX "system-hygon-dcu.json");
    json_t *v = comp_id(inv, "vendor-test-dcu");
    assert_double_equal(peak_of(v, "f64"), 10e12, 1);
    assert_string_equal(
        s_of(json_object_get(json_object_get(v, "rated_peak"), "f16"), "confidence"), "medium");
    assert_string_equal(
        s_of(json_object_get(json_object_get(v, "rated_peak"), "f64"), "confidence"), "high");
    assert_contains(s_of(v, "catalog_file"), "vendor-override.json");
    assert_double_equal(json_number_value(json_object_get(comp(inv, "cpu", 0), "tdp_w")), 360,
                        1e-9);
    json_decref(inv);
    hb__catalog_free(c);
}

static void test_this_vm(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    json_t *inv = inventory_of(c, CAT_FIX "system-vm-epyc.json");
    json_t *cpu = comp(inv, "cpu", 0);
    assert_string_equal(s_of(cpu, "catalog_id"), "amd-zen5-turin");
    assert_string_equal(s_of(cpu, "origin"), "foreign");
    /* no cpufreq here: the clock, hence the rated peak, is unknown — and says why */
    assert_true(json_is_null(json_object_get(cpu, "rated_peak")));
    assert_contains(s_of(cpu, "rated_peak_reason"), "the clock is unknown");
    assert_contains(s_of(cpu, "rated_peak_reason"), "no cpufreq base_frequency");
    json_t *devs = json_object_get(cpu, "devices");
    assert_int_equal(json_array_size(devs), 2);
    assert_string_equal(json_string_value(json_array_get(devs, 1)), "opencl:0.0");
    /* PoCL's CPU device (PCI vendor 0x8086!) is the CPU, not an accelerator */
    assert_null(comp(inv, "accelerator", 0));
    assert_string_equal(s_of(comp(inv, "os", 0), "catalog_id"), "os-debian");
    assert_string_equal(s_of(comp(inv, "compiler", 0), "catalog_id"), "cc-gcc");
    assert_non_null(comp_id(inv, "lib-openblas"));
    assert_non_null(comp_id(inv, "lib-clblast"));
    json_t *pocl = comp_id(inv, "rt-pocl");
    assert_string_equal(json_string_value(json_array_get(json_object_get(pocl, "devices"), 0)),
                        "opencl:0.0");
    json_t *srv = comp(inv, "server", 0);
    assert_string_equal(s_of(srv, "origin"), "unknown");
    assert_int_equal(json_integer_value(json_object_get(inv, "unknown")), 1);
    size_t i;
    json_t *x;
    json_array_foreach(json_object_get(inv, "components"), i,
                       x) if (strcmp(s_of(x, "category"), "server"))
        assert_string_equal(s_of(x, "origin"), "foreign");
    json_decref(inv);

    /* the same machine with a base clock: FLOP/cycle × cores × clock, low confidence */
    json_t *sys = load_json(CAT_FIX "system-vm-epyc.json");
    json_object_set_new(json_object_get(sys, "cpu"), "base_mhz", json_real(2600));
    json_object_set_new(json_object_get(sys, "cpu"), "base_mhz_source",
                        json_string("cpufreq base_frequency"));
    inv = hb__inventory_build(c, sys);
    cpu = comp(inv, "cpu", 0);
    assert_double_equal(peak_of(cpu, "f64"), 32 * 2 * 2.6e9, 1);
    assert_double_equal(peak_of(cpu, "f32"), 64 * 2 * 2.6e9, 1);
    assert_string_equal(
        s_of(json_object_get(json_object_get(cpu, "rated_peak"), "f64"), "confidence"), "low");
    json_decref(inv);
    json_decref(sys);
    hb__catalog_free(c);
}

static void test_unknown_is_not_guessed(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    json_t *inv = inventory_of(c, CAT_FIX "system-unknown.json");
    json_t *cpu = comp(inv, "cpu", 0);
    assert_string_equal(s_of(cpu, "origin"), "unknown");
    assert_true(json_is_null(json_object_get(cpu, "catalog_id")));
    assert_true(json_is_null(json_object_get(cpu, "vendor")));
    assert_true(json_is_null(json_object_get(cpu, "rated_peak")));
    assert_string_equal(s_of(cpu, "name"), "FooCorp X9000 64-core");
    assert_contains(s_of(cpu, "matched_by"), "vendor_id FooCorpGenuine");
    assert_contains(s_of(cpu, "matched_by"), "no catalog entry matches");
    json_t *acc = comp(inv, "accelerator", 0);
    assert_string_equal(s_of(acc, "origin"), "unknown");
    assert_contains(s_of(acc, "matched_by"), "PCI abcd:0001");
    assert_string_equal(s_of(comp(inv, "os", 0), "origin"), "unknown");
    assert_string_equal(s_of(comp(inv, "compiler", 0), "origin"), "unknown");
    assert_string_equal(s_of(comp(inv, "math_library", 0), "origin"), "unknown");
    /* a virtual machine's DMI (QEMU): the physical server is not known */
    assert_string_equal(s_of(comp(inv, "server", 0), "origin"), "unknown");
    assert_int_equal(json_integer_value(json_object_get(inv, "unknown")), 6);
    json_decref(inv);
    hb__catalog_free(c);
}

/* Long non-ASCII names (a CPU model, a device, a library, an OpenCL platform, DMI strings) are
   cut on a character boundary where the inventory's buffers end: every component keeps its
   name and matched_by (jansson refuses a string cut inside a UTF-8 sequence, which dropped
   them), and the whole inventory dumps as valid JSON. */
static void test_long_utf8_names(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    json_t *sys = load_json(CAT_FIX "system-unknown.json");
    /* "x" then 3-byte characters: every byte limit n ≥ 2 with n - 1 ≢ 1 (mod 3) cuts one */
    char *longs[3];
    for (int k = 0; k < 3; k++) {
        longs[k] = malloc(k + 1 + 600 * 3 + 1);
        memset(longs[k], 'x', (size_t)k + 1);
        longs[k][k + 1] = '\0';
        for (int i = 0; i < 600; i++) strcat(longs[k], "芯");
    }
    for (int k = 0; k < 3; k++) {
        const char *s = longs[k];
        json_t *cpu = json_object_get(sys, "cpu");
        json_object_set_new(cpu, "model", json_string(s));
        json_object_set_new(json_object_get(sys, "dmi"), "sys_vendor", json_string(s));
        json_object_set_new(json_object_get(sys, "dmi"), "product_name", json_string(s));
        json_t *lib = json_array_get(json_object_get(sys, "libraries"), 0);
        json_object_set_new(lib, "provider", json_string(s));
        json_object_set_new(sys, "platforms",
                            json_pack("[{s:s,s:{s:s}}]", "name", "opencl", "properties",
                                      "opencl_platform_names", s));
        json_object_set_new(sys, "devices",
                            json_pack("[{s:s,s:s,s:s,s:s,s:s,s:{s:s}}]", "id", "opencl:0.0",
                                      "platform", "opencl", "name", s, "vendor", s, "type",
                                      "accelerator", "properties", "pci_bus_id", "0000:65:00.0"));
        json_t *inv = hb__inventory_build(c, sys);
        assert_non_null(inv);
        size_t i;
        json_t *x;
        json_array_foreach(json_object_get(inv, "components"), i, x) {
            const char *name = json_string_value(json_object_get(x, "name"));
            const char *why = json_string_value(json_object_get(x, "matched_by"));
            if (!name || !why)
                fail_msg("offset %d: component %zu (%s) lost its name or matched_by", k, i,
                         s_of(x, "category"));
        }
        assert_int_equal(strncmp(s_of(comp(inv, "cpu", 0), "name"), s, 100), 0);
        assert_int_equal(strncmp(s_of(comp(inv, "accelerator", 0), "name"), s, 100), 0);
        assert_int_equal(strncmp(s_of(comp(inv, "server", 0), "name"), s, 100), 0);
        assert_int_equal(strncmp(s_of(comp(inv, "math_library", 0), "name"), s, 100), 0);
        assert_int_equal(strncmp(s_of(comp(inv, "runtime", 0), "name"), s, 100), 0);
        assert_contains(s_of(comp(inv, "cpu", 0), "matched_by"), "model name \"x");
        char *dump = json_dumps(inv, 0);
        assert_non_null(dump);
        json_t *back = json_loads(dump, 0, NULL);
        assert_non_null(back);
        json_decref(back);
        free(dump);
        json_decref(inv);
    }
    for (int k = 0; k < 3; k++) free(longs[k]);
    json_decref(sys);
    hb__catalog_free(c);
}

/* Every matching entry takes part, however many: 70 family entries match the CPU by its
   vendor id alone before the SKU entry that also matches its model name (more specific, and
   the only one with figures). A cap of 64 matches kept the first 64 in file order and lost
   the SKU: the CPU was named by a family entry, without a rated peak. */
static void test_many_matching_entries(void **state) {
    (void)state;
    char path[] = "/tmp/hb-catalog-many-XXXXXX.json", err[1024] = "";
    int fd = mkstemps(path, 5);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("{\"catalog_version\": 1, \"entries\": [\n", f);
    for (int i = 0; i < 70; i++)
        fprintf(f,
                "{\"id\": \"family-%d\", \"category\": \"cpu\", \"vendor\": \"Foo\", \"product\": "
                "\"Foo family %d\", \"origin\": \"foreign\", \"match\": {\"cpu_vendor_id\": "
                "[\"FooCorpGenuine\"]}, \"confidence\": \"high\", \"source\": \"test\"},\n",
                i, i);
    fputs("{\"id\": \"foo-x9000\", \"category\": \"cpu\", \"vendor\": \"Foo\", \"product\": "
          "\"FooCorp X9000\", \"origin\": \"domestic\", \"match\": {\"cpu_vendor_id\": "
          "[\"FooCorpGenuine\"], \"cpu_model_name\": [\"X9000\"]}, \"peak\": "
          "{\"flops_per_cycle_per_core\": {\"f64\": 16}, \"base_clock_ghz\": 2.0}, "
          "\"confidence\": \"high\", \"source\": \"test\"}]}\n",
          f);
    fclose(f);
    hb__catalog *c = hb__catalog_new();
    if (hb__catalog_add_file(c, path, err, sizeof err) != HB_OK) fail_msg("%s", err);
    unlink(path);
    json_t *inv = inventory_of(c, CAT_FIX "system-unknown.json");
    json_t *cpu = comp(inv, "cpu", 0);
    assert_string_equal(s_of(cpu, "catalog_id"), "foo-x9000");
    assert_string_equal(s_of(cpu, "origin"), "domestic");
    /* 16 FLOP/cycle × 64 cores × 2.0 GHz */
    assert_true(fabs(peak_of(cpu, "f64") - 16 * 64 * 2.0e9) < 1);
    json_decref(inv);
    hb__catalog_free(c);
}

/* A PCI scan keeps every display / accelerator function, however many (a fixed list of 4096
   dropped the rest silently), sorted by address. */
static void test_pci_scan_many(void **state) {
    (void)state;
    char root[] = "/tmp/hb-pci-many-XXXXXX", path[512];
    assert_non_null(mkdtemp(root));
    const int n = 4200;
    snprintf(path, sizeof path, "mkdir -p %s/bus/pci/devices", root);
    assert_int_equal(system(path), 0);
    for (int i = 0; i < n; i++) {
        char dir[300];
        /* domain i / 256, bus i % 256: distinct addresses, created out of order */
        int k = (i * 37) % n;
        snprintf(dir, sizeof dir, "%s/bus/pci/devices/%04x:%02x:00.0", root, k / 256, k % 256);
        assert_int_equal(mkdir(dir, 0755), 0);
        static const char *const files[] = {"class", "vendor", "device"};
        static const char *const vals[] = {"0x120000\n", "0x19e5\n", "0xd801\n"};
        for (int f = 0; f < 3; f++) {
            snprintf(path, sizeof path, "%s/%s", dir, files[f]);
            FILE *fp = fopen(path, "w");
            assert_non_null(fp);
            fputs(vals[f], fp);
            fclose(fp);
        }
    }
    json_t *pci = hb__pci_scan(root);
    assert_int_equal(json_array_size(pci), n);
    assert_string_equal(s_of(json_array_get(pci, 0), "address"), "0000:00:00.0");
    assert_string_equal(s_of(json_array_get(pci, n - 1), "address"), "0010:67:00.0");
    json_decref(pci);
    snprintf(path, sizeof path, "rm -rf %s", root);
    assert_int_equal(system(path), 0);
}

static void test_old_system_object(void **state) {
    (void)state;
    hb__catalog *c = builtin();
    json_t *inv = inventory_of(c, CAT_FIX "system-old-1.0.json");
    /* the SKU names the clock, the Sapphire Rapids entry the FLOP/cycle */
    json_t *cpu = comp(inv, "cpu", 0);
    assert_string_equal(s_of(cpu, "catalog_id"), "intel-xeon-platinum-8480");
    assert_double_equal(peak_of(cpu, "f64"), 32 * 112 * 2.0e9, 1);
    /* ARK clock (high) x FMA-unit count from secondary sources (medium) */
    assert_string_equal(
        s_of(json_object_get(json_object_get(cpu, "rated_peak"), "f64"), "confidence"), "medium");
    /* no system.pci: the GPU comes from the platforms, its OpenCL and CUDA views are one */
    json_t *gpu = comp(inv, "accelerator", 0);
    assert_non_null(gpu);
    assert_null(comp(inv, "accelerator", 1));
    assert_string_equal(s_of(gpu, "catalog_id"), "nvidia-gpu");
    assert_int_equal(json_integer_value(json_object_get(gpu, "count")), 1);
    assert_int_equal(json_array_size(json_object_get(gpu, "devices")), 2);
    assert_non_null(comp_id(inv, "rt-nvidia-opencl"));
    assert_non_null(comp_id(inv, "rt-cuda"));
    assert_string_equal(s_of(comp(inv, "server", 0), "origin"), "unknown");
    json_decref(inv);

    /* nothing at all, and no catalog at all */
    json_t *empty = json_object();
    inv = hb__inventory_build(c, empty);
    assert_non_null(inv);
    assert_string_equal(s_of(comp(inv, "cpu", 0), "origin"), "unknown");
    json_decref(inv);
    inv = hb__inventory_build(NULL, empty);
    assert_non_null(inv);
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(inv, "catalog"), "entries")), 0);
    json_decref(inv);
    json_decref(empty);
    hb__catalog_free(c);
}

/* ---- /sys and /proc readers ---- */

static void test_sysfs_pci_dmi_clock(void **state) {
    (void)state;
    json_t *pci = hb__pci_scan(HB_FIXTURES "/sysfs/pci-h100");
    /* the host bridge (0x06) and the NIC (0x02) are left out */
    assert_int_equal(json_array_size(pci), 6);
    json_t *p0 = json_array_get(pci, 0), *p1 = json_array_get(pci, 1), *p5 = json_array_get(pci, 5);
    assert_string_equal(s_of(p0, "address"), "0000:02:00.0");
    assert_string_equal(s_of(p0, "vendor"), "1a03");
    assert_string_equal(s_of(p1, "device"), "2330");
    assert_string_equal(s_of(p1, "class"), "0x030200");
    assert_string_equal(s_of(p5, "class"), "0x0b4000");
    json_decref(pci);
    pci = hb__pci_scan(HB_FIXTURES "/sysfs/pci-kunpeng");
    assert_int_equal(json_array_size(pci), 3);
    assert_string_equal(s_of(json_array_get(pci, 2), "address"), "0000:c2:00.0"); /* lower case */
    json_decref(pci);
    pci = hb__pci_scan("/nonexistent/sysfs");
    assert_int_equal(json_array_size(pci), 0);
    json_decref(pci);

    json_t *dmi = hb__dmi_read(HB_FIXTURES "/sysfs/pci-h100");
    assert_string_equal(s_of(dmi, "sys_vendor"), "Supermicro");
    assert_string_equal(s_of(dmi, "product_name"), "SYS-821GE-TNHR");
    json_decref(dmi);
    dmi = hb__dmi_read(HB_FIXTURES "/sysfs/pci-kunpeng");
    assert_true(json_is_null(json_object_get(dmi, "board_vendor")));
    json_decref(dmi);

    json_t *cpu = json_object();
    hb__cpu_identify(cpu, HB_FIXTURES "/sysfs/pci-h100", NULL);
    assert_double_equal(json_number_value(json_object_get(cpu, "base_mhz")), 2000, 1e-9);
    assert_string_equal(s_of(cpu, "base_mhz_source"), "cpufreq base_frequency");
    json_decref(cpu);
    cpu = json_pack("{s:n}", "model");
    hb__cpu_identify(cpu, HB_FIXTURES "/sysfs/pci-kunpeng", CAT_FIX "cpuinfo-kunpeng.txt");
    assert_double_equal(json_number_value(json_object_get(cpu, "base_mhz")), 2600, 1e-9);
    assert_string_equal(s_of(cpu, "base_mhz_source"), "ACPI CPPC nominal_freq");
    assert_string_equal(s_of(cpu, "implementer"), "0x48"); /* the first processor's */
    assert_string_equal(s_of(cpu, "part"), "0xd01");
    json_decref(cpu);
    cpu = json_object();
    hb__cpu_identify(cpu, "/nonexistent/sysfs", CAT_FIX "cpuinfo-loongson.txt");
    assert_true(json_is_null(json_object_get(cpu, "base_mhz")));
    assert_contains(s_of(cpu, "base_mhz_source"), "not reported");
    assert_string_equal(s_of(cpu, "model"), "Loongson-3C5000");
    json_decref(cpu);
}

/* The whole system object on a fake sysfs tree: pci, dmi and the inventory in it. */
static void test_system_json_on_fixture(void **state) {
    (void)state;
    setenv("HETBENCH_SYSFS_ROOT", HB_FIXTURES "/sysfs/pci-h100", 1);
    const char *files[] = {CAT_FIX "vendor-override.json"};
    char err[1024] = "";
    assert_int_equal(hb_set_catalog_files(files, 1, err, sizeof err), HB_OK);
    json_t *sys = hb__system_json(NULL);
    assert_int_equal(json_array_size(json_object_get(sys, "pci")), 6);
    assert_string_equal(s_of(json_object_get(sys, "dmi"), "sys_vendor"), "Supermicro");
    assert_double_equal(json_number_value(json_object_get(json_object_get(sys, "cpu"), "base_mhz")),
                        2000, 1e-9);
    json_t *inv = json_object_get(sys, "inventory");
    assert_int_equal(json_array_size(json_object_get(json_object_get(inv, "catalog"), "files")), 5);
    json_t *h100 = comp_id(inv, "nvidia-h100-sxm");
    assert_int_equal(json_integer_value(json_object_get(h100, "count")), 4);
    assert_double_equal(peak_of(h100, "f64"), 4 * 66.9e12, 1e3);
    assert_contains(s_of(json_object_get(json_object_get(h100, "rated_peak"), "f16"), "formula"),
                    "989.4 TFLOP/s × 4 devices");
    assert_string_equal(s_of(comp_id(inv, "aspeed-bmc-vga"), "category"), "display");
    assert_string_equal(s_of(comp_id(inv, "server-supermicro"), "origin"), "foreign");
    json_decref(sys);

    /* a bad file is refused with file:line:field, and the previous list stays */
    const char *bad[] = {CAT_FIX "bad-peak.json"};
    assert_int_equal(hb_set_catalog_files(bad, 1, err, sizeof err), HB_E_INVALID);
    assert_contains(err, "bad-peak.json:23: entries[1].peak.tflops.f16");
    json_t *empty = json_object();
    inv = hb__inventory_here(empty);
    assert_int_equal(json_array_size(json_object_get(json_object_get(inv, "catalog"), "files")), 5);
    json_decref(inv);
    json_decref(empty);
    assert_int_equal(hb_set_catalog_files(NULL, 0, err, sizeof err), HB_OK);
    unsetenv("HETBENCH_SYSFS_ROOT");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_loads),
        cmocka_unit_test(test_catalog_dir_env),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_override),
        cmocka_unit_test(test_kunpeng_ascend_domestic),
        cmocka_unit_test(test_hygon_dcu_openeuler),
        cmocka_unit_test(test_this_vm),
        cmocka_unit_test(test_unknown_is_not_guessed),
        cmocka_unit_test(test_long_utf8_names),
        cmocka_unit_test(test_many_matching_entries),
        cmocka_unit_test(test_pci_scan_many),
        cmocka_unit_test(test_old_system_object),
        cmocka_unit_test(test_sysfs_pci_dmi_clock),
        cmocka_unit_test(test_system_json_on_fixture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
