"""Shared base for checks that judge captured records one by one (`CaptureJudge`).

It does the bookkeeping every capture check needs, so that each check module holds only its rule:

* broken records are counted and listed (up to `max_notes`) as *skipped-record notes* in the
  judgement's evidence -- never as failures, never as judged;
* records of other kinds are ignored (`kinds`), and a run in which no record of the wanted kinds
  could be judged ends as `cannot_judge` (so the check errors instead of passing);
* findings are grouped by rule: the first `per_rule_limit` of each rule are listed, the rest are
  counted (``not_listed`` in the evidence), so a 100,000-record capture with one systematic mistake
  gives a readable report and stays cheap (`unlisted` lets a check skip building the messages
  nobody will read); `Reducer.add`'s overall cap still applies;
* `value_text` shows a value redacted (golive.redact) and shortened, for finding messages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from golive.evidence.bundle import EvidenceView
from golive.evidence.captures import CaptureRecord
from golive.model import Context, Finding, Judgement, Reducer, Severity, Text
from golive.redact import redact_value

__all__ = ["KIND_NAMES", "CaptureJudge", "Fanout", "json_kind", "value_text"]

KIND_NAMES: dict[str, Text] = {
    "pay_request": Text("支付请求", "pay requests"),
    "notify": Text("异步通知", "notifications"),
    "return": Text("同步返回", "returns"),
    "withdraw": Text("提现请求", "withdrawals"),
    "query": Text("查询请求", "queries"),
    "other": Text("其他请求", "other requests"),
}


def json_kind(value: Any) -> str:
    """The JSON type name of a decoded value: string, number, boolean, null, object or array."""
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "number"


def value_text(field: str, value: Any, limit: int = 60) -> str:
    """A value as a finding may show it: personal data masked (by field name), long text shortened.

    Objects and lists are named, not shown; scalars of any JSON type are masked like strings, since
    an ID number sent as a JSON number is still an ID number.
    """
    if isinstance(value, dict):
        return "<object>"
    if isinstance(value, list):
        return "<array>"
    if value is True or value is False:
        return "true" if value else "false"
    shown = str(redact_value(field, value if isinstance(value, str) else str(value)))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


class CaptureJudge(Reducer):
    """A Reducer over capture records; subclasses implement `judge_record` and `summary`."""

    kinds: ClassVar[frozenset[str]] = frozenset({"pay_request"})
    subject: ClassVar[Text | None] = None  # what the judged records are called; default: by kind
    per_rule_limit: ClassVar[int] = 5
    max_notes: ClassVar[int] = 20

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        super().__init__(evidence, ctx)
        self.judged = 0
        self.broken = 0
        self.unjudgeable = 0  # records of our kinds that could not be judged (e.g. no key)
        self.notes: list[dict[str, Any]] = []
        self.not_listed: dict[str, int] = {}
        self._per_rule: dict[str, int] = {}

    # -- feeding ---------------------------------------------------------------------------------
    def feed(self, record: CaptureRecord) -> None:
        if record.broken:
            self.broken += 1
            self.note(record, record.error or "broken record")
            return
        if record.kind not in self.kinds:
            return
        if record.params is None:
            self.skip(record, "no parameters in this record")
            return
        if self.judge_record(record) is not False:
            self.judged += 1

    def judge_record(self, record: CaptureRecord) -> bool | None:  # pragma: no cover - interface
        """Judge one record; return False when it could not be judged (then call `skip`)."""
        raise NotImplementedError

    def note(self, record: CaptureRecord, why: str) -> None:
        if len(self.notes) < self.max_notes:
            self.notes.append({"location": str(record.location()), "reason": why})

    def skip(self, record: CaptureRecord, why: str) -> None:
        self.unjudgeable += 1
        self.note(record, why)

    # -- findings --------------------------------------------------------------------------------
    def will_list(self, rule: str) -> bool:
        """True if the next finding under `rule` will be listed (worth an expensive message)."""
        return self._per_rule.get(rule, 0) < self.per_rule_limit

    def unlisted(self, rule: str) -> bool:
        """Count the next finding under `rule` as `report` would when it will not be listed, and
        say so (True): the caller then builds no message for it. False: nothing counted, call
        `report`. For a mistake repeated on every record of a large capture::

            if not self.unlisted(rule):
                self.report(rule, Text(...), record, pointer)
        """
        count = self._per_rule.get(rule, 0)
        if count < self.per_rule_limit:
            return False
        self._per_rule[rule] = count + 1
        self.not_listed[rule] = self.not_listed.get(rule, 0) + 1
        return True

    def report(self, rule: str, message: Text, record: CaptureRecord, pointer: str | None = None, *,
               severity: Severity | None = None, uncertain: bool = False, **data: Any) -> None:
        """Add a finding under `rule`; beyond `per_rule_limit` per rule it is only counted."""
        count = self._per_rule.get(rule, 0) + 1
        self._per_rule[rule] = count
        if count > self.per_rule_limit:
            self.not_listed[rule] = self.not_listed.get(rule, 0) + 1
            return
        self.add(Finding(message, record.location(pointer), severity=severity, uncertain=uncertain, data=data))

    # -- conclusion ------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """Check-specific evidence (counts etc.); merged into the judgement's evidence."""
        return {}

    def conclude(self, what: Text) -> Judgement:
        kinds = sorted(self.kinds)
        zh_kinds = self.subject.zh if self.subject else "、".join(KIND_NAMES[k].zh for k in kinds)
        en_kinds = self.subject.en if self.subject else ", ".join(KIND_NAMES[k].en for k in kinds)
        evidence: dict[str, Any] = {
            "kind": "captures",
            "records_judged": self.judged,
            "broken_records": self.broken,
            "records_not_judged": self.unjudgeable,
            **self.summary(),
        }
        if self.notes:
            evidence["skipped"] = list(self.notes)
        if self.not_listed or self.dropped_findings:
            evidence["findings_not_listed"] = {**self.not_listed, **({"over_cap": self.dropped_findings} if self.dropped_findings else {})}
        skipped_zh = f"；跳过 {self.broken} 条损坏记录" if self.broken else ""
        skipped_en = f"; {self.broken} broken record(s) skipped" if self.broken else ""
        if self.unjudgeable:
            skipped_zh += f"；{self.unjudgeable} 条无法判断"
            skipped_en += f"; {self.unjudgeable} could not be judged"
        if self.judged == 0:
            return Judgement.cannot_judge(
                Text(f"抓包中没有可判断的{zh_kinds}{skipped_zh}", f"no {en_kinds} in the captures could be judged{skipped_en}"),
                evidence=(evidence,),
            )
        not_listed = sum(self.not_listed.values()) + self.dropped_findings
        more_zh = f"；另有 {not_listed} 条同类问题未逐条列出" if not_listed else ""
        more_en = f"; {not_listed} more finding(s) of the same kinds not listed" if not_listed else ""
        checked = Text(f"{what.zh}：{self.judged} 条{zh_kinds}{skipped_zh}{more_zh}",
                       f"{what.en}: {self.judged} {en_kinds}{skipped_en}{more_en}")
        return Judgement.from_findings(self.findings, checked, (evidence,))


