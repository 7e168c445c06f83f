"""Events the extension's credential guard reports: validated strictly, judged, then recorded.

The body names a host, an account kind and what happened; the API adds the host's lureguard
verdict itself (never trusting the caller's). Unknown keys are refused, so no field of any name
can carry a password or a hash into the logs, even from a buggy or older extension.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from lureguard.engine import Engine
from lureguard.hosts import HostError, parse_target

CREDENTIAL_EVENTS_FILE = "credential-events.jsonl"

EventKind = Literal["credential-reuse", "credential-exception", "brand-claim"]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
#: What each event did, as `action` (and ECS `event.action` stays the event's name).
ACTIONS: dict[str, str] = {
    "credential-reuse": "block",
    "credential-exception": "allow-site",
    "brand-claim": "warn",
}
_ALLOWED = {"event", "host", "url", "account_kind", "account_name"}
#: A rule id (`brand/microsoft`, `org/example-ngo`) or `sso` (the SSO account from browser policy).
_KIND = re.compile(r"^(?:[a-z0-9][a-z0-9._-]{0,30}/[a-z0-9][a-z0-9._-]{0,95}|sso)$")
_LIMITS = {"url": 2048, "account_name": 100}


class CredentialEventError(ValueError):
    """The event body is not acceptable (message is shown to the caller)."""


def parse_credential_event(payload: Any, engine: Engine | None) -> dict[str, Any]:
    """The record to store for `payload`; raises `CredentialEventError` when it is invalid."""
    if not isinstance(payload, dict):
        raise CredentialEventError("the event must be a JSON object")
    unknown = sorted(set(payload) - _ALLOWED)
    if unknown:
        raise CredentialEventError(f"unknown field(s): {', '.join(unknown)[:200]}")
    event = payload.get("event")
    if event not in EVENT_KINDS:
        raise CredentialEventError(f"'event' must be one of {', '.join(EVENT_KINDS)}")
    host = _host(payload.get("host"))
    kind = payload.get("account_kind")
    if not isinstance(kind, str) or not _KIND.match(kind):
        raise CredentialEventError("'account_kind' must be a brand rule id or 'sso'")
    if ".." in kind:
        raise CredentialEventError("'account_kind' must be a brand rule id or 'sso'")
    name = _text(payload, "account_name") or kind
    url = _page_url(_text(payload, "url"), host)
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": event,
        "action": ACTIONS[event],
        "host": host,
        "url": url,
        "account_kind": kind,
        "account_name": name,
        "rule_id": f"{'brand-claim' if event == 'brand-claim' else 'credential-guard'}/{kind}",
    }
    record.update(_judge(engine, host))
    return record


def _host(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > 253:
        raise CredentialEventError("the event needs a 'host' name")
    try:
        target = parse_target(value)
    except HostError as exc:
        raise CredentialEventError(f"'host' is not a host name: {exc}") from None
    if target.port is not None or any(c in value for c in "/?#@\\"):
        raise CredentialEventError("'host' must be a bare host name")
    return target.host


def _text(payload: dict[str, Any], key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise CredentialEventError(f"'{key}' must be a string")
    if len(value) > _LIMITS[key]:
        raise CredentialEventError(f"'{key}' is longer than {_LIMITS[key]} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise CredentialEventError(f"'{key}' holds control characters")
    return value


def _page_url(url: str | None, host: str) -> str | None:
    """The page's address without query, fragment or credentials (a login page may carry
    tokens there); None when it is not an http(s) address on `host`."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").rstrip(".") != host:
        return None
    netloc = f"{host}:{port}" if port else host
    return f"{parts.scheme}://{netloc}{parts.path or '/'}"


def _judge(engine: Engine | None, host: str) -> dict[str, Any]:
    """The host's own lureguard verdict, for the record (None while the rules load)."""
    if engine is None:
        return {"verdict": None, "host_reasons": [], "ruleset_version": None}
    verdict = engine.check(host)
    reasons = [
        {"kind": r.kind, "rule_id": r.rule_id, "brand": r.brand, "target": r.target}
        for r in verdict.reasons
    ]
    return {"verdict": verdict.verdict, "host_reasons": reasons, "ruleset_version": engine.version}
