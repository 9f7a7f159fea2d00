"""JSON Schema (draft 2020-12) of golive.yaml -- the contract users and editors rely on.

`golive schema` prints it so editors (VS Code YAML, JetBrains) can validate and complete the
file. Codes are strings on purpose: YAML would read an unquoted `0001` as a number.
"""

from __future__ import annotations

from typing import Any

SCHEMA_ID = "https://golive.dev/schema/golive.config.json"

_SECRET = {
    "description": "A secret: {env: NAME} or {file: PATH}. An inline string works but is a finding (LL-SIG-007).",
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "object", "properties": {"env": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}},
         "required": ["env"], "additionalProperties": False},
        {"type": "object", "properties": {"file": {"type": "string", "minLength": 1}},
         "required": ["file"], "additionalProperties": False},
    ],
}
_URL = {"type": "string", "minLength": 1}
# The merchant's books (README "The books"): a ledger file, or a database the rule is pushed down to.
_LEDGER_COLUMNS = ("user_id", "kind", "no_order", "amount", "card", "time", "status", "line")
_LEDGER = {
    "description": "the ledger: a CSV, Parquet or JSON Lines file, or the merchant's database as "
                   "{dsn, sql | table, columns, password, timeout_s}",
    "type": ["string", "object"],
    "minLength": 1,
    "additionalProperties": False,
    "required": ["dsn"],
    "properties": {
        "dsn": {"type": "string", "minLength": 1, "pattern": "^[A-Za-z][A-Za-z0-9+.-]*://",
                "description": "a SQLAlchemy URL without the password: postgresql+psycopg://user@host:5432/db, "
                               "sqlite:///books.db"},
        "password": _SECRET,
        "sql": {"type": "string", "minLength": 1,
                "description": "a SELECT giving the logical columns (user_id, kind, no_order, amount, card, time, "
                               "status, line), or others mapped with columns"},
        "table": {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$",
                  "description": "[schema.]table holding the books"},
        "columns": {
            "type": "object", "propertyNames": {"enum": list(_LEDGER_COLUMNS)},
            "additionalProperties": {"oneOf": [{"type": "string", "minLength": 1},
                                               {"type": "array", "minItems": 1,
                                                "items": {"type": "string", "minLength": 1}}]},
            "description": "logical column -> the source's column (card may list several: card, no_agree)",
        },
        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 86400,
                      "description": "statement timeout (default 300)"},
    },
}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_CODE = {"type": "string", "pattern": r"^\d{4}$"}

_HTTP_RECIPE = {
    "type": "object",
    "properties": {
        "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
        "url": _URL,
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "json": {},
        "form": {"type": "object", "additionalProperties": {"type": "string"}},
        "body": {"type": "string"},
    },
    "required": ["url"],
    "additionalProperties": False,
}
_RECIPE_BASE: dict[str, Any] = {
    "http": _HTTP_RECIPE,
    "command": {"type": "string", "minLength": 1},
    "pointer": {"type": "string", "pattern": "^(/.*)?$"},
}


