"""Tamper evidence for the readiness report: sign the result with the merchant's RSA key, and check
a signed HTML report (`golive check --sign-with KEY`, `golive verify-report REPORT --public-key FILE`).

Why the merchant's key: LianLian already holds its public half -- the merchant uploaded it on the
merchant site (商户站) to have its RSA requests verified (protocol.md §2.3) -- so staff can check a
report against a key they obtained independently of the report, without any new key exchange.

What is signed: the CANONICAL result JSON, ``json.dumps(result, ensure_ascii=False, sort_keys=True,
separators=(",", ":"))`` in UTF-8, of the result document (`Result.to_json`, golive.result/2) as
golive made or read it -- already redacted (`golive.redact.redact_result` ran in the engine or when
the result came in) and exactly what the HTML embeds, so a verifier can recompute it from the
report alone.

Two signatures, both required:

* MD5withRSA through `golive.lianlian.sign`, LianLian's own algorithm, which staff tooling already
  verifies;
* SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256), because MD5 is broken as a hash: chosen-prefix
  collisions are cheap, so a forger who gets one document signed could craft a colliding second
  one. Requiring the SHA-256 signature as well removes that door while keeping the LianLian form.

The rest of the signature block -- schema, canonical form, algorithms, the signing key's SHA-256
fingerprint and its size -- is not signed separately: every one of those values follows from the
format and from the public key the verifier holds. `verify_signature` recomputes them and rejects a
block in which any of them differs, is missing or was added to (an edited ``algorithms`` list, a
removed fingerprint, a doubled key size would otherwise show on the page under a valid signature).
Reports signed before this check existed carry the same block and verify as before.

Verifying a report also re-renders it from the embedded result and compares it with the file, so an
edit of the visible text alone (the verdict, a status) fails as surely as an edit of the data. The
re-render goes through the same door as any result from outside (golive.result_doc: read into the
typed model, redaction pass applied); the pass is idempotent, so a result golive signed comes
through unchanged, and one that still holds personal data is reported. The comparison needs the
golive version that rendered the report (templates change between versions).

A report signed over a golive.result/1 result (golive before the typed result) still has its
signatures checked: an altered one is reported as such. Its page was rendered from the v1 document
by the v1 reporters, which this golive no longer has, so the visible text cannot be compared here:
`verify-report` says so (exit 2) and names the two ways on -- verify with the golive that wrote
it, or re-render the signed result with this one (`golive report --from REPORT.html`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from golive import safe_json
from golive.errors import InputError
from golive.result import RESULT_SCHEMA_V1, Result

if TYPE_CHECKING:  # pragma: no cover
    from Crypto.PublicKey.RSA import RsaKey

SIGNATURE_SCHEMA = "golive.signature/1"
ALGORITHMS = ("MD5withRSA", "SHA256withRSA")
CANONICAL_FORM = 'json.dumps(result, ensure_ascii=False, sort_keys=True, separators=(",", ":")), UTF-8'
# Exactly the fields `sign_canonical` writes; a block with more or fewer is not golive's.
SIGNATURE_FIELDS = ("schema", "canonical", "algorithms", "md5withrsa", "sha256withrsa", "result_sha256",
                    "public_key_sha256", "key_bits")

EXIT_VALID, EXIT_ALTERED, EXIT_BAD_INPUT = 0, 1, 2


def canonical_json(result: Result | Mapping[str, Any]) -> str:
    """The canonical text that is signed (encode as UTF-8 for hashing): of the result document,
    as embedded in the report."""
    document = result.to_json() if isinstance(result, Result) else result
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _read_key_text(path: Path, flag: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("key file not found", file=str(path), key=flag) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a key file", file=str(path), key=flag) from None
    except OSError as exc:
        raise InputError(f"cannot read key file: {exc.strerror}", file=str(path), key=flag) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # DER bytes: the key loaders decide


def load_signing_key(path: Path, flag: str = "--sign-with") -> RsaKey:
    """The merchant's RSA private key from a file (PEM PKCS#1/PKCS#8 or bare Base64 DER)."""
    from golive.lianlian.keys import KeyFormatError, load_private_key

    try:
        return load_private_key(_read_key_text(path, flag), source=str(path))
    except KeyFormatError as exc:
        raise InputError(str(exc).removeprefix(f"{path}: "), file=str(path), key=flag) from None


