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


_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}


def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names in order; None for any other type (cached: results are big)."""
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None
        _FIELD_NAMES[cls] = names
        return names


_PLAIN = (str, int, float, bool, type(None))


def encode(value: Any) -> Any:
    """The JSON form of a model value: dataclasses as objects in field order, tuples as lists."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _field_names(kind)
    if names is not None:
        return {name: encode(getattr(value, name)) for name in names}
    if kind is tuple or kind is list:
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
    kind = type(value)
    if kind is str:
        return fn(value)
    if kind in _PLAIN:
        return value
    names = _field_names(kind)
    if names is not None:
        return kind(**{name: _map(getattr(value, name), fn) for name in names})
    if kind is tuple:
        return tuple(_map(v, fn) for v in value)
    if kind is list:
        return [_map(v, fn) for v in value]
    if isinstance(value, AbcMapping):
        return {fn(str(k)): _map(v, fn) for k, v in value.items()}
    if isinstance(value, str):  # a str subclass
        return fn(value)
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


Decoder = Callable[[Any, str, bool], Any]


def decode(tp: Any, raw: Any, path: str, legacy: bool) -> Any:
    """`raw` (parsed JSON) as a value of type `tp`; Mismatch naming `path` where it does not fit."""
    return _decoder(tp)(raw, path, legacy)


def _fails(tp: Any) -> Callable[[Any, str], Mismatch]:
    expected = _expected(tp)
    return lambda raw, path: Mismatch(path, f"expected {expected}, got {kind_of(raw)}")


@lru_cache(maxsize=None)
def _decoder(tp: Any) -> Decoder:
    """A decoder for `tp`, built once per type (a result holds tens of thousands of values)."""
    inner = _optional_of(tp)
    if inner is not None:
        return _optional(_decoder(inner))
    if tp is Any:
        return lambda raw, path, legacy: raw
    fail = _fails(tp)
    if tp in (str, bool):
        def exact(raw: Any, path: str, legacy: bool) -> Any:
            if type(raw) is tp:
                return raw
            raise fail(raw, path)
        return exact
    if tp in (int, float):
        accepted = (int,) if tp is int else (int, float)

        def number(raw: Any, path: str, legacy: bool) -> Any:
            # An int stays an int where a float is declared: re-encoding gives back the same JSON.
            if isinstance(raw, accepted) and not isinstance(raw, bool):
                return raw
            raise fail(raw, path)
        return number
    if hasattr(tp, "decode_json"):  # a type that reads itself (golive.result.Text)
        return tp.decode_json  # type: ignore[no-any-return]
    origin = get_origin(tp)
    if origin is Literal:
        allowed = frozenset(get_args(tp))

        def literal(raw: Any, path: str, legacy: bool) -> Any:
            if type(raw) is str and raw in allowed:
                return raw
            raise fail(raw, path)
        return literal
    if origin is tuple:
        element = _decoder(get_args(tp)[0])

        def sequence(raw: Any, path: str, legacy: bool) -> Any:
            if type(raw) is list:
                return tuple(element(v, f"{path}[{i}]", legacy) for i, v in enumerate(raw))
            raise fail(raw, path)
        return sequence
    if origin in (AbcMapping, dict):
        value = _decoder(get_args(tp)[1])

        def mapping(raw: Any, path: str, legacy: bool) -> Any:
            if type(raw) is dict:
                return {key: value(v, join(path, str(key)), legacy) for key, v in raw.items()}
            raise fail(raw, path)
        return mapping
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _object(tp, fail)
    raise TypeError(f"cannot decode {tp!r}")  # pragma: no cover - a type this decoder was not taught


def _optional(decoder: Decoder) -> Decoder:
    def optional(raw: Any, path: str, legacy: bool) -> Any:
        if raw is None:
            return None
        try:
            return decoder(raw, path, legacy)
        except Mismatch as exc:
            if exc.path == path and exc.message.startswith("expected ") and ", got " in exc.message:
                expected, got = exc.message.split(", got ", 1)
                raise Mismatch(path, f"{expected} or null, got {got}") from None
            raise
    return optional


def _object(cls: type, fail: Callable[[Any, str], Mismatch]) -> Decoder:
    hints = _hints(cls)
    fields = [(f.name, hints[f.name], f.default) for f in dataclasses.fields(cls)]
    # (name, decoder, default), built on first use: a class may name one defined after it
    plan: list[tuple[str, Decoder, Any]] = []
    from_v1 = getattr(cls, "_from_v1", None)  # what the class says a golive.result/1 document may lack

    def read(raw: Any, path: str, legacy: bool) -> Any:
        if type(raw) is not dict:
            raise fail(raw, path)
        if not plan:
            plan.extend((name, _decoder(tp), default) for name, tp, default in fields)
        if legacy and from_v1 is not None:
            raw = from_v1(raw)
        values: dict[str, Any] = {}
        for name, decoder, default in plan:
            key = f"{path}.{name}" if path else name
            if name not in raw:
                if default is not dataclasses.MISSING:
                    values[name] = default
                    continue
                raise Mismatch(key, "required key missing")
            values[name] = decoder(raw[name], key, legacy)
        return cls(**values)
    return read


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


