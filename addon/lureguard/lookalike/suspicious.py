"""Suspicious names that imitate no brand: generic sign-in words disguised (`rnaii` for mail,
`dovvn-mail`, `mai1`), misspelled (`secrity-login`), or a name made of nothing but lure words
(`files-download-center`, `cloudmailappservice`).

Most domains of targeted campaigns imitate no brand at all, so no brand rule can see them.
These names are a weaker signal than a brand lookalike: legitimate companies do not spell
"mail" as `rnaii`, but some do call themselves `securelogin`. The `signal/suspicious-name` rule
sets how much it counts; it ships as `notice` (the verdict stays allow, the reason is reported).
"""

from __future__ import annotations

import re
from typing import Final

from lureguard.lookalike.confusables import skeleton, two_i
from lureguard.lookalike.index import BrandIndex, Signal
from lureguard.lookalike.visit import Visit
from lureguard.lookalike.words import (
    COMMON_WORDS,
    LOGIN_WORDS,
    LURE_WORDS,
    MIN_MISSPELLED_INSIDE,
    is_lure_word,
    lure_only,
    misspelled_ends,
    near_lure_word,
)
from lureguard.verdict import Reason

#: A misspelled lure word must be this long (shorter words are too near to other words).
MIN_MISSPELLED_WORD: Final = 6
#: A word hidden behind look-alike letters must be this long (`ww`, `up` are no words).
MIN_ORDINARY: Final = 4


_DIGIT: Final = re.compile(r"[0-9]")
_DIGITS: Final = re.compile(r"[0-9]+")
#: Letter groups and digits that stand for one letter (`confusables` folds more, but to
#: skeletons, where i and l are one letter: words of popular names are spelled out).
_GROUPS: Final = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_DIGIT_LETTERS: Final = {"0": "o", "1": "l", "3": "e", "4": "a", "5": "s"}
_LONE_DIGIT: Final = re.compile(r"(?<![0-9])(?:(?<=[a-z])[0-9]|[0-9](?=[a-z]))(?![0-9])")
#: A label ending so may be an address with its dot dropped (`documentviewingcom`).
_DOTLESS_END: Final = "com"
#: A label starting so ends an address at its dot (`paypal.com-x.info` reads as paypal.com).
_DOTCOM_START: Final = "com-"
#: Words that ask for a password outright (`set-login`, `change-pw`): beside one short word
#: of any kind they make the whole name, where `mail` or `account` beside a word is a
#: product (`temp-mail`, `sega-account`).
_CREDENTIAL_WORDS: Final = frozenset({*LOGIN_WORDS, "logins", "pw", "passwd", "password"})
#: The word beside a credential word is this short at most (a longer one is a name).
MAX_BESIDE_CREDENTIAL: Final = 8
#: Endings that inflect a lure word in such a name (`viewing`, `checker`, `shared`).
_INFLECTIONS: Final = ("ing", "ers", "er", "ed")
_LONGEST_WORD: Final = max(len(w) for w in LURE_WORDS) + max(len(e) for e in _INFLECTIONS)
#: Words a name may be made of around such a slip: English words the web uses, lure words
#: and their plurals.
_ORDINARY_WORDS: Final = frozenset(
    COMMON_WORDS
    | {w for w in LURE_WORDS if w.isalpha()}
    | {w + "s" for w in LURE_WORDS if w.isalpha()}
)
_LONGEST_PIECE: Final = max(len(w) for w in _ORDINARY_WORDS) + 1
_LONGEST_LURE: Final = max(len(w) for w in LURE_WORDS)
#: Endings English does not form so: (as written, how many of its letters belong to the lure
#: word before it, the letter of the word the ending dropped, the ending of the word to name):
#: an `-ing` that keeps the word's `e` (`shareing`: sharing), one stacked on an `-er`
#: (`viewering`: viewing), an `-ed` or `-ing` in place of the word's `y` (`securited`:
#: security, `verifing`: verifying).
_MISFORMED_ENDINGS: Final = (
    ("eing", 1, "", "ing"),
    ("ering", 0, "", "ing"),
    ("ed", 0, "y", "y"),
    ("ing", 0, "y", "ying"),
)


