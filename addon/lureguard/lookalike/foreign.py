"""Domain embedding without a brand: a known site's domain written into a longer host, so the
start of the address reads as that site (`raven.cam.ac.uk.libqt.tk`, `login.ki.se.kilib.me`,
`wp-pl.net`).

The brand pack cannot list every university, ministry or newspaper that campaigns imitate, but
the trick itself is visible: a complete domain of someone else placed before the real one. To
stay clear of the many hosts that legitimately carry a name with dots, a domain counts only
with evidence that it is a site people sign in to or know: it is a popular domain, it sits under
an academic or government suffix (`ac.uk`, `edu`, `gov.pl`), or a sign-in word precedes it
(`login.`, `cas.`, `adfs.`); a university's domain counts too (`institutions.ACADEMIC`). A
popular site's or a university's label after a sign-in word counts without its suffix
(`login.example-univ.qzrv.me`), and so does a university's before a domain whose name spells a
library (`example-univ.qzlib.me`) or is a short name that is no word (`example-univ.qzrv.me`).
An institution's own hosts are left alone: its library proxy writes other sites' names into
them.
"""

from __future__ import annotations

import string
from typing import Final

from lureguard.hosts import split_registered
from lureguard.lookalike.index import BrandIndex, Signal, label_owners
from lureguard.lookalike.institutions import ACADEMIC, institution_domain, institution_host
from lureguard.lookalike.visit import LEGACY_GENERIC_TLDS, Visit, reason
from lureguard.lookalike.words import COMMON_WORDS, INFRA_WORDS
from lureguard.psl import bundled
from lureguard.verdict import Reason

#: Host names of the single sign-on, library-proxy and learning software that nearly every
#: university and many firms run on their own domains (ADFS's `sts.`, Shibboleth's `idp.`,
#: `moodle.`): people sign in there.
SIGN_ON_SOFTWARE: Final = frozenset(
    {"adfs", "cas", "ezproxy", "idp", "libproxy", "shibboleth", "sts",
     "blackboard", "brightspace", "canvas", "d2l", "elearn", "ilias", "lms", "moodle"}
)  # fmt: skip
#: Labels that name a sign-in service: lure words, a university's `library.` (`lib.`, `bib.`:
#: its proxy asks for the campus login) and `learn.` (its learning site), and that software
#: (a generic word, never one institution's name).
SIGN_IN_WORDS: Final = SIGN_ON_SOFTWARE | frozenset(
    {
        "account", "accounts", "auth", "bib", "learn", "lib", "library", "login", "logon",
        "mail", "owa", "portal", "proxy", "secure", "signin", "sso", "webmail",
    }
)  # fmt: skip
#: A label ending in a sign-in word of this many letters names that service (`xyzlearn.`,
#: `mylibrary.`); shorter words end ordinary words (`hosts`, `espresso`).
MIN_TRAILING_WORD: Final = 5
#: Country codes that are English words, which hyphenated names use as words (`book-it`).
ENGLISH_TWO_LETTERS: Final = frozenset(
    {"am", "as", "at", "be", "by", "do", "go", "hi", "in", "is", "it", "me", "my", "no", "so",
     "to", "tv", "us", "ws"}
)  # fmt: skip
#: First labels of the suffixes only a government registers under (`gov.uk`, `gob.mx`,
#: `gouv.fr`, `mil.pl`); `go.` and `gv.` are everyday host names (`go.example.com`).
GOVERNMENT_HEADS: Final = frozenset({"gob", "gouv", "gov", "govt", "mil"})
#: The longest department label read after a government's suffix (`dwp` of dwp.gov.uk).
MAX_DEPARTMENT_LABEL: Final = 16
#: An embedded domain's own label must have at least this many characters.
MIN_EMBEDDED_LABEL: Final = 2
#: Letters that make a domain's name read as a university's library or learning service
#: (`<university>.qzlib.me`).
LIBRARY_MARKS: Final = ("lib", "edu")
#: Longest domain label read so: longer names are library software's own domains, which host
#: universities' pages under their labels (`<university>.libcal.com`).
MAX_LIBRARY_LABEL: Final = 5
#: A domain name this short that is no word counts too (`<university>.qzrv.me`).
MAX_BARE_LABEL: Final = 4

