"""What `lureguard run` takes from deployment: locked policy values, SIEM sinks, the poller.

`lureguard run` calls `prepare` once before starting mitmdump; everything here is optional
for a laptop without a policy (defaults and command-line options apply unchanged).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import click
from click.core import ParameterSource

from lureguard import __version__
from lureguard.deploy import eventlog
from lureguard.deploy import policy as pol
from lureguard.deploy.errors import DeployError
from lureguard.deploy.extras import compile_with_extras, write_rule_file
from lureguard.deploy.options import LOG_OPTIONS
from lureguard.deploy.poller import UpdatePoller
from lureguard.deploy.state import bundle_dir
from lureguard.eventlog import EventLog
from lureguard.paths import RULES_DB_NAME, local_rules_dir
from lureguard.ruleset.build import ensure_compiled, rule_sources, stored_source
from lureguard.ruleset.load import default_base, rule_files, source_digest

#: `lureguard run` option name -> policy setting (the `no_` flags are the settings' inverses).
RUN_OPTIONS = {
    "mode": "mode",
    "fail_policy": "fail",
    "listen_port": "proxy.port",
    "api_port": "api.port",
    "no_bypass": "bypass.allowed",
    "pac_fallback": "pac.fallback",
    "no_path_platforms": "proxy.path_platforms",
}
_INVERSE: Final = frozenset({"no_bypass", "no_path_platforms"})

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The effective settings for this run, the notes to print, and what was started."""

    settings: dict[str, pol.Setting]
    notes: list[str] = field(default_factory=list)
    writer: eventlog.EventWriter | None = None
    poller: UpdatePoller | None = None

    def value(self, key: str) -> Any:
        """An effective setting's value."""
        return self.settings[key].value


def load(cli: Mapping[str, Any], policy_file: str | None = None) -> Runtime:
    """Merge policy, command line (only options actually given) and user settings.

    Raises `DeployError` when the policy or user settings file is invalid.
    """
    system = pol.load_policy(policy_file)
    user = pol.load_user_settings()
    settings = pol.effective(system, cli, user)
    notes = [f"note: {n}" for n in pol.overridden(system, cli)]
    return Runtime(settings, notes)


def for_run(ctx: click.Context) -> Runtime:
    """The runtime for `lureguard run`: only options typed (or set by env) count as given."""
    typed = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    cli: dict[str, Any] = {}
    for name, key in {**RUN_OPTIONS, **LOG_OPTIONS}.items():
        if name in ctx.params and ctx.get_parameter_source(name) in typed:
            value = ctx.params[name]
            cli[key] = (not value) if name in _INVERSE else value
    return load(cli)


def attach(runtime: Runtime, data_dir: Path, report: Callable[[str], None]) -> None:
    """Forward the proxy's events to the policy's SIEM sinks and start the update poller."""
    writer = event_writer(runtime)
    if writer is not None:
        EventLog.forwarders.append(writer)
    for note in runtime.notes:
        report(f"lureguard: {note}")
    try:
        start_updates(runtime, data_dir, report)
    except DeployError as exc:
        report(f"lureguard: automatic updates are off: {exc}")


def prepare_rules(rules_dir: Path, db_path: Path, runtime: Runtime) -> None:
    """Make `db_path` current before the proxy loads it.

    A verified bundle is never replaced by a local compile (the poller keeps it fresh and
    re-applies policy entries); otherwise the bundled packs and the user's own rules (the data
    dir's `rules/` folder) are compiled, plus the policy's allow/block entries and organisation
    to protect when there are any. Raises `RuleSetError` like `ensure_compiled`.
    """
    data_dir = db_path.parent
    if bundle_installed(data_dir):
        return
    local = local_rules_dir(data_dir)
    extras = pol.as_extras(runtime.settings, "policy")
    if not extras:
        write_rule_file(extras, data_dir)  # removes a stale generated file
        ensure_compiled(rules_dir, db_path, local)
        return
    extra_file = write_rule_file(extras, data_dir)
    assert extra_file is not None
    sources = rule_sources(rules_dir, local)
    paths = [*sources, extra_file]
    digest = source_digest(rule_files(paths), default_base(paths))
    if stored_source(db_path) != (digest, __version__):
        compile_with_extras(sources, extras, data_dir, db_path)


def bundle_installed(data_dir: Path) -> bool:
    """True when rules.db came from a verified bundle (so it must not be recompiled locally)."""
    return (bundle_dir(data_dir) / RULES_DB_NAME).is_file() and (data_dir / RULES_DB_NAME).exists()


def event_writer(runtime: Runtime) -> eventlog.EventWriter | None:
    """SIEM sinks from `log.*`, or None when the policy asks for none."""
    fmt = runtime.value("log.format")
    writer = eventlog.from_settings(
        fmt,
        file=runtime.value("log.file"),
        stdout=runtime.value("log.stdout"),
        syslog=runtime.value("log.syslog"),
        max_bytes=runtime.value("log.max_bytes"),
        backups=runtime.value("log.backups"),
        facility=runtime.value("log.facility"),
        syslog_ca=runtime.value("log.syslog_ca"),
    )
    runtime.writer = writer if writer.sinks else None
    return runtime.writer


def start_updates(
    runtime: Runtime, data_dir: Path, report: Callable[[str], None] = log.warning
) -> UpdatePoller | None:
    """Poll the policy's update URL in the background; None when no URL is configured."""
    url, pubkey = runtime.value("update.url"), runtime.value("update.pubkey")
    if not url or not pubkey:
        return None
    from lureguard.deploy.update import run_update, source_from

    source = source_from(url, pubkey)
    extras = pol.as_extras(runtime.settings, "policy")

    def check() -> None:
        result = run_update(data_dir, source, extras)
        if result.outcome == "installed":
            report(f"lureguard: {result.message}")

    def failed(exc: Exception) -> None:
        text = str(exc) if isinstance(exc, DeployError) else repr(exc)
        report(f"lureguard: update failed: {text}; the installed rules were not changed")

    runtime.poller = UpdatePoller(check, runtime.value("update.interval"), on_error=failed)
    return runtime.poller.start()


def locked_lines(policy_file: str | None = None) -> list[str]:
    """For `lureguard status`: the settings the system policy locks, and where (or its error)."""
    try:
        system = pol.load_policy(policy_file)
    except DeployError as exc:
        return [f"policy: {exc}"]
    settings = pol.effective(system)
    locked = {k: s for k, s in settings.items() if s.locked}
    if not locked:
        return []
    return ["locked by policy:", *(f"  {line}" for line in pol.describe(locked))]
