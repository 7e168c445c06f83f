"""Cross-origin abuse of loopback: a page on another origin (a real loopback origin in real
Chromium, proxied through a real `lureguard run`) against the API and the warning page; plus
the bypass token's properties, checked against the signer itself."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from lureguard.proxy.tokens import TokenError, TokenSigner
from tests.security.rawclient import send_raw
from tests.support.proxy import ProxyProcess

ATTACK = """<!doctype html><title>attacker</title>
<form id="f" method="post" action="http://rnicrosoft.com/.well-known/lureguard/proceed">
<input name="token" value="{token}"><input name="for" value="day"><input name="next" value="/">
</form>
<iframe id="frame" src="http://rnicrosoft.com/login"></iframe>
<script>
window.results = {{}};
(async () => {{
  const api = "http://127.0.0.1:{api}/api/v1/verdict?url=rnicrosoft.com";
  for (const [name, init] of [["simple", {{}}],
                              ["bearer", {{headers: {{Authorization: "Bearer x"}}}}]]) {{
    try {{ const r = await fetch(api, init); window.results[name] = "read " + (await r.text()); }}
    catch (e) {{ window.results[name] = "blocked"; }}
  }}
  window.results.done = true;
}})();
</script>"""


@pytest.fixture(scope="module")
def attacker(secured_proxy: ProxyProcess) -> Iterator[dict[str, str]]:
    """A loopback web server serving the attacker's page at /attack?token=…"""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path.split("?")[0], "nothing").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages["base"] = f"http://127.0.0.1:{server.server_address[1]}"
    yield pages
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser_page(secured_proxy: ProxyProcess) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                f"--proxy-server={secured_proxy.url}",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        yield page
        browser.close()


def _warning_token(page: Page) -> str:
    page.goto("http://rnicrosoft.com/")
    return str(page.get_attribute("form.proceed input[name=token]", "value"))


def test_another_origin_cannot_read_bypass_or_frame(
    browser_page: Page, attacker: dict[str, str], secured_proxy: ProxyProcess
) -> None:
    page = browser_page
    # A token the attacker cannot have; a real one (from the user's own warning page) is
    # bound to the page's host and used up below, so neither works from another page.
    stolen = _warning_token(page)
    attacker["/attack"] = ATTACK.format(api=secured_proxy.api_port, token=stolen[:-6] + "AAAAAA")
    page.goto(attacker["base"] + "/attack")
    page.wait_for_function("window.results && window.results.done", timeout=20000)
    results = page.evaluate("window.results")
    assert results["simple"] == "blocked"  # no CORS header for a web origin: nothing read
    assert results["bearer"] == "blocked"  # the preflight is refused
    # Framing: the navigation inside a frame gets the short text answer, never the page with
    # its forms (and the page itself says frame-ancestors 'none' / X-Frame-Options: DENY).
    frame = page.frame_locator("#frame")
    assert frame.locator("form.proceed").count() == 0
    assert "This is not Microsoft" not in (frame.locator("body").inner_text(timeout=10000))
    # CSRF: the cross-site form post with a forged token is refused ...
    with page.expect_navigation():
        page.evaluate("document.getElementById('f').submit()")
    assert "did not let you through" in page.inner_text("body")
    # ... and the host still warns.
    page.goto("http://rnicrosoft.com/")
    assert page.query_selector("form.proceed") is not None


def test_dns_rebinding_names_are_refused_by_the_api(secured_proxy: ProxyProcess) -> None:
    token = (secured_proxy.data_dir / "api-token").read_text().strip()
    for host in (f"evil.example:{secured_proxy.api_port}", "127.0.0.1.nip.io", "localhost.evil"):
        answer = send_raw(
            secured_proxy.api_port,
            f"GET /api/v1/verdict?url=x.com HTTP/1.1\r\nHost: {host}\r\nAuthorization: "
            f"Bearer {token}\r\nConnection: close\r\n\r\n".encode(),
        )
        assert answer.status == 421, host
        assert b"verdict" not in answer.body.replace(b"/api/v1/verdict", b"")


# -- the token itself --------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_token_is_single_use_host_bound_purpose_bound_and_expires() -> None:
    clock = Clock()
    signer = TokenSigner(b"k" * 32, clock)
    token = signer.issue("proceed", "rnicrosoft.com", lifetime=60)
    with pytest.raises(TokenError, match="another page"):
        signer.redeem(token, "proceed", "paypa1.com")
    with pytest.raises(TokenError, match="another page"):
        signer.redeem(token, "report", "rnicrosoft.com")
    signer.redeem(token, "proceed", "rnicrosoft.com")
    with pytest.raises(TokenError, match="already used"):
        signer.redeem(token, "proceed", "rnicrosoft.com")
    late = signer.issue("proceed", "rnicrosoft.com", lifetime=60)
    clock.now += 61
    with pytest.raises(TokenError, match="expired"):
        signer.redeem(late, "proceed", "rnicrosoft.com")


def test_token_cannot_be_forged_or_moved_between_installs() -> None:
    import base64

    signer = TokenSigner(b"k" * 32)
    token = signer.issue("proceed", "rnicrosoft.com")
    payload, _, sig = token.partition(".")
    other = TokenSigner(b"o" * 32).issue("proceed", "rnicrosoft.com")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    moved = raw.replace(b"rnicrosoft.com", b"paypa1.com")
    forged = base64.urlsafe_b64encode(moved).rstrip(b"=").decode() + "." + sig
    for bad in (other, forged, payload, "", "x.y", token + "A", "." * 5000):
        with pytest.raises(TokenError):
            signer.redeem(bad, "proceed", "rnicrosoft.com" if bad != forged else "paypa1.com")
