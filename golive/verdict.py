"""Every judgement a report shows, made once on the engine side and stored in the result.

The verdict and its reasons (design.md §3, with item coverage), whether a check counts for the
gate, the state of each go-live item's heading, the six staff-summary rows (审核1-3, 发布前1-3)
and the attestations staff must see. Reporters render these fields (golive.result) and judge
nothing themselves, so every format says the same thing.

Two callers use the same functions: the engine, for a new run (golive.result_build), and
golive.result_v1, which computes what a golive.result/1 document did not store. Everything here
except `compute_verdict` works on the typed result entries, so both get identical sentences.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from golive.result import (
    STATUS_LABEL,
    STATUSES,
    AttestationRow,
    CheckEntry,
    ItemState,
    ItemSummary,
    ReasonKind,
    Severity,
    StaffRow,
    StaffState,
    Status,
    Summary,
    Text,
    VerdictReason,
    severity_label,
    severity_rank,
)

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive import model
    from golive.engine import CheckResult

# The order in which an item's worst status is picked.
WORST_FIRST: tuple[Status, ...] = ("fail", "error", "manual", "waived", "pass", "not_applicable", "skipped")


def gating(severity: str, fail_on: str) -> bool:
    """Whether a check of this severity counts for the gate: failing, erroring or awaiting an
    attestation at or above --fail-on holds the verdict."""
    return severity_rank(severity) >= severity_rank(fail_on)


def worst_status(statuses: Iterable[str]) -> Status:
    present = set(statuses)
    return next((s for s in WORST_FIRST if s in present), "not_applicable")


# -- the verdict ------------------------------------------------------------------------------------------


def compute_verdict(results: Sequence[CheckResult], threshold: model.Severity,
                    environment: str) -> tuple[model.Verdict, list[VerdictReason]]:
    """The verdict and the reasons for it (design.md §3), including go-live items nobody judged."""
    from golive.model import Item, Status as RunStatus, Verdict

    reasons: list[VerdictReason] = []
    failed = [r for r in results if r.status is RunStatus.FAIL and r.severity.at_least(threshold)]
    open_ = [r for r in results if r.status in (RunStatus.ERROR, RunStatus.MANUAL) and r.severity.at_least(threshold)]
    for r in failed + open_:
        meta = r.check.meta
        kind: ReasonKind = "fail" if r.status is RunStatus.FAIL else "error" if r.status is RunStatus.ERROR else "manual"
        reasons.append(check_reason(kind, meta.id, r.severity.value, Text(meta.title.zh, meta.title.en)))
    # Item coverage: every review item (and, in production, every pre-release item) needs at
    # least one check that actually judged it; otherwise nothing was shown and "ready" would lie.
    for item in Item:
        if not item.on_golive_list or (item.value.startswith("release.") and environment != "production"):
            continue
        of_item = [r for r in results if r.check.meta.item is item]
        if not of_item:
            continue  # no check of this registry judges the item (nothing can be asked of it)
        if all(r.attestation and r.status is RunStatus.NOT_APPLICABLE for r in of_item):
            continue  # the merchant attested it has no such business (scope.*): shown to staff as such
        if not any(r.status in (RunStatus.PASS, RunStatus.WAIVED, RunStatus.FAIL) and r.check.meta.proves_item
                   for r in of_item):
            # Deselecting (--select/--skip) never makes an item green: nothing judged it.
            deselected = all(r.status is RunStatus.SKIPPED for r in of_item if r.check.meta.proves_item)
            reasons.append(item_reason("deselected" if deselected else "uncovered", item.value,
                                       Text(item.title.zh, item.title.en)))
    if failed:
        return Verdict.NOT_READY, reasons
    if reasons:
        return Verdict.INCOMPLETE, reasons
    return Verdict.READY, reasons


def check_reason(kind: ReasonKind, check_id: str, severity: Severity | None, title: Text | None) -> VerdictReason:
    """A check at or above the gate that failed, could not be judged or awaits an attestation."""
    return VerdictReason(kind=kind, check=check_id, severity=severity, item=None, title=None,
                         text=reason_text(kind, check_id, severity, title))


def item_reason(kind: ReasonKind, item: str, title: Text) -> VerdictReason:
    """A go-live item no check judged (uncovered), or whose checks were deselected."""
    return VerdictReason(kind=kind, check=None, severity=None, item=item, title=title,
                         text=reason_text(kind, None, None, title))


def reason_text(kind: str, check_id: str | None, severity: str | None, title: Text | None) -> Text:
    """The reason as the sentence under the verdict. `title`: the check's or (uncovered,
    deselected) the item's."""
    def one(lang: str) -> str:
        name = title.get(lang) if title else ""
        if kind == "deselected":
            return (f"{name}：检查被 --select/--skip 排除，未判定" if lang != "en"
                    else f"{name}: its checks were deselected with --select/--skip, so it was not judged")
        if kind == "uncovered":
            return f"{name}：没有任何检查能够判定" if lang != "en" else f"{name}: no check could judge it"
        label = STATUS_LABEL.get(kind)
        status = label.get(lang) if label else kind
        sev = severity_label(severity or "", lang)
        return f"{check_id} {name}（{status}，{sev}）" if lang != "en" else f"{check_id} {name} ({status}, {sev})"

    return Text(one("zh"), one("en"))


