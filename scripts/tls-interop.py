#!/usr/bin/env python3
"""TLS interoperability with Python's `ssl` module and the `websockets` package, both ways, and the refusals.

1. Every check of scripts/websocket-interop.py over wss://: Python's client against websocket-echo --tls-cert/--tls-key,
   and our client (websocket-echo --interop-client wss://… --ca-file) against a Python wss:// echo server.
2. Our client refuses a Python server presenting a certificate for another host name, one from an untrusted CA or an
   expired one, and `openssl s_server -tls1_1` (Python's asyncio server drops such a client without the protocol
   version alert) — each with its own error.
3. Python's client refuses our server presenting those certificates (each with its own verification error), and our
   server refuses a client that offers only TLS 1.1.
4. Rotation: after SIGHUP, websocket-echo serves the new certificate to new connections while an open one goes on.

Certificates come from scripts/tls-test-certificates.sh (the openssl command).
Usage: scripts/tls-interop.py [--binary PATH]   (default: builds websocket-echo with `swift build`)
Prints one line per failure and a closing "tls interop: N passed, M failed"; exits 1 on any failure.
"""
import argparse
import asyncio
import importlib.util
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore", "ssl.TLSVersion.TLSv1_1 is deprecated", DeprecationWarning)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("websocket_interop", os.path.join(ROOT, "scripts", "websocket-interop.py"))
interop = importlib.util.module_from_spec(spec)
spec.loader.exec_module(interop)


# The certificates both clients must refuse: (what, certificate, our client's error, Python's error).
REFUSED_CERTIFICATES = [
    ("a certificate for another host", "wrong-host", "the certificate is not valid for 'localhost'", "Hostname mismatch"),
    ("an untrusted CA", "untrusted", "not signed by a trusted certificate authority",
     "certificate verify failed: self-signed certificate in certificate chain"),
    ("an expired certificate", "expired", "the certificate has expired", "certificate has expired"),
]


class TLSSetup:
    """The test certificates and the TLS settings of both sides built from them."""

    def __init__(self, directory, name="server"):
        self.directory = directory
        self.ca = os.path.join(directory, "ca.pem")
        self.server_arguments = ["--tls-cert", self.pem(name), "--tls-key", self.key(name)]
        self.client_arguments = ["--ca-file", self.ca]
        self.client_context = ssl.create_default_context(cafile=self.ca)
        self.server_context = self.python_server_context(name)

    def pem(self, name):
        return os.path.join(self.directory, f"{name}.pem")

    def key(self, name):
        return os.path.join(self.directory, f"{name}.key")

    def python_server_context(self, name):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.pem(name), self.key(name))
        return context


