"""Each lookalike technique through the real engine, with the look-alikes that must stay clean."""

from __future__ import annotations

import pytest

from lureguard.engine import Engine
from tests.unit.lookalike_brands import build_engine, kinds


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_engine(tmp_path_factory.mktemp("lookalike"))


@pytest.mark.parametrize(
    ("host", "kind", "target"),
    [
        # homoglyphs: ASCII groups, digits, diacritics, shape-alike letters in long names
        ("rnicrosoft.com", "homoglyph", "microsoft.com"),
        ("paypa1.com", "homoglyph", "paypal.com"),
        ("outiook.com", "homoglyph", "outlook.com"),
        ("xn--mcrosoft-c2a.com", "homoglyph", "microsoft.com"),  # mícrosoft
        ("acondank.co.jp", "homoglyph", "aeonbank.co.jp"),
        ("xn--pypal-0jc.com", "homoglyph", "paypal.com"),  # pɑypal: alpha
        ("xn--pple-k5b.com", "homoglyph", "apple.com"),  # ɐpple: turned a
        ("xn--pypal-elc.com", "homoglyph", "paypal.com"),  # pəypal: schwa reads as a
        ("xn--hotmai-nwa.com", "homoglyph", "hotmail.com"),  # hotmaiï: `iï` is two l's
        ("aeonlbanlc.co.jp", "homoglyph", "aeonbank.co.jp"),  # `lb` for b, `lc` for k
        ("elbay.com", "homoglyph", "ebay.com"),  # ... a merged stroke alone in a short label
        ("cbay.com", "homoglyph", "ebay.com"),  # c/e on a four-letter name
        ("1ive.com", "homoglyph", "live.com"),  # an official domain disguised, on its suffix
        ("xn--lve-jhd.com", "homoglyph", "live.com"),  # lіve: Cyrillic і
        # IDN: mixed and whole-script labels
        ("xn--pple-43d.com", "idn-mixed-script", "apple.com"),  # Cyrillic а + Latin
        ("xn--80aa0cbo65f.com", "idn-mixed-script", "paypal.com"),  # раураl, all Cyrillic
        # typos
        ("micosoft.com", "typo", "microsoft.com"),
        ("paypall.com", "typo", "paypal.com"),
        ("goolge.com", "typo", "google.com"),
        ("microsfot.net", "typo", "microsoft.com"),
        ("rnicrosof.com", "typo", "microsoft.com"),  # homoglyph and omission together
        ("micro-soft.com", "typo", "microsoft.com"),
        ("ebayy.com", "typo", "ebay.com"),
        ("paypaaal.com", "typo", "paypal.com"),  # a letter stuttered beyond one slip
        ("goooog1e.net", "typo", "google.com"),  # ... mixed with a look-alike
        ("xn--mcrosoht-tkb.com", "typo", "microsoft.com"),  # mıcrosoht: any slip and an IDN one
        ("micrpsoftomline.com", "typo", "microsoftonline.com"),  # two changed letters
        ("microsofteonlinre.net", "typo", "microsoftonline.com"),  # two added letters
        ("mixrosoftonlinr.com", "typo", "microsoftonline.com"),  # ... changed at both ends
        ("ch4se.com", "homoglyph", "chase.com"),  # a name protected in context, a digit in it
        # a serial number glued to a lookalike
        ("goolge77.com", "typo", "google.com"),
        ("77goolge.net", "typo", "google.com"),
        ("2024-paypall-login.com", "combosquat", "paypal.com"),
        # bitsquats
        ("microsnft.com", "bitsquat", "microsoft.com"),
        # combosquats
        ("microsoft-login-verify.com", "combosquat", "microsoft.com"),
        ("securepaypal.net", "combosquat", "paypal.com"),
        ("appleid-verify.com", "combosquat", "apple.com"),
        ("ups-tracking.net", "combosquat", "ups.com"),
        ("myupsaccount.com", "combosquat", "ups.com"),
        ("paypall-login.com", "combosquat", "paypal.com"),
        ("goolgelogin.com", "combosquat", "google.com"),  # ... and glued to lure words
        ("ic1oud-login.com", "combosquat", "icloud.com"),  # a digit keeps `cl` from folding
        ("icloudd-login.com", "combosquat", "icloud.com"),  # letters count as written, not folded
        ("kcloud-lost.com", "combosquat", "icloud.com"),  # the brand's own lure word beside a slip
        ("payapl-verify.net", "combosquat", "paypal.com"),  # `apl` is no api as written
        ("securemicorsoft.net", "combosquat", "microsoft.com"),
        ("paypallsecure-center.net", "combosquat", "paypal.com"),  # a doubled letter at the seam
        ("apple-notes-x7.pages.dev", "combosquat", "apple.com"),  # a word part as a tenant word
        ("qzfreepaypalqzrv.pages.dev", "combosquat", "paypal.com"),  # a lure word glued before
        ("paypal-cdn.top", "combosquat", "paypal.com"),  # no brand's machinery under `.top`
        ("qzpaypalloginqzrv.x-qz.com", "target-embedding", "paypal.com"),  # ... or after
        ("paypalsverify.net", "combosquat", "paypal.com"),  # the name in the plural
        ("microsofthr.com", "combosquat", "microsoft.com"),  # a firm's staff portals
        ("paypalworkspace.net", "combosquat", "paypal.com"),
        ("cuenta-chase.com", "combosquat", "chase.com"),  # in the victim's language
        ("chase-paquete-envio.com", "combosquat", "chase.com"),  # a parcel in the victim's language
        ("chase-amende-facture.com", "combosquat", "chase.com"),  # ... a fine, an invoice
        ("minhasrecompensas-chase.com", "combosquat", "chase.com"),  # ... "my rewards"
        ("paypalmaintain.net", "combosquat", "paypal.com"),  # a chore's verb (maintenance)
        ("microsoftgiris.net", "combosquat", "microsoft.com"),
        ("upsqzrvx.top", "combosquat", "ups.com"),  # a short name glued on under an abused TLD
        ("outlookqzrv.top", "combosquat", "outlook.com"),  # ... a word part beginning no name
        ("qzclakrsqzrv.top", "combosquat", "qzclarks.com"),  # eight letters as written (`cl` folds)
        ("bbqzclarbb.pages.dev", "combosquat", "qzclar.com"),  # six letters as written, in a tenant
        # target embedding
        ("login.microsoftonline.com.session-verify.net", "target-embedding", "microsoftonline.com"),
        ("www-paypal-com.secure.info", "target-embedding", "paypal.com"),
        ("m.icrosoft.com", "target-embedding", "microsoft.com"),
        ("paypalcom.net", "target-embedding", "paypal.com"),
        ("aeonbankco.jp", "target-embedding", "aeonbank.co.jp"),
        ("qzwalletio.com", "target-embedding", "qzwallet.io"),  # `io` reads `lo` as a skeleton
        # an unprotected name's domain written out, with hyphens for a two-part suffix
        ("qzbroker.co.jp.verify-x.com", "target-embedding", "qzbroker.co.jp"),
        ("qzbroker-co-jp.verify-x.com", "target-embedding", "qzbroker.co.jp"),
        ("qz-broker-co-jp.verify-x.com", "target-embedding", "qz-broker.co.jp"),  # its hyphen
        ("qz-broker.co.verify-x.com", "target-embedding", "qz-broker.co.jp"),  # no country code
        # ... and a protected name one edit off before its own two-part suffix
        ("qaypal-co-uk-login.verify-x.com", "target-embedding", "paypal.com"),
        ("paypal.account-check.net", "target-embedding", "paypal.com"),
        ("chase.secure-login.com", "target-embedding", "chase.com"),  # a site named for chores
        ("chase.request-protected.net", "target-embedding", "chase.com"),  # chores: request
        ("chase.secure-login4821.com", "target-embedding", "chase.com"),  # ... and numbered
        ("chase.48-verify.com", "target-embedding", "chase.com"),
        ("mx01-live.com", "target-embedding", "live.com"),  # a numbered server, dot as hyphen
        ("accounts-live.com", "target-embedding", "live.com"),  # ... or a sign-in host
        ("secure-sso-live.com", "target-embedding", "live.com"),
        ("login.qzfirm-ebay.com", "target-embedding", "ebay.com"),  # a customer's host so
        ("login-ebay.com", "combosquat", "ebay.com"),  # ... but a lure word makes a combination
        ("live.com-qz-verify.net", "target-embedding", "live.com"),  # official, label unprotected
        ("qz-node05-outlook.com", "target-embedding", "outlook.com"),
        # TLD swaps
        ("microsoft.cm", "tld-swap", "microsoft.com"),
        ("paypal.co", "tld-swap", "paypal.com"),
    ],
)
def test_technique_catches(engine: Engine, host: str, kind: str, target: str) -> None:
    assert kinds(engine, host)[0] == (kind, target)


