"""The evidence store: a run's evidence saved beside its result and judged again offline.

``golive check ... --save-evidence DIR`` writes every kind of evidence the run gathered;
``golive check --from-evidence DIR`` loads them instead of gathering and judges them with the
golive at hand, at the run's own time -- no config file, no key, no merchant server, no capture
file needed. Staff re-judge a merchant's evidence with a newer golive; a merchant shows LianLian
exactly what was judged.

Layout of DIR (schema ``golive.evidence/1``; every file UTF-8 JSON written by `golive.evidence.codec`):

* ``manifest.json`` -- ``schema``, ``tool`` (name, version), ``run`` (``time``: the run's clock, used
  as "now" when judging again; ``profile``, ``environment``, ``fail_on``, ``select``, ``skip``,
  ``probe``, ``online``), ``config`` (``display``: how findings name the file, ``sha256``,
  ``lines``: dotted key -> line, ``file``, ``excerpts``: line -> the golive.yaml line the saving run's
  findings showed, secrets left out), ``waivers`` (as loaded), ``provenance`` (probe
  targets), ``kinds`` (per evidence kind: ``state`` ok/missing/failed, ``reason``, ``source``,
  ``file``; for streams ``records`` and per input file ``stats``), ``original`` (the verdict and
  statuses the saving run reached);
* ``config.json`` -- golive.yaml as the checks read it (secrets replaced by how they are given);
* ``KIND.json`` -- each other kind (keys facts, DNS, probe records, the scan, the ledger's audit);
* ``KIND.jsonl`` -- each record stream (captures), one record per line, in the order the checks
  were fed: a capture record with its parsed ``risk_item`` state and its sign observation
  (`golive.evidence.sign_observation`); a stream's row of a reader's row type is saved field by
  field and rebuilt as that type.

Never saved: the ``signing`` kind (keys; the manifest says it existed), any secret the run read
(removed from every text), and personal data: capture parameters hold masked values
(`golive.evidence.masked`) that compare and validate as their originals did; exchanges, probe
records and the scan are saved as the report would show them (`golive.redact`).

Why judging again gives the same answer: the checks are pure functions of their evidence and the
run's settings, and both are restored -- the same records in the same order, the same time, profile,
selection, waivers and config; what needed a key or a personal value was measured when the evidence
was gathered and saved with it. A newer golive judges the same evidence by its own rules.

A store is untrusted input: sizes and nesting are bounded, file names stay inside DIR, row types
come only from golive's own reader modules, and anything malformed is one line naming
``file:line: key`` (exit 2). Saving writes to a temporary directory beside DIR and renames it into
place when the run is complete, so an interrupted run leaves no half store.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterator, Mapping

from golive import __version__, safe_json
from golive.errors import InputError
from golive.evidence.bundle import Bundle, Evidence, EvidenceState
from golive.evidence.codec import CodecError, decode, encode
from golive.evidence.kinds import KINDS
from golive.evidence.masked import MaskedText, Masker
from golive.evidence.streams import FileStats, RecordSource
from golive.model import Text

if TYPE_CHECKING:  # pragma: no cover - typing only
    from golive.config import LoadedConfig
    from golive.engine import Run, RunOptions
    from golive.waivers import Waiver

__all__ = ["SCHEMA", "EvidenceWriter", "SavedEvidence", "open_store"]

SCHEMA = "golive.evidence/1"
MANIFEST = "manifest.json"
CONFIG_FILE = "config.json"
MAX_LINE_BYTES = 64 << 20  # one saved record (a capture line is capped at 4 MiB when read)
MAX_FILE_BYTES = 1 << 30  # one saved document (manifest, config, a probe record)
MAX_DEPTH = 256  # tags and masked documents nest a little deeper than the evidence they hold
_OPAQUE_SAFE = frozenset({"config", "keys", "dns"})  # judged field by field: only secrets are taken out
_NAME = re.compile(r"^[a-z][a-z0-9_.]*\.jsonl?$")
KEY = "--from-evidence"


# -- writing ------------------------------------------------------------------------------------------

def _dumps(node: Any) -> bytes:
    text = json.dumps(node, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a cut-off emoji in a capture): keep it as its escape
        return json.dumps(node, ensure_ascii=True, separators=(",", ":"), allow_nan=False).encode("ascii")


def _is_store(path: Path) -> bool:
    try:
        head = (path / MANIFEST).read_bytes()[:4096]
    except OSError:
        return False
    return SCHEMA.encode() in head


def _scrub(node: Any, needles: tuple[str, ...]) -> Any:
    """Exact secrets, private keys and ``&key=`` tails out of every text of a value."""
    from golive.redact import remove_secrets

    if isinstance(node, str):
        return remove_secrets(node, needles) if node.__class__ is str else node
    if isinstance(node, dict):
        return {k: _scrub(v, needles) for k, v in node.items()}
    if isinstance(node, list):
        return [_scrub(v, needles) for v in node]
    if isinstance(node, tuple):
        return tuple(_scrub(v, needles) for v in node)
    return node


class _Sink:
    """One record stream's file: a record per line, as the checks were fed."""

    def __init__(self, path: Path, kind: str, masker: Masker) -> None:
        self.path = path
        self.kind = kind
        self.masker = masker
        self.handle: IO[bytes] = path.open("wb")
        self.records = 0

    def write(self, record: Any) -> None:
        node = _encode_capture(record, self.masker) if self.kind == "captures" and _is_capture(record) \
            else _encode_row(record, self.masker)
        self.handle.write(_dumps(node) + b"\n")
        self.records += 1

    def close(self) -> None:
        if not self.handle.closed:
            self.handle.close()


