"""Finds and validates the checks: one module per check under `golive.checks` (repo: `checks/`).

A check module is named after its id (`checks/sig/ll_sig_002_md5_key_format.py` is LL-SIG-002)
and defines `META` (a `CheckMeta`) and either `judge(bundle, ctx)` or a `Judge` class (a
`Reducer` fed one record at a time). Registration validates the id format, that the file
name matches the id, uniqueness, that retired ids are not reused, and complete bilingual
metadata -- so a broken check fails loudly at start-up and in the catalogue test, not in a report.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache
from types import ModuleType

from golive.model import Check, CheckMeta, Reducer

ID_PATTERN = re.compile(r"^LL-(SIG|RSK|NTF|RET|CRD|REG|LIM|PAY|REC|SEC)-\d{3}$")

# Ids that once existed and were retired. Never reuse one: reports and waivers refer to ids.
RETIRED_IDS: frozenset[str] = frozenset()


class RegistryError(Exception):
    """A check module is malformed: a programming error in golive, not user input."""


def _module_stem_for(check_id: str) -> str:
    return check_id.lower().replace("-", "_") + "_"


def validate_meta(meta: CheckMeta, module_name: str) -> None:
    if not ID_PATTERN.match(meta.id):
        raise RegistryError(f"{module_name}: id {meta.id!r} does not match LL-AAA-NNN")
    if meta.id in RETIRED_IDS:
        raise RegistryError(f"{module_name}: id {meta.id} is retired and must not be reused")
    stem = module_name.rsplit(".", 1)[-1]
    if not stem.startswith(_module_stem_for(meta.id)):
        raise RegistryError(f"{module_name}: file name must start with {_module_stem_for(meta.id)}")
    area = meta.id.split("-")[1].lower()
    package = module_name.rsplit(".", 2)[-2]
    if package != area and not (area == "ret" and package == "ntf"):
        raise RegistryError(f"{module_name}: {meta.id} belongs in checks/{area}/")
    for label, text in (("title", meta.title), ("rationale", meta.rationale), ("remediation", meta.remediation)):
        if not text.zh.strip() or not text.en.strip():
            raise RegistryError(f"{module_name}: {label} needs both zh and en text")
    if not meta.references:
        raise RegistryError(f"{module_name}: cite at least one reference (guide section, docs/protocol.md §, LianLian's docs)")
    from golive.evidence.kinds import KINDS

    for name in meta.required + meta.optional:
        if name not in KINDS:
            raise RegistryError(f"{module_name}: unknown evidence kind {name!r}; known: {', '.join(KINDS)}")
    if meta.stream and not KINDS[meta.stream].stream:
        raise RegistryError(f"{module_name}: {meta.stream!r} is not a stream kind")


def _check_from_module(module: ModuleType) -> Check:
    meta = getattr(module, "META", None)
    if not isinstance(meta, CheckMeta):
        raise RegistryError(f"{module.__name__}: defines no META = CheckMeta(...)")
    validate_meta(meta, module.__name__)
    judge = getattr(module, "judge", None)
    stream_judge = getattr(module, "Judge", None)
    if meta.stream:
        if not (isinstance(stream_judge, type) and issubclass(stream_judge, Reducer)):
            raise RegistryError(f"{module.__name__}: stream check needs a Judge(Reducer) class")
        return Check(meta=meta, stream_judge=stream_judge, module=module.__name__)
    if not callable(judge):
        raise RegistryError(f"{module.__name__}: defines no judge(evidence, ctx) function")
    return Check(meta=meta, judge=judge, module=module.__name__)


@lru_cache(maxsize=1)
def all_checks() -> tuple[Check, ...]:
    """Every check, sorted by id. Imports the check modules (cheap: they do no I/O)."""
    import golive.checks as package

    found: dict[str, Check] = {}
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        if info.ispkg or not info.name.rsplit(".", 1)[-1].startswith("ll_"):
            continue
        check = _check_from_module(importlib.import_module(info.name))
        if check.meta.id in found:
            raise RegistryError(f"duplicate check id {check.meta.id}: {found[check.meta.id].module} and {check.module}")
        found[check.meta.id] = check
    return tuple(sorted(found.values(), key=lambda c: c.meta.id))


def get_check(check_id: str) -> Check | None:
    wanted = check_id.strip().upper()
    return next((c for c in all_checks() if c.meta.id == wanted), None)
