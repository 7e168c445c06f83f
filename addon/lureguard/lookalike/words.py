"""The vocabulary phishing domains glue to a brand name, and a segmenter over it.

A brand name followed or preceded only by such words (`paypal-secure-login`,
`appleidverify`, `www-microsoft-com-update`) is a combosquat; a brand name inside other words
(`pineapple`, `googlewatchblog`, `facebook-studio`) is left alone, because fan sites, news
sites and the brand's own campaign domains look exactly like that.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Final

from rapidfuzz.distance import DamerauLevenshtein

from lureguard.lookalike.confusables import skeleton

#: Account chores, urgency, trust, support, money, delivery, crypto-wallet chores (airdrop,
#: claim, sync, v2), an employee's portals (hr, payroll, intranet, workspace: crews that phish
#: a firm's staff name their sites `<firm>-hr`, `<firm>workspace`), and address-like tokens.
_WORDS: Final = """
    2fa access account activate activation agree agreement airdrop alert app approve apps
    auth authenticate authentication bank banking bill billing bonus bridge business care
    case center centre check claim click client cloud com compliance confirm confirmation
    connect contact credential customer dapp dapps dashboard defi delivery desk desktop dev
    device direct doc docs document download drive drop email en enroll enrollment event
    extension file files find firmware free gift giveaway gov help helpdesk home hr http
    https id inbox intranet info install invoice it job jobs kyc limited live locked log
    login logon mail mailbox maintenance manage member message mfa mining mint mobile my net
    nft node notice notification office official online order org otp owa parcel pass
    password pay payment payroll pin portal prize profile promo protect protection recover
    recovery refund register renew reset restore review reward rewards safe safety secure
    security server service settings setup share shipping shop sign signin signon site sms
    ssl sso stake staking status store summary support swap sync synchronize team tech
    ticket token tokens track tracking transfer unlock update upgrade us user v1 v2 v3
    validate validation verification verify view vip wallet web webmail workspace ww www
    zendesk notify notifier suspended suspend reactivate reactivation unusual activity
    pending expired expire expiry quota cancel cancellation renewal approval authorization
    registration warning payout dispute maintain deliver request protected
