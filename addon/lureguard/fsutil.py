"""File-system helpers: atomic writes (temp file and rename), and bounded reads of rule files.

Every file lureguard replaces (rules databases, rule files from importers, bundle manifests,
state, secrets) is written through `atomic_path`: a temp file beside the target, fsynced and
renamed over it, so a reader sees the old file or the new one, never half of one. A process
killed mid-write leaves its temp behind; the temp's name carries the writer's process id, and
the next write of the same target removes temps whose writer is gone (`clean_stale_temps`).

Rule files and host lists may come from anyone (a shared rules repository, a feed mirror), so
they are read only if they are regular files, and only up to `MAX_READ_BYTES`: a symlink to
`/dev/zero` or a FIFO named like a host list must give an error, not a hang or a dead process.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

#: The most a rule file or a host list may hold: several times the largest public feed, and
#: little enough to read into memory on any machine that runs a proxy.
MAX_READ_BYTES = 64 * 2**20

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


#: A temp whose writer may still be alive is removed only after this long (no write of ours
#: takes an hour; where process ids cannot be checked, age is the only test).
STALE_AFTER = 3600.0
_TEMP = re.compile(r"^\.(?P<target>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
#: mkstemp's names, as lureguard before 0.2 left them (`.rules.db.k3j_x9q2.tmp`).
_LEGACY_TEMP = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp$")


class RefusedFileError(OSError):
    """A path that is not a regular file, or a file over the size limit (`strerror` says which)."""


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry (a rename) to disk; best effort where the OS cannot."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def temp_path(target: Path) -> Path:
    """A fresh temp file (mode 0600, empty) beside `target`, named for it and this process."""
    while True:
        path = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path


@contextlib.contextmanager
def atomic_path(target: Path, mode: int | None = None) -> Iterator[Path]:
    """Yield a temp path to fill; on success it is fsynced, given `mode` and renamed over
    `target` (then the directory is fsynced); on any exception it is removed instead.

    Stale temps of `target` left by killed writers are removed first.
    """
    clean_stale_temps(target.parent, target.name)
    tmp = temp_path(target)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(target.parent)


@contextlib.contextmanager
def scratch_path(target: Path) -> Iterator[Path]:
    """Yield a temp path beside `target` for work that is never renamed; always removed."""
    clean_stale_temps(target.parent, target.name)
    tmp = temp_path(target)
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_atomic(target: Path, data: bytes | str, mode: int = 0o600) -> None:
    """Replace `target` with `data` (text is written as UTF-8) via `atomic_path`."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target, mode) as tmp, open(tmp, "wb") as handle:
        handle.write(raw)


def read_json_object(path: Path) -> dict[str, Any]:
    """A JSON object kept in a file (a record of what a command changed), or {} when the
    file is missing, unreadable or holds anything else."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def move_aside(path: Path, why: str) -> Path:
    """Rename a damaged file to `NAME.WHY-TIME` beside it (kept for a look, out of the way)."""
    aside = path.with_name(f"{path.name}.{why}-{int(time.time())}")
    os.replace(path, aside)
    return aside


def clean_stale_temps(directory: Path, target: str | None = None) -> list[Path]:
    """Remove temps (of `target`, or of any file) in `directory` whose writer is gone;
    returns what was removed. Never raises: cleaning is a courtesy, not a step of the write."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        found = _TEMP.match(entry.name)
        legacy = None if found else _LEGACY_TEMP.match(entry.name)
        match = found or legacy
        if match is None or (target is not None and match["target"] != target):
            continue
        if legacy is not None and target is None:
            continue  # an old-style name is only recognised next to its own target
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            writer = int(found["pid"]) if found else None
            if age < STALE_AFTER and (writer is None or _alive(writer)):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` exists (assumed alive where that cannot be asked safely)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        return True  # os.kill would terminate it there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading if it is a regular file (after symlinks); raise OSError if not.

    Checked before opening, since opening a FIFO waits for a writer and a device may act on
    open, and again on the open file, opened non-blocking in case the path changed meanwhile.
    """
    _require_regular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _require_regular(os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular(path: Path, limit: int = MAX_READ_BYTES) -> bytes:
    """The bytes of regular file `path`; raise OSError if it is anything else or over `limit`."""
    with open_regular(path) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise RefusedFileError(errno.EFBIG, f"file is larger than {_size(limit)}")
    return data


def _require_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "a special file")
        raise RefusedFileError(errno.EINVAL, f"not a regular file ({kind})")


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} bytes"


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created mode 0600, kept) for the block: one
    read-modify-write of a shared file at a time, across threads and processes (flock)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


#: Size and rotated copies of the record files the proxy and its API append to (reports,
#: bypasses, credential events): years of a person's clicks fit, a flood does not fill a disk.
RECORDS_MAX_BYTES = 5 * 1024**2
RECORDS_BACKUPS = 2


def append_record(
    path: Path, line: str, max_bytes: int = RECORDS_MAX_BYTES, backups: int = RECORDS_BACKUPS
) -> None:
    """Append one line to a record file (mode 0600) through `RotatingFile`, opened for this
    line only: the proxy and its API both append to `reports.jsonl`, and a writer that kept
    its file open would go on writing into the other's rotated copy. Callers hold a lock."""
    record = RotatingFile(path, max_bytes, backups)
    try:
        record.write(line)
    finally:
        record.close()


class RotatingFile:
    """Lines appended to a file (mode 0600) that rotates to `.1` ... `.N` at `max_bytes`.

    The one rotation of lureguard: the event log in the data dir, the SIEM file sink and the
    record files (`append_record`) all write through it. Not thread-safe: callers hold their
    own lock.
    """

    def __init__(self, path: Path, max_bytes: int = 10 * 1024**2, backups: int = 5) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self._file: TextIO | None = None

    def write(self, line: str) -> None:
        """Append `line` (with its newline) and flush, rotating first when it would pass the
        size limit (a line longer than the limit still goes into a file of its own)."""
        handle = self._open()
        if handle.tell() and handle.tell() + len(line.encode()) > self.max_bytes:
            self._rotate()
            handle = self._open()
        handle.write(line)
        handle.flush()

    def close(self) -> None:
        """Close the file; the next write reopens it."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def _open(self) -> TextIO:
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._file = os.fdopen(fd, "a", encoding="utf-8")
        return self._file

    def _rotate(self) -> None:
        self.close()
        if self.backups <= 0:
            self.path.unlink(missing_ok=True)
            return
        for index in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            if older.exists():
                os.replace(older, self.path.with_name(f"{self.path.name}.{index + 1}"))
        os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
