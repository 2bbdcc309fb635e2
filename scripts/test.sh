#!/usr/bin/env bash
# Runs every Parapet test. Installs what is missing: the real peers the interoperability tests drive
# (curl, h2load, haproxy, openssl, redis-server, the zstd tool, Python's websockets, brotli, zstandard and h2),
# the libraries compression and the Redis client link (zlib, libbrotli, libzstd, hiredis) and the headless
# browser that renders the simulator's HTML report (chromium), so it works on a fresh Debian machine that has
# only the Swift toolchain. The packaged haproxy and redis-server services are not started: the tests run their
# own on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
# The WebSocket and compression interop tests drive Debian's Python (not another python3 on PATH) with its
# websockets, brotli and zstandard libraries, and the zstd tool.
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import websockets' >/dev/null 2>&1 || missing+=(python3 python3-websockets)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import brotli' >/dev/null 2>&1 || missing+=(python3 python3-brotli)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import zstandard' >/dev/null 2>&1 || missing+=(python3 python3-zstandard)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
# The HTTP/2 limit and rapid-reset tests drive a raw client written with Python's h2.
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import h2' >/dev/null 2>&1 || missing+=(python3 python3-h2)
# Compression links the system zlib, libbrotli encoder and libzstd.
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/brotli/encode.h ] || missing+=(libbrotli-dev)
[ -f /usr/include/zstd.h ] || missing+=(libzstd-dev)
# ParapetRedis links the system hiredis; its tests start their own redis-server.
[ -f /usr/include/hiredis/hiredis.h ] || missing+=(libhiredis-dev)
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
# ParapetAuthn links the system libxcrypt for htpasswd hashes; its tests check htpasswd files made by
# apache2-utils and tokens and hashes made by Debian's Python (cryptography, jwt).
[ -f /usr/include/crypt.h ] || missing+=(libcrypt-dev)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import cryptography, jwt' >/dev/null 2>&1 || missing+=(python3 python3-cryptography python3-jwt)
source scripts/install-missing.sh
install_missing "${missing[@]}"

swift build --build-tests "$@"
# One plain parallel run: tests that assert on real elapsed time and tests that keep both cores busy are
# marked (`.timingSensitive`, `.cpuHeavy`, in Tests/ParapetTestSupport) and never run side by side.
swift test --skip-build "$@"
# Every libFuzzer harness in Fuzz/ for 5 s each (a sanitized release build of its own; fails on any crash,
# leak or timeout): enough to re-check each seed corpus and every crash input kept, and to catch a parser
# change that breaks at once. The long runs — ten million executions a harness — are run by hand
# (`scripts/fuzz.sh 3600 FuzzX`) when a parser changes.
scripts/fuzz.sh 5
