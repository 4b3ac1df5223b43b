#!/usr/bin/env python3
"""Regenerates Tests/HypergraphCryptoTests/Fixtures/hash-vectors.json from reference implementations.

References: hashlib (OpenSSL) for SHA-256 and SHA-1, hmac + hashlib for HMAC-SHA256, and the PyPI `blake3`
package (bindings to the official Rust implementation) for BLAKE3. The output is deterministic: messages come
from a seeded generator, so rerunning the script reproduces the committed file byte for byte.

Sections of the file:
  blake3Official  the official BLAKE3 test-vector input pattern (byte i = i % 251) at the published lengths,
                  with the 32-byte default-mode hash of each (the first 32 bytes of the published outputs)
  longPattern     the same pattern at lengths up to 1 MiB (deep BLAKE3 trees, many SHA blocks), with all three
                  digests
  messages        seeded random messages of many lengths (every length 0..130, the SHA padding and BLAKE3 chunk
                  and batch boundaries, and random lengths up to ~10 KiB) with their SHA-256, SHA-1 and BLAKE3
  hmac            seeded random keys (0..200 bytes, around the 64-byte block size) and messages with HMAC-SHA256
  appendixA       the canonical strings and event hashes of PROTOCOL.md Appendix A (copied from the spec's
                  test-vectors.json when it is present, after checking every digest against the references)

Usage: scripts/generate-hash-vectors.py [--spec PATH_TO_test-vectors.json] [--check-b3sum]
"""

import argparse
import hashlib
import hmac
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Tests" / "HypergraphCryptoTests" / "Fixtures" / "hash-vectors.json"
DEFAULT_SPEC = ROOT.parent / "shared" / "spec" / "test-vectors.json"
SEED = 20250630

OFFICIAL_BLAKE3_LENGTHS = [
    0, 1, 1023, 1024, 1025, 2048, 2049, 3072, 3073, 4096, 4097, 5120, 5121,
    6144, 6145, 7168, 7169, 8192, 8193, 16384, 31744, 102400,
]

# Long inputs: powers of two give complete BLAKE3 trees, the odd lengths ragged right edges.
LONG_PATTERN_LENGTHS = [65_536, 1_000_003, 1 << 20]

# SHA padding (55/56 bytes is where the length stops fitting in the last block), BLAKE3 block, chunk and tree
# boundaries, and the edges of the Swift implementation's 4-chunk (4 KiB) batches.
BOUNDARY_LENGTHS = [
    183, 191, 192, 193, 1023, 1024, 1025, 1088, 1089, 2047, 2048, 2049, 3072, 3073, 4095, 4096, 4097,
    5120, 5121, 7167, 7168, 7169, 8191, 8192, 8193, 9215, 9216, 9217, 10240, 16383, 16384, 16385, 17409,
]


def ensure_blake3():
    try:
        import blake3  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "blake3"])
    import blake3
    return blake3


def official_pattern(length):
    return bytes(index % 251 for index in range(length))


def digests(blake3, message):
    return {
        "sha256": hashlib.sha256(message).hexdigest(),
        "sha1": hashlib.sha1(message).hexdigest(),
        "blake3": blake3.blake3(message).hexdigest(),
    }


def appendix_a(spec_path, blake3):
    """Canonical strings with their SHA-256 and, for events, BLAKE3 event hash; verified before use."""
    spec = json.loads(spec_path.read_text())
    entries = []
    for name, section in spec.items():
        if not isinstance(section, dict):
            continue
        canonical = section.get("canonical", section.get("canonicalTransaction"))
        if canonical is not None and "sha256" in section:
            computed = hashlib.sha256(canonical.encode()).hexdigest()
            if computed != section["sha256"]:
                sys.exit(f"{spec_path}: {name}.sha256 is {section['sha256']}, hashlib says {computed}")
            entries.append({"name": f"{name} canonical", "text": canonical, "sha256": computed})
        if "canonicalEvent" in section:
            computed = "0x" + blake3.blake3(section["canonicalEvent"].encode()).hexdigest()
            if computed != section["eventHash"]:
                sys.exit(f"{spec_path}: {name}.eventHash is {section['eventHash']}, blake3 says {computed}")
            entries.append({
                "name": f"{name} event",
                "text": section["canonicalEvent"],
                "sha256": hashlib.sha256(section["canonicalEvent"].encode()).hexdigest(),
                "eventHash": computed,
            })
    return entries


