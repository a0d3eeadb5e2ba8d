#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds everything and runs the main job on its embedded
# default: the console with a local demo fleet when a display is available, otherwise the
# command line planning and running a sample request on a local device and edge agent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_BUILD_DIR:-$root/build}"
"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh"
request="${1:-What's in the front of my car?}"
"$build/app/cli/edgegpt" plan "$request"
