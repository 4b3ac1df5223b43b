#!/usr/bin/env bash
# The whole conformance suite against `hypergraph serve --store postgres://…` on a throwaway PostgreSQL cluster.
#
#   scripts/conformance-postgres.sh [PATH_TO_HYPERGRAPH]
#
# Starts the cluster (scripts/postgres-cluster.sh), provisions identities through the server's admin route, runs
# every case, and stops the server and the cluster whatever happens. Exits with the suite's status.
set -euo pipefail
cd "$(dirname "$0")/.."
hypergraph=${1:-$(swift build --show-bin-path)/hypergraph}

cluster=$(mktemp -u -d /tmp/hypergraph-pg.XXXXXX)
work=$(mktemp -d)
server_pid=
cleanup() {
    [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    scripts/postgres-cluster.sh stop "$cluster"
    rm -rf "$work"
}
trap cleanup EXIT

url=$(scripts/postgres-cluster.sh start "$cluster")
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
"$hypergraph" serve --store "$url" --port 0 --admin-token "$token" --log-level info 2>"$work/server.log" &
server_pid=$!
port=
for _ in $(seq 1 200); do
    port=$(sed -n 's/.*server\.start.*port=\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "the server exited" >&2; exit 1; }
    sleep 0.05
done
[[ -n "$port" ]] || { cat "$work/server.log" >&2; echo "the server did not report its port" >&2; exit 1; }

"$hypergraph" conformance run --url "ws://127.0.0.1:$port" --admin-url "http://127.0.0.1:$port" \
    --admin-token "$token" --jobs 4