_PSL: Final = bundled()
_ACADEMIC_SITES: Final = [domain for domain in ACADEMIC if split_registered(domain)[0] == domain]
#: Universities' and colleges' registrable domains by label (`label_owners`).
_ACADEMIC_OWNERS: Final = label_owners(_ACADEMIC_SITES)
#: Universities' two-letter labels (`ed` of ed.ac.uk), too short to count elsewhere: only
#: before a domain whose name spells a library (`_library_domain`).
_TWO_LETTER_ACADEMIC: Final = label_owners(_ACADEMIC_SITES, shortest=2, longest=2)
#: The labels that no other university or college carries (`lnu` would be two).
_ACADEMIC_LABELS: Final = {
    label: owners[0] for label, owners in _ACADEMIC_OWNERS.items() if len(owners) == 1
}


def detect_foreign(visit: Visit) -> list[Reason]:
    """A reason when the host carries another known site's domain before its real one."""
    signal = visit.index.signals.get("domain-embedding")
    if signal is None:
        return []
    found = _foreign(visit, signal)
    if found and institution_host(visit.target):
        return []  # its own hosts: a library proxy's `www.jstor.org.ezproxy.<university>`
    return found


def _foreign(visit: Visit, signal: Signal) -> list[Reason]:
    target = visit.target
    subdomain = target.subdomain
    if subdomain and "." in subdomain:
        labels = subdomain.split(".")
        found = _government_suffix(visit, signal) if labels[0] in GOVERNMENT_HEADS else []
        found = (
            found or _in_subdomain(visit, labels, signal) or _popular_label(visit, labels, signal)
        )
        if found:
            return found
    if subdomain:
        last = subdomain[subdomain.rfind(".") + 1 :]  # (one slice, no list of labels)
        found = _library_domain(visit, last, signal)
        if found:
            return found
    if "-" in target.domain_label:
        if subdomain in GOVERNMENT_HEADS:  # `gov.uk-refund.top`
            found = _government_suffix(visit, signal)
            if found:
                return found
        head = target.domain_label[: target.domain_label.find("-")]  # (one slice, no list)
        if subdomain and _country_suffix(head):
            # `mail.example.az-link.email`: the embedded domain's country code runs on into
            # the registrable label after a hyphen, which reads as one more dot.
            found = _in_subdomain(visit, [*subdomain.split("."), head], signal, last_only=True)
            if found:
                return found
        return _dotless(visit, signal)
    return []


def _in_subdomain(
    visit: Visit, labels: list[str], signal: Signal, last_only: bool = False
) -> list[Reason]:
    """`raven.cam.ac.uk.libqt.tk`: labels ending in a public suffix, followed by more host
    (with `last_only`, only a domain that ends at the last label, after a sign-in word:
    `cdn.ac-example.fr` is a host of ac-example.fr)."""
    first = len(labels) - 2 if last_only else 0
    for end in range(len(labels) - 1, first, -1):  # the longest domain first: cam.ac.uk
        if labels[end] not in _PSL.exact:
            continue  # a domain can only end in a label that is a suffix of its own
        written = ".".join(labels[: end + 1])
        domain, label, suffix = split_registered(written)
        if (
            not domain
            or len(label) < MIN_EMBEDDED_LABEL
            or label == "www"
            or _PSL.is_platform(suffix)
        ):
            continue
        before = labels[: end + 1 - domain.count(".") - 1]
        if (not last_only and _known(visit, domain, suffix)) or _named(before, SIGN_IN_WORDS):
            return [_reason(visit, signal, domain, written + ("-" if last_only else "."))]
    return []


def _government_suffix(visit: Visit, signal: Signal) -> list[Reason]:
    """`gov.bd.account.x.com`, `gov.uk-refund.top`: the host starts with a government's own
    suffix, as if the site were one of its departments (the hyphen after the suffix reads as
    a dot). No government host starts with its bare suffix, and nobody else's should."""
    target = visit.target
    tokens = target.subdomain.split(".")
    dotted = len(tokens)
    head = target.domain_label.split("-", 1)[0]
    if head != target.domain_label and head not in ENGLISH_TWO_LETTERS:  # not `gov.in-time`
        tokens.append(head)
    for count in range(min(len(tokens), 3), 1, -1):  # the longest suffix first: gov.co.xx
        written = ".".join(tokens[:count])
        if written in _PSL.exact or written.partition(".")[2] in _PSL.wildcard:
            joint = "." if count <= dotted else "-"
            if count > dotted:  # the suffix ran on into the registrable label
                after = target.domain_label[len(head) + 1 :]
            else:
                after = tokens[count] if count < dotted else target.domain_label
            return _department(visit, written, joint, after) or [
                _reason(visit, signal, written, written + joint)
            ]
    return []


