"""`golive scan` throughput against `grep -rE` with the same key patterns (issue 12).

Generates a deterministic tree of 50,000 files shaped like a merchant monorepo -- Java, PHP, Python,
JS/TS, Go and C# sources, properties/YAML/JSON/XML config, Markdown, a few binaries, and ~1 % of
files that touch LianLian (notify handlers, configs, some with planted keys) -- then times, best of
--runs each, in fresh processes:

* ``golive scan --select LL-SEC-001,002,003`` (the key pass, what grep can be compared with);
* ``golive scan`` with every rule (key pass + tree-sitter code rules);
* ``grep -rElI`` with the key patterns (PEM private-key header, bare Base64 ``MII…``, MD5 keys on
  LianLian-looking names, the published test merchant numbers and keys) on the same tree.

Prints files/s, MB/s and the ratio to grep. Run: python bench/bench_scan.py [--files 50000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The key patterns in POSIX ERE for grep (no look-behind), equivalent to the rules' text pass.
GREP_PATTERNS = [
    "-----BEGIN (RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----",
    "MII[A-Za-z0-9+/]{60,}",
    "([Mm][Dd]5_?[Kk][Ee][Yy]|llpay[A-Za-z0-9_.]*[Kk][Ee][Yy])[\"']?[[:space:]]*(=>|:=|=|:)[[:space:]]*[\"']?[A-Za-z0-9_]{6,100}",
    "201408071000001543|201408071000001539|201408071000001546|201504071000272504|201609130000219023",
]

_WORDS = ("order", "user", "amount", "cart", "item", "price", "stock", "coupon", "member", "point", "address",
          "invoice", "report", "session", "cache", "queue", "event", "config", "service", "client", "handler")


def _ident(rng: random.Random) -> str:
    return rng.choice(_WORDS) + rng.choice(_WORDS).capitalize() + str(rng.randrange(100))


def _java(rng: random.Random, body_lines: int) -> str:
    methods = []
    for _ in range(max(1, body_lines // 8)):
        name = _ident(rng)
        methods.append(
            f"    public int {name}(int a, String b) {{\n"
            f"        int total = a * {rng.randrange(1000)};\n"
            f"        if (b != null && b.length() > {rng.randrange(20)}) {{\n"
            f"            total += repository.count{name.capitalize()}(b);\n"
            f"        }}\n"
            f"        log.debug(\"{name} computed {{}}\", total);\n"
            f"        return total;\n"
            f"    }}\n")
    return f"package com.shop.{rng.choice(_WORDS)};\n\nimport java.util.*;\n\npublic class {_ident(rng).capitalize()} {{\n" \
           + "".join(methods) + "}\n"


def _python(rng: random.Random, body_lines: int) -> str:
    out = ["import logging\n", "logger = logging.getLogger(__name__)\n\n"]
    for _ in range(max(1, body_lines // 6)):
        name = _ident(rng).lower()
        out.append(f"def {name}(items, limit={rng.randrange(50)}):\n"
                   f"    total = sum(i.price for i in items[:limit])\n"
                   f"    logger.debug('{name} %s', total)\n"
                   f"    return total * {rng.randrange(9) + 1}\n\n")
    return "".join(out)


def _php(rng: random.Random, body_lines: int) -> str:
    out = ["<?php\n"]
    for _ in range(max(1, body_lines // 6)):
        name = _ident(rng)
        out.append(f"function {name}($items) {{\n    $total = 0;\n    foreach ($items as $i) {{ $total += $i['price']; }}\n"
                   f"    return $total * {rng.randrange(9) + 1};\n}}\n")
    return "".join(out)


def _js(rng: random.Random, body_lines: int) -> str:
    out = []
    for _ in range(max(1, body_lines // 5)):
        name = _ident(rng)
        out.append(f"export function {name}(items) {{\n  const total = items.reduce((s, i) => s + i.price, 0);\n"
                   f"  return total * {rng.randrange(9) + 1};\n}}\n")
    return "".join(out)


def _go(rng: random.Random, body_lines: int) -> str:
    out = ["package shop\n\n"]
    for _ in range(max(1, body_lines // 6)):
        name = _ident(rng).capitalize()
        out.append(f"func {name}(items []Item) int {{\n\ttotal := 0\n\tfor _, i := range items {{\n\t\ttotal += i.Price\n\t}}\n"
                   f"\treturn total * {rng.randrange(9) + 1}\n}}\n\n")
    return "".join(out)


def _cs(rng: random.Random, body_lines: int) -> str:
    out = [f"namespace Shop.{rng.choice(_WORDS).capitalize()}\n{{\n    public class {_ident(rng).capitalize()}\n    {{\n"]
    for _ in range(max(1, body_lines // 6)):
        out.append(f"        public int {_ident(rng).capitalize()}(int a) {{ var t = a * {rng.randrange(99)}; return t + 1; }}\n")
    return "".join(out) + "    }\n}\n"


def _config(rng: random.Random, body_lines: int) -> str:
    return "".join(f"{rng.choice(_WORDS)}.{rng.choice(_WORDS)}.{rng.choice(_WORDS)}={rng.randrange(10 ** 6)}\n"
                   for _ in range(body_lines))


def _markdown(rng: random.Random, body_lines: int) -> str:
    return "".join(f"- the {rng.choice(_WORDS)} {rng.choice(_WORDS)} handles {rng.choice(_WORDS)}s\n" for _ in range(body_lines))


def _lianlian(rng: random.Random, index: int, key_b64: str) -> tuple[str, str]:
    """Files that touch LianLian: notify handlers (parsed by the code rules) and configs, a few
    with a planted key or an ack-first defect."""
    kind = index % 4
    if kind == 0:
        key = f'    String MD5_KEY = "K{index:05d}x7Lq2Wp9Zr4Tb8Nc";\n' if index % 8 == 0 else ""
        return "PartnerConfig.java", f"public interface PartnerConfig {{\n{key}    String SIGN_TYPE = \"RSA\";\n}}\n"
    if kind == 1:
        order = ["resp.getWriter().write(ACK);", "orderDao.markPaidIfPending(no);"]
        if index % 3:
            order.reverse()
        return "LLPayNotifyServlet.java", (
            "public class LLPayNotifyServlet extends HttpServlet {\n"
            '    private static final String ACK = "{\\"ret_code\\":\\"0000\\",\\"ret_msg\\":\\"交易成功\\"}";\n'
            "    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {\n"
            "        String reqStr = LLPayUtil.readReqStr(req);\n"
            "        if (!LLPaySignature.verifyRsa(reqStr, PartnerConfig.YT_PUB_KEY)) { return; }\n"
            '        String no = JSON.parseObject(reqStr).getString("no_order");\n'
            f"        {order[0]}\n        {order[1]}\n    }}\n}}\n")
    if kind == 2:
        key = f"llpay.private-key={key_b64}\n" if index % 8 == 2 else ""
        return "llpay.properties", f"llpay.oid-partner=2018112300010{index:05d}\nllpay.sign-type=RSA\n{key}"
    return "notify_url.php", (
        "<?php\n$raw = file_get_contents('php://input');\n$data = json_decode($raw, true);\n"
        "if (!llpay_verify($data)) { die('{\"ret_code\":\"9999\"}'); }\n"
        "mark_paid_if_pending($data['no_order']);\necho '{\"ret_code\":\"0000\",\"ret_msg\":\"交易成功\"}';\n")


def _seeded_prime(rng: random.Random, bits: int) -> int:
    while True:
        n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if all(n % p for p in (3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)) and \
                all(pow(a, n - 1, n) == 1 for a in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)):
            return n


def _seeded_key_pem(rng: random.Random) -> str:
    """The same 1024-bit RSA private key (PKCS#8 PEM) for the same seed: the tree is reproducible."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from golive.lianlian.keys import private_pem

    e = 65537
    while True:
        p, q = _seeded_prime(rng, 512), _seeded_prime(rng, 512)
        phi = (p - 1) * (q - 1)
        if p != q and phi % e and (p * q).bit_length() == 1024:
            d = pow(e, -1, phi)
            numbers = rsa.RSAPrivateNumbers(p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q),
                                            rsa.rsa_crt_iqmp(p, q), rsa.RSAPublicNumbers(e, p * q))
            return private_pem(numbers.private_key(), pkcs=8)


