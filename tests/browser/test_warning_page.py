"""The warning page in real headless Chromium, through a real `lureguard run` process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.support.certs import OriginCA
from tests.support.chromium import CHROMIUM, through_proxy
from tests.support.fixtures import origin, test_ca
from tests.support.origin import Origin
from tests.support.proxy import ProxyProcess, lureguard_on_copy

__all__ = ["origin", "test_ca"]

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module")
def proxy(
    tmp_path_factory: pytest.TempPathFactory, origin: Origin, test_ca: OriginCA, bundled_db: Path
) -> Iterator[ProxyProcess]:
    data_dir = tmp_path_factory.mktemp("browser-proxy")
    with lureguard_on_copy(data_dir, bundled_db, origin=origin, test_ca=test_ca) as running:
        yield running


def test_lookalike_navigation_shows_the_warning_page(proxy: ProxyProcess, origin: Origin) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=through_proxy(proxy.url),
        )
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 820})
            page = context.new_page()
            response = page.goto("https://rnicrosoft.com/login")
            assert response is not None
            assert response.status == 403
            assert page.title().startswith("This is not Microsoft")
            assert page.locator("h1").inner_text() == "This is not Microsoft"
            assert page.locator("#visited mark").first.inner_text() == "rn"
            assert page.locator("#real").inner_text() == "microsoft.com"
            assert page.locator("#real-site").get_attribute("href") == "https://microsoft.com/"
            page.screenshot(path=str(ARTIFACTS / "warning-page.png"), full_page=True)
            # The details (rule, source, proceed anyway) open without any script.
            page.locator("summary").click()
            assert page.locator("#rule").inner_text().startswith("brand/microsoft")
            assert page.locator("#proceed-hour").is_visible()
            page.screenshot(path=str(ARTIFACTS / "warning-page-details.png"), full_page=True)
            context.close()

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, color_scheme="dark", is_mobile=True
            )
            small = phone.new_page()
            small.goto("https://rnicrosoft.com/login")
            width = small.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, "the page scrolls sideways on a phone"
            small.screenshot(path=str(ARTIFACTS / "warning-page-phone-dark.png"), full_page=True)
            # Lazy connection strategy: nothing reached the server behind the lookalike
            # (Chromium's own background connections to other hosts may reach the origin).
            assert not origin.saw_host("rnicrosoft.com"), origin.seen.hosts
            # Proceed anyway, in the browser: a form post with the one-time token.
            small.locator("summary").click()
            small.locator("#proceed-visit").click()
            small.wait_for_load_state()
            assert "origin ok" in small.locator("body").inner_text()
            assert origin.saw_host("rnicrosoft.com")
            phone.close()
        finally:
            browser.close()
