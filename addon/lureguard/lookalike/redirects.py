"""Links wrapped by a mail filter or a site's redirector: the click reaches the address inside.

Microsoft Defender's Safe Links rewrites every link of a mail into
`https://<region>.safelinks.protection.outlook.com/?url=<the link>&data=...`; Proofpoint's URL
Defense, Barracuda's Link Protection, and the redirectors of Google, Facebook, Instagram,
YouTube, LinkedIn and Slack do the same; Google's AMP viewer (`google.com/amp/s/<host>/...`)
shows another site's page under Google's address. The wrapper's host is its owner's and
allowed, so a lookalike link in webmail would look clean to the extension before the click;
the address inside is what the click reaches, and `wrapped_destination` reads it back.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import parse_qs, unquote

from lureguard.hosts import Target

#: Wrapper hosts -> (the redirect's path, the query parameters that carry the address).
_QUERY_WRAPPERS: Final = {
    "www.google.com": ("/url", ("q", "url")),
    "google.com": ("/url", ("q", "url")),
    "l.facebook.com": ("/l.php", ("u",)),
    "lm.facebook.com": ("/l.php", ("u",)),
    "l.instagram.com": ("/", ("u",)),
    "www.youtube.com": ("/redirect", ("q",)),
    "www.linkedin.com": ("/redir/redirect", ("url",)),
    "slack-redir.net": ("/link", ("url",)),
    "linkprotect.cudasvc.com": ("/url", ("a",)),  # Barracuda Link Protection
    "urldefense.proofpoint.com": ("/v2/url", ("u",)),  # Proofpoint v2, encoded below
}
_PROOFPOINT_V2: Final = "urldefense.proofpoint.com"
#: Google's AMP viewer shows another site's page under its own address: `/amp/s/<host>/<path>`.
_AMP_VIEWER: Final = "/amp/"
_GOOGLE: Final = frozenset({"www.google.com", "google.com"})
#: Microsoft Defender for Office 365 Safe Links, one host per region (`nam12.`, `eur01.`).
_SAFE_LINKS: Final = ".safelinks.protection.outlook.com"
#: Proofpoint URL Defense v3 writes the address into the path: `/v3/__<address>__;<hash>`.
_PROOFPOINT_V3: Final = "urldefense.com"
_V3_PREFIX: Final = "/v3/__"


def wrapped_destination(target: Target) -> str | None:
    """The address a wrapped link leads to (`https://paypa1.com/x` for
    `https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fpaypa1.com%2Fx`), or
    None: no URL, no wrapper's host, or no web address inside."""
    url = target.url
    host = target.host
    safe_links = host.endswith(_SAFE_LINKS)
    if url is None or not (safe_links or host in _QUERY_WRAPPERS or host == _PROOFPOINT_V3):
        return None
    rest = "/" + url.split("/", 3)[3] if url.count("/") >= 3 else "/"
    if host == _PROOFPOINT_V3:  # the address may hold a query of its own
        if not rest.startswith(_V3_PREFIX) or "__;" not in rest:
            return None
        return _web_address(rest[len(_V3_PREFIX) : rest.index("__;")])
    if rest.startswith(_AMP_VIEWER) and host in _GOOGLE:  # /amp/s/<host>/... (s: https)
        secure = rest.startswith(_AMP_VIEWER + "s/")
        page = rest[len(_AMP_VIEWER) + 2 * secure :]
        return _web_address(f"{'https' if secure else 'http'}://{page}") if page else None
    path, _, query = rest.partition("?")
    wrapper_path, params = ("/", ("url",)) if safe_links else _QUERY_WRAPPERS[host]
    if path != wrapper_path or not query:
        return None
    values = parse_qs(query)
    value = next((values[p][0] for p in params if p in values), "")
    if host == _PROOFPOINT_V2:
        # v2 writes the address with `-` for `%` and `_` for `/`
        value = unquote(value.replace("-", "%").replace("_", "/"))
    return _web_address(value)


def _web_address(value: str) -> str | None:
    """`value` when it is a web address (a wrapper also carries search terms and paths)."""
    value = value.strip()
    return value if value.lower().startswith(("http://", "https://")) else None
