"""The result of a golive run, typed and versioned: the one thing every reporter renders.

`Result` and the frozen dataclasses under it are the contract between the engine and the
reporters (design.md §6). They are the single source of truth for three things:

* the JSON document (`Result.to_json` / `Result.from_json`), schema ``golive.result/2``;
* its JSON Schema (`json_schema`, printed by ``golive schema --result``), generated from the
  dataclasses below (golive.result_codec does the generic work), so the published schema cannot
  drift from what golive writes;
* the checks of a document from outside (``golive report --from``, ``golive verify-report``):
  `from_json` checks every key at every depth and raises one `InputError` naming the file and
  the key path (``checks[3].findings[0].location.line``) -- never a traceback in a reporter.

The engine computes every judgement and stores it here: each check's status and whether it
counts for the gate (`CheckEntry.gating`), each go-live item's heading state
(`ItemSummary.state`: ``pending`` for pre-release items in integration, ``not_judged`` for items
nobody judged or that were deselected, ``attested`` for a business the merchant declared it does
not have), the six staff-summary rows (`StaffRow`), a bilingual
sentence per verdict reason (`VerdictReason.text`) and the attestations staff must see
(`AttestationRow`). Reporters only format those fields; they import this module and nothing of
the engine.

``golive.result/1`` (golive before this model) is still read: `from_json` fills what a v1
document may lack (per class, `_V1`), then `golive.result_v1.upgrade` computes the judgements v1
did not store with the same functions the engine uses (golive.verdict). Unknown keys are
ignored, so a newer golive's additions do not make a result unreadable.

This module imports only the standard library and golive.errors: reporters and ``golive
report`` load it without the engine, the registry or any check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Mapping, get_args

from golive.errors import InputError
from golive.result_codec import Mismatch, decode, encode, join, kind_of, schema_of
from golive.result_codec import map_strings as map_strings  # reporters escape a whole result with it

RESULT_SCHEMA = "golive.result/2"
RESULT_SCHEMA_V1 = "golive.result/1"
READABLE_SCHEMAS = (RESULT_SCHEMA, RESULT_SCHEMA_V1)
SCHEMA_ID = "https://golive.dev/schema/golive.result-2.json"

# -- the closed vocabularies -------------------------------------------------------------------------

Status = Literal["pass", "fail", "error", "not_applicable", "manual", "waived", "skipped"]
Severity = Literal["blocker", "high", "medium", "low", "info"]
VerdictValue = Literal["ready", "not_ready", "incomplete"]
# An item heading: its worst check status, or what the engine says instead of a tick.
ItemState = Literal["pass", "fail", "error", "not_applicable", "manual", "waived", "skipped", "pending", "not_judged",
                    "attested"]
StaffState = Literal["ok", "fail", "error", "manual", "waived", "pending", "not_judged", "attested"]
ReasonKind = Literal["fail", "error", "manual", "uncovered", "deselected"]
AttestationState = Literal["attested", "awaiting"]

STATUSES: tuple[Status, ...] = get_args(Status)
SEVERITIES: tuple[Severity, ...] = get_args(Severity)  # worst first
VERDICTS: tuple[VerdictValue, ...] = get_args(VerdictValue)

JSON = Any
"""Any JSON value: evidence entries and finding data, which checks shape as they need."""


def severity_rank(severity: str) -> int:
    """Higher is worse (blocker 5 ... info 1); 0 for anything else."""
    return len(SEVERITIES) - SEVERITIES.index(severity) if severity in SEVERITIES else 0


def location_text(file: str | None, line: int | None, pointer: str | None) -> str:
    """``file:line#pointer``, as a finding's location is shown (golive.model.Location writes the same)."""
    text = file or ""
    if line is not None:
        text += f":{line}"
    if pointer:
        text += f"#{pointer}"
    return text


def _doc(text: str, **kwargs: Any) -> Any:
    """A dataclass field with a description for the published JSON Schema."""
    return field(metadata={"doc": text}, **kwargs)


class _Model:
    """Base of the result classes: what a golive.result/1 document may lack (`_V1`, raw JSON
    defaults that are then checked like any value) and how to read it anyway (`_from_v1`)."""

    _V1: ClassVar[Mapping[str, JSON]] = {}
    _V1_NOT_NULL: ClassVar[frozenset[str]] = frozenset()  # keys v1 let be missing, but not null

    @classmethod
    def _from_v1(cls, raw: dict[str, JSON]) -> dict[str, JSON]:
        # v1 allowed null for most optional keys: null there means "missing" too.
        return {**cls._V1, **{k: v for k, v in raw.items()
                              if not (v is None and k in cls._V1 and k not in cls._V1_NOT_NULL)}}


