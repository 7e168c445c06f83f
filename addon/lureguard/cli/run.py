"""`lureguard run`: mitmdump, in this process, with the lureguard addon and its data dir."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import click

from lureguard.cli.common import (
    CONTEXT_SETTINGS,
    data_dir_option,
    default_rules_dir,
    fail,
    settings,
)
from lureguard.deploy.options import log_options

MODES = ("block", "warn", "monitor")
CONFDIR_NAME = "mitmproxy"


def confdir(data_dir: Path) -> Path:
    """Where mitmproxy keeps its CA (and any config.yaml) for this data dir."""
    return data_dir / CONFDIR_NAME


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--listen-host", default="127.0.0.1", show_default=True,
              help="Address the proxy listens on.")  # fmt: skip
@click.option("--listen-port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="Port the proxy listens on.")  # fmt: skip
@click.option("--api-port", default=8081, show_default=True, type=click.IntRange(1, 65535),
              help="Loopback port of the verdict API and /proxy.pac.")  # fmt: skip
@data_dir_option
@click.option("--db", type=click.Path(dir_okay=False),
              help="Compiled rules database [default: the bundled rules, compiled into the "
              "data dir when missing or stale]. Reloaded whenever the file changes.")  # fmt: skip
@click.option("--mode", type=click.Choice(MODES), default="warn", show_default=True,
              help="block: no way through; warn: the rule's severity decides and warn pages "
              "offer 'proceed anyway'; monitor: log only.")  # fmt: skip
@click.option("--rule-mode", "rule_modes", multiple=True, metavar="RULE_ID=MODE",
              help="Override the mode for one rule (repeatable).")  # fmt: skip
@click.option("--no-bypass", is_flag=True, help="Never offer 'proceed anyway'.")
@click.option("--no-path-platforms", is_flag=True,
              help="Do not decrypt the platforms that serve customers' sites in their path "
              "(Google Sites, Cloud Storage, S3): judge them by the host alone, which is "
              "theirs and allowed [policy: proxy.path_platforms].")  # fmt: skip
@click.option("--fail", "fail_policy", type=click.Choice(["open", "closed"]), default="open",
              show_default=True,
              help="If the addon itself fails: let the request through, or stop it.")  # fmt: skip
@click.option("--pac-fallback", type=click.Choice(["direct", "none"]), default="direct",
              show_default=True,
              help="What /proxy.pac tells the browser when the proxy is down: connect directly "
              "(fail-open) or not at all (fail-closed) [policy: pac.fallback].")  # fmt: skip
@click.option("--log-json", is_flag=True,
              help="Also print the JSON event lines (verdicts, bypasses) to stdout.")  # fmt: skip
@log_options
@click.argument("mitmproxy_args", nargs=-1, type=click.UNPROCESSED,
                metavar="[-- MITMPROXY_ARGS...]")  # fmt: skip
@click.pass_context
def run(
    ctx: click.Context,
    listen_host: str,
    listen_port: int,
    api_port: int,
    data_dir: str | None,
    db: str | None,
    mode: str,
    rule_modes: tuple[str, ...],
    no_bypass: bool,
    no_path_platforms: bool,
    fail_policy: str,
    pac_fallback: str,
    log_json: bool,
    mitmproxy_args: tuple[str, ...],
) -> None:
    """Start the proxy: clean sites pass through untouched, lookalikes get a warning page.

    Point the browser at http://LISTEN_HOST:LISTEN_PORT (or at the PAC file
    http://127.0.0.1:API_PORT/proxy.pac) and trust the CA shown by `lureguard ca`.
    Everything after `--` goes to mitmdump unchanged. Stop with Ctrl-C (SIGINT) or SIGTERM.

    \b
    Examples:
      lureguard run
      lureguard run --mode block --log-json
      lureguard run --listen-port 3128 -- --set ssl_insecure=true -s my_addon.py
    """
    from lureguard.deploy import runtime as deployment
    from lureguard.deploy.errors import DeployError
    from lureguard.engine import Engine
    from lureguard.proxy.addon import LureguardAddon
    from lureguard.ruledata.database import RuleDatabaseError
    from lureguard.ruleset.errors import RuleSetError

    conf = settings(ctx, data_dir)
    try:  # the system policy's values win over the options (see docs/deploy.md)
        deployed = deployment.for_run(ctx)
    except DeployError as exc:
        fail(str(exc))
    mode, fail_policy = deployed.value("mode"), deployed.value("fail")
    listen_port, api_port = deployed.value("proxy.port"), deployed.value("api.port")
    # mitmproxy would start, then exit once the API cannot bind its port:
    if api_port and listen_port == api_port:
        fail(
            f"the proxy and the API cannot both listen on port {api_port}: change --api-port "
            "or --listen-port (or the policy's api.port or proxy.port)"
        )
    no_bypass = not deployed.value("bypass.allowed")
    pac_fallback = deployed.value("pac.fallback")
    # Only a policy caps bypasses: the setting's default (15 min) must not shorten everyone's.
    limit = deployed.settings["bypass.duration"]
    bypass_max = limit.value if limit.locked else 0
    try:
        conf.ensure()
        db_path = Path(db).expanduser() if db else conf.rules_db
        if not db:
            deployment.prepare_rules(default_rules_dir(), db_path, deployed)
        engine = Engine.from_db(db_path)
    except RuleSetError as exc:
        fail(f"the bundled rules do not compile: {exc}")
    except RuleDatabaseError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot prepare the data dir {conf.data_dir}: {exc.strerror or exc}")

    defaults = [
        ("confdir", str(confdir(conf.data_dir))),
        ("connection_strategy", "lazy"),
        ("flow_detail", "0"),
        ("lureguard_data_dir", str(conf.data_dir)),
        ("lureguard_db", str(db_path.resolve())),
        ("lureguard_mode", mode),
        ("lureguard_api_port", str(api_port)),
        ("lureguard_fail", fail_policy),
        ("lureguard_pac_fallback", pac_fallback),
        ("lureguard_allow_bypass", "false" if no_bypass else "true"),
        ("lureguard_path_platforms", "true" if deployed.value("proxy.path_platforms") else "false"),
        ("lureguard_bypass_max", str(bypass_max)),
        ("lureguard_log_json", "true" if log_json else "false"),
        ("lureguard_log_max_bytes", str(deployed.value("log.max_bytes"))),
        ("lureguard_log_backups", str(deployed.value("log.backups"))),
    ]
    defaults += [("lureguard_rule_modes", item) for item in rule_modes]
    if log_json:
        defaults.append(("termlog_verbosity", "warn"))
    args = ["--listen-host", listen_host, "--listen-port", str(listen_port)]
    args += mitmproxy_arguments(defaults, mitmproxy_args)

    addon = LureguardAddon(engine, db_path)
    click.echo(
        f"lureguard: rules {engine.version} from {db_path}; mode {mode}; "
        f"proxy http://{listen_host}:{listen_port}"
        + (
            f"; PAC http://127.0.0.1:{api_port}/proxy.pac (when the proxy is down: "
            f"{'browse directly' if pac_fallback == 'direct' else 'no browsing'})"
            if api_port
            else ""
        )
        + f"; CA {confdir(conf.data_dir) / 'mitmproxy-ca-cert.pem'}",
        err=True,
    )
    deployment.attach(deployed, conf.data_dir, lambda line: click.echo(line, err=True))
    _run_mitmdump(addon, args)


def mitmproxy_arguments(defaults: list[tuple[str, str]], extra: tuple[str, ...]) -> list[str]:
    """Our `--set` defaults followed by the user's arguments; a user's `--set` of the same
    mitmproxy option wins (mitmproxy refuses a plain option given twice). `lureguard_*` options
    have their own flags, which a system policy may lock, so they are refused after `--`.
    """
    given = set()
    for index, arg in enumerate(extra):
        if arg == "--set" and index + 1 < len(extra):
            given.add(extra[index + 1].split("=", 1)[0])
        elif arg.startswith("--set="):
            given.add(arg[len("--set=") :].split("=", 1)[0])
    for name in sorted(given):
        if name.startswith("lureguard_"):
            fail(f"set {name} with lureguard run's own options (see --help), not after --")
    out: list[str] = []
    for name, value in defaults:
        if name not in given:
            out += ["--set", f"{name}={value}"]
    return out + list(extra)


def _run_mitmdump(addon: Any, args: list[str]) -> None:
    """mitmdump's own main loop (signal handling included), with our addon added after
    mitmproxy's own addons and the `-s` scripts (their hooks run before ours)."""
    from mitmproxy.tools import cmdline
    from mitmproxy.tools.dump import DumpMaster
    from mitmproxy.tools.main import run as mitm_run

    def master(opts: Any) -> DumpMaster:
        # mitmproxy logs every client connect/disconnect at info level: that is clean
        # traffic, which lureguard never logs.
        logging.getLogger("mitmproxy.proxy.server").setLevel(logging.WARNING)
        dump = DumpMaster(opts)
        dump.addons.add(addon)  # type: ignore[no-untyped-call]
        return dump

    mitm_run(master, cmdline.mitmdump, args)  # type: ignore[arg-type]
