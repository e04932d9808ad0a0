"""The published JSON Schemas (2020-12), one per dialect, shipped as package data.

Loaded lazily with importlib.resources; jsonschema is imported only when a
validator is asked for. Every ``$ref`` is local and the registry refuses to
retrieve anything, so validation never touches the network. A plugin dialect
ships its schemas in a package of its own (``<name>.schema.json`` and
``<name>.events.schema.json``) and names it in ``Dialect.schema_package``;
every function here takes that package (callglot's own by default).
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = ["SchemaError", "load_schema", "schema_names", "validator_for"]


class SchemaError(LookupError):
    """No schema is shipped for that dialect."""


#: Where callglot's own dialects' schemas are.
PACKAGE = __name__


def schema_names(package: str = PACKAGE) -> tuple[str, ...]:
    """The schemas shipped in ``package`` (``chirp``, ``chirp.events``, ...)."""
    return tuple(
        sorted(p.name.removesuffix(".schema.json") for p in files(package).iterdir() if p.name.endswith(".schema.json"))
    )


@cache
def _load(name: str, package: str) -> str:
    try:
        resource = files(package).joinpath(f"{name}.schema.json")
        found = resource.is_file()
    except (ModuleNotFoundError, TypeError):  # no such package (TypeError: a module, not a package)
        found = False
    if not found:
        raise SchemaError(f"no schema {name!r} shipped in {package}")
    return resource.read_text(encoding="utf-8")


def load_schema(name: str, package: str = PACKAGE) -> dict[str, Any]:
    """A fresh copy of the schema ``name`` (a dialect's, or its events' ``<dialect>.events``) in ``package``."""
    loaded: dict[str, Any] = json.loads(_load(name, package))
    return loaded


@cache
def validator_for(name: str, package: str = PACKAGE) -> Validator:
    """A Draft 2020-12 validator for the schema ``name`` in ``package`` (built once, no network)."""
    from jsonschema import Draft202012Validator
    from referencing import Registry
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str) -> Any:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]

    schema = load_schema(name, package)
    Draft202012Validator.check_schema(schema)
    validator: Validator = Draft202012Validator(
        schema,
        registry=Registry(retrieve=refuse),  # type: ignore[call-arg]
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return validator


def explain(name: str, document: Any, package: str = PACKAGE) -> list[tuple[str, str]]:
    """Schema errors for ``document`` as ``(json_path, message)``, best match first."""
    from jsonschema.exceptions import best_match

    validator = validator_for(name, package)
    errors = list(validator.iter_errors(document))
    if not errors:
        return []
    best = best_match(errors)
    assert best is not None
    ordered = [best, *(e for e in errors if e is not best)]
    return [(e.json_path, e.message) for e in ordered]
