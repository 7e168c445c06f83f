"""Events for a SIEM: ECS-style JSON lines to a rotating file, stdout, or syslog (RFC 5424 over
UDP, TCP or TLS).

Input is the proxy's event record (`{"time", "event", "host", "verdict", "action", "reasons",
...}`). `--log-format json` keeps it as it is, `ecs` renames it to Elastic Common Schema fields
(`@timestamp`, `event.action`, `url.domain`, `rule.id`, ...), `syslog` frames the ECS line as an
RFC 5424 message, sent as one UDP datagram (RFC 5426) or, over TCP (RFC 6587) and TLS
(RFC 5425), as an octet-counted frame `LENGTH SP MESSAGE`. Clean traffic is never written: an
`allow` verdict is dropped here even if a caller passes one, so the log can never become a
browsing history.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import logging
import os
import queue
import socket
import ssl
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, TextIO, get_args

from lureguard import __version__
from lureguard.fsutil import RotatingFile

LogFormat = Literal["json", "ecs", "syslog"]
FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)
ECS_VERSION = "8.11.0"
APP_NAME = "lureguard"
FACILITIES = {"user": 1, **{f"local{i}": 16 + i for i in range(8)}}
#: RFC 5424 severities: warning for a block, notice for a warning, info for the rest.
SEVERITY = {"block": 4, "warn": 5, "monitor": 6}
ERROR_SEVERITY = 3
INFO_SEVERITY = 6
#: Longest datagram sent; longer messages drop the per-reason details first.
MAX_DATAGRAM = 8192
Transport = Literal["udp", "tcp", "tls"]
#: Default ports: 514 for UDP and TCP (RFC 5426, RFC 6587 practice), 6514 for TLS (RFC 5425).
DEFAULT_PORTS: dict[Transport, int] = {"udp": 514, "tcp": 514, "tls": 6514}
#: Events waiting for a TCP/TLS collector; past this many the newest are dropped (and counted).
QUEUE_LIMIT = 10_000

log = logging.getLogger(__name__)
#: Events of the extension's credential guard (lureguard.credguard.events): alerts of their own.
CREDENTIAL_EVENTS = ("credential-reuse", "credential-exception", "brand-claim")


def is_clean(record: Mapping[str, Any]) -> bool:
    """True for a record about clean traffic, which is never logged."""
    return record.get("event", "verdict") == "verdict" and record.get("verdict") in ("allow", None)


def to_ecs(record: Mapping[str, Any], hostname: str | None = None) -> dict[str, Any]:
    """The record with ECS field names (dotted keys); unknown fields go under `lureguard.`."""
    event = str(record.get("event", "verdict"))
    action = str(record.get("action") or event)
    reasons = [r for r in record.get("reasons") or [] if isinstance(r, Mapping)]
    credential = event in CREDENTIAL_EVENTS
    out: dict[str, Any] = {
        "@timestamp": _timestamp(record.get("time")),
        "ecs.version": ECS_VERSION,
        "event.kind": "alert" if event == "verdict" or credential else "event",
        "event.category": ["intrusion_detection"] if credential else ["web"],
        "event.type": _event_type(event, action),
        # A credential-guard event is named for what it found; `lureguard.action` keeps the rest.
        "event.action": event if credential else action,
        "event.dataset": "lureguard.events",
        "event.module": "lureguard",
        "observer.product": "lureguard",
        "observer.version": __version__,
        "observer.hostname": hostname or socket.gethostname(),
    }
    if record.get("host"):
        out["url.domain"] = record["host"]
    if record.get("url"):
        out["url.original"] = record["url"]
    if record.get("registered_domain"):
        out["url.registered_domain"] = record["registered_domain"]
    client = record.get("client")
    if isinstance(client, str) and client:
        out["source.ip"] = _client_ip(client)
    if reasons:
        first = reasons[0]
        out["rule.id"] = first.get("rule_id", "")
        out["rule.category"] = first.get("kind", "")
        if first.get("brand"):
            out["rule.name"] = first["brand"]
        out["event.reason"] = first.get("detail", "")
    if credential:
        out.update(_credential_fields(record, event))
        out["lureguard.action"] = action
    if record.get("verdict"):
        out["lureguard.verdict"] = record["verdict"]
    if reasons:
        out["lureguard.reasons"] = reasons
    if record.get("ruleset_version"):
        out["rule.version"] = record["ruleset_version"]
    known = {"time", "event", "action", "host", "url", "registered_domain", "client", "reasons",
             "verdict", "ruleset_version"}  # fmt: skip
    for key, value in record.items():
        if key not in known and value is not None:
            out[f"lureguard.{key}"] = value
    out["message"] = _message(record, action, reasons)
    return out


def syslog_line(
    record: Mapping[str, Any],
    *,
    facility: str = "local0",
    hostname: str | None = None,
    procid: int | None = None,
    limit: int = MAX_DATAGRAM,
) -> str:
    """One RFC 5424 message: header, no structured data, the ECS JSON as a UTF-8 (BOM) MSG."""
    host = _printable(hostname or socket.gethostname(), 255)
    ecs = to_ecs(record, host)
    pri = FACILITIES[facility] * 8 + _severity(record)
    msgid = _printable(str(ecs["event.action"]), 32)
    header = f"<{pri}>1 {ecs['@timestamp']} {host} {APP_NAME} {procid or os.getpid()} {msgid} -"
    body = _json(ecs)
    if len(header) + len(body.encode()) + 4 > limit and "lureguard.reasons" in ecs:
        ecs.pop("lureguard.reasons")
        body = _json(ecs)
    return f"{header} \ufeff{body}"


def render(record: Mapping[str, Any], fmt: LogFormat, facility: str = "local0") -> str:
    """The line a file or stdout sink writes for `record` in format `fmt`."""
    if fmt == "json":
        return _json(dict(record))
    if fmt == "ecs":
        return _json(to_ecs(record))
    return syslog_line(record, facility=facility)


class Sink(Protocol):
    """Where rendered events go."""

    def send(self, record: Mapping[str, Any]) -> None:
        """Deliver one event."""

    def close(self) -> None:
        """Release files and sockets."""


class StreamSink:
    """Lines to stdout (or any text stream), e.g. for journald or a container log driver."""

    def __init__(self, fmt: LogFormat, stream: TextIO | None = None, facility: str = "local0"):
        self.fmt, self.stream, self.facility = fmt, stream, facility

    def send(self, record: Mapping[str, Any]) -> None:
        """Write one line and flush."""
        out = self.stream or sys.stdout
        out.write(render(record, self.fmt, self.facility) + "\n")
        out.flush()

    def close(self) -> None:
        """Nothing to release (the stream belongs to the caller)."""


class RotatingFileSink:
    """Lines appended to a file (mode 0600) that rotates to `.1` ... `.N` at `max_bytes`."""

    def __init__(
        self,
        path: Path,
        fmt: LogFormat,
        max_bytes: int = 10 * 1024**2,
        backups: int = 5,
        facility: str = "local0",
    ) -> None:
        self.path, self.fmt, self.facility = path, fmt, facility
        self._file = RotatingFile(path, max_bytes, backups)

    def send(self, record: Mapping[str, Any]) -> None:
        """Append one line, rotating first when it would pass the size limit."""
        self._file.write(render(record, self.fmt, self.facility) + "\n")

    def close(self) -> None:
        """Close the file; the next event reopens it."""
        self._file.close()


class SyslogSink:
    """RFC 5424 messages over UDP (RFC 5426) to a collector; a lost datagram never blocks."""

    def __init__(self, address: str, facility: str = "local0") -> None:
        self.host, self.port = parse_address(address)
        self.facility = facility
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)

    def send(self, record: Mapping[str, Any]) -> None:
        """Send one datagram; network errors are swallowed (logging must not stop traffic)."""
        data = syslog_line(record, facility=self.facility).encode("utf-8")
        with contextlib.suppress(OSError):
            self._sock.sendto(data, (self.host, self.port))

    def close(self) -> None:
        """Close the socket."""
        self._sock.close()


class StreamSyslogSink:
    """RFC 5424 messages over TCP (RFC 6587) or TLS (RFC 5425), octet-counted, to a collector.

    `send` only queues: a background thread connects, reconnects with a growing pause after a
    failure, and writes; a slow or absent collector never delays the proxy. TLS verifies the
    collector's certificate and name against `cafile` (default: the system's trust store).
    """

    def __init__(
        self,
        target: SyslogTarget,
        facility: str = "local0",
        *,
        cafile: str | None = None,
        timeout: float = 5.0,
        queue_limit: int = QUEUE_LIMIT,
    ) -> None:
        self.target, self.facility, self.timeout = target, facility, timeout
        self._context: ssl.SSLContext | None = None
        if target.transport == "tls":
            self._context = ssl.create_default_context(cafile=cafile or None)
        self._queue: queue.Queue[bytes | None] = queue.Queue(queue_limit)
        self._sock: socket.socket | None = None
        self.dropped = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="lureguard-syslog", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def send(self, record: Mapping[str, Any]) -> None:
        """Queue one framed message (dropped, and counted, when the queue is full)."""
        message = syslog_line(record, facility=self.facility).encode("utf-8")
        try:
            self._queue.put_nowait(octet_frame(message))
        except queue.Full:
            self.dropped += 1

    def close(self, wait: float = 2.0) -> None:
        """Send what is queued (for at most `wait` seconds), then close the connection."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=wait)
        self._thread.join(wait)
        self._disconnect()

    def _run(self) -> None:
        pause = 1.0
        pending: bytes | None = None
        while True:
            if pending is None:
                pending = self._queue.get()
                if pending is None:
                    return
            try:
                sock = self._sock or self._connect()
                sock.sendall(pending)
            except OSError as exc:
                self._disconnect()
                log.warning("lureguard: syslog to %s failed (%s); retrying", self.target, exc)
                if self._closed:
                    return
                time.sleep(pause)
                pause = min(pause * 2, 30.0)
                continue
            pending, pause = None, 1.0

    def _connect(self) -> socket.socket:
        host, port = self.target.host, self.target.port
        sock = socket.create_connection((host, port), timeout=self.timeout)
        if self._context is not None:
            try:
                sock = self._context.wrap_socket(sock, server_hostname=host)
            except BaseException:
                sock.close()
                raise
        self._sock = sock
        return sock

    def _disconnect(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None


def octet_frame(message: bytes) -> bytes:
    """RFC 5425 / RFC 6587 octet counting: the message's length in bytes, a space, the message."""
    return b"%d %s" % (len(message), message)


class EventWriter:
    """Fans each non-clean event out to every configured sink."""

    def __init__(self, sinks: Sequence[Sink]) -> None:
        self.sinks = list(sinks)
        self._lock = threading.Lock()

    def __call__(self, record: Mapping[str, Any]) -> None:
        """Deliver `record` unless it is about clean traffic."""
        if is_clean(record):
            return
        with self._lock:
            for sink in self.sinks:
                # A full disk or a vanished log dir must never stop the proxy's traffic.
                with contextlib.suppress(OSError):
                    sink.send(record)

    def close(self) -> None:
        """Close every sink."""
        with self._lock:
            for sink in self.sinks:
                sink.close()


def from_settings(
    fmt: LogFormat,
    *,
    file: str = "",
    stdout: bool = False,
    syslog: str = "",
    max_bytes: int = 10 * 1024**2,
    backups: int = 5,
    facility: str = "local0",
    syslog_ca: str = "",
) -> EventWriter:
    """The writer for the policy's `log.*` settings."""
    sinks: list[Sink] = []
    if file:
        sinks.append(RotatingFileSink(Path(file).expanduser(), fmt, max_bytes, backups, facility))
    if stdout:
        sinks.append(StreamSink(fmt, facility=facility))
    if syslog:
        target = parse_target(syslog)
        if target.transport == "udp":
            sinks.append(SyslogSink(syslog, facility))
        else:
            sinks.append(StreamSyslogSink(target, facility, cafile=syslog_ca or None))
    return EventWriter(sinks)


@dataclass(frozen=True, slots=True)
class SyslogTarget:
    """Where syslog goes: transport, host and port."""

    transport: Transport
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.transport}://{host}:{self.port}"


