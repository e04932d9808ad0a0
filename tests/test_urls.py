"""The URL / host / SIP / RTP safety policy (reference/security.md §1.6 and §5.2)."""

from __future__ import annotations

import ipaddress
import itertools
import socket
import string
from collections.abc import Callable, Iterable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import sip_uris

from callglot.canonical.urls import (
    BLOCKED_NETWORKS,
    DEFAULT_URL_POLICY,
    UrlPolicy,
    _v4_int,
    check_host,
    check_ip_port,
    check_sip_uri,
    check_url,
    current_url_policy,
    is_blocked_address,
    url_policy,
)
from callglot.errors import CallglotError, UnsafeUrl

PUBLIC_V4 = "93.184.216.34"


def public_resolver(_name: str) -> list[str]:
    return [PUBLIC_V4, "2606:2800:220:1:248:1893:25c8:1946"]


def dict_resolver(table: dict[str, list[str]]) -> Callable[[str], Iterable[str]]:
    def resolve(name: str) -> Iterable[str]:
        return table.get(name, [])

    return resolve


PUBLIC = UrlPolicy(resolver=public_resolver)
BOTH = ("https", "wss")

# ---------------------------------------------------------------- §1.6 must reject (static)

STATIC_REJECT = [
    # structure and scheme
    "file:///etc/passwd",
    "gopher://127.0.0.1:6379/_INFO",
    "ftp://media.example.com/hold.wav",
    "data:audio/wav;base64,UklGRg==",
    "http://media.example.com/hold.wav",
    "ws://media.example.com/stream",
    "https://user:pass@media.example.com/hold.wav",
    "https://media.example.com@127.0.0.1/hold.wav",
    "https://127.0.0.1:443\\@media.example.com/",
    "https:///hold.wav",
    "https://media.example.com%00.evil.test/",
    # IPv4 literals
    "https://127.0.0.1/",
    "https://127.255.255.254/",
    "https://0.0.0.0/",
    "https://10.0.0.1/",
    "https://172.16.0.1/",
    "https://172.31.255.255/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/",
    "https://100.100.100.200/latest/meta-data/",
    "https://192.0.0.170/",
    "https://198.18.0.1/",
    "https://192.0.2.1/",
    "https://224.0.0.1/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    # non-canonical IPv4
    "https://2130706433/",
    "https://0x7f000001/",
    "https://017700000001/",
    "https://0177.0.0.1/",
    "https://127.1/",
    "https://0/",
    "https://0x7f.0x0.0x0.0x1/",
    "https://169.254.43518/",
    "https://2852039166/",
    "https://127.000.000.001/",
    # IPv6 literals
    "https://[::1]/",
    "https://[::]/",
    "https://[0:0:0:0:0:0:0:1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[fe80::1%25eth0]/",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://[fc00::1]/",
    "https://[64:ff9b::a9fe:a9fe]/",
    "https://[2002:7f00:1::]/",
    "https://[::127.0.0.1]/",
    "https://[ff02::1]/",
    "https://[2001:db8::1]/",
    "https://[fec0::1]/",
    "https://[2001:0:4136:e378:8000:63bf:3f57:fdf2]/",
    # host names
    "https://localhost/",
    "https://LOCALHOST./",
    "https://api.localhost/",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://metadata/",
    "https://printer.local/",
    "https://router.home.arpa/",
    "https://127\u30020\u30020\u30021/",
]
assert len(STATIC_REJECT) == 60


@pytest.mark.parametrize("url", STATIC_REJECT, ids=[f"r{n:02d}" for n in range(1, len(STATIC_REJECT) + 1)])
@pytest.mark.parametrize("policy", [DEFAULT_URL_POLICY, PUBLIC], ids=["static", "resolver"])
def test_static_reject(url: str, policy: UrlPolicy) -> None:
    with pytest.raises(UnsafeUrl) as info:
        check_url(url, schemes=BOTH, policy=policy)
    reason = info.value.reason
    assert reason
    assert "\n" not in reason
    assert "\r" not in reason
    assert "pass" not in reason  # never echo userinfo


def test_reject_reasons_name_the_problem() -> None:
    cases = {
        "https://127.0.0.1/": "host 127.0.0.1 is a loopback address",
        "https://user:pass@media.example.com/": "userinfo is not allowed in URLs",
        "http://media.example.com/": "scheme 'http' is not allowed (allowed: https)",
        "https://0x7f000001/": "non-canonical numeric IPv4",
        "https://[fe80::1%25eth0]/": "zone",
        "https://127\u30020\u30020\u30021/": "host 127.0.0.1 is a loopback address",
        "https://[::ffff:127.0.0.1]/": "127.0.0.1, a loopback address",
        "https://metadata/": "single-label",
        "https://api.localhost/": "reserved domain localhost",
        "https://example.com:0/": "out of range",
        "https://example.com:65536/": "out of range",
        "https://example.com:http/": "not a number",
        "https://example.com:/": "port is empty",
    }
    for url, fragment in cases.items():
        with pytest.raises(UnsafeUrl) as info:
            check_url(url)
        assert fragment in info.value.reason, (url, info.value.reason)


