"""`golive sign`: the sign source (待签名串) and ``sign`` LianLian expects for a set of parameters.

Background (protocol.md §2): the sign source is every non-empty parameter except ``sign``, sorted
by key, joined as ``k=v`` with ``&``; MD5 signs ``source + "&key=" + MD5_KEY``, RSA signs the source
with MD5withRSA and the merchant's private key. Merchants debugging a 1001 (签名错误) answer need
exactly this: the string LianLian will rebuild, and the signature it expects, to diff against
their own code. ``--app-sdk`` applies the App SDK field set (identity fields unsigned, §2.1,
vector D); ``--null-rule sdk`` keeps literal ``"null"`` values as the newer SDKs do (§2.1).

Parameter values should be strings; numbers, booleans and nested objects are signed as the Java
demos would render them but reported on stderr, because they are a classic pitfall (LL-SIG-008).
The MD5 key comes from an environment variable and is never printed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from golive.errors import InputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--params", required=True, metavar="FILE",
                        help="parameters to sign: JSON object, form body, or req_data= wrapper")
    keys = parser.add_mutually_exclusive_group(required=True)
    keys.add_argument("--md5-key-env", metavar="VAR", help="sign with MD5 using the key in environment variable VAR")
    keys.add_argument("--private-key", metavar="FILE", help="sign with RSA (MD5withRSA) using this merchant private key")
    parser.add_argument("--sign-type", choices=["MD5", "RSA"], type=str.upper,
                        help="sign_type to set (default: MD5 with --md5-key-env, RSA with --private-key)")
    parser.add_argument("--null-rule", choices=["old_demo", "sdk"], default="old_demo",
                        help='drop literal "null" values (old_demo, default) or keep them (sdk)')
    parser.add_argument("--app-sdk", action="store_true",
                        help="App SDK order string: leave id_type, id_no, acct_name, flag_modify, user_id, "
                             "no_agree, card_no, test_mode out of the sign source")
    parser.add_argument("--json", action="store_true",
                        help="print the signed parameters as JSON on stdout (sign source goes to stderr)")


def run(args: argparse.Namespace) -> int:
    import json

    from golive.commands.verify import (
        SURROGATE_NOTE,
        load_key_file,
        md5_key_from_env,
        parse_message,
        read_input_file,
        shown,
    )
    from golive.lianlian.sign import APP_SDK_EXCLUDED, NullRule, sign_params, sign_source

    params = parse_message(read_input_file(args.params, "parameters"), file=args.params)
    sign_type = args.sign_type or ("MD5" if args.md5_key_env else "RSA")
    if sign_type == "MD5" and not args.md5_key_env:
        raise InputError("--sign-type MD5 needs --md5-key-env VAR (the MD5 key)", key="--sign-type")
    if sign_type == "RSA" and not args.private_key:
        raise InputError("--sign-type RSA needs --private-key FILE (the merchant private key)", key="--sign-type")

    given_type = params.get("sign_type")
    if given_type not in (None, "", sign_type):
        sys.stderr.write(f"note: the parameters say sign_type={shown(str(given_type))}; signing as {sign_type} and setting it\n")
    for name, value in params.items():
        if name != "sign" and value is not None and not isinstance(value, str):
            sys.stderr.write(
                f"note: {shown(name)} is a JSON {type(value).__name__}, not a string; signed as its text, "
                "but send it as a string (LL-SIG-008)\n"
            )

    source_kw: dict[str, Any] = {"null_rule": NullRule(args.null_rule)}
    if args.app_sdk:
        source_kw["exclude"] = APP_SDK_EXCLUDED
    if sign_type == "MD5":
        signed = sign_params(params, "MD5", md5_key=md5_key_from_env(args.md5_key_env), **source_kw)
    else:
        signed = sign_params(params, "RSA", private_key=load_key_file(args.private_key, private=True), **source_kw)
    source = sign_source(signed, **source_kw)

    rule = args.null_rule + (" + app-sdk field set" if args.app_sdk else "")
    printable = shown(source)
    if args.json:
        sys.stderr.write(f"sign source ({rule}): {printable}\n")
        # shown() turns a lone surrogate into its JSON escape, so the output is still the same JSON
        sys.stdout.write(shown(json.dumps(signed, ensure_ascii=False, indent=2)) + "\n")
        if printable != source:
            sys.stderr.write(SURROGATE_NOTE + "\n")
        return 0
    out = sys.stdout
    out.write(f"sign_type:   {sign_type}\n")
    out.write(f"null rule:   {rule}\n")
    out.write(f"sign source: {printable}\n")
    if printable != source:
        out.write(SURROGATE_NOTE + "\n")
    if sign_type == "MD5":
        out.write(f"md5 input:   <sign source>&key=<MD5 key from ${args.md5_key_env}, not shown>\n")
    out.write(f"sign:        {signed['sign']}\n")
    return 0
