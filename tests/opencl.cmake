# OpenCL platform tests (HB_HAVE_OPENCL): on PoCL in CI. POCL_CACHE_DIR is in HB_TEST_ENV
# (tests/CMakeLists.txt): PoCL hides its device when its cache directory is unwritable.
hb_add_cmocka_test(test_opencl test_opencl.c)
target_link_libraries(test_opencl PRIVATE PkgConfig::OPENCL)
target_include_directories(test_opencl SYSTEM PRIVATE ${OPENCL_HEADER_DIR})
add_test(NAME opencl.platform COMMAND test_opencl)
add_test(NAME opencl.cli_stream
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/opencl_cli.sh
          $<TARGET_FILE:hetbench_cli> ${HB_TEST_PYTHON} ${HB_VALIDATE} ${HB_SCHEMA})
set_tests_properties(opencl.platform opencl.cli_stream PROPERTIES
  LABELS "opencl" TIMEOUT 300 ENVIRONMENT "${HB_TEST_ENV}")
