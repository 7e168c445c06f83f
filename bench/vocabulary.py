"""Measure the lure vocabulary: words real credential-phishing names use far more than popular
sites do.

Phishing names: the targeted campaigns of ../shared/data/realworld-dev/targeted.tsv (public
threat-intelligence repositories, see its README) and MetaMask's eth-phishing-detect blacklist.
The OpenPhish feed is not used: its terms allow measuring, not shipping what is derived from it.
Legitimate names: the popular domains the package ships (Alexa 2015 ranks 1-25,000 and the
shipped half of Cloudflare Radar's 2026 top-100k). The other halves are where `bench/realworld.py`
and `bench/quality.py` count false alarms, so the vocabulary never sees them.

Each host is cut into words: labels left of the public suffix, split at hyphens and digits, and
each piece segmented into English words (wordsegment). A word counts once per host. A word is
kept when at least MIN_HOSTS phishing hosts use it, in at least MIN_CAMPAIGNS targeted campaigns
(MetaMask's list adds hosts, not campaigns), and it
is at least MIN_RATIO times as frequent among phishing names as among legitimate ones (add-one
smoothing); segments rarer than MIN_UNIGRAM in English web text (fragments of random names) and
brand names (rules/brands, protected on their own) are left out.

    .venv/bin/python bench/vocabulary.py            # print the table
    .venv/bin/python bench/vocabulary.py --write    # also write addon/lureguard/data/lure-words.txt
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

import wordsegment
import yaml

from lureguard.hosts import HostError, parse_target
from lureguard.popular import PopularList

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
TARGETED = SHARED / "realworld-dev" / "targeted.tsv"
METAMASK = SHARED / "feeds" / "metamask-eth-phishing-detect-1.2.0-config.json"
OUT = REPO / "addon" / "lureguard" / "data" / "lure-words.txt"

MIN_HOSTS = 3
MIN_CAMPAIGNS = 2
MIN_RATIO = 5.0
MIN_LETTERS = 4
#: A segment counts as a word when English web text uses it this often (wordsegment's
#: unigram counts): cutting random names into words yields fragments such as `ner`, `urn`.
MIN_UNIGRAM = 1_000_000
_PIECES = re.compile(r"[a-z]+")


def words(host: str) -> set[str]:
    """The words of a host's own labels (everything left of the public suffix)."""
    try:
        target = parse_target(host)
    except HostError:
        return set()
    own = target.host[: -len(target.suffix) - 1] if target.suffix else target.host
    found: set[str] = set()
    for piece in _PIECES.findall(own):
        if len(piece) > 40:
            continue
        found.update(
            w
            for w in wordsegment.segment(piece)
            if len(w) >= MIN_LETTERS and wordsegment.UNIGRAMS.get(w, 0) >= MIN_UNIGRAM
        )
    return found


def phishing_hosts() -> Iterator[tuple[str, str]]:
    """(host, campaign) of every phishing name used."""
    with TARGETED.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            yield row["domain"], row["campaign"]
    blacklist = json.loads(METAMASK.read_text(encoding="utf-8"))["blacklist"]
    for host in blacklist:
        yield host, ""  # one crowd-sourced list: its hosts count, it is no campaign


def legitimate_hosts() -> Iterator[str]:
    """Every popular domain the package ships, none of the held-out ones."""
    yield from PopularList.shipped().domains


def brand_words() -> set[str]:
    """Every keyword and official label of the brand pack."""
    found: set[str] = set()
    for path in (REPO / "rules" / "brands").glob("*.yaml"):
        rule = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.update(rule.get("keywords") or ())
        found.update(rule.get("context_keywords") or ())
        found.update(d.split(".", 1)[0] for d in rule.get("domains") or ())
    return found


def measure() -> list[tuple[str, int, int, int, float]]:
    """(word, phishing hosts, campaigns, legitimate hosts, ratio) of every kept word."""
    wordsegment.load()
    phish: Counter[str] = Counter()
    campaigns: dict[str, set[str]] = defaultdict(set)
    n_phish = 0
    for host, campaign in phishing_hosts():
        n_phish += 1
        for word in words(host):
            phish[word] += 1
            if campaign:
                campaigns[word].add(campaign)
    legit: Counter[str] = Counter()
    n_legit = 0
    for host in legitimate_hosts():
        n_legit += 1
        legit.update(words(host))
    brands = brand_words()
    kept = []
    for word, count in phish.items():
        if count < MIN_HOSTS or len(campaigns[word]) < MIN_CAMPAIGNS or word in brands:
            continue
        ratio = ((count + 1) / (n_phish + 1)) / ((legit[word] + 1) / (n_legit + 1))
        if ratio >= MIN_RATIO:
            kept.append((word, count, len(campaigns[word]), legit[word], ratio))
    kept.sort(key=lambda row: -row[4])
    print(f"{n_phish:,} phishing hosts, {n_legit:,} legitimate domains", file=sys.stderr)
    return kept


def write(rows: Iterable[tuple[str, int, int, int, float]]) -> None:
    """The measured vocabulary as package data, with how it was measured."""
    header = [
        "# Lure vocabulary measured from real credential-phishing names (bench/vocabulary.py).",
        "# Phishing names: ../shared/data/realworld-dev/targeted.tsv (public threat-intelligence",
        "#   repositories; sources and licences in that directory's README) and MetaMask's",
        "#   eth-phishing-detect 1.2.0 blacklist (DBAD licence). Legitimate names: the shipped",
        "#   popular list (Alexa 2015 ranks 1-25,000 and the shipped half of Radar 2026).",
        f"# Kept: used by >= {MIN_HOSTS} phishing hosts of >= {MIN_CAMPAIGNS} campaigns and >= "
        f"{MIN_RATIO:g} times as frequent there as among legitimate names; English words",
        f"#   only (>= {MIN_UNIGRAM:,} uses in wordsegment 1.3.1's unigram counts); brand names",
        "#   left out.",
        "# Columns: word, phishing hosts, campaigns, legitimate domains, frequency ratio.",
    ]
    lines = [f"{w}\t{p}\t{c}\t{lg}\t{r:.1f}" for w, p, c, lg, r in sorted(rows)]
    OUT.write_text("\n".join(header + lines) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help=f"write {OUT.relative_to(REPO)}")
    args = parser.parse_args()
    rows = measure()
    for word, count, n_campaigns, legit, ratio in rows:
        print(f"{word:20} {count:6} {n_campaigns:4} {legit:6} {ratio:8.1f}")
    print(f"{len(rows)} words", file=sys.stderr)
    if args.write:
        write(rows)


if __name__ == "__main__":
    main()
