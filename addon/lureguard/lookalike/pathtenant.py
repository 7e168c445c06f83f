"""Customers' sites that live in a platform's path, not in a host of their own.

`https://sites.google.com/view/paypal-login-verify`, `https://storage.googleapis.com/<bucket>/`
and `https://s3.amazonaws.com/<bucket>/` are customers' pages on the platform's own host, which
is the platform's (Google's, Amazon's) and rightly allowed. Their tenant is the path's first
name: the same bucket is also served as `<bucket>.storage.googleapis.com` or
`<bucket>.s3.amazonaws.com`, and a Google Site's name is its own. `tenant_target` writes that
tenant as that host (a Google Site as a hosting platform's tenant), which the detectors judge
as they judge the host itself.

Only where the URL is known: `lureguard check`, the API, the extension (tabs and links) and
the proxy, which decrypts these platforms' hosts (`path_platform`) to read the path, unless
`lureguard_path_platforms` is off.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote

from lureguard.hosts import HostError, Target, parse_target
from lureguard.psl import parent_names

#: A bucket or site name as the platforms allow it (letters, digits, dots, hyphens,
#: underscores; 3-63 characters), decoded and lowercased.
_NAME: Final = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{1,61})[a-z0-9]$")
#: Amazon S3's path-style hosts: `s3.amazonaws.com`, `s3.<region>.amazonaws.com`, and the
#: legacy `s3-<region>.amazonaws.com`.
_S3_HOST: Final = re.compile(r"^s3(?:[.-][a-z0-9-]+)?\.amazonaws\.com$")
#: Google Sites: `sites.google.com/view/<name>` (new Sites) and `/site/<name>` (classic). Its
#: tenants are read as `<name>.sites.google.com`, under a platform suffix of their own.
GOOGLE_SITES: Final = "sites.google.com"
PATH_PLATFORMS: Final = frozenset({GOOGLE_SITES})
#: Where a tenant's site stands as a host of its own, written after the tenant's name.
_GOOGLE_STORAGE: Final = "storage.googleapis.com"
_FIREBASE_STORAGE: Final = "firebasestorage.googleapis.com"
_WIX_SUFFIX: Final = ".wixsite.com"
_HOSTS: Final = frozenset({GOOGLE_SITES, _GOOGLE_STORAGE, _FIREBASE_STORAGE})
#: How a reason found on such a site begins (the engine writes it; explain-fp reads it).
TENANT_DETAIL: Final = "the page is a customer's site on "


def tenant_target(target: Target) -> Target | None:
    """The customer's site a URL shows on a path-based platform, as a host of its own
    (`paypal-login.storage.googleapis.com` for `storage.googleapis.com/paypal-login/x`), or
    None: no URL, another host, or no valid name in the path."""
    url = target.url
    host = target.host
    if url is None or not path_platform(host):
        return None
    found = _named(host, _segments(url))
    if found is None:
        return None
    name = found[0]
    if host == GOOGLE_SITES:
        # No host serves a Google Site: the tenant is written under the platform's host,
        # which `visit` counts as a hosting platform's suffix
        return _tenant_of(target, name, GOOGLE_SITES)
    if host == _FIREBASE_STORAGE:
        return _parsed(name)  # the project's `<id>.appspot.com`, a host of its own
    return _parsed(f"{name}.{host}")


def tenant_address(url: str) -> str | None:
    """The customer's site at `url` as the address bar shows it, the platform's host and the
    path up to its name (`sites.google.com/view/paypal-login`), or None."""
    try:
        target = parse_target(url)
    except HostError:
        return None
    if target.url is None or not path_platform(target.host):
        return None
    segments = _segments(target.url)
    found = _named(target.host, segments)
    return "/".join([target.host, *segments[: found[1]]]) if found else None


def _segments(url: str) -> list[str]:
    return url.split("?", 1)[0].split("/")[3:]  # scheme, '', authority, path...


def _named(host: str, segments: list[str]) -> tuple[str, int] | None:
    """The customer's name in a platform's path, and how many path segments lead to it."""
    if host == GOOGLE_SITES:
        # /view/<name> (new Sites) or /site/<name> (classic)
        if len(segments) >= 2 and segments[0] in ("view", "site") and "." not in segments[1]:
            name = _name(segments[1])
            return (name, 2) if name else None
        return None
    if host == _FIREBASE_STORAGE:
        # /v0/b/<bucket>/o/<object>: the bucket is the project's `<id>.appspot.com` or
        # `<id>.firebasestorage.app`
        if len(segments) >= 3 and segments[:2] == ["v0", "b"]:
            name = _name(segments[2])
            return (name, 3) if name and "." in name else None
        return None
    name = _name(segments[0]) if segments else ""
    return (name, 1) if name else None


def path_platform(host: str) -> bool:
    """True for a platform host that serves customers' sites in its path (`tenant_target`)."""
    return (
        host in _HOSTS
        or host.endswith(_WIX_SUFFIX)
        or (host.startswith("s3") and _S3_HOST.match(host) is not None)
    )


def tenant_host(url: str) -> str | None:
    """The host the customer's site at `url` stands for (`paypal-login.sites.google.com`),
    or None when the URL shows no such site."""
    try:
        tenant = tenant_target(parse_target(url))
    except HostError:
        return None
    return tenant.host if tenant is not None else None


def _tenant_of(target: Target, name: str, platform: str) -> Target:
    host = f"{name}.{platform}"
    return Target(target.input, host, host, host, name, platform, names=tuple(parent_names(host)))


def _parsed(host: str) -> Target | None:
    try:
        return parse_target(host)
    except HostError:
        return None


def _name(segment: str) -> str:
    """A path segment as a bucket or site name, or '' when it cannot be one."""
    name = unquote(segment).lower()
    return name if _NAME.match(name) and ".." not in name else ""
