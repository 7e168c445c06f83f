"""The extension in real headless Firefox (Debian's firefox-esr) against a real `lureguard run`.

The same behaviour as the Chromium suite (tests/browser/): pairing, badge, popup, link marks,
the click guard, the second line of defence (the browser is not proxied) and the proxy's page
once it is; then what only Firefox does: an event page that stops when idle, and host access the
user can withdraw. Only the names in MAPPED resolve (to the loopback site); Firefox refuses every
non-local connection. One browser for the module: the tests run in order and share its state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from marionette_driver.by import By

from tests.browser.conftest import Site
from tests.browser.test_extension import EXPECTED, MAIL, MARKS_JS, many_links_page
from tests.firefox.driver import ORIGIN, Firefox, start_firefox
from tests.integration.test_api import Api
from tests.support.proxy import ProxyProcess

WARN_HOST = "rnicrosoft.com"  # lookalike of microsoft.com: warn
TYPED_BLOCK_HOST = "hotrnall.com"  # THALLIUM blocklist: block, first seen when typed
LINKED_BLOCK_HOST = "change-pw.com"  # THALLIUM blocklist: block, first seen as a scanned link
MAPPED = (WARN_HOST, TYPED_BLOCK_HOST, LINKED_BLOCK_HOST, "mail.example.org")
WARNING_PAGE = f"{ORIGIN}/warning.html"


@pytest.fixture(scope="module")
def firefox(api: Api) -> Iterator[Firefox]:
    started = time.monotonic()
    browser = start_firefox("extension", mapped=MAPPED)
    print(f"\nFirefox started with the extension in {time.monotonic() - started:.1f} s")
    try:
        browser.configure(f"http://127.0.0.1:{api.port}", api.token)
        yield browser
    finally:
        browser.close()


def hits(site: Site, host: str) -> int:
    return sum(1 for seen, _ in site.hits if seen.split(":")[0] == host)


def navigate(ff: Firefox, url: str) -> None:
    """Load `url` as if typed; the extension may replace it with its warning page meanwhile.

    (A top-level request blocked by a declarativeNetRequest rule leaves a Firefox tab where it
    was, without an error page: Marionette would wait for a load that never comes, so every
    blocked navigation here must end on the warning page.)
    """
    ff.marionette.navigate(url)


def warning_shown(ff: Firefox, url: str) -> None:
    """Wait for the extension's warning page for `url` (not one for the page before, which a
    busy machine may still be showing), rendered."""

    def for_url() -> bool:
        now = ff.url()
        return now.startswith(f"{WARNING_PAGE}?") and parse_qs(urlsplit(now).query).get("url") == [
            url
        ]

    ff.wait(for_url, f"the warning page for {url}")
    ff.wait(lambda: ff.js("return document.querySelector('h1') !== null"), "its heading")


def session_rules(ff: Firefox) -> list[str]:
    rules = ff.ext("() => chrome.declarativeNetRequest.getSessionRules()")
    return [rule["condition"]["regexFilter"] for rule in rules]


def marks(ff: Firefox) -> dict[str, str]:
    return dict(ff.js(f"return ({MARKS_JS})();"))


def open_mail(ff: Firefox, site: Site) -> str:
    site.pages["/mail"] = MAIL.format(port=site.port)
    handle = ff.new_tab(site.url("/mail"))
    ff.wait(lambda: marks(ff) == EXPECTED, "the marks")
    return handle


# -- pairing and badge --------------------------------------------------------------------------


def test_runs_as_an_event_page_at_its_fixed_origin(firefox: Firefox) -> None:
    manifest = firefox.ext("() => chrome.runtime.getManifest()")
    assert firefox.ext("() => chrome.runtime.getURL('')") == f"{ORIGIN}/"
    # No extension service worker in Firefox: `background.scripts` runs as an event page.
    assert manifest["background"]["scripts"] == [f"{ORIGIN}/src/background.js"]
    assert firefox.ext("() => typeof chrome.runtime.getBackgroundPage") == "function"


def test_pairing_through_the_options_page(firefox: Firefox, site: Site, api: Api) -> None:
    ff = firefox
    ff.configure(f"http://127.0.0.1:{api.port}", "")
    page = ff.new_tab(site.url("/unpaired"))
    tab = ff.tab_id(site.url("/unpaired"))
    ff.wait(lambda: ff.badge(tab) == "PAIR", "the PAIR badge")

    options = ff.new_tab(f"{ORIGIN}/options.html")
    assert ff.find("#apiBase").get_property("value") == f"http://127.0.0.1:{api.port}"
    assert not ff.find("#managed").is_displayed()
    token = ff.find("#apiToken")
    token.clear()
    token.send_keys("not-the-token")
    ff.find("button[type=submit]").click()
    ff.wait(lambda: ff.text("#result").startswith("Not connected:"), "the refusal")
    token.clear()
    token.send_keys(api.token)
    ff.find("button[type=submit]").click()
    ff.wait(lambda: ff.text("#result").startswith("Connected:"), "the connection")
    assert ff.text("#result").startswith("Connected: lureguard 0.1.0, mode warn, rules ")
    ff.screenshot("firefox-options.png")
    assert ff.ext("() => chrome.storage.local.get('apiToken')") == {"apiToken": api.token}
    ff.wait(lambda: ff.badge(tab) == "OK", "OK once paired")
    ff.close_tab(options)
    ff.close_tab(page)


def test_badge_for_a_lookalike_tab_and_the_popup(firefox: Firefox, site: Site, api: Api) -> None:
    ff = firefox
    # Not proxied, so the extension would put its own warning page first: this is the tab of a
    # user who chose "proceed anyway".
    ff.ext(
        "(host) => chrome.storage.session.set({bypasses: {[host]: Date.now() + 3600000}})",
        WARN_HOST,
    )
    page = ff.new_tab(site.url("/account/login", host=WARN_HOST))
    tab = ff.tab_id(site.url("/account/", host=WARN_HOST))
    ff.wait(lambda: ff.badge(tab) == "WARN", "the WARN badge")
    ff.marionette.navigate(site.url("/mail"))
    ff.wait(lambda: ff.badge(tab) == "OK", "the OK badge after navigation")
    ff.marionette.navigate(site.url("/account/login", host=WARN_HOST))
    ff.wait(lambda: ff.badge(tab) == "WARN", "WARN again")

    popup = ff.new_tab(f"{ORIGIN}/popup.html?tab={tab}")
    ff.wait(lambda: ff.js("return document.querySelector('section.reason') !== null"), "popup")
    assert ff.text("#headline") == "This site imitates another one"
    assert ff.js("return [...document.querySelectorAll('.name.visited mark')]"
                 ".map(m => m.textContent)") == ["rn"]  # fmt: skip
    assert ff.text(".name.real") == "microsoft.com"
    assert "rule brand/microsoft" in ff.text(".meta")
    assert ff.find("a.button.primary").get_attribute("href") == "https://microsoft.com/"
    assert ff.text("#protection").startswith("Guarded by this extension")
    ff.screenshot("firefox-popup.png")
    ff.find("#report").click()
    ff.wait(lambda: ff.text("#report") == "Reported, thank you", "the report")
    report = json.loads((api.data_dir / "reports.jsonl").read_text().splitlines()[-1])
    assert (report["rule_id"], report["verdict"]) == ("brand/microsoft", "warn")
    assert report["url"] == site.url("/account/login", host=WARN_HOST)
    ff.close_tab(popup)
    ff.close_tab(page)
    ff.ext("() => chrome.storage.session.set({bypasses: {}})")


def test_badge_when_lureguard_is_not_reachable(firefox: Firefox, site: Site, api: Api) -> None:
    ff = firefox
    page = ff.new_tab()
    ff.configure("http://127.0.0.1:9", api.token)  # discard port: nothing listens there
    try:
        ff.marionette.navigate(site.url("/offline"))
        tab = ff.tab_id(site.url("/offline"))
        ff.wait(lambda: ff.badge(tab) == "OFF", "the OFF badge")
    finally:
        ff.configure(f"http://127.0.0.1:{api.port}", api.token)
    ff.wait(lambda: ff.badge(tab) == "OK", "OK once lureguard answers again")
    ff.close_tab(page)


# -- link marks and clicks ----------------------------------------------------------------------


def test_links_get_exactly_the_right_marks(firefox: Firefox, site: Site) -> None:
    ff = firefox
    page = open_mail(ff, site)
    title = ff.find("#mismatch").get_attribute("title")
    assert "the link text shows microsoft.com but the link goes to example.org" in title
    assert "imitates" in ff.find("#lookalike").get_attribute("title")
    assert ff.js("return getComputedStyle(document.getElementById('blocked')).outlineStyle") == (
        "solid"
    )
    ff.screenshot("firefox-marked-page.png")
    ff.close_tab(page)


def dialog_button(ff: Firefox, level: str, text: str) -> None:
    """Click the button labelled `text` in the click guard's dialog (inside its shadow root)."""
    host = ff.find(f"lureguard-dialog[data-level={level}]")
    for button in host.shadow_root.find_elements(By.CSS_SELECTOR, "button"):
        if button.text == text:
            button.click()
            return
    raise AssertionError(f"no {text!r} button in the {level} dialog")


