"""The extension in real headless Chromium against a real lureguard API process."""

from __future__ import annotations

import json
import time

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, Browser, Site
from tests.integration.test_api import Api

MAIL = """<!doctype html>
<html><head><meta charset="utf-8"><title>Inbox – Webmail</title>
<style>
 body {{ font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f1f3f4; color: #202124; }}
 header {{ background: #1a73e8; color: #fff; padding: .7rem 1.2rem; font-size: 1.2rem; }}
 .mail {{ background: #fff; margin: 1rem auto; max-width: 46rem; padding: 1.2rem 1.6rem;
          border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.2); }}
 .from {{ color: #5f6368; }} a {{ color: #1a0dab; }}
</style></head>
<body><header>Webmail · Inbox</header>
<div class="mail" id="mail">
 <h2>Action required: your account will be suspended</h2>
 <p class="from">From: Microsoft account team &lt;no-reply@account-security.example.net&gt;</p>
 <p>We noticed unusual sign-in activity. Please
   <a id="lookalike" href="https://rnicrosoft.com/login">sign in to your Microsoft account</a>
   within 24 hours to keep it.</p>
 <p>Or confirm here: <a id="mismatch" href="http://mail.example.org:{port}/track/991"
   >https://account.microsoft.com/security</a></p>
 <p>Check your mailbox quota: <a id="blocked" href="http://hotrnall.com:{port}/landing"
   >Hotmail storage settings</a></p>
 <p>Read our <a id="clean" href="https://www.microsoft.com/privacy">privacy statement</a>, visit
   <a id="same-site" href="https://login.microsoft.com/x">microsoft.com</a>, browse
   <a id="prose" href="https://github.com/">the docs.</a>, <a id="local" href="/help">help</a>
   or <a id="mail-to" href="mailto:help@microsoft.com">write to us</a>.</p>
 <p>Unlock it at <a id="user-name" href="https://login.microsoft.com@qz-evil.example/unlock"
   >your Microsoft account page</a> (a user name before the '@' is no host).</p>
 <p>Links the mail filter wrapped: <a id="wrapped-lookalike"
   href="https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fpaypa1.com%2Fsignin&amp;data=05"
   >PayPal</a> and <a id="wrapped-clean"
   href="https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.paypal.com%2F&amp;data=05"
   >https://www.paypal.com/</a> (its text names where it really goes).</p>
 <p id="later"></p>
</div>
<script>
 setTimeout(() => {{
   const p = document.getElementById("later");
   p.append("Added after load: ");
   for (const [id, href, text] of [
     ["late-lookalike", "https://paypa1.com/signin", "PayPal"],
     ["late-clean", "https://www.paypal.com/", "PayPal home"],
     ["late-mismatch", "https://paypal.com.secure-check.net/", "www.paypal.com"],
   ]) {{
     const a = document.createElement("a");
     a.id = id; a.href = href; a.textContent = text;
     p.append(a, " ");
   }}
   document.getElementById("clean-then-bad").href = "https://g00gle.com/";
 }}, 300);
</script>
<p hidden><a id="clean-then-bad" href="https://www.google.com/">Google</a></p>
</body></html>
"""

EXPECTED = {
    "lookalike": "warn",
    "mismatch": "warn",
    "blocked": "block",
    "user-name": "warn",
    "wrapped-lookalike": "warn",
    "late-lookalike": "warn",
    "late-mismatch": "warn",
    "clean-then-bad": "warn",
}
MARKS_JS = """() => Object.fromEntries([...document.querySelectorAll('a[data-lureguard]')]
    .map(a => [a.id, a.getAttribute('data-lureguard')]))"""


def open_mail(browser: Browser, site: Site) -> Page:
    site.pages["/mail"] = MAIL.format(port=site.port)
    page = browser.context.new_page()
    page.goto(site.url("/mail"))
    browser.wait(lambda: page.evaluate(MARKS_JS) == EXPECTED, "the marks", page)
    return page


def test_extension_id_comes_from_the_manifest_key(browser: Browser) -> None:
    # Checked in the fixture too; the API's default origin allowlist depends on it.
    assert browser.worker.url.endswith("/src/background.js")


