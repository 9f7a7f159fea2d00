"""The scan gatherer: a repository scan (LL-SEC-*) as evidence for `golive check`.

Either the results of an earlier ``golive scan --format json`` (``scan.results`` in golive.yaml, or
``--scan FILE``), or a scan run now over a repository (``scan.path``, or ``--scan DIR``), with the
baseline ``scan.baseline`` when given. The LL-SEC checks then show the findings in the readiness
report, under the signature item and 审核2. Without either, those checks are not applicable.
"""

from __future__ import annotations

from pathlib import Path

from golive.config import resolve_path
from golive.errors import InputError
from golive.evidence.bundle import Evidence
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.scan.results import load_scan_report

    given = getattr(ctx.options, "scan", None)
    section = ctx.config.get("scan") or {}
    if given:
        target, key = Path(given), "--scan"
    elif section.get("results"):
        target, key = resolve_path(ctx.config, section["results"]), "scan.results"
    elif section.get("path"):
        target, key = resolve_path(ctx.config, section["path"]), "scan.path"
    else:
        return {"scan": Evidence.missing(Text("未提供仓库扫描（golive.yaml 的 scan: 或 --scan）",
                                              "no repository scan given (scan: in golive.yaml, or --scan)"))}
    if not target.exists():
        raise InputError("not found", file=str(target), key=key)
    if target.is_file():
        report = load_scan_report(target)
        return {"scan": Evidence.ok(report.to_dict(), source=str(target))}
    from golive.scan.runner import ScanOptions, run_scan

    ctx.say(f"scanning {target}")
    baseline = resolve_path(ctx.config, section["baseline"]) if section.get("baseline") else None
    outcome = run_scan(ScanOptions(path=str(target), baseline=baseline, history=bool(section.get("history")),
                                   today=ctx.now.date()))
    return {"scan": Evidence.ok(outcome.report.to_dict(), source=str(target))}


GATHERER = Gatherer(
    name="scan",
    produces=("scan",),
    reads=Text("仓库扫描：scan.results / scan.path，或 --scan", "a repository scan: scan.results / scan.path, or --scan"),
    gather=gather,
)
