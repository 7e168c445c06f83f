"""`lureguard run`'s SIEM options (`--log-format`, `--log-file`, `--log-syslog`, `--log-syslog-ca`).

Kept apart from the heavier deploy modules so the CLI stays quick to start. The values reach
the policy merge through `ctx.params` (see `runtime.for_run`), where the system policy's
`log.*` settings win over them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

#: Option parameter name -> policy setting.
LOG_OPTIONS = {
    "log_format": "log.format",
    "log_file": "log.file",
    "log_syslog": "log.syslog",
    "log_syslog_ca": "log.syslog_ca",
}


def log_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add the SIEM options to a command without adding them to its signature."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name in LOG_OPTIONS:
            kwargs.pop(name, None)
        return func(*args, **kwargs)

    decorators = [
        click.option("--log-format", type=click.Choice(["json", "ecs", "syslog"]), default=None,
                     help="Event line format for --log-file/--log-syslog: lureguard's JSON, "
                     "ECS field names, or RFC 5424 lines [policy: log.format; default json]."),
        click.option("--log-file", type=click.Path(dir_okay=False), default=None,
                     help="Also write events to FILE, rotated at 10 MB [policy: log.file]."),
        click.option("--log-syslog", metavar="[udp|tcp|tls://]HOST:PORT", default=None,
                     help="Also send events as RFC 5424 syslog: over UDP (the default, port "
                     "514), TCP (tcp://, port 514) or TLS (tls://, port 6514), octet-counted "
                     "over TCP and TLS as RFC 5425 says [policy: log.syslog]."),
        click.option("--log-syslog-ca", metavar="FILE", type=click.Path(dir_okay=False),
                     default=None, help="CA bundle to verify a tls:// collector with "
                     "[policy: log.syslog_ca; default: the system's trust store]."),
    ]  # fmt: skip
    command: Callable[..., Any] = wrapper
    for decorator in reversed(decorators):
        command = decorator(command)
    return command
