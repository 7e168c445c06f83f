"""Naming the slip: which edit turns a brand's label into the visited one."""

from __future__ import annotations

import pytest

from lureguard.lookalike.edits import describe, plausible, positions
from lureguard.lookalike.keyboard import adjacent, one_bit_apart, similar_shape


@pytest.mark.parametrize(
    ("visited", "target", "kind", "where"),
    [
        ("micosoft", "microsoft", "omission", (3,)),
        ("paypall", "paypal", "repetition", (6,)),
        ("amzaon", "amazon", "transposition", (2, 3)),
        ("paypsl", "paypal", "keyboard", (4,)),
        ("poypal", "paypal", "vowel-swap", (1,)),
        ("microsnft", "microsoft", "bitsquat", (6,)),
        ("pay-pal", "paypal", "hyphenation", (3,)),
        ("paypal1", "paypal", "addition", (6,)),
        ("paypqal", "paypal", "insertion", (4,)),
        ("amazosn", "amazon", "plural", (5,)),
        ("aeonbanlc", "aeonbank", "homoglyph", (7, 8)),  # `lc` passes for k
    ],
)
def test_each_slip_is_named_and_placed(
    visited: str, target: str, kind: str, where: tuple[int, ...]
) -> None:
    edits = describe(visited, target)
    assert [e.kind for e in edits] == [kind]
    assert positions(edits) == where
    assert plausible(visited, target)


def test_random_letters_are_not_slips() -> None:
    assert not plausible("pcloud", "icloud")  # p is nowhere near i
    assert not plausible("paybal", "paypal")  # b is not next to p, nor one bit away


def test_long_names_read_as_themselves_with_any_one_letter_changed_or_added() -> None:
    assert plausible("coinbame", "coinbase")  # m is nowhere near s
    assert plausible("coinbasze", "coinbase")  # a stray z
    assert not plausible("zoinbase", "coinbase")  # the first letter changed
    assert not plausible("coinbamze", "coinbase")  # two random edits
    assert not plausible("paynal", "paypal")  # six letters: mostly someone else's name


def test_very_long_names_read_as_themselves_with_two_random_edits() -> None:
    assert plausible("mjetherwalet", "myetherwallet")  # j is nowhere near y; an l left out
    assert not plausible("njetherwalet", "myetherwallet")  # the first letter changed
    assert not plausible("tjspayments", "tosspayments")  # twelve letters: one random edit only


def test_short_names_only_tolerate_slips_that_keep_every_letter() -> None:
    assert plausible("upss", "ups")
    assert not plausible("tnt", "ntt")  # transposition of a three-letter name
    assert plausible("eaby", "ebay")
    assert not plausible("bay", "ebay")  # omission
    assert not plausible("ebey", "ebay")  # vowel swap


def test_keyboard_layouts_and_bits() -> None:
    assert adjacent("m", "n")
    assert adjacent("z", "e")  # AZERTY
    assert not adjacent("p", "i")
    assert one_bit_apart("o", "n")
    assert not one_bit_apart("a", "a")
    assert similar_shape("b", "d")


def test_lc_is_one_look_alike_only_where_it_stands_for_k() -> None:
    assert [e.kind for e in describe("aeonbanlc", "aeonbank")] == ["homoglyph"]
    assert "homoglyph" not in [e.kind for e in describe("eclipse", "ekipse")]