# -- the classes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A bilingual text. The reports are Chinese by default, English with ``--lang en``."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language when it is empty."""
        return (self.en if lang == "en" else self.zh) or self.zh or self.en

    @classmethod
    def decode_json(cls, raw: JSON, path: str, legacy: bool) -> Text:
        """``{"zh": ..., "en": ...}``; golive.result/1 also allowed a plain string, and either
        language missing or null (the other one stands in)."""
        if legacy and isinstance(raw, str):
            return cls(raw, raw)
        if not isinstance(raw, dict):
            raise Mismatch(path, f"expected a text (a string or {{\"zh\": ..., \"en\": ...}}), got {kind_of(raw)}"
                           if legacy else f"expected a text ({{\"zh\": ..., \"en\": ...}}), got {kind_of(raw)}")
        values: dict[str, str] = {}
        for lang in ("zh", "en"):
            value = raw.get(lang)
            if legacy and value is None:
                continue
            if lang not in raw:
                raise Mismatch(join(path, lang), "required key missing")
            if not isinstance(value, str):
                raise Mismatch(join(path, lang), f"expected a string, got {kind_of(value)}")
            values[lang] = value
        zh, en = values.get("zh") or values.get("en") or "", values.get("en") or values.get("zh") or ""
        return cls(zh, en)


@dataclass(frozen=True, kw_only=True)
class Tool(_Model):
    """The program that wrote the result."""

    _V1 = {"name": "golive", "version": ""}
    name: str
    version: str


@dataclass(frozen=True, kw_only=True)
class Merchant(_Model):
    """The merchant the result judges, from golive.yaml (``merchant:`` and ``signing:``)."""

    _V1 = {"oid_partner": None, "name": None, "environment": "", "channels": [], "frms_ware_category": None,
           "sign_type": None, "notify_sign_type": None}
    oid_partner: str | None = _doc("18-digit merchant number")
    name: str | None
    environment: str = _doc("integration or production")
    channels: tuple[str, ...]
    frms_ware_category: str | None
    sign_type: str | None
    notify_sign_type: str | None

    @classmethod
    def _from_v1(cls, raw: dict[str, JSON]) -> dict[str, JSON]:
        out = super()._from_v1(raw)
        for key in ("oid_partner", "frms_ware_category"):  # v1 let a YAML number through
            if isinstance(out.get(key), (int, float)) and not isinstance(out.get(key), bool):
                out[key] = str(out[key])
        return out


@dataclass(frozen=True, kw_only=True)
class Profile(_Model):
    """The merchant-type profile the risk fields were judged against (golive profiles)."""

    _V1 = {"name": "", "title": None, "extends": [], "categories": [], "required_fields": [],
           "recommended_fields": [], "optional_fields": [], "identity_required": False}
    name: str
    title: Text | None
    extends: tuple[str, ...]
    categories: tuple[str, ...]
    required_fields: tuple[str, ...]
    recommended_fields: tuple[str, ...]
    optional_fields: tuple[str, ...]
    identity_required: bool


@dataclass(frozen=True, kw_only=True)
class Location(_Model):
    """Where a finding points: a config key, a capture record and field, a ledger row."""

    _V1 = {"file": None, "line": None, "pointer": None}
    file: str | None
    line: int | None
    pointer: str | None = _doc("config key or capture field")
    text: str = _doc("file:line#pointer")

    @classmethod
    def _from_v1(cls, raw: dict[str, JSON]) -> dict[str, JSON]:
        out = super()._from_v1(raw)
        if out.get("text") is None:
            file, line, pointer = out.get("file"), out.get("line"), out.get("pointer")
            if all(v is None or isinstance(v, str) for v in (file, pointer)) and \
                    (line is None or (isinstance(line, int) and not isinstance(line, bool))):
                out["text"] = location_text(file, line, pointer)
        return out


@dataclass(frozen=True, kw_only=True)
class Finding(_Model):
    """One concrete problem a check found. `data` is already redacted."""

    _V1 = {"location": None, "uncertain": False, "data": {}}
    message: Text
    location: Location | None
    severity: Severity
    uncertain: bool = _doc("the rule rests on a fact protocol.md marks UNCERTAIN")
    data: Mapping[str, JSON]


