"""The warning page and the short 403: rendering plus the headers that keep them safe.

Every value that comes from the visited site (host, path, referrer) is escaped by Jinja2's
autoescape. The page runs no script at all; its only style is hashed into the CSP, it cannot
be framed and is never cached, so the forms' one-time tokens never outlive the page.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import jinja2
import markupsafe

from lureguard.proxy import bypass
from lureguard.proxy.highlight import compare
from lureguard.verdict import Reason, Verdict

#: Unicode categories never shown as they are: format (bidi, zero-width), controls, separators.
_HIDDEN = frozenset({"Cf", "Cc", "Zl", "Zp", "Co", "Cn"})

#: Path prefix under which the warning page's forms post back to the proxy.
ACTION_BASE = "/.well-known/lureguard/"

_SENTENCES = {
    "homoglyph": "This address uses look-alike characters to imitate {target}.",
    "idn-mixed-script": "This address mixes letters from different alphabets to look like "
    "{target}.",
    "typo": "This address is a misspelling of {target}.",
    "bitsquat": "This address differs from {target} by a single flipped bit, a trick for "
    "catching mistyped or corrupted requests.",
    "tld-swap": "This address uses {brand}'s name with a different ending than {target}.",
    "combosquat": "This address adds words to {brand}'s name, but {brand} does not own it.",
    "target-embedding": "This address starts with {target}, but the site you would reach is "
    "someone else's.",
    "blocklist": "This site is on a blocklist of known phishing or malware sites.",
    "url-rule": "This page is on a blocklist of known phishing pages.",
    "pattern": "This address matches a pattern used by known phishing campaigns.",
    "link-mismatch": "The link you followed named a different site than the one it leads to.",
}


@dataclass(frozen=True)
class Rendered:
    """A response ready to send."""

    status: int
    body: bytes
    headers: dict[str, str]


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("lureguard.proxy", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=visible,
    )


def visible(value: object) -> object:
    """Show bidi controls and invisible characters as `<U+202E>` text: in an attacker's host,
    path or referrer they would reorder or hide what the page says."""
    if not isinstance(value, str) or isinstance(value, markupsafe.Markup):
        return value
    if value.isascii() and value.isprintable():
        return value
    return "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c) in _HIDDEN else c for c in value)


@cache
def _css() -> str:
    return (resources.files("lureguard.proxy") / "templates" / "warning.css").read_text("utf-8")


@cache
def security_headers() -> dict[str, str]:
    """Headers for every page the proxy itself serves.

    The pages are served on the flagged site's own origin, so they isolate themselves from it:
    `sandbox` (forms only) gives them an opaque origin whose DOM no script of the site can read,
    and COOP cuts the link to a window of the site that opened them.
    """
    digest = base64.b64encode(hashlib.sha256(_css().encode()).digest()).decode()
    csp = (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; sandbox allow-forms"
    )
    return {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": csp,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
        "Pragma": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def sentence(reason: Reason | None) -> str:
    """The reason in one plain sentence."""
    if reason is None:
        return "This address matched one of lureguard's rules."
    template = _SENTENCES.get(reason.kind, "This address matched the rule {rule}.")
    return template.format(
        target=reason.target or "a well-known site",
        brand=reason.brand or "the brand",
        rule=reason.rule_id,
    )


def main_reason(verdict: Verdict) -> Reason | None:
    """The reason the page leads with: the strictest, preferring one that names a real site."""
    flagged = [r for r in verdict.reasons if r.level != "allow"]
    if not flagged:
        return None
    flagged.sort(key=lambda r: (r.level != "block", r.target is None))
    return flagged[0]


def warning_page(
    verdict: Verdict,
    *,
    action: str,
    url: str,
    ruleset: str,
    proceed_tokens: dict[str, str],
    report_token: str | None,
    referrer: str | None = None,
    notice: str | None = None,
    choices: list[bypass.Choice] | None = None,
    visited_address: str | None = None,
) -> Rendered:
    """The full warning page for a navigation; `choices` are the bypass lengths offered,
    `proceed_tokens` the one-time token of each (empty: no "proceed anyway").
    `visited_address` names what is visited when the host alone does not (a customer's site
    in a platform's path, `sites.google.com/view/<name>`)."""
    reason = main_reason(verdict)
    host = verdict.host or ""
    display = verdict.display_host or host
    visited, target = compare(display, verdict.registered_domain, reason)
    ascii_host = host if host != display else None
    if visited_address:
        display, visited = visited_address, [(visited_address, False)]
    brand = reason.brand if reason else None
    if brand and reason is not None and reason.kind not in ("blocklist", "url-rule"):
        title = f"This is not {brand}"
    elif action == "block":
        title = "This site was blocked"
    else:
        title = "This site may be a trap"
    next_path = _next_path(url)
    offered = bypass.choices() if choices is None else choices
    html = (
        _environment()
        .get_template("warning.html")
        .render(
            css=_css(),
            title=title,
            sentence=sentence(reason),
            action=action,
            brand=brand,
            display_host=display,
            ascii_host=ascii_host,
            visited_segments=visited,
            target_segments=target,
            real_url=f"https://{reason.target}/" if reason and reason.target else None,
            real_host=reason.target if reason else None,
            back_url=_safe_back(referrer, host),
            reasons=[r for r in verdict.reasons if r.level != "allow"],
            ruleset=ruleset,
            url=_short(url),
            can_proceed=bool(proceed_tokens),
            proceed_tokens=proceed_tokens,
            report_token=report_token,
            next_path=next_path,
            action_base=ACTION_BASE,
            notice=notice,
            choices=[c for c in offered if c.key in proceed_tokens],
        )
    )
    return Rendered(403, html.encode("utf-8"), dict(security_headers()))


def notice_page(status: int, title: str, text: str, back_url: str | None = None) -> Rendered:
    """A small page for the outcome of a form (token refused, report recorded)."""
    html = (
        _environment()
        .get_template("notice.html")
        .render(css=_css(), title=title, sentence=text, back_url=back_url)
    )
    return Rendered(status, html.encode("utf-8"), dict(security_headers()))


def short_403(verdict: Verdict, action: str) -> Rendered:
    """What a subresource (script, image, XHR) gets: a few words of text, no HTML."""
    rule = main_reason(verdict)
    word = "blocked" if action == "block" else "stopped (warning)"
    body = f"lureguard: {word} {verdict.host} ({rule.rule_id if rule else 'rule'})\n"
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "X-Lureguard-Verdict": verdict.verdict or "",
    }
    return Rendered(403, body.encode(), headers)


def bad_request(why: str) -> Rendered:
    """A malformed request (two Host headers): a plain 400, never checked or forwarded."""
    body = f"lureguard: bad request: {why}\n".encode()
    headers = {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
    return Rendered(400, body, headers)


def _safe_back(referrer: str | None, host: str) -> str | None:
    """The referring page, if it is a web page on another host (never this one)."""
    if not referrer:
        return None
    try:
        parts = urlsplit(referrer)
    except ValueError:
        return None
    # `PAYPA1.COM.` is the flagged host too: compare names as the proxy does.
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.hostname.rstrip(".").lower() == host.rstrip(".").lower():
        return None
    return referrer


def _next_path(url: str) -> str:
    """Path and query to return to after 'proceed'; '/' when the URL does not parse (a
    hostile Host header such as `x[` must still get the page, not an exception)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "/"
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def _short(url: str, limit: int = 200) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"


def fail_closed() -> Rendered:
    """The answer when the addon failed and policy says fail-closed."""
    return Rendered(
        403,
        b"lureguard: this request could not be checked, and policy says to stop it\n",
        {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
    )
