"""The translating proxy: an application keeps its vendor's dialect; the proxy speaks another vendor's.

``create_app(config)`` is an ASGI application (Starlette, from the ``server`` extra); ``callglot
proxy --config proxy.toml`` serves it with uvicorn. Names load on first use (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callglot import _lazy

if TYPE_CHECKING:
    from ._app import Proxy, create_app
    from ._config import ConfigError, Party, ProxyConfig, load_config, parse_config
    from ._redis import RedisStore
    from ._store import MemoryStore, OperationIds, Store, StoredReply

_LAZY: dict[str, str] = {
    **dict.fromkeys(("Proxy", "create_app"), "callglot.proxy._app"),
    **dict.fromkeys(("ConfigError", "Party", "ProxyConfig", "load_config", "parse_config"), "callglot.proxy._config"),
    **dict.fromkeys(("MemoryStore", "OperationIds", "Store", "StoredReply"), "callglot.proxy._store"),
    "RedisStore": "callglot.proxy._redis",
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "ConfigError",
    "MemoryStore",
    "OperationIds",
    "Party",
    "Proxy",
    "ProxyConfig",
    "RedisStore",
    "Store",
    "StoredReply",
    "create_app",
    "load_config",
    "parse_config",
]
