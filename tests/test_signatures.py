"""Webhook authenticity checks (reference/security.md §2.2, §2.6, §6; dialects.md Chirp §2.5)."""

from __future__ import annotations

import copy
import doctest
import hmac
import json
import pickle
import string
import traceback
import types
from collections.abc import Callable

import pytest
from hypothesis import assume, given, reject
from hypothesis import strategies as st

import callglot.signatures
from callglot import HttpRequest
from callglot.errors import CallglotError, InvalidValue
from callglot.signatures import SharedSecretHeader, SignalWireSignature, SignatureError

SHA1 = "X-SignalWire-Signature"
SHA256 = "X-SignalWire-SHA256-Signature"

# §2.6 known-answer vectors.
KAT_KEY = "PSKtest1234567890abcdef"
KAT_URL = "https://example.ngrok.io/webhook"
KAT_BODY = b'{"event":"call.state","params":{"call_id":"abc-123","state":"answered"}}'
KAT_SHA1 = "c3c08c1fefaf9ee198a100d5906765a6f394bf0f"
KAT_SHA256 = "2a29f8a92b11df39da80c3b185fd62173d49c294184da585ff951eae4433571c"

SENTINEL_KEY = "S3NT1NEL-signalwire-signing-key-0000"
SENTINEL_SECRET = "S3NT1NEL-chirp-webhook-secret-0000"

SW = SignalWireSignature(KAT_KEY)


def both() -> dict[str, str]:
    return {SHA1: KAT_SHA1, SHA256: KAT_SHA256}


def fail(signer: SignalWireSignature, url: str, body: bytes, headers: dict[str, str]) -> SignatureError:
    with pytest.raises(SignatureError) as info:
        signer.verify(url, body, headers)
    return info.value


def flip_hex_digit(value: str, index: int, delta: int) -> str:
    """Change the hex digit at ``index`` to a different value (not just a different case)."""
    digit = (int(value[index], 16) + delta) % 16
    return value[:index] + format(digit, "x") + value[index + 1 :]


# ================================================================ SignalWire: known answers


def test_vectors_are_what_plain_hmac_computes() -> None:
    message = KAT_URL.encode() + KAT_BODY
    assert hmac.new(KAT_KEY.encode(), message, "sha1").hexdigest() == KAT_SHA1
    assert hmac.new(KAT_KEY.encode(), message, "sha256").hexdigest() == KAT_SHA256


def test_sign_known_answer() -> None:
    assert SW.sign(KAT_URL, KAT_BODY) == {SHA1: KAT_SHA1, SHA256: KAT_SHA256}


def test_sign_with_bytes_key_matches_str_key() -> None:
    assert SignalWireSignature(KAT_KEY.encode()).sign(KAT_URL, KAT_BODY) == SW.sign(KAT_URL, KAT_BODY)


@pytest.mark.parametrize(
    "headers",
    [
        {SHA1: KAT_SHA1},
        {SHA256: KAT_SHA256},
        {SHA1: KAT_SHA1, SHA256: KAT_SHA256},
    ],
    ids=["sha1-only", "sha256-only", "both"],
)
def test_verify_known_answer(headers: dict[str, str]) -> None:
    SW.verify(KAT_URL, KAT_BODY, headers)


@pytest.mark.parametrize("body", [bytearray(KAT_BODY), memoryview(KAT_BODY)], ids=["bytearray", "memoryview"])
def test_bytes_like_bodies_are_the_same_bytes(body: bytearray | memoryview) -> None:
    assert SW.sign(KAT_URL, body) == both()
    SW.verify(KAT_URL, body, both())


def test_verify_accepts_http_request_headers() -> None:
    request = HttpRequest(method="POST", path="/webhook", body=json.loads(KAT_BODY), headers=both())
    SW.verify(KAT_URL, KAT_BODY, request.headers)


def test_module_doctest() -> None:
    result = doctest.testmod(callglot.signatures)
    assert result.attempted > 0
    assert result.failed == 0


# ================================================================ SignalWire: header names and hex case


@pytest.mark.parametrize(
    "transform", [str.lower, str.upper, str.swapcase, lambda s: s], ids=["lower", "upper", "swap", "as-is"]
)
@pytest.mark.parametrize(("header", "value"), [(SHA1, KAT_SHA1), (SHA256, KAT_SHA256)], ids=["sha1", "sha256"])
def test_header_names_are_case_insensitive(transform: Callable[[str], str], header: str, value: str) -> None:
    SW.verify(KAT_URL, KAT_BODY, {transform(header): value})


def test_case_insensitive_sha256_header_still_takes_precedence() -> None:
    wrong = flip_hex_digit(KAT_SHA256, 0, 1)
    error = fail(SW, KAT_URL, KAT_BODY, {SHA1: KAT_SHA1, SHA256.lower(): wrong})
    assert (error.kind, error.header) == ("mismatch", SHA256)


