#!/usr/bin/env python3
"""Regenerates Tests/HypergraphCryptoTests/Fixtures/secp256k1-vectors.json from libsecp256k1 (via coincurve).

Every expected value comes from coincurve (PyPI bindings to libsecp256k1): signatures from
`PrivateKey.sign_recoverable(digest, hasher=None)` (RFC 6979, low-S), public keys from `PublicKey.format`,
recovered keys from `PublicKey.from_signature_and_message`, and validity from `PublicKey.verify`. Inputs come from a
seeded generator, so rerunning the script reproduces the committed file byte for byte.

Sections of the file (all byte strings are lowercase hex without prefix; `signature` is compact r || s):
  signatures          >= 1,000 seeded random keys and messages (digest = SHA-256(message)), plus edge cases:
                      private keys 1, 2, 3, n-1, n-2, floor(n/2), powers of two, keys with leading zero bytes;
                      empty and long messages; digests 0, n-1, n, n+1 and 2^256-1 (reduced modulo n when signing)
  highS               the high-S twin of some signatures: s' = n - s with the recovery id's parity bit flipped;
                      libsecp256k1 recovers it to the same key, a strict (G20) policy must reject it
  sBoundary           crafted signatures with s = floor(n/2) - 1 ... floor(n/2) + 2, recovered by libsecp256k1
  highRecoveryIDs     recovery ids 2 and 3 (x = r + n), possible only for r < p - n; crafted and recovered
  verifyFailures      valid signatures checked against the wrong digest or the wrong key (verify must fail)
  unrecoverable       well-formed signatures from which libsecp256k1 recovers nothing, with the reason
  invalidSignatures   compact hex / recovery ids that must not parse, with the reason
  invalidPublicKeys   SEC1 encodings that must not parse, with the reason
  invalidPrivateKeys  private keys that must be refused, with the reason
  appendixA           PROTOCOL.md Appendix A: the A.1 key and every signature, copied from the spec's
                      test-vectors.json when present (after re-signing each digest with coincurve)

Usage: scripts/generate-secp256k1-vectors.py [--spec PATH_TO_test-vectors.json]
"""

import argparse
import hashlib
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "Tests" / "HypergraphCryptoTests" / "Fixtures" / "secp256k1-vectors.json"
DEFAULT_SPEC = ROOT.parent / "shared" / "spec" / "test-vectors.json"
SEED = 20250701
RANDOM_CASES = 1000

P = 2**256 - 2**32 - 977
N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
HALF_N = N // 2
GX = 0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798
GY = 0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8


def ensure_coincurve():
    try:
        import coincurve  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "coincurve"])
    import coincurve
    return coincurve


coincurve = ensure_coincurve()
from coincurve.ecdsa import cdata_to_der, deserialize_compact  # noqa: E402


def b32(value):
    return value.to_bytes(32, "big")


def compact_hex(r, s):
    return (b32(r) + b32(s)).hex()


def is_square(value):
    return pow(value, (P - 1) // 2, P) in (0, 1)


def recover(digest, r, s, recovery_id):
    """The compressed key libsecp256k1 recovers, or None when it refuses."""
    try:
        key = coincurve.PublicKey.from_signature_and_message(b32(r) + b32(s) + bytes([recovery_id]), digest, hasher=None)
    except Exception:
        return None
    return key.format(compressed=True)


def verifies(public_key, digest, r, s):
    """libsecp256k1's ecdsa_verify (which requires low-S)."""
    key = coincurve.PublicKey(public_key)
    return key.verify(cdata_to_der(deserialize_compact(b32(r) + b32(s))), digest, hasher=None)


def sign_case(secret, digest, message, note):
    key = coincurve.PrivateKey(b32(secret))
    signature = key.sign_recoverable(digest, hasher=None)
    r, s, recovery_id = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:64], "big"), signature[64]
    compressed = key.public_key.format(compressed=True)
    assert s <= HALF_N, "libsecp256k1 signs low-S"
    assert recover(digest, r, s, recovery_id) == compressed
    assert verifies(compressed, digest, r, s)
    case = {
        "note": note,
        "privateKey": b32(secret).hex(),
        "publicKeyCompressed": compressed.hex(),
        "publicKeyUncompressed": key.public_key.format(compressed=False).hex(),
        "digest": digest.hex(),
        "signature": compact_hex(r, s),
        "recoveryID": recovery_id,
    }
    if message is not None:
        assert hashlib.sha256(message).digest() == digest
        case = {"message": message.hex(), **case}
    return case


