#!/usr/bin/env python3
"""Cross-checks `hypergraph message verify`, `message sign` and `event hash` against an independent Python
implementation: canonicalize of PROTOCOL.md §7.1 rewritten here, coincurve (= libsecp256k1) and blake3.

Usage: python3 scripts/crosscheck-signing.py PATH/TO/hypergraph
Builds 250 random documents of six shapes, with ids full of quotes, control characters, U+2028, emoji and
decomposed accents, and compares every signer, payload, event hash and signature."""
import hashlib, json, os, random, subprocess, sys

subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "coincurve", "blake3"], check=True)
import blake3, coincurve

H = sys.argv[1]
rng = random.Random(7)

def canon(v):
    if isinstance(v, dict):
        keys = sorted(v.keys(), key=lambda k: k.encode('utf-16-be'))
        return '{' + ','.join(json.dumps(k, ensure_ascii=False) + ':' + canon(v[k]) for k in keys) + '}'
    if isinstance(v, list):
        return '[' + ','.join(canon(x) for x in v) + ']'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)

def index_keyed(b):
    return {str(i): x for i, x in enumerate(b)}

def sign(key, obj):
    msg = canon(obj).encode()
    sig = key.sign_recoverable(hashlib.sha256(msg).digest(), hasher=None)
    return {"hex": sig[:64].hex(), "recovery": sig[64]}

def pub(key):
    return '0x' + key.public_key.format(compressed=True).hex()

CHAOS = ['"', '\\', '\n', '\x01', '\x1f', '\x7f', 'é', 'e\u0301', '😀', '\u2028', '/', '<', ' ', 'Z', 'a', '0']
def text():
    return ''.join(rng.choice(CHAOS) for _ in range(rng.randint(0, 12)))
def hx(n):
    return '0x' + os.urandom(n).hex()
def addr():
    return '0x' + ''.join(rng.choice('0123456789abcdefABCDEF') for _ in range(40))

def event(key, kind):
    prev = hx(32)
    tx = {
        'create-space': lambda: {"type": kind, "id": text(), "creatorAccountAddress": addr()},
        'delete-space': lambda: {"type": kind, "id": text(), "previousEventHash": prev},
        'create-invitation': lambda: {"type": kind, "id": text(), "inviteeAccountAddress": addr(), "previousEventHash": prev},
        'accept-invitation': lambda: {"type": kind, "id": text(), "previousEventHash": prev},
        'create-space-inbox': lambda: {"type": kind, "id": text(), "spaceId": text(), "inboxId": hx(32),
            "encryptionPublicKey": hx(32), "secretKey": hx(rng.randint(0, 80)), "isPublic": rng.random() < 0.5,
            "authPolicy": rng.choice(["anonymous", "optional_auth", "requires_auth"]), "previousEventHash": prev},
    }[kind]()
    return {"transaction": tx, "author": {"accountAddress": addr(), "signature": sign(key, tx)}}

def event_hash(e):
    return '0x' + blake3.blake3(canon(e).encode()).hexdigest()

def update(key, space_id):
    data = [rng.randrange(256) for _ in range(rng.choice([0, 1, 11, 12, 100, 1000]))]
    u = {"accountAddress": addr(), "updateId": text()}
    payload = {"accountAddress": u["accountAddress"], "spaceId": space_id, "update": index_keyed(data), "updateId": u["updateId"]}
    return {"update": {"__type": "Uint8Array", "data": data}, "accountAddress": u["accountAddress"],
            "signature": sign(key, payload), "updateId": u["updateId"]}, payload

