"""The captures gatherer: captured exchanges from JSON Lines and HAR files, as a record source.

The files come from ``--captures`` or ``evidence.captures`` (relative to golive.yaml); each is read
when the engine iterates the source, line by line (golive/evidence/captures.py), so a 1 GB capture
is never held in memory. A file named but not there is bad input (exit 2, naming it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from golive.config import resolve_path
from golive.errors import InputError
from golive.evidence.bundle import Evidence
from golive.evidence.streams import RecordSource
from golive.gathering import GatherContext, Gatherer
from golive.model import Text


def existing_files(ctx: GatherContext, given: list[str], configured: Any, key: str) -> list[tuple[Path, str]]:
    """(path, as written) for files from the command line, else from the config; each must exist."""
    if given:
        files = [(Path(p), p) for p in given]
    else:
        written = configured if isinstance(configured, list) else ([configured] if configured else [])
        files = [(resolve_path(ctx.config, p), p) for p in written]
    for path, _written in files:
        if not path.exists():
            raise InputError(f"{key.rsplit('.', 1)[-1]} file not found", file=str(path), key=key)
        if path.is_dir():
            raise InputError("is a directory, expected a file", file=str(path), key=key)
    return files


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.evidence.captures import iter_capture_records

    files = existing_files(ctx, list(ctx.options.captures or []), ctx.config.get("evidence.captures"),
                           "evidence.captures")
    if not files:
        return {"captures": Evidence.missing(Text("未提供抓包记录（evidence.captures / --captures）",
                                                  "no captures given (evidence.captures or --captures)"))}
    limit = ctx.config.get("evidence.max_line_bytes")

    def read(path: Path, written: str) -> Iterable[Any]:
        return iter_capture_records(path, written, limit)

    source = RecordSource("captures", files, read)
    return {"captures": Evidence.ok(source, source=source.source)}


GATHERER = Gatherer(
    name="captures",
    produces=("captures",),
    reads=Text("抓包文件（JSON Lines、HAR）：evidence.captures 或 --captures",
               "capture files (JSON Lines, HAR): evidence.captures or --captures"),
    gather=gather,
)
