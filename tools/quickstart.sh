#!/usr/bin/env bash
# One command from a fresh Debian machine to a report: installs what is missing, builds, and
# runs the default platform (Fashion-MNIST MLP on RRAM crossbar tiles).
# Extra arguments go to `neurotlm run`, e.g. tools/quickstart.sh --set /workload/dataset/limit=10000
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/tools/setup.sh"
BUILD_DIR="${NEUROTLM_BUILD_DIR:-$ROOT/build}"
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
exec "$BUILD_DIR/neurotlm" run --out "${NEUROTLM_OUT:-$ROOT/neurotlm-out/default}" "$@"
