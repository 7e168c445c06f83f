"""Test-only mitmproxy script: send every upstream connection to the loopback origins.

The proxy resolves names itself, so fake hostnames cannot be mapped on the client side. This
script rewrites the server address just before mitmproxy connects (passthrough included):
port 443 goes to the HTTPS origin, anything else to the plain HTTP origin. Plain HTTP requests
whose names agree are rewritten in the `request` hook instead (Host header kept), so mitmproxy
can reuse the upstream connection; requests whose names disagree are never touched, because
lureguard's checks under test must see them as sent. Nothing leaves loopback.

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
        """Plain HTTP to one host: point the request at the origin, so mitmproxy reuses the
        upstream connection (rewriting addresses in `server_connect` opens one per request).

        mitmproxy runs scripts' hooks before lureguard's, so a request whose names disagree
        (URL authority against Host, two Host headers) is left alone: lureguard must see it
        as the client sent it, and `server_connect` maps its connection instead.
        """
        target = ctx.options.map_hosts_http
        request = flow.request
        if flow.response is not None or request.scheme != "http" or not target:
            return
        hosts = request.headers.get_all("Host")
        if len(hosts) != 1 or hosts[0].split(":", 1)[0].lower() != request.host.lower():
            return
        request.host = "127.0.0.1"
        request.port = target
        request.headers["Host"] = hosts[0]

    def server_connect(self, data: server_hooks.ServerConnectionHookData) -> None:
        address = data.server.address
        port = address[1] if address else 80
        target = ctx.options.map_hosts_https if port == 443 else ctx.options.map_hosts_http
        if target:
            data.server.address = ("127.0.0.1", target)


addons = [MapHosts()]