# Decision: hex digits are accepted in either case (SignalWire sends lower case). The header is
# decoded to the raw digest, so case cannot change which signature is accepted.
@pytest.mark.parametrize(("header", "value"), [(SHA1, KAT_SHA1), (SHA256, KAT_SHA256)], ids=["sha1", "sha256"])
def test_uppercase_and_mixed_case_hex_accepted(header: str, value: str) -> None:
    SW.verify(KAT_URL, KAT_BODY, {header: value.upper()})
    mixed = "".join(c.upper() if i % 2 else c for i, c in enumerate(value))
    SW.verify(KAT_URL, KAT_BODY, {header: mixed})


def test_duplicate_header_with_same_value_is_fine() -> None:
    SW.verify(KAT_URL, KAT_BODY, {SHA1: KAT_SHA1, SHA1.lower(): KAT_SHA1})


def test_duplicate_header_with_different_values_fails_closed() -> None:
    error = fail(SW, KAT_URL, KAT_BODY, {SHA1: KAT_SHA1, SHA1.lower(): flip_hex_digit(KAT_SHA1, 3, 1)})
    assert error.kind == "ambiguous"
    # Order must not matter either.
    error = fail(SW, KAT_URL, KAT_BODY, {SHA1.lower(): flip_hex_digit(KAT_SHA1, 3, 1), SHA1: KAT_SHA1})
    assert error.kind == "ambiguous"


# ================================================================ SignalWire: §2.6 negatives


def test_body_reserialised_with_different_spacing_fails() -> None:
    respaced = json.dumps(json.loads(KAT_BODY)).encode()  # ", " and ": " separators
    assert respaced != KAT_BODY
    assert json.loads(respaced) == json.loads(KAT_BODY)
    assert fail(SW, KAT_URL, respaced, both()).kind == "mismatch"
    pretty = json.dumps(json.loads(KAT_BODY), indent=2).encode()
    assert fail(SW, KAT_URL, pretty, {SHA1: KAT_SHA1}).kind == "mismatch"


def test_wrong_key_fails() -> None:
    for key in ("PSKtest1234567890abcdeF", "PSKtest1234567890abcde", "x"):
        error = fail(SignalWireSignature(key), KAT_URL, KAT_BODY, both())
        assert (error.kind, error.header) == ("mismatch", SHA256)
        error = fail(SignalWireSignature(key), KAT_URL, KAT_BODY, {SHA1: KAT_SHA1})
        assert (error.kind, error.header) == ("mismatch", SHA1)


def test_url_without_its_query_fails() -> None:
    with_query = "https://example.ngrok.io/webhook?project=p1&token=abc"
    signed = SW.sign(with_query, KAT_BODY)
    SW.verify(with_query, KAT_BODY, signed)
    assert fail(SW, "https://example.ngrok.io/webhook", KAT_BODY, signed).kind == "mismatch"
    # And the other way round: a signature without the query does not cover a URL with one.
    assert fail(SW, with_query, KAT_BODY, both()).kind == "mismatch"


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (KAT_URL, KAT_BODY + b"\n"),
        (KAT_URL, KAT_BODY + b"\r\n"),
        (KAT_URL + "\n", KAT_BODY),
        (KAT_URL + "/", KAT_BODY),
        (KAT_URL + ":443", KAT_BODY),
        (KAT_URL.replace("https", "http"), KAT_BODY),
        (KAT_URL, b" " + KAT_BODY),
        (KAT_URL, b""),
    ],
    ids=["body+LF", "body+CRLF", "url+LF", "url+slash", "url+port", "http", "leading-space", "empty-body"],
)
def test_changed_signed_string_fails(url: str, body: bytes) -> None:
    assert fail(SW, url, body, both()).kind == "mismatch"
    assert fail(SW, url, body, {SHA1: KAT_SHA1}).kind == "mismatch"


def test_boundary_between_url_and_body_is_not_signed() -> None:
    # SignalWire's scheme has no separator (§2.2): url + body with the boundary moved signs the same bytes.
    # Not a weakness callglot can fix; the caller supplies the URL from configuration, not from the sender.
    SW.verify("", KAT_URL.encode() + KAT_BODY, both())
    SW.verify(KAT_URL + "{", KAT_BODY[1:], both())


def test_missing_headers() -> None:
    for headers in ({}, {"Content-Type": "application/json"}, {"X-Twilio-Signature": "abc="}):
        error = fail(SW, KAT_URL, KAT_BODY, headers)
        assert error.kind == "missing"
        assert SHA1 in str(error)
        assert SHA256 in str(error)


@pytest.mark.parametrize("header", [SHA1, SHA256])
def test_empty_header(header: str) -> None:
    error = fail(SW, KAT_URL, KAT_BODY, {header: ""})
    assert (error.kind, error.header) == ("empty", header)


def test_empty_sha256_header_does_not_fall_back_to_sha1() -> None:
    error = fail(SW, KAT_URL, KAT_BODY, {SHA1: KAT_SHA1, SHA256: ""})
    assert (error.kind, error.header) == ("empty", SHA256)


