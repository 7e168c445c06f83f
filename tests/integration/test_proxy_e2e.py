"""End to end: a real `lureguard run` process, curl through it, loopback origins behind it."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from lureguard.paths import bundled_rules_dir
from lureguard.ruleset.build import compile_dir
from tests.support.certs import CA_NAME, OriginCA
from tests.support.forms import form_token
from tests.support.origin import BODY_PREFIX, Origin
from tests.support.proxy import LUREGUARD, CurlResult, ProxyProcess, curl, start_lureguard

pytestmark = pytest.mark.e2e

NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}
ACTION = "/.well-known/lureguard/"


def _events(proxy: ProxyProcess) -> list[dict[str, object]]:
    path = proxy.data_dir / "events.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def _token(html: str, action: str, choice: str | None = None) -> str:
    return form_token(html, action, choice)


def _own_proxy(
    tmp_path: Path, origin: Origin, test_ca: OriginCA, db: Path, *args: str, mitm: str = ""
) -> ProxyProcess:
    """A proxy of the test's own, started with `args` (and one mitmproxy `--set mitm`)."""
    return start_lureguard(
        tmp_path / "data",
        origin=origin,
        test_ca=test_ca,
        args=["--db", str(db), *args],
        mitm_args=["--set", mitm] if mitm else None,
    )


def _proceed(proxy: ProxyProcess, base: str, token: str, next_path: str) -> CurlResult:
    """Post the warning page's "proceed for an hour" form on `base`."""
    data = {"token": token, "for": "hour", "next": next_path}
    return curl(proxy, base + ACTION + "proceed", cacert=proxy.mitm_ca, data=data)


def test_warning_page_over_https_and_origin_never_contacted(lureguard_proxy: ProxyProcess) -> None:
    origin = lureguard_proxy.origin
    assert origin is not None
    before = origin.connection_count()
    result = curl(
        lureguard_proxy, "https://rnicrosoft.com/login", cacert=lureguard_proxy.mitm_ca, headers=NAV
    )
    assert result.status == 403
    assert "This is not Microsoft" in result.body
    assert "<mark>rn</mark>icrosoft.com" in result.body
    assert "brand/microsoft" in result.body
    assert 'href="https://microsoft.com/"' in result.body
    assert _token(result.body, "proceed")
    assert "script" not in result.body.lower()
    headers = result.headers
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    # Lazy connection strategy: the server behind the lookalike got nothing at all.
    assert origin.connection_count() == before
    assert not origin.saw_host("rnicrosoft.com")


def test_warning_page_over_plain_http(lureguard_proxy: ProxyProcess) -> None:
    origin = lureguard_proxy.origin
    assert origin is not None
    before = origin.connection_count()
    result = curl(lureguard_proxy, "http://rnicrosoft.com/login?user=a@b.c", headers=NAV)
    assert result.status == 403
    assert "This is not Microsoft" in result.body
    assert origin.connection_count() == before
    last = [e for e in _events(lureguard_proxy) if e["event"] == "verdict"][-1]
    assert last["host"] == "rnicrosoft.com"
    assert last["action"] == "warn"
    assert last["url"] == "http://rnicrosoft.com/login"  # no query string in the log
    assert last["reasons"][0]["rule_id"] == "brand/microsoft"  # type: ignore[index]
    assert last["ruleset_version"]
    assert last["client"] == "127.0.0.1"
    # --log-json: the same line on stdout.
    assert '"event":"verdict"' in lureguard_proxy.output()


def test_subresource_gets_short_403(lureguard_proxy: ProxyProcess) -> None:
    result = curl(
        lureguard_proxy,
        "https://rnicrosoft.com/app.js",
        cacert=lureguard_proxy.mitm_ca,
        headers={"Sec-Fetch-Dest": "script"},
    )
    assert result.status == 403
    assert result.headers["content-type"].startswith("text/plain")
    assert "<" not in result.body
    assert "rnicrosoft.com" in result.body


