"""The extension's second line of defence, in real headless Chromium with the real extension.

Not proxied: the browser talks to a loopback site directly (names mapped with
`--host-resolver-rules`, every other name resolves to nothing, `lureguard.invalid` included),
with a real `lureguard run` serving the API: the extension must stop flagged sites itself.
Proxied: the browser goes through a real `lureguard run`: the extension must stay out of the way.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Error, Page, Playwright

from lureguard.api.origins import CHROME_EXTENSION_ID
from lureguard.proxy.probe import proof
from tests.browser.conftest import (
    ARTIFACTS,
    CHROMIUM,
    EXTENSION_ARGS,
    Browser,
    Site,
    service_worker,
)
from tests.integration.test_api import Api
from tests.support.fixtures import lureguard_proxy, origin, test_ca
from tests.support.proxy import ProxyProcess, wait_listening

__all__ = ["lureguard_proxy", "origin", "test_ca"]

pytestmark = pytest.mark.browser

WARN_HOST = "rnicrosoft.com"  # lookalike of microsoft.com: warn
TYPED_BLOCK_HOST = "hotrnall.com"  # THALLIUM blocklist: block, first seen when typed
LINKED_BLOCK_HOST = "change-pw.com"  # THALLIUM blocklist: block, first seen as a scanned link
MAPPED = (WARN_HOST, TYPED_BLOCK_HOST, LINKED_BLOCK_HOST, "mail.example.org")
WARNING_PAGE = f"chrome-extension://{CHROME_EXTENSION_ID}/warning.html"


def launch(playwright: Playwright, profile: Path, args: list[str]) -> BrowserContext:
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        viewport={"width": 1100, "height": 820},
        args=EXTENSION_ARGS + args,
    )


@pytest.fixture(scope="module")
def direct(
    playwright_driver: Playwright, tmp_path_factory: pytest.TempPathFactory, api: Api
) -> Iterator[Browser]:
    """Chromium without any proxy; only MAPPED names resolve (to the loopback site)."""
    rules = ", ".join(f"MAP {host} 127.0.0.1" for host in MAPPED)
    context = launch(
        playwright_driver,
        tmp_path_factory.mktemp("defence-profile"),
        [f"--host-resolver-rules={rules}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    )
    browser = Browser(context, service_worker(context))
    browser.configure(f"http://127.0.0.1:{api.port}", api.token)
    ARTIFACTS.mkdir(exist_ok=True)
    yield browser
    context.close()


def hits(site: Site, host: str) -> int:
    return sum(1 for seen, _ in site.hits if seen.split(":")[0] == host)


def navigate(page: Page, url: str) -> None:
    """Start a navigation the extension may cut short (Playwright then reports an abort)."""
    try:
        page.goto(url, wait_until="commit")
    except Error as exc:
        if "ERR_ABORTED" not in str(exc) and "ERR_BLOCKED_BY_CLIENT" not in str(exc):
            raise


def warning_shown(page: Page, url: str) -> None:
    """Wait for the extension's page; the blocked request's own failure may come first."""
    for _ in range(3):
        try:
            page.wait_for_url(f"{WARNING_PAGE}?**")
            break
        except Error as exc:
            if "ERR_BLOCKED_BY_CLIENT" not in str(exc) and "ERR_ABORTED" not in str(exc):
                raise
    page.wait_for_selector("h1")
    assert parse_qs(urlsplit(page.url).query)["url"] == [url]


def session_rules(browser: Browser) -> list[str]:
    rules = browser.worker.evaluate("() => chrome.declarativeNetRequest.getSessionRules()")
    return [rule["condition"]["regexFilter"] for rule in rules]


def test_warn_host_gets_the_extensions_warning_page(direct: Browser, site: Site) -> None:
    page = direct.context.new_page()
    url = site.url("/login?user=a", host=WARN_HOST)
    navigate(page, url)
    warning_shown(page, url)
    assert page.title() == "This is not Microsoft – lureguard"
    assert page.locator("h1").inner_text() == "This is not Microsoft"
    assert page.locator(".why").inner_text() == (
        "This address uses look-alike characters to imitate microsoft.com."
    )
    assert page.locator("#visited mark").all_inner_texts() == ["rn"]
    assert page.locator("#real").inner_text() == "microsoft.com"
    assert page.locator("#real-site").get_attribute("href") == "https://microsoft.com/"
    assert page.locator("#go-back").is_visible()
    page.screenshot(path=str(ARTIFACTS / "extension-warning-page.png"), full_page=True)
    page.locator("summary").click()
    assert page.locator("#rule").inner_text().startswith("brand/microsoft")
    assert page.locator("#proceed-visit").is_visible()
    assert page.locator("#proceed-day").is_visible()
    page.screenshot(path=str(ARTIFACTS / "extension-warning-page-details.png"), full_page=True)
    # The first navigation to a host nobody had checked before races the redirect.
    print(f"\n{WARN_HOST} first (typed) navigation: {hits(site, WARN_HOST)} request(s) reached it")
    assert session_rules(direct), "the flagged host got no blocking rule"
    page.close()


def test_block_host_is_stopped_without_a_way_through(direct: Browser, site: Site) -> None:
    page = direct.context.new_page()
    url = site.url("/landing", host=TYPED_BLOCK_HOST)
    navigate(page, url)
    warning_shown(page, url)
    first = hits(site, TYPED_BLOCK_HOST)
    print(f"\n{TYPED_BLOCK_HOST} first (typed) navigation: {first} request(s) reached it")
    # At most the navigation racing the redirect (and the favicon of a page that won the race).
    paths = {path for host, path in site.hits if host.startswith(TYPED_BLOCK_HOST + ":")}
    assert paths <= {"/landing", "/favicon.ico"}
    assert page.locator("h1").inner_text() == "This site was blocked"
    assert page.locator(".badge").inner_text().lower() == "lureguard · blocked"
    assert page.locator("#rule").inner_text().startswith("campaign/thallium-2019")
    page.locator("summary").click()
    assert page.locator("[id^=proceed-]").count() == 0
    page.screenshot(path=str(ARTIFACTS / "extension-block-page.png"), full_page=True)
    answer = page.evaluate(
        "(url) => chrome.runtime.sendMessage({type: 'proceed', url, duration: 'day'})", url
    )
    assert answer == {"ok": False, "error": "policy does not allow proceeding to this site",
                      "kind": "http"}  # fmt: skip
    # Known now: the next navigation is stopped before any request leaves the browser.
    navigate(page, "about:blank")
    navigate(page, site.url("/again", host=TYPED_BLOCK_HOST))
    warning_shown(page, site.url("/again", host=TYPED_BLOCK_HOST))
    assert hits(site, TYPED_BLOCK_HOST) == first
    page.close()


def test_a_scanned_block_link_never_reaches_its_server(direct: Browser, site: Site) -> None:
    target = site.url("/reset", host=LINKED_BLOCK_HOST)
    site.pages["/inbox"] = (
        f'<!doctype html><title>inbox</title><a id="bad" href="{target}">reset</a>'
    )
    page = direct.context.new_page()
    page.goto(site.url("/inbox"))
    page.wait_for_selector("#bad[data-lureguard=block]")
    direct.wait(
        lambda: any("change-pw" in rule for rule in session_rules(direct)), "the rule", page
    )
    # Followed by script (the content script's click guard is a separate layer).
    page.evaluate("() => { location.href = document.getElementById('bad').href; }")
    warning_shown(page, target)
    assert hits(site, LINKED_BLOCK_HOST) == 0
    page.locator("#go-back").click()
    page.wait_for_url(site.url("/inbox"))
    page.close()


def test_proceed_on_a_warn_host_lasts_its_duration(direct: Browser, site: Site, api: Api) -> None:
    page = direct.context.new_page()
    url = site.url("/account?step=2", host=WARN_HOST)
    navigate(page, url)
    warning_shown(page, url)
    page.locator("summary").click()
    before = time.time()
    page.locator("#proceed-hour").click()
    page.wait_for_url(url)
    assert page.locator("body").inner_text() == "landing page"
    until = direct.worker.evaluate("async () => (await chrome.storage.session.get('bypasses'))")
    expires = until["bypasses"][WARN_HOST] / 1000
    assert before + 3600 - 5 <= expires <= time.time() + 3600 + 5
    assert not any("rnicrosoft" in rule for rule in session_rules(direct))
    # Remembered: the next visit goes straight through.
    page.goto(site.url("/mail-landing"))
    page.goto(site.url("/other", host=WARN_HOST))
    assert page.url == site.url("/other", host=WARN_HOST)
    # Logged through the API, like the proxy's own bypasses (the background posts it after
    # the navigation, so give it a moment on a busy machine).
    log = api.data_dir / "bypasses.jsonl"
    direct.wait(lambda: log.is_file() and WARN_HOST in log.read_text(), "the bypass log", page)
    logged = json.loads(log.read_text().splitlines()[-1])
    assert (logged["host"], logged["duration"], logged["verdict"]) == (WARN_HOST, "hour", "warn")
    assert logged["url"] == site.url("/account", host=WARN_HOST)
    events = (api.data_dir / "events.jsonl").read_text().splitlines()
    assert any(
        e["event"] == "bypass" and e.get("origin") == "extension" for e in map(json.loads, events)
    )
    # Expired: warned again.
    direct.worker.evaluate(
        "async (host) => chrome.storage.session.set({bypasses: {[host]: Date.now() - 1}})",
        WARN_HOST,
    )
    navigate(page, site.url("/later", host=WARN_HOST))
    warning_shown(page, site.url("/later", host=WARN_HOST))
    page.close()


def test_bypass_endpoint_refuses_bad_bodies(api: Api) -> None:
    status, _, body = api.request("POST", "/api/v1/bypasses", {"url": "x", "host": "h"})
    assert status == 400
    assert json.loads(body)["error"] == "the bypass needs a 'verdict' string"
    status, _, body = api.request(
        "POST", "/api/v1/bypasses",
        {"url": "x", "host": "h", "verdict": "warn", "duration": "forever"},
    )  # fmt: skip
    assert (status, json.loads(body)["code"]) == (400, "bad-bypass")
    status, _, _ = api.request(
        "POST", "/api/v1/bypasses",
        {"url": "x", "host": "h", "verdict": "warn", "duration": "day"}, token="wrong",
    )  # fmt: skip
    assert status == 401


# -- proxied ------------------------------------------------------------------------------------


def api_token(proxy: ProxyProcess) -> str:
    """The proxy's API token, once its API listens (it starts just after the proxy)."""
    wait_listening(proxy.api_port, proxy.proc)
    return (proxy.data_dir / "api-token").read_text().strip()


