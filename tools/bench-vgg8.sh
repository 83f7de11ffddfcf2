#!/usr/bin/env bash
# VGG-8 on NeuroSim's default chip (configs/neurosim_vgg8.json), computed functionally: the
# wall time of one image (the difference between a 1-image and a 3-image run, so the platform's
# construction, calibration and programming are left out), the set-up, and the ratio to one
# NeuroSim V1.4 estimate of the same chip (which computes no outputs): 163 s on this machine
# class (docs/neurosim-comparison.md; 155-302 s in other runs). Peak memory about 3.3 GB.
#   tools/bench-vgg8.sh [BUILD_DIR]
# Wall-clock times on a shared machine vary: run it on a quiet one, or more than once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/build}/neurotlm"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
NEUROSIM_S=163

now() { date +%s.%N; }
run() { # images -> seconds
    local t0 t1
    t0=$(now)
    "$BIN" run -q "$ROOT/configs/neurosim_vgg8.json" --set "/workload/dataset/limit=$1" \
        --set /workload/calibration_images=1 --out "$OUT/r$1" >/dev/null
    t1=$(now)
    echo "$t1 - $t0" | bc -l
}
one=$(run 1)
three=$(run 3)
per=$(echo "($three - $one) / 2" | bc -l)
printf 'VGG-8, functional (real outputs), one core\n'
printf '  1 image run            %8.2f s\n' "$one"
printf '  3 image run            %8.2f s\n' "$three"
printf '  per image              %8.2f s   (target < 3 s)\n' "$per"
printf '  set-up (build, calibrate 1 image, program 6344 subarrays) %.2f s\n' \
    "$(echo "$one - $per" | bc -l)"
printf '  images per second      %8.3f\n' "$(echo "1 / $per" | bc -l)"
printf '  NeuroSim estimate / neurotlm image: %s s / %.2f s = %.0fx\n' "$NEUROSIM_S" "$per" \
    "$(echo "$NEUROSIM_S / $per" | bc -l)"
printf '  NeuroSim estimate / neurotlm 1-image run: %.0fx\n' "$(echo "$NEUROSIM_S / $one" | bc -l)"