def load_verifying_key(path: Path, flag: str = "--public-key") -> RsaKey:
    """The merchant's RSA public key (the one uploaded to the merchant site)."""
    from golive.lianlian.keys import KeyFormatError, load_public_key

    try:
        return load_public_key(_read_key_text(path, flag), source=str(path))
    except KeyFormatError as exc:
        raise InputError(str(exc).removeprefix(f"{path}: "), file=str(path), key=flag) from None


def _sha256_sign(text: str, key: RsaKey) -> str:
    from Crypto.Hash import SHA256
    from Crypto.Signature import pkcs1_15

    return base64.b64encode(pkcs1_15.new(key).sign(SHA256.new(text.encode("utf-8")))).decode("ascii")


def _sha256_verify(text: str, signature_b64: str, key: RsaKey) -> bool:
    from Crypto.Hash import SHA256
    from Crypto.Signature import pkcs1_15

    try:
        signature = base64.b64decode(signature_b64.encode("ascii"), validate=True)
        pkcs1_15.new(key).verify(SHA256.new(text.encode("utf-8")), signature)
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError):
        return False
    return True


def _md5_verify(text: str, signature_b64: str, key: RsaKey) -> bool:
    # LianLian's MD5withRSA verifier: Base64 decoding and length checks included.
    from golive.lianlian.sign import decode_rsa_signature, rsa_verify_source

    signature = decode_rsa_signature(signature_b64, key)
    return not isinstance(signature, str) and rsa_verify_source(text, signature, key)


def sign_canonical(result: Result | Mapping[str, Any], key: RsaKey) -> dict[str, Any]:
    """The signature block for an already-safe result."""
    from golive.lianlian.keys import fingerprint_sha256, key_bits
    from golive.lianlian.sign import rsa_sign_source  # LianLian's MD5withRSA, shared with request signing

    text = canonical_json(result)
    return {
        "schema": SIGNATURE_SCHEMA,
        "canonical": CANONICAL_FORM,
        "algorithms": list(ALGORITHMS),
        "md5withrsa": rsa_sign_source(text, key),
        "sha256withrsa": _sha256_sign(text, key),
        "result_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "public_key_sha256": fingerprint_sha256(key),
        "key_bits": key_bits(key),
    }


def sign_result(result: Result, key_path: Path) -> dict[str, Any]:
    """Sign `result` (already redacted, as the HTML embeds it) with the key file."""
    return sign_canonical(result, load_signing_key(Path(key_path)))


@dataclass
class SignatureCheck:
    ok: bool
    problems: list[str] = field(default_factory=list)


def verify_signature(result: Mapping[str, Any], signature: Mapping[str, Any], key: RsaKey) -> SignatureCheck:
    """Both signatures and the recorded hash must match the canonical form of `result`, and every
    other field of the block must be what the format and `key` make it (see the module docstring)."""
    from golive.lianlian.keys import fingerprint_sha256, key_bits

    text = canonical_json(result)
    problems: list[str] = []
    given = fingerprint_sha256(key)
    recorded = signature.get("public_key_sha256")
    if "public_key_sha256" not in signature:
        problems.append("the signing key's fingerprint (public_key_sha256) was removed from the signature block")
    elif recorded != given:
        problems.append(f"the report was signed with key {recorded}, not with the key given ({given})")
    if signature.get("algorithms") != list(ALGORITHMS):
        problems.append(f"the signature block names the algorithms {signature.get('algorithms')!r}; golive signs and "
                        f"checks exactly {' + '.join(ALGORITHMS)}")
    if signature.get("canonical") != CANONICAL_FORM:
        problems.append(f"the signature block describes the signed text as {signature.get('canonical')!r}, "
                        f"not as golive signs it ({CANONICAL_FORM})")
    bits = key_bits(key)
    if signature.get("key_bits") != bits:
        problems.append(f"the signature block gives the key size as {signature.get('key_bits')!r}; "
                        f"the signing key has {bits} bits")
    extra = sorted(str(k) for k in signature if k not in SIGNATURE_FIELDS)
    if extra:
        problems.append(f"the signature block has fields golive never writes: {', '.join(extra)}")
    if signature.get("result_sha256") != hashlib.sha256(text.encode("utf-8")).hexdigest():
        problems.append("the embedded result does not match the SHA-256 recorded when it was signed")
    for name, value, check in (("MD5withRSA", signature.get("md5withrsa"), _md5_verify),
                               ("SHA256withRSA", signature.get("sha256withrsa"), _sha256_verify)):
        if not isinstance(value, str) or not value:
            problems.append(f"the {name} signature is missing")
        elif not check(text, value, key):
            problems.append(f"the {name} signature does not verify with this public key")
    return SignatureCheck(not problems, problems)


