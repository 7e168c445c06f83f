"""The canonical URL form that URL-prefix rules and requests are compared in (lureguard.urlnorm)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lureguard.engine import Engine
from lureguard.hosts import parse_target
from lureguard.popular import PopularList
from lureguard.ruleset.build import compile_dir
from lureguard.urlnorm import normalize_url
from tests.unit.rulefiles import write_rules

CANONICAL = "https://sites.example.org/acme/invoice"


@pytest.mark.parametrize(
    ("spelling", "what"),
    [
        ("https://sites.example.org/acme/invoice", "already canonical"),
        ("https://sites.example.org/acme/%69nvoice", "escape of an unreserved letter"),
        ("https://sites.example.org/acme/%69%6E%76oice", "several escapes, both hex cases"),
        ("https://sites.example.org/%61cme%2finvoice", "an escaped slash"),
        ("https://sites.example.org//acme/invoice", "a doubled slash"),
        ("https://sites.example.org/acme///invoice", "slashes in a row"),
        ("https://sites.example.org/ACME/invoice", "upper case"),
        ("https://sites.example.org/AcMe/INVOICE", "mixed case"),
        ("https://sites.example.org/acme/%49nvoice", "an escaped upper-case letter"),
        ("https://sites.example.org:443/acme/invoice", "the default https port"),
        ("https://sites.example.org:/acme/invoice", "an empty port"),
        ("https://sites.example.org/./acme/invoice", "a '.' segment"),
        ("https://sites.example.org/x/../acme/invoice", "a '..' segment"),
        ("https://sites.example.org/../../acme/invoice", "'..' above the root"),
        ("https://sites.example.org/%2e/acme/%2E%2e/acme/invoice", "escaped dot segments"),
        ("https://sites.example.org/x/.%2e/acme/invoice", "a half-escaped '..'"),
        ("https://sites.example.org/acme;x/invoice", "a ;param"),
        ("https://sites.example.org/acme;jsessionid=1;a=b/invoice;v=2", "several ;params"),
        ("https://sites.example.org/x/..;/acme/invoice", "Tomcat's '..;'"),
        ("https://sites.example.org/acme%3Bx/invoice", "an escaped ';'"),
        ("https://sites.example.org\\acme\\invoice", "backslashes"),
        ("https://sites.example.org/acme%5Cinvoice", "an escaped backslash"),
        ("https://sites.example.org/acme/invoice#top", "a fragment"),
    ],
)
def test_each_spelling_of_a_path_has_one_canonical_form(spelling: str, what: str) -> None:
    assert normalize_url(spelling) == CANONICAL, what


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h.example:80/a", "http://h.example/a"),
        ("http://h.example:443/a", "http://h.example:443/a"),  # not the default port of http
        ("https://h.example:80/a", "https://h.example:80/a"),
        ("https://h.example:8443/a", "https://h.example:8443/a"),
        ("https://h.example:0443/a", "https://h.example/a"),
        ("https://h.example:²/a", "https://h.example:²/a"),
        ("wss://h.example:443/a", "wss://h.example/a"),
        ("http://[::1]:80/a", "http://[::1]/a"),
        ("http://[::1]/a", "http://[::1]/a"),  # the colons of an IPv6 address are no port
        ("https://h.example", "https://h.example/"),
        ("https://h.example?x=1", "https://h.example/?x=1"),
    ],
)
def test_default_ports_go_by_scheme(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h.example/a/", "https://h.example/a/"),  # a trailing slash is kept
        ("https://h.example/a//", "https://h.example/a/"),
        ("https://h.example/a/b/..", "https://h.example/a/"),
        ("https://h.example/a/.", "https://h.example/a/"),
        ("https://h.example/a/..", "https://h.example/"),
        ("https://h.example/;x", "https://h.example/"),
        # Other bytes are escaped once, in upper-case hex; the path delimiters stay escaped.
        ("https://h.example/a b/%c3%a9/é", "https://h.example/a%20b/%C3%A9/%C3%A9"),
        ("https://h.example/%3f%23%25/x", "https://h.example/%3F%23%25/x"),
        ("https://h.example/100%/%zz", "https://h.example/100%25/%25zz"),
        ("https://h.example/%27'/%7e~", "https://h.example/''/~~"),
        ("https://h.example/\udcff", "https://h.example/%FF"),  # an undecodable byte
    ],
)
def test_path_details(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://h.example/a?ID=AbC", "https://h.example/a?ID=AbC"),  # the query keeps case
        ("https://h.example/a?q=%41%7e%2f%27", "https://h.example/a?q=A~/'"),
        ("https://h.example/a?a=%26%3d%2b%3b", "https://h.example/a?a=%26%3D%2B%3B"),
        ("https://h.example/a?q=é%c3%a9", "https://h.example/a?q=%C3%A9%C3%A9"),
        ("https://h.example/a?x=/./../%2e", "https://h.example/a?x=/./../."),
        ("https://h.example/a?x=%zz 1", "https://h.example/a?x=%25zz%201"),
        ("https://h.example/A//b?X=Y", "https://h.example/a/b?X=Y"),
    ],
)
def test_the_query_is_decoded_but_not_folded(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@given(st.text(max_size=40))
def test_normalising_twice_changes_nothing(tail: str) -> None:
    once = normalize_url("https://h.example/" + tail)
    assert normalize_url(once) == once
    assert once.isascii()


@given(st.text(max_size=60))
def test_any_text_gets_an_answer(text: str) -> None:
    assert isinstance(normalize_url("https://" + text), str)
    assert normalize_url(text.replace("://", "")) == text.replace("://", "")  # no URL: as is


def test_the_form_parse_target_gives_is_normalised() -> None:
    target = parse_target("HTTPS://Sites.Example.Org:443\\ACME\\x\\..\\%69nvoice?id=1#frag")
    assert target.url is not None
    assert normalize_url(target.url) == CANONICAL + "?id=1"


BLOCK = """\
id: block/acme
kind: blocklist
description: URL rules written in odd spellings
source: tests
urls:
  - "https://Sites.Example.Org:443/ACME/%69nvoice"
  - "https://sites.example.org/acme/invoice"
  - "https://sites.example.org/pay?ref=%41"
