"""scripts/academic_domains.py: swot's one-file-per-domain tree read as domain names."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "academic_domains.py"


def test_the_tree_reads_as_lowercase_domains_and_lists_are_skipped(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("academic_domains", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    root = tmp_path / "lib" / "domains"
    for relative in ("se/Example-Univ.txt", "au/edu/example.txt", "in/ernet/iitx.txt"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("An institution\n")
    (root / "abused.txt").write_text("example-univ.se\n")  # a list, not a domain
    assert module.academic_domains(tmp_path) == [
        "example-univ.se",
        "example.edu.au",
        "iitx.ernet.in",
    ]
