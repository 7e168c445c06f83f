"""Render collected feed entries as a YAML rule (plus a host list beside it) and write atomically.

Large lists go to a `.txt` file next to the YAML (`hosts_file:`): YAML parsing is the slow part
of a compile, a flat list is not. Every file is written under a temporary name and renamed,
so an interrupted import never leaves half a rule file for the proxy to compile.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lureguard.ruleset.importers.collect import Collected

#: More entries than this go to a hosts_file beside the YAML.
INLINE_MAX = 500
TESTS_PER_RULE = 3


@dataclass(frozen=True)
class FeedMeta:
    """Provenance and identity of the rule an import writes."""

    rule_id: str
    kind: str
    title: str
    source: str
    fmt: str
    input_name: str
    added: str
    severity: str = "block"
    reference: str = ""
    license: str = ""
    tags: tuple[str, ...] = ()


def render(found: Collected, meta: FeedMeta, *, out: Path | None) -> tuple[str, dict[str, str]]:
    """The YAML text and the side files {name: text} an import writes for `found`."""
    side: dict[str, str] = {}
    docs: list[str] = []
    if meta.kind == "allowlist":
        entries = [*found.hosts, *(f"*.{s}" for s in {**found.suffixes, **found.allow})]
        docs.append(_doc(meta, meta.rule_id, "allowlist", entries, [], out, side))
    else:
        entries = [*found.hosts, *(f"*.{s}" for s in found.suffixes)]
        docs.append(_doc(meta, meta.rule_id, "blocklist", entries, list(found.urls), out, side))
        if found.allow:
            allow = [f"*.{s}" for s in found.allow]
            docs.append(_doc(meta, f"{meta.rule_id}-allow", "allowlist", allow, [], out, side))
    header = [
        f"# Imported by `lureguard rules import --format {meta.fmt}` from "
        f"{Path(meta.input_name).name}",
        f"# on {meta.added}: {found.lines:,} lines read, {found.entries:,} entries kept, "
        f"{sum(found.skipped.values()):,} skipped. Regenerate rather than edit by hand.",
        *(
            ("# Note: " if n == 0 else "#   ") + line
            for note in found.notes
            for n, line in enumerate(_wrap(note))
        ),
    ]
    return "\n".join(header) + "\n" + "---\n".join(docs), side


def _doc(
    meta: FeedMeta,
    rule_id: str,
    kind: str,
    entries: list[str],
    urls: list[str],
    out: Path | None,
    side: dict[str, str],
) -> str:
    what = "allowed names" if kind == "allowlist" else "phishing and malware hosts"
    count = len(entries) + len(urls)
    rule: dict[str, Any] = {
        "id": rule_id,
        "kind": kind,
        "title": meta.title if kind == meta.kind else f"{meta.title} (allowlist)",
        "description": f"{count:,} {what} imported from {meta.source} ({meta.fmt} format).",
        "source": meta.source,
    }
    if meta.reference:
        rule["reference"] = meta.reference
    if meta.license:
        rule["license"] = meta.license
    rule["author"] = "lureguard rules import"
    rule["added"] = meta.added
    rule["status"] = "stable"
    if kind == "blocklist":
        rule["severity"] = meta.severity
    if meta.tags:
        rule["tags"] = list(meta.tags)
    if out is not None and len(entries) > INLINE_MAX:
        name = f"{out.stem}.txt" if kind == meta.kind else f"{out.stem}-allow.txt"
        rule["hosts_file"] = name
        side[name] = _host_list(meta, rule_id, entries)
    elif entries:
        rule["hosts"] = entries
    if urls:
        rule["urls"] = urls
    samples = [e.removeprefix("*.") for e in entries[:TESTS_PER_RULE]] + urls[:TESTS_PER_RULE]
    rule["tests"] = {"match": samples[:TESTS_PER_RULE]}
    return yaml.safe_dump(rule, sort_keys=False, allow_unicode=True, width=100)


def _host_list(meta: FeedMeta, rule_id: str, entries: list[str]) -> str:
    head = (
        f"# Host list of rule {rule_id}: {len(entries):,} entries from {meta.source}, "
        f"imported {meta.added}.\n"
    )
    if meta.license:
        head += f"# License: {meta.license}\n"
    return head + "\n".join(entries) + "\n"


def _wrap(text: str, width: int = 96) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` via a temporary file in the same directory and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp creates 0600; a rule file is as readable as any file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_name, 0o666 & ~umask)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
