#!/usr/bin/env bash
# Install what neurotlm needs (Debian packages) if it is missing, then configure and build
# into build/ (or $NEUROTLM_BUILD_DIR). Sourced by quickstart.sh and test.sh; safe to rerun.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${NEUROTLM_BUILD_DIR:-$ROOT/build}"
BUILD_TYPE="${NEUROTLM_BUILD_TYPE:-Release}"

PACKAGES=(
    g++ cmake ninja-build pkg-config
    libsystemc-dev nlohmann-json3-dev libeigen3-dev libcli11-dev libfmt-dev zlib1g-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    dataset-fashion-mnist ngspice chromium
    libboost-mpi-dev openmpi-bin
    ${NEUROTLM_EXTRA_PACKAGES:-}
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "neurotlm setup: installing ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# valijson (the tests' JSON Schema validator) is header-only, but its Debian package depends on
# Qt, POCO and four other JSON libraries for adapters neurotlm does not use: its headers are
# unpacked from the package alone into .deps/ (found there by tests/CMakeLists.txt).
VALIJSON_DIR="$ROOT/.deps/valijson"
if [ ! -f /usr/include/valijson/validator.hpp ] &&
    [ ! -f "$VALIJSON_DIR/usr/include/valijson/validator.hpp" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    tmp="$(mktemp -d)"
    if ! (cd "$tmp" && apt-get download libvalijson-dev >/dev/null 2>&1); then
        $SUDO apt-get update -qq
        (cd "$tmp" && apt-get download libvalijson-dev >/dev/null 2>&1)
    fi
    mkdir -p "$VALIJSON_DIR"
    dpkg -x "$tmp"/libvalijson-dev_*.deb "$VALIJSON_DIR"
    rm -rf "$tmp"
fi

jobs="$(nproc 2>/dev/null || echo 2)"
cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${NEUROTLM_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j "$jobs"
