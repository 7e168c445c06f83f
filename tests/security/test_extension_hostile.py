"""Hostile verdicts in the extension's UI, in real headless Chromium with the real extension.

A real engine never emits a host like `<img src=x onerror=…>` or a target like
`javascript:…`, so the verdicts come from a small loopback HTTP server posing as the API: the
popup, the link tooltips and click dialogs, and the extension's warning page must show every
such value as text, inject no element, run no script, and link "the real site" only as
`https://<target>/` for a target that is a plain host name.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import Dialog, Page, Playwright

from lureguard.api.origins import CHROME_EXTENSION_ID
from tests.browser.conftest import Browser, Site, launch, playwright_driver, service_worker, site

__all__ = ["playwright_driver", "site"]

pytestmark = pytest.mark.browser

PWN = "window.__pwned=1;alert(1)"
IMG = f"<img src=x onerror={PWN}>"
SCRIPT = f"</script><script>{PWN}</script>"
CSS = "<style>*{display:none!important}</style>"
ATTR = '" style="position:fixed;inset:0" onmouseover="' + PWN + '" x="'
BIDI = "\u202egpj.exe"
ZERO_WIDTH = "pay\u200bpal\u200d.com"
LONG = "A" * 5000
HOSTILE = IMG + SCRIPT + CSS + ATTR + BIDI + ZERO_WIDTH
#: What the UI must show for HOSTILE: the markup literally, hidden characters as code points.
SHOWN = IMG + SCRIPT + CSS + ATTR + "<U+202E>gpj.exe" + "pay<U+200B>pal<U+200D>.com"
#: Targets a verdict may name; only the last is a host name the UI may link to.
TARGETS = [
    f"javascript:{PWN}//",
    f"data:text/html,<script>{PWN}</script>",
    "evil.example/@paypal.com",
    "paypal.com@evil.example",
    "paypal.com#@evil.example",
    "evil.example\\paypal.com",
    "paypal.com:1@evil.example",
    IMG,
    "pay\u202epal.com",
    "paypal.com",
]
LINKABLE = {"paypal.com": "https://paypal.com/"}
#: Elements no verdict may add to a rendered area.
INJECTABLE = "img, script, style, iframe, object, embed, svg, math, form, input, link, meta, base"


def hostile_verdict(url: str, target: str, level: str) -> dict[str, Any]:
    return {
        "input": url + IMG,
        "host": f"{IMG}.example",
        "display_host": f"{BIDI}{ZERO_WIDTH}{SCRIPT}",
        "registered_domain": SCRIPT,
        "verdict": level,
        "error": None,
        "reasons": [
            {
                "kind": "homoglyph",
                "rule_id": f"brand/{IMG}",
                "level": level,
                "brand": IMG + BIDI,
                "target": target,
                "source": SCRIPT + ZERO_WIDTH,
                "positions": [0, 3, 4999],
                "detail": HOSTILE + LONG,
            },
            {
                "kind": "pattern",
                "rule_id": ATTR,
                "level": "warn",
                "brand": None,
                "target": None,
                "source": CSS,
                "positions": [],
                "detail": CSS + BIDI,
            },
        ],
    }


def allow_verdict(url: str) -> dict[str, Any]:
    host = urlsplit(url).hostname or url
    return {"input": url, "host": host, "display_host": host, "registered_domain": host,
            "verdict": "allow", "error": None, "reasons": []}  # fmt: skip


def verdict_for(url: str) -> dict[str, Any]:
    """`…/evil/<i>` gets a hostile verdict naming TARGETS[i] (block when i is odd)."""
    parts = urlsplit(url).path.split("/")
    if len(parts) == 3 and parts[1] == "evil" and parts[2].isdigit():
        index = int(parts[2])
        return hostile_verdict(url, TARGETS[index], "block" if index % 2 else "warn")
    return allow_verdict(url)


@dataclass
class FakeApi:
    port: int
    status_up: bool = False


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeApi]:
    holder: dict[str, FakeApi] = {}

    class Handler(BaseHTTPRequestHandler):
        def answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            split = urlsplit(self.path)
            if split.path == "/api/v1/verdict":
                self.answer(200, verdict_for(parse_qs(split.query)["url"][0]))
            elif split.path == "/api/v1/status" and holder["api"].status_up:
                self.answer(200, {"mode": "warn", "allow_bypass": True, "rule_modes": {},
                                  "ruleset_version": HOSTILE})  # fmt: skip
            else:
                self.answer(503, {"error": "not now"})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/api/v1/verdicts":
                self.answer(200, {"verdicts": [verdict_for(url) for url in body["urls"]]})
            else:
                self.answer(200, {"ok": True})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["api"] = FakeApi(server.server_address[1])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield holder["api"]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(
    playwright_driver: Playwright, tmp_path_factory: pytest.TempPathFactory, fake_api: FakeApi
) -> Iterator[Browser]:
    context = launch(playwright_driver, tmp_path_factory.mktemp("hostile-profile"))
    running = Browser(context, service_worker(context))
    assert running.extension_id == CHROME_EXTENSION_ID
    running.configure(f"http://127.0.0.1:{fake_api.port}", "hostile-test-token")
    yield running
    context.close()


def set_status(browser: Browser, api: FakeApi, up: bool) -> None:
    """Switch the API's status on or off and make the extension forget what it cached."""
    api.status_up = up
    browser.worker.evaluate("() => chrome.storage.local.set({poke: Date.now()})")


