"""Build a signed rule bundle: compile the rules, hash the database, sign a manifest.

The output directory is what IT publishes as-is on a static host or CDN. Each database carries
its version in its file name, so a cache that still serves an old `manifest.json` never pairs it
with a newer database; the previous database is kept for clients mid-download.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from lureguard import __version__, fsutil
from lureguard.deploy import manifest as mf
from lureguard.deploy import signing
from lureguard.deploy.errors import BundleError
from lureguard.ruleset.build import compile_dir
from lureguard.ruleset.compile import CompileResult

KEEP_DATABASES = 2


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What `build` published."""

    manifest: mf.Manifest
    database: Path
    manifest_path: Path
    compiled: CompileResult


def next_version(out_dir: Path, now: dt.datetime | None = None) -> int:
    """A UTC timestamp as YYYYMMDDHHMMSS, bumped past the version already in `out_dir`."""
    now = now or dt.datetime.now(dt.UTC)
    candidate = int(now.strftime("%Y%m%d%H%M%S"))
    previous = _published_version(out_dir)
    return max(candidate, previous + 1)


def build(rules: list[Path], key_path: Path, out_dir: Path) -> BuildResult:
    """Compile `rules`, write `rules-<version>.db` and a signed `manifest.json` into `out_dir`.

    Raises `RuleSetError` for rule errors, `SigningKeyError` for key problems.
    """
    key = signing.load_private(key_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    version = next_version(out_dir)
    database = out_dir / f"rules-{version}.db"
    compiled = compile_dir(rules, database)
    os.chmod(database, 0o644)  # published as-is: the web server must be able to read it
    digest, size = file_digest(database)
    unsigned = mf.Manifest(
        version=version,
        database=database.name,
        sha256=digest,
        size=size,
        ruleset_hash=compiled.digest,
        schema_version=_meta(database, "schema_version"),
        lureguard_version=__version__,
        created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        key_id="",
    )
    signed = unsigned.signed_by(key)
    manifest_path = out_dir / mf.MANIFEST_NAME
    write_atomic(manifest_path, signed.to_json())
    _prune(out_dir, keep=database)
    return BuildResult(signed, database, manifest_path, compiled)


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size of a file."""
    hasher = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
    return hasher.hexdigest(), size


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` to a temp file beside `path`, fsync it and rename it over `path`."""
    fsutil.write_atomic(path, data, mode)


def _published_version(out_dir: Path) -> int:
    path = out_dir / mf.MANIFEST_NAME
    if not path.is_file():
        return 0
    try:
        version = json.loads(path.read_text(encoding="utf-8")).get("version", 0)
    except (OSError, ValueError, AttributeError):
        raise BundleError(
            f"{path} exists but is not a readable manifest; move it away before building"
        ) from None
    return version if isinstance(version, int) else 0


def _meta(database: Path, key: str) -> str:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    finally:
        conn.close()
    return str(row[0]) if row else ""


def _prune(out_dir: Path, keep: Path) -> None:
    """Delete all but the newest KEEP_DATABASES published databases."""
    published = sorted(
        (p for p in out_dir.glob("rules-*.db") if p.stem.removeprefix("rules-").isdigit()),
        key=lambda p: int(p.stem.removeprefix("rules-")),
    )
    for old in published[:-KEEP_DATABASES]:
        if old != keep:
            with contextlib.suppress(OSError):
                old.unlink()
