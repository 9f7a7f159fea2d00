"""The journal's reader API (the contract the `sandbox:` evidence gatherer is written against): typed
events in order, filters, runs, and clear errors for anything that is not a journal this golive reads."""

from __future__ import annotations

import sqlite3
from datetime import timezone
from pathlib import Path

import pytest
from sandbox_support import Receiver, pay_params, post_web, receiver_running, sandbox_running, sign, wait_for

from golive.sandbox.journal import JOURNAL_FILE, SCHEMA_VERSION, EventKind, JournalError, Outcome, journal_path, read_events, read_runs


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("journal")
    receiver = Receiver()
    with receiver_running(receiver) as url, sandbox_running(root) as running:
        post_web(running.base_url, sign(pay_params("JR1", notify_url=url, user_id="jr")))
        post_web(running.base_url, sign(pay_params("JR2", notify_url=url, user_id="jr", amount="0.08")))
        assert wait_for(lambda: running.sandbox.outbox.pending_count() == 0)
    return root / "state"


def test_events_are_typed_and_ordered(journal: Path) -> None:
    events = list(read_events(journal))
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert events[0].kind is EventKind.RUN_START and events[-1].kind is EventKind.RUN_STOP
    request = next(e for e in events if e.kind is EventKind.PAY_REQUEST and e.no_order == "JR1")
    assert request.outcome is Outcome.ACCEPTED and request.accepted and request.channel == "web"
    assert request.api == "authpay_web" and request.user_id == "jr" and request.scenario == "success"
    assert request.params["no_order"] == "JR1" and request.params["risk_item"].startswith("{")
    assert request.header("referer") == "http://127.0.0.1:8000/checkout"
    assert request.time.tzinfo is timezone.utc and request.elapsed_ms is not None
    assert request.header("Content-Type", response=True) == "text/html; charset=utf-8"
    kinds = [e.kind for e in events if e.no_order == "JR1"]
    assert kinds == [EventKind.PAY_REQUEST, EventKind.CASHIER, EventKind.RETURN, EventKind.NOTIFY_DELIVERY]
    cashier = next(e for e in events if e.kind is EventKind.CASHIER and e.no_order == "JR1")
    assert cashier.detail["choice"] == "pay" and len(cashier.detail["card_no"]) == 16
    delivery = next(e for e in events if e.kind is EventKind.NOTIFY_DELIVERY and e.no_order == "JR1")
    assert delivery.ack_ok and delivery.attempt == 1 and delivery.copy == 0 and delivery.forged is None
    assert delivery.detail["ack"]["contract_ok"] and delivery.ret_code == "0000" and delivery.status == 200


def test_filters(journal: Path) -> None:
    deliveries = list(read_events(journal, kinds=[EventKind.NOTIFY_DELIVERY]))
    assert {e.kind for e in deliveries} == {EventKind.NOTIFY_DELIVERY}
    assert [e.forged for e in deliveries if e.no_order == "JR2"] == ["bad_signature", "tampered_amount", None]
    middle = deliveries[1].seq
    assert [e.seq for e in read_events(journal, kinds=["notify_delivery"], after_seq=middle)] == \
        [e.seq for e in deliveries[2:]]


def test_runs(journal: Path) -> None:
    (run,) = read_runs(journal)
    assert run.stopped_at is not None and run.started_at <= run.stopped_at
    assert run.settings["oid_partner"] == "201811230001000001" and run.settings["md5_key"] == "configured"
    assert len(run.settings["lianlian_key_sha256"]) == 64
    assert "-----BEGIN" not in str(run.settings)


def test_path_is_the_file_or_the_state_dir(journal: Path) -> None:
    assert journal_path(journal) == journal / JOURNAL_FILE
    assert len(list(read_events(journal / JOURNAL_FILE))) == len(list(read_events(journal)))


def test_unknown_kinds_from_a_newer_minor_version_are_skipped(tmp_path: Path, journal: Path) -> None:
    copy = tmp_path / JOURNAL_FILE
    with sqlite3.connect(journal / JOURNAL_FILE) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as conn:
        conn.execute("INSERT INTO events (run_id, kind, at) VALUES (1, 'refund_request', 0)")
    assert all(e.kind.value != "refund_request" for e in read_events(copy))


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "no sandbox journal here"),
    (lambda p: p.write_text("not sqlite at all, just text" * 100), "not a sandbox journal"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE t (x)").connection.commit(), "not a sandbox journal"),
])
def test_what_is_not_a_journal(tmp_path: Path, make, message: str) -> None:
    path = tmp_path / "j.sqlite3"
    make(path)
    with pytest.raises(JournalError, match=message) as raised:
        list(read_events(path))
    assert str(path) in str(raised.value)


def test_a_newer_schema_is_refused(tmp_path: Path, journal: Path) -> None:
    copy = tmp_path / JOURNAL_FILE
    with sqlite3.connect(journal / JOURNAL_FILE) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION + 1),))
    with pytest.raises(JournalError, match="upgrade golive"):
        read_runs(copy)


def test_reading_while_the_sandbox_writes(tmp_path: Path) -> None:
    with sandbox_running(tmp_path) as running:
        post_web(running.base_url, sign(pay_params("LIVE1", user_id="live")))
        assert any(e.no_order == "LIVE1" for e in read_events(running.journal))
