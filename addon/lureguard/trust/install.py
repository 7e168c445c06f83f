"""Install the proxy's CA into every store browsers read, record it, and undo exactly that.

The certificate goes in under a nickname (NSS) or file name (system store) made from its own
SHA-256, so it names this install alone; uninstall removes a store's entry only when the
certificate there still has that fingerprint. What install changed is kept in the data dir's
`ca-installed.json`, which uninstall reads (and also any store that holds our nickname).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lureguard.fsutil import read_json_object, write_atomic
from lureguard.trust import nss
from lureguard.trust.errors import TrustError
from lureguard.trust.stores import (
    Kind,
    Store,
    chromium_store,
    firefox_stores,
    system_dir,
    system_problem,
    system_refresh_command,
    system_store,
)

RECORD_NAME = "ca-installed.json"
Status = Literal["added", "present", "removed", "absent", "skipped", "failed"]
_MARKS: dict[Status, str] = {
    "added": "+",
    "removed": "-",
    "present": "=",
    "absent": "=",
    "skipped": "!",
    "failed": "✗",
}


@dataclass(frozen=True)
class CA:
    """The proxy's CA certificate and the names it is installed under."""

    pem: Path
    der: bytes

    @classmethod
    def load(cls, pem: Path) -> CA:
        """Read a PEM certificate file."""
        try:
            return cls(pem, ssl.PEM_cert_to_DER_cert(pem.read_text(encoding="ascii")))
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            raise TrustError(f"{pem} is not a readable PEM certificate: {exc}") from None

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the certificate, lowercase hex."""
        return hashlib.sha256(self.der).hexdigest()

    @property
    def nickname(self) -> str:
        """The NSS nickname: names this install and no other certificate."""
        return nickname_for(self.fingerprint)

    @property
    def system_name(self) -> str:
        """The file name in the system store folder."""
        return system_name_for(self.fingerprint)


def nickname_for(fingerprint: str) -> str:
    """`lureguard CA (<first 8 hex digits of the SHA-256>)`."""
    return f"lureguard CA ({fingerprint[:8]})"


def system_name_for(fingerprint: str) -> str:
    """`lureguard-<first 8 hex digits>.crt`."""
    return f"lureguard-{fingerprint[:8]}.crt"


@dataclass(frozen=True)
class Outcome:
    """What happened (or, in a dry run, would happen) to one store."""

    store: Store
    status: Status
    detail: str = ""
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        """Whether the store was (or would be) modified."""
        return self.status in ("added", "removed")

    def line(self) -> str:
        """One line for the terminal: mark, store, path, what."""
        verb = {"added": "would add", "removed": "would remove"}.get(self.status, self.status)
        what = verb if self.dry_run else self.status
        what = "unchanged" if self.status in ("present", "absent") else what
        detail = f"; {self.detail}" if self.detail else ""
        return f"  {_MARKS[self.status]} {self.store.label}: {self.store.path}: {what}{detail}"


def targets(*, system: bool) -> list[Store]:
    """The stores `install` writes to: Chromium's, each Firefox profile's, the system's."""
    found = [chromium_store(), *firefox_stores()]
    return [*found, system_store()] if system else found


def install(ca: CA, data_dir: Path, *, system: bool = True, dry_run: bool = False) -> list[Outcome]:
    """Trust `ca` in every target store; record what was added unless `dry_run`."""
    nss_needed = any(store.is_nss for store in targets(system=False))
    if nss_needed:
        nss.certutil()  # one clear error up front, rather than one per store
    recorded = read_record(data_dir).get("fingerprint")
    if recorded and recorded != ca.fingerprint:
        raise TrustError(
            f"an earlier CA ('{nickname_for(str(recorded))}') is still installed: run "
            "'lureguard ca uninstall' first, then install again"
        )
    outcomes = []
    for store in targets(system=system):
        try:
            outcomes.append(_install_one(ca, store, dry_run))
        except TrustError as exc:
            outcomes.append(Outcome(store, "failed", str(exc), dry_run))
    if not dry_run:
        held = [o.store for o in outcomes if o.status in ("added", "present")]
        _write_record(data_dir, ca.fingerprint, _merge(read_record(data_dir), held))
    return outcomes


def _install_one(ca: CA, store: Store, dry_run: bool) -> Outcome:
    if store.kind == "system":
        return _install_system(ca, store, dry_run)
    created = ""
    if not nss.has_db(store.path):
        created = "with a new certificate database"
        if store.kind == "chromium" and not dry_run:
            nss.create_db(store.path)
    elif (held := nss.certificate(store.path, ca.nickname)) is not None:
        if held == ca.der:
            return Outcome(store, "present", f"'{ca.nickname}' already trusted", dry_run)
        raise TrustError(f"'{ca.nickname}' there is another certificate; left alone")
    if not dry_run:
        nss.add(store.path, ca.nickname, ca.pem)  # creates a Firefox profile's cert9.db too
        if nss.certificate(store.path, ca.nickname) != ca.der:
            raise TrustError("certutil reported success but the certificate is not there")
    detail = f"'{ca.nickname}', trusted for websites (C,,)" + (f"; {created}" if created else "")
    return Outcome(store, "added", detail, dry_run)


def _install_system(ca: CA, store: Store, dry_run: bool) -> Outcome:
    target = store.path / ca.system_name
    problem = system_problem()
    if problem is not None:
        fix = (
            f"to trust it system-wide (curl, Python, most tools) run: sudo cp {ca.pem} "
            f"{system_dir() / ca.system_name} && sudo update-ca-certificates"
        )
        return Outcome(store, "skipped", f"{problem}; {fix}", dry_run)
    if target.is_file() and _file_der(target) == ca.der:
        return Outcome(Store("system", target, store.label), "present", "already trusted", dry_run)
    if target.exists():
        raise TrustError(f"{target} exists and holds another certificate; left alone")
    where = Store("system", target, store.label)
    if dry_run:
        return Outcome(where, "added", _refresh_note(), dry_run)
    write_atomic(target, ca.pem.read_bytes(), mode=0o644)
    return Outcome(where, "added", _refresh(), dry_run)


