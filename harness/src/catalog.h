/* hetbench — the catalog (chips and software: origin, identification, rated peaks) and the
 * inventory of a node built from a result's system object. Formats: docs/acceptance.md §1–2. */
#ifndef HB_CATALOG_H
#define HB_CATALOG_H

#include <jansson.h>
#include <stddef.h>

#include "hetbench/status.h"

typedef struct hb__catalog hb__catalog;

/* The built-in files ($HETBENCH_CATALOG_DIR; else ../share/hetbench/catalog beside the
   installed libhetbench.so; else the compile-time HB_CATALOG_DIR: every *.json there, sorted),
   checked. No directory at all is not an error (an empty catalog whose note says so).
   Bad input: HB_E_INVALID with "FILE:LINE: field F: what is wrong" in err. */
hb_status hb__catalog_load_default(hb__catalog **out, char *err, size_t n);
/* An empty catalog (tests; `report` with --no-builtin-catalog). */
hb__catalog *hb__catalog_new(void);
/* Adds one file: entries with a known id replace it whole, new ids are added. The file is
   checked completely before anything is added (a bad file leaves the catalog unchanged). */
hb_status hb__catalog_add_file(hb__catalog *c, const char *path, char *err, size_t n);
void hb__catalog_free(hb__catalog *c);
size_t hb__catalog_entry_count(const hb__catalog *c);

/* The entries (checked objects as in the files), in load order; borrowed reference. */
const json_t *hb__catalog_entries(const hb__catalog *c);
/* The file an entry came from (the last file that gave its id). */
const char *hb__catalog_entry_file(const hb__catalog *c, size_t i);
/* The entry with that id, NULL if none (borrowed). */
const json_t *hb__catalog_find(const hb__catalog *c, const char *id);
/* The files read, in order (borrowed array of strings). */
const json_t *hb__catalog_files(const hb__catalog *c);
/* Why the built-in directory was not read ("" when it was). */
const char *hb__catalog_note(const hb__catalog *c);

/* The inventory object of docs/acceptance.md §2, built from a system object (as written in
   results: "cpu", "os", "compiler", "libraries", "devices", "pci", "dmi", "platforms").
   Never fails on missing fields of the system object: what cannot be identified is listed
   with origin "unknown". Pure: reads nothing but its arguments. Returns a new reference;
   NULL only when out of memory. */
json_t *hb__inventory_build(const hb__catalog *c, const json_t *system);

/* The physical non-CPU units of a system object, linked as the inventory links them (§2): an
   array of {"address": "0000:c1:00.0" or null, "devices": ["cuda:0", "opencl:1.0"], ...}, one
   per PCI function or unit of its own. The report counts each unit once. New reference. */
json_t *hb__inventory_units(const json_t *system);

/* The inventory of this process's system object with the built-in catalog plus the files
   given to hb_set_catalog_files (sysinfo.c). A catalog that cannot be read gives an inventory
   over an empty catalog with "catalog.error" saying why. */
json_t *hb__inventory_here(const json_t *system);

/* ---- facts read from /sys and /proc for the system object (sysinfo.c calls these) ---- */
/* The sysfs root: $HETBENCH_SYSFS_ROOT, else "/sys". */
const char *hb__inventory_sysfs_root(void);
/* PCI functions of class display (0x03xxxx), processing accelerator (0x12xxxx) and
   co-processor (0x0b40xx) under ROOT/bus/pci/devices: [{"address", "vendor", "device",
   "class"}] with vendor/device as 4 lower-case hex digits and class "0x030200"; sorted by
   address. An unreadable directory gives an empty array. */
json_t *hb__pci_scan(const char *sysfs_root);
/* {"sys_vendor", "product_name", "board_vendor"} from ROOT/class/dmi/id (null when absent). */
json_t *hb__dmi_read(const char *sysfs_root);
/* Adds to the system's "cpu" object: base_mhz + base_mhz_source (cpufreq base_frequency, else
   ACPI CPPC nominal_freq, else cpufreq cpuinfo_max_freq, else null with the reason), and from
   cpuinfo_path (/proc/cpuinfo) implementer/part (arm64), and vendor, family_number,
   model_number, model when hwloc did not give them. */
void hb__cpu_identify(json_t *cpu, const char *sysfs_root, const char *cpuinfo_path);

#endif
