"""High-level compile steps shared by the CLI and the proxy: compile a directory, keep fresh."""

from __future__ import annotations

from pathlib import Path

from lureguard import __version__
from lureguard.popular import PopularList
from lureguard.ruledata.database import read_meta
from lureguard.ruleset.compile import CompileResult, compile_rules
from lureguard.ruleset.load import load_rules, rule_files, source_digest


def compile_dir(
    rules: list[Path], out: Path, popular: PopularList | None = None, *, base: Path | None = None
) -> CompileResult:
    """Load, validate and compile rule files; raises `RuleSetError` listing every error.

    `base` is where the file names stored with each rule start from (see `load_rules`).
    """
    loaded = load_rules(rules, base=base)
    return compile_rules(loaded, out, popular or PopularList.shipped())


def rule_sources(rules_dir: Path, local: Path | None = None) -> list[Path]:
    """The rule packs plus the user's own rules folder when it holds any rule file."""
    if local is None or not local.is_dir() or local.resolve() == rules_dir.resolve():
        return [rules_dir]
    return [rules_dir, local] if rule_files([local]) else [rules_dir]


def ensure_compiled(rules_dir: Path, out: Path, local: Path | None = None) -> CompileResult | None:
    """Compile `rules_dir` (plus the `local` rules folder, if any) into `out` unless `out`
    already holds exactly these sources.

    File names start from the packs' parent (`rules/brands/x.yaml`); local rules keep their
    full path. Returns the result of a compile, or None when the database was already fresh.
    """
    paths = rule_sources(rules_dir, local)
    digest = source_digest(rule_files(paths), rules_dir.parent)
    if stored_source(out) == (digest, __version__):
        return None
    return compile_dir(paths, out, base=rules_dir.parent)


def stored_source(path: Path) -> tuple[str, str] | None:
    """The source hash and lureguard version a database was compiled from (None: unusable)."""
    meta = read_meta(path)
    if meta is None:
        return None
    return meta.get("ruleset_hash", ""), meta.get("lureguard_version", "")
