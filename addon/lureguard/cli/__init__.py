"""The `lureguard` command line: a thin adapter over the engine and the rule tools.

Each command group lives in its own module and registers itself on `main` here.
"""

from __future__ import annotations

import sys

import click

from lureguard import __version__, native
from lureguard.cli.common import CONTEXT_SETTINGS, Settings, data_dir_option


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__,
    "--version",
    "-V",
    prog_name="lureguard",
    message=f"%(prog)s %(version)s (engine: {native.status()})",
)
@data_dir_option
@click.pass_context
def main(ctx: click.Context, data_dir: str | None) -> None:
    """lureguard: stop lookalike and blocklisted domains before a password is typed.

    Typical use: `lureguard rules compile`, then `lureguard run` and point the browser at
    127.0.0.1:8080. `lureguard check URL...` asks the engine directly.
    """
    ctx.obj = Settings.create(data_dir)


def _register() -> None:
    from lureguard.cli import ca, check, rules, run, status

    main.add_command(check.check)
    main.add_command(rules.rules)
    main.add_command(run.run)
    main.add_command(ca.ca)
    main.add_command(status.status)

    from lureguard.cli.api import api
    from lureguard.cli.token import token

    main.add_command(api)
    main.add_command(token)

    from lureguard.cli import bundle, doctor, service, update

    main.add_command(bundle.bundle)
    main.add_command(update.update)
    main.add_command(service.service)
    main.add_command(doctor.doctor)

    from lureguard.cli.explain import explain_fp
    from lureguard.cli.protect import protect

    main.add_command(protect)
    rules.rules.add_command(explain_fp)

    from lureguard.cli.pair import pair
    from lureguard.cli.setup import setup

    main.add_command(setup)
    main.add_command(pair)


_register()


def entry() -> None:
    """Console-script entry point that never shows a traceback for a broken pipe."""
    try:
        main()
    except BrokenPipeError:
        sys.exit(0)
