"""Exact lines to change in a rule file, for `lureguard rules explain-fp`.

A suggestion is only useful when it can be pasted: "add `  - tencent-cloud.net` after line 24
of rules/brands/tencent.yaml" rather than "add it to the domains". `RuleSource` reads one
rule's YAML document with the position of every value and writes each change in the style the
file already uses (a flow list `[a, b]` gets its line rewritten, a block list a new `- item`
line with the same indentation). Nothing is written to the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lureguard.fsutil import read_regular
from lureguard.hosts import HostError, normalize_host
from lureguard.ruleset.yamlsource import Document, read_documents

Action = Literal["add-after", "replace", "delete", "add-to-rule"]
_PLAIN = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to one line: `add-after` inserts `text` after `line`, `replace` rewrites it,
    `delete` removes it; `add-to-rule` (line 0) when the file could not be read."""

    file: str
    line: int
    action: Action
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"file": self.file, "line": self.line, "action": self.action, "text": self.text}

    def describe(self) -> list[str]:
        """Two lines for people: where, then the exact text."""
        where = {
            "add-after": f"{self.file}: after line {self.line}, add:",
            "replace": f"{self.file}:{self.line}: replace the line with:",
            "delete": f"{self.file}:{self.line}: delete the line:",
            "add-to-rule": f"{self.file}: add to the rule:",
        }[self.action]
        return [where, f"| {self.text}"]


def scalar(value: str) -> str:
    """A YAML scalar for `value`: plain when safe, else double-quoted (valid YAML)."""
    return value if _PLAIN.fullmatch(value) else json.dumps(value, ensure_ascii=False)


