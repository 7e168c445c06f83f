"""`lureguard api`: the verdict API alone, for tests and for users without the proxy.

The command lives with the other commands: the API package itself knows nothing of the CLI.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from lureguard.api.origins import OriginError
from lureguard.api.server import ApiServer, ApiServerError
from lureguard.api.token import TokenError
from lureguard.cli.common import (
    CONTEXT_SETTINGS,
    data_dir_option,
    fail,
    open_engine,
    settings,
)


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--db", type=click.Path(dir_okay=False), help="Compiled rules database to use "
              "[default: the bundled rules, compiled into the data dir on first use].")  # fmt: skip
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address.")
@click.option("--port", type=click.IntRange(0, 65535), default=8081, show_default=True,
              help="Port (0 picks a free one; the chosen URL is printed).")  # fmt: skip
@click.option("--allow-origin", "origins", multiple=True, metavar="ORIGIN",
              help="Another extension origin allowed to call the API, e.g. Firefox's "
              "moz-extension://<uuid> (repeatable).")  # fmt: skip
@data_dir_option
@click.pass_context
def api(
    ctx: click.Context,
    db: str | None,
    host: str,
    port: int,
    origins: tuple[str, ...],
    data_dir: str | None,
) -> None:
    """Serve the verdict API for the extension without the proxy.

    `lureguard run` already serves the same API next to the proxy; use this command when the
    browser is not routed through lureguard. Stops on Ctrl-C or SIGTERM.

    \b
    Example:
      lureguard api --port 8081
      curl -H "Authorization: Bearer $(lureguard token)" \\
           'http://127.0.0.1:8081/api/v1/verdict?url=rnicrosoft.com'
    """
    conf = settings(ctx, data_dir)
    engine = open_engine(conf, Path(db) if db else None)
    try:
        server = ApiServer(
            host, port, data_dir=conf.ensure(), engine=lambda: engine, extra_origins=origins
        )
        server.start()
    except (ApiServerError, OriginError, TokenError) as exc:
        fail(str(exc))
    click.echo(f"lureguard API listening on {server.url}", nl=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()
