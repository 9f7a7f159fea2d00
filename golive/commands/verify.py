"""`golive verify`: check the ``sign`` of one LianLian message and show the sign source it covers.

Background: LianLian signs its responses and RSA notifications with the platform key (protocol.md
§2.4) and MD5 notifications with the merchant's MD5 key (§2.2); the method is the one configured
on the merchant site, and the message carries it in ``sign_type`` (§2.5). Messages reach merchants
in several wrappers, all accepted here:

* a JSON object (server-to-server APIs, async notifications - §1, §5.1);
* a form-encoded body ``a=1&b=2`` (Web redirect and synchronous return to ``url_return`` - §5.2);
* a WAP wrapper: a single form field ``req_data=`` (request) or ``res_data=`` (return) whose value
  is the whole message as JSON (§1, §5.2), or a JSON object holding that string.

The sign source is always printed, with the null rule (§2.1) that verified, so a failing merchant
can diff it against what its own code signs. The MD5 key is read from an environment variable,
never from the command line (shell history, ``ps``), and is never printed; neither is the sign
that *would* have been correct.

Exit codes: 0 the sign verifies, 1 it does not, 2 bad input (file, format, key, missing sign).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from golive.errors import InputError

_BUILTIN = "<published LianLian key>"
_WRAPPER_FIELDS = ("req_data", "res_data")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--message", required=True, metavar="FILE",
                        help="the message: JSON object, form body (a=1&b=2), or req_data=/res_data= wrapper")
    keys = parser.add_mutually_exclusive_group(required=True)
    keys.add_argument("--lianlian-public-key", nargs="?", const=_BUILTIN, metavar="FILE",
                      help="verify with LianLian's public key: the published one, or FILE")
    keys.add_argument("--public-key", metavar="FILE", help="verify an RSA sign with this public key (e.g. the merchant's)")
    keys.add_argument("--md5-key-env", metavar="VAR", help="verify an MD5 sign with the key in environment variable VAR")
    parser.add_argument("--null-rule", choices=["old_demo", "sdk"],
                        help="use only this rule for literal \"null\" values (default: try old_demo, then sdk)")


def read_input_file(path_text: str, what: str) -> bytes:
    """Bytes of a user-named file, or an `InputError` naming it."""
    path = Path(path_text)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} file not found", file=path_text) from None
    except IsADirectoryError:
        raise InputError(f"{what} path is a directory, not a file", file=path_text) from None
    except OSError as exc:
        raise InputError(f"cannot read {what} file: {exc.strerror}", file=path_text) from None


def parse_message(data: bytes, *, file: str) -> dict[str, Any]:
    """The parameters in a message file, unwrapped from form encoding and ``req_data``/``res_data``.

    JSON numbers with a fraction are kept as ``Decimal`` so their exact text is what gets signed,
    the way LianLian's Java demos (fastjson BigDecimal) see them.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start}); LianLian messages are UTF-8", file=file) from None
    text = text.lstrip("\ufeff").strip()
    if not text:
        raise InputError("the file is empty", file=file)
    params = _parse_json(text, file) if text[:1] in "{[" else _parse_form(text, file)
    for field in _WRAPPER_FIELDS:
        inner = params.get(field)
        if isinstance(inner, str) and "sign" not in params and inner.lstrip()[:1] == "{":
            params = _parse_json(inner.strip(), file, key=field)
            break
    return params


def _parse_json(text: str, file: str, key: str | None = None) -> dict[str, Any]:
    from decimal import Decimal

    from golive import safe_json

    try:
        # Bounded: deep nesting, 5000-digit numbers and NaN are refused with their position.
        value = safe_json.loads(text, parse_float=Decimal)
    except safe_json.JSONInputError as exc:
        raise InputError(str(exc), file=file, key=key) from None
    if not isinstance(value, dict):
        raise InputError(f"expected a JSON object of parameters, found a JSON {type(value).__name__}", file=file, key=key)
    return value


def _parse_form(text: str, file: str) -> dict[str, Any]:
    from urllib.parse import parse_qsl

    if "=" not in text:
        raise InputError("neither JSON nor a form body (key=value&...)", file=file)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, encoding="utf-8", errors="strict")
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not a valid form body: {exc}", file=file) from None
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in params:
            raise InputError("the form body repeats this field", file=file, key=name)
        params[name] = value
    return params


