"""Raw-socket clients for the proxy: requests curl will not send (mismatched CONNECT host, SNI
and Host header; NUL bytes; broken escapes) and HTTP/1.1 framing we control byte for byte."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Answer:
    """Status, lower-cased headers and body of one response; `issuer` of the TLS peer."""

    status: int
    headers: dict[str, str]
    body: bytes
    issuer: str = ""


def _read_response(sock: socket.socket | ssl.SSLSocket) -> Answer:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        raise ConnectionError(f"no HTTP response: {data[:200]!r}")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    if length is not None:
        while len(body) < int(length):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    elif status not in (204, 304) and headers.get("connection", "").lower() == "close":
        while chunk := sock.recv(65536):
            body += chunk
    return Answer(status, headers, body)


def send_raw(port: int, request: bytes, timeout: float = 20.0) -> Answer:
    """Send `request` bytes to the proxy as they are and read one response."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        return _read_response(sock)


def tunnel(
    port: int,
    connect: str,
    *,
    sni: str | None,
    host_header: str,
    cafile: Path | None = None,
    path: str = "/",
    accept_html: bool = True,
    timeout: float = 20.0,
) -> Answer:
    """CONNECT to `connect`, then TLS with `sni`, then GET `path` with `host_header`.

    Certificates are not verified (the test asks who issued the one it got instead): a
    mitmproxy-issued certificate means the proxy decrypted the connection.
    """
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as raw:
        raw.sendall(f"CONNECT {connect} HTTP/1.1\r\nHost: {connect}\r\n\r\n".encode())
        answer = _read_response(raw)
        if answer.status != 200:
            return answer
        context = ssl.create_default_context(cafile=str(cafile) if cafile else None)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with context.wrap_socket(raw, server_hostname=sni) as tls:
            der = tls.getpeercert(binary_form=True) or b""
            extra = "Accept: text/html\r\n" if accept_html else ""
            tls.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {host_header}\r\n{extra}"
                "Connection: close\r\n\r\n".encode()
            )
            result = _read_response(tls)
            result.issuer = _issuer(der)
            return result


def _issuer(der: bytes) -> str:
    from cryptography import x509

    if not der:
        return ""
    return x509.load_der_x509_certificate(der).issuer.rfc4514_string()