@dataclass(frozen=True, kw_only=True)
class Waiver(_Model):
    """A failed check accepted until a date, with a justification and an approver."""

    _V1 = {"check": "", "active": True, "source": None}
    check: str
    justification: str
    approver: str
    expires: str = _doc("YYYY-MM-DD")
    active: bool = _doc("not expired on the day of the run")
    source: str | None = _doc("the waivers file")


@dataclass(frozen=True, kw_only=True)
class Attestation(_Model):
    """A merchant's declaration that it has no such business (``scope.<name>.offered: false``)."""

    _V1 = {"offered": False, "note": None}
    scope: str
    offered: bool
    attested_by: str
    date: str
    note: str | None
    key: str = _doc("the golive.yaml key of the declaration")


@dataclass(frozen=True, kw_only=True)
class CheckEntry(_Model):
    """One check of the catalogue and what the engine made of it."""

    _V1 = {"rationale": None, "remediation": None, "references": [], "checked": None, "reason": None,
           "findings": [], "evidence": [], "waiver": None, "expired_waiver": None, "attestation": None,
           "duration_ms": 0.0, "gating": False}
    _V1_NOT_NULL = frozenset({"findings"})
    id: str
    status: Status
    severity: Severity = _doc("effective severity: the profile's override, a failure's worst finding")
    item: str = _doc("the go-live item (a key of summary.items)")
    title: Text
    rationale: Text
    remediation: Text
    references: tuple[str, ...]
    checked: Text | None = _doc("what a clean judgement looked at")
    reason: Text | None = _doc("why it could not be judged, does not apply, or awaits an attestation")
    findings: tuple[Finding, ...]
    evidence: tuple[JSON, ...] = _doc("HTTP exchanges, capture records, counters: any JSON the check kept")
    waiver: Waiver | None
    expired_waiver: Waiver | None
    attestation: Attestation | None = _doc("the scope declaration that made the check not apply")
    duration_ms: float
    gating: bool = _doc("its severity is at or above --fail-on: failing, erroring or awaiting an attestation "
                        "holds the verdict")

    @classmethod
    def _from_v1(cls, raw: dict[str, JSON]) -> dict[str, JSON]:
        out = super()._from_v1(raw)
        # Metadata v1 may lack: empty here, filled from the catalogue by golive.result_v1.upgrade.
        for key in ("rationale", "remediation"):
            if out.get(key) is None:
                out[key] = {"zh": "", "en": ""}
        # A v1 finding without a severity has the check's.
        severity, findings = out.get("severity"), out.get("findings")
        if isinstance(findings, list) and severity in SEVERITIES:
            out["findings"] = [{**f, "severity": severity} if isinstance(f, dict) and f.get("severity") is None else f
                               for f in findings]
        return out


@dataclass(frozen=True, kw_only=True)
class ItemSummary(_Model):
    """One go-live item: its checks' statuses and the state its heading shows."""

    _V1 = {"title": {"zh": "", "en": ""}, "statuses": [], "status": "not_applicable", "state": "not_judged"}
    title: Text
    statuses: tuple[Status, ...] = _doc("the statuses of its checks, in catalogue order")
    status: Status = _doc("the worst of them (fail > error > manual > waived > pass > not_applicable > skipped)")
    state: ItemState = _doc("what the heading shows: the status, or where that would mislead pending (a "
                            "pre-release item in integration), not_judged (no check judged it, or its checks were "
                            "deselected) or attested (the merchant declared it has no such business, scope.*)")


@dataclass(frozen=True, kw_only=True)
class VerdictReason(_Model):
    """One reason the verdict is what it is."""

    _V1 = {"check": None, "severity": None, "item": None, "title": None, "text": {"zh": "", "en": ""}}
    kind: ReasonKind = _doc("fail/error/manual: a check at or above the gate; uncovered/deselected: a go-live "
                            "item no check judged")
    check: str | None
    severity: Severity | None
    item: str | None
    title: Text | None = _doc("the item's title (uncovered, deselected)")
    text: Text = _doc("the reason as one sentence")


@dataclass(frozen=True, kw_only=True)
class StaffRow(_Model):
    """One of the six points LianLian's staff read first (审核1-3, 发布前1-3)."""

    # (Not "key": the redaction pass treats a value under "key" as a secret unless it is a config key.)
    id: str = _doc("review1..3, release1..3")
    item: str
    label: Text
    question: Text
    state: StaffState = _doc("ok needs a check that passed and none that failed, errored or awaits an attestation")
    note: Text


