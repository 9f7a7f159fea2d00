"""The vocabulary every part of golive shares: severities, statuses, go-live items, check metadata,
findings and the judgement a check returns.

Design (README "Statuses"): a check never sets its own status. It returns a
`Judgement` that says what it saw -- violations, clean, not applicable, cannot judge, or needs an
attestation -- and the engine turns that into a `Status`, applying waivers, attestations and the
gate threshold. Nothing that could not be judged ever becomes `pass`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.evidence.bundle import EvidenceView
    from golive.profile import Profile


class Severity(str, Enum):
    """How much a failure matters; `--fail-on` picks the gate threshold (default high)."""

    BLOCKER = "blocker"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    def at_least(self, threshold: Severity) -> bool:
        return self.rank >= threshold.rank


_SEVERITY_RANK = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.BLOCKER: 4}


class Status(str, Enum):
    """The closed set of check outcomes (design.md §3). Only the engine assigns these."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    NOT_APPLICABLE = "not_applicable"
    MANUAL = "manual"
    WAIVED = "waived"
    SKIPPED = "skipped"


class Verdict(str, Enum):
    READY = "ready"
    NOT_READY = "not_ready"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Text:
    """A bilingual text. The report is Chinese by default, English with `--lang en`."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def to_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class Item(str, Enum):
    """The go-live list (design.md §1), in the guide's order."""

    REVIEW_RISK = "review.risk"
    REVIEW_NOTIFY = "review.notify"
    REVIEW_SAME_CARD = "review.same_card"
    RELEASE_REGISTRATION = "release.registration"
    RELEASE_LIMITS = "release.limits"
    INTEGRATION_SIGNATURE = "integration.signature"
    # The guide's own order: 九 商户对账 comes before 十 商户付款.
    INTEGRATION_RECONCILIATION = "integration.reconciliation"
    INTEGRATION_PAYOUT = "integration.payout"
    INTEGRATION_HYGIENE = "integration.hygiene"

    @property
    def title(self) -> Text:  # type: ignore[override]  # shadows str.title on purpose: items have titles, not case
        return ITEM_TITLES[self]

    @property
    def order(self) -> int:
        return list(Item).index(self)

    @property
    def on_golive_list(self) -> bool:
        """The six items LianLian's launch review and pre-release list name explicitly."""
        return self.value.startswith(("review.", "release."))


ITEM_TITLES: dict[Item, Text] = {
    Item.REVIEW_RISK: Text("审核1：风控参数是否传正确", "Review 1: risk-control parameters sent correctly"),
    Item.REVIEW_NOTIFY: Text(
        "审核2：异步通知是否接受成功并正确响应", "Review 2: async notification received and acknowledged correctly"
    ),
    Item.REVIEW_SAME_CARD: Text(
        "审核3 / 发布前3：同卡进出是否做好控制", "Review 3 / Pre-release 3: same card in, same card out"
    ),
    Item.RELEASE_REGISTRATION: Text(
        "发布前1：正式环境域名、IP、应用标识是否报备", "Pre-release 1: production domains, IPs and app ids registered"
    ),
    Item.RELEASE_LIMITS: Text("发布前2：支付限额是否打开", "Pre-release 2: payment limits opened"),
    Item.INTEGRATION_SIGNATURE: Text("安全签名机制与密钥配置", "Signing and key configuration"),
    Item.INTEGRATION_RECONCILIATION: Text("商户对账", "Reconciliation"),
    Item.INTEGRATION_PAYOUT: Text("商户付款（代付）", "Merchant payout"),
    Item.INTEGRATION_HYGIENE: Text("代码与密钥卫生（仓库扫描）", "Code and key hygiene (repository scan)"),
}


