"""The credential guard in real headless Firefox (Debian's firefox-esr), with IT's policy.

The same loopback HTTPS site as the Chromium suite (tests/browser/test_credential_guard.py), its
test CA installed by policy (`Certificates.Install`), and the extension's managed storage set
through policies.json `3rdparty`: the organisation's SSO host, another host where that password
belongs, the SSO password required, and no "this site is mine too". Firefox's own differences
matter here: an event page instead of a service worker, no `sender.origin` or `documentId`,
`world: "MAIN"` content scripts (Firefox 128+), Xray wrappers between the worlds.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_credential_guard import (
    CLAIM_HOST,
    LOGIN_HOST,
    MAPPED,
    ORDINARY_HOST,
    OTHER_PASSWORD,
    PASSWORD,
    PHISH_HOST,
    SSO_HOST,
    VPN_HOST,
    TlsSite,
    events,
    posts_with,
    tls_site,
)
from tests.firefox.driver import GECKO_ID, ORIGIN, Firefox, start_firefox
from tests.integration.test_api import Api

__all__ = ["tls_site"]

SSO_PASSWORD = "C0ntoso-Staff-2026!"
REUSE_PAGE = f"{ORIGIN}/reuse.html"
ENTER = "\ue007"


@pytest.fixture(scope="module")
def firefox(api: Api, tls_site: TlsSite) -> Iterator[Firefox]:
    settings = {
        "apiBase": f"http://127.0.0.1:{api.port}",
        "apiToken": api.token,
        "ssoHosts": [SSO_HOST],
        "ssoName": "Contoso",
        "ssoAllowedHosts": [VPN_HOST],
        "requireSsoEnrolment": True,
        "allowSiteExceptions": False,
    }
    policies = {
        "Certificates": {"Install": [str(tls_site.ca_cert)]},
        "3rdparty": {"Extensions": {GECKO_ID: settings}},
    }
    browser = start_firefox("credential-guard", mapped=MAPPED, policies=policies)
    try:
        yield browser
    finally:
        browser.close()


def entries(ff: Firefox) -> list[dict[str, Any]]:
    stored = ff.ext("() => chrome.storage.local.get('credentialGuard')")
    return list((stored.get("credentialGuard") or {}).get("entries", []))


def sign_in(ff: Firefox, url: str, password: str) -> None:
    """Type an email and `password` into the fixture form at `url` and press Enter."""
    ff.marionette.navigate(url)
    ff.find("#email").send_keys("ann@contoso.example")
    ff.find("#password").send_keys(password + ENTER)


def on_warning(ff: Firefox) -> str:
    ff.wait(lambda: ff.url().startswith(f"{REUSE_PAGE}?"), "the credential warning page")
    ff.wait(lambda: ff.js("return document.getElementById('headline') !== null"), "its heading")
    return ff.text("#headline")


def learned(ff: Firefox, tls_site: TlsSite, host: str, password: str) -> dict[str, Any]:
    before = len(entries(ff))
    handle = ff.new_tab()
    sign_in(ff, tls_site.url(host, "/login.html"), password)
    ff.wait(lambda: ff.js("return document.getElementById('received') !== null"), "the login")
    ff.wait(lambda: len(entries(ff)) > before, f"the password learned on {host}")
    ff.close_tab(handle)
    return entries(ff)[-1]


def test_the_policy_reaches_the_guard(firefox: Firefox) -> None:
    stored = firefox.ext("() => chrome.storage.managed.get(['ssoHosts', 'allowSiteExceptions'])")
    assert stored == {"ssoHosts": [SSO_HOST], "allowSiteExceptions": False}


def test_passwords_are_learned_on_brand_and_sso_hosts(firefox: Firefox, tls_site: TlsSite) -> None:
    microsoft = learned(firefox, tls_site, LOGIN_HOST, PASSWORD)
    assert (microsoft["kind"], microsoft["learnedOn"], microsoft["iterations"]) == (
        "brand/microsoft", LOGIN_HOST, 600_000,
    )  # fmt: skip
    sso = learned(firefox, tls_site, SSO_HOST, SSO_PASSWORD)
    assert (sso["kind"], sso["name"], sso["learnedOn"]) == ("sso", "Contoso", SSO_HOST)
    stored = json.dumps(firefox.ext("() => chrome.storage.local.get(null)"))
    assert PASSWORD not in stored
    assert SSO_PASSWORD not in stored


def test_a_protected_password_elsewhere_is_stopped(
    firefox: Firefox, tls_site: TlsSite, api: Api
) -> None:
    ff = firefox
    handle = ff.new_tab()
    sign_in(ff, tls_site.url(PHISH_HOST, "/form.html"), PASSWORD)
    assert on_warning(ff) == (
        f"You typed your Microsoft password into {PHISH_HOST}, which is not Microsoft"
    )
    ff.screenshot("firefox-credential-warning-page.png")
    # Policy: no "this site is mine too", and the background refuses it too.
    assert ff.js("return document.getElementById('mine-too')") is None
    answer = ff.ext("() => chrome.runtime.sendMessage({type: 'credential-exception', id: 'x'})")
    assert answer["ok"] is False
    assert answer["error"] == "your IT department does not allow exceptions"
    assert posts_with(tls_site, PHISH_HOST, PASSWORD) == []
    log = api.data_dir / "events.jsonl"
    ff.wait(
        lambda: any(
            e["event"] == "credential-reuse" and e["host"] == PHISH_HOST for e in events(log)
        ),
        "the credential-reuse event",
    )
    ff.close_tab(handle)


def test_a_scripted_login_is_held_and_another_password_passes(
    firefox: Firefox, tls_site: TlsSite
) -> None:
    ff = firefox
    handle = ff.new_tab(tls_site.url(PHISH_HOST, "/fetch.html"))
    ff.find("#email").send_keys("ann@contoso.example")
    ff.find("#password").send_keys(OTHER_PASSWORD)
    ff.find("#go").click()
    ff.wait(lambda: ff.js("return document.body.dataset.sent || ''") == "yes", "the clean login")
    ff.marionette.navigate(tls_site.url(PHISH_HOST, "/fetch.html"))
    ff.find("#email").send_keys("ann@contoso.example")
    ff.find("#password").send_keys(PASSWORD)
    with contextlib.suppress(Exception):  # the page may be gone: stopped at the last keystroke
        ff.find("#go").click()
    on_warning(ff)
    bodies = b"".join(s.body for s in tls_site.requests(PHISH_HOST, "POST"))
    assert OTHER_PASSWORD.encode() in bodies
    assert PASSWORD.encode() not in bodies
    ff.close_tab(handle)


def test_the_sso_password_belongs_where_the_policy_says(
    firefox: Firefox, tls_site: TlsSite
) -> None:
    ff = firefox
    handle = ff.new_tab()
    sign_in(ff, tls_site.url(VPN_HOST, "/form.html"), SSO_PASSWORD)
    ff.wait(lambda: ff.js("return document.getElementById('received') !== null"), "the VPN login")
    assert len(posts_with(tls_site, VPN_HOST, SSO_PASSWORD)) == 1
    sign_in(ff, tls_site.url(PHISH_HOST, "/form.html"), SSO_PASSWORD)
    assert on_warning(ff) == (
        f"You typed your Contoso password into {PHISH_HOST}, which is not Contoso"
    )
    ff.close_tab(handle)


def test_the_required_sso_password_cannot_be_forgotten(firefox: Firefox) -> None:
    ff = firefox
    handle = ff.new_tab(f"{ORIGIN}/options.html")
    ff.wait(lambda: ff.js("return document.querySelector('#cg-entries li[data-kind]') !== null"),
            "the protected passwords")  # fmt: skip
    sso_row = ff.find("#cg-entries li[data-kind='sso']")
    assert "required by your IT department" in sso_row.text
    assert ff.js("return document.querySelector(\"li[data-kind='sso'] .cg-forget\")") is None
    [sso] = [e for e in entries(ff) if e["kind"] == "sso"]
    answer = ff.ext(
        "(id) => chrome.runtime.sendMessage({type: 'credential-forget', id})", sso["id"]
    )
    assert answer["ok"] is False
    assert "requires this password" in answer["error"]
    ff.screenshot("firefox-credential-options.png")
    ff.close_tab(handle)


def test_brand_claims_in_firefox(firefox: Firefox, tls_site: TlsSite) -> None:
    ff = firefox
    handle = ff.new_tab(tls_site.url(CLAIM_HOST, "/claim-title.html"))
    ff.wait(lambda: ff.js("return document.querySelector('lureguard-claim') !== null"), "a banner")
    tab = ff.tab_id(tls_site.url(CLAIM_HOST, "/claim-title.html"))
    ff.wait(lambda: ff.badge(tab) == "WARN", "the WARN badge")
    ff.marionette.navigate(tls_site.url(ORDINARY_HOST, "/signin-with-buttons.html"))
    ordinary = ff.tab_id(tls_site.url(ORDINARY_HOST, "/signin-with-buttons.html"))
    ff.wait(lambda: ff.badge(ordinary) == "OK", "the OK badge")
    ff.marionette.execute_script("return new Promise(r => setTimeout(r, 3000))")
    assert ff.js("return document.querySelector('lureguard-claim')") is None
    ff.close_tab(handle)


def test_no_errors_in_the_extension(firefox: Firefox) -> None:
    assert firefox.extension_errors() == []


def test_profile_holds_no_password(firefox: Firefox) -> None:
    """Firefox keeps extension storage in the profile (storage-sync-v2 / IndexedDB): no file
    holds either password or its unsalted hashes."""
    from tests.browser.test_credential_guard import files_holding, secret_forms

    profile = Path(firefox.marionette.instance.profile.profile)
    for secret in (PASSWORD, SSO_PASSWORD):
        assert files_holding(profile, secret_forms(secret)) == []
    # The search itself works: the stored fingerprints are found in the profile.
    hashes = [entry["hash"].encode() for entry in entries(firefox)]
    assert files_holding(profile, hashes) != []