def check_with_b3sum(cases):
    """Cross-checks official-pattern hashes with Debian's b3sum, an independent build of the reference."""
    if shutil.which("b3sum") is None:
        sys.exit("--check-b3sum: b3sum is not installed (apt-get install b3sum)")
    for case in cases:
        result = subprocess.run(
            ["b3sum", "--no-names"], input=official_pattern(case["length"]), capture_output=True, check=True
        )
        theirs = result.stdout.decode().strip()
        if theirs != case["blake3"]:
            sys.exit(f"b3sum disagrees at length {case['length']}: {theirs} vs {case['blake3']}")
    print(f"b3sum agrees on all {len(cases)} official-pattern lengths", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the protocol's test-vectors.json")
    parser.add_argument("--check-b3sum", action="store_true", help="also verify BLAKE3 vectors with b3sum")
    arguments = parser.parse_args()

    blake3 = ensure_blake3()
    generator = random.Random(SEED)

    official = [
        {"length": length, "blake3": blake3.blake3(official_pattern(length)).hexdigest()}
        for length in OFFICIAL_BLAKE3_LENGTHS
    ]
    if arguments.check_b3sum:
        check_with_b3sum(official)

    long_pattern = [
        {"length": length, **digests(blake3, official_pattern(length))} for length in LONG_PATTERN_LENGTHS
    ]

    lengths = list(range(0, 131)) + BOUNDARY_LENGTHS + sorted(generator.randrange(131, 10_241) for _ in range(24))
    messages = []
    for length in lengths:
        message = generator.randbytes(length)
        messages.append({"message": message.hex(), **digests(blake3, message)})

    key_lengths = [0, 1, 20, 31, 32, 33, 55, 56, 63, 64, 65, 100, 127, 128, 129, 131, 200]
    key_lengths += [generator.randrange(0, 201) for _ in range(23)]
    hmac_cases = []
    for key_length in key_lengths:
        key = generator.randbytes(key_length)
        message = generator.randbytes(generator.choice([0, 1, 55, 56, 64, 65, generator.randrange(0, 1000)]))
        hmac_cases.append({
            "key": key.hex(),
            "message": message.hex(),
            "hmacSHA256": hmac.new(key, message, hashlib.sha256).hexdigest(),
        })

    document = {
        "generator": "scripts/generate-hash-vectors.py",
        "references": {
            "hashlib": f"OpenSSL via Python {sys.version.split()[0]}",
            "blake3": getattr(blake3, "__version__", "unknown"),
        },
        "blake3Official": {"pattern": "byte i = i % 251", "cases": official},
        "longPattern": long_pattern,
        "messages": messages,
        "hmac": hmac_cases,
    }
    if arguments.spec.exists():
        document["appendixA"] = appendix_a(arguments.spec, blake3)
    elif OUTPUT.exists():
        # Without the spec checkout, keep the vectors committed earlier rather than dropping them.
        document["appendixA"] = json.loads(OUTPUT.read_text()).get("appendixA", [])
        print(f"{arguments.spec} not found; keeping the committed appendixA section", file=sys.stderr)
    else:
        sys.exit(f"{arguments.spec} not found and no committed file to take appendixA from")

    OUTPUT.write_text(json.dumps(document, indent=1) + "\n")
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {len(official)} official BLAKE3 lengths, {len(long_pattern)} long "
        f"inputs, {len(messages)} messages, "
        f"{len(hmac_cases)} HMAC cases, {len(document['appendixA'])} Appendix A strings",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