def generate(root: Path, files: int, seed: int = 12) -> tuple[int, int]:
    """The tree; returns (files, bytes)."""
    rng = random.Random(seed)
    key_b64 = "".join(_seeded_key_pem(random.Random(seed)).splitlines()[1:-1])
    makers = [(".java", _java, 22), (".py", _python, 14), (".php", _php, 10), (".js", _js, 8), (".ts", _js, 6),
              (".go", _go, 8), (".cs", _cs, 8), (".properties", _config, 6), (".yml", _config, 4), (".md", _markdown, 8),
              (".json", _config, 5)]
    weights = [w for _, _, w in makers]
    total_bytes = 0
    for index in range(files):
        folder = root / f"module{index % 200:03d}" / f"pkg{(index // 200) % 25:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if index % 100 == 7:  # ~1 % touch LianLian
            name, text = _lianlian(rng, index // 100, key_b64)
            data = text.encode("utf-8")
            path = folder / f"{index:05d}_{name}"
        elif index % 500 == 3:  # a few binaries
            data = bytes(rng.randrange(256) for _ in range(4096))
            path = folder / f"asset{index:05d}.png"
        else:
            ext, make, _ = rng.choices(makers, weights)[0]
            data = make(rng, rng.randrange(20, 160)).encode("utf-8")
            path = folder / f"{_ident(rng)}{index:05d}{ext}"
        path.write_bytes(data)
        total_bytes += len(data)
    return files, total_bytes


def best_of(command: list[str], runs: int) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    best, done = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        best = min(best, time.perf_counter() - started)
    assert done is not None
    return best, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it")
    args = parser.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="golive-bench-scan-"))
    tree = root / "tree"
    try:
        if not tree.exists():
            started = time.perf_counter()
            files, size = generate(tree, args.files)
            print(f"generated {files} files, {size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
        else:
            files = sum(1 for _ in tree.rglob("*") if _.is_file())
            size = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        golive = shutil.which("golive") or str(Path(sys.executable).with_name("golive"))
        out = root / "out"
        grep = ["grep", "-rElI", *[a for p in GREP_PATTERNS for a in ("-e", p)], str(tree)]
        scan = [golive, "scan", str(tree), "--format", "json", "--output-dir", str(out), "-q"]
        keys = ["--select", "LL-SEC-001,LL-SEC-002,LL-SEC-003"]
        # grep uses one core: "--jobs 1" is the like-for-like figure; the default uses every core.
        cases = {
            "grep -rElI (key patterns)": grep,
            "golive scan, key pass, --jobs 1": [*scan, *keys, "--jobs", "1"],
            "golive scan, key pass (default jobs)": [*scan, *keys],
            "golive scan, all rules, --jobs 1": [*scan, "--jobs", "1"],
            "golive scan, all rules (default jobs)": scan,
        }
        for command in cases.values():  # warm the page cache and .pyc files
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        print(f"{'':<42} {'seconds':>8} {'files/s':>10} {'MB/s':>8} {'x grep':>7}   ({os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f})")
        base = None
        for name, command in cases.items():
            seconds, done = best_of(command, args.runs)
            base = base or seconds
            print(f"{name:<42} {seconds:>8.2f} {files / seconds:>10,.0f} {size / 1e6 / seconds:>8.1f} {seconds / base:>7.2f}")
            if name.startswith("grep"):
                print(f"{'':<42} ({len(done.stdout.splitlines())} files matched)")
            elif (out / "scan.json").exists():
                import json

                document = json.loads((out / "scan.json").read_text(encoding="utf-8"))
                stats = document["stats"]
                print(f"{'':<42} ({document['summary']['findings']} findings; {stats.get('files_parsed', 0)} files parsed)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    main()
