"""The addon's decisions with mitmproxy's test doubles (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mitmproxy import connection, exceptions, tls
from mitmproxy.http import Headers, HTTPFlow, Request
from mitmproxy.proxy import context
from mitmproxy.test import taddons, tflow

from lureguard.engine import Engine
from lureguard.proxy.addon import LureguardAddon, is_navigation
from lureguard.proxy.page import ACTION_BASE
from tests.support.forms import form_token

NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}


class Harness:
    def __init__(self, addon: LureguardAddon, tctx: taddons.context, data_dir: Path) -> None:
        self.addon = addon
        self.tctx = tctx
        self.data_dir = data_dir

    def configure(self, **options: Any) -> None:
        self.tctx.configure(self.addon, **options)

    def request(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        method: str = "GET",
        form: dict[str, str] | None = None,
    ) -> HTTPFlow:
        flow = tflow.tflow()
        flow.request = Request.make(method, url, headers=Headers(**(headers or {})))
        if form is not None:
            flow.request.urlencoded_form = list(form.items())  # type: ignore[assignment]
        self.addon.request(flow)
        return flow

    def events(self) -> list[dict[str, Any]]:
        path = self.data_dir / "events.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def clienthello(self, sni: str) -> tls.ClientHelloData:
        ctx = context.Context(
            connection.Client(peername=("127.0.0.1", 5555), sockname=("127.0.0.1", 8080)),
            self.tctx.options,
        )
        ctx.server.address = (sni, 443)
        hello = _Hello(sni)
        data = tls.ClientHelloData(ctx, hello)  # type: ignore[arg-type]
        self.addon.tls_clienthello(data)
        return data


class _Hello:
    def __init__(self, sni: str | None) -> None:
        self.sni = sni


@pytest.fixture
def harness(bundled_engine: Engine, bundled_db: Path, tmp_path: Path) -> Iterator[Harness]:
    addon = LureguardAddon(bundled_engine, bundled_db)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, lureguard_data_dir=str(tmp_path), lureguard_db=str(bundled_db))
        yield Harness(addon, tctx, tmp_path)


def _token(html: str, action: str, choice: str | None = None) -> str:
    return form_token(html, action, choice)


def test_clean_host_is_passed_through_and_lookalike_intercepted(harness: Harness) -> None:
    assert harness.clienthello("www.example.org").ignore_connection is True
    assert harness.clienthello("rnicrosoft.com").ignore_connection is False
    assert harness.clienthello("MICROSOFT.COM.").ignore_connection is True
    counts = harness.addon.stats.snapshot()["counts"]
    assert counts["passed_through"] == 2
    assert counts["intercepted"] == 1
    assert harness.events() == []


def test_navigation_gets_the_page_and_subresource_a_short_403(harness: Harness) -> None:
    page = harness.request("https://rnicrosoft.com/login", NAV)
    assert page.response is not None
    assert page.response.status_code == 403
    assert page.response.headers["X-Frame-Options"] == "DENY"
    assert "This is not Microsoft" in page.response.text
    script = harness.request("https://rnicrosoft.com/a.js", {"Sec-Fetch-Dest": "script"})
    assert script.response is not None
    assert script.response.headers["Content-Type"].startswith("text/plain")
    assert harness.addon.stats.get("warnings") == 2


def test_clean_request_is_untouched_and_not_logged(harness: Harness) -> None:
    flow = harness.request("http://www.example.org/", NAV)
    assert flow.response is None
    assert harness.events() == []
    assert harness.addon.stats.get("http_requests") == 1


def test_is_navigation_falls_back_to_accept() -> None:
    assert is_navigation(Request.make("GET", "http://a.b/", headers={"Accept": "text/html"}))
    assert not is_navigation(Request.make("GET", "http://a.b/", headers={"Accept": "*/*"}))
    assert not is_navigation(
        Request.make(
            "GET", "http://a.b/", headers={"Sec-Fetch-Dest": "iframe", "Accept": "text/html"}
        )
    )


def test_modes(harness: Harness) -> None:
    harness.configure(lureguard_mode="monitor")
    flow = harness.request("https://rnicrosoft.com/", NAV)
    assert flow.response is None
    assert harness.events()[-1]["action"] == "monitor"
    harness.configure(lureguard_mode="block")
    flow = harness.request("https://rnicrosoft.com/", NAV)
    assert flow.response is not None
    assert ACTION_BASE + "proceed" not in flow.response.text
    harness.configure(lureguard_mode="warn")
    flow = harness.request("https://rnicrosoft.com/", NAV)
    assert flow.response is not None
    assert ACTION_BASE + "proceed" in flow.response.text
    blocked = harness.request("https://hotrnall.com/", NAV)
    assert blocked.response is not None
    assert ACTION_BASE + "proceed" not in blocked.response.text


def test_rule_mode_override_and_bad_values(harness: Harness) -> None:
    harness.configure(lureguard_rule_modes=["brand/microsoft=monitor"])
    assert harness.request("https://rnicrosoft.com/", NAV).response is None
    assert harness.request("https://paypa1.com/", NAV).response is not None
    with pytest.raises(exceptions.OptionsError, match="RULE_ID=MODE"):
        harness.configure(lureguard_rule_modes=["brand/microsoft"])
    with pytest.raises(exceptions.OptionsError, match="mode must be one of"):
        harness.configure(lureguard_rule_modes=["brand/microsoft=maybe"])


def test_bypass_token_is_single_use_and_bound_to_host(harness: Harness) -> None:
    page = harness.request("https://rnicrosoft.com/inbox", NAV)
    assert page.response is not None
    token = _token(page.response.text, "proceed", "day")
    other = harness.request(
        "https://paypa1.com" + ACTION_BASE + "proceed", method="POST",
        form={"token": token, "for": "hour", "next": "/"},
    )  # fmt: skip
    assert other.response is not None
    assert other.response.status_code == 403
    ok = harness.request(
        "https://rnicrosoft.com" + ACTION_BASE + "proceed", method="POST",
        form={"token": token, "for": "day", "next": "//evil.example/"},
    )  # fmt: skip
    assert ok.response is not None
    assert ok.response.status_code == 303
    assert ok.response.headers["Location"] == "/"
    again = harness.request(
        "https://rnicrosoft.com" + ACTION_BASE + "proceed", method="POST",
        form={"token": token, "for": "day", "next": "/"},
    )  # fmt: skip
    assert again.response is not None
    assert again.response.status_code == 403
    assert harness.request("https://rnicrosoft.com/inbox", NAV).response is None
    assert harness.request("https://paypa1.com/", NAV).response is not None
    events = [e["event"] for e in harness.events()]
    assert events.count("bypass") == 1
    assert events.count("bypass-refused") == 2
    assert harness.events()[-2]["action"] == "bypassed"


def test_no_bypass_policy(harness: Harness) -> None:
    harness.configure(lureguard_allow_bypass=False)
    page = harness.request("https://rnicrosoft.com/", NAV)
    assert page.response is not None
    assert ACTION_BASE + "proceed" not in page.response.text
    assert ACTION_BASE + "report" in page.response.text


def test_report_is_recorded_with_rule_and_version(harness: Harness) -> None:
    page = harness.request("https://rnicrosoft.com/", NAV)
    assert page.response is not None
    token = _token(page.response.text, "report")
    done = harness.request(
        "https://rnicrosoft.com" + ACTION_BASE + "report", method="POST", form={"token": token}
    )
    assert done.response is not None
    assert "recorded" in done.response.text
    record = json.loads((harness.data_dir / "reports.jsonl").read_text().splitlines()[-1])
    assert record["rule_ids"] == ["brand/microsoft"]
    assert record["ruleset_version"] == harness.addon.status()["ruleset_version"]
    assert harness.addon.status()["counts"]["reports"] == 1
    harness.addon.api_report({"url": "https://paypa1.com/", "rule_id": "brand/paypal"})
    assert harness.addon.stats.get("reports") == 2


def test_form_path_on_a_clean_host_goes_to_the_server(harness: Harness) -> None:
    flow = harness.request(
        "https://www.example.org" + ACTION_BASE + "proceed", method="POST", form={"token": "x"}
    )
    assert flow.response is None


def test_fail_open_and_fail_closed(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.addon, "_checker", broken)
    assert harness.request("https://rnicrosoft.com/", NAV).response is None
    assert harness.clienthello("rnicrosoft.com").ignore_connection is True
    harness.configure(lureguard_fail="closed")
    flow = harness.request("https://rnicrosoft.com/", NAV)
    assert flow.response is not None
    assert flow.response.status_code == 403
    assert harness.clienthello("rnicrosoft.com").ignore_connection is False
    assert harness.addon.stats.get("errors") == 4
    # Logged once per hook and kind of error, counted every time.
    assert sum(e["event"] == "error" for e in harness.events()) == 2


def test_bad_database_option_is_one_sentence(harness: Harness, tmp_path: Path) -> None:
    with pytest.raises(exceptions.OptionsError, match="does not exist"):
        harness.configure(lureguard_db=str(tmp_path / "missing.db"))


def test_stock_script_exposes_the_addon() -> None:
    with taddons.context() as tctx:
        script = Path(__file__).parents[2] / "addon/lureguard/proxy/mitm_script.py"
        module = tctx.script(str(script))
        assert isinstance(module.addons[0], LureguardAddon)


def _client_hello(sni: str) -> bytes:
    """The bytes of a real TLS ClientHello for `sni` (from Python's ssl module, no socket)."""
    import ssl

    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    conn = context.wrap_bio(incoming, outgoing, server_hostname=sni)
    with pytest.raises(ssl.SSLWantReadError):
        conn.do_handshake()
    return outgoing.read()


class _NextLayer:
    def __init__(self, ctx: context.Context, data: bytes, decided: object) -> None:
        self.context = ctx
        self._data = data
        self.layer = decided

    def data_client(self) -> bytes:
        return self._data


def test_next_layer_relays_clean_tls_without_a_tls_layer(harness: Harness) -> None:
    from mitmproxy.proxy import layers

    def ask(sni: str, data: bytes | None = None, decided: object = "tls") -> object:
        ctx = context.Context(
            connection.Client(peername=("127.0.0.1", 5555), sockname=("127.0.0.1", 8080)),
            harness.tctx.options,
        )
        ctx.server.address = (sni, 443)
        tls_layer = layers.ServerTLSLayer(ctx) if decided == "tls" else decided
        nl = _NextLayer(ctx, _client_hello(sni) if data is None else data, tls_layer)
        harness.addon.next_layer(nl)  # type: ignore[arg-type]
        return nl.layer

    assert isinstance(ask("www.example.org"), layers.TCPLayer)
    assert isinstance(ask("www.example.org", decided=None), layers.TCPLayer)
    assert isinstance(ask("rnicrosoft.com"), layers.ServerTLSLayer)
    assert ask("rnicrosoft.com", decided=None) is None
    whole = _client_hello("www.example.org")
    assert ask("www.example.org", data=whole[:20]) is None  # wait for the rest
    assert harness.addon.stats.get("passed_through") == 2


@pytest.mark.parametrize(
    ("url", "length", "streamed"),
    [
        ("https://www.example.org/big.iso", "5000000", True),  # a long download
        ("https://www.example.org/page", "2048", False),  # a page: other addons may read it
        ("https://www.example.org/page", None, False),  # unknown length, an ordinary site
        ("https://storage.googleapis.com/qz-bucket/big.bin", None, True),  # a path platform's
    ],
)
def test_long_and_path_platform_responses_are_streamed(
    harness: Harness, url: str, length: str | None, streamed: bool
) -> None:
    flow = tflow.tflow(resp=True)
    flow.request = Request.make("GET", url)
    assert flow.response is not None
    flow.response.headers.pop("content-length", None)
    if length is not None:
        flow.response.headers["content-length"] = length
    harness.addon.responseheaders(flow)
    assert bool(flow.response.stream) is streamed


def test_events_jsonl_rotates_at_the_configured_size(harness: Harness) -> None:
    harness.configure(lureguard_log_max_bytes=4000, lureguard_log_backups=2)
    for _ in range(40):
        harness.request("https://rnicrosoft.com/login", NAV)
    files = sorted(p.name for p in harness.data_dir.iterdir() if p.name.startswith("events"))
    assert files == ["events.jsonl", "events.jsonl.1", "events.jsonl.2"]
    for name in files:
        path = harness.data_dir / name
        assert 0 < path.stat().st_size <= 4000
        assert path.stat().st_mode & 0o777 == 0o600
        assert all(json.loads(line)["event"] == "verdict" for line in path.read_text().splitlines())


def test_log_rotation_options_are_checked(harness: Harness) -> None:
    with pytest.raises(exceptions.OptionsError, match="lureguard_log_max_bytes must be 1"):
        harness.configure(lureguard_log_max_bytes=0)
