"""Turn whatever a user, a feed or a browser hands us into one canonical host (and URL).

Browsers are lenient: they lowercase, drop a trailing dot, percent-decode and IDNA-map the host,
read `3232235777` as an IPv4 address and send `https://microsoft.com@evil.net/` to evil.net.
Phishing relies on that leniency, so normalisation follows the browser (WHATWG URL host
parsing and UTS #46), never the other way round. Anything that is not a host raises
`HostError` with one sentence a person can act on.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import unicodedata
from typing import Final
from urllib.parse import unquote

import idna

from lureguard.psl import bundled, parent_names

MAX_INPUT_CHARS: Final = 100_000
MAX_NAME_OCTETS: Final = 253
MAX_LABEL_OCTETS: Final = 63

_SCHEME: Final = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_ASCII_LABEL: Final = re.compile(r"^[a-z0-9_-]+$")
#: How threat reports defang indicators so nobody clicks them: `example[.]com`, `(dot)`,
#: `hxxps://`, `[:]//`. Read back as written before (no browser sends such a host).
_DEFANGED_DOT: Final = re.compile(r"\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\}", re.IGNORECASE)
#: A defanged scheme (`hxxps[:]//`) ends within this many characters.
MAX_SCHEME_CHARS: Final = 10
_DEFANGED_SCHEME: Final = re.compile(r"^(?:h[x*]{2}p|fxp)(s?):(?=//)", re.IGNORECASE)
_PSL: Final = bundled()
_NON_HOST_SCHEMES: Final = frozenset(
    {"mailto", "javascript", "data", "about", "blob", "file", "tel"}
)
_AUTHORITY_END: Final = re.compile(r"[/?#\\]")


class HostError(ValueError):
    """The input is not a URL or host name; the message says why in one sentence."""


class Target:
    """A normalised host (and URL, when one was given).

    `host` is the ASCII (punycode) form used for lookups and display of what was really
    visited; `unicode_host` is the decoded form detectors analyse. For IP literals
    `registered_domain` and `suffix` are empty. A plain class with `Final` attributes, like
    `Verdict`: one is built per request, and the native build constructs it natively.
    """

    __slots__ = ("domain_label", "host", "input", "is_ip", "names", "port",
                 "registered_domain", "suffix", "unicode_host", "url", "userinfo")  # fmt: skip

    def __init__(
        self,
        input: str,
        host: str,
        unicode_host: str,
        registered_domain: str,
        domain_label: str,
        suffix: str,
        is_ip: bool = False,
        port: int | None = None,
        url: str | None = None,
        names: tuple[str, ...] = (),
        userinfo: str = "",
    ) -> None:
        self.input: Final = input
        self.host: Final = host
        self.unicode_host: Final = unicode_host
        self.registered_domain: Final = registered_domain
        self.domain_label: Final = domain_label
        self.suffix: Final = suffix
        self.is_ip: Final = is_ip
        self.port: Final = port
        self.url: Final = url
        #: the host and its parent domains, longest first (lookups walk them)
        self.names: Final = names
        #: what a URL wrote before an `@` in its authority (`www.paypal.com` of
        #: `https://www.paypal.com@evil.net/`): a user name the browser does not visit
        self.userinfo: Final = userinfo

    def __repr__(self) -> str:
        return f"Target({self.input!r} -> {self.host!r}, url={self.url!r})"

    @property
    def unicode_registered_domain(self) -> str:
        """The registrable domain in Unicode form (for detectors and display)."""
        if not self.registered_domain:
            return ""
        return to_unicode(self.registered_domain)

    @property
    def subdomain(self) -> str:
        """Everything left of the registrable domain (ASCII), or ''."""
        if not self.registered_domain or self.host == self.registered_domain:
            return ""
        return self.host[: -len(self.registered_domain) - 1]


def split_registered(host: str) -> tuple[str, str, str]:
    """Split an ASCII host into (registered domain, its label, public suffix), offline.

    Private PSL suffixes (github.io, blogspot.com) count as suffixes: each tenant there is a
    different owner, so `paypal-login.github.io` is a registrable domain of its own.
    """
    return bundled().split(parent_names(host))


def to_unicode(ascii_host: str) -> str:
    """Decode the punycode labels of an ASCII host for display; bad labels stay as they are."""
    if "xn--" not in ascii_host:
        return ascii_host
    labels = []
    for label in ascii_host.split("."):
        if label.startswith("xn--"):
            with contextlib.suppress(UnicodeError, ValueError):
                label = label[4:].encode("ascii").decode("punycode")
        labels.append(label)
    return ".".join(labels)


def display_form(unicode_host: str, ascii_host: str) -> str:
    """The Unicode form for people to read, or the ASCII form when the Unicode one holds a
    bidi control, an invisible or an unassigned character (browsers show punycode then too)."""
    if unicode_host == ascii_host or unicode_host.isascii():
        return unicode_host  # (equal to the ASCII form it is ASCII: no method call for most)
    hidden = ("Cf", "Cc", "Zs", "Zl", "Zp", "Co", "Cn")
    if any(unicodedata.category(c) in hidden for c in unicode_host):
        return ascii_host
    return unicode_host


def parse_target(text: str) -> Target:
    """Parse a host name or URL into a `Target`, or raise `HostError`."""
    if not isinstance(text, str):
        raise HostError("input must be text")
    if len(text) > MAX_INPUT_CHARS:
        raise HostError(f"input is longer than {MAX_INPUT_CHARS:,} characters")
    stripped = text.strip()
    if not stripped:
        raise HostError("input is empty")
    if plain_host(stripped):
        return _from_plain_host(text, stripped)
    refanged = refang(stripped)
    if refanged != stripped:
        stripped = refanged
        if plain_host(stripped):
            return _from_plain_host(text, stripped)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in stripped):
        raise HostError("input contains a control character (such as NUL or a line break)")
    return _parse_slow(text, stripped)


def plain_host(text: str) -> bool:
    """True when `text` is a host name the fast path takes as it stands: labels of lowercase
    ASCII letters, digits, `-` and `_`, one dot between them, perhaps one at the end (the
    regex `[a-z0-9_-]+(?:\\.[a-z0-9_-]+)*\\.?`). A loop over character codes: every check
    asks it, and the native build runs it in a tenth of a regex match's instructions."""
    dot = True  # a dot here would end an empty label
    for i in range(len(text)):
        code = ord(text[i])
        if code == 46:  # .
            if dot:
                return False
            dot = True
        elif (97 <= code <= 122) or (48 <= code <= 57) or code == 45 or code == 95:  # a-z 0-9 - _
            dot = False
        else:
            return False
    return len(text) > 0


