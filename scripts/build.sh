#!/usr/bin/env bash
# Configures and builds EdgeGPT Testbed into build/ (or $EDGEGPT_BUILD_DIR). Extra arguments go to
# CMake's configure step, e.g. scripts/build.sh -DEDGEGPT_BUILD_GUI=OFF.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_BUILD_DIR:-$root/build}"
jobs="${EDGEGPT_JOBS:-$(nproc)}"
generator=()
if command -v ninja >/dev/null 2>&1 && [ ! -f "$build/Makefile" ]; then
    generator=(-G Ninja)
fi
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
cmake --build "$build" --parallel "$jobs"
