"""The URL, host and address safety policy (``reference/security.md`` §1 and §5.2).

Every URL, host, SIP URI and RTP target a command carries passes through this
module before callglot forwards it. The checks are static by default (no DNS):

* structure: scheme allowlist, an authority with a host, no userinfo, no
  backslash, whitespace, control or invisible formatting characters anywhere,
  no ``%`` in the host (percent-encoding, zone ids), ports 1..65535;
* IP literals: an explicit CIDR table (:data:`BLOCKED_NETWORKS`, not
  ``ipaddress.is_global``, whose answers differ between patch releases), IPv6
  outside the global unicast range ``2000::/3``, and embedded IPv4 unwrapped
  (mapped, compatible, NAT64, 6to4, Teredo) for the reason text;
* numeric IPv4 forms other than canonical dotted quad (``2130706433``,
  ``0x7f.1``, ``0177.0.0.1``, ``127.1``): rejected outright, because
  ``socket.inet_aton`` and many HTTP stacks map them to private addresses;
* reserved names: ``localhost``, ``*.localhost``, ``*.local``, ``*.internal``,
  ``*.home.arpa``, ``*.localdomain`` and single-label names.

Hosts are IDNA-normalised with the standard library codec before any check,
so ``127。0。0。1`` is seen (and rejected) as ``127.0.0.1``; the normalised form
is what the functions return and what callglot forwards.

An operator allowlist (:class:`UrlPolicy` ``allow_networks`` / ``allow_hosts``)
re-admits blocked addresses and names; it never re-admits structural errors.
An optional injected resolver adds the resolution-time check: every answer
must be acceptable and an empty answer fails closed. The resolver check is
best effort (the vendor resolves again later); only connect-time pinning
defeats DNS rebinding.

Imports the standard library, attrs and :mod:`callglot.errors` only.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import ipaddress
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

import attrs

from callglot.errors import UnsafeUrl

__all__ = [
    "BLOCKED_NETWORKS",
    "DEFAULT_URL_POLICY",
    "UrlPolicy",
    "check_host",
    "check_ip_port",
    "check_sip_uri",
    "check_url",
    "check_vendor_url",
    "current_url_policy",
    "is_blocked_address",
    "url_policy",
]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], Iterable[str]]

# --------------------------------------------------------------------------- tables

# (CIDR, description) — security.md §1.4. The description completes
# "host X is ..." in error messages.
_V4_BLOCKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "a 'this network' address"),
    ("10.0.0.0/8", "a private address"),
    ("100.64.0.0/10", "a shared (CGNAT) address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address"),
    ("172.16.0.0/12", "a private address"),
    ("192.0.0.0/24", "an IETF protocol assignment address"),
    ("192.0.2.0/24", "a documentation address"),
    ("192.88.99.0/24", "a 6to4 relay anycast address"),
    ("192.168.0.0/16", "a private address"),
    ("198.18.0.0/15", "a benchmarking address"),
    ("198.51.100.0/24", "a documentation address"),
    ("203.0.113.0/24", "a documentation address"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
)

_V6_BLOCKS: tuple[tuple[str, str], ...] = (
    ("::/128", "the unspecified address"),
    ("::1/128", "a loopback address"),
    ("::ffff:0:0/96", "an IPv4-mapped address"),
    ("::/96", "an IPv4-compatible address"),
    ("64:ff9b::/96", "a NAT64 address"),
    ("64:ff9b:1::/48", "a local-use NAT64 address"),
    ("100::/64", "a discard-only address"),
    ("2001::/23", "an IETF protocol assignment address"),
    ("2001:db8::/32", "a documentation address"),
    ("2002::/16", "a 6to4 address"),
    ("3fff::/20", "a documentation address"),
    ("5f00::/16", "an SRv6 SID address"),
    ("fc00::/7", "a unique-local (private) address"),
    ("fe80::/10", "a link-local address"),
    ("fec0::/10", "a site-local address"),
    ("ff00::/8", "a multicast address"),
)

BLOCKED_NETWORKS: tuple[Network, ...] = tuple(ipaddress.ip_network(cidr) for cidr, _ in _V4_BLOCKS + _V6_BLOCKS)
"""The §1.4 blocklist. IPv6 outside ``2000::/3`` is blocked in addition."""

_Entry = tuple[int, int, str]  # (mask, network, description)


def _entries(blocks: tuple[tuple[str, str], ...]) -> list[tuple[int, int, int, str]]:
    out = []
    for cidr, label in blocks:
        net = ipaddress.ip_network(cidr)
        out.append((net.prefixlen, int(net.netmask), int(net.network_address), label))
    out.sort(key=lambda e: -e[0])  # most specific first, for the best description
    return out


def _v4_octet_table() -> tuple[tuple[_Entry, ...], ...]:
    entries = [(0xFFFFFFFF, 0xFFFFFFFF, "the broadcast address")] + [
        (mask, net, label) for _, mask, net, label in _entries(_V4_BLOCKS)
    ]
    table: list[tuple[_Entry, ...]] = []
    for octet in range(256):
        lo, hi = octet << 24, (octet << 24) | 0xFFFFFF
        table.append(tuple((m, n, lab) for m, n, lab in entries if n <= hi and (n | (~m & 0xFFFFFFFF)) >= lo))
    return tuple(table)


# Indexed by the first octet: a handful of (mask, net) tests at most, none for most public space.
_V4_TABLE = _v4_octet_table()
_V6_TABLE: tuple[_Entry, ...] = tuple((m, n, lab) for _, m, n, lab in _entries(_V6_BLOCKS))
_V6_GUA_MASK = 0xE000 << 112  # 2000::/3
_V6_GUA_NET = 0x2000 << 112
_V6_TEREDO_MASK = 0xFFFFFFFF << 96  # 2001::/32
_V6_TEREDO_NET = 0x20010000 << 96
_U32 = 0xFFFFFFFF


def _v4_text(x: int) -> str:
    return f"{x >> 24}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255}"


def _v4_reason(x: int) -> str | None:
    for mask, net, label in _V4_TABLE[x >> 24]:
        if x & mask == net:
            return label
    return None


def _embedded_v4(x: int) -> tuple[int, ...]:
    """IPv4 addresses embedded in an IPv6 address (mapped, compatible, NAT64, 6to4, Teredo)."""
    high = x >> 32
    if high == 0xFFFF or high == 0x64FF9B << 64 or (high == 0 and x > 1):
        return (x & _U32,)  # ::ffff:0:0/96, 64:ff9b::/96, ::/96 except :: and ::1
    if x >> 112 == 0x2002:  # 6to4: 2002:AABB:CCDD::/48
        return ((x >> 80) & _U32,)
    if x & _V6_TEREDO_MASK == _V6_TEREDO_NET:  # Teredo: server in bits 64..95, client inverted
        return ((x >> 64) & _U32, ~x & _U32)
    return ()


def _v6_reason(x: int) -> str | None:
    embedded = _embedded_v4(x)
    for mask, net, label in _V6_TABLE:
        if x & mask == net:
            if x & _V6_TEREDO_MASK == _V6_TEREDO_NET:
                label = "a Teredo address"
            break
    else:
        label = ""
        if x & _V6_GUA_MASK != _V6_GUA_NET:
            label = "outside the IPv6 global unicast range 2000::/3"
    if embedded:
        inner = [(v, _v4_reason(v)) for v in embedded]
        bad = [f"{_v4_text(v)}, {why}" for v, why in inner if why is not None]
        shown = "; ".join(bad) if bad else ", ".join(_v4_text(v) for v in embedded)
        if label:
            return f"{label} (embeds {shown})"
        if bad:  # unreachable with the shipped table; kept so a trimmed table still unwraps
            return f"an address embedding {shown}"
    return label or None


def is_blocked_address(ip: Address) -> bool:
    """True if ``ip`` is in :data:`BLOCKED_NETWORKS` or is IPv6 outside ``2000::/3``.

    Embedded IPv4 (mapped, compatible, NAT64, 6to4, Teredo) is unwrapped and checked too.
    """
    if ip.version == 4:
        return _v4_reason(int(ip)) is not None
    return _v6_reason(int(ip)) is not None


# --------------------------------------------------------------------------- policy


def _to_networks(value: Iterable[str | Network] | str | Network) -> tuple[Network, ...]:
    if isinstance(value, (str, ipaddress.IPv4Network, ipaddress.IPv6Network)):
        value = (value,)
    return tuple(
        v if isinstance(v, (ipaddress.IPv4Network, ipaddress.IPv6Network)) else ipaddress.ip_network(v) for v in value
    )


def _host_key(host: str) -> str:
    """The form an allow-listed host is stored and compared in."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        pass
    if not host.isascii():
        with contextlib.suppress(UnicodeError):
            host = host.encode("idna").decode("ascii").lower()
    return host[:-1] if host.endswith(".") else host


