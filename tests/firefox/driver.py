"""Debian's firefox-esr, headless, driven by Marionette, with the extension as a temporary add-on.

Everything Firefox writes (profile, HOME, gecko log) lives in one workspace folder that
`Firefox.close` deletes. The extension gets a fixed `moz-extension://` UUID (pref
`extensions.webextensions.uuids`), so the API can allow its origin before the browser starts.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from marionette_driver.addons import Addons
from marionette_driver.by import By
from marionette_driver.marionette import Marionette, WebElement

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
ARTIFACTS = REPO / "test-artifacts"
FIREFOX = Path("/usr/bin/firefox-esr")
#: `browser_specific_settings.gecko.id` in extension/manifest.json.
GECKO_ID = "extension@lureguard.invalid"
#: The extension's internal UUID in every test profile, hence its origin.
UUID = "5f3c2a8e-1d4b-4e6f-9a7c-3b2d1e0f4a5c"
ORIGIN = f"moz-extension://{UUID}"

#: Only our extension, no network chatter, and every name in `mapped` on 127.0.0.1.
BASE_PREFS: dict[str, Any] = {
    "extensions.webextensions.uuids": json.dumps({GECKO_ID: UUID}),
    # The site listens on 127.0.0.1 only: never try ::1 first.
    "network.dns.disableIPv6": True,
    "network.proxy.type": 0,
    # The MV3 background is an event page that Firefox stops after 30 s idle: keep it up for the
    # longest allowed (5 min) so a slow test never races a suspension; `suspend_background()`
    # stops it on purpose.
    "extensions.background.idle.timeout": 300_000,
}


def require_firefox() -> Path:
    """The firefox-esr binary; a missing one fails the test (it is a dependency, not an option)."""
    if not FIREFOX.is_file():
        pytest.fail(
            f"{FIREFOX} is missing: run `scripts/system-deps` as root "
            "(or `apt-get install -y firefox-esr`)",
            pytrace=False,
        )
    return FIREFOX


@dataclass
class Firefox:
    """A running Firefox with the extension loaded, and one tab at an extension page.

    The control tab (options.html) is where `ext()` runs code with the extension's privileges,
    the way the Chromium suite evaluates code in the service worker.
    """

    marionette: Marionette
    workspace: Path
    control: str
    name: str

    def ext(self, function: str, *args: Any) -> Any:
        """`function` (JS source, may be async) applied to `args` in the control tab."""
        script = (
            "const done = arguments[arguments.length - 1];"
            "const args = Array.prototype.slice.call(arguments, 0, -1);"
            f"Promise.resolve().then(() => ({function})(...args)).then("
            "  (value) => done({ok: true, value: value === undefined ? null : value}),"
            "  (error) => done({ok: false, error: String(error)}));"
        )
        with self.in_window(self.control):
            answer = self.marionette.execute_async_script(
                script, script_args=list(args), sandbox=None, script_timeout=30_000
            )
        if not answer["ok"]:
            raise AssertionError(f"extension script failed: {answer['error']}")
        return answer["value"]

    @contextmanager
    def in_window(self, handle: str) -> Iterator[None]:
        """Switch to the tab `handle` (without focusing it) and back."""
        m = self.marionette
        previous = m.current_window_handle
        if previous == handle:
            yield
            return
        m.switch_to_window(handle, focus=False)
        try:
            yield
        finally:
            m.switch_to_window(previous, focus=False)

    def configure(self, api_base: str, token: str) -> None:
        self.ext(
            "(apiBase, apiToken) => chrome.storage.local.set({apiBase, apiToken})", api_base, token
        )

    def new_tab(self, url: str | None = None) -> str:
        """A new tab (focused, current), optionally navigated to `url`; returns its handle."""
        m = self.marionette
        handle = str(m.open(type="tab", focus=True)["handle"])
        m.switch_to_window(handle)
        if url is not None:
            m.navigate(url)
        return handle

    def close_tab(self, handle: str) -> None:
        m = self.marionette
        m.switch_to_window(handle)
        m.close()
        m.switch_to_window(self.control, focus=False)

    def start_navigation(self, url: str) -> None:
        """Navigate the current tab without waiting for a load the extension may cut short."""
        self.marionette.execute_script("window.location.href = arguments[0];", script_args=[url])

    def tab_id(self, url_prefix: str) -> int:
        """The extension's id of the (first) tab whose URL starts with `url_prefix`."""
        found = self.ext(
            "async (prefix) => (await chrome.tabs.query({}))"
            ".find(t => (t.url || '').startsWith(prefix))?.id ?? null",
            url_prefix,
        )
        assert found is not None, f"no tab at {url_prefix}"
        return int(found)

    def badge(self, tab_id: int) -> str:
        return str(self.ext("(tabId) => chrome.action.getBadgeText({tabId})", tab_id))

    @property
    def profile(self) -> Path:
        """The profile folder Firefox runs with."""
        instance = self.marionette.instance
        assert instance is not None
        return Path(instance.profile.profile)

    def url(self) -> str:
        return str(self.marionette.get_url())

    def find(self, css: str) -> WebElement:
        return self.marionette.find_element(By.CSS_SELECTOR, css)

    def text(self, css: str) -> str:
        return str(self.find(css).text)

    def js(self, script: str, *args: Any) -> Any:
        """Run `script` (a function body) in the current page's own global (`chrome` included)."""
        return self.marionette.execute_script(script, script_args=list(args), sandbox=None)

    def wait(self, check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
        """Poll until `check()` holds (the extension works asynchronously)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.1)
        raise AssertionError(f"gave up waiting for {what}")

    def background_state(self) -> str:
        """The event page's state: "running", "suspending", "stopped" or "starting"."""
        with self.marionette.using_context("chrome"):
            return str(
                self.marionette.execute_script(
                    "return WebExtensionPolicy.getByID(arguments[0]).extension.backgroundState;",
                    script_args=[GECKO_ID],
                )
            )

    def suspend_background(self) -> None:
        """Stop the event page the way Firefox does when it has been idle, and wait for it.
        A page still starting (just woken by an event) ignores the request, so it is asked
        again whenever it is found running; on a loaded machine a start takes seconds."""

        def stopped() -> bool:
            state = self.background_state()
            if state == "running":
                with self.marionette.using_context("chrome"):
                    self.marionette.execute_script(
                        "WebExtensionPolicy.getByID(arguments[0]).extension.terminateBackground();",
                        script_args=[GECKO_ID],
                    )
            return state == "stopped"

        self.wait(stopped, "the event page to stop")

    def grant_host_access(self, origins: list[str]) -> None:
        """Give the extension `origins` the way about:addons → Permissions does (no prompt)."""
        with self.marionette.using_context("chrome"):
            self.marionette.execute_async_script(
                """
                const [id, origins, done] = arguments;
                const { ExtensionPermissions } = ChromeUtils.importESModule(
                  "resource://gre/modules/ExtensionPermissions.sys.mjs");
                const extension = WebExtensionPolicy.getByID(id).extension;
                ExtensionPermissions.add(id, {permissions: [], origins}, extension).then(done);
                """,
                script_args=[GECKO_ID, origins],
            )

    def extension_errors(self) -> list[str]:
        """Errors the browser console holds for the extension's own pages and scripts."""
        with self.marionette.using_context("chrome"):
            found = self.marionette.execute_script(
                """
                const origin = arguments[0];
                // A promise settling after its page unloaded or went into the back-forward
                // cache: Firefox notes it and drops the result; the page is gone.
                const gone = ["Promise rejected after context unloaded",
                              "Promise resolved after context unloaded",
                              "Promise resolved while context is inactive"];
                return Services.console.getMessageArray()
                  .filter(m => m instanceof Ci.nsIScriptError)
                  .filter(m => !(m.flags & Ci.nsIScriptError.warningFlag))
                  .filter(m => (m.sourceName || "").startsWith(origin)
                               || m.errorMessage.includes(origin))
                  .filter(m => !gone.some(text => m.errorMessage.startsWith(text)))
                  .map(m => `${m.sourceName}:${m.lineNumber}: ${m.errorMessage}`);
                """,
                script_args=[ORIGIN],
            )
        return [str(line) for line in found]

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / name).write_bytes(self.marionette.screenshot(format="binary", full=True))

    def close(self) -> None:
        """Stop Firefox and delete everything it wrote; keep its log in test-artifacts/."""
        instance = self.marionette.instance
        try:
            self.marionette.cleanup()
            # mozprofile deletes its profile again when collected, which fails noisily at
            # interpreter exit: let that happen now.
            if instance is not None:
                instance.runner = None
            self.marionette.instance = None
            gc.collect()
        finally:
            log = self.workspace / "gecko.log"
            if log.is_file():
                ARTIFACTS.mkdir(exist_ok=True)
                shutil.copyfile(log, ARTIFACTS / f"firefox-{self.name}.log")
            shutil.rmtree(self.workspace, ignore_errors=True)


