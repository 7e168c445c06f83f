"""Lookalike detection on names real attackers registered, and false alarms on today's web.

Positives: bench/data/realworld-labels.tsv, every host of ../shared/data/realworld-dev/
targeted.tsv and a seeded sample of 2,000 hosts of the OpenPhish feed, each labelled with the
brand it imitates (or `-`) and the trick it uses (labelling rules in the file's header).
Negatives: the unshipped half of Cloudflare Radar's 2026 top-100k (lureguard.popular.
radar_shipped decides the halves) and Alexa's 2015 ranks 25,001-50,000, minus anything the
package ships as popular and minus the brands' own official domains (counted on their own).

Host-level proxy: the popular sets hold registrable domains only, so rules that judge a hosting
tenant's label or another site's subdomain label have no measured false alarms there. Each
measured domain's own label that holds no brand keyword is read as a tenant of a hosting
platform (`<label>.pages.dev`) and as a subdomain of a neutral domain (`<label>.qzneutral.com`):
how often names of real sites that name no brand warn in those places.

Held out: the OpenPhish feed's hosts outside the labelled sample (18,000), unlabelled; the
report counts how many warn, and how many of those that name a pack brand by quality.py's
brute-force reference test: a change tuned on the sample should move these too.

A row counts as caught when the verdict is warn or block (some reason above allow fires);
reasons that fire below warn are counted as signals. A caught brand row names the right brand
when one of its warn/block reasons carries the labelled brand.

Writes bench/results/realworld.md and prints a summary.
Usage: .venv/bin/python bench/realworld.py [--without-campaigns]
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

sys.path.insert(0, str(Path(__file__).resolve().parent))
from label_realworld import FEED, FEED_SAMPLE, feed_sample
from lureguard.engine import Engine
from lureguard.hosts import parse_target
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.visit import LEGACY_GENERIC_TLDS
from lureguard.popular import PopularList, radar_shipped
from lureguard.psl import bundled
from lureguard.ruleset.compile import compile_rules
from lureguard.ruleset.load import load_rules
from lureguard.verdict import Verdict
from quality import brand_imitating

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared" / "data"
TARGETED = SHARED / "realworld-dev" / "targeted.tsv"
RADAR = SHARED / "popular" / "cloudflare-radar-2026-top100k.txt"
ALEXA = SHARED / "popular" / "alexa-2015-top-50k.csv"
THALLIUM = SHARED / "feeds" / "thallium-2019-dcu.txt"
LABELS = BENCH / "data" / "realworld-labels.tsv"
REPORT = BENCH / "results" / "realworld.md"
ALEXA_HELD_OUT = range(25_001, 50_001)
RULE_DIRS = ("brands", "campaigns", "feeds", "allowlists", "signals")
#: Causes in the order the labels' header defines them.
CAUSES = (
    "tenant", "embedding", "portal-login-host", "homoglyph", "typo", "dotless-domain",
    "short-brand", "word-brand", "tld-swap", "combo-word",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    """One labelled host with where it came from."""

    host: str
    dataset: str
    brand: str
    cause: str
    note: str
    source: str
    campaign: str


@dataclass
class Outcome:
    """What the engine said about one host."""

    level: str
    #: (kind, rule id, brand) of the reasons at warn or block
    flags: list[tuple[str, str, str]]
    #: (kind, rule id, brand) of reasons that fired below warn
    signals: list[tuple[str, str, str]]
    detail: str


@dataclass
class Tally:
    """Caught/total with the rows behind them."""

    total: int = 0
    caught: int = 0
    right: int = 0
    rows: list[tuple[Row, Outcome]] = field(default_factory=list)

    def add(self, row: Row, out: Outcome) -> None:
        """Count one brand row."""
        self.total += 1
        self.rows.append((row, out))
        if out.flags:
            self.caught += 1
            if any(brand == row.brand for _, _, brand in out.flags):
                self.right += 1

    def rate(self) -> str:
        """Recall as `caught/total = pct`."""
        return ratio(self.caught, self.total)


def ratio(part: int, whole: int) -> str:
    """`part/whole = pct` (a dash when there is nothing to measure)."""
    if not whole:
        return "—"
    pct = 100 * part / whole
    return f"{part:,}/{whole:,} = {pct:.{2 if pct < 1 else 1}f} %"  # 0.15 % is no 0.1 %


def lines(path: Path) -> list[str]:
    """Non-comment, non-empty lines of a data file."""
    return [s for s in (x.split("#", 1)[0].strip() for x in path.read_text().splitlines()) if s]


def repository(source: str) -> str:
    """`owner/repo` of a `source` column (`owner/repo@commit:path`)."""
    return source.split("@", 1)[0]


def load_labels() -> list[Row]:
    """The labelled rows, joined with targeted.tsv's source and campaign; checks coverage."""
    meta = {}
    for line in TARGETED.read_text().splitlines()[1:]:
        host, campaign, source = line.split("\t")
        meta[host] = (repository(source), campaign)
    rows = []
    for line in LABELS.read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        host, dataset, brand, cause, note = line.split("\t")
        source, campaign = meta[host] if dataset == "targeted" else ("openphish", "OpenPhish feed")
        rows.append(Row(host, dataset, brand, cause, note, source, campaign))
    targeted = {r.host for r in rows if r.dataset == "targeted"}
    feed = [r.host for r in rows if r.dataset == "openphish"]
    if targeted != set(meta) or sorted(feed) != feed_sample() or len(feed) != FEED_SAMPLE:
        sys.exit(f"{LABELS} does not cover targeted.tsv and the feed sample: regenerate it")
    return rows


