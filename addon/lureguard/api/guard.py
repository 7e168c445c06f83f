"""The checks every request passes before it reaches a route: Host, Origin, token, rate."""

from __future__ import annotations

import hmac
import threading
import time
from collections.abc import Callable

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def host_allowed(host: str | None, port: int) -> bool:
    """True when the Host header names loopback on our port.

    A DNS-rebinding page reaches us under its own name (evil.example:8081): refusing any
    Host but a loopback literal or `localhost` defeats it.
    """
    if not host:
        return False
    host = host.strip().lower()
    allowed = {f"{name}:{port}" for name in LOOPBACK_NAMES}
    if port == 80:
        allowed.update(LOOPBACK_NAMES)
    return host in allowed


def bearer_matches(header: str | None, token: str) -> bool:
    """Constant-time comparison of an `Authorization: Bearer …` header with the token."""
    if not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.strip().encode(), token.encode())


class RateLimiter:
    """A token bucket shared by all clients (everything comes from loopback anyway).

    It bounds the damage of a runaway page or script, not a determined local attacker.
    """

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._last = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Consume one request; 0.0 when allowed, else seconds to wait before retrying."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
            self._last = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return 0.0
            return (1.0 - self._tokens) / self.rate