@pytest.mark.parametrize(
    "host",
    [
        "pineapple.com", "purchase.com", "applebeesqz.com", "googlewatchqzblog.de",
        "chase-studio.com", "zcloud.com", "usp.com", "bay.com", "mail.tv", "email.net",
        "apple.stackexchange.com", "paypal.de", "www.paypal.co.uk", "google.mk",
        "mail.google.co.jp", "login.microsoftonline.com", "outlook.live.com", "chase-manhattan.com",
        "example.com", "xn--e1afmkfd.xn--p1ai", "album.com", "elbow.com", "vps.com",
        "xn--ahoo-ffc.com",  # ʎahoo: a turned y reads as a lambda, not y
        "microsoftonlineok.com",  # two letters glued at the end: a piece, not a slip
        "ildcloud.com",  # runs the skeleton makes (`cl` reads `d`) are no stutter of icloud
        "g" + "o" * 20 + "gle.com",  # a run of twenty letters is no slip anyone misreads
        "appleqzrv.top",  # a word part that begins popular names, glued on under an abused TLD
        "pineapple-notes.pages.dev",  # a word part as a tenant word, but glued into a word
        "qzdhlqzrv.pages.dev",  # a short name inside a tenant's word, no lure word glued to it
        "upsqzrvx.com",  # a short name glued on, elsewhere than under an abused TLD
        "googlrlogin.com",  # a letter changed where a misspelled name meets a glued word
        "paypalosecure.com",  # ... or added there: it may be the next word's
        "securegooglr.com",  # ending the label, a name keeps its last letter
        "goolgeqzrv.com",  # a misspelled name glued to other than lure words
        "goolgeit.com",  # ... or to a lure word of two letters
        "qzebay.top",  # ... or ending the label
        "mlcrosoht.com",  # a slip on top of an ASCII look-alike is two edits: a name of its own
        "edlay.com",  # in a short label a merged stroke (`dl`) and a folded letter (d/b) too
        "app1308-login.com",  # `app13` reads as apple only by cutting the number 1308
        "login-paypa1308.com",
        "login-paypa130.com",  # three digits in a row are a number, not a disguised letter
        "paypa130.com",  # ... in a slip too
        "v2-live.com",  # one digit: a version, not a numbered server
        "mx01-live.org",  # live.org is nobody's official domain here
        "qzfirm-ebay.net",  # ... nor ebay.net
        "qz-ebay.com",  # two letters before a name are initials, not a customer
        "music-live.com",
        "album2024.com",  # a number glued to a name of no brand
        "goolge7.com",  # one digit: a look-alike letter or a version, no serial
        "review-live.com",  # lure words that name no sign-in host read as a name
        "live.secure-login.com",  # a lure word is a chores site's own word, brand name or not
        "chase.4821.com",  # a number alone names no chores
        "chase.secure-4821x.com",  # ... nor does a number glued to other letters
        "live.com.gov.ar",  # `live.` is a host of com.gov.ar: no host after the official domain
        "live-com-qz-verify.net",  # with hyphens an unprotected name reads as words
        "qzbroker.co",  # a country domain without its code, no host after it
        "1ive.net",  # an unprotected name disguised counts on its official suffix only
        "1ive.qzrv.com",  # ... as the registrable domain, not a subdomain elsewhere
        # a university's own library proxy, under an academic suffix or a university's domain
        "login.microsoftonline.com.proxy.lib.example.ac.uk",
        "www.paypal.com.ezproxy.aarhustech.dk",
    ],
)  # fmt: skip
def test_legitimate_lookalikes_stay_clean(engine: Engine, host: str) -> None:
    verdict = engine.check(host)
    assert verdict.verdict == "allow", verdict.reasons


