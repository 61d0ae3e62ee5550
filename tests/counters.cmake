# counters: perf_event_open on the test's own threads. Software events count everywhere;
# hardware events count where a PMU is present and must otherwise carry a reason.
# counters.libpfm_force_pmu runs the libpfm4 tests with an absent PMU forced active
# (LIBPFM_ENCODE_INACTIVE / LIBPFM_FORCE_PMU, set by the test itself before libpfm4 starts).
hb_add_cmocka_test(test_counters test_counters.c $<$<BOOL:${HB_HAVE_LIBPFM}>:HB_HAVE_LIBPFM=1>)
add_test(NAME counters.unit COMMAND test_counters)
add_test(NAME counters.libpfm_force_pmu COMMAND test_counters force-pmu)
set_tests_properties(counters.unit counters.libpfm_force_pmu PROPERTIES
  LABELS "unit;counters" TIMEOUT 120 ENVIRONMENT "${HB_TEST_ENV}")
