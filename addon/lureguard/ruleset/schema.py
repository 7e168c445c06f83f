"""Rule schema v1: validate YAML documents into `Rule` objects with precise error locations.

The schema is documented in docs/rules.md. Validation collects every problem it can find in one
pass (an author fixes ten typos in one edit, not in ten compiles).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, Literal

from lureguard.fsutil import read_regular
from lureguard.hosts import HostError, parse_target, split_registered
from lureguard.ruleset.errors import Problem
from lureguard.ruleset.model import (
    DEFAULT_SEVERITY,
    RULE_KINDS,
    SIGNALS,
    DomainFamily,
    Location,
    Rule,
    RuleKind,
)
from lureguard.ruleset.yamlsource import Document
from lureguard.urlnorm import normalize_url
from lureguard.verdict import Level

_ID = re.compile(r"^[a-z0-9][a-z0-9._/-]{0,127}$")
_SUFFIX_LABEL = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)*$")
STATUSES = ("experimental", "test", "stable", "deprecated")

COMMON_KEYS = {
    "id", "kind", "title", "description", "source", "reference", "author", "added", "expires",
    "status", "severity", "tags", "falsepositives", "license", "tests",
}  # fmt: skip
KIND_KEYS: dict[str, set[str]] = {
    "brand": {
        "name",
        "domains",
        "domain_families",
        "keywords",
        "context_keywords",
        "lure_words",
        "initials",
        "login_hosts",
        "namesakes",
    },
    "blocklist": {"hosts", "urls", "hosts_file"},
    "allowlist": {"hosts", "hosts_file"},
    "pattern": {"patterns"},
    "signal": {"signal"},
}
SEVERITIES: dict[str, tuple[Level, ...]] = {
    "brand": ("warn", "block"),
    "blocklist": ("warn", "block"),
    "allowlist": ("allow",),
    "pattern": ("warn", "block"),
    "signal": ("notice", "warn", "block"),
}


class _Checker:
    """Collects problems for one document while reading typed values out of it."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.problems: list[Problem] = []
        self.rule_id = ""

    def problem(self, message: str, *path: str | int) -> None:
        self.problems.append(Problem(self.doc.where(*path), message, self.rule_id))

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing required key '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(f"'{key}' must be text", key)
            return default
        return str(value).strip()

    def date(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        self.problem(f"'{key}' must be a date written as YYYY-MM-DD", key)
        return ""

    def strings(self, key: str, *, required: bool = False) -> list[tuple[str, Location]]:
        value = self.data.get(key)
        if value is None:
            if required:
                self.problem(f"missing required key '{key}' (a list)")
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problem(f"'{key}' must be a list", key)
            return []
        out = []
        for index, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                self.problem(f"'{key}' item {index + 1} must be text", key, index)
                continue
            out.append((str(item).strip(), self.doc.where(key, index)))
        return out


def validate(doc: Document, base_dir: Path | None = None) -> tuple[Rule | None, list[Problem]]:
    """Validate one document; return the rule (None when it has errors) and all problems."""
    check = _Checker(doc)
    if not isinstance(doc.data, dict):
        check.problem("a rule must be a mapping of keys to values (see docs/rules.md)")
        return None, check.problems
    rule_id = check.text("id", required=True)
    if rule_id and not _ID.match(rule_id):
        check.problem(
            f"id '{rule_id}' must be lowercase letters, digits and . _ / - (max 128)", "id"
        )
    check.rule_id = rule_id
    kind = check.text("kind", required=True)
    if kind and kind not in RULE_KINDS:
        check.problem(f"unknown kind '{kind}' (expected one of: {', '.join(RULE_KINDS)})", "kind")
        return None, check.problems
    if not kind:
        return None, check.problems
    allowed = COMMON_KEYS | KIND_KEYS[kind]
    for key in doc.data:
        if key not in allowed:
            hint = _closest(str(key), allowed)
            where = doc.where_key(str(key))
            check.problems.append(
                Problem(where, f"unknown key '{key}' for a {kind} rule{hint}", check.rule_id)
            )
    fields = _common_fields(check, kind)
    kind_fields = _KIND_READERS[kind](check, base_dir)
    if check.problems:
        return None, check.problems
    rule = Rule(id=rule_id, kind=kind, location=doc.location, **fields, **kind_fields)
    return rule, check.problems


def _common_fields(check: _Checker, kind: str) -> dict[str, Any]:
    severity = check.text("severity", default=DEFAULT_SEVERITY[kind])
    if severity not in SEVERITIES[kind]:
        choices = ", ".join(SEVERITIES[kind])
        check.problem(
            f"severity '{severity}' is not valid for a {kind} rule ({choices})", "severity"
        )
    status = check.text("status", default="stable")
    if status not in STATUSES:
        check.problem(f"status '{status}' is not one of {', '.join(STATUSES)}", "status")
    reference = check.data.get("reference")
    references = [r for r, _ in check.strings("reference")] if reference is not None else []
    tests = check.data.get("tests")
    matches: list[str] = []
    no_matches: list[str] = []
    if tests is not None:
        if not isinstance(tests, dict):
            check.problem("'tests' must be a mapping with 'match' and/or 'no_match'", "tests")
        else:
            for key in tests:
                if key not in ("match", "no_match"):
                    check.problem(f"unknown key '{key}' in tests (match, no_match)", "tests", key)
            matches = _nested_strings(check, "tests", "match")
            no_matches = _nested_strings(check, "tests", "no_match")
    name = check.text("name") if kind == "brand" else ""
    rule_id = check.rule_id
    return {
        "title": check.text("title", default=name or rule_id),
        "description": check.text("description", required=True),
        "source": check.text("source", required=True),
        "severity": severity,
        "reference": " ".join(references),
        "author": check.text("author"),
        "added": check.date("added"),
        "expires": check.date("expires"),
        "status": status,
        "license": check.text("license"),
        "tags": tuple(t for t, _ in check.strings("tags")),
        "falsepositives": tuple(t for t, _ in check.strings("falsepositives")),
        "tests_match": tuple(matches),
        "tests_no_match": tuple(no_matches),
    }


def _nested_strings(check: _Checker, outer: str, inner: str) -> list[str]:
    value = check.data[outer].get(inner)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        check.problem(f"'{outer}.{inner}' must be a list of URLs or hosts", outer, inner)
        return []
    return [v.strip() for v in value]


def _host(check: _Checker, text: str, where: Location, what: str) -> str | None:
    """Canonical ASCII host for a rule entry, or None after recording a problem."""
    if "/" in text or "@" in text:
        check.problems.append(
            Problem(where, f"{what} '{text}' must be a bare host name, not a URL", check.rule_id)
        )
        return None
    try:
        target = parse_target(text)
    except HostError as exc:
        check.problems.append(Problem(where, f"{what} '{text}': {exc}", check.rule_id))
        return None
    if target.port is not None:
        check.problems.append(
            Problem(where, f"{what} '{text}' must not have a port", check.rule_id)
        )
        return None
    return target.host


def _host_entries(
    check: _Checker, entries: Iterable[tuple[str, Location]], *, blocking: bool = False
) -> tuple[list[str], list[str]]:
    """Split entries into exact hosts and `*.suffix` wildcards, validating each. When
    `blocking`, a wildcard over a whole public suffix (`*.org`, `*.co.uk`) is an error."""
    hosts: list[str] = []
    suffixes: list[str] = []
    for text, where in entries:
        wildcard = text.startswith("*.")
        host = _host(check, text[2:] if wildcard else text, where, "host")
        if host is None:
            continue
        if wildcard and blocking and bare_suffix(host) == "public":
            check.problems.append(
                Problem(
                    where,
                    f"'*.{host}' would block every site under the public suffix '{host}'; "
                    f"list the domains instead (a pattern '**.*.{host}' blocks the whole "
                    "suffix on purpose)",
                    check.rule_id,
                )
            )
            continue
        (suffixes if wildcard else hosts).append(host)
    return hosts, suffixes


def bare_suffix(host: str) -> Literal["public", "platform"] | None:
    """Whether `host` is itself a public suffix: "public" for a TLD or a registry's suffix
    (`org`, `co.uk`; the PSL's ICANN section), "platform" for a hosting platform's
    (`github.io`; its private section), None for anything with a registrable domain."""
    if "." not in host:
        return "public"  # every top-level domain is a public suffix (the PSL's "*" rule)
    if split_registered(host)[0]:
        return None
    return "public" if _icann().extract_str(host).domain == "" else "platform"


@cache
def _icann() -> Any:
    """tldextract over the bundled PSL's ICANN section only (offline, writes nothing)."""
    import tldextract

    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False
    )


