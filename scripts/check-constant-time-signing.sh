#!/usr/bin/env bash
# Checks that secp256k1 signing executes exactly the same instructions and branches whatever the secret key (and
# therefore the nonce): runs `hypergraph-bench crypto --sign-once KEY` under valgrind's callgrind for several keys,
# collecting only inside `Secp256k1.sign`, with the execution count of every instruction and of every conditional
# jump (executed and taken), and requires the profiles to be identical. Different keys mean different nonces, digit patterns of k·G,
# inverses and low-S decisions, so any branch or loop bound that depended on a secret would show up as a
# difference.
#
#   scripts/check-constant-time-signing.sh            # builds hypergraph-bench in release mode first
#   HYPERGRAPH_BENCH=path/to/hypergraph-bench scripts/check-constant-time-signing.sh
#
# Needs valgrind (Debian: apt-get install valgrind). Takes a few seconds after the build. Exits 1 on a difference
# and prints it. What it cannot see: timing that varies without a change of instructions (variable-latency
# instructions; none are used on secrets: multiplications, shifts and additions only) and memory addresses,
# which callgrind does not record here (every table access in signing reads all entries of a window).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 2; }

bench=${HYPERGRAPH_BENCH:-}
if [[ -z $bench ]]; then
  (cd "$root" && swift build -c release --product hypergraph-bench >/dev/null)
  bench=$(cd "$root" && swift build -c release --show-bin-path)/hypergraph-bench
fi

# 1, n − 1, patterns with long runs of equal bits, and a few arbitrary keys.
keys=(
  0000000000000000000000000000000000000000000000000000000000000001
  fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140
  7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  8000000000000000000000000000000000000000000000000000000000000000
  1111111111111111111111111111111111111111111111111111111111111111
  c9f2e1f4f0b3ad0e9d0e3a5f7c1b2a3948d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3
  0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
reference=""
status=0
for key in "${keys[@]}"; do
  out="$work/$key.callgrind"
  # LD_BIND_NOW: resolve every symbol at start-up, not lazily on the first call, which may fall inside sign.
  signature=$(LD_BIND_NOW=1 valgrind --tool=callgrind --dump-instr=yes --collect-jumps=yes \
    --compress-strings=no --compress-pos=no \
    --callgrind-out-file="$out" '--toggle-collect=$s16HypergraphCrypto9Secp256k1O4sign*' \
    "$bench" crypto --sign-once "$key" 2>"$work/valgrind.log") || { cat "$work/valgrind.log" >&2; exit 1; }
  # Every instruction's cost line (address, count), call and jump line, prefixed with its function and sorted:
  # callgrind writes functions, and the file names that give context, in no fixed order.
  awk '/^fn=/ { function_name = $0 } /^(0x|jump=|jcnd=|calls=)/ { print function_name " | " $0 }' "$out" |
    sort >"$out.profile"
  total=$(grep -E '^summary:' "$out")
  echo "key ${key:0:8}…: signature ${signature:0:16}…, instructions inside sign: ${total#*: }"
  if [[ -z $reference ]]; then
    reference="$out.profile"
  elif ! diff -q "$reference" "$out.profile" >/dev/null; then
    echo "DIFFERENT execution profile from the first key; first differences:" >&2
    diff "$reference" "$out.profile" | head -20 >&2
    status=1
  fi
done
if [[ $status == 0 ]]; then
  echo "OK: ${#keys[@]} keys, identical instructions and conditional jumps inside Secp256k1.sign"
fi
exit $status
