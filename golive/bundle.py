"""The hand-off bundle: a run's signed report, its result and its replayable evidence in one zip
that LianLian's staff check offline (`golive bundle`, `golive verify-report BUNDLE`).

Layout (schema ``golive.bundle/1``)::

    manifest.json        schema, tool, merchant, verdict, run id, time, and every other file with
                         its SHA-256 and size
    manifest.sig.json    the signature block (golive.report_signing) over the manifest's canonical
                         JSON, with the same key and algorithms as the report
    report.html          the signed HTML report (the result and its signature embedded)
    result.json          the result (golive.result/2) -- exactly the one report.html embeds
    signature.json       the report's signature block, over the result
    evidence/...         the run's saved evidence (``--save-evidence``, golive.evidence.store)

Why a signed manifest on top of the signed report: the report's signature covers the result, not
the evidence. The manifest names every file by its hash and is signed with the merchant's key (the
one LianLian holds), so a changed byte anywhere -- an evidence line included -- fails, and the
bundle cannot be re-signed without that key.

Verifying (`verify_bundle`) checks, and reports every problem it finds, not only the first:

1. the manifest's signature, with the public key staff hold (from the merchant site);
2. every file against the manifest (none missing, none changed, none added);
3. report.html as `golive verify-report` checks a report: both signatures, and the visible page
   re-rendered from the signed result;
4. result.json is the result report.html embeds, and signature.json its signature block;
5. the evidence, judged again as ``golive check --from-evidence`` judges it, gives the verdict and
   every check's status, severity, reason and findings of result.json.

The zip is untrusted input: only the names above are read (no path leaves the bundle: the evidence
is written into a private temporary directory under names the store accepts), sizes are bounded,
and nothing is executed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from golive import __version__, safe_json
from golive.errors import InputError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

    from golive.lianlian.keys import RsaKey
    from golive.result import Result

SCHEMA = "golive.bundle/1"
MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig.json"
REPORT = "report.html"
RESULT = "result.json"
SIGNATURE = "signature.json"
EVIDENCE = "evidence/"
_EVIDENCE_NAME = re.compile(r"^evidence/[a-z][a-z0-9_.]*\.jsonl?$")
MAX_MEMBER_BYTES = 1 << 30  # one file of the bundle, uncompressed
MAX_TOTAL_BYTES = 4 << 30  # all of them
MAX_MEMBERS = 1000
EXIT_VALID, EXIT_ALTERED, EXIT_BAD_INPUT = 0, 1, 2
MAX_DIFFERENCES = 8  # replayed statuses that differ, listed


def is_bundle(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# -- packing -----------------------------------------------------------------------------------------

def evidence_files(directory: Path) -> dict[str, bytes]:
    """The files of a saved-evidence store, by their name in the bundle (``evidence/NAME``)."""
    from golive.evidence.store import MANIFEST as STORE_MANIFEST
    from golive.evidence.store import open_store

    open_store(directory)  # a store, and one this golive reads (InputError otherwise)
    files: dict[str, bytes] = {}
    for path in sorted(directory.iterdir()):
        name = EVIDENCE + path.name
        if path.is_symlink() or not path.is_file() or not _EVIDENCE_NAME.match(name):
            raise InputError(f"holds {path.name!r}, which a golive evidence store never writes", file=str(directory),
                             key="--evidence")
        data = path.read_bytes()
        if path.name in _DOCUMENTS_TO_MASK:
            data = _masked_document(data)
        files[name] = data
    if EVIDENCE + STORE_MANIFEST not in files:
        raise InputError("holds no evidence manifest", file=str(directory), key="--evidence")
    return files


# The store keeps golive.yaml and the waivers as the checks read them (secrets already out); what a
# person wrote there (a contact's mobile in attested_by, a number in a waiver's justification) is
# masked by shape for the hand-off, as the reports show it. Bundling then judges the evidence again
# (`golive bundle` refuses a bundle that would not verify), so a mask that changed a judgement is
# caught at once.
_DOCUMENTS_TO_MASK = ("config.json", "manifest.json")


def _masked_document(data: bytes) -> bytes:
    from golive.redact import mask_free_text

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return mask_free_text(node)
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    document = safe_json.loads(data.decode("utf-8"))
    return (json.dumps(walk(document), ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def pack(target: Path, *, report_html: str, result: Result, result_json: str, signature: Mapping[str, Any],
         evidence: Mapping[str, bytes], key: RSAPrivateKey) -> list[str]:
    """Write the bundle to `target` (through a temporary file: a failure leaves no half zip)."""
    from golive.report_signing import sign_canonical

    files: dict[str, bytes] = {
        REPORT: report_html.encode("utf-8"),
        RESULT: result_json.encode("utf-8"),
        SIGNATURE: (json.dumps(dict(signature), ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        **dict(sorted(evidence.items())),
    }
    manifest = {
        "schema": SCHEMA,
        "tool": {"name": "golive", "version": __version__},
        "merchant": {"oid_partner": result.merchant.oid_partner, "name": result.merchant.name},
        "verdict": result.verdict,
        "run_id": result.provenance.run_id,
        "checked_at": result.provenance.time,
        "packed_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "files": {name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in files.items()},
    }
    manifest_sig = sign_canonical(manifest, key)
    members = {MANIFEST: (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
               MANIFEST_SIG: (json.dumps(manifest_sig, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
               **files}
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"cannot write the bundle there: {exc.strerror or exc}", file=str(target), key="-o") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in members.items():
                info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16  # a regular file, readable
                archive.writestr(info, data)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise InputError(f"cannot write the bundle: {exc.strerror or exc}", file=str(target), key="-o") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return list(members)


# -- reading and verifying ---------------------------------------------------------------------------

@dataclass
class Verification:
    code: int
    lines: list[str]


@dataclass
class _Read:
    members: dict[str, bytes] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # altered: names a golive bundle never holds


def read_members(path: Path) -> _Read:
    """The members of the bundle a verifier reads, within the size bounds (InputError: not a zip,
    or not one golive could have written)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"not a golive bundle (not a readable zip: {exc})", file=str(path)) from None
    out = _Read()
    total = 0
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"not a golive bundle: {len(infos)} files (golive writes at most {MAX_MEMBERS})",
                             file=str(path))
        for info in infos:
            name = info.filename
            if name.endswith("/") and info.file_size == 0:
                continue  # a folder entry another zip tool added: nothing to read
            known = name in (MANIFEST, MANIFEST_SIG, REPORT, RESULT, SIGNATURE) or _EVIDENCE_NAME.match(name)
            if not known:
                out.problems.append(f"the bundle holds {name!r}, which golive never packs")
                continue
            if name in out.members:
                out.problems.append(f"the bundle holds {name} twice")
                continue
            if info.file_size > MAX_MEMBER_BYTES or total + info.file_size > MAX_TOTAL_BYTES:
                raise InputError(f"{name} is larger than a golive bundle holds", file=str(path))
            try:
                with archive.open(info) as member:
                    data = member.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError) as exc:
                out.problems.append(f"{name} cannot be read from the zip ({exc})")
                continue
            if len(data) > MAX_MEMBER_BYTES:
                raise InputError(f"{name} is larger than a golive bundle holds", file=str(path))
            total += len(data)
            out.members[name] = data
    if MANIFEST not in out.members or MANIFEST_SIG not in out.members:
        raise InputError(f"not a golive bundle (no {MANIFEST} and {MANIFEST_SIG}; `golive bundle` writes them)",
                         file=str(path))
    return out


