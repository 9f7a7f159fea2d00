"""Reading golive.result/1: what a result written before golive.result/2 did not store, computed
with the functions the engine uses for a new run (golive.verdict).

`Result.from_json` reads a v1 document with the v2 classes, filling what v1 may lack (each class's
`_V1`: optional keys, plain-string texts, a location without its text, a finding without its
severity). `upgrade` then adds the judgements v1 left to each reporter:

* per check, whether it counts for the gate (`gating`, from its severity and summary.fail_on);
* per go-live item, its statuses, worst status and heading state (`pending`, `not_judged`);
* the counts, the six staff-summary rows and the attestation list;
* per verdict reason, its sentence (the check's title, or the item's).

The verdict and its reasons are v1's own: the coverage rule needs check metadata (proves_item) a
result does not carry, and an old report must keep the verdict it was issued with. A check of
the catalogue whose rationale or remediation v1 lacks gets them from the catalogue, as the SARIF
reporter used to look them up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from golive.result import RESULT_SCHEMA, CheckEntry, Result, Text, VerdictReason
from golive.verdict import gating, reason_text, summarize


def upgrade(result: Result) -> Result:
    """`result`, read from a golive.result/1 document, completed as golive.result/2."""
    fail_on = result.summary.fail_on
    checks = _with_catalogue(tuple(replace(c, gating=gating(c.severity, fail_on)) for c in result.checks))
    titles = _item_titles(result, checks)
    by_id = {c.id: c for c in checks}
    reasons = tuple(_with_text(r, by_id, titles) for r in result.summary.reasons)
    summary = summarize(checks, reasons, fail_on=fail_on, environment=result.merchant.environment, titles=titles)
    return replace(result, schema=RESULT_SCHEMA, checks=checks, summary=summary)


def _item_titles(result: Result, checks: Sequence[CheckEntry]) -> dict[str, Text]:
    """The go-live items in v1's order (the guide's), then the catalogue's it lacks, then any other
    item a check names; each with its title (v1's, else the catalogue's, else its id)."""
    from golive.model import Item

    known = {item.value: Text(item.title.zh, item.title.en) for item in Item}
    titles: dict[str, Text] = {}
    for item, summary in result.summary.items.items():
        titles[item] = summary.title if (summary.title.zh or summary.title.en) else known.get(item, Text(item, item))
    for item, title in known.items():
        titles.setdefault(item, title)
    for check in checks:
        titles.setdefault(check.item, Text(check.item, check.item))
    return titles


def _with_text(reason: VerdictReason, checks: Mapping[str, CheckEntry], titles: Mapping[str, Text]) -> VerdictReason:
    if reason.kind in ("uncovered", "deselected"):
        title = reason.title or titles.get(reason.item or "") or Text(reason.item or "", reason.item or "")
        return replace(reason, text=reason_text(reason.kind, None, None, title))
    check = checks.get(reason.check or "")
    severity = reason.severity or (check.severity if check else None)
    return replace(reason, text=reason_text(reason.kind, reason.check, severity, check.title if check else None))


def _with_catalogue(checks: tuple[CheckEntry, ...]) -> tuple[CheckEntry, ...]:
    """Rationale, remediation and references from the catalogue where v1 lacked them."""
    def lacking(check: CheckEntry) -> bool:
        return not (check.rationale.zh or check.rationale.en) or not (check.remediation.zh or check.remediation.en)

    if not any(lacking(c) for c in checks):
        return checks
    try:
        from golive.registry import all_checks

        catalogue = {c.meta.id: c.meta for c in all_checks()}
    except Exception:  # an offline re-render must not depend on the catalogue loading
        catalogue = {}
    out = []
    for check in checks:
        meta = catalogue.get(check.id)
        if meta is None or not lacking(check):
            out.append(check)
            continue
        out.append(replace(
            check,
            rationale=check.rationale if check.rationale.zh or check.rationale.en else Text(meta.rationale.zh, meta.rationale.en),
            remediation=check.remediation if check.remediation.zh or check.remediation.en
            else Text(meta.remediation.zh, meta.remediation.en),
            references=check.references or tuple(meta.references)))
    return tuple(out)
