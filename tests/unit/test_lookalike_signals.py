"""The brand-less signals: another site's domain inside a host, and suspicious names."""

from __future__ import annotations

from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.popular import PopularList
from lureguard.ruleset.build import compile_dir
from tests.unit.rulefiles import write_rules

SIGNALS = {
    "embedding": """\
        id: signal/domain-embedding
        kind: signal
        signal: domain-embedding
        description: test
        source: tests
        severity: warn
        """,
    "suspicious": """\
        id: signal/suspicious-name
        kind: signal
        signal: suspicious-name
        description: test
        source: tests
        """,
}
POPULAR = (
    "wp.pl", "ki.se", "securelogin.com", "book.it", "example-univ.edu", "twice.edu", "twice.com",
    "example-lib.org", "example-firm.com", "countdown.net", "downtime.org", "modernist.org",
    "example-modern.com", "pstu.com", "pstu.net",
)  # fmt: skip


def _engine(root: Path, rules: dict[str, str]) -> Engine:
    out = root / "rules.db"
    compile_dir([write_rules(root, **rules)], out, PopularList(POPULAR, "tests"))
    return Engine.from_db(out)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return _engine(tmp_path_factory.mktemp("signals"), SIGNALS)


def _reasons(engine: Engine, host: str) -> list[tuple[str, str, str | None]]:
    return [(r.kind, r.level, r.target) for r in engine.check(host).reasons]


@pytest.mark.parametrize(
    ("host", "target"),
    [
        ("raven.cam.ac.uk.iftl.tk", "cam.ac.uk"),  # an academic suffix; the longest domain
        ("cas.fsu.edu.libg.ml", "fsu.edu"),
        ("login.ki.se.ersta.me", "ki.se"),  # popular
        ("login.example.com.verify-session.net", "example.com"),  # after a sign-in word
        ("proxy3.lib.example.se.qzlib.me", "example.se"),  # numbered, a library's proxy
        ("login.example.az-link.click", "example.az"),  # its suffix runs on after a hyphen
        ("wp-pl.eu", "wp.pl"),  # dots written as hyphens: popular, a country's suffix
        ("poczta.wojsko-mil-pl.click", "wojsko.mil.pl"),  # ... or a government suffix
        ("logon.example-univ.qzrv.me", "example-univ.edu"),  # a university's label, no suffix
        ("sts2.example-firm.qzrv.me", "example-firm.com"),  # any site's, after sign-on software
        ("moodle.example-firm.qzrv.me", "example-firm.com"),  # ... or learning software
        ("bib.aarhustech.dk.qzrv.me", "aarhustech.dk"),  # a university (academic-domains.txt)
        ("login.monmouth.qzrv.me", "monmouth.edu"),  # ... its label, no popular site's
        ("lib.monmouth.qzrv.me", "monmouth.edu"),  # ... after its library's host name
        ("qzlearn.monmouth.qzrv.me", "monmouth.edu"),  # ... a label ending in a sign-in word
        ("qz-sso.monmouth.qzrv.me", "monmouth.edu"),  # ... or holding one as a hyphen word
        ("idp.unicv.qzrv.me", None),  # a label universities share, after sign-on software
        ("monmouth.qzlib.me", "monmouth.edu"),  # a university's label, a library's domain name
        ("q.monmouth.qzrv.me", "monmouth.edu"),  # ... or a short name that is no word
        ("unicv.qzrv.me", None),  # ... a label universities share too
        ("ease.ed.qzlib.me", None),  # ... a two-letter one before a library's name (ed.ac.uk)
        ("example-univ.zedu.xyz", "example-univ.edu"),  # ... a popular university's
        ("gov.uk.refund-qz.com", "gov.uk"),  # a government's bare suffix starting the host
        ("gov.uk-refund-qz.top", "gov.uk"),  # ... its dot written as a hyphen
        ("gov.bd.account.qzrv.com", "gov.bd"),  # ... under a wildcard rule (`*.bd`)
    ],
)
def test_another_sites_domain_inside_the_host_warns(
    engine: Engine, host: str, target: str | None
) -> None:
    assert _reasons(engine, host) == [("target-embedding", "warn", target)]
    assert engine.check(host).verdict == "warn"


