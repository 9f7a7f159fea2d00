"""The evidence bundle: everything gathered (the only I/O), handed to the pure checks.

A gatherer's failure is stored as a value (`Evidence.failed`), never raised past the gather
step, so the check that needed it reports `error` instead of passing (the Lighthouse artifact
model, see style.md). Evidence that was simply not provided is `Evidence.missing`, which makes
the checks that need it `not_applicable` -- with the reason, so the report says what to add.
Values in the bundle are redacted and serialisable; secrets live in `golive.config.Secrets`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Iterator, Mapping

from golive.model import Text


class EvidenceState(str, Enum):
    OK = "ok"
    MISSING = "missing"
    FAILED = "failed"


@dataclass(frozen=True)
class Evidence:
    """One named piece of evidence, or the reason it is not there."""

    state: EvidenceState
    value: Any = None
    reason: Text | None = None
    source: str | None = None

    @classmethod
    def ok(cls, value: Any, source: str | None = None) -> Evidence:
        return cls(EvidenceState.OK, value=value, source=source)

    @classmethod
    def missing(cls, reason: Text) -> Evidence:
        return cls(EvidenceState.MISSING, reason=reason)

    @classmethod
    def failed(cls, reason: Text, source: str | None = None) -> Evidence:
        return cls(EvidenceState.FAILED, reason=reason, source=source)

    @property
    def is_ok(self) -> bool:
        return self.state is EvidenceState.OK


@dataclass
class Bundle:
    """Named evidence. `get()` of an unknown name is `missing`, never a KeyError."""

    items: dict[str, Evidence] = field(default_factory=dict)

    def put(self, name: str, evidence: Evidence) -> None:
        self.items[name] = evidence

    def get(self, name: str) -> Evidence:
        return self.items.get(name) or Evidence.missing(
            Text(f"未收集证据 {name}", f"evidence '{name}' was not gathered")
        )

    def value(self, name: str) -> Any:
        """The value of evidence that the engine already confirmed is present (checks' `needs`)."""
        evidence = self.get(name)
        if not evidence.is_ok:
            raise LookupError(name)
        return evidence.value

    def __iter__(self) -> Iterator[tuple[str, Evidence]]:
        return iter(self.items.items())

    def summary(self) -> Mapping[str, Any]:
        return {
            name: {"state": ev.state.value, "source": ev.source,
                   "reason": ev.reason.to_dict() if ev.reason else None}
            for name, ev in self.items.items()
        }