def start_firefox(
    name: str,
    *,
    mapped: tuple[str, ...] = (),
    policies: Mapping[str, Any] | None = None,
    profile: Path | None = None,
    prefs: Mapping[str, Any] | None = None,
    extension: bool = True,
) -> Firefox:
    """Firefox with a fresh profile (or a copy of `profile`) and the extension installed;
    `policies` as policies.json, `prefs` on top of the base prefs.

    `name` names its log in test-artifacts/ (firefox-NAME.log). Without `extension`, the
    control tab is about:blank and `ext()` has nothing to run in.
    """
    binary = require_firefox()
    workspace = Path(tempfile.mkdtemp(prefix="lureguard-firefox-"))
    home = workspace / "home"
    home.mkdir()
    prefs = {**BASE_PREFS, "network.dns.localDomains": ",".join(mapped), **(prefs or {})}
    env = {
        # HOME: Firefox's caches and ~/.mozilla stay inside the workspace.
        "HOME": str(home),
        # Nothing but loopback, whatever a page links to.
        "MOZ_DISABLE_NONLOCAL_CONNECTIONS": "1",
    }
    if policies is not None:
        # Firefox reads `browser.policies.alternatePath` only in automation, which is what the
        # pref below together with MOZ_DISABLE_NONLOCAL_CONNECTIONS turns on; the file is the
        # same policies.json an administrator puts into distribution/ or /etc/firefox/policies/.
        path = workspace / "policies.json"
        path.write_text(json.dumps({"policies": dict(policies)}), encoding="utf-8")
        prefs["browser.policies.alternatePath"] = str(path)
        prefs["security.turn_off_all_security_so_that_viruses_can_take_over_this_computer"] = True
    saved = {variable: os.environ.get(variable) for variable in env}
    os.environ.update(env)  # read once, when Marionette starts the process
    try:
        marionette = Marionette(
            bin=str(binary),
            app="fxdesktop",  # not asked of mozversion, which logs to stdout
            port=0,
            headless=True,
            workspace=str(workspace),
            gecko_log=str(workspace / "gecko.log"),
            prefs=prefs,
            profile=None if profile is None else str(profile),
            startup_timeout=60,
        )
    except BaseException:
        shutil.rmtree(workspace, ignore_errors=True)
        raise
    finally:
        for variable, value in saved.items():
            if value is None:
                os.environ.pop(variable, None)
            else:
                os.environ[variable] = value
    try:
        marionette.start_session()
        marionette.timeout.page_load = 30  # seconds; a hung load fails its test, not the suite
        if extension:
            installed = Addons(marionette).install(str(EXTENSION), temp=True)
            assert installed == GECKO_ID
            marionette.navigate(f"{ORIGIN}/options.html")
        browser = Firefox(marionette, workspace, str(marionette.current_window_handle), name)
    except BaseException:
        marionette.cleanup()
        shutil.rmtree(workspace, ignore_errors=True)
        raise
    return browser