def _file_entries(check: _Checker, base_dir: Path | None) -> list[tuple[str, Location]]:
    """Entries from `hosts_file`: one host or `*.suffix` a line, `#` comments allowed."""
    name = check.text("hosts_file")
    if not name:
        return []
    if base_dir is None or Path(name).is_absolute() or ".." in Path(name).parts:
        check.problem("'hosts_file' must be a relative path next to the rule file", "hosts_file")
        return []
    path = base_dir / name
    display = (
        f"{check.doc.location.path.rsplit('/', 1)[0]}/{name}"
        if "/" in check.doc.location.path
        else name
    )
    try:
        raw = read_regular(path)
    except OSError as exc:
        check.problem(f"cannot read hosts_file '{name}': {exc.strerror}", "hosts_file")
        return []
    out = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8").split("#", 1)[0].strip()
        except UnicodeDecodeError:
            check.problems.append(Problem(Location(display, number, 1), "line is not valid UTF-8"))
            continue
        if text:
            out.append((text, Location(display, number, 1)))
    return out


def _brand(check: _Checker, _base: Path | None) -> dict[str, Any]:
    name = check.text("name", required=True)
    domains, suffixes = _host_entries(check, check.strings("domains", required=True))
    if suffixes:
        check.problem("brand domains cannot be wildcards; list the registrable domains", "domains")
    families = []
    raw_families = check.data.get("domain_families") or []
    if not isinstance(raw_families, list):
        check.problem("'domain_families' must be a list of {label, suffixes}", "domain_families")
        raw_families = []
    for index, family in enumerate(raw_families):
        where = ("domain_families", index)
        if not isinstance(family, dict) or set(family) - {"label", "suffixes"}:
            check.problem("a domain family is a mapping with 'label' and 'suffixes'", *where)
            continue
        label = str(family.get("label", "")).strip().lower()
        sfx = family.get("suffixes")
        if not label or not isinstance(sfx, list) or not sfx:
            check.problem("a domain family needs a 'label' and a non-empty 'suffixes' list", *where)
            continue
        good = []
        for i, suffix in enumerate(sfx):
            text = str(suffix).strip().lower().lstrip(".")
            if not _SUFFIX_LABEL.match(text):
                check.problem(
                    f"'{suffix}' is not a public suffix such as co.jp", *where, "suffixes", i
                )
            else:
                good.append(text)
        families.append(DomainFamily(label, tuple(good)))
    official = set(domains) | {d for f in families for d in f.domains()}
    login_hosts = []
    for text, at in check.strings("login_hosts"):
        host = _host(check, text, at, "login host")
        if host is None:
            continue
        if not any(host == d or host.endswith("." + d) for d in official):
            problem = f"login host '{host}' is not under the brand's domains"
            check.problems.append(Problem(at, problem, check.rule_id))
            continue
        login_hosts.append(host)
    namesakes = []
    for text, at in check.strings("namesakes"):
        host = _host(check, text, at, "namesake")
        if host is None:
            continue
        if split_registered(host)[0] != host or host in official:
            check.problems.append(
                Problem(
                    at,
                    f"namesake '{host}' must be a registrable domain the brand does not own",
                    check.rule_id,
                )
            )
            continue
        namesakes.append(host)
    return {
        "name": name,
        "domains": tuple(domains),
        "families": tuple(families),
        "keywords": _words(check, "keywords"),
        "context_keywords": _words(check, "context_keywords"),
        "lure_words": _lure_words(check),
        "initials": _initials(check, official),
        "login_hosts": tuple(login_hosts),
        "namesakes": tuple(namesakes),
    }


