"""LL-SIG-006: captured signs verify over the canonical sign source; failures are explained.

The LianLian vector file (vectors A-D, produced by running LianLian's demo code) must pass with the
keys in that file; signs computed with the classic mistakes must fail naming the mistake.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import TEST_MD5_KEY, VECTORS_PATH, write_secret

from golive.examples.captures import make_captures as mc

VECTORS = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
DEMO_KEY = VECTORS["keys"]["md5_key_official_demo"]["value"]


def _vector_lines(bits: int) -> list[dict]:
    lines = []
    for vector in VECTORS["vectors"]:
        params = {k: v for k, v in vector["params"].items() if k != "sign"}
        if vector["id"].startswith("D_"):
            md5 = {**params, "sign": vector["md5"][DEMO_KEY]["signature_lower_hex"]}
            rsa = {**params, "sign_type": "RSA", "sign": vector[f"rsa{bits}_signature"]}
            lines += [{"kind": "pay_request", "channel": "app", "params": md5},
                      {"kind": "pay_request", "channel": "app", "params": rsa}]
        elif vector["sign_type"] == "MD5":
            lines.append(mc.pay_line({**params, "sign": vector["md5"][DEMO_KEY]["signature_lower_hex"]}))
        else:
            lines.append(mc.pay_line({**params, "sign": vector["rsa"][f"rsa{bits}_signature"]}))
    return lines


@pytest.mark.parametrize("bits", [1024, 2048])
def test_the_vector_file_requests_pass(config_factory, run_checks, tmp_path, monkeypatch, bits):
    monkeypatch.setenv("GOLIVE_TEST_MD5", DEMO_KEY)
    write_secret(tmp_path / "keys" / "merchant_public.pem", VECTORS["keys"][f"rsa_{bits}"]["public_key_x509_pem"])
    check = mc.judge(config_factory, run_checks, tmp_path, _vector_lines(bits), "LL-SIG-006", category="1999",
                     profile="base")
    assert check["status"] == "pass", check["findings"]
    assert check["evidence"][0]["verified"] == {"MD5": 4, "RSA": 4}


def test_demo_merchant_requests_pass_rsa_and_md5(capture_demo, config_factory, run_checks, tmp_path):
    lines = mc.clean_lines(capture_demo) + [mc.pay_line(mc.pay_params(capture_demo, "u3", "O9", 9, sign_type="MD5"))]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-SIG-006")
    assert check["status"] == "pass" and check["evidence"][0]["verified"] == {"RSA": 3, "MD5": 1}


def test_literal_null_verifying_only_under_the_sdk_rule_is_low_and_uncertain(config_factory, run_checks, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("GOLIVE_TEST_MD5", DEMO_KEY)
    vector = next(v for v in VECTORS["vectors"] if v["id"] == "C_empty_and_literal_null_values__MD5")
    params = {**vector["params"], "sign": vector["divergence_literal_null"]["md5_under_YT_rule"][DEMO_KEY]}
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-SIG-006", profile="base")
    assert check["status"] == "fail" and check["severity"] == "low"
    assert check["findings"][0]["uncertain"] and "UNCERTAIN" in check["findings"][0]["message"]["en"]


def _md5(source: str) -> str:
    # What a buggy merchant computes over its wrong sign source.
    return hashlib.md5((source + "&key=" + TEST_MD5_KEY).encode("utf-8")).hexdigest()


def _unsigned(capture_demo, **kw) -> dict:
    params = mc.pay_params(capture_demo, "u1", "O1", 0, sign_type="MD5", **kw)
    params.pop("sign")
    return params


def _join(pairs) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


def _sorted_nonempty(params: dict) -> list:
    return [(k, params[k]) for k in sorted(params) if params[k]]


MISTAKES = {
    "empty_kept": lambda p: _join(sorted(p.items())),
    "unsorted": lambda p: _join((k, v) for k, v in p.items() if v),
    "url_encoded_quote": lambda p: _join((k, quote(v, safe="")) for k, v in _sorted_nonempty(p)),
    "trimmed": lambda p: _join((k, v.strip()) for k, v in _sorted_nonempty(p)),
    "sign_type_left_out": lambda p: _join((k, v) for k, v in _sorted_nonempty(p) if k != "sign_type"),
    "app_field_set": lambda p: _join((k, v) for k, v in _sorted_nonempty(p)
                                     if k not in {"id_type", "id_no", "acct_name", "flag_modify", "user_id", "no_agree"}),
    "risk_item_reserialised": lambda p: _join(
        (k, json.dumps(json.loads(v), ensure_ascii=False) if k == "risk_item" else v) for k, v in _sorted_nonempty(p)),
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_each_classic_mistake_fails_and_is_named(capture_demo, config_factory, run_checks, tmp_path, mistake):
    params = _unsigned(capture_demo, edit=lambda p: p.update(url_order="", name_goods=" 示例理财 "))
    params["sign"] = _md5(MISTAKES[mistake](params))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-SIG-006")
    assert check["status"] == "fail" and check["severity"] == "high"
    [finding] = check["findings"]
    assert finding["location"]["pointer"] == "sign" and finding["data"]["diagnosis"] == mistake
    assert check["evidence"][0]["diagnoses"] == {mistake: 1} and finding["message"]["zh"]


def test_unsorted_rsa_sign_is_named_too(capture_demo, merchant_pair, config_factory, run_checks, tmp_path):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from golive.lianlian.keys import load_private_key

    params = mc.pay_params(capture_demo, "u1", "O1", 0)
    params.pop("sign")
    source = _join((k, v) for k, v in params.items() if v)
    key = load_private_key(merchant_pair.private_pem)
    params["sign"] = base64.b64encode(key.sign(source.encode("utf-8"), padding.PKCS1v15(), hashes.MD5())).decode()
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-SIG-006")
    assert check["findings"][0]["data"]["diagnosis"] == "unsorted"
    assert "RSA sign does not verify" in check["findings"][0]["message"]["en"]


def test_wrong_key_and_malformed_signs(capture_demo, config_factory, run_checks, tmp_path):
    wrong = _unsigned(capture_demo)
    wrong["sign"] = hashlib.md5(b"something else").hexdigest()
    upper = mc.pay_params(capture_demo, "u1", "O2", 1, sign_type="MD5")
    upper["sign"] = upper["sign"].upper()
    unsigned = _unsigned(capture_demo)
    damaged = mc.pay_params(capture_demo, "u1", "O3", 2)
    damaged["sign"] = damaged["sign"].replace("+", " ").replace("/", " ")  # what URL-decoding a raw '+' does
    lines = [mc.pay_line(p) for p in (wrong, upper, unsigned, damaged)]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-SIG-006")
    messages = [f["message"]["en"] for f in check["findings"]]
    assert "LL-SIG-004" in messages[0]
    assert "lower-cased" in messages[1]
    assert "no sign" in messages[2]
    assert "Base64" in messages[3]
    assert check["evidence"][0]["failed"] == {"MD5": 3, "RSA": 1}


def test_without_the_key_the_records_cannot_be_judged(capture_demo, config_factory, run_checks, tmp_path):
    lines = [mc.pay_line(mc.pay_params(capture_demo, "u1", "O1", 0, sign_type="MD5"))]
    path = mc.write_jsonl(tmp_path / "c.jsonl", lines)
    overrides = mc.config_overrides(path)
    overrides["signing"].update(md5_key=None, notify_sign_type="RSA")
    result = run_checks(config_factory(overrides), "LL-SIG-006")
    check = next(c for c in result["checks"] if c["id"] == "LL-SIG-006")
    assert check["status"] == "error" and "1 could not be judged" in check["reason"]["en"]
    assert "md5_key is not configured" in check["evidence"][0]["skipped"][0]["reason"]
    assert TEST_MD5_KEY not in json.dumps(result)


def test_requests_left_unverified_beside_verified_ones_are_reported(capture_demo, config_factory, run_checks, tmp_path):
    lines = [mc.pay_line(mc.pay_params(capture_demo, "u1", "O1", 0)),
             mc.pay_line(mc.pay_params(capture_demo, "u1", "O2", 1, sign_type="MD5"))]
    path = mc.write_jsonl(tmp_path / "c.jsonl", lines)
    overrides = mc.config_overrides(path)
    overrides["signing"].update(md5_key=None, notify_sign_type="RSA")
    check = next(c for c in run_checks(config_factory(overrides), "LL-SIG-006")["checks"] if c["id"] == "LL-SIG-006")
    assert check["status"] == "fail" and check["severity"] == "medium"
    assert check["findings"][0]["location"]["pointer"] == "signing.md5_key"
    assert check["evidence"][0]["verified"] == {"RSA": 1}


def _ascii_capture(path, params: dict) -> str:
    # ensure_ascii: a lone surrogate goes into the file as its JSON escape (UTF-8 cannot hold it)
    path.write_text(json.dumps({"kind": "pay_request", "channel": "web", "params": params}) + "\n", encoding="utf-8")
    return str(path)


def test_a_lone_surrogate_signs_as_javas_question_mark(capture_demo, config_factory, run_checks, tmp_path):
    # A cut-off emoji: name_goods ends with half of U+1F600. LianLian's Java code encodes the lone
    # surrogate as '?' (String.getBytes("UTF-8")), so the merchant's Java signer signed a '?'.
    params = _unsigned(capture_demo, edit=lambda p: p.update(name_goods="示例理财\ud83d"))
    source = _join(_sorted_nonempty(params)).replace("\ud83d", "?")
    params["sign"] = _md5(source)
    capture = _ascii_capture(tmp_path / "c.jsonl", params)
    result = run_checks(config_factory(mc.config_overrides(Path(capture))), "LL-SIG-006")
    check = next(c for c in result["checks"] if c["id"] == "LL-SIG-006")
    assert check["status"] == "pass", check
    assert check["evidence"][0]["verified"] == {"MD5": 1}


def test_keys_signed_in_javas_case_insensitive_order_are_named(capture_demo, config_factory, run_checks, tmp_path):
    # Mixed-case field names sort differently in Java's String.CASE_INSENSITIVE_ORDER (how
    # LianLian's Java demos sort) and in plain order: "Memo_x" goes first in plain order only.
    params = _unsigned(capture_demo, edit=lambda p: p.update(Memo_x="note"))
    java = sorted(((k, v) for k, v in params.items() if v), key=lambda kv: kv[0].lower())
    params["sign"] = _md5(_join(java))
    check = mc.judge(config_factory, run_checks, tmp_path, [mc.pay_line(params)], "LL-SIG-006")
    assert check["status"] == "fail"
    [finding] = check["findings"]
    assert finding["data"]["diagnosis"] == "java_case_order"
    assert "case-insensitive order" in finding["message"]["en"] and "String.CASE_INSENSITIVE_ORDER" in finding["message"]["zh"]


def test_verified_requests_then_odd_sign_types_and_failures(capture_demo, config_factory, run_checks, tmp_path):
    """After a verified request the observer takes its fast path (one source, one verification); a
    sign_type that is not a string, a sign that is not, and a wrong sign still get the full verdict."""
    good = [mc.pay_params(capture_demo, f"u{i}", f"O{i}", i, sign_type=kind) for i, kind in enumerate(("MD5", "RSA") * 2)]
    odd_type = mc.pay_params(capture_demo, "u7", "O7", 7, sign_type="MD5")
    odd_type["sign_type"] = ["MD5"]  # a list, e.g. a form field sent twice and captured as JSON
    odd_sign = mc.pay_params(capture_demo, "u8", "O8", 8, sign_type="MD5")
    odd_sign["sign"] = {"value": odd_sign["sign"]}
    wrong = mc.pay_params(capture_demo, "u9", "O9", 9, sign_type="MD5")
    wrong["sign"] = hashlib.md5(b"something else").hexdigest()
    lines = [mc.pay_line(p) for p in (*good, odd_type, odd_sign, wrong, *good)]
    check = mc.judge(config_factory, run_checks, tmp_path, lines, "LL-SIG-006")
    assert check["status"] == "fail"
    assert check["evidence"][0]["verified"] == {"MD5": 4, "RSA": 4}
    assert sum(check["evidence"][0]["failed"].values()) == 3
