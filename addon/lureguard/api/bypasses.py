"""'Proceed anyway' chosen on the extension's own warning page: validated, then kept.

The extension decides and enforces bypasses itself when the browser is not proxied; the API
only records them, like the proxy records its own, so IT sees every bypass in one place.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

BYPASSES_FILE = "bypasses.jsonl"
#: The durations the warning pages offer (same names as the proxy's form).
DURATIONS = ("visit", "hour", "day")
_LIMITS = {"url": 4096, "host": 253, "rule_id": 200, "verdict": 10}


class BypassError(ValueError):
    """The bypass body is not acceptable (message is shown to the caller)."""


def parse_bypass(payload: Any) -> dict[str, Any]:
    """The bypass record to store, from the request's JSON; raises `BypassError` when invalid."""
    if not isinstance(payload, dict):
        raise BypassError("the bypass must be a JSON object")
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": "bypass",
    }
    for key, limit in _LIMITS.items():
        value = payload.get(key)
        if not isinstance(value, str) or not value.strip():
            if key == "rule_id":
                record[key] = None
                continue
            raise BypassError(f"the bypass needs a '{key}' string")
        if len(value) > limit:
            raise BypassError(f"'{key}' is longer than {limit} characters")
        record[key] = value
    duration = payload.get("duration")
    if duration not in DURATIONS:
        raise BypassError(f"'duration' must be one of {', '.join(DURATIONS)}")
    record["duration"] = duration
    return record
