"""The brand index: precomputed so a check is hash probes, and learned word parts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lureguard.engine import Engine
from lureguard.hosts import parse_target
from lureguard.lookalike import LookalikeDetector
from lureguard.lookalike.combosquat import (
    _context_slip_beside_lure,
    _may_slip_context,
    _stutters,
)
from lureguard.lookalike.confusables import _STROKE_LETTERS, has_strokes, shape, skeleton
from lureguard.lookalike.embedding import _recurring_skeleton
from lureguard.lookalike.index import (
    NO_NAMES_INSIDE,
    BrandIndex,
    CodeBits,
    deletions,
    end_code,
    head_code,
    probe_code,
    shape_head_code,
    typo_budget,
)
from lureguard.lookalike.visit import Visit, _ends_match, _may_probe, _probe_end, near_skeletons
from lureguard.lookalike.words import _SKELETONS, lure_only, slipped_lure_word
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
    assert "apple" in engine.index.common  # rappler.com, grappled.com
    assert "paypal" not in engine.index.common
    assert "email" in engine.index.popular_labels
    # A skeleton gathers unrelated letters: gmail's `gmall` sits inside sigmalive and
    # sigmalink, but gmail spelled as Google spells it sits inside no popular name.
    assert "gmall" in engine.index.common
    assert "gmall" not in engine.index.common_spelled
    assert "apple" in engine.index.common_spelled


def test_names_spelled_as_the_brand_spells_them_are_judged_by_their_letters(
    engine: Engine,
) -> None:
    assert engine.check("gmail-notes.com").verdict == "warn"  # gmail as a word of its own
    assert engine.check("gmall-notes.com").verdict == "allow"  # a mall: `gmall` is a word part


def test_official_suffixes_come_from_registrable_domains(engine: Engine) -> None:
    assert engine.index.label_suffixes["paypal"] == {"com", "de", "co.uk"}
    assert engine.index.label_suffixes["aeonbank"] == {"co.jp"}


def test_lure_vocabulary() -> None:
    assert lure_only("secure-logln")  # skeleton of secure-login
    assert lure_only("accountsupdate")
    assert not lure_only("bees")
    assert not lure_only("")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(sorted(_SKELETONS)), st.booleans()), min_size=1, max_size=4)
)
def test_lure_prefilter_never_hides_a_phrase(words: list[tuple[str, bool]]) -> None:
    """Lure words glued together, any of them plural, always read as lure words only."""
    assert lure_only("".join(word + ("s" if plural else "") for word, plural in words))


def _splits_into_lure_words(text: str) -> bool:
    """The plain definition: some lure word, or one with a plural `s`, starts the text and
    the rest splits too."""
    return any(
        text.startswith(written)
        and (len(written) == len(text) or _splits_into_lure_words(text[len(written) :]))
        for word in _SKELETONS
        for written in (word, word + "s")
    )


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="secuniloghpatvrdwmyk", min_size=1, max_size=14))
def test_lure_segmenter_and_its_prefilter_agree_with_the_definition(text: str) -> None:
    assert lure_only(text) == _splits_into_lure_words(text)


@pytest.mark.parametrize(
    ("written", "slipped"),
    [
        ("logns", True),  # login(s) with a letter left out
        ("logen", True),  # a letter changed
        ("logi", True),  # the last letter left out
        ("logiene", True),  # one slip and one stray letter after it
        ("xtension", False),  # the first letter changed: mostly another word
        ("storage", False),  # two slips from store
        ("log", False),  # too short to read as a word
    ],
)
def test_slipped_lure_words(written: str, slipped: bool) -> None:
    assert slipped_lure_word(written) is slipped


def _probe_hits(text: str, index: BrandIndex) -> bool:
    """What the prefilter stands in for: does any deletion probe find a key?"""
    probes = {text} | {text[:i] + text[i + 1 :] for i in range(len(text))}
    return any(probe in index.deletes for probe in probes)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="mlcrosftpayegonuhdkbwiz-é", min_size=6, max_size=18))
def test_probe_filter_never_hides_a_hit(engine: Engine, text: str) -> None:
    index = engine.index
    if _probe_hits(text, index):
        assert _may_probe(text, index.probe_heads, index.probe_tails)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(0, 2**40), max_size=40),
    st.lists(st.integers(0, 0x10FFFF), min_size=5, max_size=5),
    st.integers(5, 80),
    st.booleans(),
)
def test_may_hold_slips_is_six_may_holds(
    members: list[int], letters: list[int], length: int, keep_first: bool
) -> None:
    """The one-call test equals the six `may_hold(probe_code(...))` it stands for."""
    bits = CodeBits(members)
    a, b, c, d, e = letters
    kept = (a, b, c, d) if keep_first else (b, c, d, e)
    spellings = [(*kept, length)] + [
        (*(x for i, x in enumerate(letters) if i != out), length - 1) for out in range(5)
    ]
    expected = any(bits.may_hold(probe_code(*spelling)) for spelling in spellings)
    assert bits.may_hold_slips(a, b, c, d, e, length, keep_first) is expected
    # ... and a member's spelling is always held
    bits = CodeBits([probe_code(*spellings[len(members) % 6])])
    assert bits.may_hold_slips(a, b, c, d, e, length, keep_first)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefgh", min_size=7, max_size=16), st.data())
def test_probe_end_reads_the_deletion_key(text: str, data: st.DataObject) -> None:
    """`_probe_end` tests the four letters from `p` of `text` with its letters `i` < `j`
    deleted, without building that key."""
    i = data.draw(st.integers(1, len(text) - 2))
    j = data.draw(st.integers(i + 1, len(text) - 1))
    key = text[:i] + text[i + 1 : j] + text[j + 1 :]
    p = data.draw(st.integers(0, len(key) - 4))
    code = probe_code(*map(ord, key[p : p + 4]), len(key))
    for bits in (CodeBits([code]), CodeBits([code + 1]), CodeBits(())):
        assert _probe_end(text.encode(), p, i, j, bits) is bits.may_hold(code)


def _ends_in_sets(text: str, index: BrandIndex) -> bool:
    """`visit._ends_match` as its sets define it: the slices looked up."""
    if text[:3] in index.starts or text[-3:] in index.finishes:
        return True
    return len(text) < 8 and (text[:2] in index.starts or text[-2:] in index.finishes)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="mlcrosftpayegonuhdkbwiz-é", min_size=6, max_size=18))
def test_end_codes_never_hide_an_end_in_the_sets(engine: Engine, text: str) -> None:
    """The in-place codes of `_ends_match` are `end_code`s: whatever the sets hold, it
    passes (a false "maybe" only costs the probes)."""
    index = engine.index
    if _ends_in_sets(text, index):
        assert _ends_match(text, index.start_codes, index.finish_codes)
    bits = CodeBits(map(end_code, (text[:3], text[-3:], text[:2], text[-2:])))
    assert _ends_match(text, bits, CodeBits(()))
    assert _ends_match(text, CodeBits(()), bits)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="bdcenrmvu-1lai", min_size=4, max_size=14)
    | st.text(alphabet="bdcnrvéðſдԁ", min_size=4, max_size=8)
    | st.text(min_size=4, max_size=8)
)
def test_shape_head_code_is_the_head_code_of_the_shape(text: str) -> None:
    assert shape_head_code(text) == head_code(shape(text, strokes=False))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="dlchbkx", max_size=12))
def test_has_strokes_tests_every_stroke_pair(text: str) -> None:
    """`has_strokes` spells out the pairs of `_STROKE_LETTERS`: the same answer."""
    assert has_strokes(text) is any(pair in text for pair in _STROKE_LETTERS)


def _stutters_by_letters(label: str) -> bool:
    """`combosquat._stutters` as it reads any label, character by character."""
    doubled = 0
    for i in range(1, len(label)):
        if label[i] == label[i - 1] and label[i].isalpha() and label[i] not in "wx":
            if i >= 2 and label[i - 2] == label[i]:
                return True
            doubled += 1
    return doubled >= 3


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aabnnwxxWA1-_.", max_size=16) | st.text(max_size=8))
def test_stutters_by_bytes_reads_as_by_letters(text: str) -> None:
    """An ASCII label's bytes stutter exactly where its letters do."""
    assert _stutters(text) is _stutters_by_letters(text)