@pytest.mark.parametrize(
    "transform",
    [
        lambda v: "g" + v[1:],  # not a hex digit
        lambda v: "0x" + v[2:],  # prefix
        lambda v: v[:-1] + " ",  # inner/trailing space
        lambda v: " " + v[1:],
        lambda v: v[:10] + "-" + v[11:],
        lambda v: v[:-2] + "\r\n",
        lambda v: "\N{FULLWIDTH DIGIT ONE}" + v[1:],  # str.isdigit() would accept it
        lambda v: "\N{ARABIC-INDIC DIGIT ONE}" + v[1:],
        lambda v: "é" + v[1:],
        lambda v: v[:-1] + "\x00",
    ],
    ids=["g", "0x", "trailing-space", "leading-space", "dash", "crlf", "fullwidth", "arabic-indic", "accent", "nul"],
)
@pytest.mark.parametrize(("header", "value"), [(SHA1, KAT_SHA1), (SHA256, KAT_SHA256)], ids=["sha1", "sha256"])
def test_non_hex_header(transform: Callable[[str], str], header: str, value: str) -> None:
    error = fail(SW, KAT_URL, KAT_BODY, {header: transform(value)})
    assert (error.kind, error.header) == ("malformed", header)


@pytest.mark.parametrize(("header", "value"), [(SHA1, KAT_SHA1), (SHA256, KAT_SHA256)], ids=["sha1", "sha256"])
def test_surrounding_whitespace_is_not_trimmed(header: str, value: str) -> None:
    # Decision: frameworks strip optional whitespace before we see the value; anything left is malformed.
    for padded in (value + " ", " " + value, value + "\n", "\t" + value):
        assert fail(SW, KAT_URL, KAT_BODY, {header: padded}).kind == "malformed"


def test_base64_signature_is_malformed() -> None:
    import base64

    b64 = base64.b64encode(bytes.fromhex(KAT_SHA1)).decode()
    assert fail(SW, KAT_URL, KAT_BODY, {SHA1: b64}).kind == "malformed"


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (SHA1, KAT_SHA1[:-1]),
        (SHA1, KAT_SHA1 + "0"),
        (SHA1, KAT_SHA1[:-2]),
        (SHA1, KAT_SHA1 + "00"),
        (SHA1, KAT_SHA256),  # a SHA-256 digest in the SHA-1 header
        (SHA1, "0"),
        (SHA256, KAT_SHA256[:-1]),
        (SHA256, KAT_SHA256[:-2]),
        (SHA256, KAT_SHA256 + "00"),
        (SHA256, KAT_SHA1),  # a SHA-1 digest in the SHA-256 header
        (SHA256, KAT_SHA256 * 2),
    ],
)
def test_wrong_length(header: str, value: str) -> None:
    error = fail(SW, KAT_URL, KAT_BODY, {header: value})
    assert (error.kind, error.header) == ("length", header)


@pytest.mark.parametrize(
    "bad",
    [
        flip_hex_digit(KAT_SHA256, 0, 1),
        flip_hex_digit(KAT_SHA256, 63, 8),
        "0" * 64,
        KAT_SHA256[:-1],
        "z" * 64,
        KAT_SHA1,
    ],
    ids=["flip-first", "flip-last", "zeros", "short", "non-hex", "sha1-value"],
)
def test_sha256_present_but_wrong_fails_even_with_correct_sha1(bad: str) -> None:
    error = fail(SW, KAT_URL, KAT_BODY, {SHA1: KAT_SHA1, SHA256: bad})
    assert error.header == SHA256


def test_correct_sha256_with_wrong_sha1_passes() -> None:
    # SHA-256 is preferred; the SHA-1 header is not consulted when SHA-256 is present.
    SW.verify(KAT_URL, KAT_BODY, {SHA1: "0" * 40, SHA256: KAT_SHA256})


def test_unencodable_url() -> None:
    bad_url = KAT_URL + "\ud800"
    error = fail(SW, bad_url, KAT_BODY, both())
    assert error.kind == "url"
    with pytest.raises(InvalidValue):
        SW.sign(bad_url, KAT_BODY)


# ================================================================ SignalWire: properties

keys = st.one_of(st.binary(min_size=1, max_size=80), st.text(min_size=1, max_size=40))
urls = st.text(max_size=120)
bodies = st.binary(max_size=512)


@given(key=keys, url=urls, body=bodies)
def test_sign_verify_round_trip(key: str | bytes, url: str, body: bytes) -> None:
    signer = SignalWireSignature(key)
    signed = signer.sign(url, body)
    assert set(signed) == {SHA1, SHA256}
    assert len(signed[SHA1]) == 40
    assert len(signed[SHA256]) == 64
    assert signed[SHA1] == signed[SHA1].lower()
    signer.verify(url, body, signed)
    signer.verify(url, body, {SHA1: signed[SHA1]})
    signer.verify(url, body, {SHA256: signed[SHA256]})
    signer.verify(url, body, {k.lower(): v.upper() for k, v in signed.items()})


