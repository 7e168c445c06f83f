"""Read a compiled rules database into plain in-memory structures (done once per load).

The format's version lives here; lureguard.ruleset.compile writes the tables this reads.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lureguard.urlnorm import normalize_url
from lureguard.verdict import Level

#: Version of the database's tables (ruleset/compile.py's TABLES); a reader accepts only its own.
SCHEMA_VERSION = 1


class RuleDatabaseError(Exception):
    """A compiled rules database is missing, unreadable, corrupt or of another schema."""


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What a verdict needs to know about a rule."""

    id: str
    kind: str
    title: str
    name: str
    source: str
    severity: Level
    description: str = ""
    reference: str = ""
    tags: tuple[str, ...] = ()


@dataclass
class RuleData:
    """Everything in a rules database, shaped for fast lookups."""

    meta: dict[str, str]
    rules: dict[str, RuleInfo]
    brand_domains: dict[str, str] = field(default_factory=dict)
    protected: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: (label, skeleton, domain, rule id) protected only in a plain phishing context
    context: list[tuple[str, str, str, str]] = field(default_factory=list)
    #: unrelated registrable domain -> rule id of the brand whose name it carries
    namesakes: dict[str, str] = field(default_factory=dict)
    #: (word, rule id): a brand's own lure words (`lure_words`)
    brand_words: list[tuple[str, str]] = field(default_factory=list)
    #: (initials, official domain, rule id): the short forms of brands' names (`initials`)
    initials: list[tuple[str, str, str]] = field(default_factory=list)
    #: (official sign-in host, rule id) of brands that list `login_hosts`
    login_hosts: list[tuple[str, str]] = field(default_factory=list)
    block_exact: dict[str, str] = field(default_factory=dict)
    block_suffix: dict[str, str] = field(default_factory=dict)
    allow_exact: dict[str, str] = field(default_factory=dict)
    allow_suffix: dict[str, str] = field(default_factory=dict)
    url_prefixes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    #: (pattern, rule id) pairs of pattern rules
    patterns: list[tuple[str, str]] = field(default_factory=list)
    popular: set[str] = field(default_factory=set)

    @property
    def version(self) -> str:
        """Short rule-set version (prefix of the source hash)."""
        return self.meta.get("ruleset_version", "")

    def counts(self) -> dict[str, int]:
        """Counts recorded at compile time."""
        try:
            return dict(json.loads(self.meta.get("counts", "{}")))
        except ValueError:
            return {}


def read_meta(path: Path) -> dict[str, str] | None:
    """The meta table of a rules database, or None when it is missing or unreadable.

    Cheap: for freshness checks that must not load the whole rule set.
    """
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM meta"))
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def read_database(path: Path) -> RuleData:
    """Load `path`, raising `RuleDatabaseError` with a clear sentence if it is not usable."""
    if not path.is_file():
        raise RuleDatabaseError(
            f"rules database {path} does not exist (run 'lureguard rules compile')"
        )
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise RuleDatabaseError(f"cannot open rules database {path}: {exc}") from None
    try:
        return _read(conn, path)
    except sqlite3.DatabaseError as exc:
        raise RuleDatabaseError(
            f"rules database {path} is corrupt or not a lureguard database ({exc})"
        ) from None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, path: Path) -> RuleData:
    meta = dict(conn.execute("SELECT key, value FROM meta"))
    version = meta.get("schema_version")
    if version != str(SCHEMA_VERSION):
        raise RuleDatabaseError(
            f"rules database {path} has schema version {version}, this lureguard reads "
            f"{SCHEMA_VERSION}; compile it again with 'lureguard rules compile'"
        )
    rules: dict[str, RuleInfo] = {}
    for rule_id, kind, title, name, source, severity, description, reference, tags in conn.execute(
        "SELECT id, kind, title, name, source, severity, description, reference, tags FROM rules"
    ):
        rules[rule_id] = RuleInfo(
            rule_id, kind, title, name, source, severity, description, reference,
            tuple(json.loads(tags or "[]")),
        )  # fmt: skip
    data = RuleData(meta=meta, rules=rules)
    data.brand_domains = dict(conn.execute("SELECT domain, rule_id FROM brand_domains"))
    data.protected = list(
        conn.execute("SELECT label, skeleton, domain, rule_id FROM protected_labels")
    )
    targets = (
        ("blocklist", "exact", data.block_exact),
        ("blocklist", "suffix", data.block_suffix),
        ("allowlist", "exact", data.allow_exact),
        ("allowlist", "suffix", data.allow_suffix),
    )
    # Intern the rule id: a million entries of one feed share one string.
    ids = {rule_id: info.id for rule_id, info in rules.items()}
    for kind, match, table in targets:
        # One query per table (rows in table order, so the first entry of a host still
        # wins): the loop over a million rows then does nothing but fill its table.
        for host, rule_id in conn.execute(
            "SELECT host, rule_id FROM host_entries WHERE list = ? AND match = ? ORDER BY rowid",
            (kind, match),
        ):
            if host not in table:
                table[host] = ids[rule_id]
    prefixes: dict[str, dict[tuple[str, str], None]] = {}
    for host, prefix, rule_id in conn.execute("SELECT host, prefix, rule_id FROM url_prefixes"):
        # Compiles store canonical prefixes; normalising again (idempotent) also covers a
        # database built before URL normalisation, whose raw prefixes would never match.
        entry = (normalize_url(prefix).split("://", 1)[1], rules[rule_id].id)
        prefixes.setdefault(host, {})[entry] = None
    data.url_prefixes = {host: list(entries) for host, entries in prefixes.items()}
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "host_patterns" in tables:  # absent in databases compiled before pattern rules existed
        data.patterns = list(conn.execute("SELECT pattern, rule_id FROM host_patterns"))
    if "context_labels" in tables:  # absent before context keywords existed
        data.context = list(
            conn.execute("SELECT label, skeleton, domain, rule_id FROM context_labels")
        )
        data.namesakes = dict(conn.execute("SELECT domain, rule_id FROM namesakes"))
    if "login_hosts" in tables:  # absent before the credential guard read them
        data.login_hosts = list(conn.execute("SELECT host, rule_id FROM login_hosts"))
    if "brand_lure_words" in tables:  # absent before brands had lure words of their own
        data.brand_words = list(conn.execute("SELECT word, rule_id FROM brand_lure_words"))
    if "brand_initials" in tables:  # absent before brands had initials
        data.initials = list(conn.execute("SELECT word, domain, rule_id FROM brand_initials"))
    data.popular = {row[0] for row in conn.execute("SELECT domain FROM popular")}
    return data


def describe(data: RuleData) -> dict[str, Any]:
    """A summary for `status` outputs."""
    return {
        "ruleset_version": data.version,
        "ruleset_hash": data.meta.get("ruleset_hash", ""),
        "built_at": data.meta.get("built_at", ""),
        "counts": data.counts(),
    }
