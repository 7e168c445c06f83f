"""The verdict engine: one `check(url) -> Verdict` for the proxy, the API and the CLI.

Order of decisions: explicit allowlist → blocklist (exact host, parent suffixes, URL prefixes)
→ brand-official and popular domains (never lookalikes) → pattern rules and lookalike
detectors. `check` does no SQL and no I/O: everything it needs is loaded into dicts by
`Engine.from_db`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from lureguard.hosts import HostError, Target, display_form, parse_target, split_registered
from lureguard.lookalike import Detector, default_detectors
from lureguard.lookalike.confusables import skeleton
from lureguard.lookalike.index import (
    FANLESS_TAG,
    MAIL_TAG,
    ONE_SITE_TAGS,
    BrandIndex,
    Protected,
    Signal,
)
from lureguard.lookalike.pathtenant import TENANT_DETAIL, tenant_target
from lureguard.lookalike.redirects import wrapped_destination
from lureguard.lookalike.userinfo import shown_domain
from lureguard.ruledata.database import RuleData, RuleDatabaseError, RuleInfo, read_database
from lureguard.ruledata.patterns import PatternIndex
from lureguard.urlnorm import normalize_url
from lureguard.verdict import LEVELS, Level, Reason, Verdict, stricter


class Engine:
    """Holds one loaded rule set; immutable after construction, safe to share across threads."""

    def __init__(self, data: RuleData, detectors: Sequence[Detector] | None = None) -> None:
        self.data = data
        self.rules = data.rules
        # The tables every check reads, held by the engine itself: the native build then
        # reads them natively instead of through RuleData (an interpreted class).
        self.allow_exact = data.allow_exact
        self.allow_suffix = data.allow_suffix
        self.block_exact = data.block_exact
        self.block_suffix = data.block_suffix
        self.url_prefixes = data.url_prefixes
        self.index = _build_index(data)
        self.patterns = PatternIndex(data.patterns)
        self.has_patterns = self.patterns.size > 0  # (PatternIndex is interpreted: read once)
        self.detectors: list[Detector] = list(
            default_detectors() if detectors is None else detectors
        )

    @classmethod
    def from_db(cls, path: Path, detectors: Sequence[Detector] | None = None) -> Engine:
        """Load a compiled rules database (raises `RuleDatabaseError` when unusable)."""
        try:
            data = read_database(path)
            bad = next((r.id for r in data.rules.values() if r.severity not in LEVELS), None)
            if bad is not None:
                raise RuleDatabaseError(f"rule {bad!r} has an unknown severity")
            return cls(data, detectors)
        except RuleDatabaseError as exc:
            raise RuleDatabaseError(_one_line(f"{exc}", path)) from None
        except Exception as exc:  # a damaged file can hold any bytes in any column
            detail = f"{type(exc).__name__}: {exc}"
            message = _one_line(f"rules database {path} is corrupt ({detail})", path)
            raise RuleDatabaseError(message) from None

    @property
    def version(self) -> str:
        """The loaded rule set's version."""
        return self.data.version

    def check(self, text: str, notices: bool = True) -> Verdict:
        """Decide on one URL or host name. Never raises for bad input.

        `notices=False` skips the signals whose rule is a notice: they never change the
        verdict, so the proxy, which acts on verdicts only, spares their cost.
        """
        try:
            target = parse_target(text)
        except HostError as exc:
            return Verdict.invalid(text, str(exc))
        return self.check_target(target, notices)

    def check_target(self, target: Target, notices: bool = True) -> Verdict:
        """Decide on an already parsed target (`notices` as for `check`)."""
        verdict = self._check_host(target, notices)
        if target.url is None or verdict.verdict == "block":
            return verdict
        inside = self._wrapped(target, notices)
        leads_to = (inside.leads_to or inside.registered_domain or inside.host) if inside else None
        found = self._shown_user_name(target) if target.userinfo else []
        found += self._path_tenant(target, notices)
        if inside is not None:
            found += self._wrapped_reasons(target, inside)
        if found and not any(r.kind == "allowlisted" and r.brand is None for r in verdict.reasons):
            # (an allowlist rule's host keeps its verdict: the administrator has decided)
            reasons = [*found, *(r for r in verdict.reasons if r.kind != "allowlisted")]
            return self._verdict(target, _level(reasons), reasons, leads_to)
        if leads_to is None:
            return verdict
        return self._verdict(target, verdict.verdict or "allow", list(verdict.reasons), leads_to)

    def _check_host(self, target: Target, notices: bool) -> Verdict:
        """The verdict on the host alone."""
        host = target.host
        names = target.names
        allowed = self.allow_exact.get(host) or _first(names, self.allow_suffix)
        if allowed is not None:
            info = self.rules[allowed]
            detail = f"{host} is on the allowlist '{info.title}'"
            reason = Reason("allowlisted", info.id, "allow", detail, source=info.source)
            return self._verdict(target, "allow", [reason])
        reasons = self._listed(target, names)
        if reasons:
            return self._verdict(target, _level(reasons), reasons)
        registered = target.registered_domain
        owner = self.index.official_owner(target)
        if owner is not None:
            info = self.rules[owner]
            brand = info.name or info.title
            detail = f"{registered} is an official domain of {brand}"
            reason = Reason(
                "allowlisted", info.id, "allow", detail,
                brand=brand, target=registered, source=info.source,
            )  # fmt: skip
            return self._verdict(target, "allow", [reason])
        if target.is_ip or registered in self.index.popular:
            return self._verdict(target, "allow", [])
        namesake = self.index.namesakes.get(registered)
        if namesake is not None:
            info = self.rules[namesake]
            brand = info.name or info.title
            detail = f"{registered} is another owner's site that shares {brand}'s name"
            reason = Reason("allowlisted", info.id, "allow", detail, brand=brand,
                            source=info.source)  # fmt: skip
            return self._verdict(target, "allow", [reason])
        found: list[Reason] = self._pattern_reasons(host) if self.has_patterns else []
        for detector in self.detectors:
            found.extend(detector.detect(target, self.index, notices))
        if not found:
            return self._verdict(target, "allow", found)  # (empty: no second list built)
        return self._verdict(target, _level(found), found)

    def may_match(self, host: str) -> bool:
        """True when the host itself is flagged or a URL rule may flag some path on it.

        The proxy uses this at CONNECT time: only such hosts are decrypted.
        """
        if host in self.url_prefixes:
            return True
        return self.check(host).flagged

    def _listed(self, target: Target, names: tuple[str, ...]) -> list[Reason]:
        host = target.host
        reasons: list[Reason] = []
        rule_id = self.block_exact.get(host)
        if rule_id is not None:
            reasons.append(
                self._list_reason("blocklist", self.rules[rule_id], f"{host} is on the blocklist")
            )
        else:
            rule_id = _first(names, self.block_suffix)
            if rule_id is not None:
                info = self.rules[rule_id]
                reasons.append(
                    self._list_reason("blocklist", info, f"{host} is inside a blocklisted domain")
                )
        prefixes = self.url_prefixes.get(host)
        if prefixes and target.url is not None:
            # Prefixes are stored in this canonical form (database.read_database).
            bare = normalize_url(target.url).split("://", 1)[1]
            for prefix, prefix_rule in prefixes:
                if bare.startswith(prefix):
                    info = self.rules[prefix_rule]
                    reasons.append(
                        self._list_reason(
                            "url-rule",
                            info,
                            f"the address starts with a blocklisted URL ({prefix})",
                        )
                    )
        return reasons

    def _path_tenant(self, target: Target, notices: bool) -> list[Reason]:
        """`https://storage.googleapis.com/paypal-login/`: a customer's site in the path of a
        platform's own host, judged as the tenant it is (`lookalike.pathtenant`)."""
        tenant = tenant_target(target)
        if tenant is None or tenant.host in self.allow_exact:
            return []  # (an allowlist rule may name one customer's site: explain-fp offers it)
        found = self._listed(tenant, tenant.names)
        if not found:
            for detector in self.detectors:
                found.extend(detector.detect(tenant, self.index, notices))
        where = f"{TENANT_DETAIL}{target.host}, read as {tenant.unicode_host}"
        return _told_where(where, found)

    def _wrapped(self, target: Target, notices: bool) -> Verdict | None:
        """`https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fpaypa1.com`: the
        verdict on the address inside a link that a mail filter or redirector wrapped
        (`lookalike.redirects`), or None when the link is no such wrapper."""
        inside = wrapped_destination(target)
        if inside is None or len(inside) >= len(target.input):
            return None  # each address inside is shorter: nested wrappers end
        inner = self.check(inside, notices)
        return inner if inner.error is None else None

    @staticmethod
    def _wrapped_reasons(target: Target, inner: Verdict) -> list[Reason]:
        """The warn and block reasons of the address inside, saying the link passes through."""
        where = f"the link goes through {target.host} to {inner.display_host}"
        return _told_where(where, [r for r in inner.reasons if r.level in ("warn", "block")])

    def _shown_user_name(self, target: Target) -> list[Reason]:
        """`https://www.paypal.com@evil.net/`: a brand's address as the URL's user name."""
        shown = shown_domain(target, self.index)
        if shown is None:
            return []
        rule_id, written, domain = shown
        info = self.rules[rule_id]
        brand = info.name or info.title
        detail = (
            f"the address shows {written} before an '@', but everything before '@' is a user "
            f"name: the browser goes to {target.unicode_host}; real site: {domain}"
        )
        reason = Reason(
            "target-embedding", info.id, info.severity, detail,
            brand=brand, target=domain, source=info.source,
        )  # fmt: skip
        return [reason]

    def _pattern_reasons(self, host: str) -> list[Reason]:
        """Pattern rules run after the blocklist and never flag official or popular domains."""
        return [
            self._list_reason("pattern", self.rules[rule_id], f"{host} matches '{pattern.text}'")
            for pattern, rule_id in self.patterns.match(host)
        ]

    @staticmethod
    def _list_reason(kind: str, info: RuleInfo, detail: str) -> Reason:
        title = f" '{info.title}'" if info.title and info.title != info.id else ""
        return Reason(kind, info.id, info.severity, f"{detail}{title}", source=info.source)  # type: ignore[arg-type]

    @staticmethod
    def _verdict(
        target: Target, level: Level, reasons: list[Reason], leads_to: str | None = None
    ) -> Verdict:
        return Verdict(
            input=target.input,
            host=target.host,
            registered_domain=target.registered_domain or None,
            verdict=level,
            reasons=tuple(reasons),
            display_host=display_form(target.unicode_host, target.host),
            leads_to=leads_to,
        )


