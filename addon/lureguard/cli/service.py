"""`lureguard service install|uninstall|render`: start the proxy at login on this OS."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from lureguard.cli.common import CONTEXT_SETTINGS, fail

if TYPE_CHECKING:
    from lureguard.deploy.service import Plan

PLATFORMS = ("linux", "macos", "windows")


@click.group(context_settings=CONTEXT_SETTINGS)
def service() -> None:
    """Run lureguard at login: systemd user unit, launchd agent or Windows logon task."""


dry_run_option = click.option(
    "--dry-run", is_flag=True, help="Print what would be done; change nothing."
)
dir_option = click.option(
    "--dir", "target_dir", type=click.Path(file_okay=False), default=None,
    help="Write the files into DIR instead of the live location; no service manager is called "
    "(staging for a package, or a test).",
)  # fmt: skip


@service.command("install", context_settings=CONTEXT_SETTINGS)
@click.option("--exe", default=None, help="Path of the lureguard command [default: this one].")
@click.option("--update-timer", is_flag=True,
              help="Linux: also install a systemd timer that runs 'lureguard update'.")  # fmt: skip
@dry_run_option
@dir_option
def install(exe: str | None, update_timer: bool, dry_run: bool, target_dir: str | None) -> None:
    """Install and start the login service for this user on this OS.

    \b
    Linux:   ~/.config/systemd/user/lureguard.service, then systemctl --user enable --now
    macOS:   ~/Library/LaunchAgents/com.lureguard.agent.plist, then launchctl bootstrap
    Windows: schtasks /Create /SC ONLOGON /TN lureguard

    \b
    Examples:
      lureguard service install --dry-run
      lureguard service install --dir pkg/usr/lib/systemd/user --exe /opt/lureguard/bin/lureguard
    """
    from lureguard.deploy.service import current_platform, installed_exe, plan_install

    plan = plan_install(
        current_platform(),
        exe or installed_exe(),
        Path(target_dir) if target_dir else None,
        update_timer=update_timer,
    )
    _carry_out(plan, dry_run, "installed")


@service.command("uninstall", context_settings=CONTEXT_SETTINGS)
@dry_run_option
@dir_option
def uninstall(dry_run: bool, target_dir: str | None) -> None:
    """Stop the login service and remove its files."""
    from lureguard.deploy.service import current_platform, plan_uninstall

    plan = plan_uninstall(current_platform(), Path(target_dir) if target_dir else None)
    _carry_out(plan, dry_run, "uninstalled")


@service.command("render", context_settings=CONTEXT_SETTINGS)
@click.argument("out", type=click.Path(file_okay=False))
def render(out: str) -> None:
    """Write the unit files for every OS (as shipped in deploy/) into OUT."""
    from lureguard.deploy.service import packaged_files

    for name, text in packaged_files().items():
        path = Path(out) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        click.echo(f"wrote {path}")


def _carry_out(plan: Plan, dry_run: bool, done: str) -> None:
    from lureguard.deploy.service import apply

    if dry_run:
        for line in plan.describe() or ["nothing to do"]:
            click.echo(f"would {line}")
        return
    try:
        problems = apply(plan)
    except OSError as exc:
        fail(f"cannot write {exc.filename}: {exc.strerror}")
    for line in plan.describe():
        click.echo(line)
    if problems:
        fail("; ".join(problems), code=1)
    click.echo(f"service {done}")