def _json(data: bytes, name: str) -> Any:
    try:
        return safe_json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{name} is not readable JSON: {exc}") from None


def verify_bundle(path: Path, key: RsaKey) -> Verification:
    from golive.report_signing import verify_signature

    read = read_members(path)
    members = read.members
    problems = list(read.problems)  # altered
    cannot: list[str] = []  # what this golive cannot check (exit 2 when nothing is altered)
    try:
        manifest = _json(members[MANIFEST], MANIFEST)
        manifest_sig = _json(members[MANIFEST_SIG], MANIFEST_SIG)
    except ValueError as exc:
        return Verification(EXIT_ALTERED, [f"ALTERED: {exc}"])
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA or not isinstance(manifest_sig, dict):
        return Verification(EXIT_BAD_INPUT, [f"not a {SCHEMA} bundle ({MANIFEST} has schema "
                                             f"{manifest.get('schema') if isinstance(manifest, dict) else None!r})"])
    # 1. the manifest, signed with the key staff hold
    checked = verify_signature(manifest, manifest_sig, key)
    problems += [f"{MANIFEST}: {p.replace('the report was signed', 'it was signed')}" for p in checked.problems]
    # 2. every file, as the manifest lists it
    files = manifest.get("files")
    listed: dict[str, Any] = files if isinstance(files, dict) else {}
    for name, entry in sorted(listed.items()):
        data = members.get(name)
        if data is None:
            problems.append(f"{name} is listed in the signed manifest but missing from the bundle")
        elif not isinstance(entry, dict) or entry.get("sha256") != _sha256(data):
            problems.append(f"{name} was changed: its SHA-256 is not the one in the signed manifest")
    for name in sorted(set(members) - set(listed) - {MANIFEST, MANIFEST_SIG}):
        problems.append(f"{name} was added: it is not in the signed manifest")
    for name in (REPORT, RESULT, SIGNATURE, EVIDENCE + "manifest.json"):
        if name not in listed and name not in members:
            problems.append(f"{name} is missing (golive always packs it)")
    # 3. the report, as verify-report checks one
    html = members.get(REPORT, b"").decode("utf-8", "replace")
    embedded_result: Any = None
    embedded_sig: Any = None
    if REPORT in members:
        from golive.report_signing import extract_embedded, verify_report

        outcome = verify_report(html, key)
        if outcome.code == EXIT_ALTERED:
            problems += [f"{REPORT}: {line.strip()}" for line in outcome.lines if line.strip()]
        elif outcome.code != EXIT_VALID:  # cannot be checked here (another golive's report): say how
            cannot += [f"{REPORT}: {line.strip()}" for line in outcome.lines if line.strip()]
        embedded = extract_embedded(html)
        try:
            embedded_result = safe_json.loads(embedded.result_text or "null")
            embedded_sig = safe_json.loads(embedded.signature_text or "null")
        except ValueError:
            pass  # verify_report said so
    # 4. result.json and signature.json are what the report embeds
    result_doc: Any = None
    if RESULT in members:
        try:
            result_doc = _json(members[RESULT], RESULT)
        except ValueError as exc:
            problems.append(str(exc))
        else:
            if embedded_result is not None and _canonical(result_doc) != _canonical(embedded_result):
                from golive.report_signing import _first_change

                problems.append(f"{RESULT} is not the result signed in {REPORT} (first difference at "
                                f"{_first_change(embedded_result, result_doc)})")
    if SIGNATURE in members:
        try:
            if embedded_sig is not None and _canonical(_json(members[SIGNATURE], SIGNATURE)) != _canonical(embedded_sig):
                problems.append(f"{SIGNATURE} is not the signature block embedded in {REPORT}")
        except ValueError as exc:
            problems.append(str(exc))
    # 5. the evidence, judged again
    replayed = _replay([n for n in members if n.startswith(EVIDENCE)], members, result_doc)
    problems += replayed
    if problems:
        return Verification(EXIT_ALTERED, [f"ALTERED: {problems[0]}"] + [f"  also: {p}" for p in problems[1:]])
    if cannot:
        return Verification(EXIT_BAD_INPUT, cannot)
    merchant = manifest.get("merchant") or {}
    return Verification(EXIT_VALID, [
        "VALID: the bundle is complete and unaltered (交付包完整，未被改动)",
        f"  merchant {merchant.get('name')} ({merchant.get('oid_partner')}), verdict {manifest.get('verdict')}, "
        f"checked at {manifest.get('checked_at')}",
        f"  manifest and report signed by key {manifest_sig.get('public_key_sha256')} ({manifest_sig.get('key_bits')} "
        "bits), MD5withRSA + SHA256withRSA",
        f"  {len(listed)} files match the signed manifest; {RESULT} is the result the report embeds",
        f"  the evidence judged again gives the same verdict and the same status for all "
        f"{len(result_doc.get('checks') or []) if isinstance(result_doc, dict) else 0} checks",
    ])


