"""Feed parsers: each turns the lines of one feed format into raw entries or skips.

A parser only reads syntax; normalising, deduplicating and allowlist checks happen once, in
`collect.py`, for every format alike. Parsers never raise for a bad line: they yield a `Skip`
naming the line, so one broken row never loses the other million.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

EntryKind = Literal["host", "suffix", "url", "allow"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One candidate rule entry read from line `line` of the input."""

    line: int
    kind: EntryKind
    value: str


@dataclass(frozen=True, slots=True)
class Skip:
    """A line that yields no entry, and why (one reason from a small vocabulary)."""

    line: int
    reason: str
    text: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    """Something about the feed as a whole the user should read (e.g. unsupported sections)."""

    text: str


Item = Entry | Skip | Note
Lines = Iterator[tuple[int, str | None]]  # (line number, text or None when not valid UTF-8)


class FeedFormatError(ValueError):
    """The input cannot be read as the chosen format at all (message names file and line)."""


def _text_lines(lines: Lines) -> Iterator[tuple[int, str] | Skip]:
    for number, text in lines:
        if text is None:
            yield Skip(number, "not valid UTF-8")
        else:
            yield number, text


def parse_hosts(lines: Lines) -> Iterator[Item]:
    """Hosts files: `ADDRESS name [name...]`, `#` comments; every name is an exact host."""
    for item in _text_lines(lines):
        if isinstance(item, Skip):
            yield item
            continue
        number, text = item
        text = text.split("#", 1)[0].strip()
        if not text:
            continue
        fields = text.split()
        if len(fields) < 2:
            yield Skip(number, "no address and name pair", text)
            continue
        for name in fields[1:]:
            yield Entry(number, "host", name)


def parse_domains(lines: Lines) -> Iterator[Item]:
    """One host (or `*.suffix`) a line; `#` and `!` comments; a leading `||`/trailing `^` ok."""
    for item in _text_lines(lines):
        if isinstance(item, Skip):
            yield item
            continue
        number, text = item
        text = text.split("#", 1)[0].strip()
        if not text or text.startswith("!"):
            continue
        if len(text.split()) > 1:
            yield Skip(number, "more than one word on the line", text)
        elif text.startswith("*."):
            yield Entry(number, "suffix", text[2:])
        else:
            yield Entry(number, "host", text)


#: Options that keep an adblock rule about whole page loads (what lureguard decides on).
ADBLOCK_OPTIONS = frozenset({"important", "document", "doc", "all", "popup", "match-case"})


def parse_adblock(lines: Lines) -> Iterator[Item]:
    """Adblock network rules `||domain^` (the domain and its subdomains) with page-level options.

    Rules limited to resource types, requesting sites or paths cannot be expressed as a host
    entry and are skipped with the reason; `@@||domain^` exceptions become allowlisted names.
    """
    for item in _text_lines(lines):
        if isinstance(item, Skip):
            yield item
            continue
        number, text = item
        text = text.strip()
        if not text or text.startswith(("!", "[")):
            continue
        if "##" in text or "#@#" in text or "#?#" in text or "#$#" in text:
            yield Skip(number, "cosmetic filter", text)
            continue
        exception = text.startswith("@@")
        body, _, options = text[2:].partition("$") if exception else text.partition("$")
        if options:
            narrowing = [o for o in options.split(",") if o.strip().lower() not in ADBLOCK_OPTIONS]
            if narrowing:
                yield Skip(number, f"option ${narrowing[0].split('=')[0]} narrows the rule", text)
                continue
        if body.startswith("||"):
            host = body[2:]
            host = host[:-1] if host.endswith("^") else host
            if host.endswith("^|"):
                host = host[:-2]
            if not host or any(c in host for c in "/*^|?="):
                yield Skip(number, "rule with a path or wildcard", text)
                continue
            yield Entry(number, "allow" if exception else "suffix", host)
        elif body.startswith(("|", "/")) or "/" in body or "*" in body:
            yield Skip(number, "rule with a path or wildcard", text)
        elif " " in body or "\t" in body:
            yield Skip(number, "not an adblock network rule", text)
        else:
            # uBlock Origin reads a bare host name as `||name^`.
            yield Entry(number, "allow" if exception else "suffix", body)


