"""SIEM event sinks: ECS field names, no clean traffic, rotation, RFC 5424 over real UDP."""

from __future__ import annotations

import io
import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from lureguard.deploy import eventlog

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
    ],
)
def test_syslog_addresses(text: str, expected: tuple[str, int]) -> None:
    assert eventlog.parse_address(text) == expected


def test_bad_syslog_port() -> None:
    with pytest.raises(ValueError, match="invalid port"):
        eventlog.parse_address("siem:99999")