def test_a_one_site_brand_keeps_its_level_under_a_country_code(engine: Engine) -> None:
    # Most brands' names under a country's code are their country sites: a notice only.
    # A crypto service runs none, so its name there is an imitation.
    assert engine.check("paypal.fr").verdict == "allow"
    assert [r.level for r in engine.check("paypal.fr").reasons] == ["notice"]
    verdict = engine.check("qzwallet.de")
    assert verdict.verdict == "warn"
    assert kinds(engine, "qzwallet.de") == [("tld-swap", "qzwallet.io")]
    # A slip of its name there keeps its level too once the name is long ...
    assert engine.check("qzcoinvaullt.de").verdict == "warn"
    assert engine.check("qzcoinvaullt.com").verdict == "warn"
    # ... where a short one is lowered like anyone's: a local name is near a short one.
    assert engine.check("qzwallte.de").verdict == "allow"
    assert engine.check("qzwallte.com").verdict == "warn"


def test_a_name_on_the_brands_home_country_code_keeps_its_level(engine: Engine) -> None:
    # The brand lives on a country's code (qzpost.me): another of its names there is no
    # country site of it, but its look-alike ...
    assert kinds(engine, "qzpostdrive.me") == [("tld-swap", "qzpost.me")]
    assert engine.check("qzpostdrive.me").verdict == "warn"
    # ... while under another country's code it is lowered as any brand's name is.
    assert [r.level for r in engine.check("qzpostdrive.de").reasons] == ["notice"]


