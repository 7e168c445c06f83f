"""Who sent a "proceed anyway" form: the user, by a click on the warning page, or a script.

The user's decision is what a bypass stands for, so only a top-level navigation the user made
may grant one. Browsers say so in Fetch Metadata headers that no page script can set or remove
(`Sec-Fetch-*` are forbidden request headers). They send them only to secure origins, so on
plain HTTP the proxy falls back to the `Origin` header: the warning page is sandboxed to an
opaque origin, so its own form posts `Origin: null`, while a script of the flagged site posts
the site's origin. docs/security.md lists what remains open on plain HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping

#: Values of the `granted_by` field of bypass events.
USER_NAVIGATION = "user-navigation"
NO_FETCH_METADATA = "form-without-fetch-metadata"


class NotUserNavigation(ValueError):
    """The request was not a top-level navigation made by the user (message says why)."""


def proceed_sender(headers: Mapping[str, str]) -> str:
    """How a proceed request was sent (`USER_NAVIGATION` or `NO_FETCH_METADATA`); raises
    `NotUserNavigation` for anything a page script could have sent."""
    mode = headers.get("Sec-Fetch-Mode")
    if mode is not None:
        if mode != "navigate" or headers.get("Sec-Fetch-Dest") != "document":
            raise NotUserNavigation("only the warning page's own button can grant a bypass")
        if headers.get("Sec-Fetch-User") != "?1":
            raise NotUserNavigation("the request was not made by a click of the user")
        return USER_NAVIGATION
    origin = headers.get("Origin")
    if origin is not None and origin != "null":
        raise NotUserNavigation("the request came from a page script, not the warning page")
    return NO_FETCH_METADATA