def shown(text: str) -> str:
    """`text` safe to print: a lone UTF-16 surrogate (valid in JSON, "\\ud800", but not in UTF-8)
    is written as its escape instead of making the terminal's encoder fail."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


SURROGATE_NOTE = ("note: \\udXXX above is a lone UTF-16 surrogate (a cut-off emoji, say); it is signed as '?', "
                  "as LianLian's Java code encodes it (String.getBytes(\"UTF-8\"))")


def md5_key_from_env(var: str) -> str:
    """The MD5 key held in environment variable `var` (never echoed back)."""
    value = os.environ.get(var)
    if value is None:
        raise InputError(f"environment variable {var} is not set (it should hold the MD5 key)", key="--md5-key-env")
    if not value:
        raise InputError(f"environment variable {var} is empty (it should hold the MD5 key)", key="--md5-key-env")
    return value


def load_key_file(path_text: str, *, private: bool) -> Any:
    """An RSA key from a file, with `KeyFormatError` turned into a one-line `InputError`."""
    from golive.lianlian.keys import KeyFormatError, load_private_key, load_public_key

    data = read_input_file(path_text, "private key" if private else "public key")
    loader = load_private_key if private else load_public_key
    try:
        return loader(data, source=path_text)
    except KeyFormatError as exc:
        raise InputError(str(exc)) from None


def describe_key(key: Any) -> str:
    """``1024-bit, SHA-256 …`` plus what the key is, when it is a published one."""
    from golive.lianlian import platform
    from golive.lianlian.keys import fingerprint_sha256, key_bits

    fingerprint = fingerprint_sha256(key)
    text = f"{key_bits(key)}-bit RSA, SHA-256 {fingerprint}"
    if fingerprint == platform.LIANLIAN_PUBLIC_KEY_SHA256:
        return text + " (the published LianLian platform key / 连连公钥)"
    demo = platform.published_demo_key(fingerprint)
    if demo is not None:
        return text + " (a PUBLISHED demo key from LianLian's sample code / 连连示例代码公开的测试密钥)"
    return text


def run(args: argparse.Namespace) -> int:
    from golive.lianlian import platform
    from golive.lianlian.sign import NullRule, verify_message

    message = parse_message(read_input_file(args.message, "message"), file=args.message)
    sign = message.get("sign")
    if sign is None or sign == "":
        raise InputError("the message has no sign field, nothing to verify", file=args.message, key="sign")

    md5_key: str | None = None
    public_key: Any = None
    if args.md5_key_env:
        md5_key = md5_key_from_env(args.md5_key_env)
        key_line = f"MD5 key from ${args.md5_key_env} (not shown)"
    elif args.public_key:
        public_key = load_key_file(args.public_key, private=False)
        key_line = f"{args.public_key}: {describe_key(public_key)}"
    else:
        if args.lianlian_public_key == _BUILTIN:
            public_key = platform.lianlian_public_key()
            key_line = f"built-in: {describe_key(public_key)}"
        else:
            public_key = load_key_file(args.lianlian_public_key, private=False)
            key_line = f"{args.lianlian_public_key}: {describe_key(public_key)}"
            from golive.lianlian.keys import fingerprint_sha256

            if fingerprint_sha256(public_key) != platform.LIANLIAN_PUBLIC_KEY_SHA256:
                key_line += "\n  warning: this is NOT the published LianLian public key (LL-SIG-005)"

    null_rule = NullRule(args.null_rule) if args.null_rule else None
    result = verify_message(message, md5_key=md5_key, public_key=public_key, null_rule=null_rule)

    out = sys.stdout
    out.write(f"message:     {args.message}\n")
    out.write(f"sign_type:   {shown(result.sign_type or '(missing)')}\n")
    out.write(f"key:         {key_line}\n")
    out.write(f"null rule:   {result.null_rule.value}\n")
    source = shown(result.source)
    out.write(f"sign source: {source}\n")
    verdict = "VALID / 验签通过" if result.ok else "INVALID / 验签失败"
    out.write(f"result:      {verdict}: {shown(result.reason)}\n")
    if source != result.source:
        out.write(SURROGATE_NOTE + "\n")
    return 0 if result.ok else 1