def random_secret(generator):
    while True:
        secret = int.from_bytes(generator.randbytes(32), "big")
        if 1 <= secret < N:
            return secret


def signature_cases(generator):
    cases = []
    for _ in range(RANDOM_CASES):
        message = generator.randbytes(generator.choice([0, 1, 32, generator.randrange(0, 160)]))
        cases.append(sign_case(random_secret(generator), hashlib.sha256(message).digest(), message, "random"))

    edge_secrets = {
        "private key 1": 1, "private key 2": 2, "private key 3": 3, "private key 0xff": 0xFF,
        "private key 2^64": 2**64, "private key 2^128": 2**128, "private key 2^255": 2**255,
        "private key floor(n/2)": HALF_N, "private key floor(n/2)+1": HALF_N + 1,
        "private key n-2": N - 2, "private key n-1": N - 1,
        "private key with 8 leading zero bytes": int.from_bytes(bytes(8) + generator.randbytes(24), "big"),
        "private key 2^256-2^32-978 reduced below n": (P - 1) % N,
    }
    for note, secret in edge_secrets.items():
        message = generator.randbytes(20)
        cases.append(sign_case(secret, hashlib.sha256(message).digest(), message, note))

    for length in [0, 0, 1, 55, 56, 64, 1000, 4096]:
        message = generator.randbytes(length)
        note = "empty message" if length == 0 else f"{length}-byte message"
        cases.append(sign_case(random_secret(generator), hashlib.sha256(message).digest(), message, note))

    # Raw digests at the edges of the scalar range: libsecp256k1 and RFC 6979 reduce them modulo n.
    for note, value in {"digest 0": 0, "digest 1": 1, "digest n-1": N - 1, "digest n": N, "digest n+1": N + 1,
                        "digest 2^256-1": 2**256 - 1}.items():
        cases.append(sign_case(random_secret(generator), b32(value), None, note))

    recovery_ids = {case["recoveryID"] for case in cases}
    assert recovery_ids == {0, 1}, f"expected both recovery ids, got {recovery_ids}"
    return cases


def high_s_cases(signatures):
    cases = []
    for case in signatures[::10]:
        digest = bytes.fromhex(case["digest"])
        r, s = int(case["signature"][:64], 16), int(case["signature"][64:], 16)
        high_id = case["recoveryID"] ^ 1
        assert N - s > HALF_N
        assert recover(digest, r, N - s, high_id) == bytes.fromhex(case["publicKeyCompressed"])
        cases.append({
            "digest": case["digest"],
            "signature": compact_hex(r, N - s),
            "recoveryID": high_id,
            "lowSSignature": case["signature"],
            "lowSRecoveryID": case["recoveryID"],
            "publicKeyCompressed": case["publicKeyCompressed"],
        })
    return cases


def s_boundary_cases(generator, signatures):
    cases = []
    for offset in [-1, 0, 1, 2]:
        template = generator.choice(signatures)
        digest = bytes.fromhex(template["digest"])
        r, s, recovery_id = int(template["signature"][:64], 16), HALF_N + offset, template["recoveryID"]
        key = recover(digest, r, s, recovery_id)
        assert key is not None
        low = s <= HALF_N
        assert verifies(key, digest, r, s) == low, "libsecp256k1 verify accepts exactly the low-S form"
        cases.append({
            "note": f"s = floor(n/2) {'+' if offset >= 0 else '-'} {abs(offset)}",
            "digest": digest.hex(),
            "signature": compact_hex(r, s),
            "recoveryID": recovery_id,
            "isLowS": low,
            "publicKeyCompressed": key.hex(),
        })
    return cases


