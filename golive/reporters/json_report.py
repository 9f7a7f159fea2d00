"""JSON reporter: the result dict itself (golive.result/1), stable key order, UTF-8."""

from __future__ import annotations

import json
from typing import Any


def render(result: dict[str, Any], *, lang: str = "zh") -> str:
    from golive.reporters.view import safe_result  # the last safety net every report gets

    return json.dumps(safe_result(result), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
