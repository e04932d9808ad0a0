"""callglot: one canonical command algebra for every telephony vendor's call-control dialect.

>>> import callglot
>>> from callglot.canonical import Hangup
>>> callglot.get_dialect("chirp").encode(Hangup(), call_id="call_x").value.body
{'type': 'hangup'}

The core is sans-IO: values and adapters are pure functions of data. Only
``callglot.transport`` imports httpx; schemas and jsonschema load lazily.
"""

from __future__ import annotations

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import Decoded, Dialect, dialects, get_dialect, register_dialect
from callglot.canonical.events import ProviderError, Receipt
from callglot.capabilities import Adaptation, Capability, Policy, Support, Translation
from callglot.errors import (
    CallglotError,
    DecodeError,
    EncodeError,
    InvalidMessage,
    InvalidValue,
    UnknownCommand,
    UnsafeUrl,
    UnsupportedCommand,
    UnsupportedField,
)
from callglot.signatures import SharedSecretHeader, SignalWireSignature, SignatureError
from callglot.translate import translate, translate_event

__version__ = "0.1.0"

__all__ = [
    "Adaptation",
    "CallglotError",
    "Capability",
    "DecodeError",
    "Decoded",
    "Dialect",
    "EncodeError",
    "HttpRequest",
    "HttpResponse",
    "InvalidMessage",
    "InvalidValue",
    "Policy",
    "ProviderError",
    "Receipt",
    "SharedSecretHeader",
    "SignalWireSignature",
    "SignatureError",
    "Support",
    "Translation",
    "UnknownCommand",
    "UnsafeUrl",
    "UnsupportedCommand",
    "UnsupportedField",
    "__version__",
    "dialects",
    "get_dialect",
    "register_dialect",
    "translate",
    "translate_event",
]
