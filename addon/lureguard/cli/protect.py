"""`lureguard protect DOMAIN...`: a linted, tested brand rule for an organisation's own domains."""

from __future__ import annotations

import datetime as dt
import os
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


@click.command(context_settings=CONTEXT_SETTINGS)
@click.argument("domains", nargs=-1, required=True, metavar="DOMAIN...")
@click.option("--sso", "sso_hosts", multiple=True, metavar="HOST",
              help="A host where the organisation's users sign in (repeatable); it must be "
              "under one of the DOMAINs. It becomes one of the rule's login_hosts, whose "
              "distinctive labels are protected beside lure words.")  # fmt: skip
@click.option("--name", help="The organisation's name as people know it [default: the label of "
              "the first DOMAIN].")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True),
              help="Rule file to write, '-' for standard output [default: rules/local/"
              "<label>.yaml in the data dir, compiled with the bundled rules].")  # fmt: skip
@click.option("--keyword", "keywords", multiple=True, metavar="WORD",
              help="Protect WORD against every trick, whatever lureguard thinks of it "
              "(repeatable).")  # fmt: skip
@click.option("--context-keyword", "context", multiple=True, metavar="WORD",
              help="Protect WORD only beside lure words (an ordinary word; "
              "repeatable).")  # fmt: skip
@click.option("--severity", type=click.Choice(["warn", "block"]), default="warn",
              show_default=True, help="What a lookalike of the organisation gets.")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace an existing rule file.")
@data_dir_option
@click.pass_context
def protect(
    ctx: click.Context, domains: tuple[str, ...], sso_hosts: tuple[str, ...], name: str | None,
    out: str | None, keywords: tuple[str, ...], context: tuple[str, ...], severity: str,
    force: bool, data_dir: str | None,
) -> None:  # fmt: skip
    """Write a brand rule that protects an organisation's own domains.

    For the IT of an NGO, a university or a ministry: lookalikes of your domains (a lure word
    beside the name, look-alike letters, your domain in front of another site) warn, your own
    domains never do. The rule gets the id org/<label>, every DOMAIN as official, --sso hosts
    as login hosts, and keywords: each domain's label when it is a distinctive name (5 letters
    or more, no lure word, not carried by other popular sites), else a context keyword that
    counts only beside lure words. It carries provenance and tests (lookalikes the engine
    catches, your own hosts as no-match), and is linted and tested together with the bundled
    rules exactly as `lureguard rules lint` and `lureguard rules test` do; a rule that fails
    is not written (exit 1). Bad input exits 2.

    The default file is compiled by the next `lureguard rules compile` (a running proxy then
    switches to it by itself) and by `lureguard run`/`check` when they next start. A fleet
    can set the same through the system policy's protect.domains and protect.sso_hosts.

    \b
    Examples:
      lureguard protect example.org --sso login.example.org --name "Example Org"
      lureguard protect uni-example.edu uni-example.de --out - > uni.yaml
      lureguard protect state-ministry.gov --context-keyword ministry
    """
    from lureguard.popular import PopularList
    from lureguard.ruleset import protect as org_rules
    from lureguard.ruleset.errors import RuleSetError

    try:
        org = org_rules.organisation(domains, sso_hosts, name)
    except org_rules.ProtectError as exc:
        fail(str(exc))
    conf = settings(ctx, data_dir)
    bundled = default_rules_dir()
    target = (
        None
        if out == "-"
        else Path(out)
        if out
        else conf.local_rules / "local" / f"{org.label}.yaml"
    )
    if target is not None and target.exists() and not force:
        fail(f"{target} already exists; pass --force to replace it")
    popular = PopularList.shipped().domains
    names = org_rules.choose_names(org, popular, keywords, context)
    missing = org_rules.missing_names(names, org)
    if missing:
        fail(f"{missing}, or name one with --keyword or --context-keyword")
    added = dt.date.today().isoformat()
    author = os.environ.get("USER") or "local IT"
    command = _command(domains, sso_hosts, name)
    context_rules = [p for p in _context(bundled, conf.local_rules) if p != target]
    draft = org_rules.rule_document(org, names, added=added, author=author, severity=severity)
    candidates = org_rules.lookalikes(org, names)
    own = org_rules.no_match_tests(org)
    try:
        verdicts = org_rules.probe(
            org_rules.render(draft, names, command), context_rules, [*candidates, *own]
        )
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        fail("the generated rule does not compile; nothing was written", code=1)
    match = [h for h in candidates if org_rules.flagged_by(verdicts[h], org.rule_id)]
    match = match[: org_rules.MAX_MATCH_TESTS]
    if not match:
        fail(
            f"the engine catches none of the lookalikes tried ({', '.join(candidates)}); "
            "the rule would protect nothing, so it was not written",
            code=1,
        )
    for host in org.domains:
        for reason in verdicts[host].reasons:
            if reason.rule_id != org.rule_id:
                click.echo(f"lureguard: note: {host}: {reason.detail} [{reason.rule_id}]", err=True)
    doc = org_rules.rule_document(
        org, names, added=added, author=author, severity=severity, match=match, no_match=own
    )
    text = org_rules.render(doc, names, f"`{command}` on {added}")
    shown = "-" if target is None else str(target)
    problems, passed = _check(text, org.rule_id, context_rules, shown, bundled)
    if problems:
        for line in problems:
            click.echo(line, err=True)
        fail("the generated rule fails lint or its tests; nothing was written", code=1)
    if target is None:
        click.echo(text, nl=False)
        return
    from lureguard.fsutil import write_atomic

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    by_use = {use: [n.label for n in names if n.use == use] for use in ("keyword", "context")}
    click.echo(f"wrote {target} (rule {org.rule_id}, {org.name})")
    click.echo(f"  domains: {', '.join(org.domains)}")
    if org.sso_hosts:
        click.echo(f"  sign-in hosts: {', '.join(org.sso_hosts)}")
    for use, label in (("keyword", "keywords"), ("context", "context keywords")):
        if by_use[use]:
            click.echo(f"  {label}: {', '.join(by_use[use])}")
    click.echo(f"  lint clean; {passed} tests passed; caught: {', '.join(match)}")
    click.echo(_next_step(target, bundled, conf.local_rules))