def detect_suspicious(visit: Visit, notices: bool = True) -> list[Reason]:
    """A reason when the registrable label is a disguised, misspelled or lure-only name
    (skipped when the rule makes it a notice and `notices` is False)."""
    signal = visit.index.signals.get("suspicious-name")
    if signal is None or visit.established or (signal.level == "notice" and not notices):
        return []
    label = visit.label
    if _disguisable(label, visit.plain):
        readings = (visit.skeleton, visit.plain, two_i(label))
        if any(r and lure_only(r) for r in readings):
            # The label as written, each letter folded on its own: digits and groups stay.
            literal = "".join(skeleton(c) if c.isalpha() else c for c in label)
            if not lure_only(literal):
                return [_reason(signal, label, f"'{label}' reads as sign-in words once its "
                                "look-alike letters are undone")]  # fmt: skip
        disguised = _disguised_word(visit)
        if disguised:
            return [_reason(signal, label, f"'{label}' disguises {disguised} beside sign-in "
                            "words")]  # fmt: skip
    elif _DIGIT.search(label):
        # Serial numbers are no disguise but filler (`inbox07-verify`, `mailserver39`): the
        # words around them count, two at least (`verify12345` alone is a name).
        words = skeleton(_DIGITS.sub("-", label)).strip("-")
        if lure_only(words) and ("-" in words or not is_lure_word(words)):
            return [_reason(signal, label, f"'{label}' is made only of sign-in and lure words "
                            "and numbers")]  # fmt: skip
        return []
    if lure_only(visit.skeleton):
        # Two words or more: `login` alone is a name, `files-download-center` is not.
        if "-" in visit.skeleton.strip("-") or not is_lure_word(visit.skeleton):
            return [_reason(signal, label, f"'{label}' is made only of sign-in and lure words")]
        return []
    misspelled = _misspelled(label)
    if misspelled:
        return [_reason(signal, label, f"'{label}' misspells {misspelled}")]
    slip = _slip_among_words(label)
    if slip:
        return [_reason(signal, label, f"'{label}' misspells {slip} among ordinary words")]
    credential = _credential_pair(visit)
    if credential:
        return [_reason(signal, label, f"'{label}' is the sign-in word '{credential}' with one "
                        "word beside it")]  # fmt: skip
    if label.startswith(_DOTCOM_START) and len(label) > len(_DOTCOM_START):
        return [_reason(signal, label, f"'{label}' begins with 'com-', so any name put before "
                        f"it reads as a .com address ('secure.{label}')")]  # fmt: skip
    if label.endswith(_DOTLESS_END) and _sign_in_phrase(label[: -len(_DOTLESS_END)]):
        name = label[: -len(_DOTLESS_END)]
        return [_reason(signal, label, f"'{label}' writes the address {name}.com with its dot "
                        "left out, a name made of sign-in words")]  # fmt: skip
    return []


def _disguised_word(visit: Visit) -> str:
    """The word a hyphen part hides behind look-alike letters (`'down' as 'dovvn'` of
    `dovvn-mail`), or '': every part a lure word or a word of other people's names once its
    look-alike letters are undone, one of them a lure word, and at least one part such a
    word only once undone. Nobody spells an ordinary word with `vv` for w; `modern` keeps its
    `rn` because it is a word as written."""
    parts = visit.label_parts()
    if len(parts) < 2 or not visit.ascii:
        return ""
    index = visit.index
    hidden = ""
    lured = False
    for part in parts:
        if _ordinary(index, part):
            lured = lured or is_lure_word(skeleton(part))
            continue
        word = next((w for w in _undone(part) if _hidden_word(index, part, w)), "")
        if not word:
            return ""
        lured = lured or is_lure_word(skeleton(word))
        hidden = hidden or f"'{word}' as '{part}'"
    return hidden if lured else ""


