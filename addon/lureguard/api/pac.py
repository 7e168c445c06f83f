"""The proxy auto-config file browsers fetch from `/proxy.pac`."""

from __future__ import annotations

import ipaddress


def pac_script(proxy_host: str, proxy_port: int) -> str:
    """A PAC sending everything but loopback through the proxy.

    No `DIRECT` fallback: when the proxy is down, browsing fails visibly instead of silently
    losing the protection (the extension badge then says lureguard is not running).
    """
    address = _host_literal(proxy_host)
    return f"""// lureguard proxy auto-config
function FindProxyForURL(url, host) {{
  host = host.toLowerCase();
  if (isPlainHostName(host) || host === "localhost" || host === "[::1]" || host === "::1" ||
      shExpMatch(host, "127.*") || shExpMatch(host, "*.localhost")) {{
    return "DIRECT";
  }}
  return "PROXY {address}:{int(proxy_port)}";
}}
"""


def _host_literal(host: str) -> str:
    """`host` as it goes into a PAC result (IPv6 in brackets); refuses anything odd."""
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        if not host or not all(c.isalnum() or c in ".-" for c in host):
            raise ValueError(f"'{host}' is not a usable proxy host") from None
        return host
    return f"[{ip}]" if ip.version == 6 else str(ip)
