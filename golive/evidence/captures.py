"""Reads captured test transactions -- JSON Lines and HAR -- as a stream of `CaptureRecord`s.

The engine reads every capture file once and feeds each record to every capture check
(`Run._stream`), so nothing here loads a whole file: JSON Lines are read line by line (bytes,
decoded per line), HAR files entry by entry (`golive.evidence.har`). A line or entry that cannot be
read is a *broken record* for that line (``broken=True``, ``error`` says why), never an error for
the run; checks list broken records as skipped notes and never count them as judged.

Record shape (what checks receive; `CaptureRecord`):

* ``file`` -- the capture file as the user wrote it (config or ``--captures``); ``line`` -- the
  1-based line of a JSON Lines file, or the 1-based entry number of a HAR file.
  ``record.location("risk_item.user_info_id_no")`` gives ``captures/integration.jsonl:42#risk_item.user_info_id_no``.
* ``kind`` -- ``pay_request`` | ``notify`` | ``return`` | ``withdraw`` | ``query`` | ``other``.
* ``channel`` -- ``web`` | ``wap`` | ``app`` | ``api`` or None (``android``/``ios`` are read as ``app``,
  ``h5`` as ``wap``).
* ``params`` -- the LianLian parameters *as transmitted*, keys in transmitted order:
  pay requests: the Web form fields, the JSON decoded from WAP ``req_data`` (or an App SDK order
  string), a JSON API body; notifications: the JSON body LianLian posted; returns: the form fields or
  the JSON decoded from ``res_data``; queries/withdrawals: the JSON (or form) body. JSON values keep
  their JSON type (a nested ``risk_item`` object stays a dict so LL-RSK-001 can flag it; numbers
  with a fraction are `decimal.Decimal` so their exact text survives). None when there are none.
* ``wrapped`` -- how ``params`` travelled: ``form``, ``req_data``, ``res_data``, ``json`` (a JSON
  body) or ``object`` (given as an object in the capture line).
* ``request`` / ``response`` -- the HTTP exchange where known: ``method``, ``url``, ``headers``
  (lower-case names -> str), ``body`` (text); the response also ``status`` (int) and ``elapsed_ms``
  (float). E.g. a notification's ``response`` is the merchant's acknowledgement.
* ``effect`` -- optional, from the capture line: what the exchange did on the merchant's books, e.g.
  ``{"credited": true}`` on a notification that credited its order (LL-NTF-009 counts credits per order).
* ``broken`` / ``error`` -- the record could not be read, and why (a short English sentence).
* ``risk_item()`` -- ``risk_item`` parsed once per record and cached (`RiskItem`), so the six
  LL-RSK checks do not each decode the same JSON; ``RiskItem.plain`` says whether its values are
  all plain text (`all_plain`).
* ``plain_params()`` -- whether every parameter value is plain text (`all_plain`), asked once per
  record: on such a record a check's "is it blank, spaced, ``null``, not text?" questions have
  their trivial answers, so checks skip them (most records are plain).
* ``sign_observation()`` -- what the configured keys say of the record's ``sign``
  (`golive.evidence.sign_observation`), observed on first use and cached; None for a record that
  is neither a signed request nor a callback, or that was read without keys.

Records read back from saved evidence (`golive.evidence.store`) come with both already made, and
with personal values masked (`golive.evidence.masked`).

JSON Lines format (design.md §5), one exchange per line; empty lines are skipped::

    {"kind":"pay_request","channel":"web","params":{"oid_partner":"...","risk_item":"{...}",...}}
    {"kind":"pay_request","channel":"wap","params":{"req_data":"{...}"}}       # or "req_data":"{...}"
    {"kind":"pay_request","params":"oid_partner=...&sign=..."}                 # a form-encoded body
    {"kind":"notify","request":{"body":"{...}"},"response":{"status":200,"body":"{\\"ret_code\\":\\"0000\\"}"}}
    {"kind":"return","channel":"wap","params":{"res_data":"{...}"}}

A line without ``params`` takes them from ``request.body``; a line without ``kind`` is classified
by its shape (as HAR entries are); an unknown ``kind`` becomes ``other``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import product
from operator import is_
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Mapping
from urllib.parse import parse_qsl, urlsplit

from golive import safe_json
from golive.errors import InputError
from golive.evidence.sign_observation import SignObserver
from golive.model import Location

__all__ = [
    "CHANNELS",
    "KINDS",
    "MAX_LINE_BYTES",
    "CaptureRecord",
    "RiskItem",
    "all_plain",
    "classify_exchange",
    "iter_capture_records",
    "parse_form",
]

KINDS = frozenset({"pay_request", "notify", "return", "withdraw", "query", "other"})
CHANNELS = frozenset({"web", "wap", "app", "api"})
_CHANNEL_ALIASES = {"android": "app", "ios": "app", "sdk": "app", "h5": "wap", "server": "api"}
MAX_LINE_BYTES = 4 * 1024 * 1024
"""Default cap of one JSON Lines line (``evidence.max_line_bytes``). A longer line is a broken
record, skipped without ever being held whole in memory: a line is read at most this many bytes at
a time. 4 MiB is far above any real exchange, and what decoding it costs stays in the tens of MiB
(a 32 MiB line of small JSON values took over 1 GB)."""


def _decode(text: str) -> Any:
    # Bounded JSON (golive.safe_json: depth, number length, no NaN). Numbers with a fraction keep
    # their exact text (LL-SIG-008 shows them; signing renders Decimal the way LianLian's Java
    # demos would, see golive.lianlian.sign.render_value).
    return safe_json.loads(text, parse_float=Decimal)


_LITERAL_NULLS = frozenset(map("".join, product("nN", "uU", "lL", "lL")))
_strip = str.strip


def all_plain(values: Iterable[Any]) -> bool:
    """True when every value is plain text: an exact `str` (a saved masked value is a subclass, so
    not plain) with no whitespace at either end, and not the literal ``null`` in any case. An empty
    string is plain. For plain values, blank (fields.is_blank, also with ``null``) is just falsy.

    C-level passes only (it runs on every record): `str.strip` returns the very object when it has
    nothing to strip (a copy for a subclass; TypeError for a non-string), and the literal nulls are
    one set test.
    """
    values = list(values)
    try:
        if not all(map(is_, map(_strip, values), values)):
            return False
    except TypeError:
        return False
    return _LITERAL_NULLS.isdisjoint(values)


@dataclass(frozen=True, slots=True)
class RiskItem:
    """``risk_item`` of a record, parsed once.

    ``state``: ``string`` (a JSON string holding an object -- correct), ``nested`` (an object sent
    instead of a string), ``missing``, ``empty``, ``invalid_json``, ``not_object`` (JSON that is not
    an object) or ``wrong_type`` (a number, list, boolean). ``fields`` is the decoded object for
    ``string`` and ``nested`` (so the field checks can still judge its contents), else None.
    ``plain``: every value of ``fields`` is plain text (`all_plain`); False when not known.
    """

    state: str
    fields: dict[str, Any] | None = None
    error: str | None = None
    plain: bool = False

    @property
    def usable(self) -> bool:
        return self.fields is not None


_NOT_PARSED = object()


@dataclass(slots=True)
class CaptureRecord:
    """One captured exchange (see the module docstring for every field)."""

    file: str
    line: int
    kind: str = "other"
    channel: str | None = None
    params: dict[str, Any] | None = None
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    broken: bool = False
    error: str | None = None
    wrapped: str | None = None
    source: str = "jsonl"  # jsonl | har
    effect: dict[str, Any] | None = None  # what the exchange did on the merchant's books, e.g. {"credited": true}
    _risk: Any = field(default=_NOT_PARSED, repr=False, compare=False)
    # The gatherer's SignObserver until first asked, then the SignObservation (or None).
    _sign: Any = field(default=None, repr=False, compare=False)
    _plain: bool | None = field(default=None, repr=False, compare=False)

    def location(self, pointer: str | None = None) -> Location:
        """``file:line#pointer`` of this record (and a field in it); a HAR record is located by its
        entry (``file:entry N#pointer``), not as a line of the file."""
        if self.source == "har":
            return Location(file=self.file, line=None, pointer=pointer, entry=self.line)
        return Location(file=self.file, line=self.line, pointer=pointer)

    def risk_item(self) -> RiskItem:
        """``params["risk_item"]`` parsed (cached)."""
        cached = self._risk
        if cached is _NOT_PARSED:
            cached = self._risk = _parse_risk_item(self.params)
        return cached  # type: ignore[no-any-return]

    def plain_params(self) -> bool:
        """Whether every value of ``params`` is plain text (`all_plain`; asked once, cached)."""
        plain = self._plain
        if plain is None:
            params = self.params
            plain = self._plain = params is not None and all_plain(params.values())
        return plain

    def sign_observation(self) -> Any:
        """The `SignObservation` of this record's sign (observed once, cached), or None."""
        sign = self._sign
        if sign.__class__ is SignObserver:
            sign = self._sign = sign.observe(self)
        return sign


def _parse_risk_item(params: Mapping[str, Any] | None) -> RiskItem:
    value = params.get("risk_item") if params else None
    if value is None:
        return RiskItem("missing")
    if isinstance(value, dict):
        return RiskItem("nested", value, plain=all_plain(value.values()))
    if not isinstance(value, str):
        return RiskItem("wrong_type", error=type(value).__name__)
    if not value.strip():
        return RiskItem("empty")
    try:
        decoded = _decode(value)
    except safe_json.JSONInputError as exc:
        return RiskItem("invalid_json", error=f"{exc.msg} at character {exc.pos}")
    if not isinstance(decoded, dict):
        return RiskItem("not_object", error=type(decoded).__name__)
    return RiskItem("string", decoded, plain=all_plain(decoded.values()))


# --- params decoding ----------------------------------------------------------------------------

def parse_form(text: str) -> dict[str, str]:
    """A form-encoded body as a dict (first value wins, as a servlet's getParameter does).

    ``+`` becomes a space, as in every form decoder: a Base64 RSA sign posted unencoded arrives
    damaged at LianLian too, which is what the capture should show.
    """
    out: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"):
        out.setdefault(key, value)
    return out


class _Unreadable(ValueError):
    """A record's parameters cannot be decoded; the message says why."""


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = _decode(text)
    except safe_json.JSONInputError as exc:
        raise _Unreadable(f"{what} is not valid JSON ({exc.msg} at character {exc.pos})") from None
    if not isinstance(value, dict):
        raise _Unreadable(f"{what} is JSON but not an object")
    return value


def _looks_like_form(text: str) -> bool:
    head = text[:200]
    return "=" in head and not head.lstrip().startswith(("{", "["))


def _unwrap(params: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Open a WAP ``req_data`` / ``res_data`` wrapper: the whole message as one JSON string field."""
    if "oid_partner" in params:  # the message itself, not a wrapper
        return params, None
    for wrapper in ("req_data", "res_data"):
        inner = params.get(wrapper)
        if isinstance(inner, str):
            return _json_object(inner, wrapper), wrapper
        if isinstance(inner, dict):
            return inner, wrapper
    return params, None


def _params_from_text(text: str, content_type: str = "") -> tuple[dict[str, Any], str]:
    stripped = text.lstrip()
    if stripped.startswith("{") or "json" in content_type:
        params, wrapper = _unwrap(_json_object(text, "body"))
        return params, wrapper or "json"
    if _looks_like_form(text) or "form" in content_type:
        try:
            form = parse_form(text)
        except UnicodeDecodeError:
            raise _Unreadable("form body has percent-encoded bytes that are not UTF-8") from None
        params, wrapper = _unwrap(dict(form))
        return params, wrapper or "form"
    raise _Unreadable("body is neither JSON nor a form")


# --- classification (shared with HAR) -----------------------------------------------------------

def _lianlian_hosts() -> tuple[str, ...]:
    from golive.lianlian.platform import LEGACY_HOSTS, PRODUCTION_HOSTS, TEST_HOSTS

    return PRODUCTION_HOSTS + TEST_HOSTS + LEGACY_HOSTS


_HOSTS: tuple[str, ...] | None = None


def is_lianlian_host(host: str) -> bool:
    global _HOSTS
    if _HOSTS is None:
        _HOSTS = _lianlian_hosts()
    host = host.lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in _HOSTS)


def _is_notification(params: Mapping[str, Any]) -> bool:
    return all(k in params for k in ("oid_partner", "no_order", "result_pay", "sign"))


def classify_exchange(
    method: str | None, url: str | None, params: dict[str, Any] | None, wrapped: str | None
) -> tuple[str, str | None] | None:
    """(kind, channel) of an exchange from where it went and what it carried; None: not LianLian's.

    LianLian-bound requests are recognised by host (platform.py host lists) or by shape (a form or
    JSON body with ``oid_partner`` and ``sign``, or a ``req_data`` wrapper); notifications are POSTs
    whose JSON body has ``oid_partner``, ``no_order``, ``result_pay`` and ``sign``; synchronous
    returns are forms with ``res_data``, or with ``result_pay`` and ``sign``.
    """
    parts = urlsplit(url or "")
    host, path = parts.hostname or "", parts.path.lower()
    to_lianlian = bool(host) and is_lianlian_host(host)
    if params is None:
        return None
    signed = "oid_partner" in params and "sign" in params
    if wrapped == "res_data" or (wrapped == "form" and signed and "result_pay" in params and not to_lianlian):
        return "return", ("wap" if wrapped == "res_data" else "web")
    if wrapped == "json" and _is_notification(params) and not to_lianlian:
        return "notify", None
    if wrapped == "req_data":
        return "pay_request", "wap"
    if not (signed or to_lianlian):
        return None
    if "queryapi" in host or "query" in path:
        return "query", "api"
    if "instantpay" in host or "paymentapi" in path or "traderapi" in host:
        return "other", "api"
    if "risk_item" in params or "busi_partner" in params or "authpay" in path:
        if wrapped == "form":
            return "pay_request", "web"
        return "pay_request", "api" if wrapped == "json" else None
    return ("other", "api") if signed else None


# --- JSON Lines ---------------------------------------------------------------------------------

def _exchange(value: Any, what: str) -> dict[str, Any] | None:
    """Normalise a capture line's ``request`` / ``response`` object."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Unreadable(f"{what} must be an object")
    out: dict[str, Any] = {}
    for key in ("method", "url"):
        if isinstance(value.get(key), str):
            out[key] = value[key]
    headers = value.get("headers")
    if isinstance(headers, dict):
        out["headers"] = {str(k).lower(): str(v) for k, v in headers.items()}
    elif isinstance(headers, list):  # HAR style [{"name":..., "value":...}]
        out["headers"] = {str(h.get("name", "")).lower(): str(h.get("value", "")) for h in headers if isinstance(h, dict)}
    body = value.get("body")
    if isinstance(body, (dict, list)):
        out["body"] = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)
        out["body_object"] = body
    elif isinstance(body, str):
        out["body"] = body
    elif body is not None:
        out["body"] = str(body)
    status = value.get("status")
    if isinstance(status, int) and not isinstance(status, bool):
        out["status"] = status
    elif isinstance(status, str) and status.isdigit():
        out["status"] = int(status)
    elapsed = value.get("elapsed_ms", value.get("time_ms"))
    if isinstance(elapsed, (int, float, Decimal)) and not isinstance(elapsed, bool):
        out["elapsed_ms"] = float(elapsed)
    for key in ("error", "time"):
        if isinstance(value.get(key), str):
            out[key] = value[key]
    return out


def _channel(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    lowered = value.strip().lower()
    lowered = _CHANNEL_ALIASES.get(lowered, lowered)
    return lowered if lowered in CHANNELS else None


def _line_params(obj: dict[str, Any], request: dict[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
    given = obj.get("params")
    if isinstance(given, dict):
        params, wrapper = _unwrap(given)
        return params, wrapper or "object"
    if isinstance(given, str):
        return _params_from_text(given)
    if given is not None:
        raise _Unreadable("params must be an object or a form-encoded string")
    for wrapper in ("req_data", "res_data"):
        if isinstance(obj.get(wrapper), str):
            return _json_object(obj[wrapper], wrapper), wrapper
    if request is not None:
        body_object = request.get("body_object")
        if isinstance(body_object, dict):
            params, wrapper = _unwrap(body_object)
            return params, wrapper or "json"
        body = request.get("body")
        if isinstance(body, str) and body.strip():
            content_type = (request.get("headers") or {}).get("content-type", "")
            return _params_from_text(body, content_type.lower())
    return None, None


def _kind(value: Any) -> str:
    """A line's ``kind`` if it is one golive knows, else ``other`` (a list or object included)."""
    return value if isinstance(value, str) and value in KINDS else "other"


def _record_from_line(obj: Any, file: str, line: int) -> CaptureRecord:
    if not isinstance(obj, dict):
        return CaptureRecord(file, line, broken=True, error="a capture line must be a JSON object")
    kind = obj.get("kind")
    params = obj.get("params")
    if kind == "pay_request" and params.__class__ is dict and "oid_partner" in params and "request" not in obj:
        # The common line, shaped as design.md §5 shows it: no wrapper, no exchange to normalise.
        channel = obj.get("channel")
        if not (channel.__class__ is str and channel in CHANNELS):  # else already as _channel gives it
            channel = _channel(channel) or _pay_channel(params, "object")
        return CaptureRecord(file, line, kind, channel, params, wrapped="object")
    try:
        request = _exchange(obj.get("request"), "request")
        response = _exchange(obj.get("response"), "response")
        params, wrapped = _line_params(obj, request)
    except _Unreadable as exc:
        return CaptureRecord(file, line, kind=_kind(obj.get("kind")), broken=True, error=str(exc))
    if request is not None:
        request.pop("body_object", None)
    if response is not None:
        response.pop("body_object", None)
    kind = obj.get("kind")
    channel = _channel(obj.get("channel"))
    if kind is None:
        found = classify_exchange((request or {}).get("method"), (request or {}).get("url"), params, wrapped)
        kind, inferred = found if found else ("other", None)
        channel = channel or inferred
    else:
        kind = _kind(kind)
    if channel is None and kind == "pay_request" and params is not None:
        channel = _pay_channel(params, wrapped)
    effect = obj.get("effect") if isinstance(obj.get("effect"), dict) else None
    return CaptureRecord(file, line, kind, channel, params, request, response, wrapped=wrapped, effect=effect)


def _pay_channel(params: Mapping[str, Any], wrapped: str | None) -> str | None:
    if wrapped == "req_data" or params.get("app_request") == "3":
        return "wap"
    if "userreq_ip" in params or "timestamp" in params:
        return "web"
    return None


def _skip_rest_of_line(handle: IO[bytes]) -> None:
    while True:
        chunk = handle.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


def _size(count: int) -> str:
    return f"{count // (1024 * 1024)} MiB" if count % (1024 * 1024) == 0 else f"{count} bytes"


def iter_jsonl_records(handle: IO[bytes], display: str, max_line_bytes: int | None = None,
                      wanted: Callable[[bytes], bool] | None = None) -> Iterator[CaptureRecord]:
    """Records of a JSON Lines file. A line over `max_line_bytes` (default `MAX_LINE_BYTES`) is a
    broken record naming its line; it is read past in 1 MiB pieces, never held whole. With
    `wanted`, a line for which ``wanted(raw_bytes)`` is false is passed over unread (a reader that
    looks for a few rare records need not decode every line)."""
    readline = handle.readline
    limit = max_line_bytes or MAX_LINE_BYTES
    number = 0
    while True:
        raw = readline(limit + 1)  # one byte more than the cap: its newline, or proof it is too long
        if not raw:
            return
        number += 1
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if len(raw) > limit and len(raw.rstrip(b"\r\n")) > limit:  # (no copy of the usual line)
            if not raw.endswith(b"\n"):
                _skip_rest_of_line(handle)
            yield CaptureRecord(display, number, broken=True,
                                error=f"line longer than {_size(limit)} (evidence.max_line_bytes), skipped")
            continue
        if raw.isspace() or (wanted is not None and not wanted(raw)):
            continue
        try:
            text = raw.rstrip(b"\r\n").decode("utf-8")
        except UnicodeDecodeError as exc:
            yield CaptureRecord(display, number, broken=True, error=f"line is not UTF-8 (byte {exc.start + 1} of the line)")
            continue
        try:
            obj = _decode(text)
        except safe_json.JSONInputError as exc:
            message = exc.msg if exc.msg.startswith("not valid JSON") else f"not readable JSON: {exc.msg}"
            where = f" at column {exc.colno}" if exc.colno is not None else ""
            yield CaptureRecord(display, number, broken=True, error=message + where)
            continue
        yield _record_from_line(obj, display, number)


_HAR_START = re.compile(rb'\s*\{\s*"log"\s*:')


def _is_har(path: Path, head: bytes) -> bool:
    """``.har`` files, or any file whose JSON document opens with ``{"log":`` (capture lines never do)."""
    if path.suffix.lower() == ".har":
        return True
    return bool(_HAR_START.match(head.removeprefix(b"\xef\xbb\xbf")))


def iter_capture_records(path: Path, display: str, max_line_bytes: int | None = None,
                         wanted: Callable[[bytes], bool] | None = None) -> Iterator[CaptureRecord]:
    """Every record of a capture file (JSON Lines or HAR), streamed. Unreadable file: InputError.
    `max_line_bytes` caps a JSON Lines line (default: the run's ``evidence.max_line_bytes``);
    `wanted` passes over JSON Lines lines unread (`iter_jsonl_records`; HAR entries are all read)."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read capture file: {exc.strerror}", file=display, key="evidence.captures") from None
    with handle:
        head = handle.peek(4096)[:4096] if hasattr(handle, "peek") else b""
        if _is_har(path, head):
            from golive.evidence.har import iter_har_records

            yield from iter_har_records(handle, display)
        else:
            yield from iter_jsonl_records(handle, display, max_line_bytes, wanted)
