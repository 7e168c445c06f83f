"""What the proxy must remember across a restart: bypasses and spent proceed-token nonces.

Both live in `state.db` in the data dir (SQLite, WAL, mode 0600), written through one
connection of the proxy process, and read back when it starts. Without it a restart would
forget a user's "proceed for 1 day" and let a used token be replayed within its life.
Rows expire with what they stand for: a bypass at its end, a nonce when its token would have
expired anyway (a token past its expiry is refused before the nonce is looked at).

Spending a nonce is one INSERT into a primary key, so a token is accepted once even when two
processes share the data dir. When the file cannot be used (a read-only disk, a damaged file
that cannot be replaced) the proxy keeps both in memory, as before, and says so in its log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

from lureguard.fsutil import move_aside

log = logging.getLogger(__name__)

STATE_FILE = "state.db"
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS bypasses (host TEXT PRIMARY KEY, until REAL NOT NULL);
CREATE TABLE IF NOT EXISTS spent_tokens (nonce TEXT PRIMARY KEY, expires INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS bypasses_until ON bypasses (until);
CREATE INDEX IF NOT EXISTS spent_tokens_expires ON spent_tokens (expires);
"""


class StateDB:
    """The proxy's persistent state; every method is safe to call from any thread."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path, now: float | None = None) -> StateDB | None:
        """Open (or create) the state file, dropping expired rows; None when it cannot be
        used at all (logged). A file that is not a usable database is moved aside first."""
        try:
            return cls._open(path, now)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                log.error("lureguard: %s is locked (%s); bypasses stay in memory", path, exc)
                return None
            try:
                aside = move_aside(path, "broken")
                log.error("lureguard: %s is damaged (%s); moved to %s", path, exc, aside.name)
                for extra in ("-wal", "-shm"):
                    path.with_name(path.name + extra).unlink(missing_ok=True)
                return cls._open(path, now)
            except (OSError, sqlite3.Error) as again:
                log.error(
                    "lureguard: cannot recreate %s (%s); bypasses stay in memory", path, again
                )
                return None
        except OSError as exc:
            log.error("lureguard: cannot use %s (%s); bypasses stay in memory", path, exc)
            return None

    @classmethod
    def _open(cls, path: Path, now: float | None) -> StateDB:
        # Created 0600 before SQLite opens it (its -wal and -shm files copy the mode).
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # A spent token must stay spent after a power cut: flush at every commit (the
            # writes are a user's clicks, a few a day).
            conn.execute("PRAGMA synchronous=FULL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise sqlite3.DatabaseError(f"schema {version} is newer than this lureguard's")
            conn.executescript(_SCHEMA)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            state = cls(conn, path)
            state.expire(time.time() if now is None else now)
        except BaseException:
            conn.close()
            raise
        return state

    def bypasses(self, now: float) -> dict[str, float]:
        """Host → expiry of every bypass still running at `now`."""
        with self._lock:
            rows = self._conn.execute("SELECT host, until FROM bypasses WHERE until >= ?", (now,))
            return {str(host): float(until) for host, until in rows}

    def grant(self, host: str, until: float) -> None:
        """Record a bypass of `host` until `until` (a longer one already granted is kept)."""
        with self._lock:
            self._conn.execute(
                "INSERT INTO bypasses (host, until) VALUES (?, ?) "
                "ON CONFLICT (host) DO UPDATE SET until = max(until, excluded.until)",
                (host, until),
            )

    def spend(self, nonce: str, expires: int, now: float) -> bool:
        """Mark a token's nonce used; False when it already was."""
        with self._lock:
            self._conn.execute("DELETE FROM spent_tokens WHERE expires < ?", (int(now),))
            try:
                self._conn.execute(
                    "INSERT INTO spent_tokens (nonce, expires) VALUES (?, ?)", (nonce, expires)
                )
            except sqlite3.IntegrityError:
                return False
            return True

    def expire(self, now: float) -> None:
        """Drop bypasses that ended and nonces of tokens that expired before `now`."""
        with self._lock:
            self._conn.execute("DELETE FROM bypasses WHERE until < ?", (now,))
            self._conn.execute("DELETE FROM spent_tokens WHERE expires < ?", (int(now),))

    def close(self) -> None:
        """Close the connection (WAL contents are checkpointed into the file)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()
