"""The proxy's small parts on their own: tokens, policy, highlighting, page, reload, stats."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.proxy.bypass import BypassStore
from lureguard.proxy.highlight import compare, registered_span
from lureguard.proxy.navigation import (
    NO_FETCH_METADATA,
    USER_NAVIGATION,
    NotUserNavigation,
    proceed_sender,
)
from lureguard.proxy.page import short_403, warning_page
from lureguard.proxy.policy import Policy, PolicyError, parse_rule_modes
from lureguard.proxy.reload import EngineHolder
from lureguard.proxy.stats import COUNTERS, Stats
from lureguard.proxy.tokens import TokenError, TokenSigner, load_or_create_secret
from lureguard.verdict import Reason, Verdict


def _verdict(host: str, *reasons: Reason, display: str | None = None) -> Verdict:
    level = "block" if any(r.level == "block" for r in reasons) else "warn"
    return Verdict(host, host, host, level, reasons, display_host=display or host)  # type: ignore[arg-type]


HOMO = Reason(
    "homoglyph", "brand/microsoft", "warn", "'rn' imitates 'm'", brand="Microsoft",
    target="microsoft.com", source="tests", positions=(0, 1),
)  # fmt: skip
LISTED = Reason("blocklist", "block/x", "block", "listed", source="feed")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_secret_file_is_private_and_stable(tmp_path: Path) -> None:
    first = load_or_create_secret(tmp_path)
    assert stat.S_IMODE((tmp_path / "bypass.secret").stat().st_mode) == 0o600
    assert load_or_create_secret(tmp_path) == first
    assert len(first) == 32


def test_tokens_single_use_bound_and_expiring() -> None:
    clock = Clock()
    signer = TokenSigner(b"k" * 32, clock)
    token = signer.issue("proceed", "rnicrosoft.com")
    with pytest.raises(TokenError, match="another page"):
        signer.redeem(token, "proceed", "paypa1.com")
    with pytest.raises(TokenError, match="another page"):
        signer.redeem(token, "report", "rnicrosoft.com")
    assert signer.redeem(token, "proceed", "rnicrosoft.com").host == "rnicrosoft.com"
    with pytest.raises(TokenError, match="already used"):
        signer.redeem(token, "proceed", "rnicrosoft.com")
    late = signer.issue("proceed", "rnicrosoft.com")
    clock.now += 31 * 60
    with pytest.raises(TokenError, match="expired"):
        signer.redeem(late, "proceed", "rnicrosoft.com")


def test_forged_and_malformed_tokens() -> None:
    mine = TokenSigner(b"a" * 32).issue("proceed", "x.com")
    with pytest.raises(TokenError, match="signature"):
        TokenSigner(b"b" * 32).redeem(mine, "proceed", "x.com")
    for junk in ("", "abc", "!!!.???", "a" * 5000):
        with pytest.raises(TokenError):
            TokenSigner(b"b" * 32).redeem(junk, "proceed", "x.com")


def test_bypass_expires() -> None:
    clock = Clock()
    store = BypassStore(clock)
    store.grant("a.com", 60)
    assert store.active("a.com")
    assert not store.active("b.com")
    clock.now += 61
    assert not store.active("a.com")


def test_policy_actions() -> None:
    warn, block = _verdict("a.com", HOMO), _verdict("b.com", LISTED)
    assert Policy("warn").action(warn) == "warn"
    assert Policy("warn").action(block) == "block"
    assert Policy("block").action(warn) == "block"
    assert Policy("monitor").action(block) == "monitor"
    assert Policy("monitor", {"block/x": "block"}).action(block) == "block"
    assert Policy("block", {"brand/microsoft": "warn"}).action(warn) == "warn"
    assert Policy("warn").action(Verdict("a", "a", "a", "allow")) is None
    assert Policy("warn", allow_bypass=False).can_proceed("warn") is False
    assert parse_rule_modes(["a=block, b=monitor", "c=warn"]) == {
        "a": "block", "b": "monitor", "c": "warn",
    }  # fmt: skip
    with pytest.raises(PolicyError):
        parse_rule_modes(["=block"])


def test_highlight_positions_and_alignment() -> None:
    visited, real = compare("login.rnicrosoft.com", "rnicrosoft.com", HOMO)
    assert visited == [("login.", False), ("rn", True), ("icrosoft.com", False)]
    assert real == [("m", True), ("icrosoft.com", False)]
    typo = Reason("typo", "brand/paypal", "warn", "d", target="paypal.com")
    visited, real = compare("paypall.com", "paypall.com", typo)
    assert "".join(t for t, m in visited if m) == "l"
    assert registered_span("a.b.example.co.uk", "example.co.uk") == 4
    # A brand with extra words has nothing to line up: no marks.
    combo = Reason("combosquat", "brand/paypal", "warn", "d", target="paypal.com")
    visited, _ = compare("paypal-login.com", "paypal-login.com", combo)
    assert not any(m for _, m in visited)


def test_page_escapes_everything_from_the_site() -> None:
    evil = "x.com/<script>alert(1)</script>"
    page = warning_page(
        _verdict("rnicrosoft.com", HOMO),
        action="warn",
        url=f"https://rnicrosoft.com/{evil}?q=\"'><img>",
        ruleset="v1",
        proceed_tokens={"visit": 't"><b>'},
        report_token=None,
        referrer="javascript:alert(1)",
    )
    html = page.body.decode()
    assert "<script>" not in html
    assert "<img>" not in html
    assert "<b>" not in html
    assert "javascript:" not in html
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "script-src" not in page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_page_for_a_blocklisted_host_and_unicode_name() -> None:
    page = warning_page(
        _verdict("xn--pple-43d.com", HOMO, display="аpple.com"),
        action="block", url="https://xn--pple-43d.com/", ruleset="v1",
        proceed_tokens={}, report_token="r", referrer="https://mail.example.org/inbox",
    )  # fmt: skip
    html = page.body.decode()
    assert "spelled xn--pple-43d.com" in html
    assert 'href="https://mail.example.org/inbox"' in html
    assert "/.well-known/lureguard/proceed" not in html
    listed = short_403(_verdict("evil.net", LISTED), "block")
    assert listed.body.decode() == "lureguard: blocked evil.net (block/x)\n"


def test_engine_holder_swaps_and_reports_a_bad_file_once(
    bundled_db: Path, bundled_engine: Engine, tmp_path: Path
) -> None:
    db = tmp_path / "rules.db"
    shutil.copyfile(bundled_db, db)
    swaps: list[str] = []
    failures: list[str] = []
    holder = EngineHolder(db, bundled_engine, lambda c: swaps.append(c.version), failures.append,
                          interval=0.0)  # fmt: skip
    first = holder.current()
    assert holder.current() is first  # unchanged file: nothing to do
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage")
    bad.replace(db)
    holder.current()
    holder.wait()
    holder.current()
    holder.wait()
    assert len(failures) == 1
    assert holder.current() is first
    fresh = tmp_path / "fresh.db"
    shutil.copyfile(bundled_db, fresh)
    fresh.replace(db)
    holder.current()
    holder.wait()
    assert holder.current() is not first
    assert swaps == [bundled_engine.version]


def test_stats_snapshot() -> None:
    stats = Stats()
    stats.add("blocks")
    stats.add("blocks")
    snap = stats.snapshot()
    assert snap["counts"]["blocks"] == 2
    assert set(snap["counts"]) == set(COUNTERS)
    assert snap["uptime_seconds"] >= 0


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-User": "?1"},
         USER_NAVIGATION),
        ({"Origin": "null"}, NO_FETCH_METADATA),  # the sandboxed page's form on plain HTTP
        ({}, NO_FETCH_METADATA),  # curl and other non-browser clients
        ({"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}, None),  # fetch()
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}, None),  # form.submit()
        ({"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe", "Sec-Fetch-User": "?1"}, None),
        ({"Origin": "http://rnicrosoft.com"}, None),  # a script of the site on plain HTTP
    ],
)  # fmt: skip
def test_only_the_users_navigation_may_proceed(headers: dict[str, str], sender: str | None) -> None:
    if sender is None:
        with pytest.raises(NotUserNavigation):
            proceed_sender(headers)
    else:
        assert proceed_sender(headers) == sender


def test_proceed_tokens_name_their_duration_and_share_one_use() -> None:
    signer = TokenSigner(b"k" * 32)
    tokens = signer.issue_group(["proceed:visit", "proceed:day"], "rnicrosoft.com")
    with pytest.raises(TokenError, match="another page"):
        signer.redeem(tokens["proceed:visit"], "proceed:day", "rnicrosoft.com")
    signer.redeem(tokens["proceed:visit"], "proceed:visit", "rnicrosoft.com")
    with pytest.raises(TokenError, match="already used"):
        signer.redeem(tokens["proceed:day"], "proceed:day", "rnicrosoft.com")
    odd = signer.issue("proceed:visit", "a|b")  # a hostile Host header still round-trips
    assert signer.redeem(odd, "proceed:visit", "a|b").host == "a|b"
