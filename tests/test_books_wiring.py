"""The books wired into `golive check`: LL-CRD-003 judges what the engine the books sit in found.

- every example ledger gets the same findings from DuckDB (the default) and the streaming Python
  auditor, and from DuckDB over the same rows as Parquet and JSON Lines;
- a ledger held in PostgreSQL (``evidence.ledger: {dsn, sql, password}``) and in SQLite (``{dsn,
  table, columns}``) gets the same findings as its CSV export, the rule pushed down;
- the DSN's password is a secret: planted in the environment and in a DSN, it reaches no output;
- bad input -- broken rows, non-UTF-8 files, wrong columns, an unreachable DSN, bad SQL -- gives one
  line naming the file:line or the key (exit 2) or an ``error`` status, never a traceback.
"""

from __future__ import annotations

import csv
import json
import socket
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, check_of
from pg_support import postgres_dsn  # noqa: F401  (the fixture)

from golive.cli import main

ID = "LL-CRD-003"
EXAMPLE_LEDGERS = sorted([REPO / "examples" / "captures" / "ledger.csv", *(REPO / "examples" / "ledgers").glob("*.csv")])
PASSWORD = "Pw-planted-7f3k9Q-secret"


@pytest.fixture(autouse=True)
def md5_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOLIVE_TEST_MD5", "Mx7_q2Lr9Zt4Wv8Np3Ks6Hd1Fg5Jb0Yc")


def judged(check: dict[str, Any], *, locations: bool = True) -> dict[str, Any]:
    """What must not depend on the engine: status, reason and every finding."""
    findings = [{k: v for k, v in f.items() if k != "location" or locations} for f in check["findings"]]
    evidence = [{k: v for k, v in e.items() if k not in ("engine", "order")} for e in check["evidence"]]
    return {"status": check["status"], "reason": check["reason"], "findings": findings, "evidence": evidence}


def audit(run_checks: Any, config: Path, ledger: str | None = None) -> dict[str, Any]:
    return check_of(run_checks(config, ID, **({"ledger": ledger} if ledger else {})), ID)


