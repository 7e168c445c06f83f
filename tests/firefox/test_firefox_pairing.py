"""Pairing in real Firefox through the link `lureguard pair` prints for the profile it finds.

The profile is listed in a `profiles.ini` of a temporary HOME, as Firefox itself lists it, so
`lureguard pair` finds the extension's UUID in the profile's pref files on its own. The API is
a fresh `lureguard run` that does not know this Firefox's origin: pairing must allow it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lureguard.api.origins import allowed_origins
from tests.browser.conftest import Site
from tests.firefox.driver import ORIGIN, Firefox, start_firefox
from tests.support.proxy import ProxyProcess, pair_output, start_lureguard, wait_listening

OPTIONS = f"{ORIGIN}/options.html"


@pytest.fixture(scope="module")
def fresh_api(tmp_path_factory: pytest.TempPathFactory, bundled_db: Path) -> Iterator[ProxyProcess]:
    """`lureguard run` with no Firefox origin allowed."""
    proxy = start_lureguard(
        tmp_path_factory.mktemp("firefox-pairing"), args=["--db", str(bundled_db)]
    )
    try:
        wait_listening(proxy.api_port, proxy.proc)
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="module")
def firefox() -> Iterator[Firefox]:
    browser = start_firefox("pairing")
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture
def home(firefox: Firefox, tmp_path: Path) -> Path:
    """A HOME whose profiles.ini lists the running profile (absolute path)."""
    root = tmp_path / "home" / ".mozilla" / "firefox"
    root.mkdir(parents=True)
    (root / "profiles.ini").write_text(
        f"[Profile0]\nName=test\nIsRelative=0\nPath={firefox.profile}\nDefault=1\n"
    )
    firefox.ext("() => chrome.storage.local.clear()")
    return tmp_path / "home"


def pair_link(proxy: ProxyProcess, home: Path) -> str:
    """The Firefox link `lureguard pair --no-open` prints."""
    printed = pair_output(proxy.api_port, proxy.data_dir, home)
    links = re.findall(r"moz-extension://\S+", printed)
    assert links, printed
    return links[0]


def open_link(firefox: Firefox, link: str) -> str:
    """Open `link` in a new tab; the options page's outcome once it has one."""
    handle = firefox.new_tab(link)
    outcome = ""

    def settled() -> bool:
        nonlocal outcome
        outcome = str(firefox.js("return document.getElementById('result').textContent;"))
        return re.match(r"^(Connected|Not paired|Not connected)", outcome) is not None

    try:
        firefox.wait(settled, "the options page to pair or refuse")
        assert firefox.url() == OPTIONS, "the code stays in the address bar"
    finally:
        firefox.close_tab(handle)
    return outcome


def stored(firefox: Firefox) -> dict[str, str]:
    return dict(firefox.ext("() => chrome.storage.local.get(['apiBase', 'apiToken'])"))


def test_a_wrong_code_pairs_nothing(firefox: Firefox, fresh_api: ProxyProcess, home: Path) -> None:
    link = pair_link(fresh_api, home)
    wrong = link.rsplit("code=", 1)[0] + "code=" + "A" * 32

    outcome = open_link(firefox, wrong)

    assert outcome.startswith("Not paired: this pairing code is wrong, used or expired"), outcome
    assert stored(firefox) == {}
    assert ORIGIN not in allowed_origins(fresh_api.data_dir)


def test_the_link_pairs_firefox_and_allows_its_origin(
    firefox: Firefox, fresh_api: ProxyProcess, home: Path
) -> None:
    assert ORIGIN not in allowed_origins(fresh_api.data_dir)
    link = pair_link(fresh_api, home)
    assert link.startswith(f"{OPTIONS}#pair=http://127.0.0.1:{fresh_api.api_port}&code=")

    outcome = open_link(firefox, link)

    token = (fresh_api.data_dir / "api-token").read_text().strip()
    assert outcome.startswith("Connected: lureguard"), outcome
    assert stored(firefox) == {
        "apiBase": f"http://127.0.0.1:{fresh_api.api_port}",
        "apiToken": token,
    }
    # 'Connected' came from /api/v1/status, which this origin could not call before pairing.
    assert ORIGIN in allowed_origins(fresh_api.data_dir)


def test_a_web_page_cannot_open_the_pairing_link(
    firefox: Firefox, fresh_api: ProxyProcess, home: Path, site: Site
) -> None:
    link = pair_link(fresh_api, home)
    site.pages["/lure"] = "<!doctype html><title>lure</title><p>hello"
    firefox.new_tab(site.url("/lure"))
    # Firefox refuses both at once ("Access to 'moz-extension://…' from script denied").
    errors = firefox.js(
        """const out = [];
        try { window.open(arguments[0]); } catch (e) { out.push(String(e)); }
        try { location.href = arguments[0]; } catch (e) { out.push(String(e)); }
        return out;""",
        link,
    )
    time.sleep(1.5)
    seen = []
    for other in firefox.marionette.window_handles:
        if other == firefox.control:
            continue
        with firefox.in_window(other):
            options_ran = firefox.js("return document.getElementById('apiToken') !== null;")
            seen.append((firefox.url(), options_ran))
        firefox.close_tab(other)
    assert [("denied" in e) for e in errors] == [True, True], errors
    assert len(seen) == 1, seen  # only the page's own tab
    assert not [url for url, ran in seen if ran or url.startswith(ORIGIN)], seen
    assert stored(firefox) == {}
    # The code is unspent: the user's own opening of the link pairs.
    assert open_link(firefox, link).startswith("Connected: lureguard")