def test_reason_never_echoes_query_or_password() -> None:
    secret = "S3NT1NEL-secret"
    for url in (
        f"https://alice:{secret}@media.example.com/",
        f"https://10.0.0.1/a.wav?X-Amz-Signature={secret}",
        f"http://media.example.com/a.wav?token={secret}",
    ):
        with pytest.raises(UnsafeUrl) as info:
            check_url(url)
        assert secret not in str(info.value)


def test_unsafe_url_is_a_callglot_value_error() -> None:
    with pytest.raises(CallglotError):
        check_url("https://10.0.0.1/")
    with pytest.raises(ValueError, match="private"):
        check_url("https://10.0.0.1/")


# --------------------------------------------------------------------------- §1.6 must accept

ACCEPT = [
    ("https://media.example.com/hold.mp3", "https://media.example.com/hold.mp3"),
    ("https://MEDIA.Example.COM/Hold.MP3", "https://media.example.com/Hold.MP3"),
    ("wss://stream.example.com/audio?token=abc", "wss://stream.example.com/audio?token=abc"),
    (
        "wss://stream.example.com:443/v1/calls/abc/media",
        "wss://stream.example.com:443/v1/calls/abc/media",
    ),
    (
        "https://cdn.example.org:8443/prompts/welcome.wav",
        "https://cdn.example.org:8443/prompts/welcome.wav",
    ),
    ("https://93.184.216.34/hold.wav", "https://93.184.216.34/hold.wav"),
    ("https://8.8.8.8/prompt.wav", "https://8.8.8.8/prompt.wav"),
    ("https://[2606:4700:4700::1111]/prompt.wav", "https://[2606:4700:4700::1111]/prompt.wav"),
    ("https://xn--bcher-kva.example/hold.mp3", "https://xn--bcher-kva.example/hold.mp3"),
    (
        "https://media.example.com/a%20b.wav?X-Amz-Signature=abc&X-Amz-Expires=300",
        "https://media.example.com/a%20b.wav?X-Amz-Signature=abc&X-Amz-Expires=300",
    ),
]


