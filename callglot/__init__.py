"""callglot: one canonical command algebra for every telephony vendor's call-control dialect.

>>> import callglot
>>> from callglot.canonical import Hangup
>>> callglot.get_dialect("chirp").encode(Hangup(), call_id="call_x").value.body
{'type': 'hangup'}

The core is sans-IO: values and adapters are pure functions of data. Only
``callglot.transport`` imports httpx; schemas and jsonschema load lazily.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callglot import _lazy

# Light, always needed: the wire values, the capability/policy vocabulary and the errors (attrs only).
from callglot._wire import HttpRequest, HttpResponse
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

if TYPE_CHECKING:
    from callglot._translate import translate, translate_event
    from callglot.adapters import Decoded, Dialect, dialects, get_dialect, register_dialect
    from callglot.canonical.events import ProviderError, Receipt
    from callglot.signatures import SharedSecretHeader, SignalWireSignature, SignatureError

#: Loaded on first use (PEP 562), so ``import callglot`` costs about what ``import attrs`` does: the
#: algebra, cattrs and the adapters load with the first dialect, hmac with the first signature check.
_LAZY: dict[str, str] = {
    "Decoded": "callglot.adapters",
    "Dialect": "callglot.adapters",
    "dialects": "callglot.adapters",
    "get_dialect": "callglot.adapters",
    "register_dialect": "callglot.adapters",
    "ProviderError": "callglot.canonical.events",
    "Receipt": "callglot.canonical.events",
    "SharedSecretHeader": "callglot.signatures",
    "SignalWireSignature": "callglot.signatures",
    "SignatureError": "callglot.signatures",
    "translate": "callglot._translate",  # not callglot.translate: importing that module would shadow the function
    "translate_event": "callglot._translate",
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
