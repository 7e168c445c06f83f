"""The event log: one JSON line per non-allow verdict, bypass, report or reload.

Written to a file in the data dir (mode 0600) and, with `--log-json`, to stdout. Clean traffic
never reaches this module, so the log cannot become a browsing history.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, TextIO

from lureguard.verdict import Verdict

LOG_FILE = "events.jsonl"


def now_iso() -> str:
    """The current UTC time, as written into every line."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class EventLog:
    """Appends JSON lines to a file and optionally to stdout."""

    #: Extra destinations for every record, e.g. the SIEM sinks `lureguard run` adds from the
    #: policy's `log.*` settings (lureguard.deploy.eventlog). They receive the record dict.
    forwarders: ClassVar[list[Callable[[dict[str, Any]], None]]] = []

    def __init__(self, path: Path | None, echo: bool = False, stream: TextIO | None = None) -> None:
        self.path = path
        self.echo = echo
        self._stream = stream
        self._lock = threading.Lock()
        self._file: TextIO | None = None

    def write(self, event: str, **fields: Any) -> dict[str, Any]:
        """Record one event; returns the record written."""
        record: dict[str, Any] = {"time": now_iso(), "event": event, **fields}
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self.path is not None:
                handle = self._open()
                handle.write(line + "\n")
                handle.flush()
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
                self._file = None

    def _open(self) -> TextIO:
        if self._file is None:
            assert self.path is not None
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        return self._file
