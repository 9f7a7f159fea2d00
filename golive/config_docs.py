"""What every golive.yaml key means, in Chinese and English, with examples: for editors and people.

`golive schema` (and the ``golive.schema.json`` that ``golive init -o`` writes beside a new config)
decorates the validation schema (golive/config_schema.py) with these texts, so VS Code, JetBrains
and any YAML language server show them on hover and complete the values. The profile names come
from the profiles shipped with golive. `tests/test_cmd_init_schema_explain.py` holds every key of
the schema to having an entry here.

A key is written dotted; ``*`` stands for any recipe name (create_order, credits, withdraw, ...)
and ``[]`` for the items of a list.
"""

from __future__ import annotations

from typing import Any

# key -> (中文, English, examples)
DOCS: dict[str, tuple[str, str, tuple[Any, ...]]] = {
    "merchant": ("商户信息", "the merchant", ()),
    "merchant.oid_partner": ("连连分配的 18 位商户号（加引号）", "the 18-digit merchant number LianLian assigned (quoted)",
                             ("201811230001000001",)),
    "merchant.name": ("报告中显示的商户名称", "the merchant name shown in the report", ("示例理财",)),
    "merchant.profile": ("商户类型画像，决定必传的风控参数（golive profiles 列出全部）",
                         "the merchant-type profile: which risk_item fields are required (golive profiles lists them)",
                         ("wealth_realname",)),
    "merchant.frms_ware_category": ("连连为本商户分配的商品类目（4 位，加引号）",
                                    "the goods category LianLian assigned to this merchant (4 digits, quoted)", ("2009",)),
    "merchant.environment": ("integration：联调；production：正式环境", "integration or production", ("integration",)),
    "merchant.channels": ("接入渠道", "the channels integrated", (["web", "wap", "android"],)),
    "signing": ("签名与密钥", "signing and keys", ()),
    "signing.sign_type": ("请求使用的签名方式", "the sign method requests carry", ("RSA",)),
    "signing.notify_sign_type": ("商户站配置的签名方式：连连用它签名异步通知，而不是请求的 sign_type",
                                 "the method configured on 商户站: LianLian signs callbacks with it, not the request's",
                                 ("MD5",)),
    "signing.md5_key": ("商户 MD5 密钥：用 {env: 变量名} 或 {file: 路径}，不要写在文件里",
                        "the merchant MD5 key: {env: NAME} or {file: PATH}, never inline", ({"env": "LLPAY_MD5_KEY"},)),
    "signing.rsa_private_key": ("商户 RSA 私钥（PEM PKCS#1/PKCS#8 或 Base64 DER）", "the merchant RSA private key (PEM or bare Base64)",
                                ({"file": "keys/merchant_private.pem"},)),
    "signing.rsa_public_key": ("上传到商户站的商户 RSA 公钥", "the merchant RSA public key uploaded to 商户站",
                               ({"file": "keys/merchant_public.pem"},)),
    "signing.lianlian_public_key": ("从商户站下载的连连公钥", "LianLian's public key, downloaded from 商户站",
                                    ({"file": "keys/llpay_public.pem"},)),
    "endpoints": ("正式环境的回调地址", "production callback URLs", ()),
    "endpoints.notify_url": ("异步通知地址（外网可访问，生产环境用 https）", "the async notification URL (public; https in production)",
                             ("https://pay.example.com/llpay/notify",)),
    "endpoints.url_return": ("同步返回地址", "the synchronous return URL", ("https://www.example.com/pay/return",)),
    "endpoints.pages": ("发起支付的页面地址", "pages that start a payment", (["https://www.example.com/checkout"],)),
    "registration": ("已向连连报备的内容", "what was registered (报备) with LianLian", ()),
    "registration.domains": ("已报备的域名", "registered domains", (["www.example.com", "pay.example.com"],)),
    "registration.server_ips": ("已报备的服务器出口 IP", "registered server egress IPs", (["203.0.113.10"],)),
    "registration.app_ids": ("已报备的应用标识", "registered app identifiers", ()),
    "registration.app_ids.android": ("Android 包名", "the Android package name", ("com.example.app",)),
    "registration.app_ids.ios": ("iOS Bundle ID", "the iOS bundle id", ("com.example.app",)),
    "limits": ("支付限额", "payment limits", ()),
    "limits.production_opened": ("连连确认已开通正式限额的人与日期", "who at LianLian confirmed the limits are open, and when",
                                 ({"attested_by": "连连市场 张三", "date": "2026-11-20"},)),
    "limits.production_opened.attested_by": ("确认人", "who confirmed it", ("连连市场 张三",)),
    "limits.production_opened.date": ("确认日期", "when", ("2026-11-20",)),
    "limits.production_opened.note": ("备注", "a note", ()),
    "limits.integration_limit_cny": ("联调限额（元，不超过 10）", "the integration limit in CNY (at most 10)", (10,)),
    "whitelist": ("风控白名单（默认 7 天，最长 30 天）", "risk whitelist entries (7 days by default, 30 at most)", ()),
    "whitelist[].card_last4": ("卡号后四位", "the card's last four digits", ("1234",)),
    "whitelist[].added": ("加入日期", "when it was added", ("2026-11-25",)),
    "whitelist[].days": ("有效天数", "days it is valid", (7,)),
    "evidence": ("证据文件", "evidence files", ()),
    "evidence.captures": ("抓包文件（JSON Lines、HAR）", "capture files (JSON Lines, HAR)", (["captures/integration.jsonl"],)),
    "evidence.ledger": ("商户台账：CSV、Parquet 或 JSON Lines 文件（user_id,kind,no_order,amount,card,time,status），"
                        "或商户数据库 {dsn, sql 或 table}",
                        "the merchant ledger: a CSV, Parquet or JSON Lines file (user_id,kind,no_order,amount,card,"
                        "time,status), or the merchant's database as {dsn, sql or table}",
                        ("captures/ledger.csv", {"dsn": "postgresql+psycopg://golive_ro@db.internal:5432/books",
                                                 "password": {"env": "GOLIVE_BOOKS_PASSWORD"},
                                                 "table": "public.ledger"})),
    "evidence.ledger.dsn": ("数据库地址（SQLAlchemy URL，不含密码）", "the database URL (SQLAlchemy, without the password)",
                            ("postgresql+psycopg://golive_ro@db.internal:5432/books", "sqlite:///books.db")),
    "evidence.ledger.password": ("数据库密码（密钥：{env: 变量名} 或 {file: 路径}）",
                                 "the database password (a secret: {env: NAME} or {file: PATH})",
                                 ({"env": "GOLIVE_BOOKS_PASSWORD"},)),
    "evidence.ledger.sql": ("给出台账各列的 SELECT 语句", "a SELECT giving the ledger's columns",
                            ("SELECT uid AS user_id, type AS kind, order_no AS no_order, amt AS amount, no_agree AS card, "
                             "created_at AS time, state AS status, id AS line FROM pay.ledger",)),
    "evidence.ledger.table": ("台账所在的表", "the table holding the ledger", ("public.ledger",)),
    "evidence.ledger.columns": ("逻辑列 -> 表中的列", "logical column -> the table's column",
                                ({"user_id": "uid", "card": ["card_last4", "no_agree"], "line": "id"},)),
    "evidence.ledger.timeout_s": ("语句超时（秒，默认 300）", "the statement timeout (seconds, default 300)", (300,)),
    "evidence.ledger_engine": ("审计台账文件的引擎：duckdb（默认）或 python", "the engine auditing a ledger file: duckdb "
                               "(the default) or python", ("duckdb",)),
    "evidence.ledger_memory_mb": ("DuckDB 审计台账可用的内存（MB，默认 512）", "memory DuckDB may use for the ledger audit "
                                  "(MB, default 512)", (512,)),
    "evidence.ledger_temp_dir": ("DuckDB 溢出到磁盘的目录", "where DuckDB spills to disk", ("/var/tmp",)),
    "evidence.sandbox": ("golive sandbox 的状态目录（或其中的 sandbox.sqlite3）：判断商户在沙箱中的真实运行——支付请求、查询、通知投递与应答、同步返回、代付（同 --sandbox）",
                         "a golive sandbox state directory (or its sandbox.sqlite3): judge the merchant's real run in it -- "
                         "pay requests, queries, notification deliveries and acks, returns, payouts (same as --sandbox)",
                         ("golive-sandbox",)),
    "evidence.max_line_bytes": ("抓包单行上限（字节，默认 4 MiB）", "the longest capture line read (bytes, default 4 MiB)",
                                (4194304,)),
    "scope": ("商户没有的业务（需有人确认）", "lines of business the merchant does not have (attested)", ()),
    "scope.withdrawals": ("提现业务", "withdrawals to users (提现)",
                          ({"offered": False, "attested_by": "张三 (CTO)", "date": "2026-11-20"},)),
    "scope.withdrawals.offered": ("是否提供提现", "whether users can withdraw", (False,)),
    "scope.withdrawals.attested_by": ("确认人", "who attests it", ("张三 (CTO)",)),
    "scope.withdrawals.date": ("确认日期", "when", ("2026-11-20",)),
    "scope.withdrawals.note": ("备注", "a note", ()),
    "scope.payouts": ("代付业务（实时付款）", "payouts through LianLian's payout API (代付)",
                      ({"offered": False, "attested_by": "张三 (CTO)", "date": "2026-11-20"},)),
    "scope.payouts.offered": ("是否使用连连代付", "whether the merchant pays out through LianLian", (False,)),
    "scope.payouts.attested_by": ("确认人", "who attests it", ("张三 (CTO)",)),
    "scope.payouts.date": ("确认日期", "when", ("2026-11-20",)),
    "scope.payouts.note": ("备注", "a note", ()),
    "reconciliation": ("对账：连连每日对账文件从哪里取（LL-REC 检查）",
                       "reconciliation: where LianLian's daily statement files come from (the LL-REC checks)", ()),
    "reconciliation.path": ("存放 JYMX_/JYMXSUM_/FKMX_ 对账文件的本地目录", "a local folder of JYMX_/JYMXSUM_/FKMX_ statement files",
                            ("statements/",)),
    "reconciliation.sftp": ("从连连 SFTP 下载对账文件", "fetch the statement files from LianLian's SFTP", ()),
    "reconciliation.sftp.host": ("SFTP 主机", "the SFTP host", ("sftp.example.com",)),
    "reconciliation.sftp.port": ("SFTP 端口", "the SFTP port", (22,)),
    "reconciliation.sftp.username": ("SFTP 用户名", "the SFTP user name", ("merchant",)),
    "reconciliation.sftp.private_key": ("SFTP 登录私钥：用 {env: 变量名} 或 {file: 路径}", "the SFTP login key: {env: NAME} or {file: PATH}",
                                        ({"file": "keys/sftp_id_ed25519"},)),
    "reconciliation.sftp.passphrase": ("私钥口令：用 {env: 变量名}", "the key's passphrase: {env: NAME}", ({"env": "SFTP_PASSPHRASE"},)),
    "reconciliation.sftp.host_key": ("固定的主机公钥（OpenSSH 公钥行或 SHA256: 指纹）",
                                     "the pinned host key (an OpenSSH public-key line or a SHA256: fingerprint)",
                                     ("ssh-ed25519 AAAA...",)),
    "reconciliation.sftp.directory": ("对账文件所在目录", "the folder holding the statement files", ("/download",)),
    "reconciliation.sftp.timeout_s": ("连接超时（秒）", "the connection timeout (seconds)", (20,)),
    "reconciliation.from": ("对账起始日期（含）", "the first settlement date reconciled", ("2026-11-01",)),
    "reconciliation.to": ("对账截止日期（含）", "the last settlement date reconciled", ("2026-11-30",)),
    "reconciliation.ledger": ("用于对账的台账（默认 evidence.ledger）", "the ledger reconciled (default: evidence.ledger)",
                              ("captures/ledger.csv",)),
    "reconciliation.cutoff_minutes": ("临近午夜多少分钟内的订单可能次日结算（默认 30）",
                                      "an order this close to midnight may settle the next day (minutes, default 30)", (30,)),
    "reconciliation.engine": ("核对对账文件与台账的引擎：python（默认，参照实现）或 duckdb（同样的规则写成 SQL），结果相同",
                              "the engine matching the statement rows with the ledger: python (the default, the "
                              "reference) or duckdb (the same rules as SQL); the findings are the same", ("duckdb",)),
    "reconciliation.manual": ("人工对账：确认人与日期", "reconciled by hand: who attests it, and when",
                              ({"attested_by": "财务 李四", "date": "2026-11-20"},)),
    "reconciliation.manual.attested_by": ("确认人", "who attests it", ("财务 李四",)),
    "reconciliation.manual.date": ("确认日期", "when", ("2026-11-20",)),
    "reconciliation.manual.note": ("备注", "a note", ()),
    "scan": ("仓库扫描（LL-SEC 检查）", "a repository scan (the LL-SEC checks)", ()),
    "scan.results": ("golive scan --format json 的结果文件", "a golive scan --format json result file", ("golive-scan/scan.json",)),
    "scan.path": ("运行 golive check 时扫描的仓库", "a repository to scan during golive check", (".",)),
    "scan.baseline": ("扫描基线文件", "a scan baseline file", (".golive-scan-baseline.json",)),
    "scan.history": ("同时检查 git 历史中被删除的密钥", "also search git history for removed keys", (True,)),
    "waivers": ("豁免文件（YAML）", "a waivers file (YAML)", ("waivers.yaml",)),
    "live": ("运行中的预发布环境（golive check --probe）", "the running staging server (golive check --probe)", ()),
    "live.notify_url": ("预发布环境的异步通知地址", "the staging notification URL", ("http://127.0.0.1:8000/llpay/notify",)),
    "live.url_return": ("预发布环境的同步返回地址", "the staging return URL", ("http://127.0.0.1:8000/pay/return",)),
    "live.staging_hosts": ("商户自己的预发布主机：--probe 只会访问这些非本机地址", "the merchant's own staging hosts: the only non-loopback hosts --probe contacts",
                           (["staging.example.com"],)),
    "live.timeout_s": ("每次请求的超时（秒）", "timeout of each request (seconds)", (5,)),
    "live.redeliveries": ("重发测试的份数（连连最多 30 次）", "copies in the redelivery probe (LianLian: up to 30)", (30,)),
    "live.redelivery_interval_s": ("重发间隔（秒）", "pause between copies (seconds)", (0,)),
    "live.burst": ("并发重复通知的份数", "identical copies in a burst", (16,)),
    "live.concurrency": ("同时进行的探测数", "probes run at once", (8,)),
    "live.settle_s": ("最终计数前的等待（秒）", "wait before the final credit count (seconds)", (1,)),
    "live.amount": ("测试订单金额（元）", "test order amount (CNY)", ("0.01",)),
    "live.lianlian_private_key": ("探测用的“连连”私钥：预发布环境信任其公钥（golive keys 生成）",
                                  "the probes' stand-in LianLian private key; staging trusts its public half (golive keys makes one)",
                                  ({"file": "keys/staging_llpay_private.pem"},)),
    "live.create_order": ("创建待支付测试订单的配方", "recipe: create a pending test order", ()),
    "live.credits": ("读取订单入账次数的配方（--probe；--sandbox 时也用它读取沙箱中每笔订单的入账次数，可以是查询本商户自己账本的命令）",
                     "recipe: how many times an order was credited (--probe; with --sandbox also read once per order of "
                     "the sandbox run -- it may be a command that queries your own books)", ()),
    "live.withdraw": ("发起提现的配方", "recipe: ask for a withdrawal", ()),
    "live.earn": ("给用户增加收益的配方", "recipe: credit a user's earnings", ()),
    "live.payouts": ("读取用户付款次数的配方", "recipe: how many payouts a user has", ()),
    "live.payout_notify_url": ("预发布环境的代付通知地址", "the staging payout-notification URL",
                               ("http://127.0.0.1:8000/llpay/payout-notify",)),
    "live.balance": ("读取用户余额的配方", "recipe: a user's balance", ()),
    "live.payout_status": ("读取代付状态与失败原因的配方", "recipe: a payout's status and failure reason as shown to the user", ()),
    "live.*.payout_no": ("应答中代付单号的 JSON 指针", "a JSON pointer to the payout's no_order in the answer", ("/payout_no",)),
    "live.*.http": ("HTTP 请求", "an HTTP request", ()),
    "live.*.http.method": ("HTTP 方法", "the HTTP method", ("POST",)),
    "live.*.http.url": ("URL，可含 {占位符}", "the URL, with {placeholders}", ("http://127.0.0.1:8000/test/orders",)),
    "live.*.http.headers": ("请求头", "request headers", ()),
    "live.*.http.json": ("JSON 请求体模板", "a JSON body template", ()),
    "live.*.http.form": ("表单请求体模板", "a form body template", ()),
    "live.*.http.body": ("原样请求体模板", "a raw body template", ()),
    "live.*.command": ("命令（标准输出为 JSON 应答）", "a command whose stdout is the JSON answer", ("python tools/credits.py {no_order}",)),
    "live.*.pointer": ("应答中的 JSON 指针", "a JSON pointer into the answer", ("/credits",)),
    "live.*.fields": ("应答字段的 JSON 指针", "JSON pointers to the answer's fields", ({"no_order": "/data/no"},)),
    "live.*.accepted": ("表示“已受理”的值", "the value meaning accepted", ("ACCEPTED",)),
    "live.*.refused": ("表示“已拒绝”的值", "the value meaning refused", ("REFUSED",)),
}


