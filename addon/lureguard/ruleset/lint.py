"""`lureguard rules lint`: every problem a rule author should fix before shipping, with its line.

Beyond what validation rejects (schema errors, duplicate ids, invalid names, patterns that
cannot match), lint warns about dead weight (duplicate and shadowed entries, expired rules)
and runs the false-alarm guard: a rule that would flag a domain of the shipped popular list
names those domains. Blocklist entries and patterns that hit popular domains are errors (the
popular list does not protect against an explicit entry); brands whose lookalike detection
would fire on popular domains get a warning, found by running the real engine without the
popular list (at run time that list keeps them quiet, but the brand leans on it).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lureguard.fsutil import read_regular
from lureguard.hosts import HostError, parse_target
from lureguard.popular import PopularList
from lureguard.ruledata.patterns import parse_pattern
from lureguard.ruleset.errors import Problem
from lureguard.ruleset.load import LoadedRules, default_base, load_rules
from lureguard.ruleset.model import Location, Rule
from lureguard.ruleset.schema import bare_suffix
from lureguard.ruleset.yamlsource import Document, read_documents

#: Findings of one kind about one rule beyond this many are summarised in one line.
MAX_PER_KIND = 10
NAMES_SHOWN = 8


@dataclass
class LintReport:
    """Problems found (errors and warnings) and what was looked at."""

    problems: list[Problem] = field(default_factory=list)
    rules: int = 0
    files: int = 0

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(1 for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return len(self.problems) - self.errors


def lint_paths(
    paths: Iterable[Path],
    *,
    popular: PopularList | None = None,
    today: dt.date | None = None,
    guard: bool = True,
) -> LintReport:
    """Lint every rule file under `paths`; never raises for bad rule content."""
    paths = list(paths)
    # The same base load_rules picks, so locations read back match the rules' own.
    base = default_base(paths)
    loaded = load_rules(paths, base=base)
    popular = PopularList.shipped() if popular is None else popular
    today = today or dt.date.today()
    report = LintReport(list(loaded.problems), len(loaded.rules), len(loaded.files))
    locator = _Locator(loaded, base)
    out = _Sink(report.problems)
    for rule in loaded.rules:
        if rule.expires and rule.expires < today.isoformat():
            out.add(
                rule.location,
                f"rule expired on {rule.expires}; renew or remove it",
                rule,
                "warning",
            )
    _entries(loaded.rules, locator, out)
    for rule in loaded.rules:
        for text in rule.patterns:
            if not parse_pattern(text).key:
                out.add(
                    locator.entry(rule, "patterns", text),
                    f"pattern '{text}' has no literal run of 4 characters, so every host is "
                    "compared with it; make it more specific",
                    rule,
                    "warning",
                )
    if guard:
        _guard_lists(loaded.rules, popular, out, locator)
        _guard_brands(loaded, popular, out)
    report.problems.sort(key=lambda p: (p.location.path, p.location.line, p.location.column))
    return report


class _Sink:
    """Appends problems, capping repeats of one message kind per rule."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.counts: dict[tuple[str, str], int] = {}

    def add(
        self, where: Location, message: str, rule: Rule, level: str = "error", kind: str = ""
    ) -> None:
        key = (rule.id, kind or message)
        seen = self.counts.get(key, 0)
        self.counts[key] = seen + 1
        if seen < MAX_PER_KIND:
            self.problems.append(Problem(where, message, rule.id, level))

    def summarise(self) -> None:
        """One line per capped kind: how many more were not shown."""
        for (rule_id, kind), count in self.counts.items():
            if count > MAX_PER_KIND:
                first = next(p for p in self.problems if p.rule_id == rule_id)
                self.problems.append(
                    Problem(
                        first.location,
                        f"... and {count - MAX_PER_KIND} more: {kind}",
                        rule_id,
                        "warning",
                    )
                )
        self.counts.clear()


