"""Compile validated rules into one SQLite database (sqlite-utils), atomically.

The database is written next to its destination under a temporary name and renamed into
place, so a reader (the running proxy) sees either the old file or the new one, never half of
one, and a failed compile leaves the previous database untouched.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from lureguard import __version__
from lureguard.fsutil import atomic_path
from lureguard.lookalike.confusables import CONFUSABLES_SOURCE, skeleton
from lureguard.popular import PopularList
from lureguard.ruledata.database import SCHEMA_VERSION
from lureguard.ruleset.errors import RuleSetError
from lureguard.ruleset.load import LoadedRules
from lureguard.ruleset.model import Rule

BATCH = 20_000

#: Table name -> (columns, primary key). Bump SCHEMA_VERSION when this changes.
TABLES: dict[str, tuple[dict[str, type], str | None]] = {
    "meta": ({"key": str, "value": str}, "key"),
    "rules": (
        {
            "id": str, "kind": str, "title": str, "name": str, "description": str,
            "source": str, "severity": str, "reference": str, "author": str, "added": str,
            "expires": str, "status": str, "license": str, "file": str, "line": int,
            "tags": str, "tests": str, "extra": str,
        },
        "id",
    ),
    "brand_domains": ({"domain": str, "rule_id": str}, None),
    "protected_labels": ({"label": str, "skeleton": str, "domain": str, "rule_id": str}, None),
    "context_labels": ({"label": str, "skeleton": str, "domain": str, "rule_id": str}, None),
    "brand_lure_words": ({"word": str, "rule_id": str}, None),
    "brand_initials": ({"word": str, "domain": str, "rule_id": str}, None),
    "namesakes": ({"domain": str, "rule_id": str}, None),
    "login_hosts": ({"host": str, "rule_id": str}, None),
    "host_entries": ({"host": str, "match": str, "list": str, "rule_id": str}, None),
    "url_prefixes": ({"host": str, "prefix": str, "rule_id": str}, None),
    "host_patterns": ({"pattern": str, "rule_id": str}, None),
    "popular": ({"domain": str, "rank": int}, "domain"),
}  # fmt: skip
INDEXES = [
    ("brand_domains", "domain"),
    ("protected_labels", "skeleton"),
    ("host_entries", "host"),
    ("url_prefixes", "host"),
]


@dataclass(frozen=True, slots=True)
class CompileResult:
    """What a compile wrote."""

    path: Path
    digest: str
    counts: dict[str, int]


def compile_rules(loaded: LoadedRules, out: Path, popular: PopularList) -> CompileResult:
    """Write `loaded` (which must have no errors) plus the popular list to `out` atomically."""
    if loaded.errors:
        raise RuleSetError(loaded.errors)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        counts = _write(tmp, loaded, popular)
    return CompileResult(out, loaded.digest, counts)


def _write(path: Path, loaded: LoadedRules, popular: PopularList) -> dict[str, int]:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    db = sqlite_utils.Database(conn)
    for name, (columns, pk) in TABLES.items():
        db[name].create(columns, pk=pk)  # type: ignore[union-attr]
    rules = loaded.rules
    rows: dict[str, Iterable[dict[str, Any]]] = {
        "rules": (_rule_row(r) for r in rules),
        "brand_domains": (
            {"domain": d, "rule_id": r.id}
            for r in rules if r.kind == "brand" for d in r.official_domains()
        ),
        "protected_labels": _protected_rows(rules),
        "context_labels": _context_rows(rules),
        "brand_lure_words": ({"word": w, "rule_id": r.id} for r in rules for w in r.lure_words),
        "brand_initials": _initials_rows(rules),
        "namesakes": ({"domain": d, "rule_id": r.id} for r in rules for d in r.namesakes),
        # Where the extension's credential guard learns each brand's password (credguard/).
        "login_hosts": ({"host": h, "rule_id": r.id} for r in rules for h in r.login_hosts),
        "host_entries": _host_rows(rules),
        "url_prefixes": (
            {"host": _url_host(u), "prefix": u, "rule_id": r.id} for r in rules for u in r.urls
        ),
        "host_patterns": ({"pattern": p, "rule_id": r.id} for r in rules for p in r.patterns),
        "popular": ({"domain": d, "rank": n} for n, d in enumerate(popular.domains, start=1)),
    }  # fmt: skip
    for name, table_rows in rows.items():
        db[name].insert_all(table_rows, batch_size=BATCH)  # type: ignore[union-attr]
    for name, column in INDEXES:
        db[name].create_index([column])  # type: ignore[union-attr]
    counts = {name: db[name].count for name in (
        "rules", "brand_domains", "protected_labels", "context_labels", "brand_lure_words",
        "brand_initials", "namesakes", "login_hosts", "host_entries", "url_prefixes",
        "host_patterns", "popular",
    )}  # fmt: skip
    counts["brands"] = sum(1 for r in rules if r.kind == "brand")
    meta = {
        "schema_version": str(SCHEMA_VERSION),
        "ruleset_hash": loaded.digest,
        "ruleset_version": loaded.digest[:12],
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "lureguard_version": __version__,
        "confusables": CONFUSABLES_SOURCE,
        "popular_source": popular.source,
        "counts": json.dumps(counts, sort_keys=True),
    }
    db["meta"].insert_all({"key": k, "value": v} for k, v in meta.items())  # type: ignore[union-attr]
    conn.commit()
    conn.close()
    return counts


def _rule_row(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "kind": rule.kind,
        "title": rule.title,
        # A signal rule's name is the signal it configures (there is no brand to name).
        "name": rule.name or rule.signal,
        "description": rule.description,
        "source": rule.source,
        "severity": rule.severity,
        "reference": rule.reference,
        "author": rule.author,
        "added": rule.added,
        "expires": rule.expires,
        "status": rule.status,
        "license": rule.license,
        "file": rule.location.path,
        "line": rule.location.line,
        "tags": json.dumps(list(rule.tags)),
        "tests": json.dumps({"match": rule.tests_match, "no_match": rule.tests_no_match}),
        "extra": json.dumps(rule.extra, default=str),
    }


def _protected_rows(rules: Iterable[Rule]) -> Iterator[dict[str, str]]:
    """The labels lookalike detection protects for each brand.

    A brand's `keywords` name them explicitly (so a generic label such as `live` of live.com
    need not be protected); without keywords, the registrable label of every official domain is,
    unless the rule names `context_keywords`: then it protects nothing bare (an organisation
    whose only name is a word, as `lureguard protect` writes for `state.gov`).
    Each label points at the official domain it stands for (outlook -> outlook.com).
    """
    from lureguard.hosts import split_registered

    for rule in rules:
        if rule.kind != "brand":
            continue
        by_label: dict[str, str] = {}
        for domain in rule.official_domains():
            _registered, label, _suffix = split_registered(domain)
            if label:
                by_label.setdefault(label, domain)
        primary = rule.domains[0] if rule.domains else ""
        labels = rule.keywords or (() if rule.context_keywords else tuple(by_label))
        for label in dict.fromkeys(labels):
            domain = by_label.get(label, primary)
            yield {
                "label": label,
                "skeleton": skeleton(label),
                "domain": domain,
                "rule_id": rule.id,
            }


def _context_rows(rules: Iterable[Rule]) -> Iterator[dict[str, str]]:
    """Names a brand protects only in a plain phishing context: its `context_keywords`
    (standing for its first domain), and the distinctive labels of its `login_hosts` (`nid`
    of nid.naver.com, standing for that host; lure words such as `login` or `logins` are no
    name)."""
    from lureguard.hosts import split_registered
    from lureguard.lookalike.words import lure_only

    for rule in rules:
        if rule.kind != "brand":
            continue
        primary = rule.domains[0] if rule.domains else ""
        names = {word: primary for word in rule.context_keywords}
        for host in rule.login_hosts:
            registered = split_registered(host)[0]
            for label in host[: -len(registered)].strip(".").split("."):
                if len(label) >= 3 and not lure_only(skeleton(label)) and not label.isdigit():
                    names.setdefault(label, host)
        for label, domain in names.items():
            if label not in rule.keywords:
                yield {"label": label, "skeleton": skeleton(label), "domain": domain,
                       "rule_id": rule.id}  # fmt: skip


def _initials_rows(rules: Iterable[Rule]) -> Iterator[dict[str, str]]:
    """Each brand's `initials` with the official domain it is the label of (fb -> fb.com)."""
    for rule in rules:
        domains = rule.official_domains() if rule.kind == "brand" else ()
        for word in rule.initials:
            domain = next(d for d in domains if d.split(".", 1)[0] == word)
            yield {"word": word, "domain": domain, "rule_id": rule.id}


def _host_rows(rules: Iterable[Rule]) -> Iterator[dict[str, str]]:
    for rule in rules:
        if rule.kind not in ("blocklist", "allowlist"):
            continue
        for host in rule.hosts:
            yield {"host": host, "match": "exact", "list": rule.kind, "rule_id": rule.id}
        for suffix in rule.suffixes:
            yield {"host": suffix, "match": "suffix", "list": rule.kind, "rule_id": rule.id}


def _url_host(url: str) -> str:
    from lureguard.hosts import parse_target

    return parse_target(url).host
