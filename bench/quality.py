"""Detection quality of the lookalike engine against independent positives and held-out negatives.

Positives:
* dnstwist (an independent generator, used as a library: fuzzers only, no DNS) run on each
  brand's primary domain as people know it (`chase.com`, `naver.com`, `apple.com`): the first
  entry of the brand's `domains:` list, plus the few second consumer brands a rule bundles
  (`PRIMARY_EXTRA`: daum.net for Kakao, gmail.com for Google...), not on the labels the pack
  chose to protect; all fuzzers, with dnstwist's own dictionaries (bench/data/). Generated
  names whose registrable domain is someone's popular site (anywhere in the Alexa 50k or the
  Radar 2026 top-100k) or an official brand domain are excluded and counted: they are
  legitimately someone else's. A positive counts as caught when a lookalike reason names the
  brand it was generated from.
* Real phishing names: MetaMask's eth-phishing-detect blacklist (only lookalike reasons count,
  never the list itself) and the 50 THALLIUM domains.

Negatives: ranks 25,001-50,000 of the Alexa 2015 top 50k, which the package does not ship
(it ships ranks 1-25,000 and half of Radar's 2026 list as the popular allowlist; the held-out
domains that are in that Radar half are skipped), so these sites get no free pass.

Writes bench/results/quality.md and prints a summary.
Usage: .venv/bin/python bench/quality.py [--cap N] [--speed-hosts N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import dnstwist
import yaml
from rapidfuzz.distance import DamerauLevenshtein

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lookalike_speed
from lureguard.engine import Engine
from lureguard.hosts import HostError, parse_target, split_registered
from lureguard.lookalike.confusables import skeleton
from lureguard.popular import PopularList
from lureguard.verdict import Verdict

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
POPULAR_CSV = SHARED / "popular" / "alexa-2015-top-50k.csv"
RADAR = SHARED / "popular" / "cloudflare-radar-2026-top100k.txt"
BRANDS = REPO / "rules" / "brands"
METAMASK = SHARED / "feeds" / "metamask-eth-phishing-detect-1.2.0-config.json"
THALLIUM = SHARED / "feeds" / "thallium-2019-dcu.txt"
DATA = Path(__file__).resolve().parent / "data"
REPORT = Path(__file__).resolve().parent / "results" / "quality.md"
HELD_OUT = range(25_001, 50_001)
#: Second consumer brands that a rule bundles under the first entry of its `domains:`, each
#: with a primary domain of its own that people know and type (rule id -> domains).
PRIMARY_EXTRA = {
    "brand/kakao": ["daum.net"],
    "brand/google": ["gmail.com", "youtube.com"],
    "brand/meta": ["instagram.com", "whatsapp.com"],
    "brand/microsoft": ["outlook.com", "live.com"],
    "brand/apple": ["icloud.com"],
    "brand/alibaba": ["aliexpress.com"],
    "brand/steam": ["steamcommunity.com"],
    "brand/comcast": ["xfinity.com"],
    "brand/x-twitter": ["x.com"],
}
LOOKALIKE_KINDS = frozenset(
    {"homoglyph", "idn-mixed-script", "typo", "bitsquat", "tld-swap", "combosquat",
     "target-embedding"}
)  # fmt: skip
#: Which technique each dnstwist fuzzer exercises (for recall per technique).
TECHNIQUE = {
    "homoglyph": "homoglyph", "cyrillic": "idn-mixed-script", "bitsquatting": "bitsquat",
    "addition": "typo", "insertion": "typo", "omission": "typo", "repetition": "typo",
    "replacement": "typo", "transposition": "typo", "vowel-swap": "typo",
    "hyphenation": "typo", "plural": "typo", "dictionary": "combosquat",
    "subdomain": "target-embedding", "various": "target-embedding", "tld-swap": "tld-swap",
}  # fmt: skip
HAND_PICKED = [
    "rnicrosoft.com", "microsoft.cm", "paypa1.com", "xn--pple-43d.com", "outiook.com",
    "login.microsoftonline.com.session-verify.net", "www-paypal-com.secure.info",
    "m.icrosoft.com", "microsoft-login-verify.com", "securepaypal.net", "hotrnall.com",
    "hanrnaii.net", "office356-us.org", "nidlogin.com", "pineapple.com", "purchase.com",
    "applebees.com", "google.mk", "amazon.co.jp", "outlook.live.com",
]  # fmt: skip


def lines(path: Path) -> list[str]:
    """Non-comment, non-empty lines of a data file."""
    return [s for s in (x.split("#", 1)[0].strip() for x in path.read_text().splitlines()) if s]


def lookalike_reasons(verdict: Verdict) -> list[tuple[str, str, str]]:
    """(kind, rule id, detail) of the lookalike reasons in a verdict that warn or block (a
    notice allows: the user sees nothing, so it is neither a catch nor a false alarm)."""
    return [
        (r.kind, r.rule_id, r.detail)
        for r in verdict.reasons
        if r.kind in LOOKALIKE_KINDS and r.level in ("warn", "block")
    ]


@dataclass
class Tally:
    """Caught/total counters with the misses kept for the report."""

    total: int = 0
    caught: int = 0
    other_brand: int = 0
    misses: list[str] = field(default_factory=list)
    kinds: Counter[str] = field(default_factory=Counter)

    def rate(self) -> float:
        return self.caught / self.total if self.total else 1.0


def seeds(engine: Engine) -> list[tuple[str, str]]:
    """(primary domain, rule id) of every brand: the first entry of its `domains:` list and
    the `PRIMARY_EXTRA` domains of the rules that bundle a second consumer brand."""
    found = {}
    for path in sorted(BRANDS.glob("*.yaml")):
        rule = yaml.safe_load(path.read_text("utf-8"))
        if rule.get("kind") != "brand" or rule["id"] not in engine.rules:
            continue
        for domain in [rule["domains"][0], *PRIMARY_EXTRA.get(rule["id"], [])]:
            found[domain] = rule["id"]
    unknown = set(PRIMARY_EXTRA) - set(found.values())
    if unknown:
        sys.exit(f"PRIMARY_EXTRA names rules that are not in rules/brands: {sorted(unknown)}")
    return sorted(found.items())


#: How a seed's own label is protected, in the order the report lists them.
PROTECTION = {
    "distinctive": "a distinctive name (keyword, no word part)",
    "word part": "a keyword that is also a word part of popular names (needs a visible boundary)",
    "context": "a context keyword only (a word: needs lure words, a platform or an embedding)",
    "none": "not protected (short or ordinary name; the rule protects other names)",
}


def protection(engine: Engine, domain: str) -> str:
    """How the label of a seed domain is protected (a `PROTECTION` key)."""
    skel = skeleton(seed_label(domain))
    index = engine.index
    if skel in index.skeletons:
        return "word part" if skel in index.common else "distinctive"
    return "context" if skel in index.context else "none"


def seed_label(domain: str) -> str:
    """The registrable label of a seed domain (`aexp-static` of aexp-static.com)."""
    return split_registered(domain)[1]


def generate(domain: str, words: list[str], tlds: list[str], cap: int) -> dict[str, list[str]]:
    """dnstwist's permutations of `domain` per fuzzer, at most `cap` per fuzzer (seeded)."""
    fuzzer = dnstwist.Fuzzer(domain, dictionary=words, tld_dictionary=list(tlds))
    fuzzer.generate()
    by: dict[str, list[str]] = defaultdict(list)
    for perm in fuzzer.domains:
        if perm["fuzzer"] != "*original":
            by[perm["fuzzer"]].append(perm["domain"])
    rng = random.Random(domain)
    return {f: rng.sample(sorted(d), min(cap, len(d))) for f, d in by.items()}


