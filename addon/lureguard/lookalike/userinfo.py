"""A brand's address written as a URL's user name: `https://www.paypal.com@evil.net/login`.

Everything before an `@` in a URL's authority is a user name, which the browser sends to the
host after it (or drops); people read the URL from the left and see paypal.com. No site links
its own pages so, and mail clients show such links in full, so a user name that is an
official domain of a brand the host does not belong to is reported under that brand.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import unquote

from lureguard.hosts import HostError, Target, parse_target
from lureguard.lookalike.index import BrandIndex

#: Longest user name looked at: a host name is at most 253 characters.
MAX_USERINFO: Final = 253


def shown_domain(target: Target, index: BrandIndex) -> tuple[str, str, str] | None:
    """(rule id, host as shown, its official registrable domain) of the brand whose address
    the URL's user name shows, when the host itself is not that brand's; None otherwise (no
    user name, an ordinary one such as `john.doe`, or the brand's own host)."""
    user = unquote(target.userinfo.split(":", 1)[0]).strip()
    if "." not in user or len(user) > MAX_USERINFO:
        return None
    try:
        shown = parse_target(user)
    except HostError:
        return None
    if not shown.registered_domain:
        return None
    owner = index.official_owner(shown)
    if owner is None or owner == index.official_owner(target):
        return None
    return owner, shown.unicode_host, shown.registered_domain
