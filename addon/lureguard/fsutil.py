"""File-system helpers: atomic writes of rules databases, and bounded reads of rule files.

Rule files and host lists may come from anyone (a shared rules repository, a feed mirror), so
they are read only if they are regular files, and only up to `MAX_READ_BYTES`: a symlink to
`/dev/zero` or a FIFO named like a host list must give an error, not a hang or a dead process.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

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