@pytest.mark.parametrize(("url", "expected"), ACCEPT, ids=[f"a{n:02d}" for n in range(1, len(ACCEPT) + 1)])
@pytest.mark.parametrize("policy", [DEFAULT_URL_POLICY, PUBLIC], ids=["static", "resolver"])
def test_accept(url: str, expected: str, policy: UrlPolicy) -> None:
    out = check_url(url, schemes=BOTH, policy=policy)
    assert out == expected
    if url == expected:
        assert out is url  # already normal: the very same string comes back
    assert check_url(out, schemes=BOTH, policy=policy) is out


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM:8443/Path?Q=A#Frag", "https://example.com:8443/Path?Q=A#Frag"),
        ("https://b\u00fccher.example/hold.mp3", "https://xn--bcher-kva.example/hold.mp3"),
        ("https://B\u00dcCHER.Example/", "https://xn--bcher-kva.example/"),
        ("https://[2606:4700:4700:0:0:0:0:1111]/x", "https://[2606:4700:4700::1111]/x"),
        ("https://[2606:4700:4700::ABCD]:8443/x", "https://[2606:4700:4700::abcd]:8443/x"),
        ("https://media.example.com:0443/x", "https://media.example.com:0443/x"),
        ("https://media.example.com./x", "https://media.example.com./x"),
        ("https://media.example.com", "https://media.example.com"),
        ("https://media.example.com?q", "https://media.example.com?q"),
        ("https://media.example.com#@frag", "https://media.example.com#@frag"),
        ("https://media.example.com/p@th?a=@b", "https://media.example.com/p@th?a=@b"),
        ("https://media.example.com/\u00fcber.wav", "https://media.example.com/\u00fcber.wav"),
        ("https://_dmarc-x.example.com/", "https://_dmarc-x.example.com/"),
    ],
)
def test_normalisation(url: str, expected: str) -> None:
    assert check_url(url) == expected
    assert check_url(expected) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://exa mple.com/",
        "https://example.com/a b",
        "https://example.com/\t",
        "https://example.com/\x00",
        "https://example.com/\x7f",
        "https://example.com/\u200b",
        "https://example.com/\u202e",
        "https://example.com/\ud800",
        "https://example.com\\evil.com/",
        "https://example.com:443:443/",
        "https://::1/",
        "https://[::1/",
        "https://[2606:4700:4700::1111]x/",
        "https://[127.0.0.1]/",
        "https://[v1.fe]/",
        "https://a..example.com/",
        "https://.example.com/",
        "https://exa!mple.com/",
        "https://example.123/",
        "https://1.2.3.4.5/",
        "https://999.1.1.1/",
        "https://127.0.0.1./",
        "https://0x7F.1/",
        "https:example.com/",
        "https:/example.com/",
        "//example.com/",
        "example.com",
        "",
        "https://" + "a" * 64 + ".example.com/",
        "https://" + ".".join(["abcdefghi"] * 26) + ".com/",
        "https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/",  # fullwidth localhost
        "https://\u2460\u2461\u2466.0.0.1/",  # circled digits: 127.0.0.1
        "https://xn--bcher-kva/",
        "https://foo.localdomain/",
        "https://home.arpa/",
        "https://[::ffff:8.8.8.8]/",
        "https://[1::1]/",
        "https://[5f00::1]/",
        "https://[3fff::1]/",
        "https://[100::1]/",
        "https://[64:ff9b:1::1]/",
        "https://[2001:20::1]/",
        # IDNA 2003 and 2008 (httpx, browsers) would send these to different names, or none
        "https://fa\u00df.de/hold.wav",  # fass.de or xn--fa-hia.de
        "https://\u03c2\u03bf\u03c6\u03af\u03b1.gr/",  # final sigma
        "https://\u00fc\u2488example.com/",  # the digit-full-stop would hide a dot in one label
        "https://" + "\u4e00" * 2000 + ".com/",  # refused before the conversion, which costs per character
        "https://example.com/a\u061cb",  # Arabic letter mark
        "https://example.com/a\U000e0041",  # a tag character
        "https://example.com/a\u180eb",  # Mongolian vowel separator
    ],
)
def test_more_rejections(url: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_url(url)


def test_idna_deviation_reason_says_what_to_send_instead() -> None:
    with pytest.raises(UnsafeUrl) as info:
        check_url("https://stra\u00dfe.de/")
    assert "xn--" in info.value.reason


def test_non_string_is_rejected() -> None:
    with pytest.raises(UnsafeUrl):
        check_url(b"https://example.com/")  # type: ignore[arg-type]
    with pytest.raises(UnsafeUrl):
        check_host(None)  # type: ignore[arg-type]
    with pytest.raises(UnsafeUrl):
        check_sip_uri(42)  # type: ignore[arg-type]


# ---------------------------------------------------------------- §1.6 resolver cases 61-67

RESOLVER_TABLE = {
    "127.0.0.1.nip.io": ["127.0.0.1"],
    "localtest.me": ["127.0.0.1", "::1"],
    "multi.example": ["93.184.216.34", "10.0.0.7"],
    "v6only.example": ["::1"],
    "nat64.example": ["64:ff9b::a9fe:a9fe"],
    "empty.example": [],
    "media.example.com": [PUBLIC_V4],
    "garbage.example": ["not-an-ip"],
    "octal.example": ["0177.0.0.1"],
}


def rebinding_resolver() -> Callable[[str], Iterable[str]]:
    flip = itertools.cycle([["127.0.0.1"], ["192.168.0.1"]])

    def resolve(name: str) -> Iterable[str]:
        if name == "7f000001.c0a80001.rbndr.us":
            return next(flip)
        return RESOLVER_TABLE.get(name, [])

    return resolve


@pytest.mark.parametrize(
    ("number", "url"),
    [
        (61, "https://127.0.0.1.nip.io/"),
        (62, "https://localtest.me/"),
        (63, "https://7f000001.c0a80001.rbndr.us/"),
        (64, "https://multi.example/"),
        (65, "https://v6only.example/"),
        (66, "https://nat64.example/"),
        (67, "https://empty.example/"),
    ],
    ids=[f"r{n}" for n in range(61, 68)],
)
def test_resolver_reject(number: int, url: str) -> None:
    policy = UrlPolicy(resolver=rebinding_resolver())
    assert check_url(url, policy=UrlPolicy()) == url  # statically fine: only DNS reveals it
    for _ in range(2):  # both halves of the rebinding answer are private
        with pytest.raises(UnsafeUrl) as info:
            check_url(url, policy=policy)
        assert url.split("/")[2] in info.value.reason, number


def test_resolver_reason_names_the_answer() -> None:
    policy = UrlPolicy(resolver=dict_resolver(RESOLVER_TABLE))
    with pytest.raises(UnsafeUrl, match=r"resolves to 10\.0\.0\.7, a private address"):
        check_url("https://multi.example/", policy=policy)
    with pytest.raises(UnsafeUrl, match="no addresses"):
        check_url("https://empty.example/", policy=policy)
    with pytest.raises(UnsafeUrl, match="not an IP address"):
        check_url("https://garbage.example/", policy=policy)
    with pytest.raises(UnsafeUrl, match="not an IP address"):
        check_url("https://octal.example/", policy=policy)


def test_resolver_failure_fails_closed() -> None:
    def broken(_name: str) -> Iterable[str]:
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(UnsafeUrl, match="could not be resolved"):
        check_url("https://media.example.com/", policy=UrlPolicy(resolver=broken))


def test_resolver_scope() -> None:
    calls: list[str] = []

    def spy(name: str) -> Iterable[str]:
        calls.append(name)
        return [PUBLIC_V4]

    policy = UrlPolicy(resolver=spy, allow_hosts=["trusted.example"])
    assert check_url("https://8.8.8.8/", policy=policy) == "https://8.8.8.8/"
    assert check_url("https://[2606:4700:4700::1111]/", policy=policy)
    assert check_url("https://trusted.example/", policy=policy)
    assert calls == []  # literals and allow-listed names are not resolved
    check_url("https://B\u00fccher.Example/", policy=policy)
    assert calls == ["xn--bcher-kva.example"]  # the normalised name is what gets resolved
    with pytest.raises(UnsafeUrl):
        check_url("https://localhost/", policy=policy)
    assert len(calls) == 1  # static rejections need no DNS


def test_resolver_answers_inside_allow_networks_pass() -> None:
    policy = UrlPolicy(
        resolver=dict_resolver({"pbx.corp.example": ["10.1.2.3", PUBLIC_V4]}),
        allow_networks=["10.0.0.0/8"],
    )
    assert check_url("https://pbx.corp.example/", policy=policy) == "https://pbx.corp.example/"


def test_redirect_hop_target_is_rejected() -> None:
    # Case 68: callglot does not fetch here, but any hop target it re-validates is refused.
    with pytest.raises(UnsafeUrl):
        check_url("http://169.254.169.254/", policy=UrlPolicy(allow_insecure=True))


# --------------------------------------------------------------------------- RTP tap targets


def split_ip_port(text: str) -> tuple[str, int]:
    addr, _, port = text.rpartition(":")
    return addr, int(port)


RTP_REJECT = [
    "127.0.0.1:5004",
    "10.1.2.3:40000",
    "[::1]:5004",
    "169.254.169.254:80",
    "203.0.113.5:0",
    "203.0.113.5:70000",
    "0.0.0.0:5004",
    "evil.example:5004",
    "198.51.100.10:40000",  # blocked unless the operator allow-lists the range
    "2130706433:5004",
    "127.1:5004",
    "[fe80::1%eth0]:5004",
    "[::ffff:10.0.0.1]:5004",
]


@pytest.mark.parametrize("target", RTP_REJECT)
def test_rtp_reject(target: str) -> None:
    addr, port = split_ip_port(target)
    with pytest.raises(UnsafeUrl):
        check_ip_port(addr, port)


def test_rtp_accept_only_when_allow_listed() -> None:
    policy = UrlPolicy(allow_networks=["198.51.100.0/24"])
    assert check_ip_port("198.51.100.10", 40000, policy=policy) == "198.51.100.10"
    with pytest.raises(UnsafeUrl, match="documentation"):
        check_ip_port("198.51.100.10", 40000)
    with pytest.raises(UnsafeUrl):  # a different blocked range stays blocked
        check_ip_port("10.0.0.1", 40000, policy=policy)


def test_rtp_port_checked_even_when_allow_listed() -> None:
    policy = UrlPolicy(allow_networks=["203.0.113.0/24"])
    assert check_ip_port("203.0.113.5", 5004, policy=policy) == "203.0.113.5"
    for port in (0, 70000, -1, 65536):
        with pytest.raises(UnsafeUrl, match="out of range"):
            check_ip_port("203.0.113.5", port, policy=policy)
    with pytest.raises(UnsafeUrl, match="integer"):
        check_ip_port("203.0.113.5", True, policy=policy)
    with pytest.raises(UnsafeUrl, match="integer"):
        check_ip_port("203.0.113.5", "5004", policy=policy)  # type: ignore[arg-type]


def test_rtp_names_rejected_even_when_allow_listed() -> None:
    policy = UrlPolicy(allow_hosts=["rtp.example.com"], resolver=public_resolver)
    with pytest.raises(UnsafeUrl, match="not a host name"):
        check_ip_port("rtp.example.com", 5004, policy=policy)


def test_rtp_ipv6_normalised() -> None:
    assert check_ip_port("2606:4700:4700:0:0:0:0:1111", 5004) == "2606:4700:4700::1111"
    assert check_ip_port("[2606:4700:4700::1111]", 5004) == "2606:4700:4700::1111"
    assert check_ip_port("8.8.8.8", 65535) == "8.8.8.8"
    assert check_ip_port("[::1]", 5004, policy=UrlPolicy(allow_hosts=["::1"])) == "::1"


# --------------------------------------------------------------------------- SIP URIs (§5.2)

SIP_ACCEPT = [
    ("sip:alice@example.com", "sip:alice@example.com"),
    ("sip:+14155552671@sip.example.com;user=phone", "sip:+14155552671@sip.example.com;user=phone"),
    ("sips:bob@example.com:5061;transport=tls", "sips:bob@example.com:5061;transport=tls"),
    ("sip:1000@pbx.example.com;transport=tcp", "sip:1000@pbx.example.com;transport=tcp"),
    ("SIP:alice@example.com", "sip:alice@example.com"),
    ("sip:Alice@Example.COM;Transport=WSS;lr", "sip:Alice@example.com;Transport=WSS;lr"),
    ("sip:alice@[2606:4700:4700:0::1111]:5060", "sip:alice@[2606:4700:4700::1111]:5060"),
    ("sip:alice@8.8.8.8", "sip:alice@8.8.8.8"),
    ("sip:al%40ice@example.com", "sip:al%40ice@example.com"),
    ("sip:+1-212-555-1212;phone-context=x@gw.example.com", None),
    ("sip:alice@b\u00fccher.example", "sip:alice@xn--bcher-kva.example"),
]


@pytest.mark.parametrize(("uri", "expected"), SIP_ACCEPT)
@pytest.mark.parametrize("policy", [DEFAULT_URL_POLICY, PUBLIC], ids=["static", "resolver"])
def test_sip_accept(uri: str, expected: str | None, policy: UrlPolicy) -> None:
    out = check_sip_uri(uri, policy=policy)
    assert out == (expected if expected is not None else uri)
    if out == uri:
        assert out is uri
    assert check_sip_uri(out, policy=policy) == out


SIP_REJECT = [
    "sip:alice@10.0.0.5",
    "sip:alice@127.0.0.1",
    "sip:alice@[::1]",
    "sip:alice@localhost",
    "sip:alice@example.com;maddr=10.0.0.1",
    "sip:alice@example.com?Replaces=abc%40h",
    "sip:alice:secret@example.com",
    "sip:alice@example.com:0",
    "sip:alice@example.com:70000",
    "sip:@example.com",
    "sip:alice@example.com\r\nVia: x",
    "sip:alice@example.com;transport=foo",
    "http://example.com",
    # beyond the §5.2 list
    "sip:alice@example.com;MADDR=10.0.0.1",
    "sip:alice@example.com;method=INVITE",
    "sip:alice@example.com;transport=tls;transport=udp",
    "sip:alice@example.com;transport",
    "sip:alice@example.com;",
    "sip:alice@example.com;m%61ddr=10.0.0.1",
    "sip:example.com",
    "sip:alice@bob@example.com",
    "sip:alice?Replaces=x@example.com",
    "sip:alice@",
    "sip:alice@2130706433",
    "sip:alice@metadata",
    "sip:alice@example.com:",
    "sip:ali ce@example.com",
    "sip:alice@example.com\x00",
    "sip:alice@[fe80::1%25eth0]",
    "tel:+14155552671",
    "sip:<alice>@example.com",
    "sip://10.0.0.1/@example.com",  # a generic URL parser reads the host 10.0.0.1
]


@pytest.mark.parametrize("uri", SIP_REJECT)
def test_sip_reject(uri: str) -> None:
    with pytest.raises(UnsafeUrl) as info:
        check_sip_uri(uri, policy=PUBLIC)
    assert "secret" not in info.value.reason


def test_sip_with_resolver_and_allowlist() -> None:
    policy = UrlPolicy(resolver=dict_resolver({"pbx.example.com": ["10.0.0.9"]}))
    with pytest.raises(UnsafeUrl, match=r"resolves to 10\.0\.0\.9"):
        check_sip_uri("sip:1000@pbx.example.com", policy=policy)
    allowed = UrlPolicy(allow_networks=["10.0.0.0/8"])
    assert check_sip_uri("sip:alice@10.0.0.5", policy=allowed) == "sip:alice@10.0.0.5"
    with pytest.raises(UnsafeUrl):  # structural rules still apply
        check_sip_uri("sip:alice@10.0.0.5;maddr=10.0.0.1", policy=allowed)


# --------------------------------------------------------------------------- schemes, insecure


def test_allow_insecure() -> None:
    insecure = UrlPolicy(allow_insecure=True)
    for url, schemes in (
        ("http://media.example.com/hold.wav", ("https",)),
        ("ws://media.example.com/stream", ("wss",)),
        ("HTTP://Media.Example.com/a", ("https", "wss")),
    ):
        with pytest.raises(UnsafeUrl, match="is not allowed"):
            check_url(url, schemes=schemes)
        out = check_url(url, schemes=schemes, policy=insecure)
        assert out.split(":", 1)[0] in ("http", "ws")
    # insecure only pairs with its secure counterpart
    with pytest.raises(UnsafeUrl):
        check_url("ws://media.example.com/", schemes=("https",), policy=insecure)
    with pytest.raises(UnsafeUrl):
        check_url("http://media.example.com/", schemes=("wss",), policy=insecure)
    with pytest.raises(UnsafeUrl):
        check_url("ftp://media.example.com/", schemes=("https",), policy=insecure)
    # it never relaxes the address checks
    with pytest.raises(UnsafeUrl):
        check_url("http://127.0.0.1/", policy=insecure)


def test_scheme_restriction() -> None:
    with pytest.raises(UnsafeUrl, match=r"scheme 'https' is not allowed \(allowed: wss\)"):
        check_url("https://stream.example.com/", schemes=("wss",))
    with pytest.raises(UnsafeUrl):
        check_url("wss://stream.example.com/")  # default: https only
    assert check_url("wss://stream.example.com/", schemes=("wss",))
    assert check_url("wss://stream.example.com/", schemes="wss")  # a bare string is one scheme
    with pytest.raises(UnsafeUrl):
        check_url("http://stream.example.com/", schemes="https", policy=UrlPolicy())


# --------------------------------------------------------------------------- context policy


def test_url_policy_context() -> None:
    assert current_url_policy() is DEFAULT_URL_POLICY
    with pytest.raises(UnsafeUrl):
        check_url("http://media.example.com/")
    operator = UrlPolicy(allow_insecure=True, allow_networks=["10.0.0.0/8"])
    with url_policy(operator) as active:
        assert active is operator
        assert current_url_policy() is operator
        assert check_url("http://media.example.com/") == "http://media.example.com/"
        assert check_url("https://10.1.2.3/") == "https://10.1.2.3/"
        assert check_sip_uri("sip:a@10.1.2.3") == "sip:a@10.1.2.3"
        assert check_ip_port("10.1.2.3", 5004) == "10.1.2.3"
        assert check_host("10.1.2.3") == "10.1.2.3"
        # nested blocks restore the outer policy
        with url_policy(DEFAULT_URL_POLICY), pytest.raises(UnsafeUrl):
            check_url("https://10.1.2.3/")
        assert current_url_policy() is operator
        # an explicit policy argument wins over the context
        with pytest.raises(UnsafeUrl):
            check_url("https://10.1.2.3/", policy=DEFAULT_URL_POLICY)
    assert current_url_policy() is DEFAULT_URL_POLICY
    with pytest.raises(UnsafeUrl):
        check_url("http://media.example.com/")


def test_url_policy_resets_after_exception() -> None:
    with pytest.raises(RuntimeError), url_policy(UrlPolicy(allow_insecure=True)):
        raise RuntimeError("boom")
    assert current_url_policy() is DEFAULT_URL_POLICY


# --------------------------------------------------------------------------- allowlists


def test_allow_hosts() -> None:
    policy = UrlPolicy(allow_hosts=["LOCALHOST", "metadata", "127.0.0.1", "[0:0::1]"])
    assert policy.allow_hosts == frozenset({"localhost", "metadata", "127.0.0.1", "::1"})
    assert check_url("https://localhost:8443/x", policy=policy) == "https://localhost:8443/x"
    assert check_url("https://LocalHost./x", policy=policy) == "https://localhost./x"
    assert check_url("https://metadata/", policy=policy) == "https://metadata/"
    assert check_url("https://127.0.0.1/", policy=policy) == "https://127.0.0.1/"
    assert check_url("https://[::1]/", policy=policy) == "https://[::1]/"
    assert check_host("localhost", policy=policy) == "localhost"
    # only the exact names: subdomains, other loopback forms and other addresses stay blocked
    for url in (
        "https://api.localhost/",
        "https://127.0.0.2/",
        "https://127.1/",
        "https://2130706433/",
        "https://[::ffff:127.0.0.1]/",
    ):
        with pytest.raises(UnsafeUrl):
            check_url(url, policy=policy)
    # structural errors are never allowed
    for url in ("https://user@localhost/", "https://localhost\\@x/", "https://local%68ost/"):
        with pytest.raises(UnsafeUrl):
            check_url(url, policy=policy)


def test_allow_hosts_idn_and_single_string() -> None:
    policy = UrlPolicy(allow_hosts="B\u00fccher.local")
    assert policy.allow_hosts == frozenset({"xn--bcher-kva.local"})
    assert check_url("https://b\u00fccher.local/", policy=policy) == "https://xn--bcher-kva.local/"


def test_allow_networks_converter() -> None:
    policy = UrlPolicy(allow_networks=["10.0.0.0/8", ipaddress.ip_network("fd00::/8")])
    assert policy.allow_networks == (
        ipaddress.IPv4Network("10.0.0.0/8"),
        ipaddress.IPv6Network("fd00::/8"),
    )
    assert UrlPolicy(allow_networks="10.0.0.0/8").allow_networks == (ipaddress.IPv4Network("10.0.0.0/8"),)
    assert check_url("https://[fd00:ec2::254]/", policy=policy) == "https://[fd00:ec2::254]/"
    assert check_url("https://10.0.0.1/", policy=policy) == "https://10.0.0.1/"
    with pytest.raises(UnsafeUrl):  # structural errors are never allowed
        check_url("https://0x0a000001/", policy=policy)
    with pytest.raises(UnsafeUrl):
        check_url("https://[fd00::1%25eth0]/", policy=policy)
    with pytest.raises(ValueError, match="host bits"):
        UrlPolicy(allow_networks=["10.0.0.1/8"])


def test_policy_is_frozen_and_hashable() -> None:
    policy = UrlPolicy(allow_networks=["10.0.0.0/8"], allow_hosts=["a.example"])
    assert policy == UrlPolicy(allow_networks=["10.0.0.0/8"], allow_hosts={"A.example"})
    assert hash(policy) == hash(UrlPolicy(allow_networks=["10.0.0.0/8"], allow_hosts=["a.example"]))
    with pytest.raises(AttributeError):
        policy.allow_insecure = True  # type: ignore[misc]
    assert UrlPolicy() == DEFAULT_URL_POLICY


# --------------------------------------------------------------------------- check_host


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("Media.Example.COM", "media.example.com"),
        ("8.8.8.8", "8.8.8.8"),
        ("2606:4700:4700:0:0:0:0:1111", "2606:4700:4700::1111"),
        ("[2606:4700:4700:0:0:0:0:1111]", "[2606:4700:4700::1111]"),
        ("b\u00fccher.example", "xn--bcher-kva.example"),
    ],
)
def test_check_host_accept(host: str, expected: str) -> None:
    assert check_host(host) == expected
    assert check_host(expected) == expected


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "127.0.0.1",
        "::1",
        "[::1]",
        "127\u30020\u30020\u30021",
        "0x7f000001",
        "example.com:443",
        "user@example.com",
        "[::1",
        "::1]",
        "",
        "fe80::1%eth0",
        "metadata",
        "a b.example",
    ],
)
def test_check_host_reject(host: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_host(host)


# --------------------------------------------------------------------------- the address table


def test_blocked_networks_table_edges() -> None:
    assert len(BLOCKED_NETWORKS) == 31
    for net in BLOCKED_NETWORKS:
        inside = net.network_address + min(1, net.num_addresses - 1)
        for ip in (net.network_address, inside, net.broadcast_address):
            assert is_blocked_address(ip), ip


@pytest.mark.parametrize(
    "ip",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2606:4700:4700::1111",
        "2a00:1450:4001::200e",
        "2001:200::1",
        "2003::1",
    ],
)
def test_public_addresses_are_not_blocked(ip: str) -> None:
    assert not is_blocked_address(ipaddress.ip_address(ip))