def test_a_one_site_brand_name_starting_a_label_counts_on_any_tld(engine: Engine) -> None:
    # A crypto service's name glued to anything: nobody but the brand names a site so ...
    assert kinds(engine, "qzwalletooo.com") == [("combosquat", "qzwallet.io")]
    # ... where another brand's name needs lure words or a cheap TLD around it,
    assert engine.check("paypalooo.com").verdict == "allow"
    # ... it must start the label (a compound name may end in it),
    assert engine.check("qzooocoinvault.com").verdict == "allow"
    # ... and a word running on across its end makes it no word of its own (`let|ter`).
    assert engine.check("qzwalletter.com").verdict == "allow"


def test_a_one_site_brand_name_two_slips_off_counts_on_a_hosting_platform(engine: Engine) -> None:
    # Wallet kits garble the name past one slip: on a platform, beside a lure word, it counts.
    assert kinds(engine, "qzwaxlett-login.pages.dev") == [("combosquat", "qzwallet.io")]
    assert kinds(engine, "qzwaxlettlogin.pages.dev") == [("combosquat", "qzwallet.io")]
    assert engine.check("qzwaxlett-qzrv.pages.dev").verdict == "allow"  # no lure word
    assert engine.check("qzwaxlettqzrv-login.pages.dev").verdict == "allow"  # a longer word
    assert engine.check("qzwaxlett-login.com").verdict == "allow"  # no platform
    assert engine.check("mixrosoftt-login.pages.dev").verdict == "allow"  # not a one-site brand


def test_a_one_site_brand_name_three_slips_off_counts_before_a_sign_in_word(
    engine: Engine,
) -> None:
    # Three slips off, the name counts on a platform when a sign-in word follows at once
    # (doubled letters read once, one slip allowed) ...
    assert kinds(engine, "qzwaxlxttloginn.pages.dev") == [("combosquat", "qzwallet.io")]
    assert kinds(engine, "qzwaxlxttwalet.pages.dev") == [("combosquat", "qzwallet.io")]
    # ... not before another word, even a lure word, nor after a hyphen, nor off a platform.
    assert engine.check("qzwaxlxttlounge.pages.dev").verdict == "allow"
    assert engine.check("qzwaxlxttsecure.pages.dev").verdict == "allow"
    assert engine.check("qzwaxlxtt-login.pages.dev").verdict == "allow"
    assert engine.check("qzwaxlxttlogin.com").verdict == "allow"


