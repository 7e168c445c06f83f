"""Why a legitimate site warned, and which rule change fixes it (`lureguard rules explain-fp`).

For every reason of the engine's verdict: the rule and the file and line it came from (the
compiled database keeps both), what matched (a protected name, a list entry, a pattern), and
the changes that would fix it, one per cause, each as exact YAML lines: the brand owns the
domain (its `domains` or a `domain_families` suffix), an unrelated owner carries the brand's
name (`namesakes`), the name is an ordinary word (`keywords` → `context_keywords`), a list
entry (delete it, or allowlist the host), a brand-less signal (its `severity`). Which cause
applies only the author can tell; they are listed with the likeliest for that kind first.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from lureguard.engine import Engine
from lureguard.hosts import parse_target, split_registered
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.pathtenant import TENANT_DETAIL, tenant_target
from lureguard.lookalike.redirects import wrapped_destination
from lureguard.popular import ALEXA_FILE, RADAR_FILE
from lureguard.ruleset.protect import shared_name
from lureguard.ruleset.yamledit import Edit, RuleSource
from lureguard.verdict import Reason, Verdict

#: The shipped popular lists, as a rule author should hear of them.
POPULAR_LISTS: tuple[tuple[str, str], ...] = (
    (ALEXA_FILE, "Alexa top sites of 2015, ranks 1-25,000"),
    (RADAR_FILE, "the shipped half of Cloudflare Radar's 2026 top-100k"),
)
ALLOWLIST_ID = "allow/local-names"
NO_RULE = "no rule matches it"
_LOOKALIKE = ("homoglyph", "idn-mixed-script", "typo", "bitsquat")


@dataclass(frozen=True, slots=True)
class RuleRef:
    """A rule as the compiled database knows it."""

    id: str
    kind: str
    name: str
    file: str
    line: int
    source: str
    severity: str
    reference: str = ""

    @property
    def where(self) -> str:
        """`file:line`, or the file alone."""
        return f"{self.file}:{self.line}" if self.line else self.file or "(unknown file)"


@dataclass(frozen=True, slots=True)
class Fix:
    """One cause and the change that fixes it."""

    cause: str
    text: str
    edits: tuple[Edit, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {"cause": self.cause, "text": self.text, "edits": [e.to_dict() for e in self.edits]}


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason of the verdict, where it came from and how to fix it."""

    reason: Reason
    rule: RuleRef
    matched: str
    matched_as: str
    fixes: tuple[Fix, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "reason": self.reason.to_dict(),
            "rule": {
                "id": self.rule.id, "kind": self.rule.kind, "name": self.rule.name,
                "file": self.rule.file, "line": self.rule.line, "source": self.rule.source,
                "severity": self.rule.severity,
            },
            "matched": self.matched,
            "matched_as": self.matched_as,
            "fixes": [f.to_dict() for f in self.fixes],
        }  # fmt: skip