def _undone(part: str) -> list[str]:
    """`part` with its look-alike letter groups and lone digits read as the letters they
    imitate (`1` both as l and as i)."""
    undone = part
    for group, letter in _GROUPS:
        undone = undone.replace(group, letter)
    undone = _LONE_DIGIT.sub(lambda m: _DIGIT_LETTERS.get(m.group(), m.group()), undone)
    variants = [undone, undone.replace("1", "i")] if "1" in undone else [undone]
    return [v for v in variants if v != part and v.isalpha()]


def _hidden_word(index: BrandIndex, part: str, word: str) -> bool:
    """True when `word`, `part` undone, is a lure word, or an ordinary word disguised inside
    (`dovvn`, `c1ient`): a changed first or last letter makes a name (`web3` is no `webe`)."""
    if is_lure_word(skeleton(word)):
        return True
    return part[0] == word[0] and part[-1] == word[-1] and _ordinary(index, word)


def _ordinary(index: BrandIndex, word: str) -> bool:
    """A lure word, or a word of MIN_ORDINARY letters or more inside other people's names."""
    return is_lure_word(skeleton(word)) or (
        len(word) >= MIN_ORDINARY and word.isalpha() and index.inside_popular_names(word, None)
    )


def _sign_in_phrase(text: str) -> bool:
    """True when `text` (no hyphens) is two or more lure words, each possibly inflected
    (`documentviewing`, `drivechecking`): the fewest words that spell it, by dynamic
    programming over its ends."""
    n = len(text)
    if n < MIN_MISSPELLED_WORD or not text.isalpha():
        return False
    fewest = [0] + [n + 1] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST_WORD), end):
            if fewest[start] < n + 1 and _inflected_lure_word(text[start:end]):
                fewest[end] = min(fewest[end], fewest[start] + 1)
    return 2 <= fewest[n] <= n


def _inflected_lure_word(word: str) -> bool:
    """A lure word, or one with an ending (`viewing`, `checker`, `shared` of share)."""
    if len(word) >= 2 and is_lure_word(skeleton(word)):
        return True
    for ending in _INFLECTIONS:
        stem = word[: -len(ending)]
        if (
            word.endswith(ending)
            and len(stem) >= 3
            and (is_lure_word(skeleton(stem)) or is_lure_word(skeleton(stem + "e")))
        ):
            return True
    return False


def _disguisable(label: str, plain: str) -> bool:
    """True when look-alike letters may hide words in the label: a letter group (`rn`, `vv`,
    `ii`), a non-ASCII letter, or a single digit beside a letter (`mai1`, `l0gin`; a longer
    run of digits is a number, as in `office365`)."""
    if plain or "ii" in label or not label.isascii():
        return True
    return _LONE_DIGIT.search(label) is not None


def _credential_pair(visit: Visit) -> str:
    """The credential word of a two-word label whose other word is short letters and names
    no brand (`login-use`, `lh-logins`), else ''."""
    parts = visit.label.split("-")
    if len(parts) != 2 or not all(p.isalpha() for p in parts):
        return ""
    for word, other in (parts, parts[::-1]):
        if (
            word in _CREDENTIAL_WORDS
            and len(other) <= MAX_BESIDE_CREDENTIAL
            and skeleton(other) not in visit.index.skeletons
        ):
            return word
    return ""


def _misspelled(label: str) -> str:
    """The lure word a hyphen part misspells (`secrity` of security) when every other part is
    a lure word, else ''. One word alone is a name (`secrity.com` may be anyone's)."""
    if "-" not in label:
        return ""
    parts = label.split("-")
    found = ""
    for part in parts:
        if lure_only(skeleton(part)):
            continue
        if found or len(part) < MIN_MISSPELLED_WORD or not part.isalpha():
            return ""
        word = near_lure_word(part, MIN_MISSPELLED_WORD)
        if not word:
            return ""
        found = f"'{word}' as '{part}'"
    return found


