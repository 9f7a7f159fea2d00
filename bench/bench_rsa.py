"""MD5withRSA (RSASSA-PKCS1-v1_5 over MD5, LianLian's RSA signature) through OpenSSL (`cryptography`,
what golive uses) and through pycryptodome (what golive used before issue 14), same run.

    python bench/bench_rsa.py [--count 3000]

For 1024-bit keys (LianLian's own) and 2048-bit keys (merchants'): CPU microseconds per verification
and per signature, with the same key, message and signature for both libraries (each verifies the
other's signature: the bytes are the same), and the start-up cost of importing each library in a
fresh interpreter. Also golive's own `rsa_verify` (sign source + verification) for scale. Prints the
ratios cryptography / pycryptodome; nothing is asserted. pycryptodome is no dependency of golive
any more: install it beside (``pip install pycryptodome``) to compare, else only OpenSSL is timed.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any


def _cpu_us(action: Callable[[], Any], count: int) -> float:
    """Best of 3 runs of `count` calls, CPU microseconds per call (other load barely moves CPU time)."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        for _ in range(count):
            action()
        best = min(best, (time.process_time() - started) / count * 1e6)
    return best


def _import_ms(statement: str, runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-P", "-c", statement], check=True)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="verifications per timing")
    args = parser.parse_args()
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from golive.lianlian.keys import private_der
    from golive.lianlian.sign import rsa_verify, sign_params

    try:
        from Crypto.Hash import MD5
        from Crypto.PublicKey import RSA
        from Crypto.Signature import pkcs1_15
    except ImportError:
        RSA = None
        print("pycryptodome is not installed: timing OpenSSL only (pip install pycryptodome to compare)")

    params = {"oid_partner": "201811230001000001", "no_order": "BENCH0000000001", "money_order": "49.65",
              "dt_order": "20261125103000", "user_id": "u00001", "sign_type": "RSA",
              "risk_item": '{"frms_ware_category":"2009","user_info_mercht_userno":"u00001"}'}
    message = b"a=1&b=2&" * 40
    pkcs1v15, md5 = padding.PKCS1v15(), hashes.MD5()
    print(f"{'':34} {'OpenSSL':>10} {'pycryptodome':>13} {'ratio':>7}")
    for bits in (1024, 2048):
        key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
        public = key.public_key()
        signature = key.sign(message, pkcs1v15, md5)
        verify_openssl = _cpu_us(lambda p=public, s=signature: p.verify(s, message, pkcs1v15, md5), args.count)
        sign_openssl = _cpu_us(lambda k=key: k.sign(message, pkcs1v15, md5), max(args.count // 20, 50))
        signed = sign_params(params, "RSA", private_key=key)
        golive_verify = _cpu_us(lambda s=signed, p=public: rsa_verify(s, p), args.count)
        if RSA is not None:
            other = RSA.import_key(private_der(key))
            other_public = other.public_key()
            assert pkcs1_15.new(other).sign(MD5.new(message)) == signature  # deterministic: the same bytes
            pkcs1_15.new(other_public).verify(MD5.new(message), signature)
            verify_other = _cpu_us(lambda p=other_public, s=signature: pkcs1_15.new(p).verify(MD5.new(message), s),
                                   args.count)
            sign_other = _cpu_us(lambda k=other: pkcs1_15.new(k).sign(MD5.new(message)), max(args.count // 20, 50))
            print(f"{f'verify, {bits}-bit key (µs CPU)':34} {verify_openssl:10.1f} {verify_other:13.1f} "
                  f"{verify_openssl / verify_other:7.2f}")
            print(f"{f'sign, {bits}-bit key (µs CPU)':34} {sign_openssl:10.1f} {sign_other:13.1f} "
                  f"{sign_openssl / sign_other:7.2f}")
        else:
            print(f"{f'verify, {bits}-bit key (µs CPU)':34} {verify_openssl:10.1f}")
            print(f"{f'sign, {bits}-bit key (µs CPU)':34} {sign_openssl:10.1f}")
        print(f"{f'golive rsa_verify, {bits}-bit key':34} {golive_verify:10.1f}   (sign source + OpenSSL verification)")
    base = _import_ms("pass")
    openssl = _import_ms("from cryptography.hazmat.primitives import hashes, serialization; "
                         "from cryptography.hazmat.primitives.asymmetric import padding, rsa") - base
    line = f"{'import, ms over python -c pass':34} {openssl:10.1f}"
    if RSA is not None:
        other_ms = _import_ms("from Crypto.PublicKey import RSA; from Crypto.Signature import pkcs1_15; "
                              "from Crypto.Hash import MD5") - base
        line += f" {other_ms:13.1f} {openssl / other_ms:7.2f}"
    print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
