#!/usr/bin/env bash
# Runs Autobahn|Testsuite in server mode (wstest fuzzingclient) against websocket-echo, chapters 1–7, 9 and 10,
# then times chapter 9 against the Python `websockets` echo server, alternating the two for $ROUNDS rounds
# (default 2) and keeping each case's best time, since other processes on a shared machine add noise.
#
#   scripts/autobahn-server.sh [CASES]          # CASES as for ../shared/tools/autobahn/run (default: 1–7, 9, 10)
#   SKIP_PYTHON_COMPARISON=1 scripts/autobahn-server.sh
#   WSS=1 SKIP_PYTHON_COMPARISON=1 scripts/autobahn-server.sh "1.*,2.*,3.*,4.*,5.*,6.*,7.*"   # over wss://
#
# Reports go to $AUTOBAHN_OUT (default .build/autobahn). Exits 1 if a case of ours failed. Builds websocket-echo
# in release mode (chapter 9 measures throughput) unless $WEBSOCKET_ECHO names a binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
run=${AUTOBAHN_RUN:-$root/../shared/tools/autobahn/run}
out=${AUTOBAHN_OUT:-$root/.build/autobahn}
cases=${1:-"1.*,2.*,3.*,4.*,5.*,6.*,7.*,9.*,10.*"}
rounds=${ROUNDS:-2}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_listening() {  # FILE: waits for the "listening on" line a server prints once ready
  for _ in $(seq 300); do grep -q "listening on" "$1" 2>/dev/null && return 0; sleep 0.1; done
  echo "server did not start: $(cat "$1")" >&2; return 1
}

echo_bin=${WEBSOCKET_ECHO:-}  # a prebuilt websocket-echo, or build one
if [[ -z $echo_bin ]]; then
  (cd "$root" && swift build -c release --product websocket-echo >/dev/null)
  echo_bin=$(cd "$root" && swift build -c release --show-bin-path)/websocket-echo
fi
mkdir -p "$out"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT

scheme=ws tls_options=()
if [[ -n ${WSS:-} ]]; then  # TLS with a test certificate (Autobahn's client does not verify certificates)
  bash "$root/scripts/tls-test-certificates.sh" "$out/certificates" >/dev/null
  scheme=wss tls_options=(--tls-cert "$out/certificates/server.pem" --tls-key "$out/certificates/server.key")
fi
port=$(free_port)
"$echo_bin" --port "$port" "${tls_options[@]}" >"$out/websocket-echo.log" 2>&1 &
pids+=($!)
wait_listening "$out/websocket-echo.log"
status=0
AUTOBAHN_OUT=$out/server "$run" server "$scheme://127.0.0.1:$port" "$cases" >/dev/null || true
python3 "$root/scripts/autobahn-summary.py" "$out/server/servers/index.json" || status=1

if [[ -z ${SKIP_PYTHON_COMPARISON:-} ]]; then
  python_port=$(free_port)
  python3 "$root/scripts/autobahn-python-echo.py" "$python_port" >"$out/python-echo.log" 2>&1 &
  pids+=($!)
  wait_listening "$out/python-echo.log"
  ours=() theirs=()
  for round in $(seq "$rounds"); do
    AUTOBAHN_OUT=$out/python-$round "$run" server "ws://127.0.0.1:$python_port" "9.*" >/dev/null || true
    AUTOBAHN_OUT=$out/timing-$round "$run" server "ws://127.0.0.1:$port" "9.*" >/dev/null || true
    theirs+=("$out/python-$round/servers/index.json")
    ours+=("$out/timing-$round/servers/index.json")
  done
  echo "Python websockets $(python3 -c 'import websockets; print(websockets.__version__)') on chapter 9:"
  python3 "$root/scripts/autobahn-summary.py" "$out/python-1/servers/index.json" --label "  python websockets" --allow-failures
  python3 "$root/scripts/autobahn-summary.py" --chapter 9 --ours "$(IFS=,; echo "${ours[*]}")" \
    --theirs "$(IFS=,; echo "${theirs[*]}")" | sed 's/ ours/ HypergraphWebSocket/; s/ theirs/ Python websockets/'
fi
exit $status
