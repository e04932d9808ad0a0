"""The explicit registry of dialects.

Built-in dialects are listed here by name; third parties register theirs with
:func:`register_dialect` or the ``callglot.dialects`` entry-point group (each
entry point names a :class:`Dialect` subclass or instance). Entry points are
read on first use of :func:`dialects` / :func:`get_dialect`, never at import.
"""

from __future__ import annotations

from importlib import import_module

from ._base import Decoded, Dialect, Encoding

__all__ = ["Decoded", "Dialect", "Encoding", "dialects", "get_dialect", "register_dialect"]

#: name -> (module, class): imported on first use so ``import callglot`` stays light.
BUILTIN: dict[str, tuple[str, str]] = {
    "canonical": ("callglot.adapters.canonical", "CanonicalDialect"),
    "chirp": ("callglot.adapters.chirp", "ChirpDialect"),
    "gateway": ("callglot.adapters.gateway", "GatewayDialect"),
    "signalwire": ("callglot.adapters.signalwire", "SignalWireDialect"),
}

_loaded: dict[str, Dialect] = {}
_registered: dict[str, Dialect] = {}
_entry_points_read = False

ENTRY_POINT_GROUP = "callglot.dialects"


def register_dialect(dialect: Dialect | type[Dialect], *, replace: bool = False) -> Dialect:
    """Add a dialect to the registry (an instance or a class with a no-argument constructor)."""
    instance = dialect() if isinstance(dialect, type) else dialect
    if not isinstance(instance, Dialect):
        raise TypeError(f"expected a Dialect, got {type(instance).__name__}")
    name = instance.name
    if not replace and (name in BUILTIN or name in _registered):
        raise ValueError(f"dialect {name!r} is already registered")
    from ._base import check_capability_table

    check_capability_table(type(instance))
    _registered[name] = instance
    _loaded.pop(name, None)
    return instance


def _read_entry_points() -> None:
    global _entry_points_read
    if _entry_points_read:
        return
    _entry_points_read = True
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name in BUILTIN or entry.name in _registered:
            continue
        register_dialect(entry.load())


def dialects() -> tuple[str, ...]:
    """Names of every available dialect: built-ins first, then registered ones."""
    _read_entry_points()
    return (*BUILTIN, *(name for name in _registered if name not in BUILTIN))


def get_dialect(name: str) -> Dialect:
    """The dialect called ``name``; raises ValueError listing the known names."""
    found = _loaded.get(name)
    if found is not None:
        return found
    if name in _registered:
        found = _registered[name]
    elif name in BUILTIN:
        module, cls = BUILTIN[name]
        found = getattr(import_module(module), cls)()
    else:
        _read_entry_points()
        if name not in _registered:
            raise ValueError(f"unknown dialect {name!r}; known: {', '.join(dialects())}")
        found = _registered[name]
    assert found is not None
    _loaded[name] = found
    return found
