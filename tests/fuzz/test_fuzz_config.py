"""Fuzz: golive.yaml and waivers YAML -- mutated examples and hostile documents (alias bombs, deep
nesting, NaN, 5000-digit numbers, bad tags, non-UTF-8) must load or fail with InputError, never
crash, hang or echo a secret."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from fuzz.harness import EXAMPLES, check_crashes, fuzz, run_case, run_cli
from fuzz.hostile import RAW_YAML, Placeholder, alias_bomb, byte_mutation, deep_yaml, mutate, render_yaml
from hypothesis import given
from hypothesis import strategies as st

CONFIG = yaml.safe_load((EXAMPLES / "golive.yaml").read_text(encoding="utf-8"))
WAIVERS = yaml.safe_load((EXAMPLES / "waivers.yaml").read_text(encoding="utf-8"))
SECRET = "7345987123459876"  # planted as an inline secret in many shapes; must never be echoed
SECRET_SHAPES = [SECRET, f"[{SECRET}]", f"[{SECRET}, {SECRET}]", f"{{foo: {SECRET}}}", f"0x{SECRET}",
                 f"'{SECRET}'", f"{{env: {SECRET}}}", f"{{file: {SECRET}, x: 1}}", f"[[{SECRET}]]", f"!!binary {SECRET}",
                 f"{SECRET}.5", f"- {SECRET}", f"{{{SECRET}: 1}}", f"{SECRET}:"]
SECRET_KEYS = [("signing", "md5_key"), ("signing", "rsa_private_key"), ("live", "lianlian_private_key")]

HOSTILE_DOCS = [alias_bomb(9, 9), alias_bomb(20, 2), alias_bomb(4, 50), deep_yaml(600, True), deep_yaml(600, False),
                deep_yaml(150, True), deep_yaml(150, False), "merchant: &m {a: *m}\n", "a: !!binary ===\n",
                "? !!python/tuple [a]\n: 1\n", "merchant:\n  " + "x" * 100000 + ": 1\n", "\x00\x01", "- 1\n- 2\n",
                "merchant: {oid_partner: " + "1" * 5000 + "}\n", "---\na: 1\n---\nb: 2\n", "a: b\n\tc: d\n",
                "merchant:\n  <<: [*a]\n", "x: &a 1\ny: {<<: *a}\n", "%YAML 9.9\n---\na: 1\n", "a: @b\n"]


def _write(blob: bytes, name: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="golive-fuzz-"))
    path = directory / name
    path.write_bytes(blob)
    return path


def _config_text(data: st.DataObject, base: dict) -> bytes:
    raw = Placeholder()
    doc = mutate(data, json.loads(json.dumps(base)), raw, RAW_YAML)
    if data.draw(st.booleans(), label="plant"):
        section, key = data.draw(st.sampled_from(SECRET_KEYS), label="secret_key")
        if not isinstance(doc, dict):
            doc = {}
        if not isinstance(doc.get(section), dict):
            doc[section] = {}
        doc[section][key] = raw.token(data.draw(st.sampled_from(SECRET_SHAPES), label="shape"))
    return byte_mutation(data, render_yaml(doc, raw).encode("utf-8", "surrogatepass"))


@fuzz(350)
@given(st.data())
def test_config_mutations_load_or_say_why(merchant_dir: Path, data: st.DataObject) -> None:
    from golive.config import load_config

    path = merchant_dir / "fuzz-golive.yaml"
    path.write_bytes(_config_text(data, CONFIG))
    run_case("config", lambda: load_config(path), secrets=(SECRET,))


@fuzz(len(HOSTILE_DOCS) * 2)
@given(st.sampled_from(HOSTILE_DOCS), st.sampled_from(["golive.yaml", "waivers.yaml"]))
def test_hostile_yaml_documents(merchant_dir: Path, text: str, which: str) -> None:
    from golive.config import load_config
    from golive.waivers import load_waivers

    path = merchant_dir / f"hostile-{which}"
    path.write_bytes(text.encode("utf-8"))
    run_case(f"hostile {which}", (lambda: load_config(path)) if which == "golive.yaml" else (lambda: load_waivers(path)))


@fuzz(30)
@given(st.data())
def test_config_mutations_through_the_cli(merchant_dir: Path, data: st.DataObject) -> None:
    """The whole run (gather, every check, reports) on a mutated config."""
    path = merchant_dir / "fuzz-cli.yaml"
    path.write_bytes(_config_text(data, CONFIG))
    out = Path(tempfile.mkdtemp(prefix="golive-fuzz-out-"))
    code, _, _ = run_cli("config cli", ["check", str(path), "--format", "json", "--output-dir", str(out), "-q"],
                         secrets=(SECRET,))
    if code in (0, 1, 3):
        check_crashes("config cli", json.loads((out / "result.json").read_text(encoding="utf-8")))


@fuzz(500)
@given(st.data())
def test_waivers_mutations(data: st.DataObject) -> None:
    from golive.waivers import load_waivers

    raw = Placeholder()
    doc = mutate(data, json.loads(json.dumps(WAIVERS)), raw, RAW_YAML)
    blob = byte_mutation(data, render_yaml(doc, raw).encode("utf-8", "surrogatepass"))
    path = _write(blob, "waivers.yaml")
    run_case("waivers", lambda: load_waivers(path))
