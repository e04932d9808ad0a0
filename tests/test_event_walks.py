"""The event routes' encode walks (callglot.adapters._routes): their generated code against the reference loop.

Encoding runs each walk (a route's, or a frame's) as code generated on first use: ``run_before`` and
``run_after``. ``carry_plain`` and ``run`` walk the same steps one by one, and are the reference: for
every walk of every dialect's event route table, and any event of its class under either policy,
both carry the same values in the same order and give the same report, or raise the same error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from event_strategies import event_of
from hypothesis import given
from hypothesis import strategies as st

import callglot
from callglot.adapters._base import Encoding
from callglot.adapters._routes import EventRouteTable
from callglot.capabilities import Policy

#: Every registered dialect whose webhook events are an event route table (the canonical dialect's are not).
_TABLES = {
    name: table
    for name in callglot.dialects()
    if isinstance(
        table := getattr(getattr(callglot.get_dialect(name), "_events", None), "ROUTES", None), EventRouteTable
    )
}
_WALKS = [(name, cls, walk) for name, table in _TABLES.items() for cls, walk in table.walks]


def _outcome(run: Callable[[Any, Encoding, dict[str, Any]], None], event: Any, name: str, policy: Policy) -> Any:
    ctx = Encoding(name, type(event).__name__, _TABLES[name].capabilities[type(event)], policy)
    carried: dict[str, Any] = {}
    try:
        run(event, ctx, carried)
    except Exception as exc:  # the exception itself is what is compared
        failure: tuple[type, str] | None = (type(exc), str(exc))
    else:
        failure = None
    return repr(list(carried.items())), ctx.report, failure


@pytest.mark.parametrize(("name", "cls", "walk"), _WALKS, ids=[f"{name}-{walk.label}" for name, _, walk in _WALKS])
@given(data=st.data())
def test_generated_walks_do_what_the_reference_loop_does(name: str, cls: type, walk: Any, data: st.DataObject) -> None:
    event = data.draw(event_of(cls))
    policy = data.draw(st.sampled_from(Policy))

    def reference_before(event: Any, ctx: Encoding, carried: dict[str, Any]) -> None:
        walk.carry_plain(event, ctx, carried)
        walk.run(walk.before, event, ctx, carried, walk.route)

    def reference_after(event: Any, ctx: Encoding, carried: dict[str, Any]) -> None:
        walk.run(walk.after, event, ctx, carried, walk.route)

    assert _outcome(walk.run_before, event, name, policy) == _outcome(reference_before, event, name, policy)
    assert _outcome(walk.run_after, event, name, policy) == _outcome(reference_after, event, name, policy)
