"""JSON for saved evidence: every value a gatherer, record or row holds, written so it reads back
as the same Python value (`golive.evidence.store`).

Plain JSON stays plain (strings, numbers, booleans, null, lists, objects with string keys). What
JSON cannot say is a small tagged object ``{"$t": TAG, ...}``:

* ``dec`` a `Decimal` (exact text: amounts), ``float`` a non-finite float, ``tuple`` a tuple,
  ``date`` / ``datetime`` (ISO 8601), ``map`` an object whose keys are not all strings or that has
  a ``$t`` key of its own (so no value of the original can pass for a tag);
* ``text`` a bilingual `golive.model.Text`, ``problem`` a validator's `Problem` (with ``uncertain``);
* ``masked`` a `MaskedText` (text ``v``, token ``k``, upper-case token ``u``, validator outcomes
  ``f``, parsed document ``d``), ``num`` a `MaskedNumber` (`golive.evidence.masked`).

Anything else (an enum, an object a future gatherer adds) is written as its text: evidence is data.
Reading is strict: an unknown tag or a malformed tagged object is `CodecError` naming the path
inside the value, which the store turns into ``file:line: key: why`` (exit 2).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any

from golive.evidence.masked import MaskedNumber, MaskedText
from golive.lianlian.validators import Problem
from golive.model import Text

__all__ = ["CodecError", "decode", "encode"]

TAG = "$t"


class CodecError(ValueError):
    """A saved value that does not decode; `path` is where inside it (``params.risk_item``)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def encode(value: Any) -> Any:
    """`value` as JSON-ready data (see the module docstring)."""
    cls = value.__class__
    if cls is str or value is None or cls is bool or cls is int:
        return value
    if cls is dict:
        if all(k.__class__ is str for k in value) and TAG not in value:
            return {k: encode(v) for k, v in value.items()}
        return {TAG: "map", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if cls is list:
        return [encode(v) for v in value]
    if cls is MaskedText:
        out: dict[str, Any] = {TAG: "masked", "v": str(value), "k": value.token}
        if value.upper_token:
            out["u"] = value.upper_token
        if value.outcomes:
            out["f"] = {name: encode(problem) for name, problem in value.outcomes.items()}
        if value.decoded is not None:
            out["d"] = encode(value.decoded)
        return out
    if cls is MaskedNumber:
        return {TAG: "num", "v": value.text, "k": value.token}
    if cls is float:
        return value if math.isfinite(value) else {TAG: "float", "v": repr(value)}
    if isinstance(value, Decimal):
        return {TAG: "dec", "v": str(value)}
    if isinstance(value, tuple):
        return {TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, Problem):
        return {TAG: "problem", "zh": value.zh, "en": value.en, "uncertain": value.uncertain}
    if isinstance(value, Text):
        return {TAG: "text", "zh": value.zh, "en": value.en}
    if isinstance(value, dt.datetime):
        return {TAG: "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {TAG: "date", "v": value.isoformat()}
    if isinstance(value, Enum):
        return encode(value.value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dict):
        return encode(dict(value))
    if isinstance(value, list):
        return encode(list(value))
    return str(value)


def decode(node: Any, path: str = "") -> Any:
    """The value `encode` wrote; CodecError on anything it could not have written."""
    cls = node.__class__
    if cls is str or node is None or cls is bool or cls is int or cls is float:
        return node
    if cls is list:
        return [decode(v, f"{path}[{i}]") for i, v in enumerate(node)]
    if cls is not dict:
        raise CodecError(f"unexpected {type(node).__name__}", path)
    tag = node.get(TAG)
    if tag is None:
        return {k: decode(v, f"{path}.{k}" if path else k) for k, v in node.items()}
    reader = _READERS.get(tag) if isinstance(tag, str) else None
    if reader is None:
        raise CodecError(f"unknown tag {tag!r}", path)
    try:
        return reader(node, path)
    except CodecError:
        raise
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise CodecError(f"malformed {tag!r} value ({type(exc).__name__}: {exc})", path) from None


def _string(node: dict[str, Any], key: str) -> str:
    value = node[key]
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string")
    return value


def _optional_string(node: dict[str, Any], key: str) -> str | None:
    value = node.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be a string or absent")
    return value


def _list(node: dict[str, Any]) -> list[Any]:
    value = node["v"]
    if not isinstance(value, list):
        raise TypeError("v must be a list")
    return value


def _map(node: dict[str, Any], path: str) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for index, pair in enumerate(_list(node)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise TypeError(f"entry {index} is not a [key, value] pair")
        key = decode(pair[0], f"{path}[{index}]")
        try:
            hash(key)
        except TypeError:
            raise TypeError(f"entry {index} has a key that cannot be one") from None
        out[key] = decode(pair[1], f"{path}[{index}]")
    return out


def _masked(node: dict[str, Any], path: str) -> MaskedText:
    outcomes_node = node.get("f") or {}
    if not isinstance(outcomes_node, dict):
        raise TypeError("f must be an object")
    outcomes: dict[str, Problem | None] = {}
    for name, problem in outcomes_node.items():
        decoded = decode(problem, f"{path}.f.{name}")
        if decoded is not None and not isinstance(decoded, Problem):
            raise TypeError(f"outcome {name} must be a problem or null")
        outcomes[name] = decoded
    return MaskedText(_string(node, "v"), _string(node, "k"), upper_token=_optional_string(node, "u"),
                      outcomes=outcomes, decoded=decode(node["d"], f"{path}.d") if "d" in node else None)


def _float(node: dict[str, Any], path: str) -> float:
    text = _string(node, "v")
    if text not in ("nan", "inf", "-inf"):
        raise ValueError("expected nan, inf or -inf")
    return float(text)


def _decimal(node: dict[str, Any], path: str) -> Decimal:
    text = _string(node, "v")
    if len(text) > 100:
        raise ValueError("number too long")
    return Decimal(text)


_READERS: dict[str, Any] = {
    "map": _map,
    "masked": _masked,
    "num": lambda node, path: MaskedNumber(_string(node, "v"), _string(node, "k")),
    "dec": _decimal,
    "float": _float,
    "tuple": lambda node, path: tuple(decode(v, f"{path}[{i}]") for i, v in enumerate(_list(node))),
    "text": lambda node, path: Text(_string(node, "zh"), _string(node, "en")),
    "problem": lambda node, path: Problem(_string(node, "zh"), _string(node, "en"), bool(node.get("uncertain"))),
    "datetime": lambda node, path: dt.datetime.fromisoformat(_string(node, "v")),
    "date": lambda node, path: dt.date.fromisoformat(_string(node, "v")),
}
