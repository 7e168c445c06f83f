"""Pairing through `lureguard pair`'s one-time link, in real Chromium with the real extension.

The API is a real `lureguard run`; the link is the one the command prints. The extension starts
unpaired, and every test checks what ends up in its storage, not only what the page says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Playwright

from lureguard.api.origins import CHROME_EXTENSION_ID
from lureguard.api.pairing import pairing_path
from tests.browser.conftest import Browser, Site, launch, service_worker
from tests.integration.test_api import Api
from tests.support.proxy import pair_output

pytestmark = pytest.mark.browser

OPTIONS = f"chrome-extension://{CHROME_EXTENSION_ID}/options.html"


@pytest.fixture(scope="module")
def unpaired(
    playwright_driver: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    """Chromium with the extension and nothing in its storage."""
    context = launch(playwright_driver, tmp_path_factory.mktemp("chromium-pairing"))
    yield Browser(context, service_worker(context))
    context.close()


@pytest.fixture
def browser(unpaired: Browser) -> Browser:
    unpaired.worker.evaluate("() => chrome.storage.local.clear()")
    return unpaired


def pair_link(api: Api, home: Path) -> str:
    """The Chromium link `lureguard pair --no-open` prints for `api` (HOME: no Firefox)."""
    home.mkdir(exist_ok=True)
    printed = pair_output(api.port, api.data_dir, home)
    links = re.findall(r"chrome-extension://\S+", printed)
    assert len(links) == 1, printed
    assert "not opening a browser" in printed
    return links[0]


def stored(browser: Browser) -> dict[str, str]:
    return dict(browser.worker.evaluate("() => chrome.storage.local.get(['apiBase', 'apiToken'])"))


def open_link(browser: Browser, link: str) -> Page:
    """Open `link` in a new tab and wait until the options page has an outcome."""
    page = browser.context.new_page()
    page.goto(link)
    page.wait_for_function(
        "() => /^(Connected|Not paired|Not connected)/.test("
        "document.getElementById('result').textContent)",
        timeout=20000,
    )
    return page


def result(page: Page) -> str:
    return str(page.text_content("#result"))


def test_the_link_pairs_the_extension_once(browser: Browser, api: Api, tmp_path: Path) -> None:
    link = pair_link(api, tmp_path / "home")
    assert link.startswith(f"{OPTIONS}#pair=http://127.0.0.1:{api.port}&code=")
    assert api.token not in link

    page = open_link(browser, link)

    assert result(page).startswith("Connected: lureguard"), result(page)
    assert page.url == OPTIONS, "the code stays in the address bar"
    assert stored(browser) == {"apiBase": f"http://127.0.0.1:{api.port}", "apiToken": api.token}
    assert page.input_value("#apiToken") == api.token
    assert not pairing_path(api.data_dir).exists(), "the code was not spent"
    # The same link again (from history, say) pairs nothing.
    browser.worker.evaluate("() => chrome.storage.local.clear()")
    again = open_link(browser, link)
    assert result(again).startswith("Not paired: this pairing code is wrong, used or expired")
    assert stored(browser) == {}
    page.close()
    again.close()


@pytest.mark.parametrize(
    "fragment",
    [
        "pair={api}&code=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",  # a wrong code
        "pair={api}&token={token}",  # the token itself: never accepted from a URL
        "pair=https://evil.example&code={code}",  # somebody else's endpoint, a real code
        "pair=http://127.0.0.1.evil.example:{port}&code={code}",
    ],
)
def test_a_bad_link_pairs_nothing_and_stores_nothing(
    browser: Browser, api: Api, tmp_path: Path, fragment: str
) -> None:
    good = pair_link(api, tmp_path / "home")
    code = good.rsplit("code=", 1)[1]
    api_base = f"http://127.0.0.1:{api.port}"
    link = OPTIONS + "#" + fragment.format(api=api_base, token=api.token, code=code, port=api.port)

    page = open_link(browser, link)

    assert result(page).startswith("Not paired: "), result(page)
    assert page.url == OPTIONS
    assert stored(browser) == {}
    assert page.input_value("#apiToken") == ""
    assert api.token not in page.content()
    # The real code was not spent on the way; opened in the same tab, only the fragment changes.
    page.goto(good)
    page.wait_for_function("() => /^Connected/.test(document.getElementById('result').textContent)")
    assert stored(browser)["apiToken"] == api.token
    page.close()


def test_a_web_page_cannot_open_the_pairing_link(
    browser: Browser, api: Api, site: Site, tmp_path: Path
) -> None:
    link = pair_link(api, tmp_path / "home")
    site.pages["/lure"] = "<!doctype html><title>lure</title><p>hello"
    page = browser.context.new_page()
    page.goto(site.url("/lure"))

    page.evaluate("(link) => { window.open(link); location.href = link; }", link)
    page.wait_for_timeout(1500)

    # Both attempts end on Chromium's "… is blocked" error page; no extension page ran.
    tried = [p for p in browser.context.pages if p is not page and p.url != "about:blank"]
    assert len(tried) == 1
    for attempt in [page, *tried]:
        assert attempt.url == "chrome-error://chromewebdata/"
        assert "is blocked" in attempt.inner_text("body")
    assert stored(browser) == {}
    for attempt in [page, *tried]:
        attempt.close()
    # The code is still unspent: the user's own opening of the link pairs.
    assert result(open_link(browser, link)).startswith("Connected: lureguard")