def _department(visit: Visit, suffix: str, joint: str, after: str) -> list[Reason]:
    """`gov.uk-dwpit.bond`: the department whose official domain the letters after a
    government's suffix start with (dwp.gov.uk), written suffix first: said of that brand."""
    for end in range(min(len(after), MAX_DEPARTMENT_LABEL), 1, -1):
        domain = f"{after[:end]}.{suffix}"
        owner = visit.index.official_entry(after[:end], domain)
        if owner is not None:
            target = visit.target
            detail = (
                f"{target.host} writes {domain} suffix first ('{suffix}{joint}{after[:end]}') "
                f"but belongs to {target.registered_domain}; real site: {domain}"
            )
            return [reason("target-embedding", owner, detail)]
    return []


def _named(labels: list[str], words: frozenset[str]) -> bool:
    """True when one of `labels` names one of `words`: is it, numbered hosts the same
    service (`login1.`, `ezproxy2.`), holds it as a hyphen word (`x-sso.`) or ends in one of
    MIN_TRAILING_WORD letters or more (`xyzlearn.`: the service named after its owner)."""
    for label in labels:
        label = label.rstrip(string.digits)
        if label in words or ("-" in label and not words.isdisjoint(label.split("-"))):
            return True
        if any(len(word) >= MIN_TRAILING_WORD and label.endswith(word) for word in words):
            return True
    return False


def _popular_label(visit: Visit, labels: list[str], signal: Signal) -> list[Reason]:
    """`login.example-univ.qzrv.me`: the label of a popular site that no other popular site
    carries (`index.popular_by_label`), or else of a university (`_ACADEMIC_LABELS`), right
    before someone else's domain, after a sign-in word: the site's sign-in host with its
    suffix swapped for the attacker's domain. An institution (a university, an academic or
    government suffix) counts after any sign-in word; another site after the name of
    sign-on or learning software (`shibboleth.`, `ezproxy.`, `moodle.`), which people meet on
    their university's or employer's own domain. A label that several universities share
    (`_ACADEMIC_OWNERS`) counts after that software too (`idp.<shared label>.qzrv.me`), as
    any university's. (A popular domain after it, a hosted library proxy's
    `login.x.idm.oclc.org`, never reaches a detector: the engine allows it first.)"""
    label = labels[-1]
    index = visit.index
    domain = _site_of_label(index, label)
    if domain is None:
        owners = _shared_academic(index, label)
        if not owners or not _named(labels[:-1], SIGN_ON_SOFTWARE):
            return []
        return [_shared_reason(visit, signal, owners, ".".join(labels) + ".")]
    institution = _institution(domain)
    if not _named(labels[:-1], SIGN_IN_WORDS if institution else SIGN_ON_SOFTWARE):
        return []
    return [_reason(visit, signal, domain, ".".join(labels) + ".")]


def _library_domain(visit: Visit, label: str, signal: Signal) -> list[Reason]:
    """`<university>.qzlib.me`: a university's label that no other university (nor popular
    site) carries right before a short domain whose name spells a library or education word
    (`LIBRARY_MARKS`): the university's library proxy moved to someone else's domain, the
    sign-in word written into the domain's name instead of before the label. So before a
    name of MAX_BARE_LABEL letters or fewer that is no word (`<university>.qzrv.me`), which
    names nothing a vendor would host its customers under. Not under a legacy generic TLD,
    nor a name of more than MAX_LIBRARY_LABEL letters or a popular one: library software
    hosts its customers so (`<university>.libcal.com`). Before a library's name, a
    university's two-letter label counts too (`ed.qzlib.me`): elsewhere such a label is
    anyone's initials."""
    name = visit.target.domain_label
    if (
        not (_library_name(name) or _bare_name(name))
        or visit.established
        or visit.target.suffix in LEGACY_GENERIC_TLDS
        or label in _PSL.exact  # `edu.qzlib.me` names no university
        or label in INFRA_WORDS  # nor does a server's (`uat.qzrv.me`: a test environment)
    ):
        return []
    domain = _site_of_label(visit.index, label)
    if domain is None:  # ... or a label that several universities share (`ntu.qzrv.me`)
        owners = _shared_academic(visit.index, label)
        if not owners and _library_name(name):
            owners = _TWO_LETTER_ACADEMIC.get(label, [])
        return [_shared_reason(visit, signal, owners, label + ".")] if owners else []
    return [_reason(visit, signal, domain, label + ".")] if _institution(domain) else []


