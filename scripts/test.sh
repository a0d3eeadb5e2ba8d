#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds everything and runs every test through CTest.
# This is the README's test command and what CI runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_BUILD_DIR:-$root/build}"
"$root/scripts/setup-debian.sh"
"$root/scripts/build.sh"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
export QT_QPA_PLATFORM=offscreen
cd "$build"
ctest --output-on-failure --timeout 900 -j "${EDGEGPT_TEST_JOBS:-2}" "$@"
# Then a short real fuzzing run of every decoder (libFuzzer, ASan, UBSan; docs/codecs.md).
"$root/scripts/fuzz.sh"
