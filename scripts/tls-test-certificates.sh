#!/usr/bin/env bash
# Makes the certificates the TLS tests use, in DIR (created): a private CA and, signed by it, certificates for
# localhost/127.0.0.1/::1 (valid, expired, and for another host name), plus one signed by a second, untrusted CA.
# Every file is PEM; each certificate NAME has NAME.pem (leaf, then its CA: a chain file) and NAME.key.
# Usage: scripts/tls-test-certificates.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
command -v openssl >/dev/null || apt-get install -y openssl >/dev/null \
    || { apt-get update >/dev/null && apt-get install -y openssl >/dev/null; }
mkdir -p "$dir"
cd "$dir"

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# make_ca NAME SUBJECT
make_ca() {
    new_key "$1.key"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 30 -subj "/CN=$2" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}

# make_leaf NAME CA DAYS SUBJECT_ALT_NAMES
make_leaf() {
    new_key "$1.key"
    openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$1"
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' "$4" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days "$3" -extfile "$1.ext" \
        -out "$1.leaf" 2>/dev/null
    cat "$1.leaf" "$2.pem" > "$1.pem"
    rm "$1.csr" "$1.ext" "$1.leaf"
}

local_names="DNS:localhost,IP:127.0.0.1,IP:::1"
make_ca ca "Hypergraph test CA"
make_ca other-ca "Untrusted test CA"
make_leaf server ca 30 "$local_names"
make_leaf rotated ca 30 "$local_names"
make_leaf expired ca -1 "$local_names"
make_leaf wrong-host ca 30 "DNS:wrong.example"
make_leaf untrusted other-ca 30 "$local_names"
echo "test certificates in $dir"
