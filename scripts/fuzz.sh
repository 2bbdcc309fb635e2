#!/usr/bin/env bash
# Builds the libFuzzer harnesses in Fuzz/ and runs each for a bounded time, one per core at a time.
#
#   scripts/fuzz.sh [seconds-per-harness] [harness…]     e.g. scripts/fuzz.sh 60 FuzzRange FuzzRESP
#
# With no harness named, runs every Fuzz/Sources/Fuzz* harness. Each starts from its seed corpus
# (Fuzz/Corpus/<harness>/, which also holds every crash input found so far, so old crashes are re-checked first)
# plus the inputs earlier runs found (Fuzz/.build/fuzz/<harness>/corpus, not committed). Fails on any crash,
# leak, timeout or out-of-memory, printing the input libFuzzer saved; prints the executions and coverage
# (`cov:` edges, `ft:` features) each harness reached.
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"

seconds=${1:-60}
shift || true
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
    for dir in Sources/Fuzz*/; do
        name=$(basename "$dir")
        [ "$name" = FuzzSupport ] || harnesses+=("$name")
    done
fi

# The libraries Parapet's modules link (the same as scripts/test.sh installs).
missing=()
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/brotli/encode.h ] || missing+=(libbrotli-dev)
[ -f /usr/include/zstd.h ] || missing+=(libzstd-dev)
[ -f /usr/include/crypt.h ] || missing+=(libcrypt-dev)
[ -f /usr/include/hiredis/hiredis.h ] || missing+=(libhiredis-dev)
source ../scripts/install-missing.sh
install_missing "${missing[@]}"

# Every module, Parapet's included, is instrumented for coverage and AddressSanitizer and built for testing so
# that harnesses can `@testable import` the internal parsers. The toolchain's lld links: with gold, the
# libFuzzer runtime's own `main` clashes with the one SwiftPM gives every executable.
export SWIFT_BACKTRACE=enable=no  # a trap goes straight to libFuzzer, which saves the input
flags=(-c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xswiftc -use-ld=lld)
started=$(date +%s)
products=()
for harness in "${harnesses[@]}"; do products+=(--product "$harness"); done
if [ ${#harnesses[@]} -eq 1 ]; then
    swift build "${flags[@]}" "${products[@]}"
else
    swift build "${flags[@]}"
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
echo "fuzz build: $(( $(date +%s) - started )) s"

# Runs one harness; prints its result and returns non-zero when libFuzzer found a problem.
run_harness() {
    local harness=$1 work=.build/fuzz/$1 status runs coverage
    mkdir -p "$work/corpus" "$work/artifacts" "Corpus/$harness"
    local log=$work/last.log
    # -timeout: one input may take at most 10 s; -rss_limit_mb also caps single allocations (malloc_limit_mb).
    if "$bin/$harness" "$work/corpus" "Corpus/$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$work/artifacts/" >"$log" 2>&1; then
        status=ok
    else
        status=FAILED
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    coverage=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
    echo "$harness: $status, ${runs:-?} executions in ${seconds} s, ${coverage:-no coverage line}"
    if [ "$status" = FAILED ]; then
        grep -E 'ERROR|SUMMARY|Fatal error|panic|Test unit written|deadly signal|timeout|out-of-memory' "$log" | head -20 || true
        echo "full log: Fuzz/$log; keep the saved input in Fuzz/Corpus/$harness/ and add a unit test for it"
        return 1
    fi
}

# One harness per core at a time (FUZZ_JOBS overrides): each libFuzzer process is single-threaded.
jobs=${FUZZ_JOBS:-$(nproc)}
failed=0
running=0
for harness in "${harnesses[@]}"; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
    run_harness "$harness" &
    running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done

if [ "$failed" -ne 0 ]; then
    echo "fuzzing failed (see above)"
    exit 1
fi