class RuleSource:
    """One rule's document in its file (`path` None or unreadable: suggestions without lines)."""

    def __init__(self, shown: str, path: Path | None, rule_id: str) -> None:
        self.shown = shown
        self.path = path
        self.doc: Document | None = None
        self.lines: list[str] = []
        if path is None:
            return
        try:
            self.lines = read_regular(path).decode("utf-8", "replace").splitlines()
        except OSError:
            return
        for item in read_documents(path, shown):
            data = item.data if isinstance(item, Document) else None
            if isinstance(data, dict) and str(data.get("id", "")).strip() == rule_id:
                self.doc = item  # type: ignore[assignment]
                break

    @property
    def data(self) -> dict[str, Any]:
        """The rule's mapping (empty when unread)."""
        return self.doc.data if self.doc is not None else {}

    def values(self, *path: str | int) -> list[str]:
        """The strings of a list at `path` (lowercase), or [] when absent."""
        found: Any = self.data
        for key in path:
            if isinstance(found, dict) and isinstance(key, str):
                found = found.get(key)
            elif isinstance(found, list) and isinstance(key, int) and key < len(found):
                found = found[key]
            else:
                return []
        if isinstance(found, str):
            found = [found]
        return [str(v).strip().lower() for v in found] if isinstance(found, list) else []

    def rule_line(self) -> int:
        """The line where the rule starts (0 when unread)."""
        return self.doc.location.line if self.doc is not None else 0

    def add(self, path: tuple[str | int, ...], value: str, *, after: str = "domains") -> Edit:
        """Add `value` to the list at `path`; a missing key becomes a new line after the
        list named `after` (or after the rule's first line)."""
        doc = self.doc
        key = str(path[-1])
        if doc is None:
            return Edit(self.shown, 0, "add-to-rule", f"{key}: [{scalar(value)}]")
        items = self.values(*path)
        if not items:
            if path in doc.positions:
                return self._rewrite(path, [value])
            end = self._end(after) or self.rule_line()
            return Edit(self.shown, end, "add-after", f"{key}: [{scalar(value)}]")
        last = doc.where(*path, len(items) - 1)
        if self._flow(path):
            return self._rewrite(path, [*items, value])
        indent = " " * max(last.column - 3, 0)
        return Edit(self.shown, last.line, "add-after", f"{indent}- {scalar(value)}")

    def put(self, key: str, items: list[str], *, after: str = "domains") -> Edit:
        """Write a whole top-level list as one flow line (new, or replacing a one-line one)."""
        flow = f"{key}: [{', '.join(scalar(v) for v in items)}]"
        if self.doc is None:
            return Edit(self.shown, 0, "add-to-rule", flow)
        if (key,) in self.doc.positions and self._flow((key,)):
            return self._rewrite((key,), items)
        return Edit(self.shown, self._end(after) or self.rule_line(), "add-after", flow)

    def remove(self, path: tuple[str | int, ...], value: str) -> Edit | None:
        """Remove `value` from the list at `path` (None when it is not there)."""
        items = self.values(*path)
        if self.doc is None or value not in items:
            return None
        if self._flow(path):
            return self._rewrite(path, [v for v in items if v != value])
        where = self.doc.where(*path, items.index(value))
        return Edit(self.shown, where.line, "delete", self._line(where.line).strip())

    def set(self, key: str, value: str) -> Edit:
        """Set a top-level scalar (`severity: notice`)."""
        if self.doc is None:
            return Edit(self.shown, 0, "add-to-rule", f"{key}: {value}")
        if (key,) in self.doc.positions:
            line = self.doc.where_key(key).line
            return Edit(self.shown, line, "replace", f"{key}: {value}")
        return Edit(self.shown, self.rule_line(), "add-after", f"{key}: {value}")

    def entry_line(self, key: str, entry: str) -> tuple[str, int]:
        """Where a list entry (`hosts`, `urls`, `patterns`) is written: this file or the
        `hosts_file` beside it, and the line (0 when not found)."""
        doc = self.doc
        if doc is None:
            return self.shown, 0
        same = _canonical_url if key == "urls" else _canonical
        wanted = same(entry)
        for index, value in enumerate(self.values(key)):
            if same(value) == wanted:
                return self.shown, doc.where(key, index).line
        name = self.data.get("hosts_file")
        if key == "hosts" and isinstance(name, str) and self.path is not None:
            folder = self.shown.rpartition("/")[0]
            shown = f"{folder}/{name}" if folder else name
            try:
                raw = read_regular(self.path.parent / name).decode("utf-8", "replace")
            except OSError:
                return shown, 0
            for number, line in enumerate(raw.split("\n"), start=1):
                if _canonical(line.split("#", 1)[0]) == wanted:
                    return shown, number
            return shown, 0
        return self.shown, 0

    def _flow(self, path: tuple[str | int, ...]) -> bool:
        assert self.doc is not None
        where = self.doc.where(*path)
        return self._line(where.line)[where.column - 1 : where.column] == "["

    def _rewrite(self, path: tuple[str | int, ...], items: list[str]) -> Edit:
        """The line that holds a one-line flow list, written again with `items`."""
        assert self.doc is not None
        where = self.doc.where(*path)
        text = self._line(where.line)
        close = text.find("]", where.column - 1)
        flow = f"[{', '.join(scalar(v) for v in items)}]"
        if text[where.column - 1 : where.column] != "[" or close < 0:
            # A list spread over several lines: say what it should read.
            return Edit(self.shown, where.line, "replace", f"{path[-1]}: {flow}")
        return Edit(
            self.shown, where.line, "replace", text[: where.column - 1] + flow + text[close + 1 :]
        )

    def _end(self, key: str) -> int:
        """The last line of a top-level list (0 when absent)."""
        items = self.values(key)
        if self.doc is None or not items:
            return 0
        return self.doc.where(key, len(items) - 1).line

    def _line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""


def _canonical_url(text: str) -> str:
    """A URL rule as the engine stores it: canonical, without the scheme."""
    from lureguard.urlnorm import normalize_url

    text = text.strip()
    return normalize_url(text if "://" in text else f"https://{text}").split("://", 1)[1]


def _canonical(text: str) -> str:
    """Entries compared the way the compiler stores them (case, IDNA, trailing dot)."""
    text = text.strip().strip("\"'")
    star = "*." if text.startswith("*.") else ""
    try:
        return star + normalize_host(text[len(star) :])
    except HostError:
        return text.lower()
