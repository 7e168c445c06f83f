"""Start lureguard at login: a systemd user unit, a launchd agent, or a Windows logon task.

`render` produces the files (also shipped in `deploy/` for packaging); `plan_install` and
`plan_uninstall` say which files to write or remove and which commands to run, so `--dry-run`
shows exactly what `install` would do and tests can run against a temporary directory.
"""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Platform = Literal["linux", "macos", "windows"]
UNIT = "lureguard.service"
UPDATE_SERVICE = "lureguard-update.service"
UPDATE_TIMER = "lureguard-update.timer"
AGENT_LABEL = "com.lureguard.agent"
TASK_NAME = "lureguard"
DOCS = "https://github.com/lureguard/lureguard/blob/main/docs/deploy.md"
#: Where fleet packages install the command (deploy/ files are rendered with these).
PACKAGED_EXE: dict[Platform, str] = {
    "linux": "/opt/lureguard/bin/lureguard",
    "macos": "/opt/lureguard/bin/lureguard",
    "windows": r"C:\Program Files\lureguard\lureguard.exe",
}


def current_platform() -> Platform:
    """This machine's service flavour."""
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


def installed_exe() -> str:
    """The `lureguard` command of this installation (beside the running interpreter first)."""
    name = "lureguard.exe" if sys.platform == "win32" else "lureguard"
    beside = Path(sys.executable).parent / name
    if beside.is_file():
        return str(beside)
    return shutil.which("lureguard") or str(beside)


def systemd_unit(exe: str) -> str:
    """The user unit that keeps `lureguard run` up for the whole login session."""
    return f"""\
# lureguard: anti-phishing proxy for this user's browser (see {DOCS})
[Unit]
Description=lureguard anti-phishing proxy
Documentation={DOCS}
After=network-online.target

[Service]
Type=simple
ExecStart={exe} run
Restart=on-failure
RestartSec=5
NoNewPrivileges=yes
PrivateTmp=yes

[Install]
WantedBy=default.target
"""


def systemd_update_service(exe: str) -> str:
    """A one-shot `lureguard update`, for hosts that prefer a timer to the in-process poller."""
    return f"""\
# lureguard: fetch the signed rule bundle named in the policy once (see {DOCS})
[Unit]
Description=lureguard rule bundle update
Documentation={DOCS}
After=network-online.target

[Service]
Type=oneshot
ExecStart={exe} update
"""


def systemd_update_timer() -> str:
    """Runs the update service at start-up and every six hours, spread over 30 minutes."""
    return f"""\
# lureguard: periodic rule bundle update (see {DOCS})
[Unit]
Description=lureguard rule bundle update timer
Documentation={DOCS}

[Timer]
OnStartupSec=2min
OnUnitActiveSec=6h
RandomizedDelaySec=30min
Persistent=true

[Install]
WantedBy=timers.target
"""


def launchd_plist(exe: str, log_dir: str | None = None) -> str:
    """The per-user LaunchAgent: start at login, restart if it exits with an error.

    Without `log_dir` launchd discards stdout/stderr (events have their own log file).
    """
    data: dict[str, object] = {
        "Label": AGENT_LABEL,
        "ProgramArguments": [exe, "run"],
        "RunAtLoad": True,
        "KeepAlive": {"SuccessfulExit": False},
        "ProcessType": "Background",
        "ThrottleInterval": 10,
    }
    if log_dir:
        data["StandardOutPath"] = f"{log_dir}/lureguard.out.log"
        data["StandardErrorPath"] = f"{log_dir}/lureguard.err.log"
    return plistlib.dumps(data, sort_keys=False).decode("utf-8")


def windows_task_command(exe: str) -> list[str]:
    """`schtasks` arguments for a task that runs `lureguard run` at the user's logon."""
    return [
        "schtasks", "/Create", "/F", "/TN", TASK_NAME, "/SC", "ONLOGON", "/RL", "LIMITED",
        "/TR", f'"{exe}" run',
    ]  # fmt: skip


@dataclass
class Plan:
    """Files to write (path -> text) or remove, and commands to run afterwards."""

    write: dict[Path, str] = field(default_factory=dict)
    remove: list[Path] = field(default_factory=list)
    commands: list[list[str]] = field(default_factory=list)

    def describe(self) -> list[str]:
        """Human lines for --dry-run and for the install report."""
        lines = [f"write {p}" for p in self.write]
        lines += [f"remove {p}" for p in self.remove]
        lines += ["run " + " ".join(c) for c in self.commands]
        return lines