def test_two_slips_count_in_a_shorter_name_of_a_one_site_brand(engine: Engine) -> None:
    # Two random slips count from thirteen letters, and from ten for a crypto service's name.
    assert kinds(engine, "qzcoixvalt.com") == [("typo", "qzcoinvault.com")]
    assert engine.check("qzcoixvaltt.com").verdict == "allow"  # three


def test_a_stray_letter_counts_in_a_shorter_name_of_a_one_site_brand(engine: Engine) -> None:
    # Any letter added after the first counts from eight letters, and from six for a crypto
    # service's name; a changed letter still does not, nor an added first letter.
    assert kinds(engine, "qzsjwap.com") == [("typo", "qzswap.io")]
    assert engine.check("qzswkp.com").verdict == "allow"
    assert engine.check("xqzswap.com").verdict == "allow"
    assert engine.check("paypjal.com").verdict == "allow"  # not a one-site brand


def test_a_brands_initials_count_on_a_hosting_platform_beside_a_lure_word(
    engine: Engine,
) -> None:
    # Glued to one lure word or as a hyphen word, the kit's serials around it.
    assert kinds(engine, "caseqs7723-x9k2.vercel.app") == [("combosquat", "qs.me")]
    assert kinds(engine, "qs-verify.pages.dev") == [("combosquat", "qs.me")]
    assert engine.check("qsits.pages.dev").verdict == "allow"  # `its`: a short word
    assert engine.check("qs-qzrv.pages.dev").verdict == "allow"  # no lure word
    assert engine.check("qs-verify.com").verdict == "allow"  # no platform


def test_every_reason_explains_itself(engine: Engine) -> None:
    for host in ("rnicrosoft.com", "paypall.com", "securepaypal.net", "microsoft.cm"):
        (reason,) = engine.check(host).reasons
        assert reason.brand
        assert reason.target
        assert reason.rule_id.startswith("brand/")
        assert reason.target in reason.detail
        assert reason.level == "warn"


def test_positions_point_at_the_differing_letters(engine: Engine) -> None:
    assert engine.check("rnicrosoft.com").reasons[0].positions == (0, 1)
    assert engine.check("paypall.com").reasons[0].positions == (6,)
    assert engine.check("securepaypal.net").reasons[0].positions == (0, 1, 2, 3, 4, 5)
    assert engine.check("microsoft.cm").reasons[0].positions == ()


def test_brand_severity_raises_lookalikes_to_block(engine: Engine) -> None:
    verdict = engine.check("chase-login.com")
    assert verdict.verdict == "block"
    assert verdict.reasons[0].kind == "combosquat"


def test_one_reason_per_brand_most_specific_first(engine: Engine) -> None:
    reasons = engine.check("paypa1.com").reasons
    assert [r.kind for r in reasons] == ["homoglyph"]


def test_word_parts_of_popular_names_are_not_slips(engine: Engine) -> None:
    # `paypel` sits inside two popular names that do not hold paypal: someone's word.
    assert engine.check("paypel.com").verdict == "allow"
    assert engine.check("paypel-login.com").verdict == "allow"  # ... among lure words too
    assert engine.check("paypelonline.pages.dev").verdict == "allow"  # ... on a platform
    assert engine.check("idcloud-verify.com").verdict == "allow"
    # ... unless the brand's own lure word stands beside it: both point at the brand.
    assert kinds(engine, "idcloud-lost.com") == [("combosquat", "icloud.com")]
    assert kinds(engine, "paypol.com") == [("typo", "paypal.com")]


def test_established_names_are_not_slips(engine: Engine) -> None:
    # `email` is the label of a popular site, so email.net is not a bitsquat of gmail.
    assert engine.check("email.net").verdict == "allow"
    assert kinds(engine, "gmaik.com") == [("typo", "gmail.com")]
    # A common English word is that word: papal is a slip of paypal, apples one of apple.
    assert engine.check("papal.com").verdict == "allow"
    assert engine.check("apples.net").verdict == "allow"
    assert kinds(engine, "goog1e.com") == [("homoglyph", "google.com")]