def test_blocked_click_is_stopped_and_warn_asks_first(firefox: Firefox, site: Site) -> None:
    ff = firefox
    page = open_mail(ff, site)
    before = len(site.hits)
    ff.find("#blocked").click()
    ff.wait(lambda: ff.js("return !!document.querySelector('lureguard-dialog')"), "the dialog")
    shadow = ff.find("lureguard-dialog[data-level=block]").shadow_root
    assert "lureguard stopped this link" in shadow.find_element(By.CSS_SELECTOR, "h2").text
    assert "hotrnall.com" in shadow.find_element(By.CSS_SELECTOR, ".dest").text
    ff.screenshot("firefox-blocked-click.png")
    dialog_button(ff, "block", "Close")
    assert ff.url() == site.url("/mail")
    assert all(not host.startswith("hotrnall.com") for host, _ in site.hits[before:])

    ff.find("#mismatch").click()
    ff.wait(lambda: ff.js("return !!document.querySelector('lureguard-dialog')"), "warn dialog")
    assert ff.url() == site.url("/mail")
    dialog_button(ff, "warn", "Open anyway")
    target = f"http://mail.example.org:{site.port}/track/991"
    ff.wait(lambda: ff.url() == target, "the link followed")
    ff.close_tab(page)


# -- second line of defence (not proxied) -------------------------------------------------------


