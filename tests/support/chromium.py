"""Debian's Chromium as the tests start it: never a downloaded browser, no traffic of its own."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"

#: Root needs --no-sandbox; the rest keeps Chromium from calling home during a test.
QUIET = [
    "--no-sandbox",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


def through_proxy(proxy_url: str, *, trust_any_certificate: bool = True) -> list[str]:
    """Flags for Chromium going through `proxy_url`, loopback included (Chromium sends
    loopback direct otherwise); without `trust_any_certificate` it must trust the proxy's CA."""
    flags = [*QUIET, f"--proxy-server={proxy_url}", "--proxy-bypass-list=<-loopback>"]
    return [*flags, "--ignore-certificate-errors"] if trust_any_certificate else flags
