"""Shared test infrastructure: a test CA, loopback origins, a host-mapping mitmproxy script and a
helper that runs a real `lureguard run` process. Used by the integration and browser tests."""