def _slip_among_words(label: str) -> str:
    """The lure word the label misspells among English words (`'security' as 'secrity'` of
    `secrityprocessing`, `checkprofie`, `myaccuont-settings`), or '': every hyphen part
    splits into words, one piece is a lure word of MIN_MISSPELLED_INSIDE letters or more
    with one slip inside it, or a lure word given an ending English does not form so
    (`shareing`, `viewering`), and another word stands beside it. Companies name themselves
    with words they can spell; non-native crews misspell the word that matters."""
    if len(label) < MIN_MISSPELLED_INSIDE + 2:
        return ""
    parts = label.split("-")
    if not all(part.isalpha() for part in parts):
        return ""
    slips = [_slipped_pieces(part) for part in parts]
    if not any(slips):
        return ""  # most labels: nothing misspelled, no split needed
    slip = ""
    pieces = 0
    for part, part_slips in zip(parts, slips, strict=True):
        found = _split_with_slip(part, {} if slip else part_slips)
        if found is None:
            return ""
        count, part_slip = found
        pieces += count
        slip = slip or part_slip
    return slip if slip and pieces >= 2 else ""


def _slipped_pieces(part: str) -> dict[tuple[int, int], str]:
    """(start, end) -> how the piece there misspells a lure word, for each misspelled lure
    word at either end of a hyphen part and each lure word given an ending that English
    does not form so (`shareing`, `viewering`)."""
    found = {(start, end): f"'{word}' as '{part[start:end]}'" for start, end, word in
             misspelled_ends(part)}  # fmt: skip
    for written, kept, dropped, english in _MISFORMED_ENDINGS:
        at = part.find(written)
        while at > 0:
            end = at + len(written)
            for start in range(max(0, at - _LONGEST_LURE), at - 2):
                word = part[start : at + kept] + dropped
                if is_lure_word(skeleton(word)) and part[start:end] not in _ORDINARY_WORDS:
                    spelled = word[: len(word) - kept - len(dropped)] + english
                    found[start, end] = f"'{spelled}' as '{part[start:end]}'"
                    break
            at = part.find(written, at + 1)
    return found


def _split_with_slip(part: str, slips: dict[tuple[int, int], str]) -> tuple[int, str] | None:
    """(pieces, slip) of the fewest words that spell `part`, preferring none misspelled, at
    most one of `slips`; None when no such split exists. Dynamic programming over the ends,
    one row without a slip so far and one with."""
    n = len(part)
    unreached = n + 1
    clean = [0] + [unreached] * n  # fewest pieces to reach each end, no slip
    slipped = [unreached] * (n + 1)  # the same, one slip among them
    slip_at = [""] * (n + 1)
    for end in range(1, n + 1):
        for start in range(max(0, end - _LONGEST_PIECE), end):
            if clean[start] == unreached and slipped[start] == unreached:
                continue
            if part[start:end] in _ORDINARY_WORDS:
                clean[end] = min(clean[end], clean[start] + 1)
                if slipped[start] + 1 < slipped[end]:
                    slipped[end] = slipped[start] + 1
                    slip_at[end] = slip_at[start]
            elif clean[start] + 1 < slipped[end]:
                slip = slips.get((start, end), "")
                if slip:
                    slipped[end] = clean[start] + 1
                    slip_at[end] = slip
    if clean[n] != unreached:
        return clean[n], ""
    if slipped[n] != unreached:
        return slipped[n], slip_at[n]
    return None


def _reason(signal: Signal, label: str, detail: str) -> Reason:
    return Reason(
        "suspicious-name", signal.rule_id, signal.level,
        f"{detail}, a trick of phishing names that imitate no brand", source=signal.source,
    )  # fmt: skip
