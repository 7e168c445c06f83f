"""Routing and checks of the verdict API, independent of sockets (the server only adapts).

Order for every request: Host (DNS rebinding) → Origin (only our extension) → CORS preflight
→ route → bearer token → rate limit → body size → the route itself.

`POST /api/v1/pair` is the one route without the bearer token (it hands the token out): it
takes a one-time pairing code instead (see `pairing`), and an extension origin that may not be
allowed yet (a Firefox installation's own), which a valid code then allows.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lureguard import __version__
from lureguard.api.bypasses import BypassError, parse_bypass
from lureguard.api.guard import RateLimiter, bearer_matches, host_allowed
from lureguard.api.origins import allow_origin, is_extension_origin
from lureguard.api.pac import pac_script
from lureguard.api.pairing import redeem
from lureguard.api.reports import ReportError, ReportLog, parse_report
from lureguard.credguard.accounts import protected_logins
from lureguard.credguard.events import CredentialEventError, parse_credential_event
from lureguard.engine import Engine
from lureguard.ruledata.database import describe
from lureguard.verdict import Verdict

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1 << 20
MAX_BATCH = 500
MAX_URL_CHARS = 8192
PAIR_PATH = "/api/v1/pair"

EngineSource = Callable[[], Engine | None]
StatusSource = Callable[[], Mapping[str, Any]]
ReportSink = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class Request:
    """One HTTP request; header names are lower case."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""
    body_too_large: bool = False


@dataclass
class Response:
    """What the server writes back."""

    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


class ApiError(Exception):
    """A refusal with its HTTP status, a stable code and one clear sentence."""

    def __init__(self, status: int, code: str, message: str, retry_after: float = 0.0) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass
