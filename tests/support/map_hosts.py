"""Test-only mitmproxy script: send every upstream connection to the loopback origins.

The proxy resolves names itself, so fake hostnames cannot be mapped on the client side. This
script rewrites the server address just before mitmproxy connects (passthrough included):
port 443 goes to the HTTPS origin, anything else to the plain HTTP origin. Plain HTTP requests
are rewritten in the `request` hook instead (Host header kept), so mitmproxy can reuse the
upstream connection for the next request. Nothing leaves loopback.

    lureguard run -- -s tests/support/map_hosts.py \
        --set map_hosts_http=PORT --set map_hosts_https=PORT
"""

from __future__ import annotations

from mitmproxy import ctx, http
from mitmproxy.addonmanager import Loader
from mitmproxy.proxy import server_hooks


class MapHosts:
    def load(self, loader: Loader) -> None:
        loader.add_option("map_hosts_http", int, 0, "Port of the loopback HTTP origin.")
        loader.add_option("map_hosts_https", int, 0, "Port of the loopback HTTPS origin.")

    def request(self, flow: http.HTTPFlow) -> None:
        target = ctx.options.map_hosts_http
        if flow.response is not None or flow.request.scheme != "http" or not target:
            return
        host_header = flow.request.host_header
        flow.request.host = "127.0.0.1"
        flow.request.port = target
        flow.request.host_header = host_header

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        address = data.server.address
        port = address[1] if address else 80
        target = ctx.options.map_hosts_https if port == 443 else ctx.options.map_hosts_http
        if target:
            data.server.address = ("127.0.0.1", target)


addons = [MapHosts()]