def _library_name(name: str) -> bool:
    """A short domain name that spells a library or education word (`qzlib`)."""
    return len(name) <= MAX_LIBRARY_LABEL and any(mark in name for mark in LIBRARY_MARKS)


def _bare_name(name: str) -> bool:
    """A domain name of MAX_BARE_LABEL letters or fewer that is no word (`qzrv`)."""
    return len(name) <= MAX_BARE_LABEL and name.isalpha() and name not in COMMON_WORDS


def _shared_academic(index: BrandIndex, label: str) -> list[str]:
    """The universities that carry `label` (`_ACADEMIC_OWNERS`), or [] when there are none
    or popular sites of other kinds carry it too (`cloud`, `city`)."""
    owners = _ACADEMIC_OWNERS.get(label)
    if owners is None or not all(
        _institution(site) for site in index.popular_namesakes.get(label, ())
    ):
        return []
    return owners


def _site_of_label(index: BrandIndex, label: str) -> str | None:
    """The one popular site whose label `label` is (`index.popular_by_label`), or else, when
    no popular site carries it, the one university's (`_ACADEMIC_LABELS`); None if neither."""
    domain = index.popular_by_label.get(label)
    if domain is None and label not in index.popular_labels:
        domain = _ACADEMIC_LABELS.get(label)
    return domain


def _institution(domain: str) -> bool:
    """True for a university's domain or one under an academic or government suffix."""
    return institution_domain(domain, split_registered(domain)[2])


def _dotless(visit: Visit, signal: Signal) -> list[Reason]:
    """`wp-pl.net`, `mon-gov-pl.space`: a known domain of a country's suffix with its dots
    written as hyphens (`x-int`, `x-games` and `x-gov` are how ordinary names read)."""
    label = visit.target.domain_label
    # (the visit's parts when the label is as written, as nearly every one is: one split)
    tokens = visit.label_parts() if visit.label == label else label.split("-")
    if not any(len(tokens[k]) == 2 and tokens[k] in _PSL.exact for k in range(1, len(tokens))):
        return []  # no country code after a hyphen: nothing to read as a domain
    for start in range(len(tokens) - 1):
        for end in range(len(tokens) - 1, start, -1):
            written = ".".join(tokens[start : end + 1])
            domain, label, suffix = split_registered(written)
            if (
                domain == written
                and len(label) >= MIN_EMBEDDED_LABEL
                and _country_suffix(suffix)
                and _known(visit, domain, suffix)
                # `x-ac` is how names read (air conditioning): `.ac` alone is Ascension
                # Island's code, academic only with a country after it (`ac-uk`).
                and ("." in suffix or domain in visit.index.popular)
            ):
                return [_reason(visit, signal, domain, "-".join(tokens[start : end + 1]))]
    return []


def _country_suffix(suffix: str) -> bool:
    """A country's suffix that does not read as an English word after a hyphen: `pl`,
    `mil.pl`, `com.au`, `co.it`, but not `it` or `me` (`book-it`, `call-me` are phrases)."""
    if "." in suffix:
        return len(suffix.rsplit(".", 1)[-1]) == 2
    return len(suffix) == 2 and suffix not in ENGLISH_TWO_LETTERS


def _known(visit: Visit, domain: str, suffix: str) -> bool:
    """A popular site, a university or any site under an academic or government suffix (not
    the host's own domain)."""
    if domain == visit.target.registered_domain:
        return False
    return domain in visit.index.popular or institution_domain(domain, suffix)


def _shared_reason(visit: Visit, signal: Signal, owners: list[str], written: str) -> Reason:
    """A university's sign-in host written before someone else's domain, when several
    universities carry its label: the reason names them all, and no one real site."""
    target = visit.target
    shown = ", ".join(sorted(owners)[:3]) + (
        f" and {len(owners) - 3} more" if len(owners) > 3 else ""
    )
    detail = (
        f"{target.host} starts like a university's sign-in host ('{written}') but belongs to "
        f"{target.registered_domain}; universities of that name: {shown}"
    )
    return Reason("target-embedding", signal.rule_id, signal.level, detail, source=signal.source)


def _reason(visit: Visit, signal: Signal, domain: str, written: str) -> Reason:
    target = visit.target
    detail = (
        f"{target.host} starts like {domain} ('{written}') but belongs to "
        f"{target.registered_domain}; real site: {domain}"
    )
    return Reason(
        "target-embedding", signal.rule_id, signal.level, detail, target=domain,
        source=signal.source,
    )  # fmt: skip
