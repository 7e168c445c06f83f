"""`lureguard check`: verdicts for URLs and hosts, readable or as JSON lines.

With '-' it is a batch tool (IT hunting through DNS and proxy logs after an incident), so the
path around the engine is kept cheap: standard input is read in blocks of whatever has arrived,
each block's answers are written with one write and one flush (a line typed or piped slowly is
still answered at once), an allow verdict's JSON is put together from its strings instead of
going through a dict and `json.dumps`, and the loaded rules are frozen out of the garbage
collector's way. On a terminal a progress line goes to standard error.
"""

from __future__ import annotations

import gc
import json
import os
import stat
import sys
import time
from collections.abc import Iterator
from json.encoder import encode_basestring
from pathlib import Path
from typing import BinaryIO, TextIO

import click

from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, open_engine, settings
from lureguard.cli.logformats import LOG_FORMATS, LogFormat, Reader, reader, whole_line
from lureguard.engine import Engine
from lureguard.verdict import Verdict

#: A line longer than this is reported as invalid without being kept in memory whole.
MAX_LINE_BYTES = 1 << 20
#: The most read from standard input at once (what has arrived, up to this).
READ_SIZE = 1 << 16

Item = str | tuple[str, str]
#: Each level as a JSON string.
_LEVELS: dict[str | None, str] = {level: f'"{level}"' for level in ("allow", "warn", "block")}
#: How the error of an input that tripped a bug in lureguard begins.
INTERNAL = "lureguard failed on this input, a bug"


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--db", type=click.Path(dir_okay=False), help="Compiled rules database to use "
              "[default: the bundled rules, compiled into the data dir on first use].")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON verdict a line.")
@click.option("--format", "log_format", type=click.Choice(LOG_FORMATS), default="lines",
              show_default=True,
              help="What the lines of '-' are: one URL or host a line, or a log to take the "
              "site from (Zeek dns/ssl/http.log, Pi-hole's pihole.log, Squid's access.log); "
              "other lines of a log are skipped.")  # fmt: skip
@click.option("--progress/--no-progress", default=None,
              help="Show how far '-' has got (inputs, rate, flagged, percent of a file) on "
              "standard error [default: when standard error is a terminal and standard output "
              "is not].")  # fmt: skip
@data_dir_option
@click.pass_context
def check(
    ctx: click.Context,
    inputs: tuple[str, ...],
    db: str | None,
    as_json: bool,
    log_format: LogFormat,
    progress: bool | None,
    data_dir: str | None,
) -> None:
    """Check URLs or host names and explain the verdict.

    An INPUT of '-' reads one input a line from standard input and answers each line as it
    arrives. Invalid inputs get verdict null and an error; the exit status is 0 unless the
    command itself could not run (2) or an input tripped a bug in lureguard (1: its line has
    verdict null and says so; every other input is still answered). Indicators defanged as
    threat reports write them (hxxps://example[.]com) are read back.

    \b
    Examples:
      lureguard check rnicrosoft.com
      lureguard check --json https://paypa1.com/login
      cat urls.txt | lureguard check --json -
      lureguard check --json - < hosts.txt > verdicts.jsonl
      lureguard check --json --format zeek - < dns.log | jq 'select(.verdict != "allow")'
    """
    engine = open_engine(settings(ctx, data_dir), Path(db) if db else None)
    # The rules stay loaded until the end: keep the collector from walking them again and
    # again while a batch makes and drops millions of small objects.
    gc.freeze()
    render = verdict_json if as_json else describe
    out = sys.stdout
    stdin = sys.stdin.buffer
    meter: Progress | None = None
    if "-" in inputs and (_interactive() if progress is None else progress):
        meter = Progress(sys.stderr, _input_size(stdin))
    failures = 0
    for batch, consumed in _batches(inputs, stdin, reader(log_format)):
        try:
            verdicts = [
                engine.check(text) if isinstance(text, str) else Verdict.invalid(*text)
                for text in batch
            ]
        except Exception:  # a bug in lureguard: answer the batch again, one input at a time
            verdicts = [_guarded_check(engine, text) for text in batch]
            failures += sum(1 for v in verdicts if v.error and v.error.startswith(INTERNAL))
        if verdicts:
            out.write("\n".join(map(render, verdicts)))
            out.write("\n")
            out.flush()
        if meter is not None:
            meter.add(len(verdicts), sum(1 for v in verdicts if v.flagged), consumed)
    if meter is not None:
        meter.finish()
    if failures:
        click.echo(
            f"lureguard: error: {failures:,} input(s) could not be checked (an internal error, "
            "shown on their lines); please report it with those lines",
            err=True,
        )
        ctx.exit(1)


def _guarded_check(engine: Engine, item: Item) -> Verdict:
    """`engine.check`, with an internal error turned into this input's error line, so one
    input that trips a bug does not end a batch of millions."""
    if not isinstance(item, str):
        return Verdict.invalid(*item)
    try:
        return engine.check(item)
    except Exception as exc:
        return Verdict.invalid(item, f"{INTERNAL} ({type(exc).__name__}: {exc})")