def test_probe_answers_only_through_the_proxy(lureguard_proxy: ProxyProcess) -> None:
    token = api_token(lureguard_proxy)
    nonce = "n0nce-for-the-probe-test"
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "10", "-x", lureguard_proxy.url, "--noproxy", "",
         f"http://lureguard.invalid/probe?nonce={nonce}"],
        capture_output=True, check=True, timeout=20,
    )  # fmt: skip
    answer = json.loads(done.stdout)
    assert answer == {"service": "lureguard", "proof": proof(token, nonce)}
    bad = subprocess.run(
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
         "-x", lureguard_proxy.url, "--noproxy", "", "http://lureguard.invalid/probe?nonce=short"],
        capture_output=True, check=True, timeout=20,
    )  # fmt: skip
    assert bad.stdout == b"400"


def test_proxied_browser_gets_the_proxys_page_not_the_extensions(
    playwright_driver: Playwright,
    tmp_path_factory: pytest.TempPathFactory,
    lureguard_proxy: ProxyProcess,
) -> None:
    context = launch(
        playwright_driver,
        tmp_path_factory.mktemp("proxied-profile"),
        [f"--proxy-server={lureguard_proxy.url}", "--ignore-certificate-errors"],
    )
    try:
        browser = Browser(context, service_worker(context))
        token = api_token(lureguard_proxy)
        browser.configure(f"http://127.0.0.1:{lureguard_proxy.api_port}", token)
        page = context.new_page()
        url = "http://rnicrosoft.com/login"
        for _ in range(2):  # the second time with the probe's answer surely in
            response = page.goto(url)
            assert response is not None
            assert response.status == 403
            assert page.url == url
            assert page.locator("h1").inner_text() == "This is not Microsoft"
            tab = browser.tab_id(url)
            popup = context.new_page()
            popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab}")
            popup.wait_for_selector("#protection")
            assert popup.text_content("#protection") == "Guarded by lureguard's proxy."
            popup.close()
        assert page.url == url
        assert session_rules(browser) == []
    finally:
        context.close()