"""


def test_rules_are_compiled_in_canonical_form_and_match_every_spelling(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    out = tmp_path / "rules.db"
    compile_dir([rules], out, PopularList((), "test"))
    with sqlite3.connect(out) as conn:
        stored = sorted(row[0] for row in conn.execute("SELECT prefix FROM url_prefixes"))
    assert stored == [
        "https://sites.example.org/acme/invoice",
        "https://sites.example.org/acme/invoice",
        "https://sites.example.org/pay?ref=A",
    ]
    engine = Engine.from_db(out)
    assert engine.url_prefixes["sites.example.org"] == [
        ("sites.example.org/acme/invoice", "block/acme"),  # one entry for the duplicate
        ("sites.example.org/pay?ref=A", "block/acme"),
    ]
    for url in (
        "https://sites.example.org//ACME/%69nvoice;x",
        "http://sites.example.org/pay?ref=A",
    ):
        assert [r.kind for r in engine.check(url).reasons] == ["url-rule"], url
    # Prefix semantics are unchanged: a plain string prefix of the canonical form.
    assert engine.check("https://sites.example.org/acme/invoice2").verdict == "block"
    assert engine.check("https://sites.example.org/acme/").verdict == "allow"
    assert engine.check("https://sites.example.org/pay?ref=a").verdict == "allow"


def test_a_database_compiled_with_raw_prefixes_is_normalised_on_load(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, block=BLOCK)
    out = tmp_path / "rules.db"
    compile_dir([rules], out, PopularList((), "test"))
    with sqlite3.connect(out) as conn:  # what an older lureguard wrote
        conn.execute("UPDATE url_prefixes SET prefix = 'https://sites.example.org:443/ACME/%69nv'")
    engine = Engine.from_db(out)
    assert engine.url_prefixes["sites.example.org"] == [
        ("sites.example.org/acme/inv", "block/acme")
    ]
    assert engine.check("https://sites.example.org/Acme/Invoice").verdict == "block"
