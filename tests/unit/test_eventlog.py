"""SIEM event sinks: ECS field names, no clean traffic, rotation, RFC 5424 over real UDP."""

from __future__ import annotations

import io
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lureguard.deploy import eventlog
from tests.support.certs import OriginCA, make_test_ca

BLOCK = {
    "time": "2026-11-25T16:30:00.123+00:00",
    "event": "verdict",
    "client": "127.0.0.1:51234",
    "host": "rnicrosoft.com",
    "url": "https://rnicrosoft.com/login",
    "verdict": "warn",
    "action": "block",
    "reasons": [
        {
            "kind": "homoglyph",
            "rule_id": "brand/microsoft",
            "brand": "Microsoft",
            "detail": "'rn' at position 0 imitates 'm' in microsoft.com",
        }
    ],
    "ruleset_version": "474263653e54",
}
CLEAN = {**BLOCK, "verdict": "allow", "action": None, "reasons": []}

# RFC 5424 section 6: HEADER SP STRUCTURED-DATA [SP MSG]
RFC5424 = re.compile(
    r"^<(?P<pri>\d{1,3})>1 "
    r"(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d)) "
    r"(?P<host>[!-~]{1,255}) (?P<app>[!-~]{1,48}) (?P<proc>[!-~]{1,128}) (?P<msgid>[!-~]{1,32}) "
    r"(?P<sd>-|(\[[^\]]+\])+)"
    r"( (?P<msg>.*))?$",
    re.DOTALL,
)


def test_ecs_fields() -> None:
    ecs = eventlog.to_ecs(BLOCK, hostname="laptop-42")
    assert ecs["@timestamp"] == "2026-11-25T16:30:00.123Z"
    assert ecs["event.action"] == "block"
    assert ecs["event.kind"] == "alert"
    assert ecs["event.type"] == ["denied"]
    assert ecs["url.domain"] == "rnicrosoft.com"
    assert ecs["url.original"] == "https://rnicrosoft.com/login"
    assert ecs["rule.id"] == "brand/microsoft"
    assert ecs["rule.category"] == "homoglyph"
    assert ecs["rule.name"] == "Microsoft"
    assert ecs["rule.version"] == "474263653e54"
    assert ecs["source.ip"] == "127.0.0.1"
    assert ecs["observer.hostname"] == "laptop-42"
    assert ecs["lureguard.verdict"] == "warn"
    assert ecs["message"] == "blocked rnicrosoft.com: homoglyph (brand/microsoft)"


def test_other_events_keep_their_fields_under_lureguard() -> None:
    ecs = eventlog.to_ecs({"time": "2026-11-25T16:30:00+00:00", "event": "reload", "rules": 7})
    assert ecs["event.action"] == "reload"
    assert ecs["event.kind"] == "event"
    assert ecs["lureguard.rules"] == 7


def test_client_addresses() -> None:
    assert eventlog.to_ecs({**BLOCK, "client": "[::1]:5000"})["source.ip"] == "::1"
    assert eventlog.to_ecs({**BLOCK, "client": "::1"})["source.ip"] == "::1"


@pytest.mark.parametrize("fmt", eventlog.FORMATS)
def test_clean_traffic_is_never_written(fmt: eventlog.LogFormat) -> None:
    stream = io.StringIO()
    writer = eventlog.EventWriter([eventlog.StreamSink(fmt, stream)])
    writer(CLEAN)
    writer(BLOCK)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert "rnicrosoft.com" in lines[0]


def test_stdout_formats() -> None:
    assert json.loads(eventlog.render(BLOCK, "json")) == BLOCK
    assert json.loads(eventlog.render(BLOCK, "ecs"))["rule.id"] == "brand/microsoft"
    assert RFC5424.match(eventlog.render(BLOCK, "syslog"))


def test_file_rotates_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "logs" / "events.jsonl"
    line = len(eventlog.render(BLOCK, "ecs")) + 1
    sink = eventlog.RotatingFileSink(path, "ecs", max_bytes=line * 2 + 10, backups=2)
    for _ in range(7):
        sink.send(BLOCK)
    sink.close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "events.jsonl",
        "events.jsonl.1",
        "events.jsonl.2",
    ]
    for file in path.parent.iterdir():
        lines = file.read_text().splitlines()
        assert 1 <= len(lines) <= 2
        assert all(json.loads(x)["url.domain"] == "rnicrosoft.com" for x in lines)


@pytest.fixture
def collector() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    yield sock
    sock.close()


def test_syslog_datagrams_parse_as_rfc5424(collector: socket.socket) -> None:
    port = collector.getsockname()[1]
    writer = eventlog.from_settings("ecs", syslog=f"127.0.0.1:{port}", facility="local3")
    writer(CLEAN)
    writer(BLOCK)
    writer({**BLOCK, "action": "warn"})
    writer.close()

    received = [collector.recvfrom(65535)[0].decode("utf-8") for _ in range(2)]
    first = RFC5424.match(received[0])
    second = RFC5424.match(received[1])
    assert first
    assert second
    assert int(first["pri"]) == 19 * 8 + 4  # local3, warning: blocked
    assert int(second["pri"]) == 19 * 8 + 5  # local3, notice: warned
    assert first["app"] == "lureguard"
    assert first["msgid"] == "block"
    assert first["msg"].startswith("\ufeff")
    assert json.loads(first["msg"][1:])["url.domain"] == "rnicrosoft.com"
    collector.settimeout(0.2)
    with pytest.raises(TimeoutError):
        collector.recvfrom(65535)  # the clean event was never sent