class SavingSource(RecordSource):
    """A record source that writes each record to the store as the engine reads it."""

    def __init__(self, inner: RecordSource, sink: _Sink) -> None:  # noqa: D107 - no base __init__: stats are the inner's
        self.inner = inner
        self.kind = inner.kind
        self.files = inner.files
        self.reader = inner.reader
        self.sink = sink
        self.read = False

    @property
    def stats(self) -> list[FileStats]:
        return self.inner.stats

    @stats.setter
    def stats(self, value: list[FileStats]) -> None:
        self.inner.stats = value

    def __iter__(self) -> Iterator[Any]:
        self.read = True
        for record in self.inner:
            self.sink.write(record)  # first: a record's sign observation is made in record order
            yield record
        self.sink.close()

    @property
    def source(self) -> str:
        return self.inner.source

    def unreadable_files(self) -> list[str]:
        return self.inner.unreadable_files()

    def problem(self) -> Text | None:
        return self.inner.problem()

    def summary(self) -> dict[str, Any]:
        return self.inner.summary()


class EvidenceWriter:
    """Saves one run's evidence (``--save-evidence DIR``): `open` before anything is gathered,
    `begin` after gathering, `commit` once the result is made, `abort` if the run stops."""

    def __init__(self, target: Path, work: Path) -> None:
        self.target = target
        self.work = work
        self.kinds: dict[str, dict[str, Any]] = {}
        self.sources: dict[str, SavingSource] = {}
        self.masker: Masker | None = None

    @classmethod
    def open(cls, target: Path) -> EvidenceWriter:
        """Refuse a target that is not new, empty or an earlier store; make the work directory."""
        if target.exists() and not target.is_dir():
            raise InputError("exists and is not a directory", file=str(target), key="--save-evidence")
        if target.is_dir() and any(target.iterdir()) and not _is_store(target):
            raise InputError("is not empty and holds no golive evidence store; choose a new or empty directory",
                             file=str(target), key="--save-evidence")
        parent = target.resolve().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
        except OSError as exc:
            raise InputError(f"cannot write there: {exc.strerror or exc}", file=str(target),
                             key="--save-evidence") from None
        return cls(target, work)

    def begin(self, run: Run) -> None:
        """After gathering: write the settled kinds, and save each record stream as it is read."""
        self.masker = Masker(run.now, run.secret_values())
        needles = self.masker.needles
        for name, evidence in list(run.bundle):
            entry: dict[str, Any] = {"state": evidence.state.value, "source": self.masker.free_text(evidence.source),
                                     "reason": evidence.reason.to_dict() if evidence.reason else None, "file": None}
            self.kinds[name] = entry
            kind = KINDS.get(name)
            if not evidence.is_ok or kind is None or kind.secret:
                continue  # only its state is saved: a secret kind's value never is
            if kind.stream:
                entry["file"] = f"{name}.jsonl"
                source = SavingSource(evidence.value, _Sink(self.work / entry["file"], name, self.masker))
                self.sources[name] = source
                run.bundle.put(name, Evidence(evidence.state, source, evidence.reason, evidence.source))
                continue
            value = _scrub(evidence.value, needles)
            if name not in _OPAQUE_SAFE:
                from golive.redact import redact_evidence

                value = redact_evidence(value, self.masker.secrets)
            entry["file"] = CONFIG_FILE if name == "config" else f"{name}.json"
            self._write(entry["file"], value)
        if "config" not in self.kinds or self.kinds["config"]["file"] is None:
            self._write(CONFIG_FILE, _scrub(_config_value(run.config), needles))

    def _write(self, name: str, value: Any) -> None:
        (self.work / name).write_bytes(_dumps(encode(value)) + b"\n")

    def commit(self, run: Run, result: Mapping[str, Any]) -> None:
        """Finish every stream (read now the ones no check read), write the manifest, move DIR
        into place."""
        try:
            for name, source in self.sources.items():
                if not source.read:
                    for _record in source:
                        pass
                source.sink.close()
                self.kinds[name]["records"] = source.sink.records
                self.kinds[name]["stats"] = [_stats(s, self.masker) for s in source.stats]
            self._write_manifest(run, result)
        except OSError as exc:
            self.abort()
            raise InputError(f"cannot write the evidence: {exc.strerror or exc}", file=str(self.target),
                             key="--save-evidence") from None
        self._move_into_place()

    def _write_manifest(self, run: Run, result: Mapping[str, Any]) -> None:
        options = run.options
        manifest = {
            "schema": SCHEMA,
            "tool": {"name": "golive", "version": __version__},
            "run": {"time": run.now.isoformat(), "profile": run.profile.name, "environment": run.environment,
                    "fail_on": options.fail_on.value, "select": sorted(options.select) if options.select is not None else None,
                    "skip": sorted(options.skip), "probe": bool(options.probe), "online": bool(options.online)},
            "config": {"display": run.config.display, "sha256": run.config.sha256, "lines": dict(run.config.lines),
                       "file": CONFIG_FILE, "excerpts": _excerpts(run.config.display, result)},
            "waivers": [{"check": w.check, "justification": w.justification, "approver": w.approver,
                         "expires": w.expires.isoformat(), "source": w.source} for w in run.waivers],
            "provenance": {"probe_targets": list(run.provenance.get("probe_targets") or [])},
            "kinds": self.kinds,
            "original": {"verdict": result.get("verdict"),
                         "statuses": {c.get("id"): c.get("status") for c in result.get("checks") or []}},
        }
        (self.work / MANIFEST).write_bytes(_dumps(_scrub(manifest, self.masker.needles if self.masker else ())) + b"\n")

    def _move_into_place(self) -> None:
        old = None
        try:
            if self.target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".old", dir=self.work.parent))
                os.replace(self.target, old / "store")
            os.replace(self.work, self.target)
        except OSError as exc:
            self.abort()
            raise InputError(f"cannot move the evidence into place: {exc.strerror or exc}", file=str(self.target),
                             key="--save-evidence") from None
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)

    def abort(self) -> None:
        """Leave nothing behind: an interrupted or failed run writes no store."""
        for source in self.sources.values():
            source.sink.close()
        shutil.rmtree(self.work, ignore_errors=True)


