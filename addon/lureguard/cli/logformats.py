"""The host or URL in one line of a common log, for `lureguard check --format`.

IT hunts through DNS and proxy logs after an incident; these readers take the one column that
names a site and skip every other line (headers, comments, answers):

* `lines`: the whole line (one URL or host a line), the default;
* `zeek`: Zeek's `dns.log` (`query`), `ssl.log` (`server_name`) or `http.log` (`host`), as TSV
  with its `#fields` header or as JSON lines;
* `pihole`: Pi-hole's `pihole.log` (dnsmasq): the name of each `query[TYPE] NAME from ADDR`;
* `squid`: Squid's native `access.log`: the URL column (`host:port` for a CONNECT).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Literal, get_args

LogFormat = Literal["lines", "zeek", "pihole", "squid"]
LOG_FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)
#: Zeek columns that name a site, in the order they are looked for.
ZEEK_FIELDS = ("query", "server_name", "host")

#: A reader: the input to check in one line, or None to skip the line.
Reader = Callable[[str], str | None]


def reader(fmt: LogFormat) -> Reader:
    """A fresh reader for `fmt` (Zeek's keeps the column layout of its header)."""
    if fmt == "zeek":
        return _Zeek()
    if fmt == "pihole":
        return _pihole
    if fmt == "squid":
        return _squid
    return whole_line


def whole_line(line: str) -> str | None:
    """The line itself (`--format lines`)."""
    return line


class _Zeek:
    """TSV with `#separator` / `#fields` headers, or one JSON object a line."""

    def __init__(self) -> None:
        self.separator = "\t"
        self.column: int | None = None
        self.unset = "-"

    def __call__(self, line: str) -> str | None:
        if line.startswith("#"):
            self._header(line)
            return None
        if line.startswith("{"):
            return _zeek_json(line)
        if self.column is None:
            return None
        fields = line.split(self.separator)
        if self.column >= len(fields):
            return None
        value = fields[self.column]
        return None if value in (self.unset, "(empty)", "") else value

    def _header(self, line: str) -> None:
        if line.startswith("#separator "):
            raw = line.split(" ", 1)[1].strip()
            self.separator = raw.encode().decode("unicode_escape") if raw else "\t"
            return
        name, _, rest = line.partition(self.separator)
        if name == "#unset_field":
            self.unset = rest
        elif name == "#fields":
            names = rest.split(self.separator)
            self.column = next((names.index(f) for f in ZEEK_FIELDS if f in names), None)


def _zeek_json(line: str) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    for name in ZEEK_FIELDS:
        value = record.get(name)
        if isinstance(value, str) and value:
            return value
    return None


def _pihole(line: str) -> str | None:
    """`Dec  5 10:00:01 dnsmasq[812]: query[A] example.com from 10.0.0.5` -> example.com."""
    at = line.find(": query[")
    if at < 0:
        return None
    words = line[at + 2 :].split()
    return words[1] if len(words) > 1 else None


def _squid(line: str) -> str | None:
    """Native format: time elapsed client code/status bytes method URL user hierarchy type."""
    words = line.split()
    if len(words) < 7 or line.startswith("#"):
        return None
    return words[6] if words[6] != "-" else None