def refang(text: str) -> str:
    """`text` with a threat report's defanging of the scheme and host undone
    (`hxxps://paypal-verify[.]com/a[.]b` -> `https://paypal-verify.com/a[.]b`)."""
    slashes = text.find("//")
    end = text.find("/", slashes + 2 if 0 <= slashes <= MAX_SCHEME_CHARS else 0)
    head, rest = (text, "") if end < 0 else (text[:end], text[end:])
    if "[" in head or "(" in head or "{" in head:
        head = _DEFANGED_DOT.sub(".", head).replace("[://]", "://").replace("[:]//", "://")
    if head[1:3] in ("xx", "XX", "**") or head[:3].lower() == "fxp":
        match = _DEFANGED_SCHEME.match(head)
        if match:
            scheme = "ftp" if match.group(0)[0] in "fF" else "http" + match.group(1).lower()
            head = f"{scheme}:{head[match.end() :]}"
    return head + rest


def normalize_host(text: str) -> str:
    """The canonical ASCII host of a URL or host name (raises `HostError`)."""
    return parse_target(text).host


def _parse_slow(original: str, text: str) -> Target:
    scheme = ""
    rest = text
    match = _SCHEME.match(text)
    if match and (text[match.end() : match.end() + 2] in ("//", "\\\\", "/\\", "\\/")):
        scheme = match.group(1).lower()
        rest = text[match.end() + 2 :]
    elif match and match.group(1).lower() in _NON_HOST_SCHEMES:
        raise HostError(f"'{match.group(1).lower()}:' URLs have no host to check")
    elif match and not _looks_like_host_port(text):
        raise HostError(f"unsupported URL form '{match.group(1)}:' (expected http:// or https://)")
    if scheme and scheme not in ("http", "https", "ws", "wss", "ftp"):
        raise HostError(f"unsupported URL scheme '{scheme}'")
    end = _AUTHORITY_END.search(rest)
    authority = rest[: end.start()] if end else rest
    path_and_more = rest[end.start() :] if end else ""
    userinfo = ""
    if "@" in authority:
        # Userinfo is decoration: `https://microsoft.com@evil.net/` goes to evil.net.
        userinfo, authority = authority.rsplit("@", 1)
    host, port = _split_port(authority)
    target = _from_host(original, host, port=port, url=None)
    url_scheme = scheme or "http"
    host_part = f"[{target.host}]" if ":" in target.host else target.host
    port_part = f":{port}" if port is not None else ""
    path = path_and_more.replace("\\", "/") if path_and_more else "/"
    if path.startswith(("?", "#")):
        path = "/" + path
    path = path.split("#", 1)[0]
    url = f"{url_scheme}://{host_part}{port_part}{path}"
    return Target(
        input=original,
        host=target.host,
        unicode_host=target.unicode_host,
        registered_domain=target.registered_domain,
        domain_label=target.domain_label,
        suffix=target.suffix,
        is_ip=target.is_ip,
        port=port,
        url=url,
        names=target.names,
        userinfo=userinfo,
    )