def build_engine(tmp: Path, dirs: Iterable[str]) -> Engine:
    """Compile the bundled rule packs `dirs` with the shipped popular list and load them."""
    loaded = load_rules([REPO / "rules" / d for d in dirs])
    if loaded.errors:
        sys.exit(f"bundled rules have errors: {loaded.errors[0]}")
    db = tmp / f"rules-{'-'.join(dirs)}.db"
    compile_rules(loaded, db, PopularList.shipped())
    return Engine.from_db(db)


def judge(engine: Engine, host: str) -> Outcome:
    """The engine's verdict on `host`, reduced to what the report needs."""
    verdict: Verdict = engine.check(host)
    flags, signals = [], []
    for reason in verdict.reasons:
        if reason.kind == "allowlisted":
            continue
        entry = (reason.kind, reason.rule_id, reason.brand or "")
        if reason.level in ("warn", "block"):
            flags.append(entry)
        elif reason.level == "notice":
            signals.append(entry)
    first = next((r for r in verdict.reasons if r.kind != "allowlisted"), None)
    detail = first.detail if first else (verdict.error or "")
    return Outcome(verdict.verdict or "invalid", flags, signals, detail)


def negatives(engine: Engine, shipped: set[str]) -> dict[str, dict[str, object]]:
    """False alarms on the two held-out popular sets."""
    radar = [d for d in lines(RADAR) if not radar_shipped(d)]
    with ALEXA.open() as handle:
        alexa = [
            r[1].strip().lower() for r in csv.reader(handle) if r and int(r[0]) in ALEXA_HELD_OUT
        ]
    out = {}
    for name, domains in (("radar", radar), ("alexa", alexa)):
        official, alarms, notices, measured, skipped = [], [], [], 0, 0
        kept: list[str] = []
        for domain in domains:
            if domain in shipped:
                skipped += 1  # shipped all the same (in the other list): gets a free pass
                continue
            result = judge(engine, domain)
            if domain in engine.index.official:
                official.append((domain, result))
                continue
            measured += 1
            kept.append(domain)
            if result.flags:
                alarms.append((domain, result))
            elif result.signals:
                notices.append((domain, result))
        out[name] = {
            "listed": len(domains), "shipped": skipped, "measured": measured,
            "alarms": alarms, "official": official, "notices": notices, "domains": kept,
        }  # fmt: skip
    return out


#: Where the host-level proxy puts each label (`{}`): a hosting platform's tenant, a neutral
#: domain's subdomain, a domain of its own under an abused TLD, and a neutral domain's
#: subdomain after the host name of sign-on software (a university's sign-in host).
PROXY_PLACES = (
    ("tenants", "{}.pages.dev"),
    ("subdomains", "{}.qzneutral.com"),
    ("domains under an abused TLD", "{}.top"),
    ("sign-on hosts", "idp.{}.qzneutral.me"),
)


