"""`lureguard pair` and setup's pairing step: the links, the Firefox UUIDs, opening Chromium."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard.api.origins import CHROME_EXTENSION_ID, GECKO_ID
from lureguard.api.pairing import pairing_path, redeem
from lureguard.cli import main
from lureguard.trust.firefoxprefs import extension_uuid

UUID = "0b9a3a3e-5d1c-4a57-9a0e-4f0ad9a0c2b1"
CHROME = f"chrome-extension://{CHROME_EXTENSION_ID}"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME, no display, and a PATH without browsers."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder / ".config"))
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return folder


def firefox_profile(home: Path, name: str, prefs: str | None) -> Path:
    """A profile listed in profiles.ini, with `prefs` as its prefs.js."""
    root = home / ".mozilla" / "firefox"
    profile = root / f"abc.{name}"
    profile.mkdir(parents=True)
    ini = root / "profiles.ini"
    count = ini.read_text().count("[Profile") if ini.exists() else 0
    with ini.open("a") as out:
        out.write(f"[Profile{count}]\nName={name}\nIsRelative=1\nPath=abc.{name}\n\n")
    if prefs is not None:
        (profile / "prefs.js").write_text(prefs)
    return profile


def uuids_pref(mapping: dict[str, str]) -> str:
    """The line Firefox writes, the JSON value quoted as a JS string."""
    return f'user_pref("extensions.webextensions.uuids", {json.dumps(json.dumps(mapping))});\n'


def run_pair(data: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["pair", "--data-dir", str(data), *args])
    assert result.exit_code == 0, result.output
    return result.output


def links(output: str) -> list[str]:
    return re.findall(r"(?:chrome|moz)-extension://\S+", output)


def code_of(link: str) -> str:
    return link.rsplit("code=", 1)[1]


def test_chromium_link_and_its_code(home: Path, tmp_path: Path) -> None:
    out = run_pair(tmp_path / "data", "--api-port", "9081", "--no-open")
    [link] = links(out)
    assert link.startswith(f"{CHROME}/options.html#pair=http://127.0.0.1:9081&code=")
    assert "not opening a browser" in out
    assert redeem(tmp_path / "data", code_of(link), CHROME)


def test_every_firefox_profile_with_the_extension_gets_its_own_link(
    home: Path, tmp_path: Path
) -> None:
    other = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    firefox_profile(home, "work", uuids_pref({"other@addon": other, GECKO_ID: UUID}))
    firefox_profile(home, "bare", uuids_pref({"other@addon": other}))
    firefox_profile(home, "new", None)

    out = run_pair(tmp_path / "data", "--no-open")

    chrome, firefox = links(out)
    assert firefox.startswith(f"moz-extension://{UUID}/options.html#pair=")
    assert code_of(chrome) != code_of(firefox)
    assert "Firefox profile 'bare': the extension is not installed there" in out
    assert "Firefox profile 'new': the extension is not installed there" in out
    # Each code pairs its own origin only.
    assert not redeem(tmp_path / "data", code_of(firefox), CHROME)
    assert redeem(tmp_path / "data", code_of(firefox), f"moz-extension://{UUID}")


def test_user_js_wins_over_prefs_js(tmp_path: Path) -> None:
    (tmp_path / "prefs.js").write_text(uuids_pref({GECKO_ID: UUID}))
    (tmp_path / "user.js").write_text(uuids_pref({GECKO_ID: UUID.replace("0b9a", "ffff")}))
    assert extension_uuid(tmp_path, GECKO_ID) == UUID.replace("0b9a", "ffff")


@pytest.mark.parametrize(
    "prefs",
    [
        'user_pref("extensions.webextensions.uuids", "not json");\n',
        'user_pref("extensions.webextensions.uuids", "[1, 2]");\n',
        uuids_pref({GECKO_ID: "../../etc/passwd"}),
        "\x00\xff garbage",
    ],
)
def test_damaged_prefs_give_no_uuid(tmp_path: Path, prefs: str) -> None:
    (tmp_path / "prefs.js").write_text(prefs)
    assert extension_uuid(tmp_path, GECKO_ID) is None


def test_open_starts_chromium_with_the_link(home: Path, tmp_path: Path) -> None:
    record = tmp_path / "argv.txt"
    fake = tmp_path / "bin" / "chromium"
    fake.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    fake.chmod(0o755)

    out = run_pair(tmp_path / "data", "--open")

    assert f"opened the Chromium link with {fake}" in out
    for _ in range(100):
        if record.exists() and record.read_text():
            break
        time.sleep(0.05)
    assert record.read_text().splitlines() == links(out)


def test_open_without_a_chromium_says_so(home: Path, tmp_path: Path) -> None:
    out = run_pair(tmp_path / "data", "--open")
    assert "no Chromium/Chrome found to open the link in" in out
    assert len(links(out)) == 1


def test_a_display_opens_by_default(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DISPLAY", ":0")
    assert "no Chromium/Chrome found" in run_pair(tmp_path / "data")
    monkeypatch.delenv("DISPLAY")
    assert "not opening a browser" in run_pair(tmp_path / "data")


def test_an_unwritable_data_dir_is_one_clear_error(home: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        data = tmp_path / "file"
        data.write_text("not a folder")
    else:
        data = tmp_path / "locked"
        data.mkdir(mode=0o500)
    result = CliRunner().invoke(main, ["pair", "--no-open", "--data-dir", str(data)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "error" in result.output.lower()


def test_setup_dry_run_makes_no_code(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:/usr/bin:/bin")  # certutil
    data = tmp_path / "data"
    result = CliRunner().invoke(
        main, ["setup", "--dry-run", "--no-system", "--no-open", "--data-dir", str(data)]
    )
    assert result.exit_code == 0, result.output
    assert "<one-time code, not in a dry run>" in result.output
    assert not pairing_path(data).exists()