@dataclass(frozen=True, kw_only=True)
class AttestationRow(_Model):
    """An attestation staff must see: given (by whom, when) or still awaited."""

    check: str
    title: Text
    state: AttestationState
    attested_by: str
    date: str
    note: Text


@dataclass(frozen=True, kw_only=True)
class Summary(_Model):
    """Counts, the go-live items, and the engine's judgements for the report's first page."""

    _V1 = {"fail_on": "high", "counts": {}, "items": {}, "reasons": [], "staff": [], "attestations": []}
    _V1_NOT_NULL = frozenset({"counts", "reasons"})
    fail_on: Severity = _doc("the gate threshold (--fail-on)")
    counts: Mapping[str, int] = _doc("checks per status")
    items: Mapping[str, ItemSummary] = _doc("every go-live item, in the guide's order")
    reasons: tuple[VerdictReason, ...]
    staff: tuple[StaffRow, ...]
    attestations: tuple[AttestationRow, ...]


@dataclass(frozen=True, kw_only=True)
class EvidenceState(_Model):
    """How gathering one kind of evidence went."""

    _V1 = {"state": "", "source": None, "reason": None}
    state: str = _doc("ok, missing or failed")
    source: str | None
    reason: Text | None


@dataclass(frozen=True, kw_only=True)
class InputFile(_Model):
    """A capture or ledger file that was read."""

    _V1 = {"kind": "", "file": "", "bytes": 0, "records": 0, "unreadable": 0, "first_unreadable": None}
    kind: str
    file: str
    bytes: int
    records: int
    unreadable: int = _doc("lines or rows that could not be read and were skipped")
    first_unreadable: str | None


@dataclass(frozen=True, kw_only=True)
class Selection(_Model):
    """What --select/--skip (and profiles) left out of the run."""

    _V1 = {"select": None, "skip": [], "skipped_checks": [], "items_without_judgement": []}
    select: tuple[str, ...] | None
    skip: tuple[str, ...]
    skipped_checks: tuple[str, ...]
    items_without_judgement: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Demo(_Model):
    """`golive demo`: the demo merchant's defects and address."""

    defects: tuple[str, ...]
    merchant: str


@dataclass(frozen=True, kw_only=True)
class SavedEvidenceNote(_Model):
    """Evidence saved by this run (--save-evidence) or the saved evidence it judged (--from-evidence)."""

    saved_to: str | None = None
    replayed_from: str | None = None
    saved_with: str | None = _doc("the golive version that saved the evidence", default=None)
    original_verdict: str | None = _doc("the verdict of the run that saved it", default=None)


@dataclass(frozen=True, kw_only=True)
class Provenance(_Model):
    """What staff need to trace the run: config hash, tool, time, inputs, probe targets."""

    _V1 = {"run_id": "", "config_file": "", "config_sha256": "", "tool_version": "", "python": "", "time": "",
           "profile": "", "environment": "", "probe": False, "online": False, "probe_targets": [], "selection": None,
           "inputs": [], "timings_s": {}, "demo": None}
    run_id: str = _doc("names this run in every report file")
    config_file: str
    config_sha256: str
    tool_version: str
    python: str
    time: str = _doc("ISO 8601 with offset")
    profile: str
    environment: str
    probe: bool
    online: bool
    probe_targets: tuple[str, ...]
    selection: Selection | None = _doc("null for a full run")
    inputs: tuple[InputFile, ...]
    timings_s: Mapping[str, float]
    demo: Demo | None = None
    saved_evidence: SavedEvidenceNote | None = None