def parse_target(text: str) -> SyslogTarget:
    """`udp://`, `tcp://` or `tls://` followed by `host:port`, `[v6]:port` or a bare host
    (the transport's default port); without a scheme, UDP."""
    text = text.strip()
    scheme, sep, rest = text.partition("://")
    transport: Transport = "udp"
    if sep:
        if scheme.lower() not in DEFAULT_PORTS:
            raise ValueError(f"syslog address {text!r}: use udp://, tcp:// or tls://")
        transport = scheme.lower()  # type: ignore[assignment]
        text = rest
    host, port = _host_port(text, DEFAULT_PORTS[transport])
    return SyslogTarget(transport, host, port)


def parse_address(text: str) -> tuple[str, int]:
    """Host and port of a syslog address (see `parse_target`)."""
    target = parse_target(text)
    return target.host, target.port


def _host_port(text: str, default: int) -> tuple[str, int]:
    host, port = text, default
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], text)
    elif text.count(":") == 1:
        host, raw = text.split(":")
        port = _port(raw, text)
    if not host:
        raise ValueError(f"syslog address {text!r} has no host")
    return host, port


def _port(raw: str, text: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"syslog address {text!r} has an invalid port")
    return int(raw)


def _client_ip(client: str) -> str:
    """The address part of `1.2.3.4:5678`, `[::1]:5678`, or the text itself."""
    if client.startswith("["):
        return client[1:].partition("]")[0]
    if client.count(":") == 1:
        return client.split(":")[0]
    return client


