"""Secrets and files: modes of everything secret, and no secret in any log of a real run."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from tests.security.rawclient import send_raw
from tests.support.proxy import ProxyProcess, curl


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def proceed_token(secured_proxy: ProxyProcess) -> str:
    """Run the flows that touch secrets once: the tests below look at what they left."""
    return _exercise(secured_proxy)


def _exercise(proxy: ProxyProcess) -> str:
    """A warning page, a bypass, a refused forgery and API calls; returns the proceed token."""
    page = curl(proxy, "http://paypa1.com/signin", headers={"Accept": "text/html"})
    assert page.status == 403
    token = page.body.split('name="token" value="', 1)[1].split('"', 1)[0]
    forged = curl(proxy, "http://paypa1.com/.well-known/lureguard/proceed",
                  data={"token": token[:-4] + "AAAA", "for": "visit", "next": "/"})  # fmt: skip
    assert forged.status == 403
    ok = curl(proxy, "http://paypa1.com/.well-known/lureguard/proceed",
              data={"token": token, "for": "visit", "next": "/"})  # fmt: skip
    assert ok.status == 303
    api_token = (proxy.data_dir / "api-token").read_text().strip()
    for auth in (api_token, "wrong-" + api_token):
        request = (
            f"GET /api/v1/verdict?url=rnicrosoft.com HTTP/1.1\r\nHost: 127.0.0.1:"
            f"{proxy.api_port}\r\nAuthorization: Bearer {auth}\r\nConnection: close\r\n\r\n"
        )
        send_raw(proxy.api_port, request.encode())
    return token


def test_secret_files_and_data_dir_modes(secured_proxy: ProxyProcess, proceed_token: str) -> None:
    data = secured_proxy.data_dir
    assert _mode(data) == 0o700
    for name in ("api-token", "bypass.secret", "events.jsonl", "state.db", "state.db-wal"):
        assert _mode(data / name) == 0o600, name
    ca_key = data / "mitmproxy" / "mitmproxy-ca.pem"
    assert b"PRIVATE KEY" in ca_key.read_bytes()
    assert _mode(ca_key) == 0o600
    # The CA's private key stays in the data dir: the only copy lureguard hands out (and
    # the file its output names) is the certificate.
    assert b"PRIVATE KEY" not in secured_proxy.mitm_ca.read_bytes()
    assert "mitmproxy-ca.pem" not in secured_proxy.output()


def test_no_secret_in_the_logs(secured_proxy: ProxyProcess, proceed_token: str) -> None:
    proceed = proceed_token
    data = secured_proxy.data_dir
    secret = (data / "bypass.secret").read_bytes()
    api_token = (data / "api-token").read_text().strip()
    forms = [
        api_token,
        proceed,
        secret.hex(),
        base64.b64encode(secret).decode(),
        base64.urlsafe_b64encode(secret).decode().rstrip("="),
    ]
    logs = secured_proxy.output() + (data / "events.jsonl").read_text()
    assert '"event":"bypass"' in logs  # the run did log its events
    for form in forms:
        assert form not in logs
    assert secret not in logs.encode("utf-8", "replace")
