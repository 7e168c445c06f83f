"""lureguard: a local anti-phishing proxy that stops lookalike and blocklisted domains."""

from lureguard.native import install_guard

__version__ = "0.1.0"

install_guard()