@pytest.mark.parametrize("ledger", EXAMPLE_LEDGERS, ids=lambda p: p.name)
def test_every_example_ledger_gets_the_same_findings_from_each_engine(ledger: Path, config_factory, run_checks,
                                                                    tmp_path: Path) -> None:
    duck = audit(run_checks, config_factory({"evidence": {"ledger_engine": "duckdb"}}, name="duck.yaml"), str(ledger))
    python = audit(run_checks, config_factory({"evidence": {"ledger_engine": "python"}}, name="py.yaml"), str(ledger))
    assert duck["evidence"][0]["engine"] == "duckdb" and python["evidence"][0]["engine"] == "python"
    assert judged(duck) == judged(python)
    # The same rows as Parquet (rows numbered from 1) and JSON Lines (no header line): same findings
    # but for the line numbers.
    import duckdb

    rows = list(csv.DictReader(ledger.open(encoding="utf-8")))
    jsonl = tmp_path / f"{ledger.stem}.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    parquet = tmp_path / f"{ledger.stem}.parquet"
    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv('{ledger}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)")
    for other in (jsonl, parquet):
        found = audit(run_checks, config_factory(name=f"{other.suffix[1:]}.yaml"), str(other))
        assert judged(found, locations=False) == judged(duck, locations=False), other.suffix
        assert [f["location"]["line"] + 1 for f in found["findings"] if f["location"]] == \
            [f["location"]["line"] for f in duck["findings"] if f["location"]]


def _load_postgres(dsn: str, ledger: Path, table: str) -> None:
    import sqlalchemy

    rows = list(csv.DictReader(ledger.open(encoding="utf-8")))
    engine = sqlalchemy.create_engine(dsn)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")
        # A typed amount, as real books have (NUMERIC reads back as 10.00), the line an id; the time
        # as the export wrote it, so the findings quote the same text.
        connection.exec_driver_sql(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, uid TEXT, kind TEXT, no_order TEXT, "
                                   "amt NUMERIC(18, 2), card TEXT, created TEXT, state TEXT)")
        for line, row in enumerate(rows, 2):
            stamp = row["time"]
            connection.exec_driver_sql(
                f"INSERT INTO {table} VALUES (%(id)s, %(uid)s, %(kind)s, %(no)s, %(amt)s, %(card)s, %(created)s, %(state)s)",
                {"id": line, "uid": row["user_id"], "kind": row["kind"], "no": row["no_order"], "amt": row["amount"],
                 "card": row["card"], "created": stamp, "state": row["status"]})
    engine.dispose()


@pytest.mark.parametrize("ledger", EXAMPLE_LEDGERS, ids=lambda p: p.name)
def test_a_postgresql_ledger_gets_the_same_findings_as_its_csv(ledger: Path, postgres_dsn: str, config_factory,
                                                             run_checks, monkeypatch: pytest.MonkeyPatch) -> None:
    _load_postgres(postgres_dsn, ledger, "books")
    monkeypatch.setenv("GOLIVE_BOOKS_PASSWORD", PASSWORD)  # trust auth: accepted, and never to be shown
    sql = ("SELECT id AS line, uid AS user_id, kind, no_order, amt AS amount, card, created AS time, state AS status "
           "FROM books WHERE 100 % 7 = 2")
    config = config_factory({"evidence": {"ledger": {"dsn": postgres_dsn, "sql": sql,
                                                     "password": {"env": "GOLIVE_BOOKS_PASSWORD"}}}})
    pushed = audit(run_checks, config)
    assert pushed["evidence"][0]["engine"] == "postgresql"
    csv_file = audit(run_checks, config_factory(name="file.yaml"), str(ledger))
    assert judged(pushed, locations=False) == judged(csv_file, locations=False)
    assert [f["location"]["line"] for f in pushed["findings"]] == [f["location"]["line"] for f in csv_file["findings"]]
    assert [f["data"].get("rules_broken") for f in pushed["findings"]] == \
        [f["data"].get("rules_broken") for f in csv_file["findings"]]
    assert pushed["evidence"][0]["rows"] == csv_file["evidence"][0]["rows"]
    assert "***" in pushed["findings"][0]["location"]["file"] if pushed["findings"] else True


def test_a_sqlite_table_mapped_by_columns(tmp_path: Path, config_factory, run_checks) -> None:
    ledger = REPO / "examples" / "ledgers" / "other_card.csv"
    rows = list(csv.DictReader(ledger.open(encoding="utf-8")))
    database = tmp_path / "books.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE ledger (seq INTEGER, who TEXT, type TEXT, no TEXT, money TEXT, agree TEXT, "
                   "last4 TEXT, at TEXT, result TEXT)")
        db.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(i, r["user_id"], r["kind"], r["no_order"], r["amount"], r["card"], "", r["time"], r["status"])
                        for i, r in enumerate(rows, 2)])
    db.close()
    config = config_factory({"evidence": {"ledger": {
        "dsn": f"sqlite:///{database}", "table": "ledger",
        "columns": {"line": "seq", "user_id": "who", "kind": "type", "no_order": "no", "amount": "money",
                    "card": ["agree", "last4"], "time": "at", "status": "result"}}}})
    found = audit(run_checks, config)
    csv_file = audit(run_checks, config_factory(name="file.yaml"), str(ledger))
    assert found["evidence"][0]["engine"] == "sqlite"
    assert judged(found, locations=False) == judged(csv_file, locations=False)
    assert [f["location"]["line"] for f in found["findings"]] == [f["location"]["line"] for f in csv_file["findings"]]


# -- the password is a secret ---------------------------------------------------------------------------

