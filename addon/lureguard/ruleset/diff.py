"""`lureguard rules diff OLD.db NEW.db`: what a rule update adds, removes and changes.

Both databases are attached to one SQLite connection and compared with EXCEPT queries, so a
diff of two million-entry rule sets stays a few seconds of SQL, not a Python set of millions.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from lureguard.ruledata.database import RuleDatabaseError
from lureguard.ruleset.stats import open_db, tables

#: Entry tables and the columns that identify one entry.
ENTRIES = {
    "host_entries": ("list", "match", "host", "rule_id"),
    "url_prefixes": ("prefix", "rule_id"),
    "host_patterns": ("pattern", "rule_id"),
    "brand_domains": ("domain", "rule_id"),
    "protected_labels": ("label", "domain", "rule_id"),
    "brand_lure_words": ("word", "rule_id"),
    "brand_initials": ("word", "rule_id"),
}
RULE_FIELDS = (
    "kind", "title", "name", "description", "source", "severity", "reference", "author", "added",
    "expires", "status", "license", "tags", "tests",
)  # fmt: skip


def diff_databases(old: Path, new: Path, *, limit: int = 50) -> dict[str, Any]:
    """Rules added, removed and changed, and entries added and removed per table."""
    conn = open_db(old)
    try:
        open_db(new).close()
        conn.execute("ATTACH DATABASE ? AS new", (f"file:{new}?mode=ro",))
        return _diff(conn, limit)
    except sqlite3.Error as exc:
        raise RuleDatabaseError(f"cannot compare {old} and {new} ({exc})") from None
    finally:
        conn.close()


def _diff(conn: sqlite3.Connection, limit: int) -> dict[str, Any]:
    old_meta = dict(conn.execute("SELECT key, value FROM main.meta"))
    new_meta = dict(conn.execute("SELECT key, value FROM new.meta"))
    cols = ", ".join(("id", *RULE_FIELDS))
    old_rules = {r[0]: r[1:] for r in conn.execute(f"SELECT {cols} FROM main.rules")}  # noqa: S608
    new_rules = {r[0]: r[1:] for r in conn.execute(f"SELECT {cols} FROM new.rules")}  # noqa: S608
    changed = []
    for rule_id in sorted(old_rules.keys() & new_rules.keys()):
        fields = [
            {"field": name, "old": a, "new": b}
            for name, a, b in zip(RULE_FIELDS, old_rules[rule_id], new_rules[rule_id], strict=True)
            if a != b
        ]
        if fields:
            changed.append({"id": rule_id, "changes": fields})
    result: dict[str, Any] = {
        "old": {"version": old_meta.get("ruleset_version", ""), "rules": len(old_rules)},
        "new": {"version": new_meta.get("ruleset_version", ""), "rules": len(new_rules)},
        "rules_added": sorted(new_rules.keys() - old_rules.keys()),
        "rules_removed": sorted(old_rules.keys() - new_rules.keys()),
        "rules_changed": changed,
        "entries": {},
    }
    have_old, have_new = tables(conn, "main"), tables(conn, "new")
    for table, columns in ENTRIES.items():
        names = ", ".join(columns)
        sides = {}
        for label, first, second in (("added", "new", "main"), ("removed", "main", "new")):
            if table not in (have_new if first == "new" else have_old):
                sides[label] = {"count": 0, "sample": []}
                continue
            # Table and column names come from ENTRIES above, never from input.
            source = second if table in (have_new if second == "new" else have_old) else first
            where = "" if source == second else " WHERE 0"
            other = f"SELECT {names} FROM {source}.{table}{where}"  # noqa: S608
            query = f"SELECT {names} FROM {first}.{table} EXCEPT {other}"  # noqa: S608
            count = conn.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]  # noqa: S608
            sample = [
                dict(zip(columns, row, strict=True))
                for row in conn.execute(f"{query} ORDER BY {names} LIMIT ?", (limit,))
            ]
            sides[label] = {"count": count, "sample": sample}
        result["entries"][table] = sides
    return result


def format_diff(diff: dict[str, Any]) -> str:
    """A reviewer's plain-text view: `+` added, `-` removed, `~` changed."""
    lines = [
        f"rules: {diff['old']['rules']} -> {diff['new']['rules']} "
        f"(version {diff['old']['version']} -> {diff['new']['version']})",
        *(f"+ rule {rule_id}" for rule_id in diff["rules_added"]),
        *(f"- rule {rule_id}" for rule_id in diff["rules_removed"]),
    ]
    for item in diff["rules_changed"]:
        for change in item["changes"]:
            lines.append(
                f"~ rule {item['id']}: {change['field']}: {_short(change['old'])} -> "
                f"{_short(change['new'])}"
            )
    for table, sides in diff["entries"].items():
        added, removed = sides["added"], sides["removed"]
        if not (added["count"] or removed["count"]):
            continue
        lines.append(f"{table}: +{added['count']:,} -{removed['count']:,}")
        for sign, side in (("+", added), ("-", removed)):
            for row in side["sample"]:
                rule_id = row.get("rule_id", "")
                text = " ".join(str(v) for k, v in row.items() if k != "rule_id")
                lines.append(f"  {sign} {text} [{rule_id}]")
            if side["count"] > len(side["sample"]):
                lines.append(f"  {sign} ... and {side['count'] - len(side['sample']):,} more")
    if len(lines) == 1:
        lines.append("no differences in rules or entries")
    return "\n".join(lines)


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
