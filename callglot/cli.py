"""``callglot`` command line: translate, validate, schema, dialects, matrix, send.

Input for translate/validate is one JSON document or JSON Lines: when the
first non-blank line is a complete JSON value the input is JSON Lines (read
one line at a time, constant memory); otherwise the whole input is one JSON
document, unless it does not parse as one while other lines are JSON on their
own (JSON Lines with a broken first line: each line gets its result).
JSON Lines give exactly one output line per input line, each with the input's
``line`` number: a result, ``{"line", "error": {"type", "message", "path",
"line"}}``, or ``{"line", "skipped": "blank line"}``; one document gives one.
Exit status: 0 when everything succeeded, 1 when any line failed or on an I/O
error, 2 on usage errors.
"""

from __future__ import annotations

import argparse
import errno
import ipaddress
import json
import os
import re
import stat
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, NoReturn

from callglot import __version__
from callglot._wire import HttpRequest
from callglot.adapters import Dialect, dialects, get_dialect
from callglot.canonical.urls import DEFAULT_URL_POLICY, UrlPolicy, url_policy
from callglot.capabilities import Policy
from callglot.errors import CallglotError, DecodeError, InvalidValue
from callglot.matrix import render_matrix

__all__ = ["main"]

MAX_LINE = 1 << 20  # bytes: longer JSON Lines are rejected without parsing
MAX_DOCUMENT = 64 << 20  # bytes: a single (non-JSON-Lines) document