def _words(check: _Checker, key: str) -> tuple[str, ...]:
    """A brand's protected words (`keywords`, `context_keywords`): 3-63 letters, digits or -."""
    words = []
    for word, where in check.strings(key):
        word = word.lower()
        if not re.fullmatch(r"[a-z0-9-]{3,63}", word):
            check.problems.append(
                Problem(where, f"keyword '{word}' must be 3-63 letters, digits or -", check.rule_id)
            )
        words.append(word)
    return tuple(words)


def _lure_words(check: _Checker) -> tuple[str, ...]:
    """A brand's own lure words: 3-30 letters each, none already protected as its name."""
    words = []
    names: set[str] = set()
    for key in ("keywords", "context_keywords"):
        value = check.data.get(key) or []
        values = value if isinstance(value, list) else [value]
        names.update(str(n).strip().lower() for n in values)
    for word, where in check.strings("lure_words"):
        word = word.lower()
        if not re.fullmatch(r"[a-z]{3,30}", word):
            problem = f"lure word '{word}' must be 3-30 letters a-z"
        elif word in names:
            problem = f"lure word '{word}' is also one of the brand's names"
        else:
            words.append(word)
            continue
        check.problems.append(Problem(where, problem, check.rule_id))
    return tuple(words)


def _initials(check: _Checker, official: set[str]) -> tuple[str, ...]:
    """The short forms people call a brand by (`fb`, `ig`): two or three letters, each the
    label of one of the brand's own domains (fb.com, ig.me), so that it is the brand's by its
    own use and not a guess."""
    labels = {domain.split(".", 1)[0] for domain in official}
    words = []
    for word, where in check.strings("initials"):
        word = word.lower()
        if not re.fullmatch(r"[a-z]{2,3}", word):
            problem = f"initials '{word}' must be 2-3 letters a-z"
        elif word not in labels:
            problem = f"initials '{word}' must be the label of one of the brand's domains"
        else:
            words.append(word)
            continue
        check.problems.append(Problem(where, problem, check.rule_id))
    return tuple(words)