@dataclass(frozen=True)
class Location:
    """Where a finding points: a config key, a capture record and field, a ledger row.

    Rendered as ``file:line#pointer`` (e.g. ``captures/integration.jsonl:42#risk_item.user_info_id_no``);
    a record of a HAR file, which has no line of its own, as ``file:entry N#pointer`` (`entry`: its
    1-based position in ``log.entries``; `line` is then None).
    """

    file: str | None = None
    line: int | None = None
    pointer: str | None = None
    entry: int | None = None

    def __str__(self) -> str:
        from golive.result import location_text

        return location_text(self.file, self.line, self.pointer, self.entry)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"file": self.file, "line": self.line, "pointer": self.pointer, "text": str(self)}
        if self.entry is not None:
            out["entry"] = self.entry
        return out


@dataclass(frozen=True)
class Finding:
    """One concrete problem. Values in `data` must already be redacted (golive.redact)."""

    message: Text
    location: Location | None = None
    severity: Severity | None = None  # None: the check's severity
    uncertain: bool = False  # the rule rests on a fact protocol.md marks UNCERTAIN
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self, default_severity: Severity) -> dict[str, Any]:
        return {
            "message": self.message.to_dict(),
            "location": self.location.to_dict() if self.location else None,
            "severity": (self.severity or default_severity).value,
            "uncertain": self.uncertain,
            "data": dict(self.data),
        }


class Outcome(str, Enum):
    """What a check saw. The engine maps it to a Status."""

    CLEAN = "clean"
    VIOLATIONS = "violations"
    NOT_APPLICABLE = "not_applicable"
    CANNOT_JUDGE = "cannot_judge"
    NEEDS_ATTESTATION = "needs_attestation"
    ATTESTED = "attested"


@dataclass(frozen=True)
class Judgement:
    """A check's answer. Build it with the class methods; `checked` says what was looked at."""

    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    reason: Text | None = None
    checked: Text | None = None
    evidence: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def clean(cls, checked: Text, evidence: tuple[Mapping[str, Any], ...] = ()) -> Judgement:
        return cls(Outcome.CLEAN, checked=checked, evidence=evidence)

    @classmethod
    def violations(
        cls, findings: list[Finding] | tuple[Finding, ...], checked: Text,
        evidence: tuple[Mapping[str, Any], ...] = (),
    ) -> Judgement:
        if not findings:
            raise ValueError("violations() needs at least one finding; use clean()")
        return cls(Outcome.VIOLATIONS, findings=tuple(findings), checked=checked, evidence=evidence)

    @classmethod
    def from_findings(
        cls, findings: list[Finding] | tuple[Finding, ...], checked: Text,
        evidence: tuple[Mapping[str, Any], ...] = (),
    ) -> Judgement:
        """clean() when there are no findings, violations() otherwise."""
        if findings:
            return cls.violations(findings, checked, evidence)
        return cls.clean(checked, evidence)

    @classmethod
    def not_applicable(cls, reason: Text) -> Judgement:
        return cls(Outcome.NOT_APPLICABLE, reason=reason)

    @classmethod
    def cannot_judge(
        cls, reason: Text, evidence: tuple[Mapping[str, Any], ...] = (),
        findings: tuple[Finding, ...] = (),
    ) -> Judgement:
        return cls(Outcome.CANNOT_JUDGE, reason=reason, evidence=evidence, findings=findings)

    @classmethod
    def needs_attestation(cls, reason: Text) -> Judgement:
        return cls(Outcome.NEEDS_ATTESTATION, reason=reason)

    @classmethod
    def attested(cls, checked: Text, evidence: tuple[Mapping[str, Any], ...] = ()) -> Judgement:
        """A human attested the fact (who, when are in `evidence`); counts as satisfied."""
        return cls(Outcome.ATTESTED, checked=checked, evidence=evidence)


