"""Rule validation names file:line:column and the rule id for every problem."""

from __future__ import annotations

from pathlib import Path

from lureguard.ruleset.load import load_rules
from tests.unit.rulefiles import BLOCK, BRAND, write_rules


def messages(root: Path) -> list[str]:
    return [str(p) for p in load_rules([root]).problems]


def test_valid_rules_load_with_canonical_entries(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, brand=BRAND, block=BLOCK)
    loaded = load_rules([rules])
    assert loaded.problems == []
    by_id = {r.id: r for r in loaded.rules}
    assert by_id["block/test"].hosts == ("evil.net",)
    assert by_id["block/test"].suffixes == ("bad.org",)
    assert by_id["block/test"].urls == ("https://docs.example.org/forms/phish",)
    assert by_id["brand/example"].severity == "warn"
    assert by_id["block/test"].severity == "block"
    assert len(loaded.digest) == 64


def test_unknown_key_points_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, brand=BRAND + "domians: [x.com]\n")
    assert messages(rules) == [
        "rules/brand.yaml:8:1: error: unknown key 'domians' for a brand rule "
        "(did you mean 'domains'?) [brand/example]"
    ]


def test_invalid_domain_points_at_the_list_item(tmp_path: Path) -> None:
    bad = BLOCK.replace('hosts: [evil.net, "*.bad.org"]', "hosts:\n  - evil.net\n  - 'bad..host'")
    rules = write_rules(tmp_path, block=bad)
    (problem,) = messages(rules)
    assert problem.startswith("rules/block.yaml:7:5: error: host 'bad..host'")
    assert "empty label" in problem
    assert problem.endswith("[block/test]")


def test_missing_keys_wrong_types_and_bad_dates(tmp_path: Path) -> None:
    text = "id: block/x\nkind: blocklist\nhosts: evil.net\nadded: yesterday\ntags: {a: 1}\n"
    rules = write_rules(tmp_path, x=text)
    found = messages(rules)
    assert any("missing required key 'description'" in m for m in found)
    assert any("missing required key 'source'" in m for m in found)
    assert any(m.startswith("rules/x.yaml:4:8") and "YYYY-MM-DD" in m for m in found)
    assert any(m.startswith("rules/x.yaml:5:7") and "'tags' must be a list" in m for m in found)


def test_duplicate_ids_and_keys_are_reported(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, a=BLOCK, b=BLOCK + "source: again\n")
    found = messages(rules)
    assert any("duplicate rule id (first defined at rules/a.yaml:1:1)" in m for m in found)
    assert any("key 'source' appears twice" in m for m in found)


def test_yaml_syntax_error_has_a_position(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, broken="id: x\nkind: blocklist\nhosts:\n  - a.net\n c: 1\n")
    (problem,) = messages(rules)
    assert problem.startswith("rules/broken.yaml:5:2: error: YAML syntax error: expected")


def test_unclosed_bracket_points_where_it_opened_and_where_parsing_stopped(
    tmp_path: Path,
) -> None:
    rules = write_rules(
        tmp_path,
        square="id: x\nkind: blocklist\nhosts: [a.net,\n  b.net\n\ndescription: d\n",
        curly="id: x\ntests: {match: [a.net],\n  no_match: []\nsource: s\n",
        quote='id: x\ndescription: "never ends\nsource: s\n',
    )
    assert sorted(messages(rules)) == [
        "rules/curly.yaml:2:8: error: YAML syntax error: this '{' is never closed "
        "(parsing stopped at line 4, column 1: expected ',' or '}', but got '<scalar>')",
        "rules/quote.yaml:2:14: error: YAML syntax error: this '\"' is never closed "
        "(parsing stopped at line 4, column 1: found unexpected end of stream)",
        "rules/square.yaml:3:8: error: YAML syntax error: this '[' is never closed "
        "(parsing stopped at line 6, column 12: expected ',' or ']', but got ':')",
    ]


