"""The shipped list of popular legitimate domains, which lookalike detection never flags."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

POPULAR_SOURCE = "Alexa top sites, July 2015, ranks 1-25,000 (phunterlau/dga_classifier 2599afa)"


@dataclass(frozen=True, slots=True)
class PopularList:
    """Registrable domains in rank order, with where they came from."""

    domains: tuple[str, ...]
    source: str

    @classmethod
    def shipped(cls) -> PopularList:
        """The list bundled in the package (see the header of data/popular.txt)."""
        text = resources.files("lureguard").joinpath("data/popular.txt").read_text("utf-8")
        return cls(_parse(text), POPULAR_SOURCE)

    @classmethod
    def from_file(cls, path: Path) -> PopularList:
        """A list in the same format: one domain a line, `#` comments."""
        return cls(_parse(path.read_text("utf-8")), str(path))

    @classmethod
    def empty(cls) -> PopularList:
        """No popular list (for tests that want bare rules)."""
        return cls((), "none")


def _parse(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for line in text.splitlines():
        domain = line.split("#", 1)[0].strip().lower()
        if domain:
            seen.setdefault(domain, None)
    return tuple(seen)
