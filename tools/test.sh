#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite (ctest). CI runs exactly this.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
BUILD_DIR="${NEUROTLM_BUILD_DIR:-$ROOT/build}"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" --timeout 300 "$@"
