"""Regenerate addon/lureguard/data/popular-radar-2026.txt: the shipped half of Radar's list.

Reads ../shared/data/popular/cloudflare-radar-2026-top100k.txt and keeps the domains for which
`lureguard.popular.radar_shipped` is true; the other half is never shipped and measures false
alarms (bench/realworld.py). Run after changing the rule or the source list:
  .venv/bin/python scripts/split_radar.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datafile import REPO, write_or_check

from lureguard.popular import RADAR_FILE, radar_shipped

SOURCE = REPO.parent / "shared" / "data" / "popular" / "cloudflare-radar-2026-top100k.txt"
OUT = REPO / "addon" / "lureguard" / RADAR_FILE

HEADER = """\
# Popular registrable domains: the shipped half of Cloudflare Radar's top-100,000 bucket (2026).
# Source: ../shared/data/popular/cloudflare-radar-2026-top100k.txt, from the GitHub repository
#   wangmm001/cloudflare-radar-rankings-cache, commit 94a7f72 (2026-05-03), file
#   data/2026-05-03/top-100000.csv.gz (Radar dataset ranking_top_100000, the week ending about
#   2026-04-27), reduced to {total:,} registrable domains (tldextract 5.4.0, ICANN section).
# Terms: data subject to Cloudflare Radar's terms of use, as stated by the mirror.
# Split: a domain ships when the first byte of sha256(domain, lowercase, UTF-8) is below 128
#   (lureguard.popular.radar_shipped); the other half ({held:,} domains) is held out to measure
#   false alarms (bench/realworld.py) and deliberately not shipped.
# Regenerate with scripts/split_radar.py. DNS-based: includes infrastructure (CDNs, APIs).
# An unordered set, sorted alphabetically; one domain a line. {shipped:,} domains.
"""


def domains(path: Path) -> list[str]:
    """The source list's domains, lowercase, without comments or duplicates."""
    seen: dict[str, None] = {}
    for line in path.read_text("utf-8").splitlines():
        name = line.split("#", 1)[0].strip().lower()
        if name:
            seen.setdefault(name, None)
    return list(seen)


def render(source: list[str]) -> str:
    """The data file's text for `source`."""
    shipped = sorted(d for d in source if radar_shipped(d))
    head = HEADER.format(total=len(source), held=len(source) - len(shipped), shipped=len(shipped))
    return head + "\n".join(shipped) + "\n"


def main() -> None:
    """Write the data file, or with --check exit 1 when it is out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    text = render(domains(SOURCE))
    write_or_check(OUT, text, args.check, f"{text.count(chr(10)) - HEADER.count(chr(10))} domains")


if __name__ == "__main__":
    main()
