"""Where lureguard reads its bundled rules and writes everything else (the data dir)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "LUREGUARD_DATA_DIR"
RULES_DB_NAME = "rules.db"
#: The folder in the data dir for the user's own rules (`lureguard protect` writes there).
LOCAL_RULES_NAME = "rules"


def default_data_dir() -> Path:
    """`$LUREGUARD_DATA_DIR`, else the platform's per-user data directory."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / "lureguard"


def ensure_data_dir(path: Path) -> Path:
    """Create the data dir (mode 0700: it will hold the CA key and secrets) and return it."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_mode & 0o077:
        # An existing dir (made by hand, or by a tool with a loose umask) is tightened too.
        path.chmod(0o700)
    return path


def bundled_rules_dir() -> Path:
    """The rule packs shipped with lureguard: inside a wheel, or the checkout's `rules/`."""
    package = Path(__file__).resolve().parent
    inside = package / "_bundled_rules"
    if inside.is_dir():
        return inside
    return package.parent.parent / "rules"


def local_rules_dir(data_dir: Path) -> Path:
    """The user's own rules: every YAML file under it is compiled with the bundled packs."""
    return data_dir / LOCAL_RULES_NAME