@pytest.mark.parametrize(
    "host",
    [
        "www.example.com.cdn.example.net",  # an unknown .com, no sign-in word
        "static.de.example.org",  # a country code as a plain subdomain
        "www.gov-parking.click",  # `www` is nobody's name
        "cdn.ac-example.fr",  # a code before a hyphen counts after a sign-in word only
        "cam.ac.uk",  # the site itself
        "book-it.com",  # popular book.it, but .it words read like names with hyphens
        "qzresearch-int.se",  # single-label gTLDs never count written with hyphens
        "qzteam-gov.com",
        "cooling-ac.com",  # `.ac` alone is a country's code, not an academic suffix
        "www.example-univ.qzrvx.me",  # a university's label without a sign-in word before it
        "monmouth.qzrv.com",  # ... before a short name under a legacy generic TLD
        "monmouth.book.me",  # ... or one that is a word
        "uat.qzrv.me",  # a server's label (a test stage), though a university's too
        "monmouth.qzlibcal.me",  # ... before a longer name: library software's customer host
        "monmouth.qzlib.com",  # ... or a name under a legacy generic TLD
        "example-firm.qzlib.me",  # no institution's label before a library's domain name
        "edu.qzlib.me",  # a suffix's label names no university
        "ed.qzrv.me",  # a university's two-letter label only before a library's name
        "login.twice.qzrv.me",  # a label that popular sites of other kinds carry too
        "login.example-firm.qzrv.me",  # not an institution: only sign-on software counts
        "login.unicv.qzrvx.me",  # a label universities share: only after sign-on software
        "idp.pstu.qzrv.me",  # ... not one that popular sites of other kinds share (pstu.com)
        "qzhosts.monmouth.qzrvx.me",  # a short sign-in word (`sts`) ending a word names nothing
        "www.example.org.ezproxy.lib.example-univ.edu",  # a university's own library proxy
        "www.example.org.ezproxy.aarhustech.dk",
        "login.example-univ.idm.example-lib.org",  # a popular site hosts it (a library proxy)
        "gov.qzrv.com",  # a `gov.` host of anyone's
        "gov.in-time.com",  # a code that is an English word, before a hyphen
    ],
)
def test_ordinary_dotted_and_hyphenated_names_do_not(engine: Engine, host: str) -> None:
    assert _reasons(engine, host) == [], host


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("webrnaii.net", "reads as sign-in words"),  # rn for m, i for l: webmail
        ("dovvnload-files.com", "reads as sign-in words"),  # vv for w
        ("rnai1box.org", "reads as sign-in words"),  # 1 for l
        ("secrity-login.com", "misspells 'security'"),
        ("files-download-center.net", "made only of sign-in and lure words"),
        ("webmail07-verify.net", "and numbers"),  # serial numbers are filler
        ("mailserver39.net", "and numbers"),  # ... after glued words too
        ("fileviewingcom.net", "fileviewing.com with its dot left out"),  # words, inflected
        ("dovvn-files.com", "disguises 'down' as 'dovvn'"),  # an ordinary word, vv for w
        ("login-yes.com", "the sign-in word 'login'"),  # a credential word beside any word
        ("qz-pw.net", "the sign-in word 'pw'"),
        # A lure word misspelled among English words, glued (`secrity` first, `accuont` last)
        ("secrityupdates.com", "misspells 'security' as 'secrity' among ordinary words"),
        ("gardenaccuont.net", "misspells 'account' as 'accuont' among ordinary words"),
        ("my-gardenaccuont.net", "misspells 'account' as 'accuont'"),  # in any hyphen part
        ("gardenshareing.com", "misspells 'sharing' as 'shareing'"),  # an `e` kept before -ing
        ("fileviewering.net", "misspells 'viewing' as 'viewering'"),  # -ing stacked on -er
        ("gardensecurited.com", "misspells 'security' as 'securited'"),  # -ed for a y
        ("folderverifing.net", "misspells 'verifying' as 'verifing'"),  # -ing for a y
        # A label that starts `com-` ends whatever name is put before it as a .com address
        ("com-qzrvx.info", "begins with 'com-'"),
        ("secure.com-7qz3.top", "'secure.com-7qz3'"),
    ],
)
def test_suspicious_names_are_notices(engine: Engine, host: str, words: str) -> None:
    verdict = engine.check(host)
    assert verdict.verdict == "allow"  # a notice never changes the verdict
    (reason,) = verdict.reasons
    assert (reason.kind, reason.level) == ("suspicious-name", "notice")
    assert words in reason.detail


