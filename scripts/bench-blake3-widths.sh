#!/usr/bin/env bash
# Same-width baselines for the BLAKE3 figure of `hypergraph-bench crypto`: the official BLAKE3 C implementation,
# built once per SIMD width, on the same 1 MiB input (byte i = i % 251), measured the same way (thread CPU time,
# fastest of five slices), interleaved with our figure in each round, so the ratios hold on a busy machine.
#
#   scripts/bench-blake3-widths.sh [ROUNDS]          # builds hypergraph-bench in release mode first; 3 rounds
#   HYPERGRAPH_BENCH=path/to/hypergraph-bench scripts/bench-blake3-widths.sh
#
# The C sources come from Debian's librust-blake3-dev (the blake3 crate's source, which carries its c/ directory),
# fetched with `apt-get download` into a temporary folder and deleted afterwards; nothing of it enters this
# repository. Each build uses the crate's x86-64 assembly (what the Rust crate, and so the PyPI `blake3` package,
# runs) and lets the library's run-time dispatch pick the widest path it was built with:
#   sse2    4 lanes of 32 bits, no byte shuffle (the instruction set a baseline x86-64 Swift build gets)
#   sse41   4 lanes, byte-shuffle rotations
#   avx2    8 lanes
#   avx512  16 lanes with one-instruction rotations (falls back to AVX2 on a CPU without AVX-512)
# Needs x86-64 Linux with apt (Debian) and gcc.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
[[ $(uname -m) == x86_64 ]] || { echo "the C builds here are x86-64 only" >&2; exit 2; }
command -v gcc >/dev/null || { echo "gcc is not installed (apt-get install gcc)" >&2; exit 2; }

bench=${HYPERGRAPH_BENCH:-}
if [[ -z $bench ]]; then
  (cd "$root" && swift build -c release --product hypergraph-bench >/dev/null)
  bench=$(cd "$root" && swift build -c release --show-bin-path)/hypergraph-bench
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download librust-blake3-dev >/dev/null 2>&1); then
  apt-get update >/dev/null
  (cd "$work" && apt-get download librust-blake3-dev >/dev/null 2>&1)
fi
dpkg-deb -x "$work"/librust-blake3-dev_*.deb "$work/package"
c=$(echo "$work"/package/usr/share/cargo/registry/blake3-*/c)

cat >"$work/bench.c" <<'EOF'
// MB/s (10^6 bytes/s) of hashing 1 MiB, byte i = i % 251: fastest of five 0.2 s slices of thread CPU time.
#include "blake3.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  size_t size = 1 << 20;
  unsigned char *data = malloc(size), out[32];
  for (size_t i = 0; i < size; i++) data[i] = i % 251;
  double best = 0;
  for (int slice = 0; slice < 5; slice++) {
    double start = now(), elapsed;
    long iterations = 0;
    do {
      blake3_hasher hasher;
      blake3_hasher_init(&hasher);
      blake3_hasher_update(&hasher, data, size);
      blake3_hasher_finalize(&hasher, out, 32);
      iterations++;
      elapsed = now() - start;
    } while (elapsed < 0.2);
    double rate = iterations * (double)size / elapsed / 1e6;
    if (rate > best) best = rate;
  }
  // The first digest byte of this input is 0x74; anything else means a broken build.
  printf("%.1f\n", out[0] == 0x74 ? best : -1.0);
  return 0;
}
EOF

portable=("$work/bench.c" "$c/blake3.c" "$c/blake3_dispatch.c" "$c/blake3_portable.c" -I"$c" -O3)
gcc "${portable[@]}" "$c/blake3_sse2_x86-64_unix.S" \
  -DBLAKE3_NO_SSE41 -DBLAKE3_NO_AVX2 -DBLAKE3_NO_AVX512 -o "$work/sse2"
gcc "${portable[@]}" "$c/blake3_sse2_x86-64_unix.S" "$c/blake3_sse41_x86-64_unix.S" \
  -DBLAKE3_NO_AVX2 -DBLAKE3_NO_AVX512 -o "$work/sse41"
gcc "${portable[@]}" "$c/blake3_sse2_x86-64_unix.S" "$c/blake3_sse41_x86-64_unix.S" "$c/blake3_avx2_x86-64_unix.S" \
  -DBLAKE3_NO_AVX512 -o "$work/avx2"
gcc "${portable[@]}" "$c/blake3_sse2_x86-64_unix.S" "$c/blake3_sse41_x86-64_unix.S" "$c/blake3_avx2_x86-64_unix.S" \
  "$c/blake3_avx512_x86-64_unix.S" -o "$work/avx512"

echo "BLAKE3, 1 MiB, MB/s (thread CPU time); ratio = ours / official C at that width"
for ((round = 1; round <= rounds; round++)); do
  ours=$("$bench" crypto --cpu-time --no-reference | awk '/^BLAKE3/ { print $(NF - 1) }')
  line="ours $ours"
  for width in sse2 sse41 avx2 avx512; do
    theirs=$("$work/$width")
    line+=$(awk -v w="$width" -v o="$ours" -v t="$theirs" 'BEGIN { printf "   C %s %.1f (%.2fx)", w, t, o / t }')
  done
  echo "$line"
done
