"""The shipped list of popular legitimate domains, which lookalike detection never flags.

Two files of package data, each with its provenance in its header: Alexa's top 25,000 of 2015
(`data/popular.txt`) and the shipped half of Cloudflare Radar's 2026 top-100k bucket
(`data/popular-radar-2026.txt`). Which half of Radar's list ships is decided by
`radar_shipped`, the one place both the data file (scripts/split_radar.py) and the
evaluation of false alarms on the other half (bench/realworld.py) take it from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

ALEXA_FILE = "data/popular.txt"
RADAR_FILE = "data/popular-radar-2026.txt"
POPULAR_SOURCE = (
    "Alexa top sites, July 2015, ranks 1-25,000 (phunterlau/dga_classifier 2599afa); "
    "Cloudflare Radar top-100k bucket of 2026-05-03, the half with sha256(domain)[0] < 128 "
    "(wangmm001/cloudflare-radar-rankings-cache 94a7f72)"
)


def radar_shipped(domain: str) -> bool:
    """True when `domain` is in the shipped half of the Radar list: the first byte of the
    SHA-256 of its lowercase name (UTF-8) is below 128. Stable across runs and machines."""
    return hashlib.sha256(domain.strip().lower().encode("utf-8")).digest()[0] < 128


@dataclass(frozen=True, slots=True)
class PopularList:
    """Registrable domains in rank order, with where they came from."""

    domains: tuple[str, ...]
    source: str

    @classmethod
    def shipped(cls) -> PopularList:
        """The lists bundled in the package (see the headers of the data files): Alexa's in
        rank order, then the shipped half of Radar's (an unordered set, alphabetical). Read
        once per process: package data does not change under it, and one command may ask
        several times (`lureguard protect` probes, lints and tests a rule)."""
        return _shipped()

    @classmethod
    def from_file(cls, path: Path) -> PopularList:
        """A list in the same format: one domain a line, `#` comments."""
        return cls(_parse(path.read_text("utf-8")), str(path))

    @classmethod
    def empty(cls) -> PopularList:
        """No popular list (for tests that want bare rules)."""
        return cls((), "none")


def _parse(text: str) -> tuple[str, ...]:
    """The domains of a list, in order, once each. Alexa's list names a few pages, not sites
    (`edu.example.ac.ir/user/user_manage`): the path goes, or its `edu` would read as the
    label of a popular site."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        domain = line.split("#", 1)[0].strip().lower().split("/", 1)[0]
        if domain:
            seen.setdefault(domain, None)
    return tuple(seen)


@cache
def _shipped() -> PopularList:
    package = resources.files("lureguard")
    text = "\n".join(package.joinpath(f).read_text("utf-8") for f in (ALEXA_FILE, RADAR_FILE))
    return PopularList(_parse(text), POPULAR_SOURCE)
