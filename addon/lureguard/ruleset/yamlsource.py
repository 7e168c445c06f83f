"""Read YAML rule files keeping the position of every value, so errors can point at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from lureguard.fsutil import read_regular
from lureguard.ruleset.errors import Problem
from lureguard.ruleset.model import Location

PathKey = tuple[str | int, ...]
#: Values a document may expand to through YAML aliases beyond its own size: a few hundred
#: bytes of nested aliases ("billion laughs") would otherwise expand to billions of values.
ALIAS_EXPANSION = 100_000


class _TooLarge(Exception):
    """The document expands (through aliases) to far more values than its text holds."""


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document (one rule) with the location of each value by its key path."""

    data: Any
    positions: dict[PathKey, Location]
    location: Location
    keys: dict[PathKey, Location]

    def where(self, *path: str | int) -> Location:
        """The location of the value at `path`, or of its nearest located parent."""
        key: PathKey = tuple(path)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.location

    def where_key(self, *path: str | int) -> Location:
        """The location of the key (not the value) at `path`."""
        return self.keys.get(tuple(path)) or self.where(*path)


def read_documents(path: Path, display: str) -> Iterator[Document | Problem]:
    """Yield each document of a YAML file, or a Problem where the file cannot be read."""
    try:
        raw = read_regular(path)
    except OSError as exc:
        yield Problem(Location(display, 1, 1), f"cannot read file: {exc.strerror}")
        return
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        yield Problem(Location(display, line, 1), f"file is not valid UTF-8 (byte {exc.start})")
        return
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        yield Problem(Location(display, line, 1), "file contains a NUL byte")
        return
    if _FastLoader is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        # libyaml reads a file many times faster; a file it finds anything wrong with is read
        # again by the Python parser, whose messages say where and why (`_syntax_problem`).
        read = list(_documents(_FastLoader, text, display))
        if not any(isinstance(item, Problem) for item in read):
            yield from read
            return
    yield from _documents(yaml.SafeLoader, text, display)


#: PyYAML's libyaml parser, when PyYAML was built with it (its wheels are).
_FastLoader: Final = getattr(yaml, "CSafeLoader", None)


def _documents(loader_class: Any, text: str, display: str) -> Iterator[Document | Problem]:
    """Each document of `text` read with `loader_class`, or the Problem that stops it."""
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:  # checked when the loader is built
        line = text[: exc.position].count("\n") + 1
        yield Problem(
            Location(display, line, 1),
            f"file contains character #x{exc.character:04x}, which YAML does not allow",
        )
        return
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            positions: dict[PathKey, Location] = {}
            keys: dict[PathKey, Location] = {}
            duplicates = _walk(node, (), display, positions, keys, [len(text) + ALIAS_EXPANSION])
            try:
                data = loader.construct_document(node)
            except (ValueError, OverflowError) as exc:  # e.g. the date 2026-11-35
                yield Problem(_location(node, display), f"a value cannot be read: {exc}")
                return
            start = _location(node, display)
            for dup in duplicates:
                yield Problem(dup[1], f"key '{dup[0]}' appears twice in one mapping")
            yield Document(data, positions, start, keys)
    except yaml.MarkedYAMLError as exc:
        yield _syntax_problem(exc, text, display)
    except yaml.YAMLError as exc:
        yield Problem(Location(display, 1, 1), f"YAML error: {exc}")
    except RecursionError:
        yield Problem(
            Location(display, 1, 1), "YAML nesting is too deep or an alias contains itself"
        )
    except _TooLarge:
        yield Problem(Location(display, 1, 1), "YAML aliases expand to too many values")
    finally:
        loader.dispose()


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, display: str) -> Problem:
    """A syntax error at the bracket or quote that was never closed, if that is the cause
    (PyYAML's context mark), saying where parsing stopped; else where parsing stopped."""
    stop, opened = exc.problem_mark, exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    if stop is not None and opened is not None and opened.index != stop.index:
        char = text[opened.index : opened.index + 1]
        if char in _OPENERS and (exc.context or "").endswith(_OPENERS[char]):
            return Problem(
                Location(display, opened.line + 1, opened.column + 1),
                f"YAML syntax error: this {char!r} is never closed "
                f"(parsing stopped at line {stop.line + 1}, column {stop.column + 1}: {what})",
            )
    mark = stop or opened
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(Location(display, line, col), f"YAML syntax error: {what}")


#: What PyYAML's context says for each opening character it can leave unclosed.
_OPENERS = {
    "[": "flow sequence",
    "{": "flow mapping",
    '"': "quoted scalar",
    "'": "quoted scalar",
}


def _location(node: yaml.Node, display: str) -> Location:
    return Location(display, node.start_mark.line + 1, node.start_mark.column + 1)


def _walk(
    node: yaml.Node,
    path: PathKey,
    display: str,
    out: dict[PathKey, Location],
    keys: dict[PathKey, Location],
    budget: list[int],
) -> list[tuple[str, Location]]:
    """Record each value's location under its key path; return duplicate keys found."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooLarge
    out[path] = _location(node, display)
    duplicates: list[tuple[str, Location]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                duplicates.append((key, _location(key_node, display)))
            seen.add(key)
            keys[(*path, key)] = _location(key_node, display)
            duplicates += _walk(value_node, (*path, key), display, out, keys, budget)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            duplicates += _walk(item, (*path, index), display, out, keys, budget)
    return duplicates
