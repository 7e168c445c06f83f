"""Which browser origins may call the API: our extension, nothing else.

Chrome derives an extension's ID from the public `key` in its manifest, so the ID of the
shipped extension is fixed. Firefox gives every installation its own random
`moz-extension://<uuid>` origin, so those are configured per machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

#: The ID Chrome computes from `extension/manifest.json`'s `key` (see docs/extension.md).
CHROME_EXTENSION_ID = "djiehpelnmpgdikofhkaflppcjieicmh"
DEFAULT_ORIGINS: tuple[str, ...] = (f"chrome-extension://{CHROME_EXTENSION_ID}",)
#: `browser_specific_settings.gecko.id` in the manifest: Firefox's name for the extension.
GECKO_ID = "extension@lureguard.invalid"

#: One extra allowed origin a line; `#` starts a comment.
ORIGINS_FILE = "api-origins.txt"

_ORIGIN = re.compile(r"^(chrome-extension://[a-p]{32}|moz-extension://[0-9a-f-]{36})$")


class OriginError(ValueError):
    """A configured origin is not an extension origin."""


def check_origin(text: str) -> str:
    """Validate one configured origin; only extension origins can be allowed."""
    origin = text.strip().rstrip("/").lower()
    if not _ORIGIN.match(origin):
        raise OriginError(
            f"'{text.strip()}' is not an extension origin (expected "
            "chrome-extension://<32 letters a-p> or moz-extension://<uuid>)"
        )
    return origin


def allowed_origins(data_dir: Path | None, extra: Iterable[str] = ()) -> frozenset[str]:
    """The default origin, `extra`, and the lines of the data dir's origins file."""
    origins = set(DEFAULT_ORIGINS)
    origins.update(check_origin(o) for o in extra)
    if data_dir is not None:
        path = data_dir / ORIGINS_FILE
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        for number, line in enumerate(lines, 1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            try:
                origins.add(check_origin(text))
            except OriginError as exc:
                raise OriginError(f"{path}:{number}: {exc}") from None
    return frozenset(origins)


def is_extension_origin(text: str | None) -> bool:
    """Whether `text` is shaped like an extension origin (a web page's never is)."""
    return text is not None and _ORIGIN.match(text) is not None


def allow_origin(data_dir: Path, origin: str, note: str) -> None:
    """Append `origin` to the data dir's origins file (created when missing), with a note."""
    line = f"{check_origin(origin)}  # {note}\n"
    path = data_dir / ORIGINS_FILE
    with path.open("a+", encoding="utf-8") as out:
        out.seek(0)
        text = out.read()
        # A hand-edited last line without its newline must not swallow ours.
        out.write(line if not text or text.endswith("\n") else "\n" + line)