@dataclass(frozen=True)
class CheckMeta:
    """Everything the catalogue, `golive explain` and the reports say about a check.

    `needs` names the evidence kinds the check reads (golive/evidence/kinds.py). If one is missing
    the engine reports `not_applicable` with the gatherer's reason; if gathering it failed, `error`
    -- without calling the check. `optional` kinds may be read when present and change nothing when
    not. `stream` names a record stream ("captures") for checks that reduce it record
    by record (a `Reducer`); it is needed like the others. `probes` names the live-probe scenario
    groups the check reads (golive/probe_spec.py): with ``--probe`` the engine sends those of the
    selected checks and nothing else.
    """

    id: str
    item: Item
    severity: Severity
    title: Text
    rationale: Text
    remediation: Text
    references: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    stream: str | None = None
    # Whether passing this check shows its go-live item is done (item coverage in the verdict).
    # False for checks that only look at the shape of config (e.g. a well-formed notify_url says
    # nothing about whether notifications are acknowledged and credited once).
    proves_item: bool = True
    # The line of business the check is about (e.g. "withdrawals"). A merchant that declares in
    # golive.yaml ``scope.<name>.offered: false`` -- attested by someone, on a date -- gets
    # not_applicable for it (shown as an attestation); without the attestation, manual.
    scope: str | None = None
    # Probe scenario groups this check reads (golive/probe_spec.py group names, e.g. "forged").
    probes: tuple[str, ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        """Every kind that must be present before the check can judge: ``needs`` and the stream."""
        return self.needs + ((self.stream,) if self.stream and self.stream not in self.needs else ())

    @property
    def readable(self) -> frozenset[str]:
        """Every kind the check's evidence view lets it read."""
        return frozenset(self.required + self.optional)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item": self.item.value,
            "severity": self.severity.value,
            "title": self.title.to_dict(),
            "rationale": self.rationale.to_dict(),
            "remediation": self.remediation.to_dict(),
            "references": list(self.references),
            "needs": list(self.needs),
            "optional": list(self.optional),
            "stream": self.stream,
            "proves_item": self.proves_item,
            "scope": self.scope,
            "probes": list(self.probes),
        }


@dataclass(frozen=True)
class Context:
    """What a check may know besides its evidence: the run's settings. No I/O happens through it,
    and no key: checks that compute with keys declare the ``signing`` evidence kind."""

    profile: Profile
    environment: str  # integration | production
    now: datetime
    severity: Severity  # this check's effective severity (profile overrides applied)
    config_file: str = "golive.yaml"
    config_lines: Mapping[str, int] = field(default_factory=dict)

    def at(self, key: str) -> Location:
        """A location pointing at a config key (with its line when known)."""
        probe = key
        line = None
        while probe and line is None:
            line = self.config_lines.get(probe)
            probe = probe.rpartition(".")[0]
        return Location(file=self.config_file, line=line, pointer=key)


class Reducer:
    """Base for checks that reduce a record stream (captures, ledger) one record at a time.

    The engine reads each stream once -- from the files, or from saved evidence -- and feeds every
    record to every interested check, so a 1 GB capture is never held in memory. Subclasses keep
    only bounded state; `evidence` is the check's view (its declared kinds, e.g. ``config``).
    """

    max_findings = 200  # keep reports readable; the rest are counted

    def __init__(self, evidence: EvidenceView, ctx: Context) -> None:
        self.evidence = evidence
        self.ctx = ctx
        self.findings: list[Finding] = []
        self.dropped_findings = 0

    def add(self, finding: Finding) -> None:
        if len(self.findings) < self.max_findings:
            self.findings.append(finding)
        else:
            self.dropped_findings += 1

    def feed(self, record: Any) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self) -> Judgement:  # pragma: no cover - interface
        raise NotImplementedError


JudgeFunction = Callable[["EvidenceView", Context], Judgement]


@dataclass(frozen=True)
class Check:
    """A registered check: metadata plus either a `judge` function or a `Reducer` class."""

    meta: CheckMeta
    judge: JudgeFunction | None = None
    stream_judge: type[Reducer] | None = None
    module: str = ""