@pytest.mark.parametrize(
    "ip",
    ["1::1", "4000::1", "e000::1", "fe00::1", "100::ffff:1"],
)
def test_ipv6_outside_global_unicast_is_blocked(ip: str) -> None:
    assert is_blocked_address(ipaddress.ip_address(ip))


def test_embedded_ipv4_is_reported() -> None:
    cases = {
        "::ffff:169.254.169.254": "IPv4-mapped",
        "64:ff9b::10.0.0.1": "NAT64",
        "2002:a9fe:a9fe::": "6to4",
        "::10.0.0.1": "IPv4-compatible",
        "2001:0:4136:e378:8000:63bf:3f57:fdf2": "Teredo",
    }
    for ip, kind in cases.items():
        with pytest.raises(UnsafeUrl) as info:
            check_host(ip)
        assert kind in info.value.reason
        assert "embeds" in info.value.reason


# --------------------------------------------------------------------------- properties

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
TLD = st.sampled_from(["com", "org", "net", "example", "io", "xn--p1ai"])
IDN_LABEL = st.sampled_from(["b\u00fccher", "m\u00fcnchen", "\u4f8b\u3048", "caf\u00e9"])
CASE: st.SearchStrategy[Callable[[str], str]] = st.sampled_from([str.lower, str.upper, str.title, str.strip])


