"""Registrable domains from the Public Suffix List snapshot that ships inside tldextract.

tldextract is the required source of the PSL (offline: its bundled snapshot, never the
network). We read that snapshot once and answer with set lookups over the host's parent names,
which the engine computes anyway: about four times faster than calling tldextract per request,
and the hot path matters (DESIGN.md §9). Results match tldextract's (tested), private suffixes
included: every tenant of github.io or blogspot.com is an owner of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from typing import Final

SNAPSHOT: Final = ".tld_set_snapshot"
PLATFORMS: Final = "data/hosting-platforms.txt"


class PublicSuffixList:
    """PSL rules as three sets: plain rules, wildcard parents (`*.ck` -> ck), exceptions;
    plus `platforms`, the suffixes whose registrable domains are customers of a hosting
    platform (the PSL's private section and lureguard's own list, whose wildcard entries,
    `*.web.core.windows.net`, cover every suffix one label below: `is_platform`)."""

    def __init__(
        self, rules: Iterable[str], version: str = "", platforms: Iterable[str] = ()
    ) -> None:
        self.exact: set[str] = set()
        self.wildcard: set[str] = set()
        self.exceptions: set[str] = set()
        self.version = version
        self.platforms: frozenset[str] = frozenset(_ascii(p) for p in platforms)
        self.platform_parents: frozenset[str] = frozenset(
            p[2:] for p in self.platforms if p.startswith("*.")
        )
        rules = [*rules, *self.platforms]
        for rule in rules:
            if rule.startswith("!"):
                self.exceptions.add(_ascii(rule[1:]))
            elif rule.startswith("*."):
                self.wildcard.add(_ascii(rule[2:]))
            else:
                self.exact.add(_ascii(rule))

    def is_platform(self, suffix: str) -> bool:
        """True when `suffix` is a hosting platform's: listed, or one label below a wildcard
        entry (`z13.web.core.windows.net` of `*.web.core.windows.net`)."""
        return suffix in self.platforms or (
            "." in suffix and suffix.partition(".")[2] in self.platform_parents
        )

    def split(self, names: list[str]) -> tuple[str, str, str]:
        """(registered domain, its label, public suffix) for a host given as its names.

        `names` is the host followed by each parent (`a.b.co.uk`, `b.co.uk`, `co.uk`, `uk`).
        A host that is itself a suffix has no registered domain; an unknown TLD has no suffix
        and the last label counts as the registered domain (as tldextract does).
        """
        count = len(names)
        at = count
        exact, wildcard = self.exact, self.wildcard
        for i in range(count):
            name = names[i]
            if name in self.exceptions:
                at = i + 1
                break
            if name in exact or (i + 1 < count and names[i + 1] in wildcard):
                at = i
                break
        if at == 0:
            return "", "", names[0]
        suffix = names[at] if at < count else ""
        registered = names[at - 1]
        label = registered[: len(registered) - len(suffix) - 1] if suffix else registered
        return registered, label, suffix


def parent_names(host: str) -> list[str]:
    """The host and each parent domain: a.b.c -> [a.b.c, b.c, c]."""
    names = [host]
    dot = host.find(".")
    while dot >= 0:
        host = host[dot + 1 :]
        names.append(host)
        dot = host.find(".")
    return names


@cache
def bundled() -> PublicSuffixList:
    """The PSL snapshot bundled with the installed tldextract (public and private rules), plus
    the hosting platforms it lacks (`data/hosting-platforms.txt`)."""
    text = resources.files("tldextract").joinpath(SNAPSHOT).read_text("utf-8")
    extra = resources.files("lureguard").joinpath(PLATFORMS).read_text("utf-8")
    return parse(text, [line for line in map(str.strip, extra.splitlines()) if line[:1] != "#"])


def parse(text: str, platforms: Iterable[str] = ()) -> PublicSuffixList:
    """Parse PSL text (`//` comments, one rule a line, first token only). The private
    section's plain rules are hosting platforms, and so are `platforms` (added as rules)."""
    version = ""
    rules: list[str] = []
    private = False
    hosts = [p.lower() for p in platforms if p]
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("// VERSION:"):
            version = line.split(":", 1)[1].strip()
        elif line.startswith("// ===BEGIN PRIVATE"):
            private = True
        elif line.startswith("// ===END PRIVATE"):
            private = False
        if not line or line.startswith("//"):
            continue
        rule = line.split()[0].lower()
        rules.append(rule)
        if private and rule[0] not in "*!":
            hosts.append(rule)
    return PublicSuffixList(rules, version, hosts)


def _ascii(rule: str) -> str:
    if rule.isascii():
        return rule
    return ".".join(
        label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        for label in rule.split(".")
    )
