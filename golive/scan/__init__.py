"""`golive scan`: LL-SEC-* rules over a merchant's repository (the CI gate on code).

Several go-live defects are invisible to black-box probes and plain in code: a private key or
MD5 key committed, TLS verification switched off, notification bodies with ID numbers logged, an
acknowledgement written before the order update. The scanner finds them with LianLian-specific
rules (field names, key formats, the ack contract of protocol.md §5.1).

Layout (each module small and single-purpose):

* `model`   -- the vocabulary: a rule's scanning definition, hits, findings, the scan report.
* `source`  -- one file's text with line/column arithmetic and snippet redaction.
* `rules`   -- loads the rule definitions from ``golive.checks.sec`` (one file per rule).
* `files`   -- which files to read (git-tracked by default), streamed with size/binary limits.
* `gitlog`  -- the ``--history`` pass over ``git log -p``.
* `syntax`  -- the tree-sitter engine (optional ``[scan]`` extra) and its per-language views.
* `handlers`-- LianLian semantics over syntax: notify/return handlers, acks, order updates.
* `suppress`, `baseline` -- noise control; `runner` -- one scan end to end.
* `output`, `sarif` -- text, ``golive.scan/1`` JSON and SARIF 2.1.0.
* `results` -- the loader and `findings_for` that ``golive check`` uses to judge LL-SEC checks.

The key and credential pass (LL-SEC-001..003) is plain Python and runs on the base install; the
code rules need tree-sitter (README "golive scan" explains the choice and its cost).
"""

from __future__ import annotations

SCAN_SCHEMA = "golive.scan/1"
BASELINE_SCHEMA = "golive.scan-baseline/1"