@st.composite
def name_hosts(draw: st.DrawFn) -> str:
    labels = draw(st.lists(st.one_of(LABEL, IDN_LABEL), min_size=1, max_size=3))
    return draw(CASE)(".".join([*labels, draw(TLD)]))


@given(st.integers(0, 2**32 - 1))
def test_every_ipv4_literal_is_judged_by_the_table(x: int) -> None:
    """A dotted quad is read by arithmetic, not ``socket.inet_aton``: the address ipaddress reads, judged by the table."""
    ip = ipaddress.IPv4Address(x)
    assert _v4_int(str(ip)) == x
    url = f"https://{ip}/a.mp3"
    if is_blocked_address(ip):
        with pytest.raises(UnsafeUrl, match=f"^host {ip} is "):
            check_url(url)
    else:
        assert check_url(url) == url


def _public_v4(x: int) -> bool:
    return not is_blocked_address(ipaddress.IPv4Address(x))


def _public_v6(x: int) -> bool:
    return not is_blocked_address(ipaddress.IPv6Address(x))


V4_HOSTS = st.integers(0x01000000, 0xDFFFFFFF).filter(_public_v4).map(lambda x: str(ipaddress.IPv4Address(x)))
V6_HOSTS = (
    st.integers(0x2000 << 112, (0x4000 << 112) - 1)
    .filter(_public_v6)
    .flatmap(
        lambda x: st.sampled_from(
            [
                ipaddress.IPv6Address(x).compressed,
                ipaddress.IPv6Address(x).exploded,
                ipaddress.IPv6Address(x).exploded.upper(),
            ]
        )
    )
    .map(lambda h: f"[{h}]")
)
PATH_CHARS = string.ascii_letters + string.digits + "-._~!$&'()*+,;=:@/%"