def test_a_long_upload_to_a_flagged_host_never_reaches_its_server(
    tmp_path: Path, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> None:
    # Asked to stream long bodies, mitmproxy would send this one on before lureguard judged it.
    proxy = _own_proxy(tmp_path, origin, test_ca, bundled_db, mitm="stream_large_bodies=1k")
    body = tmp_path / "upload"
    body.write_bytes(b"next=/&file=" + b"a" * 3_000_000)
    before = origin.connection_count()
    try:
        for path in ("/upload", ACTION + "proceed"):
            done = subprocess.run(
                ["curl", "-sS", "-x", proxy.url, "--noproxy", "", "--cacert", str(proxy.mitm_ca),
                 "-o", "/dev/null", "-w", "%{http_code}", "--data-binary", f"@{body}",
                 "https://rnicrosoft.com" + path],
                capture_output=True, timeout=60, check=False,
            )  # fmt: skip
            assert done.stdout == b"403", (path, done.stdout, done.stderr)
    finally:
        proxy.stop()
    assert origin.connection_count() == before
    assert "unset stream_large_bodies" in proxy.output()


def test_clean_host_is_passed_through_with_the_origin_certificate(
    lureguard_proxy: ProxyProcess,
) -> None:
    # Only the origin's own test CA is trusted: if the proxy had decrypted, curl would fail.
    result = curl(
        lureguard_proxy,
        "https://www.example.org/",
        cacert=lureguard_proxy.test_ca.ca_cert,  # type: ignore[union-attr]
        verbose=True,
    )
    assert result.status == 200
    assert result.body.startswith(BODY_PREFIX.decode())
    assert f"issuer: CN={CA_NAME}" in result.stderr
    events = _events(lureguard_proxy)
    assert not any(e.get("host") == "www.example.org" for e in events), "clean traffic logged"
    assert "www.example.org" not in lureguard_proxy.output()


def test_block_verdict_offers_no_bypass(lureguard_proxy: ProxyProcess) -> None:
    result = curl(
        lureguard_proxy, "https://hotrnall.com/", cacert=lureguard_proxy.mitm_ca, headers=NAV
    )
    assert result.status == 403
    assert "This site was blocked" in result.body
    assert 'action="/.well-known/lureguard/proceed"' not in result.body
    forged = curl(
        lureguard_proxy,
        "https://hotrnall.com" + ACTION + "proceed",
        cacert=lureguard_proxy.mitm_ca,
        data={"token": "x.y", "for": "day", "next": "/"},
    )
    assert forged.status == 403


def test_bypass_with_token_once(lureguard_proxy: ProxyProcess) -> None:
    base = "https://www.rnicrosoft.com"
    ca = lureguard_proxy.mitm_ca
    page = curl(lureguard_proxy, base + "/inbox", cacert=ca, headers=NAV)
    token = _token(page.body, "proceed", "hour")
    without = curl(
        lureguard_proxy, base + ACTION + "proceed", cacert=ca, data={"for": "hour", "next": "/"}
    )
    assert without.status == 403
    ok = _proceed(lureguard_proxy, base, token, "/inbox")
    assert ok.status == 303
    assert ok.headers["location"] == "/inbox"
    reused = _proceed(lureguard_proxy, base, token, "/inbox")
    assert reused.status == 403
    through = curl(lureguard_proxy, base + "/inbox", cacert=ca, headers=NAV)
    assert through.status == 200
    assert "host=www.rnicrosoft.com" in through.body
    kinds = [e["event"] for e in _events(lureguard_proxy) if e.get("host") == "www.rnicrosoft.com"]
    assert "bypass" in kinds
    assert kinds.count("bypass-refused") == 2


def test_a_customers_site_in_a_platforms_path_is_judged_and_bypassed_alone(
    lureguard_proxy: ProxyProcess,
) -> None:
    # The platform's host is official, so only its path tells one customer's site from another.
    ca = lureguard_proxy.mitm_ca
    base = "https://sites.google.com"
    page = curl(lureguard_proxy, base + "/view/paypal-login-verify/home", cacert=ca, headers=NAV)
    assert page.status == 403
    assert "brand/paypal" in page.body
    assert 'id="visited">sites.google.com/view/paypal-login-verify</span>' in page.body
    clean = curl(lureguard_proxy, base + "/view/acme-bakery/home", cacert=ca, headers=NAV)
    assert clean.status == 200
    assert clean.body.startswith(BODY_PREFIX.decode())
    # The warning page's form acts on the site it answers for, named by its `next` path.
    token = _token(page.body, "proceed", "hour")
    ok = _proceed(lureguard_proxy, base, token, "/view/paypal-login-verify/home")
    assert ok.status == 303
    through = curl(lureguard_proxy, base + "/view/paypal-login-verify/home", cacert=ca, headers=NAV)
    assert through.status == 200
    # ... and to that site alone: another customer's lookalike on the platform still warns.
    other = curl(lureguard_proxy, base + "/view/paypal-account-verify", cacert=ca, headers=NAV)
    assert other.status == 403
    bypasses = [e for e in _events(lureguard_proxy) if e["event"] == "bypass"]
    assert bypasses[-1]["host"] == "paypal-login-verify.sites.google.com"


def test_path_platforms_off_pass_the_platform_through(
    tmp_path: Path, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> None:
    proxy = _own_proxy(tmp_path, origin, test_ca, bundled_db, "--no-path-platforms")
    try:
        # Only the origin's own test CA is trusted: decrypting would fail the handshake.
        result = curl(
            proxy,
            "https://sites.google.com/view/paypal-login-verify",
            cacert=test_ca.ca_cert,
            headers=NAV,
        )
    finally:
        proxy.stop()
    assert result.status == 200
    assert result.body.startswith(BODY_PREFIX.decode())


def test_report_false_alarm_and_status(lureguard_proxy: ProxyProcess) -> None:
    ca = lureguard_proxy.mitm_ca
    page = curl(lureguard_proxy, "https://paypa1.com/", cacert=ca, headers=NAV)
    token = _token(page.body, "report")
    done = curl(
        lureguard_proxy, "https://paypa1.com" + ACTION + "report", cacert=ca,
        data={"token": token, "next": "/"},
    )  # fmt: skip
    assert done.status == 403
    assert "false alarm was recorded" in done.body
    reports = (lureguard_proxy.data_dir / "reports.jsonl").read_text().splitlines()
    record = json.loads(reports[-1])
    assert record["host"] == "paypa1.com"
    assert record["rule_ids"] == ["brand/paypal"]
    assert record["ruleset_version"]
    status = subprocess.run(
        [str(LUREGUARD), "status", "--json", "--api-port", str(lureguard_proxy.api_port),
         "--data-dir", str(lureguard_proxy.data_dir)],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    body = json.loads(status.stdout)
    counts = body["counts"]
    assert body["mode"] == "warn"
    assert counts["reports"] >= 1
    assert counts["passed_through"] >= 1
    assert counts["intercepted"] >= 1
    assert counts["warnings"] >= 1
    assert body["recent_reports"][-1]["host"] == "paypa1.com"
    readable = subprocess.run(
        [str(LUREGUARD), "status", "--api-port", str(lureguard_proxy.api_port),
         "--data-dir", str(lureguard_proxy.data_dir)],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert "passed_through" in readable.stdout
    assert "paypa1.com" in readable.stdout


def test_pac_file_points_at_the_proxy(lureguard_proxy: ProxyProcess) -> None:
    done = subprocess.run(
        ["curl", "-sS", "--noproxy", "*", f"http://127.0.0.1:{lureguard_proxy.api_port}/proxy.pac"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert f"PROXY 127.0.0.1:{lureguard_proxy.port}" in done.stdout


def test_hot_reload_under_traffic(lureguard_proxy: ProxyProcess, tmp_path: Path) -> None:
    """A recompiled database is picked up while requests keep flowing; none of them fails."""
    host = "reload-target.example.net"
    url = f"https://{host}/"
    ca = lureguard_proxy.test_ca.ca_cert  # type: ignore[union-attr]
    assert curl(lureguard_proxy, url, cacert=ca).status == 200
    failures: list[str] = []
    stop = threading.Event()

    def traffic() -> None:
        while not stop.is_set():
            try:
                result = curl(lureguard_proxy, "http://www.example.org/keepalive")
                if result.status != 200:
                    failures.append(str(result.status))
            except AssertionError as exc:
                failures.append(str(exc))

    worker = threading.Thread(target=traffic)
    worker.start()
    try:
        extra = tmp_path / "reload.yaml"
        extra.write_text(
            "id: block/reload-test\nkind: blocklist\ntitle: reload test\n"
            "description: A host blocked only after the reload.\nsource: tests\n"
            "added: 2026-11-25\nseverity: block\nhosts: [reload-target.example.net]\n"
        )
        compile_dir([bundled_rules_dir(), extra], lureguard_proxy.data_dir / "rules.db")
        deadline = time.monotonic() + 20
        status = 200
        while time.monotonic() < deadline:
            status = curl(
                lureguard_proxy, f"http://{host}/", headers={"Accept": "text/html"}
            ).status
            if status == 403:
                break
            time.sleep(0.2)
        assert status == 403
    finally:
        stop.set()
        worker.join()
    assert failures == []
    assert any(e["event"] == "reload" for e in _events(lureguard_proxy))
    # A broken database is reported and the loaded rules stay.
    (lureguard_proxy.data_dir / "rules.db.tmp").write_bytes(b"not a database")
    (lureguard_proxy.data_dir / "rules.db.tmp").replace(lureguard_proxy.data_dir / "rules.db")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        curl(lureguard_proxy, "http://www.example.org/poke")
        if any(e["event"] == "reload-failed" for e in _events(lureguard_proxy)):
            break
        time.sleep(0.2)
    assert sum(e["event"] == "reload-failed" for e in _events(lureguard_proxy)) == 1
    again = curl(lureguard_proxy, f"http://{host}/", headers={"Accept": "text/html"})
    assert again.status == 403