def test_probe_filter_passes_near_names_and_stops_others(engine: Engine) -> None:
    index = engine.index
    for near in ("mlcrosft", "mlcrossoft", "pay-pal", "xmlcrosoft", "mlcrosoftx", "lmcrosoft"):
        assert _probe_hits(near, index)
        assert _may_probe(near, index.probe_heads, index.probe_tails)
    assert not _may_probe("examplesite", index.probe_heads, index.probe_tails)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="rnvcliiam10wdu", min_size=6, max_size=14))
def test_split_head_is_the_skeleton_head(text: str) -> None:
    assert _recurring_skeleton(text[:6])[:3] == skeleton(text)[:3]


def test_probe_lengths_read_the_key_lengths(engine: Engine) -> None:
    index = engine.index
    table = index.probe_lengths
    for n in range(200):
        expected = n in index.key_lengths or n - 1 in index.key_lengths
        assert (n < len(table) and table[n] == 1) is expected


def test_a_text_without_names_shares_the_empty_scan(engine: Engine) -> None:
    index = engine.index
    clean = index.scan("qzrv-update")
    assert clean is NO_NAMES_INSIDE
    assert (clean.names, clean.plain, clean.context) == ([], [], [])
    found = index.scan("mlcrosoft-update")
    assert found is not NO_NAMES_INSIDE
    assert found.names == [(0, "mlcrosoft")]
    assert NO_NAMES_INSIDE.names == []


