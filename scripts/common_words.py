"""Regenerate addon/lureguard/data/common-words.txt: English words the web uses often.

A visited label that is such a word (`papal`, `discard`, `apples`) is that word, not a slip
of a brand's name (paypal, discord, apple): `lookalike.visit.Visit.established`. The
words are wordsegment's unigrams (the web's most frequent tokens, with their counts) of
MIN_LENGTH letters or more used more than MIN_COUNT times: above the most frequent
misspellings of brands that the web itself carries (`yaho` 237,658 times, `gogle` 217,386,
`googe` 121,370), so none of those reads as a word. Regenerate with the dev dependencies:

  .venv/bin/python scripts/common_words.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datafile import REPO, write_or_check

from lureguard.lookalike.words import COMMON_WORDS_FILE

OUT = REPO / "addon" / "lureguard" / COMMON_WORDS_FILE
#: Shorter tokens are mostly initials: other firms' names, judged by the short-name rules.
MIN_LENGTH = 4
MIN_COUNT = 300_000

HEADER = """\
# English words the web uses often: {count:,} words of {length} letters or more, each used more
#   than {minimum:,} times in wordsegment 1.3.1's unigram counts.
# Source: wordsegment 1.3.1 (https://github.com/grantjenks/python-wordsegment, Apache License
#   2.0, Copyright 2018 Grant Jenks), whose unigram counts are Peter Norvig's count_1w.txt from
#   Google's Web Trillion Word Corpus.
# Used by lureguard/lookalike/visit.py: a visited label that is one of these words is that
#   word, not a brand's name with a slip. Regenerate with scripts/common_words.py.
"""


def common_words() -> list[str]:
    """The words (letters a-z only) that pass MIN_LENGTH and MIN_COUNT, sorted."""
    import wordsegment  # a dev dependency: the runtime reads the generated file only

    wordsegment.load()
    return sorted(
        word
        for word, count in wordsegment.UNIGRAMS.items()
        if count > MIN_COUNT and len(word) >= MIN_LENGTH and word.isascii() and word.isalpha()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args()
    words = common_words()
    text = (
        HEADER.format(count=len(words), length=MIN_LENGTH, minimum=MIN_COUNT)
        + "\n".join(words)
        + "\n"
    )
    write_or_check(OUT, text, args.check, f"{len(words):,} words")


if __name__ == "__main__":
    main()