def host_proxy(engine: Engine, neg: dict[str, dict[str, object]]) -> dict[str, object]:
    """Warnings when the measured domains' labels stand as tenants and as subdomains; and,
    apart, how many labels that hold a brand's keyword warn as tenants."""
    index = engine.index
    every = {
        domain.split(".", 1)[0]
        for name in neg
        for domain in neg[name]["domains"]  # type: ignore[attr-defined]
    }
    # A label holding a brand's keyword warns as a tenant by design (`<brand>-clone.pages.dev`),
    # so those are counted on their own: a rise there is a rule reading more of them.
    holding = {label for label in every if index.substrings(skeleton(label))}
    labels = sorted(every - holding)
    found: dict[str, list[tuple[str, Outcome]]] = {}
    for place, host in PROXY_PLACES:
        found[place] = [
            (label, result)
            for label in labels
            if (result := judge(engine, host.format(label))).flags
        ]
    tenant = PROXY_PLACES[0][1]
    keyword_tenants = sum(1 for label in holding if judge(engine, tenant.format(label)).flags)
    return {
        "labels": len(labels), "found": found,
        "keyword_labels": len(holding), "keyword_tenants": keyword_tenants,
    }  # fmt: skip


def feed_rest(engine: Engine) -> dict[str, int]:
    """The OpenPhish feed's hosts outside the labelled sample: unlabelled, and read by no
    one for ideas, they tell whether a change tuned on the sample holds on names it was not
    tuned on. Counted: hosts flagged, and hosts that name a pack brand by quality.py's
    brute-force reference test with how many of those are flagged; the same for the labelled
    sample (`sample_` keys), so the two compare on the same test."""
    sample = feed_sample()
    taken = set(sample)
    rest = _reference_counts(engine, [h for h in lines(FEED) if h not in taken])
    labelled = _reference_counts(engine, sample)
    return rest | {f"sample_{key}": value for key, value in labelled.items()}


_PSL: Final = bundled()
#: Where a host's name stands: a hosting platform's tenant label, a subdomain of someone's
#: domain (not `www.`), the registrable label under a legacy generic TLD or under another.
PLACES: Final = ("tenant", "subdomain", "registrable_legacy", "registrable_other")


def _reference_counts(engine: Engine, hosts: list[str]) -> dict[str, int]:
    """Hosts, hosts flagged, hosts the reference test says name a pack brand, and those flagged;
    the ones it names and the engine lets pass counted by where the name stands (`missed_*`),
    which says where the unseen misses are without anyone reading them."""
    counts = dict.fromkeys(
        ("flagged", "imitating", "imitating_flagged", *(f"missed_{p}" for p in PLACES)), 0
    )
    for host in hosts:
        caught = bool(judge(engine, host).flags)
        counts["flagged"] += caught
        if brand_imitating(host, engine):
            counts["imitating"] += 1
            counts["imitating_flagged"] += caught
            if not caught:
                counts[f"missed_{_place(host)}"] += 1
    return {"hosts": len(hosts)} | counts


def _place(host: str) -> str:
    """The `PLACES` entry for where the host's name stands."""
    target = parse_target(host)
    if _PSL.is_platform(target.suffix):
        return "tenant"
    if target.subdomain and target.subdomain != "www":
        return "subdomain"
    legacy = target.suffix.rsplit(".", 1)[-1] in LEGACY_GENERIC_TLDS
    return "registrable_legacy" if legacy else "registrable_other"


