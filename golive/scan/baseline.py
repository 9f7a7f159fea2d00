"""The baseline: findings already known when the gate was introduced, matched by content hash.

``golive scan --baseline .golive-scan-baseline.json --update-baseline`` writes every finding that
is not suppressed inline; later scans with ``--baseline`` report those as ``baselined`` and fail
only on new ones. Entries carry rule, file and hash (see `golive.scan.source.content_hash`: no line
number, so edits elsewhere in the file keep them; nothing derived from a secret's value alone).
The same line twice is two entries, so a second copy of a known defect is still new.

A baseline hides findings from the *scan's exit code* only. The LL-SEC checks in `golive check`
still report baselined findings: a known hard-coded key is still a go-live defect.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterable

from golive.errors import InputError
from golive.scan import BASELINE_SCHEMA
from golive.scan.model import FindingState, ScanFinding


def load_baseline(path: Path) -> Counter[str]:
    """Hash -> how many findings with that hash are known. Bad files are usage errors (exit 2)."""
    from golive.scan.results import read_json

    where = str(path)
    if not path.exists():
        raise InputError("baseline file not found (create it with --update-baseline)", file=where, key="--baseline")
    data = read_json(path, "baseline file", "--baseline")
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        raise InputError(f"not a golive scan baseline (expected \"schema\": \"{BASELINE_SCHEMA}\")", file=where,
                         key="--baseline")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise InputError("the baseline has no \"findings\" list", file=where, key="--baseline")
    known: Counter[str] = Counter()
    for index, entry in enumerate(entries):
        digest = entry.get("hash") if isinstance(entry, dict) else None
        if not isinstance(digest, str) or len(digest) != 64:
            raise InputError("each entry needs a 64-hex \"hash\"", file=where, key=f"findings[{index}]")
        known[digest] += 1
    return known


def apply_baseline(findings: Iterable[ScanFinding], known: Counter[str]) -> list[ScanFinding]:
    """Mark open findings whose hash the baseline still has room for as baselined."""
    from dataclasses import replace

    left = Counter(known)
    out: list[ScanFinding] = []
    for finding in findings:
        if finding.state is FindingState.OPEN and left[finding.hash] > 0:
            left[finding.hash] -= 1
            finding = replace(finding, state=FindingState.BASELINED)
        out.append(finding)
    return out


def write_baseline(path: Path, findings: Iterable[ScanFinding], tool_version: str) -> int:
    """Write every finding not suppressed inline; returns how many entries were written."""
    entries = sorted(({"rule": f.rule, "file": f.file, "hash": f.hash} for f in findings
                      if f.state is not FindingState.SUPPRESSED),
                     key=lambda e: (e["file"], e["rule"], e["hash"]))
    document = {"schema": BASELINE_SCHEMA, "tool_version": tool_version, "findings": entries}
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the baseline: {exc.strerror}", file=str(path), key="--baseline") from None
    return len(entries)
