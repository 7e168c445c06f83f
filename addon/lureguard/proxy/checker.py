"""One loaded engine plus a per-host verdict cache (hosts repeat far more often than rules change).

The proxy acts on verdicts only, so notice-level signals, which never change one, are skipped.
A host without URL rules gets the same verdict for every path, so its verdict is computed once;
hosts with URL prefixes are checked per URL. A hot reload replaces the whole Checker, cache
included.
"""

from __future__ import annotations

from collections.abc import Callable

from lureguard.engine import Engine
from lureguard.verdict import Verdict

CACHE_LIMIT = 20_000


class Checker:
    """Verdicts from one engine, cached per host."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._hosts: dict[str, Verdict] = {}
        self._url_hosts = engine.data.url_prefixes

    @property
    def version(self) -> str:
        """The rule-set version behind these verdicts."""
        return self.engine.version

    def host_verdict(self, host: str) -> Verdict:
        """The verdict for a bare host (cached)."""
        verdict = self._hosts.get(host)
        if verdict is None:
            if len(self._hosts) >= CACHE_LIMIT:
                self._hosts.clear()
            verdict = self._hosts[host] = self.engine.check(host, notices=False)
        return verdict

    def url_verdict(
        self, host: str, url: str | Callable[[], str], per_url: bool = False
    ) -> Verdict:
        """The verdict for one request: per URL where URL rules exist for the host or the
        caller asks for it (`per_url`: a platform whose customers' sites are in the path).

        `url` may be a callable, so the URL is only built for hosts judged per URL.
        """
        if per_url or host in self._url_hosts:
            return self.engine.check(url if isinstance(url, str) else url(), notices=False)
        return self.host_verdict(host)

    def must_intercept(self, host: str) -> bool:
        """True when some request to this host may be flagged, so TLS must be decrypted."""
        return host in self._url_hosts or self.host_verdict(host).flagged
