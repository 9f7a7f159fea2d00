"""JSON reporter: the result dict itself (golive.result/1), stable key order, UTF-8. The result is
already safe (golive.redact.redact_result ran where it was made or read). Control characters are
written as JSON escapes (json.dumps for C0, golive.controls.json_controls for the rest), so the file
is valid JSON, holds the exact values, and is safe to print on a terminal."""

from __future__ import annotations

import json
from typing import Any


def render(result: dict[str, Any], *, lang: str = "zh") -> str:
    from golive.controls import json_controls

    return json_controls(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False)) + "\n"
