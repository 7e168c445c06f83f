"""Load a rule directory (or single files) into validated rules plus every problem found."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lureguard.fsutil import read_regular
from lureguard.ruleset.errors import Problem
from lureguard.ruleset.model import Location, Rule
from lureguard.ruleset.schema import validate
from lureguard.ruleset.yamlsource import Document, read_documents

RULE_SUFFIXES = (".yaml", ".yml")


@dataclass
class LoadedRules:
    """The outcome of reading rule files: good rules, problems, and a hash of the sources."""

    rules: list[Rule] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    digest: str = ""
    files: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Problems that stop a compile."""
        return [p for p in self.problems if p.level == "error"]


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """Every YAML file under the given files or directories, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in RULE_SUFFIXES and p.is_file())
        else:
            found.append(path)
    return found


def load_rules(paths: Iterable[Path], *, base: Path | None = None) -> LoadedRules:
    """Read and validate every rule under `paths`; names in messages are relative to `base`.

    By default a single rule directory is shown as `rules/...` and anything else relative to
    the current directory.
    """
    paths = list(paths)
    if base is None:
        base = default_base(paths)
    result = LoadedRules()
    seen: dict[str, Location] = {}
    root = base.resolve()
    for path in rule_files(paths):
        display = _display(path, base, root)
        result.files.append(path)
        if not path.exists():
            result.problems.append(Problem(Location(display, 1, 1), "file does not exist"))
            continue
        for item in read_documents(path, display):
            if isinstance(item, Problem):
                result.problems.append(item)
                continue
            _add(result, item, path, seen)
    result.digest = source_digest(result.files, base)
    return result


def default_base(paths: list[Path]) -> Path:
    """Where file names in messages start from (see `load_rules`)."""
    return paths[0].parent if len(paths) == 1 and paths[0].is_dir() else Path.cwd()


def source_digest(files: Iterable[Path], base: Path) -> str:
    """SHA-256 over the rule files and the host lists beside them (what a compile reads)."""
    files = list(files)
    hasher = hashlib.sha256()
    folders = {f.parent for f in files}  # each listed once: a pack holds hundreds of rules
    extras = sorted({t for folder in folders for t in folder.glob("*.txt")})
    root = base.resolve()
    for path in [*files, *extras]:
        hasher.update(_display(path, base, root).encode() + b"\0")
        _hash_file(hasher, path)
    return hasher.hexdigest()


def _add(result: LoadedRules, doc: Document, path: Path, seen: dict[str, Location]) -> None:
    rule, problems = validate(doc, path.parent)
    result.problems += problems
    if rule is None:
        return
    if rule.id in seen:
        result.problems.append(
            Problem(rule.location, f"duplicate rule id (first defined at {seen[rule.id]})", rule.id)
        )
        return
    seen[rule.id] = rule.location
    result.rules.append(rule)


def _hash_file(hasher: hashlib._Hash, path: Path) -> None:
    try:
        hasher.update(read_regular(path))
    except OSError:
        hasher.update(b"<unreadable>")


def _display(path: Path, base: Path, root: Path | None = None) -> str:
    """`path` relative to `base` (`root`: `base` resolved, when the caller has it already)."""
    try:
        return path.resolve().relative_to(root or base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