@dataclass(frozen=True, kw_only=True)
class Result(_Model):
    """A golive run: the merchant, the verdict, every check, and where it all came from."""

    _V1 = {"tool": {}, "merchant": {}, "profile": {}, "summary": {}, "waivers": [], "evidence": {}, "provenance": {}}
    _V1_NOT_NULL = frozenset({"tool", "merchant", "profile", "summary", "provenance"})
    schema: str = _doc(RESULT_SCHEMA)
    tool: Tool
    merchant: Merchant
    profile: Profile
    verdict: VerdictValue
    summary: Summary
    checks: tuple[CheckEntry, ...]
    waivers: tuple[Waiver, ...]
    evidence: Mapping[str, EvidenceState]
    provenance: Provenance

    @classmethod
    def _from_v1(cls, raw: dict[str, JSON]) -> dict[str, JSON]:
        out = super()._from_v1(raw)
        if isinstance(out.get("evidence"), dict):  # v1 allowed a null entry; reporters skipped it
            out["evidence"] = {k: v for k, v in out["evidence"].items() if v is not None}
        return out

    # -- JSON ------------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, JSON]:
        """The JSON document (key order as declared), ready for json.dumps."""
        return encode(self)  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, data: JSON, source: str) -> Result:
        """A result document (golive.result/2, or /1 upgraded) with every key checked.

        InputError names `source` and the key path on anything that does not fit."""
        if not isinstance(data, dict):
            raise InputError(f"not a golive result: expected a JSON object with \"schema\": \"{RESULT_SCHEMA}\"",
                             file=source)
        schema = data.get("schema")
        if schema not in READABLE_SCHEMAS:
            raise InputError(f"not a golive result: schema is {schema!r}, expected {RESULT_SCHEMA!r} "
                             f"(or {RESULT_SCHEMA_V1!r})", file=source, key="schema")
        legacy = schema == RESULT_SCHEMA_V1
        try:
            result: Result = decode(Result, data, "", legacy)
            if legacy:
                from golive.result_v1 import upgrade

                result = upgrade(result)
            _check_consistency(result)
        except Mismatch as exc:
            raise InputError(f"not a valid {schema} result: {exc.message}", file=source, key=exc.path) from None
        return result

    # -- reading helpers for reporters (no judgement: the engine made every one) --------------------

    def checks_by_item(self) -> list[tuple[str, ItemSummary, list[CheckEntry]]]:
        """The go-live items that have checks, in the guide's order (summary.items), with their checks."""
        groups: dict[str, list[CheckEntry]] = {}
        for check in self.checks:
            groups.setdefault(check.item, []).append(check)
        return [(item, summary, groups[item]) for item, summary in self.summary.items.items() if item in groups]

    def item_title(self, item: str) -> Text:
        summary = self.summary.items.get(item)
        return summary.title if summary else Text(item, item)


def _check_consistency(result: Result) -> None:
    """What the types alone cannot say and reporters rely on: every check's item is a go-live item
    of the summary, so grouping by item loses no check."""
    for index, check in enumerate(result.checks):
        if check.item not in result.summary.items:
            raise Mismatch(f"checks[{index}].item", f"{check.item!r} is not an item of summary.items")


# -- JSON Schema -----------------------------------------------------------------------------------------


def json_schema() -> dict[str, JSON]:
    """The JSON Schema (draft 2020-12) of golive.result/2, generated from the classes above."""
    definitions: dict[str, Any] = {}
    schema_of(Result, definitions)
    definitions["Result"]["properties"]["schema"] = {"const": RESULT_SCHEMA, "description": "the schema id"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": RESULT_SCHEMA,
        "description": "The result of `golive check` (result.json, the data block of report.html). "
                       "Generated from golive/result.py.",
        "$ref": "#/$defs/Result",
        "$defs": definitions,
    }


# -- the words for the values above, in both languages (reporters and the engine's sentences) -------------

STATUS_LABEL: Mapping[str, Text] = {
    "pass": Text("通过", "Pass"),
    "fail": Text("未通过", "Fail"),
    "error": Text("无法判定", "Could not judge"),
    "not_applicable": Text("不适用", "Not applicable"),
    "manual": Text("待人工确认", "Needs attestation"),
    "waived": Text("已豁免", "Waived"),
    "skipped": Text("未选中", "Skipped"),
}
SEVERITY_LABEL: Mapping[str, Text] = {
    "blocker": Text("阻断", "Blocker"),
    "high": Text("高", "High"),
    "medium": Text("中", "Medium"),
    "low": Text("低", "Low"),
    "info": Text("提示", "Info"),
}
# state -> (mark, label): the staff summary and the item headings that withhold a tick.
STAFF_STATE: Mapping[str, tuple[str, Text]] = {
    "ok": ("✔", Text("通过", "Pass")),
    "fail": ("✘", Text("未通过", "Fail")),
    "error": ("!", Text("无法判定", "Could not judge")),
    "manual": ("?", Text("待人工确认", "Needs attestation")),
    "waived": ("~", Text("已豁免", "Waived")),
    "pending": ("…", Text("待上线前确认", "Confirm before release")),
    "not_judged": ("–", Text("未判定", "Not judged")),
    "attested": ("○", Text("不适用（已声明）", "Not applicable (attested)")),
}


def status_label(status: str, lang: str) -> str:
    label = STATUS_LABEL.get(status)
    return label.get(lang) if label else status


def severity_label(severity: str, lang: str) -> str:
    label = SEVERITY_LABEL.get(severity)
    return label.get(lang) if label else severity