def verdict_json(verdict: Verdict) -> str:
    """`json.dumps(verdict.to_dict(), ensure_ascii=False)`, faster for verdicts without
    reasons (nearly every host in a log): the same text, byte for byte (tested)."""
    host, shown = verdict.host, verdict.display_host
    level = _LEVELS.get(verdict.verdict)
    if (
        verdict.reasons
        or verdict.error is not None
        or verdict.leads_to is not None
        or not (host and shown and level)
    ):
        return json.dumps(verdict.to_dict(), ensure_ascii=False)
    text = verdict.input
    host_json = encode_basestring(host)
    input_json = host_json if text == host else encode_basestring(text)
    shown_json = host_json if shown == host else encode_basestring(shown)
    domain = verdict.registered_domain
    domain_json = "null" if domain is None else encode_basestring(domain)
    return (
        f'{{"input": {input_json}, "host": {host_json}, "display_host": {shown_json}, '
        f'"registered_domain": {domain_json}, "leads_to": null, "verdict": {level}, '
        f'"reasons": [], "error": null}}'
    )


def _batches(
    args: tuple[str, ...], stdin: BinaryIO, read: Reader
) -> Iterator[tuple[list[Item], int]]:
    """The inputs in batches, with '-' expanded to what `read` takes from the lines of
    `stdin`, and the bytes of standard input read so far."""
    consumed = 0
    for arg in args:
        if arg != "-":
            yield [arg], consumed
            continue
        for batch, size in _stdin_batches(stdin):
            consumed += size
            if read is not whole_line:
                batch = [
                    found
                    for item in batch
                    if (found := read(item) if isinstance(item, str) else item) is not None
                ]
            yield batch, consumed


def _stdin_batches(stream: BinaryIO) -> Iterator[tuple[list[Item], int]]:
    """Lines of `stream`, a batch per block read (what had arrived), with the block's size.

    A line that cannot be an input is (shown text, error) instead of a string; one longer than
    `MAX_LINE_BYTES` is reported once and skipped up to its end without being kept.
    """
    read = getattr(stream, "read1", stream.read)
    pending = b""
    skipping = False
    while chunk := read(READ_SIZE):
        size = len(chunk)
        if skipping:
            end = chunk.find(b"\n")
            if end < 0:
                yield [], size
                continue
            chunk, skipping = chunk[end + 1 :], False
        *lines, pending = (pending + chunk).split(b"\n")
        batch = [_decode(line) for line in lines]
        if len(pending) > MAX_LINE_BYTES:
            batch.append(_decode(pending))
            pending, skipping = b"", True
        yield batch, size
    if pending:
        yield [_decode(pending)], 0


def _decode(raw: bytes) -> Item:
    if len(raw) > MAX_LINE_BYTES:
        return (raw[:60].decode("utf-8", "replace") + "…", "input line is longer than 1 MiB")
    line = raw.rstrip(b"\r")
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return (line.decode("utf-8", "replace"), f"input is not valid UTF-8 (byte {exc.start})")


def _interactive() -> bool:
    """A person watches standard error while the answers go to a file or a pipe."""
    return sys.stderr.isatty() and not sys.stdout.isatty()


def _input_size(stream: BinaryIO) -> int | None:
    """The size of standard input when it is a regular file (`< hosts.txt`), else None."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


class Progress:
    """One line on a terminal, rewritten at most five times a second."""

    def __init__(self, stream: TextIO, total_bytes: int | None, every: float = 0.2) -> None:
        self.stream, self.total, self.every = stream, total_bytes, every
        self.count = self.flagged = self.consumed = 0
        self.start = self._shown = time.monotonic()

    def add(self, count: int, flagged: int, consumed: int) -> None:
        """Count a batch; redraw when the last drawing is old enough."""
        self.count += count
        self.flagged += flagged
        self.consumed = consumed
        now = time.monotonic()
        if now - self._shown >= self.every:
            self._shown = now
            self.stream.write(f"\r{self.line(now)}\x1b[K")
            self.stream.flush()

    def finish(self) -> None:
        """The final line, kept on the screen."""
        self.stream.write(f"\r{self.line(time.monotonic(), final=True)}\x1b[K\n")
        self.stream.flush()

    def line(self, now: float, final: bool = False) -> str:
        """`checked 12,345 (41%), 51,200/s, 3 flagged`."""
        elapsed = max(now - self.start, 1e-9)
        share = ""
        if self.total and not final:
            share = f" ({min(100, self.consumed * 100 // self.total)}%)"
        took = f" in {elapsed:.1f} s" if final else ""
        return (
            f"checked {self.count:,}{share}{took}, {self.count / elapsed:,.0f}/s, "
            f"{self.flagged:,} flagged"
        )


def describe(verdict: Verdict) -> str:
    """A readable explanation of one verdict."""
    if verdict.verdict is None:
        return f"{_safe(verdict.input)}: ERROR: {verdict.error}"
    shown = verdict.display_host or verdict.host or verdict.input
    if shown != verdict.host:
        shown = f"{shown} ({verdict.host})"
    lines = [f"{_safe(shown)}: {verdict.verdict.upper()}"]
    for reason in verdict.reasons:
        who = f"{reason.brand}, " if reason.brand else ""
        lines.append(f"  {reason.kind}: {_safe(reason.detail)} ({who}rule {reason.rule_id})")
    return "\n".join(lines)


def _safe(text: str) -> str:
    """Make control characters visible so an input cannot rewrite the terminal."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text[:300])