def test_two_brands_glued_with_lure_words_name_both(engine: Engine) -> None:
    # Kits that borrow two brands glue them together: each is the other's lure.
    both = [("combosquat", "microsoft.com"), ("combosquat", "paypal.com")]
    assert kinds(engine, "paypalmicrosoftlogin.com") == both
    assert kinds(engine, "loginmicrosoftpaypal.com") == both
    assert engine.check("paypalmicrosoftqz.com").verdict == "allow"  # no lure word


def test_a_slip_of_a_word_brand_beside_its_own_lure_word(engine: Engine) -> None:
    # `chase` is a word, protected in context; the brand's own word says which name a slip
    # of it imitates.
    assert kinds(engine, "cardholder-chasw.com") == [("combosquat", "chase.com")]
    assert engine.check("billing-chasw.com").verdict == "allow"  # another word: anyone's
    assert engine.check("cardholder-chasw.com").verdict == "block"  # the brand's severity


def test_a_short_name_glued_to_a_lure_word_on_a_hosting_platform(engine: Engine) -> None:
    # Too short to count anywhere else; glued to one lure word in a tenant's label, it is
    # the brand's name, unless popular names hold it as a word part (`ing`, `live`).
    assert kinds(engine, "ingresarqzb.vercel.app") == [("combosquat", "qzb.com.do")]
    assert kinds(engine, "qzbverify.pages.dev") == [("combosquat", "qzb.com.do")]
    assert engine.check("ingresarqzb.com").verdict == "allow"  # no platform
    assert engine.check("qzbqzrv.vercel.app").verdict == "allow"  # no lure word


def test_a_label_that_repeats_letters_is_read_with_each_letter_once(engine: Engine) -> None:
    # Kits stutter so that filters matching the words miss them: `chase` stands in context.
    (reason,) = engine.check("verifyy-loginn-chasee.com").reasons
    assert (reason.kind, reason.target) == ("combosquat", "chase.com")
    assert "read once 'verify-login-chase'" in reason.detail
    assert engine.check("verify-loginn-chasee.com").verdict == "allow"  # two doubled letters
    assert engine.check("committee-chasee.com").verdict == "allow"  # no lure word read once


def test_a_letter_that_reads_as_two_keeps_spans_inside_the_label(engine: Engine) -> None:
    # `ß` reads as two letters, so the plain reading (`vv` unfolded) is longer than the
    # label; a name found at its end used to index past the label's (IndexError).
    for host in ("vvßßßß-qzb.vercel.app", "vvßß-chase.pages.dev"):
        verdict = engine.check(host)
        assert verdict.verdict in ("allow", "warn", "block"), host
        label = host.split(".", 1)[0]
        for reason in verdict.reasons:
            assert all(0 <= p < len(label) for p in reason.positions), host


def test_a_letter_written_twice_where_a_name_meets_a_lure_word(engine: Engine) -> None:
    # Kits double the letter at the seam (`resetchaseeupdate`): read once, it is the name
    # beside lure words.
    assert kinds(engine, "resetchaseeupdate.pages.dev") == [("combosquat", "chase.com")]
    assert kinds(engine, "verifyppaypal.com") == [("combosquat", "paypal.com")]
    assert engine.check("resetchaseequpdate.pages.dev").verdict == "allow"  # no word left


def test_a_lure_word_misspelled_beside_a_distinctive_name(engine: Engine) -> None:
    # Kits misspell the word beside a name they spell right.
    assert kinds(engine, "paypalverifi.com") == [("combosquat", "paypal.com")]
    assert kinds(engine, "accuontmicrosoft.net") == [("combosquat", "microsoft.com")]
    for host in (
        "paypalxecure.com",  # a changed first letter makes another word
        "paypalsecur.com",  # too short a word to read a slip in
        "applesecury.com",  # a name that is a word part (pineapple)
    ):
        assert engine.check(host).verdict == "allow", host


