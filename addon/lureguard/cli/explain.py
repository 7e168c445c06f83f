"""`lureguard rules explain-fp HOST`: why a legitimate site warned and which rule to change."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click

from lureguard.cli.common import (
    CONTEXT_SETTINGS,
    data_dir_option,
    default_rules_dir,
    fail,
    settings,
)
from lureguard.ruleset.explain import Explanation


@click.command("explain-fp", context_settings=CONTEXT_SETTINGS)
@click.argument("host", metavar="HOST")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True),
              help="Rule directory or file to compile and explain with (repeatable) "
              "[default: the rules `lureguard check` uses].")  # fmt: skip
@click.option("--db", type=click.Path(dir_okay=False, exists=True),
              help="A compiled rules database to explain with instead.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@data_dir_option
@click.pass_context
def explain_fp(
    ctx: click.Context, host: str, rules_dirs: tuple[str, ...], db: str | None, as_json: bool,
    data_dir: str | None,
) -> None:  # fmt: skip
    """Explain a false alarm: why HOST (a host name or URL) warned, and what fixes it.

    Prints the engine's verdict with every reason (kind, rule, brand and its real site, the
    detail), the rule file and line each came from, what matched (a protected name, a list
    entry, a pattern), and the change that fixes each possible cause as the exact YAML line
    and where it goes: the brand owns the domain (its domains, or a domain_families suffix
    for a country site), an unrelated company carries the brand's name (namesakes), the name
    is an ordinary word (keywords -> context_keywords), a blocklist or feed entry (delete it,
    or allowlist the host), a brand-less signal (its severity), or the site is popular but on
    no shipped popular list (the lists consulted are named).

    Exits 0 when HOST is allowed (it says why), 1 when it is flagged, 2 on bad input.

    \b
    Examples:
      lureguard rules explain-fp tencent-cloud.net
      lureguard rules explain-fp --rules rules/ --rules my-rules/ https://kraken.example/login
      lureguard rules explain-fp --json example-cdn.net | jq '.findings[].fixes[0]'
    """
    from lureguard.engine import Engine
    from lureguard.ruledata.database import RuleDatabaseError
    from lureguard.ruleset.build import compile_dir
    from lureguard.ruleset.errors import RuleSetError
    from lureguard.ruleset.explain import Explainer
    from lureguard.ruleset.load import default_base

    if rules_dirs and db:
        fail("give --rules or --db, not both")
    bundled = default_rules_dir()
    allowlist = bundled / "allowlists" / "local.yaml"
    with tempfile.TemporaryDirectory(prefix="lureguard-explain-") as tmp:
        if rules_dirs:
            paths = [Path(p) for p in rules_dirs]
            db_path = Path(tmp) / "rules.db"
            try:
                compile_dir(paths, db_path)
            except RuleSetError as exc:
                for problem in exc.problems:
                    click.echo(str(problem), err=True)
                fail(f"{len(exc.problems)} error(s) in the rules; nothing to explain with")
            try:
                engine = Engine.from_db(db_path)
            except RuleDatabaseError as exc:
                fail(str(exc))
            bases = [default_base(paths), Path.cwd()]
        else:
            from lureguard.cli.common import open_engine

            conf = settings(ctx, data_dir)
            db_path = Path(db) if db else conf.rules_db
            # The data dir's rules, compiled first when the sources changed (as `check` does).
            engine = open_engine(conf, Path(db) if db else None)
            bases = [bundled.parent, Path.cwd()]
        explanation = Explainer(engine, db_path, bases, allowlist).explain(host)
    verdict = explanation.verdict
    if verdict.error is not None:
        fail(f"'{host}' is not a host name or URL: {verdict.error}")
    if as_json:
        click.echo(json.dumps(explanation.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_lines(explanation)))
    raise SystemExit(1 if explanation.flagged else 0)


def _lines(explanation: Explanation) -> list[str]:
    """The explanation for a rule author, in plain words."""
    verdict = explanation.verdict
    shown = verdict.display_host or verdict.host or verdict.input
    if not explanation.flagged:
        lines = [
            f"{shown}: ALLOW: nothing to explain: allowed because {explanation.allowed_because}"
        ]
        return lines + [f"  note: {n}" for n in explanation.notes]
    lines = [f"{shown}: {str(verdict.verdict).upper()}"]
    for number, finding in enumerate(explanation.findings, start=1):
        reason, rule = finding.reason, finding.rule
        lines.append("")
        about = [f"brand {reason.brand}"] if reason.brand else []
        about += [f"real site {reason.target}"] if reason.target else []
        tail = f" ({', '.join(about)})" if about else ""
        lines.append(f"{number}. {reason.kind}, {reason.level}, from {rule.id}{tail}")
        lines.append(f"   {reason.detail}")
        what = (
            f"; matched {finding.matched_as} entry '{finding.matched}'" if finding.matched else ""
        )
        lines.append(f"   rule: {rule.where} ({rule.kind or 'rule'}{what})")
        lines.append("   which change fixes it (the likeliest cause first):")
        for letter, fix in zip("abcdefgh", finding.fixes, strict=False):
            lines.append(f"   {letter}) {fix.text}")
            for edit in fix.edits:
                lines += [f"      {text}" for text in edit.describe()]
    if explanation.popular_note:
        lines += ["", explanation.popular_note]
    lines += [f"note: {n}" for n in explanation.notes]
    return lines
