"""Reporters: pure functions of a `golive.result.Result` to text, JSON, JUnit XML, SARIF 2.1.0,
Markdown and HTML. Each module exposes `render(result, *, lang) -> str`.

Reporters only format. The engine made every judgement and stored it in the result (golive.verdict:
item states, staff rows, verdict sentences, the gate per check, attestations), and the one
redaction pass ran where the result was made or read. A reporter imports golive.result, its own
helpers (golive.reporters.*, golive.controls for escaping) and its templates -- never the engine,
the registry or the model (tests/test_result_model.py checks the imports).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Callable

# format -> (module, default file name in --output-dir; None = standard output)
FORMATS: dict[str, tuple[str, str | None]] = {
    "text": ("golive.reporters.text", None),
    "json": ("golive.reporters.json_report", "result.json"),
    "junit": ("golive.reporters.junit", "junit.xml"),
    "sarif": ("golive.reporters.sarif", "golive.sarif"),
    "markdown": ("golive.reporters.markdown", "summary.md"),
    "html": ("golive.reporters.html", "report.html"),
}


if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.result import Result


def renderer(fmt: str) -> Callable[..., str]:
    module_name, _ = FORMATS[fmt]
    return importlib.import_module(module_name).render  # type: ignore[no-any-return]


def parse_formats(text: str) -> list[str]:
    from golive.errors import InputError

    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"unknown format(s) {unknown}; choose from {', '.join(FORMATS)}", key="--format")
    return formats


def render(result: Result, fmt: str, *, lang: str = "zh") -> str:
    return renderer(fmt)(result, lang=lang)
