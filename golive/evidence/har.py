"""HAR 1.2 captures (browser devtools, Charles, mitmproxy exports), streamed entry by entry.

A HAR file is one JSON document, ``{"log": {..., "entries": [ {...}, {...} ]}}``, often hundreds
of megabytes because it holds every page asset. `iter_har_records` walks the two outer levels
itself and decodes one entry at a time with ``json.JSONDecoder.raw_decode`` over a buffered
window of the file, so memory holds one entry (plus a read chunk), never the document. Values
beside ``entries`` (``creator``, ``pages``) are decoded and dropped.

Only LianLian exchanges become records (`captures.classify_exchange`): requests to LianLian's hosts
(platform.py) or shaped like LianLian messages, notifications to the merchant (a POST whose JSON
body carries ``oid_partner``, ``no_order``, ``result_pay``, ``sign``) and synchronous returns. Page
loads, images and scripts are skipped silently. ``line`` of a HAR record is the entry's 1-based
position in ``log.entries``.

A malformed document yields one broken record where the parse stopped (the rest of the file
cannot be resynchronised reliably). An entry larger than `MAX_ENTRY_CHARS` (a huge inline response
body) is skipped without being decoded -- a string-aware scan for its end -- and reported as a
broken record; the entries after it are read as usual.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from decimal import Decimal
from typing import IO, Any, Iterator

from golive import safe_json
from golive.evidence.captures import (
    CaptureRecord,
    _params_from_text,
    _Unreadable,
    classify_exchange,
)

__all__ = ["MAX_ENTRY_CHARS", "iter_har_records"]

MAX_ENTRY_CHARS = 16 * 1024 * 1024
_CHUNK = 1 << 20
_WS = " \t\r\n"


class _HarError(ValueError):
    """The document cannot be read further; the message says where and why."""


class _TooLarge(_HarError):
    """One value is larger than MAX_ENTRY_CHARS; it can be skipped without being decoded."""


_SKIPPED = object()  # an entry too large to decode, skipped
_TOKEN = re.compile(r'["{}\[\]]')
_STRING_STOP = re.compile(r'["\\]')


class _Reader:
    """A sliding text window over the file with just enough of a JSON tokenizer for HAR's outer levels."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._read = codecs.getincrementaldecoder("utf-8-sig")("strict").decode
        self._handle = handle
        self.buf = ""
        self.pos = 0
        self.eof = False

    def _fill(self, at_least: int = 0) -> bool:
        if self.eof:
            return False
        data = self._handle.read(max(at_least, _CHUNK))
        try:
            text = self._read(data, final=not data)
        except UnicodeDecodeError:
            raise _HarError("the HAR file is not UTF-8") from None
        if not data:
            self.eof = True
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return bool(data)

    def peek(self) -> str:
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self._fill():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise _HarError(f"expected {char!r}, found {found or 'end of file'!r}")
        self.pos += 1

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file until it is complete."""
        self.peek()
        while True:
            try:
                # Bounded (golive.safe_json): nesting, number length and NaN are refused, not crashed on.
                value, end = safe_json.raw_decode(self.buf, self.pos, parse_float=Decimal)
            except safe_json.JSONInputError as exc:
                if not exc.msg.startswith("not valid JSON"):
                    raise _HarError(exc.msg) from None  # more text cannot make it readable
                if len(self.buf) - self.pos > MAX_ENTRY_CHARS:
                    raise _TooLarge(f"a value is larger than {MAX_ENTRY_CHARS // (1024 * 1024)} MiB") from None
                # Read as much again as is pending, so a large entry costs O(size), not O(size^2).
                if not self._fill(len(self.buf) - self.pos):
                    raise _HarError(exc.msg) from None
                continue
            if end == len(self.buf) and not self.eof and not isinstance(value, (dict, list, str)):
                self._fill()  # a number or literal at the window's edge may continue
                continue
            self.pos = end
            return value

    def members(self) -> Iterator[str]:
        """Keys of the object starting here; the caller consumes each value."""
        self.expect("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if not isinstance(key, str):
                raise _HarError("object key is not a string")
            self.expect(":")
            yield key
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("}")
            return

    def skip_value(self) -> None:
        """Consume the object or array starting here without decoding it (memory: one read chunk)."""
        if self.peek() not in ("{", "["):
            raise _HarError("a value too large to read is not an object")
        depth, in_string = 0, False
        while True:
            pattern = _STRING_STOP if in_string else _TOKEN
            found = pattern.search(self.buf, self.pos)
            if found is None or (found.group() == "\\" and found.end() == len(self.buf)):
                # Keep an escape at the window's edge so its escaped character is read with it.
                self.pos = found.start() if found is not None else len(self.buf)
                if not self._fill():
                    raise _HarError("not valid JSON (the document ends inside a value)")
                continue
            char = found.group()
            self.pos = found.end()
            if in_string:
                if char == "\\":
                    self.pos += 1  # skip the escaped character (an escaped quote does not end the string)
                else:
                    in_string = False
            elif char == '"':
                in_string = True
            elif char in "{[":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return

    def elements(self) -> Iterator[Any]:
        """Values of the array starting here; an element too large to decode is skipped (`_SKIPPED`)."""
        self.expect("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            try:
                value = self.value()
            except _TooLarge:
                self.skip_value()
                value = _SKIPPED
            yield value
            if self.peek() == ",":
                self.pos += 1
                continue
            self.expect("]")
            return


def _iter_entries(reader: _Reader) -> Iterator[Any]:
    found = False
    for key in reader.members():
        if key != "log":
            reader.value()
            continue
        for log_key in reader.members():
            if log_key == "entries":
                found = True
                yield from reader.elements()
            else:
                reader.value()
    if not found:
        raise _HarError("not a HAR file: no log.entries")


def _headers(value: Any) -> dict[str, str]:
    if not isinstance(value, list):
        return {}
    return {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in value if isinstance(h, dict)}


def _request_body(post: Any) -> str | None:
    if not isinstance(post, dict):
        return None
    text = post.get("text")
    if isinstance(text, str):
        return text
    params = post.get("params")
    if isinstance(params, list):  # some exporters give only the parsed form fields
        from urllib.parse import urlencode

        return urlencode([(str(p.get("name", "")), str(p.get("value", ""))) for p in params if isinstance(p, dict)])
    return None


def _response_body(content: Any) -> str | None:
    if not isinstance(content, dict) or not isinstance(content.get("text"), str):
        return None
    text: str = content["text"]
    if content.get("encoding") == "base64":
        try:
            return base64.b64decode(text, validate=False).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            return None
    return text


def _record(entry: Any, file: str, index: int) -> CaptureRecord | None:
    if entry is _SKIPPED:
        return CaptureRecord(file, index, source="har", broken=True,
                             error=f"HAR entry larger than {MAX_ENTRY_CHARS // (1024 * 1024)} MiB, skipped")
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        return CaptureRecord(file, index, source="har", broken=True, error="HAR entry without a request object")
    req = entry["request"]
    method = str(req.get("method", "")).upper()
    url = str(req.get("url", ""))
    body = _request_body(req.get("postData"))
    if method != "POST" or not body:
        return None
    headers = _headers(req.get("headers"))
    content_type = str((req.get("postData") or {}).get("mimeType") or headers.get("content-type", "")).lower()
    try:
        params, wrapped = _params_from_text(body, content_type)
    except _Unreadable:
        return None  # not a LianLian message; browsers post all sorts of things
    found = classify_exchange(method, url, params, wrapped)
    if found is None:
        return None
    kind, channel = found
    request = {"method": method, "url": url, "headers": headers, "body": body}
    response = None
    res = entry.get("response")
    if isinstance(res, dict):
        response = {"status": res.get("status") if isinstance(res.get("status"), int) else None,
                    "headers": _headers(res.get("headers")), "body": _response_body(res.get("content"))}
        if isinstance(entry.get("time"), (int, float, Decimal)):
            response["elapsed_ms"] = float(entry["time"])
    return CaptureRecord(file, index, kind, channel, params, request, response, wrapped=wrapped, source="har")


def iter_har_records(handle: IO[bytes], display: str) -> Iterator[CaptureRecord]:
    """LianLian exchanges in a HAR file, one entry in memory at a time."""
    reader = _Reader(handle)
    index = 0
    try:
        for entry in _iter_entries(reader):
            index += 1
            record = _record(entry, display, index)
            if record is not None:
                yield record
    except _HarError as exc:
        where = f"after entry {index}" if index else "before the first entry"
        yield CaptureRecord(display, index + 1, source="har", broken=True, error=f"{exc} ({where})")