def evaluate_dnstwist(engine: Engine, popular_all: set[str], cap: int) -> dict[str, object]:
    """Recall per fuzzer and per technique on dnstwist's permutations of the brand pack."""
    words = lines(DATA / "dnstwist-english.dict")
    tlds = lines(DATA / "dnstwist-common-tlds.dict")
    per_fuzzer: dict[str, Tally] = defaultdict(Tally)
    per_protection: dict[str, Tally] = defaultdict(Tally)
    excluded: Counter[str] = Counter()
    excluded_examples: list[str] = []
    seen: set[tuple[str, str]] = set()
    seed_list = seeds(engine)
    classes = {domain: protection(engine, domain) for domain, _ in seed_list}
    for domain, rule_id in seed_list:
        for fuzzer, generated in generate(domain, words, tlds, cap).items():
            for name in generated:
                if (name, rule_id) in seen:
                    continue
                seen.add((name, rule_id))
                try:
                    target = parse_target(name)
                except HostError:
                    excluded["not a valid host"] += 1
                    continue
                registered = target.registered_domain
                if not registered or registered in popular_all:
                    excluded["someone's popular site"] += 1
                    if len(excluded_examples) < 40:
                        excluded_examples.append(f"{name} ({fuzzer})")
                    continue
                if target.names and any(n in engine.index.official for n in target.names):
                    excluded["an official brand domain"] += 1
                    continue
                if fuzzer == "dictionary" and seed_label(domain) not in name.replace(".", "-"):
                    # On a hyphenated name dnstwist swaps one part for a word
                    # (aexp-static -> secure-static): no brand name is left to imitate.
                    excluded["a dictionary word replacing part of a hyphenated name"] += 1
                    continue
                tally = per_fuzzer[fuzzer]
                tally.total += 1
                kind = per_protection[classes[domain]]
                kind.total += 1
                found = lookalike_reasons(engine.check_target(target))
                mine = [k for k, r, _ in found if r == rule_id]
                if mine:
                    tally.caught += 1
                    tally.kinds[mine[0]] += 1
                    kind.caught += 1
                else:
                    if found:
                        tally.other_brand += 1
                    tally.misses.append(f"{target.unicode_host} ({domain})")
    return {
        "seeds": len(seed_list),
        "per_fuzzer": dict(per_fuzzer),
        "per_protection": dict(per_protection),
        "excluded": excluded,
        "excluded_examples": excluded_examples,
    }


