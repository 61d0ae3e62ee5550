# OpenCL platform tests (HB_HAVE_OPENCL): on PoCL in CI. POCL_CACHE_DIR is in HB_TEST_ENV
# (tests/CMakeLists.txt): PoCL hides its device when its cache directory is unwritable.
hb_add_cmocka_test(test_opencl test_opencl.c)
target_link_libraries(test_opencl PRIVATE PkgConfig::OPENCL)
target_include_directories(test_opencl SYSTEM PRIVATE ${OPENCL_HEADER_DIR})
add_test(NAME opencl.platform COMMAND test_opencl)
add_test(NAME opencl.cli_stream
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/opencl_cli.sh
          $<TARGET_FILE:hetbench_cli> ${HB_TEST_PYTHON} ${HB_VALIDATE} ${HB_SCHEMA})
add_test(NAME opencl.cli_lu
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/opencl_lu.sh
          $<TARGET_FILE:hetbench_cli> ${HB_TEST_PYTHON} ${HB_VALIDATE} ${HB_SCHEMA})
set_tests_properties(opencl.platform opencl.cli_stream opencl.cli_lu PROPERTIES
  LABELS "opencl" TIMEOUT 300 ENVIRONMENT "${HB_TEST_ENV}")
# the every-kernel test (test_kernels, defined in tests/CMakeLists.txt) on the OpenCL devices
# only, as scripts/device-check-opencl runs it on a GPU machine: every OpenCL implementation,
# lu included, at the kernels' odd sizes with the corrupt-must-fail check
add_test(NAME opencl.all_combinations COMMAND test_kernels)
set_tests_properties(opencl.all_combinations PROPERTIES
  LABELS "opencl;kernels" TIMEOUT 600 ENVIRONMENT "${HB_TEST_ENV};HB_TEST_DEVICES=opencl")

# Faults PoCL never produces (CL_OUT_OF_RESOURCES from a launch, a lost device), injected by
# LD_PRELOAD in front of the ICD loader. Not under the sanitizers: ASan must come first in the
# preload list, and the injection tests the runner's behaviour, not memory safety.
if(NOT HB_SANITIZE)
  add_library(hb_fault_ocl MODULE fault_ocl.c)
  target_include_directories(hb_fault_ocl SYSTEM PRIVATE ${OPENCL_HEADER_DIR})
  target_link_libraries(hb_fault_ocl PRIVATE ${CMAKE_DL_LIBS})
  set_target_properties(hb_fault_ocl PROPERTIES PREFIX "" OUTPUT_NAME fault_ocl)
  add_test(NAME opencl.faults
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/opencl_fault.sh
            $<TARGET_FILE:hetbench_cli> $<TARGET_FILE:hb_fault_ocl> ${HB_TEST_PYTHON})
  set_tests_properties(opencl.faults PROPERTIES
    LABELS "opencl" TIMEOUT 300 ENVIRONMENT "${HB_TEST_ENV}")
endif()
