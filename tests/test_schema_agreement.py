"""The published schema and the runtime decoder agree on what is a valid message.

Mutations of valid messages (a key dropped, a value replaced by arbitrary JSON, a
key added, at any depth) must be accepted by both or rejected by both. The one
documented exception: rules JSON Schema cannot state (the URL safety policy and
address checks) make the runtime stricter, never looser.
"""

from __future__ import annotations

import copy

import pytest
from dialect_cells import SAID, command_cells, sayable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import callglot
from callglot.capabilities import Policy
from callglot.schemas import validator_for

DIALECTS = callglot.dialects()

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _spots(value: object, path: str = "$"):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for key, item in value.items():
            yield value, key, f"{path}.{key}"
            yield from _spots(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield value, index, f"{path}[{index}]"
            yield from _spots(item, f"{path}[{index}]")


def runtime_verdict(name: str, document: dict[str, object]) -> str | None:
    """None when the runtime accepts, else its reason."""
    request = callglot.HttpRequest(method=document["method"], path=document["path"], body=document["body"])  # type: ignore[arg-type]
    try:
        callglot.get_dialect(name).decode(request)
    except callglot.DecodeError as exc:
        return exc.reason
    return None


@pytest.mark.parametrize(("name", "cls"), command_cells(*SAID), ids=lambda v: getattr(v, "__name__", str(v)))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), junk=json_values)
def test_schema_and_runtime_agree_on_mutated_messages(name: str, cls: type, data: st.DataObject, junk: object) -> None:
    command = data.draw(sayable(name, cls))
    request = (
        callglot.get_dialect(name)
        .encode(command, call_id="3fa85f64-5717-4562-b3fc-2c963f66afa6", policy=Policy.LENIENT)
        .value
    )
    document = copy.deepcopy(request.to_json())
    spots = list(_spots(document["body"]))
    if spots:
        parent, key, _where = data.draw(st.sampled_from(spots))
        action = data.draw(st.sampled_from(["drop", "replace", "add"]))
        if action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[f"{key}_x"] = junk
        else:
            parent[key] = junk
    schema_ok = validator_for(name).is_valid(document)
    reason = runtime_verdict(name, document)
    if schema_ok and reason is not None:
        # Only rules JSON Schema cannot express may make the runtime stricter.
        assert _semantic(reason), f"schema accepts what the runtime rejects: {reason}\n{document}"
    else:
        assert schema_ok == (reason is None), (
            f"schema {'accepts' if schema_ok else 'rejects'}, runtime {reason or 'accepts'}\n{document}"
        )


SEMANTIC = (
    "address",  # is a private/loopback/reserved ... address
    "is not allowed",  # scheme / userinfo / characters in URLs
    "E.164",
    "sip:",
    "identity",
    "host",
    "URL",
    "port",
)


def _semantic(reason: str) -> bool:
    return any(marker in reason for marker in SEMANTIC)
