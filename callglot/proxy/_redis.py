"""``RedisStore``: the proxy's state shared by several instances through one Redis (redis-py, asyncio).

Keys are hash-tagged per call (``{call:<vendor id>}:…``) so Redis Cluster keeps a call's state in one
slot; the alias from the app's id lives under ``{app:<app id>}``. Every key has a TTL: ``ttl`` while
the call lives, ``ended_ttl`` once it ended. Updates two instances can race on are single atomic
commands or Lua scripts on one key: the first instance to bind a vendor call wins (``SET NX``), an
operation is taken out by exactly one instance, and an idempotency key is claimed by exactly one.
"""

from __future__ import annotations

import json
from typing import Any

from ._store import OperationIds, StoredReply

__all__ = ["RedisStore"]

# KEYS[1] = {call:<id>}:ops; ARGV[1] = the vendor's operation id. Read and remove in one step.
_TAKE_OPERATION = """
local value = redis.call('HGET', KEYS[1], ARGV[1])
if value then redis.call('HDEL', KEYS[1], ARGV[1]) end
return value
"""


class RedisStore:
    """The proxy's :class:`Store` in Redis. ``url``: ``redis://host:port/db``; or give ``client``."""

    def __init__(
        self, url: str | None = None, *, client: Any = None, ttl: int = 6 * 3600, ended_ttl: int = 3600
    ) -> None:
        if client is None:
            import redis.asyncio

            if url is None:
                raise ValueError("RedisStore needs a url or a client")
            client = redis.asyncio.Redis.from_url(url, decode_responses=True)
        self.redis = client
        self.ttl = ttl
        self.ended_ttl = ended_ttl
        self._take = client.register_script(_TAKE_OPERATION)

    @staticmethod
    def _call(vendor_call_id: str, suffix: str) -> str:
        return f"{{call:{vendor_call_id}}}:{suffix}"

    @staticmethod
    def _alias(app_call_id: str) -> str:
        return f"{{app:{app_call_id}}}:vendor"

    async def bind_call(self, app_call_id: str, vendor_call_id: str) -> str:
        """Bind the two ids; when another instance bound this vendor call first, its app id wins (returned)."""
        key = self._call(vendor_call_id, "app")
        if not await self.redis.set(key, app_call_id, nx=True, ex=self.ttl):
            app_call_id = await self.redis.get(key) or app_call_id
        await self.redis.set(self._alias(app_call_id), vendor_call_id, ex=self.ttl)
        return app_call_id

    async def vendor_call(self, app_call_id: str) -> str | None:
        value = await self.redis.get(self._alias(app_call_id))
        return None if value is None else str(value)

    async def app_call(self, vendor_call_id: str) -> str | None:
        value = await self.redis.get(self._call(vendor_call_id, "app"))
        return None if value is None else str(value)

    async def set_call_hook(self, vendor_call_id: str, url: str) -> None:
        await self.redis.set(self._call(vendor_call_id, "hook"), url, ex=self.ttl)

    async def call_hook(self, vendor_call_id: str) -> str | None:
        value = await self.redis.get(self._call(vendor_call_id, "hook"))
        return None if value is None else str(value)

    async def set_call_state(self, vendor_call_id: str, state: str) -> None:
        await self.redis.set(self._call(vendor_call_id, "state"), state, ex=self.ttl)

    async def call_state(self, vendor_call_id: str) -> str | None:
        value = await self.redis.get(self._call(vendor_call_id, "state"))
        return None if value is None else str(value)

    async def start_operation(self, vendor_call_id: str, operation: OperationIds) -> None:
        key = self._call(vendor_call_id, "ops")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, operation.vendor_id or "", json.dumps(_to_json(operation)))
            pipe.expire(key, self.ttl)
            await pipe.execute()

    async def operations(self, vendor_call_id: str, kind: str | None = None) -> list[OperationIds]:
        values = await self.redis.hvals(self._call(vendor_call_id, "ops"))
        found = [_from_json(json.loads(value)) for value in values]
        return [op for op in found if kind is None or op.kind == kind]

    async def find_operation(self, vendor_call_id: str, vendor_id: str) -> OperationIds | None:
        value = await self.redis.hget(self._call(vendor_call_id, "ops"), vendor_id)
        return None if value is None else _from_json(json.loads(value))

    async def end_operation(self, vendor_call_id: str, vendor_id: str) -> OperationIds | None:
        value = await self._take(keys=[self._call(vendor_call_id, "ops")], args=[vendor_id])
        return None if value is None else _from_json(json.loads(value))

    async def end_call(self, vendor_call_id: str) -> None:
        app_call = await self.app_call(vendor_call_id)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.delete(self._call(vendor_call_id, "ops"))
            for suffix in ("app", "hook", "state"):
                pipe.expire(self._call(vendor_call_id, suffix), self.ended_ttl)
            if app_call is not None:
                pipe.expire(self._alias(app_call), self.ended_ttl)
            await pipe.execute()

    async def claim(self, key: str, ttl: int) -> StoredReply | None:
        """Claim idempotency ``key`` for this request: None when claimed, else the first request's reply.

        A reply still being made (another instance holds the claim) reads as a 409 asking to retry.
        """
        name = f"{{idem:{key}}}:reply"
        if await self.redis.set(name, "", nx=True, ex=ttl):
            return None
        value = await self.redis.get(name)
        if not value:
            return StoredReply(status=409, body=None, headers={"Retry-After": "1"}, pending=True)
        data = json.loads(value)
        return StoredReply(status=data["status"], body=data["body"], headers=data["headers"])

    async def save_reply(self, key: str, reply: StoredReply, ttl: int) -> None:
        data = {"status": reply.status, "body": reply.body, "headers": reply.headers}
        await self.redis.set(f"{{idem:{key}}}:reply", json.dumps(data), ex=ttl)

    async def release(self, key: str) -> None:
        await self.redis.delete(f"{{idem:{key}}}:reply")

    async def aclose(self) -> None:
        await self.redis.aclose()


def _to_json(operation: OperationIds) -> dict[str, Any]:
    return {"kind": operation.kind, "app_id": operation.app_id, "vendor_id": operation.vendor_id,
            "app_hook": operation.app_hook}  # fmt: skip


def _from_json(data: dict[str, Any]) -> OperationIds:
    return OperationIds(
        kind=data["kind"], app_id=data["app_id"], vendor_id=data["vendor_id"], app_hook=data["app_hook"]
    )
