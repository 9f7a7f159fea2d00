"""golive.safe_json: bounded JSON for untrusted files -- depth, number length, NaN -- with positions."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from golive import safe_json
from golive.safe_json import JSONInputError


def test_ordinary_json_reads_as_json_does() -> None:
    text = '{"a": [1, 2.50, "x", null, true], "b": {"c": "\\u4e2d"}}'
    assert safe_json.loads(text) == json.loads(text)
    assert safe_json.loads(text, parse_float=Decimal)["a"][1] == Decimal("2.50")


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_nesting_deeper_than_the_cap_is_refused_with_its_position(depth: int) -> None:
    with pytest.raises(JSONInputError, match="nested deeper than 64 levels at line 1, column 65"):
        safe_json.loads("[" * depth + "]" * depth)


def test_nesting_at_the_cap_reads_and_brackets_inside_strings_do_not_count() -> None:
    assert safe_json.loads("[" * 64 + "]" * 64) is not None
    assert safe_json.loads(json.dumps({"risk_item": "[" * 500})) == {"risk_item": "[" * 500}
    assert safe_json.loads("[" * 100 + "]" * 100, max_depth=128) is not None


def test_a_5000_digit_number_is_refused_not_a_crash() -> None:
    # json.loads raises a bare ValueError from inside the scanner (Python's int-string limit)
    with pytest.raises(JSONInputError, match=r"number longer than 100 characters at line 2, column 12"):
        safe_json.loads('{"a":\n "x", ' + '"b": ' + "1" * 5000 + "}")
    with pytest.raises(JSONInputError, match="number longer"):
        safe_json.loads("[0." + "1" * 5000 + "]", parse_float=Decimal)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant: str) -> None:
    # the same word inside a string is no problem; the bare value is, and its column is given
    with pytest.raises(JSONInputError, match=f"{constant} is not a JSON value at line 1, column 9"):
        safe_json.loads('["NaN", ' + constant + "]")


def test_syntax_errors_keep_their_position() -> None:
    with pytest.raises(JSONInputError) as caught:
        safe_json.loads('{"a": 1,\n "b" 2}')
    assert caught.value.lineno == 2 and caught.value.colno == 6 and caught.value.msg.startswith("not valid JSON")
    assert isinstance(caught.value, ValueError)


def test_raw_decode_checks_only_the_value_it_decoded() -> None:
    window = '{"a": [[1]]}, ' + "[" * 200
    value, end = safe_json.raw_decode(window, 0, parse_float=Decimal)
    assert value == {"a": [[1]]} and window[end] == ","
    with pytest.raises(JSONInputError, match="nested deeper"):
        safe_json.raw_decode("[" * 70 + "]" * 70 + ", 1")


def test_lone_surrogates_are_found_and_escaped() -> None:
    text = '{"a": "\\ud800", "ok": "\\ud83d\\ude00"}'
    value = safe_json.loads(text)
    assert safe_json.has_lone_surrogate(text, value)
    assert not safe_json.has_lone_surrogate('{"ok": "\\ud83d\\ude00"}', safe_json.loads('{"ok": "\\ud83d\\ude00"}'))
    assert safe_json.escape_lone_surrogates(value) == {"a": "\\ud800", "ok": "\U0001F600"}
