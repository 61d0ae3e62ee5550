# CUDA platform tests (tests/test_cuda.c, tests/cuda_cli.sh; the platform: platforms/cuda).
# test_cuda is built in every build: its tf32/fp8 GEMM verification part needs no CUDA, and a
# build without the toolkit checks that there is no cuda platform (skipped cleanly).
hb_add_cmocka_test(test_cuda test_cuda.c $<$<BOOL:${HB_HAVE_CUDA}>:HB_HAVE_CUDA=1>)
if(HB_HAVE_CUDA)
  # the platform's internals (hetbench_cuda is otherwise only dlopen'ed by the registry)
  target_link_libraries(test_cuda PRIVATE hetbench_cuda CUDA::cudart CUDA::cublas CUDA::cublasLt
                        CUDA::cusolver)
endif()
add_test(NAME cuda.platform COMMAND test_cuda)
set_tests_properties(cuda.platform PROPERTIES
  LABELS "cuda;unit" TIMEOUT 300 ENVIRONMENT "${HB_CLI_ENV}")

if(HB_HAVE_CUDA)
  # the no-GPU path, on a GPU machine too: CUDA_VISIBLE_DEVICES=-1 hides every device
  add_test(NAME cuda.no_device COMMAND test_cuda)
  set_tests_properties(cuda.no_device PROPERTIES LABELS "cuda" TIMEOUT 300
    ENVIRONMENT "${HB_CLI_ENV};CUDA_VISIBLE_DEVICES=-1;HB_EXPECT_NO_CUDA_DEVICE=1")
  # every kernel x precision x implementation on the CUDA devices at odd sizes, with the
  # corrupt-must-fail check; exit 77 (skipped, with the platform's reason) without a GPU
  add_test(NAME cuda.every_kernel COMMAND test_kernels)
  set_tests_properties(cuda.every_kernel PROPERTIES LABELS "cuda;kernels" TIMEOUT 900
    SKIP_RETURN_CODE 77 ENVIRONMENT "${HB_CLI_ENV};HB_TEST_DEVICES=cuda")
  # the command: `info` anywhere; runs of every kernel on cuda:0 (77 without a GPU)
  foreach(sub info run)
    add_test(NAME cuda.cli_${sub}
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cuda_cli.sh ${sub}
              $<TARGET_FILE:hetbench_cli> ${HB_TEST_PYTHON} ${HB_VALIDATE} ${HB_SCHEMA})
    set_tests_properties(cuda.cli_${sub} PROPERTIES LABELS "cuda;cli" TIMEOUT 600
      SKIP_RETURN_CODE 77 ENVIRONMENT "${HB_CLI_ENV}")
  endforeach()
endif()
