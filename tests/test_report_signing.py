"""Tamper evidence: `golive check --sign-with KEY` / `golive report --sign-with` and
`golive verify-report REPORT --public-key FILE` (exit 0 valid, 1 altered, 2 bad input)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from conftest import KeyPair, write_secret
from golive.report_signing import (
    ALGORITHMS,
    canonical_json,
    extract_embedded,
    sign_result,
    verify_signature,
)
from golive.result import Result

FIXTURE = Path(__file__).parent / "data" / "result_fixture.json"
# A report golive signed before golive.result/2 (a real `golive report --sign-with` of a v1 result),
# with the public half of the key that signed it.
V1_REPORT = Path(__file__).parent / "data" / "v1" / "signed_report.html"
V1_PUBLIC = Path(__file__).parent / "data" / "v1" / "signed_report_public.pem"


def fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def typed(document: dict) -> Result:
    return Result.from_json(document, "fixture")


@pytest.fixture
def keys(tmp_path: Path, merchant_pair: KeyPair, other_pair: KeyPair) -> dict[str, Path]:
    return {
        "private": write_secret(tmp_path / "merchant_private.pem", merchant_pair.private_pem),
        "public": write_secret(tmp_path / "merchant_public.pem", merchant_pair.public_pem),
        "other_public": write_secret(tmp_path / "other_public.pem", other_pair.public_pem),
    }


@pytest.fixture
def signed_report(tmp_path: Path, keys: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> Path:
    """A signed report written by the real command from the fixture result."""
    from golive.cli import main

    source = tmp_path / "result.json"
    source.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", "--from", str(source), "--format", "html", "--output-dir", str(out),
                 "--sign-with", str(keys["private"])]) == 0
    capsys.readouterr()
    return out / "report.html"


def verify(report: Path, key: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from golive.cli import main

    code = main(["verify-report", str(report), "--public-key", str(key)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_untouched_signed_report_verifies(signed_report: Path, keys: dict[str, Path],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify(signed_report, keys["public"], capsys)
    assert code == 0, out
    assert "VALID" in out and "not_ready" in out


def test_one_changed_byte_in_the_embedded_result_fails(signed_report: Path, keys: dict[str, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    html = signed_report.read_text(encoding="utf-8")
    start = html.index('<script type="application/json" id="golive-result">')
    target = html.index('"money_order": "0.01"', start) + len('"money_order": "0.0')  # 0.01 -> 0.02
    assert html[target] == "1"
    signed_report.write_text(html[:target] + "2" + html[target + 1:], encoding="utf-8")
    code, out = verify(signed_report, keys["public"], capsys)
    assert code == 1, out
    assert "ALTERED" in out and "MD5withRSA" in out and "SHA256withRSA" in out


@pytest.mark.parametrize("offset", [10, 1000, 20000, -200])
def test_any_single_byte_flip_in_the_embedded_result_fails(signed_report: Path, keys: dict[str, Path],
                                                           capsys: pytest.CaptureFixture[str], offset: int) -> None:
    data = signed_report.read_bytes()
    start = data.index(b'id="golive-result">') + len(b'id="golive-result">')
    end = data.index(b"</script>", start)
    position = start + offset if offset >= 0 else end + offset
    flipped = bytes([data[position] ^ 0x01])
    signed_report.write_bytes(data[:position] + flipped + data[position + 1:])
    code, out = verify(signed_report, keys["public"], capsys)
    assert code == 1, out


def test_editing_only_the_visible_verdict_fails(signed_report: Path, keys: dict[str, Path],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    html = signed_report.read_text(encoding="utf-8")
    assert html.count("结论：尚未就绪") == 1
    signed_report.write_text(html.replace("结论：尚未就绪", "结论：可以上线"), encoding="utf-8")
    code, out = verify(signed_report, keys["public"], capsys)
    assert code == 1 and "verdict/status section" in out, out


def test_editing_a_visible_check_status_fails(signed_report: Path, keys: dict[str, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    html = signed_report.read_text(encoding="utf-8")
    detail = html.index('id="check-ll-ntf-004"')
    fail_badge = '<span class="m" aria-hidden="true">✘</span> 未通过'
    at = html.index(fail_badge, detail)
    html = html[:at] + '<span class="m" aria-hidden="true">✔</span> 通过' + html[at + len(fail_badge):]
    signed_report.write_text(html, encoding="utf-8")
    code, out = verify(signed_report, keys["public"], capsys)
    assert code == 1 and "visible report differs" in out, out


def test_a_second_embedded_result_is_refused(signed_report: Path, keys: dict[str, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    html = signed_report.read_text(encoding="utf-8")
    html = html.replace("</body>", '<script type="application/json" id="golive-result">{}</script>\n</body>')
    signed_report.write_text(html, encoding="utf-8")
    assert verify(signed_report, keys["public"], capsys)[0] == 1


def test_windows_line_endings_do_not_count_as_tampering(signed_report: Path, keys: dict[str, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    signed_report.write_bytes(signed_report.read_bytes().replace(b"\n", b"\r\n"))
    assert verify(signed_report, keys["public"], capsys)[0] == 0


def test_another_merchants_key_does_not_verify(signed_report: Path, keys: dict[str, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out = verify(signed_report, keys["other_public"], capsys)
    assert code == 1 and "not with the key given" in out, out


def test_bad_inputs_exit_2(tmp_path: Path, signed_report: Path, keys: dict[str, Path],
                           capsys: pytest.CaptureFixture[str]) -> None:
    from golive.reporters.html import render

    unsigned = tmp_path / "unsigned.html"
    unsigned.write_text(render(typed(fixture()), lang="zh"), encoding="utf-8")
    code, out = verify(unsigned, keys["public"], capsys)
    assert code == 2 and "not signed" in out
    other = tmp_path / "page.html"
    other.write_text("<html><body>hello</body></html>", encoding="utf-8")
    code, out = verify(other, keys["public"], capsys)
    assert code == 2 and "not a golive report" in out
    code, out = verify(tmp_path / "missing.html", keys["public"], capsys)
    assert code == 2 and "missing.html" in out
    garbage = write_secret(tmp_path / "garbage.pem", "not a key")
    code, out = verify(signed_report, garbage, capsys)
    assert code == 2 and "garbage.pem" in out and "--public-key" in out
    code, out = verify(signed_report, keys["private"], capsys)  # a private key where the public one belongs
    assert code == 2 and "private key" in out


def test_signature_block_content(keys: dict[str, Path], merchant_pair: KeyPair) -> None:
    from Crypto.Hash import MD5, SHA256
    from Crypto.PublicKey import RSA
    from Crypto.Signature import pkcs1_15

    from golive.result_doc import accept_result

    safe = accept_result(fixture(), "fixture")
    signature = sign_result(safe, keys["private"])
    assert signature["algorithms"] == list(ALGORITHMS) == ["MD5withRSA", "SHA256withRSA"]
    # What is signed is the canonical form of the document the report embeds.
    text = canonical_json(safe).encode("utf-8")
    assert text == canonical_json(safe.to_json()).encode("utf-8")
    public = RSA.import_key(merchant_pair.public_pem)
    # Plain PKCS#1 v1.5 verifiers (what LianLian's staff tooling runs) accept both signatures.
    pkcs1_15.new(public).verify(MD5.new(text), base64.b64decode(signature["md5withrsa"]))
    pkcs1_15.new(public).verify(SHA256.new(text), base64.b64decode(signature["sha256withrsa"]))
    import hashlib

    assert signature["result_sha256"] == hashlib.sha256(text).hexdigest()
    assert signature["key_bits"] == 2048 and len(signature["public_key_sha256"]) == 64
    assert verify_signature(safe.to_json(), signature, public).ok
    # Both are required: a valid MD5withRSA alone is not enough.
    weakened = {**signature, "sha256withrsa": signature["md5withrsa"]}
    assert not verify_signature(safe.to_json(), weakened, public).ok


def test_check_sign_with_embeds_result_and_signature(tmp_path: Path, config_factory, keys: dict[str, Path],
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from golive.cli import main

    monkeypatch.setenv("GOLIVE_TEST_MD5", "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc")
    config = config_factory()
    out = tmp_path / "out"
    code = main(["check", str(config), "--format", "json,html", "--output-dir", str(out),
                 "--sign-with", str(keys["private"]), "--no-progress", "--quiet"])
    capsys.readouterr()
    assert code in (0, 1, 3)
    html = (out / "report.html").read_text(encoding="utf-8")
    embedded = extract_embedded(html)
    assert embedded.result_text and embedded.signature_text
    # The JSON file and the embedded copy are the same result.
    assert json.loads(embedded.result_text) == json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert verify(out / "report.html", keys["public"], capsys)[0] == 0
    bad = main(["check", str(config), "--format", "html", "--output-dir", str(out),
                "--sign-with", str(tmp_path / "nope.pem"), "--no-progress", "--quiet"])
    err = capsys.readouterr().err
    assert bad == 2 and "nope.pem" in err and "--sign-with" in err


# -- the signature block's other fields: covered by the key, or the report is refused ------------------


def _forge_block(report: Path, change) -> None:
    """Edit the embedded signature block and re-render the page with golive's own renderer, so the
    visible signature section agrees with the forged block -- the strongest forgery of its kind."""
    from golive.reporters.html import render

    html = report.read_text(encoding="utf-8")
    embedded = extract_embedded(html)
    result = json.loads(embedded.result_text or "")
    signature = json.loads(embedded.signature_text or "")
    change(signature)
    report.write_text(render(typed(result), lang=embedded.lang, signature=signature), encoding="utf-8")


@pytest.mark.parametrize("change,says", [
    (lambda s: s.update(algorithms=["MD5withRSA"]), "algorithms"),
    (lambda s: s.update(algorithms=["SHA256withRSA", "MD5withRSA", "SHA1withRSA"]), "algorithms"),
    (lambda s: s.update(key_bits=4096), "key size"),
    (lambda s: s.update(canonical="json.dumps(result), UTF-16"), "signed text"),
    (lambda s: s.pop("public_key_sha256"), "fingerprint"),
    (lambda s: s.update(approved_by="LianLian risk team"), "never writes: approved_by"),
], ids=["one-algorithm", "three-algorithms", "key-bits", "canonical", "fingerprint-removed", "extra-field"])
def test_a_changed_signature_block_is_altered(signed_report: Path, keys: dict[str, Path],
                                              capsys: pytest.CaptureFixture[str], change, says: str) -> None:
    _forge_block(signed_report, change)
    code, out = verify(signed_report, keys["public"], capsys)
    assert code == 1 and "ALTERED" in out and says in out, out


def test_the_untouched_block_passes_the_same_forging_path(signed_report: Path, keys: dict[str, Path],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """The forging helper itself changes nothing else: with no change the report still verifies."""
    _forge_block(signed_report, lambda s: None)
    assert verify(signed_report, keys["public"], capsys)[0] == 0


def test_a_signed_result_that_still_holds_personal_data_is_refused(tmp_path: Path, keys: dict[str, Path],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """golive signs only redacted results. A report whose embedded result was signed raw (by some
    other tool holding the merchant key) does not come through the redaction pass unchanged."""
    from golive.report_signing import load_signing_key, sign_canonical
    from golive.reporters.html import render

    raw = typed(fixture())  # holds planted card, ID and phone numbers
    signature = sign_canonical(raw, load_signing_key(keys["private"]))
    report = tmp_path / "report.html"
    report.write_text(render(raw, lang="zh", signature=signature), encoding="utf-8")
    code, out = verify(report, keys["public"], capsys)
    assert code == 1 and "personal data" in out, out


def test_a_signed_result_of_the_wrong_shape_is_bad_input(tmp_path: Path, keys: dict[str, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from golive.redact import redact_result
    from golive.report_signing import load_signing_key, sign_canonical
    from golive.reporters.html import render

    result = redact_result(fixture())
    signature = sign_canonical(result, load_signing_key(keys["private"]))
    report = tmp_path / "report.html"
    report.write_text(render(typed(result), lang="zh", signature=signature), encoding="utf-8")
    html = report.read_text(encoding="utf-8")
    # The same page, with a result whose summary.counts is a list: signed, so the signatures hold.
    bad = {**result, "summary": {**result["summary"], "counts": []}}
    bad_signature = sign_canonical(bad, load_signing_key(keys["private"]))
    start = html.index('<script type="application/json" id="golive-result">')
    from golive.reporters.html import embed_json

    end = html.index("</script>", start)
    html = html[:start] + '<script type="application/json" id="golive-result">' + embed_json(bad) + html[end:]
    html = html.replace(embed_json(signature), embed_json(bad_signature))
    report.write_text(html, encoding="utf-8")
    code, out = verify(report, keys["public"], capsys)
    assert code == 2 and "summary.counts" in out, out


def test_verify_report_prints_no_control_character_from_the_report(tmp_path: Path, keys: dict[str, Path],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """verify-report quotes the merchant name; a name holding terminal sequences is shown escaped."""
    from golive.cli import main

    result = fixture()
    result["merchant"]["name"] = "示例\x1b]0;VALID\x07\x1b[2J理财"
    source = tmp_path / "result.json"
    source.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", "--from", str(source), "--format", "html", "--output-dir", str(out),
                 "--sign-with", str(keys["private"])]) == 0
    capsys.readouterr()
    code, text = verify(out / "report.html", keys["public"], capsys)
    assert code == 0, text
    assert "\x1b" not in text and "\x07" not in text
    assert "示例\\x1b]0;VALID\\x07\\x1b[2J理财" in text


# -- reports signed over a golive.result/1 result ----------------------------------------------------


@pytest.fixture
def v1_report(tmp_path: Path) -> Path:
    copy = tmp_path / "report.html"
    copy.write_bytes(V1_REPORT.read_bytes())
    return copy


def test_a_report_signed_over_a_v1_result_says_exactly_what_to_do(v1_report: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Its signatures are checked and hold; the page cannot be compared by this golive (the v1
    reporters that drew it are gone), and verify-report says so, naming both ways on."""
    embedded = extract_embedded(v1_report.read_text(encoding="utf-8"))
    assert json.loads(embedded.result_text or "")["schema"] == "golive.result/1"
    code, out = verify(v1_report, V1_PUBLIC, capsys)
    assert code == 2, out
    assert "the signatures are valid" in out and "golive.result/1" in out
    assert "golive verify-report with a golive that writes golive.result/1" in out
    assert "golive report --from REPORT.html" in out
    assert "VALID" not in out and "Traceback" not in out


