"""Fixtures of the Firefox suite: one real `lureguard run` whose API allows the Firefox origin."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import site
from tests.firefox.driver import ORIGIN
from tests.integration.test_api import Api
from tests.support.proxy import ProxyProcess, start_lureguard, wait_listening

__all__ = ["site"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder needs Debian's firefox-esr."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.firefox)


@pytest.fixture(scope="session")
def lureguard(tmp_path_factory: pytest.TempPathFactory, bundled_db: Path) -> Iterator[ProxyProcess]:
    """`lureguard run` (proxy and API), allowing the test profiles' extension origin."""
    data_dir = tmp_path_factory.mktemp("firefox-lureguard")
    (data_dir / "api-origins.txt").write_text(f"{ORIGIN}  # the Firefox test profiles\n")
    proxy = start_lureguard(data_dir, args=["--db", str(bundled_db)])
    try:
        wait_listening(proxy.api_port, proxy.proc)
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="session")
def api(lureguard: ProxyProcess) -> Api:
    """The API of `lureguard`; the browsers are not proxied unless a test says so."""
    token = (lureguard.data_dir / "api-token").read_text().strip()
    return Api(lureguard.stop, lureguard.api_port, token, lureguard.data_dir, "warn")