def _excerpts(display: str, result: Mapping[str, Any]) -> dict[str, str]:
    """The golive.yaml lines the result's findings show (`Location.excerpt`), by line number: the
    file itself is not saved, and judged again the findings show the same lines."""
    shown: dict[str, str] = {}
    for check in result.get("checks") or []:
        for finding in check.get("findings") or []:
            where = finding.get("location") or {}
            if where.get("file") == display and where.get("line") and isinstance(where.get("excerpt"), str):
                shown[str(where["line"])] = where["excerpt"]
    return dict(sorted(shown.items(), key=lambda kv: int(kv[0])))


def _config_value(config: LoadedConfig) -> dict[str, Any]:
    from golive.config import iter_secret_refs
    from golive.gatherers.config import redacted_config

    return redacted_config(config.data, {ref.key: ref for ref in iter_secret_refs(config)}, {})


def _stats(stats: FileStats, masker: Masker | None) -> dict[str, Any]:
    def shown(text: str | None) -> str | None:
        return masker.free_text(text) if masker is not None else text

    return {"file": shown(stats.file), "bytes": stats.bytes, "records": stats.records, "unreadable": stats.unreadable,
            "first_unreadable": shown(stats.first_unreadable)}


# -- records ------------------------------------------------------------------------------------------

def _is_capture(record: Any) -> bool:
    from golive.evidence.captures import CaptureRecord

    return isinstance(record, CaptureRecord)


