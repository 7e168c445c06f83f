"""Normalise, deduplicate and filter the raw entries of any feed format.

Every entry goes through `hosts.parse_target`, the same normalisation the engine applies to
what a browser visits, so `EXAMPLE.com.` in a feed and `example.com` in a URL meet. Entries
that would be dead (allowlisted) or false alarms (a popular or brand-official domain) are
skipped with a reason rather than silently dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from lureguard.hosts import HostError, Target, parse_target
from lureguard.popular import PopularList
from lureguard.ruleset.importers.formats import Entry, Item, Note, Skip

UrlMode = Literal["prefix", "host"]
EXAMPLES_PER_REASON = 5
PROGRESS_EVERY = 250_000


@dataclass
class Guard:
    """What an import must not block: allowlisted names, popular and brand-official domains."""

    allow_exact: dict[str, str] = field(default_factory=dict)
    allow_suffix: dict[str, str] = field(default_factory=dict)
    protected: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rules(cls, paths: Iterable[Path], popular: PopularList) -> Guard:
        """Allowlists and brand domains of the rule files under `paths`, plus `popular`."""
        from lureguard.ruleset.load import load_rules

        guard = cls()
        for domain in popular.domains:
            guard.protected[domain] = "popular domain"
        paths = [p for p in paths if p.exists()]
        for rule in load_rules(paths).rules if paths else []:
            if rule.kind == "allowlist":
                for host in rule.hosts:
                    guard.allow_exact.setdefault(host, rule.id)
                for suffix in rule.suffixes:
                    guard.allow_suffix.setdefault(suffix, rule.id)
            elif rule.kind == "brand":
                for domain in rule.official_domains():
                    guard.protected[domain] = f"official domain of {rule.name or rule.id}"
        return guard

    def allowed_by(self, host: str, extra: dict[str, str]) -> str | None:
        """The allowlist (rule id or feed section) covering `host`, if any."""
        found = self.allow_exact.get(host)
        if found is not None:
            return found
        name = host
        while True:
            found = self.allow_suffix.get(name) or extra.get(name)
            if found is not None:
                return found
            dot = name.find(".")
            if dot < 0:
                return None
            name = name[dot + 1 :]

    def protected_reason(self, host: str) -> str | None:
        """Why blocking `host` itself would be a false alarm, if it would."""
        reason = self.protected.get(host)
        if reason is None and host.startswith("www."):
            reason = self.protected.get(host[4:])
        return reason


@dataclass
class Collected:
    """Clean entries (in input order) and everything skipped."""

    hosts: dict[str, int] = field(default_factory=dict)
    suffixes: dict[str, int] = field(default_factory=dict)
    urls: dict[str, int] = field(default_factory=dict)
    allow: dict[str, int] = field(default_factory=dict)
    #: hosts taken from URLs with a path (blocking them whole is a choice, not the feed's word)
    url_hosts: set[str] = field(default_factory=set)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[Skip]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lines: int = 0

    @property
    def entries(self) -> int:
        """Block entries kept (hosts, suffixes and URLs)."""
        return len(self.hosts) + len(self.suffixes) + len(self.urls)

    def skip(self, skip: Skip) -> None:
        """Count a skip, keeping a few examples of each reason for the report."""
        self.skipped[skip.reason] += 1
        examples = self.examples.setdefault(skip.reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append(skip)


def collect(
    items: Iterable[Item],
    guard: Guard,
    *,
    url_mode: UrlMode = "prefix",
    progress: Callable[[int], None] | None = None,
) -> Collected:
    """Normalise `items` into a `Collected`, applying the guard after the whole feed is read."""
    out = Collected()
    last_line = 0
    for item in items:
        if isinstance(item, Note):
            out.notes.append(item.text)
            continue
        if progress is not None and item.line // PROGRESS_EVERY > last_line // PROGRESS_EVERY:
            progress(item.line)
        last_line = max(last_line, item.line)
        if isinstance(item, Skip):
            out.skip(item)
            continue
        _add(out, item, url_mode)
    out.lines = last_line
    _apply_guard(out, guard)
    return out


def _add(out: Collected, entry: Entry, url_mode: UrlMode) -> None:
    value = entry.value.strip()
    if entry.kind != "url" and ("/" in value or "@" in value):
        out.skip(Skip(entry.line, "not a host name (has / or @)", value))
        return
    try:
        target = parse_target(value)
    except HostError as exc:
        out.skip(Skip(entry.line, f"invalid name: {exc}", value))
        return
    problem = _unusable(target)
    if problem:
        out.skip(Skip(entry.line, problem, value))
        return
    if entry.kind == "url":
        url = _url_prefix(target)
        if url is None or url_mode == "host":
            out.hosts.setdefault(target.host, entry.line)
            if url is not None:
                out.url_hosts.add(target.host)
        else:
            out.urls.setdefault(url, entry.line)
        return
    table = {"host": out.hosts, "suffix": out.suffixes, "allow": out.allow}[entry.kind]
    if target.host in table:
        out.skip(Skip(entry.line, "duplicate", value))
    else:
        table[target.host] = entry.line


def _unusable(target: Target) -> str:
    if target.is_ip:
        return "IP address (lureguard rules name hosts)"
    if target.port is not None and target.url is None:
        return "has a port"
    if not target.suffix:
        return "no public suffix (a local or unknown name)"
    if not target.registered_domain:
        return "is a public suffix itself"
    return ""


def _url_prefix(target: Target) -> str | None:
    """The URL without query and fragment; None when it is the whole site (path `/`)."""
    if target.url is None:
        return None
    url = target.url.split("?", 1)[0]
    path = url.split("://", 1)[1].partition("/")[2]
    return None if path == "" else url


def _apply_guard(out: Collected, guard: Guard) -> None:
    """Drop allowlisted, protected and shadowed entries, with a reason for each."""
    feed_allow = {host: "the feed's own allowlist" for host in out.allow}
    for table, wildcard in ((out.suffixes, True), (out.hosts, False)):
        for host, line in list(table.items()):
            shown = f"*.{host}" if wildcard else host
            allowed = guard.allowed_by(host, feed_allow)
            protected = guard.protected_reason(host)
            if protected is None and host in out.url_hosts:
                site = parse_target(host).registered_domain
                if guard.protected_reason(site):
                    protected = "a URL's host on a popular or brand site (use --url-mode prefix)"
            covered = _covering_suffix(host, out.suffixes, skip_self=wildcard)
            if allowed is not None:
                reason = "allowlisted name"
                shown = f"{shown} (allowlisted by {allowed})"
            elif protected is not None:
                reason = "false-alarm guard: " + protected
            elif covered is not None:
                reason = "covered by a *.suffix entry of the same feed"
                shown = f"{shown} (inside *.{covered})"
            else:
                continue
            del table[host]
            out.skip(Skip(line, reason, shown))
    for host, line in list(out.allow.items()):
        covered = _covering_suffix(host, out.allow, skip_self=True)
        if covered is not None:
            del out.allow[host]
            out.skip(Skip(line, "covered by a *.suffix entry of the same feed", f"*.{host}"))
    for url, line in list(out.urls.items()):
        host = parse_target(url).host
        allowed = guard.allowed_by(host, feed_allow)
        covered = _covering_suffix(host, out.suffixes, skip_self=False)
        if allowed is not None:
            out.skip(Skip(line, "allowlisted name", f"{url} (allowlisted by {allowed})"))
        elif host in out.hosts or covered is not None:
            out.skip(Skip(line, "URL on a host the feed blocks whole", url))
        else:
            continue
        del out.urls[url]


def _covering_suffix(host: str, suffixes: dict[str, int], *, skip_self: bool) -> str | None:
    name = host
    if skip_self:
        dot = name.find(".")
        if dot < 0:
            return None
        name = name[dot + 1 :]
    while True:
        if name in suffixes:
            return name
        dot = name.find(".")
        if dot < 0:
            return None
        name = name[dot + 1 :]
