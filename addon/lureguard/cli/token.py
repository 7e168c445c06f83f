"""`lureguard token`: print the verdict API's token for pairing the extension."""

from __future__ import annotations

import click

from lureguard.api.token import TokenError, load_or_create_token, token_path
from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, fail, settings


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--path", "show_path", is_flag=True, help="Print the token file's path instead.")
@data_dir_option
@click.pass_context
def token(ctx: click.Context, show_path: bool, data_dir: str | None) -> None:
    """Print the API token (created on first use) to paste into the extension's options.

    The token lives in the data dir (mode 0600); delete the file and restart lureguard to
    issue a new one, then pair the extension again.
    """
    conf = settings(ctx, data_dir)
    try:
        value = load_or_create_token(conf.ensure())
    except (TokenError, OSError) as exc:
        fail(str(exc))
    click.echo(str(token_path(conf.data_dir)) if show_path else value)
