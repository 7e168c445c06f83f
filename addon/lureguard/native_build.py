"""Compile the hot path (`native.COMPILED`) to C extensions with mypyc, in place.

Usage: python -m lureguard.native_build [--force] [--clean]   (`make native` runs it)

Works in a checkout and in an installed copy alike. Skips the work when the recorded build
matches the sources. Without a C compiler, the Python headers or the tools of the `native`
extra it says so and exits 0: lureguard then runs as pure Python. A compile error exits 1 and
leaves only the sources.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import sysconfig
import tempfile
from pathlib import Path

from lureguard import native

#: The directory that holds the `lureguard` package (mypyc names modules by paths from here).
ROOT = native.PACKAGE_DIR.parent


def clean() -> None:
    """Remove every extension and the manifest: afterwards only the sources remain."""
    for path in native.extensions():
        path.unlink()
    for path in ROOT.glob(f"{native.GROUP}__mypyc*"):
        path.unlink()
    native.MANIFEST.unlink(missing_ok=True)


def missing_toolchain() -> str | None:
    """What is missing to compile C extensions, if anything."""
    compiler = str(sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler})"
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not headers.is_file():
        return f"no Python headers ({headers})"
    for module in ("mypyc", "setuptools"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install 'lureguard[native]')"
    return None


def build() -> None:
    """Compile a copy of the package's sources, then put the extensions next to the originals.

    The copy keeps mypy away from whatever else lies beside the package (site-packages).
    """
    from mypyc.build import mypycify
    from setuptools import Distribution

    digest = native.source_digest()
    config = ROOT.parent / "pyproject.toml"  # a checkout; an installed copy has none
    options = ["--config-file", str(config)] if config.is_file() else []
    with tempfile.TemporaryDirectory(prefix="lureguard-native-") as tmp:
        source = Path(tmp) / "src"
        shutil.copytree(native.PACKAGE_DIR, source / "lureguard", ignore=_not_source)
        with contextlib.chdir(source):  # mypy names modules by their path from here
            extensions = mypycify(
                [*options, "--ignore-missing-imports",
                 *(str(native.source_path(m).relative_to(ROOT)) for m in native.COMPILED)],
                target_dir=str(Path(tmp) / "c"),
                group_name=native.GROUP,
            )  # fmt: skip
            dist = Distribution({"name": "lureguard-native", "ext_modules": extensions})
            command = dist.get_command_obj("build_ext")
            command.build_lib = str(Path(tmp) / "lib")
            command.build_temp = str(Path(tmp) / "obj")
            dist.run_command("build_ext")
        built = Path(tmp) / "lib"
        clean()
        for path in built.rglob("*"):
            if path.is_file():
                shutil.copy2(path, ROOT / path.relative_to(built))
    manifest = {"digest": digest, "modules": list(native.COMPILED), "python": sys.version}
    native.MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _not_source(directory: str, names: list[str]) -> list[str]:
    """shutil.copytree filter: keep Python sources and their packages only."""
    return [
        name for name in names
        if name == "__pycache__" or not (name.endswith(".py") or Path(directory, name).is_dir())
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Build, or explain why not; the exit status is 1 only for a failed compile."""
    parser = argparse.ArgumentParser(prog="python -m lureguard.native_build")
    parser.add_argument("--force", action="store_true", help="rebuild even when current")
    parser.add_argument("--clean", action="store_true", help="remove the native build")
    args = parser.parse_args(argv)
    if args.clean:
        clean()
        print("native build removed: lureguard runs as pure Python")
        return 0
    if not args.force and native.built_digest() == native.source_digest() and native.extensions():
        print("native build is current")
        return 0
    missing = missing_toolchain()
    if missing:
        print(f"native build skipped: {missing}; lureguard runs as pure Python (slower)")
        return 0
    try:
        build()
    except (SystemExit, Exception) as exc:  # mypyc reports type errors with SystemExit
        print(f"native build failed: {exc}", file=sys.stderr)
        clean()
        return 1
    print(f"native build done: {len(native.COMPILED)} modules compiled with mypyc")
    return 0


if __name__ == "__main__":
    sys.exit(main())
