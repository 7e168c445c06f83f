"""The engine's decision order and the Verdict contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruleset.build import compile_dir
from tests.unit.rulefiles import ALLOW, BLOCK, BRAND, write_rules


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("engine")
    rules = write_rules(root, brand=BRAND, block=BLOCK, allow=ALLOW)
    out = root / "rules.db"
    compile_dir([rules], out, PopularList(("exarnplebank.org",), "test"))
    return Engine.from_db(out)


def test_blocklist_exact_suffix_and_url_prefix(engine: Engine) -> None:
    assert engine.check("evil.net").verdict == "block"
    assert engine.check("www.evil.net").verdict == "allow"  # exact entries are exact
    assert engine.check("bad.org").verdict == "block"  # *.bad.org covers bad.org itself
    assert engine.check("a.b.bad.org").reasons[0].kind == "blocklist"
    url = engine.check("http://docs.example.org/forms/phish?id=1")
    assert url.verdict == "block"
    assert url.reasons[0].kind == "url-rule"
    assert engine.check("https://docs.example.org/forms/other").verdict == "allow"
    assert engine.may_match("docs.example.org")
    assert not engine.may_match("example.org")


def test_allowlist_wins_over_blocklist(engine: Engine) -> None:
    verdict = engine.check("allowed.evil.net")
    assert verdict.verdict == "allow"
    assert verdict.reasons[0].kind == "allowlisted"


def test_official_domains_are_allowed_and_lookalikes_warn(engine: Engine) -> None:
    assert engine.check("login.examplebank.com").verdict == "allow"
    assert engine.check("examplebank-cdn.net").verdict == "allow"
    verdict = engine.check("https://exarnplebank.com/login")
    assert verdict.verdict == "warn"
    (reason,) = verdict.reasons
    assert reason.kind == "homoglyph"
    assert reason.target == "examplebank.com"
    assert reason.brand == "Example Bank"
    assert "'rn' at position 3 imitates 'm'" in reason.detail
    assert "examplebank.com" in reason.detail
    assert reason.positions == (3, 4)


def test_popular_domains_are_never_lookalikes(engine: Engine) -> None:
    assert engine.check("exarnplebank.org").verdict == "allow"


def test_invalid_input_gets_null_verdict_and_error(engine: Engine) -> None:
    verdict = engine.check("javascript:alert(1)")
    assert verdict.verdict is None
    assert verdict.error
    assert verdict.to_dict()["reasons"] == []


def test_verdict_json_contract(engine: Engine) -> None:
    data = json.loads(json.dumps(engine.check("exarnplebank.com").to_dict()))
    assert set(data) >= {"input", "host", "registered_domain", "verdict", "reasons", "error"}
    assert set(data["reasons"][0]) >= {"kind", "rule_id", "brand", "target", "detail"}
    assert data["registered_domain"] == "exarnplebank.com"


def test_bundled_rules_catch_the_founding_story(bundled_engine: Engine) -> None:
    verdict = bundled_engine.check("rnicrosoft.com")
    assert verdict.verdict in ("warn", "block")
    assert any(r.target == "microsoft.com" for r in verdict.reasons)
    assert bundled_engine.check("xn--pple-43d.com").flagged
    assert bundled_engine.check("paypa1.com").flagged
    assert bundled_engine.check("microsoft.com").verdict == "allow"


def test_a_plural_that_is_a_word_part_of_popular_names_is_no_plural(
    bundled_engine: Engine,
) -> None:
    # canvas sits inside popular names: a word, not Canva's plural (paypals sits in none)
    assert bundled_engine.check("canvas-login.com").verdict == "allow"
    assert bundled_engine.check("paypalsverify.com").verdict == "warn"


def test_engine_loads_from_any_path(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    compile_dir([rules], tmp_path / "x.db", PopularList.empty())
    assert Engine.from_db(tmp_path / "x.db").version


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_check_never_raises_on_arbitrary_text(bundled_engine: Engine, text: str) -> None:
    verdict = bundled_engine.check(text)
    assert (verdict.verdict is None) == (verdict.error is not None)


HOSTS = st.from_regex(r"[a-z0-9]{1,12}(\.[a-z0-9]{1,12}){0,2}\.(com|net|co\.uk|de)", fullmatch=True)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(HOSTS)
def test_verdict_is_stable_under_case_and_trailing_dot(bundled_engine: Engine, host: str) -> None:
    plain = bundled_engine.check(host)
    assert bundled_engine.check(host.upper() + ".").verdict == plain.verdict
    assert bundled_engine.check(f"https://{host}/x").verdict == plain.verdict
