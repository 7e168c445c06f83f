"""`ApiServer`: the verdict API on a loopback socket, in a background thread.

The proxy starts one inside its own process; `lureguard api` runs one alone.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import sys
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from lureguard.api.app import (
    MAX_BODY_BYTES,
    ApiApp,
    EngineSource,
    ReportSink,
    Request,
    Response,
    StatusSource,
)
from lureguard.api.bypasses import BYPASSES_FILE
from lureguard.api.guard import RateLimiter
from lureguard.api.origins import allowed_origins
from lureguard.api.reports import ReportLog
from lureguard.api.token import load_or_create_token
from lureguard.credguard.events import CREDENTIAL_EVENTS_FILE

log = logging.getLogger(__name__)

#: Seconds a connection may stay silent (bounds slow clients holding threads).
SOCKET_TIMEOUT = 15.0


class ApiServerError(OSError):
    """The API could not start (port taken, not a loopback address, …)."""


class ApiServer:
    """Serve the verdict API on `host:port` until `stop()`; `port=0` picks a free port."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8081,
        *,
        data_dir: Path,
        engine: EngineSource,
        status: StatusSource = dict,
        proxy_address: tuple[str, int] = ("127.0.0.1", 8080),
        on_report: ReportSink | None = None,
        on_bypass: ReportSink | None = None,
        on_credential: ReportSink | None = None,
        extra_origins: Iterable[str] = (),
        rate: float = 100.0,
        burst: int = 400,
    ) -> None:
        if not _is_loopback(host):
            raise ApiServerError(f"the API listens on loopback only, not on '{host}'")
        self.host = host
        self.requested_port = port
        self.data_dir = data_dir
        self.token = load_or_create_token(data_dir)
        self._app_args: dict[str, Any] = {
            "token": self.token,
            "origins": allowed_origins(data_dir, extra_origins),
            "engine": engine,
            "status": status,
            "proxy_address": proxy_address,
            "reports": ReportLog(data_dir),
            "on_report": on_report,
            "on_bypass": on_bypass,
            "bypasses": ReportLog(data_dir, BYPASSES_FILE),
            "on_credential": on_credential,
            "credentials": ReportLog(data_dir, CREDENTIAL_EVENTS_FILE),
            "limiter": RateLimiter(rate, burst),
            "data_dir": data_dir,
        }
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = port

    @property
    def url(self) -> str:
        """The API's base URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Bind and serve in a daemon thread; returns once the socket is listening."""
        try:
            httpd = _Server((self.host, self.requested_port), _Handler)
        except OSError as exc:
            raise ApiServerError(
                f"cannot listen on {self.host}:{self.requested_port}: {exc.strerror or exc}"
            ) from None
        self.port = int(httpd.server_address[1])
        httpd.app = ApiApp(port=self.port, **self._app_args)
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, name="lureguard-api", daemon=True
        )
        self._thread.start()
        log.info("verdict API listening on %s", self.url)

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    app: ApiApp

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up early is one debug line, not a traceback on stderr."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log.debug("verdict API: client %s went away (%s)", client_address, exc)
            return
        log.error("verdict API: request from %s failed", client_address, exc_info=exc)


class _Handler(BaseHTTPRequestHandler):
    """Translate http.server's request into a `Request` and write the `Response`."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "lureguard-api"
    sys_version = ""
    timeout = SOCKET_TIMEOUT

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_OPTIONS(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        body, too_large = self._read_body(headers)
        request = Request(self.command, self.path, headers, body, too_large)
        self._write(self.server.app.handle(request))

    def _read_body(self, headers: dict[str, str]) -> tuple[bytes, bool]:
        if "transfer-encoding" in headers:
            # Chunked bodies are not needed by the extension; refuse rather than parse them.
            self.close_connection = True
            return b"", True
        try:
            length = int(headers.get("content-length", "0"))
        except ValueError:
            length = MAX_BODY_BYTES + 1
        if length < 0 or length > MAX_BODY_BYTES:
            self.close_connection = True
            return b"", True
        return self.rfile.read(length), False

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (a 64 KB request line, bad syntax) as JSON, never as its
        HTML page that quotes the request."""
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        body = json.dumps({"error": text[:200], "code": f"http-{code}"}).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("verdict API: " + format, *args)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
