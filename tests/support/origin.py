"""Loopback origins (plain HTTP and HTTPS) that record every connection they receive.

A test asks `connections()` afterwards: "the server behind a blocked name was never contacted"
is checked against what the origin actually saw (TLS SNI and Host headers), not assumed.
"""

from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from socket import socket
from typing import Any

from tests.support.certs import OriginCA

BODY_PREFIX = b"origin ok"


@dataclass
class Seen:
    """What the origin saw: one entry per accepted connection and per request."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)

    def connection(self, label: str) -> None:
        with self.lock:
            self.connections.append(label)

    def request(self, host: str) -> None:
        with self.lock:
            self.hosts.append(host)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self) -> None:
        host = self.headers.get("Host", "")
        self.server.seen.request(host)
        body = BODY_PREFIX + f" {self.server.scheme} host={host} path={self.path}\n".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    scheme = "http"
    seen: Seen
    context: ssl.SSLContext | None = None

    def get_request(self) -> tuple[socket, Any]:
        sock, addr = self.socket.accept()
        if self.context is None:
            self.seen.connection("tcp")
            return sock, addr
        sni: list[str] = []

        def remember(_s: Any, name: str | None, _c: Any) -> None:
            sni.append(name or "")

        self.context.sni_callback = remember
        self.seen.connection("tls")
        sock.settimeout(5)
        try:
            wrapped = self.context.wrap_socket(sock, server_side=True)
            wrapped.settimeout(None)
        except (ssl.SSLError, OSError):
            sock.close()
            raise
        finally:
            self.context.sni_callback = None
        if sni:
            self.seen.request(f"sni:{sni[0]}")
        return wrapped, addr


class Origin:
    """One HTTP and one HTTPS server on 127.0.0.1 (ports picked by the OS)."""

    def __init__(self, ca: OriginCA) -> None:
        self.seen = Seen()
        self._http = _Server(("127.0.0.1", 0), _Handler)
        self._http.seen = self.seen
        self._https = _Server(("127.0.0.1", 0), _Handler)
        self._https.seen = self.seen
        self._https.scheme = "https"
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ca.server_cert, ca.server_key)
        self._https.context = context
        self._threads = [
            threading.Thread(target=s.serve_forever, daemon=True) for s in (self._http, self._https)
        ]

    @property
    def http_port(self) -> int:
        return int(self._http.server_address[1])

    @property
    def https_port(self) -> int:
        return int(self._https.server_address[1])

    def start(self) -> Origin:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in (self._http, self._https):
            server.shutdown()
            server.server_close()

    def connection_count(self) -> int:
        with self.seen.lock:
            return len(self.seen.connections)

    def saw_host(self, name: str) -> bool:
        """True if any connection or request named `name` (SNI or Host header)."""
        with self.seen.lock:
            return any(h.removeprefix("sni:").split(":")[0] == name for h in self.seen.hosts)
