"""False-alarm reports sent by the extension: validated, then kept as JSON lines."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lureguard.fsutil import RECORDS_MAX_BYTES, append_record

REPORTS_FILE = "reports.jsonl"
_LIMITS = {"url": 4096, "rule_id": 200, "verdict": 10, "comment": 1000}


class ReportError(ValueError):
    """The report body is not acceptable (message is shown to the caller)."""


def parse_report(payload: Any) -> dict[str, Any]:
    """The report to store, from the request's JSON; raises `ReportError` when invalid."""
    if not isinstance(payload, dict):
        raise ReportError("the report must be a JSON object")
    url = payload.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ReportError("the report needs a 'url' string")
    record: dict[str, Any] = {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "event": "false-alarm-report",
    }
    for key, limit in _LIMITS.items():
        value = payload.get(key)
        if value is None:
            record[key] = None
            continue
        if not isinstance(value, str):
            raise ReportError(f"'{key}' must be a string")
        if len(value) > limit:
            raise ReportError(f"'{key}' is longer than {limit} characters")
        record[key] = value
    return record


class ReportLog:
    """Appends records to `reports.jsonl` (or `name`) in the data dir (mode 0600), rotated
    at `max_bytes` (`fsutil.append_record`)."""

    def __init__(
        self, data_dir: Path, name: str = REPORTS_FILE, max_bytes: int = RECORDS_MAX_BYTES
    ) -> None:
        self.path = data_dir / name
        self.max_bytes = max_bytes
        self._lock = threading.Lock()

    def append(self, record: dict[str, Any]) -> None:
        """Store one report."""
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            append_record(self.path, line, self.max_bytes)