def test_label_reasons_are_remembered_per_registrable_domain(engine: Engine) -> None:
    detector = LookalikeDetector(cache_size=2)
    index = engine.index
    first = detector.detect(parse_target("www.paypa1.net"), index)
    second = detector.detect(parse_target("paypal.paypa1.net"), index)
    assert [r.kind for r in first] == ["homoglyph"]
    # The remembered homoglyph comes first; the subdomain adds a reason of its own only
    # for another brand (paypal is already reported).
    assert [r.kind for r in second] == ["homoglyph"]
    assert detector.detect(parse_target("icloud.paypa1.net"), index)[1].kind == "target-embedding"
    for host in ("a.com", "b.com", "c.com"):
        detector.detect(parse_target(host), index)
    assert len(detector._by_domain) <= 2  # bounded


def test_remembered_reasons_belong_to_their_index(engine: Engine) -> None:
    detector = LookalikeDetector()
    assert detector.detect(parse_target("paypa1.net"), engine.index)
    other = BrandIndex()
    other.finalize()
    assert detector.detect(parse_target("paypa1.net"), other) == []


def test_shape_index_holds_plain_readings_of_folded_letter_groups() -> None:
    from lureguard.lookalike.confusables import shape
    from lureguard.lookalike.index import Protected

    index = BrandIndex()
    entry = Protected("barclaycard", "barclaycard.co.uk", "brand/barclays", "Barclays", "warn")
    index.add(entry, skeleton(entry.label))
    index.finalize()
    # `barelaycarb`: c/e and d/b beside barclaycard's `cl`, which its skeleton folds to d.
    assert index.shapes[shape(skeleton("barelaycarb"))] == {skeleton("barclaycard")}
    assert shape(skeleton("barnaclecard")) not in index.shapes


#: Hyphen words for labels that may hold a context name's slip: lure words, places, digits,
#: ordinary words, the test pack's context name `qzbroker` and slips of it.
_CONTEXT_SLIP_WORDS = ["login", "secure", "verify", "us", "canada", "travel", "4821", "x1",
                       "qzbroker", "qzbrokr", "qzbrokre", "qzbrroker", "qzbrokef", "wbroker",
                       "qzbr0kr", "qzbrókr"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CONTEXT_SLIP_WORDS), min_size=1, max_size=4))
def test_context_slip_prefilter_never_hides_a_slip(engine: Engine, words: list[str]) -> None:
    """`_may_slip_context` (no part can be the slip) is asked before the parts are read as
    lure words: whenever the rule finds a slip, the prefilter let the label through."""
    visit = Visit(parse_target("-".join(words) + ".com"), engine.index)
    if _context_slip_beside_lure(visit):
        assert _may_slip_context(engine.index, visit.parts(), visit.label_parts())


def test_context_slip_prefilter_examples(engine: Engine) -> None:
    index = engine.index
    found = Visit(parse_target("qzbrokr-login.com"), index)
    assert _context_slip_beside_lure(found)
    assert _may_slip_context(index, found.parts(), found.label_parts())
    clean = Visit(parse_target("login-secure-wallet12345.com"), index)
    assert not _may_slip_context(index, clean.parts(), clean.label_parts())
