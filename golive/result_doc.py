"""A result document from outside (`golive report --from`, the result embedded in a report that
`golive verify-report` re-renders): its structure checked, then the one redaction pass applied.

`validate_result` checks every key a reporter reads, at every depth, against the golive.result/1
shape (design.md §6): the required keys (schema, verdict, checks; per check id, status, severity,
item and title; per finding its message; per waiver its approver, expiry and justification) and
the type of every optional key that is present. Keys it does not know are allowed (a newer golive
may add some) and optional keys may be missing (an older golive may lack them). A document that
does not fit is bad input: `InputError` naming the file and the key path
(``checks[3].findings[0].location.line``), exit code 2 -- never a traceback in a reporter.

`accept_result` is what the commands call: validate, then `golive.redact.redact_result`, so a
result from outside is masked exactly as one golive made (the pass is idempotent, so a result
golive wrote comes through unchanged).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from golive.errors import InputError

RESULT_SCHEMA = "golive.result/1"  # the same constant as golive.engine.RESULT_SCHEMA (kept import-light)
STATUSES = ("pass", "fail", "error", "not_applicable", "manual", "waived", "skipped")
SEVERITIES = ("blocker", "high", "medium", "low", "info")
VERDICTS = ("ready", "not_ready", "incomplete")

Spec = Callable[[Any, str], None]


class _Mismatch(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


def _kind(value: Any) -> str:
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


def _type(expected: str, test: Callable[[Any], bool]) -> Spec:
    def check(value: Any, path: str) -> None:
        if not test(value):
            raise _Mismatch(path, f"expected {expected}, got {_kind(value)}")
    return check


STRING = _type("a string", lambda v: isinstance(v, str))
INTEGER = _type("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool))
NUMBER = _type("a number", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
BOOLEAN = _type("true or false", lambda v: isinstance(v, bool))
SCALAR = _type("a string or a number", lambda v: isinstance(v, (str, int, float)) and not isinstance(v, bool))


def ANY(value: Any, path: str) -> None:  # noqa: N802 - reads as a type in the specs below
    """Anything JSON can hold (evidence: the HTML reporter shows any shape)."""


def optional(spec: Spec) -> Spec:
    """The key may also be null."""
    def check(value: Any, path: str) -> None:
        if value is None:
            return
        try:
            spec(value, path)
        except _Mismatch as exc:
            if exc.path == path and exc.message.startswith("expected ") and ", got " in exc.message:
                expected, got = exc.message.split(", got ", 1)
                raise _Mismatch(path, f"{expected} or null, got {got}") from None
            raise
    return check


def one_of(*allowed: str) -> Spec:
    def check(value: Any, path: str) -> None:
        if value not in allowed:
            raise _Mismatch(path, f"expected one of {', '.join(allowed)}, got {_kind(value)}")
    return check


def array(item: Spec) -> Spec:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _Mismatch(path, f"expected a list, got {_kind(value)}")
        for index, element in enumerate(value):
            item(element, f"{path}[{index}]")
    return check


def mapping(values: Spec) -> Spec:
    """An object whose keys are names (counts by status, timings by step)."""
    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _Mismatch(path, f"expected an object, got {_kind(value)}")
        for key, element in value.items():
            values(element, f"{path}.{key}" if path else str(key))
    return check


def obj(fields: Mapping[str, Spec], required: tuple[str, ...] = ()) -> Spec:
    """An object with these keys (others allowed); `required` ones must be present."""
    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _Mismatch(path, f"expected an object, got {_kind(value)}")
        for key in required:
            if key not in value:
                raise _Mismatch(f"{path}.{key}" if path else key, "required key missing")
        for key, spec in fields.items():
            if key in value:
                spec(value[key], f"{path}.{key}" if path else key)
    return check


def _text(value: Any, path: str) -> None:
    """A bilingual text {"zh", "en"} or a plain string."""
    if isinstance(value, str):
        return
    if not isinstance(value, dict):
        raise _Mismatch(path, f"expected a text (a string or {{\"zh\": ..., \"en\": ...}}), got {_kind(value)}")
    for lang in ("zh", "en"):
        if lang in value:
            optional(STRING)(value[lang], f"{path}.{lang}")


TEXT: Spec = _text
LOCATION = obj({"file": optional(STRING), "line": optional(INTEGER), "pointer": optional(STRING),
                "text": optional(STRING)})
FINDING = obj({"message": TEXT, "location": optional(LOCATION), "severity": optional(one_of(*SEVERITIES)),
               "uncertain": optional(BOOLEAN), "data": optional(obj({}))}, required=("message",))
WAIVER = obj({"check": optional(STRING), "approver": STRING, "expires": STRING, "justification": STRING,
              "active": optional(BOOLEAN), "source": optional(STRING)},
             required=("approver", "expires", "justification"))
CHECK = obj({
    "id": STRING, "status": one_of(*STATUSES), "severity": one_of(*SEVERITIES), "item": STRING, "title": TEXT,
    "rationale": optional(TEXT), "remediation": optional(TEXT), "references": optional(array(STRING)),
    "checked": optional(TEXT), "reason": optional(TEXT), "findings": array(FINDING), "evidence": optional(array(ANY)),
    "waiver": optional(WAIVER), "expired_waiver": optional(WAIVER), "duration_ms": optional(NUMBER),
}, required=("id", "status", "severity", "item", "title"))
REASON = obj({"kind": STRING, "check": optional(STRING), "severity": optional(STRING), "item": optional(STRING),
              "title": optional(TEXT)}, required=("kind",))
SUMMARY = obj({
    "fail_on": optional(one_of(*SEVERITIES)), "counts": mapping(INTEGER),
    "items": optional(mapping(obj({"title": optional(TEXT), "statuses": optional(array(STRING)),
                                   "status": optional(STRING)}))),
    "reasons": array(REASON),
})
PROVENANCE = obj({
    "run_id": optional(STRING), "config_file": optional(STRING), "config_sha256": optional(STRING),
    "tool_version": optional(STRING), "python": optional(STRING), "time": optional(STRING),
    "profile": optional(STRING), "environment": optional(STRING), "probe": optional(BOOLEAN),
    "online": optional(BOOLEAN), "probe_targets": optional(array(STRING)),
    "inputs": optional(array(obj({"kind": optional(STRING), "file": optional(STRING), "bytes": optional(INTEGER)}))),
    "timings_s": optional(mapping(NUMBER)),
})
RESULT = obj({
    "schema": ANY,  # checked first, with its own message
    "tool": obj({"name": optional(STRING), "version": optional(STRING)}),
    "merchant": obj({"oid_partner": optional(SCALAR), "name": optional(STRING), "environment": optional(STRING),
                     "channels": optional(array(STRING)), "frms_ware_category": optional(SCALAR),
                     "sign_type": optional(STRING), "notify_sign_type": optional(STRING)}),
    "profile": obj({"name": optional(STRING), "title": optional(TEXT)}),
    "verdict": one_of(*VERDICTS),
    "summary": SUMMARY,
    "checks": array(CHECK),
    "waivers": optional(array(obj({"check": optional(STRING), "approver": optional(STRING),
                                   "expires": optional(STRING), "justification": optional(STRING)}))),
    "evidence": optional(mapping(optional(obj({"state": optional(STRING), "source": optional(STRING),
                                               "reason": optional(TEXT)})))),
    "provenance": PROVENANCE,
}, required=("schema", "verdict", "checks"))


def validate_result(data: Any, source: str) -> None:
    """Raise InputError (file `source`, key = the path that is wrong) unless `data` has the
    golive.result/1 shape every reporter relies on."""
    if not isinstance(data, dict):
        raise InputError(f"not a golive result: expected a JSON object with \"schema\": \"{RESULT_SCHEMA}\"",
                         file=source)
    if data.get("schema") != RESULT_SCHEMA:
        raise InputError(f"not a golive result: schema is {data.get('schema')!r}, expected {RESULT_SCHEMA!r}",
                         file=source, key="schema")
    try:
        RESULT(data, "")
    except _Mismatch as exc:
        raise InputError(f"not a valid {RESULT_SCHEMA} result: {exc.message}", file=source, key=exc.path) from None


def accept_result(data: Any, source: str) -> dict[str, Any]:
    """A result from outside, ready for the reporters: structure checked, personal data masked."""
    from golive.redact import redact_result

    validate_result(data, source)
    return redact_result(data)
