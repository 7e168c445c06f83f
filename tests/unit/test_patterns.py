"""Host patterns: the glob dialect, its safety limits, the literal index and the engine step."""

from __future__ import annotations

from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruledata.patterns import PatternError, PatternIndex, parse_pattern
from lureguard.ruleset.build import compile_dir
from lureguard.ruleset.errors import RuleSetError
from tests.unit.rulefiles import BRAND, write_rules


@pytest.mark.parametrize(
    ("pattern", "host", "expected"),
    [
        ("*-paypal-*.com", "secure-paypal-login.com", True),
        ("*-paypal-*.com", "paypal.com", False),
        ("*-paypal-*.com", "a.secure-paypal-login.com", False),  # * never crosses a dot
        ("login-*.*", "login-microsoft.net", True),
        ("login-*.*", "login-.net", True),
        ("**.paypal-login.*", "paypal-login.net", True),
        ("**.paypal-login.*", "a.b.paypal-login.net", True),
        ("**.paypal-login.*", "xpaypal-login.net", False),
        ("paypa?.com", "paypa1.com", True),
        ("paypa?.com", "paypal1.com", False),
        ("LOGIN-*.COM", "login-x.com", True),
    ],
)
def test_dialect_matches_whole_host(pattern: str, host: str, expected: bool) -> None:
    assert parse_pattern(pattern).matches(host) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("", "empty"),
        ("раураl-*.com", "ASCII"),
        ("a.**.com", "first label"),
        ("pay[pal].com", "not allowed"),
        ("login..com", "empty label"),
        ("*a*b*c.com", "more than 2"),
        ("*.*.*.*.*.*.*.*.*.x?", "more than 8 wildcards"),
        ("a" * 64 + ".com", "63"),
        (".".join(["a" * 60] * 5), "253"),
        ("login-*.123", "IPv4"),
        ("*.*", "no literal"),
    ],
)
def test_invalid_or_impossible_patterns_are_rejected(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        parse_pattern(pattern)


def test_key_is_literal_text_the_pattern_needs() -> None:
    assert parse_pattern("*-paypal-*.com").key == "payp"
    assert parse_pattern("a-*.io").key == ""


def test_index_finds_only_matching_patterns_once() -> None:
    index = PatternIndex(
        [("*-paypal-*.com", "r1"), ("paypal*.net", "r2"), ("?.io", "r3"), ("x*.io", "r4")]
    )
    found = index.match("paypalpaypal.net")
    assert [(p.text, r) for p, r in found] == [("paypal*.net", "r2")]
    assert [r for _, r in index.match("a.io")] == ["r3"]
    assert index.match("example.org") == []
    assert PatternIndex([]).match("paypal.com") == []


PATTERN = """\
id: pattern/test
kind: pattern
description: test patterns
source: tests
severity: block
patterns: ["*-examplebank-*.com", "examplebank-*.*"]
"""


def test_engine_checks_patterns_after_lists_and_exemptions(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, brand=BRAND, pattern=PATTERN)
    db = tmp_path / "rules.db"
    compile_dir([rules], db, PopularList(("examplebank-news.com",), "test"))
    engine = Engine.from_db(db)
    verdict = engine.check("https://secure-examplebank-login.com/x")
    assert verdict.verdict == "block"
    assert any(r.kind == "pattern" and r.rule_id == "pattern/test" for r in verdict.reasons)
    assert not any(r.kind == "pattern" for r in engine.check("examplebank-news.com").reasons)
    assert engine.check("examplebank.com").verdict == "allow"


def test_compile_rejects_bad_pattern_with_location(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, bad=PATTERN.replace('"examplebank-*.*"', '"a..b"'))
    with pytest.raises(RuleSetError) as info:
        compile_dir([rules], tmp_path / "rules.db")
    assert "rules/bad.yaml:6:" in str(info.value.problems[0])
    assert "empty label" in str(info.value.problems[0])
