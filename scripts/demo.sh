#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds everything and runs the main job on its embedded
# default: the console with the local demo fleet when a display is available ($DISPLAY or
# $WAYLAND_DISPLAY; it trains the demo model first when there is none), otherwise the command
# line planning a sample request and running it on a local device and edge agent
# (`edgegpt run`, or `edgegpt plan` where that command is not built).
#   bash scripts/demo.sh ["REQUEST"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_BUILD_DIR:-$root/build}"
"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh"
sample="What's in the front of my car?" # (a quote inside ${1:-…} would open a string)
request="${1:-$sample}"
cli="$build/app/cli/edgegpt"
console="$build/app/console/edgegpt-console"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$console" ]]; then
    echo "demo: starting the console in demo mode (a display is available)"
    exec "$console" --demo --request "$request"
fi

echo "demo: no display (\$DISPLAY and \$WAYLAND_DISPLAY are empty): running the command line"
if "$cli" run --help >/dev/null 2>&1; then
    exec "$cli" run "$request"
fi
exec "$cli" plan "$request"
