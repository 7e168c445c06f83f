"""One-time pairing codes and `POST /api/v1/pair`: the only route that hands out the token."""

from __future__ import annotations

import json
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lureguard.api.app import ApiApp
from lureguard.api.origins import allowed_origins
from lureguard.api.pairing import new_code, pairing_path, redeem
from lureguard.engine import Engine
from tests.unit.test_api_app import EXT, TOKEN, call, make_app

NEW_FIREFOX = "moz-extension://6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def test_a_code_works_once_for_its_origin_only(tmp_path: Path) -> None:
    code = new_code(tmp_path, EXT, now=1000.0)
    assert code not in pairing_path(tmp_path).read_text(), "the code itself is kept on disk"
    assert stat.S_IMODE(pairing_path(tmp_path).stat().st_mode) == 0o600
    assert not redeem(tmp_path, code, NEW_FIREFOX, now=1001.0)
    assert redeem(tmp_path, code, EXT, now=1001.0)
    assert not redeem(tmp_path, code, EXT, now=1002.0)
    assert not pairing_path(tmp_path).exists()


def test_a_code_redeemed_by_racing_requests_works_once(tmp_path: Path) -> None:
    """The API serves requests on threads: all of them presenting one code at once must not
    all read it as pending."""
    for _ in range(10):
        code = new_code(tmp_path, EXT)
        start = threading.Barrier(8)

        def attempt(_: int, code: str = code, start: threading.Barrier = start) -> bool:
            start.wait()
            return redeem(tmp_path, code, EXT)

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(attempt, range(8)))
        assert results.count(True) == 1


def test_a_code_expires_and_expired_ones_are_dropped(tmp_path: Path) -> None:
    old = new_code(tmp_path, EXT, ttl=10, now=1000.0)
    fresh = new_code(tmp_path, NEW_FIREFOX, ttl=10, now=1005.0)
    assert not redeem(tmp_path, old, EXT, now=1010.0)
    assert len(json.loads(pairing_path(tmp_path).read_text())["codes"]) == 1
    assert redeem(tmp_path, fresh, NEW_FIREFOX, now=1010.0)


@pytest.mark.parametrize("content", ["", "[]", '{"codes": 3}', '{"codes": [{"sha256": 1}]}'])
def test_a_damaged_pairing_file_pairs_nothing(tmp_path: Path, content: str) -> None:
    pairing_path(tmp_path).write_text(content)
    assert not redeem(tmp_path, "A" * 32, EXT)
    assert new_code(tmp_path, EXT)  # and a new code can still be made


@pytest.fixture
def app(bundled_engine: Engine, tmp_path: Path) -> ApiApp:
    return make_app(bundled_engine, tmp_path, data_dir=tmp_path)


def pair(app: ApiApp, body: object, origin: str | None = EXT) -> tuple[int, dict[str, str]]:
    response = call(app, "POST", "/api/v1/pair", body, token=None, origin=origin)
    return response.status, json.loads(response.body)


def test_a_good_code_gets_the_token(app: ApiApp, tmp_path: Path) -> None:
    code = new_code(tmp_path, EXT)
    assert pair(app, {"code": code}) == (200, {"token": TOKEN, "origin": EXT})
    status, answer = pair(app, {"code": code})
    assert (status, answer["code"]) == (403, "bad-code")


def test_pairing_allows_a_new_firefox_origin(app: ApiApp, tmp_path: Path) -> None:
    code = new_code(tmp_path, NEW_FIREFOX)
    response = call(app, "OPTIONS", "/api/v1/pair", token=None, origin=NEW_FIREFOX)
    assert ("Access-Control-Allow-Origin", NEW_FIREFOX) in response.headers
    # Before pairing, the new origin gets nothing else.
    assert call(app, "GET", "/api/v1/status", origin=NEW_FIREFOX).status == 403

    assert pair(app, {"code": code}, NEW_FIREFOX)[0] == 200

    assert call(app, "GET", "/api/v1/status", origin=NEW_FIREFOX).status == 200
    assert NEW_FIREFOX in allowed_origins(tmp_path), "a restart would forget it"


def test_a_new_origin_goes_on_its_own_line(app: ApiApp, tmp_path: Path) -> None:
    other = "moz-extension://00000000-1111-4222-8333-444444444444"
    (tmp_path / "api-origins.txt").write_text(f"{other}  # by hand, no newline")
    assert pair(app, {"code": new_code(tmp_path, NEW_FIREFOX)}, NEW_FIREFOX)[0] == 200
    assert {other, NEW_FIREFOX} <= allowed_origins(tmp_path)


@pytest.mark.parametrize(
    ("body", "origin", "status", "code"),
    [
        ({"code": "A" * 32}, EXT, 403, "bad-code"),
        ({"code": 5}, EXT, 400, "bad-body"),
        (["x"], EXT, 400, "bad-body"),
        ({"code": "{code}"}, None, 403, "bad-origin"),  # curl, not a browser page
        ({"code": "{code}"}, "https://evil.example", 403, "bad-origin"),  # a web page
        ({"code": "{code}"}, NEW_FIREFOX, 403, "bad-code"),  # another extension's origin
    ],
)
def test_pairing_refusals(
    app: ApiApp,
    tmp_path: Path,
    body: object,
    origin: str | None,
    status: int,
    code: str,
) -> None:
    real = new_code(tmp_path, EXT)
    if isinstance(body, dict) and body.get("code") == "{code}":
        body = {"code": real}
    got, answer = pair(app, body, origin)
    assert (got, answer["code"]) == (status, code)
    assert TOKEN not in json.dumps(answer)
    assert NEW_FIREFOX not in allowed_origins(tmp_path)
    assert pair(app, {"code": real}) == (200, {"token": TOKEN, "origin": EXT}), "code spent"


def test_pairing_is_off_without_a_data_dir(bundled_engine: Engine, tmp_path: Path) -> None:
    app = make_app(bundled_engine, tmp_path)
    status, answer = pair(app, {"code": new_code(tmp_path, EXT)})
    assert (status, answer["code"]) == (404, "not-found")


def test_pair_takes_post_only(app: ApiApp) -> None:
    assert call(app, "GET", "/api/v1/pair", token=None).status == 405