def _encode_capture(record: Any, masker: Masker) -> dict[str, Any]:
    params = masker.params(record.params) if record.params is not None else None
    node: dict[str, Any] = {
        "$t": "capture", "file": masker.free_text(record.file), "line": record.line, "kind": record.kind, "channel": record.channel,
        "params": encode(params), "request": encode(masker.exchange(record.request)),
        "response": encode(masker.exchange(record.response)), "broken": record.broken,
        "error": masker.free_text(record.error), "wrapped": record.wrapped, "source": record.source,
        "effect": encode(_scrub(record.effect, masker.needles)),
    }
    if params is not None and isinstance(params.get("risk_item"), MaskedText):
        # Its masked text no longer parses as the original did: keep how the original read.
        risk = record.risk_item()
        node["risk"] = {"state": risk.state, "error": masker.free_text(risk.error)}
    seen = record.sign_observation()
    if seen is not None:
        node["sign"] = {**seen.to_dict(), "reason": masker.free_text(seen.reason) or ""}
    return node


def _row_parts(row: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(fields, other attributes) of a row, whatever its type: a NamedTuple, a dataclass, an object."""
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        fields = {f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.init}
    elif isinstance(row, tuple) and hasattr(row, "_asdict"):
        fields = dict(row._asdict())
    else:
        fields = {}
    extra = {k: v for k, v in getattr(row, "__dict__", {}).items() if k not in fields and not k.startswith("_")}
    return fields, extra


def _encode_row(row: Any, masker: Masker) -> dict[str, Any]:
    fields, extra = _row_parts(row)
    node: dict[str, Any] = {"$t": "row", "type": type(row).__name__, "fields": encode(masker.row(fields))}
    if extra:
        node["attrs"] = encode(masker.row(extra))
    return node


# -- reading ------------------------------------------------------------------------------------------

def _parse(text: str, file: Path, line: int | None = None) -> Any:
    try:
        return safe_json.loads(text, max_depth=MAX_DEPTH)
    except safe_json.JSONInputError as exc:
        at = line if line is not None else exc.lineno
        raise InputError(f"not valid JSON ({exc.msg})", file=str(file), line=at) from None


def _read_document(path: Path, what: str) -> Any:
    if not path.is_file():
        raise InputError(f"{what} not found: not a golive evidence store (golive check --save-evidence DIR writes one)"
                         if path.name == MANIFEST else f"{what} not found", file=str(path), key=KEY)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"larger than {MAX_FILE_BYTES >> 20} MiB", file=str(path), key=KEY)
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path), key=KEY) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start + 1})", file=str(path), line=raw.count(b"\n", 0, exc.start) + 1) from None
    return _parse(text, path)


def _decoded(node: Any, file: Path, line: int | None, key: str) -> Any:
    try:
        return decode(node, key)
    except CodecError as exc:
        raise InputError(exc.message, file=str(file), line=line, key=exc.path or key) from None


def _field(node: Mapping[str, Any], key: str, types: tuple[type, ...], file: Path, line: int | None, where: str,
           optional: bool = False) -> Any:
    value = node.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool) and int in types):
        names = " or ".join(t.__name__ for t in types) + (" or null" if optional else "")
        raise InputError(f"expected {names}, got {type(value).__name__}", file=str(file), line=line,
                         key=f"{where}.{key}" if where else key)
    return value


class ReplaySource(RecordSource):
    """A record stream read back from a store, record by record, with the original files' counts."""

    def __init__(self, kind: str, path: Path, source: str, stats: list[FileStats]) -> None:
        super().__init__(kind, [], _no_reader)
        self.path = path
        self._source = source
        self._saved_stats = stats
        self.stats = list(stats)

    @property
    def source(self) -> str:
        return self._source

    def summary(self) -> dict[str, Any]:
        return {"files": [s.file for s in self._saved_stats], "records": sum(s.records for s in self._saved_stats),
                "broken": sum(s.unreadable for s in self._saved_stats)}

    def __iter__(self) -> Iterator[Any]:
        self.stats = list(self._saved_stats)
        try:
            handle = self.path.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=str(self.path), key=KEY) from None
        with handle:
            number = 0
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                if len(raw) > MAX_LINE_BYTES:
                    raise InputError(f"line longer than {MAX_LINE_BYTES >> 20} MiB", file=str(self.path), line=number)
                if raw.isspace():
                    continue
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(f"not UTF-8 (byte {exc.start + 1} of the line)", file=str(self.path),
                                     line=number) from None
                yield _decode_record(_parse(text, self.path, number), self.kind, self.path, number)


