"""How the result classes (golive.result) become JSON, come back from it, and describe themselves
as JSON Schema: one generic codec over frozen dataclasses and their type hints, so the document,
the checks of a document from outside and the published schema all follow the same declarations.

Types it knows: str, int, float (an int stays an int, so a document re-encodes to the same JSON),
bool, ``Literal[...]``, ``X | None``, ``tuple[X, ...]`` (a JSON list), ``Mapping[str, X]`` (a JSON
object), ``Any`` (any JSON value), dataclasses (JSON objects: unknown keys ignored, a missing field
without a default is an error), and any class with a ``decode_json`` classmethod that reads itself.
With ``legacy`` (golive.result/1), a class's ``_from_v1`` first fills what that version may lack.

A value that does not fit raises `Mismatch` with the key path (``checks[3].findings[0].location``)
and a message (``expected an integer or null, got a string ('7')``); golive.result turns it into
the one-line InputError.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Mapping as AbcMapping
from functools import lru_cache
from typing import Any, Callable, Literal, TypeVar, get_args, get_origin


def encode(value: Any) -> Any:
    """The JSON form of a model value: dataclasses as objects in field order, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [encode(v) for v in value]
    if isinstance(value, AbcMapping):
        return {str(k): encode(v) for k, v in value.items()}
    return value


T = TypeVar("T")


def map_strings(value: T, fn: Callable[[str], str]) -> T:
    """A copy of `value` (a result, or any part of it) with `fn` applied to every string in it,
    mapping keys and JSON values included. Reporters use it to escape control characters once."""
    return _map(value, fn)  # type: ignore[no-any-return]


def _map(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value)(**{f.name: _map(getattr(value, f.name), fn) for f in dataclasses.fields(value)})
    if isinstance(value, tuple):
        return tuple(_map(v, fn) for v in value)
    if isinstance(value, list):
        return [_map(v, fn) for v in value]
    if isinstance(value, AbcMapping):
        return {fn(str(k)): _map(v, fn) for k, v in value.items()}
    return value


# -- decoding ------------------------------------------------------------------------------------------


class Mismatch(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        shown = value if len(value) <= 24 else value[:23] + "…"
        return f"a string ({shown!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))


def _optional_of(tp: Any) -> Any | None:
    """X for ``X | None``, else None."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return args[0]
    return None


def _expected(tp: Any) -> str:
    inner = _optional_of(tp)
    if inner is not None:
        return f"{_expected(inner)} or null"
    if tp is str:
        return "a string"
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    origin = get_origin(tp)
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(tp))
    if origin is tuple:
        return "a list"
    return "an object"


def decode(tp: Any, raw: Any, path: str, legacy: bool) -> Any:
    inner = _optional_of(tp)
    if inner is not None:
        if raw is None:
            return None
        try:
            return decode(inner, raw, path, legacy)
        except Mismatch as exc:
            if exc.path == path and exc.message.startswith("expected ") and ", got " in exc.message:
                expected, got = exc.message.split(", got ", 1)
                raise Mismatch(path, f"{expected} or null, got {got}") from None
            raise
    if tp is Any:
        return raw
    if tp is str:
        if isinstance(raw, str):
            return raw
    elif tp is bool:
        if isinstance(raw, bool):
            return raw
    elif tp is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    elif tp is float:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            return raw  # an int stays an int: re-encoding must give back the same JSON
    elif hasattr(tp, "decode_json"):  # a type that reads itself (golive.result.Text)
        return tp.decode_json(raw, path, legacy)
    elif get_origin(tp) is Literal:
        if raw in get_args(tp) and isinstance(raw, str):
            return raw
    elif get_origin(tp) is tuple:
        if isinstance(raw, list):
            (element, _) = get_args(tp)
            return tuple(decode(element, v, f"{path}[{i}]", legacy) for i, v in enumerate(raw))
    elif get_origin(tp) in (AbcMapping, dict):
        if isinstance(raw, dict):
            _, value_type = get_args(tp)
            return {key: decode(value_type, v, join(path, str(key)), legacy) for key, v in raw.items()}
    elif dataclasses.is_dataclass(tp):
        if isinstance(raw, dict):
            return _decode_object(tp, raw, path, legacy)
    else:  # pragma: no cover - a type this decoder was not taught
        raise TypeError(f"cannot decode {tp!r}")
    raise Mismatch(path, f"expected {_expected(tp)}, got {kind_of(raw)}")


def _decode_object(cls: Any, raw: dict[str, Any], path: str, legacy: bool) -> Any:
    if legacy and hasattr(cls, "_from_v1"):  # what the class says a golive.result/1 document may lack
        raw = cls._from_v1(raw)
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        key = join(path, f.name)
        if f.name not in raw:
            if f.default is not dataclasses.MISSING:
                values[f.name] = f.default
                continue
            raise Mismatch(key, "required key missing")
        values[f.name] = decode(hints[f.name], raw[f.name], key, legacy)
    return cls(**values)


# -- JSON Schema -----------------------------------------------------------------------------------------


def schema_of(tp: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    inner = _optional_of(tp)
    if inner is not None:
        return {"anyOf": [schema_of(inner, definitions), {"type": "null"}]}
    if tp is Any:
        return {}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    origin = get_origin(tp)
    if origin is Literal:
        return {"enum": list(get_args(tp))}
    if origin is tuple:
        return {"type": "array", "items": schema_of(get_args(tp)[0], definitions)}
    if origin in (AbcMapping, dict):
        return {"type": "object", "additionalProperties": schema_of(get_args(tp)[1], definitions)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in definitions:
            definitions[name] = {}  # placeholder against recursion
            hints = _hints(tp)
            properties: dict[str, Any] = {}
            for f in dataclasses.fields(tp):
                prop = schema_of(hints[f.name], definitions)
                if f.metadata.get("doc"):
                    prop = {**prop, "description": f.metadata["doc"]}
                properties[f.name] = prop
            definitions[name] = {
                "type": "object",
                "description": (tp.__doc__ or "").strip().splitlines()[0],
                "properties": properties,
                "required": [f.name for f in dataclasses.fields(tp) if f.default is dataclasses.MISSING],
                # A newer golive may add keys; readers ignore what they do not know.
                "additionalProperties": True,
            }
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")  # pragma: no cover


