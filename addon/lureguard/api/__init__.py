"""The loopback verdict API: the extension's only way to ask the engine (DESIGN.md §6).

`server.ApiServer` runs it on a background thread (inside the proxy, or standalone through
`lureguard api`, a command of lureguard.cli); `app.ApiApp` holds the routing and checks so they
test without sockets.
"""