def uninstall(data_dir: Path, ca: CA | None, *, dry_run: bool = False) -> list[Outcome]:
    """Remove what `install` added (from the record, and any store holding our nickname)."""
    record = read_record(data_dir)
    fingerprint = str(record.get("fingerprint") or (ca.fingerprint if ca else ""))
    if not fingerprint:
        return []
    stores = _recorded_stores(record)
    nickname = nickname_for(fingerprint)
    known = {(s.kind, s.path) for s in stores}
    if nss_available():
        for store in targets(system=False):
            if (store.kind, store.path) in known or not nss.has_db(store.path):
                continue
            if nss.certificate(store.path, nickname) is not None:
                stores.append(store)
    extra = system_dir() / system_name_for(fingerprint)
    if ("system", extra) not in known and extra.is_file():
        stores.append(Store("system", extra, "system trust store"))
    outcomes = []
    for store in stores:
        try:
            outcomes.append(_uninstall_one(store, fingerprint, dry_run))
        except TrustError as exc:
            outcomes.append(Outcome(store, "failed", str(exc), dry_run))
    if not dry_run:
        left = [o.store for o in outcomes if o.status in ("skipped", "failed")]
        if left:
            _write_record(data_dir, fingerprint, left)
        else:
            (data_dir / RECORD_NAME).unlink(missing_ok=True)
    return outcomes


def _uninstall_one(store: Store, fingerprint: str, dry_run: bool) -> Outcome:
    if store.kind == "system":
        return _uninstall_system(store, fingerprint, dry_run)
    nickname = nickname_for(fingerprint)
    if not nss.has_db(store.path):
        return Outcome(store, "absent", "no certificate database any more", dry_run)
    held = nss.certificate(store.path, nickname)
    if held is None:
        return Outcome(store, "absent", f"'{nickname}' is not there (nothing to do)", dry_run)
    if hashlib.sha256(held).hexdigest() != fingerprint:
        return Outcome(store, "skipped", f"'{nickname}' there is another certificate", dry_run)
    if not dry_run:
        nss.delete(store.path, nickname)
    note = "; the database itself stays (Chromium keeps other data in it)"
    return Outcome(store, "removed", f"'{nickname}'" + (note if store.kind == "chromium" else ""),
                   dry_run)  # fmt: skip


def _uninstall_system(store: Store, fingerprint: str, dry_run: bool) -> Outcome:
    path = store.path
    if not path.is_file():
        return Outcome(store, "absent", "the file is gone (nothing to do)", dry_run)
    der = _file_der(path)
    if der is None or hashlib.sha256(der).hexdigest() != fingerprint:
        return Outcome(store, "skipped", "it holds another certificate; left alone", dry_run)
    if not os.access(path.parent, os.W_OK):
        fix = f"sudo rm {shlex.quote(str(path))} && sudo update-ca-certificates"
        return Outcome(store, "skipped", f"not writable by you; run: {fix}", dry_run)
    if dry_run:
        return Outcome(store, "removed", _refresh_note(), dry_run)
    path.unlink()
    return Outcome(store, "removed", _refresh(), dry_run)


def _refresh_note() -> str:
    command = system_refresh_command()
    return f"then {command[0]}" if command else "the store is not refreshed (staging folder)"


def _refresh() -> str:
    command = system_refresh_command()
    if command is None:
        return "not refreshed: a staging folder ($LUREGUARD_SYSTEM_CA_DIR)"
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TrustError(f"{command[0]} failed: {exc}") from None
    if done.returncode != 0:
        raise TrustError(f"{command[0]} failed: {(done.stderr or done.stdout).strip()}")
    return f"ran {command[0]}"


def nss_available() -> bool:
    """Whether certutil can be used (uninstall then also looks for unrecorded entries)."""
    try:
        nss.certutil()
    except TrustError:
        return False
    return True


def _file_der(path: Path) -> bytes | None:
    try:
        return ssl.PEM_cert_to_DER_cert(path.read_text(encoding="ascii"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def read_record(data_dir: Path) -> dict[str, Any]:
    """The record of what `install` added, or {} when there is none (or it is unreadable)."""
    return read_json_object(data_dir / RECORD_NAME)


def _recorded_stores(record: dict[str, Any]) -> list[Store]:
    stores = []
    for entry in record.get("stores", []):
        kind = entry.get("kind") if isinstance(entry, dict) else None
        if kind in ("chromium", "firefox", "system") and isinstance(entry.get("path"), str):
            label = str(entry.get("label") or kind)
            stores.append(Store(_kind(kind), Path(entry["path"]), label))
    return stores


def _kind(value: str) -> Kind:
    return "chromium" if value == "chromium" else "firefox" if value == "firefox" else "system"


def _merge(record: dict[str, Any], held: list[Store]) -> list[Store]:
    merged = {(s.kind, s.path): s for s in _recorded_stores(record)}
    for store in held:
        merged[(store.kind, store.path)] = store
    return list(merged.values())


def _write_record(data_dir: Path, fingerprint: str, stores: list[Store]) -> None:
    record = {
        "version": 1,
        "fingerprint": fingerprint,
        "nickname": nickname_for(fingerprint),
        "stores": [{"kind": s.kind, "path": str(s.path), "label": s.label} for s in stores],
    }
    write_atomic(data_dir / RECORD_NAME, json.dumps(record, indent=2) + "\n")
