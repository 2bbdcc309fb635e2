#!/usr/bin/env bash
# Formats every Swift file with the toolchain's `swift format` (.swift-format holds the style).
# With --check, changes nothing and fails when a file is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files --cached --others --exclude-standard -- '*.swift')
if [ "${1:-}" = "--check" ]; then
    swift format lint --strict $files
else
    swift format format --in-place $files
fi
