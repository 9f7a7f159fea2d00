"""Fuzz: `golive verify --message` and `golive sign --params` -- JSON, form and req_data/res_data
messages, mutated from real LianLian messages: lone surrogates (a truncated emoji), mixed-case
keys, literal "null", deep nesting, huge numbers, NUL, non-UTF-8."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from fuzz.harness import REPO, fuzz, run_cli
from fuzz.hostile import RAW_JSON, Placeholder, byte_mutation, mutate, render_json
from hypothesis import given
from hypothesis import strategies as st

REAL = REPO / "tests" / "data" / "lianlian_real"
MESSAGES = [json.loads(p.read_text(encoding="utf-8"))["message"] for p in sorted(REAL.glob("*.json"))
            if isinstance(json.loads(p.read_text(encoding="utf-8")).get("message"), dict)]
SECRET = "golive_demo_YNfraQTdzUeYTJtZ0nZt9MhWuSnu"  # examples/keys/md5.key, in GOLIVE_FUZZ_MD5


def _message(data: st.DataObject) -> bytes:
    raw = Placeholder()
    doc = mutate(data, json.loads(json.dumps(data.draw(st.sampled_from(MESSAGES), label="base"))), raw, RAW_JSON)
    text = render_json(doc, raw)
    shape = data.draw(st.sampled_from(["json", "json", "form", "req_data", "res_json"]), label="shape")
    if shape == "form" and isinstance(doc, dict):
        text = urlencode({str(k): str(v) for k, v in doc.items()}, errors="surrogatepass")
    elif shape == "req_data":
        text = urlencode({"req_data": text}, errors="surrogatepass")
    elif shape == "res_json":
        text = json.dumps({"res_data": text})
    return byte_mutation(data, text.encode("utf-8", "surrogatepass"))


@fuzz(250)
@given(st.data())
def test_verify_and_sign_messages(merchant_dir: Path, data: st.DataObject) -> None:
    path = Path(tempfile.mkdtemp(prefix="golive-fuzz-")) / "message.txt"
    path.write_bytes(_message(data))
    key = data.draw(st.sampled_from(["--md5-key-env", "--lianlian-public-key", "--public-key"]), label="key")
    extra = {"--md5-key-env": ["--md5-key-env", "GOLIVE_FUZZ_MD5"], "--lianlian-public-key": ["--lianlian-public-key"],
             "--public-key": ["--public-key", str(merchant_dir / "keys" / "merchant_public.pem")]}[key]
    rule = data.draw(st.sampled_from([[], ["--null-rule", "sdk"], ["--null-rule", "old_demo"]]), label="rule")
    run_cli("verify", ["verify", "--message", str(path), *extra, *rule], secrets=(SECRET,))
    signer = data.draw(st.sampled_from([["--md5-key-env", "GOLIVE_FUZZ_MD5"],
                                        ["--private-key", str(merchant_dir / "keys" / "merchant_private.pem")]]),
                       label="signer")
    flags = data.draw(st.sampled_from([[], ["--json"], ["--app-sdk"], ["--null-rule", "sdk"]]), label="flags")
    run_cli("sign", ["sign", "--params", str(path), *signer, *flags], secrets=(SECRET,))