def _entries(rules: list[Rule], locator: _Locator, out: _Sink) -> None:
    """Duplicate, shadowed and cross-rule repeated host entries, per list kind."""
    for kind in ("blocklist", "allowlist"):
        members = [r for r in rules if r.kind == kind]
        exact: dict[str, Rule] = {}
        suffix: dict[str, Rule] = {}
        for rule in members:
            for table, names, star in ((suffix, rule.suffixes, "*."), (exact, rule.hosts, "")):
                seen: dict[str, int] = {}
                for host in names:
                    shown = f"{star}{host}"
                    if host in seen:
                        seen[host] += 1
                        where = locator.entry(rule, "hosts", shown, seen[host])
                        out.add(
                            where,
                            f"duplicate entry '{shown}'",
                            rule,
                            "warning",
                            "duplicate entries",
                        )
                        continue
                    seen[host] = 0
                    other = table.get(host)
                    if other is not None:
                        out.add(
                            locator.entry(rule, "hosts", shown),
                            f"'{shown}' is also listed by rule {other.id}",
                            rule,
                            "warning",
                            "entries also listed by another rule",
                        )
                        continue
                    table[host] = rule
        for rule in members:
            for names, star in ((rule.suffixes, "*."), (rule.hosts, "")):
                for host in names:
                    cover = _cover(host, suffix, strict=bool(star))
                    if cover is None:
                        continue
                    owner = suffix[cover]
                    where = locator.entry(rule, "hosts", f"{star}{host}")
                    by = "" if owner is rule else f" of rule {owner.id}"
                    out.add(
                        where,
                        f"'{star}{host}' is shadowed by '*.{cover}'{by}",
                        rule,
                        "warning",
                        "shadowed entries",
                    )
        out.summarise()
    for rule in rules:
        if rule.kind != "blocklist":
            continue
        for host in rule.suffixes:
            if bare_suffix(host) == "platform":
                out.add(
                    locator.entry(rule, "hosts", f"*.{host}"),
                    f"'*.{host}' blocks every site hosted on the platform '{host}' (a public "
                    "suffix of its own); keep it only if the whole platform is unwanted here",
                    rule,
                    "warning",
                    "whole hosting platforms blocked",
                )
    allow_exact = {h: r for r in rules if r.kind == "allowlist" for h in r.hosts}
    allow_suffix = {h: r for r in rules if r.kind == "allowlist" for h in r.suffixes}
    for rule in rules:
        if rule.kind != "blocklist":
            continue
        for host in rule.hosts:
            cover = _cover(host, allow_suffix, strict=False)
            allower = allow_exact.get(host) or (allow_suffix[cover] if cover else None)
            if allower is not None:
                out.add(
                    locator.entry(rule, "hosts", host),
                    f"'{host}' is allowlisted by rule {allower.id}, so it never fires",
                    rule,
                    "warning",
                    "allowlisted entries",
                )
    out.summarise()


def _cover(host: str, suffixes: dict[str, Rule], *, strict: bool) -> str | None:
    """The nearest `*.suffix` covering host (a proper parent only when `strict`)."""
    name = host
    if strict:
        name = name.partition(".")[2]
    while name:
        if name in suffixes:
            return name
        name = name.partition(".")[2]
    return None


def _guard_lists(rules: list[Rule], popular: PopularList, out: _Sink, locator: _Locator) -> None:
    """Blocklist entries and patterns that would flag a popular domain (errors)."""
    domains = set(popular.domains)
    for rule in rules:
        if rule.kind == "blocklist":
            for host in rule.hosts:
                name = host[4:] if host.startswith("www.") else host
                if name in domains:
                    out.add(
                        locator.entry(rule, "hosts", host),
                        f"false-alarm guard: '{host}' is a popular domain ({name})",
                        rule,
                        kind="popular entries",
                    )
            if rule.suffixes:
                hits: dict[str, list[str]] = {}
                wanted = set(rule.suffixes)
                for domain in popular.domains:
                    cover = _cover_set(domain, wanted)
                    if cover is not None:
                        hits.setdefault(cover, []).append(domain)
                for cover, names in hits.items():
                    out.add(
                        locator.entry(rule, "hosts", f"*.{cover}"),
                        f"false-alarm guard: '*.{cover}' covers popular domains: {_names(names)}",
                        rule,
                        kind="popular entries",
                    )
        elif rule.kind == "pattern":
            for text in rule.patterns:
                pattern = parse_pattern(text)
                names = [
                    d for d in popular.domains if pattern.matches(d) or pattern.matches("www." + d)
                ]
                if names:
                    out.add(
                        locator.entry(rule, "patterns", text),
                        f"false-alarm guard: pattern '{text}' matches popular domains: "
                        f"{_names(names)}",
                        rule,
                    )
    out.summarise()


