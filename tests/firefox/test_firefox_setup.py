"""The Firefox suite's own contract: a missing browser fails, it never skips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.firefox import driver


def test_a_missing_firefox_is_a_failure(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(driver, "FIREFOX", tmp_path / "firefox-esr")
    with pytest.raises(pytest.fail.Exception, match="scripts/system-deps"):
        driver.require_firefox()
