"""The API's bearer token: generated once per data dir, readable only by its owner."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from lureguard.fsutil import clean_stale_temps, temp_path

TOKEN_FILE = "api-token"  # noqa: S105 (a file name, not a secret)
_MIN_LENGTH = 32


class TokenError(OSError):
    """The token file exists but cannot be used."""


def token_path(data_dir: Path) -> Path:
    """Where the token of `data_dir` lives."""
    return data_dir / TOKEN_FILE


def load_or_create_token(data_dir: Path) -> str:
    """Return the data dir's token, creating it (mode 0600) on first use.

    Creation is atomic (a temp file hard-linked into place), so two processes starting at
    once agree on one token.
    """
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = token_path(data_dir)
    existing = _read(path)
    if existing is not None:
        return existing
    token = secrets.token_urlsafe(32)
    clean_stale_temps(data_dir, TOKEN_FILE)
    tmp = temp_path(path)
    try:
        with open(tmp, "w", encoding="ascii") as out:
            out.write(token + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        else:
            return token
    finally:
        tmp.unlink(missing_ok=True)
    winner = _read(path)
    if winner is None:
        raise TokenError(f"the API token file {path} is empty or unreadable")
    return winner


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"cannot read the API token file {path}: {exc}") from None
    if len(text) < _MIN_LENGTH:
        raise TokenError(
            f"the API token file {path} holds no valid token; delete it to generate a new one"
        )
    if path.stat().st_mode & 0o077:
        # A token others can read lets them use the API: tighten it rather than refuse.
        path.chmod(0o600)
    return text
