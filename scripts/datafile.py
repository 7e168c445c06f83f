"""Write a generated data file of the package, or check that the committed one is current."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def write_or_check(out: Path, text: str, check: bool, summary: str) -> None:
    """Write `text` to `out` and print `summary`; with `check`, write nothing and exit
    non-zero when `out` differs from `text` (the script that regenerates it is named)."""
    name = out.relative_to(REPO)
    if check:
        current = out.read_text("utf-8") if out.exists() else ""
        if current != text:
            sys.exit(f"{name} is stale: run scripts/{Path(sys.argv[0]).name}")
        return
    out.write_text(text, "utf-8")
    print(f"{name}: {summary}")
