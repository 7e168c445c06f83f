"""Universities and public bodies: the sites whose own hosts may carry other sites' names.

Two kinds of evidence that a domain belongs to an institution: a public suffix only
institutions can register under (`ac.uk`, `edu`, `gov.pl`), and the domains of
universities and colleges elsewhere (`data/academic-domains.txt`, from JetBrains' swot dataset:
`aarhustech.dk`, `monmouth.edu`). An institution runs sign-in and library-proxy hosts named after
the services it runs (`outlook.cs.example.ac.uk`, `scholar.google.com.ezproxy.<university>`),
and campaigns imitate its sign-in pages (`login.<university label>.<attacker domain>`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Final

from lureguard.hosts import Target
from lureguard.psl import bundled

ACADEMIC_FILE: Final = "data/academic-domains.txt"
#: First labels of academic and government suffixes (`ac.uk`, `edu.jo`, `gov.pl`, `go.kr`).
INSTITUTION_HEADS: Final = frozenset(
    {"ac", "edu", "gob", "gouv", "gov", "govt", "go", "gv", "mil", "int"}
)
#: Public-suffix parts only institutions can register under (`ac.uk`, `edu.au`, `gov.br`),
#: below a country's code: `.ac` alone is Ascension Island's, open to anyone.
INSTITUTIONAL: Final = frozenset({"ac", "edu", "gov", "mil"})
#: Top-level domains only institutions can register under.
INSTITUTIONAL_TLDS: Final = frozenset({"edu", "gov", "int", "mil"})
_PSL: Final = bundled()


def _academic_domains() -> frozenset[str]:
    text = resources.files("lureguard").joinpath(ACADEMIC_FILE).read_text("utf-8")
    lines = (line.split("#", 1)[0].strip().lower() for line in text.splitlines())
    return frozenset(line for line in lines if line)


#: Universities' and colleges' domains, and a few hosts of academic networks and school
#: boards (`iitd.ernet.in`).
ACADEMIC: Final = _academic_domains()


def institution_suffix(suffix: str) -> bool:
    """True for an academic or government suffix by its first label (`edu`, `ac.uk`,
    `gov.pl`, `gouv.fr`, `go.jp`), and for `.ac` alone: written out inside a host, `<univ>.ac.`
    is a British university's domain with its `.uk` left off (`institutional` is the strict
    test). Not Italy's second-level names, which are provinces (`go.it` is Gorizia)."""
    labels = suffix.split(".")
    return labels[0] in INSTITUTION_HEADS and labels[-1] != "it"


@lru_cache(maxsize=4096)
def institutional(suffix: str) -> bool:
    """True under a suffix only institutions can register (`ac.uk`, `edu.au`, `gov.br`,
    `edu`): not `.ac` alone, and no platform's suffix, where anyone signs up (`edu.eu.org`,
    `forms.ac`)."""
    if _PSL.is_platform(suffix):
        return False
    labels = suffix.split(".")
    return labels[-1] in INSTITUTIONAL_TLDS or not INSTITUTIONAL.isdisjoint(labels[:-1])


def institution_domain(domain: str, suffix: str) -> bool:
    """True for a site people know as an institution's: a university's or college's domain,
    or any under an academic or government suffix (`institutional`, `institution_suffix`)."""
    return institutional(suffix) or institution_suffix(suffix) or domain in ACADEMIC


def institution_host(target: Target) -> bool:
    """True for a host of a university or public body: under an institutional suffix, or a
    name of `ACADEMIC` or a host under one. Its own IT names hosts after the services it runs
    and proxies other sites under its own name."""
    return institutional(target.suffix) or any(name in ACADEMIC for name in target.names)
