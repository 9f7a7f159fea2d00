"""The public API for checks: everything a check module may import, besides `golive.lianlian`.

A check is one file under ``checks/<area>/`` (README "Adding a check"). It defines ``META`` and
either ``judge(evidence, ctx)`` or a ``Judge`` reducer class, reads only the evidence kinds it
declares, never does I/O and never sets its own status. `tests/test_catalogue.py` holds every
check to importing only this module and the LianLian protocol library, so checks stay pure and
the engine can change underneath them.

Judging shared by several checks (golive/judging/) is here too: `ack_contract` (the one reader of
a merchant's acknowledgement), `probe_judging` (the notification and return probe evidence: groups,
credits, positive controls, key trust) and `same_card` (withdrawal answers and the guide's rule).
A check names the probe scenario groups it reads in ``CheckMeta.probes`` (golive/probe_spec.py).
"""

from __future__ import annotations

from golive import safe_json
from golive.evidence.bundle import Evidence, EvidenceView
from golive.evidence.capture_judge import KIND_NAMES, CaptureJudge, json_kind, value_text
from golive.evidence.captures import CaptureRecord
from golive.evidence.masked import MaskedNumber, MaskedText, list_items, text_key
from golive.evidence.sign_observation import SignObservation
from golive.judging import acks as ack_contract
from golive.judging import probes as probe_judging
from golive.judging import same_card
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
from golive.payout.judging import (
                                   balance_after,
                                   failure_restored,
                                   payout_applies,
                                   payout_branch_problems,
                                   payout_card_key,
                                   payout_field_problems,
                                   payout_followups,
                                   payout_location,
                                   payout_name,
                                   payout_probe_scenario,
)
from golive.payout.samecard import audit_payout_evidence, audit_payouts
from golive.recon.judging import difference_findings, judge_differences, reconciled
from golive.signing import KeyRole, SigningMaterial

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
    "MaskedNumber",
    "MaskedText",
    "Reducer",
    "Severity",
    "SignObservation",
    "SigningMaterial",
    "Text",
    "audit_payout_evidence",
    "audit_payouts",
    "balance_after",
    "failure_restored",
    "difference_findings",
    "judge_differences",
    "json_kind",
    "list_items",
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
    "text_key",
    "value_text",
    "ack_contract",
    "probe_judging",
    "same_card",
]