def _to_hosts(value: Iterable[str] | str) -> frozenset[str]:
    if isinstance(value, str):
        value = (value,)
    return frozenset(_host_key(h) for h in value)


@attrs.frozen(kw_only=True, cache_hash=True)  # hashed on every URL check (the cache key)
class UrlPolicy:
    """What the URL checks accept beyond the default (public https/wss only).

    ``allow_insecure`` also permits ``http`` where ``https`` is allowed and
    ``ws`` where ``wss`` is. ``allow_networks`` (CIDR strings or network
    objects) and ``allow_hosts`` (names or IP literals, matched exactly after
    normalisation, trailing dot ignored) re-admit otherwise blocked targets.
    ``resolver`` maps a host name to IP address strings; when set, every name
    that is not allow-listed is resolved and rejected if there is no answer or
    any answer is blocked.
    """

    allow_insecure: bool = False
    allow_networks: tuple[Network, ...] = attrs.field(default=(), converter=_to_networks)
    allow_hosts: frozenset[str] = attrs.field(default=frozenset(), converter=_to_hosts)
    resolver: Resolver | None = None


DEFAULT_URL_POLICY = UrlPolicy()

_POLICY: contextvars.ContextVar[UrlPolicy] = contextvars.ContextVar("callglot_url_policy", default=DEFAULT_URL_POLICY)


