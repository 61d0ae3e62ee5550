# OpenCL gemm (HB_HAVE_OPENCL): the tiled base kernel and the CLBlast peak on every OpenCL
# device (PoCL in CI). Included from tests/CMakeLists.txt inside if(HB_HAVE_OPENCL).
file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/pocl-cache)
hb_add_cmocka_test(test_opencl_gemm test_opencl_gemm.c
  $<$<BOOL:${HB_HAVE_CLBLAST}>:HB_HAVE_CLBLAST=1>)
target_link_libraries(test_opencl_gemm PRIVATE PkgConfig::OPENCL)
target_include_directories(test_opencl_gemm SYSTEM PRIVATE ${OPENCL_HEADER_DIR})
add_test(NAME opencl.gemm COMMAND test_opencl_gemm)
set_tests_properties(opencl.gemm PROPERTIES
  LABELS "opencl;kernels" TIMEOUT 600
  ENVIRONMENT "${HB_TEST_ENV};POCL_CACHE_DIR=${CMAKE_CURRENT_BINARY_DIR}/pocl-cache")
