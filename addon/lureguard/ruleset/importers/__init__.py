"""`lureguard rules import`: turn public feeds into YAML rules with provenance.

formats.py reads each feed's syntax, collect.py normalises and filters entries the same way
for all of them, write.py renders and writes the rule atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from lureguard.ruleset.importers.collect import Collected, Guard, UrlMode, collect
from lureguard.ruleset.importers.formats import (
    FORMATS,
    LINE_FORMATS,
    FeedFormatError,
    Item,
    Lines,
    parse_metamask,
)
from lureguard.ruleset.importers.write import FeedMeta, render, write_atomic

__all__ = ["FORMATS", "Collected", "FeedFormatError", "FeedMeta", "Guard", "import_feed"]


def read_lines(path: Path) -> Lines:
    """Yield (line number, text) from a file; text is None for a line that is not UTF-8."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                yield number, raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError:
                yield number, None


def feed_items(fmt: str, path: Path, display: str) -> Iterator[Item]:
    """The raw items of feed `path` in format `fmt` (raises `FeedFormatError`, `OSError`)."""
    if fmt == "metamask":
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise FeedFormatError(f"{display}:{line}: not valid UTF-8 (byte {exc.start})") from None
        return parse_metamask(text, display)
    parser = LINE_FORMATS.get(fmt)
    if parser is None:
        raise FeedFormatError(f"unknown format '{fmt}' (expected one of: {', '.join(FORMATS)})")
    return parser(read_lines(path))


def import_feed(
    fmt: str,
    path: Path,
    meta: FeedMeta,
    guard: Guard,
    *,
    out: Path | None,
    url_mode: UrlMode = "prefix",
    progress: Callable[[int], None] | None = None,
) -> tuple[Collected, str, list[Path]]:
    """Import one feed; returns what was collected, the YAML text and the files written.

    With `out` None nothing is written (the caller prints the YAML). Side files are written
    before the YAML that names them, each atomically.
    """
    items = feed_items(fmt, path, meta.input_name)
    found = collect(
        items, guard if meta.kind == "blocklist" else Guard(), url_mode=url_mode, progress=progress
    )
    if meta.kind == "allowlist" and found.urls:
        found.notes.append(f"{len(found.urls):,} URLs are not imported: allowlists name hosts")
        found.urls.clear()
    if not (found.entries or found.allow):
        raise FeedFormatError(
            f"{meta.input_name}: no usable entries in {found.lines:,} lines "
            f"({sum(found.skipped.values()):,} skipped); nothing was written"
        )
    text, side = render(found, meta, out=out)
    written: list[Path] = []
    if out is not None:
        for name, body in side.items():
            write_atomic(out.parent / name, body)
            written.append(out.parent / name)
        write_atomic(out, text)
        written.append(out)
    return found, text, written