async def our_client_output(binary, tls, port):
    """Runs our interoperability client against wss://localhost:PORT; returns its exit status and output."""
    process = await asyncio.create_subprocess_exec(
        binary, "--interop-client", f"wss://localhost:{port}", *tls.client_arguments,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, output.decode()


def assert_refused(status, text, expected):
    """Every check failed, the first (the first connection) with `expected`."""
    failures = [line for line in text.splitlines() if line.startswith("FAIL")]
    assert status != 0 and failures and "0 passed" in text, f"our client accepted it: {text[-500:]}"
    assert expected in failures[0], f"expected '{expected}': {failures[0]}"


async def our_client_refuses(binary, tls, results, name, certificate, expected):
    """Our client against a Python wss:// server presenting `certificate` must be refused with `expected`."""
    from websockets.asyncio.server import serve

    async def handler(ws):
        async for message in ws:
            await ws.send(message)

    async def check():
        async with serve(handler, "127.0.0.1", 0, ssl=tls.python_server_context(certificate)) as server:
            assert_refused(*await our_client_output(binary, tls, server.sockets[0].getsockname()[1]), expected)

    await results.check(f"swift client refuses {name}", check())


async def our_client_refuses_tls_1_1(binary, tls, results):
    """Our client (TLS 1.2 at least) against `openssl s_server -tls1_1` must report the protocol version."""

    async def check():
        port = free_port()
        server = await asyncio.create_subprocess_exec(
            "openssl", "s_server", "-accept", str(port), "-4", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0",
            "-cert", tls.pem("server"), "-key", tls.key("server"), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    break
                except OSError:
                    await asyncio.sleep(0.05)
            assert_refused(*await our_client_output(binary, tls, port), "no common protocol version")
        finally:
            server.kill()
            await server.wait()

    await results.check("swift client refuses a TLS 1.1-only server (openssl s_server)", check())


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def python_client_refuses(binary, tls, results, name, certificate, expected, client_context=None):
    """Python's client must refuse our server presenting `certificate`, with `expected` in its error."""
    from websockets.asyncio.client import connect

    async def check():
        server, url = await interop.start_echo_server(binary, TLSSetup(tls.directory, certificate))
        try:
            try:
                async with connect(url, ssl=client_context or tls.client_context, open_timeout=10):
                    pass
            except (ssl.SSLError, OSError) as error:
                assert expected in str(error), f"expected '{expected}', got {error}"
                return
            raise AssertionError("Python's client accepted it")
        finally:
            server.send_signal(signal.SIGTERM)
            await server.wait()

    await results.check(f"python client refuses our server with {name}", check())


async def rotation(binary, tls, results):
    """SIGHUP: new connections get the rotated certificate; the open connection keeps working."""
    from websockets.asyncio.client import connect

    async def check():
        live = tempfile.mkdtemp()
        try:
            for suffix in ("pem", "key"):
                shutil.copy(os.path.join(tls.directory, f"server.{suffix}"), os.path.join(live, f"server.{suffix}"))
            shutil.copy(tls.ca, os.path.join(live, "ca.pem"))
            server, url = await interop.start_echo_server(binary, TLSSetup(live))
            try:
                async with connect(url, ssl=tls.client_context) as before:
                    common_name = lambda ws: dict(x[0] for x in ws.transport.get_extra_info("peercert")["subject"])["commonName"]
                    assert common_name(before) == "server"
                    for suffix in ("pem", "key"):
                        shutil.copy(os.path.join(tls.directory, f"rotated.{suffix}"), os.path.join(live, f"server.{suffix}"))
                    server.send_signal(signal.SIGHUP)
                    await asyncio.sleep(0.5)
                    async with connect(url, ssl=tls.client_context) as after:
                        assert common_name(after) == "rotated", f"after SIGHUP: {common_name(after)}"
                        await after.send("new")
                        assert await after.recv() == "new"
                    await before.send("still open")
                    assert await before.recv() == "still open"
            finally:
                server.send_signal(signal.SIGTERM)
                await server.wait()
        finally:
            shutil.rmtree(live)

    await results.check("SIGHUP rotates the certificate without dropping the open connection", check())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", help="path to websocket-echo (default: build it)")
    arguments = parser.parse_args()
    interop.ensure_websockets()
    binary = arguments.binary or interop.build_binary()
    directory = tempfile.mkdtemp()
    try:
        subprocess.check_call(["bash", os.path.join(ROOT, "scripts", "tls-test-certificates.sh"), directory],
                              stdout=subprocess.DEVNULL)
        tls = TLSSetup(directory)
        results = interop.Results()
        asyncio.run(interop.python_client_checks(binary, results, tls))
        asyncio.run(interop.swift_client_checks(binary, results, tls))

        async def refusals():
            for name, certificate, ours, python in REFUSED_CERTIFICATES:
                await our_client_refuses(binary, tls, results, name, certificate, ours)
                await python_client_refuses(binary, tls, results, name, certificate, python)
            await our_client_refuses_tls_1_1(binary, tls, results)
            old = ssl.create_default_context(cafile=tls.ca)
            old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            old.maximum_version = ssl.TLSVersion.TLSv1_1
            old.set_ciphers("DEFAULT:@SECLEVEL=0")
            await python_client_refuses(binary, tls, results, "a TLS 1.1-only client", "server",
                                        "version", client_context=old)
            await rotation(binary, tls, results)

        asyncio.run(refusals())
    finally:
        shutil.rmtree(directory)
    print(f"tls interop: {results.passed} passed, {results.failed} failed")
    sys.exit(1 if results.failed else 0)


if __name__ == "__main__":
    main()