def test_warn_host_gets_the_extensions_warning_page(firefox: Firefox, site: Site) -> None:
    ff = firefox
    page = ff.new_tab()
    url = site.url("/login?user=a", host=WARN_HOST)
    navigate(ff, url)
    warning_shown(ff, url)
    assert ff.marionette.title == "This is not Microsoft – lureguard"
    assert ff.text("h1") == "This is not Microsoft"
    assert ff.text(".why") == "This address uses look-alike characters to imitate microsoft.com."
    assert [m.text for m in ff.marionette.find_elements(By.CSS_SELECTOR, "#visited mark")] == ["rn"]
    assert ff.text("#real") == "microsoft.com"
    assert ff.find("#real-site").get_attribute("href") == "https://microsoft.com/"
    assert ff.find("#go-back").is_displayed()
    ff.screenshot("firefox-warning-page.png")
    ff.find("summary").click()
    assert ff.text("#rule").startswith("brand/microsoft")
    assert ff.find("#proceed-visit").is_displayed()
    assert ff.find("#proceed-day").is_displayed()
    print(f"\n{WARN_HOST} first (typed) navigation: {hits(site, WARN_HOST)} request(s) reached it")
    assert any("rnicrosoft" in rule for rule in session_rules(ff)), "no blocking rule"
    ff.close_tab(page)


def test_block_host_is_stopped_without_a_way_through(firefox: Firefox, site: Site) -> None:
    ff = firefox
    page = ff.new_tab()
    url = site.url("/landing", host=TYPED_BLOCK_HOST)
    navigate(ff, url)
    warning_shown(ff, url)
    first = hits(site, TYPED_BLOCK_HOST)
    print(f"\n{TYPED_BLOCK_HOST} first (typed) navigation: {first} request(s) reached it")
    paths = {path for host, path in site.hits if host.startswith(TYPED_BLOCK_HOST + ":")}
    assert paths <= {"/landing", "/favicon.ico"}
    assert ff.text("h1") == "This site was blocked"
    assert ff.text(".badge").lower() == "lureguard · blocked"
    assert ff.text("#rule").startswith("campaign/thallium-2019")
    ff.find("summary").click()
    assert ff.marionette.find_elements(By.CSS_SELECTOR, "[id^=proceed-]") == []
    ff.screenshot("firefox-block-page.png")
    answer = ff.marionette.execute_async_script(
        "const done = arguments[1];"
        "chrome.runtime.sendMessage({type: 'proceed', url: arguments[0], duration: 'day'})"
        ".then(done);",
        script_args=[url],
        sandbox=None,
    )
    assert answer == {"ok": False, "error": "policy does not allow proceeding to this site",
                      "kind": "http"}  # fmt: skip
    # Known now: the next navigation is stopped before any request leaves the browser.
    navigate(ff, "about:blank")
    again = site.url("/again", host=TYPED_BLOCK_HOST)
    navigate(ff, again)
    warning_shown(ff, again)
    assert hits(site, TYPED_BLOCK_HOST) == first
    ff.close_tab(page)


