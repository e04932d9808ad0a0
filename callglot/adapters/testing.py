"""What callglot's generic tests need to know about a dialect's wire: its :class:`TestProfile`.

The generic tests (``tests/`` in the callglot repository) iterate the dialect registry, so a new
dialect, built in or a plugin, is tested everywhere without editing a test file. Most of what they
need they derive from the dialect itself: the path of a command (encode a ``Hangup`` for a call id),
the path of a dial (encode a ``Dial``), the body key of the idempotency key (encode with a
``command_id``), the command and event types (the dialect's JSON Schemas), what it can say (its
capability tables). A dialect declares only the rest, as a class attribute::

    from callglot.adapters.testing import TestProfile

    class AcmeDialect(Dialect):
        name = "acme"
        test_profile = TestProfile(
            call_id="CA0123456789abcdef",
            command_tag="action",
            event_tag="type",
            wrong_paths=("/v2/calls/CA0123456789abcdef/action",),
        )

and ships example wire messages next to the tests, one JSON file per case, in
``tests/fixtures/<dialect>/{positive,negative}/`` (commands) and
``tests/fixtures/<dialect>/events/{positive,negative}/`` (webhooks); ``tests/fixtures/README.md``
describes the files. A registered dialect without a profile or without fixtures fails the tests, with
a message saying what to add.

Nothing here is used at run time: the profile is plain data, and importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, ClassVar

import attrs

if TYPE_CHECKING:
    from ._base import Dialect

__all__ = ["TestProfile"]


def _paths(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("wrong_paths is a sequence of paths, not one string")
    return tuple(value)


@attrs.frozen
class TestProfile:
    """The facts about a dialect's wire that its code does not expose and its tests need.

    - ``call_id``: a call id in the dialect's own format (a Chirp ``call_...``, a SignalWire UUID),
      valid for ``Dialect.encode``; example requests are built for it.
    - ``command_tag``: the body key that names the command (``"type"``, ``"command"``), or None when
      the URL path names it (the gateway's ``.../commands/playback/start``). Fuzz tests put known
      command types there to get past the dispatch.
    - ``event_tag``: the body key of a webhook that names the event type (``"event"``,
      ``"event_type"``); the same, for events.
    - ``wrong_paths``: request paths close to the dialect's own that it must refuse as a wrong path
      (a typo, a singular for a plural): they are only known by knowing the API.
    - ``repeatable``: builds an instance whose encodes repeat exactly (a constant generator for the
      ids it makes up, such as SignalWire's ``control_id``), for tests that encode twice and compare;
      None when the registered instance's encodes already repeat.
    """

    #: Not a test class, though its name says Test (pytest collects ``Test*`` classes it sees in tests).
    __test__: ClassVar[bool] = False

    call_id: str = attrs.field(validator=attrs.validators.instance_of(str))
    command_tag: str | None = attrs.field(validator=attrs.validators.optional(attrs.validators.instance_of(str)))
    event_tag: str = attrs.field(validator=attrs.validators.instance_of(str))
    wrong_paths: tuple[str, ...] = attrs.field(
        default=(),
        converter=_paths,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(str)),
    )
    repeatable: Callable[[], Dialect] | None = attrs.field(default=None, eq=False)
