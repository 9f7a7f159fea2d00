"""JSON from untrusted files, bounded: nesting depth, number length, and a clear error with position.

Python's `json` module is fine for JSON golive writes itself, but merchant captures, HAR exports,
messages and saved results are untrusted input, and three shapes get through it badly:

* nesting about 1000 deep raises `RecursionError` (not a `ValueError`), and nesting a few hundred
  deep parses but makes every recursive consumer after it (signing, redaction, reporters) fail;
* an integer over 4300 digits raises a plain `ValueError` from inside the scanner (Python's
  int-string-conversion limit), not a `JSONDecodeError`;
* ``NaN`` and ``Infinity`` are accepted though they are not JSON (RFC 8259), and then break Decimal
  comparisons (a NaN amount is neither above nor below a limit).

`loads` and `raw_decode` refuse all three with `JSONInputError` (a `ValueError`), whose message
says what and where (line, column, character offset). They cost a few C-level finds of brackets
on the common path: only a text with more opening brackets than `max_depth` is scanned for its
real depth.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any, Callable

__all__ = ["MAX_DEPTH", "MAX_NUMBER_CHARS", "JSONInputError", "escape_lone_surrogates", "has_lone_surrogate", "loads",
           "raw_decode"]

MAX_DEPTH = 64
"""Nesting golive accepts in evidence (a capture line, a HAR entry, a message). Real ones nest < 10."""
MAX_NUMBER_CHARS = 100
"""Characters in one JSON number. Amounts, times and counts are far shorter."""


class JSONInputError(ValueError):
    """The text is not JSON golive will read. ``msg`` says why; ``pos``/``lineno``/``colno`` where."""

    def __init__(self, msg: str, text: str = "", pos: int | None = None) -> None:
        self.msg = msg
        self.pos = pos
        if pos is not None:
            self.lineno = text.count("\n", 0, pos) + 1
            self.colno = pos - text.rfind("\n", 0, pos)
            where = f" at line {self.lineno}, column {self.colno}"
        else:
            self.lineno = self.colno = None  # type: ignore[assignment]
            where = ""
        super().__init__(msg + where)


class _NumberTooLong(Exception):
    pass


class _NotJSONConstant(Exception):
    pass


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _NumberTooLong
    return int(text)


def _number_guard(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    def guarded(text: str) -> Any:
        if len(text) > MAX_NUMBER_CHARS:
            raise _NumberTooLong
        return parse(text)

    return guarded


def _reject_constant(name: str) -> Any:
    raise _NotJSONConstant(name)


_DECODERS: dict[Any, json.JSONDecoder] = {}


def _decoder(parse_float: Callable[[str], Any] | None) -> json.JSONDecoder:
    decoder = _DECODERS.get(parse_float)
    if decoder is None:
        decoder = _DECODERS[parse_float] = json.JSONDecoder(
            parse_int=_parse_int, parse_float=_number_guard(parse_float or float), parse_constant=_reject_constant)
    return decoder


_TOKEN = re.compile(r'["\[\]{}]')
_STRING_END = re.compile(r'(?:[^"\\]|\\.)*"', re.S)
_LONG_NUMBER = re.compile(r"-?\d[\d.eE+\-]{%d,}" % MAX_NUMBER_CHARS)
_CONSTANT = re.compile(r"-?(?:NaN|Infinity)")


def _too_deep(text: str, start: int, end: int, max_depth: int) -> int | None:
    """Offset of the first bracket that opens level `max_depth + 1` (strings skipped), or None."""
    depth = 0
    pos = start
    while True:
        found = _TOKEN.search(text, pos, end)
        if found is None:
            return None
        char = found.group()
        pos = found.end()
        if char == '"':
            string = _STRING_END.match(text, pos, end)
            if string is None:
                return None  # an unterminated string: the parser reports it
            pos = string.end()
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return found.start()
        else:
            depth -= 1


def _outside_strings(pattern: re.Pattern[str], text: str, start: int) -> int | None:
    """Offset of the first match of `pattern` that is not inside a string (error path only)."""
    pos = start
    while True:
        quote = text.find('"', pos)
        found = pattern.search(text, pos, quote if quote >= 0 else len(text))
        if found is not None:
            return found.start()
        if quote < 0:
            return None
        string = _STRING_END.match(text, quote + 1)
        if string is None:
            return None
        pos = string.end()


def _more_brackets(text: str, start: int, end: int, limit: int) -> bool:
    """Whether text[start:end] holds more than `limit` opening brackets (strings included).

    By `str.find`, which skips to the next bracket at memchr speed, so the usual text -- a few
    brackets in a long line -- costs a few finds where counting would read every character
    twice; and a text with many stops after `limit` + 1 of them.
    """
    if start or end != len(text):
        text = text[start:end]
    find = text.find
    found = 0
    for bracket in "{[":
        at = find(bracket)
        while at >= 0:
            found += 1
            if found > limit:
                return True
            at = find(bracket, at + 1)
    return False


def _decode(text: str, start: int, parse_float: Callable[[str], Any] | None, max_depth: int,
            whole: bool) -> tuple[Any, int]:
    if whole and _more_brackets(text, start, len(text), max_depth):
        # Only texts with many brackets pay for a scan; refusing before parsing also keeps a
        # 100,000-deep text from being built at all.
        where = _too_deep(text, start, len(text), max_depth)
        if where is not None:
            raise JSONInputError(f"JSON nested deeper than {max_depth} levels", text, where)
    decoder = _decoder(parse_float)
    try:
        if whole:
            # decoder.decode is the scanner between two whitespace matches, in Python; a text that
            # is just its value (the usual capture line or risk_item) needs only the scanner.
            # Anything else -- leading or trailing whitespace, extra data -- takes decode's way,
            # which also gives its exact errors.
            try:
                value, end = decoder.scan_once(text, 0)  # type: ignore[attr-defined]
            except StopIteration:
                pass
            else:
                if end == len(text):
                    return value, end
            return decoder.decode(text), len(text)
        return decoder.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise JSONInputError(f"not valid JSON ({exc.msg})", text, exc.pos) from None
    except _NumberTooLong:
        raise JSONInputError(f"a number longer than {MAX_NUMBER_CHARS} characters", text,
                             _outside_strings(_LONG_NUMBER, text, start)) from None
    except _NotJSONConstant as exc:
        raise JSONInputError(f"{exc.args[0]} is not a JSON value", text,
                             _outside_strings(_CONSTANT, text, start)) from None
    except RecursionError:
        raise JSONInputError(f"JSON nested deeper than {max_depth} levels", text,
                             _too_deep(text, start, len(text), max_depth)) from None


def loads(text: str, *, parse_float: Callable[[str], Any] | None = None, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value of the whole `text`; `JSONInputError` (a ValueError) naming what and where.

    `parse_float=Decimal` keeps decimal numbers as their exact text (signing needs it).
    """
    return _decode(text, 0, parse_float, max_depth, whole=True)[0]


