"""The sandbox journal as a capture record source: a merchant's real run, read as captured exchanges.

``golive sandbox`` stands where LianLian stands and journals every exchange with the merchant
(golive/sandbox/journal.py). ``golive check --sandbox DIR`` (or ``evidence.sandbox``) hands that
journal to the captures gatherer, which reads it beside the capture files through this module: each
journal event becomes the `CaptureRecord` a capture of the same exchange would be, so the checks
that judge captures (LL-RSK-*, LL-SIG-006/008/010, LL-LIM-004, LL-NTF-009) judge the merchant's
real requests and answers with no test endpoint and no capture made by hand.

=========================  =======================================================================
journal event              capture record
=========================  =======================================================================
``pay_request``            ``pay_request`` (web form, WAP ``req_data``, app order JSON), with the
                           sandbox's answer as ``response`` -- refused ones included
``query``                  ``query`` (order query, bind list, card BIN): the merchant's signed request
``notify_delivery``        ``notify``: the notification as delivered, ``response`` the merchant's ack
                           (status, body, time to the answer; ``error`` when none came). One record
                           per copy and attempt. Left out: copies the sandbox forged on purpose
                           (the ``forged`` scenario: they must be *refused*, which LL-NTF-011 judges
                           with its positive control) and deliveries never sent (not loopback)
``return``                 ``return``: the signed sync-return fields the payer's browser carried
others                     none (payouts are read by the payouts gatherer; cashier choices, runs and
                           unknown paths are not exchanges a capture check judges)
=========================  =======================================================================

Each record's ``source`` is ``sandbox``, ``file`` the journal as the user named it and ``line`` the
event's ``seq`` (``golive-sandbox:57#risk_item`` is event 57). Parameters are decoded from the body
as transmitted, by the same code that reads a JSON Lines capture, so a WAP ``req_data`` or a
nested ``risk_item`` is judged exactly as in a capture. Callbacks (``notify``, ``return``) are
signed by the sandbox's stand-in LianLian key, not LianLian's: they say nothing about whether the
configured LianLian key is LianLian's, so the captures gatherer gives them no sign observation and
LL-SIG-009 leaves them out, saying why. The merchant's own requests are observed as any capture's.

Reading is streamed (`golive.sandbox.journal.read_events`), one event at a time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from golive.evidence.captures import CaptureRecord

__all__ = ["SOURCE", "iter_journal_records", "is_stand_in_callback"]

SOURCE = "sandbox"
_CALLBACKS = frozenset({"notify", "return"})


def is_stand_in_callback(record: Any) -> bool:
    """A callback the sandbox signed as LianLian (with its stand-in key), not one LianLian sent."""
    return getattr(record, "source", None) == SOURCE and getattr(record, "kind", None) in _CALLBACKS


def _headers(pairs: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in pairs or ():
        out.setdefault(str(name).lower(), str(value))
    return out


def _exchange(method: str | None, url: str | None, headers: Any, body: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if method:
        out["method"] = method
    if url:
        out["url"] = url
    if headers:
        out["headers"] = _headers(headers)
    if body is not None:
        out["body"] = body
    return out


def _response(event: Any) -> dict[str, Any] | None:
    out: dict[str, Any] = {}
    if event.status is not None:
        out["status"] = event.status
    if event.response_headers:
        out["headers"] = _headers(event.response_headers)
    if event.response_body is not None and event.status is not None:
        out["body"] = event.response_body
    if event.elapsed_ms is not None:
        out["elapsed_ms"] = event.elapsed_ms
    if event.error:
        out["error"] = event.error
    return out or None


def _line(event: Any) -> dict[str, Any] | None:
    """The capture line (design.md §5 shape) of one journal event, or None when it is not one."""
    from golive.sandbox.journal import MAX_BODY_CHARS, EventKind, Outcome

    kind = event.kind
    if kind is EventKind.PAY_REQUEST:
        line: dict[str, Any] = {"kind": "pay_request", "channel": event.channel}
    elif kind is EventKind.QUERY:
        line = {"kind": "query", "channel": "api"}
    elif kind is EventKind.NOTIFY_DELIVERY:
        if event.forged or event.outcome is Outcome.REFUSED:
            return None
        line = {"kind": "notify"}
    elif kind is EventKind.RETURN:
        line = {"kind": "return", "channel": event.channel}
    else:
        return None
    headers = event.request_headers
    if kind is EventKind.RETURN:  # the browser posts the sandbox's form to url_return
        headers = (("Content-Type", "application/x-www-form-urlencoded"),)
    body = event.request_body
    line["request"] = _exchange(event.method, event.url, headers, body)
    if kind is not EventKind.RETURN:
        response = _response(event)
        if response is not None:
            line["response"] = response
    if body is None or len(body) >= MAX_BODY_CHARS:
        # No body, or the journal kept only its first MiB: the fields the sandbox read stand in.
        line["params"] = dict(event.params) if event.params else None
    return line


def iter_journal_records(path: Path, written: str) -> Iterator[CaptureRecord]:
    """The capture records of the journal at `path` (a state directory or its ``sandbox.sqlite3``),
    in event order, named `written` (as the user wrote it). An unreadable journal raises
    `golive.sandbox.journal.JournalError` (a ValueError naming the file) before the first record."""
    from golive.evidence.captures import _record_from_line  # the JSON Lines reader: one decoding for both
    from golive.sandbox.journal import EventKind, read_events

    kinds = (EventKind.PAY_REQUEST, EventKind.QUERY, EventKind.NOTIFY_DELIVERY, EventKind.RETURN)
    for event in read_events(path, kinds=kinds):
        line = _line(event)
        if line is None:
            continue
        record = _record_from_line(line, written, event.seq)
        record.source = SOURCE
        yield record
