#!/usr/bin/env bash
# report.html in a real browser: the sample report rendered by `test_render --write`, opened in
# headless Chromium (Debian's chromium, installed by scripts/setup with fonts-noto-cjk):
#  1. the DOM Chromium built holds every clause with its verdict text, in Chinese and English;
#  2. a screenshot is produced: a PNG larger than a few KB, kept in the build tree.
# Usage: report_html_test.sh TEST_RENDER OUT_DIR. Exit 77 (skipped) without Chromium.
set -euo pipefail
RENDER=$1
OUT=$2

CHROMIUM=""
for c in chromium chromium-browser google-chrome; do
  if command -v "$c" >/dev/null 2>&1; then CHROMIUM=$(command -v "$c"); break; fi
done
if [ -z "$CHROMIUM" ]; then
  echo "SKIP: chromium is not installed (scripts/setup installs it: apt-get install chromium fonts-noto-cjk)"
  exit 77
fi

rm -rf "$OUT"
mkdir -p "$OUT"
"$RENDER" --write "$OUT" >/dev/null
for f in report.html report-zh.html report-en.html report.md expect.tsv; do
  [ -s "$OUT/$f" ] || { echo "FAIL: $OUT/$f was not written"; exit 1; }
done

# Headless Chromium: --no-sandbox (CI runs as root), a private profile in the build tree, no
# GPU; HOME too, so that nothing is written outside the build tree.
browse() {
  HOME="$OUT/home" timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --no-default-browser-check --disable-extensions \
    --user-data-dir="$OUT/profile" "$@" 2>>"$OUT/chromium.log"
}
mkdir -p "$OUT/home"

fail=0
for page in report.html report-zh.html report-en.html; do
  if ! browse --dump-dom "file://$OUT/$page" >"$OUT/$page.dom"; then
    echo "FAIL: chromium --dump-dom $page failed (log: $OUT/chromium.log)"
    tail -20 "$OUT/chromium.log"
    exit 1
  fi
  grep -q '</html>' "$OUT/$page.dom" || { echo "FAIL: $page: no DOM"; exit 1; }
  n_svg=$(grep -o '<svg' "$OUT/$page.dom" | wc -l)
  [ "$n_svg" -ge 9 ] || { echo "FAIL: $page: $n_svg charts in the DOM, expected at least 9"; fail=1; }
  # every clause's row holds its verdict in the page's language(s)
  while IFS=$'\t' read -r id zh en; do
    case $page in
      report-zh.html) words=("$zh") ;;
      report-en.html) words=("$en") ;;
      *) words=("$zh" "$en") ;;
    esac
    rows=$(grep -F "<code>$id</code>" "$OUT/$page.dom" || true)
    [ "$(printf '%s\n' "$rows" | grep -c .)" -eq "${#words[@]}" ] ||
      { echo "FAIL: $page: clause $id: expected ${#words[@]} row(s)"; fail=1; continue; }
    for w in "${words[@]}"; do
      printf '%s\n' "$rows" | grep -qF ">$w</span>" ||
        { echo "FAIL: $page: clause $id: verdict \"$w\" not in the DOM"; fail=1; }
    done
  done <"$OUT/expect.tsv"
done
[ "$fail" -eq 0 ] || exit 1

# the screenshot of the whole bilingual report's first 4000 px
PNG="$OUT/report.png"
browse --screenshot="$PNG" --window-size=1280,4000 --hide-scrollbars "file://$OUT/report.html" \
  >/dev/null || { echo "FAIL: chromium --screenshot failed"; tail -20 "$OUT/chromium.log"; exit 1; }
[ -f "$PNG" ] || { echo "FAIL: no screenshot"; exit 1; }
magic=$(head -c 8 "$PNG" | od -An -tx1 | tr -d ' \n')
[ "$magic" = "89504e470d0a1a0a" ] || { echo "FAIL: $PNG is not a PNG ($magic)"; exit 1; }
size=$(stat -c %s "$PNG")
[ "$size" -gt 20000 ] || { echo "FAIL: $PNG is only $size bytes"; exit 1; }
echo "report.html: every verdict in Chromium's DOM; screenshot: $PNG ($size bytes)"
