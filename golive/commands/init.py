"""`golive init`: print (or write) a commented golive.yaml to start from.

The template names every key with a one-line explanation, uses `{env:}` / `{file:}` for secrets,
quotes every code, points at the key files `golive keys` writes, and starts with the line that
tells editors (YAML language server) where the schema is -- so the first run gives useful
findings, not schema errors.
"""

from __future__ import annotations

import argparse

from golive.errors import InputError

SCHEMA_FILE = "golive.schema.json"
LIANLIAN_KEY_FILE = "keys/llpay_public.pem"
TEMPLATE = """\
# yaml-language-server: $schema=./golive.schema.json
# golive.yaml — LianLian 认证支付 go-live readiness. Editors validate it against golive.schema.json
# (golive init -o writes it beside this file; golive schema -o golive.schema.json refreshes it).
merchant:
  oid_partner: "201811230001000001"   # 18-digit merchant number (quoted)
  name: 我的商户
  profile: {profile}                  # golive profiles lists merchant types
  frms_ware_category: "{category}"    # the category LianLian assigned (quoted)
  environment: integration            # integration | production
  channels: [web, wap]                # web | wap | android | ios | api

signing:
  sign_type: RSA                      # what requests carry: MD5 | RSA
  notify_sign_type: MD5               # what 商户站 is configured with; callbacks use THIS
  md5_key: {{env: LLPAY_MD5_KEY}}       # secrets: {{env: NAME}} or {{file: PATH}} — never inline
  rsa_private_key: {{file: keys/merchant_private.pem}}    # golive keys writes this pair into keys/
  rsa_public_key: {{file: keys/merchant_public.pem}}     # the one uploaded to 商户站 (merchant_public.b64)
  lianlian_public_key: {{file: keys/llpay_public.pem}}   # LianLian's key (golive init -o writes the published one)

endpoints:
  notify_url: https://pay.example.com/llpay/notify
  url_return: https://www.example.com/pay/return

registration:                         # what was registered (报备) with LianLian
  domains: [www.example.com, pay.example.com]
  server_ips: [203.0.113.10]
  # app_ids: {{android: com.example.app, ios: com.example.app}}

# limits:
#   production_opened: {{attested_by: "连连市场 张三", date: 2026-11-20}}   # after the launch review
# whitelist:                          # 风控白名单 entries (7 days default, 30 max)
#   - {{card_last4: "1234", added: 2026-11-25, days: 7}}

# evidence:                           # what your integration did (README "The first hour")
#   captures: [captures/integration.jsonl]  # JSON Lines or HAR of the test transactions
#   ledger: captures/ledger.csv             # user_id,kind,no_order,amount,card,time,status[,settle_date,oid_paybill]
#                                           # (or .parquet/.jsonl), or your database (README "The books"):
#   # ledger: {{dsn: "postgresql+psycopg://golive_ro@db:5432/books", password: {{env: BOOKS_PW}}, table: ledger}}
#   sandbox: golive-sandbox                 # a golive sandbox state directory: its payouts (LL-PAY-*)

# reconciliation:                     # 对账 (LL-REC-*): where LianLian's statement files are
#   path: statements/                 # files downloaded from 商户站, or:
#   sftp: {{host: sftp.example.com, port: 22, username: merchant, private_key: {{file: keys/sftp_id_ed25519}},
#          host_key: "ssh-ed25519 AAAA...", directory: /download}}
#   manual: {{attested_by: "财务 李四", date: 2026-11-20}}    # reconciled by hand instead

# scope:                              # business this merchant does not have, attested
#   payouts: {{offered: false, attested_by: "张三 (CTO)", date: 2026-11-20}}

# waivers: waivers.yaml

# live:                               # probes of a running staging server (golive check --probe)
#   notify_url: http://127.0.0.1:8000/llpay/notify
#   url_return: http://127.0.0.1:8000/pay/return
#   timeout_s: 5
#   redeliveries: 30
#   burst: 16
#   lianlian_private_key: {{file: keys/staging_llpay_private.pem}}   # golive keys makes one
#   create_order:
#     http: {{method: POST, url: "http://127.0.0.1:8000/test/orders", form: {{user: "{{user_id}}", amount: "{{amount}}"}}}}
#     fields: {{no_order: /data/no, money_order: /data/amount, dt_order: /data/created, user_id: /data/user}}
#   credits:
#     http: {{method: GET, url: "http://127.0.0.1:8000/test/orders/{{no_order}}"}}
#     pointer: /credits
#   withdraw:
#     http: {{method: POST, url: "http://127.0.0.1:8000/test/withdrawals", json: {{user: "{{user_id}}", card: "{{no_agree}}", amount: "{{amount}}"}}}}
#     pointer: /result
#     accepted: ACCEPTED
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", default="base", help="merchant-type profile to start from (default base)")
    parser.add_argument("--output", "-o", metavar="FILE",
                        help="write to FILE (refuses to overwrite), and golive.schema.json beside it, instead of printing")


def render_template(profile_name: str) -> str:
    from golive.profile import load_profile

    profile = load_profile(profile_name)
    category = profile.categories[0] if profile.categories else "1999"
    return TEMPLATE.format(profile=profile_name, category=category)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    text = render_template(args.profile)
    if args.output:
        target = Path(args.output)
        if target.exists():
            raise InputError("already exists; not overwriting", file=str(target))
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
        schema = target.parent / SCHEMA_FILE
        if not schema.exists():  # the file the first line points editors at
            from golive.commands.schema_cmd import schema_text

            schema.write_text(schema_text(), encoding="utf-8")
            print(f"wrote {schema}")
        lianlian = target.parent / LIANLIAN_KEY_FILE
        if not lianlian.exists():  # LianLian's published platform key, the one the template names
            from golive.lianlian.platform import LIANLIAN_PUBLIC_KEY_SHA256, lianlian_public_pem

            lianlian.parent.mkdir(parents=True, exist_ok=True)
            lianlian.write_text(lianlian_public_pem(), encoding="ascii")
            print(f"wrote {lianlian} (LianLian's published public key, SHA-256 {LIANLIAN_PUBLIC_KEY_SHA256[:16]}…; "
                  "compare it with the one on 商户站)")
        print("next: golive keys   (your RSA pair in keys/), then golive check " + str(target))
    else:
        print(text, end="")
    return 0