def _outputs(tmp_path: Path, capsys: Any, config: Path, *extra: str) -> tuple[int, list[str]]:
    out = tmp_path / "out"
    code = main(["check", str(config), "--select", ID, "--format", "text,json,junit,sarif,html,markdown",
                 "--output-dir", str(out), "--no-progress", *extra])
    printed = capsys.readouterr()
    texts = [printed.out, printed.err] + [p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file()] \
        if out.exists() else [printed.out, printed.err]
    return code, texts


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_database_password_reaches_no_output(tmp_path: Path, postgres_dsn: str, config_factory, capsys,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _load_postgres(postgres_dsn, REPO / "examples" / "ledgers" / "over_withdrawal.csv", "books")
    monkeypatch.setenv("GOLIVE_BOOKS_PASSWORD", PASSWORD)
    sql = "SELECT id AS line, uid AS user_id, kind, no_order, amt AS amount, card, created AS time, state AS status FROM books"
    secret = {"dsn": postgres_dsn, "sql": sql, "password": {"env": "GOLIVE_BOOKS_PASSWORD"}}
    down = dict(secret, dsn=f"postgresql+psycopg://golive@127.0.0.1:{_closed_port()}/books")
    inline = {"dsn": postgres_dsn.replace("golive@", f"golive:{PASSWORD}@"), "sql": sql}
    inline_down = {"dsn": down["dsn"].replace("golive@", f"golive:{PASSWORD}@"), "sql": sql}
    seen = {}
    for name, ledger in (("env", secret), ("down", down), ("inline", inline), ("inline_down", inline_down)):
        config = config_factory({"evidence": {"ledger": ledger}}, name=f"{name}.yaml")
        for saved in ((), ("--save-evidence", str(tmp_path / f"saved-{name}"))):
            code, texts = _outputs(tmp_path / name, capsys, config, *saved)
            for text in texts:
                assert PASSWORD not in text, name
            for path in (tmp_path / f"saved-{name}").rglob("*") if saved else ():
                if path.is_file():
                    assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path
            seen[name] = code
    assert seen["env"] == seen["inline"] == 1  # over_withdrawal.csv fails LL-CRD-003
    assert seen["down"] == seen["inline_down"] == 3  # LL-CRD-003 error: incomplete


def test_an_inline_password_in_the_dsn_is_a_finding_of_ll_sig_007(tmp_path: Path, config_factory, run_checks) -> None:
    config = config_factory({"evidence": {"ledger": {"dsn": f"postgresql+psycopg://golive:{PASSWORD}@127.0.0.1:1/db",
                                                     "table": "books"}}})
    check = check_of(run_checks(config, "LL-SIG-007"), "LL-SIG-007")
    assert check["status"] == "fail" and "evidence.ledger.dsn" in json.dumps(check["findings"])
    assert PASSWORD not in json.dumps(check)


# -- bad input ----------------------------------------------------------------------------------------

def _cli(capsys: Any, config: Path, *extra: str) -> tuple[int, str, str]:
    """(exit code, the JSON result (or ""), stderr) of ``golive check`` selecting LL-CRD-003."""
    out = config.parent / f"report-{config.stem}"
    code = main(["check", str(config), "--select", ID, "--format", "json", "--output-dir", str(out), "--no-progress",
                 *extra])
    captured = capsys.readouterr()
    result = out / "result.json"
    return code, result.read_text(encoding="utf-8") if result.exists() else "", captured.err


def _one_line(err: str, *needles: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


HEADER = b"user_id,kind,no_order,amount,card,time,status\n"


@pytest.mark.parametrize("engine", ["duckdb", "python"])
@pytest.mark.parametrize("content, needles", [
    (b"user,amount\nU1,1\n", ("bad.csv:1", "evidence.ledger", "lacks column(s) kind, card, time")),
    (b"user_id,kind,\xff\xfeamount,card,time\nU1,payment,1,A,20261125100000\n", ("bad.csv:1", "not UTF-8")),
    (b"", ("bad.csv", "evidence.ledger", "empty")),
    (b'"user_id,kind\n', ("bad.csv", "evidence.ledger")),
], ids=["wrong-columns", "non-utf8-header", "empty", "open-quote-header"])
def test_a_ledger_that_is_no_ledger_exits_2_with_one_line(tmp_path: Path, config_factory, capsys, engine: str,
                                                        content: bytes, needles: tuple[str, ...]) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, _, err = _cli(capsys, config_factory({"evidence": {"ledger_engine": engine}}), "--ledger", str(path))
    assert code == 2
    _one_line(err, *needles)


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_broken_rows_are_named_by_file_and_line(tmp_path: Path, config_factory, capsys, engine: str) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(HEADER + b"U1,payment,N1,10.00,A,20261125100000,success\n"
                              b"U1,withdrawal,W1,5.00,\xb9\xa4,20261126100000,success\n"    # not UTF-8
                              b"U1,withdrawal,W2,5.00,A\n"                                   # fields
                              b'U1,withdrawal,"W3,5.00,A,20261126100000,success\n'           # quote never closed
                              )
    code, out, err = _cli(capsys, config_factory({"evidence": {"ledger_engine": engine}}), "--ledger", str(path))
    assert code == 3 and "Traceback" not in err
    check = check_of(json.loads(out), ID)
    assert check["status"] == "error"
    where = [(f["location"]["line"], f["message"]["en"]) for f in check["findings"]]
    assert where == [(3, "unreadable ledger row: not UTF-8 (byte 23 of the line)"),
                     (4, "unreadable ledger row: expected 7 fields, got 5"),
                     (5, "unreadable ledger row: malformed CSV: unexpected end of data")]


def test_a_ledger_engine_that_cannot_read_the_format_is_named(tmp_path: Path, config_factory, capsys) -> None:
    path = tmp_path / "books.parquet"
    path.write_bytes(b"PAR1")
    code, _, err = _cli(capsys, config_factory({"evidence": {"ledger_engine": "python"}}), "--ledger", str(path))
    assert code == 2
    _one_line(err, "evidence.ledger_engine", "CSV ledgers only")
    code, _, err = _cli(capsys, config_factory(name="duck.yaml"), "--ledger", str(path))
    assert code == 2
    _one_line(err, "books.parquet", "evidence.ledger", "not a Parquet file")


@pytest.mark.parametrize("ledger, needles", [
    ({"dsn": "sqlite:///{db}", "sql": "SELEC user_id FROM books"}, ("evidence.ledger.sql", "refused", "syntax")),
    ({"dsn": "sqlite:///{db}", "table": "nothere"}, ("evidence.ledger.table", "no such table")),
    ({"dsn": "sqlite:///{db}", "table": "books", "columns": {"card": "agree"}}, ("evidence.ledger.columns.card", "agree")),
    ({"dsn": "sqlite:///{db}", "sql": "SELECT user_id FROM books"}, ("evidence.ledger", "lacks column(s) kind")),
    ({"dsn": "sqlite:///{db}", "sql": "SELECT 1", "table": "books"}, ("evidence.ledger", "one of them")),
    ({"dsn": "sqlite:///{db}"}, ("evidence.ledger", "one of them")),
    ({"dsn": "oracle://u@h/db", "table": "books"}, ("evidence.ledger.dsn", "not supported")),
    ({"dsn": "not a url", "table": "books"}, ("evidence.ledger.dsn", "does not match")),
    ({"dsn": "sqlite:///{db}", "table": "books; DROP TABLE books"}, ("evidence.ledger.table",)),
    ({"dsn": "sqlite:///{db}", "table": "books", "password": {"env": "GOLIVE_NO_SUCH_VAR"}},
     ("evidence.ledger.password", "GOLIVE_NO_SUCH_VAR", "not set")),
    ({"dsn": "sqlite:///{db}", "table": "books", "colour": "blue"}, ("evidence.ledger", "colour")),
], ids=["bad-sql", "no-table", "no-column", "missing-columns", "sql-and-table", "neither", "unsupported", "not-a-url",
        "table-injection", "password-unset", "unknown-key"])
def test_bad_database_settings_exit_2_with_the_key(tmp_path: Path, config_factory, capsys, ledger: dict[str, Any],
                                                   needles: tuple[str, ...]) -> None:
    database = tmp_path / "books.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE books (user_id TEXT, kind TEXT, amount TEXT, card TEXT, time TEXT)")
    db.close()
    ledger = {k: (v.format(db=database) if isinstance(v, str) else v) for k, v in ledger.items()}
    code, _, err = _cli(capsys, config_factory({"evidence": {"ledger": ledger}}))
    assert code == 2
    _one_line(err, *needles)


def test_an_unreachable_database_is_an_error_of_the_check_not_a_crash(config_factory, capsys) -> None:
    dsn = f"postgresql+psycopg://golive@127.0.0.1:{_closed_port()}/books"
    code, out, err = _cli(capsys, config_factory({"evidence": {"ledger": {"dsn": dsn, "table": "books"}}}))
    assert code == 3 and "Traceback" not in err
    check = check_of(json.loads(out), ID)
    assert check["status"] == "error"
    reason = check["reason"]["en"]
    assert "cannot connect to the database" in reason and "127.0.0.1" in reason and "\n" not in reason


def test_a_statement_timeout_is_an_error_of_the_check(tmp_path: Path, config_factory, capsys) -> None:
    database = tmp_path / "books.db"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE books (user_id TEXT, kind TEXT, amount TEXT, card TEXT, time TEXT)")
    db.close()
    slow = ("WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 50000000) "
            "SELECT 'U' || (i % 100) AS user_id, 'payment' AS kind, '1.00' AS amount, 'A' AS card, "
            "'20261125100000' AS time FROM r")
    config = config_factory({"evidence": {"ledger": {"dsn": f"sqlite:///{database}", "sql": slow, "timeout_s": 0.5}}})
    code, out, err = _cli(capsys, config)
    assert code == 3 and "Traceback" not in err
    assert "did not finish the audit within 0.5 s" in check_of(json.loads(out), ID)["reason"]["en"]
