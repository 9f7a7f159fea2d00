"""LL-SEC-002: MD5 keys assigned to LianLian-looking names in Java, PHP, Python, JS, properties, .env,
YAML and Web.config; environment reads and placeholders are silent.
"""

from __future__ import annotations

from scan_support import rule_tests

RULE = "LL-SEC-002"

test_finds_each_defect, test_silent_on_correct_forms, test_check_judges_the_scan = rule_tests(RULE)
