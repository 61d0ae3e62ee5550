# Acceptance reports (docs/acceptance.md §3–5): specs, evaluation, `hetbench report`.
# report.unit: spec errors (file:line:field), the centre example over the synthetic results of
# fixtures/reports/results (figures checked against hand-computed ones), bad inputs, the
# command's exit codes 0/1/2/3 and report.json against results/schema/report-v1.schema.json.
# report.single_node: a quick gemm+peak run of this machine passes the single-node example.
hb_add_cmocka_test(test_report test_report.c
  HB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  HB_CLI="$<TARGET_FILE:hetbench_cli>"
  HB_PYTHON="${HB_TEST_PYTHON}")
add_dependencies(test_report hetbench_cli)
add_test(NAME report.unit COMMAND test_report)
set_tests_properties(report.unit PROPERTIES LABELS "unit;report" TIMEOUT 300
  ENVIRONMENT "${HB_CLI_ENV}")
# RUN_SERIAL: its efficiency clause (gemm f64 >= 10 % of the rated peak) measures this machine;
# with ctest -j on 2 cores another test's threads took enough of it to fail once in review.
add_test(NAME report.single_node COMMAND test_report single_node)
set_tests_properties(report.single_node PROPERTIES LABELS "cli;report" TIMEOUT 300
  RUN_SERIAL TRUE ENVIRONMENT "${HB_CLI_ENV}")
# The Chinese text of every txtf() call takes the same conversions, in the same order, as its
# English twin (the compiler checks only the English one; a swapped pair crashed once).
add_test(NAME report.bilingual_formats
  COMMAND ${HB_TEST_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_bilingual_formats.py
          ${PROJECT_SOURCE_DIR}/harness/src/report.c txtf)
set_tests_properties(report.bilingual_formats PROPERTIES LABELS "unit;report" TIMEOUT 60)