def parse_openphish(lines: Lines) -> Iterator[Item]:
    """OpenPhish feed: one phishing URL a line."""
    for item in _text_lines(lines):
        if isinstance(item, Skip):
            yield item
            continue
        number, text = item
        text = text.strip()
        if text and not text.startswith("#"):
            yield Entry(number, "url", text)


URLHAUS_COLUMNS = (
    "id", "dateadded", "url", "url_status", "last_online", "threat", "tags", "urlhaus_link",
    "reporter",
)  # fmt: skip


def parse_urlhaus_csv(lines: Lines) -> Iterator[Item]:
    """abuse.ch URLhaus CSV: `#` comment header (naming the columns), then quoted rows."""
    columns = list(URLHAUS_COLUMNS)
    for item in _text_lines(lines):
        if isinstance(item, Skip):
            yield item
            continue
        number, text = item
        if not text.strip():
            continue
        if text.startswith("#"):
            header = [c.strip() for c in text[1:].split(",")]
            if "url" in header and len(header) >= 3:
                columns = header
            continue
        try:
            row = next(csv.reader([text], strict=True))
        except csv.Error as exc:
            yield Skip(number, f"malformed CSV row ({exc})", text)
            continue
        if len(row) < len(columns):
            yield Skip(number, f"truncated CSV row ({len(row)} of {len(columns)} columns)", text)
            continue
        yield Entry(number, "url", row[columns.index("url")])


def parse_metamask(text: str, display: str) -> Iterator[Item]:
    """eth-phishing-detect config: blacklist and whitelist match a domain and its subdomains."""
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FeedFormatError(
            f"{display}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    if not isinstance(config, dict) or not isinstance(config.get("blacklist"), list):
        raise FeedFormatError(
            f"{display}:1:1: not an eth-phishing-detect config (no 'blacklist' list)"
        )
    lines = _json_lines(text)
    for key, kind in (("whitelist", "allow"), ("blacklist", "suffix")):
        values = config.get(key) or []
        if not isinstance(values, list):
            raise FeedFormatError(f"{display}:1:1: '{key}' must be a list of domains")
        for value in values:
            number = lines.get(value, 0) if isinstance(value, str) else 0
            if not isinstance(value, str):
                yield Skip(number, f"{key} item is not text", repr(value))
            else:
                yield Entry(number, "allow" if kind == "allow" else "suffix", value)
    fuzzy = config.get("fuzzylist") or []
    if fuzzy:
        names = ", ".join(str(v) for v in fuzzy[:5])
        more = ", ..." if len(fuzzy) > 5 else ""
        yield Note(
            f"fuzzylist ({len(fuzzy)} domains: {names}{more}) is not imported: it lists "
            "legitimate sites whose lookalikes MetaMask finds by edit distance (tolerance "
            f"{config.get('tolerance', '?')}); in lureguard that is a brand rule (kind: brand) "
            "with those official domains, whose lookalike detection does the fuzzy match"
        )


def _json_lines(text: str) -> dict[str, int]:
    """Line number of each quoted string in a JSON text (first occurrence), for messages."""
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip().rstrip(",")
        if stripped.startswith('"') and stripped.endswith('"'):
            found.setdefault(stripped[1:-1], number)
    return found


LINE_FORMATS: dict[str, Callable[[Lines], Iterator[Item]]] = {
    "hosts": parse_hosts,
    "domains": parse_domains,
    "adblock": parse_adblock,
    "urlhaus-csv": parse_urlhaus_csv,
    "openphish": parse_openphish,
}
FORMATS = (*LINE_FORMATS, "metamask")
