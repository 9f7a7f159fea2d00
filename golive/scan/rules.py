"""The LL-SEC rules: one module per rule under ``golive.checks.sec`` (repo ``checks/sec/``).

Each module defines ``META`` (its catalogue entry; `golive.registry` validates it like every
check) and ``SCAN`` (a `ScanRule`). Only this package is imported, not the whole catalogue, so
`golive scan` starts fast.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache

from golive.errors import InputError
from golive.model import CheckMeta
from golive.scan.model import ScanRule


@dataclass(frozen=True)
class Rule:
    meta: CheckMeta
    scan: ScanRule

    @property
    def id(self) -> str:
        return self.meta.id


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every LL-SEC rule, sorted by id."""
    import golive.checks.sec as package

    rules: list[Rule] = []
    for info in pkgutil.iter_modules(package.__path__, prefix=package.__name__ + "."):
        if not info.name.rsplit(".", 1)[-1].startswith("ll_sec_"):
            continue
        module = importlib.import_module(info.name)
        meta, scan = getattr(module, "META", None), getattr(module, "SCAN", None)
        if not isinstance(meta, CheckMeta) or not isinstance(scan, ScanRule):
            raise RuntimeError(f"{info.name}: a scan rule defines META = CheckMeta(...) and SCAN = ScanRule(...)")
        rules.append(Rule(meta, scan))
    return tuple(sorted(rules, key=lambda r: r.id))


def parse_ids(text: str | None, flag: str) -> set[str] | None:
    """Comma-separated rule ids from --select/--skip; unknown ids are a usage error."""
    if text is None:
        return None
    ids = {part.strip().upper() for part in text.split(",") if part.strip()}
    known = {r.id for r in all_rules()}
    unknown = sorted(ids - known)
    if unknown:
        raise InputError(f"unknown rule id(s) {', '.join(unknown)}; the rules are {', '.join(sorted(known))}",
                         key=flag)
    return ids


def selected_rules(select: set[str] | None, skip: set[str] | None) -> tuple[Rule, ...]:
    return tuple(r for r in all_rules()
                 if (select is None or r.id in select) and not (skip and r.id in skip))
