# meters_remote tests: NVML through a fake libnvidia-ml loaded by the real dlopen path, IPMI
# DCMI from recorded outputs (tests/fixtures/ipmi), external meter logs (tests/fixtures/meterlog).

# The fake NVML: a shared library exporting the NVML symbols the meter resolves; the test
# points hb__meter_env.nvml_library at it.
add_library(hb_fake_nvml SHARED fake_nvml.c)
set_target_properties(hb_fake_nvml PROPERTIES OUTPUT_NAME fake_nvml
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fake-nvml)

hb_add_cmocka_test(test_meters_remote test_meters_remote.c
  HB_FAKE_NVML="$<TARGET_FILE:hb_fake_nvml>"
  HB_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/fixtures")
target_link_libraries(test_meters_remote PRIVATE ${CMAKE_DL_LIBS})
add_dependencies(test_meters_remote hb_fake_nvml)

foreach(group nvml ipmi log)
  add_test(NAME meters.remote.${group} COMMAND test_meters_remote ${group})
  set_tests_properties(meters.remote.${group} PROPERTIES
    LABELS "unit;meters" TIMEOUT 120 ENVIRONMENT "${HB_TEST_ENV}")
endforeach()
