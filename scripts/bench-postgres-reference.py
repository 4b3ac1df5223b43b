#!/usr/bin/env python3
"""The libpq baseline of `hypergraph-bench postgres`: the same statements through psycopg 3 (libpq).

Connects to the benchmark's server and prints two figures, one per line as `name value`:
  insert-durable-ops  prepared INSERT round trips per second in autocommit with synchronous_commit on
                      (each waits for its WAL flush: mostly the disk); inserts/10 of them
  insert-ops          the same with synchronous_commit off (the round trip itself: client, network, server)
  select-rows         rows per second of a repeated SELECT of the benchmark's 10,000-row table, binary results

Installs psycopg[binary] with pip when it is missing.
Usage: scripts/bench-postgres-reference.py --port PORT [--inserts N] [--selects N]
"""

import argparse
import subprocess
import sys
import time

try:
    import psycopg
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "psycopg[binary]"])
    import psycopg

INSERT = "INSERT INTO bench_insert (a, b) VALUES (%s, %s)"
SELECT = "SELECT id, name, data FROM bench_rows"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--inserts", type=int, default=20_000)
    parser.add_argument("--selects", type=int, default=30)
    options = parser.parse_args()
    connection = psycopg.connect(
        host="127.0.0.1", port=options.port, user="hypergraph", password="hypergraph", dbname="hypergraph",
        autocommit=True)

    for index in range(200):  # warm-up, and the statement gets prepared
        connection.execute(INSERT, (index, "warm-up"), prepare=True)
    for name, count in [("insert-durable-ops", max(1, options.inserts // 10)), ("insert-ops", options.inserts)]:
        if name == "insert-ops":
            connection.execute("SET synchronous_commit = off")
        started = time.perf_counter()
        for index in range(count):
            connection.execute(INSERT, (index, "row %d" % index), prepare=True)
        print(name, count / (time.perf_counter() - started))

    cursor = connection.cursor(binary=True)
    cursor.execute(SELECT, prepare=True)
    cursor.fetchall()
    rows = 0
    started = time.perf_counter()
    for _ in range(options.selects):
        cursor.execute(SELECT, prepare=True)
        rows += len(cursor.fetchall())
    print("select-rows", rows / (time.perf_counter() - started))
    connection.close()


if __name__ == "__main__":
    main()
