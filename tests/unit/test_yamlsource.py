"""Rule files are read by libyaml when PyYAML has it, and by the Python parser otherwise or
when libyaml finds something wrong: both must give the same documents and positions."""

from __future__ import annotations

from pathlib import Path

import yaml

from lureguard.paths import bundled_rules_dir
from lureguard.ruleset import yamlsource
from lureguard.ruleset.errors import Problem

RULE_FILES = sorted(bundled_rules_dir().rglob("*.yaml"))


def test_pyyaml_brings_libyaml() -> None:
    assert yamlsource._FastLoader is yaml.CSafeLoader


def test_both_parsers_read_the_bundled_rules_alike() -> None:
    assert len(RULE_FILES) > 100
    differ = []
    for path in RULE_FILES:
        text = path.read_text(encoding="utf-8")
        fast = list(yamlsource._documents(yaml.CSafeLoader, text, path.name))
        slow = list(yamlsource._documents(yaml.SafeLoader, text, path.name))
        if fast != slow or not fast or any(isinstance(item, Problem) for item in fast):
            differ.append(path.name)
    assert differ == []


def test_a_broken_file_is_explained_by_the_python_parser(tmp_path: Path) -> None:
    # libyaml would say "found a tab character that violates indentation" without naming it.
    path = tmp_path / "b.yaml"
    path.write_text("id: x\nname: Crédit\n\ttags: [a]\n", encoding="utf-8")
    (problem,) = yamlsource.read_documents(path, "b.yaml")
    assert isinstance(problem, Problem)
    assert str(problem) == (
        "b.yaml:3:1: error: YAML syntax error: found character '\\t' that cannot start any token"
    )
