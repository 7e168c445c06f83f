"""Periodic `update` inside the running proxy: on the policy's interval, with jitter and backoff.

A fleet of laptops that boot at 9:00 must not hit the bundle host at the same second, so the
first check waits a random part of a minute and every interval is spread by ±10 %. After a
failure the next try comes sooner (1 min, 2, 4, ... never later than the interval), so a
short outage of the host heals quickly without hammering it.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

FIRST_DELAY_MAX = 60.0
JITTER = 0.1
BACKOFF_START = 60.0


def next_delay(
    interval: float,
    failures: int,
    rand: Callable[[], float] = random.random,
) -> float:
    """Seconds until the next check: the interval (or a backoff step) with ±JITTER spread."""
    base = interval if failures == 0 else min(interval, BACKOFF_START * 2 ** (failures - 1))
    return base * (1 - JITTER + 2 * JITTER * rand())


class UpdatePoller:
    """Calls `check` forever in a daemon thread; `check` raising counts as a failure."""

    def __init__(
        self,
        check: Callable[[], object],
        interval: float,
        *,
        on_error: Callable[[Exception], None] = lambda _e: None,
        first_delay: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.check = check
        self.interval = interval
        self.on_error = on_error
        self.failures = 0
        self.runs = 0
        self._rand = rand
        self._first = (
            first_delay if first_delay is not None else min(interval, FIRST_DELAY_MAX) * rand()
        )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="lureguard-update", daemon=True)

    def start(self) -> UpdatePoller:
        """Begin polling."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current check (if any) finishes."""
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        delay = self._first
        while not self._stop.wait(delay):
            try:
                self.check()
            except Exception as exc:  # the poller must outlive any single failure
                self.failures += 1
                self.on_error(exc)
            else:
                self.failures = 0
            self.runs += 1
            delay = next_delay(self.interval, self.failures, self._rand)
