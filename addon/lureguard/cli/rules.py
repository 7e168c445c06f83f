"""`lureguard rules ...`: compile, lint, test and import rule packs; stats and diff of builds."""

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
    """Compile, lint, test, import, count and compare rule packs (see docs/rules.md)."""


@rules.command("compile", context_settings=CONTEXT_SETTINGS)
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True),
              help="Rule directory or file (repeatable) [default: the bundled rules plus your "
              "own in the data dir's rules/ folder].")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False),
              help="Database to write [default: rules.db in the data dir].")  # fmt: skip
@data_dir_option
@click.pass_context
def compile_command(
    ctx: click.Context, rules_dirs: tuple[str, ...], out: str | None, data_dir: str | None
) -> None:
    """Validate the YAML rules and compile them into one SQLite database.

    The database is written to a temporary file and renamed into place, so a rule set with
    errors (or an interrupted compile) leaves the previous database untouched; a running
    `lureguard run` switches to the new one by itself. Without --rules, the bundled packs
    are compiled together with every YAML file under the data dir's `rules/` folder (where
    `lureguard protect` writes).

    \b
    Examples:
      lureguard rules compile
      lureguard rules compile --rules rules/ --rules my-rules.yaml --out /tmp/rules.db
    """
    from lureguard.ruleset.build import compile_dir, rule_sources

    conf = settings(ctx, data_dir)
    base = None
    if rules_dirs:
        sources = [Path(p) for p in rules_dirs]
    else:
        sources = rule_sources(default_rules_dir(), conf.local_rules)
        base = default_rules_dir().parent  # the names `ensure_compiled` stores: no recompile
    target = Path(out) if out else conf.ensure() / "rules.db"
    try:
        result = compile_dir(sources, target, base=base)
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
    if len(sources) > 1 and not rules_dirs:
        click.echo(f"including your own rules from {sources[1]}")


def _paths(paths: tuple[str, ...]) -> list[Path]:
    return [Path(p) for p in paths] or [default_rules_dir()]


