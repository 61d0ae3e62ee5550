# The catalog (platforms/catalog/*.json) and the inventory (docs/acceptance.md §1-2): loading,
# file:line:field errors on the malformed fixtures of fixtures/catalog/, vendor overrides,
# inventories of synthetic system objects and of the fake sysfs trees fixtures/sysfs/pci-*.
hb_add_cmocka_test(test_catalog test_catalog.c HB_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/fixtures")
add_test(NAME unit.catalog COMMAND test_catalog)
# The built-in files against the JSON Schema; the malformed fixtures that parse must fail it.
file(GLOB HB_CATALOG_FILES ${PROJECT_SOURCE_DIR}/platforms/catalog/*.json)
set(HB_CATALOG_SCHEMA ${PROJECT_SOURCE_DIR}/results/schema/catalog-v1.schema.json)
add_test(NAME unit.catalog_schema
  COMMAND ${HB_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/validate_schema.py ${HB_CATALOG_SCHEMA}
          ${HB_CATALOG_FILES}
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/catalog/good-minimal.json
          ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/catalog/vendor-override.json)
set(HB_BAD_CATALOGS bad-type bad-unknown-field bad-pci bad-category bad-peak bad-match-key)
list(TRANSFORM HB_BAD_CATALOGS PREPEND ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/catalog/)
list(TRANSFORM HB_BAD_CATALOGS APPEND .json)
add_test(NAME unit.catalog_schema_rejects
  COMMAND ${HB_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/validate_schema.py ${HB_CATALOG_SCHEMA}
          ${HB_BAD_CATALOGS} --invalid)
set_tests_properties(unit.catalog unit.catalog_schema unit.catalog_schema_rejects PROPERTIES
  LABELS unit TIMEOUT 60 ENVIRONMENT "${HB_TEST_ENV}")
