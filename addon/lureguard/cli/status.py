"""`lureguard status`: ask the running proxy (through its loopback API) what it has done."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import click

from lureguard.cli.common import CONTEXT_SETTINGS, data_dir_option, fail, settings
from lureguard.proxy.stats import COUNTERS


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--api-port", default=8081, show_default=True, type=click.IntRange(1, 65535),
              help="The API port the proxy was started with.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON answer unchanged.")
@data_dir_option
@click.pass_context
def status(ctx: click.Context, api_port: int, as_json: bool, data_dir: str | None) -> None:
    """Counters since the proxy started: passed through vs intercepted, warnings, blocks,
    bypasses and false-alarm reports, plus the mode and the rule-set version.

    \b
    Examples:
      lureguard status
      lureguard status --json --api-port 9081
    """
    from lureguard.api.token import load_or_create_token

    conf = settings(ctx, data_dir)
    try:
        token = load_or_create_token(conf.data_dir)
    except OSError as exc:
        fail(f"cannot read the API token in {conf.data_dir}: {exc.strerror or exc}")
    url = f"http://127.0.0.1:{api_port}/api/v1/status"
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        fail(f"the proxy's API refused the request ({exc.code} {exc.reason}); is --data-dir right?")
    except (urllib.error.URLError, OSError):
        fail(f"the proxy is not running (nothing answers on 127.0.0.1:{api_port})", code=1)
    except ValueError:
        fail(f"127.0.0.1:{api_port} answered, but not with lureguard's status")
    if as_json:
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    click.echo(describe(body))
    from lureguard.deploy.runtime import locked_lines

    for line in locked_lines():
        click.echo(line)


def describe(body: dict[str, Any]) -> str:
    """The status answer as a few readable lines."""
    from lureguard.api.pac import FALLBACK_WORDS
    from lureguard.proxy.stats import DESCRIPTIONS

    proxy = body.get("proxy", body)
    counts = proxy.get("counts", {})
    lines = [
        f"mode: {proxy.get('mode', '?')}   rules: {proxy.get('ruleset_version') or '?'}   "
        f"since: {proxy.get('since', '?')}",
    ]
    fallback = proxy.get("pac_fallback")
    if fallback in FALLBACK_WORDS:
        lines.append(f"PAC fallback: {fallback}: {FALLBACK_WORDS[fallback]}")
    width = max(len(k) for k in COUNTERS)
    for key in COUNTERS:
        if key in counts:
            lines.append(f"  {key:<{width}}  {counts[key]:>8}  {DESCRIPTIONS.get(key, '')}")
    for report in proxy.get("recent_reports", []):
        lines.append(
            f"  report {report.get('time', '')}: {report.get('host', '')} "
            f"rules {', '.join(report.get('rule_ids') or [str(report.get('rule_id'))])} (rule set "
            f"{report.get('ruleset_version', '')})"
        )
    return "\n".join(lines)
