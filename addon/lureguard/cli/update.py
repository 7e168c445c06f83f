"""`lureguard update`: one check for a newer signed rule bundle (for timers and by hand)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, fail, settings

if TYPE_CHECKING:
    from lureguard.deploy.extras import Extras


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option(
    "--url", default=None, help="Where the bundle directory is published [policy: update.url]."
)
@click.option("--pubkey", default=None,
              help="Trusted key: .pub file or 'ed25519:…' [policy: update.pubkey].")  # fmt: skip
@click.option("--policy", "policy_file", default=None, type=click.Path(dir_okay=False),
              help="Policy file [env LUREGUARD_POLICY; default: the system policy].")  # fmt: skip
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds allowed for each download.")  # fmt: skip
@click.option("--local", is_flag=True,
              help="No download: compile the bundled rules plus the policy's allow/block "
              "entries into the data dir.")  # fmt: skip
@data_dir_option
@click.pass_context
def update(
    ctx: click.Context,
    url: str | None,
    pubkey: str | None,
    policy_file: str | None,
    timeout: float,
    local: bool,
    data_dir: str | None,
) -> None:
    """Fetch the signed rule bundle once and install it if it is newer.

    Conditional GET (ETag / If-Modified-Since) of manifest.json, then the Ed25519 signature,
    the version (never a downgrade), the database's size and SHA-256 are checked before
    rules.db in the data dir is replaced by one atomic rename; a running proxy picks it up
    without a restart. On any failure the installed rules stay as they were and the exit
    status is 1. Values in the system policy win over --url and --pubkey.

    \b
    Examples:
      lureguard update --url https://rules.example.com/lureguard/ --pubkey bundle.pub
      lureguard update                  # URL and key from /etc/lureguard/policy.yaml
    """
    from lureguard.deploy import policy as pol
    from lureguard.deploy.errors import DeployError
    from lureguard.deploy.update import run_update, source_from

    target = settings(ctx, data_dir)
    try:
        system = pol.load_policy(policy_file)
        user = pol.load_user_settings()
    except DeployError as exc:
        fail(str(exc))
    cli = {"update.url": url, "update.pubkey": pubkey}
    for note in pol.overridden(system, cli):
        click.echo(f"lureguard: note: {note}", err=True)
    values = pol.effective(system, cli, user)
    extras = pol.as_extras(values, str(system.path or "user settings"))
    if local:
        _compile_local(target.ensure(), extras)
        return
    if not values["update.url"].value:
        fail("no update URL: pass --url, set update.url in the policy, or use --local")
    if not values["update.pubkey"].value:
        fail("no public key to verify bundles: pass --pubkey or set update.pubkey in the policy")
    try:
        source = source_from(values["update.url"].value, values["update.pubkey"].value)
        result = run_update(target.ensure(), source, extras, timeout=timeout)
    except DeployError as exc:
        fail(f"update failed: {exc}; the installed rules were not changed", code=1)
    click.echo(result.message)


def _compile_local(data_dir: Path, extras: Extras) -> None:
    """Rules for a laptop without a bundle URL: the bundled packs plus the policy's entries."""
    from lureguard.cli.common import default_rules_dir
    from lureguard.deploy.extras import compile_with_extras
    from lureguard.paths import RULES_DB_NAME, local_rules_dir
    from lureguard.ruleset.build import rule_sources
    from lureguard.ruleset.errors import RuleSetError

    sources = rule_sources(default_rules_dir(), local_rules_dir(data_dir))
    try:
        result = compile_with_extras(sources, extras, data_dir, data_dir / RULES_DB_NAME)
    except RuleSetError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        fail("the policy's allow/block/protect entries are invalid; rules.db is unchanged", code=1)
    protected = f" and protection of {', '.join(extras.protect)}" if extras.protect else ""
    click.echo(
        f"compiled the bundled rules with {len(extras.allow)} allowed and "
        f"{len(extras.block)} blocked policy entries{protected} into {result.path}"
    )
