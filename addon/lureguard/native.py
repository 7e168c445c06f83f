"""The optional native build of the hot path, and the guard that keeps it honest.

`python -m lureguard.native_build` (`make native`, run by `make run` and `make test`) compiles
the modules in `COMPILED` to C extensions with mypyc, next to their sources, and records a
digest of those sources in `native.json`. The extensions are the same code, two to three times
as fast.

Compiled modules call each other natively, so one edited source makes the whole group stale.
`install_guard` (run when the package is imported) checks the digest: when it does not match,
or `LUREGUARD_PURE=1` is set, every module of the group is loaded from its source instead:
correct, only slower, until the next build. This module itself is never compiled.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent
MANIFEST = PACKAGE_DIR / "native.json"
#: mypyc's name for the shared library of the group (`lureguard_native__mypyc.*.so`).
GROUP = "lureguard_native"

#: The modules every check runs through, compiled together as one group.
COMPILED: tuple[str, ...] = (
    "lureguard.verdict",
    "lureguard.psl",
    "lureguard.hosts",
    "lureguard.urlnorm",
    "lureguard.engine",
    "lureguard.lookalike",
    "lureguard.lookalike.bitsquat",
    "lureguard.lookalike.combosquat",
    "lureguard.lookalike.confusables",
    "lureguard.lookalike.edits",
    "lureguard.lookalike.embedding",
    "lureguard.lookalike.foreign",
    "lureguard.lookalike.homoglyph",
    "lureguard.lookalike.idn",
    "lureguard.lookalike.index",
    "lureguard.lookalike.institutions",
    "lureguard.lookalike.keyboard",
    "lureguard.lookalike.numbered",
    "lureguard.lookalike.subdomain",
    "lureguard.lookalike.suspicious",
    "lureguard.lookalike.tldswap",
    "lureguard.lookalike.typo",
    "lureguard.lookalike.visit",
    "lureguard.lookalike.words",
)


def source_path(module: str) -> Path:
    """The source file of one compiled module (a package's `__init__.py`)."""
    path = PACKAGE_DIR.joinpath(*module.split(".")[1:])
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


@cache
def source_digest() -> str:
    """SHA-256 over the group's sources and the interpreter they were compiled for."""
    digest = hashlib.sha256(sys.implementation.cache_tag.encode())
    for module in COMPILED:
        digest.update(module.encode() + b"\0" + source_path(module).read_bytes() + b"\0")
    return digest.hexdigest()


def built_digest() -> str | None:
    """The digest recorded by the last native build (None when there is none)."""
    try:
        value = json.loads(MANIFEST.read_text(encoding="utf-8")).get("digest")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def extensions() -> list[Path]:
    """Compiled extension files beside the group's sources (current or stale)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    folders = sorted({source_path(module).parent for module in COMPILED})
    return [p for folder in folders for p in folder.iterdir() if p.name.endswith(suffixes)]


def why_pure() -> str | None:
    """Why the source modules are used, or None when the native build is current."""
    if os.environ.get("LUREGUARD_PURE", "") not in ("", "0"):
        return "LUREGUARD_PURE is set"
    recorded = built_digest()
    if recorded is None or not extensions():
        return "not built; run `make native` or python -m lureguard.native_build"
    if recorded != source_digest():
        return "stale: sources changed since the native build"
    return None


def status() -> str:
    """One line for `lureguard --version` and the benchmarks."""
    reason = why_pure()
    return "compiled (mypyc)" if reason is None else f"pure Python ({reason})"


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Loads the compiled group from its sources, shadowing stale or unwanted extensions."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED:
            return None
        source = source_path(fullname)
        locations = [str(source.parent)] if source.name == "__init__.py" else None
        return importlib.util.spec_from_file_location(
            fullname, source, submodule_search_locations=locations
        )


def install_guard() -> None:
    """Load the group from its sources unless a current native build exists."""
    if any(isinstance(finder, _SourceFirst) for finder in sys.meta_path):
        return
    if why_pure() is not None and extensions():
        sys.meta_path.insert(0, _SourceFirst())
