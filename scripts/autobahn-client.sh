#!/usr/bin/env bash
# Runs Autobahn|Testsuite in client mode: starts its fuzzing server (wstest fuzzingserver) and drives
# HypergraphWebSocket's client through every case with `websocket-echo --autobahn-client`, then summarises.
#
#   scripts/autobahn-client.sh [CASES]      # default: chapters 1–7 and 10
#
# Reports go to $AUTOBAHN_OUT (default .build/autobahn/client). Exits 1 if a case failed. Builds websocket-echo
# in release mode unless $WEBSOCKET_ECHO names a binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run=${AUTOBAHN_RUN:-$root/../shared/tools/autobahn/run}
out=${AUTOBAHN_OUT:-$root/.build/autobahn/client}
cases=${1:-"1.*,2.*,3.*,4.*,5.*,6.*,7.*,10.*"}
agent=hypergraph-swift

echo_bin=${WEBSOCKET_ECHO:-}  # a prebuilt websocket-echo, or build one
if [[ -z $echo_bin ]]; then
  (cd "$root" && swift build -c release --product websocket-echo >/dev/null)
  echo_bin=$(cd "$root" && swift build -c release --show-bin-path)/websocket-echo
fi
mkdir -p "$out"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# The fuzzing server runs until killed; its own process group lets the trap end wstest with its wrapper.
AUTOBAHN_OUT=$out setsid "$run" client "$port" "$cases" >"$out/fuzzingserver.log" 2>&1 &
server_group=$!
trap 'kill -- -"$server_group" 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null && break
  sleep 0.1
done

"$echo_bin" --autobahn-client "ws://127.0.0.1:$port" --agent "$agent"
python3 "$root/scripts/autobahn-summary.py" "$out/clients/index.json" --agent "$agent"
