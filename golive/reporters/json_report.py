"""JSON reporter: the result document itself (`Result.to_json`, schema golive.result/2, key order
as the model declares it), UTF-8. The result is already safe (golive.redact.redact_result ran
where it was made or read). Control characters are written as JSON escapes (json.dumps for C0,
golive.controls.json_controls for the rest), so the file is valid JSON, holds the exact values,
and is safe to print on a terminal."""

from __future__ import annotations

import json

from golive.result import Result


def render(result: Result, *, lang: str = "zh") -> str:
    from golive.controls import json_controls

    return json_controls(json.dumps(result.to_json(), ensure_ascii=False, indent=2, sort_keys=False)) + "\n"