def test_a_scanned_block_link_never_reaches_its_server(firefox: Firefox, site: Site) -> None:
    ff = firefox
    target = site.url("/reset", host=LINKED_BLOCK_HOST)
    site.pages["/inbox"] = (
        f'<!doctype html><title>inbox</title><a id="bad" href="{target}">reset</a>'
    )
    page = ff.new_tab(site.url("/inbox"))
    ff.wait(lambda: marks(ff) == {"bad": "block"}, "the block mark")
    ff.wait(lambda: any("change-pw" in rule for rule in session_rules(ff)), "the rule")
    # Followed by script (the content script's click guard is a separate layer).
    ff.js("location.href = document.getElementById('bad').href;")
    warning_shown(ff, target)
    assert hits(site, LINKED_BLOCK_HOST) == 0
    ff.find("#go-back").click()
    ff.wait(lambda: ff.url() == site.url("/inbox"), "back at the inbox")
    ff.close_tab(page)


def test_proceed_on_a_warn_host_lasts_its_duration(firefox: Firefox, site: Site, api: Api) -> None:
    ff = firefox
    page = ff.new_tab()
    url = site.url("/account?step=2", host=WARN_HOST)
    navigate(ff, url)
    warning_shown(ff, url)
    ff.find("summary").click()
    before = time.time()
    ff.find("#proceed-hour").click()
    ff.wait(lambda: ff.url() == url, "the site after proceeding")
    ff.wait(lambda: ff.js("return document.body?.innerText") == "landing page", "its page")
    stored = ff.ext("() => chrome.storage.session.get('bypasses')")
    expires = stored["bypasses"][WARN_HOST] / 1000
    assert before + 3600 - 5 <= expires <= time.time() + 3600 + 5
    assert not any("rnicrosoft" in rule for rule in session_rules(ff))
    # Remembered: the next visit goes straight through.
    ff.marionette.navigate(site.url("/mail-landing"))
    ff.marionette.navigate(site.url("/other", host=WARN_HOST))
    assert ff.url() == site.url("/other", host=WARN_HOST)
    log = api.data_dir / "bypasses.jsonl"
    ff.wait(lambda: log.is_file() and WARN_HOST in log.read_text(), "the bypass log")
    logged = json.loads(log.read_text().splitlines()[-1])
    assert (logged["host"], logged["duration"], logged["verdict"]) == (WARN_HOST, "hour", "warn")
    # Expired: warned again.
    ff.ext("(host) => chrome.storage.session.set({bypasses: {[host]: Date.now() - 1}})", WARN_HOST)
    later = site.url("/later", host=WARN_HOST)
    navigate(ff, later)
    warning_shown(ff, later)
    ff.close_tab(page)


# -- Firefox only: the background is an event page ----------------------------------------------


def test_everything_works_after_the_event_page_was_suspended(firefox: Firefox, site: Site) -> None:
    """Firefox stops an idle MV3 background (30 s by default) and starts it again on an event."""
    ff = firefox
    site.pages["/mail"] = MAIL.format(port=site.port)
    ff.suspend_background()
    # Woken by tabs.onUpdated: the badge.
    page = ff.new_tab(site.url("/after-suspension"))
    tab = ff.tab_id(site.url("/after-suspension"))
    ff.wait(lambda: ff.badge(tab) == "OK", "the badge after a suspension")
    ff.suspend_background()
    # Woken by a content script's message: link marks.
    ff.marionette.navigate(site.url("/mail"))
    ff.wait(lambda: marks(ff) == EXPECTED, "the marks after a suspension")
    ff.suspend_background()
    # Woken by webNavigation.onBeforeNavigate: the warning page.
    url = site.url("/after-suspension", host=WARN_HOST)
    navigate(ff, url)
    warning_shown(ff, url)
    ff.close_tab(page)


