"""Evidence values, the run's set of them, and the view a check gets of that set.

A gatherer's failure is stored as a value (`Evidence.failed`), never raised past the gather step,
so the check that needed it reports `error` instead of passing (the Lighthouse artifact model).
Evidence that was simply not provided is `Evidence.missing`, which makes the checks that need it
`not_applicable` -- with the reason, so the report says what to add.

A check sees the run's evidence only through an `EvidenceView` limited to the kinds it declares
(``needs`` and ``optional``): reading anything else is a programming error, raised at once.
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


def not_gathered(name: str) -> Evidence:
    return Evidence.missing(Text(f"未收集证据 {name}", f"evidence '{name}' was not gathered"))


@dataclass
class Bundle:
    """The run's evidence by kind. `get()` of a kind nobody gathered is `missing`, never a KeyError."""

    items: dict[str, Evidence] = field(default_factory=dict)

    def put(self, name: str, evidence: Evidence) -> None:
        self.items[name] = evidence

    def get(self, name: str) -> Evidence:
        return self.items.get(name) or not_gathered(name)

    def value(self, name: str) -> Any:
        """The value of evidence the engine already confirmed is present."""
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


class UndeclaredEvidence(LookupError):
    """A check read a kind of evidence it did not declare: a bug in the check, not user input."""


class EvidenceView:
    """What one check may read: the kinds in its ``needs`` and ``optional``, nothing else.

    ``needs`` are confirmed present before the check runs (otherwise the engine reports
    not_applicable or error without calling it); ``optional`` kinds may be missing -- ask `get()`.
    """

    __slots__ = ("_bundle", "_allowed", "_check")

    def __init__(self, bundle: Bundle, allowed: frozenset[str], check: str = "") -> None:
        self._bundle = bundle
        self._allowed = allowed
        self._check = check

    def _guard(self, name: str) -> None:
        if name not in self._allowed:
            raise UndeclaredEvidence(f"{self._check or 'a check'} reads evidence {name!r} without declaring it "
                                     f"(declared: {', '.join(sorted(self._allowed)) or 'none'})")

    def get(self, name: str) -> Evidence:
        self._guard(name)
        return self._bundle.get(name)

    def value(self, name: str) -> Any:
        self._guard(name)
        return self._bundle.value(name)
