"""Host patterns: a glob dialect over host labels that compiles to a regex with bounded cost.

Dialect (matched against the whole canonical ASCII host, lowercase):

- `*` is any run of characters inside one label (never a dot), `?` exactly one character;
- `**.` as the first label stands for any number of subdomain labels, none included;
- everything else is literal: letters, digits, `-`, `_` and the dots between labels.

Why this is safe: a wildcard cannot cross a dot, so every literal dot of the pattern must line
up with a dot of the host and the match splits into independent label matches. The compiled
regex makes that split real: each label is an atomic group that ends at its dot, so a label
that matched is never tried again when a later one fails (a plain regex retries every way of
matching every earlier label, which multiplies: seconds per host). Inside a label the middle
piece of `a*b*c` is taken at its leftmost place and kept, so a label costs at most its length
times the pattern label's length (63 × 63 steps), and `**.` is cut off the host by counting
dots instead of by trial. A host costs at most the sum of its labels: no input makes `check` slow.

For speed the engine indexes each pattern by a `KEY_LEN`-character piece of literal text it
must contain, so a host is only compared with the patterns whose key occurs in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KEY_LEN = 4
MAX_STARS_PER_LABEL = 2
MAX_WILDCARDS = 8
_LABEL_CHAR = "[a-z0-9_-]"
#: What `**.` stands for: one or more labels (the dot after the last one is cut off).
_SUBDOMAINS = re.compile(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*")
_TOKEN = re.compile(r"[a-z0-9_-]|\*|\?|\.")


class PatternError(ValueError):
    """A pattern is not valid in the dialect, or can never match a host."""


@dataclass(frozen=True, slots=True)
class HostPattern:
    """A validated pattern, its compiled regex and the literal key the index files it under.

    `regex` matches the pattern's own labels; with `any_subdomain` (`**.`) the host may have
    more labels in front, which `matches` cuts off before it runs the regex.
    """

    text: str
    regex: re.Pattern[str]
    key: str
    labels: int
    any_subdomain: bool

    def matches(self, host: str) -> bool:
        """True when the whole host matches."""
        if not self.any_subdomain:
            return self.regex.fullmatch(host) is not None
        # Each pattern label matches exactly one host label, so the subdomains `**.` stands
        # for are all the host's labels but the last `labels`: no trial of every split.
        parts = host.rsplit(".", self.labels)
        if len(parts) <= self.labels:
            return len(parts) == self.labels and self.regex.fullmatch(host) is not None
        start = len(parts[0]) + 1
        return (
            _SUBDOMAINS.fullmatch(parts[0]) is not None
            and self.regex.fullmatch(host, start) is not None
        )


def parse_pattern(raw: str) -> HostPattern:
    """Validate `raw` and compile it, or raise `PatternError` saying what is wrong."""
    text = raw.strip().lower()
    if not text:
        raise PatternError("pattern is empty")
    if not text.isascii():
        raise PatternError("pattern must be ASCII; write internationalised labels as xn--…")
    any_subdomain = text.startswith("**.")
    body = text[3:] if any_subdomain else text
    if "**" in body:
        raise PatternError("'**' is only allowed as the whole first label ('**.example.com')")
    bad = next((c for c in body if not _TOKEN.fullmatch(c)), None)
    if bad is not None:
        raise PatternError(f"character {bad!r} is not allowed (use a-z 0-9 - _ . * ?)")
    labels = body.split(".")
    if any(label == "" for label in labels):
        raise PatternError("pattern has an empty label (a leading, trailing or double dot)")
    _check_can_match(labels)
    if all(set(label) <= {"*", "?"} for label in labels):
        raise PatternError("pattern has no literal text, so it would match nearly every host")
    # Every label but the last is an atomic group that includes its dot: once a label has
    # matched up to its dot, a later failure never makes the regex retry it.
    regex = "".join(f"(?>{_label_regex(label)}\\.)" for label in labels[:-1])
    regex += _label_regex(labels[-1])
    return HostPattern(text, re.compile(regex), literal_key(labels), len(labels), any_subdomain)


def _check_can_match(labels: list[str]) -> None:
    """Reject patterns no canonical host can satisfy (too long, numeric last label, ...)."""
    wildcards = 0
    for label in labels:
        stars = label.count("*")
        wildcards += stars + label.count("?")
        if stars > MAX_STARS_PER_LABEL:
            raise PatternError(
                f"label '{label}' has more than {MAX_STARS_PER_LABEL} '*'; split the pattern"
            )
        if len(label) - stars > 63:
            raise PatternError(f"label '{label}' needs more than 63 characters, so never matches")
    if wildcards > MAX_WILDCARDS:
        raise PatternError(f"pattern has more than {MAX_WILDCARDS} wildcards")
    minimum = sum(len(label) - label.count("*") for label in labels) + len(labels) - 1
    if minimum > 253:
        raise PatternError("pattern needs more than 253 characters, so never matches a host")
    if labels[-1].isdigit() or labels[-1].startswith("0x"):
        raise PatternError(
            "last label is a number: such hosts are IPv4 addresses, so this never matches"
        )


def _label_regex(label: str) -> str:
    """One label glob as a regex that never tries more than one place for its middle piece.

    In `a*b*c` the prefix `a` is anchored at the label's start and `c` at its end; `b` is taken
    at its leftmost place and kept (atomic), which loses no match: any later place of `b`
    leaves less room for `c`, never more.
    """
    pieces = [_piece_regex(piece) for piece in label.split("*")]
    if len(pieces) == 3:
        first, middle, last = pieces
        return f"{first}(?>{_LABEL_CHAR}*?{middle}){_LABEL_CHAR}*{last}"
    return f"{_LABEL_CHAR}*".join(pieces)


def _piece_regex(piece: str) -> str:
    """Text without `*`: literal characters and `?` (exactly one label character)."""
    return "".join(_LABEL_CHAR if char == "?" else re.escape(char) for char in piece)


def literal_key(labels: list[str]) -> str:
    """The index key: a KEY_LEN-character piece of literal text every match contains.

    Pieces of letters and digits are preferred over ones with `-` or `.`, which are common in
    every host. Empty when the pattern has no literal run that long (checked against every host).
    """
    runs = re.split(r"[*?]+", ".".join(labels))
    best = ""
    for run in runs:
        for start in range(len(run) - KEY_LEN + 1):
            piece = run[start : start + KEY_LEN]
            if not best or (piece.isalnum() and not best.isalnum()):
                best = piece
            if best.isalnum():
                return best
    return best


class PatternIndex:
    """Patterns filed by their literal key; `match(host)` compares only the likely ones."""

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        self.by_key: dict[str, list[tuple[HostPattern, str]]] = {}
        self.unkeyed: list[tuple[HostPattern, str]] = []
        self.size = 0
        for text, rule_id in rows:
            pattern = parse_pattern(text)
            self.size += 1
            if pattern.key:
                self.by_key.setdefault(pattern.key, []).append((pattern, rule_id))
            else:
                self.unkeyed.append((pattern, rule_id))

    def match(self, host: str) -> list[tuple[HostPattern, str]]:
        """Every (pattern, rule id) that matches `host`, in index order."""
        if not self.size:
            return []
        found: list[tuple[HostPattern, str]] = []
        by_key = self.by_key
        for start in range(len(host) - KEY_LEN + 1):
            candidates = by_key.get(host[start : start + KEY_LEN])
            if candidates:
                found.extend(c for c in candidates if c[0].matches(host))
        found.extend(c for c in self.unkeyed if c[0].matches(host))
        # A key that occurs twice in the host finds its patterns twice.
        return list(dict.fromkeys(found)) if len(found) > 1 else found
