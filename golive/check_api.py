"""The public API for checks: everything a check module may import, besides `golive.lianlian`.

A check is one file under ``checks/<area>/`` (README "Adding a check"). It defines ``META`` and
either ``judge(evidence, ctx)`` or a ``Judge`` reducer class, reads only the evidence kinds it
declares, never does I/O and never sets its own status. `tests/test_catalogue.py` holds every
check to importing only this module and the LianLian protocol library, so checks stay pure and
the engine can change underneath them.
"""

from __future__ import annotations

from golive import safe_json
from golive.evidence.bundle import Evidence, EvidenceView
from golive.evidence.capture_judge import KIND_NAMES, CaptureJudge, json_kind, value_text
from golive.evidence.captures import CaptureRecord
from golive.payout.judging import (balance_after, payout_probe_scenario, payout_applies, payout_branch_problems, payout_card_key, payout_field_problems,
                                   payout_followups, payout_location, payout_name)
from golive.payout.samecard import audit_payouts
from golive.recon.judging import difference_findings, judge_differences, reconciled
from golive.signing import KeyRole, SigningMaterial
from golive.model import (
    CheckMeta,
    Context,
    Finding,
    Item,
    Judgement,
    Location,
    Reducer,
    Severity,
    Text,
)

__all__ = [
    "KIND_NAMES",
    "CaptureJudge",
    "CaptureRecord",
    "CheckMeta",
    "Context",
    "Evidence",
    "EvidenceView",
    "Finding",
    "Item",
    "Judgement",
    "KeyRole",
    "Location",
    "Reducer",
    "Severity",
    "SigningMaterial",
    "Text",
    "audit_payouts",
    "balance_after",
    "difference_findings",
    "judge_differences",
    "json_kind",
    "payout_applies",
    "payout_branch_problems",
    "payout_card_key",
    "payout_field_problems",
    "payout_followups",
    "payout_location",
    "payout_name",
    "payout_probe_scenario",
    "reconciled",
    "safe_json",
    "value_text",
]