def _no_reader(path: Path, written: str) -> Iterator[Any]:  # pragma: no cover - never called
    return iter(())


def _decode_record(node: Any, kind: str, file: Path, line: int) -> Any:
    if not isinstance(node, dict):
        raise InputError("a saved record must be a JSON object", file=str(file), line=line)
    tag = node.get("$t")
    if tag == "capture" and kind == "captures":
        return _decode_capture(node, file, line)
    if tag == "row":
        return _decode_row(node, kind, file, line)
    raise InputError(f"not a saved {kind} record (tag {tag!r})", file=str(file), line=line, key="$t")


def _decode_capture(node: dict[str, Any], file: Path, line: int) -> Any:
    from golive.evidence.captures import KINDS as CAPTURE_KINDS
    from golive.evidence.captures import CaptureRecord, RiskItem
    from golive.evidence.sign_observation import SignObservation

    def get(key: str, *types: type, optional: bool = False) -> Any:
        return _field(node, key, types, file, line, "", optional)

    kind = get("kind", str)
    if kind not in CAPTURE_KINDS:
        raise InputError(f"unknown record kind {kind!r}", file=str(file), line=line, key="kind")
    parts: dict[str, Any] = {}
    for key in ("params", "request", "response", "effect"):
        value = _decoded(node.get(key), file, line, key)
        if value is not None and not (isinstance(value, dict) and _text_keys(value)):
            raise InputError("expected an object (keyed by text) or null", file=str(file), line=line, key=key)
        parts[key] = value
    record = CaptureRecord(
        get("file", str), get("line", int), kind, get("channel", str, optional=True), parts["params"],
        parts["request"], parts["response"], bool(get("broken", bool)), get("error", str, optional=True),
        get("wrapped", str, optional=True), get("source", str), parts["effect"])
    risk = node.get("risk")
    if risk is not None:
        state = _field(risk, "state", (str,), file, line, "risk") if isinstance(risk, dict) else None
        if state is None:
            raise InputError("expected an object with a state", file=str(file), line=line, key="risk")
        value = (parts["params"] or {}).get("risk_item")
        fields = value.decoded if isinstance(value, MaskedText) and isinstance(value.decoded, dict) else None
        record._risk = RiskItem(state, fields if state in ("string", "nested") else None,
                                _field(risk, "error", (str,), file, line, "risk", optional=True))
    sign = node.get("sign")
    if sign is not None:
        try:
            if not isinstance(sign, dict):
                raise ValueError("expected an object")
            record._sign = SignObservation.from_dict(sign)
        except (TypeError, ValueError) as exc:
            raise InputError(str(exc), file=str(file), line=line, key="sign") from None
    return record


def _row_type(kind: str, name: Any, file: Path, line: int) -> type:
    """A row class from golive's own reader for the stream (``golive.evidence.<kind>``), nothing else."""
    module_name = f"golive.evidence.{kind}"
    found = None
    if isinstance(name, str) and name.isidentifier():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = None
        found = getattr(module, name, None) if module is not None else None
    # golive's own: defined in the kind's module or one of its parts (golive.evidence.ledger_reader)
    own = isinstance(found, type) and (found.__module__ == module_name or found.__module__.startswith(module_name + "_"))
    if not (own and isinstance(found, type)
            and (dataclasses.is_dataclass(found) or (issubclass(found, tuple) and hasattr(found, "_fields")))):
        raise InputError(f"not a {kind} row type of this golive: {name!r}", file=str(file), line=line, key="type")
    return found


