"""The captures gatherer: captured exchanges from JSON Lines and HAR files, as a record source.

The files come from ``--captures`` or ``evidence.captures`` (relative to golive.yaml); each is read
when the engine iterates the source, line by line (golive/evidence/captures.py), so a 1 GB capture
is never held in memory. A file named but not there is bad input (exit 2, naming it).

Each record is handed the run's `SignObserver` (golive/evidence/sign_observation.py): signatures
are observed with the signing material when the records are read, so the checks that judge them
(LL-SIG-006, LL-SIG-009) need no key, and saved records carry their observations.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from golive.config import resolve_path
from golive.errors import InputError
from golive.evidence.bundle import Evidence
from golive.evidence.sign_observation import SignObserver
from golive.evidence.streams import RecordSource
from golive.gathering import GatherContext, Gatherer
from golive.model import Text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.evidence.captures import CaptureRecord


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
    signing = ctx.used("signing")
    observer = SignObserver(signing.value) if signing.is_ok else None

    def read(path: Path, written: str) -> Iterable[Any]:
        records = iter_capture_records(path, written, limit)
        return records if observer is None else _observed(records, observer)

    source = RecordSource("captures", files, read)
    return {"captures": Evidence.ok(source, source=source.source)}


def _observed(records: Iterator[CaptureRecord], observer: SignObserver) -> Iterator[CaptureRecord]:
    for record in records:
        record._sign = observer  # observed on first use (CaptureRecord.sign_observation)
        yield record


GATHERER = Gatherer(
    name="captures",
    produces=("captures",),
    uses=("signing",),
    reads=Text("抓包文件（JSON Lines、HAR）：evidence.captures 或 --captures",
               "capture files (JSON Lines, HAR): evidence.captures or --captures"),
    gather=gather,
)
