"""Waivers: a failed check accepted for a while, with a justification, an approver and an expiry.

File format (YAML, `--waivers FILE` or `waivers:` in golive.yaml)::

    waivers:
      - check: LL-SIG-007
        justification: demo keys are published test data
        approver: 王五 (risk officer)
        expires: 2027-06-30

An expired waiver no longer applies (the check stays `fail`) and the report says it expired.
Waivers only ever turn `fail` into `waived`; they cannot turn `error` or `manual` into anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from golive.errors import InputError

_KEYS = {"check", "justification", "approver", "expires", "scope"}


@dataclass(frozen=True)
class Waiver:
    check: str
    justification: str
    approver: str
    expires: dt.date
    source: str

    def active(self, today: dt.date) -> bool:
        return today <= self.expires

    def to_dict(self, today: dt.date) -> dict[str, Any]:
        return {"check": self.check, "justification": self.justification, "approver": self.approver,
                "expires": self.expires.isoformat(), "active": self.active(today), "source": self.source}


def load_waivers(path: Path) -> list[Waiver]:
    from golive.config import _read_text, parse_yaml
    from golive.registry import ID_PATTERN

    text, _ = _read_text(path, "waivers file")
    data, lines = parse_yaml(text, str(path))
    entries = data.get("waivers") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError("expected a top-level 'waivers:' list", file=str(path), line=1, key="waivers")
    waivers: list[Waiver] = []
    for index, entry in enumerate(entries):
        where = f"waivers[{index}]"
        line = lines.get(where)
        if not isinstance(entry, dict):
            raise InputError("each waiver is a mapping", file=str(path), line=line, key=where)
        unknown = set(entry) - _KEYS
        if unknown:
            raise InputError(f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}", file=str(path), line=line, key=where)
        for required in ("check", "justification", "approver", "expires"):
            value = entry.get(required)
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"{required} is required (a non-empty string; quote dates)" if required != "expires"
                                 else "expires is required (YYYY-MM-DD)", file=str(path),
                                 line=lines.get(f"{where}.{required}", line), key=f"{where}.{required}")
        if not ID_PATTERN.match(entry["check"]):
            raise InputError("not a check id (LL-AAA-NNN)", file=str(path), line=lines.get(f"{where}.check"), key=f"{where}.check")
        try:
            expires = dt.date.fromisoformat(entry["expires"])
        except ValueError:
            raise InputError("expires must be a date YYYY-MM-DD", file=str(path), line=lines.get(f"{where}.expires"),
                             key=f"{where}.expires") from None
        waivers.append(Waiver(entry["check"], entry["justification"].strip(), entry["approver"].strip(), expires, str(path)))
    return waivers
