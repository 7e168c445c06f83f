"""Render collected feed entries as a YAML rule (plus a host list beside it) and write atomically.

Large lists go to a `.txt` file next to the YAML (`hosts_file:`): YAML parsing is the slow part
of a compile, a flat list is not. Every file is written under a temporary name and renamed,
so an interrupted import never leaves half a rule file for the proxy to compile.
"""

from __future__ import annotations

import dataclasses
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from lureguard import fsutil
from lureguard.ruleset.importers.collect import Collected

#: More entries than this go to a hosts_file beside the YAML.
INLINE_MAX = 500
TESTS_PER_RULE = 3
#: Control and format characters, surrogates, unassigned code points and the line and
#: paragraph separators: never written as they are (see `printable`).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Zl", "Zp"})


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
    meta = _printable_meta(meta)
    urls = [_url_escaped(url) for url in found.urls]
    side: dict[str, str] = {}
    docs: list[str] = []
    if meta.kind == "allowlist":
        entries = [*found.hosts, *(f"*.{s}" for s in {**found.suffixes, **found.allow})]
        docs.append(_doc(meta, meta.rule_id, "allowlist", entries, [], out, side))
    else:
        entries = [*found.hosts, *(f"*.{s}" for s in found.suffixes)]
        docs.append(_doc(meta, meta.rule_id, "blocklist", entries, urls, out, side))
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
            for n, line in enumerate(_wrap(printable(note)))
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
    entries = [printable(entry) for entry in entries]  # canonical hosts: a no-op, kept as a net
    if out is not None and len(entries) > INLINE_MAX:
        stem = "".join("_" if _unsafe(char) else char for char in out.stem)
        name = f"{stem}.txt" if kind == meta.kind else f"{stem}-allow.txt"
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


def printable(text: str) -> str:
    """`text` with every character that could start a new line of YAML written as an escape.

    Whatever an import writes comes from its input (file name, options, feed): a line break
    there (CR, LF, NEL, U+2028...) would start a new key, rule or document when the YAML is
    read, a control character makes the file unreadable, a bidi control hides what it says.
    They are written as visible escapes (`\\x0a`, `\\u2028`) instead.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(_escape(char) if _unsafe(char) else char for char in text)


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _printable_meta(meta: FeedMeta) -> FeedMeta:
    """`meta` with `printable` applied to every text in it."""
    texts = {
        field.name: printable(value)
        for field in dataclasses.fields(meta)
        if isinstance(value := getattr(meta, field.name), str)
    }
    return dataclasses.replace(meta, **texts, tags=tuple(printable(t) for t in meta.tags))


def _url_escaped(url: str) -> str:
    """A URL with unsafe characters percent-encoded, as a browser sends them."""
    if url.isascii() and url.isprintable():
        return url
    return "".join(
        quote(char, safe="", errors="surrogatepass") if _unsafe(char) else char for char in url
    )


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
    # A rule file is as readable as any file the user writes (temps are created 0600).
    umask = os.umask(0)
    os.umask(umask)
    fsutil.write_atomic(path, text, mode=0o666 & ~umask)
