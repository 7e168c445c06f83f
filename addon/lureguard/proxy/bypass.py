"""Timed per-host bypasses granted by 'proceed anyway', kept in the data dir's state.db so a
restart of the proxy does not forget them (see statedb.py)."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass

from lureguard.proxy.statedb import StateDB

log = logging.getLogger(__name__)

#: The choices the warning page offers, in seconds. "visit" is short on purpose: long enough
#: to finish what you came for, short enough that the next click on the same link warns again.
DURATIONS: dict[str, int] = {"visit": 15 * 60, "hour": 60 * 60, "day": 24 * 60 * 60}
_LABELS = {"visit": "this visit ({})", "hour": "1 hour", "day": "1 day"}


@dataclass(frozen=True)
class Choice:
    """One 'proceed anyway' button: the form value, its length and what the button says."""

    key: str
    seconds: int
    label: str


def choices(limit: int = 0) -> list[Choice]:
    """The durations offered under a policy's longest bypass (`limit` seconds, 0 = none).

    Only the choices that fit are offered; when none fits, "this visit" is shortened to the
    limit, so a user can still get through for as long as IT allows.
    """
    fitting = [(k, s) for k, s in DURATIONS.items() if not limit or s <= limit]
    if not fitting:
        fitting = [("visit", limit)]
    return [Choice(k, s, _LABELS[k].format(spoken(s))) for k, s in fitting]


def seconds_for(key: str, limit: int = 0) -> int | None:
    """How long a posted choice lasts, never more than `limit` (0 = none); None if unknown.

    The cap applies to every known key, offered or not, so a forged form gets no longer.
    """
    seconds = DURATIONS.get(key)
    if seconds is None:
        return None
    return min(seconds, limit) if limit else seconds


def spoken(seconds: int) -> str:
    """A length as a person says it: `15 min`, `2 hours`, `90 s`."""
    for unit, name in ((86400, "day"), (3600, "hour")):
        if seconds % unit == 0:
            count = seconds // unit
            return f"{count} {name}{'s' if count > 1 else ''}"
    return f"{seconds // 60} min" if seconds % 60 == 0 else f"{seconds} s"


class BypassStore:
    """Host → expiry of its bypass: read from memory, written through to a `StateDB`."""

    def __init__(self, clock: Callable[[], float] = time.time, db: StateDB | None = None) -> None:
        self._clock = clock
        self._until: dict[str, float] = {}
        self._db: StateDB | None = None
        self.attach(db)

    def attach(self, db: StateDB | None) -> None:
        """Keep bypasses in `db` from now on, and take over the ones it holds that still run."""
        self._db = db
        if db is not None:
            for host, until in db.bypasses(self._clock()).items():
                self._until[host] = max(until, self._until.get(host, 0.0))

    def grant(self, host: str, seconds: int) -> float:
        """Let `host` through for `seconds`; returns the expiry time."""
        until = self._clock() + seconds
        self._until[host] = max(until, self._until.get(host, 0.0))
        if self._db is not None:
            try:
                self._db.grant(host, self._until[host])
            except sqlite3.Error as exc:
                # The bypass still holds until the proxy stops; only its persistence failed.
                log.error(
                    "lureguard: cannot record the bypass of %s in %s: %s", host, self._db.path, exc
                )
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
