"""Hot reload: notice a new rules database and swap engines between requests, never mid-request.

The file's identity (inode, size, mtime) is checked at most once a second from the proxy's own
hooks; a change starts a load in a background thread so traffic never waits for it. A database
that fails to load is reported once (per file version) and the old engine stays.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lureguard.engine import Engine
from lureguard.proxy.checker import Checker
from lureguard.ruledata.database import RuleDatabaseError

log = logging.getLogger(__name__)
Signature = tuple[int, int, int]
CHECK_INTERVAL = 1.0


def signature(path: Path) -> Signature | None:
    """What identifies one version of the file, or None when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class EngineHolder:
    """The current Checker, replaced when the database file changes."""

    def __init__(
        self,
        path: Path,
        engine: Engine,
        on_swap: Callable[[Checker], None] = lambda _c: None,
        on_failure: Callable[[str], None] = lambda _m: None,
        interval: float = CHECK_INTERVAL,
    ) -> None:
        self.path = path
        self.checker = Checker(engine)
        self._on_swap = on_swap
        self._on_failure = on_failure
        self._interval = interval
        self._seen = signature(path)
        self._failed: Signature | None = None
        self._next_check = time.monotonic() + interval
        self._loading: threading.Thread | None = None

    def current(self) -> Checker:
        """The checker to use for this request; may start a reload in the background."""
        now = time.monotonic()
        if now >= self._next_check:
            self._next_check = now + self._interval
            self.poll()
        return self.checker

    def poll(self) -> None:
        """Start loading the file if it changed since the last load (or failed load)."""
        if self._loading is not None and self._loading.is_alive():
            return
        sig = signature(self.path)
        if sig is None or sig == self._seen or sig == self._failed:
            return
        self._loading = threading.Thread(
            target=self._load, args=(sig,), name="lureguard-reload", daemon=True
        )
        self._loading.start()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until a running load finished (tests and shutdown)."""
        if self._loading is not None:
            self._loading.join(timeout)

    def _load(self, sig: Signature) -> None:
        try:
            engine = Engine.from_db(self.path)
        except RuleDatabaseError as exc:
            self._fail(sig, str(exc))
            return
        except Exception as exc:  # a broken file must never take the proxy down
            self._fail(sig, f"rules database {self.path} failed to load: {exc!r}")
            return
        if signature(self.path) != sig:
            # Replaced again while loading: the next poll loads the newer one.
            return
        self.checker = Checker(engine)
        self._seen = sig
        self._failed = None
        self._on_swap(self.checker)

    def _fail(self, sig: Signature, message: str) -> None:
        self._failed = sig
        self._on_failure(message)
