"""High-level compile steps shared by the CLI and the proxy: compile a directory, keep fresh."""

from __future__ import annotations

from pathlib import Path

from lureguard import __version__
from lureguard.popular import PopularList
from lureguard.ruleset.compile import CompileResult, compile_rules
from lureguard.ruleset.database import read_meta
from lureguard.ruleset.load import load_rules, rule_files, source_digest


def compile_dir(rules: list[Path], out: Path, popular: PopularList | None = None) -> CompileResult:
    """Load, validate and compile rule files; raises `RuleSetError` listing every error."""
    loaded = load_rules(rules)
    return compile_rules(loaded, out, popular or PopularList.shipped())


def ensure_compiled(rules_dir: Path, out: Path) -> CompileResult | None:
    """Compile `rules_dir` into `out` unless `out` already holds exactly these sources.

    Returns the result of a compile, or None when the database was already fresh.
    """
    digest = source_digest(rule_files([rules_dir]), rules_dir.parent)
    if stored_source(out) == (digest, __version__):
        return None
    return compile_dir([rules_dir], out)


def stored_source(path: Path) -> tuple[str, str] | None:
    """The source hash and lureguard version a database was compiled from (None: unusable)."""
    meta = read_meta(path)
    if meta is None:
        return None
    return meta.get("ruleset_hash", ""), meta.get("lureguard_version", "")