def _severity(record: Mapping[str, Any]) -> int:
    if record.get("event") in ("error", "reload-failed"):
        return ERROR_SEVERITY
    return SEVERITY.get(str(record.get("action")), INFO_SEVERITY)


def _timestamp(value: Any) -> str:
    """RFC 3339 UTC with milliseconds and `Z` (valid as ECS @timestamp and RFC 5424)."""
    when: dt.datetime | None = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when is None or when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC) if when else dt.datetime.now(dt.UTC)
    return when.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _event_type(event: str, action: str) -> list[str]:
    if action == "block":
        return ["denied"]
    return ["allowed"] if event == "credential-exception" else ["info"]


def _credential_sentence(record: Mapping[str, Any], event: str) -> str:
    name = record.get("account_name") or record.get("account_kind") or "a protected"
    host = record.get("host") or ""
    if event == "credential-reuse":
        return f"the {name} password was typed into {host}, which is not {name}; not sent"
    if event == "credential-exception":
        return f"the user allowed the {name} password on {host} ('this site is mine too')"
    return f"{host} claims to be {name}'s sign-in page but is not one of {name}'s sites"


def _credential_fields(record: Mapping[str, Any], event: str) -> dict[str, Any]:
    """rule.* and event.reason of a credential-guard event (it has no lookalike reasons)."""
    out: dict[str, Any] = {
        "rule.category": event,
        "event.reason": _credential_sentence(record, event),
    }
    if record.get("rule_id"):
        out["rule.id"] = record["rule_id"]
    if record.get("account_name"):
        out["rule.name"] = record["account_name"]
    return out


def _message(record: Mapping[str, Any], action: str, reasons: list[Mapping[str, Any]]) -> str:
    event = str(record.get("event", ""))
    if event in CREDENTIAL_EVENTS:
        return _credential_sentence(record, event)
    host = record.get("host") or record.get("url") or ""
    verbs = {"block": "blocked", "warn": "warned about", "monitor": "flagged"}
    head = f"{verbs.get(action, action)} {host}".strip()
    if reasons:
        first = reasons[0]
        return f"{head}: {first.get('kind', '')} ({first.get('rule_id', '')})"
    return head


def _printable(text: str, limit: int) -> str:
    """RFC 5424 header fields are printable US-ASCII without spaces; '-' when empty."""
    clean = "".join(c for c in text if 33 <= ord(c) <= 126)[:limit]
    return clean or "-"


def _json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