class ApiApp:
    """The API's behaviour: give it `Request`s, get `Response`s."""

    port: int
    token: str
    origins: frozenset[str]
    engine: EngineSource
    status: StatusSource
    proxy_address: tuple[str, int]
    reports: ReportLog
    on_report: ReportSink | None = None
    on_bypass: ReportSink | None = None
    bypasses: ReportLog | None = None
    on_credential: ReportSink | None = None
    credentials: ReportLog | None = None
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(rate=100.0, burst=400))
    #: Where pairing codes are kept and allowed origins are added; None: pairing is off.
    data_dir: Path | None = None

    def handle(self, request: Request) -> Response:
        """Answer one request; never raises."""
        origin = request.headers.get("origin")
        cors = self._cors_headers(origin, urlsplit(request.target).path)
        try:
            response = self._dispatch(request, origin)
        except ApiError as exc:
            response = _error(exc)
        except Exception:
            log.exception("verdict API: unexpected error on %s", request.method)
            response = _error(ApiError(500, "internal", "the API failed; see lureguard's log"))
        response.headers.extend(cors)
        response.headers.append(("Cache-Control", "no-store"))
        response.headers.append(("X-Content-Type-Options", "nosniff"))
        return response

    def _dispatch(self, request: Request, origin: str | None) -> Response:
        if not host_allowed(request.headers.get("host"), self.port):
            raise ApiError(
                421, "bad-host", "the Host header must be 127.0.0.1, localhost or [::1] "
                f"with port {self.port}",
            )  # fmt: skip
        parts = urlsplit(request.target)
        path = parts.path
        if origin is not None and not self._origin_ok(origin, path):
            raise ApiError(403, "bad-origin", "this origin may not call the lureguard API")
        if request.method == "OPTIONS":
            if origin is None:
                raise ApiError(400, "bad-preflight", "a preflight needs an Origin header")
            return Response(204, b"", content_type="text/plain")
        if path == "/proxy.pac":
            self._method(request, "GET")
            # The proxy's `pac_fallback` setting: "direct" fails open, "none" fails closed.
            direct = self.status().get("pac_fallback", "direct") == "direct"
            script = pac_script(*self.proxy_address, direct_fallback=direct)
            return Response(200, script.encode(), "application/x-ns-proxy-autoconfig")
        if path == PAIR_PATH:
            return self._pair(request, origin)
        route = _ROUTES.get(path)
        if route is None:
            raise ApiError(404, "not-found", f"no such API route: {path[:100]}")
        method, handler = route
        self._method(request, method)
        if not bearer_matches(request.headers.get("authorization"), self.token):
            code = "missing-token" if not request.headers.get("authorization") else "bad-token"
            raise ApiError(
                401, code, "a valid 'Authorization: Bearer <token>' header is required "
                "(print the token with 'lureguard token')",
            )  # fmt: skip
        wait = self.limiter.take()
        if wait:
            raise ApiError(429, "rate-limited", "too many requests; retry shortly", wait)
        if request.body_too_large:
            raise ApiError(
                413, "body-too-large", f"the request body is larger than {MAX_BODY_BYTES} bytes"
            )
        return _json(200, handler(self, request, parse_qs(parts.query)))

    @staticmethod
    def _method(request: Request, expected: str) -> None:
        if request.method != expected:
            raise ApiError(405, "bad-method", f"this route answers {expected} only")

    def _origin_ok(self, origin: str, path: str) -> bool:
        """Allowed origins everywhere; any extension origin may try a pairing code."""
        return origin in self.origins or (path == PAIR_PATH and is_extension_origin(origin))

    def _cors_headers(self, origin: str | None, path: str) -> list[tuple[str, str]]:
        if origin is None or not self._origin_ok(origin, path):
            return []
        return [
            ("Access-Control-Allow-Origin", origin),
            ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
            ("Access-Control-Allow-Headers", "Authorization, Content-Type"),
            ("Access-Control-Allow-Private-Network", "true"),
            ("Access-Control-Max-Age", "600"),
            ("Vary", "Origin"),
        ]

    def _pair(self, request: Request, origin: str | None) -> Response:
        """POST /api/v1/pair {"code": …} from an extension page → {"token": …}."""
        self._method(request, "POST")
        if self.data_dir is None:
            raise ApiError(404, "not-found", "pairing is not available on this API")
        if origin is None:
            raise ApiError(
                403, "bad-origin", "pairing is done by the extension's options page "
                "(open the link that 'lureguard setup' prints)",
            )  # fmt: skip
        wait = self.limiter.take()
        if wait:
            raise ApiError(429, "rate-limited", "too many requests; retry shortly", wait)
        payload = _body_json(request) if not request.body_too_large else None
        code = payload.get("code") if isinstance(payload, dict) else None
        if not isinstance(code, str):
            raise ApiError(400, "bad-body", 'the body must be {"code": "<pairing code>"}')
        if not redeem(self.data_dir, code, origin):
            raise ApiError(
                403, "bad-code", "this pairing code is wrong, used or expired: run "
                "'lureguard setup' again for a new link",
            )  # fmt: skip
        if origin not in self.origins:
            allow_origin(self.data_dir, origin, "added by pairing (lureguard setup)")
            self.origins = self.origins | {origin}
        return _json(200, {"token": self.token, "origin": origin})

    def _engine(self) -> Engine:
        engine = self.engine()
        if engine is None:
            raise ApiError(503, "no-rules", "the rules are not loaded yet; retry shortly")
        return engine

    def verdict(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """GET /api/v1/verdict?url=…"""
        urls = query.get("url")
        if not urls:
            raise ApiError(400, "missing-url", "the 'url' query parameter is required")
        return _check(self._engine(), urls[0]).to_dict()

    def verdicts(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """POST /api/v1/verdicts {"urls": [...]}"""
        payload = _body_json(request)
        urls = payload.get("urls") if isinstance(payload, dict) else None
        if not isinstance(urls, list):
            raise ApiError(400, "bad-body", 'the body must be {"urls": [...]}')
        if len(urls) > MAX_BATCH:
            raise ApiError(
                413, "batch-too-large", f"at most {MAX_BATCH} URLs per call ({len(urls)} sent)"
            )
        engine = self._engine()
        return {"verdicts": [_check(engine, url).to_dict() for url in urls]}

    def status_info(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """GET /api/v1/status"""
        engine = self.engine()
        info: dict[str, Any] = {
            "service": "lureguard",
            "version": __version__,
            "mode": "api-only",
            "ruleset": describe(engine.data) if engine is not None else None,
        }
        info.update(self.status())
        return info

    def report(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """POST /api/v1/reports: a false alarm seen by the user."""
        try:
            record = parse_report(_body_json(request))
        except ReportError as exc:
            raise ApiError(400, "bad-report", str(exc)) from None
        self.reports.append(record)
        if self.on_report is not None:
            self.on_report(record)
        return {"stored": True}

    def bypass(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """POST /api/v1/bypasses: 'proceed anyway' chosen on the extension's warning page."""
        try:
            record = parse_bypass(_body_json(request))
        except BypassError as exc:
            raise ApiError(400, "bad-bypass", str(exc)) from None
        if self.bypasses is not None:
            self.bypasses.append(record)
        if self.on_bypass is not None:
            self.on_bypass(record)
        return {"stored": True}

    def protected_logins(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """GET /api/v1/protected-logins: where each protected account signs in, its domains."""
        return protected_logins(self._engine().data)

    def credential_event(self, request: Request, query: dict[str, list[str]]) -> dict[str, Any]:
        """POST /api/v1/credential-events: credential reuse stopped, a site exception, or a
        page claiming a brand; never a password or a hash (unknown fields are refused)."""
        try:
            record = parse_credential_event(_body_json(request), self.engine())
        except CredentialEventError as exc:
            raise ApiError(400, "bad-credential-event", str(exc)) from None
        if self.credentials is not None:
            self.credentials.append(record)
        if self.on_credential is not None:
            self.on_credential(record)
        return {"stored": True, "verdict": record["verdict"]}


Handler = Callable[[ApiApp, Request, dict[str, list[str]]], dict[str, Any]]
_ROUTES: dict[str, tuple[str, Handler]] = {
    "/api/v1/verdict": ("GET", ApiApp.verdict),
    "/api/v1/verdicts": ("POST", ApiApp.verdicts),
    "/api/v1/status": ("GET", ApiApp.status_info),
    "/api/v1/reports": ("POST", ApiApp.report),
    "/api/v1/bypasses": ("POST", ApiApp.bypass),
    "/api/v1/protected-logins": ("GET", ApiApp.protected_logins),
    "/api/v1/credential-events": ("POST", ApiApp.credential_event),
}


def _check(engine: Engine, url: object) -> Verdict:
    """One verdict; a non-string or oversized entry becomes an error verdict, not a failure."""
    if not isinstance(url, str):
        return Verdict.invalid(json.dumps(url)[:200], "input is not a string")
    if len(url) > MAX_URL_CHARS:
        return Verdict.invalid(url[:200] + "…", f"input is longer than {MAX_URL_CHARS} characters")
    return engine.check(url)


def _body_json(request: Request) -> Any:
    if "json" not in request.headers.get("content-type", "application/json"):
        raise ApiError(415, "bad-content-type", "the body must be application/json")
    try:
        return json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad-json", "the body is not valid JSON") from None


def _json(status: int, payload: Mapping[str, Any]) -> Response:
    return Response(status, json.dumps(payload, ensure_ascii=False).encode())


def _error(exc: ApiError) -> Response:
    response = _json(exc.status, {"error": exc.message, "code": exc.code})
    if exc.retry_after:
        response.headers.append(("Retry-After", str(max(1, round(exc.retry_after)))))
    return response
