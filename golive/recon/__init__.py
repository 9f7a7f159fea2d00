"""Reconciliation (对账, guide 九 商户对账, docs/protocol.md §9): LianLian's daily statement files,
how merchants fetch them (a local folder or SFTP), and the reconciliation of those files against the
merchant's ledger by ``settle_date``.

* `statements` reads and writes JYMX (payment detail), JYMXSUM (daily summary) and FKMX (payout
  detail) with exact decimals and ``file:line`` in every problem;
* `books` reads the merchant's ledger CSV with the columns reconciliation needs;
* `engine` reconciles the two and returns every difference with both rows, redacted;
* `fetch` and `sftp` get the files the way merchants do.
"""
