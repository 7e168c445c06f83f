"""Test-only mitmproxy script: send every upstream connection to the loopback origins.

The proxy resolves names itself, so fake hostnames cannot be mapped on the client side. This
script rewrites the server address just before mitmproxy connects (passthrough included):
port 443 goes to the HTTPS origin, anything else to the plain HTTP origin. It never touches a
request: mitmproxy runs scripts' hooks before lureguard's, so a rewrite there would hide the
names and headers a client sent from the very checks under test. Nothing leaves loopback.

    lureguard run -- -s tests/support/map_hosts.py \
        --set map_hosts_http=PORT --set map_hosts_https=PORT
"""

from __future__ import annotations

from mitmproxy import ctx
from mitmproxy.addonmanager import Loader
from mitmproxy.proxy import server_hooks


class MapHosts:
    def load(self, loader: Loader) -> None:
        loader.add_option("map_hosts_http", int, 0, "Port of the loopback HTTP origin.")
        loader.add_option("map_hosts_https", int, 0, "Port of the loopback HTTPS origin.")

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        address = data.server.address
        port = address[1] if address else 80
        target = ctx.options.map_hosts_https if port == 443 else ctx.options.map_hosts_http
        if target:
            data.server.address = ("127.0.0.1", target)


addons = [MapHosts()]