def _replay(names: list[str], members: Mapping[str, bytes], result_doc: Any) -> list[str]:
    """Judge the bundle's evidence again; the differences from result.json (empty: none)."""
    if not names:
        return ["the bundle holds no evidence (evidence/)"]
    if not isinstance(result_doc, dict):
        return []  # result.json itself is the problem, already reported
    from golive.engine import run_result
    from golive.evidence.store import open_store

    work = Path(tempfile.mkdtemp(prefix="golive-bundle-"))
    try:
        store_dir = work / "evidence"
        store_dir.mkdir(mode=0o700)
        for name in names:
            (store_dir / name[len(EVIDENCE):]).write_bytes(members[name])
        try:
            replayed = run_result(open_store(store_dir).options()).to_json()
        except InputError as exc:
            return [f"the evidence cannot be judged again: {exc}"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return _differences(result_doc, replayed)


def _judged(check: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(_canonical(check.get(k)) for k in ("status", "severity", "reason", "findings"))


def _differences(original: Mapping[str, Any], replayed: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    if original.get("verdict") != replayed.get("verdict"):
        out.append(f"the evidence judged again gives the verdict {replayed.get('verdict')}, "
                   f"not {original.get('verdict')} as {RESULT} says")
    again = {c.get("id"): c for c in replayed.get("checks") or [] if isinstance(c, dict)}
    changed: list[str] = []
    minor: list[str] = []  # same status, other findings or reason: listed after the flips
    for check in original.get("checks") or []:
        if not isinstance(check, dict):
            continue
        other = again.get(check.get("id"))
        if other is None:
            changed.append(f"{check.get('id')} is not judged again")
        elif _judged(check) != _judged(other):
            if check.get("status") != other.get("status"):
                changed.append(f"{check.get('id')} {check.get('status')} → {other.get('status')}")
            else:
                minor.append(f"{check.get('id')} {check.get('status')}, with other findings or reason")
    changed += minor
    if changed:
        shown = "; ".join(changed[:MAX_DIFFERENCES]) + (f"; and {len(changed) - MAX_DIFFERENCES} more"
                                                          if len(changed) > MAX_DIFFERENCES else "")
        out.append(f"the evidence does not judge again to {RESULT}: {shown}")
    return out


def read_result(path: Path) -> dict[str, Any]:
    """The result.json of a bundle (for `golive diff` and `golive report --from`)."""
    read = read_members(path)
    if RESULT not in read.members:
        raise InputError(f"the bundle holds no {RESULT}", file=str(path))
    try:
        data = _json(read.members[RESULT], RESULT)
    except ValueError as exc:
        raise InputError(str(exc), file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError(f"{RESULT} is not a JSON object", file=str(path))
    return data