@pytest.mark.parametrize(
    "host",
    [
        "login.com", "mail.net", "securelogin.com", "example.com", "secretary-office.com",
        "verify12345.com",  # one word and a number is a name
        "telecom.com",  # ends in `com`, but no sign-in words before it
        "modern-mail.com",  # `rn` in a word as written
        "web3-login.com",  # a digit ending a word makes a name, not a letter
        "temp-mail.com",  # `mail` beside a word is a product, unlike `login`
        "login-kittenhouse.com",  # a long word beside `login` is a name
        "login-my-qz.com",  # three words: not a credential word with one word beside it
        "secrity.com",  # a misspelled word alone is a name
        "secrityqzx.com",  # ... and beside letters that are no word
        "xecurityupdates.com",  # a slip of a first letter makes another name
        "abssecurity.com",  # a slip at a word's edge is a cut between words in the wrong place
        "gardensecurity.com",  # words as spelled
        "gardenverified.com",  # ... inflected as English does
        "telecom-qz.com", "comqzrvx-shop.net",  # `com` ending a word or glued to one
    ],
)  # fmt: skip
def test_single_words_popular_names_and_ordinary_words_are_not_suspicious(
    engine: Engine, host: str
) -> None:
    assert _reasons(engine, host) == [], host


def test_a_signal_is_off_without_its_rule_and_its_severity_comes_from_the_rule(
    tmp_path: Path,
) -> None:
    bare = _engine(tmp_path / "bare", {"embedding": SIGNALS["embedding"]})
    assert _reasons(bare, "webrnaii.net") == []
    raised = SIGNALS["suspicious"] + "severity: warn\n"
    strict = _engine(tmp_path / "strict", {"suspicious": raised})
    assert strict.check("webrnaii.net").verdict == "warn"
    assert _reasons(strict, "raven.cam.ac.uk.iftl.tk") == []


def test_a_department_written_after_its_governments_suffix_is_named(tmp_path: Path) -> None:
    department = """\
        id: brand/qzd
        kind: brand
        name: QZ Department
        description: test
        source: tests
        domains: [qzd.gov.uk]
        """
    engine = _engine(tmp_path, {**SIGNALS, "qzd": department})
    for host in ("gov.uk-qzd-qzrv.top", "gov.uk.qzd-qzrv.com"):
        (reason,) = engine.check(host).reasons
        assert (reason.kind, reason.rule_id, reason.target) == (
            "target-embedding", "brand/qzd", "qzd.gov.uk",
        ), host  # fmt: skip
        assert "writes qzd.gov.uk suffix first" in reason.detail
    # With a lure word too (`it`, `gov`), the name beside a country and lure words is what
    # the brand's own techniques report first: the same brand.
    for host in ("gov.uk-qzdit.top", "gov.uk.qzd.qzrv.com"):
        (reason,) = engine.check(host).reasons
        assert (reason.rule_id, reason.target) == ("brand/qzd", "qzd.gov.uk"), host
    # Letters that start no department's domain leave the government's suffix the finding.
    assert _reasons(engine, "gov.uk-refund-qz.top") == [("target-embedding", "warn", "gov.uk")]