class Fanout:
    """Feeds each capture record to every `CaptureJudge` of a run at once (the engine's stream loop).

    What `CaptureJudge.feed` asks of a record for each judge -- broken? of a wanted kind? with
    parameters? -- is asked once per record here, and each interested judge's `judge_record` is
    called directly; the record's parse, sign source and verification (`sign_observation`), its
    ``risk_item`` (`risk_item`) and its plain-text facts (`plain_params`, ``RiskItem.plain``) are
    made once on the record and shared by every judge. A broken record, or one without
    parameters, goes through each judge's own `feed`, as before. The same judges see the same
    records in the same order, so the findings are those of separate feeding.

    ``judged`` is kept per kind, not per judge and record: each judge is credited with the records
    of its kinds at the end (`settle`, which the engine calls when the stream is read) and debited
    when it declines one (``judge_record`` returning False) or crashes on it.
    """

    def __init__(self, judges: list[tuple[str, CaptureJudge]]) -> None:
        self.judges = list(judges)
        self.by_kind: dict[str, list[tuple[str, CaptureJudge, Callable[[CaptureRecord], Any]]]] = {}
        for check_id, judge in self.judges:
            for kind in sorted(judge.kinds):
                self.by_kind.setdefault(kind, []).append((check_id, judge, judge.judge_record))
        self.fed = dict.fromkeys(self.by_kind, 0)  # records handed to judge_record, by kind

    @staticmethod
    def fuses(reducer: Any) -> bool:
        """True for a CaptureJudge that judges through `judge_record` (does not feed itself)."""
        return isinstance(reducer, CaptureJudge) and type(reducer).feed is CaptureJudge.feed

    def drop(self, gone: Any) -> None:
        """Stop feeding the judges whose ids are in `gone` (they crashed)."""
        self.judges = [(i, j) for i, j in self.judges if i not in gone]
        self.by_kind = {kind: [entry for entry in entries if entry[0] not in gone] for kind, entries in self.by_kind.items()}

    def feed(self, record: CaptureRecord, crashed: dict[str, BaseException]) -> None:
        if record.broken or record.params is None:
            for check_id, judge in self.judges:
                try:
                    judge.feed(record)
                except Exception as exc:  # one crashing check must not abort the run or pass
                    crashed[check_id] = exc
            return
        kind = record.kind
        entries = self.by_kind.get(kind)
        if not entries:
            return
        self.fed[kind] += 1
        for check_id, judge, judge_record in entries:
            try:
                if judge_record(record) is False:
                    judge.judged -= 1  # not judged after all (settle credits every record fed)
            except Exception as exc:  # one crashing check must not abort the run or pass
                judge.judged -= 1
                crashed[check_id] = exc

    def settle(self) -> None:
        """Credit each judge with the records of its kinds it was fed (see the class docstring)."""
        for _check_id, judge in self.judges:
            judge.judged += sum(self.fed.get(kind, 0) for kind in judge.kinds)
        self.fed = dict.fromkeys(self.fed, 0)