@given(key=keys, url=urls, body=bodies.filter(bool), data=st.data())
def test_flipping_any_body_byte_fails(key: str | bytes, url: str, body: bytes, data: st.DataObject) -> None:
    signer = SignalWireSignature(key)
    signed = signer.sign(url, body)
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    mutated = bytearray(body)
    mutated[index] ^= mask
    for headers in (signed, {SHA1: signed[SHA1]}, {SHA256: signed[SHA256]}):
        with pytest.raises(SignatureError) as info:
            signer.verify(url, bytes(mutated), headers)
        assert info.value.kind == "mismatch"


@given(key=keys, url=st.text(min_size=1, max_size=120), body=bodies, data=st.data())
def test_changing_any_url_character_fails(key: str | bytes, url: str, body: bytes, data: st.DataObject) -> None:
    signer = SignalWireSignature(key)
    signed = signer.sign(url, body)
    index = data.draw(st.integers(0, len(url) - 1), label="index")
    replacement = data.draw(st.characters(exclude_characters=url[index]), label="replacement")
    mutated = url[:index] + replacement + url[index + 1 :]
    for headers in (signed, {SHA1: signed[SHA1]}):
        with pytest.raises(SignatureError):
            signer.verify(mutated, body, headers)


@given(url=st.text(max_size=80).map(lambda s: "https://h.example/" + s), data=st.data())
def test_flipping_any_url_byte_fails(url: str, data: st.DataObject) -> None:
    # Byte-level flips of the UTF-8 URL, kept only when they still decode (a str URL is required).
    raw = url.encode()
    index = data.draw(st.integers(0, len(raw) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    mutated = bytearray(raw)
    mutated[index] ^= mask
    try:
        mutated_url = mutated.decode()
    except UnicodeDecodeError:
        reject()
    with pytest.raises(SignatureError):
        SW.verify(mutated_url, KAT_BODY, SW.sign(url, KAT_BODY))


@given(key=keys, url=urls, body=bodies, data=st.data())
def test_flipping_any_signature_byte_fails(key: str | bytes, url: str, body: bytes, data: st.DataObject) -> None:
    signer = SignalWireSignature(key)
    signed = signer.sign(url, body)
    header = data.draw(st.sampled_from([SHA1, SHA256]), label="header")
    digest = bytearray.fromhex(signed[header])
    index = data.draw(st.integers(0, len(digest) - 1), label="index")
    digest[index] ^= data.draw(st.integers(1, 255), label="mask")
    with pytest.raises(SignatureError) as info:
        signer.verify(url, body, {header: digest.hex()})
    assert (info.value.kind, info.value.header) == ("mismatch", header)
    # With both headers, a bad SHA-256 is never rescued by a good SHA-1.
    if header == SHA256:
        with pytest.raises(SignatureError):
            signer.verify(url, body, {SHA1: signed[SHA1], SHA256: digest.hex()})


@given(key=keys, url=urls, body=bodies, data=st.data())
def test_changing_any_hex_character_fails(key: str | bytes, url: str, body: bytes, data: st.DataObject) -> None:
    signer = SignalWireSignature(key)
    signed = signer.sign(url, body)
    header = data.draw(st.sampled_from([SHA1, SHA256]), label="header")
    value = signed[header]
    index = data.draw(st.integers(0, len(value) - 1), label="index")
    delta = data.draw(st.integers(1, 15), label="delta")
    with pytest.raises(SignatureError):
        signer.verify(url, body, {header: flip_hex_digit(value, index, delta)})


@given(key=keys, other=keys, url=urls, body=bodies)
def test_other_key_fails(key: str | bytes, other: str | bytes, url: str, body: bytes) -> None:
    as_bytes = key.encode() if isinstance(key, str) else key
    other_bytes = other.encode() if isinstance(other, str) else other
    assume(as_bytes != other_bytes)
    with pytest.raises(SignatureError):
        SignalWireSignature(other).verify(url, body, SignalWireSignature(key).sign(url, body))


# ================================================================ SignalWire: construction and misuse


@pytest.mark.parametrize("key", ["", b"", bytearray()])
def test_empty_key_refused(key: str | bytes) -> None:
    with pytest.raises(InvalidValue) as info:
        SignalWireSignature(key)
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, SignatureError)
    assert info.value.field == "signing_key"


@pytest.mark.parametrize("key", [None, 123, ["PSK"], {"key": "PSK"}])
def test_key_of_wrong_type_refused(key: object) -> None:
    with pytest.raises(TypeError, match="signing_key must be str or bytes"):
        SignalWireSignature(key)  # type: ignore[arg-type]


def test_unencodable_key_refused() -> None:
    with pytest.raises(InvalidValue):
        SignalWireSignature("PSK\ud800")


@pytest.mark.parametrize(
    "body", [KAT_BODY.decode(), json.loads(KAT_BODY), None, 42, [1, 2]], ids=["str", "dict", "none", "int", "list"]
)
def test_body_must_be_raw_bytes(body: object) -> None:
    with pytest.raises(TypeError, match="raw request bytes") as info:
        SW.verify(KAT_URL, body, both())  # type: ignore[arg-type]
    assert not isinstance(info.value, SignatureError)
    with pytest.raises(TypeError, match="raw request bytes"):
        SW.sign(KAT_URL, body)  # type: ignore[arg-type]


def test_body_type_checked_before_headers() -> None:
    # A programming error surfaces even when the request is also unsigned.
    with pytest.raises(TypeError):
        SW.verify(KAT_URL, KAT_BODY.decode(), {})  # type: ignore[arg-type]


@pytest.mark.parametrize("url", [KAT_URL.encode(), None, 1])
def test_url_must_be_str(url: object) -> None:
    with pytest.raises(TypeError, match="url must be str"):
        SW.verify(url, KAT_BODY, both())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="url must be str"):
        SW.sign(url, KAT_BODY)  # type: ignore[arg-type]


