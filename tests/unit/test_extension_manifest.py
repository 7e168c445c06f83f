"""The extension's manifest promises only browsers that have what it uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXTENSION = Path(__file__).resolve().parents[2] / "extension"

#: First Firefox version with each manifest feature the extension relies on.
FIREFOX_SINCE = {
    "content_scripts[].world = MAIN": 128,
    "background.type = module": 112,
}


def manifest() -> dict[str, Any]:
    return dict(json.loads((EXTENSION / "manifest.json").read_text()))


def features(data: dict[str, Any]) -> set[str]:
    found = set()
    if any(s.get("world") == "MAIN" for s in data.get("content_scripts", [])):
        found.add("content_scripts[].world = MAIN")
    if data.get("background", {}).get("type") == "module":
        found.add("background.type = module")
    return found


def test_firefox_minimum_covers_every_feature_used() -> None:
    data = manifest()
    declared = int(data["browser_specific_settings"]["gecko"]["strict_min_version"].split(".")[0])
    needed = max(FIREFOX_SINCE[f] for f in features(data))
    assert declared >= needed, f"strict_min_version {declared} < {needed}"


def test_the_main_world_script_is_still_there() -> None:
    # Guards the check above: if the feature goes, this test says the minimum may drop.
    assert "content_scripts[].world = MAIN" in features(manifest())