def _looks_like_host_port(text: str) -> bool:
    if text.count(":") > 1:  # a bare IPv6 address such as fe80::1 is no "fe80:" URL
        try:
            ipaddress.IPv6Address(text)
        except ValueError:
            pass
        else:
            return True
    head, _, tail = text.partition(":")
    port = _AUTHORITY_END.split(tail, maxsplit=1)[0]
    return bool(head) and port.isdigit()


def _split_port(authority: str) -> tuple[str, int | None]:
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            raise HostError("IPv6 address is missing its closing ']'")
        host, after = authority[: close + 1], authority[close + 1 :]
        if not after:
            return host, None
        if not after.startswith(":"):
            raise HostError("unexpected text after the IPv6 address")
        return host, _port(after[1:])
    if authority.count(":") > 1:
        return authority, None  # a bare IPv6 literal without brackets
    if ":" in authority:
        host, port_text = authority.split(":", 1)
        return host, _port(port_text)
    return authority, None


def _port(text: str) -> int | None:
    if text == "":
        return None
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise HostError(f"port '{text[:20]}' is not a number from 0 to 65535")
    return int(text)


def _from_plain_host(original: str, host: str) -> Target:
    """Fast path for the common case: an ASCII lowercase host the regex already vetted."""
    if host.endswith("."):
        host = host[:-1]
    if len(host) > MAX_LABEL_OCTETS and (
        len(host) > MAX_NAME_OCTETS or max(map(len, host.split("."))) > MAX_LABEL_OCTETS
    ):
        return _from_host(original, host, port=None, url=None)  # for the precise error
    # IPv4 forms: the last label all digits or hex. Most hosts end in a letter and hold no
    # `0x`: nothing sliced for them.
    if 48 <= ord(host[len(host) - 1]) <= 57 or "0x" in host:
        last = host[host.rfind(".") + 1 :]
        if last.isdigit() or last.startswith("0x"):
            return _from_host(original, host, port=None, url=None)
    names = parent_names(host)
    registered, label, suffix = _PSL.split(names)
    unicode_host = to_unicode(host) if "xn--" in host else host
    return Target(original, host, unicode_host, registered, label, suffix, names=tuple(names))


def _from_host(original: str, raw: str, *, port: int | None, url: str | None) -> Target:
    host = _canonical_host(raw)
    ip = _ip_form(host)
    if ip is not None:
        return Target(original, ip, ip, "", "", "", True, port, url, (ip,))
    names = parent_names(host)
    registered, label, suffix = _PSL.split(names)
    return Target(
        input=original,
        host=host,
        unicode_host=to_unicode(host),
        registered_domain=registered,
        domain_label=label,
        suffix=suffix,
        port=port,
        url=url,
        names=tuple(names),
    )


