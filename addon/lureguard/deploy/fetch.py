"""Bounded HTTP(S) downloads with urllib: a size cap, a total deadline, one clear error.

Every failure becomes an `UpdateError` whose message says what went wrong and with which URL,
so `lureguard update` can print it as one line.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from lureguard import __version__
from lureguard.deploy.errors import UpdateError

CHUNK = 64 * 1024
USER_AGENT = f"lureguard/{__version__} (rule updater)"


@dataclass(frozen=True, slots=True)
class Response:
    """A completed GET: status 200 with a body, or 304 without one."""

    status: int
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def get(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    etag: str = "",
    last_modified: str = "",
    sink: BinaryIO | None = None,
    on_chunk: Callable[[bytes], None] | None = None,
) -> Response:
    """GET `url` (conditional when validators are given), reading at most `max_bytes`.

    With `sink`, the body is streamed there instead of kept in memory.
    """
    _check_scheme(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310
            body = _read(reply, url, deadline, timeout, max_bytes, sink, on_chunk)
            headers = {k.lower(): v for k, v in reply.headers.items()}
            return Response(
                reply.status, body, headers.get("etag", ""), headers.get("last-modified", ""),
                headers,
            )  # fmt: skip
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Response(304, etag=etag, last_modified=last_modified)
        raise UpdateError(f"{url} answered HTTP {exc.code} {exc.reason}") from None
    except http.client.IncompleteRead as exc:
        raise UpdateError(
            f"download of {url} was truncated after {len(exc.partial)} bytes"
        ) from None
    except TimeoutError:
        raise UpdateError(f"{url} did not answer within {timeout:g} s") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise UpdateError(f"{url} did not answer within {timeout:g} s") from None
        raise UpdateError(f"cannot reach {url}: {_why(reason)}") from None
    except (http.client.HTTPException, OSError) as exc:
        raise UpdateError(f"download of {url} failed: {_why(exc)}") from None


def _read(
    reply: http.client.HTTPResponse,
    url: str,
    deadline: float,
    timeout: float,
    max_bytes: int,
    sink: BinaryIO | None,
    on_chunk: Callable[[bytes], None] | None,
) -> bytes:
    length = reply.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise UpdateError(f"{url} is {int(length)} bytes, more than the limit of {max_bytes}")
    parts: list[bytes] = []
    total = 0
    while chunk := reply.read(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            raise UpdateError(f"{url} sent more than the limit of {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise UpdateError(f"{url} did not finish within {timeout:g} s")
        if on_chunk is not None:
            on_chunk(chunk)
        if sink is not None:
            sink.write(chunk)
        else:
            parts.append(chunk)
    if length and length.isdigit() and total < int(length):
        raise UpdateError(f"download of {url} was truncated after {total} of {length} bytes")
    return b"".join(parts)


def _check_scheme(url: str) -> None:
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in ("https", "http"):
        raise UpdateError(f"update URL {url!r} must start with https:// (or http://)")


def _why(reason: object) -> str:
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror
    return str(reason) or type(reason).__name__