def current_url_policy() -> UrlPolicy:
    """The policy in force in this context (:data:`DEFAULT_URL_POLICY` unless set)."""
    return _POLICY.get()


@contextlib.contextmanager
def url_policy(policy: UrlPolicy) -> Iterator[UrlPolicy]:
    """Use ``policy`` for every check in the ``with`` block (context-local; reset on exit)."""
    token = _POLICY.set(policy)
    try:
        yield policy
    finally:
        _POLICY.reset(token)


# --------------------------------------------------------------------------- parsing helpers

# Control characters, whitespace (incl. Unicode), backslash, invisible formatting
# characters (soft hyphen, Arabic letter mark, Mongolian vowel separator, zero-width,
# bidi controls, BOM, tags) and lone surrogates.
_BAD_CHARS = re.compile(
    r"[\x00-\x20\x7f-\x9f\\\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    r"\ud800-\udfff\U000e0000-\U000e007f]"
)
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_CANONICAL_V4 = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}")
_NUMERIC_LABEL = re.compile(r"[0-9]+|0x[0-9a-f]*")
_NAME = re.compile(r"[a-z0-9_-]{1,63}(?:\.[a-z0-9_-]{1,63})*\.?")
# Two or more LDH labels (underscore allowed), the last one not numeric (not 12, 0x1f).
_GOOD_NAME = re.compile(r"(?:[a-z0-9_-]{1,63}\.)+(?![0-9]+\.?\Z|0x[0-9a-f]*\.?\Z)[a-z0-9_-]{1,63}\.?", re.ASCII)
_PORT = re.compile(r"[0-9]+")
_RESERVED_EXACT = frozenset({"localhost", "home.arpa"})
_RESERVED_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".localdomain")
_SIP_USER = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()&=+$,;/]|%[0-9A-Fa-f]{2})+")
_SIP_PARAM_NAME = re.compile(r"[A-Za-z0-9\-.!*_+`'~]+")
_SIP_PARAM_VALUE = re.compile(r"(?:[A-Za-z0-9\-_.!~*'()\[\]/:&+$]|%[0-9A-Fa-f]{2})*")
_SIP_TRANSPORTS = frozenset({"udp", "tcp", "tls", "ws", "wss"})


