"""`lureguard doctor`: a ✓/✗ checklist of this laptop's protection, with a fix for each ✗."""

from __future__ import annotations

import click

from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, settings


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--policy", "policy_file", default=None, type=click.Path(dir_okay=False),
              help="Policy file [env LUREGUARD_POLICY; default: the system policy].")  # fmt: skip
@click.option("--proxy-port", type=click.IntRange(1, 65535), default=None,
              help="Proxy port to check [policy: proxy.port; default 8080].")  # fmt: skip
@click.option("--api-port", type=click.IntRange(1, 65535), default=None,
              help="API/PAC port to check [policy: api.port; default 8081].")  # fmt: skip
@click.option("--settings", "show_settings", is_flag=True,
              help="Also list every setting, whether it is locked, and its origin.")  # fmt: skip
@data_dir_option
@click.pass_context
def doctor(
    ctx: click.Context,
    policy_file: str | None,
    proxy_port: int | None,
    api_port: int | None,
    show_settings: bool,
    data_dir: str | None,
) -> None:
    """Check that this laptop is protected, end to end; exit status 1 if anything is wrong.

    Checks: policy readable; rules present, signed by the policy's key and fresh; proxy
    listening; CA present and trusted (system store, and on Linux the NSS databases of
    Chromium and every Firefox profile); API answering /proxy.pac; what the PAC tells
    browsers when the proxy is down (pac.fallback: direct or none).
    Values the system policy sets are listed with the file and line that lock them.

    \b
    Examples:
      lureguard doctor
      lureguard doctor --settings --policy ./policy.yaml
    """
    from lureguard.deploy import policy as pol
    from lureguard.deploy.doctor import Context, run_checks
    from lureguard.deploy.errors import DeployError

    system: pol.SettingsFile | None = None
    error = ""
    try:
        system = pol.load_policy(policy_file)
    except DeployError as exc:
        error = str(exc)
    try:
        user = pol.load_user_settings()
    except DeployError as exc:
        user = pol.SettingsFile()
        error = error or str(exc)
    cli = {"proxy.port": proxy_port, "api.port": api_port}
    values = pol.effective(system or pol.SettingsFile(), cli, user)
    checks = run_checks(Context(settings(ctx, data_dir).data_dir, system, error, values))
    for check in checks:
        for line in check.lines():
            click.echo(line)
    locked = {k: s for k, s in values.items() if s.locked}
    if show_settings or locked:
        click.echo("")
        click.echo("settings:" if show_settings else "locked by policy:")
        for line in pol.describe(values if show_settings else locked):
            click.echo(f"  {line}")
    failed = sum(not c.ok for c in checks)
    click.echo("")
    click.echo(f"{failed} problem(s) found" if failed else "all checks passed")
    ctx.exit(1 if failed else 0)
