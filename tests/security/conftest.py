"""Fixtures for the security tests: the shared loopback origins and one real `lureguard run`
over the bundled rules plus a small blocklist of IP literals and a hostile-looking name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from lureguard.paths import bundled_rules_dir
from lureguard.ruleset.build import compile_dir
from tests.support.certs import OriginCA
from tests.support.fixtures import origin, test_ca
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, start_lureguard

__all__ = ["origin", "secured_proxy", "security_db", "test_ca"]

#: An IP literal on the test blocklist (TEST-NET-2; mapped to loopback by map_hosts.py).
BLOCKED_IP = "198.51.100.7"

EXTRA_RULES = f"""\
id: campaign/security-tests
kind: blocklist
title: Addresses used by the security tests
description: An IP literal, to test every notation of it through the proxy and the API.
source: lureguard tests
author: lureguard team
added: 2026-11-25
severity: block
hosts:
  - "{BLOCKED_IP}"
"""


@pytest.fixture(scope="session")
def security_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled rules plus the test blocklist, compiled once."""
    base = tmp_path_factory.mktemp("security-rules")
    extra = base / "extra"
    extra.mkdir()
    (extra / "security-tests.yaml").write_text(EXTRA_RULES)
    out = base / "rules.db"
    compile_dir([bundled_rules_dir(), extra], out)
    return out


@pytest.fixture(scope="module")
def secured_proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA, security_db: Path
) -> Iterator[ProxyProcess]:
    """`lureguard run` (mode warn, JSON log on stdout) mapped to the loopback origins."""
    data_dir = tmp_path_factory.mktemp("security-proxy") / "data"
    proxy = start_lureguard(
        data_dir, origin=origin, test_ca=test_ca, args=["--db", str(security_db), "--log-json"]
    )
    yield proxy
    proxy.stop()
