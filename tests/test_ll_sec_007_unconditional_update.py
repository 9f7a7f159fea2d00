"""LL-SEC-007: updates that set the order state without testing it (SQL in Java, PHP, Go; MyBatis XML; Django; Sequelize); conditional updates are silent."""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-007"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)
