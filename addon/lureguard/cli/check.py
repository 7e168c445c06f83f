"""`lureguard check`: verdicts for URLs and hosts, readable or as JSON lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, open_engine, settings
from lureguard.verdict import Verdict

#: A line longer than this is reported as invalid without being kept in memory whole.
MAX_LINE_BYTES = 1 << 20


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--db", type=click.Path(dir_okay=False), help="Compiled rules database to use "
              "[default: the bundled rules, compiled into the data dir on first use].")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON verdict a line.")
@data_dir_option
@click.pass_context
def check(
    ctx: click.Context, inputs: tuple[str, ...], db: str | None, as_json: bool, data_dir: str | None
) -> None:
    """Check URLs or host names and explain the verdict.

    An INPUT of '-' reads one input a line from standard input and answers each line as it
    arrives. Invalid inputs get verdict null and an error; the exit status is 0 unless the
    command itself could not run.

    \b
    Examples:
      lureguard check rnicrosoft.com
      lureguard check --json https://paypa1.com/login
      cat urls.txt | lureguard check --json -
    """
    engine = open_engine(settings(ctx, data_dir), Path(db) if db else None)
    out = sys.stdout
    for text in _inputs(inputs):
        verdict = engine.check(text) if isinstance(text, str) else Verdict.invalid(*text)
        out.write(
            json.dumps(verdict.to_dict(), ensure_ascii=False) if as_json else describe(verdict)
        )
        out.write("\n")
        out.flush()


def _inputs(args: tuple[str, ...]) -> Iterator[str | tuple[str, str]]:
    """Each argument, with '-' expanded to the lines of stdin.

    A line that cannot be an input yields (shown text, error) instead of a string.
    """
    for arg in args:
        if arg != "-":
            yield arg
            continue
        stream = sys.stdin.buffer
        while True:
            raw = stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                break
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield (raw[:60].decode("utf-8", "replace") + "…", "input line is longer than 1 MiB")
                continue
            line = raw.rstrip(b"\n").rstrip(b"\r")
            try:
                yield line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield (
                    line.decode("utf-8", "replace"),
                    f"input is not valid UTF-8 (byte {exc.start})",
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
