#!/usr/bin/env bash
# Soak run: the reference example (parapet-example) plus a FileServer (parapet-soak-server, also the
# example's backend) under SOAK_SECONDS (default 300) of mixed loopback traffic after a warm-up of
# SOAK_WARMUP_SECONDS (default 30) — keep-alive and fresh HTTP/1.1 connections, h2c, downloads cut off
# mid-body, WebSocket upgrades, bursts into the rate limits — then checks that both processes are alive,
# that no response was an error but the bursts' 429s, and that open file descriptors and resident memory
# are back within 10 % of the post-warm-up baseline. Exits non-zero when a check fails.
#
# Builds both in release mode. Installs what is missing (the libraries compression links, Debian's python3
# with websockets and h2), so it works on a fresh Debian machine that has only the Swift toolchain.
# Arguments go to `swift build`. SOAK_SEED (default 12) seeds the traffic mix.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/brotli/encode.h ] || missing+=(libbrotli-dev)
[ -f /usr/include/zstd.h ] || missing+=(libzstd-dev)
[ -f /usr/include/crypt.h ] || missing+=(libcrypt-dev)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import websockets' >/dev/null 2>&1 || missing+=(python3 python3-websockets)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import h2' >/dev/null 2>&1 || missing+=(python3 python3-h2)
source scripts/install-missing.sh
install_missing "${missing[@]}"

swift build -c release --product parapet-example "$@"
swift build -c release --product parapet-soak-server "$@"
exec /usr/bin/python3 scripts/soak.py --bin-dir "$(swift build -c release --show-bin-path "$@")"