def _recipe(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = dict(_RECIPE_BASE)
    properties.update(extra or {})
    return {
        "type": "object",
        "properties": properties,
        "oneOf": [{"required": ["http"]}, {"required": ["command"]}],
        "additionalProperties": False,
    }


CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "golive.yaml",
    "type": "object",
    "additionalProperties": False,
    "required": ["merchant", "signing"],
    "properties": {
        "merchant": {
            "type": "object",
            "additionalProperties": False,
            "required": ["oid_partner", "environment"],
            "properties": {
                "oid_partner": {"type": "string", "pattern": r"^\d{18}$",
                                "description": "18-digit LianLian merchant number (quote it)"},
                "name": {"type": "string"},
                "profile": {"type": "string", "description": "merchant-type profile (golive profiles)"},
                "frms_ware_category": _CODE,
                "environment": {"enum": ["integration", "production"]},
                "channels": {"type": "array", "items": {"enum": ["web", "wap", "android", "ios", "api"]},
                             "uniqueItems": True},
            },
        },
        "signing": {
            "type": "object",
            "additionalProperties": False,
            "required": ["sign_type"],
            "properties": {
                "sign_type": {"enum": ["MD5", "RSA"]},
                "notify_sign_type": {"enum": ["MD5", "RSA"]},
                "md5_key": _SECRET,
                "rsa_private_key": _SECRET,
                "rsa_public_key": _SECRET,
                "lianlian_public_key": _SECRET,
            },
        },
        "endpoints": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"notify_url": _URL, "url_return": _URL, "pages": {"type": "array", "items": _URL}},
        },
        "registration": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "domains": {"type": "array", "items": {"type": "string"}},
                "server_ips": {"type": "array", "items": {"type": "string"}},
                "app_ids": {"type": "object", "additionalProperties": False,
                            "properties": {"android": {"type": "string"}, "ios": {"type": "string"}}},
            },
        },
        "limits": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "production_opened": {
                    "type": "object", "additionalProperties": False, "required": ["attested_by", "date"],
                    "properties": {"attested_by": {"type": "string", "minLength": 1}, "date": _DATE,
                                   "note": {"type": "string"}},
                },
                "integration_limit_cny": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "whitelist": {
            "type": "array",
            "items": {
                "type": "object", "additionalProperties": False, "required": ["card_last4", "added"],
                "properties": {"card_last4": {"type": "string", "pattern": r"^\d{4}$"}, "added": _DATE,
                               "days": {"type": "integer", "minimum": 1}},
            },
        },
        "evidence": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "captures": {"type": "array", "items": {"type": "string"}},
                "ledger": _LEDGER,
                "ledger_engine": {"enum": ["duckdb", "python"],
                                  "description": "what audits a ledger file: duckdb (the default; CSV, Parquet, "
                                                 "JSON Lines) or python (the streaming auditor; CSV only)"},
                "ledger_memory_mb": {"type": "integer", "minimum": 48, "maximum": 1 << 20,
                                     "description": "memory DuckDB may use for the ledger audit (default 512); "
                                                    "beyond it, it spills to ledger_temp_dir"},
                "ledger_temp_dir": {"type": "string", "minLength": 1,
                                    "description": "where DuckDB spills (default: the system's temporary "
                                                   "directory); a private directory is made inside and removed"},
                "sandbox": {"type": "string", "description": "a golive sandbox state directory (or its "
                                                            "sandbox.sqlite3): judge the merchant's real run it "
                                                            "journaled -- pay requests, queries, notification "
                                                            "deliveries and acks, returns, payouts (same as --sandbox)"},
                "max_line_bytes": {"type": "integer", "minimum": 1024, "maximum": 64 * 1024 * 1024,
                                   "description": "longest JSON Lines capture line read (default 4 MiB); a longer "
                                                  "line is skipped with a note naming file:line"},
            },
        },
        "scope": {
            "type": "object",
            "additionalProperties": False,
            "description": "Business the merchant does not have, attested: its checks become not_applicable "
                           "(shown to staff as an attestation) instead of needing --skip.",
            "properties": {
                "payouts": {
                    "type": "object", "additionalProperties": False, "required": ["offered"],
                    "description": "Does the merchant pay out through LianLian's payout API (代付, guide 十)? If not, "
                                   "the payout checks LL-PAY-* do not apply -- once someone attests it (attested_by, date).",
                    "properties": {"offered": {"type": "boolean"}, "attested_by": {"type": "string", "minLength": 1},
                                   "date": _DATE, "note": {"type": "string"}},
                },
                "withdrawals": {
                    "type": "object", "additionalProperties": False, "required": ["offered"],
                    "description": "Does the merchant pay money out to its users (提现)? If not, the same-card checks "
                                   "LL-CRD-* do not apply -- once someone attests it (attested_by, date).",
                    "properties": {"offered": {"type": "boolean"}, "attested_by": {"type": "string", "minLength": 1},
                                   "date": _DATE, "note": {"type": "string"}},
                },
            },
        },
        "reconciliation": {
            "type": "object",
            "additionalProperties": False,
            "description": "How the merchant reconciles LianLian's daily statement files (guide 九 商户对账; README "
                           "\"Reconciliation\"): a local folder or SFTP, checked against evidence.ledger by settle_date.",
            "properties": {
                "path": {"type": "string", "minLength": 1,
                         "description": "a local folder holding JYMX_/JYMXSUM_/FKMX_{oid_partner}_{yyyyMMdd}.txt"},
                "sftp": {
                    "type": "object", "additionalProperties": False,
                    "required": ["host", "username", "private_key", "host_key"],
                    "properties": {
                        "host": {"type": "string", "minLength": 1},
                        "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                        "username": {"type": "string", "minLength": 1},
                        "private_key": _SECRET,
                        "passphrase": _SECRET,
                        "host_key": {"type": "string", "minLength": 8,
                                     "description": "the pinned host key: an OpenSSH public-key line "
                                                    "(ssh-ed25519 AAAA...) or a SHA256: fingerprint"},
                        "directory": {"type": "string"},
                        "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 120},
                    },
                },
                "from": _DATE,
                "to": _DATE,
                "ledger": {"type": "string", "description": "the ledger to reconcile (default: evidence.ledger)"},
                "cutoff_minutes": {"type": "integer", "minimum": 0, "maximum": 720,
                                   "description": "an order booked this close to midnight may settle the next day "
                                                  "(default 30)"},
                "engine": {"enum": ["python", "duckdb"],
                           "description": "what matches the statement rows with the ledger's: python (the default, "
                                          "the reference) or duckdb (the same rules as SQL, golive/recon/sql.py); "
                                          "the findings are the same"},
                "manual": {
                    "type": "object", "additionalProperties": False, "required": ["attested_by", "date"],
                    "description": "reconciled by hand from the merchant-site download: who attests it, and when",
                    "properties": {"attested_by": {"type": "string", "minLength": 1}, "date": _DATE,
                                   "note": {"type": "string"}},
                },
            },
        },
        "scan": {
            "type": "object",
            "additionalProperties": False,
            "description": "A repository scan (golive scan) for the LL-SEC checks: earlier results, or a path to scan now.",
            "properties": {
                "results": {"type": "string", "description": "a golive scan --format json result file"},
                "path": {"type": "string", "description": "a repository to scan during golive check"},
                "baseline": {"type": "string", "description": "a golive scan baseline file (--baseline)"},
                "history": {"type": "boolean", "description": "also search git history for removed keys (--history)"},
            },
        },
        "waivers": {"type": "string", "description": "a waivers YAML file (same as --waivers)"},
        "live": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "notify_url": _URL,
                "url_return": _URL,
                "staging_hosts": {
                    "type": "array", "items": {"type": "string", "minLength": 1},
                    "description": "Hosts that are the merchant's own staging servers: the only non-loopback hosts "
                                   "--probe contacts without --allow-probe-host.",
                },
                "timeout_s": {"type": "number", "exclusiveMinimum": 0, "maximum": 60},
                "redeliveries": {"type": "integer", "minimum": 1, "maximum": 100},
                "redelivery_interval_s": {"type": "number", "minimum": 0, "maximum": 120},
                "burst": {"type": "integer", "minimum": 2, "maximum": 64},
                "concurrency": {"type": "integer", "minimum": 1, "maximum": 64},
                "settle_s": {"type": "number", "minimum": 0, "maximum": 30,
                             "description": "wait before the final credit count, for merchants that book a moment after answering (default 1)"},
                "amount": {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"},
                "lianlian_private_key": _SECRET,
                "create_order": _recipe({"fields": {"type": "object", "additionalProperties": {"type": "string"}}}),
                "credits": _recipe(),
                "withdraw": _recipe({"accepted": {}, "refused": {},
                                     "payout_no": {"type": "string", "pattern": "^(/.*)?$",
                                                   "description": "pointer to the payout's no_order in the answer "
                                                                  "(payout-notification probes, LL-PAY-008..011)"}}),
                "payout_notify_url": {**_URL, "description": "the staging URL LianLian's payout notifications go to"},
                "balance": _recipe(),
                "payout_status": _recipe({"fields": {"type": "object", "additionalProperties": {"type": "string"}}}),
                "earn": _recipe(),
                "payouts": _recipe(),
            },
        },
    },
}
