"""The system policy: one YAML file IT controls, whose values win over everything else.

Settings come from four layers, strongest first: the system policy (`/etc/lureguard/policy.yaml`
and its macOS/Windows equivalents, or `--policy FILE`), the command line, the user's own
settings file, and built-in defaults. `effective` merges them and remembers, for every value,
where it came from and whether the policy locks it, so `doctor`/`status` can say so.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lureguard.deploy.errors import DeployError, PolicyError
from lureguard.deploy.extras import Extras
from lureguard.ruleset.errors import Problem
from lureguard.ruleset.model import Location
from lureguard.ruleset.yamlsource import Document, read_documents

POLICY_ENV = "LUREGUARD_POLICY"
USER_SETTINGS_NAME = "settings.yaml"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?i?b?)\s*$", re.IGNORECASE)


class _Invalid(Exception):
    """A value does not fit its setting (message completes 'key ...')."""


def _choice(*options: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str) or value not in options:
            raise _Invalid(f"must be one of {', '.join(options)}")
        return value

    return check


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Invalid("must be true or false")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid("must be non-empty text")
    return value.strip()


def _port(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise _Invalid("must be a port number from 1 to 65535")
    return value


def duration(value: Any) -> int:
    """Seconds from `90`, `90s`, `15m`, `6h` or `1d`."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or int(match.group(1)) <= 0:
        raise _Invalid("must be a positive duration such as 90s, 15m, 6h or 1d")
    return int(match.group(1)) * _UNITS[match.group(2)]


