# The meter core: window arithmetic and the energy session, with synthetic meters and logs.
hb_add_cmocka_test(test_energy test_energy.c)
add_test(NAME meters.core COMMAND test_energy)
set_tests_properties(meters.core PROPERTIES LABELS "unit;meters" TIMEOUT 120
  ENVIRONMENT "${HB_TEST_ENV}")

# Deterministic fuzzing of the meter-log and IPMI parsers (run under ASan + UBSan in CI).
hb_add_cmocka_test(test_fuzz_parsers test_fuzz_parsers.c)
add_test(NAME meters.fuzz_parsers COMMAND test_fuzz_parsers)
set_tests_properties(meters.fuzz_parsers PROPERTIES LABELS "unit;meters" TIMEOUT 300
  ENVIRONMENT "${HB_TEST_ENV}")