def watch(page: Page) -> list[str]:
    """Every JavaScript dialog (alert, confirm) the page opens."""
    opened: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


INSPECT_JS = """([selector, injectable]) => {
  const host = document.querySelector(selector);
  const root = host.shadowRoot ?? host;
  return {
    injected: [...root.querySelectorAll(injectable)].map((e) => e.outerHTML.slice(0, 80)),
    styled: [...root.querySelectorAll("[style], [onerror], [onmouseover]")].length,
    hrefs: [...root.querySelectorAll("[href]")].map((a) => a.getAttribute("href")),
    text: root.textContent,
    pwned: window.__pwned ?? null,
  };
}"""


def inspect(page: Page, selector: str) -> dict[str, Any]:
    found: dict[str, Any] = page.evaluate(INSPECT_JS, [selector, INJECTABLE])
    assert found["injected"] == [], found["injected"]
    assert found["styled"] == 0
    assert found["pwned"] is None
    assert "\u202e" not in found["text"]
    assert "\u200b" not in found["text"]
    return found


def assert_real_site_links(hrefs: list[str], target: str, allowed: set[str] = frozenset()) -> None:
    """Only `https://<target>/` for a plain host name target, nothing for any other target."""
    for href in hrefs:
        if href in allowed:
            continue
        assert target in LINKABLE, f"{target!r} became the link {href!r}"
        assert href == LINKABLE[target]


def test_popup_shows_a_hostile_verdict_as_text(
    browser: Browser, site: Site, fake_api: FakeApi
) -> None:
    set_status(browser, fake_api, up=False)
    tab = browser.context.new_page()
    popup = browser.context.new_page()
    dialogs = watch(popup)
    for index, target in enumerate(TARGETS):
        tab.goto(site.url(f"/evil/{index}"))
        tab_id = browser.tab_id(site.url(f"/evil/{index}"))
        popup.goto(f"chrome-extension://{browser.extension_id}/popup.html?tab={tab_id}")
        popup.wait_for_selector("section.reason")
        found = inspect(popup, "body")
        assert SHOWN + LONG in found["text"]
        assert "<U+202E>gpj.exe" in (popup.text_content("#address") or "")
        meta = popup.locator(".meta").first.text_content() or ""
        assert f"rule brand/{IMG}" in meta
        assert f"source: {SCRIPT}" in meta
        assert_real_site_links(found["hrefs"], target)
    assert dialogs == []
    popup.close()
    tab.close()


def test_link_tooltips_and_click_dialogs_show_a_hostile_verdict_as_text(
    browser: Browser, site: Site, fake_api: FakeApi
) -> None:
    set_status(browser, fake_api, up=False)
    links = "".join(f'<p><a id="l{i}" href="/evil/{i}">link {i}</a>' for i in range(len(TARGETS)))
    site.pages["/hostile-mail"] = f"<!doctype html><title>mail</title>{links}"
    page = browser.context.new_page()
    dialogs = watch(page)
    page.goto(site.url("/hostile-mail"))
    page.wait_for_function(
        f"document.querySelectorAll('a[data-lureguard]').length === {len(TARGETS)}"
    )
    for index, target in enumerate(TARGETS):
        title = page.get_attribute(f"#l{index}", "title") or ""
        assert title.startswith("lureguard ")
        assert SHOWN + LONG in title
        assert "\u202e" not in title
        assert "\u200b" not in title
        page.click(f"#l{index}")
        page.locator("lureguard-dialog").wait_for()
        found = inspect(page, "lureguard-dialog")
        assert SHOWN + LONG in found["text"]
        assert_real_site_links(found["hrefs"], target)
        page.locator("lureguard-dialog button.primary").click()
        assert page.locator("lureguard-dialog").count() == 0
    inspect(page, "body")
    assert page.url == site.url("/hostile-mail")
    assert dialogs == []
    page.close()


def test_warning_page_shows_a_hostile_verdict_as_text(browser: Browser, fake_api: FakeApi) -> None:
    set_status(browser, fake_api, up=True)
    page = browser.context.new_page()
    dialogs = watch(page)
    for index, target in enumerate(TARGETS):
        # Not a loopback name: the guard blocks a flagged host (and so would block the API).
        url = f"http://hostile.example/evil/{index}"
        query = urlencode({"url": url, "back": f"javascript:{PWN}"})
        page.goto(f"chrome-extension://{browser.extension_id}/warning.html?{query}")
        page.wait_for_selector("#rule", state="attached")
        page.locator("summary").click()
        found = inspect(page, "body")
        assert SHOWN + LONG in found["text"]
        assert f"Rule set{SHOWN}" in found["text"]
        assert "\u202e" not in page.title()
        assert page.locator("#go-back").get_attribute("href") == "about:blank"
        assert_real_site_links(found["hrefs"], target, allowed={"about:blank"})
    assert dialogs == []
    page.close()
