"""One canonical form of a URL for URL-prefix rules, applied to the rule and to the request.

A shared host serves one page under many spellings of its path: `/acme/%69nvoice`,
`//acme/invoice`, `/ACME/invoice`, `/acme;x/invoice`, `/x/../acme/invoice`. A prefix compared
with the raw path misses all of them, so both sides are folded the way browsers and common
servers (nginx, Apache, IIS, Tomcat) read a path, erring towards folding more: a false block
on another spelling of a blocklisted path is cheap, a miss is not. docs/rules.md lists each step.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote_from_bytes, unquote_to_bytes

_DEFAULT_PORTS: Final = {"http": "80", "https": "443", "ws": "80", "wss": "443", "ftp": "21"}

#: Characters left as they are inside a canonical path segment: RFC 3986 unreserved, the
#: sub-delimiters but ';' (it starts a parameter), ':' and '@'. Everything else is %XX.
_SEGMENT_SAFE: Final = "!$&'()*+,=:@"
#: In the query '&', '=', '+' and ';' separate or mean something, so only their escapes stay.
_QUERY_KEEP_ENCODED: Final = frozenset("&=+;")
#: An escape, a run of characters to escape, or a '%' that starts no escape.
_QUERY_TOKEN: Final = re.compile(r"%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]+|%")

# Already canonical: lowercase segments of safe characters, no '.' or '..' segment, no '//'.
_NORMAL_PATH: Final = re.compile(r"(?:/(?!\.\.?(?:/|$))[a-z0-9\-._~!$&'()*+,=:@]+)*/?")
_NORMAL_QUERY: Final = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?]*")


def normalize_url(url: str) -> str:
    """The canonical form of `scheme://authority/path?query` for URL-prefix matching.

    Pure and idempotent; never raises. The fragment is dropped; the host is left as given
    (`hosts.parse_target` has made it canonical already).
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    rest = rest.split("#", 1)[0]
    end = len(rest)
    for delimiter in ("/", "\\", "?"):
        found = rest.find(delimiter)
        if 0 <= found < end:
            end = found
    authority = _without_default_port(scheme.lower(), rest[:end])
    path, question, query = rest[end:].partition("?")
    if not path or not _NORMAL_PATH.fullmatch(path):
        path = _canonical_path(path)
    if question and not _NORMAL_QUERY.fullmatch(query):
        query = _QUERY_TOKEN.sub(_query_token, query)
    return f"{scheme}://{authority}{path}{question}{query}"


def _without_default_port(scheme: str, authority: str) -> str:
    colon = authority.rfind(":")
    if colon < 0 or colon < authority.rfind("]"):  # no port, or a colon inside [IPv6]
        return authority
    port = authority[colon + 1 :]
    if port == "" or port.lstrip("0") == _DEFAULT_PORTS.get(scheme):
        return authority[:colon]
    return authority


def _canonical_path(path: str) -> str:
    """Decode every escape once, then read the bytes as a server does: backslashes are
    slashes, `;params` end a segment, ASCII case does not count, empty, `.` and `..` segments
    are resolved; finally re-encode everything outside the safe set as uppercase %XX."""
    raw = unquote_to_bytes(_utf8(path)).replace(b"\\", b"/").lower()
    kept: list[str] = []
    slash_at_end = False
    for segment in raw.split(b"/")[1 if raw.startswith(b"/") else 0 :]:
        segment = segment.split(b";", 1)[0]
        if segment == b"" or segment == b".":
            slash_at_end = True
        elif segment == b"..":
            if kept:
                kept.pop()
            slash_at_end = True
        else:
            kept.append(quote_from_bytes(segment, safe=_SEGMENT_SAFE))
            slash_at_end = False
    if not kept:
        return "/"
    return "/" + "/".join(kept) + ("/" if slash_at_end else "")


def _query_token(match: re.Match[str]) -> str:
    """An escape is decoded unless it hides a separator; other unsafe text is encoded."""
    token = match.group()
    if len(token) == 3 and token[0] == "%":
        char = chr(int(token[1:], 16))
        if char in _QUERY_KEEP_ENCODED or _QUERY_TOKEN.fullmatch(char):
            return token.upper()
        return char
    return quote_from_bytes(_utf8(token), safe="")


def _utf8(text: str) -> bytes:
    """UTF-8 bytes; undecodable bytes smuggled in as surrogates come back as they were."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")