@rules.command("lint", context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option(
    "--popular",
    "popular_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Popular-domains list for the false-alarm guard [default: the shipped one].",
)
@click.option("--no-guard", is_flag=True, help="Skip the false-alarm guard (faster).")
@click.option("--quiet", "-q", is_flag=True, help="Print errors only, no warnings.")
def lint_command(
    paths: tuple[str, ...], popular_file: str | None, no_guard: bool, quiet: bool
) -> None:
    """Check rule files and print `path:line:col: level: message [rule-id]` lines.

    Reports schema errors, duplicate ids, invalid names, patterns that cannot match,
    duplicate and shadowed entries, expired rules, and the false-alarm guard: rules that
    would flag a domain of the popular-domains list, naming those domains. Exits 1 when
    there is an error (warnings alone exit 0). PATH defaults to the bundled rules.

    \b
    Examples:
      lureguard rules lint
      lureguard rules lint rules/campaigns/my-campaign.yaml
    """
    from lureguard.popular import PopularList
    from lureguard.ruleset.lint import lint_paths

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        fail(f"no such file or directory: {missing[0]}")
    popular = PopularList.from_file(Path(popular_file)) if popular_file else None
    report = lint_paths(_paths(paths), popular=popular, guard=not no_guard)
    for problem in report.problems:
        if not quiet or problem.level == "error":
            click.echo(str(problem))
    click.echo(
        f"{report.files} files, {report.rules} rules: {report.errors} error(s), "
        f"{report.warnings} warning(s)",
        err=True,
    )
    if report.errors:
        raise SystemExit(1)


@rules.command("test", context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[PATH]...")
@click.option("--verbose", "-v", is_flag=True, help="One line per test case.")
def test_command(paths: tuple[str, ...], verbose: bool) -> None:
    """Run every rule's `tests: {match, no_match}` through the real engine.

    The rules are compiled into a temporary database with the bundled allowlists and the
    popular-domains list, exactly as the proxy would see them. "match" passes when the
    verdict has a reason from that rule; "no_match" when it has none. Exits 1 on a failure.

    \b
    Examples:
      lureguard rules test
      lureguard rules test -v rules/campaigns/
    """
    import time

    from lureguard.ruleset.ruletests import run_tests

    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        fail(f"no such file or directory: {missing[0]}")
    started = time.monotonic()
    bundled_allow = default_rules_dir() / "allowlists"
    run = run_tests(_paths(paths), extra=[bundled_allow] if bundled_allow.is_dir() else [])
    if run.problems:
        for problem in run.problems:
            click.echo(str(problem), err=True)
        fail(f"{len(run.problems)} error(s) in the rules; nothing was tested", code=1)
    by_file: dict[str, list[str]] = {}
    for outcome in run.outcomes:
        mark = "." if outcome.passed else "F"
        if verbose:
            status = "PASSED" if outcome.passed else "FAILED"
            click.echo(f"{outcome.rule.id} {outcome.expect} {outcome.input} {status}")
        by_file.setdefault(outcome.rule.location.path, []).append(mark)
    if not verbose:
        for path, marks in by_file.items():
            click.echo(f"{path} {''.join(marks)}")
    failed = run.failed
    if failed:
        click.echo(" FAILURES ".center(70, "="))
        for outcome in failed:
            click.echo(
                f"{outcome.location or outcome.rule.location}: {outcome.rule.id}: {outcome.expect} "
                f"{outcome.input!r}: {outcome.detail}"
            )
    passed = len(run.outcomes) - len(failed)
    elapsed = time.monotonic() - started
    parts = ([f"{len(failed)} failed"] if failed else []) + [f"{passed} passed"]
    click.echo(f" {', '.join(parts)} in {elapsed:.2f}s ".center(70, "="))
    if failed:
        raise SystemExit(1)
    if not run.outcomes:
        click.echo("no rule has tests", err=True)


@rules.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("input_file", type=click.Path(dir_okay=False), metavar="INPUT")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["hosts", "domains", "adblock", "urlhaus-csv", "openphish", "metamask"]),
    help="Feed format.",
)
@click.option("--source", required=True, help="Who publishes the feed (kept as provenance).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="YAML rule file to write (big lists get a .txt beside it) [default: stdout].",
)
@click.option("--id", "rule_id", help="Rule id [default: feed/<source>].")
@click.option("--title", help="Rule title [default: the source].")
@click.option(
    "--kind",
    type=click.Choice(["blocklist", "allowlist"]),
    default="blocklist",
    show_default=True,
    help="Rule kind to write.",
)
@click.option(
    "--severity",
    type=click.Choice(["block", "warn"]),
    default="block",
    show_default=True,
    help="Verdict of a blocklist hit.",
)
@click.option("--reference", default="", help="URL of the feed or its documentation.")
@click.option("--license", "license_", default="", help="The feed's licence or terms of use.")
@click.option("--tag", "tags", multiple=True, help="Tag (repeatable), e.g. sector.finance.")
@click.option("--added", help="Date the entries were taken, YYYY-MM-DD [default: today].")
@click.option(
    "--url-mode",
    type=click.Choice(["prefix", "host"]),
    default="prefix",
    show_default=True,
    help="URLs with a path become URL-prefix rules, or block their whole host.",
)
@click.option(
    "--rules",
    "guard_rules",
    multiple=True,
    type=click.Path(exists=True),
    help="Rules whose allowlists and brand domains are never imported "
    "[default: the bundled rules].",
)
def import_command(
    input_file: str, fmt: str, source: str, out: str | None, rule_id: str | None,
    title: str | None, kind: str, severity: str, reference: str, license_: str,
    tags: tuple[str, ...], added: str | None, url_mode: str, guard_rules: tuple[str, ...],
) -> None:  # fmt: skip
    """Convert a public feed into a YAML rule with provenance.

    Entries are normalised like visited hosts, deduplicated and checked: IP addresses,
    invalid names, allowlisted names and popular or brand-official domains are skipped, and
    the report on stderr says how many and why (with line numbers). The output is written
    to a temporary file and renamed, so an interrupted import never leaves half a file.

    \b
    Formats:
      hosts        hosts file lines: 0.0.0.0 name [name...]
      domains      one host or *.suffix a line, # comments
      adblock      ||domain^ network rules (whole-page options only); @@ exceptions allow
      urlhaus-csv  abuse.ch URLhaus CSV export
      openphish    one phishing URL a line
      metamask     eth-phishing-detect config.json: blacklist -> blocklist,
                   whitelist -> allowlist, fuzzylist -> reported (use brand rules)
    \b
    Examples:
      lureguard rules import --format hosts --source "Example" --out feeds/x.yaml hosts.txt
      curl -s https://openphish.com/feed.txt > op.txt && \\
        lureguard rules import --format openphish --source OpenPhish op.txt
    """
    import datetime as dt
    import re

    from lureguard.popular import PopularList
    from lureguard.ruleset.importers import FeedFormatError, FeedMeta, Guard, import_feed

    path = Path(input_file)
    if not path.is_file():
        fail(f"input file {input_file} does not exist")
    day = added or dt.date.today().isoformat()
    try:
        day = dt.date.fromisoformat(day).isoformat()
    except ValueError:
        fail(f"--added '{added}' is not a date written as YYYY-MM-DD")
    slug = re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-") or "feed"
    meta = FeedMeta(
        rule_id=rule_id or f"feed/{slug}", kind=kind, title=title or source, source=source,
        fmt=fmt, input_name=input_file, added=day, severity=severity, reference=reference,
        license=license_, tags=tags,
    )  # fmt: skip
    sources = [Path(p) for p in guard_rules] or [default_rules_dir()]
    if out:
        out_path = Path(out).resolve()
        sources = [p for p in sources if p.resolve() != out_path]
    guard = Guard.from_rules(sources, PopularList.shipped())

    def progress(line: int) -> None:
        click.echo(f"... {line:,} lines", err=True)

    try:
        found, text, written = import_feed(
            fmt, path, meta, guard, out=Path(out) if out else None,
            url_mode="host" if url_mode == "host" else "prefix", progress=progress,
        )  # fmt: skip
    except FeedFormatError as exc:
        fail(str(exc), code=1)
    except OSError as exc:
        fail(f"cannot read {input_file} or write the output: {exc.strerror or exc}")
    for reason, examples in found.examples.items():
        for skip in examples:
            click.echo(f"{input_file}:{skip.line}: skipped: {reason}: {skip.text}", err=True)
        more = found.skipped[reason] - len(examples)
        if more > 0:
            click.echo(f"{input_file}: ... and {more:,} more skipped: {reason}", err=True)
    for note in found.notes:
        click.echo(f"{input_file}: note: {note}", err=True)
    if not written:
        click.echo(text, nl=False)
    summary = ", ".join(f"{n:,} {r}" for r, n in found.skipped.most_common())
    click.echo(
        f"{found.lines:,} lines: {found.entries:,} entries kept"
        + (f", {len(found.allow):,} allowlisted names" if found.allow else "")
        + (f"; skipped {summary}" if summary else "")
        + (f"; wrote {', '.join(str(p) for p in written)}" if written else ""),
        err=True,
    )


