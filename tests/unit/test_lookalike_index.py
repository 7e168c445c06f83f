"""The brand index: precomputed so a check is hash probes, and learned word parts."""

from __future__ import annotations

import pytest

from lureguard.engine import Engine
from lureguard.lookalike.index import deletions, typo_budget
from lureguard.lookalike.visit import near_skeletons
from lureguard.lookalike.words import lure_only
from tests.unit.lookalike_brands import build_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(tmp_path_factory.mktemp("index"))


def test_deletions_and_budgets() -> None:
    assert deletions("abc", 1) == {"abc", "bc", "ac", "ab"}
    assert "a" in deletions("abc", 2)
    assert typo_budget(3) == 1
    assert typo_budget(9) == 1
    assert typo_budget(15) == 2


def test_near_skeletons_finds_brands_within_budget(engine: Engine) -> None:
    index = engine.index
    assert ("mlcrosoft", 1) in near_skeletons("mlcrosft", index)
    assert ("mlcrosoftonllne", 2) in near_skeletons("mlcrosoftonle", index)  # two omissions
    assert near_skeletons("zzzzzzzz", index) == []
    assert near_skeletons("mlcrosoft", index) == []  # equal is a homoglyph, not a typo


def test_word_parts_are_learned_from_the_popular_list(engine: Engine) -> None:
    assert "apple" in engine.index.common  # rappler.com
    assert "paypal" not in engine.index.common
    assert "email" in engine.index.popular_labels


def test_official_suffixes_come_from_registrable_domains(engine: Engine) -> None:
    assert engine.index.label_suffixes["paypal"] == {"com", "de", "co.uk"}
    assert engine.index.label_suffixes["aeonbank"] == {"co.jp"}


def test_lure_vocabulary() -> None:
    assert lure_only("secure-logln")  # skeleton of secure-login
    assert lure_only("accountsupdate")
    assert not lure_only("bees")
    assert not lure_only("")
