#!/usr/bin/env python3
"""Interoperability of HypergraphWebSocket with the Python `websockets` package, both ways.

1. Python client -> our server (websocket-echo): text and binary from 0 B to 16 MiB, fragmented messages, ping,
   close codes both ways, 1009 for an oversized message, 1002 for a frame with a reserved bit, 1001 on shutdown.
2. Our client (websocket-echo --interop-client) -> a Python echo server: the checks in
   Sources/websocket-echo/InteropChecks.swift.

Usage: scripts/websocket-interop.py [--binary PATH]   (default: builds websocket-echo with `swift build`)
Prints one line per failure and a closing "interop: N passed, M failed"; exits 1 on any failure.
"""
import argparse
import asyncio
import os
import signal
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [0, 1, 125, 126, 127, 65535, 65536, 65537, 1 << 20, 16 << 20]
TIMEOUT = 60


def ensure_websockets():
    try:
        import websockets  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "websockets"])


def build_binary():
    subprocess.check_call(["swift", "build", "--product", "websocket-echo"], cwd=ROOT, stdout=subprocess.DEVNULL)
    bin_path = subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip()
    return os.path.join(bin_path, "websocket-echo")


def text_of(size):
    """Text of exactly `size` UTF-8 bytes mixing one-, two- and three-byte characters."""
    text = "aé€" * (size // 6)
    return text + "x" * (size - len(text.encode()))


def bytes_of(size):
    return bytes((i * 31 + 7) & 0xFF for i in range(size)) if size < 70000 else os.urandom(size)


class Results:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    async def check(self, name, coroutine):
        try:
            await asyncio.wait_for(coroutine, TIMEOUT)
            self.passed += 1
        except Exception as error:  # report every failure, keep going
            self.failed += 1
            print(f"FAIL {name}: {type(error).__name__}: {error}", flush=True)


async def start_echo_server(binary, tls=None):
    """websocket-echo on a free port; with `tls` (see scripts/tls-interop.py) it serves wss:// on localhost."""
    extra = tls.server_arguments if tls else []
    process = await asyncio.create_subprocess_exec(binary, "--port", "0", *extra, stdout=asyncio.subprocess.PIPE)
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    if not line.startswith("listening on "):
        raise RuntimeError(f"websocket-echo did not start: {line!r}")
    port = line.split(":")[-1].strip()
    return process, f"wss://localhost:{port}" if tls else f"ws://127.0.0.1:{port}"


async def python_client_checks(binary, results, tls=None):
    from websockets.asyncio.client import connect as plain_connect
    from websockets.exceptions import ConnectionClosed

    def connect(url, **options):
        return plain_connect(url, ssl=tls.client_context, **options) if tls else plain_connect(url, **options)

    server, url = await start_echo_server(binary, tls)
    try:
        async def echo(message):
            async with connect(url, max_size=None) as ws:
                await ws.send(message)
                answer = await ws.recv()
                assert answer == message, f"echo differs ({len(answer)} vs {len(message)})"

        for size in SIZES:
            await results.check(f"python->swift text {size} B", echo(text_of(size)))
            await results.check(f"python->swift binary {size} B", echo(bytes_of(size)))

        async def fragmented():
            async with connect(url, max_size=None) as ws:
                await ws.send(["Hello, ", "wörld", " ✓"])
                assert await ws.recv() == "Hello, wörld ✓"
                chunks = [bytes_of(100_000) for _ in range(5)]
                await ws.send(chunks)
                assert await ws.recv() == b"".join(chunks)

        async def ping():
            async with connect(url) as ws:
                pong = await ws.ping(b"are you there?")
                await asyncio.wait_for(pong, 10)

        async def close_code():
            async with connect(url) as ws:
                await ws.close(4000, "python is done")
                assert ws.close_code == 4000, f"close code {ws.close_code}"

        async def expect_close(ws, code):
            try:
                await ws.recv()
            except ConnectionClosed:
                assert ws.close_code == code, f"close code {ws.close_code}, expected {code}"
                return
            raise AssertionError(f"the server did not close with {code}")

        async def oversized():
            # No `async with`: after the server closed mid-send, websockets 17's own close() trips over its
            # already-closed transport, which has nothing to do with the server.
            ws = await connect(url, max_size=None)
            try:
                await ws.send(bytes_of((16 << 20) + 1))
            except ConnectionClosed:
                pass  # the server may close before the client finished writing
            await expect_close(ws, 1009)

        async def reserved_bit():
            async with connect(url) as ws:
                # websockets refuses to build such a frame, so write it by hand: FIN + RSV2 + text, masked "x".
                mask = os.urandom(4)
                ws.transport.write(bytes([0xA1, 0x81]) + mask + bytes([ord("x") ^ mask[0]]))
                await expect_close(ws, 1002)

        await results.check("python->swift fragmented text and binary", fragmented())
        await results.check("python->swift ping", ping())
        await results.check("python->swift close 4000 echoed", close_code())
        await results.check("python->swift 16 MiB + 1 closes with 1009", oversized())
        await results.check("python->swift reserved bit closes with 1002", reserved_bit())

        async def shutdown():
            async with connect(url) as ws:
                server.send_signal(signal.SIGTERM)
                await ws.wait_closed()
                assert ws.close_code == 1001, f"close code {ws.close_code}"

        await results.check("python->swift graceful shutdown sends 1001", shutdown())
    finally:
        if server.returncode is None:
            server.send_signal(signal.SIGTERM)
        await server.wait()


async def swift_client_checks(binary, results, tls=None):
    from websockets.asyncio.server import serve
    from websockets.exceptions import ConnectionClosed

    async def handler(ws):
        path = ws.request.path
        if path.startswith("/close/"):
            _, _, code, reason = path.split("/", 3)
            await ws.close(int(code), reason)
            return
        try:
            async for message in ws:
                await ws.send(message)
        except ConnectionClosed:
            pass  # closes with codes other than 1000/1001 end the iteration with an exception

    options = {"ssl": tls.server_context} if tls else {}
    async with serve(handler, "127.0.0.1", 0, max_size=None, compression=None, **options) as server:
        port = server.sockets[0].getsockname()[1]
        url = f"wss://localhost:{port}" if tls else f"ws://127.0.0.1:{port}"
        process = await asyncio.create_subprocess_exec(
            binary, "--interop-client", url, *(tls.client_arguments if tls else []),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await asyncio.wait_for(process.communicate(), 5 * TIMEOUT)
    summary = None
    for line in output.decode().splitlines():
        if line.startswith("FAIL"):
            print(f"swift->python {line}", flush=True)
        if line.startswith("interop client: "):
            summary = line
    if summary is None:
        results.failed += 1
        print(f"FAIL swift->python: no summary (exit {process.returncode}): {output.decode()[-2000:]}")
        return
    passed, failed = (int(part.split()[0]) for part in summary.removeprefix("interop client: ").split(", "))
    results.passed += passed
    results.failed += failed
    if process.returncode != 0 and failed == 0:
        results.failed += 1
        print(f"FAIL swift->python: exit status {process.returncode}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="path to websocket-echo (default: build it)")
    arguments = parser.parse_args()
    ensure_websockets()
    binary = arguments.binary or build_binary()
    results = Results()
    asyncio.run(python_client_checks(binary, results))
    asyncio.run(swift_client_checks(binary, results))
    print(f"interop: {results.passed} passed, {results.failed} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