def gate_reasons(checks: Sequence[CheckEntry]) -> list[VerdictReason]:
    """The reasons `compute_verdict` gives for checks (not for items), from result entries:
    failures at or above the gate first, then what could not be judged or awaits an attestation."""
    failed = [c for c in checks if c.status == "fail" and c.gating]
    open_ = [c for c in checks if c.status in ("error", "manual") and c.gating]
    return [check_reason("fail" if c.status == "fail" else c.status, c.id, c.severity, c.title)  # type: ignore[arg-type]
            for c in failed + open_]


# -- the summary ------------------------------------------------------------------------------------------


def summarize(checks: Sequence[CheckEntry], reasons: Sequence[VerdictReason], *, fail_on: Severity,
              environment: str, titles: Mapping[str, Text]) -> Summary:
    """Counts, go-live items (in the order of `titles`), staff rows and attestations for these
    checks. `checks` carry `gating` already (`gating()` with the same `fail_on`)."""
    counts: dict[str, int] = {status: 0 for status in STATUSES}
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    return Summary(fail_on=fail_on, counts=counts, items=item_summaries(checks, reasons, environment, titles),
                   reasons=tuple(reasons), staff=staff_rows(checks, reasons, environment),
                   attestations=attestation_rows(checks))


def _not_judged(reasons: Sequence[VerdictReason], kinds: tuple[str, ...] = ("uncovered", "deselected")) -> set[str]:
    return {r.item for r in reasons if r.kind in kinds and r.item}


def item_summaries(checks: Sequence[CheckEntry], reasons: Sequence[VerdictReason], environment: str,
                   titles: Mapping[str, Text]) -> dict[str, ItemSummary]:
    production = environment == "production"
    not_judged = _not_judged(reasons)
    items: dict[str, ItemSummary] = {}
    for item, title in titles.items():
        of_item = [c for c in checks if c.item == item]
        statuses = tuple(c.status for c in of_item)
        status = worst_status(statuses)
        items[item] = ItemSummary(title=title, statuses=statuses, status=status,
                                  state=item_state(item, status, not_judged, production, _attested(of_item)))
    return items


def _attested(of_item: Sequence[CheckEntry]) -> bool:
    """Every check of the item does not apply because the merchant declared it has no such
    business (scope.*), with who attested it and when."""
    return bool(of_item) and all(c.attestation is not None and c.status == "not_applicable" for c in of_item)


def item_state(item: str, status: Status, not_judged: set[str], production: bool, attested: bool = False) -> ItemState:
    """What an item's heading shows, as the staff summary says it. A failure always shows;
    otherwise no tick where nothing judged the item, none for a pre-release item in integration
    (passing pre-checks there do not mean limits are open or domains filed), and an item the
    merchant declared out of scope reads as attested, not as a plain "not applicable"."""
    if status == "fail":
        return status
    if item in not_judged:
        return "not_judged"
    if item.startswith("release.") and not production:
        return "pending"
    if attested:
        return "attested"
    return status


# -- the staff summary ----------------------------------------------------------------------------------