@dataclass(frozen=True)
class Explanation:
    """The verdict, and either why it allows or a finding per flagging reason."""

    verdict: Verdict
    allowed_because: str = ""
    findings: tuple[Finding, ...] = ()
    popular_note: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def flagged(self) -> bool:
        """True for warn and block."""
        return self.verdict.flagged

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (the verdict in its contract shape)."""
        return {
            "verdict": self.verdict.to_dict(),
            "flagged": self.flagged,
            "allowed_because": self.allowed_because or None,
            "findings": [f.to_dict() for f in self.findings],
            "popular_lists": [f"{name}: {what}" for name, what in POPULAR_LISTS],
            "popular_note": self.popular_note or None,
            "notes": list(self.notes),
        }


class Explainer:
    """Explains verdicts of one compiled rule set; `bases` are where its file names start."""

    def __init__(
        self, engine: Engine, db: Path, bases: Sequence[Path], allowlist: Path | None = None
    ) -> None:
        self.engine = engine
        self.bases = list(bases)
        self.refs = _rule_refs(db, engine)
        self.allowlist = allowlist
        self._sources: dict[str, RuleSource] = {}

    def explain(self, text: str) -> Explanation:
        """The explanation of `text` (a host or URL; check `verdict.error` for bad input).
        A wrapped link (Safe Links, a redirector) is explained by the address inside, where
        its reasons come from and where a fix applies."""
        verdict = self.engine.check(text)
        if verdict.error is not None:
            return Explanation(verdict)
        inside = wrapped_destination(parse_target(text)) if verdict.leads_to else None
        if inside is not None and len(inside) < len(text):
            inner = self.explain(inside)
            note = f"the link goes through {verdict.host}: explained for the address inside"
            return replace(inner, notes=(f"{note}, {inside}", *inner.notes))
        flagging = [r for r in verdict.reasons if r.kind != "allowlisted" and r.level != "allow"]
        notes = tuple(
            f"{r.rule_id} reports a notice (allowed, logged): {r.detail}"
            for r in flagging
            if r.level == "notice"
        )
        if not verdict.flagged:
            because = self._allowed_because(verdict)
            if notes and because == NO_RULE:
                because = "its only reasons are notices, which are reported and still allow"
            return Explanation(verdict, because, notes=notes)
        findings = tuple(self._finding(verdict, r) for r in flagging if r.level != "notice")
        popular = ""
        if any(
            f.rule.kind == "brand" and not f.reason.detail.startswith(TENANT_DETAIL)
            for f in findings
        ):  # (a customer's site in a platform's path is on no popular list: the platform is)
            popular = self._popular_note(verdict)
        return Explanation(verdict, findings=findings, popular_note=popular, notes=notes)

    # -- allowed -------------------------------------------------------------------------

    def _allowed_because(self, verdict: Verdict) -> str:
        for reason in verdict.reasons:
            if reason.kind == "allowlisted":
                ref = self.refs.get(reason.rule_id)
                where = f" ({reason.rule_id}, {ref.where})" if ref else f" ({reason.rule_id})"
                return f"{reason.detail}{where}"
        registered = verdict.registered_domain or ""
        if not registered:
            return f"{verdict.host} is an address or a name without a public suffix"
        if registered in self.engine.data.popular:
            lists = [name for name, _what in POPULAR_LISTS if registered in _shipped(name)]
            which = " and ".join(lists) if lists else "the rule set's popular list"
            return f"{registered} is a popular domain ({which}), never called a lookalike"
        return NO_RULE

    def _popular_note(self, verdict: Verdict) -> str:
        registered = verdict.registered_domain or verdict.host or ""
        consulted = "; ".join(f"{name} ({what})" for name, what in POPULAR_LISTS)
        return (
            f"{registered} is on no shipped popular list (consulted: {consulted}); a domain on "
            "one is never called a lookalike. If it is a widely used site, allowlisting it is "
            "the local fix until a refreshed list ships."
        )

    # -- flagged -------------------------------------------------------------------------

    def _finding(self, verdict: Verdict, reason: Reason) -> Finding:
        ref = self.refs.get(reason.rule_id) or RuleRef(
            reason.rule_id, "", reason.brand or "", "", 0, reason.source or "", reason.level
        )
        source = self._source(ref)
        if reason.kind in ("blocklist", "url-rule"):
            return self._listed(verdict, reason, ref, source)
        if reason.kind == "pattern":
            match = re.search(r"matches '([^']+)'", reason.detail)
            pattern = match.group(1) if match else ""
            _file, line = source.entry_line("patterns", pattern) if pattern else ("", 0)
            fix = Fix(
                "pattern",
                f"The pattern '{pattern}' of {ref.id} matches this host: make it narrower "
                f"({ref.file}:{line or ref.line}), or allowlist the host.",
            )
            return Finding(reason, ref, pattern, "patterns", (fix, self._allow(verdict, True)))
        if reason.detail.startswith(TENANT_DETAIL):
            tenant = tenant_target(parse_target(verdict.input))
            if tenant is not None:
                return self._tenant(reason, ref, source, tenant.host)
        if ref.kind == "signal":
            return self._signal(verdict, reason, ref, source)
        return self._brand(verdict, reason, ref, source)

    def _tenant(self, reason: Reason, ref: RuleRef, source: RuleSource, site: str) -> Finding:
        """A reason found on a customer's site in a platform's path (`lookalike.pathtenant`):
        the platform's host is not the site, so its domain, namesake or allowlist fixes would
        name the platform; the site is allowed by its own host name."""
        matched, matched_as = self._matched(reason, ref, source)
        official = [d for d, rule in self.engine.data.brand_domains.items() if rule == ref.id]
        word = self._word_fix(ref, source, matched, matched_as, official)
        allow = self._allowlist_fix(
            site,
            f"The page is a customer's site, read as {site}: to allow it and change nothing "
            f"else, allowlist {site} (allowlisting the platform's host would allow every "
            "customer's site on it).",
        )
        return Finding(reason, ref, matched, matched_as, (*((word,) if word else ()), allow))

    def _listed(
        self, verdict: Verdict, reason: Reason, ref: RuleRef, source: RuleSource
    ) -> Finding:
        host = verdict.host or ""
        if reason.kind == "url-rule":
            match = re.search(r"\(([^)]+)\)", reason.detail)
            entry, key = (match.group(1) if match else host), "urls"
        elif host in self.engine.block_exact:
            entry, key = host, "hosts"
        else:
            parent = host
            while parent and parent not in self.engine.block_suffix:
                parent = parent.partition(".")[2]
            entry, key = f"*.{parent}" if parent else host, "hosts"
        file, line = source.entry_line(key, entry)
        edits = (Edit(file, line, "delete", entry),) if line else ()
        origin = f" (source: {ref.source})" if ref.source else ""
        report = f" and tell its maintainers ({ref.reference})" if ref.reference else ""
        delete = Fix(
            "list-entry",
            f"'{entry}' is listed by {ref.id}{origin}. If it was listed by mistake, delete it; "
            "a feed brings it back at its next import, so for an imported feed allowlist the "
            f"host instead (the importer skips allowlisted names){report}.",
            edits,
        )
        return Finding(reason, ref, entry, key, (delete, self._allow(verdict, False)))

    def _signal(
        self, verdict: Verdict, reason: Reason, ref: RuleRef, source: RuleSource
    ) -> Finding:
        severity = Fix(
            "signal-severity",
            f"{ref.id} flags this shape of name on any site, without a brand; its severity "
            f"({ref.severity}) decides what it does. Set it to notice to report such names "
            "without a warning.",
            (source.set("severity", "notice"),),
        )
        return Finding(
            reason, ref, reason.target or "", "signal", (self._allow(verdict, True), severity)
        )

    def _brand(self, verdict: Verdict, reason: Reason, ref: RuleRef, source: RuleSource) -> Finding:
        registered = verdict.registered_domain or verdict.host or ""
        _reg, label, suffix = split_registered(registered)
        brand = reason.brand or ref.name or ref.id
        matched, matched_as = self._matched(reason, ref, source)
        official = [d for d, rule in self.engine.data.brand_domains.items() if rule == ref.id]
        fixes: list[Fix] = []
        families = source.data.get("domain_families")
        family = next(
            (
                i for i, f in enumerate(families or [])
                if isinstance(f, dict) and str(f.get("label", "")).lower() == label
            ),
            None,
        )  # fmt: skip
        if family is not None:
            own = Fix(
                "country-domain",
                f"If {registered} is {brand}'s own site for '.{suffix}': add '{suffix}' to the "
                f"brand's domain family '{label}', whose domains are never flagged.",
                (source.add(("domain_families", family, "suffixes"), suffix),),
            )
        else:
            own = Fix(
                "brand-domain",
                f"If {brand} owns {registered} (a country or regional site, a CDN, a console, "
                "a game or video site): add it to the brand's domains, which are never flagged.",
                (source.add(("domains",), registered),),
            )
        namesake = Fix(
            "namesake",
            f"If {registered} belongs to an unrelated owner that carries the name "
            f"'{matched or brand}': list it as one of the brand's namesakes (allowed, with a "
            "reason that says so).",
            (source.add(("namesakes",), registered),),
        )
        word = self._word_fix(ref, source, matched, matched_as, official)
        own_word = self._own_word_fix(verdict, reason, source)
        if reason.kind == "tld-swap":
            fixes += [own, namesake]
        elif reason.kind in _LOOKALIKE:
            fixes += [namesake, own]
        else:
            fixes += [own, namesake]
        if word is not None:
            fixes.insert(0 if reason.kind in _LOOKALIKE else 1, word)
        if own_word is not None:
            fixes.insert(1, own_word)
        fixes.append(self._allow(verdict, True))
        return Finding(reason, ref, matched, matched_as, tuple(fixes))

    def _word_fix(
        self,
        ref: RuleRef,
        source: RuleSource,
        matched: str,
        matched_as: str,
        official: list[str],
    ) -> Fix | None:
        if matched_as not in ("keywords", "domains") or not matched:
            return None
        why = shared_name(matched, sorted(self.engine.data.popular), official)
        if why is None:
            return None
        text = (
            f"{why}. Move it from keywords to context_keywords, so it counts only beside lure "
            f"words ('{matched}-login'), never bare or misspelled."
        )
        after = "keywords" if matched_as == "keywords" else "domains"
        context = source.add(("context_keywords",), matched, after=after)
        if matched_as == "keywords":
            removed = source.remove(("keywords",), matched)
            return Fix("ordinary-word", text, (*((removed,) if removed else ()), context))
        # No `keywords`: every domain's label is protected; name the others explicitly.
        others = sorted(
            {label for label, _skel, _dom, rule in self.engine.data.protected if rule == ref.id}
            - {matched}
        )
        keywords = (source.put("keywords", others),) if others else ()
        return Fix("ordinary-word", text, (*keywords, context))

    def _own_word_fix(self, verdict: Verdict, reason: Reason, source: RuleSource) -> Fix | None:
        """Remove the brand's own lure words (`lure_words`) that stand in the host: beside the
        name they may be what made it a combination."""
        if reason.kind not in ("combosquat", "target-embedding"):
            return None
        host = skeleton(verdict.host or "")
        own = [w for w in source.values("lure_words") if skeleton(w) in host]
        if not own:
            return None
        edits = tuple(e for w in own if (e := source.remove(("lure_words",), w)) is not None)
        words = " and ".join(f"'{w}'" for w in own)
        text = (
            f"{words}, a lure word of this brand only (lure_words), may be an ordinary word "
            "beside its name here: remove it from lure_words if sites like this one use it."
        )
        return Fix("own-lure-word", text, edits)

    def _matched(self, reason: Reason, ref: RuleRef, source: RuleSource) -> tuple[str, str]:
        """The protected name behind a brand reason, and the key that protects it."""
        data = self.engine.data
        names = [(lab, dom, "keywords") for lab, _s, dom, rule in data.protected if rule == ref.id]
        names += [(lab, dom, "context") for lab, _s, dom, rule in data.context if rule == ref.id]
        # Quoted names, not the apostrophe of a possessive (`Chase's name 'chase'`).
        quoted = set(re.findall(r"(?<![A-Za-z])'([^']+)'(?![A-Za-z])", reason.detail))
        chosen = next((n for n in names if n[0] in quoted), None)
        chosen = chosen or next((n for n in names if n[1] == reason.target), None)
        if chosen is None:
            return "", ""
        label, _domain, table = chosen
        if source.doc is None:
            return label, "keywords" if table == "keywords" else "context_keywords"
        if label in source.values("keywords"):
            return label, "keywords"
        if label in source.values("context_keywords"):
            return label, "context_keywords"
        if table == "context":
            return label, "login_hosts"
        return label, "domains"

    def _allow(self, verdict: Verdict, whole_domain: bool) -> Fix:
        registered = verdict.registered_domain or ""
        entry = f"*.{registered}" if whole_domain and registered else verdict.host or ""
        return self._allowlist_fix(
            entry,
            f"To allow this one site and change nothing else: allowlist {entry} (on a fleet, "
            "the policy's allow list does the same for every laptop).",
        )

    def _allowlist_fix(self, entry: str, text: str) -> Fix:
        ref = self.refs.get(ALLOWLIST_ID)
        path = self.allowlist
        shown = str(path) if path else "rules/allowlists/local.yaml"
        if ref is not None:
            shown, path = ref.file, self._resolve(ref.file) or path
        source = RuleSource(shown, path, ALLOWLIST_ID)
        return Fix("allowlist", text, (source.add(("hosts",), entry),))

    def _source(self, ref: RuleRef) -> RuleSource:
        if ref.id not in self._sources:
            self._sources[ref.id] = RuleSource(ref.file, self._resolve(ref.file), ref.id)
        return self._sources[ref.id]

    def _resolve(self, shown: str) -> Path | None:
        if not shown:
            return None
        path = Path(shown)
        if path.is_absolute():
            return path if path.is_file() else None
        for base in self.bases:
            if (base / path).is_file():
                return base / path
        return None


def _rule_refs(db: Path, engine: Engine) -> dict[str, RuleRef]:
    """Every rule's file and line as compiled (empty where the database lacks them)."""
    places: dict[str, tuple[str, int]] = {}
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            for rule_id, file, line in conn.execute("SELECT id, file, line FROM rules"):
                places[str(rule_id)] = (str(file or ""), int(line or 0))
        finally:
            conn.close()
    except sqlite3.Error:
        pass
    refs = {}
    for rule_id, info in engine.rules.items():
        file, line = places.get(rule_id, ("", 0))
        refs[rule_id] = RuleRef(
            rule_id, info.kind, info.name or info.title, file, line, info.source, info.severity,
            info.reference,
        )  # fmt: skip
    return refs


@cache
def _shipped(name: str) -> frozenset[str]:
    """One shipped popular list's domains."""
    text = resources.files("lureguard").joinpath(name).read_text("utf-8")
    return frozenset(
        line.split("#", 1)[0].strip().lower() for line in text.splitlines() if line.strip()
    )
