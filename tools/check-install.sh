#!/usr/bin/env bash
# Install neurotlm into a temporary prefix, move the installed tree elsewhere, then build and
# run examples/virtual_platform against the moved CMake package: the components must work from
# someone else's SystemC platform, from wherever the package was put. The example is built only
# from the package (find_package), must find its device presets inside the package, and no
# installed CMake file or header may name the source tree or the build.
# Installs the project's build (build/, or $NEUROTLM_BUILD_DIR), built first if needed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${NEUROTLM_BUILD_DIR:-$ROOT/build}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    NEUROTLM_BUILD_DIR="$BUILD" "$ROOT/tools/setup.sh"
fi
cmake --build "$BUILD" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
cmake --install "$BUILD" --prefix "$WORK/staged" >/dev/null
# Moved after installing: nothing may point at the install prefix or at the build.
mv "$WORK/staged" "$WORK/prefix"
PREFIX="$WORK/prefix"
cp -r "$ROOT/examples/virtual_platform" "$WORK/example"
cmake -S "$WORK/example" -B "$WORK/vp" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/vp" >/dev/null
OUT="$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$WORK/vp/virtual_platform")"
echo "$OUT"
preset="$(echo "$OUT" | sed -n 's/^device preset rram_neurosim: //p')"
case "$preset" in
"$PREFIX"/*) ;;
*)
    echo "install check: the example took its device preset from '$preset', not from the package" >&2
    exit 1
    ;;
esac
# Nothing installed names the source tree or the build (the package's CMake files, headers).
if grep -rIl -e "$ROOT/" -e "$BUILD/" "$PREFIX/lib/cmake" "$PREFIX/include" >/dev/null 2>&1; then
    echo "install check: installed files name the source tree or the build:" >&2
    grep -rIl -e "$ROOT/" -e "$BUILD/" "$PREFIX/lib/cmake" "$PREFIX/include" >&2
    exit 1
fi
# The installed command line runs too.
LD_LIBRARY_PATH="$PREFIX/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$PREFIX/bin/neurotlm" list >/dev/null
echo "install check: examples/virtual_platform built and ran against the moved package"
