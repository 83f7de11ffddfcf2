#!/usr/bin/env bash
# Build everything with AddressSanitizer and UndefinedBehaviorSanitizer (Debug) into
# build-asan/ and run the whole test suite there. Any sanitizer report fails the run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${NEUROTLM_ASAN_BUILD_DIR:-$ROOT/build-asan}"
NEUROTLM_BUILD_DIR="$BUILD" NEUROTLM_BUILD_TYPE=Debug \
NEUROTLM_CMAKE_ARGS="-DNEUROTLM_SANITIZE=address,undefined -DNEUROTLM_BUILD_BENCH=OFF" \
    "$ROOT/tools/setup.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# SystemC switches stacks for its threads; ASan must not treat the switch as an overflow.
export ASAN_OPTIONS="detect_stack_use_after_return=0:detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$ROOT/tools/lsan.supp"
cd "$BUILD"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" --timeout 600 "$@"