# -- reading a report back --------------------------------------------------------------------------

_BLOCK = '<script type="application/json" id="{id}">'


def _blocks(html: str, element_id: str) -> list[str]:
    pattern = re.compile(re.escape(_BLOCK.format(id=element_id)) + r"(.*?)</script>", re.S)
    return pattern.findall(html)


@dataclass
class Embedded:
    result_text: str | None
    signature_text: str | None
    lang: str


def extract_embedded(html: str) -> Embedded:
    """The embedded result and signature blocks of a golive HTML report (raw JSON text)."""
    from golive.reporters.html import RESULT_ELEMENT_ID, SIGNATURE_ELEMENT_ID

    results = _blocks(html, RESULT_ELEMENT_ID)
    signatures = _blocks(html, SIGNATURE_ELEMENT_ID)
    match = re.search(r'<html lang="([^"]*)"', html)
    lang = "en" if match and match.group(1).lower().startswith("en") else "zh"
    # A second block of either kind is never written by golive: treat the report as altered.
    result_text = results[0] if len(results) == 1 else ("" if results else None)
    signature_text = signatures[0] if len(signatures) == 1 else ("" if signatures else None)
    return Embedded(result_text, signature_text, lang)


def result_from_html(html: str, source: str) -> dict[str, Any]:
    """The result embedded in a golive HTML report (for `golive report --from report.html`)."""
    embedded = extract_embedded(html)
    if not embedded.result_text:
        raise InputError("not a golive HTML report (no embedded result)", file=source)
    try:
        data = safe_json.loads(embedded.result_text)
    except ValueError as exc:
        raise InputError(f"the embedded result is not valid JSON: {exc}", file=source) from None
    if not isinstance(data, dict):
        raise InputError("the embedded result is not a JSON object", file=source)
    return data


@dataclass
class Verification:
    code: int
    lines: list[str]


def _first_change(before: Any, after: Any, path: str = "") -> str:
    """The key path of the first value that differs between two JSON-like documents."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            if key not in after or before[key] != after[key]:
                return _first_change(before[key], after.get(key), f"{path}.{key}" if path else str(key))
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (a, b) in enumerate(zip(before, after)):
            if a != b:
                return _first_change(a, b, f"{path}[{index}]")
    return path or "(the whole result)"


def _entered(result: dict[str, Any]) -> Result | Verification:
    """The embedded result through the door every result from outside takes (golive.result_doc):
    read into the typed model, redaction pass applied. golive only ever signs a result the pass
    leaves as it is, so a change means the signer was not golive's own code path."""
    from golive.redact import redact_result
    from golive.result_doc import validate_result

    try:
        typed = validate_result(result, "the embedded result")
    except InputError as exc:
        return Verification(EXIT_BAD_INPUT, [f"the signatures are valid, but {exc}"])
    document = typed.to_json()
    safe = redact_result(document)
    if safe != document:
        return Verification(EXIT_ALTERED, [
            "ALTERED or not written by golive: the signed result holds personal data or a secret that golive "
            f"masks (first at {_first_change(document, safe)}); golive never signs such a result",
        ])
    return typed


