"""The credential guard's server side: the protected accounts, the events and their ECS form.

The browser side (learning, comparing, stopping) is tested in real Chromium:
tests/browser/test_credential_guard.py.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lureguard.api.app import ApiApp
from lureguard.credguard.accounts import (
    CLAIM_NAMES,
    FALLBACK_LOGIN_HOSTS,
    brand_domains,
    login_hosts,
    protected_logins,
    under,
)
from lureguard.credguard.events import (
    ACTIONS,
    CREDENTIAL_EVENTS_FILE,
    CredentialEventError,
    parse_credential_event,
)
from lureguard.deploy import eventlog
from lureguard.engine import Engine
from lureguard.eventlog import EventLog
from lureguard.proxy.api_link import _log_credential_event
from lureguard.proxy.stats import COUNTERS, DESCRIPTIONS, Stats
from lureguard.ruleset.build import compile_dir
from tests.unit.test_api_app import call, make_app, payload

REUSE = {
    "event": "credential-reuse",
    "host": "files-portal.net",
    "url": "https://files-portal.net/s/doc?token=abc#x",
    "account_kind": "brand/microsoft",
    "account_name": "Microsoft",
}


# -- the accounts ---------------------------------------------------------------------------


def test_claim_names_belong_to_brands_with_login_hosts(bundled_engine: Engine) -> None:
    domains = brand_domains(bundled_engine.data)
    hosts = login_hosts(bundled_engine.data)
    for kind, names in CLAIM_NAMES.items():
        assert kind in domains, f"{kind} is not a brand of the shipped rules"
        assert hosts.get(kind), f"{kind} has claim names but no login_hosts"
        assert names
    for kind, fallback in FALLBACK_LOGIN_HOSTS.items():
        assert all(any(under(h, d) for d in domains[kind]) for h in fallback), kind
        assert set(fallback) <= set(hosts[kind]), f"{kind}: the rules dropped a fallback host"


def test_protected_logins_come_from_the_loaded_rules(bundled_engine: Engine) -> None:
    answer = protected_logins(bundled_engine.data)
    assert answer["ruleset_version"] == bundled_engine.version
    by_kind = {a["kind"]: a for a in answer["accounts"]}
    assert set(CLAIM_NAMES) <= set(by_kind)
    assert len(by_kind) == len({rule for _, rule in bundled_engine.data.login_hosts})
    microsoft = by_kind["brand/microsoft"]
    assert microsoft["name"] == "Microsoft"
    assert "login.microsoftonline.com" in microsoft["login_hosts"]
    assert {"microsoft.com", "microsoftonline.com", "live.com"} <= set(microsoft["domains"])
    assert "Office 365" in microsoft["claim_names"]
    assert "google.de" in by_kind["brand/google"]["domains"]  # domain families count too
    assert by_kind["brand/meta"]["name"] == "Facebook or Instagram"
    unclaimed = [a for a in by_kind.values() if a["kind"] not in CLAIM_NAMES]
    assert unclaimed
    assert all(a["claim_names"] == [] for a in unclaimed)
    json.dumps(answer)


def test_an_older_database_falls_back_and_strays_are_dropped(bundled_engine: Engine) -> None:
    old = dataclasses.replace(bundled_engine.data, login_hosts=[])
    kinds = [a["kind"] for a in protected_logins(old)["accounts"]]
    assert kinds == list(FALLBACK_LOGIN_HOSTS)
    stray = dataclasses.replace(
        bundled_engine.data,
        login_hosts=[("login.evil.example", "brand/microsoft"), ("accounts.google.com", "x/y")],
    )
    assert protected_logins(stray)["accounts"] == []


def test_an_organisations_rule_is_an_account(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "org.yaml").write_text(
        "id: org/example-ngo\nkind: brand\nname: Example NGO\ntitle: Example NGO\n"
        "description: our own domains\nsource: lureguard protect\n"
        "domains: [example-ngo.org]\nlogin_hosts: [login.example-ngo.org]\n"
    )
    compile_dir([rules], tmp_path / "rules.db")
    [account] = protected_logins(Engine.from_db(tmp_path / "rules.db").data)["accounts"]
    assert account == {
        "kind": "org/example-ngo", "name": "Example NGO", "login_hosts": ["login.example-ngo.org"],
        "domains": ["example-ngo.org"], "claim_names": [],
    }  # fmt: skip
    record = parse_credential_event({**REUSE, "account_kind": "org/example-ngo"}, None)
    assert record["rule_id"] == "credential-guard/org/example-ngo"


# -- the events -----------------------------------------------------------------------------


def test_a_reuse_event_is_judged_and_stripped(bundled_engine: Engine) -> None:
    record = parse_credential_event(REUSE, bundled_engine)
    assert record["event"] == "credential-reuse"
    assert record["action"] == "block"
    assert record["url"] == "https://files-portal.net/s/doc"  # no query, no fragment
    assert record["rule_id"] == "credential-guard/brand/microsoft"
    assert record["verdict"] == "allow"
    assert record["ruleset_version"] == bundled_engine.version
    lookalike = parse_credential_event(
        {**REUSE, "host": "rnicrosoft.com", "url": None}, bundled_engine
    )
    assert lookalike["verdict"] == "warn"
    assert lookalike["host_reasons"][0]["kind"] == "homoglyph"
    assert lookalike["url"] is None


def test_the_verdict_is_never_taken_from_the_caller(bundled_engine: Engine) -> None:
    with pytest.raises(CredentialEventError, match="unknown field"):
        parse_credential_event({**REUSE, "verdict": "allow"}, bundled_engine)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "hunter2hunter2"}, "unknown field"),
        ({"hash": "abc"}, "unknown field"),
        ({"event": "verdict"}, "'event' must be one of"),
        ({"account_kind": "Microsoft"}, "'account_kind'"),
        ({"account_kind": "brand/../x"}, "'account_kind'"),
        ({"host": "files-portal.net/login"}, "bare host"),
        ({"host": "files-portal.net:8443"}, "bare host"),
        ({"host": "user@files-portal.net"}, "bare host"),
        ({"host": ""}, "'host'"),
        ({"host": 42}, "'host'"),
        ({"account_name": "x" * 101}, "longer than 100"),
        ({"account_name": "Micro\nsoft"}, "control characters"),
        ({"url": ["https://x"]}, "'url' must be a string"),
    ],
)
def test_bad_events_are_refused(
    bundled_engine: Engine, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(CredentialEventError, match=message):
        parse_credential_event({**REUSE, **change}, bundled_engine)


def test_a_url_on_another_host_is_dropped_and_rules_may_be_loading() -> None:
    record = parse_credential_event({**REUSE, "url": "https://other.example/login"}, None)
    assert record["url"] is None
    assert (record["verdict"], record["host_reasons"]) == (None, [])
    assert parse_credential_event({**REUSE, "url": "javascript:alert(1)"}, None)["url"] is None
    assert (
        parse_credential_event({**REUSE, "url": "https://files-portal.net:99999/"}, None)["url"]
        is None
    )


def test_each_event_kind_has_its_action() -> None:
    for event, action in ACTIONS.items():
        record = parse_credential_event({**REUSE, "event": event}, None)
        assert record["action"] == action
    claim = parse_credential_event({**REUSE, "event": "brand-claim"}, None)
    assert claim["rule_id"] == "brand-claim/brand/microsoft"
    sso = parse_credential_event({**REUSE, "account_kind": "sso", "account_name": None}, None)
    assert sso["account_name"] == "sso"


# -- the API routes -------------------------------------------------------------------------


def test_the_event_route_stores_and_forwards(bundled_engine: Engine, tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    from lureguard.api.reports import ReportLog

    app: ApiApp = make_app(
        bundled_engine,
        tmp_path,
        credentials=ReportLog(tmp_path, CREDENTIAL_EVENTS_FILE),
        on_credential=seen.append,
    )
    response = call(app, "POST", "/api/v1/credential-events", REUSE)
    assert response.status == 200
    assert payload(response) == {"stored": True, "verdict": "allow"}
    [stored] = [
        json.loads(line) for line in (tmp_path / CREDENTIAL_EVENTS_FILE).read_text().splitlines()
    ]
    assert stored == seen[0]
    assert stored["host"] == "files-portal.net"
    bad = call(app, "POST", "/api/v1/credential-events", {**REUSE, "password": "x"})
    assert (bad.status, payload(bad)["code"]) == (400, "bad-credential-event")
    assert call(app, "POST", "/api/v1/credential-events", REUSE, token=None).status == 401
    assert call(app, "GET", "/api/v1/credential-events").status == 405
    assert len(seen) == 1


def test_the_protected_logins_route(bundled_engine: Engine, tmp_path: Path) -> None:
    app = make_app(bundled_engine, tmp_path)
    response = call(app, "GET", "/api/v1/protected-logins")
    assert response.status == 200
    assert "brand/microsoft" in {a["kind"] for a in payload(response)["accounts"]}
    assert call(app, "GET", "/api/v1/protected-logins", token="wrong").status == 401
    assert call(make_app(None, tmp_path), "GET", "/api/v1/protected-logins").status == 503


# -- the event log, counters and the SIEM form ----------------------------------------------


def test_the_proxy_counts_and_logs_each_event(tmp_path: Path) -> None:
    addon = SimpleNamespace(stats=Stats(), events=EventLog(tmp_path / "events.jsonl"))
    for event in ("credential-reuse", "credential-exception", "brand-claim", "credential-reuse"):
        record = parse_credential_event({**REUSE, "event": event}, None)
        _log_credential_event(addon, record)  # type: ignore[arg-type]
    counts = addon.stats.snapshot()["counts"]
    found = [counts[k] for k in ("credential_reuse", "credential_exceptions", "brand_claims")]
    assert found == [2, 1, 1]
    lines = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert [line["event"] for line in lines] == [
        "credential-reuse", "credential-exception", "brand-claim", "credential-reuse",
    ]  # fmt: skip
    assert all(line["origin"] == "extension" for line in lines)
    for key in ("credential_reuse", "credential_exceptions", "brand_claims"):
        assert key in COUNTERS
        assert DESCRIPTIONS[key]


def test_ecs_form_of_a_reuse_event(bundled_engine: Engine) -> None:
    record = parse_credential_event(REUSE, bundled_engine)
    ecs = eventlog.to_ecs(record, "laptop-42")
    assert ecs["event.kind"] == "alert"
    assert ecs["event.category"] == ["intrusion_detection"]
    assert ecs["event.type"] == ["denied"]
    assert ecs["event.action"] == "credential-reuse"
    assert ecs["lureguard.action"] == "block"
    assert ecs["url.domain"] == "files-portal.net"
    assert ecs["url.original"] == "https://files-portal.net/s/doc"
    assert (ecs["rule.id"], ecs["rule.name"], ecs["rule.category"]) == (
        "credential-guard/brand/microsoft", "Microsoft", "credential-reuse",
    )  # fmt: skip
    assert ecs["lureguard.verdict"] == "allow"
    assert ecs["lureguard.account_kind"] == "brand/microsoft"
    assert ecs["message"] == (
        "the Microsoft password was typed into files-portal.net, which is not Microsoft; not sent"
    )
    assert not eventlog.is_clean(record)
    line = eventlog.syslog_line(record, hostname="laptop-42", procid=7)
    assert line.startswith("<132>1 ")  # local0 (16) * 8 + warning (4)
    assert " credential-reuse - \ufeff{" in line


def test_ecs_form_of_claims_and_exceptions() -> None:
    claim = eventlog.to_ecs(parse_credential_event({**REUSE, "event": "brand-claim"}, None))
    assert (claim["event.kind"], claim["event.type"], claim["event.action"]) == (
        "alert", ["info"], "brand-claim",
    )  # fmt: skip
    assert claim["message"] == (
        "files-portal.net claims to be Microsoft's sign-in page but is not one of Microsoft's sites"
    )
    allowed = eventlog.to_ecs(
        parse_credential_event({**REUSE, "event": "credential-exception"}, None)
    )
    assert allowed["event.type"] == ["allowed"]
    assert "this site is mine too" in allowed["event.reason"]