def _decode_row(node: dict[str, Any], kind: str, file: Path, line: int) -> Any:
    cls = _row_type(kind, node.get("type"), file, line)
    fields = _decoded(node.get("fields"), file, line, "fields")
    extra = _decoded(node.get("attrs") or {}, file, line, "attrs")
    if not isinstance(fields, dict) or not isinstance(extra, dict):
        raise InputError("expected an object", file=str(file), line=line, key="fields")
    names = [f.name for f in dataclasses.fields(cls) if f.init] if dataclasses.is_dataclass(cls) else list(cls._fields)  # type: ignore[attr-defined]
    hints = _hints(cls)
    for name, value in fields.items():
        if name in names and name in hints and not _fits(value, hints[name]):
            raise InputError(f"not what a {cls.__name__} holds there ({type(value).__name__})", file=str(file),
                             line=line, key=f"fields.{name}")
    try:
        row = cls(**{k: v for k, v in fields.items() if k in names})
    except TypeError as exc:  # a field this golive's row type requires is not in the saved row
        raise InputError(f"cannot rebuild a {cls.__name__}: {exc}", file=str(file), line=line, key="fields") from None
    for key, value in extra.items():
        if key in hints and not _fits(value, hints[key]):
            raise InputError(f"not what a {cls.__name__} holds there ({type(value).__name__})", file=str(file),
                             line=line, key=f"attrs.{key}")
        if isinstance(key, str) and key.isidentifier() and not key.startswith("_"):
            try:
                object.__setattr__(row, key, value)
            except (AttributeError, TypeError):
                pass  # the row type no longer has room for it: nothing judges it then
    return row


def _hints(cls: type) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(cls)
    except Exception:  # an annotation this Python cannot resolve: the row is rebuilt unchecked
        return {}


def _fits(value: Any, hint: Any) -> bool:
    """Whether a saved field value fits its annotation (classes, unions, tuples, lists, dicts; anything
    else is taken as it is): a tampered store cannot hand a check a row its reader never makes."""
    import types
    import typing

    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in args)
    if hint is type(None):
        return value is None
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(v, args[0]) for v in value)
        return len(args) == len(value) and all(_fits(v, a) for v, a in zip(value, args))
    if origin is list:
        return isinstance(value, list) and all(_fits(v, args[0]) for v in value) if args else isinstance(value, list)
    if origin is dict:
        return isinstance(value, dict)
    if isinstance(hint, type):
        if hint is int and isinstance(value, bool):
            return False
        return isinstance(value, hint)
    return True


def _text_keys(node: Any) -> bool:
    """Objects keyed by text only, as every JSON a capture reader decodes."""
    if isinstance(node, dict):
        return all(isinstance(k, str) and _text_keys(v) for k, v in node.items())
    if isinstance(node, (list, tuple)):
        return all(_text_keys(v) for v in node)
    if isinstance(node, MaskedText):
        return _text_keys(node.decoded)
    return True