def _has_bad_chars(text: str) -> bool:
    if text.isascii() and text.isprintable():  # the common case, without the regex
        return " " in text or "\\" in text
    return _BAD_CHARS.search(text) is not None


def _show(text: str, limit: int = 64) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def _check_port(port: str) -> None:
    if not port:
        raise UnsafeUrl("port is empty")
    if _PORT.fullmatch(port) is None:
        raise UnsafeUrl(f"port {_show(port, 16)!r} is not a number")
    digits = port.lstrip("0")
    if len(digits) > 5 or not 0 < int(digits or "0") <= 65535:
        raise UnsafeUrl(f"port {_show(port, 16)} is out of range (1-65535)")


def _split_hostport(hostport: str) -> tuple[str, bool, str, str]:
    """``host[:port]`` → (raw host, is_ipv6, host without brackets, ``:port`` or "")."""
    if hostport.startswith("["):
        end = hostport.find("]")
        if end < 0:
            raise UnsafeUrl("IPv6 literal is missing its closing ']'")
        after = hostport[end + 1 :]
        if after and after[0] != ":":
            raise UnsafeUrl("unexpected characters after the IPv6 literal")
        if after:
            _check_port(after[1:])
        return hostport[: end + 1], True, hostport[1:end], after
    host, sep, port = hostport.partition(":")
    if ":" in port:
        raise UnsafeUrl("host contains ':' (IPv6 literals must be in brackets)")
    if "]" in host:
        raise UnsafeUrl("host contains ']'")
    if sep:
        _check_port(port)
    return host, False, host, sep + port


def _allowed_ip(x: int, version: int, text: str, policy: UrlPolicy) -> bool:
    if text in policy.allow_hosts:
        return True
    if policy.allow_networks:
        ip: Address = ipaddress.IPv4Address(x) if version == 4 else ipaddress.IPv6Address(x)
        return any(ip in net for net in policy.allow_networks)
    return False


def _v4_int(host: str) -> int:
    """A canonical dotted quad (four octets of 0..255: what :data:`_CANONICAL_V4` matched) as its number.

    Arithmetic rather than ``socket.inet_aton``: socket is a few ms of a cold start.
    """
    a, b, c, d = host.split(".")
    return (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)


def _check_v4(host: str, policy: UrlPolicy, what: str) -> str:
    """``host`` is canonical dotted quad."""
    x = _v4_int(host)
    reason = _v4_reason(x)
    if reason is not None and not _allowed_ip(x, 4, host, policy):
        raise UnsafeUrl(f"{what} {host} is {reason}")
    return host


def _check_v6(inner: str, policy: UrlPolicy, what: str) -> str:
    if "%" in inner:
        raise UnsafeUrl(f"{what} contains '%' (zone ids are not allowed)")
    try:
        ip = ipaddress.IPv6Address(inner)
    except ValueError:
        raise UnsafeUrl(f"{what} [{_show(inner)}] is not a valid IPv6 address") from None
    norm = ip.compressed
    x = int(ip)
    reason = _v6_reason(x)
    if reason is not None and not _allowed_ip(x, 6, norm, policy):
        raise UnsafeUrl(f"{what} {norm} is {reason}")
    return norm