def test_five_thousand_links(firefox: Firefox, site: Site) -> None:
    ff = firefox
    site.pages["/many"], expected = many_links_page(5000)
    page = ff.new_tab()
    started = time.monotonic()
    ff.marionette.navigate(site.url("/many"))
    ff.wait(lambda: marks(ff) == expected, "5,000 links marked")
    elapsed = time.monotonic() - started
    print(f"\n5,000 links: marks complete {elapsed:.2f} s after navigation started")
    ff.close_tab(page)


# -- Firefox: host access is the user's to withdraw ----------------------------------------------


def test_withdrawn_host_access_is_shown_and_asked_for_again(firefox: Firefox, site: Site) -> None:
    """about:addons → Permissions can withdraw it (and Firefox before 127 never granted it)."""
    ff = firefox
    site.pages["/mail"] = MAIL.format(port=site.port)
    origins = ff.ext("() => chrome.permissions.getAll()")["origins"]
    assert "https://*/*" in origins
    ff.ext("(origins) => chrome.permissions.remove({origins})", origins)
    # Stands for the user's "Allow" in Firefox's permission prompt.
    ff.marionette.set_pref("extensions.webextOptionalPermissionPrompts", False)
    try:
        page = ff.new_tab(site.url("/mail"))
        tab = ff.tab_id(site.url("/mail"))
        ff.wait(lambda: ff.badge(tab) == "OK", "the badge (the background needs no host access)")
        assert marks(ff) == {}, "a content script ran without host access"

        popup = ff.new_tab(f"{ORIGIN}/popup.html?tab={tab}")
        ff.wait(lambda: ff.js("return !!document.getElementById('access')"), "the popup's notice")
        assert ff.text("#access").startswith("lureguard is not allowed to read web pages")
        ff.screenshot("firefox-popup-no-access.png")
        ff.close_tab(popup)

        options = ff.new_tab(f"{ORIGIN}/options.html")
        ff.wait(lambda: ff.find("#access").is_displayed(), "the options page's notice")
        assert "Missing: http://127.0.0.1/*, " in ff.text("#access-text")
        ff.find("#grant").click()
        ff.wait(lambda: not ff.find("#access").is_displayed(), "the notice gone once allowed")
        granted = ff.ext("() => chrome.permissions.getAll()")["origins"]
        assert sorted(granted) == sorted(origins)
        ff.close_tab(options)

        ff.marionette.switch_to_window(page)
        ff.marionette.refresh()
        ff.wait(lambda: marks(ff) == EXPECTED, "the marks once access is back")
        ff.close_tab(page)
    finally:
        ff.marionette.set_pref("extensions.webextOptionalPermissionPrompts", None)
        ff.grant_host_access(origins)


# -- proxied ------------------------------------------------------------------------------------


def test_proxied_firefox_gets_the_proxys_page_not_the_extensions(
    firefox: Firefox, site: Site, lureguard: ProxyProcess, api: Api
) -> None:
    ff = firefox
    proxy = {
        "network.proxy.type": 1,
        "network.proxy.http": "127.0.0.1",
        "network.proxy.http_port": lureguard.port,
        "network.proxy.ssl": "127.0.0.1",
        "network.proxy.ssl_port": lureguard.port,
    }
    # Left by the tests above, while the browser was not proxied.
    assert any("rnicrosoft" in rule for rule in session_rules(ff))
    ff.marionette.set_prefs(proxy)
    try:
        ff.configure(f"http://127.0.0.1:{api.port}", api.token)  # settings changed: probe again
        page = ff.new_tab()
        url = "http://rnicrosoft.com/login"
        for _ in range(2):  # the second time with the probe's answer surely in
            ff.marionette.navigate(url)
            assert ff.url() == url
            assert ff.text("h1") == "This is not Microsoft"
            assert "lureguard" in ff.text("body")
            tab = ff.tab_id(url)
            popup = ff.new_tab(f"{ORIGIN}/popup.html?tab={tab}")
            ff.wait(lambda: ff.js("return !!document.getElementById('protection')"), "popup")
            assert ff.text("#protection") == "Guarded by lureguard's proxy."
            ff.close_tab(popup)
            ff.marionette.switch_to_window(page)
        assert ff.url() == url
        assert session_rules(ff) == []
        ff.close_tab(page)
    finally:
        ff.marionette.set_prefs({name: None for name in proxy})
        ff.configure(f"http://127.0.0.1:{api.port}", api.token)


def test_the_extension_logged_no_errors(firefox: Firefox) -> None:
    errors = firefox.extension_errors()
    assert not errors, "\n".join(errors)