def high_recovery_id_cases(generator):
    cases = []
    candidate = 1
    while len(cases) < 4:
        candidate += generator.randrange(1, 2**100)
        assert candidate < P - N
        if not is_square(((candidate + N) ** 3 + 7) % P):
            continue
        digest = generator.randbytes(32)
        s = generator.randrange(1, HALF_N)
        recovery_id = 2 + len(cases) % 2
        key = recover(digest, candidate, s, recovery_id)
        assert key is not None
        assert verifies(key, digest, candidate, s)
        # The same r with ids 0/1 names a different R (x = r), so it cannot recover the same key.
        assert recover(digest, candidate, s, recovery_id - 2) != key
        cases.append({
            "digest": digest.hex(),
            "signature": compact_hex(candidate, s),
            "recoveryID": recovery_id,
            "publicKeyCompressed": key.hex(),
        })
    return cases


def verify_failure_cases(generator, signatures):
    cases = []
    for case in generator.sample(signatures, 10):
        digest = bytearray.fromhex(case["digest"])
        digest[generator.randrange(32)] ^= 1 << generator.randrange(8)
        r, s = int(case["signature"][:64], 16), int(case["signature"][64:], 16)
        assert not verifies(bytes.fromhex(case["publicKeyCompressed"]), bytes(digest), r, s)
        cases.append({"note": "digest with one flipped bit", "digest": digest.hex(), "signature": case["signature"],
                      "recoveryID": case["recoveryID"], "publicKeyCompressed": case["publicKeyCompressed"]})
    for first, second in zip(signatures[:5], signatures[5:10]):
        r, s = int(first["signature"][:64], 16), int(first["signature"][64:], 16)
        assert not verifies(bytes.fromhex(second["publicKeyCompressed"]), bytes.fromhex(first["digest"]), r, s)
        cases.append({"note": "another key", "digest": first["digest"], "signature": first["signature"],
                      "recoveryID": first["recoveryID"], "publicKeyCompressed": second["publicKeyCompressed"]})
    return cases


def unrecoverable_cases(generator):
    cases = []
    # x = r with no curve point: x^3 + 7 is not a square.
    r = generator.randrange(1, N)
    while is_square((r**3 + 7) % P):
        r += 1
    cases.append({"reason": "recoveryPointNotOnCurve", "r": r, "s": generator.randrange(1, N), "recoveryID": 0})
    # Recovery ids 2/3 need r + n < p; a random r is far too large.
    cases.append({"reason": "recoveryCoordinateOutOfRange", "r": generator.randrange(P - N, N), "s": 1, "recoveryID": 2})
    cases.append({"reason": "recoveryCoordinateOutOfRange", "r": P - N, "s": 12345, "recoveryID": 3})
    # s·R = e·G makes r⁻¹(s·R − e·G) infinity: take R = k·G and e = s·k mod n.
    k = generator.randrange(1, N)
    point = coincurve.PrivateKey(b32(k)).public_key.format(compressed=False)
    x, y = int.from_bytes(point[1:33], "big"), int.from_bytes(point[33:], "big")
    assert x < N
    s = generator.randrange(1, N)
    cases.append({"reason": "recoveredPointAtInfinity", "r": x, "s": s, "recoveryID": y & 1, "digest": b32(s * k % N)})

    result = []
    for case in cases:
        digest = case.get("digest") or generator.randbytes(32)
        assert recover(digest, case["r"], case["s"], case["recoveryID"]) is None, case["reason"]
        result.append({"reason": case["reason"], "digest": digest.hex(),
                       "signature": compact_hex(case["r"], case["s"]), "recoveryID": case["recoveryID"]})
    return result


