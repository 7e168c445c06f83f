"""One-time pairing codes: how `lureguard setup` hands the extension its API token safely.

The token itself never goes into a URL: a URL ends up in the browser's argv (readable by every
local user through /proc), in its history and in its session store, and the token never
expires. Instead `setup` writes a short-lived, single-use code bound to one extension origin
into the data dir (only its SHA-256 is kept), puts the code into the link to the extension's
own options page, and the options page trades it for the token at `POST /api/v1/pair`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lureguard.fsutil import exclusive, read_json_object, write_atomic

PAIRING_FILE = "pairing.json"
#: Long enough to start a browser and load the extension; short enough that a code seen in a
#: process list or a history entry is worthless soon after.
CODE_TTL_SECONDS = 600
_CODE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


@dataclass(frozen=True, slots=True)
class Pending:
    """One code waiting to be used: its SHA-256, the origin it is for, when it expires."""

    digest: str
    origin: str
    expires: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form kept in the pairing file."""
        return {"sha256": self.digest, "origin": self.origin, "expires": self.expires}


def pairing_path(data_dir: Path) -> Path:
    """Where the pending codes of `data_dir` are kept."""
    return data_dir / PAIRING_FILE


def new_code(
    data_dir: Path, origin: str, *, ttl: float = CODE_TTL_SECONDS, now: float | None = None
) -> str:
    """Create a code that pairs the extension at `origin` once within `ttl` seconds."""
    code = secrets.token_urlsafe(24)
    moment = time.time() if now is None else now
    with exclusive(_lock_path(data_dir)):
        kept = [p for p in _load(data_dir) if p.expires > moment]
        kept.append(Pending(_digest(code), origin, moment + ttl))
        _save(data_dir, kept)
    return code


def redeem(data_dir: Path, code: str, origin: str, *, now: float | None = None) -> bool:
    """Use `code` for `origin`: True (and the code is gone) when it is pending and fresh."""
    if not _CODE.match(code):
        return False
    moment = time.time() if now is None else now
    wanted = _digest(code)
    # One redeemer at a time (the API's threads, `lureguard pair` adding a code): two requests
    # racing with one code must not both read it as pending.
    with exclusive(_lock_path(data_dir)):
        pending = _load(data_dir)
        match = next(
            (p for p in pending if hmac.compare_digest(p.digest, wanted) and p.origin == origin),
            None,
        )
        kept = [p for p in pending if p.expires > moment and p is not match]
        if kept != pending:
            _save(data_dir, kept)
    return match is not None and match.expires > moment


def _lock_path(data_dir: Path) -> Path:
    return data_dir / f".{PAIRING_FILE}.lock"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _load(data_dir: Path) -> list[Pending]:
    entries = read_json_object(pairing_path(data_dir)).get("codes", [])
    found = []
    for entry in entries if isinstance(entries, list) else []:
        try:
            digest, origin = str(entry["sha256"]), str(entry["origin"])
            found.append(Pending(digest, origin, float(entry["expires"])))
        except (KeyError, TypeError, ValueError):
            continue  # a damaged entry pairs nothing
    return found


def _save(data_dir: Path, pending: list[Pending]) -> None:
    if not pending:
        pairing_path(data_dir).unlink(missing_ok=True)
        return
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    text = json.dumps({"codes": [p.to_dict() for p in pending]}, indent=1) + "\n"
    write_atomic(pairing_path(data_dir), text)
