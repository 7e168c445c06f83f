"""Feed importers: each format's syntax, normalisation, skips with reasons, atomic output."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lureguard.popular import PopularList
from lureguard.ruleset.importers import FeedFormatError, FeedMeta, Guard, import_feed
from lureguard.ruleset.importers.collect import collect
from lureguard.ruleset.importers.formats import Skip, parse_adblock, parse_urlhaus_csv
from lureguard.ruleset.load import load_rules

GUARD = Guard(
    allow_exact={"good.example.com": "allow/test"},
    allow_suffix={"partner.net": "allow/test"},
    protected={"popular.com": "popular domain", "bank.com": "official domain of Bank"},
)


def meta(fmt: str, kind: str = "blocklist") -> FeedMeta:
    return FeedMeta("feed/test", kind, "Test feed", "tests", fmt, "feed.txt", "2026-11-25",
                    license="CC0", reference="https://feed.example/")  # fmt: skip


def run(tmp_path: Path, fmt: str, data: bytes | str, **kw: object):  # type: ignore[no-untyped-def]
    path = tmp_path / "feed.txt"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    out = kw.pop("out", None)
    return import_feed(fmt, path, meta(fmt, str(kw.pop("kind", "blocklist"))), GUARD,
                       out=out, **kw)  # type: ignore[arg-type]  # fmt: skip


def reasons(found) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return dict(found.skipped)


def test_hosts_format_normalises_dedupes_and_skips(tmp_path: Path) -> None:
    found, text, _ = run(tmp_path, "hosts", (
        "127.0.0.1 localhost\n0.0.0.0 Evil.COM. evil.com\n0.0.0.0 10.0.0.1\n"
        "0.0.0.0 bad_name!.com\n0.0.0.0 popular.com\n0.0.0.0 good.example.com\n"
        "0.0.0.0 x.partner.net\nonlyoneword\n0.0.0.0 раураl.com # idn\n"
    ))  # fmt: skip
    assert list(found.hosts) == ["evil.com", "xn--l-7sba6dbr.com"]
    assert reasons(found) == {
        "no public suffix (a local or unknown name)": 1,
        "duplicate": 1,
        "IP address (lureguard rules name hosts)": 1,
        "invalid name: host 'bad_name!.com' contains the character '!'": 1,
        "false-alarm guard: popular domain": 1,
        "allowlisted name": 2,
        "no address and name pair": 1,
    }
    assert found.examples["duplicate"][0].line == 2
    rule = yaml.safe_load(text.split("---")[0])
    assert rule["hosts"] == ["evil.com", "xn--l-7sba6dbr.com"]
    assert rule["license"] == "CC0"
    assert rule["source"] == "tests"


def test_domains_format_keeps_suffixes_and_drops_covered_hosts(tmp_path: Path) -> None:
    found, _, _ = run(tmp_path, "domains", "# c\n! c\n*.evil.net\na.evil.net\nx.org\ntwo words\n")
    assert list(found.suffixes) == ["evil.net"]
    assert list(found.hosts) == ["x.org"]
    assert found.skipped["covered by a *.suffix entry of the same feed"] == 1
    assert found.skipped["more than one word on the line"] == 1


def test_adblock_options_exceptions_and_cosmetics() -> None:
    lines = [
        "[Adblock Plus 2.0]", "! title", "||phish.com^", "||doc.com^$document,important",
        "||ads.com^$script", "||path.com/login", "example.com##.banner", "@@||ok.phish.com^",
        "bare-host.net", "|http://x.com", "||third.com^$third-party",
    ]  # fmt: skip
    items = list(parse_adblock(iter(enumerate(lines, start=1))))
    found = collect(items, Guard())
    assert list(found.suffixes) == ["phish.com", "doc.com", "bare-host.net"]
    assert list(found.allow) == ["ok.phish.com"]
    skips = {s.line: s.reason for s in items if isinstance(s, Skip)}
    assert skips == {
        5: "option $script narrows the rule",
        6: "rule with a path or wildcard",
        7: "cosmetic filter",
        10: "rule with a path or wildcard",
        11: "option $third-party narrows the rule",
    }


def test_urlhaus_csv_header_truncated_rows_and_url_modes(tmp_path: Path) -> None:
    csv_text = (
        "# URLhaus\n# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
        '"1","2026-11-01","http://malware-example.net/a.exe?x=1","online","","malware_download",'
        '"exe","https://urlhaus.abuse.ch/url/1/","r"\n'
        '"2","2026-11-01","http://1.2.3.4/x","online","","m","","u","r"\n'
        '"3","2026-11-01","http://cut-example.org/x"\n'
        '"4","2026-11-01","https://whole-example.org/","online","","m","","u","r"\n'
        '"5","2026-11-01","https://docs.popular.com/forms/x","online","","m","","u","r"\n'
    )
    found, _, _ = run(tmp_path, "urlhaus-csv", csv_text)
    assert list(found.urls) == [
        "http://malware-example.net/a.exe",
        "https://docs.popular.com/forms/x",
    ]
    assert list(found.hosts) == ["whole-example.org"]
    assert found.examples["truncated CSV row (3 of 9 columns)"][0].line == 5
    found, _, _ = run(tmp_path, "urlhaus-csv", csv_text, url_mode="host")
    assert list(found.hosts) == ["malware-example.net", "whole-example.org"]
    assert (
        found.skipped[
            "false-alarm guard: a URL's host on a popular or brand site (use --url-mode prefix)"
        ]
        == 1
    )


def test_urlhaus_malformed_quote_is_reported() -> None:
    items = list(parse_urlhaus_csv(iter([(1, '"1","2026","http://a.example/"x,"y"')])))
    assert isinstance(items[0], Skip)
    assert items[0].reason.startswith("malformed CSV row")


def test_openphish_and_non_utf8_line(tmp_path: Path) -> None:
    data = b"https://login.phish-example.com/verify\n\xff\xfe bad\nhttps://bank.com/\nnot a url\n"
    found, _, _ = run(tmp_path, "openphish", data)
    assert list(found.urls) == ["https://login.phish-example.com/verify"]
    assert found.examples["not valid UTF-8"][0].line == 2
    assert found.skipped["false-alarm guard: official domain of Bank"] == 1
    assert any(r.startswith("invalid name") for r in found.skipped)


def test_metamask_maps_lists_and_notes_fuzzylist(tmp_path: Path) -> None:
    data = (
        '{\n "version": 2,\n "tolerance": 2,\n "fuzzylist": [\n  "metamask.io"\n ],\n'
        ' "whitelist": [\n  "metamask-fans.org"\n ],\n "blacklist": [\n  "metamask-fans.org",\n'
        '  "rnetamask.io",\n  "sub.rnetamask.io",\n  "1.2.3.4"\n ]\n}\n'
    )
    found, text, _ = run(tmp_path, "metamask", data)
    assert list(found.suffixes) == ["rnetamask.io"]
    assert list(found.allow) == ["metamask-fans.org"]
    assert found.examples["allowlisted name"][0].line == 8  # where the name first appears
    assert "fuzzylist (1 domains: metamask.io)" in found.notes[0]
    docs = list(yaml.safe_load_all(text))
    assert [d["kind"] for d in docs] == ["blocklist", "allowlist"]
    assert docs[1]["id"] == "feed/test-allow"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"blacklist": [\n "a.com",\n}', "feed.txt:3:1: not valid JSON"),
        ('{"whitelist": []}', "no 'blacklist' list"),
        (b'{"blacklist": ["\xff"]}', "feed.txt:1: not valid UTF-8"),
    ],
)
def test_metamask_bad_input_names_file_and_line(
    tmp_path: Path, data: str | bytes, message: str
) -> None:
    with pytest.raises(FeedFormatError, match=message):
        run(tmp_path, "metamask", data)


def test_big_lists_go_to_a_hosts_file_and_compile(tmp_path: Path) -> None:
    out = tmp_path / "rules" / "feed.yaml"
    hosts = "".join(f"0.0.0.0 host{i}.phish-example.com\n" for i in range(600))
    _, _, written = run(tmp_path, "hosts", hosts, out=out)
    assert [p.name for p in written] == ["feed.txt", "feed.yaml"]
    assert "hosts_file: feed.txt" in out.read_text()
    loaded = load_rules([out.parent])
    assert not loaded.problems
    assert len(loaded.rules[0].hosts) == 600
    assert not list(out.parent.glob(".*.tmp"))


def test_failed_import_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "feed.yaml"
    out.write_text("old\n")
    with pytest.raises(FeedFormatError, match="no usable entries"):
        run(tmp_path, "hosts", "127.0.0.1 localhost\n", out=out)
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.txt", "feed.yaml"]


def test_allowlist_kind_ignores_guard_and_urls(tmp_path: Path) -> None:
    found, text, _ = run(tmp_path, "domains", "popular.com\n*.partner.net\n", kind="allowlist")
    assert list(found.hosts) == ["popular.com"]
    assert yaml.safe_load(text)["hosts"] == ["popular.com", "*.partner.net"]


def test_guard_from_rules_reads_allowlists_and_brands(tmp_path: Path) -> None:
    from tests.unit.rulefiles import ALLOW, BRAND, write_rules

    rules = write_rules(tmp_path, allow=ALLOW, brand=BRAND)
    guard = Guard.from_rules([rules], PopularList(("pop.com",), "t"))
    assert guard.allowed_by("allowed.evil.net", {}) == "allow/test"
    assert guard.protected_reason("www.examplebank.com") == "official domain of Example Bank"
    assert guard.protected_reason("pop.com") == "popular domain"
