"""Benchmark: rendering the readiness report in every format, and signing/verifying it.

Two results: the golden fixture (tests/data/result_fixture.json, 33 checks), and a large synthetic
one -- 40 checks with 200 findings each (the StreamJudge cap) and 20 HTTP exchanges of 6 kB bodies
per check -- the worst a real run can produce. Prints wall time per format, output sizes, and the
cost of reading the result into the model, the redaction pass, signing and verifying.
Run: python bench/bench_reports.py
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

from golive.reporters import FORMATS, render
from golive.result import Result
from golive.result_build import redacted

ROOT = Path(__file__).resolve().parents[1]


def large_result() -> dict:
    base = json.loads((ROOT / "tests" / "data" / "result_fixture.json").read_text(encoding="utf-8"))
    template = next(c for c in base["checks"] if c["id"] == "LL-RSK-002")
    exchange = next(e for c in base["checks"] for e in c["evidence"] if e.get("kind") == "http")
    checks = []
    for n in range(40):
        check = copy.deepcopy(template)
        check["id"] = f"LL-RSK-{100 + n:03d}"
        finding = check["findings"][0]
        check["findings"] = [{**copy.deepcopy(finding), "location": {**finding["location"], "line": i + 1,
                              "text": f"captures/integration.jsonl:{i + 1}#risk_item.x"}} for i in range(200)]
        body = exchange["request"]["body"] * 12
        check["evidence"] = [{**copy.deepcopy(exchange), "request": {"body": body[:6000]}} for _ in range(20)]
        checks.append(check)
    base["checks"] = checks
    return base


def timed(label: str, func, repeat: int = 3) -> object:
    best = float("inf")
    value = None
    for _ in range(repeat):
        started = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - started)
    size = f"{len(value) / 1024:8.0f} kB" if isinstance(value, str) else ""
    print(f"  {label:<28} {best * 1000:9.1f} ms {size}")
    return value


def main() -> None:
    from Crypto.PublicKey import RSA

    from golive.report_signing import sign_canonical, verify_report
    from golive.reporters.html import render as render_html

    key = RSA.generate(2048)
    for name, result in (("fixture (33 checks)", json.loads((ROOT / "tests/data/result_fixture.json").read_text("utf-8"))),
                         ("large (40 checks x 200 findings, 800 exchanges)", large_result())):
        print(name)
        typed = timed("Result.from_json", lambda: Result.from_json(result, name))
        timed("to_json", lambda: typed.to_json())  # type: ignore[union-attr]
        timed("redaction pass", lambda: redacted(typed))  # type: ignore[arg-type]
        safe = redacted(typed)  # type: ignore[arg-type]
        for fmt in FORMATS:
            timed(fmt, lambda fmt=fmt: render(safe, fmt, lang="zh"))
        signature = timed("sign (MD5+SHA256 withRSA)", lambda: sign_canonical(safe, key), repeat=1)
        html = render_html(safe, lang="zh", signature=signature)  # type: ignore[arg-type]
        timed("verify-report", lambda: verify_report(html, key.public_key()).code, repeat=1)


if __name__ == "__main__":
    main()
