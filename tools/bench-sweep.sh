#!/usr/bin/env bash
# The sweep runner's cost: the same 40-point sweep with 1 and with 2 workers (the speed-up), and
# the same 40 points as bare `neurotlm run`s one after the other (the sweep machinery's overhead
# per point: a fork and exec, reading the report, a results line synced to disk, the table).
# When the build has MPI and mpirun is there, the same under `mpirun -np 2` and `-np 3` (rank 0
# hands out the points, 1 or 2 ranks run them); the MPI times include mpirun's start and end.
#   tools/bench-sweep.sh [BUILD_DIR] [CONFIG]   (default: build/, the tiny MLP of the tests)
# Wall-clock times on a shared machine vary: run it on a quiet one, or more than once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/build}/neurotlm"
CONFIG="$(realpath "${2:-$ROOT/tests/data/good/tiny_mlp.json}")"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1

# 5 ADC resolutions x 8 seeds = 40 points.
cat >"$OUT/sweep.json" <<EOF
{
  "name": "bench",
  "base": "$CONFIG",
  "parameters": [
    { "name": "ADC bits", "list": [2, 3, 4, 5, 6], "set": "/components/2/adc/bits" },
    { "name": "seed", "range": { "from": 1, "to": 8, "points": 8 }, "set": "/seed" }
  ]
}
EOF

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

t0="$(now)"
"$BIN" sweep -q "$OUT/sweep.json" --out "$OUT/j1" -j 1
t1="$(now)"
"$BIN" sweep -q "$OUT/sweep.json" --out "$OUT/j2" -j 2
t2="$(now)"
# The same points, bare: the overrides come from `sweep --list`.
i=0
while read -r id sets; do
    eval "\"$BIN\" run -q \"$CONFIG\" --out \"$OUT/bare/$id\" $sets"
    i=$((i + 1))
done < <("$BIN" sweep "$OUT/sweep.json" --list)
t3="$(now)"

j1="$(elapsed "$t0" "$t1")"
j2="$(elapsed "$t1" "$t2")"
bare="$(elapsed "$t2" "$t3")"
points="$(wc -l <"$OUT/j1/results.jsonl")"
printf 'points                      %d (bare runs: %d)\n' "$points" "$i"
printf 'sweep, 1 worker             %.2f s (%.1f ms per point)\n' "$j1" "$(echo "$j1 * 1000 / $points" | bc -l)"
printf 'sweep, 2 workers            %.2f s\n' "$j2"
printf 'speed-up with 2 workers     %.2f (cores: %s)\n' "$(echo "$j1 / $j2" | bc -l)" "$(nproc)"
printf 'bare neurotlm run, in turn  %.2f s (%.1f ms per point)\n' "$bare" "$(echo "$bare * 1000 / $i" | bc -l)"
printf 'sweep overhead per point    %.1f ms (1 worker against the bare runs)\n' \
    "$(echo "($j1 - $bare) * 1000 / $points" | bc -l)"

# The same sweep across the ranks of an MPI job.
MPIRUN="${MPIRUN:-$(command -v mpirun || true)}"
if [ -z "$MPIRUN" ] || ! ldd "$BIN" | grep -q libboost_mpi; then
    echo "MPI: skipped (no mpirun, or $BIN was built without MPI)"
    exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpi_sweep() {
    "$MPIRUN" --oversubscribe --bind-to none -np "$1" "$BIN" sweep -q "$OUT/sweep.json" --out "$2"
}
t4="$(now)"
mpi_sweep 2 "$OUT/mpi1"
t5="$(now)"
mpi_sweep 3 "$OUT/mpi2"
t6="$(now)"
# Again on the finished folder: nothing runs, what is left is mpirun's start and end.
mpi_sweep 3 "$OUT/mpi2"
t7="$(now)"
m1="$(elapsed "$t4" "$t5")"
m2="$(elapsed "$t5" "$t6")"
m0="$(elapsed "$t6" "$t7")"
printf 'mpirun -np 2 (1 worker)     %.2f s (%.1f ms per point)\n' "$m1" "$(echo "$m1 * 1000 / $points" | bc -l)"
printf 'mpirun -np 3 (2 workers)    %.2f s\n' "$m2"
printf "mpirun's start and end      %.2f s (the same command with nothing left to run)\n" "$m0"
printf 'MPI speed-up with 2 workers %.2f (%.2f without the start and end)\n' \
    "$(echo "$m1 / $m2" | bc -l)" "$(echo "($m1 - $m0) / ($m2 - $m0)" | bc -l)"
printf 'MPI overhead per point      %.1f ms (1 worker rank against the bare runs; %.1f ms without the start and end)\n' \
    "$(echo "($m1 - $bare) * 1000 / $points" | bc -l)" "$(echo "($m1 - $m0 - $bare) * 1000 / $points" | bc -l)"