def test_a_country_beside_a_name_and_a_lure_word_counts_as_nothing(engine: Engine) -> None:
    # Kits name the country they target (`amazon-canada-login`): a place is filler, so the
    # lure word beside it decides, for a word-brand and a short name too.
    assert kinds(engine, "chase-canada-login.com") == [("combosquat", "chase.com")]
    assert kinds(engine, "ups-usa-login.com") == [("combosquat", "ups.com")]
    assert kinds(engine, "paypal-uk-billing.com") == [("combosquat", "paypal.com")]
    for host in (
        "chase-canada.com",  # a place alone is where a firm is
        "ups-usa-travel.com",  # nor beside an ordinary word
        "chasecanadalogin.net",  # glued, a place is letters, not a word
    ):
        assert engine.check(host).verdict == "allow", host


def test_a_free_dynamic_dns_name_is_as_cheap_as_an_abused_tld(engine: Engine) -> None:
    # A free dynamic-DNS subdomain is the tenant's own choice and costs nothing: names glued
    # to junk there count as under `.top`, where another platform's tenant needs more.
    assert kinds(engine, "upsqzrvx.duckdns.org") == [("combosquat", "ups.com")]
    assert kinds(engine, "outlookqzrv.ddns.net") == [("combosquat", "outlook.com")]
    for host in ("upsqzrvx.pages.dev", "outlookqzrv.pages.dev"):
        assert engine.check(host).verdict == "allow", host


def test_a_context_name_on_a_site_of_random_letters(engine: Engine) -> None:
    # Kits put the name in front of a domain of letters drawn at random (`dzkjx.com`); a
    # context name (an ordinary word elsewhere) counts there, as a distinctive one does anywhere.
    assert kinds(engine, "chase.dzkjx.com") == [("target-embedding", "chase.com")]
    assert kinds(engine, "paypal.qzmarket.com") == [("target-embedding", "paypal.com")]
    for host in (
        "chase.qzmarket.com",  # a site named with words (two vowels or more)
        "chase.dzkjx7.com",  # letters and digits are no drawn name
        "qzb.dzkjx.com",  # a name under five letters
    ):
        assert engine.check(host).verdict == "allow", host


def test_a_context_name_split_by_a_hyphen(engine: Engine) -> None:
    # Kits split a word-brand's name with a hyphen (`fideli-ty-login`): read whole, it is
    # judged by what stands around it, as the name written whole is.
    assert kinds(engine, "qzbro-ker-login.com") == [("combosquat", "qzbroker.co.jp")]
    assert kinds(engine, "qzbro-kerqzrv.top") == [("combosquat", "qzbroker.co.jp")]
    for host in (
        "qzbro-ker-travel.com",  # beside an ordinary word, as `qzbroker-travel` is
        "chas-e-login.com",  # a short name splits into ordinary words too often
    ):
        assert engine.check(host).verdict == "allow", host


def test_a_platform_with_one_site_keeps_its_level_under_a_country_code(engine: Engine) -> None:
    # A game store or chat service tagged `site.one` runs no country sites, so its name under
    # a country's code is no local branch (as for crypto services) ...
    (reason,) = engine.check("qzgamehub.de").reasons
    assert (reason.kind, reason.level) == ("tld-swap", "warn")
    # ... but its fans name databases and forums after it, so unlike a crypto service's
    # name, it starting a label glued to other letters is no finding.
    assert engine.check("qzgamehubdb.com").verdict == "allow"
    assert kinds(engine, "qzwalletqzrv.com") == [("combosquat", "qzwallet.io")]


def test_a_context_name_misspelled_beside_lure_words(engine: Engine) -> None:
    # A word-brand misspelled once beside lure words counts as the name written right there.
    assert kinds(engine, "qzbrokr-login.com") == [("combosquat", "qzbroker.co.jp")]
    assert kinds(engine, "qzbrokre-secure-verify.com") == [("combosquat", "qzbroker.co.jp")]
    for host in (
        "qzbrokr-travel.com",  # beside an ordinary word
        "wzbroker-login.com",  # a changed first letter makes another word
        "chsae-login.com",  # a short name: its slips are other people's words
    ):
        assert engine.check(host).verdict == "allow", host
