"""state.db: bypasses and spent token nonces outlive the process that wrote them, and expire."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lureguard.proxy.bypass import BypassStore
from lureguard.proxy.statedb import STATE_FILE, StateDB
from lureguard.proxy.tokens import TokenError, TokenSigner

NOW = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


def _open(path: Path, now: float = NOW) -> StateDB:
    state = StateDB.open(path, now)
    assert state is not None
    return state


def test_the_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    state = _open(tmp_path / STATE_FILE)
    state.grant("rnicrosoft.com", NOW + 60)
    assert (tmp_path / STATE_FILE).stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(tmp_path / STATE_FILE) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # A second reader sees the committed row while the writer is still open.
        assert other.execute("SELECT host FROM bypasses").fetchall() == [("rnicrosoft.com",)]
    state.close()


def test_bypasses_survive_a_reopen_and_expire(tmp_path: Path) -> None:
    clock = Clock()
    first = BypassStore(clock, _open(tmp_path / STATE_FILE))
    first.grant("day.example", 86400)
    first.grant("visit.example", 900)
    first.grant("day.example", 60)  # a shorter grant never shortens a running bypass
    # The process ends without any clean-up, and a new one starts 20 minutes later.
    clock.now += 1200
    second = BypassStore(clock, _open(tmp_path / STATE_FILE, clock.now))
    assert second.active("day.example")
    assert not second.active("visit.example")
    clock.now += 86400
    assert not second.active("day.example")
    # Expired rows are dropped when the file is opened.
    _open(tmp_path / STATE_FILE, clock.now).close()
    with sqlite3.connect(tmp_path / STATE_FILE) as raw:
        assert raw.execute("SELECT count(*) FROM bypasses").fetchone() == (0,)


def test_a_spent_token_stays_spent_after_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    signer = TokenSigner(b"k" * 32, clock, _open(tmp_path / STATE_FILE))
    tokens = signer.issue_group(["proceed:visit", "proceed:day"], "rnicrosoft.com")
    signer.redeem(tokens["proceed:visit"], "proceed:visit", "rnicrosoft.com")
    restarted = TokenSigner(b"k" * 32, clock, _open(tmp_path / STATE_FILE))
    for purpose, token in tokens.items():
        with pytest.raises(TokenError, match="already used"):
            restarted.redeem(token, purpose, "rnicrosoft.com")
    fresh = restarted.issue("report", "rnicrosoft.com")
    assert restarted.redeem(fresh, "report", "rnicrosoft.com").purpose == "report"


def test_spent_nonces_are_kept_only_while_their_token_could_be_used(tmp_path: Path) -> None:
    state = _open(tmp_path / STATE_FILE)
    assert state.spend("n1", int(NOW) + 60, NOW)
    assert not state.spend("n1", int(NOW) + 60, NOW)
    assert state.spend("n2", int(NOW) + 3600, NOW + 120)  # n1's token has expired by now
    with sqlite3.connect(tmp_path / STATE_FILE) as raw:
        assert raw.execute("SELECT nonce FROM spent_tokens").fetchall() == [("n2",)]


def test_a_damaged_file_is_moved_aside_and_replaced(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / STATE_FILE).write_bytes(b"this is not a database" * 100)
    state = _open(tmp_path / STATE_FILE)
    state.grant("a.example", NOW + 60)
    assert state.bypasses(NOW) == {"a.example": NOW + 60}
    aside = [p.name for p in tmp_path.iterdir() if ".broken-" in p.name]
    assert len(aside) == 1
    assert "is damaged" in caplog.text


def test_without_a_usable_file_everything_stays_in_memory(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).mkdir()  # cannot be opened nor moved aside as a file
    (tmp_path / STATE_FILE / "keep").write_text("x")
    assert StateDB.open(tmp_path / STATE_FILE) is None
    store = BypassStore(Clock(), None)
    store.grant("a.example", 60)
    assert store.active("a.example")
