"""Counters since start, so a user can see how much traffic was left alone (privacy you can see).

The proxy thread increments, the API thread reads: a lock keeps `snapshot()` consistent.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any

#: Every counter, in the order `lureguard status` prints them.
COUNTERS: tuple[str, ...] = (
    "passed_through",
    "intercepted",
    "http_requests",
    "warnings",
    "blocks",
    "monitored",
    "bypasses",
    "bypasses_rejected",
    "reports",
    "credential_reuse",
    "credential_exceptions",
    "brand_claims",
    "reloads",
    "reload_failures",
    "errors",
)

#: What each counter means, for `lureguard status` and docs/proxy.md.
DESCRIPTIONS: dict[str, str] = {
    "passed_through": "TLS connections passed through untouched (never decrypted)",
    "intercepted": "TLS connections decrypted because the host may match a rule",
    "http_requests": "plain HTTP requests checked",
    "warnings": "warning pages and 403s served for warn verdicts",
    "blocks": "warning pages and 403s served for block verdicts",
    "monitored": "flagged requests let through in monitor mode (logged only)",
    "bypasses": "'proceed anyway' accepted",
    "bypasses_rejected": "'proceed anyway' refused (missing, forged, expired or reused token)",
    "reports": "false alarms reported",
    "credential_reuse": "protected passwords stopped on a site they do not belong to",
    "credential_exceptions": "sites a user marked 'this site is mine too' for a password",
    "brand_claims": "login pages that claim a protected brand on another site (weak signal)",
    "reloads": "rule databases swapped in without a restart",
    "reload_failures": "rule databases that failed to load (the old rules stayed)",
    "errors": "exceptions inside the addon (handled by the fail policy)",
}


class Stats:
    """Thread-safe counters plus the start time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts = dict.fromkeys(COUNTERS, 0)
        self._started = time.time()

    def add(self, name: str, amount: int = 1) -> None:
        """Increase one counter (unknown names are a programming error)."""
        with self._lock:
            self._counts[name] += amount

    def get(self, name: str) -> int:
        """One counter's current value."""
        with self._lock:
            return self._counts[name]

    def snapshot(self) -> dict[str, Any]:
        """All counters and the start time, as a JSON-ready dict."""
        with self._lock:
            counts = dict(self._counts)
        started = datetime.fromtimestamp(self._started, UTC)
        return {
            "since": started.isoformat(timespec="seconds"),
            "uptime_seconds": round(time.time() - self._started, 1),
            "counts": counts,
        }