@st.composite
def accepted_urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https", "HTTPS", "wss", "Wss"]))
    host = draw(st.one_of(name_hosts(), V4_HOSTS, V6_HOSTS))
    port = draw(st.one_of(st.none(), st.integers(1, 65535).map(str)))
    path = draw(st.text(PATH_CHARS, max_size=20))
    query = draw(st.one_of(st.none(), st.text(PATH_CHARS + "?", max_size=20)))
    fragment = draw(st.one_of(st.none(), st.text(PATH_CHARS + "?#", max_size=10)))
    url = f"{scheme}://{host}"
    if port is not None:
        url += f":{port}"
    url += "/" + path
    if query is not None:
        url += "?" + query
    if fragment is not None:
        url += "#" + fragment
    return url


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(accepted_urls())
def test_normalisation_is_idempotent(url: str) -> None:
    out = check_url(url, schemes=BOTH, policy=PUBLIC)
    assert check_url(out, schemes=BOTH, policy=PUBLIC) is out
    # only the scheme and host change; the rest is kept byte for byte
    assert out.split("/", 3)[3] == url.split("/", 3)[3]
    scheme, _, host_and_rest = out.partition("://")
    assert scheme == scheme.lower()
    host = host_and_rest.split("/", 1)[0]
    assert host == host.lower()
    assert host.isascii()