def test_badge_for_a_lookalike_tab_and_the_popup(browser: Browser, site: Site, api: Api) -> None:
    # This browser is not proxied, so the extension would put its own warning page first (see
    # test_extension_defence.py): this is the tab of a user who chose "proceed anyway".
    browser.worker.evaluate(
        "(host) => chrome.storage.session.set({bypasses: {[host]: Date.now() + 3600000}})",
        "rnicrosoft.com",
    )
    page = browser.context.new_page()
    page.goto(site.url("/account/login", host="rnicrosoft.com"))
    tab = browser.tab_id(site.url("/account/", host="rnicrosoft.com"))
    browser.wait(lambda: browser.badge(tab) == "WARN", "the WARN badge", page)
    page.goto(site.url("/mail"))
    browser.wait(lambda: browser.badge(tab) == "OK", "the OK badge after navigation", page)
    page.goto(site.url("/account/login", host="rnicrosoft.com"))
    browser.wait(lambda: browser.badge(tab) == "WARN", "WARN again", page)

    popup = browser.context.new_page()
    popup.set_viewport_size({"width": 460, "height": 420})
    popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab}")
    popup.wait_for_selector("section.reason")
    assert popup.text_content("#headline") == "This site imitates another one"
    visited = popup.locator(".name.visited mark").all_text_contents()
    assert visited == ["rn"]
    assert popup.text_content(".name.real") == "microsoft.com"
    assert "rule brand/microsoft" in (popup.text_content(".meta") or "")
    assert popup.get_attribute("a.button.primary", "href") == "https://microsoft.com/"
    assert popup.locator("#access").count() == 0  # host access granted (see src/access.js)
    popup.screenshot(path=str(ARTIFACTS / "extension-popup.png"))
    popup.click("#report")
    expect(popup.locator("#report")).to_have_text("Reported, thank you")
    report = json.loads((api.data_dir / "reports.jsonl").read_text().splitlines()[-1])
    assert (report["rule_id"], report["verdict"]) == ("brand/microsoft", "warn")
    assert report["url"] == site.url("/account/login", host="rnicrosoft.com")
    popup.close()
    page.close()


def test_badge_when_lureguard_is_not_reachable(browser: Browser, site: Site) -> None:
    page = browser.context.new_page()
    dead = "http://127.0.0.1:9"  # discard port: nothing listens there
    current = browser.worker.evaluate("() => chrome.storage.local.get(['apiBase'])")["apiBase"]
    token = browser.worker.evaluate("() => chrome.storage.local.get(['apiToken'])")["apiToken"]
    browser.configure(dead, token)
    try:
        page.goto(site.url("/offline"))
        tab = browser.tab_id(site.url("/offline"))
        browser.wait(lambda: browser.badge(tab) == "OFF", "the OFF badge", page)
    finally:
        browser.configure(current, token)
    browser.wait(lambda: browser.badge(tab) == "OK", "OK once lureguard answers again", page)
    page.close()


def test_links_get_exactly_the_right_marks(browser: Browser, site: Site) -> None:
    page = open_mail(browser, site)
    assert page.evaluate(MARKS_JS) == EXPECTED
    title = page.get_attribute("#mismatch", "title") or ""
    assert "the link text shows microsoft.com but the link goes to example.org" in title
    assert "imitates" in (page.get_attribute("#lookalike", "title") or "")
    outline = page.eval_on_selector("#blocked", "a => getComputedStyle(a).outlineStyle")
    assert outline == "solid"
    page.screenshot(path=str(ARTIFACTS / "extension-marked-page.png"))
    page.close()


def test_blocked_click_is_stopped_and_warn_asks_first(browser: Browser, site: Site) -> None:
    page = open_mail(browser, site)
    before = len(site.hits)
    page.click("#blocked")
    dialog = page.locator("lureguard-dialog[data-level=block]")
    dialog.wait_for()
    assert "lureguard stopped this link" in (dialog.locator("h2").text_content() or "")
    assert "hotrnall.com" in (dialog.locator(".dest").text_content() or "")
    page.screenshot(path=str(ARTIFACTS / "extension-blocked-click.png"))
    dialog.locator("button").click()
    assert page.url == site.url("/mail")
    assert ("hotrnall.com" not in host for host, _ in site.hits[before:])

    page.click("#mismatch")
    warn = page.locator("lureguard-dialog[data-level=warn]")
    warn.wait_for()
    assert page.url == site.url("/mail")
    with page.expect_navigation():
        warn.locator("button", has_text="Open anyway").click()
    assert page.url == f"http://mail.example.org:{site.port}/track/991"
    page.close()


def many_links_page(count: int) -> tuple[str, dict[str, str]]:
    """A page of `count` links, one in 250 to a lookalike, and the marks the extension must
    set on it (link id -> level); the Firefox suite reuses it."""
    rows = []
    expected = {}
    for i in range(count):
        if i % 250 == 0:
            rows.append(f'<a id="l{i}" href="https://rnicrosoft.com/p{i}">offer {i}</a>')
            expected[f"l{i}"] = "warn"
        else:
            rows.append(f'<a id="l{i}" href="https://shop{i}.example.net/item">item {i}</a>')
    return "<!doctype html><title>many</title>" + "<br>".join(rows), expected


def test_five_thousand_links(browser: Browser, site: Site) -> None:
    site.pages["/many"], expected = many_links_page(5000)
    page = browser.context.new_page()
    started = time.monotonic()
    page.goto(site.url("/many"))
    browser.wait(lambda: page.evaluate(MARKS_JS) == expected, "5,000 links marked", page)
    elapsed = time.monotonic() - started
    print(f"\n5,000 links: marks complete {elapsed:.2f} s after navigation started")
    page.close()
