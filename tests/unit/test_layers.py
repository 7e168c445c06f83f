"""The package's layers: which parts may import which, read from the source with `ast`.

From the bottom up: the detection core (the engine, its look-alike techniques and the compiled
rule data it reads) knows no adapter and no authoring tool; the rule authoring tools
(lureguard.ruleset) sit on the engine; the event log sits below both the proxy and the fleet
tooling (lureguard.deploy), which runs without the proxy; the CLI is the top, and the API it
serves knows nothing of it. A lazy import inside a function counts as much as one at the top.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import lureguard

PACKAGE = Path(lureguard.__file__).resolve().parent
ROOT = PACKAGE.parent

#: The detection core: `Engine.check` runs through nothing else.
CORE = (
    "lureguard.engine",
    "lureguard.lookalike",
    "lureguard.ruledata",
    "lureguard.verdict",
    "lureguard.hosts",
    "lureguard.psl",
    "lureguard.urlnorm",
)
#: Third-party packages of the adapters and of rule authoring, never of the core.
ADAPTER_LIBRARIES = ("mitmproxy", "click", "yaml")

#: (modules, what they must not import, why), named by the first of the modules.
FORBIDDEN: list[tuple[tuple[str, ...], tuple[str, ...], str]] = [
    (
        CORE,
        (
            *ADAPTER_LIBRARIES,
            "lureguard.proxy",
            "lureguard.api",
            "lureguard.cli",
            "lureguard.deploy",
            "lureguard.credguard",
            "lureguard.trust",
            "lureguard.ruleset",
        ),
        "the engine is a library below every adapter and below the rule authoring tools",
    ),
    (
        ("lureguard.ruleset",),
        ("lureguard.proxy", "lureguard.api", "lureguard.cli", "lureguard.deploy"),
        "rule authoring tools sit on the engine, below the adapters",
    ),
    (
        ("lureguard.eventlog",),
        ("mitmproxy", "lureguard.proxy", "lureguard.deploy", "lureguard.api", "lureguard.cli"),
        "the event log sits below the proxy that writes it and the fleet tooling that forwards it",
    ),
    (
        ("lureguard.deploy",),
        ("mitmproxy", "lureguard.proxy"),
        "fleet tooling runs without the proxy",
    ),
    (
        ("lureguard.api",),
        ("lureguard.cli",),
        "the CLI serves the API; the API does not know the CLI",
    ),
]


def module_name(path: Path) -> str:
    """`addon/lureguard/ruleset/lint.py` -> `lureguard.ruleset.lint` (a package: its name)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    """True when `name` is a module or package of lureguard (not a name inside one)."""
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports_of(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """Every module `source` imports, anywhere in it, as (line, dotted name)."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                # `from lureguard.proxy import page` imports the module lureguard.proxy.page
                full = f"{base}.{alias.name}"
                yield node.lineno, full if is_module(full) else base


@cache
def package_imports() -> dict[str, list[tuple[int, str]]]:
    """The imports of every module of the package, by module name."""
    found: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = module_name(path)
        found[name] = list(
            dict.fromkeys(imports_of(path.read_text(), name, path.name == "__init__.py"))
        )
    return found


def under(name: str, prefixes: tuple[str, ...]) -> bool:
    """True when `name` is one of `prefixes` or inside one of them."""
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize(("sources", "banned", "why"), FORBIDDEN, ids=[f[0][0] for f in FORBIDDEN])
def test_no_import_runs_the_wrong_way(
    sources: tuple[str, ...], banned: tuple[str, ...], why: str
) -> None:
    imports = package_imports()
    checked = [name for name in imports if under(name, sources)]
    assert checked, f"no module matches {sources}: update the layers of this test"
    wrong = [
        f"{name}:{line} imports {target}"
        for name in checked
        for line, target in imports[name]
        if under(target, banned)
    ]
    assert not wrong, f"{why}:\n" + "\n".join(wrong)


def test_only_the_entry_point_imports_the_cli() -> None:
    wrong = [
        f"{name}:{line} imports {target}"
        for name, found in package_imports().items()
        if not under(name, ("lureguard.cli", "lureguard.__main__"))
        for line, target in found
        if under(target, ("lureguard.cli",))
    ]
    assert not wrong, "the CLI is the top layer:\n" + "\n".join(wrong)


def test_the_core_imports_only_the_core() -> None:
    """Not just no adapter: nothing of lureguard outside the core (no new side door)."""
    wrong = [
        f"{name}:{line} imports {target}"
        for name, found in package_imports().items()
        if under(name, CORE)
        for line, target in found
        if under(target, ("lureguard",)) and not under(target, CORE)
    ]
    assert not wrong, "the detection core imports only itself:\n" + "\n".join(wrong)


def test_the_reader_sees_lazy_and_relative_imports() -> None:
    source = (
        "import os\n"
        "from lureguard.proxy import addon\n"
        "def later():\n"
        "    from lureguard.cli.common import fail\n"
        "from . import hosts\n"
        "from .. import verdict\n"
    )
    found = {name for _, name in imports_of(source, "lureguard.lookalike.typo")}
    assert found == {
        "os",
        "lureguard.proxy.addon",
        "lureguard.cli.common",
        "lureguard.lookalike",
        "lureguard.verdict",
    }