def evaluate_negatives(engine: Engine) -> dict[str, object]:
    """False alarms on the held-out popular domains the package does not ship."""
    with POPULAR_CSV.open() as handle:
        rows = [(int(r[0]), r[1].strip().lower()) for r in csv.reader(handle) if r]
    shipped = set(PopularList.shipped().domains)
    held = [d for rank, d in rows if rank in HELD_OUT and d not in shipped]
    alarms = []
    for domain in held:
        verdict = engine.check(domain)
        found = lookalike_reasons(verdict)
        if found:
            alarms.append((domain, found[0]))
    return {"total": len(held), "alarms": alarms}


def evaluate_official(engine: Engine) -> dict[str, object]:
    """Every official domain (and its www host) must be allowed."""
    flagged = []
    domains = list(engine.index.official)
    for domain in domains:
        for host in (domain, f"www.{domain}", f"login.{domain}"):
            if engine.check(host).verdict != "allow":
                flagged.append(host)
    return {"total": len(domains) * 3, "flagged": flagged}


def brand_imitating(host: str, engine: Engine) -> str | None:
    """Reference test, independent of the detectors: does the host name a protected brand?

    Brute force over all protected skeletons: one of five or more letters occurs in the host
    without its public suffix, dots and hyphens removed, or the registrable label is within
    two edits (one for labels under eight letters) of one. The suffix is left out because a
    hosting platform's suffix names the platform (`github.io`, `s3.amazonaws.com`), not
    what its tenant imitates: with it, a third of the feed's hosts the test named were
    labelled as naming no brand.
    """
    try:
        target = parse_target(host)
    except HostError:
        return None
    labels = target.unicode_host.split(".")
    head = labels[: len(labels) - len(target.suffix.split("."))] if target.suffix else labels
    flat = skeleton("".join(head).replace("-", ""))
    label = skeleton(target.unicode_registered_domain.split(".", 1)[0])
    for skel in engine.index.skeletons:
        if len(skel) >= 5 and skel in flat:
            return skel
        if len(skel) >= 5:
            limit = 2 if len(skel) >= 8 else 1
            if DamerauLevenshtein.distance(label, skel, score_cutoff=limit) <= limit:
                return skel
    return None


