#!/usr/bin/env bash
# Install neurotlm into a temporary prefix and build and run examples/virtual_platform against
# the installed CMake package: the components must work from someone else's SystemC platform.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PREFIX="$WORK/prefix"
# Build from a copy of the tracked sources, deleted before the example runs: the installed
# package must work without the source tree (device presets, headers, CMake files).
mkdir -p "$WORK/src"
(cd "$ROOT" && git ls-files -z | xargs -0 cp --parents -t "$WORK/src")
# Configure for the prefix, so the library looks for its device presets there.
cmake -S "$WORK/src" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$PREFIX" -DNEUROTLM_BUILD_TESTS=OFF -DNEUROTLM_BUILD_BENCH=OFF >/dev/null
cmake --build "$WORK/build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
cmake --install "$WORK/build" >/dev/null
cp -r "$ROOT/examples/virtual_platform" "$WORK/example"
rm -rf "$WORK/src" "$WORK/build"
cmake -S "$WORK/example" -B "$WORK/vp" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/vp" >/dev/null
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$WORK/vp/virtual_platform"
echo "install check: examples/virtual_platform built and ran against the installed package"
