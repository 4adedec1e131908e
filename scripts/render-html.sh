#!/usr/bin/env bash
# Renders an HTML report of a bundled scenario to PNG with headless Chromium, for a look at it.
#
#   scripts/render-html.sh [compare|frontier] [SCENARIO] [OUT.png]
#
# Defaults: compare, scenarios/three-fund.yaml, /tmp/rebalance-<report>-<scenario>.png (the .html
# is written beside it). Uses $REBALANCE, else the newest of the release and debug binaries
# under $BUILD_PATH (default .build), building the debug binary when there is none.
# Needs Chromium (Debian: apt-get install -y chromium); `make test` does not use this script.
set -euo pipefail

cd "$(dirname "$0")/.."
report=${1:-compare}
scenario=${2:-scenarios/three-fund.yaml}
case "$report" in
  compare | frontier) ;;
  *) echo "usage: $0 [compare|frontier] [SCENARIO] [OUT.png]" >&2; exit 2 ;;
esac
[ -f "$scenario" ] || { echo "$0: no scenario $scenario" >&2; exit 2; }
base=$(basename "${scenario%.*}")
png=${3:-/tmp/rebalance-$report-$base.png}
html=${png%.png}.html

build=${BUILD_PATH:-.build}
binary=${REBALANCE:-}
if [ -z "$binary" ]; then
  binary=$(ls -t "$build/release/rebalance" "$build/debug/rebalance" 2>/dev/null | head -n 1 || true)
fi
if [ -z "$binary" ]; then
  swift build --build-path "$build" --product rebalance >&2
  binary=$build/debug/rebalance
fi

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "$0: Chromium not found; install it with: apt-get install -y chromium" >&2; exit 1; }

"$binary" "$report" "$scenario" --format html > "$html"
# Chromium needs a writable home for its profile; keep it out of the user's.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${WINDOW_SIZE:-1280,2000}" --screenshot="$png" "file://$(realpath "$html")" >/dev/null 2>&1
[ -s "$png" ] || { echo "$0: Chromium wrote no screenshot" >&2; exit 1; }
echo "$png"
