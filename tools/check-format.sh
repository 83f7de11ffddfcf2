#!/usr/bin/env bash
# Check (or with --fix, apply) .clang-format on every C++ file of the project. CI runs the
# check; installs Debian's clang-format if it is missing.
#   tools/check-format.sh [--fix]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v clang-format >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang-format >/dev/null
fi
mapfile -t files < <(git ls-files '*.h' '*.cpp')
if [ "${1:-}" = "--fix" ]; then
    clang-format -i "${files[@]}"
    echo "format: applied to ${#files[@]} files"
    exit 0
fi
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/neurotlm-format.$$; then
    grep -E "^[^ ].*: (error|warning):" /tmp/neurotlm-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
    rm -f /tmp/neurotlm-format.$$
    echo "format: run tools/check-format.sh --fix (clang-format $(clang-format --version | grep -o '[0-9][0-9.]*' | head -1))" >&2
    exit 1
fi
rm -f /tmp/neurotlm-format.$$
echo "format: ${#files[@]} files follow .clang-format"
