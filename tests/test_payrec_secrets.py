"""No card number, payer name or SFTP key from payouts or reconciliation reaches any output: planted in
a real sandbox journal (crafted payouts with names, cards, a memo) and in statement files and a ledger,
then every report format is grepped, in both languages."""

from __future__ import annotations

import json
from pathlib import Path

from pay_support import crafted, journal_config, payout_params, sandbox_running
from recon_support import Books, plant

NAME = "欧阳娜娜"
CARD = "6222621234567890129"  # a 交通银行 test card number (not exempt: branch findings quote the payout)


def test_payout_and_reconciliation_outputs_hold_no_personal_data(tmp_path: Path, capsys) -> None:
    from golive.cli import main

    with sandbox_running(tmp_path) as sandbox:
        crafted(sandbox, payout_params("SEC001", CARD, acct_name=NAME, memo=f"给{NAME}的提现 {CARD}"))
        crafted(sandbox, payout_params("SEC002", CARD, acct_name=NAME, flag_card="2"), sign_type="MD5")
        state = Path(sandbox.sandbox.settings.state_dir)
    books = Books.clean()
    plant(books, "missing_at_lianlian")
    books.ledger_only[-1].update({"card": CARD})
    books.write(tmp_path / "statements", tmp_path / "ledger.csv")
    config = journal_config(tmp_path, state, tmp_path / "ledger.csv",
                            reconciliation={"path": str(tmp_path / "statements")})
    out = tmp_path / "out"
    for lang in ("zh", "en"):
        main(["check", str(config), "--select", ",".join([f"LL-PAY-00{n}" for n in range(1, 8)]
                                                         + [f"LL-REC-00{n}" for n in range(1, 7)]),
              "--format", "text,json,junit,sarif,html,markdown", "--lang", lang, "--output-dir", str(out),
              "--no-progress"])
        printed = capsys.readouterr()
        texts = [printed.out, printed.err] + [p.read_text(encoding="utf-8") for p in out.iterdir() if p.is_file()]
        for text in texts:
            assert CARD not in text and CARD[-10:] not in text
            assert NAME not in text and NAME[1:] not in text
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    statuses = {c["id"]: c["status"] for c in result["checks"]}
    assert statuses["LL-PAY-001"] == "fail" and statuses["LL-PAY-003"] == "fail" and statuses["LL-REC-004"] == "fail"