KINDS = ['create-space', 'delete-space', 'create-invitation', 'accept-invitation', 'create-space-inbox']
failures = 0
count = 0
for case in range(250):
    key = coincurve.PrivateKey()
    choice = case % 6
    expected = []   # (path, payload object)
    hashes = []
    if choice == 0:
        kind = rng.choice(KINDS)
        doc = event(key, kind)
        expected.append(("$.author.signature", doc["transaction"]))
        hashes.append(event_hash(doc))
    elif choice == 1:
        space_id = text()
        u, payload = update(key, space_id)
        doc = {"type": "create-update", "accountAddress": u["accountAddress"], "spaceId": space_id, "updateId": u["updateId"],
               "update": u["update"], "signature": u["signature"]}
        expected.append(("$.signature", payload))
    elif choice == 2:
        space_id = text(); inbox_id = hx(32)
        msgs = []
        for i in range(rng.randint(1, 4)):
            m = {"id": text(), "ciphertext": hx(rng.randint(0, 60)), "createdAt": "2025-06-30T12:34:56.789Z"}
            if rng.random() < 0.7:
                m["authorAccountAddress"] = addr()
                p = {"authorAccountAddress": m["authorAccountAddress"], "ciphertext": m["ciphertext"], "inboxId": inbox_id, "spaceId": space_id}
                m["signature"] = sign(key, p)
                expected.append((f"$.messages[{i}].signature", p))
            msgs.append(m)
        doc = {"type": "space-inbox-messages", "spaceId": space_id, "inboxId": inbox_id, "messages": msgs}
    elif choice == 3:
        owner = addr(); inbox_id = hx(32)
        m = {"id": text(), "ciphertext": hx(20), "authorAccountAddress": addr(), "createdAt": "2025-06-30T12:34:56.789Z"}
        p = {"accountAddress": owner, "authorAccountAddress": m["authorAccountAddress"], "ciphertext": m["ciphertext"], "inboxId": inbox_id}
        m["signature"] = sign(key, p)
        doc = {"type": "account-inbox-message", "accountAddress": owner, "inboxId": inbox_id, "message": m}
        expected.append(("$.message.signature", p))
    elif choice == 4:
        inbox = {"accountAddress": addr(), "inboxId": hx(32), "isPublic": True, "authPolicy": "anonymous", "encryptionPublicKey": hx(32)}
        p = {k: inbox[k] for k in ["accountAddress", "encryptionPublicKey", "inboxId"]}
        inbox["signature"] = sign(key, p)
        doc = {"type": "account-inboxes", "inboxes": [inbox]}
        expected.append(("$.inboxes[0].signature", p))
    else:
        space_id = text()
        events = [event(key, rng.choice(KINDS)) for _ in range(rng.randint(1, 4))]
        ups = [update(key, space_id) for _ in range(rng.randint(0, 3))]
        doc = {"type": "space", "id": space_id, "name": text(), "events": events, "inboxes": [],
               "keyBoxes": [{"id": text(), "accountAddress": addr(), "ciphertext": hx(48), "nonce": hx(24), "authorPublicKey": hx(32)}]}
        if ups:
            doc["updates"] = {"updates": [u for u, _ in ups], "firstUpdateClock": 0, "lastUpdateClock": len(ups) - 1}
        for i, e in enumerate(events):
            expected.append((f"$.events[{i}].author.signature", e["transaction"]))
            hashes.append(event_hash(e))
        for i, (_, p) in enumerate(ups):
            expected.append((f"$.updates.updates[{i}].signature", p))
    text_in = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    count += 1
    out = subprocess.run([H, "message", "verify", "-"], input=text_in.encode(), capture_output=True)
    want = [{"path": p, "signer": pub(key), "payload": canon(o)} for p, o in expected]
    got = [json.loads(l) for l in out.stdout.decode().split('\n') if l]
    # A message that carries no signature at all is refused (exit 1) with a message saying so.
    nothing_to_verify = not want and out.returncode == 1 and b"carries no signature" in out.stderr
    if not nothing_to_verify and (out.returncode != 0 or got != want):
        failures += 1
        print("VERIFY MISMATCH", case, out.returncode, out.stderr.decode()[:300], got[:1], want[:1]); continue
    if hashes:
        out = subprocess.run([H, "event", "hash", "-"], input=text_in.encode(), capture_output=True)
        if out.stdout.decode().split() != hashes:
            failures += 1
            print("HASH MISMATCH", case, out.stdout, hashes); continue
    # Re-sign with the CLI and compare with coincurve's signatures (RFC 6979 makes them deterministic).
    out = subprocess.run([H, "message", "sign", "--key", "0x" + key.secret.hex(), "-"], input=text_in.encode(), capture_output=True)
    if out.returncode != 0:
        failures += 1; print("SIGN FAILED", case, out.stderr.decode()[:300]); continue
    resigned = json.loads(out.stdout)
    def sigs(v):
        if isinstance(v, dict):
            return ([v["signature"]] if "signature" in v and isinstance(v["signature"], dict) else []) + \
                   [s for k, x in v.items() if k != "signature" for s in sigs(x)]
        if isinstance(v, list):
            return [s for x in v for s in sigs(x)]
        return []
    if sorted(map(json.dumps, sigs(resigned))) != sorted(map(json.dumps, sigs(doc))):
        failures += 1; print("SIGN MISMATCH", case)
print(f"signing: {count - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