"""
#: The same account chores, gifts, prizes and rewards, invoices, fines and parcels (and
#: Portuguese "my", as English `my`) in the languages of the pack's markets, written as domain
#: names spell them (no accents): kits speak their victims' language (`activar-`, `-giris`,
#: `hadiah-`, `amende-`, `minhasvantagens`).
TRANSLATED_WORDS: Final = {
    "es": """acceder acceso activacion activar actualizacion actualizar ayuda banca bancaria
        beneficios buscar cancelar cliente clientes confirmar cuenta cuentas desbloquear
        entrega envio factura ingresar ingreso iniciar multa pago pagos paquete premio
        rastrear recompensas recuperar regalo seguridad servicio servicios soporte
        verificacion verificar enlinea sucursal""",
    "pt": """acessar acesso ajuda ativacao ativar atualizacao atualizar beneficios brinde
        cadastro conta contas desbloquear encomenda encontrar entrar entrega fatura meu minha
        minhas multa pagamento pagamentos premio rastreamento rastreio recompensas recuperar
        seguranca servico servicos suporte vantagens verificacao""",
    "fr": """activer aide amende annuler assistance banque cadeau colis compte comptes
        confirmer connexion debloquer espace facture identifiant livraison messagerie paiement
        remboursement securite suivi verifier enligne""",
    "it": """accedi accesso aggiorna aggiornamento assistenza attiva attivazione conferma
        consegna fattura multa omaggio pacco pagamento premio regalo rimborso sblocca sicurezza
        spedizione verifica""",
    "de": """aktivieren aktualisieren anmelden anmeldung bestaetigen entsperren erstattung
        geschenk gewinn hilfe konto kunden kundenservice lieferung paket postfach rechnung
        sendung sicherheit zahlung zustellung""",
    "tr": """aktivasyon basvuru ceza destek dogrula dogrulama fatura giris guncelle guncelleme
        guvenlik hediye hesap hizmet iade islem islemleri kargo musteri odeme odul onay
        sorgula takip""",
    "nl": """aanmelden activeren betaling betalingen bevestigen bezorging bijwerken boete
        deblokkeren factuur herstel inloggen klantenservice pakket prijs rekening
        terugbetaling veiligheid verifieren""",
    "pl": """aktualizacja aktywacja dostawa faktura logowanie mandat nagroda odblokuj platnosc
        platnosci potwierdz prezent przesylka weryfikacja zaloguj zwrot""",
    "sv": """aktivera bekrafta betalning betalningar faktura gava inloggning kundtjanst leverans
        logga paket sakerhet uppdatera verifiera vinst""",
    "id": """aktivasi akun bantuan daftar denda hadiah keamanan klaim konfirmasi lacak layanan
        masuk paket pelanggan pembaruan pembayaran pemulihan perbaikan resmi tagihan undian
        verifikasi""",
}
#: Places, which kits put beside a brand's name for the country they target
#: (`amazon-canada-login`, `netflix-uk-billing`): two-letter country codes, a few common
#: three-letter ones, countries' and regions' names in English and as their people write them
#: (no accents, several words glued). They count as nothing: a hyphen word that is a place is
#: left out of the words beside a name, so lure words must still be there (`toyota-canada`
#: names a place, not a chore).
_PLACES_TEXT: Final = """
    ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm bn bo bq
    br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm
    do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr
    gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km
    kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp
    mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl
    pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk sl sm sn so sr ss st
    sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk um us uy uz va vc ve
    vg vi vn vu wf ws ye yt za zm zw
    usa uae ksa rsa
    afghanistan albania algeria angola argentina armenia australia austria azerbaijan
    bahrain bangladesh belarus belgium bolivia bosnia botswana brazil brasil bulgaria
    cambodia cameroon canada chile china colombia congo costarica croatia cuba cyprus czech
    czechia denmark ecuador egypt elsalvador estonia ethiopia finland france georgia germany
    ghana greece guatemala honduras hongkong hungary iceland india indonesia iran iraq
    ireland israel italy jamaica japan jordan kazakhstan kenya korea kuwait latvia lebanon
    libya lithuania luxembourg macau malaysia malta mexico moldova mongolia morocco
    mozambique myanmar namibia nepal netherlands newzealand nicaragua nigeria norway oman
    pakistan panama paraguay peru philippines poland portugal qatar romania russia
    saudiarabia senegal serbia singapore slovakia slovenia southafrica spain srilanka sudan
    sweden switzerland syria taiwan tanzania thailand tunisia turkey uganda ukraine
    unitedkingdom unitedstates uruguay uzbekistan venezuela vietnam yemen zambia zimbabwe
    deutschland espana italia nederland polska schweiz suisse osterreich belgie belgique
    turkiye nippon hellas norge sverige danmark suomi magyarorszag rossiya
    africa america americas asia europe latam latinoamerica emea apac mena global intl
    international worldwide