def invalid_signature_cases(generator):
    valid_r, valid_s = generator.randrange(1, N), generator.randrange(1, HALF_N)
    valid = compact_hex(valid_r, valid_s)
    cases = [
        ("rIsZero", compact_hex(0, valid_s), 0),
        ("sIsZero", compact_hex(valid_r, 0), 0),
        ("rIsZero", compact_hex(0, 0), 1),
        ("rNotBelowOrder", compact_hex(N, valid_s), 0),
        ("rNotBelowOrder", compact_hex(N + 1, valid_s), 1),
        ("rNotBelowOrder", compact_hex(2**256 - 1, valid_s), 0),
        ("sNotBelowOrder", compact_hex(valid_r, N), 0),
        ("sNotBelowOrder", compact_hex(valid_r, 2**256 - 1), 1),
        ("invalidRecoveryID", valid, 4),
        ("invalidRecoveryID", valid, -1),
        ("invalidRecoveryID", valid, 27),
        ("invalidHexLength", valid[:126], 0),
        ("invalidHexLength", valid[:127], 0),
        ("invalidHexLength", valid + "00", 0),
        ("invalidHexLength", "", 0),
        ("invalidHexLength", "0x" + valid, 0),
        ("invalidHexCharacter", "0x" + valid[2:], 0),
        ("invalidHexCharacter", valid[:100] + "g" + valid[101:], 0),
        ("invalidHexCharacter", valid[:127] + " ", 1),
        ("invalidHexCharacter", valid[:64] + "é" + valid[65:], 0),
    ]
    for _, text, recovery_id in cases:
        if 0 <= recovery_id <= 3 and len(text) == 128 and all(c in "0123456789abcdef" for c in text):
            try:
                coincurve.PublicKey.from_signature_and_message(bytes.fromhex(text) + bytes([recovery_id]),
                                                               bytes(32), hasher=None)
            except Exception:
                continue
            raise AssertionError(f"libsecp256k1 accepted {text}")
    return [{"reason": reason, "signature": text, "recoveryID": recovery_id} for reason, text, recovery_id in cases]


def invalid_public_key_cases(generator):
    x_off_curve = generator.randrange(1, P)
    while is_square((x_off_curve**3 + 7) % P):
        x_off_curve += 1
    valid = coincurve.PrivateKey(b32(random_secret(generator))).public_key
    compressed, uncompressed = valid.format(compressed=True), valid.format(compressed=False)
    wrong_y = uncompressed[:64] + bytes([uncompressed[64] ^ 1])
    cases = [
        ("publicKeyIsInfinity", b"\x00"),
        ("invalidPublicKeyLength", b""),
        ("invalidPublicKeyLength", compressed[1:]),
        ("invalidPublicKeyLength", compressed + b"\x00"),
        ("invalidPublicKeyLength", uncompressed[:64]),
        ("invalidPublicKeyLength", uncompressed + b"\x00"),
        ("invalidPublicKeyPrefix", b"\x04" + compressed[1:]),
        ("invalidPublicKeyPrefix", b"\x05" + compressed[1:]),
        ("invalidPublicKeyPrefix", b"\x00" + compressed[1:]),
        ("invalidPublicKeyPrefix", b"\x02" + uncompressed[1:]),
        ("invalidPublicKeyPrefix", b"\x01" + uncompressed[1:]),
        ("publicKeyCoordinateOutOfRange", b"\x02" + b32(P)),
        ("publicKeyCoordinateOutOfRange", b"\x03" + b32(2**256 - 1)),
        ("publicKeyCoordinateOutOfRange", b"\x04" + b32(P) + uncompressed[33:]),
        ("publicKeyCoordinateOutOfRange", b"\x04" + uncompressed[1:33] + b32(2**256 - 1)),
        ("publicKeyNotOnCurve", b"\x02" + b32(x_off_curve)),
        ("publicKeyNotOnCurve", b"\x03" + b32(x_off_curve)),
        ("publicKeyNotOnCurve", wrong_y),
        ("publicKeyNotOnCurve", b"\x04" + b32(0) + b32(0)),
    ]
    result = []
    for reason, data in cases:
        try:
            coincurve.PublicKey(data)
        except Exception:
            result.append({"reason": reason, "sec1": data.hex()})
            continue
        raise AssertionError(f"libsecp256k1 accepted public key {data.hex()} ({reason})")
    return result


