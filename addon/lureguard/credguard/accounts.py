"""Accounts whose passwords the extension learns, their official login hosts and claim names.

An account kind is a brand of the rule pack (its rule id). Its *login hosts* are where the
extension learns (enrols) the password; its *domains* — every official domain of the brand in the
loaded rules, so a fleet's rule bundle decides them — are where the password may be typed again.
Typing it anywhere else is credential reuse. *Claim names* are the words a page must use to claim
to be that brand's sign-in page (the weaker, separate brand-claim signal).

The table is curated, not derived: a brand's `domains` list also holds CDNs and unrelated
properties (bing.com, xbox.com), where nobody should learn a Microsoft password. Every login host
must sit under one of its brand's domains; `protected_logins` drops any that does not, and a unit
test keeps the shipped table clean against the shipped rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lureguard.ruleset.database import RuleData


@dataclass(frozen=True, slots=True)
class Account:
    """One protected account kind."""

    kind: str
    name: str
    login_hosts: tuple[str, ...]
    claim_names: tuple[str, ...]


#: Identity providers whose passwords open mail, files and other accounts, and whose login pages
#: are the ones phishing kits copy. Claim names avoid ordinary words ("Apple" alone, "X", "Live",
#: "Outlook" alone: a newsletter called "Market Outlook" has a login page too).
ACCOUNTS: tuple[Account, ...] = (
    Account(
        "brand/microsoft",
        "Microsoft",
        ("login.microsoftonline.com", "login.live.com", "login.microsoft.com", "login.windows.net"),
        (
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
    ),
    Account("brand/google", "Google", ("accounts.google.com",), ("Google", "Gmail")),
    Account(
        "brand/apple",
        "Apple",
        ("idmsa.apple.com", "appleid.apple.com", "account.apple.com"),
        ("Apple ID", "Apple Account", "iCloud"),
    ),
    Account("brand/naver", "NAVER", ("nid.naver.com",), ("NAVER", "네이버")),
    Account(
        "brand/kakao",
        "Kakao",
        ("accounts.kakao.com", "logins.daum.net"),
        ("Kakao", "카카오", "Daum", "Hanmail"),
    ),
    Account("brand/yahoo", "Yahoo", ("login.yahoo.com",), ("Yahoo",)),
    Account(
        "brand/meta",
        "Facebook",
        ("www.facebook.com", "m.facebook.com", "www.instagram.com"),
        ("Facebook", "Instagram"),
    ),
    Account("brand/paypal", "PayPal", ("www.paypal.com",), ("PayPal",)),
    Account("brand/github", "GitHub", ("github.com",), ("GitHub",)),
    Account("brand/proton", "Proton", ("account.proton.me",), ("Proton Mail", "ProtonMail")),
    Account(
        "brand/yandex",
        "Yandex",
        ("passport.yandex.ru", "passport.yandex.com"),
        ("Yandex", "Яндекс"),
    ),
    Account("brand/linkedin", "LinkedIn", ("www.linkedin.com",), ("LinkedIn",)),
    Account("brand/dropbox", "Dropbox", ("www.dropbox.com",), ("Dropbox",)),
    Account("brand/salesforce", "Salesforce", ("login.salesforce.com",), ("Salesforce",)),
)


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


def protected_logins(data: RuleData, accounts: tuple[Account, ...] = ACCOUNTS) -> dict[str, Any]:
    """What `GET /api/v1/protected-logins` answers: each account with its login hosts and domains.

    An account whose brand the loaded rules do not have is left out (nothing to judge hosts with).
    """
    domains = brand_domains(data)
    out = []
    for account in accounts:
        own = domains.get(account.kind)
        if not own:
            continue
        hosts = [h for h in account.login_hosts if any(under(h, d) for d in own)]
        if not hosts:
            continue
        out.append(
            {
                "kind": account.kind,
                "name": account.name,
                "login_hosts": hosts,
                "domains": own,
                "claim_names": list(account.claim_names),
            }
        )
    return {"ruleset_version": data.version, "accounts": out}
