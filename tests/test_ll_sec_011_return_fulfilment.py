"""LL-SEC-011: order updates in the url_return handler, in Java, PHP and Python; display-only return handlers are silent."""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-011"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)
