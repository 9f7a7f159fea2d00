"""`golive bundle`: the hand-off archive for LianLian's staff -- the signed HTML report, result.json,
the signature and the replayable evidence in one zip that `golive verify-report BUNDLE` checks
offline (golive.bundle explains the layout and what is checked).

    golive bundle [CONFIG] -o shop-golive.zip --sign-with KEY [check options]
        runs the check (as `golive check`, saving its evidence) and packs it;
    golive bundle --from-output DIR [--evidence DIR] -o shop-golive.zip --sign-with KEY
        packs a run already made with `golive check --sign-with KEY --save-evidence DIR`.

The key is the merchant's RSA private key, whose public half LianLian holds (the merchant site):
it signs the report and the bundle's manifest. Nothing else of the keys is packed; the evidence is
saved as `--save-evidence` saves it (secrets removed, personal data masked), and what people wrote
in golive.yaml and the waivers is masked by shape as the reports show it. Before it says done,
`golive bundle` verifies the bundle as staff will (the evidence judged again included) and keeps
no bundle that would not verify.

Exit codes: running the check, its verdict's (0 ready, 1 not ready, 3 incomplete); packing an
existing run, 0; 2 for bad input (no key, an unsigned report, evidence of another run ...).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from golive.errors import EXIT_READY, InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from golive.commands.check import SEVERITIES, add_color_arguments, add_input_arguments

    add_input_arguments(parser)
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the bundle to write (a .zip)")
    parser.add_argument("--sign-with", metavar="KEY", required=True,
                        help="the merchant's RSA private key (LianLian holds its public half): signs the report "
                             "and the bundle")
    parser.add_argument("--from-output", metavar="DIR",
                        help="pack this output directory of `golive check --sign-with KEY --save-evidence EDIR` "
                             "(report.html, result.json) instead of running the check")
    parser.add_argument("--evidence", metavar="DIR",
                        help="with --from-output: the run's --save-evidence directory (default: the one the "
                             "result names)")
    parser.add_argument("--save-evidence", metavar="DIR", help="also keep the run's evidence there")
    parser.add_argument("--fail-on", choices=SEVERITIES, default=None, help="gate threshold (default high)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default zh)")
    parser.add_argument("--progress", dest="progress", action="store_true", default=None,
                        help="show progress even without a terminal")
    parser.add_argument("--no-progress", dest="progress", action="store_false", help="never show progress")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the verdict")
    add_color_arguments(parser)


_RUN_ONLY = (("config", "CONFIG"), ("from_evidence", "--from-evidence"), ("profile", "--profile"),
             ("captures", "--captures"), ("ledger", "--ledger"), ("scan", "--scan"), ("probe", "--probe"),
             ("allow_probe_host", "--allow-probe-host"), ("online", "--online"), ("waivers", "--waivers"),
             ("select", "--select"), ("skip", "--skip"), ("save_evidence", "--save-evidence"),
             ("fail_on", "--fail-on"))


def run(args: argparse.Namespace) -> int:
    from golive.report_signing import load_signing_key

    key = load_signing_key(Path(args.sign_with))
    target = Path(args.output)
    if target.exists() and target.is_dir():
        raise InputError("is a directory, expected the bundle's file name (shop-golive.zip)", file=str(target),
                         key="-o")
    if args.from_output:
        given = [flag for name, flag in _RUN_ONLY if getattr(args, name, None)]
        if given:
            raise InputError(f"{', '.join(given)} cannot be combined with --from-output: it packs a run already made",
                             key="--from-output")
        return _pack_existing(args, key, target)
    if args.evidence:
        raise InputError("--evidence goes with --from-output (a run already made)", key="--evidence")
    return _run_and_pack(args, key, target)


def _run_and_pack(args: argparse.Namespace, key: Any, target: Path) -> int:
    from dataclasses import replace

    from golive.bundle import evidence_files, pack
    from golive.commands.check import EXIT_FOR_VERDICT, make_progress, print_summary, run_options
    from golive.engine import run_result
    from golive.report_signing import sign_canonical
    from golive.reporters import render
    from golive.reporters.html import render as render_html

    args.format = "text"
    work = Path(tempfile.mkdtemp(prefix="golive-bundle-"))
    try:
        kept = args.save_evidence
        options = run_options(args)
        options.save_evidence = kept or str(work / "evidence")
        with make_progress(args) as progress:
            options.progress = progress.update
            result = run_result(options)
        note = result.provenance.saved_evidence
        if note is not None and not kept:  # not a temporary path: where the evidence is now
            result = replace(result, provenance=replace(result.provenance,
                                                        saved_evidence=replace(note, saved_to=f"{target.name}:evidence/")))
        signature = sign_canonical(result, key)
        names = pack(target, report_html=render_html(result, lang=args.lang, signature=signature), result=result,
                     result_json=render(result, "json"), signature=signature,
                     evidence=evidence_files(Path(options.save_evidence)), key=key)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _self_check(target, key)
    print_summary(result, args, ["text"])
    _say_written(target, names)
    return EXIT_FOR_VERDICT[result.verdict]


def _self_check(target: Path, key: Any) -> None:
    """Verify the bundle as staff will (golive.bundle.verify_bundle): a bundle that would not verify
    is removed, and why is said (exit 2)."""
    from golive.bundle import EXIT_VALID, verify_bundle
    from golive.lianlian.keys import public_half

    outcome = verify_bundle(target, public_half(key))
    if outcome.code != EXIT_VALID:
        target.unlink(missing_ok=True)
        raise InputError("the bundle would not verify, so it was not kept: " + " ".join(line.strip() for line in outcome.lines),
                         file=str(target), key="-o")


def _say_written(target: Path, names: list[str]) -> None:
    from golive.controls import visible

    evidence = sum(1 for n in names if n.startswith("evidence/"))
    print(f"  → {visible(str(target))} (report.html, result.json, signature.json, {evidence} evidence files; "
          f"check it with: golive verify-report {visible(str(target))} --public-key MERCHANT_PUBLIC_KEY)",
          file=sys.stderr)


def _pack_existing(args: argparse.Namespace, key: Any, target: Path) -> int:
    from golive import safe_json
    from golive.bundle import evidence_files, pack
    from golive.report_signing import EXIT_VALID, canonical_json, extract_embedded, verify_report
    from golive.result_doc import validate_result

    folder = Path(args.from_output)
    html = _read(folder / "report.html")
    result_text = _read(folder / "result.json")
    embedded = extract_embedded(html)
    if not embedded.result_text:
        raise InputError("not a golive HTML report (no embedded result)", file=str(folder / "report.html"))
    if not embedded.signature_text:
        raise InputError("report.html is not signed: run golive check with --sign-with KEY (the same key)",
                         file=str(folder / "report.html"), key="--from-output")
    from golive.lianlian.keys import public_half

    outcome = verify_report(html, public_half(key))
    if outcome.code != EXIT_VALID:
        raise InputError(f"report.html does not verify with the key given: {outcome.lines[0]}",
                         file=str(folder / "report.html"), key="--sign-with")
    try:
        document = safe_json.loads(result_text)
        signed = safe_json.loads(embedded.result_text)
        signature = safe_json.loads(embedded.signature_text)
    except ValueError as exc:
        raise InputError(f"not readable JSON: {exc}", file=str(folder / "result.json")) from None
    if canonical_json(document) != canonical_json(signed):
        raise InputError("result.json is not the result report.html embeds (are they of the same run?)",
                         file=str(folder / "result.json"), key="--from-output")
    result = validate_result(document, str(folder / "result.json"))
    evidence_dir = args.evidence
    note = result.provenance.saved_evidence
    if not evidence_dir:
        if note is None or not note.saved_to:
            raise InputError("the run saved no evidence: run golive check with --save-evidence DIR, or name the "
                             "evidence with --evidence DIR", file=str(folder / "result.json"), key="--evidence")
        evidence_dir = note.saved_to
    evidence = evidence_files(Path(evidence_dir))
    _same_run(evidence, document, Path(evidence_dir))
    names = pack(target, report_html=html, result=result, result_json=result_text, signature=signature,
                 evidence=evidence, key=key)
    _self_check(target, key)
    if not args.quiet:
        from golive.reporters.text import verdict_line

        print(verdict_line(result, args.lang))
    _say_written(target, names)
    return EXIT_READY


def _same_run(evidence: dict[str, bytes], document: dict[str, Any], directory: Path) -> None:
    """The evidence was saved by the run of this result: its record of the verdict and statuses."""
    from golive import safe_json

    manifest = safe_json.loads(evidence["evidence/manifest.json"].decode("utf-8"))
    original = manifest.get("original") if isinstance(manifest, dict) else None
    statuses = {c.get("id"): c.get("status") for c in document.get("checks") or [] if isinstance(c, dict)}
    if not isinstance(original, dict) or original.get("verdict") != document.get("verdict") \
            or original.get("statuses") != statuses:
        raise InputError("this evidence was saved by another run (its verdict and statuses are not those of "
                         "result.json)", file=str(directory), key="--evidence")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("not found (golive check --format json,html --sign-with KEY writes it)", file=str(path),
                         key="--from-output") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {getattr(exc, 'strerror', None) or exc}", file=str(path),
                         key="--from-output") from None
