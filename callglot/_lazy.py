"""Module attributes loaded on first use: how ``callglot`` and ``callglot.transport`` stay light to import."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from importlib import import_module
from typing import Any


def load(package: str, table: Mapping[str, str], namespace: MutableMapping[str, Any], name: str) -> Any:
    """The attribute ``name`` of ``package`` from the module ``table`` names for it.

    Every other name of that module is bound too, so later lookups skip the package's ``__getattr__``.
    """
    module = table.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    loaded = import_module(module)
    for other, home in table.items():
        if home == module:
            namespace[other] = getattr(loaded, other)
    return namespace[name]
