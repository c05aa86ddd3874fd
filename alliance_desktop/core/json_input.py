"""Reading untrusted JSON (instrument definitions, wording packs) without surprises.

Every failure becomes a :class:`DefinitionError` naming the file, a JSON path
and what is wrong: too large, not UTF-8 (with the byte offset), not JSON (with
line and column), duplicate keys, NaN/Infinity, nesting too deep, or the first
JSON Schema violation. The order matters: the cheap byte-level checks run
before the parser ever sees the data, and the depth check before jsonschema
(which recurses) does.

jsonschema is imported lazily and each schema compiled once per process, so
importing the core stays cheap and loading ten definitions pays the import once.
"""

from __future__ import annotations

import json
import math
from functools import cache
from itertools import islice
from typing import Any

from alliance_desktop.core.instrument_model import DefinitionError

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 20
_MESSAGE_LIMIT = 300
_BOM = b"\xef\xbb\xbf"


def json_path(*parts: str | int) -> str:
    """``json_path("items", 3, "id") == "$.items[3].id"`` (the form jsonschema uses)."""
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _shorten(message: str) -> str:
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 3] + "..."


class _DuplicateKey(dict):  # type: ignore[type-arg]
    """An object that had a key twice; the depth walk reports it with its path."""

    duplicate: str = ""


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            marked = _DuplicateKey(pairs)
            marked.duplicate = key
            return marked
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _parse_int(text: str) -> int:
    # Nothing in a definition needs more than 15 digits, and a 400-digit integer
    # would overflow the first float() it meets.
    if len(text.lstrip("-")) > 15:
        raise ValueError(f"number {text[:40]} is too large")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def decode_json(data: bytes, source_name: str, *, max_bytes: int = MAX_BYTES) -> Any:
    """Bytes -> JSON value, or a DefinitionError that says exactly what is wrong."""

    def fail(message: str, path: str = "$") -> DefinitionError:
        return DefinitionError(source_name, path, _shorten(message))

    if len(data) > max_bytes:
        raise fail(f"file is larger than {max_bytes // (1024 * 1024)} MB")
    offset = 0
    if data.startswith(_BOM):
        data, offset = data[len(_BOM) :], len(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(f"not valid UTF-8 at byte {exc.start + offset} ({exc.reason})") from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs_hook,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except json.JSONDecodeError as exc:
        raise fail(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise fail(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
    except ValueError as exc:  # NaN/Infinity, huge numbers, over-long integers
        raise fail(f"not valid JSON: {exc}") from None
    _check_depth_and_keys(value, fail)
    return value


def _check_depth_and_keys(root: Any, fail: Any) -> None:
    """Iterative walk (no recursion): nesting limit and duplicate keys, with their paths."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if len(path) > MAX_DEPTH:
            raise fail(f"nested too deeply (more than {MAX_DEPTH} levels)", json_path(*path))
        if isinstance(node, dict):
            if isinstance(node, _DuplicateKey):
                raise fail(f"duplicate key {node.duplicate!r}", json_path(*path))
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))


def _inline_local_refs(node: Any, defs: dict[str, Any]) -> Any:
    """Replace each bare ``{"$ref": "#/$defs/x"}`` by the definition itself.

    Our schemas are not recursive, so this terminates; it halves validation time,
    because jsonschema otherwise resolves every $ref through its registry on every
    use (about 900 lookups for the bundled set). The validator sees the same rules.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if len(node) == 1 and isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline_local_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: v if k == "$defs" else _inline_local_refs(v, defs) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline_local_refs(v, defs) for v in node]
    return node


_OPAQUE = frozenset({"oneOf", "anyOf", "not"})
_MAX_ERRORS = 50
_QUOTE_LIMIT = 80


@cache
def _validator(schema_text: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_text)
    return Draft202012Validator(_inline_local_refs(schema, schema.get("$defs", {})))


def validate(value: Any, schema_text: str, source_name: str) -> None:
    """Raise a DefinitionError for the most relevant JSON Schema violation, if any."""
    from jsonschema.exceptions import best_match

    # A hostile file can hold 100,000 wrong items: pick the most relevant of the first
    # errors rather than generating every one (which took seconds).
    error = best_match(islice(_validator(schema_text).iter_errors(value), _MAX_ERRORS))
    if error is None:
        return
    message = error.message
    if error.validator in _OPAQUE and isinstance(error.schema, dict) and "description" in error.schema:
        # "{...} is not valid under any of the given schemas" helps nobody: say what the schema wants.
        message = error.schema["description"]
    else:
        # jsonschema quotes the whole offending value; keep the quote short and the reason intact.
        quoted = repr(error.instance)
        if len(quoted) > _QUOTE_LIMIT:
            message = message.replace(quoted, quoted[: _QUOTE_LIMIT - 5] + " ...")
    raise DefinitionError(source_name, error.json_path, _shorten(message))
