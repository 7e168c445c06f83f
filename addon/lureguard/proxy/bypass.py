"""Timed per-host bypasses granted by 'proceed anyway' (kept in memory: a restart forgets them)."""

from __future__ import annotations

import time
from collections.abc import Callable

#: The choices the warning page offers, in seconds. "visit" is short on purpose: long enough
#: to finish what you came for, short enough that the next click on the same link warns again.
DURATIONS: dict[str, int] = {"visit": 15 * 60, "hour": 60 * 60, "day": 24 * 60 * 60}


class BypassStore:
    """Host → expiry of its bypass."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}

    def grant(self, host: str, seconds: int) -> float:
        """Let `host` through for `seconds`; returns the expiry time."""
        until = self._clock() + seconds
        self._until[host] = max(until, self._until.get(host, 0.0))
        return self._until[host]

    def active(self, host: str) -> bool:
        """True while a bypass for `host` has not expired."""
        until = self._until.get(host)
        if until is None:
            return False
        if until < self._clock():
            del self._until[host]
            return False
        return True
