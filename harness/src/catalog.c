/* placeholder (being written): an empty catalog */
#include <stdlib.h>

#include "catalog.h"
#include "internal.h"

struct hb__catalog {
    json_t *entries;
};

hb__catalog *hb__catalog_new(void) {
    hb__catalog *c = calloc(1, sizeof *c);
    if (c) c->entries = json_array();
    return c;
}
hb_status hb__catalog_load_default(hb__catalog **out, char *err, size_t n) {
    (void)err, (void)n;
    *out = hb__catalog_new();
    return *out ? HB_OK : HB_E_NOMEM;
}
hb_status hb__catalog_add_file(hb__catalog *c, const char *path, char *err, size_t n) {
    (void)c;
    hb__set_err(err, n, "%s: catalog files are not read yet", path);
    return HB_E_INVALID;
}
void hb__catalog_free(hb__catalog *c) {
    if (!c) return;
    json_decref(c->entries);
    free(c);
}
size_t hb__catalog_entry_count(const hb__catalog *c) { return json_array_size(c->entries); }
