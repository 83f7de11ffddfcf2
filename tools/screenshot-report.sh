#!/usr/bin/env bash
# Render a run's report.html to a PNG with headless Chromium, to look at the page without a
# desktop (or to attach it to a review). Usage: tools/screenshot-report.sh REPORT_DIR [OUT.png]
# Environment: WINDOW (default 1280,2400) sets the viewport; CHROMIUM picks the browser binary.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == "-h" || "$1" == "--help" ]]; then
    echo "usage: $0 REPORT_DIR [OUT.png]" >&2
    echo "  renders REPORT_DIR/report.html to OUT.png (default REPORT_DIR/report.png)" >&2
    exit 2
fi

dir=$1
html="$dir/report.html"
if [[ ! -f "$html" ]]; then
    echo "$0: $html not found (run 'neurotlm run --out $dir' first)" >&2
    exit 1
fi
out=${2:-"$dir/report.png"}

browser=${CHROMIUM:-}
if [[ -z "$browser" ]]; then
    for candidate in chromium chromium-browser google-chrome; do
        if command -v "$candidate" >/dev/null 2>&1; then
            browser=$candidate
            break
        fi
    done
fi
if [[ -z "$browser" ]]; then
    echo "$0: chromium not found; install it (Debian: apt-get install -y chromium)" \
         "or set CHROMIUM to the browser binary" >&2
    exit 1
fi

# Chromium wants absolute file URLs and its own throw-away profile.
html_abs=$(realpath "$html")
out_abs=$(realpath -m "$out")
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

# The page needs no network: every switch below keeps Chromium from trying.
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$profile" --window-size="${WINDOW:-1280,2400}" \
    --screenshot="$out_abs" "file://$html_abs" >/dev/null 2>&1 || {
    echo "$0: $browser failed to render $html_abs" >&2
    exit 1
}
if [[ ! -s "$out_abs" ]]; then
    echo "$0: no screenshot written to $out_abs" >&2
    exit 1
fi
echo "$out_abs"