def test_non_utf8_and_nul_bytes_are_reported_not_raised(tmp_path: Path) -> None:
    rules = write_rules(tmp_path)
    (rules / "latin1.yaml").write_bytes(b"id: x\ndescription: caf\xe9\n")
    (rules / "nul.yaml").write_bytes(b"id: x\x00\n")
    found = messages(rules)
    assert "rules/latin1.yaml:2:1: error: file is not valid UTF-8 (byte 22)" in found
    assert "rules/nul.yaml:1:1: error: file contains a NUL byte" in found


def test_unknown_kind_and_bad_severity(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path,
        a="id: a\nkind: blocklst\ndescription: d\nsource: s\n",
        b=BRAND.replace("brand/example", "brand/b") + "severity: allow\n",
    )
    found = messages(rules)
    assert any("unknown kind 'blocklst'" in m for m in found)
    assert any("severity 'allow' is not valid for a brand rule" in m for m in found)


def test_hosts_file_entries_are_validated_with_their_own_line(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path, big=BLOCK.replace('hosts: [evil.net, "*.bad.org"]', "hosts_file: big.txt")
    )
    (rules / "big.txt").write_text("# comment\nok.example\nnot a host\n*.sub.example\n")
    loaded = load_rules([rules])
    assert [str(p) for p in loaded.problems] == [
        "rules/big.txt:3:1: error: host 'not a host': host 'not a host' contains the character ' ' "
        "[block/test]"
    ]


def _blocklist(entries: str) -> str:
    return f"id: block/x\nkind: blocklist\ndescription: d\nsource: s\n{entries}"


def test_a_blocklist_without_entries_is_an_error(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, none=_blocklist(""), empty=_blocklist("hosts: []\nurls: []\n"))
    (rules / "only-comments.txt").write_text("# nothing yet\n\n")
    (rules / "file.yaml").write_text(_blocklist("hosts_file: only-comments.txt\n"))
    found = messages(rules)
    assert len(found) == 3
    assert all(
        "a blocklist needs at least one entry in 'hosts', 'hosts_file' or 'urls'" in m
        for m in found
    )


def test_a_wildcard_over_a_whole_public_suffix_is_an_error(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path,
        a=_blocklist('hosts: ["*.org", "*.co.uk", "*.рф", "*.ck", "*.evil.org"]\n'),
    )
    (rules / "feed.txt").write_text("evil.net\n*.com.\n")
    (rules / "b.yaml").write_text(_blocklist("hosts_file: feed.txt\n").replace("x\n", "y\n", 1))
    found = messages(rules)
    assert [m.split(": error: ")[0] for m in found] == [
        "rules/a.yaml:5:9",
        "rules/a.yaml:5:18",
        "rules/a.yaml:5:29",
        "rules/a.yaml:5:37",
        "rules/feed.txt:2:1",
    ]
    assert found[0] == (
        "rules/a.yaml:5:9: error: '*.org' would block every site under the public suffix "
        "'org'; list the domains instead (a pattern '**.*.org' blocks the whole suffix on "
        "purpose) [block/x]"
    )
    assert "'*.xn--p1ai' would block every site" in found[2]


def test_a_hosting_platform_suffix_is_allowed_in_a_blocklist(tmp_path: Path) -> None:
    # Whole platforms abused for phishing (a tunnel service) are a deliberate choice some
    # organisations make: lint warns about them instead (see test_lint).
    rules = write_rules(tmp_path, a=_blocklist('hosts: ["*.trycloudflare.com", "*.github.io"]\n'))
    loaded = load_rules([rules])
    assert loaded.problems == []
    assert loaded.rules[0].suffixes == ("trycloudflare.com", "github.io")


def test_allowlists_may_cover_a_public_suffix(tmp_path: Path) -> None:
    allow = "id: allow/gov\nkind: allowlist\ndescription: d\nsource: s\nhosts: ['*.gov.uk']\n"
    assert messages(write_rules(tmp_path, a=allow)) == []
