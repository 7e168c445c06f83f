"""`lureguard rules ...`: compile the YAML rule packs (lint, test, import live beside it)."""

from __future__ import annotations

from pathlib import Path

import click

from lureguard.cli.common import (
    CONTEXT_SETTINGS,
    data_dir_option,
    default_rules_dir,
    fail,
    settings,
)
from lureguard.ruleset.errors import RuleSetError


@click.group(context_settings=CONTEXT_SETTINGS)
def rules() -> None:
    """Compile, lint and test rule packs."""


@rules.command("compile", context_settings=CONTEXT_SETTINGS)
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True),
              help="Rule directory or file (repeatable) [default: the bundled rules].")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False),
              help="Database to write [default: rules.db in the data dir].")  # fmt: skip
@data_dir_option
@click.pass_context
def compile_command(
    ctx: click.Context, rules_dirs: tuple[str, ...], out: str | None, data_dir: str | None
) -> None:
    """Validate the YAML rules and compile them into one SQLite database.

    The database is written to a temporary file and renamed into place, so a rule set with
    errors (or an interrupted compile) leaves the previous database untouched.

    \b
    Examples:
      lureguard rules compile
      lureguard rules compile --rules rules/ --rules my-rules.yaml --out /tmp/rules.db
    """
    from lureguard.ruleset.build import compile_dir

    sources = [Path(p) for p in rules_dirs] or [default_rules_dir()]
    target = Path(out) if out else settings(ctx, data_dir).ensure() / "rules.db"
    try:
        result = compile_dir(sources, target)
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        fail(f"{len(exc.problems)} error(s); {target} was not changed", code=1)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    counts = result.counts
    click.echo(
        f"compiled {counts['rules']} rules ({counts['brands']} brands, "
        f"{counts['host_entries']:,} host entries, {counts['url_prefixes']} URL prefixes) "
        f"into {result.path} [version {result.digest[:12]}]"
    )
