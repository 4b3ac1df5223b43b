#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on a free loopback port, for CI steps and for trying the PostgreSQL backend by hand.
#
#   scripts/postgres-cluster.sh start DIR   creates the cluster in DIR (must not exist), starts it, prints its URL
#   scripts/postgres-cluster.sh stop DIR    stops it and removes DIR
#
# The URL is postgres://hypergraph:PASSWORD@127.0.0.1:PORT/hypergraph; logins use SCRAM-SHA-256. Installs Debian's
# PostgreSQL with apt-get when no initdb is found. Run as root, the server runs as the `postgres` user.
set -euo pipefail

die() { echo "postgres-cluster: $*" >&2; exit 1; }

find_bin() {
    local dir
    if [[ -n "${HYPERGRAPH_PG_BIN:-}" ]]; then echo "$HYPERGRAPH_PG_BIN"; return; fi
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" ]] && { echo "$dir"; return; }
    done
    command -v initdb >/dev/null && { dirname "$(command -v initdb)"; return; }
    return 1
}

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    local dir=$1
    [[ -e "$dir" ]] && die "$dir already exists"
    local bin
    if ! bin=$(find_bin); then
        echo "postgres-cluster: installing postgresql with apt-get" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
        bin=$(find_bin) || die "PostgreSQL is not installed and could not be installed"
    fi
    mkdir -p "$dir"
    if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$dir/.."; then
        rmdir "$dir"
        die "the postgres user cannot enter $(dirname "$dir"); choose a folder under /tmp, e.g. \$(mktemp -u -d /tmp/pg.XXXXXX)"
    fi
    trap 'stop "$dir"' ERR
    local password
    password=$(python3 -c 'import secrets; print(secrets.token_hex(12))')
    echo "$password" > "$dir/password"
    [[ $(id -u) -eq 0 ]] && chown -R postgres:postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U hypergraph --pwfile="$dir/password" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    local port
    port=$(free_port)
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c max_connections=200" start >/dev/null \
        || { cat "$dir/server.log" >&2; die "the server did not start"; }
    echo "$port" > "$dir/port"
    PGPASSWORD=$password psql -h 127.0.0.1 -p "$port" -U hypergraph -d postgres -q -c "CREATE DATABASE hypergraph" \
        >/dev/null || die "could not create the database"
    trap - ERR
    echo "postgres://hypergraph:$password@127.0.0.1:$port/hypergraph"
}

stop() {
    local dir=$1
    [[ -d "$dir" ]] || return 0
    local bin
    bin=$(find_bin) || die "PostgreSQL is not installed"
    [[ -f "$dir/data/postmaster.pid" ]] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
    true
    rm -rf "$dir"
}

case "${1:-}" in
    start) [[ $# -eq 2 ]] || die "usage: $0 start DIR"; start "$2" ;;
    stop) [[ $# -eq 2 ]] || die "usage: $0 stop DIR"; stop "$2" ;;
    *) die "usage: $0 start DIR | stop DIR" ;;
esac