def _resolve(name: str, resolver: Resolver, policy: UrlPolicy) -> None:
    try:
        answers = list(resolver(name))
    except UnsafeUrl:
        raise
    except Exception as exc:
        raise UnsafeUrl(f"host {_show(name)} could not be resolved ({type(exc).__name__})") from None
    if not answers:
        raise UnsafeUrl(f"host {_show(name)} has no addresses (resolver returned none)")
    for answer in answers:
        try:
            ip = ipaddress.ip_address(answer)
        except ValueError:
            raise UnsafeUrl(f"host {_show(name)} resolved to something that is not an IP address") from None
        x = int(ip)
        reason = _v4_reason(x) if ip.version == 4 else _v6_reason(x)
        if reason is not None and not _allowed_ip(x, ip.version, ip.compressed, policy):
            raise UnsafeUrl(f"host {_show(name)} resolves to {ip.compressed}, {reason}")


def _name_error(name: str, bare: str, what: str) -> UnsafeUrl:
    """Why ``name`` (lower-case ASCII) failed :data:`_GOOD_NAME`."""
    if "%" in name:
        return UnsafeUrl(f"{what} contains '%' (percent-encoding is not allowed in hosts)")
    if _NUMERIC_LABEL.fullmatch(bare.rpartition(".")[2]) is not None:
        return UnsafeUrl(f"{what} {_show(name)} is a non-canonical numeric IPv4 form")
    if _NAME.fullmatch(name) is None:
        return UnsafeUrl(f"{what} {_show(name)!r} is not a valid host name")
    return UnsafeUrl(f"{what} {name} is a single-label name (not a public host name)")


#: Longest non-ASCII host converted: each character becomes at least one ASCII one (253 at most),
#: with room for what normalisation merges; longer ones are refused before the costly conversion.
_MAX_IDN_INPUT = 1024
#: The dots IDNA 2003 splits labels on (what the codec sees as label separators).
_IDNA_DOTS = re.compile("[.\u3002\uff0e\uff61]")
#: IDNA 2003 maps these to other letters (sharp s to "ss", final sigma to sigma) where IDNA 2008, and so httpx and
#: browsers, keep them: the same name would reach two different domains.
_IDNA_DEVIATIONS = frozenset("\u00df\u03c2")


@functools.lru_cache(maxsize=512)
def _idna(host: str) -> str | None:
    """The lower-case ASCII (IDNA 2003) form of a non-ASCII host name, or None when it has none.

    Cached: stringprep and punycode cost ~40 µs a name, and the same media hosts recur on every call.
    A pure function of the name, so the cache weakens no check. Callers bound the length first.
    None also when a label's normalisation holds a dot (``⒈`` is ``1.``): the codec would hide it
    inside one label, and a browser or httpx would not read the name the same way.
    """
    try:
        ascii_name = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if ascii_name.count(".") != len(_IDNA_DOTS.findall(host)):
        return None
    return ascii_name


def _check_name_or_v4(host: str, policy: UrlPolicy, what: str = "host") -> str:
    """A host without brackets or ':' → its normalised form, or UnsafeUrl."""
    if not host:
        raise UnsafeUrl(f"{what} is empty")
    if "0" <= host[-1] <= "9" and _CANONICAL_V4.fullmatch(host) is not None:
        return _check_v4(host, policy, what)
    if host.isascii():
        name = host.lower()
    else:
        if "%" in host:
            raise UnsafeUrl(f"{what} contains '%' (percent-encoding is not allowed in hosts)")
        if len(host) > _MAX_IDN_INPUT:
            raise UnsafeUrl(f"{what} {_show(host)!r} is longer than 253 characters")
        if not _IDNA_DEVIATIONS.isdisjoint(host):
            raise UnsafeUrl(
                f"{what} {_show(host)!r} holds ß or ς, which IDNA 2003 and 2008 map to different names: "
                "give the host in its xn-- form"
            )
        ascii_name = _idna(host)
        if ascii_name is None:
            raise UnsafeUrl(f"{what} {_show(host)!r} is not a valid internationalised domain name")
        name = ascii_name
        if not name:
            raise UnsafeUrl(f"{what} is empty")
        if _CANONICAL_V4.fullmatch(name) is not None:
            return _check_v4(name, policy, what)
    bare = name[:-1] if name[-1] == "." else name
    if _GOOD_NAME.fullmatch(name) is None:
        # Single-label names may still be allow-listed (or reported by a vendor); everything else is an error.
        if (bare in policy.allow_hosts and _NAME.fullmatch(name) is not None) or (
            policy is _VENDOR_HOSTED
            and "." not in bare
            and _NAME.fullmatch(bare)
            and not _NUMERIC_LABEL.fullmatch(bare)
        ):
            return name
        raise _name_error(name, bare, what)
    if len(bare) > 253:
        raise UnsafeUrl(f"{what} {_show(name)} is longer than 253 characters")
    if bare in policy.allow_hosts or policy is _VENDOR_HOSTED:
        return name
    if bare.endswith(_RESERVED_SUFFIXES) or bare in _RESERVED_EXACT:
        suffix = next((s for s in _RESERVED_SUFFIXES if bare.endswith(s)), None)
        if suffix is None:
            raise UnsafeUrl(f"{what} {name} is a reserved name")
        raise UnsafeUrl(f"{what} {_show(name)} is under the reserved domain {suffix[1:]}")
    if policy.resolver is not None:
        _resolve(name, policy.resolver, policy)
    return name


