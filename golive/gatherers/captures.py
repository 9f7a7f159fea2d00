"""The captures gatherer: captured exchanges from JSON Lines and HAR files, as a record source.

The files come from ``--captures`` or ``evidence.captures`` (relative to golive.yaml); each is read
when the engine iterates the source, line by line (golive/evidence/captures.py), so a 1 GB capture
is never held in memory. A file named but not there is bad input (exit 2, naming it).

Each record is handed the run's `SignObserver` (golive/evidence/sign_observation.py): signatures
are observed with the signing material when the records are read, so the checks that judge them
(LL-SIG-006, LL-SIG-009) need no key, and saved records carry their observations.

The sandbox journal (``--sandbox DIR`` or ``evidence.sandbox``: a ``golive sandbox`` state directory)
is read as one more file of the same source (golive/evidence/journal_records.py): the merchant's
real pay requests, queries, acks and returns as capture records. Callbacks the sandbox signed with
its stand-in LianLian key get no sign observation (LL-SIG-009 says why it leaves them out).
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


def sandbox_journal(ctx: GatherContext) -> tuple[Path, str] | None:
    """(the journal file, as written) from ``--sandbox`` or ``evidence.sandbox``; None when neither is
    given. A path that holds no journal is bad input (exit 2, naming it)."""
    from golive.sandbox.journal import journal_path

    given = getattr(ctx.options, "sandbox", None)
    written = given or ctx.config.get("evidence.sandbox")
    if not written:
        return None
    path = Path(given) if given else resolve_path(ctx.config, str(written))
    if not path.exists() or not journal_path(path).is_file():
        if given:
            raise InputError("no golive sandbox state directory or journal (sandbox.sqlite3) here", file=str(path),
                             key="--sandbox")
        raise ctx.config.error("evidence.sandbox", f"no golive sandbox state directory or journal (sandbox.sqlite3) at {path}")
    return journal_path(path), str(written)


def gather(ctx: GatherContext) -> dict[str, Evidence]:
    from golive.evidence.captures import iter_capture_records

    files = existing_files(ctx, list(ctx.options.captures or []), ctx.config.get("evidence.captures"),
                           "evidence.captures")
    journal = sandbox_journal(ctx)
    if not files and journal is None:
        return {"captures": Evidence.missing(Text("未提供抓包记录（evidence.captures / --captures）或沙箱日志（--sandbox）",
                                                  "no captures given (evidence.captures or --captures) and no sandbox "
                                                  "journal (--sandbox)"))}
    limit = ctx.config.get("evidence.max_line_bytes")
    signing = ctx.used("signing")
    observer = SignObserver(signing.value) if signing.is_ok else None
    if journal is not None:
        from golive.evidence.journal_records import iter_journal_records
        from golive.sandbox.journal import JournalError, read_runs

        try:
            read_runs(journal[0])  # refuse an unreadable journal before any record is read
        except JournalError as exc:
            return {"captures": Evidence.failed(Text(f"沙箱日志无法读取：{exc}", f"the sandbox journal cannot be read: {exc}"),
                                                source=journal[1])}
        files = [*files, journal]

    def read(path: Path, written: str) -> Iterable[Any]:
        if journal is not None and path == journal[0]:
            records = iter_journal_records(path, written)
            return records if observer is None else _observed_journal(records, observer)
        records = iter_capture_records(path, written, limit)
        return records if observer is None else _observed(records, observer)

    source = RecordSource("captures", files, read)
    return {"captures": Evidence.ok(source, source=source.source)}


def _observed(records: Iterator[CaptureRecord], observer: SignObserver) -> Iterator[CaptureRecord]:
    for record in records:
        record._sign = observer  # observed on first use (CaptureRecord.sign_observation)
        yield record


def _observed_journal(records: Iterator[CaptureRecord], observer: SignObserver) -> Iterator[CaptureRecord]:
    from golive.evidence.journal_records import is_stand_in_callback

    for record in records:
        if not is_stand_in_callback(record):  # the sandbox's own signatures prove nothing of the key
            record._sign = observer
        yield record


GATHERER = Gatherer(
    name="captures",
    produces=("captures",),
    uses=("signing",),
    reads=Text("抓包文件（JSON Lines、HAR）：evidence.captures 或 --captures；沙箱日志：evidence.sandbox 或 --sandbox",
               "capture files (JSON Lines, HAR): evidence.captures or --captures; the sandbox journal: "
               "evidence.sandbox or --sandbox"),
    gather=gather,
)
