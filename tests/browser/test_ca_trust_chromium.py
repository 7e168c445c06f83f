"""`lureguard ca install` makes real Chromium trust the proxy: no certificate error, no flag.

Chromium reads the NSS database of a temporary HOME that `lureguard ca install` filled; it
goes through a real `lureguard run` to a lookalike (mapped to a loopback origin) and must get
lureguard's warning page. The same browser with an untouched HOME gets a certificate error,
so the test sees the difference the install makes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error, sync_playwright

from tests.support.certs import OriginCA
from tests.support.chromium import CHROMIUM, through_proxy
from tests.support.fixtures import origin, test_ca
from tests.support.origin import Origin
from tests.support.proxy import LUREGUARD, ProxyProcess, lureguard_on_copy

__all__ = ["origin", "test_ca"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> Iterator[ProxyProcess]:
    data_dir = tmp_path_factory.mktemp("ca-trust-proxy")
    with lureguard_on_copy(data_dir, bundled_db, origin=origin, test_ca=test_ca) as running:
        yield running


def open_lookalike(proxy: ProxyProcess, home: Path, profile: Path) -> tuple[int, str]:
    """Status and title of https://rnicrosoft.com/login in Chromium with `home` as HOME."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["HOME"] = str(home)
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            env=env,
            args=through_proxy(proxy.url, trust_any_certificate=False),
        )
        try:
            page = context.new_page()
            response = page.goto("https://rnicrosoft.com/login")
            assert response is not None
            return response.status, page.title()
        finally:
            context.close()


def test_chromium_trusts_the_proxy_after_ca_install(proxy: ProxyProcess, tmp_path: Path) -> None:
    untouched = tmp_path / "untouched-home"
    untouched.mkdir()
    with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
        open_lookalike(proxy, untouched, tmp_path / "profile-untouched")

    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "LUREGUARD_SYSTEM_CA_DIR": str(tmp_path / "sys")}
    done = subprocess.run(
        [str(LUREGUARD), "ca", "install", "--no-system", "--data-dir", str(proxy.data_dir)],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{home}/.pki/nssdb: added" in done.stdout

    status, title = open_lookalike(proxy, home, tmp_path / "profile-trusting")
    assert status == 403
    assert title.startswith("This is not Microsoft")
    assert proxy.origin is not None
    assert not proxy.origin.saw_host("rnicrosoft.com"), "the lookalike's server was contacted"
