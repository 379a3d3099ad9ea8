#!/usr/bin/env bash
# Installs the Debian 12 packages llmhost builds, runs and tests with. Safe to re-run:
# packages already present are skipped, and apt-get is not called when nothing is missing.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake pkg-config
  # libraries
  libpoco-dev libboost-dev libboost-filesystem-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev
  libvulkan-dev glslc mesa-vulkan-drivers
  # tests: GoogleTest, and Python's jinja2 as the chat-template oracle (python3 also generates
  # the tokenizer's Unicode tables at build time)
  libgtest-dev libgmock-dev python3 python3-jinja2
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
