"""The in-process update poller: jittered interval, quick backoff, survives errors."""

from __future__ import annotations

import threading

import pytest

from lureguard.deploy.poller import UpdatePoller, next_delay


def test_interval_is_spread_by_ten_percent() -> None:
    assert next_delay(3600, 0, lambda: 0.0) == pytest.approx(3240)
    assert next_delay(3600, 0, lambda: 1.0) == pytest.approx(3960)


def test_failures_back_off_from_a_minute_up_to_the_interval() -> None:
    middle = lambda: 0.5  # noqa: E731 (no jitter)
    assert [next_delay(3600, n, middle) for n in range(1, 8)] == [
        60, 120, 240, 480, 960, 1920, 3600
    ]  # fmt: skip


def test_poller_keeps_going_after_errors_and_resets_backoff() -> None:
    outcomes = iter([RuntimeError("host down"), None, None])
    errors: list[Exception] = []
    done = threading.Event()
    calls = []

    def check() -> None:
        calls.append(1)
        outcome = next(outcomes, None)
        if len(calls) >= 3:
            done.set()
        if outcome is not None:
            raise outcome

    poller = UpdatePoller(check, 0.01, on_error=errors.append, first_delay=0.0, rand=lambda: 0.5)
    # A failure's backoff is capped by the (tiny) interval, so the test needs no long waits.
    poller.start()
    assert done.wait(10)
    poller.stop()
    assert [str(e) for e in errors] == ["host down"]
    assert poller.failures == 0
    assert poller.runs >= 3