"""
PLACE_WORDS: Final = frozenset(_PLACES_TEXT.split())
#: The words real campaigns use far more than popular sites (bench/vocabulary.py measures
#: them; data/lure-words.txt says how), added to the account chores above.
MEASURED_WORDS: Final = frozenset(
    line.split("\t", 1)[0]
    for line in resources.files("lureguard")
    .joinpath("data/lure-words.txt")
    .read_text()
    .splitlines()
    if line and not line.startswith("#")
)
_ENGLISH: Final = frozenset(_WORDS.split()) | MEASURED_WORDS
#: English words the web uses often (scripts/common_words.py writes the file): a visited label
#: that is one (`papal`, `discard`) is that word, not a slip of a brand's name.
COMMON_WORDS_FILE: Final = "data/common-words.txt"
COMMON_WORDS: Final = frozenset(
    line
    for line in resources.files("lureguard").joinpath(COMMON_WORDS_FILE).read_text().splitlines()
    if line and not line.startswith("#")
)
LURE_WORDS: Final = _ENGLISH | frozenset(
    w for words in TRANSLATED_WORDS.values() for w in words.split()
)
#: Words of the machinery behind a site (content delivery, DNS, APIs, test stages, ads and
#: analytics): `rakuten-static`, `salesforce-dns`, `microsoft-ppe`, `navercdn` name a brand's
#: own infrastructure, which browsers fetch and nobody is lured to. No lure word is one.
INFRA_WORDS: Final = frozenset(
    {"ads", "analytics", "api", "apis", "assets", "aws", "cdn", "dns", "edge", "gslb", "img",
     "media", "ppe", "prod", "staging", "static", "stg", "tst", "uat", "usercontent"}
)  # fmt: skip
#: Words that ask for a sign-in outright (`set-login`, `chaseloginqz`): a name beside one is
#: the page that asks for the password.
LOGIN_WORDS: Final = ("login", "logon", "signin")
_SKELETONS: Final = frozenset(skeleton(w) for w in LURE_WORDS)
PLACES: Final = frozenset(skeleton(w) for w in PLACE_WORDS)
_INFRA_SKELETONS: Final = frozenset(skeleton(w) for w in INFRA_WORDS)
_NOT_LETTERS: Final = re.compile(r"[^a-z]+")
_LURE_ALTERNATIVES: Final = "|".join(
    sorted((re.escape(w) for w in _SKELETONS if len(w) >= 4), key=len, reverse=True)
)
_LURE_INSIDE: Final = re.compile(_LURE_ALTERNATIVES)
#: A lure word this long or longer is still read with one slip (`logns`, `secrity`).
MIN_SLIPPED_LURE: Final = 5


def deletions(text: str, depth: int) -> set[str]:
    """`text` with every combination of up to `depth` characters deleted (itself included)."""
    result = {text}
    frontier = {text}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        result |= frontier
    return result


def _one_letter_less(words: list[str]) -> dict[str, tuple[str, ...]]:
    """Each word and each word with one letter deleted -> the words it comes from."""
    found: dict[str, list[str]] = {}
    for word in words:
        for variant in deletions(word, 1):
            found.setdefault(variant, []).append(word)
    return {variant: tuple(ws) for variant, ws in found.items()}


#: Slips are read in the English words only: one slip from a word of ten languages is too
#: many names (a streaming site's `reami` is one from Indonesian `resmi`).
_ONE_LETTER_LESS: Final = _one_letter_less(
    sorted(w for w in _ENGLISH if len(w) >= MIN_SLIPPED_LURE)
)
_LONGEST: Final = max(len(w) for w in _SKELETONS)


#: A lure word read with a slip inside it among other words is this long at least: from
#: seven letters such a slip reads as no other word (`secrity`, `profie`); shorter ones do.
MIN_MISSPELLED_INSIDE: Final = 7


def _slip_shapes(words: list[str]) -> dict[str, dict[str, dict[str, frozenset[int]]]]:
    """First letter -> second letter -> last letter -> lengths of each of `words` with one
    slip inside it (a letter more, as many, one less): the cheap test before a probe, in
    single letters, which Python does not allocate."""
    shapes: dict[str, dict[str, dict[str, set[int]]]] = {}
    for word in words:
        ends = shapes.setdefault(word[0], {}).setdefault(word[1], {})
        ends.setdefault(word[-1], set()).update((len(word) - 1, len(word), len(word) + 1))
    return {
        first: {second: {last: frozenset(n) for last, n in e.items()} for second, e in s.items()}
        for first, s in shapes.items()
    }


_SLIP_SHAPES: Final = _slip_shapes(sorted(w for w in _ENGLISH if len(w) >= MIN_MISSPELLED_INSIDE))
_NO_SHAPES: Final[dict[str, dict[str, frozenset[int]]]] = {}
_NO_ENDS: Final[dict[str, frozenset[int]]] = {}
_LONGEST_SLIP: Final = max(len(w) for w in _ENGLISH) + 1  # a letter more than the longest
#: The first three letters of each lure word (two-letter words whole), and the last three of
#: each, with a plural `s` too: a piece of lure words starts and ends like one.
_HEADS: Final = frozenset(w[:3] for w in _SKELETONS)
_TAILS: Final = frozenset(w[-3:] for w in _SKELETONS) | frozenset(
    (w + "s")[-3:] for w in _SKELETONS
)


def may_be_lure_only(text: str) -> bool:
    """False when `text` (a skeleton without hyphens at its ends) cannot split into lure
    words because it does not start and end like one: a cheap test before `lure_only`."""
    return (text[:3] in _HEADS or text[:2] in _HEADS) and (
        text[-3:] in _TAILS or text[-2:] in _TAILS
    )


@lru_cache(maxsize=4096)
def lure_only(text: str) -> bool:
    """True when `text` (a skeleton, hyphens allowed) splits wholly into lure words.

    A trailing `s` is allowed on a word (payments, accounts); an empty text is not lure-only.
    """
    pieces = [p for p in text.split("-") if p]
    # Most text is no lure word at all: reject on the first and last three letters.
    return bool(pieces) and all(may_be_lure_only(p) and _segments(p) for p in pieces)


def lure_only_beside(text: str, own: frozenset[str]) -> bool:
    """`lure_only`, where a brand's own lure words (`own`, skeletons: its products and pages,
    `suite` of Trezor Suite, `agency` of Meta's ad accounts) count too, and hyphen words that
    are places count as nothing unless all are (`-canada-login`; `-us`): beside its name only."""
    if "-" in text:
        words = [p for p in text.split("-") if p]
        text = "-".join([p for p in words if p not in PLACES] or words)
    if lure_only(text):
        return True
    pieces = [p for p in text.split("-") if p]
    return bool(own) and bool(pieces) and all(_segments(p, own) for p in pieces)


def holds_lure_word_beside(skel: str, own: frozenset[str]) -> bool:
    """`holds_lure_word`, a brand's own lure words (`own`) of four letters or more too."""
    return holds_lure_word(skel) or any(len(word) >= 4 and word in skel for word in own)


