#!/usr/bin/env bash
# Build the libFuzzer targets with clang (address and undefined-behaviour sanitizers) and run
# each for a fixed time, seeded from the project's corpus. A finding is written to
# build-fuzz/findings/ and makes the script fail: turn it into a test case.
#   tools/fuzz.sh [seconds per target, default 30]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-30}"
BUILD="${NEUROTLM_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
export NEUROTLM_EXTRA_PACKAGES="clang libfuzzer-14-dev libclang-rt-14-dev"
# NEUROTLM_FUZZ_REUSE=1 runs the targets of an existing build (CI reuses the sanitizer build,
# which has them) instead of building its own.
if [ "${NEUROTLM_FUZZ_REUSE:-0}" != 1 ]; then
    NEUROTLM_BUILD_DIR="$BUILD" NEUROTLM_BUILD_TYPE=RelWithDebInfo \
    NEUROTLM_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DNEUROTLM_FUZZ=ON -DNEUROTLM_BUILD_TESTS=OFF -DNEUROTLM_BUILD_BENCH=OFF" \
        "$ROOT/tools/setup.sh"
fi
for t in config npy idx; do
    [ -x "$BUILD/fuzz/fuzz_$t" ] || { echo "fuzz: $BUILD/fuzz/fuzz_$t is missing" >&2; exit 1; }
done

export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$BUILD/findings"
status=0
run() {
    local target="$1"; shift
    local corpus="$BUILD/corpus-$target"
    rm -rf "$corpus"; mkdir -p "$corpus"
    for seed in "$@"; do [ -f "$seed" ] && cp "$seed" "$corpus/" 2>/dev/null || true; done
    echo "fuzz_$target: $(ls "$corpus" | wc -l) seeds, ${SECONDS_PER_TARGET} s" >&2
    if ! "$BUILD/fuzz/fuzz_$target" "$corpus" -max_total_time="$SECONDS_PER_TARGET" \
            -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
            -artifact_prefix="$BUILD/findings/$target-" -print_final_stats=1 \
            > "$BUILD/fuzz-$target.log" 2>&1; then
        echo "fuzz_$target FOUND A PROBLEM: see $BUILD/fuzz-$target.log and $BUILD/findings/" >&2
        tail -n 40 "$BUILD/fuzz-$target.log" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units|Done" "$BUILD/fuzz-$target.log" | tail -n 2 >&2 || true
    fi
}
cd "$ROOT"
run config tests/data/bad_configs/*.json tests/data/good/*.json configs/*.json tests/data/fuzz/config/*
run npy traces/*.npy tests/data/fuzz/npy/*
run idx tests/data/tiny/* tests/data/fuzz/idx/*
exit $status