def test_oversized_syslog_message_drops_reason_details() -> None:
    many = {**BLOCK, "reasons": BLOCK["reasons"] * 200}
    line = eventlog.syslog_line(many, hostname="h", limit=2048)
    assert len(line.encode()) < 2048
    assert json.loads(RFC5424.match(line)["msg"][1:])["rule.id"] == "brand/microsoft"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("siem.example.com", ("siem.example.com", 514)),
        ("udp://10.0.0.5:5514", ("10.0.0.5", 5514)),
        ("[::1]:6514", ("::1", 6514)),
        ("tcp://siem.example.com", ("siem.example.com", 514)),
        ("tls://siem.example.com", ("siem.example.com", 6514)),
        ("TLS://[2001:db8::1]:10514", ("2001:db8::1", 10514)),
    ],
)
def test_syslog_addresses(text: str, expected: tuple[str, int]) -> None:
    assert eventlog.parse_address(text) == expected


def test_syslog_transports() -> None:
    assert str(eventlog.parse_target("siem:1514")) == "udp://siem:1514"
    assert str(eventlog.parse_target("tls://[::1]")) == "tls://[::1]:6514"
    with pytest.raises(ValueError, match=r"use udp://, tcp:// or tls://"):
        eventlog.parse_target("relp://siem:2514")


def test_bad_syslog_port() -> None:
    with pytest.raises(ValueError, match="invalid port"):
        eventlog.parse_address("siem:99999")


def _frames(data: bytes) -> list[str]:
    """Split an RFC 5425 / RFC 6587 octet-counted stream into its messages."""
    messages = []
    while data:
        length, _, rest = data.partition(b" ")
        assert length.isdigit(), data[:40]
        messages.append(rest[: int(length)].decode("utf-8"))
        data = rest[int(length) :]
    return messages


class _Collector:
    """A syslog collector on loopback, over TCP or TLS, that keeps every byte received."""

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.context = context
        self.received = b""
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(10)
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        conn.settimeout(10)
        try:
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            while chunk := conn.recv(65536):
                self.received += chunk
        except (OSError, ssl.SSLError) as exc:
            self.errors.append(repr(exc))
        finally:
            conn.close()

    def close(self) -> None:
        self.thread.join(10)
        self.listener.close()


def _server_context(origin: OriginCA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(origin.server_cert, origin.server_key)
    return context


def _send_three(address: str, **settings: str) -> None:
    writer = eventlog.from_settings("ecs", syslog=address, facility="local3", **settings)
    writer(CLEAN)
    writer(BLOCK)
    writer({**BLOCK, "action": "warn", "reasons": BLOCK["reasons"] * 40})
    writer.close()


@pytest.mark.parametrize("transport", ["tcp", "tls"])
def test_syslog_over_tcp_and_tls_is_octet_counted(transport: str, tmp_path: Path) -> None:
    origin = make_test_ca(tmp_path / "certs")
    collector = _Collector(_server_context(origin) if transport == "tls" else None)
    _send_three(
        f"{transport}://127.0.0.1:{collector.port}",
        syslog_ca=str(origin.ca_cert) if transport == "tls" else "",
    )
    collector.close()
    assert collector.errors == []
    messages = _frames(collector.received)
    assert len(messages) == 2  # the clean event is never sent
    first, second = (RFC5424.match(m) for m in messages)
    assert first
    assert second
    assert int(first["pri"]) == 19 * 8 + 4
    assert json.loads(first["msg"][1:])["url.domain"] == "rnicrosoft.com"
    assert "\n" not in messages[1]
    assert len(messages[1].encode()) > 2048  # the frame carries its length, not a newline


def test_tls_syslog_refuses_a_collector_it_cannot_verify(tmp_path: Path) -> None:
    origin = make_test_ca(tmp_path / "certs")
    collector = _Collector(_server_context(origin))
    # No syslog_ca: the system trust store does not know the test CA.
    writer = eventlog.from_settings("ecs", syslog=f"tls://127.0.0.1:{collector.port}")
    writer(BLOCK)
    writer.close()
    collector.close()
    assert collector.received == b""
    assert collector.errors  # the handshake was abandoned by lureguard


def test_an_absent_collector_never_slows_the_proxy() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    sink = eventlog.StreamSyslogSink(
        eventlog.parse_target(f"tcp://127.0.0.1:{port}"), queue_limit=5
    )
    start = time.monotonic()
    for _ in range(50):
        sink.send(BLOCK)
    assert time.monotonic() - start < 0.5
    assert sink.dropped >= 44  # at most the queue and the one in hand wait
    sink.close(wait=0.1)
