"""Where browsers on this machine look for trusted CAs: found, never guessed at write time.

Chromium and Chrome on Linux share the user's NSS database `~/.pki/nssdb`. Firefox keeps one
`cert9.db` per profile; the profiles are listed in `profiles.ini` under `~/.mozilla/firefox`
(or `$XDG_CONFIG_HOME/mozilla/firefox`, which Firefox 14x uses when `~/.mozilla` is absent),
and the same for firefox-esr and the snap. The Debian system store is a folder of `.crt`
files that `update-ca-certificates` merges into `/etc/ssl/certs`.
"""

from __future__ import annotations

import configparser
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

#: Overrides the system store folder, for tests and for packagers building into a staging root.
#: When set, `update-ca-certificates` is not run (the folder is not the live store).
SYSTEM_DIR_ENV = "LUREGUARD_SYSTEM_CA_DIR"
DEBIAN_SYSTEM_DIR = Path("/usr/local/share/ca-certificates")
UPDATE_COMMAND = "update-ca-certificates"

Kind = Literal["chromium", "firefox", "system"]


@dataclass(frozen=True)
class Store:
    """One place a CA can be trusted: an NSS database folder or the system store folder."""

    kind: Kind
    path: Path
    label: str

    @property
    def is_nss(self) -> bool:
        """Whether certutil manages this store."""
        return self.kind != "system"


def home() -> Path:
    """The user's home, as $HOME says (so a temporary HOME is honoured)."""
    return Path(os.environ.get("HOME") or Path.home())


def chromium_store() -> Store:
    """The user's NSS database that Chromium and Chrome read on Linux."""
    return Store("chromium", home() / ".pki" / "nssdb", "Chromium/Chrome (your NSS database)")


def firefox_roots() -> list[Path]:
    """Folders that may hold a Firefox `profiles.ini`, most usual first."""
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home() / ".config")
    parents = (home() / ".mozilla", config / "mozilla")
    roots = [parent / name for parent in parents for name in ("firefox", "firefox-esr")]
    roots.append(home() / "snap" / "firefox" / "common" / ".mozilla" / "firefox")
    return roots


def firefox_stores() -> list[Store]:
    """Every profile listed in every `profiles.ini`, once each, whose folder exists."""
    stores: list[Store] = []
    seen: set[Path] = set()
    for root in firefox_roots():
        ini = root / "profiles.ini"
        if not ini.is_file():
            continue
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read(ini, encoding="utf-8")
        except (configparser.Error, OSError, UnicodeDecodeError):
            continue
        for section in parser.sections():
            if not section.startswith("Profile") or "Path" not in parser[section]:
                continue
            entry = parser[section]
            relative = entry.get("IsRelative", "1").strip() == "1"
            path = (root / entry["Path"]) if relative else Path(entry["Path"])
            key = path.resolve()
            if key in seen or not path.is_dir():
                continue
            seen.add(key)
            name = entry.get("Name", path.name)
            stores.append(Store("firefox", path, f"Firefox profile '{name}'"))
    return stores


def system_dir() -> Path:
    """The system store folder (Debian layout), or the one the environment names."""
    override = os.environ.get(SYSTEM_DIR_ENV)
    return Path(override) if override else DEBIAN_SYSTEM_DIR


def system_store() -> Store:
    """The system trust store (curl, Python, Chromium without an NSS entry on some distros)."""
    return Store("system", system_dir(), "system trust store")


def system_refresh_command() -> list[str] | None:
    """The command that rebuilds the merged bundle, or None when it must not run (override)."""
    if os.environ.get(SYSTEM_DIR_ENV):
        return None
    found = shutil.which(UPDATE_COMMAND) or (
        f"/usr/sbin/{UPDATE_COMMAND}" if Path(f"/usr/sbin/{UPDATE_COMMAND}").is_file() else None
    )
    return [found] if found else None


def system_problem() -> str | None:
    """Why the system store cannot be written by this user, or None when it can."""
    directory = system_dir()
    if not directory.is_dir():
        return f"{directory} does not exist (not a Debian-style system store)"
    if not os.access(directory, os.W_OK):
        return f"{directory} is not writable by you"
    if system_refresh_command() is None and not os.environ.get(SYSTEM_DIR_ENV):
        return f"{UPDATE_COMMAND} is not installed (package ca-certificates)"
    return None
