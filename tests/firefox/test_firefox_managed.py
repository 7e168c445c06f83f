"""Settings fixed by IT through Firefox's enterprise policies (policies.json, `3rdparty`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.browser.conftest import Site
from tests.firefox.driver import GECKO_ID, ORIGIN, Firefox, start_firefox
from tests.integration.test_api import Api


@pytest.fixture(scope="module")
def managed(api: Api) -> Iterator[Firefox]:
    """Firefox whose policies.json pairs the extension; nothing is stored by the user."""
    settings = {"apiBase": f"http://127.0.0.1:{api.port}", "apiToken": api.token}
    browser = start_firefox("managed", policies={"3rdparty": {"Extensions": {GECKO_ID: settings}}})
    try:
        yield browser
    finally:
        browser.close()


def test_the_policy_reaches_managed_storage(managed: Firefox, api: Api) -> None:
    assert managed.ext("() => chrome.storage.local.get(['apiBase', 'apiToken'])") == {}
    stored = managed.ext("() => chrome.storage.managed.get(['apiBase', 'apiToken'])")
    assert stored == {"apiBase": f"http://127.0.0.1:{api.port}", "apiToken": api.token}


def test_paired_by_policy_alone(managed: Firefox, site: Site) -> None:
    ff = managed
    page = ff.new_tab(site.url("/managed"))
    tab = ff.tab_id(site.url("/managed"))
    ff.wait(lambda: ff.badge(tab) == "OK", "the OK badge")
    ff.close_tab(page)


def test_options_show_the_policy_read_only(managed: Firefox, api: Api) -> None:
    ff = managed
    options = ff.new_tab(f"{ORIGIN}/options.html")
    ff.wait(lambda: ff.text("#result").startswith("Connected:"), "the connection test")
    assert ff.find("#managed").is_displayed()
    for key, value in (("apiBase", f"http://127.0.0.1:{api.port}"), ("apiToken", api.token)):
        field = ff.find(f"#{key}")
        assert not field.is_enabled()
        assert field.get_property("value") == value
    ff.screenshot("firefox-options-managed.png")
    ff.close_tab(options)


def test_user_values_do_not_override_the_policy(managed: Firefox, site: Site) -> None:
    ff = managed
    ff.configure("http://127.0.0.1:9", "not-the-token")  # as a script could, bypassing the page
    try:
        page = ff.new_tab(site.url("/still-managed"))
        tab = ff.tab_id(site.url("/still-managed"))
        ff.wait(lambda: ff.badge(tab) == "OK", "OK with the policy's settings")
        ff.close_tab(page)
    finally:
        ff.ext("() => chrome.storage.local.remove(['apiBase', 'apiToken'])")