def commit_of() -> str:
    """The checkout's commit (and whether files differ from it), for the report."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "an export without git metadata"
    return f"{head}{' with uncommitted changes' if dirty else ''}"


def summary_rows(rows: list[Row], outcomes: dict[tuple[str, str], Outcome], pack: set[str]):
    """Per-source, per-campaign and per-cause tallies."""
    by_source: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    by_campaign: dict[tuple[str, str], dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    by_cause: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for row in rows:
        if row.brand == "-":
            continue
        out = outcomes[(row.dataset, row.host)]
        scopes = ["all"] + (["pack"] if row.brand in pack else [])
        for scope in scopes:
            by_source[row.source][scope].add(row, out)
            by_source["(all rows)"][scope].add(row, out)
            by_campaign[(row.source, row.campaign)][scope].add(row, out)
            by_cause[row.cause][scope].add(row, out)
    return by_source, by_campaign, by_cause


def campaign_weighted(
    by_campaign: dict[tuple[str, str], dict[str, Tally]], source: str | None, scope: str
) -> str:
    """Mean of per-campaign recall (every campaign weighs the same) for one source or all."""
    rates = [
        tallies[scope].caught / tallies[scope].total
        for (src, _), tallies in by_campaign.items()
        if (source is None or src == source) and tallies[scope].total
    ]
    if not rates:
        return "—"
    return f"{100 * sum(rates) / len(rates):.1f} % ({len(rates)} campaigns)"


def reason_text(out: Outcome) -> str:
    """The first flagging reason, briefly."""
    if not out.flags:
        if out.signals:
            kind, rule, _ = out.signals[0]
            return f"signal only: {kind} ({rule})"
        return "allow"
    kind, rule, brand = out.flags[0]
    return f"{kind} ({rule}{', ' + brand if brand else ''})"


def write_report(
    rows: list[Row],
    outcomes: dict[tuple[str, str], Outcome],
    pack: set[str],
    neg: dict[str, dict[str, object]],
    thallium: list[tuple[str, Outcome]],
    engine: Engine,
    args: argparse.Namespace,
    popular_free: list[Row],
    proxy: dict[str, object],
    rest: dict[str, int],
) -> list[str]:
    """Render bench/results/realworld.md; returns the summary lines for the console."""
    by_source, by_campaign, by_cause = summary_rows(rows, outcomes, pack)
    sources = sorted(s for s in by_source if s != "(all rows)")
    caught_th = sum(1 for _, o in thallium if o.flags)
    brands_in_pack = sum(1 for r in rows if r.brand != "-" and r.brand in pack)
    out = [
        "# Real-world detection: names real attackers registered",
        "",
        f"Generated by `bench/realworld.py` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        f" from commit {commit_of()}, engine built from rules/"
        + ", rules/".join(d for d in RULE_DIRS if not (args.without_campaigns and d == "campaigns"))
        + f" ({len(pack)} pack brands) and the shipped popular list"
        f" ({len(engine.index.popular):,} domains). Labels: `bench/data/realworld-labels.tsv`"
        " (rules in its header); targeted rows are every row of"
        " ../shared/data/realworld-dev/targeted.tsv, openphish rows a seeded sample of 2,000"
        " hosts of the OpenPhish feed (measurement only: nothing derived from it ships).",
        "",
        "A row is *caught* when the verdict is warn or block; *right brand* counts caught rows"
        " whose warn/block reasons name the labelled brand (possible only for pack brands)."
        " *Pack* rows imitate a brand the pack has (its `name:`); *all* rows imitate any brand."
        " Campaign-weighted recall is the mean of per-campaign recall.",
        "",
        "## Summary",
        "",
        "| measure | result | target |",
        "|---|---|---|",
    ]
    total = by_source["(all rows)"]
    out.append(f"| brand rows caught, pack brands | {total['pack'].rate()} | ≥ 90 % per source |")
    out.append(f"| brand rows caught, all brands | {total['all'].rate()} | — |")
    out.append(
        f"| campaign-weighted, pack / all | {campaign_weighted(by_campaign, None, 'pack')} /"
        f" {campaign_weighted(by_campaign, None, 'all')} | — |"
    )
    out.append(
        f"| OpenPhish hosts outside the labelled sample (unlabelled, held out), flagged |"
        f" {ratio(rest['flagged'], rest['hosts'])} | — |"
    )
    out.append(
        f"| ... of them naming a pack brand (quality.py's reference test), flagged |"
        f" {ratio(rest['imitating_flagged'], rest['imitating'])} | — |"
    )
    out.append(
        "| ... of them let pass, by where the name stands: tenant / subdomain / registrable"
        " label under a legacy generic TLD / under another |"
        f" {' / '.join(str(rest[f'missed_{p}']) for p in PLACES)} | — |"
    )
    out.append(
        f"| ... the same test on the labelled OpenPhish sample, flagged |"
        f" {ratio(rest['sample_imitating_flagged'], rest['sample_imitating'])} | — |"
    )
    out.append(
        f"| THALLIUM by name alone (no campaign rules) | {caught_th}/{len(thallium)} | ≥ 25/50 |"
    )
    noticed_th = sum(1 for _, o in thallium if o.signals and not o.flags)
    out.append(
        f"| THALLIUM, notices only (suspicious-name below warn) | {noticed_th}/{len(thallium)}"
        f" (with warn/block: {caught_th + noticed_th}/{len(thallium)}) | — |"
    )
    for name, title in (("radar", "Radar 2026 top-100k, unshipped half"),
                        ("alexa", "Alexa 2015 ranks 25,001-50,000")):  # fmt: skip
        data = neg[name]
        out.append(
            f"| false alarms, {title} | {ratio(len(data['alarms']), data['measured'])} | ≤ 0.1 % |"  # type: ignore[arg-type]
        )
        out.append(
            f"| notices (below warn), {title} |"
            f" {ratio(len(data['notices']), data['measured'])} | — |"  # type: ignore[arg-type]
        )
    flagged_official = sum(
        1
        for name in neg
        for _, o in neg[name]["official"]
        if o.flags  # type: ignore[attr-defined]
    )
    n_official = sum(len(neg[name]["official"]) for name in neg)  # type: ignore[arg-type]
    out.append(
        f"| official domains flagged (negative sets) | {flagged_official} of {n_official} | 0 |"
    )
    found: dict[str, list[tuple[str, Outcome]]] = proxy["found"]  # type: ignore[assignment]
    for place, host in PROXY_PLACES:
        out.append(
            f"| host-level proxy: measured labels as {place} (`{host.format('<label>')}`)"
            f" warned | {ratio(len(found[place]), proxy['labels'])} | — |"  # type: ignore[arg-type]
        )
    out.append(
        f"| host-level proxy: labels holding a brand keyword as tenants warned (by design for"
        f" most; a rise is a rule reading more of them) |"
        f" {ratio(proxy['keyword_tenants'], proxy['keyword_labels'])} | — |"  # type: ignore[arg-type]
    )
    out += [
        "",
        f"Rows: {len(rows):,} ({sum(1 for r in rows if r.brand != '-'):,} imitate a brand,"
        f" {brands_in_pack:,} of them a pack brand). Brand rows whose registrable domain is on"
        f" the shipped popular list (a free pass by design): {len(popular_free)}"
        + (" — " + ", ".join(f"`{r.host}`" for r in popular_free) if popular_free else "")
        + ".",
        "",
        "## Recall per source",
        "",
        "| source | pack brands | right brand | all brands | campaign-weighted (pack / all) |",
        "|---|---|---|---|---|",
    ]
    for source in [*sources, "(all rows)"]:
        pk, al = by_source[source]["pack"], by_source[source]["all"]
        scope = None if source == "(all rows)" else source
        weighted = (
            f"{campaign_weighted(by_campaign, scope, 'pack')} /"
            f" {campaign_weighted(by_campaign, scope, 'all')}"
        )
        out.append(
            f"| {source} | {pk.rate()} | {pk.right}/{pk.caught} | {al.rate()} | {weighted} |"
        )
    out += ["", "### Per campaign", "", "| source | campaign | pack brands | all brands |",
            "|---|---|---|---|"]  # fmt: skip
    for (source, campaign), tallies in sorted(by_campaign.items()):
        out.append(
            f"| {source} | {campaign} | {tallies['pack'].rate()} | {tallies['all'].rate()} |"
        )
    out += ["", "## Recall per cause", "", "| cause | pack brands | right brand | all brands |",
            "|---|---|---|---|"]  # fmt: skip
    for cause in CAUSES:
        pk, al = by_cause[cause]["pack"], by_cause[cause]["all"]
        out.append(f"| {cause} | {pk.rate()} | {pk.right}/{pk.caught} | {al.rate()} |")
    out += _no_brand_section(rows, outcomes)
    out += [
        "",
        "## THALLIUM by name alone",
        "",
        "The 50 domains of Microsoft's 2019 takedown, checked by an engine compiled without"
        " rules/campaigns (so the THALLIUM blocklist does not count).",
        "",
        f"Caught {caught_th}/{len(thallium)}: "
        + (", ".join(f"`{h}` ({reason_text(o)})" for h, o in thallium if o.flags) or "none")
        + ". Notices only: "
        + (", ".join(f"`{h}`" for h, o in thallium if o.signals and not o.flags) or "none")
        + ". Missed: "
        + ", ".join(f"`{h}`" for h, o in thallium if not o.flags and not o.signals)
        + ".",
    ]
    out += _false_alarm_section(neg)
    out += _proxy_section(proxy)
    out += _miss_section(rows, outcomes, pack)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(out) + "\n")
    start = out.index("## Summary") + 2
    return out[start : out.index("", start)]


def _no_brand_section(rows: list[Row], outcomes: dict[tuple[str, str], Outcome]) -> list[str]:
    out = ["", "## Rows of no brand flagged", "",
           "| dataset | cause | rows | flagged (warn/block) | signal below warn |",
           "|---|---|---|---|---|"]  # fmt: skip
    kinds: Counter[str] = Counter()
    for dataset in ("targeted", "openphish"):
        for cause in ("generic", "none"):
            group = [
                r for r in rows if r.dataset == dataset and r.brand == "-" and r.cause == cause
            ]
            res = [outcomes[(r.dataset, r.host)] for r in group]
            for o in res:
                kinds.update(k for k, _, _ in o.flags[:1])
            flagged = sum(1 for o in res if o.flags)
            signal = sum(1 for o in res if not o.flags and o.signals)
            out.append(f"| {dataset} | {cause} | {len(group):,} | {flagged} | {signal} |")
    by_kind = ", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "none"
    out += ["", f"By first reason kind: {by_kind}.", ""]
    flagged_rows = [
        (r, outcomes[(r.dataset, r.host)]) for r in rows
        if r.brand == "-" and outcomes[(r.dataset, r.host)].flags
    ]  # fmt: skip
    for row, res in flagged_rows:
        out.append(f"- `{row.host}` ({row.dataset}, {row.cause}): {reason_text(res)}")
    return out


def _false_alarm_section(neg: dict[str, dict[str, object]]) -> list[str]:
    out = ["", "## False alarms on unshipped popular domains", ""]
    for name, title in (("radar", "Cloudflare Radar 2026 top-100k, unshipped half"),
                        ("alexa", "Alexa 2015 ranks 25,001-50,000")):  # fmt: skip
        data = neg[name]
        alarms: list[tuple[str, Outcome]] = data["alarms"]  # type: ignore[assignment]
        official: list[tuple[str, Outcome]] = data["official"]  # type: ignore[assignment]
        out += [
            f"### {title}",
            "",
            f"{data['listed']:,} domains listed; {data['shipped']:,} skipped because the package"
            f" ships them anyway (on the other popular list); {len(official):,} official domains"
            f" of pack brands counted apart ({sum(1 for _, o in official if o.flags)} flagged);"
            f" {data['measured']:,} measured; {len(alarms)} false alarms.",
            "",
        ]
        by_kind: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for domain, res in alarms:
            kind, rule, _ = res.flags[0]
            by_kind[kind][rule].append(f"`{domain}` ({res.detail})")
        for kind, rules in sorted(by_kind.items(), key=lambda kv: -sum(map(len, kv[1].values()))):
            out.append(f"- **{kind}** ({sum(map(len, rules.values()))})")
            for rule, found in sorted(rules.items(), key=lambda kv: -len(kv[1])):
                out.append(f"  - {rule} ({len(found)}): " + "; ".join(found))
        notices: list[tuple[str, Outcome]] = data["notices"]  # type: ignore[assignment]
        if notices:
            out.append(
                f"- notices below warn ({len(notices)}, not false alarms): "
                + "; ".join(f"`{d}`" for d, _ in notices)
            )
        flagged_official = [(d, o) for d, o in official if o.flags]
        if flagged_official:
            out.append(
                "- **official domains flagged**: "
                + "; ".join(f"`{d}` ({reason_text(o)})" for d, o in flagged_official)
            )
        out.append("")
    return out


#: Examples listed per kind in the host-level proxy section.
PROXY_EXAMPLES = 40


def _proxy_section(proxy: dict[str, object]) -> list[str]:
    found: dict[str, list[tuple[str, Outcome]]] = proxy["found"]  # type: ignore[assignment]
    out = [
        "## Host-level proxy: real names as tenants, subdomains and cheap domains",
        "",
        f"The {proxy['labels']:,} distinct labels of the measured popular domains that hold no"
        " brand keyword (a label holding one warns as a tenant by design), each read as a"
        " hosting tenant, as a subdomain of a neutral domain, as a domain of its own under an"
        " abused TLD and as the label after a sign-on host name (`idp.`) on a neutral domain."
        " Not false alarms in the issue's sense (nobody measured which names real tenants,"
        " subdomains and `.top` domains carry), but the only measure the rules that judge those"
        " hosts have: a rise here is a rule reading ordinary names as brands. After `idp.`,"
        " every label that one popular site or university alone carries warns by design (that"
        " site's sign-in host with its suffix swapped, docs/detection.md): there the count"
        " shows how many names the rule reads, not a rate of mistakes.",
        "",
    ]
    for place, host in PROXY_PLACES:
        by_kind: dict[str, list[str]] = defaultdict(list)
        for label, res in found[place]:
            kind, rule, brand = res.flags[0]
            by_kind[kind].append(f"`{label}` ({brand or rule})")
        out += [f"### as `{host.format('<label>')}` ({len(found[place])})", ""]
        for kind, labels in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
            more = len(labels) - PROXY_EXAMPLES
            out.append(
                f"- **{kind}** ({len(labels)}): "
                + ", ".join(labels[:PROXY_EXAMPLES])
                + (f", and {more} more" if more > 0 else "")
            )
        out.append("")
    return out


def _miss_section(
    rows: list[Row], outcomes: dict[tuple[str, str], Outcome], pack: set[str]
) -> list[str]:
    out = ["## Misses by cause", "",
           "Every brand row not caught, by cause; `*` marks a pack brand. Rows caught for another"
           " brand only are listed after them.", ""]  # fmt: skip
    for cause in CAUSES:
        missed = [r for r in rows if r.brand != "-" and r.cause == cause
                  and not outcomes[(r.dataset, r.host)].flags]  # fmt: skip
        if not missed:
            continue
        out.append(f"### {cause} ({len(missed)})")
        out.append("")
        by_brand: dict[str, list[str]] = defaultdict(list)
        for row in missed:
            signal = " (signal)" if outcomes[(row.dataset, row.host)].signals else ""
            by_brand[row.brand].append(f"`{row.host}`{signal}")
        for brand, hosts in sorted(by_brand.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            star = "*" if brand in pack else ""
            out.append(f"- {brand}{star} ({len(hosts)}): " + ", ".join(hosts))
        out.append("")
    wrong = [
        (r, outcomes[(r.dataset, r.host)]) for r in rows
        if r.brand in pack and outcomes[(r.dataset, r.host)].flags
        and not any(b == r.brand for _, _, b in outcomes[(r.dataset, r.host)].flags)
    ]  # fmt: skip
    out += [f"### caught, but not for the labelled brand ({len(wrong)})", ""]
    for row, res in wrong:
        out.append(f"- `{row.host}` ({row.brand}, {row.cause}): {reason_text(res)}")
    return out


def main() -> None:
    """Run the evaluation and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--without-campaigns", action="store_true",
        help="compile without rules/campaigns (campaign blocklists do not count)",
    )  # fmt: skip
    args = parser.parse_args()
    rows = load_labels()
    shipped = set(PopularList.shipped().domains)
    dirs = [d for d in RULE_DIRS if not (args.without_campaigns and d == "campaigns")]
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(Path(tmp), dirs)
        bare = engine if args.without_campaigns else build_engine(
            Path(tmp), [d for d in RULE_DIRS if d != "campaigns"]
        )  # fmt: skip
    pack = {info.name for info in engine.rules.values() if info.kind == "brand" and info.name}
    outcomes = {(r.dataset, r.host): judge(engine, r.host) for r in rows}
    popular_free = [
        r for r in rows
        if r.brand != "-" and (outcomes[(r.dataset, r.host)].level == "allow")
        and _registered(engine, r.host) in shipped
    ]  # fmt: skip
    thallium = [(h, judge(bare, h)) for h in lines(THALLIUM)]
    neg = negatives(engine, shipped)
    proxy = host_proxy(engine, neg)
    rest = feed_rest(engine)
    summary = write_report(
        rows, outcomes, pack, neg, thallium, engine, args, popular_free, proxy, rest
    )
    print("\n".join(summary))
    print(f"report: {REPORT.relative_to(REPO)} ({time.perf_counter() - began:.0f} s)")


def _registered(engine: Engine, host: str) -> str:
    verdict = engine.check(host)
    return verdict.registered_domain or ""


if __name__ == "__main__":
    main()
