#!/usr/bin/env bash
# Installs every Debian 12 package EdgeGPT Testbed needs to build, run and test.
# Safe to run any number of times: it asks apt only for what is missing.
set -euo pipefail

PACKAGES=(
    build-essential cmake ninja-build pkg-config git
    qt6-base-dev qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-svg-dev
    libgl-dev libqt6opengl6-dev libxkbcommon-dev
    libtorch-dev
    libssh-dev libzstd-dev zlib1g-dev
    openssh-server openssh-client
    xvfb
    fonts-wqy-microhei fonts-nanum
    clang libclang-rt-14-dev
    dataset-fashion-mnist
)

missing=()
for p in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#PACKAGES[@]} packages are installed"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
