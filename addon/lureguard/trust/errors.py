"""The one exception the trust tools raise; the CLI turns it into one sentence."""

from __future__ import annotations


class TrustError(Exception):
    """A store could not be read or changed, or a tool it needs is missing."""
