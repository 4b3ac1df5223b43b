#!/usr/bin/env python3
"""Reference figures for `hypergraph-bench crypto`, measured on the same inputs as the Swift benchmark.

References: hashlib (OpenSSL) SHA-256 and HMAC-SHA256, the PyPI `blake3` package (the official Rust
implementation with SIMD, single-threaded), and coincurve (libsecp256k1) for recoverable signing, public-key
recovery and verification against a parsed public key. Missing packages are installed with pip; a reference that still cannot be imported is skipped.

Inputs (keep in sync with Sources/hypergraph-bench/CryptoBenchmark.swift):
  hashes   1 MiB, byte i = i % 251 (the official BLAKE3 test-vector pattern)
  HMAC     key = 32 bytes 0x0b, message = 64 bytes 0x5c (the size of RFC 6979's HMAC inputs)
  secp256k1 private key = 32 bytes 0x01..0x20, digest = SHA-256("hypergraph-bench")

Prints one `name value` line per figure (MB/s are 10^6 bytes per second, ops are operations per second):
  sha256-mbps, blake3-mbps, hmac-sha256-ops, secp256k1-sign-ops, secp256k1-recover-ops, secp256k1-verify-ops
Python's per-call overhead (about 0.1-1 microsecond) is included in the per-operation figures.

With --cpu-time, time is the thread's CPU time (time.thread_time) instead of the wall clock, as with
`hypergraph-bench crypto --cpu-time`.

Usage: scripts/bench-crypto-reference.py [--seconds S] [--cpu-time]
"""

import argparse
import hashlib
import hmac
import importlib
import subprocess
import sys
import time

MEBIBYTE = 1 << 20


def load(module, package):
    try:
        return importlib.import_module(module)
    except ImportError:
        try:
            subprocess.check_call(
                [sys.executable, "-m", "pip", "install", "--quiet", package],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            return importlib.import_module(module)
        except (subprocess.CalledProcessError, ImportError) as error:
            print(f"# {package} unavailable: {error}", file=sys.stderr)
            return None


clock = time.perf_counter


def per_second(operation, seconds):
    """The fastest of five slices of `seconds / 5` (as the Swift benchmark does: on a shared machine other
    processes only ever slow a slice down); returns calls per second."""
    return max(per_second_once(operation, seconds / 5) for _ in range(5))


def per_second_once(operation, seconds):
    """Calls `operation` repeatedly for about `seconds` (after one warm-up call); returns calls per second."""
    operation()
    iterations, batch = 0, 1
    start = clock()
    elapsed = 0.0
    while elapsed < seconds or iterations < 3:
        for _ in range(batch):
            operation()
        iterations += batch
        elapsed = clock() - start
        if elapsed < seconds / 10:
            batch *= 2
    return iterations / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="measuring time per figure (five slices)")
    parser.add_argument("--cpu-time", action="store_true", help="measure thread CPU time, not the wall clock")
    arguments = parser.parse_args()
    seconds = arguments.seconds
    if arguments.cpu_time:
        global clock
        clock = time.thread_time

    data = bytes(index % 251 for index in range(MEBIBYTE))
    figures = {"sha256-mbps": per_second(lambda: hashlib.sha256(data).digest(), seconds) * MEBIBYTE / 1e6}

    blake3 = load("blake3", "blake3")
    if blake3 is not None:
        figures["blake3-mbps"] = per_second(lambda: blake3.blake3(data).digest(), seconds) * MEBIBYTE / 1e6

    key, message = b"\x0b" * 32, b"\x5c" * 64
    figures["hmac-sha256-ops"] = per_second(lambda: hmac.digest(key, message, "sha256"), seconds)

    coincurve = load("coincurve", "coincurve")
    if coincurve is not None:
        private_key = coincurve.PrivateKey(bytes(range(1, 33)))
        digest = hashlib.sha256(b"hypergraph-bench").digest()
        signature = private_key.sign_recoverable(digest, hasher=None)
        figures["secp256k1-sign-ops"] = per_second(
            lambda: private_key.sign_recoverable(digest, hasher=None), seconds)
        figures["secp256k1-recover-ops"] = per_second(
            lambda: coincurve.PublicKey.from_signature_and_message(signature, digest, hasher=None), seconds)
        public_key, der_signature = private_key.public_key, private_key.sign(digest, hasher=None)
        figures["secp256k1-verify-ops"] = per_second(
            lambda: public_key.verify(der_signature, digest, hasher=None), seconds)

    for name, value in figures.items():
        print(f"{name} {value:.1f}")


if __name__ == "__main__":
    main()
