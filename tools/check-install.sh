#!/usr/bin/env bash
# Install neurotlm into a temporary prefix, move the installed tree elsewhere, then build and
# run examples/virtual_platform (one component) and examples/embedded_platform (a whole platform
# file as one module) against the moved CMake package: the components must work from someone
# else's SystemC platform, from wherever the package was put. The example is built only
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
LIBDIR="$(sed -n 's/^CMAKE_INSTALL_LIBDIR:[A-Z]*=//p' "$BUILD/CMakeCache.txt")"
LIBDIR="${LIBDIR:-lib}"
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
if grep -rIl -e "$ROOT/" -e "$BUILD/" "$PREFIX/$LIBDIR/cmake" "$PREFIX/$LIBDIR/pkgconfig" \
    "$PREFIX/include" >/dev/null 2>&1; then
    echo "install check: installed files name the source tree or the build:" >&2
    grep -rIl -e "$ROOT/" -e "$BUILD/" "$PREFIX/$LIBDIR/cmake" "$PREFIX/$LIBDIR/pkgconfig" \
        "$PREFIX/include" >&2
    exit 1
fi
# A whole platform file inside a host platform: the host's CPU programs the tile and runs an MVM
# through the embedded platform's socket, checks the product and prints the report's energy;
# the report is also written when the host's simulation ends.
cp -r "$ROOT/examples/embedded_platform" "$WORK/embedded"
cmake -S "$WORK/embedded" -B "$WORK/ep" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" >/dev/null
cmake --build "$WORK/ep" >/dev/null
(cd "$WORK" && SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$WORK/ep/embedded_platform" \
    "$WORK/embedded/accelerator.json" "$WORK/ep-report")
if [ ! -f "$WORK/ep-report/report.json" ]; then
    echo "install check: the embedded platform wrote no report at the end of simulation" >&2
    exit 1
fi
# A consumer that asks for C++20 keeps it (the package requires C++17 as a minimum) and still
# links Debian's SystemC, which is built as C++17.
cmake -S "$WORK/example" -B "$WORK/vp20" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_CXX_STANDARD=20 -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$WORK/vp20" >/dev/null
if ! grep -q -e '-std=c++20' -e '-std=gnu++20' "$WORK/vp20/compile_commands.json"; then
    echo "install check: a C++20 consumer was not compiled as C++20" >&2
    exit 1
fi
SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$WORK/vp20/virtual_platform" >/dev/null
# pkg-config: a build without CMake, against the moved prefix; the library it loads finds its
# data inside the package.
# As C++20, including SystemC: the flags must also let a later standard link Debian's SystemC.
cat >"$WORK/pc.cpp" <<'CPP'
#include <cstdio>
#include <systemc>
#include "neurotlm/core/files.h"
#include "neurotlm/version.h"
int sc_main(int, char**) {
    std::printf("%s\n", neurotlm::installed_data_dir().c_str());
    return 0;
}
CPP
PC_FLAGS="$(PKG_CONFIG_PATH="$PREFIX/$LIBDIR/pkgconfig" pkg-config --cflags --libs neurotlm)"
# shellcheck disable=SC2086 # the flags are words
g++ -std=c++20 "$WORK/pc.cpp" -o "$WORK/pc" $PC_FLAGS
data="$(SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 env -u LD_LIBRARY_PATH "$WORK/pc")"
case "$data" in
"$PREFIX"/*) ;;
*)
    echo "install check: the pkg-config consumer found the data folder '$data', not the package's" >&2
    exit 1
    ;;
esac
# The installed command line runs from anywhere without LD_LIBRARY_PATH, and uses the package's
# own default platform and presets, not the source tree's.
(cd "$WORK" && env -u LD_LIBRARY_PATH "$PREFIX/bin/neurotlm" list >/dev/null)
(cd "$WORK" && env -u LD_LIBRARY_PATH "$PREFIX/bin/neurotlm" run -q --out "$WORK/run" \
    --set /workload/dataset/limit=5)
config="$(sed -n 's/.*"config_file": *"\([^"]*\)".*/\1/p' "$WORK/run/report.json" | head -1)"
case "$config" in
"$PREFIX"/*) ;;
*)
    echo "install check: the installed command ran the platform '$config', not the package's" >&2
    exit 1
    ;;
esac
echo "install check: examples/virtual_platform (C++17 and C++20), examples/embedded_platform,"
echo "a pkg-config build and the installed command all ran against the moved package"