def _database(ctx: click.Context, db: str | None, data_dir: str | None) -> Path:
    """The database a read-only command looks at: --db, else the data dir's (compiled if new)."""
    from lureguard.ruleset.build import ensure_compiled

    if db:
        return Path(db)
    conf = settings(ctx, data_dir)
    path = conf.ensure() / "rules.db"
    try:
        ensure_compiled(default_rules_dir(), path, conf.local_rules)
    except RuleSetError as exc:
        fail(f"the bundled rules do not compile: {exc}")
    return path


@rules.command("stats", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    help="Compiled rules database [default: rules.db in the data dir].",
)
@click.option(
    "--days", default=30, show_default=True, type=click.IntRange(0), help="'Expiring soon' horizon."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@data_dir_option
@click.pass_context
def stats_command(
    ctx: click.Context, db: str | None, days: int, as_json: bool, data_dir: str | None
) -> None:
    """Counts per kind, source and tag, and rules that expired or expire soon.

    \b
    Examples:
      lureguard rules stats
      lureguard rules stats --db /tmp/rules.db --json
    """
    import json

    from lureguard.ruledata.database import RuleDatabaseError
    from lureguard.ruleset.stats import format_stats, rule_stats

    try:
        stats = rule_stats(_database(ctx, db, data_dir), soon_days=days)
    except RuleDatabaseError as exc:
        fail(str(exc))
    click.echo(json.dumps(stats, indent=2) if as_json else format_stats(stats))


@rules.command("diff", context_settings=CONTEXT_SETTINGS)
@click.argument("old", type=click.Path(dir_okay=False), metavar="OLD.db")
@click.argument("new", type=click.Path(dir_okay=False), metavar="NEW.db")
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(0),
    help="Entries shown per table and side.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def diff_command(old: str, new: str, limit: int, as_json: bool) -> None:
    """Show what a rule update adds, removes and changes, so it can be reviewed.

    Exits 0 when the two databases hold the same rules and entries, 1 when they differ
    (like diff(1)).

    \b
    Examples:
      lureguard rules compile --out new.db && lureguard rules diff rules.db new.db
    """
    import json

    from lureguard.ruledata.database import RuleDatabaseError
    from lureguard.ruleset.diff import diff_databases, format_diff

    try:
        result = diff_databases(Path(old), Path(new), limit=limit)
    except RuleDatabaseError as exc:
        fail(str(exc))
    click.echo(json.dumps(result, indent=2) if as_json else format_diff(result))
    entries = result["entries"].values()
    same = not (
        result["rules_added"] or result["rules_removed"] or result["rules_changed"]
        or any(s["added"]["count"] or s["removed"]["count"] for s in entries)
    )  # fmt: skip
    if not same:
        raise SystemExit(1)
