#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds everything and runs the main job on its embedded
# default: the console with the local demo fleet when a display is available ($DISPLAY or
# $WAYLAND_DISPLAY; it trains the demo model first when there is none), otherwise the command
# line planning a sample request and running its image classification on a local device and
# edge agent over Fashion-MNIST test images (`edgegpt run`, which trains the model when missing;
# `edgegpt plan` where that command is not built).
#   bash scripts/demo.sh ["REQUEST"]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_BUILD_DIR:-$root/build}"
"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh"
# (a quote inside ${1:-…} would open a string, hence the variables)
console_sample="What's in the front of my car?"
# `edgegpt run` executes image classification: the sample asks for one.
cli_sample="I have captured an animal. What kind of animal is in the image?"
cli="$build/app/cli/edgegpt"
console="$build/app/console/edgegpt-console"

if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x "$console" ]]; then
    echo "demo: starting the console in demo mode (a display is available)"
    exec "$console" --demo --request "${1:-$console_sample}"
fi

echo "demo: no display (\$DISPLAY and \$WAYLAND_DISPLAY are empty): running the command line"
request="${1:-$cli_sample}"
if "$cli" run --help >/dev/null 2>&1; then
    exec "$cli" run "$request" --input fashion-mnist --count 20
fi
exec "$cli" plan "$request"