def test_an_altered_v1_signed_report_is_still_altered(v1_report: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = v1_report.read_text(encoding="utf-8")
    start = html.index('id="golive-result">')
    verdict = html.index('"verdict": "incomplete"', start)
    v1_report.write_text(html[:verdict] + '"verdict": "ready"' + html[verdict + len('"verdict": "incomplete"'):],
                         encoding="utf-8")
    code, out = verify(v1_report, V1_PUBLIC, capsys)
    assert code == 1 and "ALTERED" in out, out


def test_a_v1_signed_report_rerenders_and_signs_again_as_v2(v1_report: Path, tmp_path: Path, keys: dict[str, Path],
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The way on that this golive offers: re-render the signed v1 result (read and completed
    through golive.result_v1) and, if the merchant wants a verifiable page, sign it again."""
    from golive.cli import main

    out = tmp_path / "out"
    assert main(["report", "--from", str(v1_report), "--format", "html,json", "--output-dir", str(out),
                 "--sign-with", str(keys["private"])]) == 0
    capsys.readouterr()
    old = json.loads(extract_embedded(v1_report.read_text(encoding="utf-8")).result_text or "")
    new = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert new["schema"] == "golive.result/2" and new["verdict"] == old["verdict"] == "incomplete"
    assert [c["id"] for c in new["checks"]] == [c["id"] for c in old["checks"]]
    assert [r["kind"] for r in new["summary"]["reasons"]] == [r["kind"] for r in old["summary"]["reasons"]]
    assert verify(out / "report.html", keys["public"], capsys)[0] == 0
