"""Ed25519 keys and signatures for rule bundles.

The private key is a PEM (PKCS#8) file readable only by its owner; the public key is one line
of base64 (the raw 32 bytes) so it fits in a policy file as easily as in its own `*.pub` file.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lureguard.deploy.errors import SigningKeyError

PUBLIC_PREFIX = "ed25519:"
PRIVATE_NAME = "lureguard-bundle.key"


@dataclass(frozen=True, slots=True)
class KeyPair:
    """Where `keygen` wrote the two halves of a new key."""

    private: Path
    public: Path
    key_id: str


def key_id(public: Ed25519PublicKey) -> str:
    """A short fingerprint that names a public key in manifests and messages."""
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def public_text(public: Ed25519PublicKey) -> str:
    """The one-line text form of a public key (`ed25519:BASE64`)."""
    return PUBLIC_PREFIX + base64.b64encode(_raw(public)).decode("ascii")


def generate(out_dir: Path, name: str = PRIVATE_NAME, *, force: bool = False) -> KeyPair:
    """Write a new private key (mode 0600) and its `.pub` next to it; never overwrite silently."""
    out_dir.mkdir(parents=True, exist_ok=True)
    private_path = out_dir / name
    public_path = out_dir / (Path(name).stem + ".pub")
    if not force:
        for path in (private_path, public_path):
            if path.exists():
                raise SigningKeyError(f"{path} already exists; refusing to overwrite a signing key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Create with 0600 from the start: a chmod afterwards leaves a window where it is readable.
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
    fd = os.open(private_path, flags, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(private_path, 0o600)
    public = key.public_key()
    public_path.write_text(public_text(public) + "\n", encoding="ascii")
    return KeyPair(private_path, public_path, key_id(public))


def load_private(path: Path) -> Ed25519PrivateKey:
    """Read a private key written by `generate`."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"cannot read private key {path}: {exc.strerror or exc}") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise SigningKeyError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return key


def parse_public(text: str, where: str = "public key") -> Ed25519PublicKey:
    """A public key from its one-line form (with or without `ed25519:`) or a PEM block."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise SigningKeyError(f"{where} is not a valid PEM public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"{where} is not an Ed25519 public key")
        return key
    body = text.removeprefix(PUBLIC_PREFIX)
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise SigningKeyError(
            f"{where} is not base64 ('ed25519:' followed by 44 characters)"
        ) from None
    if len(raw) != 32:
        raise SigningKeyError(f"{where} has {len(raw)} bytes; an Ed25519 public key has 32")
    return Ed25519PublicKey.from_public_bytes(raw)


def load_public(spec: str) -> Ed25519PublicKey:
    """A public key given inline (`ed25519:...`) or as the path of a `.pub` file."""
    if spec.strip().startswith(PUBLIC_PREFIX):
        return parse_public(spec, "the inline public key")
    path = Path(spec).expanduser()
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not text"
        raise SigningKeyError(f"cannot read public key {path}: {reason}") from None
    return parse_public(text, f"public key {path}")


def sign(key: Ed25519PrivateKey, message: bytes) -> str:
    """Signature of `message`, base64."""
    return base64.b64encode(key.sign(message)).decode("ascii")


def verify(public: Ed25519PublicKey, message: bytes, signature: str) -> bool:
    """True when `signature` (base64) is `public`'s signature of `message`."""
    try:
        public.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
