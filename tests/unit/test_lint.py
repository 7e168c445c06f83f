"""Lint: one test per message, each checking the level, the location and the rule id."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lureguard.popular import PopularList
from lureguard.ruleset.lint import MAX_PER_KIND, lint_paths
from tests.unit.rulefiles import ALLOW, BRAND, write_rules

POPULAR = PopularList(("popular.com", "famous.org", "examp1ebank.com"), "test")
TODAY = dt.date(2026, 11, 25)


def lint(tmp_path: Path, **files: str) -> list[str]:
    rules = write_rules(tmp_path, **files)
    report = lint_paths([rules], popular=POPULAR, today=TODAY)
    return [str(p) for p in report.problems]


def block(hosts: str, extra: str = "", rule_id: str = "block/a") -> str:
    return f"id: {rule_id}\nkind: blocklist\ndescription: d\nsource: s\n{extra}hosts:\n{hosts}"


def test_clean_rules_have_no_findings(tmp_path: Path) -> None:
    assert lint(tmp_path, a=block("  - evil.net\n"), allow=ALLOW) == []


def test_schema_errors_and_yaml_errors_pass_through(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - evil.net\n", "hostz: [x]\n"), b="id: [unclosed\n")
    assert "rules/a.yaml:5:1: error: unknown key 'hostz' for a blocklist rule" in found[0]
    assert found[1] == (
        "rules/b.yaml:1:5: error: YAML syntax error: this '[' is never closed "
        "(parsing stopped at line 2, column 1: expected ',' or ']', but got '<stream end>')"
    )


def test_duplicate_rule_id(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - a.net\n"), b=block("  - b.net\n"))
    assert found == [
        "rules/b.yaml:1:1: error: duplicate rule id (first defined at rules/a.yaml:1:1) [block/a]"
    ]


def test_invalid_domain_points_at_entry(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - ok.net\n  - bad..net\n"))
    assert found == [
        "rules/a.yaml:7:5: error: host 'bad..net': host 'bad..net' has an empty label "
        "(two dots in a row) [block/a]"
    ]


def test_expired_rule_warns(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - a.net\n", "expires: 2026-01-31\n"))
    assert found == [
        "rules/a.yaml:1:1: warning: rule expired on 2026-01-31; renew or remove it [block/a]"
    ]


def test_duplicate_entry_points_at_second_occurrence(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - a.net\n  - b.net\n  - A.NET\n"))
    assert found == ["rules/a.yaml:8:5: warning: duplicate entry 'a.net' [block/a]"]


def test_shadowed_entry_in_same_list(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - x.evil.net\n  - '*.evil.net'\n  - '*.a.evil.net'\n"))
    assert found == [
        "rules/a.yaml:6:5: warning: 'x.evil.net' is shadowed by '*.evil.net' [block/a]",
        "rules/a.yaml:8:5: warning: '*.a.evil.net' is shadowed by '*.evil.net' [block/a]",
    ]


def test_same_host_in_two_rules_and_cross_rule_shadow(tmp_path: Path) -> None:
    found = lint(
        tmp_path,
        a=block("  - a.net\n  - '*.big.net'\n"),
        b=block("  - a.net\n  - in.big.net\n", rule_id="block/b"),
    )
    assert found == [
        "rules/b.yaml:6:5: warning: 'a.net' is also listed by rule block/a [block/b]",
        "rules/b.yaml:7:5: warning: 'in.big.net' is shadowed by '*.big.net' of rule block/a "
        "[block/b]",
    ]


def test_blocklist_entry_made_dead_by_allowlist(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block("  - allowed.evil.net\n"), allow=ALLOW)
    assert found == [
        "rules/a.yaml:6:5: warning: 'allowed.evil.net' is allowlisted by rule allow/test, so it "
        "never fires [block/a]"
    ]


def test_hosts_file_entries_are_located_in_the_text_file(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, a=block("  - a.net\n", "hosts_file: a.txt\n"))
    (rules / "a.txt").write_text("# list\nb.net\npopular.com\n")
    report = lint_paths([rules], popular=POPULAR, today=TODAY)
    assert [str(p) for p in report.problems] == [
        "rules/a.txt:3:1: error: false-alarm guard: 'popular.com' is a popular domain "
        "(popular.com) [block/a]"
    ]
    assert report.errors == 1
    assert report.warnings == 0


def test_false_alarm_guard_for_blocklists(tmp_path: Path) -> None:
    found = lint(
        tmp_path, a=block("  - www.popular.com\n  - '*.famous.org'\n  - '*.www.famous.org'\n")
    )
    assert found == [
        "rules/a.yaml:6:5: error: false-alarm guard: 'www.popular.com' is a popular domain "
        "(popular.com) [block/a]",
        "rules/a.yaml:7:5: error: false-alarm guard: '*.famous.org' covers popular domains: "
        "famous.org [block/a]",
        "rules/a.yaml:8:5: warning: '*.www.famous.org' is shadowed by '*.famous.org' [block/a]",
    ]


def test_false_alarm_guard_for_patterns_and_unindexed_pattern(tmp_path: Path) -> None:
    pattern = (
        "id: pattern/p\nkind: pattern\ndescription: d\nsource: s\n"
        "patterns:\n  - 'pop*.com'\n  - 'a-?.io'\n"
    )
    found = lint(tmp_path, p=pattern)
    assert found == [
        "rules/p.yaml:6:5: error: false-alarm guard: pattern 'pop*.com' matches popular "
        "domains: popular.com [pattern/p]",
        "rules/p.yaml:7:5: warning: pattern 'a-?.io' has no literal run of 4 characters, so every "
        "host is compared with it; make it more specific [pattern/p]",
    ]


def test_impossible_pattern_is_an_error(tmp_path: Path) -> None:
    pattern = "id: pattern/p\nkind: pattern\ndescription: d\nsource: s\npatterns: ['login-*.42']\n"
    found = lint(tmp_path, p=pattern)
    assert found == [
        "rules/p.yaml:5:12: error: pattern 'login-*.42': last label is a number: such hosts are "
        "IPv4 addresses, so this never matches [pattern/p]"
    ]


def test_false_alarm_guard_for_brands_runs_the_engine(tmp_path: Path) -> None:
    found = lint(tmp_path, brand=BRAND)
    assert found == [
        "rules/brand.yaml:1:1: warning: false-alarm guard: the engine would flag popular domains "
        "as lookalikes of Example Bank (the popular list keeps them quiet): examp1ebank.com "
        "[brand/example]"
    ]


def test_repeated_findings_are_capped(tmp_path: Path) -> None:
    hosts = "".join(f"  - h{i}.net\n  - h{i}.net\n" for i in range(MAX_PER_KIND + 3))
    found = lint(tmp_path, a=block(hosts))
    assert len(found) == MAX_PER_KIND + 1
    assert "rules/a.yaml:7:5: warning: ... and 3 more: duplicate entries [block/a]" in found


def test_lint_never_crashes_on_odd_input(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, a="- just\n- a list\n", b="42\n", c="")
    (rules / "d.yaml").write_bytes(b"id: x\n\xff\n")
    report = lint_paths([rules], popular=POPULAR, today=TODAY)
    messages = [str(p) for p in report.problems]
    assert any("rules/d.yaml:2:1: error: file is not valid UTF-8" in m for m in messages)
    assert sum("must be a mapping" in m for m in messages) == 2


def test_blocking_a_whole_hosting_platform_warns(tmp_path: Path) -> None:
    found = lint(tmp_path, a=block('  - "*.github.io"\n  - "*.evil.github.io"\n'))
    assert found == [
        "rules/a.yaml:6:5: warning: '*.github.io' blocks every site hosted on the platform "
        "'github.io' (a public suffix of its own); keep it only if the whole platform is "
        "unwanted here [block/a]",
        "rules/a.yaml:7:5: warning: '*.evil.github.io' is shadowed by '*.github.io' [block/a]",
    ]
