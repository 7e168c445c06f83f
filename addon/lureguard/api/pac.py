"""The proxy auto-config file browsers fetch from `/proxy.pac`."""

from __future__ import annotations

import ipaddress
from typing import Literal

#: What the PAC tells a browser to do when the proxy does not answer (setting `pac.fallback`).
PacFallback = Literal["direct", "none"]
PAC_FALLBACKS: tuple[PacFallback, ...] = ("direct", "none")
#: Each fallback as `lureguard status` and `doctor` say it.
FALLBACK_WORDS: dict[str, str] = {
    "direct": "when the proxy is down, browsers connect directly (fail-open)",
    "none": "when the proxy is down, browsing stops (fail-closed)",
}


def pac_script(proxy_host: str, proxy_port: int, *, direct_fallback: bool = True) -> str:
    """A PAC sending everything but loopback through the proxy.

    With `direct_fallback` (fail-open, the default for one person's laptop) the result is
    `PROXY host:port; DIRECT`: when the proxy is down the browser connects directly, unprotected
    but working. Without it (fail-closed, for a fleet whose policy sets `pac.fallback: none`)
    browsing stops until the proxy is back, and the extension's badge says lureguard is not
    running.
    """
    address = _host_literal(proxy_host)
    result = f"PROXY {address}:{int(proxy_port)}" + ("; DIRECT" if direct_fallback else "")
    return f"""// lureguard proxy auto-config
function FindProxyForURL(url, host) {{
  host = host.toLowerCase();
  if (isPlainHostName(host) || host === "localhost" || host === "[::1]" || host === "::1" ||
      shExpMatch(host, "127.*") || shExpMatch(host, "*.localhost")) {{
    return "DIRECT";
  }}
  return "{result}";
}}
"""


def fallback_of(script: str) -> PacFallback | None:
    """Which fallback a PAC served by lureguard has (None if it is not lureguard's PAC)."""
    if "lureguard proxy auto-config" not in script or 'return "PROXY ' not in script:
        return None
    return "direct" if '; DIRECT";' in script else "none"


def _host_literal(host: str) -> str:
    """`host` as it goes into a PAC result (IPv6 in brackets); refuses anything odd."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if not host or not all(c.isalnum() or c in ".-" for c in host):
            raise ValueError(f"'{host}' is not a usable proxy host") from None
        return host
    return f"[{ip}]" if ip.version == 6 else str(ip)
