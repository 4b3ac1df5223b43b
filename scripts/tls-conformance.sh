#!/usr/bin/env bash
# The conformance suite over wss:// and https:// (identities provisioned over https:// through --admin-url):
#   1. against `hypergraph serve --tls-cert --tls-key` (our TLS server);
#   2. through nginx terminating TLS in front of a plain `hypergraph serve` (a TLS stack that is not ours);
#   3. certificate rotation: after SIGHUP, `hypergraph serve` presents the new certificate to new connections.
# Certificates come from scripts/tls-test-certificates.sh; nginx-light is installed with apt-get when missing.
#
#   scripts/tls-conformance.sh            # builds hypergraph unless $HYPERGRAPH names a binary
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
hypergraph=${HYPERGRAPH:-}
if [[ -z $hypergraph ]]; then
  (cd "$root" && swift build --product hypergraph >/dev/null)
  hypergraph=$(cd "$root" && swift build --show-bin-path)/hypergraph
fi
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # PORT: waits until something accepts connections there
  for _ in $(seq 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  echo "nothing listens on port $1" >&2; return 1
}
serve() {  # PORT [TLS OPTIONS…]: starts `hypergraph serve` on a fresh database
  local port=$1; shift
  "$hypergraph" serve --port "$port" --db "$work/db-$port.sqlite" --admin-token conformance --log-level warn "$@" \
    >"$work/serve-$port.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
}
conformance() {  # PORT LABEL: the whole suite at wss://localhost:PORT
  echo "== conformance over wss:// and https:// — $2"
  "$hypergraph" conformance run --url "wss://localhost:$1/" --admin-url "https://localhost:$1" \
    --admin-token conformance --ca-file "$certs/ca.pem" --jobs 4 2>"$work/conformance-$1.log" | tail -2
}
subject() {  # PORT: the common name of the certificate served there
  openssl s_client -connect "127.0.0.1:$1" -servername localhost </dev/null 2>/dev/null \
    | openssl x509 -noout -subject | sed 's/.*CN *= *//'
}

certs=$work/certs
bash "$root/scripts/tls-test-certificates.sh" "$certs" >/dev/null

# 1. Our TLS server.
cp "$certs/server.pem" "$work/live.pem"
cp "$certs/server.key" "$work/live.key"
tls_port=$(free_port)
serve "$tls_port" --tls-cert "$work/live.pem" --tls-key "$work/live.key"
conformance "$tls_port" "hypergraph serve --tls-cert/--tls-key"

# 3. Rotation on SIGHUP (the server from step 1).
echo "== certificate rotation on SIGHUP"
before=$(subject "$tls_port")
cp "$certs/rotated.pem" "$work/live.pem"
cp "$certs/rotated.key" "$work/live.key"
kill -HUP "${pids[0]}"
for _ in $(seq 50); do grep -q "reloaded" "$work/serve-$tls_port.log" && break; sleep 0.1; done
after=$(subject "$tls_port")
echo "certificate before: $before, after SIGHUP: $after"
[[ $before == server && $after == rotated ]] || { echo "FAIL: the certificate did not rotate" >&2; exit 1; }

# 2. nginx terminating TLS in front of a plain server.
nginx_bin=$(command -v nginx || true)
[[ -z $nginx_bin && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
if [[ -z $nginx_bin ]]; then
  apt-get install -y nginx-light >/dev/null || { apt-get update >/dev/null && apt-get install -y nginx-light >/dev/null; }
  nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
fi
plain_port=$(free_port)
nginx_port=$(free_port)
serve "$plain_port"
mkdir -p "$work/nginx/logs"
chmod -R 777 "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:$nginx_port ssl;
    ssl_certificate $certs/server.pem;
    ssl_certificate_key $certs/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://127.0.0.1:$plain_port;
      proxy_http_version 1.1;
      proxy_set_header Upgrade \$http_upgrade;
      proxy_set_header Connection \$connection_upgrade;
      proxy_set_header Host \$host;
      proxy_read_timeout 1h;
    }
  }
}
CONF
"$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
wait_port "$nginx_port"
conformance "$nginx_port" "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') terminating TLS in front of plain hypergraph serve"
