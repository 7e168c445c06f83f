"""The bundle manifest (contract): what a published rule database is, and who vouches for it.

`manifest.json` names the database file, its size and SHA-256, a version that only goes up, and
an Ed25519 signature over every other field in canonical JSON. Clients trust the manifest only
after the signature verifies, and the database only after its hash matches the manifest.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lureguard.deploy import signing
from lureguard.deploy.errors import UpdateError

FORMAT = "lureguard-bundle/1"
MANIFEST_NAME = "manifest.json"
_DB_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.db$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Manifest:
    """A bundle's signed description."""

    version: int
    database: str
    sha256: str
    size: int
    ruleset_hash: str
    schema_version: str
    lureguard_version: str
    created: str
    key_id: str
    signature: str = ""
    format: str = FORMAT

    def signed_fields(self) -> dict[str, Any]:
        """Every field except the signature: what the signature covers."""
        fields = asdict(self)
        del fields["signature"]
        return fields

    def message(self) -> bytes:
        """The canonical bytes that are signed."""
        return canonical(self.signed_fields())

    def signed_by(self, key: Ed25519PrivateKey) -> Manifest:
        """A copy carrying `key`'s signature (and its key id)."""
        unsigned = Manifest(**{**self.signed_fields(), "key_id": signing.key_id(key.public_key())})
        return Manifest(
            **{**unsigned.signed_fields(), "signature": signing.sign(key, unsigned.message())}
        )

    def to_json(self) -> bytes:
        """The file as published."""
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode("ascii") + b"\n"


def canonical(fields: dict[str, Any]) -> bytes:
    """Deterministic JSON: sorted keys, no whitespace, ASCII only."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def parse(raw: bytes, where: str) -> Manifest:
    """Parse a manifest's JSON and check its shape (not yet its signature)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise UpdateError(f"manifest {where} is not valid JSON") from None
    if not isinstance(data, dict):
        raise UpdateError(f"manifest {where} is not a JSON object")
    if data.get("format") != FORMAT:
        raise UpdateError(
            f"manifest {where} has format {data.get('format')!r}; this lureguard reads {FORMAT}"
        )
    expected = {name: kind for name, kind in Manifest.__annotations__.items()}
    missing = sorted(set(expected) - set(data))
    if missing:
        raise UpdateError(f"manifest {where} lacks the field(s) {', '.join(missing)}")
    unknown = sorted(set(data) - set(expected))
    if unknown:
        raise UpdateError(f"manifest {where} has unknown field(s) {', '.join(unknown)}")
    for name, kind in expected.items():
        wanted = int if kind == "int" else str
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, wanted):
            raise UpdateError(f"manifest {where}: field '{name}' must be {kind}")
    manifest = Manifest(**data)
    if not _DB_NAME.match(manifest.database):
        raise UpdateError(f"manifest {where} names an invalid database file {manifest.database!r}")
    if not _SHA256.match(manifest.sha256):
        raise UpdateError(f"manifest {where} has an invalid sha256 {manifest.sha256!r}")
    if manifest.size <= 0 or manifest.version <= 0:
        raise UpdateError(f"manifest {where} has a non-positive size or version")
    return manifest


def verify(manifest: Manifest, public: Ed25519PublicKey, where: str) -> None:
    """Raise `UpdateError` unless `public` signed exactly these manifest fields."""
    trusted = signing.key_id(public)
    if manifest.key_id != trusted:
        raise UpdateError(
            f"manifest {where} is signed by key {manifest.key_id}, "
            f"but the configured public key is {trusted}"
        )
    if not signing.verify(public, manifest.message(), manifest.signature):
        raise UpdateError(f"manifest {where} has a bad signature: it was altered after signing")
