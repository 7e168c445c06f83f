"""Shared fixtures: an isolated data dir for every test run and the compiled bundled rules."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from lureguard.engine import Engine
from lureguard.paths import bundled_rules_dir
from lureguard.ruleset.build import compile_dir

REPO = Path(__file__).resolve().parent.parent


def pytest_report_header() -> str:
    from lureguard import native

    return f"lureguard engine: {native.status()}"


@pytest.fixture(scope="session", autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Nothing a test runs may write into the real user data dir."""
    path = tmp_path_factory.mktemp("lureguard-data")
    old = os.environ.get("LUREGUARD_DATA_DIR")
    os.environ["LUREGUARD_DATA_DIR"] = str(path)
    yield
    if old is None:
        os.environ.pop("LUREGUARD_DATA_DIR", None)
    else:
        os.environ["LUREGUARD_DATA_DIR"] = old


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped rule packs compiled once per test session."""
    out = tmp_path_factory.mktemp("bundled") / "rules.db"
    compile_dir([bundled_rules_dir()], out)
    return out


@pytest.fixture(scope="session")
def bundled_engine(bundled_db: Path) -> Engine:
    """An engine over the shipped rules."""
    return Engine.from_db(bundled_db)
