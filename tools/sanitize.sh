#!/usr/bin/env bash
# Build everything with clang, AddressSanitizer and UndefinedBehaviorSanitizer (Debug) into
# build-asan/ and run the whole test suite there. Any sanitizer report fails the run. The same
# build holds the libFuzzer targets (the libraries carry the fuzzer's coverage instrumentation),
# so tools/fuzz.sh can reuse it: NEUROTLM_FUZZ_BUILD_DIR=build-asan NEUROTLM_FUZZ_REUSE=1.
# Built without MPI: Open MPI is not instrumented, and its own allocations and threads are not
# this code's to check; the suite then checks that `sweep --mpi` says it was built without.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${NEUROTLM_ASAN_BUILD_DIR:-$ROOT/build-asan}"
export NEUROTLM_EXTRA_PACKAGES="clang libfuzzer-14-dev libclang-rt-14-dev"
NEUROTLM_BUILD_DIR="$BUILD" NEUROTLM_BUILD_TYPE=Debug \
NEUROTLM_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DNEUROTLM_SANITIZE=address,undefined -DNEUROTLM_FUZZ=ON -DNEUROTLM_BUILD_BENCH=OFF -DNEUROTLM_MPI=OFF" \
    "$ROOT/tools/setup.sh"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
# SystemC switches stacks for its threads; ASan must not treat the switch as an overflow.
export ASAN_OPTIONS="detect_stack_use_after_return=0:detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$ROOT/tools/lsan.supp"
cd "$BUILD"
ctest --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" --timeout 600 "$@"
