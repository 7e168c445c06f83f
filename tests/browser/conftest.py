"""Real headless Chromium with the real extension, a real `lureguard run` and a loopback site.

Every name the pages link to resolves to nothing (`--host-resolver-rules`), except the few
mapped to the loopback site, so nothing leaves the machine even if a link is followed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, Worker, sync_playwright

from lureguard.api.origins import CHROME_EXTENSION_ID
from tests.integration.test_api import Api, start_run, stop_api
from tests.support.chromium import CHROMIUM, QUIET

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
ARTIFACTS = REPO / "test-artifacts"
#: Hosts the test site answers for (mapped to 127.0.0.1 in the browser).
MAPPED = ("rnicrosoft.com", "hotrnall.com", "mail.example.org")


@dataclass
class Site:
    """A loopback web server: `pages[path] = html`; `hits` records every path requested."""

    port: int
    pages: dict[str, str] = field(default_factory=dict)
    hits: list[tuple[str, str]] = field(default_factory=list)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"


@pytest.fixture(scope="session")
def site() -> Iterator[Site]:
    holder: dict[str, Site] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            current = holder["site"]
            current.hits.append((self.headers.get("Host", ""), self.path))
            body = current.pages.get(self.path.split("?")[0])
            data = (body or "<!doctype html><title>landing</title><p>landing page</p>").encode()
            self.send_response(200 if body is not None or self.path else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder["site"] = Site(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder["site"]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, bundled_db: Path) -> Iterator[Api]:
    """`lureguard run`, whose process serves the API (the browser itself is not proxied)."""
    running = start_run(tmp_path_factory.mktemp("browser-lureguard"), bundled_db)
    yield running
    stop_api(running)


@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    """Per module: other browser tests start their own sync Playwright after this one ends."""
    with sync_playwright() as p:
        yield p


#: Headless Chromium as root with only our extension, and no background traffic of its own.
EXTENSION_ARGS = [
    f"--disable-extensions-except={EXTENSION}",
    f"--load-extension={EXTENSION}",
    *QUIET,
    "--dns-prefetch-disable",
]


def launch(playwright: Playwright, profile: Path) -> BrowserContext:
    """Chromium with only our extension loaded (root needs --no-sandbox)."""
    rules = ", ".join(f"MAP {host} 127.0.0.1" for host in MAPPED)
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        viewport={"width": 1000, "height": 700},
        args=[
            *EXTENSION_ARGS,
            f"--host-resolver-rules={rules}, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        ],
    )


def service_worker(context: BrowserContext) -> Worker:
    workers = context.service_workers or [context.wait_for_event("serviceworker", timeout=30000)]
    return workers[0]


@dataclass
class Browser:
    context: BrowserContext
    worker: Worker

    @property
    def extension_id(self) -> str:
        return self.worker.url.split("/")[2]

    def configure(self, api_base: str, token: str) -> None:
        self.worker.evaluate(
            "([apiBase, apiToken]) => chrome.storage.local.set({apiBase, apiToken})",
            [api_base, token],
        )

    def tab_id(self, url_prefix: str) -> int:
        """The id of the (first) tab whose URL starts with `url_prefix`."""
        found = self.worker.evaluate(
            "async (prefix) => (await chrome.tabs.query({}))"
            ".find(t => (t.url || '').startsWith(prefix))?.id ?? null",
            url_prefix,
        )
        assert found is not None, f"no tab at {url_prefix}"
        return int(found)

    def badge(self, tab_id: int) -> str:
        return str(self.worker.evaluate("(tabId) => chrome.action.getBadgeText({tabId})", tab_id))

    def wait(self, check: Callable[[], bool], what: str, page: Page | None = None) -> None:
        """Poll until `check()` holds (the extension works asynchronously)."""
        holder = page or self.context.pages[0]
        for _ in range(200):
            if check():
                return
            holder.wait_for_timeout(100)
        raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture(scope="module")
def browser(
    playwright_driver: Playwright, tmp_path_factory: pytest.TempPathFactory, api: Api
) -> Iterator[Browser]:
    context = launch(playwright_driver, tmp_path_factory.mktemp("chromium-profile"))
    running = Browser(context, service_worker(context))
    assert running.extension_id == CHROME_EXTENSION_ID
    running.configure(f"http://127.0.0.1:{api.port}", api.token)
    ARTIFACTS.mkdir(exist_ok=True)
    yield running
    context.close()