URLISH = st.one_of(
    st.text(),
    st.text().map(lambda s: "https://" + s),
    st.text(string.printable + "\u3002\uff0e\u00fc[]%@:\\").map(lambda s: "https://" + s),
    st.from_regex(r"\A[a-zA-Z]{1,6}://[\w.\[\]:%@-]{0,30}(/[\w%./]{0,10})?\Z"),
    accepted_urls(),  # so the accepted branch is checked in every run, not only when text happens to be a URL
)


@settings(max_examples=1500, deadline=None)
@given(URLISH)
def test_arbitrary_text_returns_or_raises_unsafe_url(text: str) -> None:
    try:
        out = check_url(text, schemes=BOTH)
    except UnsafeUrl as exc:
        assert exc.reason
        return
    assert isinstance(out, str)
    assert check_url(out, schemes=BOTH) == out


@settings(max_examples=800, deadline=None)
@given(st.one_of(st.text(), st.text().map(lambda s: "sip:a@" + s), st.text().map("sip:".__add__), sip_uris()))
def test_arbitrary_sip_text_returns_or_raises_unsafe_url(text: str) -> None:
    try:
        out = check_sip_uri(text)
    except UnsafeUrl as exc:
        assert exc.reason
        return
    assert isinstance(out, str)
    assert check_sip_uri(out) == out