# (key, label, item, question): LianLian's launch review (审核) and pre-release (发布前) lists. The
# model folds 审核3 and 发布前3 (both 同卡进出) into one item; staff read them as two lines.
STAFF_ROWS: tuple[tuple[str, Text, str, Text], ...] = (
    ("review1", Text("审核1", "Review 1"), "review.risk", Text("风控参数是否传正确", "Risk-control parameters sent correctly")),
    ("review2", Text("审核2", "Review 2"), "review.notify",
     Text("异步通知是否接受成功并正确响应", "Async notification received and acknowledged correctly")),
    ("review3", Text("审核3", "Review 3"), "review.same_card", Text("同卡进出是否做好控制", "Same card in, same card out")),
    ("release1", Text("发布前1", "Pre-release 1"), "release.registration",
     Text("正式环境的域名、IP 和应用标识是否已报备", "Production domains, IPs and app ids registered")),
    ("release2", Text("发布前2", "Pre-release 2"), "release.limits", Text("支付限额是否打开", "Payment limits opened")),
    ("release3", Text("发布前3", "Pre-release 3"), "review.same_card",
     Text("同卡进出是否做好", "Same card in, same card out in place")),
)


def _more(lines: list[str], lang: str) -> str:
    if len(lines) <= 1:
        return lines[0] if lines else ""
    extra = len(lines) - 1
    return lines[0] + (f"（另有 {extra} 项）" if lang != "en" else f" (+{extra} more)")


def _ids(group: list[CheckEntry], lang: str, with_reason: bool = False) -> list[str]:
    return [f"{c.id} {(c.reason if with_reason and c.reason else c.title).get(lang)}" for c in group]


def staff_rows(checks: Sequence[CheckEntry], reasons: Sequence[VerdictReason], environment: str) -> tuple[StaffRow, ...]:
    """The six lines staff read first: a state and a note in both languages each.

    A tick needs a check that passed and none that failed, errored or awaits an attestation. In the
    integration environment the pre-release items cannot be shown yet (limits open only after the
    review; production domains are filed for launch), so they read "confirm before release" --
    unless a check already found a defect, which is shown as a cross.
    """
    production = environment == "production"
    uncovered = _not_judged(reasons, ("uncovered",))
    deselected = _not_judged(reasons, ("deselected",))
    rows: list[StaffRow] = []
    for key, label, item, question in STAFF_ROWS:
        of_item = [c for c in checks if c.item == item]
        cause = _staff_cause(item, of_item, production, uncovered, deselected)
        note = Text(_staff_note(key, cause, of_item, "zh"), _staff_note(key, cause, of_item, "en"))
        rows.append(StaffRow(id=key, item=item, label=label, question=question, state=_STAFF_STATE[cause], note=note))
    return tuple(rows)


# Why a row has its state (the note says it); the state is what staff see.
_STAFF_STATE: Mapping[str, StaffState] = {
    "fail": "fail", "pending": "pending", "error": "error", "deselected": "not_judged", "uncovered": "not_judged",
    "manual": "manual", "waived": "waived", "attested": "attested", "ok": "ok", "nothing": "not_judged",
}


def _of(checks: list[CheckEntry], status: str) -> list[CheckEntry]:
    return [c for c in checks if c.status == status]


def _staff_cause(item: str, of_item: list[CheckEntry], production: bool, uncovered: set[str],
                 deselected: set[str]) -> str:
    # Failures below the gate do not change the verdict, so they do not cross the line out either;
    # the note names them at its end.
    if any(c.gating for c in _of(of_item, "fail")):
        return "fail"
    if item.startswith("release.") and not production:
        return "pending"
    if _of(of_item, "error"):
        return "error"
    if item in deselected:
        return "deselected"  # --select/--skip left the item without a judging check: never a tick
    if item in uncovered:
        # The engine found no check that proves this item (a URL-shape pass does not prove that
        # notifications are handled): the verdict is incomplete, and no tick is shown.
        return "uncovered"
    if _of(of_item, "manual"):
        return "manual"
    if _of(of_item, "waived"):
        return "waived"
    if _attested(of_item):
        return "attested"  # the merchant attested it has no such business (scope.*): settled, and said so
    if _of(of_item, "pass"):
        return "ok"
    return "nothing"


