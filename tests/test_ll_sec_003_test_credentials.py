"""LL-SEC-003: LianLian's published test merchant numbers and both spellings of the test MD5 key, in Java, PHP and .env."""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-003"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)