@settings(max_examples=800, deadline=None)
@given(st.text(), st.integers(-10, 70000))
def test_arbitrary_host_and_rtp_text_returns_or_raises_unsafe_url(text: str, port: int) -> None:
    calls: list[Callable[[], str]] = [lambda: check_host(text), lambda: check_ip_port(text, port)]
    for call in calls:
        try:
            out = call()
        except UnsafeUrl as exc:
            assert exc.reason
            continue
        assert isinstance(out, str)


def _number_forms(n: int) -> st.SearchStrategy[str]:
    return st.sampled_from([str(n), hex(n), "0" + oct(n)[2:], hex(n).upper()])


@st.composite
def inet_aton_forms(draw: st.DrawFn) -> str:
    """Text ``inet_aton`` reads as an IPv4 address, other than the dotted-quad decimal form.

    1 to 4 dot-separated numbers in decimal, hex or octal; the last fills the bytes left
    (``a.b.c`` is a.b then 16 bits). Four decimal parts are the canonical form: one is redrawn.
    """
    count = draw(st.integers(1, 4))
    numbers = [draw(st.integers(0, 255)) for _ in range(count - 1)]
    numbers.append(draw(st.integers(0, 2 ** (8 * (5 - count)) - 1)))
    parts = [draw(_number_forms(n)) for n in numbers]
    if count == 4 and all(p == str(n) for p, n in zip(parts, numbers, strict=True)):
        i = draw(st.integers(0, 3))
        parts[i] = draw(st.sampled_from([hex(numbers[i]), "0" + oct(numbers[i])[2:], hex(numbers[i]).upper()]))
    return ".".join(parts)


@settings(max_examples=500, deadline=None)
@given(inet_aton_forms())
def test_every_inet_aton_form_but_canonical_is_rejected(text: str) -> None:
    assert text != socket.inet_ntoa(socket.inet_aton(text))  # an alternative form of a valid address
    with pytest.raises(UnsafeUrl):
        check_host(text, policy=UrlPolicy(allow_networks=["0.0.0.0/0"]))
    with pytest.raises(UnsafeUrl):
        check_url(f"https://{text}/", policy=UrlPolicy(allow_networks=["0.0.0.0/0"]))


def test_a_passed_check_is_remembered_per_policy_but_never_with_a_resolver_nor_a_failure() -> None:
    import callglot.canonical.urls as urls

    urls._PASSED.clear()
    url = "https://CDN.Example.com/a.mp3"
    assert check_url(url) == "https://cdn.example.com/a.mp3"
    assert check_url(url) == "https://cdn.example.com/a.mp3"  # the second answer from the cache, the same
    assert (url, ("https",), DEFAULT_URL_POLICY) in urls._PASSED
    normal = "".join(["https://cdn.example.com/", "b.mp3"])  # built, so not an interned constant
    for _ in range(2):  # a URL already normal comes back as the very same object, cached or not
        assert check_url(normal) is normal
    # The cache is per policy: what one policy admits, another still refuses.
    local = "http://127.0.0.1:8080/hook"
    assert check_url(local, policy=UrlPolicy(allow_insecure=True, allow_networks=("127.0.0.0/8",))) == local
    with pytest.raises(UnsafeUrl):
        check_url(local, policy=UrlPolicy(allow_insecure=True))
    with pytest.raises(UnsafeUrl):
        check_url(local)
    assert not any(key[0] == local and key[2] == DEFAULT_URL_POLICY for key in urls._PASSED)  # failures: never
    # With a resolver every check asks it again: a name may start resolving to a private address.
    table = {"media.example.net": [PUBLIC_V4]}
    policy = UrlPolicy(resolver=dict_resolver(table))
    assert check_url("https://media.example.net/x", policy=policy) == "https://media.example.net/x"
    table["media.example.net"] = ["10.0.0.7"]
    with pytest.raises(UnsafeUrl, match="private"):
        check_url("https://media.example.net/x", policy=policy)
    # A full cache is emptied, not grown.
    for n in range(urls._PASSED_MAX + 5):
        check_url(f"https://cdn.example.com/{n}.mp3")
    assert len(urls._PASSED) <= urls._PASSED_MAX
