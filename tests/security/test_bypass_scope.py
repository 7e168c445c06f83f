"""A bypass covers one host, and a request cannot smuggle another flagged name past it: through
a real `lureguard run`, with raw requests that curl will not send."""

from __future__ import annotations

import socket
import struct

from tests.security.rawclient import send_raw, tunnel
from tests.support.forms import form_token
from tests.support.proxy import ProxyProcess, curl

HTML = {"Accept": "text/html"}
PROCEED = "/.well-known/lureguard/proceed"


def _bypass(proxy: ProxyProcess, host: str, next_path: str = "/") -> str:
    """Proceed past `host`'s warning page for this visit; returns the redirect target."""
    page = curl(proxy, f"http://{host}/", headers=HTML)
    token = form_token(page.body, "proceed", "visit")
    done = curl(
        proxy, f"http://{host}{PROCEED}", data={"token": token, "for": "visit", "next": next_path}
    )
    assert done.status == 303, done.body
    return done.headers["location"]


def test_a_bypass_covers_only_its_own_host(secured_proxy: ProxyProcess) -> None:
    # A tab in `next` is dropped by browsers: `/\t/evil.example/` would read `//evil.example/`.
    assert _bypass(secured_proxy, "rnicrosoft.com", "/\t/evil.example/") == "/"
    assert curl(secured_proxy, "http://rnicrosoft.com/", headers=HTML).status == 200
    # The URL names paypa1.com while Host names the bypassed host.
    smuggled = send_raw(
        secured_proxy.port,
        b"GET http://paypa1.com/ HTTP/1.1\r\nHost: rnicrosoft.com\r\nAccept: text/html\r\n"
        b"Connection: close\r\n\r\n",
    )
    assert smuggled.status == 403
    assert b"This is not PayPal" in smuggled.body
    # CONNECT and SNI name paypa1.com, the Host header inside names the bypassed host.
    tunnelled = tunnel(
        secured_proxy.port, "paypa1.com:443", sni="paypa1.com", host_header="rnicrosoft.com"
    )
    assert tunnelled.status == 403
    assert b"This is not PayPal" in tunnelled.body


def test_two_host_headers_are_refused(secured_proxy: ProxyProcess) -> None:
    for first, second in (("rnicrosoft.com", "example.com"), ("example.com", "example.com")):
        answer = send_raw(
            secured_proxy.port,
            f"GET http://example.com/ HTTP/1.1\r\nHost: {first}\r\nHost: {second}\r\n"
            "Accept: text/html\r\nConnection: close\r\n\r\n".encode(),
        )
        assert answer.status == 400, answer.body


def test_go_back_never_leads_to_the_flagged_host(secured_proxy: ProxyProcess) -> None:
    for referrer in ("http://PAYPA1.COM./inbox", "http://paypa1.com/x"):
        page = curl(secured_proxy, "http://paypa1.com/", headers={**HTML, "Referer": referrer})
        assert page.status == 403
        assert 'id="go-back" href="about:blank"' in page.body


def test_clients_that_hang_up_cost_the_api_no_traceback(secured_proxy: ProxyProcess) -> None:
    token = (secured_proxy.data_dir / "api-token").read_text().strip()
    request = (
        f"GET /api/v1/verdict?url=rnicrosoft.com HTTP/1.1\r\nHost: 127.0.0.1:"
        f"{secured_proxy.api_port}\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()
    for _ in range(30):
        with socket.create_connection(("127.0.0.1", secured_proxy.api_port)) as sock:
            sock.sendall(request)
            # Close with a reset, before the answer is written.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    answer = send_raw(
        secured_proxy.api_port,
        request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"),
    )
    assert answer.status == 200
    output = secured_proxy.output()
    assert "Traceback" not in output
    assert "BrokenPipe" not in output
