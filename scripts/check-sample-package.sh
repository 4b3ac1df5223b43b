#!/usr/bin/env bash
# The sample package Examples/SampleMessages, as a user of hypergraph-swift would build it: its schemas are valid
# JSON Schema 2020-12, its committed generated code is what the command plugin produces (--check), it builds without
# warnings, and its checks pass.
set -euo pipefail
cd "$(dirname "$0")/.."
sample=Examples/SampleMessages

python3 scripts/check-schemas.py "$sample"

swift package --package-path "$sample" --allow-writing-to-package-directory \
    generate-hypergraph-code --target SampleMessages --check

log=$(mktemp)
trap 'rm -f "$log"' EXIT
swift build --package-path "$sample" 2>&1 | tee "$log"
if grep -E '^/.*: warning: ' "$log" | grep -v '/.build/'; then
    echo "error: building the sample package printed warnings (listed above)" >&2
    exit 1
fi

swift run --package-path "$sample" sample-messages