@pytest.mark.parametrize("headers", [None, [(SHA1, KAT_SHA1)], "X-SignalWire-Signature: abc", 7])
def test_headers_must_be_a_mapping(headers: object) -> None:
    with pytest.raises(TypeError, match="headers must be a mapping"):
        SW.verify(KAT_URL, KAT_BODY, headers)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [KAT_SHA1.encode(), None, 7], ids=["bytes", "None", "int"])
def test_a_header_value_that_is_not_text_fails_closed(value: object) -> None:
    """Raw framework headers (bytes, None) are a SignatureError, which the handler answers, not a 500."""
    checks: list[Callable[[], None]] = [
        lambda: SW.verify(KAT_URL, KAT_BODY, {SHA1: value}),  # type: ignore[dict-item]
        lambda: SW.verify(KAT_URL, KAT_BODY, {SHA256: value, SHA1: KAT_SHA1}),  # type: ignore[dict-item]
        lambda: SSH.verify({SSH.header: value}),  # type: ignore[dict-item]
    ]
    for check in checks:
        with pytest.raises(SignatureError) as info:
            check()
        assert info.value.kind == "malformed"
        assert "not text" in info.value.reason


def test_non_str_header_names_are_ignored() -> None:
    SW.verify(KAT_URL, KAT_BODY, {b"x-signalwire-signature": "junk", SHA1: KAT_SHA1})  # type: ignore[dict-item]


# ================================================================ SharedSecretHeader

SECRET = "s3cr3t-Token_value.123~"
SSH = SharedSecretHeader(SECRET)


def ssh_fail(checker: SharedSecretHeader, headers: object) -> SignatureError:
    with pytest.raises(SignatureError) as info:
        checker.verify(headers)  # type: ignore[arg-type]
    return info.value


def test_the_header_name_is_keyword_only() -> None:
    # Both are tokens: swapped positionally, the secret would be shown as the header name in reprs and errors.
    with pytest.raises(TypeError):
        SharedSecretHeader("X-Webhook-Secret", SECRET)  # type: ignore[misc]


def test_headers_for_chirp_registration() -> None:
    assert SSH.headers() == {"X-Webhook-Secret": SECRET}
    assert SSH.header == "X-Webhook-Secret"
    assert SharedSecretHeader(SECRET, header="X-Chirp-Auth").headers() == {"X-Chirp-Auth": SECRET}
    assert SharedSecretHeader(SECRET.encode()).headers() == {"X-Webhook-Secret": SECRET}
    # The registration body of dialects.md §2.5 serialises as JSON.
    registration = {"url": "https://app.example.com/chirp", "events": ["calls.initiated"], "headers": SSH.headers()}
    assert json.loads(json.dumps(registration))["headers"] == {"X-Webhook-Secret": SECRET}


def test_shared_secret_round_trip() -> None:
    SSH.verify(SSH.headers())
    SSH.verify({"x-webhook-secret": SECRET, "Content-Type": "application/json"})
    SSH.verify(HttpRequest(method="POST", path="/chirp", headers=SSH.headers()).headers)
    SharedSecretHeader(SECRET.encode()).verify(SSH.headers())


@pytest.mark.parametrize("transform", [str.lower, str.upper, str.swapcase], ids=["lower", "upper", "swap"])
def test_shared_secret_header_name_case_insensitive(transform: Callable[[str], str]) -> None:
    SSH.verify({transform("X-Webhook-Secret"): SECRET})
    custom = SharedSecretHeader(SECRET, header="X-Chirp-Auth")
    custom.verify({transform("X-Chirp-Auth"): SECRET})


@pytest.mark.parametrize(
    "value",
    [
        SECRET[:-1],
        SECRET + "x",
        SECRET.upper(),
        SECRET + " ",
        " " + SECRET,
        SECRET + "\n",
        "x" + SECRET[1:],
        SECRET * 2,
        "é" + SECRET[1:],
        "\ud800" + SECRET,
        "a",
    ],
    ids=[
        "prefix",
        "extended",
        "case",
        "trailing-space",
        "leading-space",
        "LF",
        "first-char",
        "doubled",
        "non-ascii",
        "surrogate",
        "short",
    ],
)
def test_shared_secret_mismatch(value: str) -> None:
    error = ssh_fail(SSH, {"X-Webhook-Secret": value})
    assert (error.kind, error.header) == ("mismatch", "X-Webhook-Secret")


