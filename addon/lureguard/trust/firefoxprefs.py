"""An extension's `moz-extension://` UUID in a Firefox profile, read from its pref files.

Firefox gives every installation of an extension its own random UUID and keeps the map in the
pref `extensions.webextensions.uuids` (JSON `{add-on id: uuid}`). `prefs.js` holds what Firefox
last saved; `user.js` overrides it at start-up, so its value wins for an id it names.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

UUIDS_PREF = "extensions.webextensions.uuids"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
#: `user_pref("name", "value");` with a JSON string literal as the value.
_LINE = re.compile(r'^\s*user_pref\(\s*"([^"]+)"\s*,\s*("(?:[^"\\]|\\.)*")\s*\)\s*;')


def extension_uuid(profile: Path, addon_id: str) -> str | None:
    """The UUID Firefox gave `addon_id` in `profile`, or None when it has none there."""
    found: str | None = None
    for name in ("prefs.js", "user.js"):
        value = _uuids(profile / name).get(addon_id)
        if isinstance(value, str) and _UUID.match(value.lower()):
            found = value.lower()
    return found


def _uuids(path: Path) -> dict[str, object]:
    """The UUID map in one pref file; {} when the file or the pref is missing or damaged."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return {}
    for line in lines:
        match = _LINE.match(line)
        if match is None or match.group(1) != UUIDS_PREF:
            continue
        try:
            value = json.loads(json.loads(match.group(2)))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}
    return {}
