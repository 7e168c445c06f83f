"""False-alarm reports, kept locally (reports.jsonl in the data dir) for the rule maintainers.

A report names the host, the rules that fired and the rule-set version, so it can be turned
into an allowlist entry or a rule fix; nothing leaves the machine.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from lureguard.eventlog import now_iso
from lureguard.fsutil import append_record

REPORTS_FILE = "reports.jsonl"


class ReportBook:
    """Appends reports to a file and counts them (this run and on disk)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(
        self, host: str, rule_ids: list[str], ruleset: str, origin: str, **extra: Any
    ) -> dict[str, Any]:
        """Store one report; returns the stored record."""
        record: dict[str, Any] = {
            "time": now_iso(),
            "host": host,
            "rule_ids": rule_ids,
            "ruleset_version": ruleset,
            "origin": origin,
            **extra,
        }
        if self.path is not None:
            line = json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"
            with self._lock:
                append_record(self.path, line)
        return record

    def recent(self, limit: int = 5) -> list[dict[str, Any]]:
        """The last reports on disk, newest last (for `lureguard status`)."""
        if self.path is None or not self.path.is_file():
            return []
        with self._lock:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        out: list[dict[str, Any]] = []
        for line in lines[-limit:]:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
        return out
