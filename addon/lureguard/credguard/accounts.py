"""Accounts whose passwords the extension learns: the brands of the loaded rules with login hosts.

An account kind is a brand rule (its id: `brand/microsoft`, or `org/…` from `lureguard protect`).
Its *login hosts* — the rule's `login_hosts` — are where the extension learns (enrols) the
password; its *domains* — every official domain of the brand — are where the password may be
typed again. Typing it anywhere else is credential reuse. Both come from the loaded rules, so a
fleet's rule bundle and the policy's `protect.*` organisation decide them.

*Claim names* are the words a page must use to claim to be that brand's sign-in page (the weaker,
separate brand-claim signal). They are curated here for the identity providers phishing kits copy
most, and avoid ordinary words ("Apple" alone, "X", "Live", "Outlook" alone: a newsletter called
"Market Outlook" has a login page too); a brand without claim names is never claimed.
"""

from __future__ import annotations

from typing import Any

from lureguard.ruledata.database import RuleData

#: Brand rule id -> names a page uses to present itself as that brand's sign-in page.
CLAIM_NAMES: dict[str, tuple[str, ...]] = {
    "brand/microsoft": (
        "Microsoft",
        "Outlook Web App",
        "Outlook Web Access",
        "Outlook.com",
        "Office 365",
        "Microsoft 365",
        "Hotmail",
        "OneDrive",
        "SharePoint",
    ),
    "brand/google": ("Google", "Gmail"),
    "brand/apple": ("Apple ID", "Apple Account", "iCloud"),
    "brand/naver": ("NAVER", "네이버"),
    "brand/kakao": ("Kakao", "카카오", "Daum", "Hanmail"),
    "brand/yahoo": ("Yahoo",),
    "brand/meta": ("Facebook", "Instagram"),
    "brand/paypal": ("PayPal",),
    "brand/github": ("GitHub",),
    "brand/proton": ("Proton Mail", "ProtonMail"),
    "brand/yandex": ("Yandex", "Яндекс"),
    "brand/linkedin": ("LinkedIn",),
    "brand/dropbox": ("Dropbox",),
    "brand/salesforce": ("Salesforce",),
}

#: How the warning names an account when the brand's own name is not what its users call it.
DISPLAY_NAMES: dict[str, str] = {"brand/meta": "Facebook or Instagram"}

#: Login hosts for rule databases compiled before brands had `login_hosts` (older bundles).
FALLBACK_LOGIN_HOSTS: dict[str, tuple[str, ...]] = {
    "brand/microsoft": (
        "login.microsoftonline.com",
        "login.live.com",
        "login.microsoft.com",
        "login.windows.net",
    ),
    "brand/google": ("accounts.google.com",),
    "brand/apple": ("idmsa.apple.com", "appleid.apple.com", "account.apple.com"),
    "brand/naver": ("nid.naver.com",),
    "brand/yahoo": ("login.yahoo.com",),
}


def under(host: str, domain: str) -> bool:
    """True if `host` is `domain` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def brand_domains(data: RuleData) -> dict[str, list[str]]:
    """Every brand's official domains in the loaded rules, by rule id, sorted."""
    out: dict[str, list[str]] = {}
    for domain, rule_id in data.brand_domains.items():
        out.setdefault(rule_id, []).append(domain)
    for domains in out.values():
        domains.sort()
    return out


def login_hosts(data: RuleData) -> dict[str, list[str]]:
    """Each brand's login hosts, in rule order: from the rules, or the fallback table when the
    database predates `login_hosts`."""
    out: dict[str, list[str]] = {}
    if data.login_hosts:
        for host, rule_id in data.login_hosts:
            out.setdefault(rule_id, []).append(host)
    else:
        for rule_id, hosts in FALLBACK_LOGIN_HOSTS.items():
            out[rule_id] = list(hosts)
    return out


def protected_logins(data: RuleData) -> dict[str, Any]:
    """What `GET /api/v1/protected-logins` answers: each account with its login hosts, domains
    and claim names. A login host outside its brand's domains is dropped (the schema refuses
    those; an old or hand-made database might not)."""
    domains = brand_domains(data)
    accounts = []
    for rule_id, hosts in login_hosts(data).items():
        own = domains.get(rule_id)
        info = data.rules.get(rule_id)
        if not own or info is None:
            continue
        usable = [h for h in hosts if any(under(h, d) for d in own)]
        if not usable:
            continue
        accounts.append({
            "kind": rule_id,
            "name": DISPLAY_NAMES.get(rule_id) or info.name or rule_id,
            "login_hosts": usable,
            "domains": own,
            "claim_names": list(CLAIM_NAMES.get(rule_id, ())),
        })  # fmt: skip
    return {"ruleset_version": data.version, "accounts": accounts}
