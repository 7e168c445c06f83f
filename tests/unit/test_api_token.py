"""The API token file: created once, private, shared by concurrent starters."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from lureguard.api.token import TokenError, load_or_create_token, token_path
from lureguard.cli import main


def test_created_once_with_mode_0600(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = load_or_create_token(data)
    assert len(first) >= 40
    assert token_path(data).stat().st_mode & 0o777 == 0o600
    assert load_or_create_token(data) == first
    assert [p.name for p in data.iterdir()] == ["api-token"]


def test_concurrent_creators_agree(tmp_path: Path) -> None:
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(load_or_create_token(tmp_path)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1


def test_loose_permissions_are_tightened(tmp_path: Path) -> None:
    token = load_or_create_token(tmp_path)
    token_path(tmp_path).chmod(0o644)
    assert load_or_create_token(tmp_path) == token
    assert token_path(tmp_path).stat().st_mode & 0o777 == 0o600


def test_a_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    token_path(tmp_path).write_text("short\n")
    with pytest.raises(TokenError, match="delete it to generate a new one"):
        load_or_create_token(tmp_path)


def test_cli_prints_the_same_token(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["token", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert result.output.strip() == load_or_create_token(tmp_path)
    path = runner.invoke(main, ["--data-dir", str(tmp_path), "token", "--path"])
    assert path.output.strip() == str(token_path(tmp_path))
    token_path(tmp_path).write_text("x")
    broken = runner.invoke(main, ["token", "--data-dir", str(tmp_path)])
    assert broken.exit_code == 2
    assert "lureguard: error:" in broken.output
