#!/usr/bin/env bash
# Runs every Parapet test. Installs the real clients the interoperability tests drive (curl) when they
# are missing, so it works on a fresh Debian machine that has only the Swift toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

swift build --build-tests "$@"
swift test --skip-build "$@"