class InputError(Exception):
    """A line that is not usable JSON (reported as an error line)."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key[:40]!r}")
            seen.add(key)
    return out


_decoder = json.JSONDecoder(parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)


def parse_json(text: str) -> Any:
    """Strict JSON: no NaN/Infinity, no duplicate keys, no lone surrogates, bounded depth."""
    try:
        value = _decoder.decode(text)
    except RecursionError:
        raise InputError("InvalidJSON", "nesting too deep") from None
    except json.JSONDecodeError as exc:
        raise InputError("InvalidJSON", f"{exc.msg} (column {exc.colno})") from None
    except ValueError as exc:
        raise InputError("InvalidJSON", str(exc)) from None
    # A lone surrogate can only come from an escape: UTF-8 input cannot hold one. (A search for one character
    # is a memchr, quick to rule out the usual line without a backslash; one for two characters is slower.)
    if "\\" in text and "\\u" in text:
        _check_surrogates(value)
    return value


def _check_surrogates(value: Any, depth: int = 0) -> None:
    # Lone surrogates parse but cannot be encoded as UTF-8 later.
    if depth > 256:
        raise InputError("InvalidJSON", "nesting too deep")
    if type(value) is str:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError("InvalidJSON", "string holds a lone surrogate") from None
    elif type(value) is dict:
        for key, item in value.items():
            _check_surrogates(key, depth + 1)
            _check_surrogates(item, depth + 1)
    elif type(value) is list:
        for item in value:
            _check_surrogates(item, depth + 1)


# ---------------------------------------------------------------- input

#: Seconds before a run draws its progress line (a short run draws nothing), and between redraws.
PROGRESS_AFTER = 1.0
PROGRESS_EVERY = 0.2


class _Progress:
    """A one-line progress display on stderr, for long runs whose results do not go to the same terminal."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.next = time.monotonic() + PROGRESS_AFTER
        self.shown = False

    def update(self, done: int, lines: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now < self.next:
            return
        self.next = now + PROGRESS_EVERY
        if self.total:  # a regular file: how far through it
            fraction = min(done / self.total, 1.0)
            text = f"[{'#' * int(fraction * 30):<30}] {fraction:6.1%} {lines} lines"
        else:  # a pipe: how far so far
            text = f"{lines} lines"
        sys.stderr.write(f"\r{text}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        """Erase the progress line (before a report line, and at the end)."""
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
            self.shown = False


def _progress_wanted() -> bool:
    """Progress only when stderr is a terminal that the results are not written to (never when piped)."""
    try:
        return sys.stderr is not None and sys.stderr.isatty() and not sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class _Blank:
    """What a blank input line yields: it gets a skip marker, so outputs stay paired with input lines."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<blank line>"


BLANK: Any = _Blank()

BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark, as some editors write at the start of a file


def documents(stream: IO[bytes], progress: _Progress | None = None) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, value)`` per line of JSON Lines, or once for one document (at its first line).

    The value is the parsed JSON, an InputError, or BLANK for a blank line.
    """
    line_no = 0
    done = 0
    first = b""
    while True:  # find the first non-blank line
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            yield from _blanks(1, line_no + 1)  # only blank lines: JSON Lines
            return
        done += len(raw)
        if line_no == 0 and raw.startswith(BOM):
            raw = raw[len(BOM) :]
        line_no += 1
        if raw.strip():
            first = raw
            break
    leading = _blanks(1, line_no)
    if len(first) > MAX_LINE or _parses(first):
        yield from leading
        yield from _json_lines(stream, first, line_no, done, progress)
        return
    # Not JSON on its own: a pretty document, or JSON Lines whose first line is broken. The next
    # non-blank line tells without reading on (a pipe is answered line by line, a replay streams):
    # a JSON object alone on its line means JSON Lines.
    head: list[bytes] = []
    second_no = line_no
    while raw := stream.readline(MAX_LINE + 1):
        second_no += 1
        done += len(raw)
        head.append(raw)
        if raw.strip():
            break
    second = head[-1] if head and head[-1].strip() else b""
    if second.lstrip().startswith(b"{") and _parses(second):
        yield from leading
        yield line_no, _parse_error(first)
        yield from _blanks(line_no + 1, second_no)
        yield from _json_lines(stream, second, second_no, done, progress)
        return
    rest = b"".join(head) + stream.read(MAX_DOCUMENT)
    if len(first) + len(rest) >= MAX_DOCUMENT:
        yield line_no, InputError("InvalidJSON", f"document larger than {MAX_DOCUMENT} bytes")
        return
    try:
        yield line_no, parse_json(_text(first + rest))
        return
    except InputError as exc:
        failure = exc
    # Not one document. If another line is JSON on its own (any JSON value), this is JSON Lines whose first
    # line is broken: one result per line, rather than a single error for the whole input.
    lines = (first + rest).split(b"\n")
    if lines[-1] == b"":  # the newline ending the last line
        lines.pop()
    results = [_parse_line(raw) for raw in lines]
    if all(result is BLANK or isinstance(result, InputError) for result in results[1:]):
        yield line_no, failure
        return
    yield from leading
    yield from enumerate(results, start=line_no)


def _blanks(start: int, stop: int) -> Iterator[tuple[int, Any]]:
    """Lines ``start`` to ``stop - 1``, known to be blank."""
    return ((number, BLANK) for number in range(start, stop))


def _parse_line(raw: bytes) -> Any:
    """A JSON Lines line's value, InputError or BLANK."""
    if not raw.strip():
        return BLANK
    try:
        return parse_json(_text(raw))
    except InputError as exc:
        return exc


def _parse_error(raw: bytes) -> InputError:
    """Why ``raw`` is not a JSON document (it is known not to be)."""
    try:
        parse_json(_text(raw))
    except InputError as exc:
        return exc
    raise AssertionError("unreachable: the line parses")  # pragma: no cover


def _parses(raw: bytes) -> bool:
    try:
        parse_json(_text(raw))
    except InputError:
        return False
    return True


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("InvalidJSON", f"not UTF-8 (byte {exc.start})") from None


def _json_lines(
    stream: IO[bytes], raw: bytes, line_no: int, done: int, progress: _Progress | None
) -> Iterator[tuple[int, Any]]:
    while True:
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                raw = stream.readline(MAX_LINE)
                done += len(raw)
            yield line_no, InputError("InvalidJSON", f"line longer than {MAX_LINE} bytes")
        elif raw.strip():
            try:
                yield line_no, parse_json(_text(raw))
            except InputError as exc:
                yield line_no, exc
        else:
            yield line_no, BLANK
        if progress is not None:
            progress.update(done, line_no)
        raw = stream.readline(MAX_LINE + 1)
        if not raw:
            return
        line_no += 1
        done += len(raw)


_REQUEST_KEYS = frozenset({"method", "path", "body"})
#: Also allowed in a request document: headers (ignored) and the ``line`` of an earlier run's output line,
#: so that output can be fed to another callglot command as it is.
_OPTIONAL_KEYS = frozenset({*_REQUEST_KEYS, "headers", "line"})


def _request_document(document: Any) -> HttpRequest | None:
    """The request a ``{method, path, body[, headers][, line]}`` document spells out, or None for a bare body."""
    if not isinstance(document, dict) or not _REQUEST_KEYS <= document.keys() <= _OPTIONAL_KEYS:
        return None
    method, path = document["method"], document["path"]
    if type(method) is not str or type(path) is not str:
        raise InputError("InvalidMessage", "method and path must be strings")
    return HttpRequest(method=method, path=path, body=document["body"])


def as_request(document: Any, dialect: Dialect, call_id: str | None) -> tuple[HttpRequest, str]:
    """The request a document stands for, and the JSON-path prefix of its body."""
    request = _request_document(document)
    if request is not None:
        return request, "$.body"
    return dialect.request_for_body(document, call_id), "$"


def _where(exc: DecodeError, prefix: str) -> str | None:
    """The JSON path of a decode error in the input document, whose body is at ``prefix``."""
    if exc.part != "body":  # the request line: the document's method or path, if it gave them
        return f"$.{exc.part}" if prefix == "$.body" else None
    return prefix + exc.path[1:] if exc.path.startswith("$") else exc.path


def _error(exc: BaseException, line: int, prefix: str = "$") -> dict[str, Any]:
    path: str | None = "$" if isinstance(exc, InputError) else None
    message = str(exc)
    if isinstance(exc, DecodeError):
        path = _where(exc, prefix)
        if path is not None:  # the message names the same spot as path: in the input document
            message = f"{path}: {exc.reason}"
    kind = exc.kind if isinstance(exc, InputError) else type(exc).__name__
    return _error_line(kind, message, path, line)


def _error_line(kind: str, message: str, path: str | None, line: int) -> dict[str, Any]:
    return {"line": line, "error": {"type": kind, "message": message, "path": path, "line": line}}


def _call_id_error(exc: InvalidValue, line: int, call_id: str, given: bool, where: str | None) -> dict[str, Any]:
    """The target refused the call id: say where it came from, and how to give another."""
    if given:
        return _error_line("InvalidValue", f"--call-id: {exc.reason}", None, line)
    at = f"{where}: " if where else ""
    message = f"{at}call id {call_id!r}: {exc.reason} (give the target's call id with --call-id)"
    return _error_line("InvalidValue", message, where, line)


# ---------------------------------------------------------------- commands


def _open_input(name: str) -> tuple[IO[bytes], int | None]:
    """The input stream and, for a regular file, its size."""
    if name == "-":
        if sys.stdin is None:  # started with standard input closed
            raise OSError(errno.EBADF, "standard input is closed")
        stream: IO[bytes] = sys.stdin.buffer
    else:
        try:
            stream = open(name, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as exc:  # an I/O error (exit 1), as a read error later would be
            raise OSError(exc.errno, f"cannot read {name}: {exc.strerror}") from None
    return stream, _regular_file_size(stream)


def _check_call_id(call_id: str | None, *dialects: Dialect) -> None:
    """A --call-id one of the dialects cannot address (SignalWire takes UUIDs) is a usage error, said once."""
    if call_id is None:
        return
    from callglot.canonical import Hangup  # a command every dialect addresses to a call

    for dialect in dialects:
        try:
            dialect.encode(Hangup(), call_id=call_id, policy=Policy.LENIENT)
        except InvalidValue as exc:
            if exc.field == "call_id":
                _usage(f"--call-id: {exc.reason}")
        except CallglotError:  # the dialect cannot say a hangup: nothing learnt about its call ids
            pass


def _dialect(name: str) -> Dialect:
    try:
        return get_dialect(name)
    except ValueError as exc:
        _usage(str(exc))


def _usage(message: str) -> NoReturn:
    sys.stderr.write(f"callglot: {message}\n")
    raise SystemExit(2)


def _regular_file_size(stream: IO[bytes]) -> int | None:
    """The size of a regular file behind ``stream``; None for a pipe, a terminal or an in-memory stream."""
    try:
        status = os.fstat(stream.fileno())
    except (AttributeError, OSError, ValueError):  # a test's in-memory stream
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


#: Built once (json.dumps(**kw) builds one a call). No cycle check: a result is a tree of parsed JSON and the
#: adapters' fresh dicts, and the check costs a dict insert and delete per object and list.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _result_encoder() -> Callable[[Any], str]:
    """``_ENCODER.encode`` for the result dicts, its C encoder built once: ``encode`` builds one a call.

    ``c_make_encoder`` is what ``encode`` itself calls (None without the ``_json`` accelerator). It is not
    documented: should its signature change, ``encode`` serves.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ENCODER.encode
    encoder = _ENCODER
    try:
        chunks = make(
            {} if encoder.check_circular else None,
            encoder.default,
            json.encoder.encode_basestring_ascii if encoder.ensure_ascii else json.encoder.encode_basestring,
            None,  # indent: the C encoder serves only compact output
            encoder.key_separator,
            encoder.item_separator,
            encoder.sort_keys,
            encoder.skipkeys,
            encoder.allow_nan,
        )
    except TypeError:
        return _ENCODER.encode
    return lambda value: "".join(chunks(value, 0))


_encode_result = _result_encoder()


class _Output:
    """Result lines for stdout and report lines for stderr, written in batches when the input is a file.

    One write per line costs a system call each when Python runs unbuffered; a batch of lines costs one.
    Input from a pipe or terminal is answered line by line instead, so a program that writes a line and
    waits for its translation is never left waiting on a batch.
    """

    BATCH = 512

    def __init__(self, batched: bool, progress: _Progress) -> None:
        self.limit = self.BATCH if batched else 1
        self.progress = progress
        self.lines: list[str] = []
        self.reports: list[str] = []

    def result(self, value: Any) -> None:
        self.lines.append(_encode_result(value))
        if len(self.lines) >= self.limit:
            self.flush()

    def report(self, text: str) -> None:
        self.reports.append(text)

    def flush(self) -> None:
        if self.reports and sys.stderr is not None:  # None: started with standard error closed
            self.progress.clear()
            sys.stderr.write("".join(self.reports))
            self.reports.clear()
        stdout = sys.stdout
        if self.lines:
            self.lines.append("")
            text = "\n".join(self.lines)
            self.lines.clear()
            # JSON Lines are UTF-8 (RFC 8259), whatever the locale's encoding would make of non-ASCII text.
            binary = getattr(stdout, "buffer", None)
            if binary is None:
                stdout.write(text)
            else:
                stdout.flush()
                binary.write(text.encode("utf-8"))
                binary.flush()
        stdout.flush()


_SKIPPED = "blank line"


def _run_lines(args: argparse.Namespace, handle_one: Callable[[Any, int, _Output], tuple[Any, bool]]) -> int:
    stream, size = _open_input(args.input)
    progress = _Progress(size, enabled=_progress_wanted())
    out = _Output(batched=size is not None, progress=progress)
    failed = False
    try:
        with url_policy(args.url_policy):
            for line, document in documents(stream, progress if progress.enabled else None):  # off: not called a line
                if document is BLANK:
                    out.result({"line": line, "skipped": _SKIPPED})
                    continue
                if isinstance(document, InputError):
                    out.result(_error(document, line))
                    failed = True
                    continue
                result, ok = handle_one(document, line, out)
                failed |= not ok
                out.result(result)
    finally:
        progress.clear()
        if args.input != "-":
            stream.close()
        out.flush()
    return 1 if failed else 0


def _with_line(line: int, request: HttpRequest) -> dict[str, Any]:
    """A translated request as an output line: ``line`` first, then the request document."""
    return {"line": line, "method": request.method, "path": request.path, "body": request.body}


def cmd_translate(args: argparse.Namespace) -> int:
    source, target = _dialect(args.source), _dialect(args.target)
    _check_call_id(args.call_id, source, target)
    policy = Policy.LENIENT if args.lenient else Policy.STRICT

    def one(document: Any, line: int, out: _Output) -> tuple[Any, bool]:
        prefix = "$"
        try:
            request, prefix = as_request(document, source, args.call_id)
            decoded = source.decode(request)
        except (CallglotError, InputError) as exc:
            return _error(exc, line, prefix), False
        call_id = args.call_id if args.call_id is not None else decoded.call_id
        try:
            translated = target.encode(decoded.command, call_id=call_id, command_id=decoded.command_id, policy=policy)
        except InvalidValue as exc:
            if exc.field != "call_id":
                return _error(exc, line, prefix), False
            where = "$.path" if prefix == "$.body" and call_id is not None and call_id in request.path else None
            return _call_id_error(exc, line, call_id or "", args.call_id is not None, where), False
        except CallglotError as exc:
            return _error(exc, line, prefix), False
        _report(source.decode_losses(decoded) + translated.report, line, out)
        return _with_line(line, translated.value), True

    return _run_lines(args, one)


def cmd_translate_events(args: argparse.Namespace) -> int:
    source, target = _dialect(args.source), _dialect(args.target)
    policy = Policy.LENIENT if args.lenient else Policy.STRICT

    def one(document: Any, line: int, out: _Output) -> tuple[Any, bool]:
        prefix = "$"
        try:
            request, prefix = as_webhook(document)
            event = source.decode_event(request)
            translated = target.encode_event(event, policy=policy, path=args.path or request.path)
        except (CallglotError, InputError) as exc:
            return _error(exc, line, prefix), False
        _report(translated.report, line, out)
        if translated.value is None:  # an UnknownEvent the target has no event for (LENIENT): reported
            return {"line": line, "dropped": _DROPPED_EVENT}, True
        return _with_line(line, translated.value), True

    return _run_lines(args, one)


_DROPPED_EVENT = "an event type callglot does not model has no event in the target dialect (see the report)"


def as_webhook(document: Any) -> tuple[HttpRequest, str]:
    """A webhook document: a request ``{method, path, body}`` or a bare body (POSTed to /)."""
    request = _request_document(document)
    if request is not None:
        return request, "$.body"
    return HttpRequest(method="POST", path="/", body=document), "$"


def _report(report: Any, line: int, out: _Output) -> None:
    for adaptation in report:
        where = f"{adaptation.command}.{adaptation.field}" if adaptation.field else adaptation.command
        out.report(f"callglot: line {line}: {adaptation.action} {where}: {adaptation.note}\n")


#: Most errors listed per validated line.
MAX_ERRORS = 10


def cmd_validate(args: argparse.Namespace) -> int:
    dialect = _dialect(args.dialect)
    _check_call_id(args.call_id, dialect)
    from callglot.schemas import SchemaError

    try:
        validator = dialect.validator(events=args.events)
    except SchemaError:
        what = "events schema" if args.events else "schema"
        _usage(f"no {what} ships for dialect {dialect.name!r}: nothing to validate against")
    relaxed_urls = args.url_policy != DEFAULT_URL_POLICY

    def one(document: Any, line: int, out: _Output) -> tuple[Any, bool]:
        prefix = "$"
        try:
            if args.events:
                request, prefix = as_webhook(document)
            else:
                request, prefix = as_request(document, dialect, args.call_id)
        except (CallglotError, InputError) as exc:
            return _error(exc, line, prefix), False
        runtime: dict[str, Any] | None = None
        try:
            if args.events:
                dialect.decode_event(request)
            else:
                dialect.decode(request)
        except DecodeError as exc:
            runtime = {"source": "runtime", "path": _where(exc, prefix), "message": exc.reason}
        # The events schemas describe the webhook body; the command schemas the whole request document.
        instance = request.body if args.events else request.to_json()
        body_at = "$" if args.events else "$.body"
        errors = [] if runtime is None else [runtime]
        try:
            found = list(_schema_errors(validator, instance))
        except RecursionError:  # jsonschema walks (and reprs, for its messages) as deep as the document goes
            found = [(body_at, "nested too deep to check against the schema", "depth", False)]
        for path, message, kind, url_field in found:
            where = _schema_path(path, prefix, body_at=body_at)
            if runtime is not None and where == runtime["path"]:
                continue  # the decoder refused this spot too: said once, in its words
            if kind == "pattern" and url_field and relaxed_urls:
                continue  # the schemas' URL patterns say the default policy, which the flags relaxed
            errors.append({"source": "schema", "path": where, "message": message})
        result: dict[str, Any] = {"line": line, "valid": not errors}
        if errors:
            result["errors"] = errors[:MAX_ERRORS]
        return result, not errors

    return _run_lines(args, one)


def _schema_errors(validator: Any, instance: Any) -> Iterator[tuple[str, str, str, bool]]:
    """``(json path, message, failed keyword, at a URL field)`` for each schema error, best match first.

    A pattern mismatch is not shown with its pattern (some are hundreds of characters of regex).
    """
    from jsonschema.exceptions import best_match

    errors = list(validator.iter_errors(instance))
    if not errors:
        return
    best = best_match(errors)
    for error in [best, *(e for e in errors if e is not best)]:
        schema = error.schema if isinstance(error.schema, dict) else {}
        url_field = schema.get("format") in ("iri", "uri")
        message = error.message
        if error.validator == "pattern":
            shown = json.dumps(error.instance, ensure_ascii=False)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            message = f"{shown} is not {'a URL callglot accepts' if url_field else 'in the form the schema requires'}"
        yield error.json_path, message, str(error.validator), url_field


def _schema_path(path: str, prefix: str, body_at: str) -> str | None:
    """A schema error's path (in the schema's instance, whose body is at ``body_at``) in the input document."""
    if path == body_at or path.startswith((f"{body_at}.", f"{body_at}[")):
        return prefix + path[len(body_at) :]
    return path if prefix == "$.body" else None  # the request line of a request callglot built for a bare body


def cmd_schema(args: argparse.Namespace) -> int:
    events = args.dialect.endswith(".events")
    dialect = _dialect(args.dialect.removesuffix(".events") if events else args.dialect)
    from callglot.schemas import SchemaError

    try:
        schema = dialect.schema(events=events)
    except SchemaError:
        _usage(f"no {'events ' if events else ''}schema ships for dialect {dialect.name!r}")
    sys.stdout.write(json.dumps(schema, indent=2) + "\n")
    return 0


def cmd_dialects(args: argparse.Namespace) -> int:
    for name in dialects():
        dialect = get_dialect(name)
        sys.stdout.write(f"{name}\t{dialect.summary.split(':', 1)[0]}\n")
    return 0


def cmd_matrix(args: argparse.Namespace) -> int:
    sys.stdout.write(render_matrix([get_dialect(name) for name in dialects()], args.format))
    return 0


def _call_id(value: str) -> str:
    """--call-id: one safe path segment, checked once (a usage error) rather than on every line."""
    from callglot.adapters._base import CALL_ID  # the adapters' own rule; imported when the option is given

    if CALL_ID.fullmatch(value) is None:
        raise argparse.ArgumentTypeError("must be 1..128 characters of letters, digits and ._:- (one path segment)")
    return value


#: Characters a --path cannot hold: space and other separators (str.isprintable refuses controls, format
#: characters and the lone surrogates an undecodable byte in an argument becomes), backslash, '#'.
_BAD_PATH = re.compile(r"[\s\\#]")


def _webhook_path(value: str) -> str:
    """--path: an absolute URL path that can be written out as UTF-8 JSON."""
    if not value.startswith("/") or len(value) > 2048 or not value.isprintable() or _BAD_PATH.search(value):
        raise argparse.ArgumentTypeError(
            "must be a URL path: '/' then at most 2047 printable characters, without spaces, '\\' or '#'"
        )
    return value


def _allowed_host(value: str) -> str:
    """--allow-host: a host name or IP address, as URLs write it (no scheme, port, path or user)."""
    bare = value[1:-1] if value.startswith("[") and value.endswith("]") else value
    try:
        ipaddress.ip_address(bare)
        return value
    except ValueError:
        pass
    if not value or len(value) > 253 or not value.isprintable() or re.search(r"[\s/\\:@?#\[\]]", value):
        raise argparse.ArgumentTypeError("must be a host name or IP address (no scheme, port or path)")
    return value


_EPILOG = """\
dialects: {dialects}

exit status:
  0  every line translated (or was valid)
  1  a line failed (see its error line), or an I/O error
  2  usage error

example:
  callglot translate --from chirp --to gateway --call-id call_1 commands.jsonl > gateway.jsonl
"""


class _Parser(argparse.ArgumentParser):
    """One-line usage errors; help that names the dialects, listed only when shown (it reads the entry points)."""

    def error(self, message: str) -> NoReturn:
        """A usage error: one line (argparse would print the whole usage first), exit status 2."""
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")

    def format_help(self) -> str:
        if self.epilog is None:
            self.epilog = _EPILOG.format(dialects=", ".join(dialects()))
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="callglot",
        description="Translate telephony call-control dialects.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"callglot {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def lines_command(name: str, help: str, run: Any) -> argparse.ArgumentParser:
        command = sub.add_parser(
            name, help=help, description=help, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        command.add_argument("input", nargs="?", default="-", metavar="FILE", help="JSON or JSON Lines ('-': stdin)")
        urls = command.add_argument_group("URL policy (default: public https and wss URLs only)")
        urls.add_argument("--allow-insecure-urls", action="store_true", help="also accept http and ws URLs")
        urls.add_argument(
            "--allow-host",
            action="append",
            default=[],
            type=_allowed_host,
            metavar="HOST",
            help="accept URLs to HOST although private or reserved (e.g. localhost); repeatable",
        )
        command.set_defaults(run=run)
        return command

    def translation(name: str, help: str, run: Any) -> argparse.ArgumentParser:
        command = lines_command(name, help, run)
        command.add_argument("--from", dest="source", required=True, metavar="DIALECT")
        command.add_argument("--to", dest="target", required=True, metavar="DIALECT")
        command.add_argument("--lenient", action="store_true", help="drop what the target cannot say, and report it")
        return command

    translation("translate", "translate commands from one dialect to another", cmd_translate).add_argument(
        "--call-id", type=_call_id, help="call id for bare bodies (also overrides the one in requests)"
    )
    translation(
        "translate-events", "translate webhook events from one dialect to another", cmd_translate_events
    ).add_argument(
        "--path", type=_webhook_path, help="webhook path of the output requests (default: the input's, or /)"
    )

    validate = lines_command(
        "validate", "check commands (or webhooks) against a dialect's schema and decoder", cmd_validate
    )
    validate.add_argument("--dialect", required=True, metavar="DIALECT")
    validate.add_argument("--call-id", type=_call_id, help="call id for bare bodies")
    validate.add_argument("--events", action="store_true", help="the input is webhooks, not commands")

    schema = sub.add_parser("schema", help="print a dialect's JSON Schema (DIALECT.events: its webhooks')")
    schema.add_argument("dialect", metavar="DIALECT[.events]")
    schema.set_defaults(run=cmd_schema)

    sub.add_parser("dialects", help="list the dialects").set_defaults(run=cmd_dialects)

    matrix = sub.add_parser("matrix", help="print the capability matrix")
    matrix.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    matrix.set_defaults(run=cmd_matrix)

    from callglot.transport._cli import add_send_parser  # light: httpx loads only when a send runs

    add_send_parser(sub)
    from callglot.simulator._cli import add_simulate_parser  # light: Starlette loads only when it runs

    add_simulate_parser(sub)
    from callglot.proxy._cli import add_proxy_parser  # light: Starlette loads only when it runs

    add_proxy_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if sys.stdout is None:  # started with standard output closed: there is nowhere to answer
        if sys.stderr is not None:
            sys.stderr.write("callglot: standard output is closed\n")
        return 1
    args = build_parser().parse_args(argv)
    if hasattr(args, "allow_host"):
        args.url_policy = UrlPolicy(allow_insecure=args.allow_insecure_urls, allow_hosts=args.allow_host)
    try:
        code: int = args.run(args)
    except OSError as exc:  # a missing input, the reader went away, a full disk: a message, not a traceback
        if not isinstance(exc, BrokenPipeError) and sys.stderr is not None:
            sys.stderr.write(f"callglot: {exc.strerror or exc}\n")
        _discard_stdout()
        return 1
    return code


def _discard_stdout() -> None:
    """Point standard output at the null device: what could not be written stays in its buffer, and
    the interpreter's last flush would fail again (exit 120, "Exception ignored") after our message."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file behind it (a test's capture)
        pass


if __name__ == "__main__":
    raise SystemExit(main())
