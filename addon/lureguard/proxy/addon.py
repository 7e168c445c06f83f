"""The mitmproxy addon: pass clean TLS through untouched, answer flagged requests with a page.

Decisions happen as early as possible: at the TLS ClientHello a host that no rule can flag is
passed through (never decrypted); everything else is decrypted and each request is checked.
With mitmproxy's lazy connection strategy the server of a flagged host is never contacted,
because the response is produced before any upstream connection is needed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from mitmproxy import ctx, exceptions, http, tls
from mitmproxy.addonmanager import Loader
from mitmproxy.net.tls import starts_like_tls_record
from mitmproxy.proxy import layer, layers
from mitmproxy.proxy.layers.tls import parse_client_hello

from lureguard.engine import Engine
from lureguard.eventlog import DEFAULT_BACKUPS, DEFAULT_MAX_BYTES, LOG_FILE, EventLog
from lureguard.lookalike.pathtenant import path_platform, tenant_address, tenant_host
from lureguard.paths import (
    RULES_DB_NAME,
    bundled_rules_dir,
    default_data_dir,
    ensure_data_dir,
    local_rules_dir,
)
from lureguard.proxy import page, probe
from lureguard.proxy.bypass import BypassStore, choices, seconds_for
from lureguard.proxy.checker import Checker
from lureguard.proxy.navigation import NotUserNavigation, proceed_sender
from lureguard.proxy.policy import (
    MODES,
    Action,
    Policy,
    PolicyError,
    parse_mode,
    parse_rule_modes,
    strictness,
)
from lureguard.proxy.reload import EngineHolder
from lureguard.proxy.reports import REPORTS_FILE, ReportBook
from lureguard.proxy.statedb import STATE_FILE, StateDB
from lureguard.proxy.stats import Stats
from lureguard.proxy.tokens import TokenError, TokenSigner, load_or_create_secret
from lureguard.ruledata.database import RuleDatabaseError
from lureguard.ruleset.errors import RuleSetError
from lureguard.verdict import Verdict

log = logging.getLogger(__name__)

FAIL_POLICIES = ("open", "closed")
#: The values of lureguard_pac_fallback (lureguard.api.pac serves them).
PAC_FALLBACKS = ("direct", "none")
_TLS_LAYERS = (layers.ServerTLSLayer, layers.ClientTLSLayer)
#: Decrypted responses longer than this are streamed (see `responseheaders`).
STREAM_RESPONSES_OVER = 1024 * 1024
DEFAULT_API_PORT = 8081
#: What browsers remove from anywhere in a URL before reading it.
_URL_IGNORED = str.maketrans("", "", "\t\n\r")


class LureguardAddon:
    """Checks every connection and request against the engine; see docs/proxy.md."""

    def __init__(self, engine: Engine | None = None, engine_path: Path | None = None) -> None:
        self._preloaded = (engine, engine_path.resolve()) if engine and engine_path else None
        self.holder: EngineHolder | None = None
        self.policy = Policy()
        self.fail_closed = False
        self.pac_fallback = "direct"  # what /proxy.pac says when the proxy is down
        self.stats = Stats()
        self.bypasses = BypassStore()
        self.state: StateDB | None = None  # bypasses and spent tokens across restarts
        self.bypass_max = 0  # longest bypass in seconds, 0: no limit
        self.path_platforms = True  # decrypt platforms whose customers' sites are in the path
        self.signer: TokenSigner | None = None
        self.events = EventLog(None)
        self.reports = ReportBook(None)
        self.data_dir: Path | None = None
        self.api: Any = None
        self._errors_seen: set[tuple[str, str]] = set()

    # -- mitmproxy lifecycle -------------------------------------------------------------

    def load(self, loader: Loader) -> None:
        """Declare the options, so `--set lureguard_mode=warn` works in any mitmproxy tool."""
        loader.add_option(
            "lureguard_mode", str, "warn",
            "block: no way through; warn: a rule's severity decides, 'proceed anyway' offered "
            "for warn verdicts; monitor: log only.",
            choices=MODES,
        )  # fmt: skip
        loader.add_option(
            "lureguard_rule_modes", Sequence[str], [],
            "Per-rule mode overrides as RULE_ID=MODE (repeatable, or comma-separated).",
        )  # fmt: skip
        loader.add_option(
            "lureguard_allow_bypass", bool, True,
            "Offer 'proceed anyway' (this visit, 1 hour, 1 day) on warn pages.",
        )  # fmt: skip
        loader.add_option(
            "lureguard_bypass_max", int, 0,
            "Longest 'proceed anyway' in seconds (a system policy's bypass.duration); longer "
            "choices are not offered and a longer request is shortened. 0: no limit.",
        )  # fmt: skip
        loader.add_option(
            "lureguard_data_dir", str, "",
            "lureguard data dir (rules.db, secret, logs) [default: $LUREGUARD_DATA_DIR or the "
            "platform's user data dir].",
        )  # fmt: skip
        loader.add_option(
            "lureguard_db", str, "",
            "Compiled rules database [default: rules.db in the data dir, compiled from the "
            "bundled rules when missing or stale].",
        )  # fmt: skip
        loader.add_option(
            "lureguard_fail", str, "open",
            "What happens when the addon itself fails: open lets the request through, closed "
            "answers it with a 403.",
            choices=FAIL_POLICIES,
        )  # fmt: skip
        loader.add_option(
            "lureguard_pac_fallback", str, "direct",
            "What /proxy.pac tells browsers when the proxy is down: direct (fail-open, browse "
            "unprotected) or none (fail-closed, no browsing until the proxy is back).",
            choices=PAC_FALLBACKS,
        )  # fmt: skip
        loader.add_option(
            "lureguard_log_json", bool, False,
            "Also print the JSON event lines (verdicts, bypasses, reports) to stdout.",
        )  # fmt: skip
        loader.add_option(
            "lureguard_log_max_bytes", int, DEFAULT_MAX_BYTES,
            "Rotate events.jsonl in the data dir when it would pass this size (a policy's "
            "log.max_bytes).",
        )  # fmt: skip
        loader.add_option(
            "lureguard_log_backups", int, DEFAULT_BACKUPS,
            "Rotated copies of events.jsonl to keep, events.jsonl.1 the newest (a policy's "
            "log.backups); 0 keeps none.",
        )  # fmt: skip
        loader.add_option(
            "lureguard_path_platforms", bool, True,
            "Decrypt the platforms that serve customers' sites in their path (Google Sites, "
            "Cloud Storage, S3, Firebase Storage, Wix free sites) and judge each site by its "
            "path; false passes their hosts through, judged by the host alone.",
        )  # fmt: skip
        loader.add_option(
            "lureguard_api_port", int, DEFAULT_API_PORT,
            "Port of the loopback API and PAC file (127.0.0.1 only); 0 turns it off.",
        )  # fmt: skip

    def configure(self, updated: set[str]) -> None:
        """Validate changed options and (re)load what depends on them."""
        opts = ctx.options
        if updated & {"lureguard_mode", "lureguard_rule_modes", "lureguard_allow_bypass"}:
            try:
                self.policy = Policy(
                    parse_mode(opts.lureguard_mode),
                    parse_rule_modes(opts.lureguard_rule_modes),
                    bool(opts.lureguard_allow_bypass),
                )
            except PolicyError as exc:
                raise _options_error(f"lureguard: {exc}") from None
        if "lureguard_bypass_max" in updated:
            if int(opts.lureguard_bypass_max) < 0:
                raise _options_error("lureguard: lureguard_bypass_max must be 0 (no limit) or more")
            self.bypass_max = int(opts.lureguard_bypass_max)
        if "lureguard_path_platforms" in updated:
            self.path_platforms = bool(opts.lureguard_path_platforms)
        if "lureguard_fail" in updated:
            self.fail_closed = opts.lureguard_fail == "closed"
        if "lureguard_pac_fallback" in updated:
            self.pac_fallback = str(opts.lureguard_pac_fallback)
        rotation = {"lureguard_log_max_bytes", "lureguard_log_backups"}
        if updated & rotation and (
            int(opts.lureguard_log_max_bytes) < 1 or int(opts.lureguard_log_backups) < 0
        ):
            raise _options_error(
                "lureguard: lureguard_log_max_bytes must be 1 or more and "
                "lureguard_log_backups 0 or more"
            )
        if updated & {"lureguard_data_dir", "lureguard_log_json", *rotation}:
            self._open_data_dir(opts.lureguard_data_dir, bool(opts.lureguard_log_json))
        if updated & {"lureguard_data_dir", "lureguard_db"}:
            self._load_rules(opts.lureguard_db)
        if "connection_strategy" in updated and opts.connection_strategy != "lazy":
            log.warning(
                "lureguard: connection_strategy=%s contacts a flagged host's server before "
                "the warning page is shown; lureguard switches it to lazy when it starts",
                opts.connection_strategy,
            )

    def running(self) -> None:
        """Make sure no flagged server is contacted early, then start the loopback API."""
        if ctx.options.connection_strategy != "lazy":
            ctx.options.update(connection_strategy="lazy")  # type: ignore[no-untyped-call]
            log.info("lureguard: set connection_strategy=lazy (flagged servers stay uncontacted)")
        if ctx.options.stream_large_bodies:
            # A streamed request body reaches the server before the request hook judges it.
            ctx.options.update(stream_large_bodies=None)  # type: ignore[no-untyped-call]
            log.info("lureguard: unset stream_large_bodies (flagged servers stay uncontacted; "
                     "long responses are streamed anyway)")  # fmt: skip
        if self.holder is None:
            log.error("lureguard: no rules loaded; every request follows the fail policy")
        self._start_api()

    def done(self) -> None:
        """Stop the API and close the log and the state file."""
        if self.api is not None:
            self.api.stop()
            self.api = None
        self.events.close()
        if self.state is not None:
            self.state.close()
            self.state = None

    # -- hooks -------------------------------------------------------------------------

    def next_layer(self, nextlayer: layer.NextLayer) -> None:
        """Pass a clean host's TLS through before any TLS layer is built.

        Deciding here, from the raw ClientHello, gives the same bare TCP relay as mitmproxy's
        own `ignore_hosts` (deciding later, in `tls_clienthello`, keeps the TLS layer on the
        stack and costs about a tenth of the pass-through throughput).
        """
        try:
            context = nextlayer.context
            decided = nextlayer.layer
            if (
                # None: mitmproxy's own NextLayer addon comes after us (e.g. under `-s`).
                (decided is not None and not isinstance(decided, _TLS_LAYERS))
                or context.client.transport_protocol != "tcp"
                or not context.server.address
            ):
                return
            data = nextlayer.data_client()  # type: ignore[no-untyped-call]
            if not starts_like_tls_record(data):
                return
            try:
                hello = parse_client_hello(data)
            except ValueError:
                return
            if hello is None:
                if decided is not None:
                    nextlayer.layer = None  # ask again once the whole ClientHello is here
                return
            if not self._any_intercept(hello.sni, context.server.address[0]):
                nextlayer.layer = layers.TCPLayer(context, ignore=True)
                self.stats.add("passed_through")
        except Exception as exc:
            # Leave mitmproxy's decision; tls_clienthello applies the fail policy.
            self._failed("next_layer", exc)

    def tls_clienthello(self, data: tls.ClientHelloData) -> None:
        """Pass the connection through untouched unless some rule may flag the host (for
        connections `next_layer` did not decide, e.g. when another addon chose the layer)."""
        try:
            address = data.context.server.address
            if self._any_intercept(data.client_hello.sni, address[0] if address else None):
                self.stats.add("intercepted")
            else:
                data.ignore_connection = True
                self.stats.add("passed_through")
        except Exception as exc:
            self._failed("tls_clienthello", exc)
            # fail-open: do not decrypt what we could not judge; fail-closed: decrypt, so
            # the request hook can refuse it.
            if not self.fail_closed:
                data.ignore_connection = True

    def responseheaders(self, flow: http.HTTPFlow) -> None:
        """Stream a long response (a platform's download, a site proceeded to) instead of
        holding it in memory whole: lureguard never reads a body. On a path platform, which
        is decrypted only to read paths, every response of unknown length too. Only
        responses: mitmproxy's `stream_large_bodies` would stream a long request body to the
        server before the `request` hook has judged it, and a flagged server must never be
        contacted."""
        response = flow.response
        if response is None:
            return
        length = response.headers.get("content-length", "")
        if length.isdigit():
            response.stream = int(length) > STREAM_RESPONSES_OVER
        elif self._reads_path(_norm(flow.request.pretty_host)):
            response.stream = True

    def request(self, flow: http.HTTPFlow) -> None:
        """Check the request; answer a flagged one before any server is contacted."""
        try:
            self._request(flow)
        except Exception as exc:
            self._failed("request", exc)
            if self.fail_closed and flow.response is None:
                flow.response = _response(page.fail_closed())

    # -- the work ----------------------------------------------------------------------

    def _request(self, flow: http.HTTPFlow) -> None:
        if probe.answer(flow, self.data_dir):  # the extension asking "am I proxied?"
            return
        req = flow.request
        if req.scheme == "http":
            self.stats.add("http_requests")
        if len(req.headers.get_all("Host")) > 1:
            # Joined, two Host headers make a name no rule matches: refused, as HTTP says.
            flow.response = _response(page.bad_request("a request may carry only one Host"))
            return
        checker = self._checker()
        judged = self._judge(flow, checker)
        if not judged:
            return
        host, verdict, action = judged[0]
        if req.method == "POST" and req.path.startswith(page.ACTION_BASE):
            self._form(flow, host, verdict, action, checker)
            return
        client = _client(flow)
        url = _log_url(req.pretty_url)
        # Every flagged name the request carries must be bypassed, not only the Host header's.
        pending = [j for j in judged if not (j[2] == "warn" and self.bypasses.active(j[0]))]
        if not pending:
            self.events.verdict(
                verdict, client=client, action="bypassed", ruleset=checker.version, url=url
            )
            return
        host, verdict, action = pending[0]
        self.events.verdict(verdict, client=client, action=action, ruleset=checker.version, url=url)
        if action == "monitor":
            self.stats.add("monitored")
            return
        self.stats.add("blocks" if action == "block" else "warnings")
        if is_navigation(req):
            flow.response = _response(self._warning(flow, host, verdict, action, checker))
        else:
            flow.response = _response(page.short_403(verdict, action))

    def _judge(self, flow: http.HTTPFlow, checker: Checker) -> list[tuple[str, Verdict, Action]]:
        """Every name the request carries that policy acts on, with its verdict and action,
        strictest first (the Host header's first among equals).

        A client may name one host in Host and another in the URL, the SNI or the CONNECT
        target; each is judged, so no name can hide behind another.
        """
        req = flow.request
        judged: list[tuple[str, Verdict, Action]] = []
        for name in _request_names(flow):
            url = partial(_url_on, req, name)
            in_path = self._reads_path(name)
            verdict = checker.url_verdict(name, url, per_url=in_path)
            action = self.policy.action(verdict)
            if action is not None:
                # A customer's site in a platform's path is the scope of its warning, tokens
                # and bypass: proceeding to one Google Site lets no other through.
                scope = (tenant_host(url()) or name) if in_path else name
                judged.append((scope, verdict, action))
        judged.sort(key=lambda item: -strictness(item[2]))
        return judged

    def _warning(
        self,
        flow: http.HTTPFlow,
        host: str,
        verdict: Verdict,
        action: Action,
        checker: Checker,
        notice: str | None = None,
        reported: bool = False,
    ) -> page.Rendered:
        signer = self._signer()
        req = flow.request
        on = _norm(req.pretty_host)
        # A customer's site in a platform's path is named by its path, not the platform's host.
        address = tenant_address(_url_on(req, on)) if self._reads_path(on) else None
        offered = choices(self.bypass_max) if self.policy.can_proceed(action) else []
        tokens = signer.issue_group([_proceed_purpose(c.key) for c in offered], host)
        report = None if reported else signer.issue("report", host)
        return page.warning_page(
            verdict,
            action=action,
            url=req.pretty_url,
            ruleset=checker.version,
            proceed_tokens={c.key: tokens[_proceed_purpose(c.key)] for c in offered},
            report_token=report,
            referrer=req.headers.get("Referer"),
            notice=notice,
            choices=offered,
            visited_address=address,
        )

    def _form(
        self, flow: http.HTTPFlow, host: str, verdict: Verdict, action: Action, checker: Checker
    ) -> None:
        form = flow.request.urlencoded_form
        token = form.get("token", "")
        next_path = _safe_next(form.get("next", "/"))
        which = flow.request.path[len(page.ACTION_BASE) :].split("?", 1)[0]
        client = _client(flow)
        reasons = [r.to_dict() for r in verdict.reasons]
        if which == "proceed":
            key = form.get("for", "")
            duration = seconds_for(key, self.bypass_max)
            try:
                if not self.policy.can_proceed(action):
                    raise TokenError("policy does not allow proceeding to this site")
                if duration is None:
                    raise TokenError("choose how long to proceed for")
                granted_by = proceed_sender(flow.request.headers)
                # The token names the duration: a form cannot ask for longer than was clicked.
                self._signer().redeem(token, _proceed_purpose(key), host)
            except (TokenError, NotUserNavigation) as exc:
                self.stats.add("bypasses_rejected")
                self.events.write(
                    "bypass-refused", client=client, host=host, verdict=verdict.verdict,
                    action=action, reasons=reasons, error=str(exc), ruleset_version=checker.version,
                )  # fmt: skip
                text = f"lureguard did not let you through: {exc}."
                flow.response = _response(page.notice_page(403, "Not allowed", text))
                return
            until = self.bypasses.grant(host, duration)
            self.stats.add("bypasses")
            self.events.write(
                "bypass", client=client, host=host, verdict=verdict.verdict, action="bypass",
                reasons=reasons, duration=key, seconds=duration, until=int(until),
                granted_by=granted_by, ruleset_version=checker.version,
            )  # fmt: skip
            flow.response = http.Response.make(
                303, b"", {"Location": next_path, "Cache-Control": "no-store"}
            )
            return
        if which == "report":
            try:
                self._signer().redeem(token, "report", host)
            except TokenError as exc:
                flow.response = _response(
                    page.notice_page(403, "Report not recorded", f"The report was refused: {exc}.")
                )
                return
            rule_ids = [r["rule_id"] for r in reasons if r["level"] != "allow"]
            origin_url = f"{flow.request.scheme}://{flow.request.pretty_host}/"
            self.record_report(host, rule_ids, checker.version, origin_url, client)
            notice = "Thank you: the false alarm was recorded on this computer."
            flow.response = _response(
                self._warning(flow, host, verdict, action, checker, notice, reported=True)
            )
            return
        flow.response = _response(page.notice_page(404, "Unknown action", "Nothing to do here."))

    # -- shared with the API ------------------------------------------------------------

    def record_report(
        self, host: str, rule_ids: list[str], ruleset: str, url: str, client: str
    ) -> dict[str, Any]:
        """Store a false alarm reported from the warning page; counts and logs it."""
        record = self.reports.record(
            host, rule_ids, ruleset, "warning-page", url=url, client=client,
            event="false-alarm-report", rule_id=rule_ids[0] if rule_ids else None,
        )  # fmt: skip
        self.stats.add("reports")
        self.events.write("report", **{k: v for k, v in record.items() if k != "event"})
        return record

    def api_report(self, record: dict[str, Any]) -> None:
        """Count and log a report the API already stored (sent by the extension)."""
        self.stats.add("reports")
        version = self.holder.checker.version if self.holder else ""
        fields = {k: v for k, v in record.items() if k not in ("event", "time")}
        self.events.write("report", origin="api", ruleset_version=version, **fields)

    def current_engine(self) -> Engine | None:
        """The engine in use right now (the API answers with the same one)."""
        # Called from the API's threads: read the current engine, never start a reload there.
        return self.holder.checker.engine if self.holder else None

    def status(self) -> dict[str, Any]:
        """Mode, rule-set version and counters for `lureguard status` and the API."""
        checker = self.holder.checker if self.holder else None
        snap = self.stats.snapshot()
        return {
            "mode": self.policy.mode,
            "rule_modes": dict(self.policy.rule_modes),
            "allow_bypass": self.policy.allow_bypass,
            "bypass_max": self.bypass_max,
            "fail_policy": "closed" if self.fail_closed else "open",
            "pac_fallback": self.pac_fallback,
            "ruleset_version": checker.version if checker else None,
            "rules_db": str(self.holder.path) if self.holder else None,
            "data_dir": str(self.data_dir) if self.data_dir else None,
            **snap,
            "recent_reports": self.reports.recent(),
        }

    # -- internals ----------------------------------------------------------------------

    def _any_intercept(self, sni: str | None, connect_host: object) -> bool:
        """Decrypt when the SNI or the CONNECT target may be flagged (they differ only when a
        client lies about one of them; deciding on either alone would let that one through)."""
        checker = self._checker()
        names = {_norm(n) for n in (sni, connect_host) if isinstance(n, str) and n}
        return any(checker.must_intercept(n) or self._reads_path(n) for n in names)

    def _reads_path(self, host: str) -> bool:
        """True when the host serves customers' sites in its path and is judged per URL."""
        return self.path_platforms and path_platform(host)

    def _checker(self) -> Checker:
        if self.holder is None:
            raise RuntimeError("no rules database is loaded")
        return self.holder.current()

    def _signer(self) -> TokenSigner:
        if self.signer is None:
            raise RuntimeError("the data dir is not set up")
        return self.signer

    def _open_data_dir(self, option: str, echo: bool) -> None:
        data_dir = Path(option).expanduser() if option else default_data_dir()
        try:
            ensure_data_dir(data_dir)
            secret = load_or_create_secret(data_dir)
        except OSError as exc:
            raise _options_error(
                f"lureguard: cannot use data dir {data_dir}: {exc.strerror or exc}"
            ) from None
        self.data_dir = data_dir
        if self.state is None or self.state.path != data_dir / STATE_FILE:
            if self.state is not None:
                self.state.close()
            self.state = StateDB.open(data_dir / STATE_FILE)
            self.bypasses.attach(self.state)
        self.signer = TokenSigner(secret, spent=self.state)
        self.events.close()
        self.events = EventLog(
            data_dir / LOG_FILE,
            echo=echo,
            max_bytes=int(ctx.options.lureguard_log_max_bytes),
            backups=int(ctx.options.lureguard_log_backups),
        )
        self.reports = ReportBook(data_dir / REPORTS_FILE)

    def _load_rules(self, option: str) -> None:
        assert self.data_dir is not None
        path = (Path(option).expanduser() if option else self.data_dir / RULES_DB_NAME).resolve()
        if self.holder is not None and self.holder.path == path:
            return
        try:
            if self._preloaded and self._preloaded[1] == path:
                engine = self._preloaded[0]
            else:
                if not option:
                    from lureguard.ruleset.build import ensure_compiled

                    local = local_rules_dir(self.data_dir)
                    ensure_compiled(bundled_rules_dir(), path, local)
                engine = Engine.from_db(path)
        except (RuleDatabaseError, RuleSetError) as exc:
            raise _options_error(f"lureguard: {exc}") from None
        except OSError as exc:
            raise _options_error(
                f"lureguard: cannot prepare {path}: {exc.strerror or exc}"
            ) from None
        self._preloaded = None
        self.holder = EngineHolder(path, engine, self._swapped, self._reload_failed)
        log.info("lureguard: rules %s loaded from %s", engine.version, path)

    def _swapped(self, checker: Checker) -> None:
        self.stats.add("reloads")
        self.events.write("reload", ruleset_version=checker.version, rules_db=str(self._db()))
        log.info("lureguard: switched to rules %s", checker.version)

    def _reload_failed(self, message: str) -> None:
        self.stats.add("reload_failures")
        self.events.write("reload-failed", error=message, rules_db=str(self._db()))
        log.error("lureguard: %s; keeping the rules already loaded", message)

    def _db(self) -> Path | None:
        return self.holder.path if self.holder else None

    def _failed(self, hook: str, exc: Exception) -> None:
        """Count every failure; log each kind once, with its traceback."""
        self.stats.add("errors")
        key = (hook, type(exc).__name__)
        if key in self._errors_seen:
            return
        self._errors_seen.add(key)
        policy = "closed" if self.fail_closed else "open"
        log.error(
            "lureguard: %s failed (%r); fail-%s policy applied, further errors of this kind "
            "are only counted",
            hook, exc, policy, exc_info=exc,
        )  # fmt: skip
        with contextlib.suppress(OSError):
            self.events.write("error", hook=hook, error=repr(exc), fail_policy=policy)

    def _start_api(self) -> None:
        port = int(ctx.options.lureguard_api_port)
        if port <= 0 or self.data_dir is None:
            return
        start = _api_starter()
        if start is None:
            return
        listen = (str(ctx.options.listen_host or "127.0.0.1"), int(ctx.options.listen_port or 8080))
        try:
            self.api = start(self, port, listen)
        except OSError as exc:
            log.error("lureguard: the API could not listen on 127.0.0.1:%d: %s", port, exc)


def _api_starter() -> Callable[[LureguardAddon, int, tuple[str, int]], Any] | None:
    """The loopback API, when that part is installed."""
    try:
        from lureguard.proxy.api_link import start_api
    except ImportError:
        return None
    return start_api


def is_navigation(req: http.Request) -> bool:
    """True for a top-level page load (gets the warning page), False for subresources."""
    dest = req.headers.get("Sec-Fetch-Dest")
    if dest:
        return bool(dest == "document")
    return req.method in ("GET", "HEAD") and "text/html" in req.headers.get("Accept", "")


def _options_error(message: str) -> Exception:
    """mitmproxy's error for a bad option value (shown to the user as one line)."""
    return exceptions.OptionsError(message)  # type: ignore[no-untyped-call]


def _response(rendered: page.Rendered) -> http.Response:
    return http.Response.make(rendered.status, rendered.body, rendered.headers)


def _request_names(flow: http.HTTPFlow) -> list[str]:
    """The distinct host names a request carries: the Host header's first, then the URL's
    authority, the client's SNI and the CONNECT target."""
    address = flow.server_conn.address
    names: list[str] = []
    candidates = (
        flow.request.pretty_host,
        flow.request.host,
        flow.client_conn.sni,
        address[0] if address else None,
    )
    for name in candidates:
        if isinstance(name, str) and name and _norm(name) not in names:
            names.append(_norm(name))
    return names


def _url_on(req: http.Request, host: str) -> str:
    """The request's URL on `host` (for hosts judged per URL). A warning page's form is
    judged as the page it answers for (its `next` path), whose verdict it acts on."""
    if req.method == "POST" and req.path.startswith(page.ACTION_BASE):
        return f"{req.scheme}://{host}{_safe_next(req.urlencoded_form.get('next', '/'))}"
    if host == _norm(req.pretty_host):
        return str(req.pretty_url)
    return f"{req.scheme}://{host}{req.path}"


def _proceed_purpose(key: str) -> str:
    """The token purpose of one "proceed anyway" duration."""
    return f"proceed:{key}"


def _norm(host: str) -> str:
    return host.lower().rstrip(".")


def _client(flow: http.HTTPFlow) -> str:
    peer = flow.client_conn.peername
    return str(peer[0]) if peer else ""


def _log_url(url: str) -> str:
    """The URL without query or fragment (they may carry a victim's address or a token)."""
    return url.split("?", 1)[0].split("#", 1)[0][:500]


def _safe_next(path: str) -> str:
    """Only a path on the same host may follow a bypass.

    Browsers drop tabs and newlines anywhere in a URL and C0 controls and spaces around it
    (`/\t/evil.example/` reads as `//evil.example/`), so the check sees what they will see.
    """
    path = path.translate(_URL_IGNORED).strip("".join(map(chr, range(0x21))))
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in path):
        return "/"
    return path
