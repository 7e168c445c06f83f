"""Confusable skeletons: Unicode TR39 plus diacritics plus ASCII imitations, with spans."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from lureguard.lookalike.confusables import (
    _STROKE_LETTERS,
    MULTI_LETTER,
    _fold_pairs,
    _has_pair,
    _replace_groups,
    explain,
    fold,
    plain,
    readings,
    shape,
    skeleton,
)


def test_unicode_confusables_fold_to_latin() -> None:
    assert skeleton("аpple") == skeleton("apple")  # Cyrillic а
    assert skeleton("раураl") == skeleton("paypal")  # all Cyrillic
    assert skeleton("ｐａｙｐａｌ") == skeleton("paypal")  # fullwidth
    assert skeleton("ⅿicrosoft") == skeleton("microsoft")


def test_diacritics_and_decorated_latin_letters_are_dropped() -> None:
    assert skeleton("mícrosoft") == skeleton("microsoft")
    assert skeleton("aexp-staṫiƈ") == skeleton("aexp-static")  # c with hook
    assert skeleton("airbnʙ") == skeleton("airbnb")  # small capital b
    assert skeleton("æxp") == skeleton("aexp")  # ligature


def test_ascii_imitations() -> None:
    assert skeleton("rnicrosoft") == skeleton("microsoft")
    assert skeleton("vvellsfargo") == skeleton("wellsfargo")
    assert skeleton("paypa1") == skeleton("paypal") == skeleton("paypaI")
    assert skeleton("g00gle") == skeleton("google")
    assert skeleton("microsoft") != skeleton("macrosoft")


@given(st.text(alphabet="abcilmnorstuvw01-", max_size=20))
def test_ascii_fast_path_agrees_with_fold(label: str) -> None:
    assert skeleton(label) == fold(label)[0]
    folded, second = readings(label)
    assert folded == skeleton(label)
    assert second == plain(label)


def _regex_replace(text: str, table: dict[str, str]) -> str:
    return re.sub("|".join(table), lambda match: table[match.group()], text)


@given(st.text(alphabet="rnvcliu", max_size=20))
@example("rnn")
def test_letter_groups_fold_like_a_regex(text: str) -> None:
    assert _replace_groups(text, tuple(MULTI_LETTER.items())) == _regex_replace(text, MULTI_LETTER)


@given(st.text(alphabet="rnvcliuwmo", max_size=12) | st.text(max_size=8))
@example("rnn")
def test_spelled_out_pair_test_reads_the_table(text: str) -> None:
    """`_has_pair` spells the groups of `MULTI_LETTER` out: the same answer as the table, and
    a text it passes folds to itself."""
    assert _has_pair(text) is any(pair in text for pair in MULTI_LETTER)
    assert _fold_pairs(text) == _replace_groups(text, tuple(MULTI_LETTER.items()))


@given(st.text(alphabet="dlchbk", max_size=20))
@example("dlc")
def test_strokes_merge_like_a_regex(text: str) -> None:
    expected = _regex_replace(text, _STROKE_LETTERS)
    assert _replace_groups(text, tuple(_STROKE_LETTERS.items())) == expected


def test_plain_reading_keeps_letter_groups() -> None:
    assert plain("chrnopost") == "chrnopost"
    assert skeleton("chrnopost") == "chmopost"
    assert plain("paypal") == ""  # nothing folded: no second reading


def test_explain_names_the_imitating_characters_and_positions() -> None:
    sentence, positions = explain("rnicrosoft", "microsoft")
    assert sentence == "'rn' at position 0 imitates 'm'"
    assert positions == (0, 1)
    sentence, positions = explain("аpple", "apple")
    assert "Cyrillic Small Letter A" in sentence
    assert positions == (0,)


def test_shape_folds_letters_alike_by_form() -> None:
    assert shape(skeleton("acondank")) == shape(skeleton("aeonbank"))
    assert shape("paypal") == "paypal"


def test_folded_letters_join_groups_but_never_make_new_ones_from_ascii() -> None:
    assert skeleton("citibаnk") == skeleton("citibank")  # Cyrillic а; `ci` must not become `d`
    assert skeleton("aṇnazon") == skeleton("amazon")  # ṇn -> nn -> m


def test_two_i_reads_ii_as_two_letters() -> None:
    from lureguard.lookalike.confusables import two_i

    assert two_i("hanrnaii") == skeleton("hanmail")
    assert two_i("paypal") == ""


def test_two_i_reads_a_decorated_i_beside_an_i() -> None:
    from lureguard.lookalike.confusables import two_i

    assert two_i("aiĩbaba") == skeleton("alibaba")  # ĩ passes for i, so `iĩ` is two l's
    assert two_i("mícrosoft") == ""


def test_letters_people_read_differently_from_tr39() -> None:
    # Hand table (`READS_AS`): schwa and turned e read as a, not e; ᶌ reads as v, not y.
    assert skeleton("əmazon") == skeleton("amazon")
    assert skeleton("ǝdobe") == skeleton("adobe")
    assert skeleton("naᶌer") == skeleton("naver")
    assert skeleton("ʊber") == skeleton("uber")
    # Derived from Unicode names: turned a and alpha, reversed e, ligatures, dotless, script.
    assert skeleton("ɐpple") == skeleton("apple")
    assert skeleton("ɒpple") == skeleton("apple")
    assert skeleton("ɘbay") == skeleton("ebay")
    assert skeleton("phœnix") == skeleton("phoenix")
    assert skeleton("ɑlipɑy") == skeleton("alipay")
    assert skeleton("ɡooɡle") == skeleton("google")
    assert skeleton("ıcloud") == skeleton("icloud")
    # ... broken and insular forms, and medieval abbreviations drawn as a letter and a stroke.
    assert skeleton("ꝇidl") == skeleton("lidl")  # broken l
    assert skeleton("ꞃakuten") == skeleton("rakuten")  # insular r
    assert skeleton("ꝱhl") == skeleton("dhl")  # dum
    assert skeleton("paypaꝲ") == skeleton("paypal")  # lum


def test_turned_letters_that_do_not_read_as_their_letter_stay_apart() -> None:
    assert skeleton("ʎahoo") != skeleton("yahoo")  # turned y looks like a lambda
    assert skeleton("ɹakuten") != skeleton("rakuten")
    assert skeleton("ʇwitter") != skeleton("twitter")
    assert skeleton("əbay") != skeleton("ebay")  # schwa is an a now, one letter off ebay
    assert skeleton("ʒoom") != skeleton("3oom")  # ezh stays a z, as TR39 has it


def test_explain_names_the_hand_read_letter() -> None:
    sentence, positions = explain("əmazon", "amazon")
    assert sentence == "'ə (Latin Small Letter Schwa)' at position 0 imitates 'a'"
    assert positions == (0,)


def test_shape_merges_an_l_stroke_into_b() -> None:
    assert shape(skeleton("aeonlbanlc")) == shape(skeleton("aeonbank"))
    assert shape("label") == "label"  # an l that does not touch the b stays a letter


def test_strokes_merge_only_when_asked() -> None:
    # A brand's own `lb` (alibaba: `i` folds to l) stays two letters in the index key.
    assert shape(skeleton("alibaba"), strokes=False) == "allbaba"
    assert shape(skeleton("aldaba")) != shape(skeleton("alibaba"), strokes=False)