def _staff_note(key: str, cause: str, of_item: list[CheckEntry], lang: str) -> str:
    zh = lang != "en"
    failed_all = _of(of_item, "fail")
    minor = [c for c in failed_all if not c.gating]
    passed, na = _of(of_item, "pass"), _of(of_item, "not_applicable")
    if cause == "fail":
        line = _more(_ids([c for c in failed_all if c.gating], lang), lang)
    elif cause == "pending":
        line = "联调环境：上线前在正式环境再次确认" if zh else "Integration environment: confirm again in production before release"
        if passed:
            line += (f"（已通过 {len(passed)} 项预检）" if zh else
                     f" ({len(passed)} pre-check{'s' if len(passed) != 1 else ''} passed)")
    elif cause == "error":
        line = _more(_ids(_of(of_item, "error"), lang, with_reason=True), lang)
    elif cause == "deselected":
        skipped = ", ".join(c.id for c in _of(of_item, "skipped"))
        line = (f"检查被 --select/--skip 排除（{skipped}），此项未判定" if zh else
                f"its checks were deselected with --select/--skip ({skipped}): not judged")
    elif cause == "uncovered":
        line = "没有检查能证明此项（缺少抓包或在线探测证据）" if zh else "no check could prove this item (captures or live probes missing)"
        if passed:
            line += f"；{len(passed)} 项辅助检查通过" if zh else f"; {len(passed)} supporting check(s) passed"
    elif cause == "manual":
        line = _more(_ids(_of(of_item, "manual"), lang, with_reason=True), lang)
    elif cause == "waived":
        line = _more([f"{c.id} {c.title.get(lang)} — {c.waiver.approver if c.waiver else ''} → "
                      f"{c.waiver.expires if c.waiver else ''}" for c in _of(of_item, "waived")], lang)
    elif cause == "attested":
        attestation = of_item[0].attestation
        by, date = (attestation.attested_by, attestation.date) if attestation else ("", "")
        line = (f"商户声明无此业务，{by} 于 {date} 确认" if zh else
                f"the merchant declares it has no such business, attested by {by} on {date}")
    elif cause == "ok":
        line = f"{len(passed)} 项检查通过" if zh else f"{len(passed)} check(s) passed"
        if na:
            line += f"，{len(na)} 项不适用" if zh else f", {len(na)} not applicable"
    else:
        notes = [c.reason.get(lang) for c in na if c.reason]
        line = notes[0] if notes else ("没有检查判定此项" if zh else "no check judged this item")
    if minor and cause != "fail":
        line += ("；门槛以下的问题：" if zh else "; below the gate: ") + ", ".join(c.id for c in minor)
    if key == "release3" and cause != "pending":
        line = ("同审核3：" if zh else "As Review 3: ") + line
    return line


# -- attestations -----------------------------------------------------------------------------------------


def _str(value: Any) -> str:
    """A value from a check's evidence, as text (evidence is whatever JSON the check kept)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def attestation_rows(checks: Sequence[CheckEntry]) -> tuple[AttestationRow, ...]:
    """Every attestation staff must see: given in evidence (limits opened, reconciliation owner),
    a scope declaration (no such business), or still awaited (a manual check)."""
    rows: list[AttestationRow] = []
    for check in checks:
        for ev in check.evidence:
            if isinstance(ev, Mapping) and ev.get("kind") == "attestation":
                note = _str(ev.get("note"))
                rows.append(AttestationRow(check=check.id, title=check.title, state="attested",
                                           attested_by=_str(ev.get("attested_by")), date=_str(ev.get("date")),
                                           note=Text(note, note)))
        scope = check.attestation
        if scope is not None:
            tail = f" — {scope.note}" if scope.note else ""
            reason = check.reason or Text("", "")
            rows.append(AttestationRow(check=check.id, title=check.title, state="attested",
                                       attested_by=scope.attested_by, date=scope.date,
                                       note=Text(reason.get("zh") + tail, reason.get("en") + tail)))
        if check.status == "manual":
            rows.append(AttestationRow(check=check.id, title=check.title, state="awaiting", attested_by="", date="",
                                       note=check.reason or Text("", "")))
    return tuple(rows)
