"""`golive sign`, `golive verify`, `golive keys` run through the real CLI entry point.

Messages come from tests/data/lianlian_real (signed by LianLian itself) and from the shared sign
vectors; MD5 keys are passed through environment variables as users do. Every test also checks
that no MD5 key and no private key material reaches the output.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from conftest import VECTORS_PATH

from golive.cli import main
from golive.lianlian import platform

REPO = Path(__file__).resolve().parents[1]
REAL = Path(__file__).resolve().parent / "data" / "lianlian_real"
DEMO_KEY = platform.TEST_MERCHANT_MD5_KEY_DEMO
GUIDE_KEY = platform.TEST_MERCHANT_MD5_KEY_GUIDE


def _real(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REAL / name).read_text(encoding="utf-8"))
    return data


def _vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def t6(tmp_path: Path) -> Path:
    path = tmp_path / "notify.json"
    path.write_text(_real("t6_authpay_notify_md5.json")["raw"], encoding="utf-8")
    return path


@pytest.fixture
def md5_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LLPAY_MD5_KEY", DEMO_KEY)
    monkeypatch.setenv("LLPAY_GUIDE_KEY", GUIDE_KEY)
    return "LLPAY_MD5_KEY"


# --- verify ------------------------------------------------------------------------------------


def test_verify_real_md5_notification(capsys: pytest.CaptureFixture[str], t6: Path, md5_env: str) -> None:
    code, out, err = _run(capsys, "verify", "--message", str(t6), "--md5-key-env", md5_env)
    assert code == 0, err
    assert "VALID" in out and "INVALID" not in out
    assert "sign source: acct_name=" in out and "&sign_type=MD5" in out
    assert "null rule:   old_demo" in out
    assert DEMO_KEY not in out + err


def test_verify_guide_key_does_not_verify_t6(capsys: pytest.CaptureFixture[str], t6: Path, md5_env: str) -> None:
    code, out, err = _run(capsys, "verify", "--message", str(t6), "--md5-key-env", "LLPAY_GUIDE_KEY")
    assert code == 1
    assert "INVALID" in out and "sign source:" in out
    assert GUIDE_KEY not in out + err


def test_verify_real_rsa_response_with_builtin_platform_key(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "resp.json"
    path.write_text(_real("s3_yt_response_8888_rsa.json")["raw"], encoding="utf-8")
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--lianlian-public-key")
    assert code == 0
    assert platform.LIANLIAN_PUBLIC_KEY_SHA256 in out and "VALID" in out
    # Given as a file (PEM) it verifies too; the merchant's own key does not.
    pem = tmp_path / "llpay_public_key.pem"
    body = "\n".join(platform.LIANLIAN_PUBLIC_KEY_B64[i : i + 64] for i in range(0, 216, 64))
    pem.write_text(f"-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n", encoding="utf-8")
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--lianlian-public-key", str(pem))
    assert code == 0 and "NOT the published" not in out
    other = tmp_path / "other.pem"
    other.write_text(_vectors()["keys"]["rsa_1024"]["public_key_x509_pem"], encoding="utf-8")
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--lianlian-public-key", str(other))
    assert code == 1 and "NOT the published LianLian public key" in out
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--public-key", str(other))
    assert code == 1 and "INVALID" in out


def test_verify_rejects_the_illustrative_doc_sample(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "resp.json"
    path.write_text(json.dumps(_real("s6_payout_response_0000_illustrative.json")["message"], ensure_ascii=False), encoding="utf-8")
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--lianlian-public-key")
    assert code == 1 and "not valid Base64" in out


def test_verify_form_body_and_wap_wrappers(capsys: pytest.CaptureFixture[str], tmp_path: Path, md5_env: str) -> None:
    message = _real("t6_authpay_notify_md5.json")["message"]
    raw = _real("t6_authpay_notify_md5.json")["raw"]
    variants = {
        "form.txt": urlencode(message),
        "wap_req.txt": "req_data=" + quote(raw),
        "wap_res.txt": "res_data=" + quote(raw),
        "nested.json": json.dumps({"req_data": raw}),
    }
    for name, text in variants.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        code, out, err = _run(capsys, "verify", "--message", str(path), "--md5-key-env", md5_env)
        assert code == 0, (name, out, err)
        assert "oid_paybill=2015122241340471" in out


def test_verify_reports_the_sdk_rule(capsys: pytest.CaptureFixture[str], tmp_path: Path, md5_env: str) -> None:
    vector = next(v for v in _vectors()["vectors"] if v["id"] == "C_empty_and_literal_null_values__MD5")
    sdk_sign = vector["divergence_literal_null"]["md5_under_YT_rule"][DEMO_KEY]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(dict(vector["params"], sign=sdk_sign), ensure_ascii=False), encoding="utf-8")
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--md5-key-env", md5_env)
    assert code == 0 and "null rule:   sdk" in out and "shareing_data=null" in out
    code, out, _ = _run(capsys, "verify", "--message", str(path), "--md5-key-env", md5_env, "--null-rule", "old_demo")
    assert code == 1 and "null rule:   old_demo" in out


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.json", None, "not found"),
        ("notjson.json", "{not json", "not valid JSON"),
        ("array.json", "[1, 2]", "JSON object"),
        ("latin1.json", b'{"a": "\xe9"}', "not UTF-8"),
        ("nosign.json", '{"oid_partner": "1", "sign_type": "MD5"}', "no sign field"),
        ("empty.json", "", "empty"),
        ("text.txt", "hello world", "neither JSON nor a form body"),
    ],
)
def test_verify_bad_input_exits_2_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, md5_env: str, name: str, content: Any, words: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _run(capsys, "verify", "--message", str(path), "--md5-key-env", md5_env)
    assert code == 2
    assert err.startswith("golive: error: ") and str(path) in err and words in err
    assert err.count("\n") == 1 and "Traceback" not in err
    if name == "nosign.json":
        assert ": sign: " in err


def test_verify_unset_env_and_bad_key_file(capsys: pytest.CaptureFixture[str], t6: Path, tmp_path: Path) -> None:
    code, _, err = _run(capsys, "verify", "--message", str(t6), "--md5-key-env", "GOLIVE_SURELY_UNSET_VAR")
    assert code == 2 and "GOLIVE_SURELY_UNSET_VAR is not set" in err
    private = tmp_path / "private.pem"
    private.write_text(_vectors()["keys"]["rsa_1024"]["private_key_pkcs8_pem"], encoding="utf-8")
    code, _, err = _run(capsys, "verify", "--message", str(t6), "--public-key", str(private))
    assert code == 2 and "this is a private key" in err and "MII" not in err


# --- sign --------------------------------------------------------------------------------------


def test_sign_md5_reproduces_vector(capsys: pytest.CaptureFixture[str], tmp_path: Path, md5_env: str) -> None:
    vector = next(v for v in _vectors()["vectors"] if v["id"] == "B_realname_p2p_chinese_risk_item__MD5")
    path = tmp_path / "params.json"
    path.write_text(json.dumps(vector["params"], ensure_ascii=False), encoding="utf-8")
    code, out, err = _run(capsys, "sign", "--params", str(path), "--md5-key-env", md5_env)
    assert code == 0, err
    assert f"sign source: {vector['sign_source']}\n" in out
    assert f"sign:        {vector['md5'][DEMO_KEY]['signature_lower_hex']}\n" in out
    assert DEMO_KEY not in out + err

    code, out, err = _run(capsys, "sign", "--params", str(path), "--md5-key-env", md5_env, "--json")
    assert code == 0
    signed = json.loads(out)
    assert signed["sign"] == vector["md5"][DEMO_KEY]["signature_lower_hex"]
    assert vector["sign_source"] in err
    # What sign --json writes, verify accepts.
    signed_path = tmp_path / "signed.json"
    signed_path.write_text(out, encoding="utf-8")
    assert _run(capsys, "verify", "--message", str(signed_path), "--md5-key-env", md5_env)[0] == 0


@pytest.mark.parametrize("bits", [1024, 2048])
def test_sign_rsa_app_sdk_reproduces_vector_d(capsys: pytest.CaptureFixture[str], tmp_path: Path, bits: int) -> None:
    vectors = _vectors()
    vector_d = next(v for v in vectors["vectors"] if v["id"].startswith("D_app_sdk"))
    params = tmp_path / "order.json"
    params.write_text(json.dumps(vector_d["params"], ensure_ascii=False), encoding="utf-8")
    key = tmp_path / "merchant.b64"
    key.write_text(vectors["keys"][f"rsa_{bits}"]["private_key_pkcs8_der_base64_for_java_demo"], encoding="utf-8")
    code, out, err = _run(capsys, "sign", "--params", str(params), "--private-key", str(key), "--app-sdk")
    assert code == 0, err
    assert f"sign source: {vector_d['sign_source_rsa_variant']}\n" in out
    assert f"sign:        {vector_d[f'rsa{bits}_signature']}\n" in out
    assert "MII" not in out.replace(vector_d[f"rsa{bits}_signature"], "")


def test_sign_null_rule_sdk_and_non_string_note(capsys: pytest.CaptureFixture[str], tmp_path: Path, md5_env: str) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"a": "null", "valid_order": 120, "amount": 1.50}', encoding="utf-8")
    code, out, err = _run(capsys, "sign", "--params", str(path), "--md5-key-env", md5_env, "--null-rule", "sdk")
    assert code == 0
    assert "sign source: a=null&amount=1.50&sign_type=MD5&valid_order=120\n" in out
    assert "valid_order is a JSON int" in err and "LL-SIG-008" in err
    code, out, _ = _run(capsys, "sign", "--params", str(path), "--md5-key-env", md5_env)
    assert "sign source: amount=1.50&sign_type=MD5&valid_order=120\n" in out


def test_sign_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path, md5_env: str) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"a": "1"}', encoding="utf-8")
    code, _, err = _run(capsys, "sign", "--params", str(path), "--md5-key-env", md5_env, "--sign-type", "RSA")
    assert code == 2 and "--private-key" in err
    public = tmp_path / "pub.pem"
    public.write_text(_vectors()["keys"]["rsa_1024"]["public_key_x509_pem"], encoding="utf-8")
    code, _, err = _run(capsys, "sign", "--params", str(path), "--private-key", str(public))
    assert code == 2 and "this is a public key" in err
    code, _, err = _run(capsys, "sign", "--params", str(tmp_path / "none.json"), "--md5-key-env", md5_env)
    assert code == 2 and "not found" in err


# --- keys --------------------------------------------------------------------------------------


def test_keys_generate_writes_every_form(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from golive.lianlian.keys import fingerprint_sha256, keys_match, load_private_key, load_public_key

    out_dir = tmp_path / "keys"
    code, out, err = _run(capsys, "keys", "--bits", "1024", "--out-dir", str(out_dir), "--prefix", "shop")
    assert code == 0, err
    names = {
        "shop_private.pem": True,
        "shop_private_pkcs1.pem": True,
        "shop_private_pkcs8.b64": True,
        "shop_public.pem": False,
        "shop_public.b64": False,
    }
    assert {p.name for p in out_dir.iterdir()} == set(names)
    for name, private in names.items():
        mode = stat.S_IMODE((out_dir / name).stat().st_mode)
        assert mode == (0o600 if private else 0o644), name
        assert name in out
    privates = [load_private_key((out_dir / n).read_bytes()) for n, p in names.items() if p]
    publics = [load_public_key((out_dir / n).read_bytes()) for n, p in names.items() if not p]
    assert all(keys_match(k, publics[0]) for k in privates) and publics[0].public_numbers() == publics[1].public_numbers()
    assert fingerprint_sha256(publics[0]) in out
    assert "商户站" in out and "merchant site" in out
    # No private material on screen.
    b64 = (out_dir / "shop_private_pkcs8.b64").read_text().strip()
    assert b64[:40] not in out and "PRIVATE KEY-----" not in out

    # Refuses to overwrite, then overwrites with --force (and keeps 0600).
    code, _, err = _run(capsys, "keys", "--bits", "1024", "--out-dir", str(out_dir), "--prefix", "shop")
    assert code == 2 and "--force" in err
    assert (out_dir / "shop_private_pkcs8.b64").read_text().strip() == b64
    (out_dir / "shop_private_pkcs1.pem").chmod(0o644)
    code, _, _ = _run(capsys, "keys", "--bits", "1024", "--out-dir", str(out_dir), "--prefix", "shop", "--force")
    assert code == 0
    assert (out_dir / "shop_private_pkcs8.b64").read_text().strip() != b64
    assert stat.S_IMODE((out_dir / "shop_private_pkcs1.pem").stat().st_mode) == 0o600


@pytest.mark.parametrize("bits", ["512", "1000"])
def test_keys_refuses_weak_sizes(capsys: pytest.CaptureFixture[str], tmp_path: Path, bits: str) -> None:
    code, _, err = _run(capsys, "keys", "--bits", bits, "--out-dir", str(tmp_path / "k"))
    assert code == 2 and "--bits" in err
    assert not (tmp_path / "k").exists()


def test_keys_check(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    keys = _vectors()["keys"]
    private = tmp_path / "private.b64"
    private.write_text(keys["rsa_1024"]["private_key_pkcs8_der_base64_for_java_demo"], encoding="utf-8")
    public = tmp_path / "public.pem"
    public.write_text(keys["rsa_1024"]["public_key_x509_pem"], encoding="utf-8")
    other = tmp_path / "other.b64"
    other.write_text(keys["rsa_2048"]["public_key_x509_der_base64"], encoding="utf-8")
    llpay = tmp_path / "llpay.b64"
    llpay.write_text(platform.LIANLIAN_PUBLIC_KEY_B64, encoding="utf-8")

    code, out, _ = _run(capsys, "keys", "--check", str(private), str(public))
    assert code == 0 and "MATCH" in out and "1024-bit" in out
    assert keys["rsa_1024"]["private_key_pkcs8_der_base64_for_java_demo"][30:70] not in out
    code, out, _ = _run(capsys, "keys", "--check", str(private), str(other))
    assert code == 1 and "MISMATCH" in out and "2048-bit" in out
    code, out, _ = _run(capsys, "keys", "--check", str(private), str(llpay))
    assert code == 1 and "LianLian's platform key" in out
    code, _, err = _run(capsys, "keys", "--check", str(public), str(public))
    assert code == 2 and "this is a public key" in err
    code, _, err = _run(capsys, "keys", "--check", str(tmp_path / "nope"), str(public))
    assert code == 2 and "not found" in err


# --- once through a real process ---------------------------------------------------------------


def test_python_m_golive_verify_subprocess(tmp_path: Path) -> None:
    path = tmp_path / "notify.json"
    path.write_text(_real("t6_authpay_notify_md5.json")["raw"], encoding="utf-8")
    env = dict(os.environ, LLPAY_MD5_KEY=DEMO_KEY, PYTHONIOENCODING="utf-8")
    ok = subprocess.run(
        [sys.executable, "-m", "golive", "verify", "--message", str(path), "--md5-key-env", "LLPAY_MD5_KEY"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "VALID" in ok.stdout and DEMO_KEY not in ok.stdout + ok.stderr
    env["LLPAY_MD5_KEY"] = GUIDE_KEY
    bad = subprocess.run(
        [sys.executable, "-m", "golive", "verify", "--message", str(path), "--md5-key-env", "LLPAY_MD5_KEY"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=60,
    )
    assert bad.returncode == 1 and "INVALID" in bad.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "golive", "verify", "--message", str(tmp_path / "x.json"), "--lianlian-public-key"],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=tmp_path, timeout=60,
    )
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and "x.json" in missing.stderr


def _md5_hex(source: str) -> str:
    import hashlib

    return hashlib.md5((source + "&key=" + DEMO_KEY).encode("utf-8")).hexdigest()


SURROGATE_PARAMS = {"oid_partner": "201408071000001543", "sign_type": "MD5", "no_order": "O1",
                    "name_goods": "表情\ud83d", "money_order": "0.01"}
# What LianLian's Java code signs: the lone surrogate becomes '?' (String.getBytes("UTF-8"))
SURROGATE_SOURCE = "money_order=0.01&name_goods=表情?&no_order=O1&oid_partner=201408071000001543&sign_type=MD5"


def test_a_lone_surrogate_verifies_as_javas_question_mark(tmp_path, capsys, md5_env):
    message = tmp_path / "m.json"
    message.write_text(json.dumps({**SURROGATE_PARAMS, "sign": _md5_hex(SURROGATE_SOURCE)}), encoding="utf-8")
    code, out, err = _run(capsys, "verify", "--message", str(message), "--md5-key-env", md5_env)
    assert code == 0, err
    assert "name_goods=表情\\ud83d" in out and "signed as '?'" in out and "VALID" in out


def test_a_lone_surrogate_signs_as_javas_question_mark(tmp_path, capsys, md5_env):
    params = tmp_path / "p.json"
    params.write_text(json.dumps(SURROGATE_PARAMS), encoding="utf-8")
    code, out, err = _run(capsys, "sign", "--params", str(params), "--md5-key-env", md5_env)
    assert code == 0, err
    assert f"sign:        {_md5_hex(SURROGATE_SOURCE)}" in out
    code, out, err = _run(capsys, "sign", "--params", str(params), "--md5-key-env", md5_env, "--json")
    assert code == 0 and json.loads(out)["name_goods"] == "表情\ud83d"


def test_a_sign_over_javas_case_insensitive_key_order_is_explained(tmp_path, capsys, md5_env):
    params = {"oid_partner": "201408071000001543", "sign_type": "MD5", "Sign_memo": "a", "no_order": "O1"}
    java = "&".join(f"{k}={params[k]}" for k in sorted(params, key=str.lower))
    message = tmp_path / "m.json"
    message.write_text(json.dumps({**params, "sign": _md5_hex(java)}), encoding="utf-8")
    code, out, _ = _run(capsys, "verify", "--message", str(message), "--md5-key-env", md5_env)
    assert code == 1
    assert "case-insensitive order" in out and "Sign_memo" in out and f"sign source: {java}" in out


@pytest.mark.parametrize(("content", "needle"), [
    ("[" * 1000 + "]" * 1000, "nested deeper than 64 levels at line 1, column 65"),
    ('{"money_order": ' + "1" * 5000 + "}", "number longer than 100 characters"),
    ('{"money_order": NaN, "sign": "x"}', "NaN is not a JSON value"),
    ("req_data=" + quote('{"a":' * 100 + "1" + "}" * 100), "nested deeper"),
])
def test_hostile_json_messages_exit_2(tmp_path, capsys, md5_env, content, needle):
    message = tmp_path / "m.txt"
    message.write_text(content, encoding="utf-8")
    for argv in (["verify", "--message", str(message), "--md5-key-env", md5_env],
                 ["sign", "--params", str(message), "--md5-key-env", md5_env]):
        code, _, err = _run(capsys, *argv)
        assert code == 2 and "Traceback" not in err
        assert needle in err and str(message) in err
