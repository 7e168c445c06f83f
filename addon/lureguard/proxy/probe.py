"""The proxy probe: proves to the extension that the browser's requests go through lureguard.

The extension fetches `http://lureguard.invalid/probe?nonce=N`. `.invalid` never resolves
(RFC 2606), so only a proxy can answer it; the answer carries an HMAC of the nonce keyed with
the API token, so neither a hostile resolver nor another proxy can fake it, and it has no CORS
header, so a web page that fetches the same URL cannot read it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from functools import cache
from pathlib import Path

from mitmproxy import http

from lureguard.api.token import load_or_create_token

PROBE_HOST = "lureguard.invalid"
PROBE_PATH = "/probe"
#: Prefix of the HMAC message, so the proof cannot be reused for anything else keyed the same.
PROOF_CONTEXT = "lureguard-probe:"
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def proof(token: str, nonce: str) -> str:
    """The hex HMAC-SHA256 the extension expects for `nonce`."""
    message = (PROOF_CONTEXT + nonce).encode()
    return hmac.new(token.encode(), message, hashlib.sha256).hexdigest()


@cache
def _token(data_dir: Path) -> str:
    return load_or_create_token(data_dir)


def answer(flow: http.HTTPFlow, data_dir: Path | None) -> bool:
    """Answer a probe request in place; False (flow untouched) for any other request."""
    req = flow.request
    if req.pretty_host.lower().rstrip(".") != PROBE_HOST:
        return False
    nonce = req.query.get("nonce", "")
    if req.path.split("?", 1)[0] != PROBE_PATH or not _NONCE.match(nonce):
        error = "expected /probe?nonce=<16 to 128 url-safe characters>"
        flow.response = _json(400, {"service": "lureguard", "error": error})
        return True
    if data_dir is None:
        flow.response = _json(503, {"service": "lureguard", "error": "no data dir is set up"})
        return True
    flow.response = _json(200, {"service": "lureguard", "proof": proof(_token(data_dir), nonce)})
    return True


def _json(status: int, body: dict[str, str]) -> http.Response:
    return http.Response.make(
        status,
        json.dumps(body).encode(),
        {
            "Content-Type": "application/json",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
