#!/usr/bin/env bash
# Replays every ```sh block of the given Markdown files exactly as written, each in a fresh bash with `set -e`, from
# the repository root, so "works when pasted on a fresh clone" is checked rather than promised. A block fails the
# script when any of its commands fails. Background jobs a block leaves behind are stopped; files it leaves in the
# repository root that were not there before are removed.
#
# Usage: bash scripts/replay-doc-commands.sh docs/conformance.md [MORE.md …]
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    echo "usage: $0 FILE.md [FILE.md …]" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
before="$work/before"
ls -A >"$before"

blocks=0
index=0
for document in "$@"; do
    index=$((index + 1))
    # Split the document's sh blocks into numbered files.
    awk -v out="$work/block" -v doc="$index" '
        /^```sh[[:space:]]*$/ { inside = 1; count += 1; file = sprintf("%s-%02d-%03d.sh", out, doc, count); next }
        /^```/ && inside { inside = 0; next }
        inside { print > file }
    ' "$document"
done

for block in "$work"/block-*.sh; do
    [ -e "$block" ] || continue
    blocks=$((blocks + 1))
    printf '\n--- %s\n' "$(basename "$block")"
    sed 's/^/    /' "$block"
    # The block runs in its own bash; background jobs it leaves running are stopped when it ends.
    if ! bash -e -c "trap 'jobs -p | xargs -r kill 2>/dev/null' EXIT; source '$block'"; then
        echo "error: the block above failed when replayed as written" >&2
        exit 1
    fi
done

# Remove what the blocks left in the repository root.
ls -A | comm -13 "$before" - | while read -r left; do
    echo "removing $left (left by a block)"
    rm -rf -- "$left"
done

if [ "$blocks" -eq 0 ]; then
    echo "error: no \`\`\`sh block found in $*" >&2
    exit 1
fi
echo "replayed $blocks block(s) from $*"
