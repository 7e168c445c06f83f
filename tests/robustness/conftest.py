"""Fixtures for the robustness tests: loopback origins with a test CA and a real `lureguard run`."""

from tests.support.fixtures import lureguard_proxy, origin, test_ca

__all__ = ["lureguard_proxy", "origin", "test_ca"]
