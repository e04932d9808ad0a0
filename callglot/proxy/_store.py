"""What no codec can know, kept between a command and the webhooks that follow it: the ``Store``.

Every state change is one explicit, awaited store operation, so a shared store (Redis, next) can
replace the in-memory one without touching the proxy's logic.
"""

from __future__ import annotations

from typing import Any, Protocol

import attrs

__all__ = ["MemoryStore", "OperationIds", "Store", "StoredReply"]


@attrs.frozen(kw_only=True)
class OperationIds:
    """A running operation on both sides: its kind (play, record, ...), the app's id and the vendor's."""

    kind: str
    app_id: str | None
    vendor_id: str | None
    app_hook: str | None = None  # where the app asked for this operation's events (its status_url)


@attrs.frozen(kw_only=True)
class StoredReply:
    """The reply to the first request with an idempotency key (``pending``: that request is still running)."""

    status: int
    body: Any
    headers: dict[str, str]
    pending: bool = False


class Store(Protocol):
    async def bind_call(self, app_call_id: str, vendor_call_id: str) -> str:
        """Bind the ids both ways; returns the app id bound (another instance's, if it bound first)."""
        ...

    async def vendor_call(self, app_call_id: str) -> str | None: ...

    async def app_call(self, vendor_call_id: str) -> str | None: ...

    async def set_call_hook(self, vendor_call_id: str, url: str) -> None: ...

    async def call_hook(self, vendor_call_id: str) -> str | None: ...

    async def set_call_state(self, vendor_call_id: str, state: str) -> None:
        """The call's state as the vendor's last state event said (``answered``, ``ended``, ...)."""
        ...

    async def call_state(self, vendor_call_id: str) -> str | None: ...

    async def start_operation(self, vendor_call_id: str, operation: OperationIds) -> None: ...

    async def operations(self, vendor_call_id: str, kind: str | None = None) -> list[OperationIds]: ...

    async def end_operation(self, vendor_call_id: str, vendor_id: str) -> OperationIds | None: ...

    async def find_operation(self, vendor_call_id: str, vendor_id: str) -> OperationIds | None: ...

    async def end_call(self, vendor_call_id: str) -> None: ...

    async def claim(self, key: str, ttl: int) -> StoredReply | None:
        """Claim an idempotency key: None when this request is the first, else the first one's reply."""
        ...

    async def save_reply(self, key: str, reply: StoredReply, ttl: int) -> None: ...

    async def release(self, key: str) -> None: ...


class MemoryStore:
    """The embedded default: dictionaries in this process."""

    def __init__(self) -> None:
        self._vendor_of: dict[str, str] = {}
        self._app_of: dict[str, str] = {}
        self._hooks: dict[str, str] = {}
        self._states: dict[str, str] = {}
        self._operations: dict[str, list[OperationIds]] = {}
        self._replies: dict[str, StoredReply | None] = {}

    async def bind_call(self, app_call_id: str, vendor_call_id: str) -> str:
        app_call_id = self._app_of.setdefault(vendor_call_id, app_call_id)
        self._vendor_of[app_call_id] = vendor_call_id
        return app_call_id

    async def vendor_call(self, app_call_id: str) -> str | None:
        return self._vendor_of.get(app_call_id)

    async def app_call(self, vendor_call_id: str) -> str | None:
        return self._app_of.get(vendor_call_id)

    async def set_call_hook(self, vendor_call_id: str, url: str) -> None:
        self._hooks[vendor_call_id] = url

    async def call_hook(self, vendor_call_id: str) -> str | None:
        return self._hooks.get(vendor_call_id)

    async def set_call_state(self, vendor_call_id: str, state: str) -> None:
        self._states[vendor_call_id] = state

    async def call_state(self, vendor_call_id: str) -> str | None:
        return self._states.get(vendor_call_id)

    async def start_operation(self, vendor_call_id: str, operation: OperationIds) -> None:
        self._operations.setdefault(vendor_call_id, []).append(operation)

    async def operations(self, vendor_call_id: str, kind: str | None = None) -> list[OperationIds]:
        return [op for op in self._operations.get(vendor_call_id, []) if kind is None or op.kind == kind]

    async def end_operation(self, vendor_call_id: str, vendor_id: str) -> OperationIds | None:
        running = self._operations.get(vendor_call_id, [])
        for index, operation in enumerate(running):
            if operation.vendor_id == vendor_id:
                return running.pop(index)
        return None

    async def find_operation(self, vendor_call_id: str, vendor_id: str) -> OperationIds | None:
        return next((op for op in self._operations.get(vendor_call_id, []) if op.vendor_id == vendor_id), None)

    async def end_call(self, vendor_call_id: str) -> None:
        self._operations.pop(vendor_call_id, None)

    async def claim(self, key: str, ttl: int) -> StoredReply | None:
        if key not in self._replies:
            self._replies[key] = None
            return None
        stored = self._replies[key]
        return stored if stored is not None else StoredReply(status=409, body=None, headers={}, pending=True)

    async def save_reply(self, key: str, reply: StoredReply, ttl: int) -> None:
        self._replies[key] = reply

    async def release(self, key: str) -> None:
        self._replies.pop(key, None)
