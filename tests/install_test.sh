#!/usr/bin/env bash
# Installs hetbench from the build tree into a temporary prefix, builds an out-of-tree vendor
# plugin against the installed package (CMake config and pkg-config), and checks that the
# installed `hetbench` loads it.
#   usage: install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build="$1"; src="$2"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
for f in bin/hetbench include/hetbench/platform.h include/hetbench/kernel.h \
         include/hetbench/status.h include/hetbench/hetbench.h include/hetbench/version.h; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
pc=$(find "$tmp/prefix" -name hetbench.pc | head -1)
cfg=$(find "$tmp/prefix" -name hetbenchConfig.cmake | head -1)
[ -n "$pc" ] && [ -n "$cfg" ] || { echo "FAIL: no pkg-config file or CMake package"; exit 1; }
# 1. CMake package
cmake -S "$src/tests/install" -B "$tmp/plugin" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/plugin" >/dev/null
# 2. pkg-config
PKG_CONFIG_PATH="$(dirname "$pc")" cc -std=c11 -shared -fPIC \
  $(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags hetbench) \
  -o "$tmp/plugin/vendor_pc.so" "$src/tests/install/vendor_plugin.c"
# 3. the installed command loads the CMake-built plugin
mkdir -p "$tmp/plugins" && cp "$tmp/plugin/vendor_plugin.so" "$tmp/plugins/"
out=$(HETBENCH_PLUGIN_PATH="$tmp/plugins" "$tmp/prefix/bin/hetbench" info)
echo "$out" | grep -q "vendor:0 *Vendor Test Accelerator" || {
  echo "FAIL: the installed hetbench did not list the plugin's device"; echo "$out"; exit 1; }
echo "install test: headers, CMake package, pkg-config and plugin loading OK"
