"""Confusable skeletons: fold every character that imitates another onto one representative.

Three layers, applied per label:
1. Unicode TR39 confusables (Unicode 17.0.0 data from the `disarm` package, see
   `CONFUSABLES_VERSION`), so Cyrillic `а`, fullwidth `ａ` and `ⅿ` fold to Latin letters;
2. diacritics removed (NFD, combining marks dropped), so `mícrosoft` reads as `microsoft`, and
   Latin letters TR39 leaves alone read by their Unicode name (`ʙ` small capital b, `ɐ` turned
   a, `œ` ligature oe), or by the short hand table `READS_AS` where the name misleads (`ə`);
3. ASCII imitations no Unicode table covers: multi-letter ones (`rn`→`m`, `vv`→`w`, `cl`→`d`,
   ) and digits or letters that pass for each other (`0`→`o`, `1`/`i`→`l`, `5`→`s`,
   `q`→`g`).

`fold` keeps, for each skeleton character, the span of the input it came from, so a match can
be explained ("'rn' at position 0 imitates 'm'") and the differing letters highlighted.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

import disarm

#: Called as a function on the hot path (see `visit._ISASCII`).
_ISASCII: Final = str.isascii
CONFUSABLES_SOURCE: Final = f"Unicode TR39 confusables {disarm.CONFUSABLES_VERSION} (disarm 0.17.2)"

#: Letter groups that render like one letter in common sans-serif URL bar fonts.
#: In an order `_replace_groups` can apply one by one (`rn` before `nn`).
MULTI_LETTER: Final[dict[str, str]] = {
    "rn": "m", "nn": "m", "vv": "w", "cl": "d", "ii": "u",
}  # fmt: skip
#: Letters that pass for each other by shape at a glance (mirror images, similar strokes).
#: Too loose for short names; `shape` applies them on top of a skeleton for names of 4+ letters.
SHAPES: Final = str.maketrans({"d": "b", "c": "e", "n": "m", "r": "m", "v": "u"})
#: Single ASCII characters that pass for another (digits for letters, I/l/1, q/g).
SINGLE_LETTER: Final[dict[str, str]] = {
    "0": "o", "1": "l", "i": "l", "|": "l", "3": "e", "4": "a", "5": "s", "8": "b",
    "q": "g", "9": "g", "6": "b", "7": "t", "2": "z",
}  # fmt: skip

#: Letters whose Unicode name does not say which letter people read, keyed by that name so
#: every entry is checked against the Unicode database at import (a typo fails loudly).
#: Kept short: only letters that pass for a basic letter in URL-bar fonts and that TR39 folds
#: to another letter or leaves alone. Letters whose name does say it (`ɐ` LATIN SMALL LETTER
#: TURNED A, `ı` DOTLESS I) are read by `_LATIN_LETTER` instead.
READS_AS: Final[dict[str, str]] = {
    # ə: a bowl under a hook, drawn like a single-storey `a` with its stroke on top; TR39
    # folds it to `e` (a turned e), but `əmazon` is read as amazon, and dnstwist uses it for a.
    "LATIN SMALL LETTER SCHWA": "a",
    # ǝ: the same glyph as ə in almost every font (TR39 folds the two together).
    "LATIN SMALL LETTER TURNED E": "a",
    # ʊ: an open `u` with flared tips; TR39 leaves it alone.
    "LATIN SMALL LETTER UPSILON": "u",
    # ᶌ: a `v` with a small hook off its right foot; TR39 folds it to `y`, but it has no
    # descender and reads as the v its name says (`naᶌer` for naver).
    "LATIN SMALL LETTER V WITH PALATAL HOOK": "v",
}
_READS_AS_CHARS: Final = {unicodedata.lookup(name): letter for name, letter in READS_AS.items()}

Span = tuple[int, int]


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    """Fold one non-ASCII character to its ASCII-ish skeleton (may be empty or several)."""
    if char in _READS_AS_CHARS:
        return _READS_AS_CHARS[char]
    decomposed = unicodedata.normalize("NFD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    if not base:
        return ""
    folded = disarm.skeleton_key(base, digit_policy="tr39").lower()
    if not folded.isascii():
        stripped = unicodedata.normalize("NFD", folded)
        folded = "".join(c for c in stripped if not unicodedata.combining(c))
    if not folded.isascii():
        folded = "".join(_latin_base(c) for c in folded)
    return folded


#: A Latin letter named after the basic letter(s) it is drawn from: decorated (`ƈ` c with
#: hook), small capitals (`ʙ`), ligatures (`œ`), dotless, script, broken or insular forms
#: (`ı`, `ɡ`, `ꝇ`, `ꞃ`), the medieval abbreviations drawn as their letter with a stroke (`ꝱ`
#: dum is a d, `ꝲ` lum an l), and the turned or reversed forms that still read as their
#: letter (`ɐ` turned a, `ɒ` turned alpha, `ɘ` reversed e). Other turned letters do not (`ʎ`
#: turned y reads as a lambda).
_LATIN_LETTER: Final = re.compile(
    r"^LATIN (?:SMALL|CAPITAL) (?:LETTER|LIGATURE) "
    r"(?:(?:SMALL CAPITAL|DOTLESS|SCRIPT|BROKEN|INSULAR) ([A-Z]{1,2})|([A-Z]{1,2})"
    r"|TURNED (A|ALPHA)|REVERSED (E)|([DLMNRT])UM)"
    r"(?: |$)"
)
_NAMED_LETTER: Final = {"ALPHA": "a"}


def _latin_base(char: str) -> str:
    """`ƈ` (c with hook), `ʙ` (small capital b), `æ` (ae), `ɐ` (turned a): the plain letters.

    TR39 leaves many decorated Latin letters alone; their Unicode names say which letter
    they decorate, and that is what a reader sees.
    """
    if char.isascii():
        return char
    match = _LATIN_LETTER.match(unicodedata.name(char, ""))
    if not match:
        return char
    letter = next(group for group in match.groups() if group)
    return _NAMED_LETTER.get(letter, letter.lower())


def _fold_ascii(text: str) -> str:
    return "".join(SINGLE_LETTER.get(c, c) for c in text)


def fold(label: str) -> tuple[str, list[Span]]:
    """Return the skeleton of `label` and, per skeleton character, its source span in `label`."""
    out: list[str] = []
    spans: list[Span] = []
    i = 0
    lowered = label.lower()
    n = len(lowered)
    while i < n:
        pair = lowered[i : i + 2]
        if pair in MULTI_LETTER:
            out.append(MULTI_LETTER[pair])
            spans.append((i, i + 2))
            i += 2
            continue
        char = lowered[i]
        folded = SINGLE_LETTER.get(char, char) if char.isascii() else _fold_ascii(_fold_char(char))
        for piece in folded:
            out.append(piece)
            spans.append((i, i + 1))
        i += 1
    return "".join(out), spans


def skeleton(label: str) -> str:
    """The confusable skeleton of a label (hash key for lookalike lookups)."""
    if _ISASCII(label):
        return _ascii_skeleton(label.lower())
    base = _base_letters(label)
    return _ascii_skeleton(base) if base.isascii() else fold(label)[0]


def _base_letters(label: str) -> str:
    """Non-ASCII characters folded to the letters they imitate, ASCII left as written, so
    letter groups that only appear once folded (`ṇn` → `nn` → `m`) are seen."""
    return "".join(c if c.isascii() else _fold_char(c) for c in label.lower())


def _ascii_skeleton(label: str) -> str:
    # Fast path for the common case; must agree with `fold` (tested).
    return _singles(_fold_pairs(label))


def _fold_pairs(text: str) -> str:
    """`text` with its letter groups folded (`rn`→m), as `fold` scans it; most labels hold
    none, and `_has_pair` tells so for less than the loop over the groups costs."""
    return _replace_groups(text, _PAIR_LETTERS) if _has_pair(text) else text


def _replace_groups(text: str, groups: tuple[tuple[str, str], ...]) -> str:
    """`text` with two-letter groups replaced left to right without overlaps, like a regex
    alternation, at a tenth of the cost of a regex with a callback.

    One `str.replace` per group in order gives the same result when (1) a group ending in a
    letter comes before every group starting with it (`rn` before `nn`: in `rnn` the leftmost
    match wins) and (2) no replacement letter forms a group that comes later in the order.
    Both tables are written in such an order, and tests compare them with a regex.
    """
    for group, letter in groups:
        if group in text:
            text = text.replace(group, letter)
    return text


def _has_pair(text: str) -> bool:
    """True when `text` holds a letter group (`MULTI_LETTER`: `rn`, `vv`...): a few substring
    searches cost a fraction of a regex search, and most labels hold none. Spelled out, no
    loop over the table: every skeleton asks (tested against the table)."""
    return "rn" in text or "nn" in text or "vv" in text or "cl" in text or "ii" in text


def _byte_table(table: dict[int, str]) -> bytes:
    """A one-character `str.maketrans` table as a `bytes.translate` table: for ASCII text
    that is ten times cheaper, and every check folds several strings."""
    return bytes([ord(chr(i).translate(table)) for i in range(256)])


_ASCII_BYTES: Final = _byte_table(str.maketrans(SINGLE_LETTER))
#: `SHAPES` as a `bytes.translate` table (`index.shape_head_code` reads it byte by byte).
SHAPE_BYTES: Final = _byte_table(SHAPES)


def _singles(text: str) -> str:
    """`text` (ASCII) with single look-alike characters folded (`0`→o, `1`→l)."""
    return text.encode().translate(_ASCII_BYTES).decode()


_PAIR_LETTERS: Final = tuple(MULTI_LETTER.items())
_PAIR_LETTERS_NO_II: Final = tuple(item for item in _PAIR_LETTERS if item[0] != "ii")


def readings(label: str, ascii: bool | None = None) -> tuple[str, str]:
    """`(skeleton(label), plain(label))` with one scan of an ASCII label (`ascii`: whether
    the label is ASCII, when the caller knows)."""
    if label.isascii() if ascii is None else ascii:
        lowered = label.lower()
        folded = _fold_pairs(lowered)
        if len(folded) == len(lowered):  # no group: a fold always shortens
            return _singles(lowered), ""
        return _singles(folded), _singles(lowered)
    base = _base_letters(label)
    if base.isascii():
        return _ascii_skeleton(base), plain(base)
    return fold(label)[0], ""


def two_i(label: str) -> str:
    """The skeleton of a label with `ii` read as two letters (i, i → l, l) rather than
    `u`: `hanrnaii` imitates hanmail, not `hanmau`. '' when the label has no `ii`."""
    if not _ISASCII(label):
        label = _base_letters(label)  # `aiĩbaba`: ĩ passes for i, so `iĩ` is such a pair
        if not label.isascii():
            return ""
    if "ii" not in label:
        return ""
    return _singles(_replace_groups(label.lower(), _PAIR_LETTERS_NO_II))


def plain(label: str) -> str:
    """The skeleton without multi-letter folds (`rn` stays `rn`), or '' when it equals
    `skeleton(label)`: a second reading for names where a fold straddles a slip or a word
    boundary (`chrnopost` is chronopost with an `o` left out, not `chmopost`)."""
    if not label.isascii() or not _has_pair(label):
        return ""
    return _singles(label)


def shape(skel: str, strokes: bool = True) -> str:
    """A skeleton with shape-alike letters (b/d, c/e, m/n/r, u/v) folded too, and (with
    `strokes`) an `l` stroke merged into the letter it touches (`lc`→k, `lh`→h, `dl`→d,
    `lb`→b). Strokes are a trick of the visited name: a brand's own `lb` (alibaba, whose `i`
    folds to l) is two letters, so the index keys protected names without them."""
    if strokes:
        skel = merge_strokes(skel)
    if _ISASCII(skel):
        return skel.encode().translate(SHAPE_BYTES).decode()
    return skel.translate(SHAPES)


#: `dl` first: in `dlc` it is the leftmost group (see `_replace_groups`).
_STROKE_LETTERS: Final = {"dl": "d", "lc": "k", "lh": "h", "lb": "b"}
_STROKE_GROUPS: Final = tuple(_STROKE_LETTERS.items())


def merge_strokes(skel: str) -> str:
    """`skel` with each `l` stroke merged into the letter it touches (`shape`'s first step)."""
    return _replace_groups(skel, _STROKE_GROUPS) if has_strokes(skel) else skel


def has_strokes(skel: str) -> bool:
    """True when `shape` merges an `l` stroke in `skel` (a pair of `_STROKE_LETTERS`): rare,
    though most skeletons hold an l. Four substring tests, no generator: every label's
    shape asks it."""
    return "l" in skel and ("dl" in skel or "lc" in skel or "lh" in skel or "lb" in skel)


def explain(visited: str, target: str) -> tuple[str, tuple[int, ...]]:
    """Describe how `visited` imitates `target` (equal skeletons) and where they differ.

    Returns a sentence and the positions (indexes into `visited`) to highlight.
    """
    v_skel, v_spans = fold(visited)
    t_skel, t_spans = fold(target)
    if v_skel != t_skel:
        odd = tuple(i for i, c in enumerate(visited) if not c.isascii())
        shown = "; ".join(f"'{_show(visited[i])}' at position {i}" for i in odd)
        return f"'{visited}' reads like '{target}'" + (f" ({shown})" if shown else ""), odd
    parts: list[str] = []
    positions: list[int] = []
    k = 0
    while k < len(v_spans):
        vs, ts = v_spans[k], t_spans[k]
        # Merge consecutive skeleton characters that share a source span on either side.
        while k + 1 < len(v_spans) and (v_spans[k + 1] == vs or t_spans[k + 1] == ts):
            k += 1
            vs = (vs[0], max(vs[1], v_spans[k][1]))
            ts = (ts[0], max(ts[1], t_spans[k][1]))
        a, b = visited[vs[0] : vs[1]], target[ts[0] : ts[1]]
        if a != b:
            parts.append(f"'{_show(a)}' at position {vs[0]} imitates '{b}'")
            positions.extend(range(vs[0], vs[1]))
        k += 1
    if not parts:
        return f"'{visited}' is written like '{target}'", ()
    return "; ".join(parts), tuple(positions)


def _show(text: str) -> str:
    """Name non-ASCII characters so a person sees why they differ."""
    if text.isascii():
        return text
    names = [f"{c} ({unicodedata.name(c, f'U+{ord(c):04X}').title()})" for c in text]
    return ", ".join(names) if len(names) > 1 else names[0]