def invalid_private_key_cases():
    cases = [
        ("privateKeyOutOfRange", b32(0)),
        ("privateKeyOutOfRange", b32(N)),
        ("privateKeyOutOfRange", b32(N + 1)),
        ("privateKeyOutOfRange", b32(2**256 - 1)),
        ("invalidPrivateKeyLength", bytes(30) + b"\x01"),
        ("invalidPrivateKeyLength", b32(1) + b32(1)),
        ("invalidPrivateKeyLength", b"\x00" + b32(1)),
        ("invalidPrivateKeyLength", b""),
    ]
    for reason, data in cases:
        if len(data) == 32:
            try:
                coincurve.PrivateKey(data)
            except Exception:
                continue
            raise AssertionError(f"libsecp256k1 accepted private key {data.hex()}")
    return [{"reason": reason, "privateKey": data.hex()} for reason, data in cases]


def appendix_a(spec_path):
    spec = json.loads(spec_path.read_text())
    signer = spec["signer"]
    secret = bytes.fromhex(signer["privateKey"].removeprefix("0x"))
    key = coincurve.PrivateKey(secret)
    assert "0x" + key.public_key.format(compressed=True).hex() == signer["signaturePublicKey"]
    assert "0x" + key.public_key.format(compressed=False).hex() == signer["uncompressed"]
    signatures = []
    for name, section in spec.items():
        if not isinstance(section, dict):
            continue
        signature = section.get("signature") or section.get("event", {}).get("author", {}).get("signature")
        if signature is None:
            continue
        digest = bytes.fromhex(section["sha256"])
        produced = key.sign_recoverable(digest, hasher=None)
        assert produced[:64].hex() == signature["hex"] and produced[64] == signature["recovery"], name
        signatures.append({"name": name, "sha256": section["sha256"], "hex": signature["hex"],
                           "recovery": signature["recovery"]})
    assert len(signatures) >= 5
    return {"privateKey": signer["privateKey"], "signaturePublicKey": signer["signaturePublicKey"],
            "uncompressed": signer["uncompressed"], "signatures": signatures}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="the protocol's test-vectors.json")
    arguments = parser.parse_args()

    from importlib.metadata import version
    generator = random.Random(SEED)
    signatures = signature_cases(generator)
    document = {
        "generator": "scripts/generate-secp256k1-vectors.py",
        "reference": f"coincurve {version('coincurve')} (libsecp256k1)",
        "signatures": signatures,
        "highS": high_s_cases(signatures),
        "sBoundary": s_boundary_cases(generator, signatures),
        "highRecoveryIDs": high_recovery_id_cases(generator),
        "verifyFailures": verify_failure_cases(generator, signatures),
        "unrecoverable": unrecoverable_cases(generator),
        "invalidSignatures": invalid_signature_cases(generator),
        "invalidPublicKeys": invalid_public_key_cases(generator),
        "invalidPrivateKeys": invalid_private_key_cases(),
    }
    if arguments.spec.exists():
        document["appendixA"] = appendix_a(arguments.spec)
    elif OUTPUT.exists():
        # Without the spec checkout, keep the vectors committed earlier rather than dropping them.
        document["appendixA"] = json.loads(OUTPUT.read_text())["appendixA"]
        print(f"{arguments.spec} not found; keeping the committed appendixA section", file=sys.stderr)
    else:
        sys.exit(f"{arguments.spec} not found and no committed file to take appendixA from")

    OUTPUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    counts = ", ".join(f"{len(value)} {name}" for name, value in document.items() if isinstance(value, list))
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {counts}, {len(document['appendixA']['signatures'])} Appendix A "
          "signatures", file=sys.stderr)


if __name__ == "__main__":
    main()
