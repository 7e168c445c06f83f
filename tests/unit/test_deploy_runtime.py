"""What `lureguard run` takes from deployment: rules prepared with policy entries, kept fresh."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lureguard.deploy import policy as pol
from lureguard.deploy.runtime import Runtime, prepare_rules
from lureguard.engine import Engine

RULE = "id: block/one\nkind: blocklist\ndescription: d\nsource: s\nhosts: [one.example]\n"


def _runtime(tmp_path: Path, text: str) -> Runtime:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return Runtime(pol.effective(pol.read_settings(path)))


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "one.yaml").write_text(RULE)
    return folder


def test_policy_entries_are_compiled_once_and_again_when_they_change(
    rules: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "rules.db"
    prepare_rules(rules, db, _runtime(tmp_path, "block: [two.example]\n"))
    assert Engine.from_db(db).check("two.example").verdict == "block"
    first = db.stat().st_ino

    prepare_rules(rules, db, _runtime(tmp_path, "block: [two.example]\n"))
    assert db.stat().st_ino == first  # nothing changed: no recompile

    prepare_rules(rules, db, _runtime(tmp_path, "block: [three.example]\n"))
    engine = Engine.from_db(db)
    assert engine.check("three.example").verdict == "block"
    assert engine.check("two.example").verdict == "allow"

    prepare_rules(rules, db, _runtime(tmp_path, "{}\n"))
    assert Engine.from_db(db).check("three.example").verdict == "allow"
    assert not (data / "policy-rules.yaml").exists()


def test_an_installed_bundle_is_never_recompiled_over(rules: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "bundle").mkdir(parents=True)
    db = data / "rules.db"
    db.write_bytes(b"the verified bundle")
    shutil.copy(db, data / "bundle" / "rules.db")
    prepare_rules(rules, db, _runtime(tmp_path, "block: [two.example]\n"))
    assert db.read_bytes() == b"the verified bundle"