def _told_where(where: str, reasons: list[Reason]) -> list[Reason]:
    """`reasons` found on another address than the input's, each detail saying which; no
    positions, which would point into that address, not into the host shown."""
    return [
        Reason(r.kind, r.rule_id, r.level, f"{where}: {r.detail}", brand=r.brand,
               target=r.target, source=r.source)
        for r in reasons
    ]  # fmt: skip


def _one_line(message: str, path: Path) -> str:
    """Messages about a damaged file quote its bytes: keep them to one short line."""
    text = " ".join(message.split())
    if str(path) not in text:
        text = f"rules database {path} is corrupt: {text}"
    return text if len(text) <= 300 else text[:299] + "…"


def _first(names: tuple[str, ...], table: dict[str, str]) -> str | None:
    """The value of the longest name found in `table` (most specific entry wins)."""
    if table:
        for name in names:
            value = table.get(name)
            if value is not None:
                return value
    return None


def _level(reasons: Sequence[Reason]) -> Level:
    """The verdict of some reasons: the strictest level, where a notice still allows."""
    level: Level = "allow"
    for reason in reasons:
        level = stricter(level, reason.level)
    return "allow" if level == "notice" else level


def _build_index(data: RuleData) -> BrandIndex:
    index = BrandIndex(
        official=dict(data.brand_domains), popular=data.popular, namesakes=dict(data.namesakes)
    )
    for label, skel, domain, rule_id in data.protected:
        info = data.rules[rule_id]
        entry = Protected(
            label, domain, rule_id, info.name or info.title, info.severity, info.source
        )
        index.add(entry, skel)
    for info in data.rules.values():
        if info.kind == "signal":
            index.signals[info.name] = Signal(info.id, info.severity, info.source)
    for label, skel, domain, rule_id in data.context:
        info = data.rules[rule_id]
        entry = Protected(
            label, domain, rule_id, info.name or info.title, info.severity, info.source
        )
        index.add_context(entry, skel)
    own: dict[str, set[str]] = defaultdict(set)
    for word, rule_id in data.brand_words:
        own[rule_id].add(skeleton(word))
    index.brand_words = {rule_id: frozenset(words) for rule_id, words in own.items()}
    index.mail_rules = frozenset(
        rule_id for rule_id, info in data.rules.items() if MAIL_TAG in info.tags
    )
    index.one_site_rules = frozenset(
        rule_id for rule_id, info in data.rules.items() if not ONE_SITE_TAGS.isdisjoint(info.tags)
    )
    index.fanless_rules = frozenset(
        rule_id for rule_id, info in data.rules.items() if FANLESS_TAG in info.tags
    )
    for domain, rule_id in data.brand_domains.items():
        registered, label, suffix = split_registered(domain)
        if registered == domain:  # aws.amazon.com says nothing about amazon's suffixes
            index.label_suffixes[label].add(suffix)
            info = data.rules[rule_id]
            entry = Protected(
                label, domain, rule_id, info.name or info.title, info.severity, info.source
            )
            index.add_official(entry, skeleton(label))
    for word, domain, rule_id in data.initials:
        info = data.rules[rule_id]
        entry = Protected(
            word, domain, rule_id, info.name or info.title, info.severity, info.source
        )
        index.initials.setdefault(word, []).append(entry)
    index.finalize()
    return index
