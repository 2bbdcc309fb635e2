#!/usr/bin/env bash
# Runs parapet-example (the reference README's example) in release mode. Installs the system libraries
# compression and htpasswd checking link (zlib, libbrotli, libzstd, libxcrypt) when they are missing, so it
# works on a fresh Debian machine that has only the Swift toolchain. Arguments go to `swift run`; the environment configures the example
# (PARAPET_EXAMPLE_ADDR, PARAPET_EXAMPLE_UPSTREAM_<NAME>; see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/brotli/encode.h ] || missing+=(libbrotli-dev)
[ -f /usr/include/zstd.h ] || missing+=(libzstd-dev)
[ -f /usr/include/crypt.h ] || missing+=(libcrypt-dev)
source scripts/install-missing.sh
install_missing "${missing[@]}"

exec swift run -c release "$@" parapet-example
