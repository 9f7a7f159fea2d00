"""LL-SEC-004: TLS verification switched off in Python, Java, PHP, C#, Go, TypeScript and .env; the verifying forms are silent."""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-004"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)
