#!/usr/bin/env python3
"""Regenerates Tests/HypergraphCryptoTests/Fixtures/md5-vectors.json from hashlib (OpenSSL) MD5.

The file holds seeded random messages of every length 0..130 (the padding boundary is 55/56 bytes) and of
random lengths up to ~10 KiB, each with its MD5 digest.

The output is deterministic: rerunning the script reproduces the committed file byte for byte.
Usage: scripts/generate-md5-vectors.py
"""

import hashlib
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Tests" / "HypergraphCryptoTests" / "Fixtures" / "md5-vectors.json"
SEED = 20261207


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def main() -> None:
    generator = random.Random(SEED)
    lengths = list(range(0, 131)) + [generator.randrange(131, 10_000) for _ in range(20)]
    messages = []
    for length in lengths:
        message = bytes(generator.randrange(256) for _ in range(length))
        messages.append({"message": message.hex(), "md5": md5_hex(message)})

    OUTPUT.write_text(json.dumps({"messages": messages}, indent=1) + "\n")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(messages)} messages")


if __name__ == "__main__":
    main()