def test_shared_secret_missing_and_empty() -> None:
    assert ssh_fail(SSH, {}).kind == "missing"
    assert ssh_fail(SSH, {"X-Other-Secret": SECRET}).kind == "missing"
    assert ssh_fail(SSH, {"Authorization": f"Bearer {SECRET}"}).kind == "missing"
    error = ssh_fail(SSH, {"X-Webhook-Secret": ""})
    assert (error.kind, error.header) == ("empty", "X-Webhook-Secret")


def test_shared_secret_in_a_different_header_fails() -> None:
    custom = SharedSecretHeader(SECRET, header="X-Chirp-Auth")
    assert ssh_fail(custom, {"X-Webhook-Secret": SECRET}).kind == "missing"


def test_shared_secret_duplicate_headers() -> None:
    SSH.verify({"X-Webhook-Secret": SECRET, "x-webhook-secret": SECRET})
    assert ssh_fail(SSH, {"X-Webhook-Secret": SECRET, "x-webhook-secret": "other"}).kind == "ambiguous"


@pytest.mark.parametrize("headers", [None, [("X-Webhook-Secret", SECRET)], SECRET])
def test_shared_secret_headers_must_be_mapping(headers: object) -> None:
    with pytest.raises(TypeError, match="headers must be a mapping"):
        SSH.verify(headers)  # type: ignore[arg-type]


@pytest.mark.parametrize("secret", ["", b"", bytearray()])
def test_empty_secret_refused(secret: str | bytes) -> None:
    with pytest.raises(InvalidValue) as info:
        SharedSecretHeader(secret)
    assert not isinstance(info.value, SignatureError)
    assert info.value.field == "secret"


@pytest.mark.parametrize(
    "secret",
    ["abc\r\nX-Injected: 1", "abc\n", "a\x00b", "tab\there", " lead", "trail ", "naïve", b"\xff\xfe", "\x7f"],
    ids=["crlf", "lf", "nul", "tab", "leading", "trailing", "non-ascii", "bytes-non-ascii", "del"],
)
def test_unusable_secret_refused(secret: str | bytes) -> None:
    with pytest.raises(InvalidValue) as info:
        SharedSecretHeader(secret)
    assert info.value.field == "secret"
    assert SENTINEL_SECRET not in str(info.value)


def test_secret_with_inner_space_allowed() -> None:
    checker = SharedSecretHeader("two words")
    checker.verify({"X-Webhook-Secret": "two words"})


@pytest.mark.parametrize("secret", [None, 1, ["x"]])
def test_secret_of_wrong_type_refused(secret: object) -> None:
    with pytest.raises(TypeError, match="secret must be str or bytes"):
        SharedSecretHeader(secret)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "header",
    ["", "X Webhook", "X-Webhook-Secret:", "X:Y", "X-Webhook\r\nSecret", "Ünicode", "X(Secret)", "X\tY", 'X"Y', "X/Y"],
)
def test_header_name_must_be_token(header: str) -> None:
    with pytest.raises(InvalidValue) as info:
        SharedSecretHeader(SECRET, header=header)
    assert info.value.field == "header"


def test_header_name_token_punctuation_allowed() -> None:
    SharedSecretHeader(SECRET, header="X-!#$%&'*+.^_`|~1").verify({"x-!#$%&'*+.^_`|~1": SECRET})


def test_header_name_must_be_str() -> None:
    with pytest.raises(TypeError, match="header must be str"):
        SharedSecretHeader(SECRET, header=b"X-Webhook-Secret")  # type: ignore[arg-type]


secret_text = st.text(alphabet=string.ascii_letters + string.digits + string.punctuation, min_size=1, max_size=64)


@given(secret=secret_text)
def test_shared_secret_property_round_trip(secret: str) -> None:
    checker = SharedSecretHeader(secret)
    checker.verify(checker.headers())
    checker.verify({k.lower(): v for k, v in checker.headers().items()})


@given(secret=secret_text, data=st.data())
def test_shared_secret_property_one_character_change_fails(secret: str, data: st.DataObject) -> None:
    checker = SharedSecretHeader(secret)
    index = data.draw(st.integers(0, len(secret) - 1), label="index")
    replacement = data.draw(st.characters(exclude_characters=secret[index]), label="replacement")
    mutated = secret[:index] + replacement + secret[index + 1 :]
    with pytest.raises(SignatureError):
        checker.verify({"X-Webhook-Secret": mutated})


