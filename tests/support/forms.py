"""Reading the warning page's forms the way a user's click would submit them."""

from __future__ import annotations

import re

ACTION_BASE = "/.well-known/lureguard/"


def form_token(html: str, action: str, choice: str | None = None) -> str:
    """The token of the `action` form (`proceed`, `report`); for `proceed`, the form of the
    duration `choice` ("visit", "hour", "day"), or the first one when `choice` is None."""
    pattern = rf'<form method="post" action="{re.escape(ACTION_BASE + action)}".*?</form>'
    for form in re.findall(pattern, html, re.S):
        if choice is None or f'name="for" value="{choice}"' in form:
            found = re.search(r'name="token" value="([^"]+)"', form)
            assert found, f"a {action} form without a token"
            return found.group(1)
    raise AssertionError(f"no {action} form for {choice or 'any choice'} in the page")