def evaluate_feeds(engine: Engine) -> dict[str, object]:
    """MetaMask blacklist (brand-imitating entries) and THALLIUM domains."""
    blacklist = json.loads(METAMASK.read_text())["blacklist"]
    imitating = caught = 0
    flagged_any = 0
    misses = []
    for host in blacklist:
        try:
            verdict = engine.check(host)
        except Exception:
            continue
        hit = bool(lookalike_reasons(verdict))
        flagged_any += hit
        brand = brand_imitating(host, engine)
        if brand is None:
            continue
        imitating += 1
        if hit:
            caught += 1
        else:
            misses.append(f"{host} (~{brand})")
    thallium = []
    for host in lines(THALLIUM):
        found = lookalike_reasons(engine.check(host))
        thallium.append((host, found[0] if found else None))
    return {
        "blacklist": len(blacklist),
        "flagged_any": flagged_any,
        "imitating": imitating,
        "caught": caught,
        "misses": misses,
        "thallium": thallium,
    }


def pct(value: float) -> str:
    return f"{100 * value:.2f} %"


def write_report(results: dict[str, object], engine: Engine, args: argparse.Namespace) -> str:
    """Render the Markdown report; returns the summary lines printed to the console."""
    dt = results["dnstwist"]
    per_fuzzer: dict[str, Tally] = dt["per_fuzzer"]  # type: ignore[index,assignment]
    total = sum(t.total for t in per_fuzzer.values())
    caught = sum(t.caught for t in per_fuzzer.values())
    neg = results["negatives"]
    off = results["official"]
    feeds = results["feeds"]
    speed = results["speed"]
    brands = len({e.rule_id for es in engine.index.labels.values() for e in es})
    by_tech: dict[str, Tally] = defaultdict(Tally)
    for fuzzer, tally in per_fuzzer.items():
        tech = by_tech[TECHNIQUE.get(fuzzer, fuzzer)]
        tech.total += tally.total
        tech.caught += tally.caught
        tech.kinds.update(tally.kinds)
    fp = len(neg["alarms"]) / neg["total"]  # type: ignore[index,arg-type]
    out = [
        "# Lookalike detection quality",
        "",
        f"Generated by `bench/quality.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" with {brands} brands ({len(engine.index.skeletons)} protected labels,"
        f" {len(engine.index.official)} official domains) from rules/brands, the shipped popular"
        f" list (Alexa ranks 1-25,000 and the shipped half of Radar 2026,"
        f" {len(engine.index.popular):,} domains) and dnstwist {dnstwist.__version__}"
        f" (at most {args.cap} permutations per fuzzer and seed, sampled with a fixed seed).",
        "",
        "## Summary",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| recall, dnstwist permutations of primary domains ({total:,} names from"
        f" {dt['seeds']} seed domains) |"
        f" {pct(caught / total if total else 1)} | ≥ 98 % |",
        f"| lowest recall of any fuzzer | {pct(min(t.rate() for t in per_fuzzer.values()))}"
        " | ≥ 95 % |",
        f"| false alarms on held-out popular domains (ranks 25,001-50,000) |"
        f" {len(neg['alarms'])} of {neg['total']:,} = {pct(fp)} | ≤ 0.1 % |",  # type: ignore[index]
        f"| official domains allowed (domain, www., login.) |"
        f" {off['total'] - len(off['flagged'])} of {off['total']} | 100 % |",  # type: ignore[index,operator]
        f"| MetaMask blacklist, brand-imitating entries caught by lookalike detectors |"
        f" {feeds['caught']} of {feeds['imitating']} ="
        f" {pct(feeds['caught'] / max(1, feeds['imitating']))} | — |",  # type: ignore[index,operator]
        f"| MetaMask blacklist, all entries flagged by lookalike detectors |"
        f" {feeds['flagged_any']} of {feeds['blacklist']:,} | — |",  # type: ignore[index]
        f"| THALLIUM domains flagged |"
        f" {sum(1 for _, r in feeds['thallium'] if r)} of {len(feeds['thallium'])} | — |",  # type: ignore[index,arg-type]
        f"| speed, unseen hosts/s on one core (baseline without detectors) |"
        f" {speed['lookalike']:,.0f} ({speed['baseline']:,.0f}) | ≥ 50,000 |",  # type: ignore[index]
        "",
        "## How the numbers are counted",
        "",
        "* A dnstwist name counts as caught only when a lookalike reason at warn or block names"
        " the brand it was generated from; a verdict for another brand counts as a miss (shown"
        " per fuzzer), and so does a notice (a tld-swap or slip under a country's code where"
        " the brand has no site is one level lower: docs/detection.md). False alarms count"
        " warn and block likewise.",
        "* Seeds are the brands' primary domains as people know them: the first entry of each"
        " brand's `domains:` list, plus "
        + ", ".join(f"{', '.join(d)} ({r})" for r, d in PRIMARY_EXTRA.items())
        + " (second consumer brands bundled in one rule), not the labels the pack protects.",
        "* Excluded from the positives: names whose registrable domain is in the full Alexa"
        " 50k or Radar 2026 top-100k list or is official for a brand (someone's legitimate"
        " site), names that are not valid hosts, and dictionary names where dnstwist replaced"
        " one part of a hyphenated name (`aexp-static` -> `secure-static`: no brand name left).",
        "* The combosquat vocabulary (`lookalike/words.py`) was written for phishing in"
        " general and is not dnstwist's dictionary (`choose`, `cl` are dnstwist words).",
        "* False alarms are lookalike reasons on held-out popular domains; several are the"
        " brands' own or same-name companies' sites missing from the brand rules (tld-swap,"
        " some combosquats), and a few are typo-traffic domains (googe.com, gamil.com).",
        "* Speed is measured on a shared machine: read the ratio to the baseline measured"
        " alongside (bench/lookalike_speed.py).",
        "",
        "## Recall per technique",
        "",
        "Each dnstwist fuzzer is assigned the technique it exercises; a name counts as caught"
        " by any technique that names the right brand. The last column shows which kinds fired.",
        "",
        "| technique | caught | total | recall | kinds reported |",
        "|---|---|---|---|---|",
    ]
    for tech, tally in sorted(by_tech.items()):
        kinds = ", ".join(f"{k} {n}" for k, n in tally.kinds.most_common())
        rate = pct(tally.rate())
        out.append(f"| {tech} | {tally.caught:,} | {tally.total:,} | {rate} | {kinds} |")
    per_protection: dict[str, Tally] = dt["per_protection"]  # type: ignore[index,assignment]
    out += [
        "",
        "## Recall by how the seed's own label is protected",
        "",
        "Most misses are permutations of names the pack protects only in a phishing context or"
        " not at all, by design: their slips and bare swaps are other people's names"
        " (docs/detection.md).",
        "",
        "| seed label | seeds | caught | total | recall |",
        "|---|---|---|---|---|",
    ]
    seeds_by = Counter(protection(engine, d) for d, _ in seeds(engine))
    for key, what in PROTECTION.items():
        tally = per_protection.get(key, Tally())
        out.append(
            f"| {what} | {seeds_by[key]} | {tally.caught:,} | {tally.total:,} |"
            f" {pct(tally.rate())} |"
        )
    out += [
        "",
        "## Recall per dnstwist fuzzer",
        "",
        "| fuzzer | caught | total | recall | flagged for another brand only |",
        "|---|---|---|---|---|",
    ]
    for fuzzer, tally in sorted(per_fuzzer.items()):
        out.append(
            f"| {fuzzer} | {tally.caught:,} | {tally.total:,} | {pct(tally.rate())} |"
            f" {tally.other_brand} |"
        )
    excluded: Counter[str] = dt["excluded"]  # type: ignore[index,assignment]
    out += [
        "",
        "Excluded from the positives (legitimately someone else's, or not a host): "
        + ", ".join(f"{n:,} {why}" for why, n in excluded.most_common())
        + ". Examples: "
        + ", ".join(dt["excluded_examples"][:20])  # type: ignore[index]
        + ".",
        "",
        "## Misses (dnstwist), per fuzzer, up to 40 each",
        "",
    ]
    for fuzzer, tally in sorted(per_fuzzer.items()):
        if tally.misses:
            out.append(f"- **{fuzzer}** ({len(tally.misses)}): " + ", ".join(tally.misses[:40]))
    by_kind = Counter(kind for _, (kind, _, _) in neg["alarms"])  # type: ignore[index]
    out += [
        "",
        "## False alarms on held-out popular domains",
        "",
        "By kind: " + (", ".join(f"{k} {n}" for k, n in by_kind.most_common()) or "none") + ".",
        "",
    ]
    for domain, (kind, rule_id, detail) in neg["alarms"]:  # type: ignore[index]
        out.append(f"- `{domain}`: {kind} ({rule_id}): {detail}")
    if not neg["alarms"]:  # type: ignore[index]
        out.append("None.")
    out += ["", "## Official domains not allowed", ""]
    out.append(", ".join(off["flagged"]) or "None.")  # type: ignore[index,arg-type]
    out += [
        "",
        "## Real phishing names",
        "",
        "MetaMask blacklist: an entry is *brand-imitating* when a brute-force reference test,"
        " independent of the detectors, finds a protected skeleton of five or more letters in"
        " the host without its public suffix (dots and hyphens removed: a platform's suffix"
        " such as `github.io` names the platform) or the registrable label within two edits of"
        " one (one edit under eight letters). Most of the list imitates crypto projects that"
        " are not in the brand pack; those are out of scope for lookalike detection.",
        "",
        f"Misses ({len(feeds['misses'])}, up to 80): "  # type: ignore[index,arg-type]
        + ", ".join(feeds["misses"][:80]),  # type: ignore[index]
        "",
        "THALLIUM (Microsoft DCU takedown, 2019):",
        "",
        "| domain | verdict |",
        "|---|---|",
    ]
    for host, reason in feeds["thallium"]:  # type: ignore[index]
        out.append(f"| {host} | {f'{reason[0]} ({reason[1]})' if reason else 'allow'} |")
    out += ["", "## Hand-picked cases", "", "| input | verdict | reason |", "|---|---|---|"]
    for host in HAND_PICKED:
        verdict = engine.check(host)
        first = verdict.reasons[0] if verdict.reasons else None
        shown = f"{first.kind}: {first.detail}" if first else ""
        out.append(f"| {host} | {verdict.verdict} | {shown} |")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(out) + "\n")
    return "\n".join(out[8:20])


def main() -> None:
    """Run every evaluation and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=int, default=100, help="permutations per fuzzer and seed")
    parser.add_argument("--speed-hosts", type=int, default=50_000)
    args = parser.parse_args()
    with POPULAR_CSV.open() as handle:
        popular_all = {r[1].strip().lower() for r in csv.reader(handle) if r}
    popular_all |= set(lines(RADAR))
    with tempfile.TemporaryDirectory() as tmp:
        db = lookalike_speed.compile_brands(Path(tmp) / "rules.db")
        engine = Engine.from_db(db)
        results: dict[str, object] = {
            "speed": lookalike_speed.measure(db, args.speed_hosts),
            "negatives": evaluate_negatives(engine),
            "official": evaluate_official(engine),
            "feeds": evaluate_feeds(engine),
            "dnstwist": evaluate_dnstwist(engine, popular_all, args.cap),
        }
    print(write_report(results, engine, args))
    print(f"report: {REPORT.relative_to(REPO)}")


if __name__ == "__main__":
    # dnstwist keeps one permutation per name in a set, so which fuzzer a name is credited to
    # follows Python's string hashing: pin it, or recall moves by a few hundredths run to run.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    main()
