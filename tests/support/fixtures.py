"""pytest fixtures over the support helpers; conftests import the ones they need by name."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.certs import OriginCA, make_test_ca
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, start_lureguard


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory: pytest.TempPathFactory) -> OriginCA:
    """A CA and origin certificate for the fake hostnames in `certs.ORIGIN_NAMES`."""
    return make_test_ca(tmp_path_factory.mktemp("test-ca"))


@pytest.fixture(scope="session")
def origin(test_ca: OriginCA) -> Iterator[Origin]:
    """Loopback HTTP and HTTPS origins that record what they receive."""
    server = Origin(test_ca).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def lureguard_proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> Iterator[ProxyProcess]:
    """A real `lureguard run` (mode warn) with its own data dir, mapped to the origins.

    The rules database is a copy of the bundled rules, so a test may replace it (hot reload).
    """
    data_dir = tmp_path_factory.mktemp("proxy-data")
    db = data_dir / "rules.db"
    shutil.copyfile(bundled_db, db)
    proxy = start_lureguard(
        data_dir, origin=origin, test_ca=test_ca, args=["--db", str(db), "--log-json"]
    )
    yield proxy
    proxy.stop()