class SavedEvidence:
    """An opened store: the run's settings, its config and waivers, and its evidence."""

    def __init__(self, directory: Path, manifest: dict[str, Any]) -> None:
        self.directory = directory
        self.manifest = manifest
        self.path = directory / MANIFEST
        self._read_run()
        self._read_config()
        self._read_waivers()
        self._read_kinds()

    # -- the manifest ---------------------------------------------------------------------------------
    def _get(self, node: Any, key: str, types: tuple[type, ...], where: str, optional: bool = False) -> Any:
        if not isinstance(node, dict):
            raise InputError("expected an object", file=str(self.path), key=where or "(top level)")
        return _field(node, key, types, self.path, None, where, optional)

    def _read_run(self) -> None:
        from golive.model import Severity

        tool = self._get(self.manifest, "tool", (dict,), "")
        self.saved_with = str(self._get(tool, "version", (str,), "tool"))
        run = self._get(self.manifest, "run", (dict,), "")
        try:
            self.time = dt.datetime.fromisoformat(self._get(run, "time", (str,), "run"))
        except ValueError:
            raise InputError("not an ISO 8601 time", file=str(self.path), key="run.time") from None
        if self.time.tzinfo is None:
            raise InputError("the time has no zone", file=str(self.path), key="run.time")
        self.profile = self._get(run, "profile", (str,), "run")
        try:
            self.fail_on = Severity(self._get(run, "fail_on", (str,), "run"))
        except ValueError:
            raise InputError("not a severity", file=str(self.path), key="run.fail_on") from None
        select = self._get(run, "select", (list,), "run", optional=True)
        skip = self._get(run, "skip", (list,), "run")
        for key, ids in (("select", select or []), ("skip", skip)):
            if not all(isinstance(i, str) for i in ids):
                raise InputError("expected a list of check ids", file=str(self.path), key=f"run.{key}")
        self.select: set[str] | None = set(select) if select is not None else None
        self.skip: set[str] = set(skip)
        self.probe = bool(self._get(run, "probe", (bool,), "run"))
        self.online = bool(self._get(run, "online", (bool,), "run"))
        provenance = self._get(self.manifest, "provenance", (dict,), "", optional=True) or {}
        targets = provenance.get("probe_targets") or []
        if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
            raise InputError("expected a list of strings", file=str(self.path), key="provenance.probe_targets")
        self.provenance = {"probe_targets": list(targets)}

    def _read_config(self) -> None:
        from golive.config import LoadedConfig

        section = self._get(self.manifest, "config", (dict,), "")
        lines = self._get(section, "lines", (dict,), "config")
        if not all(isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) for k, v in lines.items()):
            raise InputError("expected an object of line numbers", file=str(self.path), key="config.lines")
        file = self._file(self._get(section, "file", (str,), "config"), "config.file")
        data = _decoded(_read_document(file, "config"), file, None, "")
        _validate_config(data, file)
        excerpts = self._get(section, "excerpts", (dict,), "config", optional=True) or {}
        if not all(isinstance(k, str) and k.isascii() and k.isdigit() and isinstance(v, str) for k, v in excerpts.items()):
            raise InputError("expected an object of config lines by line number", file=str(self.path),
                             key="config.excerpts")
        self.config: LoadedConfig = LoadedConfig(path=file, data=data, lines=dict(lines),
                                                 sha256=str(self._get(section, "sha256", (str,), "config")),
                                                 display_name=self._get(section, "display", (str,), "config"),
                                                 excerpts={int(k): v for k, v in excerpts.items()})

    def _read_waivers(self) -> None:
        from golive.waivers import Waiver

        entries = self._get(self.manifest, "waivers", (list,), "")
        self.waivers: list[Waiver] = []
        for index, entry in enumerate(entries):
            where = f"waivers[{index}]"
            try:
                expires = dt.date.fromisoformat(self._get(entry, "expires", (str,), where))
            except ValueError:
                raise InputError("not a date", file=str(self.path), key=f"{where}.expires") from None
            self.waivers.append(Waiver(self._get(entry, "check", (str,), where),
                                       self._get(entry, "justification", (str,), where),
                                       self._get(entry, "approver", (str,), where), expires,
                                       self._get(entry, "source", (str,), where)))

    def _file(self, name: str, key: str) -> Path:
        if not _NAME.match(name):
            raise InputError(f"not a file name of the store: {name!r}", file=str(self.path), key=key)
        return self.directory / name

    def _read_kinds(self) -> None:
        kinds = self._get(self.manifest, "kinds", (dict,), "")
        self.evidence: dict[str, Evidence] = {}
        for name, entry in kinds.items():
            where = f"kinds.{name}"
            kind = KINDS.get(name)
            if kind is None:
                continue  # a kind this golive does not know: no check of it reads it
            state_text = self._get(entry, "state", (str,), where)
            try:
                state = EvidenceState(state_text)
            except ValueError:
                raise InputError("expected ok, missing or failed", file=str(self.path), key=f"{where}.state") from None
            reason_node = self._get(entry, "reason", (dict,), where, optional=True)
            reason = Text(self._get(reason_node, "zh", (str,), f"{where}.reason"),
                          self._get(reason_node, "en", (str,), f"{where}.reason")) if reason_node else None
            source = self._get(entry, "source", (str,), where, optional=True)
            if state is not EvidenceState.OK:
                self.evidence[name] = Evidence(state, None, reason, source)
                continue
            if kind.secret:  # signing material: it existed, and it is never saved
                self.evidence[name] = Evidence.missing(Text(
                    "签名材料（密钥）从不随证据保存；依赖它的观测已在收集时完成并保存",
                    "signing material (keys) is never saved; what needed it was observed when the evidence was "
                    "gathered and saved with it"))
                continue
            file = self._file(self._get(entry, "file", (str,), where), f"{where}.file")
            if kind.stream:
                if not file.is_file():
                    raise InputError(f"{kind.name} records not found", file=str(file), key=KEY)
                stats = self._stats(self._get(entry, "stats", (list,), where), where)
                self.evidence[name] = Evidence.ok(ReplaySource(name, file, source or "", stats), source=source)
            else:
                value = self.config.data if file.name == CONFIG_FILE else \
                    _decoded(_read_document(file, f"{name} evidence"), file, None, "")
                self.evidence[name] = Evidence.ok(value, source=source)

    def _stats(self, entries: list[Any], where: str) -> list[FileStats]:
        stats = []
        for index, item in enumerate(entries):
            at = f"{where}.stats[{index}]"
            stats.append(FileStats(self._get(item, "file", (str,), at), self._get(item, "bytes", (int,), at),
                                   self._get(item, "records", (int,), at), self._get(item, "unreadable", (int,), at),
                                   self._get(item, "first_unreadable", (str,), at, optional=True)))
        return stats

    # -- the run -------------------------------------------------------------------------------------
    def options(self, fail_on: Any = None, progress: Any = None) -> RunOptions:
        """The saved run's options; `fail_on` (a Severity) overrides the saved threshold."""
        from golive.engine import RunOptions

        return RunOptions(config_path=self.config.path, profile=self.profile, probe=self.probe, online=self.online,
                          fail_on=fail_on or self.fail_on, select=set(self.select) if self.select is not None else None,
                          skip=set(self.skip), now=self.time, progress=progress,
                          config_display=self.config.display_name, from_evidence=self)

    def fill(self, bundle: Bundle) -> None:
        for name, evidence in self.evidence.items():
            bundle.put(name, evidence)

    def note(self) -> dict[str, Any]:
        """What the result's provenance records of the replay."""
        return {"replayed_from": str(self.directory), "saved_with": self.saved_with,
                "original_verdict": self.manifest.get("original", {}).get("verdict")
                if isinstance(self.manifest.get("original"), dict) else None}


