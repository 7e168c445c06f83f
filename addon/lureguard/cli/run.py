"""`lureguard run`: start the proxy (the proxy issue fills this in)."""

from __future__ import annotations

import click

from lureguard.cli.common import CONTEXT_SETTINGS


@click.command(context_settings=CONTEXT_SETTINGS)
def run() -> None:
    """Start the proxy on 127.0.0.1:8080 with the compiled rules."""
    click.echo("lureguard: proxy part not built yet; 'lureguard check URL' works already.")