@given(secret=secret_text, data=st.data())
def test_shared_secret_property_one_byte_flip_fails(secret: str, data: st.DataObject) -> None:
    checker = SharedSecretHeader(secret)
    raw = bytearray(secret.encode())
    index = data.draw(st.integers(0, len(raw) - 1), label="index")
    raw[index] ^= data.draw(st.integers(1, 255), label="mask")
    with pytest.raises(SignatureError):
        checker.verify({"X-Webhook-Secret": raw.decode("latin-1")})


# ================================================================ secrets never leak (§6)


def _signalwire_failures(signer: SignalWireSignature) -> list[tuple[SignatureError, list[str]]]:
    """Every failure kind, with the signature strings (expected and received) that must not appear."""
    signed = signer.sign(KAT_URL, KAT_BODY)
    expected = [signed[SHA1], signed[SHA256], signed[SHA1].upper(), signed[SHA256].upper()]
    cases: list[tuple[dict[str, str], str, bytes]] = [
        ({}, KAT_URL, KAT_BODY),
        ({SHA1: ""}, KAT_URL, KAT_BODY),
        ({SHA256: "nothex" * 10 + "abcd"}, KAT_URL, KAT_BODY),
        ({SHA1: signed[SHA1][:-1]}, KAT_URL, KAT_BODY),
        ({SHA1: "a" * 40}, KAT_URL, KAT_BODY),
        ({SHA256: "b" * 64, SHA1: signed[SHA1]}, KAT_URL, KAT_BODY),
        (signed, KAT_URL, KAT_BODY + b"\n"),  # received = a valid signature for another message
        ({SHA1: signed[SHA1], SHA1.lower(): "c" * 40}, KAT_URL, KAT_BODY),
        (signed, KAT_URL + "\ud800", KAT_BODY),
    ]
    failures = []
    for headers, url, body in cases:
        with pytest.raises(SignatureError) as info:
            signer.verify(url, body, headers)
        failures.append((info.value, expected + list(headers.values())))
    return failures


def _rendered(error: BaseException) -> list[str]:
    return [str(error), repr(error), *map(str, error.args), str(getattr(error, "reason", ""))]


def test_signalwire_key_never_in_repr_str_or_errors() -> None:
    signer = SignalWireSignature(SENTINEL_KEY)
    for text in (repr(signer), str(signer), f"{signer}", f"{signer!r}", repr([signer]), repr({"s": signer})):
        assert "S3NT1NEL" not in text
    assert repr(signer) == "SignalWireSignature(signing_key='***')"
    failures = _signalwire_failures(signer)
    kinds = {error.kind for error, _ in failures}
    assert kinds == {"missing", "empty", "malformed", "length", "mismatch", "ambiguous", "url"}
    for error, forbidden in failures:
        for text in _rendered(error):
            assert "S3NT1NEL" not in text
            for value in forbidden:
                if value:
                    assert value not in text, (error.kind, value)


def test_signalwire_bytes_key_never_in_repr() -> None:
    signer = SignalWireSignature(SENTINEL_KEY.encode())
    assert "S3NT1NEL" not in repr(signer)
    assert "S3NT1NEL" not in str(signer)


def test_expected_digest_not_in_raising_frames() -> None:
    """Tracebacks that capture locals (pytest --showlocals, Sentry) must not show the expected digest or the key."""
    signer = SignalWireSignature(SENTINEL_KEY)
    signed = signer.sign(KAT_URL, KAT_BODY)
    forbidden_bytes = [bytes.fromhex(signed[SHA1]), bytes.fromhex(signed[SHA256]), SENTINEL_KEY.encode()]
    for headers in ({SHA256: "0" * 64}, {SHA1: "0" * 40}):
        with pytest.raises(SignatureError) as info:
            signer.verify(KAT_URL, KAT_BODY, headers)
        tb: types.TracebackType | None = info.value.__traceback__
        seen_module_frame = False
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_filename == callglot.signatures.__file__:
                seen_module_frame = True
                for value in frame.f_locals.values():
                    if isinstance(value, bytes | bytearray):
                        assert all(secret not in value for secret in forbidden_bytes)
                    elif isinstance(value, str):
                        assert "S3NT1NEL" not in value
                        assert signed[SHA1] not in value
                        assert signed[SHA256] not in value
                    else:
                        assert "S3NT1NEL" not in repr(value)
            tb = tb.tb_next
        assert seen_module_frame


def test_shared_secret_never_in_repr_str_or_errors() -> None:
    checker = SharedSecretHeader(SENTINEL_SECRET)
    for text in (repr(checker), str(checker), f"{checker!r}", repr([checker])):
        assert "S3NT1NEL" not in text
    assert repr(checker) == "SharedSecretHeader(secret='***', header='X-Webhook-Secret')"
    near_misses = [SENTINEL_SECRET[:-1], SENTINEL_SECRET + "x", SENTINEL_SECRET.lower(), "S3NT1NEL-guess"]
    cases: list[dict[str, str]] = [
        {},
        {"X-Webhook-Secret": ""},
        *({"X-Webhook-Secret": value} for value in near_misses),
        {"X-Webhook-Secret": SENTINEL_SECRET, "x-webhook-secret": "S3NT1NEL-other"},
    ]
    kinds = set()
    for headers in cases:
        with pytest.raises(SignatureError) as info:
            checker.verify(headers)
        kinds.add(info.value.kind)
        for text in _rendered(info.value):
            assert "S3NT1NEL" not in text
    assert kinds == {"missing", "empty", "mismatch", "ambiguous"}


