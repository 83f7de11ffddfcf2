#!/usr/bin/env bash
# The same configuration and seed must give the same report.json from two builds (Release and
# the sanitizer Debug build by default), apart from the wall-clock fields; and build A must give
# the same report whichever instruction set its kernels run on (NEUROTLM_ISA=sse2 against the
# widest this processor has).
#   tools/check-determinism.sh [BUILD_A] [BUILD_B]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
A="${1:-$ROOT/build}"
B="${2:-$ROOT/build-asan}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ASAN_OPTIONS=detect_leaks=0
# Platform file and extra arguments (a short run of the default platform).
CASES=(
    "tests/data/good/tiny_mlp.json"
    "tests/data/good/small_trace.json"
    "tests/data/good/hopfield_small.json"
    "tests/data/good/mixed_trace.json"
    "configs/default.json --set /workload/dataset/limit=100"
)
status=0
for case in "${CASES[@]}"; do
    read -r cfg args <<< "$case"
    name="$(basename "$cfg" .json)"
    for side in A B; do
        bin="$A"; [ "$side" = B ] && bin="$B"
        # shellcheck disable=SC2086
        "$bin/neurotlm" run -q "$ROOT/$cfg" $args --out "$OUT/$name-$side"
        grep -v -e '"wall_time_s"' -e '"started_at"' "$OUT/$name-$side/report.json" > "$OUT/$name-$side.cmp"
    done
    if cmp -s "$OUT/$name-A.cmp" "$OUT/$name-B.cmp"; then
        echo "determinism: $name: identical reports from $(basename "$A") and $(basename "$B")"
    else
        echo "determinism: $name: reports DIFFER between $(basename "$A") and $(basename "$B"):" >&2
        diff "$OUT/$name-A.cmp" "$OUT/$name-B.cmp" | head -n 20 >&2 || true
        status=1
    fi
done
# The kernels' instruction sets: the portable SSE2 variant against the one chosen by default.
cfg="configs/default.json"
"$A/neurotlm" run -q "$ROOT/$cfg" --set /workload/dataset/limit=100 --out "$OUT/isa-default"
NEUROTLM_ISA=sse2 "$A/neurotlm" run -q "$ROOT/$cfg" --set /workload/dataset/limit=100 \
    --out "$OUT/isa-sse2"
for side in default sse2; do
    grep -v -e '"wall_time_s"' -e '"started_at"' "$OUT/isa-$side/report.json" > "$OUT/isa-$side.cmp"
done
if cmp -s "$OUT/isa-default.cmp" "$OUT/isa-sse2.cmp"; then
    echo "determinism: default: identical reports with the SSE2 kernels and the default ones"
else
    echo "determinism: default: reports DIFFER between the SSE2 kernels and the default ones:" >&2
    diff "$OUT/isa-default.cmp" "$OUT/isa-sse2.cmp" | head -n 20 >&2 || true
    status=1
fi
exit $status
