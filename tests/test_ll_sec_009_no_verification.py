"""LL-SEC-009: notify handlers that act before verifying the signature, in Java, PHP, Python, JavaScript and Go; verify-first handlers are silent."""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-009"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)
