"""`lureguard rules stats`: what a compiled rule set holds, per kind, source and tag.

Read straight from the database with SQL (no engine load), so it is quick on a million
entries and works on any database a reviewer is handed.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

from lureguard.ruledata.database import RuleDatabaseError

#: Tables whose rows are the entries of a rule (table -> description).
ENTRY_TABLES = {
    "host_entries": "host entries",
    "url_prefixes": "URL prefixes",
    "host_patterns": "patterns",
    "brand_domains": "brand domains",
}


def open_db(path: Path) -> sqlite3.Connection:
    """Open a compiled rules database read-only, or raise `RuleDatabaseError`."""
    if not path.is_file():
        raise RuleDatabaseError(f"rules database {path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT key, value FROM meta").fetchall()
        conn.execute("SELECT id FROM rules LIMIT 1").fetchall()
    except sqlite3.Error as exc:
        raise RuleDatabaseError(f"{path} is not a lureguard rules database ({exc})") from None
    return conn


def tables(conn: sqlite3.Connection, schema: str = "main") -> set[str]:
    """Names of the tables in `schema`."""
    query = f"SELECT name FROM {schema}.sqlite_master WHERE type='table'"  # noqa: S608
    return {row[0] for row in conn.execute(query)}


def rule_stats(path: Path, *, today: dt.date | None = None, soon_days: int = 30) -> dict[str, Any]:
    """Counts per kind, source and tag, and the rules that expired or expire soon."""
    today = today or dt.date.today()
    conn = open_db(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        present = tables(conn)
        entries: Counter[str] = Counter()
        totals: dict[str, int] = {}
        for table, label in ENTRY_TABLES.items():
            if table not in present:
                continue
            rows = conn.execute(f"SELECT rule_id, count(*) FROM {table} GROUP BY rule_id")  # noqa: S608
            counted = dict(rows)
            entries.update(counted)
            totals[label] = sum(counted.values())
        by_kind: dict[str, dict[str, int]] = {}
        by_source: dict[str, dict[str, int]] = {}
        by_tag: Counter[str] = Counter()
        expired: list[dict[str, Any]] = []
        expiring: list[dict[str, Any]] = []
        for rule_id, kind, source, tags, expires in conn.execute(
            "SELECT id, kind, source, tags, expires FROM rules ORDER BY id"
        ):
            for group, key in ((by_kind, kind), (by_source, source)):
                slot = group.setdefault(key, {"rules": 0, "entries": 0})
                slot["rules"] += 1
                slot["entries"] += entries[rule_id]
            by_tag.update(json.loads(tags or "[]"))
            if expires:
                days = (dt.date.fromisoformat(expires) - today).days
                item = {"id": rule_id, "expires": expires, "days": days}
                if days < 0:
                    expired.append(item)
                elif days <= soon_days:
                    expiring.append(item)
    except (sqlite3.Error, ValueError) as exc:
        raise RuleDatabaseError(f"{path} cannot be read as a rules database ({exc})") from None
    finally:
        conn.close()
    return {
        "database": str(path),
        "ruleset_version": meta.get("ruleset_version", ""),
        "built_at": meta.get("built_at", ""),
        "rules": sum(v["rules"] for v in by_kind.values()),
        "entries": totals,
        "by_kind": dict(sorted(by_kind.items())),
        "by_source": dict(sorted(by_source.items())),
        "by_tag": dict(sorted(by_tag.items())),
        "expired": expired,
        "expiring_soon": expiring,
        "soon_days": soon_days,
    }


def format_stats(stats: dict[str, Any]) -> str:
    """A plain-text report of `rule_stats` for people."""
    lines = [
        f"{stats['database']}: {stats['rules']} rules, version {stats['ruleset_version']}, "
        f"built {stats['built_at']}",
        "entries: " + ", ".join(f"{n:,} {label}" for label, n in stats["entries"].items()),
        "",
        "by kind:",
        *(f"  {k:<12} {v['rules']:>5} rules {v['entries']:>10,} entries"
          for k, v in stats["by_kind"].items()),
        "by source:",
        *(f"  {k:<40} {v['rules']:>5} rules {v['entries']:>10,} entries"
          for k, v in stats["by_source"].items()),
        "by tag:",
        *(f"  {k:<40} {n:>5} rules" for k, n in stats["by_tag"].items()),
        f"expired: {len(stats['expired'])}",
        *(f"  {e['id']} expired {e['expires']}" for e in stats["expired"]),
        f"expiring within {stats['soon_days']} days: {len(stats['expiring_soon'])}",
        *(f"  {e['id']} expires {e['expires']} (in {e['days']} days)"
          for e in stats["expiring_soon"]),
    ]  # fmt: skip
    return "\n".join(lines)
