"""The verdict API's checks and routes, driven without sockets through `ApiApp.handle`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lureguard.api.app import MAX_BATCH, ApiApp, Request, Response
from lureguard.api.guard import RateLimiter, bearer_matches, host_allowed
from lureguard.api.origins import DEFAULT_ORIGINS, OriginError, allowed_origins, check_origin
from lureguard.api.pac import fallback_of, pac_script
from lureguard.api.reports import ReportLog
from lureguard.engine import Engine

TOKEN = "t" * 43
EXT = DEFAULT_ORIGINS[0]
FIREFOX = "moz-extension://0b9a3a3e-5d1c-4a57-9a0e-4f0ad9a0c2b1"


@pytest.fixture
def app(bundled_engine: Engine, tmp_path: Path) -> ApiApp:
    return make_app(bundled_engine, tmp_path)


def make_app(engine: Engine | None, tmp_path: Path, **kwargs: Any) -> ApiApp:
    return ApiApp(
        port=8081,
        token=TOKEN,
        origins=frozenset({EXT, FIREFOX}),
        engine=lambda: engine,
        status=lambda: {"mode": "warn", "proxy": {"requests": 3}},
        proxy_address=("127.0.0.1", 8080),
        reports=ReportLog(tmp_path),
        **kwargs,
    )


def call(
    app: ApiApp,
    method: str,
    target: str,
    body: Any = None,
    *,
    token: str | None = TOKEN,
    host: str = "127.0.0.1:8081",
    origin: str | None = EXT,
    **headers: str,
) -> Response:
    merged = {"host": host, "content-type": "application/json", **headers}
    if token is not None:
        merged["authorization"] = f"Bearer {token}"
    if origin is not None:
        merged["origin"] = origin
    raw = b"" if body is None else body if isinstance(body, bytes) else json.dumps(body).encode()
    return app.handle(Request(method, target, merged, raw))


def payload(response: Response) -> Any:
    return json.loads(response.body)


def test_verdict_route_answers_the_contract(app: ApiApp) -> None:
    response = call(app, "GET", "/api/v1/verdict?url=https%3A%2F%2Frnicrosoft.com%2Flogin")
    assert response.status == 200
    verdict = payload(response)
    assert verdict["verdict"] == "warn"
    assert verdict["registered_domain"] == "rnicrosoft.com"
    assert verdict["reasons"][0]["target"] == "microsoft.com"
    assert ("Access-Control-Allow-Origin", EXT) in response.headers
    assert ("Cache-Control", "no-store") in response.headers


def test_batch_keeps_order_and_never_fails_on_bad_entries(app: ApiApp) -> None:
    urls = ["hotrnall.com", 42, "https://microsoft.com/", "x" * 9000, "not a url at all"]
    out = payload(call(app, "POST", "/api/v1/verdicts", {"urls": urls}))["verdicts"]
    assert [v["verdict"] for v in out] == ["block", None, "allow", None, None]
    assert out[1]["error"] == "input is not a string"
    assert "longer than" in out[3]["error"]
    assert len(out[3]["input"]) < 300


def test_batch_limit(app: ApiApp) -> None:
    response = call(app, "POST", "/api/v1/verdicts", {"urls": ["a.com"] * (MAX_BATCH + 1)})
    assert response.status == 413
    assert payload(response)["code"] == "batch-too-large"
    assert call(app, "POST", "/api/v1/verdicts", {"urls": ["a.com"] * MAX_BATCH}).status == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"{", "bad-json"), ({"url": "a.com"}, "bad-body"), ([1], "bad-body"), (b"\xff", "bad-json")],
)
def test_bad_batch_bodies(app: ApiApp, body: Any, code: str) -> None:
    response = call(app, "POST", "/api/v1/verdicts", body)
    assert response.status == 400
    assert payload(response)["code"] == code


def test_form_bodies_are_refused(app: ApiApp) -> None:
    response = call(app, "POST", "/api/v1/verdicts", b"urls=a", **{"content-type": "text/plain"})
    assert response.status == 415


@pytest.mark.parametrize(
    ("token", "code"), [(None, "missing-token"), ("wrong", "bad-token"), ("", "bad-token")]
)
def test_token_is_required(app: ApiApp, token: str | None, code: str) -> None:
    response = call(app, "GET", "/api/v1/status", token=token)
    assert response.status == 401
    assert payload(response)["code"] == code
    assert "lureguard token" in payload(response)["error"]


@pytest.mark.parametrize(
    "host", ["evil.example:8081", "127.0.0.1:9999", "127.0.0.1", "", "localhost.evil.com:8081"]
)
def test_rebinding_hosts_are_refused_everywhere(app: ApiApp, host: str) -> None:
    for target in ("/api/v1/status", "/proxy.pac"):
        response = call(app, "GET", target, host=host)
        assert response.status == 421
        assert payload(response)["code"] == "bad-host"


@pytest.mark.parametrize("host", ["127.0.0.1:8081", "LOCALHOST:8081", "[::1]:8081"])
def test_loopback_hosts_are_accepted(app: ApiApp, host: str) -> None:
    assert call(app, "GET", "/api/v1/status", host=host).status == 200


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "null", "chrome-extension://" + "a" * 32, FIREFOX + "x"]
)
def test_foreign_origins_get_nothing(app: ApiApp, origin: str) -> None:
    for method in ("GET", "OPTIONS"):
        response = call(app, method, "/api/v1/status", origin=origin)
        assert response.status == 403
        assert not any(k.startswith("Access-Control") for k, _ in response.headers)


def test_preflight_answers_only_the_extension(app: ApiApp) -> None:
    response = call(app, "OPTIONS", "/api/v1/verdicts", token=None, origin=FIREFOX)
    assert response.status == 204
    headers = dict(response.headers)
    assert headers["Access-Control-Allow-Origin"] == FIREFOX
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    assert call(app, "OPTIONS", "/api/v1/verdicts", token=None, origin=None).status == 400


def test_requests_without_origin_are_fine_with_the_token(app: ApiApp) -> None:
    response = call(app, "GET", "/api/v1/status", origin=None)
    assert response.status == 200
    assert not any(k.startswith("Access-Control") for k, _ in response.headers)


def test_status_merges_proxy_counters(app: ApiApp) -> None:
    status = payload(call(app, "GET", "/api/v1/status"))
    assert status["service"] == "lureguard"
    assert status["mode"] == "warn"
    assert status["proxy"] == {"requests": 3}
    assert status["ruleset"]["ruleset_version"]
    assert status["ruleset"]["counts"]["brands"] >= 5


def test_without_engine_verdicts_wait_but_status_answers(tmp_path: Path) -> None:
    app = make_app(None, tmp_path)
    response = call(app, "GET", "/api/v1/verdict?url=a.com")
    assert response.status == 503
    assert payload(call(app, "GET", "/api/v1/status"))["ruleset"] is None


def test_routes_methods_and_missing_parameters(app: ApiApp) -> None:
    assert call(app, "GET", "/api/v1/nothing").status == 404
    assert call(app, "POST", "/api/v1/verdict?url=a.com", {}).status == 405
    assert call(app, "GET", "/api/v1/verdicts").status == 405
    response = call(app, "GET", "/api/v1/verdict")
    assert response.status == 400
    assert payload(response)["code"] == "missing-url"


def test_body_too_large_is_refused_after_auth(app: ApiApp) -> None:
    headers = {"host": "127.0.0.1:8081", "authorization": f"Bearer {TOKEN}"}
    response = app.handle(Request("POST", "/api/v1/verdicts", headers, b"", True))
    assert response.status == 413
    del headers["authorization"]
    assert app.handle(Request("POST", "/api/v1/verdicts", headers, b"", True)).status == 401


def test_rate_limit_answers_429_with_retry_after(bundled_engine: Engine, tmp_path: Path) -> None:
    now = [0.0]
    app = make_app(bundled_engine, tmp_path, limiter=RateLimiter(1.0, 2, clock=lambda: now[0]))
    assert [call(app, "GET", "/api/v1/status").status for _ in range(3)] == [200, 200, 429]
    limited = call(app, "GET", "/api/v1/status")
    assert ("Retry-After", "1") in limited.headers
    now[0] += 1.0
    assert call(app, "GET", "/api/v1/status").status == 200


def test_reports_are_stored_and_forwarded(bundled_engine: Engine, tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    app = make_app(bundled_engine, tmp_path, on_report=seen.append)
    report = {"url": "https://rnicrosoft.com/", "rule_id": "brand/microsoft", "verdict": "warn"}
    response = call(app, "POST", "/api/v1/reports", report)
    assert response.status == 200
    lines = (tmp_path / "reports.jsonl").read_text().splitlines()
    stored = json.loads(lines[0])
    assert stored["url"] == report["url"]
    assert stored["rule_id"] == "brand/microsoft"
    assert stored["event"] == "false-alarm-report"
    assert seen == [stored]
    assert (tmp_path / "reports.jsonl").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "report", [{"rule_id": "x"}, {"url": ""}, {"url": "a", "rule_id": 3}, {"url": "a" * 5000}, []]
)
def test_bad_reports_are_refused(app: ApiApp, tmp_path: Path, report: Any) -> None:
    response = call(app, "POST", "/api/v1/reports", report)
    assert response.status == 400
    assert payload(response)["code"] == "bad-report"
    assert not (tmp_path / "reports.jsonl").exists()


def test_pac_needs_no_token_and_sends_loopback_direct(app: ApiApp) -> None:
    response = call(app, "GET", "/proxy.pac", token=None, origin=None)
    assert response.status == 200
    assert response.content_type == "application/x-ns-proxy-autoconfig"
    text = response.body.decode()
    assert 'return "PROXY 127.0.0.1:8080; DIRECT";' in text  # fail-open by default
    assert '"DIRECT"' in text
    assert "[::1]:3128" in pac_script("::1", 3128)
    with pytest.raises(ValueError, match="usable proxy host"):
        pac_script('a"; alert(1); "', 1)


def test_engine_failure_is_a_clean_500(tmp_path: Path) -> None:
    class Broken:
        def check(self, text: str) -> None:
            raise RuntimeError("boom")

    app = make_app(Broken(), tmp_path)  # type: ignore[arg-type]
    response = call(app, "GET", "/api/v1/verdict?url=a.com")
    assert response.status == 500
    assert "boom" not in response.body.decode()


def test_guard_helpers() -> None:
    assert host_allowed("localhost", 80)
    assert not host_allowed(None, 8081)
    assert bearer_matches(f"bearer  {TOKEN}", TOKEN)
    assert not bearer_matches(f"Basic {TOKEN}", TOKEN)
    assert not bearer_matches(f"Bearer {TOKEN}x", TOKEN)


def test_origin_allowlist_file(tmp_path: Path) -> None:
    (tmp_path / "api-origins.txt").write_text(f"# firefox\n{FIREFOX.upper()}/\n\n")
    assert allowed_origins(tmp_path) == frozenset({EXT, FIREFOX})
    (tmp_path / "api-origins.txt").write_text("https://evil.example\n")
    with pytest.raises(OriginError, match=r"api-origins.txt:1: 'https://evil.example'"):
        allowed_origins(tmp_path)
    with pytest.raises(OriginError):
        check_origin("moz-extension://*")


def test_pac_fallback_follows_the_proxy_setting(app: ApiApp) -> None:
    app.status = lambda: {"mode": "warn", "pac_fallback": "none"}
    closed = call(app, "GET", "/proxy.pac", token=None, origin=None).body.decode()
    assert 'return "PROXY 127.0.0.1:8080";' in closed  # fail-closed: no DIRECT after the proxy
    assert fallback_of(closed) == "none"
    app.status = lambda: {"mode": "warn", "pac_fallback": "direct"}
    opened = call(app, "GET", "/proxy.pac", token=None, origin=None).body.decode()
    assert fallback_of(opened) == "direct"
    assert fallback_of("function FindProxyForURL(u, h) { return 'DIRECT'; }") is None
