"""IDN tricks: mixed scripts, whole-script look-alikes, invisible and combining characters."""

from __future__ import annotations

import pytest

from lureguard.engine import Engine
from lureguard.lookalike.idn import scripts, tricks
from tests.unit.lookalike_brands import build_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(tmp_path_factory.mktemp("idn"))


def test_scripts_and_tricks() -> None:
    assert scripts("аpple") == {"Cyrillic", "Latin"}
    assert tricks("аpple") == ["mixes Cyrillic and Latin letters"]
    assert tricks("раураӏ") == ["is written entirely in Cyrillic letters"]
    assert "contains invisible characters" in tricks("pay\u200dpal")
    assert "contains combining marks" in tricks("paypa\u0335l")  # an overlay, not a diacritic
    assert tricks("paypa\u0301l") == []  # composes to á: a plain diacritic
    assert tricks("mícrosoft") == []  # Latin with a diacritic: a homoglyph, not a script trick
    assert tricks("paypal") == []


def test_idn_reason_names_the_script_and_letters(engine: Engine) -> None:
    (reason,) = engine.check("https://xn--pple-43d.com/").reasons
    assert reason.kind == "idn-mixed-script"
    assert "Cyrillic Small Letter A" in reason.detail
    assert reason.positions == (0,)


def test_greek_and_near_misses(engine: Engine) -> None:
    # gοοgle with Greek omicrons; gοοgl with a letter missing as well.
    assert engine.check("xn--ggle-0nda.com").reasons[0].kind == "idn-mixed-script"
    assert engine.check("xn--ggl-9yca.com").reasons[0].kind == "idn-mixed-script"


def test_a_name_protected_in_context_needs_none_in_another_script(engine: Engine) -> None:
    # сһаѕе: Cyrillic and Armenian letters; chase alone under .com needs sign-in words.
    (reason,) = engine.check("xn--80ak8a3e2y.com").reasons
    assert (reason.kind, reason.rule_id) == ("idn-mixed-script", "brand/chase")
    assert engine.check("chase.net").verdict == "allow"  # its name on another TLD, no disguise
    # ... unless written wholly in the script of a country's own domain: a word there
    assert engine.check("xn--80ak8a3e2y.ru").verdict == "allow"


def test_unrelated_non_latin_names_are_clean(engine: Engine) -> None:
    assert engine.check("xn--e1afmkfd.xn--p1ai").verdict == "allow"  # пример.рф
    assert engine.check("xn--wgv71a119e.jp").verdict == "allow"  # 日本語.jp