def infrastructure(text: str, own: frozenset[str] = frozenset()) -> bool:
    """True when a skeleton (hyphens and digits allowed) has an infrastructure word as a piece
    of its own or glued to lure words (`cloudcdn`, `-static-`, `analytics-s3`). A brand's own
    lure word (`own`, skeletons) is the lure beside its name, not machinery (Meta's `ads`)."""
    for piece in _NOT_LETTERS.split(text):
        if piece in own:
            continue
        if piece in _INFRA_SKELETONS:
            return True
        for word in _INFRA_SKELETONS:
            if piece.startswith(word) and lure_only(piece[len(word) :]):
                return True
            if piece.endswith(word) and lure_only(piece[: -len(word)]):
                return True
    return False


def written_infrastructure(written: str) -> bool:
    """`infrastructure` for letters as written (lower case): a machinery word spelled out
    (`payapi`), not one the skeleton reads into a look-alike (`payapl` is paypal with two
    letters swapped, not pay + api)."""
    return any(word in written for word in INFRA_WORDS) and infrastructure(skeleton(written))


def holds_lure_word(skel: str) -> bool:
    """True when a lure word of four letters or more stands anywhere in a skeleton, whatever
    is glued around it (`kewallet`, `olloginn`): kits pad names with stray letters."""
    return _LURE_INSIDE.search(skel) is not None


def starts_with_lure_word(skel: str, shortest: int = 4) -> bool:
    """True when a lure word of `shortest` letters or more starts a skeleton (`loginqz`;
    `webqz` from three): a set lookup per length, after one of its first three letters."""
    if shortest >= 3 and skel[:3] not in _HEADS:
        return False  # no lure word of three letters or more starts so: most text
    return any(skel[:n] in _SKELETONS for n in range(shortest, min(len(skel), _LONGEST) + 1))


def ends_with_lure_word(skel: str, shortest: int = 4) -> bool:
    """True when a lure word of `shortest` letters or more, an `s` plural allowed, ends a
    skeleton (`qzfree`, `qzlogins`; `qzweb` from three)."""
    if shortest >= 3 and skel[-3:] not in _TAILS:
        return False  # no lure word of three letters or more (nor its plural) ends so
    stem = skel[:-1] if skel.endswith("s") else ""
    return any(
        skel[-n:] in _SKELETONS or (n <= len(stem) and stem[-n:] in _SKELETONS)
        for n in range(shortest, min(len(skel), _LONGEST) + 1)
    )


