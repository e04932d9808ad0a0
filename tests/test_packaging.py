"""What ships and what importing costs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import callglot
from callglot.schemas import schema_names


def test_the_package_ships_every_schema_and_py_typed() -> None:
    shipped = {p.name for p in files("callglot.schemas").iterdir()}
    for name in ("canonical", "chirp", "gateway"):
        assert f"{name}.schema.json" in shipped
        json.loads(files("callglot.schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
    assert files("callglot").joinpath("py.typed").is_file()
    assert set(schema_names()) >= {"canonical", "chirp", "gateway"}


def test_every_dialect_has_its_schema() -> None:
    for name in callglot.dialects():
        schema = callglot.get_dialect(name).schema()
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_import_callglot_does_not_import_httpx_or_jsonschema() -> None:
    loaded = _modules_after("import callglot")
    assert "httpx" not in loaded
    assert "jsonschema" not in loaded
    assert "referencing" not in loaded
    assert not {"tenacity", "stamina", "anyio", "httpcore"} & loaded


def test_the_transport_loads_httpx_only_when_used() -> None:
    """Building the command line's parser (with ``send``) stays light; the first client name loads httpx."""
    parser = (
        "import argparse, callglot.transport, callglot.transport._cli as c; "
        "c.add_send_parser(argparse.ArgumentParser().add_subparsers())"
    )
    assert not {"httpx", "tenacity"} & _modules_after(parser)
    assert {"httpx", "tenacity", "callglot.transport._auth"} <= _modules_after("from callglot.transport import Client")


def test_import_callglot_defers_the_algebra_and_the_adapters() -> None:
    """``import callglot`` stays about as cheap as ``import attrs``: the rest loads on first use."""
    loaded = _modules_after("import callglot")
    assert not {"cattrs", "callglot.adapters", "callglot.canonical", "hmac"} & loaded
    used = _modules_after("import callglot; callglot.get_dialect('chirp')")
    assert {"callglot.adapters.chirp", "callglot.canonical.commands"} <= used
    assert "callglot.adapters.signalwire" not in used
    assert "email.utils" not in used  # only a Retry-After HTTP-date needs it (~7 ms of a cold start)


CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def _translate(body: dict[str, object]) -> str:
    """A chirp -> signalwire translation of ``body`` in a fresh interpreter, refused or not."""
    request = f"callglot.HttpRequest(method='POST', path='/v1/calls/{CALL}/commands', body={body!r})"
    return (
        "import callglot\n"
        "try:\n"
        f"    callglot.translate({request}, source='chirp', target='signalwire')\n"
        "except callglot.DecodeError:\n"
        "    pass"
    )


def test_cattrs_loads_only_when_the_fused_path_leaves_a_message_to_it() -> None:
    """A plain message is structured by the fused path and SignalWire writes its own bodies: no cattrs
    (about 10 ms of a cold start). A message the fused path leaves to the reference loads it."""
    plain = {"type": "play_audio", "url": "https://cdn.example.com/a.mp3"}
    loaded = _modules_after(_translate(plain))
    assert "cattrs" not in loaded
    assert "socket" not in loaded  # the URL policy reads IPv4 literals itself (socket is ~2.4 ms of a cold start)
    assert "cattrs" in _modules_after(_translate({**plain, "lopo": True}))  # a typo: the reference words its hint


def test_every_public_name_resolves_even_after_every_module_is_imported() -> None:
    """A submodule import must not shadow a lazily bound function (``callglot.translate`` once did)."""
    code = (
        "import importlib, pkgutil, callglot\n"
        "for m in pkgutil.walk_packages(callglot.__path__, 'callglot.'):\n"
        "    if m.name != 'callglot.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "import types\n"
        "bad = [n for n in callglot.__all__ if isinstance(getattr(callglot, n), types.ModuleType)]\n"
        "print(bad, callable(callglot.translate), callable(callglot.translate_event))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split() == ["[]", "True", "True"]
    assert set(dir(callglot)) >= set(callglot.__all__)


def test_using_the_adapters_does_not_import_httpx_or_jsonschema() -> None:
    loaded = _modules_after(
        "import callglot; from callglot.canonical import Hangup; "
        "[callglot.get_dialect(n).encode(Hangup(), call_id='3fa85f64-5717-4562-b3fc-2c963f66afa6') for n in callglot.dialects()]"
    )
    assert "httpx" not in loaded
    assert "jsonschema" not in loaded


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


PACKAGE = Path(callglot.__file__).parent


def test_canonical_layer_imports_only_attrs_and_itself() -> None:
    # DESIGN §1: canonical knows nothing of dialects (relative imports stay inside the package). Its
    # value classes come from callglot._frozen, which itself imports only attrs and the standard library.
    for module in [*(PACKAGE / "canonical").glob("*.py"), PACKAGE / "_frozen.py"]:
        for name in _imports(module):
            top = name.split(".")[0]
            assert (
                top in sys.stdlib_module_names
                or top in ("attrs", "attr")  # attr: the package attrs is built on (see _frozen)
                or name in {"callglot.errors", "callglot._frozen"}
                or (name.startswith("callglot.canonical"))
            ), f"{module.name} imports {name}"


def test_only_transport_imports_httpx() -> None:
    for module in PACKAGE.rglob("*.py"):
        if "transport" in module.parts:
            continue
        assert not any(name.split(".")[0] == "httpx" for name in _imports(module)), module


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "callglot", "dialects"], check=True, capture_output=True, text=True)
    assert [line.split("\t")[0] for line in out.stdout.splitlines()] == list(callglot.dialects())