def doc_for(key: str) -> tuple[str, str, tuple[Any, ...]] | None:
    """The entry for a dotted key; recipe keys fall back to the ``live.*`` pattern."""
    if key in DOCS:
        return DOCS[key]
    parts = key.split(".")
    if len(parts) >= 3 and parts[0] == "live":
        return DOCS.get(".".join(["live", "*", *parts[2:]]))
    return None


def documented_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of `schema` with a bilingual description and examples on every documented key, and
    the shipped profile names as the values of merchant.profile."""
    import copy

    from golive.profile import available_profiles

    out = copy.deepcopy(schema)

    def walk(node: dict[str, Any], path: str) -> None:
        for name, child in (node.get("properties") or {}).items():
            key = f"{path}.{name}" if path else name
            entry = doc_for(key)
            if entry is not None and isinstance(child, dict):
                zh, en, examples = entry
                child["description"] = f"{zh} / {en}" + (f" — {child['description']}" if child.get("description") else "")
                if examples:
                    child["examples"] = list(examples)
            if isinstance(child, dict):
                walk(child, key)
                items = child.get("items")
                if isinstance(items, dict):
                    walk(items, key + "[]")

    walk(out, "")
    profile = out["properties"]["merchant"]["properties"]["profile"]
    profile["enum"] = sorted(available_profiles())
    return out