def near_lure_word(
    text: str, shortest: int = MIN_SLIPPED_LURE, same_start: bool = False, inside: bool = False
) -> str:
    """The lure word of `shortest` letters or more one edit (Damerau) from `text`, as written
    (`secrity` -> security), starting with the same letter if `same_start`, with the slip
    inside the word if `inside` (its first two letters and its last kept), or '': symmetric
    deletion, so a probe costs len(text) + 1 lookups, not a distance to every word."""
    for probe in (text, *(text[:i] + text[i + 1 :] for i in range(len(text)))):
        for word in _ONE_LETTER_LESS.get(probe, ()):
            if (
                len(word) >= shortest
                and (not same_start or word[0] == text[0])
                and (not inside or (word[:2] == text[:2] and word[-1] == text[-1]))
                and DamerauLevenshtein.distance(text, word, score_cutoff=1) <= 1
            ):
                return word
    return ""


def misspelled_ends(word: str) -> list[tuple[int, int, str]]:
    """(start, end, lure word) of each piece that starts or ends `word` (letters only) and
    misspells an English lure word of MIN_MISSPELLED_INSIDE letters or more with one slip
    inside it, its first two letters and its last kept (`secrity` of secrityprocessing,
    `profie` of checkprofie). A slip at a piece's edge is mostly a cut between two words in
    the wrong place (`enssecurity` is ens + security), not a misspelling."""
    found: list[tuple[int, int, str]] = []
    n = len(word)
    shortest = MIN_MISSPELLED_INSIDE - 1
    if n < shortest:
        return found
    # Only a piece with the first letters, last letter and length of such a word is probed
    # (`_SLIP_SHAPES`): most pieces have none.
    ends = _SLIP_SHAPES.get(word[0], _NO_SHAPES).get(word[1], _NO_ENDS)
    for end in range(shortest, min(n, _LONGEST_SLIP) + 1) if ends else ():  # a piece first
        lengths = ends.get(word[end - 1])
        if lengths is not None and end in lengths:
            lure = near_lure_word(word[:end], MIN_MISSPELLED_INSIDE, inside=True)
            if lure:
                found.append((0, end, lure))
    last = word[n - 1]
    for start in range(max(1, n - _LONGEST_SLIP), n - shortest + 1):  # a piece after them
        lengths = _SLIP_SHAPES.get(word[start], _NO_SHAPES).get(word[start + 1], _NO_ENDS).get(last)
        if lengths is not None and n - start in lengths:
            lure = near_lure_word(word[start:], MIN_MISSPELLED_INSIDE, inside=True)
            if lure:
                found.append((start, n, lure))
    return found


def slipped_lure_word(text: str) -> bool:
    """True when `text` (as written) is a lure word of MIN_SLIPPED_LURE letters or more with one
    slip that keeps its first letter (`logns`, `logen`; `xtension` is not), or such a word with
    one stray letter after it (`logiene`): kits on hosting platforms misspell the word as they
    misspell the name, so that filters matching either miss the pair."""
    if len(text) < MIN_SLIPPED_LURE - 1:
        return False
    return any(near_lure_word(t, same_start=True) for t in (text, text[:-1]))


def is_lure_word(skel: str) -> bool:
    """True when a skeleton is one lure word (an `s` plural allowed)."""
    return skel in _SKELETONS or (skel.endswith("s") and skel[:-1] in _SKELETONS)


def _segments(piece: str, own: frozenset[str] = frozenset()) -> bool:
    """True when `piece` splits wholly into lure words, or words of `own`."""
    n = len(piece)
    ok = [False] * (n + 1)
    ok[0] = True
    longest = max(_LONGEST, *map(len, own)) if own else _LONGEST
    last = 0  # the last segmented position: no word reaches further than longest + 1 past it
    for end in range(1, n + 1):
        if end - last > longest + 1:
            return False
        for start in range(max(0, end - longest - 1), end):
            if ok[start]:
                word = piece[start:end]
                stem = word[:-1] if word.endswith("s") else ""
                if word in _SKELETONS or stem in _SKELETONS or word in own or stem in own:
                    ok[end] = True
                    last = end
                    break
    return ok[n]
