"""`golive keys`: generate a merchant RSA pair in every form LianLian wants, or check a pair.

Background (protocol.md §2.3, §2.4): the merchant signs requests with its own RSA private key and
uploads the matching public key (bare Base64) on the merchant site (商户站); LianLian's Java demos
need the private key as PKCS#8 DER in bare Base64, the PHP demos a PKCS#1 PEM. A pair that does not
match, or a private key whose public half was never uploaded, gives 1001 (签名错误) on every
request (LL-SIG-004). LianLian accepts 1024, 2048 or 4096 bits; we generate 2048 by default and
refuse anything under 1024.

Files holding private material are created with mode 0600 and nothing is overwritten without
``--force``. ``--check`` prints sizes and fingerprints only, never private material.

Exit codes: 0 done / the pair matches, 1 the pair does not match, 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from golive.errors import InputError

# suffix -> (private?, what it is for, zh then en)
_FILES: tuple[tuple[str, bool, str], ...] = (
    ("_private.pem", True, "私钥 PKCS#8 PEM：golive.yaml 与 OpenSSL 及多数语言库 / private key, PKCS#8 PEM (golive.yaml, OpenSSL, most libraries)"),
    ("_private_pkcs1.pem", True, "私钥 PKCS#1 PEM：PHP 示例 (openssl_sign) / private key, PKCS#1 PEM (LianLian PHP demos)"),
    ("_private_pkcs8.b64", True, "私钥 PKCS#8 Base64 单行：Java 示例 TRADER_PRI_KEY / private key, bare Base64 (LianLian Java demos)"),
    ("_public.pem", False, "公钥 X.509 PEM：自己验签用 / public key, X.509 PEM (for your own checks)"),
    ("_public.b64", False, "公钥 Base64 单行：上传到连连商户站 / public key, bare Base64: upload on the merchant site (商户站)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bits", type=int, default=2048, help="key size, at least 1024 (default 2048)")
    parser.add_argument("--out-dir", default="keys", metavar="DIR",
                        help="where to write the files (default: keys/, where golive init's golive.yaml looks)")
    parser.add_argument("--prefix", default="merchant", help="file name prefix (default: merchant)")
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    parser.add_argument("--check", nargs=2, metavar=("PRIVATE", "PUBLIC"),
                        help="check that PRIVATE and PUBLIC are one pair instead of generating")


def run(args: argparse.Namespace) -> int:
    if args.check:
        return _check(*args.check)
    return _generate(args)


def _check(private_path: str, public_path: str) -> int:
    from golive.commands.verify import describe_key, load_key_file
    from golive.lianlian import platform
    from golive.lianlian.keys import fingerprint_sha256, keys_match

    private = load_key_file(private_path, private=True)
    public = load_key_file(public_path, private=False)
    out = sys.stdout
    out.write(f"private: {private_path}: {describe_key(private)}\n")
    out.write(f"public:  {public_path}: {describe_key(public)}\n")
    if keys_match(private, public):
        out.write("result:  MATCH / 公私钥匹配\n")
        return 0
    out.write("result:  MISMATCH / 公私钥不匹配: the public key is not the public half of the private key\n")
    if fingerprint_sha256(public) == platform.LIANLIAN_PUBLIC_KEY_SHA256:
        out.write("hint:    PUBLIC is LianLian's platform key; compare with the key you uploaded to the merchant site\n")
    return 1


def _generate(args: argparse.Namespace) -> int:
    from golive.lianlian.keys import MIN_GENERATE_BITS, generate_keypair

    if args.bits < MIN_GENERATE_BITS:
        raise InputError(f"{args.bits} bits is too weak; LianLian's minimum is {MIN_GENERATE_BITS} (2048 recommended)", key="--bits")
    if args.bits % 256:
        raise InputError("the key size must be a multiple of 256 (1024, 2048, 3072, 4096)", key="--bits")
    if not args.prefix or os.sep in args.prefix or (os.altsep and os.altsep in args.prefix):
        raise InputError("the prefix must be a plain file name part, without directories", key="--prefix")

    out_dir = Path(args.out_dir)
    targets = [(out_dir / f"{args.prefix}{suffix}", private, purpose) for suffix, private, purpose in _FILES]
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("not a directory", file=str(out_dir), key="--out-dir")
    existing = [str(path) for path, _, _ in targets if path.exists()]
    if existing and not args.force:
        raise InputError(f"refusing to overwrite {', '.join(existing)} (use --force)", key="--out-dir")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the directory: {exc.strerror}", file=str(out_dir)) from None

    pair = generate_keypair(args.bits)
    contents = {
        "_private.pem": pair.private_pkcs8_pem,
        "_private_pkcs1.pem": pair.private_pkcs1_pem,
        "_private_pkcs8.b64": pair.private_pkcs8_b64 + "\n",
        "_public.pem": pair.public_pem,
        "_public.b64": pair.public_b64 + "\n",
    }
    out = sys.stdout
    out.write(f"generated a {pair.bits}-bit RSA key pair / 已生成 {pair.bits} 位 RSA 密钥对\n")
    for (suffix, _, _), (path, private, purpose) in zip(_FILES, targets):
        _write(path, contents[suffix], private=private)
        mode = "0600" if private else "0644"
        out.write(f"  {path}  [{mode}]\n      {purpose}\n")
    out.write(f"public key SHA-256 / 公钥指纹: {pair.fingerprint_sha256}\n")
    out.write(
        "next / 下一步: upload the .b64 public key on the merchant site (商户站 → 安全中心 → 商户密钥维护); "
        "keep the private files out of version control.\n"
    )
    return 0


def _write(path: Path, text: str, *, private: bool) -> None:
    """Write `text` to `path`; a private file is created 0600 from the start (no umask window)."""
    mode = 0o600 if private else 0o644
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
        # An existing file (--force) keeps its old mode through O_CREAT; set it explicitly.
        os.chmod(path, mode)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", file=str(path)) from None
