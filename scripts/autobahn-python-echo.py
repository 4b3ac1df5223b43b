#!/usr/bin/env python3
"""An echo server on the Python `websockets` package, the reference point for Autobahn chapter 9 timings.

Usage: scripts/autobahn-python-echo.py PORT   (installs websockets if missing; prints "listening on 127.0.0.1:PORT")
Compression is off so the comparison with HypergraphWebSocket (no permessage-deflate) is like for like.
"""
import asyncio
import subprocess
import sys

try:
    import websockets  # noqa: F401
except ImportError:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", "websockets"])

from websockets.asyncio.server import serve
from websockets.exceptions import ConnectionClosed


async def echo(ws):
    try:
        async for message in ws:
            await ws.send(message)
    except ConnectionClosed:
        pass


async def main(port):
    async with serve(echo, "127.0.0.1", port, max_size=None, compression=None):
        print(f"listening on 127.0.0.1:{port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