def _signed_v1(result: Mapping[str, Any]) -> Verification:
    """A report signed over a golive.result/1 result: signatures good, page not comparable here."""
    version = str((result.get("tool") or {}).get("version") or "") if isinstance(result.get("tool"), dict) else ""
    return Verification(EXIT_BAD_INPUT, [
        f"the signatures are valid, but the signed result is {RESULT_SCHEMA_V1}: this golive renders golive.result/2 "
        "reports and cannot re-render the page to compare its visible text with the signed result",
        f"  to check the page, run golive verify-report with a golive that writes {RESULT_SCHEMA_V1} "
        f"(the report was rendered by golive {version or '(unknown)'}; install it in a separate virtualenv)",
        "  to read the signed result with this golive instead, re-render it: golive report --from REPORT.html "
        "--format html (a new, unsigned page from the same signed data)",
    ])


def _first_difference(expected: str, actual: str) -> tuple[int, bool]:
    """(line number of the first differing line, whether it lies in the verdict/status section)."""
    from golive.reporters.html import VERDICT_END

    expected_lines, actual_lines = expected.split("\n"), actual.split("\n")
    for index, (a, b) in enumerate(zip(expected_lines, actual_lines)):
        if a != b:
            break
    else:
        index = min(len(expected_lines), len(actual_lines))
    section_end = next((i for i, line in enumerate(expected_lines) if VERDICT_END in line), -1)
    return index + 1, index <= section_end


def verify_report(html: str, key: RsaKey) -> Verification:
    """Check a signed report against the merchant's public key: exit code and what was found."""
    from golive import __version__
    from golive.reporters.html import render

    embedded = extract_embedded(html)
    if embedded.result_text is None:
        return Verification(EXIT_BAD_INPUT, ["not a golive report: it holds no embedded result"])
    if embedded.signature_text is None:
        return Verification(EXIT_BAD_INPUT, ["this report is not signed (it was written without --sign-with); "
                                             "nothing can prove it unaltered"])
    if embedded.result_text == "" or embedded.signature_text == "":
        return Verification(EXIT_ALTERED, ["ALTERED: the report holds more than one embedded result or signature"])
    try:
        result = safe_json.loads(embedded.result_text)
        signature = safe_json.loads(embedded.signature_text)
    except ValueError as exc:
        return Verification(EXIT_ALTERED, [f"ALTERED: an embedded block is no longer valid JSON ({exc})"])
    if not isinstance(result, dict) or not isinstance(signature, dict):
        return Verification(EXIT_ALTERED, ["ALTERED: an embedded block is not a JSON object"])
    if signature.get("schema") != SIGNATURE_SCHEMA:
        return Verification(EXIT_BAD_INPUT, [f"unknown signature format {signature.get('schema')!r} "
                                             f"(this golive reads {SIGNATURE_SCHEMA})"])
    checked = verify_signature(result, signature, key)
    if not checked.ok:
        return Verification(EXIT_ALTERED, ["ALTERED or not signed by this key:"] + [f"  - {p}" for p in checked.problems])
    if result.get("schema") == RESULT_SCHEMA_V1:
        return _signed_v1(result)
    version = str((result.get("tool") or {}).get("version") or "")
    if version != __version__:
        return Verification(EXIT_BAD_INPUT, [
            "the signatures are valid, but the visible report was rendered by golive "
            f"{version or '(unknown)'} and this is golive {__version__}: install golive {version} to compare "
            "the visible text with the signed result",
        ])
    safe = _entered(result)
    if isinstance(safe, Verification):
        return safe
    expected = render(safe, lang=embedded.lang, signature=signature)
    actual = html.replace("\r\n", "\n")
    if expected != actual:
        line, in_verdict = _first_difference(expected, actual)
        where = "the visible verdict/status section" if in_verdict else "the visible report"
        return Verification(EXIT_ALTERED, [
            f"ALTERED: {where} differs from the signed result (first difference at line {line}); "
            "the signature covers the embedded result, and the page no longer shows it faithfully",
        ])
    merchant = safe.merchant
    return Verification(EXIT_VALID, [
        "VALID: the report is unaltered (报告完整，未被改动)",
        f"  merchant {merchant.name} ({merchant.oid_partner}), verdict {safe.verdict}, "
        f"checked at {safe.provenance.time}",
        f"  signed by key {signature.get('public_key_sha256')} ({signature.get('key_bits')} bits), "
        "MD5withRSA + SHA256withRSA over the canonical result",
    ])