def _validate_config(data: Any, file: Path) -> None:
    """The saved config against this golive's config schema, as a golive.yaml would be (the checks
    rely on it); each key slot's saved description stands in for the secret it replaced."""
    from golive.config import validate
    from golive.signing import KEY_SLOTS

    if not isinstance(data, dict):
        raise InputError("expected an object", file=str(file))
    stand_in: dict[str, Any] = json.loads(json.dumps(data, default=str))
    for slot in KEY_SLOTS:
        section, _, name = slot.key.partition(".")
        node = stand_in.get(section)
        described = node.get(name) if isinstance(node, dict) else None
        if isinstance(described, dict) and "secret" in described:
            node[name] = {"env": "SAVED_EVIDENCE"}  # type: ignore[index]
    validate(stand_in, {}, str(file))


def open_store(directory: str | Path) -> SavedEvidence:
    """Open a store written by ``--save-evidence`` (InputError, exit 2, on anything malformed)."""
    path = Path(directory)
    if not path.exists():
        raise InputError("not found", file=str(path), key=KEY)
    if not path.is_dir():
        raise InputError("not a directory: give the directory --save-evidence wrote", file=str(path), key=KEY)
    manifest = _read_document(path / MANIFEST, MANIFEST)
    if not isinstance(manifest, dict):
        raise InputError("expected a JSON object", file=str(path / MANIFEST))
    schema = manifest.get("schema")
    if schema != SCHEMA:
        raise InputError(f"not a {SCHEMA} store (schema {schema!r}); this golive reads {SCHEMA}",
                         file=str(path / MANIFEST), key="schema")
    return SavedEvidence(path, manifest)
