#!/usr/bin/env bash
# Fuzzes the strict JSON parser (and the generated protocol decoders, see Sources/hypergraph-fuzz) with libFuzzer.
#
#   scripts/fuzz.sh [SECONDS]      default 60
#
# Builds the hypergraph-fuzz product with `swift build --sanitize=fuzzer` into its own scratch directory
# (.build-fuzz, so the normal .build is untouched) and with -DHYPERGRAPH_FUZZING, which removes the target's
# replay `main` so libFuzzer's `main` runs. (Adding --sanitize=address silently disables libFuzzer's coverage
# feedback with this toolchain, so AddressSanitizer runs separately: afterwards the whole corpus is replayed
# through an ASan build of the ordinary replay binary.) The corpus persists in .build-fuzz/corpus between runs;
# crashing inputs land in .build-fuzz/artifacts. Replay one with an ordinary build:
#   swift build --product hypergraph-fuzz && .build/debug/hypergraph-fuzz .build-fuzz/artifacts/crash-…
# FUZZ_PACKAGE_PATH selects another package that has the same hypergraph-fuzz product (e.g. a dev package).
set -euo pipefail

seconds="${1:-60}"
case "$seconds" in
    '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

root="${FUZZ_PACKAGE_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
scratch="$root/.build-fuzz"
corpus="$scratch/corpus"
artifacts="$scratch/artifacts"
mkdir -p "$corpus" "$artifacts"

cd "$root"
swift build --scratch-path "$scratch" -c release --sanitize=fuzzer -Xswiftc -DHYPERGRAPH_FUZZING \
    --product hypergraph-fuzz
binary="$scratch/release/hypergraph-fuzz"

# Seeds: one document per interesting shape, so mutation starts from valid protocol-like JSON.
seed() { printf '%s' "$2" > "$corpus/seed-$1.json"; }
seed create-update '{"type":"create-update","accountAddress":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","spaceId":"5b1b8f0e-6a34-4c55-9f0e-2f8b0d0c7a11","updateId":"c3d4e5f6-0718-4293-a4b5-c6d7e8f90a1b","update":{"__type":"Uint8Array","data":[0,1,2,3,4,5,6,7,8,9,10,11,255]},"signature":{"hex":"9e4b604ddf1acfef","recovery":0}}'
seed bytes '[0,1,99,100,255,7]'
seed strings '["a\"b\\c\/\b\f\n\r\t\u0041\u00e9\ud83d\ude00","é😀",""]'
seed numbers '[0,-0,1.5,-2e-7,1E+21,123456789012345678901234567890,0.000001]'
seed nested '{"a":{"b":[{"c":null,"d":true,"e":false}]},"":{}}'

# Tokens libFuzzer may splice in.
dictionary="$scratch/json.dict"
cat > "$dictionary" <<'DICT'
"{"
"}"
"["
"]"
":"
","
"\""
"\\"
"\\u"
"\\ud800"
"\\udc00"
"true"
"false"
"null"
"-0"
"1e400"
"e+"
"E-"
".5"
"__type"
"Uint8Array"
"data"
"type"
"create-update"
"subscribe-space"
"create-space-event"
"space-event"
"update-confirmed"
"updates-notification"
"create-space"
"transaction"
"author"
"signature"
"recovery"
"hex"
"2025-06-30T12:34:56.789Z"
"255"
"256"
"\xc3\xa9"
"\xf0\x9f\x98\x80"
"\xed\xa0\x80"
DICT

log="$scratch/fuzz.log"
before=$(find "$artifacts" -type f | wc -l)
echo "fuzzing for ${seconds}s (corpus: $corpus, log: $log)"
set +e
SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -dict="$dictionary" -artifact_prefix="$artifacts/" "$corpus" > "$log" 2>&1
status=$?
set -e

executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
speed=$(grep -o 'exec/s: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
coverage=$(grep -o 'cov: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
after=$(find "$artifacts" -type f | wc -l)
echo "executions: ${executions:-?}  exec/s: ${speed:-?}  coverage: ${coverage:-?}  corpus: $(find "$corpus" -type f | wc -l) inputs"
echo "crashes: $((after - before)) new ($after in $artifacts)"
if [ "$status" -ne 0 ]; then
    echo "libFuzzer exited with status $status; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    exit "$status"
fi

echo "replaying the corpus under AddressSanitizer"
swift build --scratch-path "$scratch/asan" -c release --sanitize=address --product hypergraph-fuzz
find "$corpus" -type f -print0 |
    SWIFT_BACKTRACE=enable=no xargs -0 -n 500 "$scratch/asan/release/hypergraph-fuzz" > "$scratch/asan.log" 2>&1 || {
    echo "AddressSanitizer replay failed; see $scratch/asan.log" >&2
    tail -n 30 "$scratch/asan.log" >&2
    exit 1
}
echo "asan replay: $(grep -c ', ok$' "$scratch/asan.log") inputs ok"
