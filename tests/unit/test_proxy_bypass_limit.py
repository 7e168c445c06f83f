"""The policy's longest bypass (`lureguard_bypass_max`): what the page offers, what a POST gets."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from mitmproxy import exceptions
from mitmproxy.http import Headers, HTTPFlow, Request
from mitmproxy.test import taddons, tflow

from lureguard.engine import Engine
from lureguard.proxy.addon import LureguardAddon
from lureguard.proxy.bypass import BypassStore, choices, seconds_for, spoken
from lureguard.proxy.page import ACTION_BASE
from tests.support.forms import form_token

NAV = {"Sec-Fetch-Dest": "document", "Accept": "text/html"}
HOST = "rnicrosoft.com"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def proxy(
    bundled_engine: Engine, bundled_db: Path, tmp_path: Path
) -> Iterator[tuple[LureguardAddon, taddons.context, Clock]]:
    addon = LureguardAddon(bundled_engine, bundled_db)
    clock = Clock()
    addon.bypasses = BypassStore(clock)
    with taddons.context(addon) as tctx:
        tctx.configure(addon, lureguard_data_dir=str(tmp_path), lureguard_db=str(bundled_db))
        yield addon, tctx, clock


def _request(addon: LureguardAddon, url: str, form: dict[str, str] | None = None) -> HTTPFlow:
    flow = tflow.tflow()
    method = "GET" if form is None else "POST"
    flow.request = Request.make(method, url, headers=Headers(**NAV))
    if form is not None:
        flow.request.urlencoded_form = list(form.items())  # type: ignore[assignment]
    addon.request(flow)
    return flow


def _offered(html: str) -> list[tuple[str, str]]:
    return re.findall(r'name="for" value="([^"]+)" id="proceed-\1">([^<]+)</button>', html)


def _proceed(addon: LureguardAddon, choice: str) -> HTTPFlow:
    page = _request(addon, f"https://{HOST}/inbox")
    assert page.response is not None
    html = page.response.text or ""
    offered = choice in dict(_offered(html))
    # A choice the page did not offer is forged with the token of one it did.
    token = form_token(html, "proceed", choice if offered else None)
    form = {"token": token, "for": choice, "next": "/inbox"}
    return _request(addon, f"https://{HOST}{ACTION_BASE}proceed", form)


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (0, [("visit", 900), ("hour", 3600), ("day", 86400)]),
        (600, [("visit", 600)]),
        (900, [("visit", 900)]),
        (7200, [("visit", 900), ("hour", 3600)]),
        (86400, [("visit", 900), ("hour", 3600), ("day", 86400)]),
    ],
)
def test_choices_fit_the_limit(limit: int, expected: list[tuple[str, int]]) -> None:
    assert [(c.key, c.seconds) for c in choices(limit)] == expected


def test_seconds_for_caps_every_known_choice() -> None:
    assert seconds_for("day", 600) == 600
    assert seconds_for("visit", 7200) == 900
    assert seconds_for("day") == 86400
    assert seconds_for("week", 600) is None
    assert spoken(600) == "10 min"
    assert spoken(7200) == "2 hours"
    assert spoken(90) == "90 s"


def test_page_offers_only_what_fits(proxy: tuple[LureguardAddon, taddons.context, Clock]) -> None:
    addon, tctx, _ = proxy
    page = _request(addon, f"https://{HOST}/")
    assert page.response is not None
    assert [k for k, _ in _offered(page.response.text or "")] == ["visit", "hour", "day"]
    tctx.configure(addon, lureguard_bypass_max=7200)
    page = _request(addon, f"https://{HOST}/")
    assert page.response is not None
    assert _offered(page.response.text or "") == [
        ("visit", "this visit (15 min)"),
        ("hour", "1 hour"),
    ]
    tctx.configure(addon, lureguard_bypass_max=600)
    page = _request(addon, f"https://{HOST}/")
    assert page.response is not None
    assert _offered(page.response.text or "") == [("visit", "this visit (10 min)")]
    assert addon.status()["bypass_max"] == 600


def test_forged_longer_choice_is_refused_and_the_offered_one_capped(
    proxy: tuple[LureguardAddon, taddons.context, Clock], tmp_path: Path
) -> None:
    addon, tctx, clock = proxy
    tctx.configure(addon, lureguard_bypass_max=600)
    forged = _proceed(addon, "day")  # not offered: the page only had "this visit (10 min)"
    assert forged.response is not None
    assert forged.response.status_code == 403
    done = _proceed(addon, "visit")
    assert done.response is not None
    assert done.response.status_code == 303
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    bypass = [e for e in events if e["event"] == "bypass"][-1]
    assert bypass["seconds"] == 600
    assert bypass["until"] == int(clock.now) + 600
    clock.now += 599
    assert _request(addon, f"https://{HOST}/inbox").response is None
    clock.now += 2
    assert _request(addon, f"https://{HOST}/inbox").response is not None


def test_no_limit_keeps_the_day(proxy: tuple[LureguardAddon, taddons.context, Clock]) -> None:
    addon, _, clock = proxy
    done = _proceed(addon, "day")
    assert done.response is not None
    assert done.response.status_code == 303
    clock.now += 86399
    assert _request(addon, f"https://{HOST}/inbox").response is None


def test_negative_limit_is_refused(proxy: tuple[LureguardAddon, taddons.context, Clock]) -> None:
    addon, tctx, _ = proxy
    with pytest.raises(exceptions.OptionsError, match="lureguard_bypass_max"):
        tctx.configure(addon, lureguard_bypass_max=-1)
