"""Webhooks that are never lost: a Redis Streams queue between the vendor and the app (Redis mode).

The proxy answers the vendor once a translated webhook is durably queued (one Lua script: the dedupe
marker and the XADD, in one slot). Delivery workers in any instance deliver it to the app: events of
one call stay in order because a call's events go to one of ``partitions`` streams, and each
partition is worked by one instance at a time (a lease, renewed while it works); an event is retried
in place on the app dialect's schedule, so nothing behind it overtakes it, then dead-lettered. A
worker that dies leaves its entries pending; the next owner of the partition claims them
(``XAUTOCLAIM``) once they have been idle longer than any delivery takes. At least once: the same
``webhook_id`` on every attempt, and the dialect's own dedupe key (Chirp ``eventId``, the gateway's
``sequence``) in the body, so the app can drop duplicates.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
import zlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from ._log import LogFields, log

__all__ = ["DurableQueue"]

# KEYS[1] = {wh:p}:seen:<dedupe>  KEYS[2] = {wh:p}:stream   ARGV[1] = ttl seconds, ARGV[2] = the entry (JSON)
# The entry first, then the marker: a script is not rolled back, and a lost marker only re-queues.
_INGEST = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local id = redis.call('XADD', KEYS[2], '*', 'entry', ARGV[2])
redis.call('SET', KEYS[1], id, 'EX', ARGV[1])
return id
"""
# KEYS[1] = the lease; ARGV[1] = owner, ARGV[2] = ms. Take it if free or ours, and extend it.
_LEASE = """
local owner = redis.call('GET', KEYS[1])
if owner == false or owner == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
# KEYS[1] = the lease; ARGV[1] = owner. Release only our own (a compare-and-delete, as redis-py's Lock).
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

GROUP = "callglot-delivery"
#: The delivery workers seen lately (a sorted set: owner -> when, ms), to share the partitions out.
WORKERS = "callglot:workers"
Deliver = Callable[[str, bytes, dict[str, str]], Awaitable[bool]]


class DurableQueue:
    """The webhook queue in Redis. ``client``: a ``redis.asyncio.Redis`` (``decode_responses=True``).

    ``schedule``: seconds before each retry of a failed delivery (then the dead-letter stream);
    ``idle_ms``: how long an entry must sit unacknowledged before another worker claims it (longer
    than a delivery with all its retries); ``lease_ms``: how long a partition stays with a worker that
    stopped renewing it.
    """

    def __init__(
        self,
        client: Any,
        *,
        partitions: int = 8,
        schedule: Sequence[float] = (1.0, 2.0, 4.0, 8.0, 16.0),
        dedupe_ttl: int = 24 * 3600,
        idle_ms: int = 60_000,
        lease_ms: int = 5_000,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.redis = client
        self.partitions = partitions
        self.schedule = tuple(schedule)
        self.dedupe_ttl = dedupe_ttl
        self.idle_ms = idle_ms
        self.lease_ms = lease_ms
        self.sleep = sleep
        self._ingest = client.register_script(_INGEST)
        self._lease = client.register_script(_LEASE)
        self._release = client.register_script(_RELEASE)
        self._groups: set[int] = set()

    # -- keys (one hash slot per partition)

    def partition(self, call_id: str) -> int:
        return zlib.crc32(call_id.encode("utf-8")) % self.partitions

    @staticmethod
    def stream(p: int) -> str:
        return f"{{wh:{p}}}:stream"

    @staticmethod
    def dead(p: int) -> str:
        return f"{{wh:{p}}}:dead"

    @staticmethod
    def lease(p: int) -> str:
        return f"{{wh:{p}}}:lease"

    async def _group(self, p: int) -> None:
        if p in self._groups:
            return
        import redis.exceptions

        try:
            await self.redis.xgroup_create(self.stream(p), GROUP, id="0", mkstream=True)
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._groups.add(p)

    # -- in

    async def enqueue(self, *, call_id: str, dedupe: str, url: str, content: bytes, headers: dict[str, str]) -> bool:
        """Queue one webhook for the app; False when ``dedupe`` was queued before (a vendor's retry)."""
        p = self.partition(call_id)
        await self._group(p)
        entry = {
            "webhook_id": str(uuid.uuid4()),
            "call_id": call_id,
            "url": url,
            "content": content.decode("utf-8"),
            "headers": headers,
            "queued_at": time.time(),
        }
        seen = f"{{wh:{p}}}:seen:{dedupe}"
        added = await self._ingest(keys=[seen, self.stream(p)], args=[self.dedupe_ttl, json.dumps(entry)])
        return bool(added)

    # -- out

    async def work(self, deliver: Deliver, owner: str, stop: asyncio.Event, *, block_ms: int = 200) -> None:
        """Deliver until ``stop`` is set: every partition whose lease this worker holds, in entry order."""
        import redis.exceptions

        held: set[int] = set()
        try:
            while not stop.is_set():
                busy = False
                try:
                    share = await self._share(owner)
                    start = zlib.crc32(owner.encode("utf-8")) % self.partitions  # instances start apart
                    for p in [(start + i) % self.partitions for i in range(self.partitions)]:
                        if stop.is_set():
                            break
                        if p not in held and len(held) >= share:
                            continue  # another instance's share: the partitions are spread over the live ones
                        if not await self._lease(keys=[self.lease(p)], args=[owner, self.lease_ms]):
                            held.discard(p)
                            continue
                        held.add(p)
                        await self._group(p)
                        busy |= await self._work_partition(p, deliver, owner)
                    while len(held) > share:  # more instances now: hand the surplus back
                        await self._release(keys=[self.lease(held.pop())], args=[owner])
                except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
                    # Redis is restarting: what was acknowledged is in its append-only file; wait and go on.
                    log.info("%s", LogFields({"event": "proxy.queue_unavailable", "error": type(exc).__name__}))
                    self._groups.clear()
                    held.clear()
                    await asyncio.sleep(0.5)
                    continue
                if not busy:
                    await asyncio.sleep(block_ms / 1000)
        finally:
            with contextlib.suppress(redis.exceptions.RedisError):
                for p in range(self.partitions):
                    await self._release(keys=[self.lease(p)], args=[owner])

    async def _work_partition(self, p: int, deliver: Deliver, owner: str) -> bool:
        stream = self.stream(p)
        # Entries a dead worker left pending, once idle long enough; then our own pending; then new ones.
        claimed = await self.redis.xautoclaim(
            stream, GROUP, owner, min_idle_time=self.idle_ms, start_id="0-0", count=50
        )
        entries = list(claimed[1])
        entries += (await self.redis.xreadgroup(GROUP, owner, {stream: "0"}, count=50))[0][1] if not entries else []
        if not entries:
            fresh = await self.redis.xreadgroup(GROUP, owner, {stream: ">"}, count=20)
            entries = fresh[0][1] if fresh else []
        entries = sorted(
            {entry_id: fields for entry_id, fields in entries if fields}.items(), key=lambda e: _order(e[0])
        )
        for entry_id, fields in entries:
            await self._deliver_one(p, entry_id, fields, deliver, owner)
        return bool(entries)

    async def _deliver_one(self, p: int, entry_id: str, fields: dict[str, str], deliver: Deliver, owner: str) -> None:
        entry = json.loads(fields["entry"])
        headers = {**entry["headers"], "Webhook-Id": entry["webhook_id"]}
        content = entry["content"].encode("utf-8")
        for attempt in range(len(self.schedule) + 1):
            if attempt:
                await self.sleep(self.schedule[attempt - 1])
                await self._lease(keys=[self.lease(p)], args=[owner, self.lease_ms])  # still ours while we retry
            if await deliver(entry["url"], content, headers):
                async with self.redis.pipeline(transaction=True) as pipe:  # taken: acknowledged and removed
                    pipe.xack(self.stream(p), GROUP, entry_id)
                    pipe.xdel(self.stream(p), entry_id)
                    await pipe.execute()
                return
        log.info(
            json.dumps({"event": "proxy.dead_letter", "webhook_id": entry["webhook_id"], "call_id": entry["call_id"]})
        )
        async with self.redis.pipeline(transaction=True) as pipe:  # dead-lettered and acknowledged together
            pipe.xadd(self.dead(p), {"entry": fields["entry"], "from": entry_id})
            pipe.xack(self.stream(p), GROUP, entry_id)
            pipe.xdel(self.stream(p), entry_id)
            await pipe.execute()

    async def _share(self, owner: str) -> int:
        """How many partitions this instance should hold: an even share among the instances seen lately."""
        now = int(time.time() * 1000)
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zadd(WORKERS, {owner: now})
            pipe.zremrangebyscore(WORKERS, 0, now - 3 * self.lease_ms)
            pipe.zcard(WORKERS)
            live = (await pipe.execute())[2]
        return -(-self.partitions // max(1, int(live)))

    # -- dead letters (an operator's)

    async def dead_letters(self) -> list[dict[str, Any]]:
        """Every dead-lettered webhook: its partition, id, call, URL, webhook id and when it was queued."""
        out = []
        for p in range(self.partitions):
            for entry_id, fields in await self.redis.xrange(self.dead(p)):
                entry = json.loads(fields["entry"])
                out.append({"id": f"{p}/{entry_id}", "call_id": entry["call_id"], "url": entry["url"],
                            "webhook_id": entry["webhook_id"], "queued_at": entry["queued_at"]})  # fmt: skip
        return out

    async def replay(self, dead_id: str) -> bool:
        """Queue a dead-lettered webhook again (``id`` as :meth:`dead_letters` gives it); False if unknown."""
        partition, _, entry_id = dead_id.partition("/")
        if not partition.isdigit() or int(partition) >= self.partitions:
            return False
        p = int(partition)
        found = await self.redis.xrange(self.dead(p), min=entry_id, max=entry_id)
        if not found:
            return False
        await self._group(p)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self.stream(p), {"entry": found[0][1]["entry"]})
            pipe.xdel(self.dead(p), entry_id)
            await pipe.execute()
        return True

    async def pending(self) -> int:
        """Entries queued or being delivered, in every partition."""
        total = 0
        for p in range(self.partitions):
            await self._group(p)
            info = await self.redis.xinfo_groups(self.stream(p))
            for group in info:
                if group["name"] == GROUP:
                    total += int(group.get("lag") or 0) + int(group["pending"])
        return total


def _order(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)
