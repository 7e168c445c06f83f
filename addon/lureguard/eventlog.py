"""The event log: one JSON line per non-allow verdict, bypass, report or reload.

Below both the proxy, which writes it, and the fleet tooling (lureguard.deploy), which forwards
it to SIEM sinks, so neither needs the other.

Written to a file in the data dir (mode 0600, rotated like the SIEM file sink: at 10 MB by
default, keeping 5 older files) and, with `--log-json`, to stdout. Clean traffic never reaches
this module, so the log cannot become a browsing history.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TextIO

from lureguard.fsutil import RotatingFile
from lureguard.verdict import Verdict

LOG_FILE = "events.jsonl"
#: Rotation of LOG_FILE (the policy's `log.max_bytes` and `log.backups` change both).
DEFAULT_MAX_BYTES = 10 * 1024**2
DEFAULT_BACKUPS = 5


def now_iso() -> str:
    """The current UTC time, as written into every line."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class EventLog:
    """Appends JSON lines to a file and optionally to stdout."""

    #: Extra destinations for every record, e.g. the SIEM sinks `lureguard run` adds from the
    #: policy's `log.*` settings (lureguard.deploy.eventlog). They receive the record dict.
    forwarders: ClassVar[list[Callable[[dict[str, Any]], None]]] = []

    def __init__(
        self,
        path: Path | None,
        echo: bool = False,
        stream: TextIO | None = None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        backups: int = DEFAULT_BACKUPS,
    ) -> None:
        self.path = path
        self.echo = echo
        self._stream = stream
        self._lock = threading.Lock()
        self._file = RotatingFile(path, max_bytes, backups) if path is not None else None

    def write(self, event: str, **fields: Any) -> dict[str, Any]:
        """Record one event; returns the record written."""
        record: dict[str, Any] = {"time": now_iso(), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self._file is not None:
                self._file.write(line + "\n")
            if self.echo:
                out = self._stream or sys.stdout
                out.write(line + "\n")
                out.flush()
        for forward in self.forwarders:
            forward(record)
        return record

    def verdict(
        self, verdict: Verdict, *, client: str, action: str, ruleset: str, url: str | None = None
    ) -> dict[str, Any]:
        """One line for a flagged request."""
        return self.write(
            "verdict",
            client=client,
            host=verdict.host,
            url=url,
            verdict=verdict.verdict,
            action=action,
            reasons=[r.to_dict() for r in verdict.reasons],
            ruleset_version=ruleset,
        )

    def close(self) -> None:
        """Close the file (reopened on the next write)."""
        with self._lock:
            if self._file is not None:
                self._file.close()
