"""A brand rule for an organisation's own domains (`lureguard protect`, policy `protect.*`).

NGOs, universities and ministries are what targeted campaigns imitate, and no shipped pack can
list them all. Both the command and the system policy build the rule here, so a laptop and a
fleet protect an organisation the same way: its domains are official, the sign-in hosts are
`login_hosts`, and each registrable label becomes a `keyword` when it is a distinctive name or
a `context_keyword` (protected only beside lure words) when it is an ordinary word or a name
other sites share. Which is which comes from what the engine already knows: the lure
vocabulary and the shipped popular-domains list.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from lureguard.hosts import HostError, parse_target, split_registered, to_unicode
from lureguard.lookalike.confusables import MULTI_LETTER, SINGLE_LETTER
from lureguard.lookalike.words import LURE_WORDS
from lureguard.popular import PopularList
from lureguard.verdict import Verdict

SOURCE = "lureguard protect"
#: Names shorter than this are never keywords: nearly every short name is someone's site.
MIN_KEYWORD = 5
#: Keywords and context keywords need this many letters (`ruleset/schema.py`).
MIN_NAME = 3
#: Other popular sites whose own name contains a label, from which it counts as shared.
SHARED_BY = 2
#: Lookalikes kept as the rule's `tests.match`.
MAX_MATCH_TESTS = 5
#: The one tell-tale substitution tried per name, most convincing first (reversed from the
#: engine's own tables, so the engine is sure to read them back).
_IMITATIONS: tuple[tuple[str, str], ...] = (
    *((letter, group) for group, letter in MULTI_LETTER.items() if group not in ("nn", "ii")),
    *((letter, digit) for digit, letter in SINGLE_LETTER.items() if digit.isdigit()),
    ("i", "1"),
)

Use = Literal["keyword", "context", "none"]


class ProtectError(ValueError):
    """The domains or sign-in hosts given cannot make a rule; the message says why."""


@dataclass(frozen=True, slots=True)
class Name:
    """A registrable label of the organisation and how the rule protects it."""

    label: str
    use: Use
    why: str


@dataclass(frozen=True, slots=True)
class Organisation:
    """What to protect: registrable domains (first one names the rule) and sign-in hosts."""

    domains: tuple[str, ...]
    sso_hosts: tuple[str, ...]
    name: str
    label: str

    @property
    def rule_id(self) -> str:
        """`org/<label of the first domain>`."""
        return f"org/{self.label}"


def organisation(
    domains: Sequence[str], sso_hosts: Sequence[str] = (), name: str | None = None
) -> Organisation:
    """Validate and normalise what the user gave; raises `ProtectError` with one sentence."""
    if not domains:
        raise ProtectError("name at least one domain of the organisation")
    regs = list(dict.fromkeys(_domain(text) for text in domains))
    hosts: list[str] = []
    for text in sso_hosts:
        host = _host(text, "sign-in host")
        if not any(host == d or host.endswith(f".{d}") for d in regs):
            raise ProtectError(
                f"sign-in host '{host}' is not under the organisation's domains "
                f"({', '.join(regs)}); add its domain too, or drop it"
            )
        hosts.append(host)
    label = split_registered(regs[0])[1]
    title = " ".join((name or "").split()) or to_unicode(label).capitalize()
    return Organisation(tuple(regs), tuple(dict.fromkeys(hosts)), title, label)


def _host(text: str, what: str) -> str:
    try:
        target = parse_target(text.strip())
    except HostError as exc:
        raise ProtectError(f"{what} '{text}' is not a host name: {exc}") from None
    if target.is_ip:
        raise ProtectError(f"{what} '{text}' is an IP address; give its host name")
    if not target.suffix:
        raise ProtectError(f"{what} '{text}' has no public suffix such as .org or .ac.uk")
    return target.host


def _domain(text: str) -> str:
    host = _host(text, "domain")
    registered = split_registered(host)[0]
    if host == f"www.{registered}":
        return registered
    if not registered:
        raise ProtectError(
            f"'{host}' is a public suffix, shared by everyone registered under it; "
            "give the organisation's own domain (example.org)"
        )
    if registered != host:
        raise ProtectError(
            f"'{host}' is a host under {registered}; give the organisation's domain "
            f"{registered} (sign-in hosts such as {host} go in --sso)"
        )
    return host


def shared_name(label: str, popular: Sequence[str], own: Iterable[str] = ()) -> str | None:
    """Why `label` is no distinctive name (a short name, a lure word, or a name that other
    popular sites carry inside or as their own), or None when it is one."""
    if len(label) < MIN_KEYWORD:
        return f"'{label}' has fewer than {MIN_KEYWORD} letters, like many unrelated sites' names"
    if label in LURE_WORDS:
        return f"'{label}' is a word of phishing names' vocabulary"
    owned = set(own)
    others = [d for d in popular if label in d.split(".", 1)[0] and d not in owned]
    if len(others) >= SHARED_BY:
        shown = ", ".join(others[:3])
        return (
            f"'{label}' is an ordinary word or a shared name: other popular sites carry it "
            f"({shown})"
        )
    return None


def choose_names(
    org: Organisation,
    popular: Sequence[str],
    keywords: Iterable[str] = (),
    context: Iterable[str] = (),
) -> list[Name]:
    """Each registrable label with its use; `keywords`/`context` force a choice."""
    forced: dict[str, Use] = {w.lower(): "keyword" for w in keywords}
    forced.update({w.lower(): "context" for w in context})
    names: dict[str, Name] = {}
    for domain in org.domains:
        label = split_registered(domain)[1]
        if label in names:
            continue
        if label in forced:
            names[label] = Name(label, forced.pop(label), "chosen on the command line")
            continue
        if label.startswith("xn--") or not label.isascii():
            names[label] = Name(label, "none", "international names are not protected by name")
        elif len(label) < MIN_NAME:
            names[label] = Name(label, "none", f"'{label}' is too short to protect by name")
        else:
            why = shared_name(label, popular, org.domains)
            names[label] = (
                Name(label, "context", why)
                if why
                else Name(label, "keyword", f"'{label}' is a distinctive name")
            )
    for word, use in forced.items():
        names[word] = Name(word, use, "chosen on the command line")
    return list(names.values())


def lookalikes(org: Organisation, names: Sequence[Name]) -> list[str]:
    """Candidate lookalikes of the organisation, one per trick (the caller keeps those the
    engine catches): a lure word beside the name, one look-alike letter, the domain or sign-in
    host in front of another site."""
    out: list[str] = []
    domain_of = {split_registered(d)[1]: d for d in reversed(org.domains)}
    for name in names:
        if name.use == "none":
            continue
        out.append(f"{name.label}-login.com")
        domain = domain_of.get(name.label)
        if name.use == "keyword" and domain is not None:
            suffix = domain[len(name.label) + 1 :]
            imitation = _imitate(name.label)
            if imitation:
                out.append(f"{imitation}.{suffix}")
    for host in org.sso_hosts:
        registered = split_registered(host)[0]
        for label in host[: -len(registered)].strip(".").split("."):
            if len(label) >= MIN_NAME and label not in LURE_WORDS and not label.isdigit():
                out.append(f"{label}-login.com")
    hosts = org.sso_hosts or tuple(f"login.{d}" for d in org.domains[:1])
    out += [f"{host}.verify-account.net" for host in hosts[:2]]
    out.append(f"{org.domains[0]}.verify-account.net")
    return list(dict.fromkeys(out))


def _imitate(label: str) -> str | None:
    for letter, fake in _IMITATIONS:
        at = label.find(letter)
        if at >= 0:
            return label[:at] + fake + label[at + len(letter) :]
    return None


def rule_document(
    org: Organisation,
    names: Sequence[Name],
    *,
    added: str = "",
    author: str,
    source: str = SOURCE,
    severity: str = "warn",
    match: Sequence[str] = (),
    no_match: Sequence[str] = (),
) -> dict[str, Any]:
    """The brand rule as a mapping in the order a rule author reads it (no `added` date
    when none is given: the policy's rule must not change every day)."""
    keywords = [n.label for n in names if n.use == "keyword"]
    context = [n.label for n in names if n.use == "context"]
    doc: dict[str, Any] = {
        "id": org.rule_id,
        "kind": "brand",
        "name": org.name,
        "title": f"{org.name} (own domains)",
        "description": f"Lookalikes of {org.name}'s own domains and sign-in hosts.",
        "source": source,
        "author": author,
        **({"added": dt.date.fromisoformat(added)} if added else {}),
        "severity": severity,
        "tags": ["org.own"],
        "domains": list(org.domains),
    }
    if org.sso_hosts:
        doc["login_hosts"] = list(org.sso_hosts)
    if keywords:
        doc["keywords"] = keywords
    if context:
        doc["context_keywords"] = context
    if match or no_match:
        doc["tests"] = {"match": list(match), "no_match": list(no_match)}
    return doc


def no_match_tests(org: Organisation) -> list[str]:
    """The organisation's own names, which the rule must never flag."""
    out = [*org.domains, *(f"www.{d}" for d in org.domains), *org.sso_hosts]
    return list(dict.fromkeys(out))


def policy_rule(
    domains: Sequence[str], sso_hosts: Sequence[str], name: str, source: str
) -> tuple[dict[str, Any], list[Name]]:
    """The brand rule the system policy's `protect.*` keys stand for (what `lureguard
    protect` would write, without tests); raises `ProtectError`."""
    org = organisation(domains, sso_hosts, name or None)
    names = choose_names(org, PopularList.shipped().domains)
    missing = missing_names(names, org)
    if missing:
        raise ProtectError(missing)
    return rule_document(org, names, author="IT policy", source=source), names


def missing_names(names: Sequence[Name], org: Organisation) -> str | None:
    """Why the rule would protect no name, or None when it protects one (without keywords of
    either kind the compiler would protect every domain label, however short)."""
    if any(n.use != "none" for n in names):
        return None
    whys = "; ".join(n.why for n in names)
    shown = ", ".join(to_unicode(d) for d in org.domains)
    return f"no name to protect in {shown} ({whys}); add a longer domain the organisation owns"


def render(doc: dict[str, Any], names: Sequence[Name], command: str) -> str:
    """The rule file: a header that says where it came from and why each name is protected
    the way it is, then the YAML."""
    lines = [
        f"# {doc['name']}: the organisation's own domains, protected against lookalikes.",
        f"# Written by {command}.",
    ]
    for name in names:
        use = {
            "keyword": "keyword (every trick: look-alike letters, slips, extra words)",
            "context": "context keyword (only beside lure words: login, verify, ...)",
            "none": "not protected by name",
        }[name.use]
        lines.append(f"# {name.label}: {use}; {name.why}.")
    lines.append("# Check after editing: lureguard rules lint FILE && lureguard rules test FILE")
    body = yaml.safe_dump(
        doc, sort_keys=False, allow_unicode=True, default_flow_style=None, width=100
    )
    return "\n".join(lines) + "\n" + body


def probe(rule_text: str, context: Sequence[Path], hosts: Sequence[str]) -> dict[str, Verdict]:
    """The real engine's verdicts on `hosts` with this rule compiled beside the `context`
    rules (the bundled packs), as the proxy would see them. Raises `RuleSetError`."""
    from lureguard.engine import Engine
    from lureguard.ruleset.compile import compile_rules
    from lureguard.ruleset.load import LoadedRules, load_rules

    with tempfile.TemporaryDirectory(prefix="lureguard-protect-") as tmp:
        path = Path(tmp) / "org.yaml"
        path.write_text(rule_text, encoding="utf-8")
        mine = load_rules([path])
        others = load_rules(list(context)) if context else LoadedRules()
        ids = {r.id for r in mine.rules}
        rules = [*mine.rules, *(r for r in others.rules if r.id not in ids)]
        loaded = LoadedRules(rules=rules, problems=mine.errors, digest="protect")
        db = Path(tmp) / "rules.db"
        compile_rules(loaded, db, PopularList.shipped())
        engine = Engine.from_db(db)
    return {host: engine.check(host) for host in hosts}


def flagged_by(verdict: Verdict, rule_id: str) -> bool:
    """Whether the verdict has a flagging reason from `rule_id` (what `tests.match` needs)."""
    return any(r.rule_id == rule_id and r.kind != "allowlisted" for r in verdict.reasons)
