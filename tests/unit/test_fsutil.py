"""fsutil: the one temp-and-rename helper, the cleaning of temps killed writers left, and the
one rotating log file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lureguard import fsutil
from lureguard.api.reports import ReportLog
from lureguard.proxy.reports import ReportBook

PACKAGE = Path(fsutil.__file__).resolve().parent


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def test_atomic_path_renames_on_success_and_removes_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "rules.db"
    target.write_bytes(b"old")
    with fsutil.atomic_path(target, 0o640) as tmp:
        assert re.fullmatch(rf"\.rules\.db\.{os.getpid()}\.[0-9a-f]{{8}}\.tmp", tmp.name)
        assert tmp.parent == tmp_path
        tmp.write_bytes(b"new")
        assert target.read_bytes() == b"old"  # readers see the old file until the rename
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640

    def fail_halfway() -> None:
        with fsutil.atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("killed halfway")

    with pytest.raises(RuntimeError):
        fail_halfway()
    assert target.read_bytes() == b"new"
    assert _temps(tmp_path) == []


def test_write_atomic_text_and_bytes(tmp_path: Path) -> None:
    fsutil.write_atomic(tmp_path / "a.txt", "é\n")
    fsutil.write_atomic(tmp_path / "b.bin", b"\x00\x01", mode=0o644)
    assert (tmp_path / "a.txt").read_bytes() == "é\n".encode()
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b.bin").stat().st_mode & 0o777 == 0o644
    assert _temps(tmp_path) == []


def test_the_next_write_removes_temps_of_killed_writers_only(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getppid()
    names = {
        "killed": f".rules.db.{dead}.0123abcd.tmp",
        "running": f".rules.db.{alive}.0123abcd.tmp",
        "other target": f".feed.yaml.{dead}.0123abcd.tmp",
        "old style, fresh": ".rules.db.k3j_x9q2.tmp",
        "old style, old": ".rules.db.a8s7d6f5.tmp",
        "not ours": ".rules.db.tmp",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"debris")
    hour_ago = time.time() - fsutil.STALE_AFTER - 60
    os.utime(tmp_path / names["old style, old"], (hour_ago, hour_ago))
    fsutil.write_atomic(tmp_path / "rules.db", b"fresh")
    assert _temps(tmp_path) == sorted(
        names[k] for k in ("running", "other target", "old style, fresh", "not ours")
    )
    # Without a target, only temps that carry a writer's id are recognised.
    removed = fsutil.clean_stale_temps(tmp_path)
    assert [p.name for p in removed] == [names["other target"]]


def test_a_running_writer_that_stopped_writing_long_ago_is_presumed_gone(tmp_path: Path) -> None:
    stale = tmp_path / f".rules.db.{os.getppid()}.0123abcd.tmp"
    stale.write_bytes(b"")
    old = time.time() - fsutil.STALE_AFTER - 60
    os.utime(stale, (old, old))
    assert fsutil.clean_stale_temps(tmp_path, "rules.db") == [stale]


def test_scratch_path_is_always_removed(tmp_path: Path) -> None:
    with fsutil.scratch_path(tmp_path / "policy-rules.db") as scratch:
        scratch.write_bytes(b"x")
    assert list(tmp_path.iterdir()) == []


def test_only_fsutil_renames_files_into_place() -> None:
    """One temp-and-rename implementation: no other module makes temps beside its targets."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("fsutil.py", "native_build.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("os.replace(", "os.rename(", ".rename(", "mkstemp(", "NamedTemporaryFile"):
            if needle in text:
                offenders.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert offenders == []


def test_rotating_file(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "events.jsonl"
    log = fsutil.RotatingFile(path, max_bytes=25, backups=2)
    for number in range(7):
        log.write(f"line {number:02} ---------\n")  # 18 bytes: one line a file
    log.close()
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "events.jsonl",
        "events.jsonl.1",
        "events.jsonl.2",
    ]
    assert path.read_text() == "line 06 ---------\n"
    assert path.with_name("events.jsonl.2").read_text() == "line 04 ---------\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_record_files_rotate_and_two_writers_share_the_rotation(tmp_path: Path) -> None:
    """The proxy and its API both append to reports.jsonl: each line opens the file, so the
    second writer never writes into the copy the first one rotated away."""
    api = ReportLog(tmp_path, max_bytes=200)
    proxy = ReportBook(tmp_path / "reports.jsonl")
    for number in range(12):
        api.append({"n": number, "pad": "x" * 40})
        proxy.record(f"host{number}.example", ["brand/x"], "v1", "warning-page")
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["reports.jsonl", "reports.jsonl.1", "reports.jsonl.2"]
    assert all((tmp_path / name).stat().st_size <= 400 for name in files)
    newest = (tmp_path / "reports.jsonl").read_text().splitlines()
    assert '"host11.example"' in newest[-1]  # nothing written into a rotated copy after it
