"""Gatherers: the one interface every evidence source implements, their discovery and the plan.

A gatherer is one module under ``golive/gatherers/`` defining ``GATHERER = Gatherer(...)``: the kinds
of evidence it produces (`golive.evidence.kinds`), the kinds it uses from gatherers that ran before
it, a bilingual line saying what it reads, and ``gather(ctx) -> {kind: Evidence}``. It does the I/O;
it never judges. Whatever it cannot gather it returns as `Evidence.missing` (not provided: the
checks that need it are not_applicable) or `Evidence.failed` (broken: they are errors) -- with the
reason. Bad input the user must fix before anything can run (a config key naming a file that is not
there) raises `InputError` (exit 2).

The engine plans from the selected checks: the kinds their ``needs`` and ``optional`` name, plus
what the gatherers producing those kinds use, in dependency order. A gatherer that produces nothing
a selected check reads does not run -- no probe traffic nobody will judge.

Adding an evidence source: register its kind in `golive.evidence.kinds`, then add one module here
(see README "Adding an evidence source").
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from golive.evidence.bundle import Evidence
from golive.evidence.kinds import KINDS, UnknownKind
from golive.model import Text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.config import LoadedConfig
    from golive.engine import RunOptions


class GathererError(Exception):
    """A gatherer module is malformed: a programming error in golive, not user input."""


@dataclass
class GatherContext:
    """What a gatherer gets: the config, the run's options and environment, the kinds a selected
    check wants of it (and, for the probes, the scenario groups), and the evidence of the kinds it
    declared in ``uses``."""

    config: LoadedConfig
    options: RunOptions
    environ: Mapping[str, str]
    now: dt.datetime
    wanted: frozenset[str]
    say: Callable[[str], None] = lambda _text: None
    _used: Mapping[str, Evidence] = field(default_factory=dict)
    # What the run's provenance should record of this gathering (e.g. the probe targets contacted).
    provenance: dict[str, Any] = field(default_factory=dict)
    # Probe scenario groups (golive/probe_spec.py) the selected checks read (their CheckMeta.probes),
    # planned by the engine: the probes gatherer sends these and nothing else.
    scenarios: frozenset[str] = frozenset()

    def used(self, kind: str) -> Evidence:
        if kind not in self._used:
            raise GathererError(f"a gatherer reads {kind!r} without declaring it in uses")
        return self._used[kind]


GatherFunction = Callable[[GatherContext], Mapping[str, Evidence]]


@dataclass(frozen=True)
class Gatherer:
    name: str
    produces: tuple[str, ...]
    reads: Text
    gather: GatherFunction
    uses: tuple[str, ...] = ()
    module: str = ""


def _validate(gatherer: Gatherer, module: str) -> None:
    if not gatherer.produces:
        raise GathererError(f"{module}: a gatherer must produce at least one kind")
    for name in gatherer.produces + gatherer.uses:
        if name not in KINDS:
            raise GathererError(f"{module}: unknown evidence kind {name!r}; register it in golive/evidence/kinds.py")
    if set(gatherer.produces) & set(gatherer.uses):
        raise GathererError(f"{module}: a gatherer cannot use what it produces")
    if not gatherer.reads.zh.strip() or not gatherer.reads.en.strip():
        raise GathererError(f"{module}: `reads` needs both zh and en text")


@lru_cache(maxsize=1)
def all_gatherers() -> tuple[Gatherer, ...]:
    """Every gatherer, in dependency order (a gatherer after those producing what it uses)."""
    import golive.gatherers as package

    found: dict[str, Gatherer] = {}
    producer: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
        module = importlib.import_module(info.name)
        gatherer = getattr(module, "GATHERER", None)
        if not isinstance(gatherer, Gatherer):
            raise GathererError(f"{info.name}: defines no GATHERER = Gatherer(...)")
        _validate(gatherer, info.name)
        if gatherer.name in found:
            raise GathererError(f"duplicate gatherer name {gatherer.name!r}")
        for kind in gatherer.produces:
            if kind in producer:
                raise GathererError(f"evidence kind {kind!r} is produced by both {producer[kind]} and {gatherer.name}")
            producer[kind] = gatherer.name
        found[gatherer.name] = Gatherer(**{**gatherer.__dict__, "module": info.name})
    for gatherer in found.values():
        for kind in gatherer.uses:
            if kind not in producer:
                raise GathererError(f"{gatherer.module}: uses {kind!r}, which no gatherer produces")
    return tuple(_ordered(found, producer))


def _ordered(found: Mapping[str, Gatherer], producer: Mapping[str, str]) -> list[Gatherer]:
    ordered: list[Gatherer] = []
    state: dict[str, str] = {}

    def visit(name: str) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise GathererError(f"gatherers depend on each other in a cycle through {name}")
        state[name] = "visiting"
        for kind in sorted(found[name].uses):
            visit(producer[kind])
        state[name] = "done"
        ordered.append(found[name])

    for name in sorted(found):
        visit(name)
    return ordered


def producer_of(kind: str) -> Gatherer:
    for gatherer in all_gatherers():
        if kind in gatherer.produces:
            return gatherer
    raise UnknownKind(f"no gatherer produces {kind!r}")


def plan(wanted_kinds: Iterable[str]) -> list[tuple[Gatherer, frozenset[str]]]:
    """The gatherers to run for `wanted_kinds`, in order, each with the kinds wanted of it
    (what checks read, plus what later gatherers use)."""
    gatherers = all_gatherers()
    wanted: set[str] = set(wanted_kinds)
    # Close over `uses`: a gatherer that runs needs what it uses gathered first.
    changed = True
    while changed:
        changed = False
        for gatherer in gatherers:
            if wanted & set(gatherer.produces):
                missing = set(gatherer.uses) - wanted
                if missing:
                    wanted |= missing
                    changed = True
    return [(g, frozenset(wanted & set(g.produces))) for g in gatherers if wanted & set(g.produces)]


def describe() -> list[dict[str, Any]]:
    """The catalogue of evidence sources (``golive checks --sources``): what each reads and makes."""
    return [{"name": g.name, "produces": list(g.produces), "uses": list(g.uses), "reads": g.reads.to_dict()}
            for g in all_gatherers()]
