"""Trust the proxy's CA where browsers look, and take it out again: exactly what was added.

`stores` finds the certificate stores (the user's NSS database, every Firefox profile, the
Debian system store), `nss` talks to them through certutil, `install` plans, applies and
records the changes, `browserproxy` points Firefox profiles at the PAC file.
"""