def test_construction_errors_do_not_echo_secrets() -> None:
    for build in (
        lambda: SharedSecretHeader("S3NT1NEL-with\r\nnewline"),
        lambda: SharedSecretHeader(" S3NT1NEL-leading"),
        lambda: SharedSecretHeader("S3NT1NEL-ok", header="S3NT1NEL bad header"),
        lambda: SignalWireSignature("S3NT1NEL\ud800"),
        lambda: SharedSecretHeader("S3NT1NEL\ud800"),
    ):
        with pytest.raises(InvalidValue) as info:
            build()
        for text in _rendered(info.value):
            assert "S3NT1NEL" not in text


REFUSED_SECRETS = [
    lambda: SharedSecretHeader("S3NT1NEL-read-from-a-file\n"),
    lambda: SharedSecretHeader(" S3NT1NEL-leading"),
    lambda: SharedSecretHeader("S3NT1NEL\ud800"),
    lambda: SharedSecretHeader(b"S3NT1NEL\x00"),
    lambda: SignalWireSignature("S3NT1NEL\udfff"),
]


def _exception_chain(error: BaseException | None) -> list[BaseException]:
    chain = []
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


@pytest.mark.parametrize(
    "build", REFUSED_SECRETS, ids=["newline", "leading-space", "surrogate", "nul", "key-surrogate"]
)
def test_a_refused_secret_is_not_in_the_traceback_locals_or_the_exception_chain(build: Callable[[], object]) -> None:
    """Error reporters (Sentry, pytest --showlocals) render every frame's locals and the whole chain."""
    with pytest.raises(InvalidValue) as info:
        build()
    # capture_locals reprs every local, the half-built object included: that must not raise either.
    report = traceback.TracebackException.from_exception(info.value, capture_locals=True)
    ours = [frame for frame in report.stack if frame.filename == callglot.signatures.__file__]
    assert ours  # the refusal is raised in callglot's own frame
    assert all("S3NT1NEL" not in repr(frame.locals) for frame in ours)
    assert "S3NT1NEL" not in "".join(report.format_exception_only())
    for error in _exception_chain(info.value):
        assert "S3NT1NEL" not in repr(vars(error))  # a UnicodeEncodeError keeps the whole string in .object
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    "make",
    [lambda: SignalWireSignature(SENTINEL_KEY), lambda: SharedSecretHeader(SENTINEL_SECRET)],
    ids=["signalwire", "shared-secret"],
)
def test_pickling_refused_and_state_not_dumpable(make: Callable[[], object]) -> None:
    obj = make()
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        with pytest.raises(TypeError, match="cannot be pickled") as info:
            pickle.dumps(obj, protocol=protocol)
        assert "S3NT1NEL" not in str(info.value)
    with pytest.raises(TypeError):
        obj.__reduce_ex__(2)
    with pytest.raises(TypeError, match="cannot be pickled"):
        obj.__getstate__()  # object's default (3.11+) returns the slots, secret and all
    # No __dict__ for vars()/json dumps to expose; the objects are immutable.
    assert not hasattr(obj, "__dict__")
    with pytest.raises(TypeError):
        vars(obj)
    with pytest.raises(AttributeError):
        obj._key = b"replaced"  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        del obj._secret  # type: ignore[attr-defined]
    # copy/deepcopy of a config holding one keep working (the object is immutable, so it is shared).
    assert copy.copy(obj) is obj
    assert copy.deepcopy({"auth": obj})["auth"] is obj


def test_equality_is_identity() -> None:
    # No __eq__ that compares keys (a timing or logic oracle).
    assert SignalWireSignature(SENTINEL_KEY) != SignalWireSignature(SENTINEL_KEY)
    assert SharedSecretHeader(SENTINEL_SECRET) != SharedSecretHeader(SENTINEL_SECRET)


# ================================================================ the error type


def test_signature_error_hierarchy_and_pickle() -> None:
    error = SignatureError("mismatch", SHA1, "signature does not match")
    assert isinstance(error, CallglotError)
    assert isinstance(error, ValueError)
    assert str(error) == f"{SHA1}: signature does not match"
    clone = pickle.loads(pickle.dumps(error))
    assert (type(clone), clone.kind, clone.header, clone.reason, str(clone)) == (
        SignatureError,
        "mismatch",
        SHA1,
        "signature does not match",
        str(error),
    )
    assert str(SignatureError("missing", None, "no header")) == "no header"


def test_every_verification_failure_is_exactly_signature_error() -> None:
    for error, _ in _signalwire_failures(SW):
        assert type(error) is SignatureError
