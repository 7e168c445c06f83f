"""lureguard: a local anti-phishing proxy that stops lookalike and blocklisted domains."""

__version__ = "0.1.0"