def _cover_set(host: str, suffixes: set[str]) -> str | None:
    name = host
    while name:
        if name in suffixes:
            return name
        name = name.partition(".")[2]
    return None


def _guard_brands(loaded: LoadedRules, popular: PopularList, out: _Sink) -> None:
    """Run the real engine, without the popular list, over every popular domain."""
    from lureguard.engine import Engine
    from lureguard.ruleset.compile import compile_rules

    brands = [r for r in loaded.rules if r.kind == "brand"]
    if not brands or not popular.domains:
        return
    subset = LoadedRules(
        rules=[r for r in loaded.rules if r.kind in ("brand", "allowlist")], digest="lint"
    )
    with tempfile.TemporaryDirectory(prefix="lureguard-lint-") as tmp:
        db = Path(tmp) / "guard.db"
        compile_rules(subset, db, PopularList.empty())
        engine = Engine.from_db(db)
    hits: dict[str, list[str]] = {}
    for domain in popular.domains:
        for reason in engine.check(domain).reasons:
            if reason.kind != "allowlisted" and reason.level != "allow":
                names = hits.setdefault(reason.rule_id, [])
                if not names or names[-1] != domain:
                    names.append(domain)
    for rule in brands:
        names = hits.get(rule.id, [])
        if names:
            out.add(
                rule.location,
                f"false-alarm guard: the engine would flag popular domains as lookalikes "
                f"of {rule.name or rule.id} (the popular list keeps them quiet): "
                f"{_names(names)}",
                rule,
                "warning",
            )


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} (and {more} more)" if more > 0 else shown


class _Locator:
    """Finds the line of an entry inside a rule, reading the rule's file again only when asked."""

    def __init__(self, loaded: LoadedRules, base: Path) -> None:
        from lureguard.ruleset.load import _display  # the display names rules carry

        self.files = {_display(p, base): p for p in loaded.files}
        self.docs: dict[str, Document] = {}
        self.places: dict[tuple[str, str], dict[str, list[Location]]] = {}

    def document(self, rule: Rule) -> Document | None:
        """The YAML document that defines `rule`."""
        if rule.id not in self.docs:
            path = self.files.get(rule.location.path)
            for item in read_documents(path, rule.location.path) if path else ():
                if isinstance(item, Document) and isinstance(item.data, dict):
                    self.docs.setdefault(str(item.data.get("id", "")).strip(), item)
        return self.docs.get(rule.id)

    def entry(self, rule: Rule, key: str, shown: str, nth: int = 0) -> Location:
        """Where the `nth` entry written as `shown` (canonical form) sits, or the rule's start."""
        places = self.places.get((rule.id, key))
        if places is None:
            places = self.places[(rule.id, key)] = {}
            for name, where in self._places(rule, key):
                places.setdefault(name, []).append(where)
        found = places.get(shown)
        return found[min(nth, len(found) - 1)] if found else rule.location

    def _places(self, rule: Rule, key: str) -> Iterator[tuple[str, Location]]:
        doc = self.document(rule)
        if doc is None or not isinstance(doc.data, dict):
            return
        values = doc.data.get(key)
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            for index, value in enumerate(values):
                yield from _canonical(str(value), doc.where(key, index), key)
        name = doc.data.get("hosts_file") if key == "hosts" else None
        path = self.files.get(rule.location.path)
        if isinstance(name, str) and path is not None:
            folder = rule.location.path.rpartition("/")[0]
            display = f"{folder}/{name}" if folder else name
            try:
                raw = read_regular(path.parent / name).split(b"\n")
            except OSError:
                return
            for number, line in enumerate(raw, start=1):
                text = line.decode("utf-8", "replace").split("#", 1)[0].strip()
                if text:
                    yield from _canonical(text, Location(display, number, 1), key)


def _canonical(text: str, where: Location, key: str) -> Iterator[tuple[str, Location]]:
    """The canonical spelling an entry has in a `Rule`, paired with where it was written."""
    text = text.strip()
    if key == "patterns":
        yield text.lower(), where
        return
    star = "*." if text.startswith("*.") else ""
    try:
        yield star + parse_target(text[len(star) :]).host, where
    except HostError:
        return
