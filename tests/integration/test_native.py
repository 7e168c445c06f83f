"""The native build (lureguard/native.py): present, current, identical to the sources, and
never used once its sources change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from lureguard import native
from lureguard.engine import Engine

LUREGUARD = str(Path(sys.executable).with_name("lureguard"))
ADDON = Path(native.__file__).resolve().parent.parent
#: ../shared/data beside the checkout, or where CI's clean clone finds it.
SHARED = next(
    path
    for path in (Path(__file__).resolve().parents[3] / "shared" / "data", Path("/work/shared/data"))
    if path.is_dir()
)


def test_make_test_runs_on_the_current_native_build() -> None:
    assert native.why_pure() is None, "run `make native` first"
    import lureguard.engine
    import lureguard.lookalike.visit

    for module in (lureguard.engine, lureguard.lookalike.visit):
        assert not str(module.__file__).endswith(".py"), module.__file__


def _variants(label: str) -> list[str]:
    """The tricks of every detector, applied to one protected label."""
    swapped = label[1] + label[0] + label[2:] if len(label) > 2 else label
    return [
        f"{label}.com", f"{label}.cm", f"{swapped}.com", f"{label}{label[-1]}.net",
        f"{label[:-1]}.org", label.replace("m", "rn").replace("o", "0") + ".com",
        label.replace("l", "1").replace("i", "l") + ".info", label.replace("a", "а") + ".com",
        f"secure-{label}-login.com", f"my{label}verify.net", f"{label}.com.session-verify.net",
        f"www-{label}-com.secure.info", f"{label[0]}.{label[1:]}.com",
        f"https://user@{label}-support.xyz:8443/path?q=1",
    ]  # fmt: skip


def _inputs(engine: Engine) -> str:
    labels = sorted({entry.label for entries in engine.index.labels.values() for entry in entries})
    lines = [variant for label in labels for variant in _variants(label)]
    feed = (SHARED / "feeds" / "metamask-eth-phishing-detect-1.2.0-hosts.txt").read_text()
    lines += [line.split()[-1] for line in feed.splitlines() if line.strip()]
    popular = (SHARED / "popular" / "alexa-2015-top-50k.csv").read_text().splitlines()
    lines += [row.split(",", 1)[1] for row in popular[::50]]
    lines += ["", "bad host", "[::1]", "0x7f.1", "xn--80ak6aa92e.com", "a" * 300, "пример.рф"]
    return "\n".join(lines) + "\n"


def test_native_and_pure_give_the_same_verdicts(bundled_db: Path, bundled_engine: Engine) -> None:
    stdin = _inputs(bundled_engine).encode()
    outputs = []
    for pure in ("0", "1"):
        proc = subprocess.run(
            [LUREGUARD, "check", "--db", str(bundled_db), "--json", "-"],
            input=stdin, capture_output=True, timeout=300,
            env={**os.environ, "LUREGUARD_PURE": pure},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        outputs.append(proc.stdout.decode().splitlines())
    assert len(outputs[0]) == stdin.count(b"\n") > 5000
    assert sum('"verdict": "warn"' in line for line in outputs[0]) > 1000  # detectors ran
    mismatches = [(a, b) for a, b in zip(*outputs, strict=True) if a != b]
    assert not mismatches, mismatches[:3]


def test_edited_sources_are_used_instead_of_a_stale_build(tmp_path: Path) -> None:
    copy = tmp_path / "addon"
    shutil.copytree(ADDON / "lureguard", copy / "lureguard")
    for shared_library in ADDON.glob("*__mypyc*"):
        shutil.copy2(shared_library, copy)
    psl = copy / "lureguard" / "psl.py"
    psl.write_text(psl.read_text() + "\nEDITED = True\n")
    probe = (
        "import lureguard.psl as p, lureguard.native as n; from lureguard.hosts import "
        "parse_target; print(p.__file__, p.EDITED, n.status(), parse_target('a.b.co.uk').suffix)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(copy), "LUREGUARD_PURE": ""},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    path, edited, *status, suffix = proc.stdout.split()
    assert path.endswith("psl.py")
    assert edited == "True"
    assert suffix == "co.uk"
    assert "stale" in " ".join(status)