def user_unit_dir() -> Path:
    """`$XDG_CONFIG_HOME/systemd/user`: where systemd looks for this user's units."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def launch_agents_dir() -> Path:
    """`~/Library/LaunchAgents`."""
    return Path.home() / "Library" / "LaunchAgents"


def plan_install(
    platform: Platform,
    exe: str,
    target_dir: Path | None = None,
    *,
    update_timer: bool = False,
) -> Plan:
    """What installing the service means on `platform`.

    With `target_dir` the files go there and no service manager is called (a staging
    directory for packaging, or a test).
    """
    plan = Plan()
    if platform == "linux":
        folder = target_dir or user_unit_dir()
        plan.write[folder / UNIT] = systemd_unit(exe)
        units = [UNIT]
        if update_timer:
            plan.write[folder / UPDATE_SERVICE] = systemd_update_service(exe)
            plan.write[folder / UPDATE_TIMER] = systemd_update_timer()
            units.append(UPDATE_TIMER)
        if target_dir is None and shutil.which("systemctl"):
            plan.commands.append(["systemctl", "--user", "daemon-reload"])
            plan.commands.append(["systemctl", "--user", "enable", "--now", *units])
    elif platform == "macos":
        folder = target_dir or launch_agents_dir()
        logs = str(Path.home() / "Library" / "Logs")
        path = folder / f"{AGENT_LABEL}.plist"
        plan.write[path] = launchd_plist(exe, logs)
        if target_dir is None and shutil.which("launchctl"):
            plan.commands.append(["launchctl", "bootstrap", f"gui/{os.getuid()}", str(path)])
    else:
        if target_dir is not None:
            plan.write[target_dir / "lureguard-task.cmd"] = subprocess.list2cmdline(
                windows_task_command(exe)
            )
        else:
            plan.commands.append(windows_task_command(exe))
    return plan


def plan_uninstall(platform: Platform, target_dir: Path | None = None) -> Plan:
    """What removing the service means on `platform` (only files that exist are removed)."""
    plan = Plan()
    if platform == "linux":
        folder = target_dir or user_unit_dir()
        if target_dir is None and shutil.which("systemctl"):
            plan.commands.append(["systemctl", "--user", "disable", "--now", UNIT, UPDATE_TIMER])
        plan.remove = [
            p for p in (folder / n for n in (UNIT, UPDATE_SERVICE, UPDATE_TIMER)) if p.exists()
        ]
        if target_dir is None and shutil.which("systemctl"):
            plan.commands.append(["systemctl", "--user", "daemon-reload"])
    elif platform == "macos":
        path = (target_dir or launch_agents_dir()) / f"{AGENT_LABEL}.plist"
        if target_dir is None and shutil.which("launchctl"):
            plan.commands.append(["launchctl", "bootout", f"gui/{os.getuid()}/{AGENT_LABEL}"])
        plan.remove = [path] if path.exists() else []
    else:
        plan.commands.append(["schtasks", "/Delete", "/F", "/TN", TASK_NAME])
    return plan


def apply(plan: Plan) -> list[str]:
    """Write, remove, then run; returns problems from commands (files raise OSError)."""
    for path, text in plan.write.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for path in plan.remove:
        path.unlink(missing_ok=True)
    problems = []
    for command in plan.commands:
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            why = (done.stderr or done.stdout).strip().splitlines()
            problems.append(f"{' '.join(command)} failed: {why[-1] if why else done.returncode}")
    return problems


def packaged_files() -> dict[str, str]:
    """The files shipped in the repository's deploy/ directory, keyed by relative path."""
    linux, mac, win = PACKAGED_EXE["linux"], PACKAGED_EXE["macos"], PACKAGED_EXE["windows"]
    return {
        f"systemd/{UNIT}": systemd_unit(linux),
        f"systemd/{UPDATE_SERVICE}": systemd_update_service(linux),
        f"systemd/{UPDATE_TIMER}": systemd_update_timer(),
        f"launchd/{AGENT_LABEL}.plist": launchd_plist(mac),
        "windows/install-task.cmd": subprocess.list2cmdline(windows_task_command(win)) + "\r\n",
    }
