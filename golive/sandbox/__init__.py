"""``golive sandbox``: stand where LianLian stands, on loopback.

The sandbox serves the LianLian endpoints a 认证支付 merchant calls -- the Web and WAP cashier, the
app-SDK order check, order / bind-list / card-BIN queries, and the payout API -- at LianLian's own
paths, so a merchant's staging server changes only base URLs. It judges each request as LianLian
would (signature, parameters, registration, risk parameters, limits, duplicates) and answers with
LianLian's codes; it pays (automatically or on a small cashier page), sends the synchronous
return and the asynchronous notifications signed as LianLian, redelivers them on LianLian's
schedule from a durable outbox, and journals everything for ``golive check`` to judge later.

Modules: `settings` (what LianLian knows about the merchant), `keys` (the sandbox's LianLian
pair), `journal` (the public, versioned record and its reader), `db` (the SQLite file),
`judge` (LianLian's codes), `scenarios`, `delivery` (outbox and ack contract), `app` (payments),
`queries`, `payouts`, `pages` (HTML), `exchange` (request/answer types), `server` (HTTP).

    from golive.sandbox.server import start_sandbox
    from golive.sandbox.settings import settings_from_config
    with start_sandbox(settings_from_config("golive.yaml", state_dir=tmp)) as sandbox:
        print(sandbox.base_url, sandbox.key.fingerprint_sha256)
"""
