"""data/common-words.txt: the English words a visited label may be instead of a slip."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from lureguard.lookalike.words import COMMON_WORDS

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "common_words.py"


def test_the_shipped_list_is_what_the_script_writes() -> None:
    spec = importlib.util.spec_from_file_location("common_words", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(COMMON_WORDS) == module.common_words()


def test_words_are_in_and_the_webs_own_brand_misspellings_are_not() -> None:
    assert {"papal", "discard", "apples"} <= COMMON_WORDS
    # The web's most frequent misspellings of brands stay slips.
    assert not {"gogle", "yaho", "googe", "gooogle", "yahooo", "hotmial"} & COMMON_WORDS
    assert all(len(w) >= 4 and w.isalpha() for w in COMMON_WORDS)  # initials are names
