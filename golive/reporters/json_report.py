"""JSON reporter: the result dict itself (golive.result/1), stable key order, UTF-8."""

from __future__ import annotations

import json
from typing import Any


def render(result: dict[str, Any], *, lang: str = "zh") -> str:
    return json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
