#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Clang, ASan and UBSan in build-fuzz/ (or
# $EDGEGPT_FUZZ_BUILD_DIR) and runs each for a short while (EDGEGPT_FUZZ_SECONDS, default 20).
# A crash leaves its input in build-fuzz/artifacts/ and fails the script. scripts/test.sh runs it
# after the CTest suites; run it alone with a longer time to fuzz in earnest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${EDGEGPT_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${EDGEGPT_FUZZ_SECONDS:-20}"
if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz: clang++ is missing (scripts/setup-debian.sh installs it)" >&2
    exit 1
fi
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEDGEGPT_BUILD_FUZZ=ON -DEDGEGPT_BUILD_GUI=OFF -DEDGEGPT_BUILD_TORCH=OFF >/dev/null
targets=$(sed -n 's/^edgegpt_add_fuzz_target(\([a-z_]*\) .*/\1/p' "$root/tests/fuzz/CMakeLists.txt")
# shellcheck disable=SC2086
cmake --build "$build" --parallel "${EDGEGPT_JOBS:-$(nproc)}" --target $targets
mkdir -p "$build/artifacts"
for t in $targets; do
    corpus="$build/corpus/$t"
    mkdir -p "$corpus"
    echo "fuzz: $t for ${seconds}s"
    "$build/tests/fuzz/$t" "$corpus" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t-" 2>&1 | grep -E "^(stat::number_of_executed_units|Done|==|SUMMARY)" || true
    if ls "$build/artifacts/$t-"* >/dev/null 2>&1; then
        echo "fuzz: $t found a failing input: $(ls "$build/artifacts/$t-"*)" >&2
        exit 1
    fi
done
echo "fuzz: no failures"
