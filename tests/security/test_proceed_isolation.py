"""'Proceed anyway' is the user's decision: a script of the flagged site can neither read the
warning page's tokens nor spend one, in real Chromium through a real `lureguard run`.

The attacker is the flagged site itself after the user proceeded once: its page runs script on
the site's own origin. The test serves that page from Playwright (the proxy would only pass it
through after a bypass) and lets its script try everything against the real proxy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Route, sync_playwright

from tests.support.chromium import CHROMIUM, through_proxy
from tests.support.forms import form_token
from tests.support.proxy import ProxyProcess, curl

pytestmark = pytest.mark.browser

SITE = "https://rnicrosoft.com"
NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}

#: The flagged site's own page: it tries to read a fresh warning page, then to spend a token
#: (STOLEN). It runs on load: `page.evaluate` would lend it the user activation of a click.
ATTACK_PAGE = """<!doctype html><title>attacker</title><script>
(async () => {
  const out = {};
  const popup = window.open('/login?popup', 'lg');
  await new Promise(r => setTimeout(r, 1500));
  try { out.popup = popup.document.documentElement.outerHTML.includes('name="token"'); }
  catch (e) { out.popup = 'denied'; }
  const page = await fetch('/login?fetched', {headers: {Accept: 'text/html'}});
  out.fetched = (await page.text()).includes('name="token"');
  const body = new URLSearchParams({token: 'STOLEN', for: 'day', next: '/'});
  const post = await fetch('/.well-known/lureguard/proceed',
                           {method: 'POST', body, redirect: 'manual'});
  out.post = post.type === 'opaqueredirect' ? 303 : post.status;
  window.result = out;
})();
</script>"""

#: The same site submitting the form itself, as a top-level navigation without a click.
SUBMIT_PAGE = """<!doctype html><title>attacker</title>
<form method="post" action="/.well-known/lureguard/proceed">
<input name="token" value="STOLEN"><input name="for" value="day"><input name="next" value="/">
</form><script>document.forms[0].submit();</script>"""


@pytest.fixture(scope="module")
def chromium(secured_proxy: ProxyProcess) -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=through_proxy(secured_proxy.url),
        )
        yield browser
        browser.close()


def _events(proxy: ProxyProcess, kind: str) -> list[dict[str, Any]]:
    lines = (proxy.data_dir / "events.jsonl").read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["event"] == kind]


def _serve(body: str) -> Callable[[Route], None]:
    """A route handler answering with the site's own page `body`."""

    def fulfill(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=body)

    return fulfill


def _stolen_token(proxy: ProxyProcess) -> str:
    """A valid "1 day" token of the site, as if the script had found a way to read one."""
    page = curl(proxy, SITE + "/login", cacert=proxy.mitm_ca, headers=NAV)
    return form_token(page.body, "proceed", "day")


def test_a_script_of_the_site_cannot_read_or_spend_a_proceed_token(
    secured_proxy: ProxyProcess, chromium: Browser
) -> None:
    context = chromium.new_context()
    page = context.new_page()
    for path, html in (("/attack", ATTACK_PAGE), ("/submit", SUBMIT_PAGE)):
        body = html.replace("STOLEN", _stolen_token(secured_proxy))
        page.route(SITE + path, _serve(body))
    page.goto(SITE + "/attack")
    page.wait_for_function("window.result !== undefined", timeout=15000)
    result = page.evaluate("window.result")
    # The warning page opened by the site is sandboxed and severed by COOP: nothing to read.
    assert result["popup"] != True  # noqa: E712 (false, or 'denied' when access throws)
    # A fetch is no navigation: it gets the short 403 without any form.
    assert result["fetched"] is False
    # A scripted POST is refused even with a valid token.
    assert result["post"] == 403
    # So is a form the site submits itself, without a click of the user.
    page.goto(SITE + "/submit")
    page.wait_for_url(SITE + "/.well-known/lureguard/proceed")
    assert "did not let you through" in page.content()
    assert _events(secured_proxy, "bypass") == []
    assert len(_events(secured_proxy, "bypass-refused")) == 2
    context.close()


def test_the_users_click_grants_what_it_says(
    secured_proxy: ProxyProcess, chromium: Browser
) -> None:
    context = chromium.new_context()
    page = context.new_page()
    response = page.goto(SITE + "/mail")
    assert response is not None
    assert response.status == 403
    assert response.headers["cross-origin-opener-policy"] == "same-origin"
    assert "sandbox allow-forms" in response.headers["content-security-policy"]
    page.locator("summary").click()
    with page.expect_navigation():
        page.locator("#proceed-visit").click()
    assert page.url == SITE + "/mail"
    assert "origin ok https host=rnicrosoft.com" in page.content()
    granted = _events(secured_proxy, "bypass")
    assert [(e["duration"], e["granted_by"]) for e in granted] == [("visit", "user-navigation")]
    context.close()