def _canonical_host(raw: str) -> str:
    """Lowercased, percent-decoded, IDNA-encoded host without a trailing dot."""
    host = raw
    if "%" in host:
        if not _valid_percent(host):
            host = _bad_percent(host)
        try:
            host = unquote(host, errors="strict")
        except UnicodeDecodeError:  # browsers refuse such a host too
            raise HostError(
                f"host '{_clip(raw)}' percent-encodes bytes that are not UTF-8"
            ) from None
    if host.startswith("[") and host.endswith("]"):
        try:
            address = ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise HostError(f"'{_clip(host)}' is not a valid IPv6 address") from None
        return _ipv6_text(address)
    if host.count(":") > 1:
        try:
            return _ipv6_text(ipaddress.IPv6Address(host))
        except ValueError:
            raise HostError(f"'{_clip(host)}' is not a host name") from None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in host):
        raise HostError("host contains a control character (such as NUL)")
    if not host.isascii():
        host = _idna_encode(host)
    host = host.lower()
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise HostError("host is empty")
    if len(host) > MAX_NAME_OCTETS:
        raise HostError(f"host name is longer than {MAX_NAME_OCTETS} characters")
    for label in host.split("."):
        if not label:
            raise HostError(f"host '{_clip(host)}' has an empty label (two dots in a row)")
        if len(label) > MAX_LABEL_OCTETS:
            raise HostError(
                f"a label of '{_clip(host)}' is longer than {MAX_LABEL_OCTETS} characters"
            )
        if not _ASCII_LABEL.match(label):
            bad = next(c for c in label if not (c.isalnum() or c in "-_"))
            raise HostError(f"host '{_clip(host)}' contains the character {bad!r}")
    return host


def _valid_percent(text: str) -> bool:
    return re.fullmatch(r"(?:[^%]|%[0-9A-Fa-f]{2})*", text) is not None


def _bad_percent(text: str) -> str:
    raise HostError(f"host '{_clip(text)}' has an invalid percent-escape")


def _idna_encode(host: str) -> str:
    """UTS #46 mapping (as browsers do), then punycode per label."""
    try:
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    except idna.IDNAError:
        # A disallowed code point: browsers refuse these; keep analysing what was written.
        mapped = unicodedata.normalize("NFC", host).lower()
    labels = []
    for label in mapped.split("."):
        if label.isascii():
            labels.append(label)
            continue
        try:
            labels.append("xn--" + label.encode("punycode").decode("ascii"))
        except UnicodeError:
            raise HostError(f"host label '{_clip(label)}' cannot be encoded as IDNA") from None
    return ".".join(labels)


_IPV4_PART: Final = re.compile(r"0[xX][0-9a-fA-F]*|[0-9]+")


def _ip_form(host: str) -> str | None:
    """Canonical text of an IP literal in any notation browsers accept, else None."""
    if ":" in host:
        return host  # already canonical IPv6 text from _canonical_host
    last = host.rsplit(".", 1)[-1]
    if not last or not (last.isdigit() or last.startswith("0x")):
        return None
    parts = host.split(".")
    if len(parts) > 4:
        raise HostError(f"'{_clip(host)}' looks like an IPv4 address but has too many parts")
    numbers = [_ipv4_part(p, host) for p in parts]
    value = 0
    for n in numbers[:-1]:
        if n > 255:
            raise HostError(f"'{_clip(host)}' is not a valid IPv4 address")
        value = value * 256 + n
    width = 5 - len(numbers)
    if numbers[-1] >= 256**width:
        raise HostError(f"'{_clip(host)}' is not a valid IPv4 address")
    value = value * 256**width + numbers[-1]
    return str(ipaddress.IPv4Address(value))


def _ipv4_part(part: str, host: str) -> int:
    if not _IPV4_PART.fullmatch(part):  # int() would also take "-2", "+2", "1_0", " 2"
        raise HostError(f"'{_clip(host)}' is not a valid IPv4 address")
    try:
        if part.startswith(("0x", "0X")):
            return int(part[2:] or "0", 16)
        if len(part) > 1 and part.startswith("0"):
            return int(part, 8)
        return int(part, 10)
    except ValueError:
        raise HostError(f"'{_clip(host)}' is not a valid IPv4 address") from None


def _ipv6_text(address: ipaddress.IPv6Address) -> str:
    mapped = address.ipv4_mapped
    return str(mapped) if mapped is not None else address.compressed


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