def _command(domains: tuple[str, ...], sso: tuple[str, ...], name: str | None) -> str:
    """The command line worth recording in the file (no --out, --force or data dir)."""
    import shlex

    words = ["lureguard", "protect", *domains]
    for host in sso:
        words += ["--sso", host]
    if name:
        words += ["--name", name]
    return shlex.join(words)


def _context(bundled: Path, local: Path) -> list[Path]:
    """The rules a new rule is checked beside: the bundled packs and the user's own."""
    from lureguard.ruleset.load import rule_files

    return [*rule_files([bundled]), *(rule_files([local]) if local.is_dir() else [])]


def _check(
    text: str, rule_id: str, context: list[Path], shown: str, bundled: Path
) -> tuple[list[str], int]:
    """Lint and test the rule beside `context` with the code of `lureguard rules lint|test`;
    returns the lines that stop it (errors, failing tests) and the number of tests passed."""
    from lureguard.ruleset.lint import lint_paths
    from lureguard.ruleset.load import _display, default_base
    from lureguard.ruleset.ruletests import run_tests

    with tempfile.TemporaryDirectory(prefix="lureguard-protect-") as tmp:
        path = Path(tmp) / "rule.yaml"
        path.write_text(text, encoding="utf-8")
        display = _display(path, default_base([*context, path]))

        def named(line: str) -> str:
            return line.replace(display, shown)

        report = lint_paths([*context, path])
        mine = [p for p in report.problems if p.rule_id == rule_id or p.location.path == display]
        lines = [named(str(p)) for p in mine if p.level == "error"]
        for problem in mine:
            if problem.level != "error":
                click.echo(named(str(problem)), err=True)
        if lines:
            return lines, 0
        run = run_tests([path], context=context)
        lines += [named(str(p)) for p in run.problems]
        lines += [f"{shown}: {o.rule.id}: {o.expect} {o.input!r}: {o.detail}" for o in run.failed]
        return lines, len(run.outcomes) - len(run.failed)


def _next_step(target: Path, bundled: Path, local: Path) -> str:
    """How the written file reaches the proxy."""
    where = target.resolve()
    if where.is_relative_to(local.resolve()) or where.is_relative_to(bundled.resolve()):
        return (
            "next: `lureguard rules compile` builds it into the rules database (a running "
            "`lureguard run` switches to it by itself); `lureguard run` and `lureguard check` "
            "also compile it when they next start"
        )
    return (
        f"next: {target} is outside the folders compiled by default ({local}); compile it "
        f"with `lureguard rules compile --rules {bundled} --rules {target}`, or move it there"
    )
