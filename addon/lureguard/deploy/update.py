"""One update check: fetch the manifest, verify it, download the database, swap it in.

Order matters for safety: nothing in the data dir changes until the manifest's signature, the
version (no downgrades), the database's size and SHA-256 and its schema have all been checked.
The new database then replaces `rules.db` by one rename, which the proxy's hot reload sees as a
single change. Any failure raises `UpdateError` and leaves the installed rules as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lureguard.deploy import fetch, signing
from lureguard.deploy import manifest as mf
from lureguard.deploy.bundle import write_atomic
from lureguard.deploy.errors import UpdateError
from lureguard.deploy.extras import Extras, merge_into
from lureguard.deploy.state import UpdateState, bundle_dir
from lureguard.fsutil import atomic_path
from lureguard.paths import RULES_DB_NAME, ensure_data_dir
from lureguard.ruledata.database import SCHEMA_VERSION

MAX_MANIFEST = 64 * 1024
DEFAULT_MAX_DB = 1 << 30
DEFAULT_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What a check did: `installed` a new version, or found it `unchanged`."""

    outcome: str
    version: int
    message: str


@dataclass(frozen=True, slots=True)
class Source:
    """Where bundles come from and who must have signed them."""

    url: str
    public: Ed25519PublicKey

    @property
    def manifest_url(self) -> str:
        """The manifest inside the published directory (or the URL itself if it names one)."""
        if self.url.endswith(".json"):
            return self.url
        return self.url.rstrip("/") + "/" + mf.MANIFEST_NAME

    def file_url(self, name: str) -> str:
        """A file published beside the manifest."""
        return self.manifest_url.rsplit("/", 1)[0] + "/" + name


def run_update(
    data_dir: Path,
    source: Source,
    extras: Extras | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_DB,
) -> UpdateResult:
    """Check `source` once and install a newer bundle; raises `UpdateError` on any failure."""
    ensure_data_dir(data_dir)
    extras = extras or Extras()
    state = UpdateState.load(data_dir)
    state.checked_at = _now()
    try:
        result = _check(data_dir, source, extras, state, timeout, max_bytes)
    except UpdateError as exc:
        state.last_error = str(exc)
        state.save(data_dir)
        raise
    state.last_error = ""
    state.save(data_dir)
    return result


def _check(
    data_dir: Path,
    source: Source,
    extras: Extras,
    state: UpdateState,
    timeout: float,
    max_bytes: int,
) -> UpdateResult:
    pristine = bundle_dir(data_dir) / RULES_DB_NAME
    installed = pristine.is_file() and (data_dir / RULES_DB_NAME).is_file()
    same_source = installed and state.url == source.url
    where = source.manifest_url
    reply = fetch.get(
        where,
        timeout=timeout,
        max_bytes=MAX_MANIFEST,
        etag=state.etag if same_source else "",
        last_modified=state.last_modified if same_source else "",
    )
    if reply.status == 304:
        return _unchanged(data_dir, extras, state, "not modified since the last check")
    manifest = mf.parse(reply.body, where)
    mf.verify(manifest, source.public, where)
    if installed and manifest.version < state.version:
        raise UpdateError(
            f"bundle version {manifest.version} at {where} is older than the installed "
            f"version {state.version}; refusing to downgrade"
        )
    if installed and manifest.version == state.version:
        if manifest.sha256 != state.sha256:
            raise UpdateError(
                f"bundle version {manifest.version} at {where} has different contents than "
                "the installed bundle of the same version; refusing it"
            )
        _remember(state, source, reply)
        return _unchanged(data_dir, extras, state, "already installed")
    if manifest.schema_version != str(SCHEMA_VERSION):
        raise UpdateError(
            f"bundle version {manifest.version} uses rules schema {manifest.schema_version}; "
            f"this lureguard reads schema {SCHEMA_VERSION}: upgrade lureguard first"
        )
    if manifest.size > max_bytes:
        raise UpdateError(
            f"bundle database is {manifest.size} bytes, more than the limit of {max_bytes}"
        )
    _install(data_dir, source, manifest, extras, timeout)
    _remember(state, source, reply)
    state.version = manifest.version
    state.sha256 = manifest.sha256
    state.key_id = manifest.key_id
    state.extras = extras.digest()
    state.updated_at = state.checked_at
    return UpdateResult("installed", manifest.version, f"installed rule bundle {manifest.version}")


def _unchanged(data_dir: Path, extras: Extras, state: UpdateState, why: str) -> UpdateResult:
    """Nothing new upstream; re-merge only if the policy's own entries changed."""
    if extras.digest() != state.extras:
        pristine = bundle_dir(data_dir) / RULES_DB_NAME
        _swap_in(data_dir, pristine, extras)
        state.extras = extras.digest()
        return UpdateResult(
            "installed", state.version, f"bundle {state.version} {why}; policy entries re-applied"
        )
    return UpdateResult("unchanged", state.version, f"bundle {state.version} {why}")


def _remember(state: UpdateState, source: Source, reply: fetch.Response) -> None:
    state.url = source.url
    state.etag = reply.etag
    state.last_modified = reply.last_modified


def _install(
    data_dir: Path, source: Source, manifest: mf.Manifest, extras: Extras, timeout: float
) -> None:
    target = bundle_dir(data_dir)
    target.mkdir(mode=0o700, exist_ok=True)
    url = source.file_url(manifest.database)
    # Renamed into the bundle dir only after it is verified and swapped into the data dir.
    with atomic_path(target / RULES_DB_NAME) as tmp:
        hasher = hashlib.sha256()
        with open(tmp, "wb") as sink:
            fetch.get(
                url, timeout=timeout, max_bytes=manifest.size, sink=sink, on_chunk=hasher.update
            )
        size = tmp.stat().st_size
        if size != manifest.size:
            raise UpdateError(
                f"download of {url} was truncated: got {size} of {manifest.size} bytes"
            )
        if hasher.hexdigest() != manifest.sha256:
            raise UpdateError(
                f"{url} does not match the signed manifest's SHA-256 "
                "(the database was altered or corrupted)"
            )
        _check_database(tmp, url)
        _swap_in(data_dir, tmp, extras)
    write_atomic(target / mf.MANIFEST_NAME, manifest.to_json(), mode=0o600)


def _swap_in(data_dir: Path, database: Path, extras: Extras) -> None:
    """Replace the data dir's rules.db with `database` (plus policy entries) in one rename."""
    try:
        with atomic_path(data_dir / RULES_DB_NAME) as tmp:
            shutil.copyfile(database, tmp)
            merge_into(tmp, extras, data_dir)
    except sqlite3.Error as exc:
        raise UpdateError(f"cannot prepare the rules database: {exc}") from None
    except OSError as exc:
        raise UpdateError(f"cannot write {data_dir / RULES_DB_NAME}: {exc.strerror}") from None


def _check_database(path: Path, url: str) -> None:
    """The signed bytes must also be a lureguard database of the schema this version reads."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            conn.execute("SELECT count(*) FROM host_entries").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        raise UpdateError(f"{url} is not a lureguard rules database") from None
    if row is None or row[0] != str(SCHEMA_VERSION):
        raise UpdateError(f"{url} has rules schema {row and row[0]}, expected {SCHEMA_VERSION}")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def source_from(url: str, pubkey: str) -> Source:
    """A `Source` from the URL and the public key spec (path or inline `ed25519:`)."""
    return Source(url, signing.load_public(pubkey))
