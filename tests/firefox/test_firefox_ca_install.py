"""`lureguard ca install` makes real Firefox trust the proxy, and `ca uninstall` undoes it.

A Firefox profile listed in the `profiles.ini` of a temporary HOME (as Firefox lists its own)
gets the CA from `lureguard ca install`; Firefox started on a copy of that profile goes through a
real `lureguard run` to a lookalike (mapped to a loopback origin, never contacted) and must get
lureguard's warning page over HTTPS. The same profile before install, and after uninstall, gets
a certificate error, so the test sees the difference each command makes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from marionette_driver.errors import InsecureCertificateException

from tests.firefox.driver import start_firefox
from tests.support.certs import OriginCA
from tests.support.fixtures import origin, test_ca
from tests.support.origin import Origin
from tests.support.proxy import LUREGUARD, ProxyProcess, lureguard_on_copy

__all__ = ["origin", "test_ca"]

LOOKALIKE = "https://rnicrosoft.com/login"


@pytest.fixture(scope="module")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> Iterator[ProxyProcess]:
    data_dir = tmp_path_factory.mktemp("firefox-ca-proxy")
    with lureguard_on_copy(data_dir, bundled_db, origin=origin, test_ca=test_ca) as running:
        yield running


def through(proxy: ProxyProcess) -> dict[str, object]:
    """Prefs: every HTTP and HTTPS request goes through `proxy`."""
    return {
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": proxy.port,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": proxy.port,
        "network.proxy.no_proxies_on": "",
    }


def open_lookalike(proxy: ProxyProcess, profile: Path, name: str) -> str:
    """The page title of the lookalike in Firefox on a copy of `profile`; raises on a
    certificate error (Marionette does not accept insecure certificates)."""
    firefox = start_firefox(name, profile=profile, prefs=through(proxy), extension=False)
    try:
        firefox.marionette.navigate(LOOKALIKE)
        return str(firefox.marionette.title)
    finally:
        firefox.close()


def lureguard_ca(proxy: ProxyProcess, home: Path, command: str) -> str:
    env = {**os.environ, "HOME": str(home), "LUREGUARD_SYSTEM_CA_DIR": str(home / "sys")}
    done = subprocess.run(
        [str(LUREGUARD), "ca", command, "--data-dir", str(proxy.data_dir)],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def nicknames(profile: Path) -> str:
    done = subprocess.run(
        ["certutil", "-L", "-d", f"sql:{profile}"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_firefox_trusts_the_proxy_after_ca_install_and_not_after_uninstall(
    proxy: ProxyProcess, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    root = home / ".mozilla" / "firefox"
    profile = root / "abcd1234.default-esr"
    profile.mkdir(parents=True)
    (root / "profiles.ini").write_text(
        "[Profile0]\nName=default-esr\nIsRelative=1\nPath=abcd1234.default-esr\nDefault=1\n"
    )
    with pytest.raises(InsecureCertificateException):
        open_lookalike(proxy, profile, "ca-before")

    out = lureguard_ca(proxy, home, "install")
    assert f"{profile}: added" in out, out
    assert "lureguard CA (" in nicknames(profile)

    title = open_lookalike(proxy, profile, "ca-installed")
    assert title.startswith("This is not Microsoft"), title
    assert proxy.origin is not None
    assert not proxy.origin.saw_host("rnicrosoft.com"), "the lookalike's server was contacted"

    out = lureguard_ca(proxy, home, "uninstall")
    assert f"{profile}: removed" in out, out
    assert "lureguard CA (" not in nicknames(profile)
    with pytest.raises(InsecureCertificateException):
        open_lookalike(proxy, profile, "ca-uninstalled")
