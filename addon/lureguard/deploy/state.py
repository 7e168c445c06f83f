"""What the updater remembers in the data dir between runs (`update-state.json`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from lureguard.deploy.bundle import write_atomic

STATE_NAME = "update-state.json"
BUNDLE_DIR = "bundle"


@dataclass
class UpdateState:
    """Validators for the next conditional GET, the installed bundle, and the last outcome."""

    url: str = ""
    etag: str = ""
    last_modified: str = ""
    version: int = 0
    sha256: str = ""
    key_id: str = ""
    extras: str = ""
    checked_at: str = ""
    updated_at: str = ""
    last_error: str = ""

    @classmethod
    def load(cls, data_dir: Path) -> UpdateState:
        """The saved state, or an empty one when missing or unreadable (forces a full GET)."""
        try:
            raw = json.loads((data_dir / STATE_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(raw, dict):
            return cls()
        state = cls()
        for item in fields(cls):
            value = raw.get(item.name)
            if isinstance(value, type(getattr(state, item.name))) and not isinstance(value, bool):
                setattr(state, item.name, value)
        return state

    def save(self, data_dir: Path) -> None:
        """Write atomically (a crash never leaves half a state file)."""
        text = json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"
        write_atomic(data_dir / STATE_NAME, text.encode("utf-8"), mode=0o600)


def bundle_dir(data_dir: Path) -> Path:
    """Where the verified, unmodified bundle database and its manifest are kept."""
    return data_dir / BUNDLE_DIR
