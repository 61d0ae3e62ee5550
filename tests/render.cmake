# The report renderings (report.md, report.html) of the hand-written sample report:
# render.unit: content in both languages, escaping, no external URL, charts, robustness;
# render.html_chromium: the HTML opened in headless Chromium (Debian's chromium, installed by
# scripts/setup): every verdict in the DOM, and a screenshot (kept in the build tree).
set(HB_SAMPLE_REPORT ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/reports/sample-report.json)
hb_add_cmocka_test(test_render test_render.c HB_SAMPLE_REPORT="${HB_SAMPLE_REPORT}")
add_test(NAME render.unit COMMAND test_render)
set_tests_properties(render.unit PROPERTIES LABELS "unit;report" TIMEOUT 300
  ENVIRONMENT "${HB_TEST_ENV}")

add_test(NAME render.html_chromium
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/report_html_test.sh $<TARGET_FILE:test_render>
          ${CMAKE_CURRENT_BINARY_DIR}/report-html)
set_tests_properties(render.html_chromium PROPERTIES LABELS report TIMEOUT 300 SKIP_RETURN_CODE 77
  ENVIRONMENT "${HB_TEST_ENV}")