def raw_decode(text: str, start: int = 0, *, parse_float: Callable[[str], Any] | None = None,
               max_depth: int = MAX_DEPTH) -> tuple[Any, int]:
    """Decode one JSON value starting at `start` (no leading whitespace); (value, end offset).

    For streaming readers over a window of a larger document (HAR): the depth is checked on the
    value decoded, so the caller's window may hold more than this value.
    """
    value, end = _decode(text, start, parse_float, max_depth, whole=False)
    if _more_brackets(text, start, end, max_depth):
        where = _too_deep(text, start, end, max_depth)
        if where is not None:
            raise JSONInputError(f"JSON nested deeper than {max_depth} levels", text, where)
    return value, end


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def has_lone_surrogate(text: str, value: Any) -> bool:
    """Whether the decoded `value` of `text` holds a string with an unpaired UTF-16 surrogate
    (``"\\ud800"``: valid JSON, but no UTF-8 encoder can write it back). Cheap when `text` has
    no surrogate escape at all."""
    if _SURROGATE_ESCAPE.search(text) is None:
        return False
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


def _escaped(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def escape_lone_surrogates(value: Any) -> Any:
    """`value` with each lone UTF-16 surrogate in its strings (dict keys too) written as its
    ``\\udXXX`` escape text: what a report can show and a UTF-8 file can hold. Captures keep the
    surrogate itself (signing needs it); findings that quote it are rewritten by this."""
    if isinstance(value, str):
        return _escaped(value)
    if isinstance(value, dict):
        return {(_escaped(k) if isinstance(k, str) else k): escape_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [escape_lone_surrogates(v) for v in value]
    return value


# Decimal is the parse_float golive uses for evidence; build its decoder once at import.
_decoder(Decimal)
