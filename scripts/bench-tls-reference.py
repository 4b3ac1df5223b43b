#!/usr/bin/env python3
"""The peer anchor of `hypergraph-bench tls`: Python `websockets` over the `ssl` module (OpenSSL underneath).

Starts a Python echo server (ws:// and wss://, in a child process so client and server each have a core) and
measures, with a Python client, for each target: WebSocket connections opened and closed per second (TCP, TLS and
the upgrade) and echo round trips per second of a 32-byte text message. Targets are the Python server and any
servers given with --target (e.g. ours), so the same client measures both servers.

Usage: scripts/bench-tls-reference.py --ca PEM --cert PEM --key PEM [--target NAME=URL ...] [--seconds S]
Prints "NAME-SCHEME-connections VALUE" and "NAME-SCHEME-echo VALUE" lines, e.g. "python-wss-echo 9000.0".
"""
import argparse
import asyncio
import ssl
import subprocess
import sys
import time


def ensure_websockets():
    try:
        import websockets  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "websockets"])


async def serve(cert, key):
    from websockets.asyncio.server import serve as websocket_serve

    async def echo(ws):
        async for message in ws:
            await ws.send(message)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    async with websocket_serve(echo, "127.0.0.1", 0, compression=None) as plain, \
            websocket_serve(echo, "127.0.0.1", 0, ssl=context, compression=None) as secure:
        print(plain.sockets[0].getsockname()[1], secure.sockets[0].getsockname()[1], flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def measure(url, context, seconds):
    from websockets.asyncio.client import connect

    options = {"ssl": context} if url.startswith("wss") else {}
    connections = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        async with connect(url, compression=None, **options):
            connections += 1
    round_trips = 0
    async with connect(url, compression=None, **options) as ws:
        message = "x" * 32
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            await ws.send(message)
            await ws.recv()
            round_trips += 1
    return connections / seconds, round_trips / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--target", action="append", default=[], help="NAME=URL of another server to measure")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    ensure_websockets()
    if arguments.serve:
        return asyncio.run(serve(arguments.cert, arguments.key))
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--ca", arguments.ca, "--cert", arguments.cert, "--key", arguments.key],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        plain_port, secure_port = server.stdout.readline().split()
        targets = [("python-ws", f"ws://127.0.0.1:{plain_port}/"), ("python-wss", f"wss://localhost:{secure_port}/")]
        for target in arguments.target:
            name, url = target.split("=", 1)
            targets.append((f"{name}-{url.split(':')[0]}", url))
        context = ssl.create_default_context(cafile=arguments.ca)
        for name, url in targets:
            connections, echo = asyncio.run(measure(url, context, arguments.seconds))
            print(f"{name}-connections {connections:.1f}")
            print(f"{name}-echo {echo:.1f}", flush=True)
    finally:
        server.stdin.close()
        server.wait()


if __name__ == "__main__":
    main()