def _blocklist(check: _Checker, base_dir: Path | None) -> dict[str, Any]:
    entries = check.strings("hosts") + _file_entries(check, base_dir)
    hosts, suffixes = _host_entries(check, entries, blocking=True)
    urls = []
    for text, where in check.strings("urls"):
        try:
            target = parse_target(text)
        except HostError as exc:
            check.problems.append(Problem(where, f"url '{text}': {exc}", check.rule_id))
            continue
        if target.url is None:
            check.problems.append(
                Problem(
                    where,
                    f"url '{text}' needs a scheme and a path, e.g. https://{text}/",
                    check.rule_id,
                )
            )
            continue
        urls.append(normalize_url(target.url))
    if not (hosts or suffixes or urls) and not check.problems:
        check.problem("a blocklist needs at least one entry in 'hosts', 'hosts_file' or 'urls'")
    return {"hosts": tuple(hosts), "suffixes": tuple(suffixes), "urls": tuple(urls)}


def _allowlist(check: _Checker, base_dir: Path | None) -> dict[str, Any]:
    entries = check.strings("hosts") + _file_entries(check, base_dir)
    hosts, suffixes = _host_entries(check, entries)
    if not (hosts or suffixes) and not check.problems:
        check.problem("an allowlist needs at least one entry in 'hosts' or 'hosts_file'")
    return {"hosts": tuple(hosts), "suffixes": tuple(suffixes)}


def _pattern(check: _Checker, _base: Path | None) -> dict[str, Any]:
    from lureguard.ruledata.patterns import PatternError, parse_pattern

    patterns: list[str] = []
    for text, where in check.strings("patterns", required=True):
        try:
            patterns.append(parse_pattern(text).text)
        except PatternError as exc:
            check.problems.append(Problem(where, f"pattern '{text}': {exc}", check.rule_id))
    if not patterns and not check.problems:
        check.problem("a pattern rule needs at least one entry in 'patterns'")
    return {"patterns": tuple(patterns)}


def _signal(check: _Checker, _base: Path | None) -> dict[str, Any]:
    signal = check.text("signal", required=True)
    if signal and signal not in SIGNALS:
        known = ", ".join(SIGNALS)
        check.problem(f"unknown signal '{signal}' (expected one of: {known})", "signal")
    return {"signal": signal}


_KIND_READERS: dict[str, Callable[[_Checker, Path | None], dict[str, Any]]] = {
    "brand": _brand,
    "blocklist": _blocklist,
    "allowlist": _allowlist,
    "pattern": _pattern,
    "signal": _signal,
}


def _closest(key: str, allowed: set[str]) -> str:
    from difflib import get_close_matches

    match = get_close_matches(key, sorted(allowed), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def kind_of(value: str) -> RuleKind:
    """Narrow a string to a rule kind (for readers of the compiled database)."""
    if value not in RULE_KINDS:
        raise ValueError(f"unknown rule kind {value!r}")
    return value
