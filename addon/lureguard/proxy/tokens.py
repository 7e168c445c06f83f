"""One-time tokens for the warning page's forms ("proceed anyway", "report a false alarm").

A token is `purpose|host|expiry|nonce` signed with HMAC-SHA256 under a per-install secret (a
file in the data dir, mode 0600). The signature binds it to one host, one purpose and an
expiry; the nonce makes it single use. Without the secret no page can forge one, so another
site cannot lift a warning by posting a form. "Proceed anyway" gets one token per duration
(`proceed:day`), all sharing one nonce: the duration the user clicked is the one granted, and
spending any of them spends them all. Spent nonces are kept in the data dir's state.db until
their token expires, so a restart of the proxy does not make a used token good again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lureguard.fsutil import write_atomic
from lureguard.proxy.statedb import StateDB

log = logging.getLogger(__name__)

SECRET_FILE = "bypass.secret"  # noqa: S105 (a file name, not a secret)
#: How long a warning page's forms stay usable.
TOKEN_LIFETIME = 30 * 60


class TokenError(ValueError):
    """The token is missing, forged, expired, for another host, or already used."""


def load_or_create_secret(data_dir: Path) -> bytes:
    """The install's 32-byte secret, created with mode 0600 on first use."""
    path = data_dir / SECRET_FILE
    try:
        data = path.read_bytes()
        if len(data) >= 32:
            return data
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    secret = secrets.token_bytes(32)
    write_atomic(path, secret, 0o600)
    return secret


@dataclass(frozen=True, slots=True)
class Claims:
    """What a valid token says."""

    purpose: str
    host: str
    expires: int
    nonce: str


class TokenSigner:
    """Issues tokens and accepts each one once."""

    def __init__(
        self, secret: bytes, clock: Callable[[], float] = time.time, spent: StateDB | None = None
    ) -> None:
        self._secret = secret
        self._clock = clock
        self._spent = spent
        self._used: dict[str, int] = {}

    def issue(self, purpose: str, host: str, lifetime: int = TOKEN_LIFETIME) -> str:
        """A fresh token for one form on one host's warning page."""
        return self.issue_group([purpose], host, lifetime)[purpose]

    def issue_group(
        self, purposes: list[str], host: str, lifetime: int = TOKEN_LIFETIME
    ) -> dict[str, str]:
        """One token per purpose, all with one nonce: redeeming any of them spends them all."""
        expires = int(self._clock()) + lifetime
        nonce = secrets.token_urlsafe(12)
        tokens = {}
        for purpose in purposes:
            payload = f"{purpose}|{host}|{expires}|{nonce}".encode()
            tokens[purpose] = f"{_b64(payload)}.{_b64(self._sign(payload))}"
        return tokens

    def redeem(self, token: str, purpose: str, host: str) -> Claims:
        """Check a token and mark it used; raises `TokenError` with the reason."""
        claims = self._verify(token)
        if claims.purpose != purpose or claims.host != host:
            raise TokenError("the token was issued for another page")
        now = int(self._clock())
        if claims.expires < now:
            raise TokenError("the token has expired; reload the warning page")
        self._forget_expired(now)
        if claims.nonce in self._used or not self._spend(claims, now):
            raise TokenError("the token was already used")
        self._used[claims.nonce] = claims.expires
        return claims

    def _spend(self, claims: Claims, now: int) -> bool:
        """Record the nonce in the state file; False if it was spent before (by this process
        before a restart, or by another sharing the data dir)."""
        if self._spent is None:
            return True
        try:
            return self._spent.spend(claims.nonce, claims.expires, now)
        except sqlite3.Error as exc:
            # Memory still refuses a replay until the proxy stops.
            log.error("lureguard: cannot record a spent token in %s: %s", self._spent.path, exc)
            return True

    def _verify(self, token: str) -> Claims:
        payload_part, _, sig_part = token.partition(".")
        try:
            payload = _unb64(payload_part)
            signature = _unb64(sig_part)
        except ValueError:
            raise TokenError("the token is malformed") from None
        if not hmac.compare_digest(signature, self._sign(payload)):
            raise TokenError("the token's signature is not valid")
        # Only the host can hold a '|' (a hostile Host header): split around it.
        purpose, _, rest = payload.decode().partition("|")
        host, expires, nonce = rest.rsplit("|", 2)
        return Claims(purpose, host, int(expires), nonce)

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def _forget_expired(self, now: int) -> None:
        if len(self._used) > 1000:
            self._used = {n: exp for n, exp in self._used.items() if exp >= now}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    if not text or len(text) > 2048:
        raise ValueError("bad length")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