def _size(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match or int(match.group(1)) <= 0:
        raise _Invalid("must be a positive size such as 10MB or 1048576")
    unit = match.group(2).lower()[:1]
    return int(match.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid("must be a whole number >= 0")
    return value


def _address(value: Any) -> str:
    from lureguard.deploy.eventlog import parse_address

    text = _text(value)
    try:
        parse_address(text)
    except ValueError as exc:
        raise _Invalid(f"is not a syslog address: {exc}") from None
    return text


def _existing_file(value: Any) -> str:
    text = _text(value)
    if not Path(text).expanduser().is_file():
        raise _Invalid(f"names no file: {text}")
    return text


def _pubkey(value: Any) -> str:
    """Inline keys are checked here, so a pasting mistake points at its policy line."""
    from lureguard.deploy.signing import PUBLIC_PREFIX, parse_public

    text = _text(value)
    if text.startswith(PUBLIC_PREFIX):
        try:
            parse_public(text, "the key")
        except DeployError as exc:
            raise _Invalid(f"is not a valid public key: {exc}") from None
    return text


def _hosts(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _Invalid("must be a list of host names (or *.suffix, or URLs for block)")
    return tuple(v.strip() for v in value)


def _names(value: Any) -> tuple[str, ...]:
    """Host names only (no `*.suffix`, no URLs), normalised like the rule compiler does."""
    from lureguard.hosts import HostError, normalize_host

    names = []
    for text in _hosts(value):
        try:
            names.append(normalize_host(text))
        except HostError as exc:
            raise _Invalid(f"has an invalid host name: {exc}") from None
    return tuple(names)


def _org_domains(value: Any) -> tuple[str, ...]:
    """The organisation's registrable domains (`example.org`, not `www.example.org`)."""
    from lureguard.ruleset.protect import ProtectError, organisation

    names = _names(value)
    try:
        return organisation(names).domains
    except ProtectError as exc:
        raise _Invalid(str(exc)) from None


@dataclass(frozen=True, slots=True)
class Spec:
    """One setting: how to read it and its built-in default."""

    parse: Callable[[Any], Any]
    default: Any
    help: str


SPECS: dict[str, Spec] = {
    "mode": Spec(_choice("block", "warn", "monitor"), "warn", "what a match does"),
    "bypass.allowed": Spec(_bool, True, "whether the warning page offers 'proceed anyway'"),
    "bypass.duration": Spec(duration, 900, "how long a bypass lasts (seconds)"),
    "fail": Spec(_choice("open", "closed"), "open", "traffic when the rules cannot be loaded"),
    "pac.fallback": Spec(
        _choice("direct", "none"), "direct", "when the proxy is down: browse directly or not at all"
    ),
    "proxy.port": Spec(_port, 8080, "proxy port on 127.0.0.1"),
    "proxy.path_platforms": Spec(
        _bool, True, "decrypt platforms that serve customers' sites in their path (Google Sites)"
    ),
    "api.port": Spec(_port, 8081, "verdict API and PAC port on 127.0.0.1"),
    "update.url": Spec(_text, "", "where the signed bundle directory is published"),
    "update.pubkey": Spec(_pubkey, "", "bundle public key: ed25519:BASE64 or a .pub file"),
    "update.interval": Spec(duration, 21600, "seconds between update checks"),
    "log.format": Spec(_choice("json", "ecs", "syslog"), "json", "event line format"),
    "log.file": Spec(_text, "", "event log file (rotated)"),
    "log.max_bytes": Spec(_size, 10 * 1024**2, "rotate log.file and events.jsonl at this size"),
    "log.backups": Spec(_count, 5, "rotated copies to keep of each log file"),
    "log.stdout": Spec(_bool, False, "also write events to stdout"),
    "log.syslog": Spec(
        _address, "", "syslog collector [udp:// | tcp:// | tls://]host:port (RFC 5424)"
    ),
    "log.syslog_ca": Spec(_existing_file, "", "CA bundle that signed a tls:// collector"),
    "log.facility": Spec(_choice(*(f"local{i}" for i in range(8)), "user"), "local0", "facility"),
    "allow": Spec(_hosts, (), "hosts always allowed"),
    "block": Spec(_hosts, (), "hosts or URLs always blocked"),
    "protect.domains": Spec(
        _org_domains, (), "the organisation's own domains, protected against lookalikes"
    ),
    "protect.sso_hosts": Spec(
        _names, (), "where the organisation's users sign in (under protect.domains)"
    ),
    "protect.name": Spec(_text, "", "the organisation's name as people know it"),
}
_SECTIONS = {key.split(".", 1)[0] for key in SPECS if "." in key}


@dataclass(frozen=True, slots=True)
class SettingsFile:
    """Values read from one settings layer (the policy or the user's file), with positions."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)

    def where(self, key: str) -> str:
        """`file:line` of a value."""
        loc = self.locations.get(key)
        return f"{loc.path}:{loc.line}" if loc else str(self.path)

    @property
    def extras(self) -> Extras:
        """The allow/block entries and the organisation to protect, for the generated rule file."""
        get = self.values.get
        return Extras(
            get("allow", ()), get("block", ()), str(self.path),
            get("protect.domains", ()), get("protect.sso_hosts", ()), get("protect.name", ""),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Setting:
    """One effective value, where it came from, and whether the user may change it."""

    key: str
    value: Any
    source: str
    locked: bool


def policy_locations() -> list[Path]:
    """The conventional system-wide places for the policy on this OS."""
    if sys.platform == "win32":
        base = os.environ.get("PROGRAMDATA") or r"C:\ProgramData"
        return [Path(base) / "lureguard" / "policy.yaml"]
    if sys.platform == "darwin":
        return [Path("/Library/Application Support/lureguard/policy.yaml")]
    return [Path("/etc/lureguard/policy.yaml")]


def find_policy(explicit: str | Path | None = None) -> Path | None:
    """`--policy FILE`, else `$LUREGUARD_POLICY`, else the first system place that exists."""
    chosen = explicit or os.environ.get(POLICY_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise PolicyError(f"policy file {path} does not exist")
        return path
    return next((p for p in policy_locations() if p.is_file()), None)


def user_settings_path() -> Path:
    """The user's own settings (`$XDG_CONFIG_HOME/lureguard/settings.yaml` and equivalents)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Preferences"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "lureguard" / USER_SETTINGS_NAME


def load_policy(explicit: str | Path | None = None) -> SettingsFile:
    """The system policy (empty when there is none); raises `PolicyError` when invalid."""
    path = find_policy(explicit)
    return read_settings(path) if path else SettingsFile()


def load_user_settings(path: Path | None = None) -> SettingsFile:
    """The user's settings file (empty when missing); raises `PolicyError` when invalid."""
    path = path or user_settings_path()
    return read_settings(path) if path.is_file() else SettingsFile()


def read_settings(path: Path) -> SettingsFile:
    """Read and validate one settings file; every problem is reported as `file:line:col`."""
    docs: list[Document] = []
    problems: list[Problem] = []
    for item in read_documents(path, str(path)):
        (problems if isinstance(item, Problem) else docs).append(item)  # type: ignore[arg-type]
    if not problems and len(docs) > 1:
        problems.append(Problem(docs[1].location, "a policy file holds one YAML document"))
    values: dict[str, Any] = {}
    locations: dict[str, Location] = {}
    if not problems and docs and docs[0].data is not None:
        _validate(docs[0], values, locations, problems)
        _validate_protect(values, locations, problems, docs[0].location)
    if problems:
        raise PolicyError("\n".join(str(p) for p in problems))
    return SettingsFile(path, values, locations)


def _validate(
    doc: Document, values: dict[str, Any], locations: dict[str, Location], problems: list[Problem]
) -> None:
    if not isinstance(doc.data, dict):
        problems.append(Problem(doc.location, "the policy must be a mapping of settings"))
        return
    for key, raw in doc.data.items():
        name = str(key)
        items: list[tuple[str, Any, tuple[str, ...]]]
        if name in _SECTIONS:
            if not isinstance(raw, dict):
                problems.append(Problem(doc.where(name), f"'{name}' must be a mapping"))
                continue
            items = [(f"{name}.{sub}", value, (name, str(sub))) for sub, value in raw.items()]
        else:
            items = [(name, raw, (name,))]
        for flat, value, path in items:
            where = doc.where(*path)
            spec = SPECS.get(flat)
            if spec is None:
                problems.append(Problem(where, f"unknown setting '{flat}'{_hint(flat)}"))
                continue
            try:
                values[flat] = spec.parse(value)
            except _Invalid as exc:
                problems.append(Problem(where, f"'{flat}' {exc}"))
                continue
            locations[flat] = where


def _validate_protect(
    values: dict[str, Any], locations: dict[str, Location], problems: list[Problem], at: Location
) -> None:
    """`protect.*` keys together: sign-in hosts under the domains, a name to protect."""
    from lureguard.ruleset.protect import ProtectError, policy_rule

    domains = values.get("protect.domains", ())
    sso = values.get("protect.sso_hosts", ())
    if not domains:
        for key in ("protect.sso_hosts", "protect.name"):
            if key in values:
                problems.append(Problem(locations.get(key, at), f"'{key}' needs protect.domains"))
        return
    try:
        policy_rule(domains, sso, values.get("protect.name", ""), "policy")
    except ProtectError as exc:
        key = "protect.sso_hosts" if "sign-in host" in str(exc) else "protect.domains"
        problems.append(Problem(locations.get(key, at), f"'{key}': {exc}"))


def _hint(key: str) -> str:
    from difflib import get_close_matches

    match = get_close_matches(key, list(SPECS), n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


def effective(
    policy: SettingsFile,
    cli: Mapping[str, Any] | None = None,
    user: SettingsFile | None = None,
) -> dict[str, Setting]:
    """Every setting's value: policy, then command line, then user file, then default.

    `cli` holds only the options actually given (None values are ignored). Policy `allow` and
    `block` lists are not replaced by the user's but added to them: IT's entries always apply.
    """
    cli = {k: v for k, v in (cli or {}).items() if v is not None}
    user = user or SettingsFile()
    out: dict[str, Setting] = {}
    for key, spec in SPECS.items():
        if key in policy.values:
            value = policy.values[key]
            if key in ("allow", "block") and key in user.values:
                value = tuple(dict.fromkeys((*value, *user.values[key])))
            out[key] = Setting(key, value, f"policy {policy.where(key)}", True)
        elif key in cli:
            try:
                value = spec.parse(cli[key])
            except _Invalid as exc:
                raise PolicyError(f"command line: '{key}' {exc}") from None
            out[key] = Setting(key, value, "command line", False)
        elif key in user.values:
            out[key] = Setting(key, user.values[key], f"user settings {user.where(key)}", False)
        else:
            out[key] = Setting(key, spec.default, "default", False)
    return out


def overridden(policy: SettingsFile, cli: Mapping[str, Any]) -> list[str]:
    """Messages for command-line values the policy overrides (to tell the user why)."""
    return [
        f"{key}={cli[key]!r} ignored: locked to {policy.values[key]!r} by {policy.where(key)}"
        for key in cli
        if cli[key] is not None and key in policy.values and key not in ("allow", "block")
    ]


def describe(settings: Mapping[str, Setting]) -> list[str]:
    """One line per setting for `doctor`/`status`: value, lock, origin."""
    lines = []
    for setting in settings.values():
        value = setting.value
        if isinstance(value, tuple):
            value = ", ".join(value) or "(none)"
        lock = "locked" if setting.locked else "      "
        lines.append(f"{setting.key:16} {value!s:30} {lock} {setting.source}")
    return lines


def as_extras(settings: Mapping[str, Setting], source: str) -> Extras:
    """The allow/block entries and the organisation to protect of merged settings."""
    return Extras(
        tuple(settings["allow"].value),
        tuple(settings["block"].value),
        source,
        tuple(settings["protect.domains"].value),
        tuple(settings["protect.sso_hosts"].value),
        settings["protect.name"].value,
    )
