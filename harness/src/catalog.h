/* hetbench — the catalog (chips and software: origin, identification, rated peaks) and the
 * inventory of a node built from a result's system object. Formats: docs/acceptance.md §1–2. */
#ifndef HB_CATALOG_H
#define HB_CATALOG_H

#include <jansson.h>
#include <stddef.h>

#include "hetbench/status.h"

typedef struct hb__catalog hb__catalog;

/* The built-in files ($HETBENCH_CATALOG_DIR, else the compile-time HB_CATALOG_DIR), checked.
   Bad input: HB_E_INVALID with "FILE:LINE: field F: what is wrong" in err. */
hb_status hb__catalog_load_default(hb__catalog **out, char *err, size_t n);
/* An empty catalog (tests; `report` with --no-builtin-catalog). */
hb__catalog *hb__catalog_new(void);
/* Adds one file: entries with a known id replace it whole, new ids are added. */
hb_status hb__catalog_add_file(hb__catalog *c, const char *path, char *err, size_t n);
void hb__catalog_free(hb__catalog *c);
size_t hb__catalog_entry_count(const hb__catalog *c);

/* The inventory object of docs/acceptance.md §2, built from a system object (as written in
   results: "cpu", "os", "compiler", "libraries", "devices", "pci", "dmi", "platforms").
   Never fails on missing fields of the system object: what cannot be identified is listed
   with origin "unknown". Returns a new reference; NULL only when out of memory. */
json_t *hb__inventory_build(const hb__catalog *c, const json_t *system);

#endif
