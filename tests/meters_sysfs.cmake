# Sysfs energy meters (powercap RAPL, perf power PMU, hwmon) on the fake trees of
# fixtures/sysfs/ (see its README.md), plus one run against the real /sys of the test machine.
# One binary; the argument picks the group so each source shows as its own test.
hb_add_cmocka_test(test_meters_sysfs test_meters_sysfs.c
  HB_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/fixtures")
foreach(group powercap perf_power hwmon parsers real)
  add_test(NAME meters.sysfs.${group} COMMAND test_meters_sysfs ${group})
  set_tests_properties(meters.sysfs.${group} PROPERTIES
    LABELS "unit;meters" TIMEOUT 60 ENVIRONMENT "${HB_TEST_ENV}")
endforeach()
