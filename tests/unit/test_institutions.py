"""Which domains belong to universities and public bodies (lookalike/institutions.py)."""

from __future__ import annotations

import pytest

from lureguard.hosts import parse_target, split_registered
from lureguard.lookalike.institutions import ACADEMIC, institution_host, institution_suffix


def test_the_shipped_universities_are_mostly_registrable_domains() -> None:
    assert len(ACADEMIC) > 20_000
    assert {"aarhustech.dk", "monmouth.edu", "uniroma1.it", "iitd.ernet.in"} <= ACADEMIC
    registrable = sum(split_registered(domain)[0] == domain for domain in ACADEMIC)
    assert registrable > 0.8 * len(ACADEMIC)


@pytest.mark.parametrize(
    ("host", "institution"),
    [
        ("www.jstor.org.ezproxy.lib.example-univ.edu", True),  # an academic suffix
        ("portal.example.gov.pl", True),  # a government suffix
        ("www.example.org.ezproxy.aarhustech.dk", True),  # a university's domain
        ("mail.iitd.ernet.in", True),  # a host under a university's name on a network
        ("mail.example.ernet.in", False),  # ... not under the network's own name
        ("aarhustech.dk.qzrv.me", False),  # someone else's domain with a university's in it
        ("login.example.qzrv.ac", False),  # `.ac` alone is Ascension Island's, open to anyone
        ("login.example.x.edu.eu.org", False),  # a free platform's `edu` is anyone's
        ("example.com", False),
    ],
)
def test_institution_hosts(host: str, institution: bool) -> None:
    assert institution_host(parse_target(host)) is institution


@pytest.mark.parametrize(
    ("suffix", "institution"),
    [
        ("ac.uk", True), ("gov.pl", True), ("gouv.fr", True), ("go.jp", True), ("gv.at", True),
        ("ac", True),  # written out in a host, a British university's domain without `.uk`
        ("go.it", False),  # an Italian province (Gorizia), as every two letters under .it
        ("com", False),
    ],
)  # fmt: skip
def test_institution_suffixes(suffix: str, institution: bool) -> None:
    assert institution_suffix(suffix) is institution
