"""Rule objects after validation: what the compiler turns into a rules database."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from lureguard.verdict import Level

RuleKind = Literal["brand", "blocklist", "allowlist", "pattern", "signal"]
RULE_KINDS: tuple[RuleKind, ...] = ("brand", "blocklist", "allowlist", "pattern", "signal")
#: The brand-less detections a `signal` rule switches on and sets the severity of
#: (lookalike/foreign.py, lookalike/suspicious.py).
SIGNALS: tuple[str, ...] = ("domain-embedding", "suspicious-name")

#: The verdict a rule of each kind gives unless its `severity` says otherwise.
DEFAULT_SEVERITY: dict[str, Level] = {
    "brand": "warn",
    "blocklist": "block",
    "allowlist": "allow",
    "pattern": "warn",
    "signal": "notice",
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value sits in its YAML file (1-based line and column)."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class DomainFamily:
    """One brand label registered on many public suffixes (google.de, google.co.jp, ...)."""

    label: str
    suffixes: tuple[str, ...]

    def domains(self) -> tuple[str, ...]:
        """Every domain of the family."""
        return tuple(f"{self.label}.{suffix}" for suffix in self.suffixes)


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule. Kind-specific fields are empty for the other kinds."""

    id: str
    kind: RuleKind
    location: Location
    title: str
    description: str
    source: str
    severity: Level
    reference: str = ""
    author: str = ""
    added: str = ""
    expires: str = ""
    status: str = "stable"
    license: str = ""
    tags: tuple[str, ...] = ()
    falsepositives: tuple[str, ...] = ()
    # brand
    name: str = ""
    domains: tuple[str, ...] = ()
    families: tuple[DomainFamily, ...] = ()
    keywords: tuple[str, ...] = ()
    #: names protected only where lure words, a hosting tenant or an embedding make the intent
    #: plain (`chase`, a dictionary word; `nid` of NAVER's login host)
    context_keywords: tuple[str, ...] = ()
    #: words kits put beside this brand's name that are no lure words elsewhere: its products
    #: and pages (`suite` of Trezor Suite, `agency` of Meta's advertising accounts)
    lure_words: tuple[str, ...] = ()
    #: short forms people call the brand by (`fb`, `ig`), each the label of one of its domains:
    #: its name on hosting platforms only, beside lure words
    initials: tuple[str, ...] = ()
    #: official hosts where the brand's users sign in (`nid.naver.com`)
    login_hosts: tuple[str, ...] = ()
    #: unrelated sites that carry the brand's name (an image optimiser named like an exchange):
    #: never its lookalikes
    namesakes: tuple[str, ...] = ()
    # blocklist / allowlist
    hosts: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    # pattern (see ruledata/patterns.py for the dialect)
    patterns: tuple[str, ...] = ()
    # signal: which brand-less detection the rule configures (one of SIGNALS)
    signal: str = ""
    tests_match: tuple[str, ...] = ()
    tests_no_match: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    def official_domains(self) -> tuple[str, ...]:
        """All domains a brand owns: listed ones plus every family member."""
        family = tuple(d for f in self.families for d in f.domains())
        return self.domains + family
