"""Point Firefox profiles at lureguard's PAC file through `user.js`, and undo exactly that.

Firefox reads `user.js` at start and copies its values into `prefs.js`, so undoing means both:
our block leaves `user.js`, and the two prefs in `prefs.js` get back the values they had
before (recorded at install), or go away when they had none. Firefox rewrites `prefs.js` when
it quits, so a profile that is open is left alone until Firefox is closed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lureguard.fsutil import read_json_object, write_atomic
from lureguard.trust.stores import Store, firefox_stores

RECORD_NAME = "browser-proxy.json"
BEGIN = "// lureguard: begin (undo with 'lureguard setup --undo')"
END = "// lureguard: end"
PREFS = ("network.proxy.type", "network.proxy.autoconfig_url")
_PREF_LINE = re.compile(r'^\s*user_pref\(\s*"(?P<name>[^"]+)"\s*,.*\);\s*$')


@dataclass(frozen=True)
class ProfileChange:
    """What happened to one profile's proxy settings."""

    store: Store
    status: str  # "set", "already set", "restored", "left alone", "would set", ...
    detail: str = ""

    def line(self) -> str:
        """One line for the terminal."""
        mark = {"set": "+", "restored": "-"}.get(self.status.removeprefix("would "), "=")
        if self.status.startswith("left"):
            mark = "!"
        detail = f"; {self.detail}" if self.detail else ""
        return f"  {mark} {self.store.label}: {self.store.path / 'user.js'}: {self.status}{detail}"


def block(pac_url: str) -> str:
    """Our `user.js` lines: proxy auto-config from `pac_url`."""
    return (
        f"{BEGIN}\n"
        'user_pref("network.proxy.type", 2);\n'
        f'user_pref("network.proxy.autoconfig_url", {json.dumps(pac_url)});\n'
        f"{END}\n"
    )


def is_running(profile: Path) -> bool:
    """Whether a Firefox holds the profile (its `lock` symlink exists)."""
    return os.path.lexists(profile / "lock")


def _prefs_lines(path: Path) -> dict[str, str]:
    lines: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return lines
    for line in text.splitlines():
        match = _PREF_LINE.match(line)
        if match and match["name"] in PREFS:
            lines[match["name"]] = line
    return lines


def _strip_block(text: str) -> str:
    pattern = re.compile(rf"^{re.escape(BEGIN)}\n.*?^{re.escape(END)}\n?", re.S | re.M)
    return pattern.sub("", text)


def set_pac(data_dir: Path, pac_url: str, *, dry_run: bool = False) -> list[ProfileChange]:
    """Add our block to every Firefox profile's `user.js`; record the old values for undo."""
    record = read_record(data_dir)
    entries: dict[str, Any] = record.get("profiles", {})
    changes = []
    for store in firefox_stores():
        user_js = store.path / "user.js"
        text = user_js.read_text(encoding="utf-8") if user_js.is_file() else ""
        wanted = block(pac_url)
        if wanted in text:
            changes.append(ProfileChange(store, "already set", pac_url))
            continue
        note = "restart Firefox to use it" if is_running(store.path) else "used at next start"
        if dry_run:
            changes.append(ProfileChange(store, "would set", f"PAC {pac_url}"))
            continue
        key = str(store.path)
        if key not in entries:
            entries[key] = {
                "label": store.label,
                "created_user_js": not user_js.exists(),
                "previous": _prefs_lines(store.path / "prefs.js"),
            }
        stripped = _strip_block(text)
        if stripped and not stripped.endswith("\n"):
            stripped += "\n"
        write_atomic(user_js, stripped + wanted, mode=0o644)
        changes.append(ProfileChange(store, "set", f"PAC {pac_url} (network.proxy.type=2); {note}"))
    if not dry_run and entries:
        _write_record(data_dir, entries)
    return changes


def undo(data_dir: Path, *, dry_run: bool = False) -> list[ProfileChange]:
    """Remove our block from each recorded profile and restore the two prefs' old values."""
    entries: dict[str, Any] = read_record(data_dir).get("profiles", {})
    changes, left = [], {}
    for key, entry in entries.items():
        profile = Path(key)
        store = Store("firefox", profile, str(entry.get("label", "Firefox profile")))
        if not profile.is_dir():
            changes.append(ProfileChange(store, "gone", "the profile no longer exists"))
            continue
        if is_running(profile):
            left[key] = entry
            changes.append(ProfileChange(store, "left alone", "Firefox is open: quit it, then "
                                         "run this again"))  # fmt: skip
            continue
        if dry_run:
            changes.append(ProfileChange(store, "would restore", "the proxy settings before"))
            continue
        user_js = profile / "user.js"
        if user_js.is_file():
            remaining = _strip_block(user_js.read_text(encoding="utf-8"))
            if entry.get("created_user_js") and not remaining.strip():
                user_js.unlink()
            else:
                write_atomic(user_js, remaining, mode=0o644)
        _restore_prefs(profile / "prefs.js", entry.get("previous", {}))
        changes.append(ProfileChange(store, "restored", "proxy settings as they were before"))
    if not dry_run:
        if left:
            _write_record(data_dir, left)
        else:
            (data_dir / RECORD_NAME).unlink(missing_ok=True)
    return changes


def _restore_prefs(prefs_js: Path, previous: dict[str, str]) -> None:
    if not prefs_js.is_file():
        return
    out, seen = [], set()
    for line in prefs_js.read_text(encoding="utf-8").splitlines(keepends=True):
        match = _PREF_LINE.match(line.rstrip("\n"))
        if match and match["name"] in PREFS:
            seen.add(match["name"])
            old = previous.get(match["name"])
            if old is not None:
                out.append(old + "\n")
            continue
        out.append(line)
    out.extend(line + "\n" for name, line in previous.items() if name not in seen)
    write_atomic(prefs_js, "".join(out), mode=0o600)


def read_record(data_dir: Path) -> dict[str, Any]:
    """What `set_pac` changed, or {}."""
    return read_json_object(data_dir / RECORD_NAME)


def _write_record(data_dir: Path, entries: dict[str, Any]) -> None:
    text = json.dumps({"version": 1, "profiles": entries}, indent=2) + "\n"
    write_atomic(data_dir / RECORD_NAME, text)