# --------------------------------------------------------------------------- public checks

#: What a URL a vendor reports is checked against: every address admitted (``::/0`` covers the IPv6 ranges
#: outside 2000::/3 too), and :func:`_check_name_or_v4` admits every name, reserved and single-label ones
#: included, for it alone; no resolver.
_VENDOR_HOSTED = UrlPolicy(allow_networks=("0.0.0.0/0", "::/0"))


#: URLs that passed, per (url, schemes, policy): a check is a pure function of those three when the
#: policy has no resolver (a resolver's answer may change, so its checks are never cached), and a
#: failure is never cached (its error is rebuilt each time). Emptied when full: a stream of distinct
#: URLs costs what it cost uncached.
_PASSED: dict[tuple[str, Any, UrlPolicy], str] = {}
_UNCHANGED = "\x00unchanged"  # the value stored for a URL already in normal form (never a URL: NUL)
_PASSED_MAX = 4096


def check_url(url: str, *, schemes: Collection[str] = ("https",), policy: UrlPolicy | None = None) -> str:
    """Return the normalised ``url`` or raise :class:`UnsafeUrl`.

    ``schemes`` are the secure schemes the field allows; ``policy.allow_insecure``
    adds ``http`` next to ``https`` and ``ws`` next to ``wss``. The scheme and
    host are lower-cased and the host IDNA-encoded (IPv6 compressed); the port,
    path, query and fragment are kept exactly. An already normal URL is
    returned unchanged (the same object).
    """
    if policy is None:
        policy = _POLICY.get()
    if policy.resolver is not None or type(url) is not str:
        return _check_url(url, schemes, policy)
    key = (url, (schemes,) if type(schemes) is str else tuple(schemes), policy)
    try:
        found = _PASSED[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable scheme collection: checked, not cached
        return _check_url(url, schemes, policy)
    else:
        return url if found is _UNCHANGED else found  # a normal URL comes back as the same object
    checked = _check_url(url, schemes, policy)
    if len(_PASSED) >= _PASSED_MAX:
        _PASSED.clear()
    _PASSED[key] = _UNCHANGED if checked is url else checked
    return checked


def _check_url(url: str, schemes: Collection[str], policy: UrlPolicy) -> str:
    if type(url) is not str:
        raise UnsafeUrl(f"URL must be a string, not {type(url).__name__}")
    if _has_bad_chars(url):
        raise UnsafeUrl("URL contains whitespace, a backslash, or a control or invisible character")
    if isinstance(schemes, str):
        schemes = (schemes,)
    m = _URL.match(url)
    raw_scheme = m.group(1) if m is not None else None
    if raw_scheme is None:
        sm = _SCHEME.match(url)
        if sm is None:
            raise UnsafeUrl("URL has no scheme")
        raw_scheme = sm.group(1)
    scheme = raw_scheme.lower()
    if scheme not in schemes and not (
        policy.allow_insecure and ((scheme == "http" and "https" in schemes) or (scheme == "ws" and "wss" in schemes))
    ):
        allowed = sorted(schemes)
        if policy.allow_insecure:
            allowed += [i for s, i in (("https", "http"), ("wss", "ws")) if s in schemes]
        raise UnsafeUrl(f"scheme {_show(scheme, 16)!r} is not allowed (allowed: {', '.join(allowed) or 'none'})")
    if m is None:
        raise UnsafeUrl(f"URL has no authority (expected {scheme}://host/...)")
    authority = m.group(2)
    if "@" in authority:
        raise UnsafeUrl("userinfo is not allowed in URLs")
    if not authority:
        raise UnsafeUrl("URL has no host")
    raw_host, is_v6, host, port = _split_hostport(authority)
    if is_v6:
        norm = "[" + _check_v6(host, policy, "host") + "]"
    else:
        if not host:
            raise UnsafeUrl("URL has no host")
        norm = _check_name_or_v4(host, policy)
    if norm == raw_host and scheme == raw_scheme:
        return url
    return f"{scheme}://{norm}{port}{url[m.end() :]}"


def check_vendor_url(url: str, *, schemes: Collection[str] = ("https", "http")) -> str:
    """Return the normalised form of a URL a vendor reports (a recording's in an event), or raise :class:`UnsafeUrl`.

    The vendor made the URL (its own storage, or a server inside the customer's network for a
    self-hosted engine) and callglot never fetches it, so the address rules do not apply: private,
    loopback and reserved addresses and names, single-label names included, pass, whatever the
    :class:`UrlPolicy` in force. Everything else of :func:`check_url` does: the scheme allowlist (both
    ``http`` and ``https`` by default, as vendors store recordings under either), an authority with a
    host, no userinfo, no backslash, whitespace, control or invisible characters, no ``%`` in the host,
    no numeric IPv4 forms other than the dotted quad, ports 1..65535, and the same normalisation.
    """
    return check_url(url, schemes=schemes, policy=_VENDOR_HOSTED)


def check_host(host: str, *, policy: UrlPolicy | None = None) -> str:
    """Return the normalised bare ``host`` (name, IPv4, or IPv6 with or without brackets)."""
    if policy is None:
        policy = _POLICY.get()
    if type(host) is not str:
        raise UnsafeUrl(f"host must be a string, not {type(host).__name__}")
    if _has_bad_chars(host):
        raise UnsafeUrl("host contains whitespace, a backslash, or a control or invisible character")
    if "@" in host:
        raise UnsafeUrl("userinfo is not allowed in hosts")
    if host.startswith("[") and host.endswith("]"):
        return "[" + _check_v6(host[1:-1], policy, "host") + "]"
    if ":" in host:
        return _check_v6(host, policy, "host")
    if "[" in host or "]" in host:
        raise UnsafeUrl("host has unbalanced brackets")
    return _check_name_or_v4(host, policy)


def check_ip_port(addr: str, port: int, *, policy: UrlPolicy | None = None) -> str:
    """Check an RTP tap target: ``addr`` must be an IP literal and ``port`` 1..65535.

    Returns the normalised address (IPv6 compressed, without brackets).
    """
    if policy is None:
        policy = _POLICY.get()
    if type(port) is not int:
        raise UnsafeUrl(f"port must be an integer, not {type(port).__name__}")
    if not 0 < port <= 65535:
        raise UnsafeUrl(f"port {port} is out of range (1-65535)")
    if type(addr) is not str:
        raise UnsafeUrl(f"address must be a string, not {type(addr).__name__}")
    if _has_bad_chars(addr):
        raise UnsafeUrl("address contains whitespace, a backslash, or a control or invisible character")
    if addr.startswith("[") and addr.endswith("]"):
        return _check_v6(addr[1:-1], policy, "address")
    if ":" in addr:
        return _check_v6(addr, policy, "address")
    if _CANONICAL_V4.fullmatch(addr) is not None:
        return _check_v4(addr, policy, "address")
    bare = addr[:-1] if addr.endswith(".") else addr
    if addr.isascii() and _NUMERIC_LABEL.fullmatch(bare.lower().rpartition(".")[2]) is not None:
        raise UnsafeUrl(f"address {_show(addr)} is a non-canonical numeric IPv4 form")
    raise UnsafeUrl("an RTP target must be an IP address, not a host name")


def check_sip_uri(uri: str, *, policy: UrlPolicy | None = None) -> str:
    """Return the normalised SIP transfer target or raise :class:`UnsafeUrl` (security.md §5.2).

    ``sip:``/``sips:`` with a non-empty user part, no password, the host rules of
    :func:`check_host`, port 1..65535, no ``?headers``, no ``maddr``/``method``
    parameters, ``transport`` in udp/tcp/tls/ws/wss, no duplicate parameters.
    The scheme is lower-cased and the host normalised; the rest is kept.
    """
    if policy is None:
        policy = _POLICY.get()
    if type(uri) is not str:
        raise UnsafeUrl(f"SIP URI must be a string, not {type(uri).__name__}")
    if _has_bad_chars(uri):
        raise UnsafeUrl("SIP URI contains whitespace, a backslash, or a control or invisible character")
    sm = _SCHEME.match(uri)
    if sm is None:
        raise UnsafeUrl("SIP URI has no scheme")
    raw_scheme = sm.group(1)
    scheme = raw_scheme.lower()
    if scheme not in ("sip", "sips"):
        raise UnsafeUrl(f"scheme {_show(scheme, 16)!r} is not allowed (allowed: sip, sips)")
    rest = uri[sm.end() :]
    ats = rest.count("@")
    if ats == 0:
        raise UnsafeUrl("SIP URI needs a user part (user@host)")
    if ats > 1:
        raise UnsafeUrl("SIP URI contains more than one '@'")
    user, _, hostpart = rest.partition("@")
    if not user:
        raise UnsafeUrl("SIP URI has an empty user part")
    if ":" in user:
        raise UnsafeUrl("a password is not allowed in SIP URIs")
    if "?" in user or _SIP_USER.fullmatch(user) is None:
        raise UnsafeUrl("SIP URI user part contains characters that are not allowed")
    if user[0] == "/":  # legal SIP, but a generic URL parser reads sip://host/...@x as the host 'host'
        raise UnsafeUrl("SIP URI user part must not start with '/'")
    if "?" in hostpart:
        raise UnsafeUrl("SIP URI headers ('?...') are not allowed")
    hostport, _, params = hostpart.partition(";")
    raw_host, is_v6, host, _port = _split_hostport(hostport)
    if is_v6:
        norm = "[" + _check_v6(host, policy, "host") + "]"
    else:
        if not host:
            raise UnsafeUrl("SIP URI has no host")
        norm = _check_name_or_v4(host, policy)
    if hostpart != hostport:
        seen: set[str] = set()
        for param in params.split(";"):
            name, eq, value = param.partition("=")
            if _SIP_PARAM_NAME.fullmatch(name) is None or _SIP_PARAM_VALUE.fullmatch(value) is None:
                raise UnsafeUrl("SIP URI has a malformed parameter")
            key = name.lower()
            if key in seen:
                raise UnsafeUrl(f"SIP URI parameter {key!r} appears more than once")
            seen.add(key)
            if key in ("maddr", "method"):
                raise UnsafeUrl(f"SIP URI parameter {key!r} is not allowed")
            if key == "transport" and (not eq or value.lower() not in _SIP_TRANSPORTS):
                shown = _show(value, 16)
                raise UnsafeUrl(f"transport {shown!r} is not allowed (allowed: udp, tcp, tls, ws, wss)")
    if norm == raw_host and scheme == raw_scheme:
        return uri
    return f"{scheme}:{user}@{norm}{hostpart[len(raw_host) :]}"
