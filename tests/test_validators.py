"""Format validators (golive.lianlian.validators): each accepts the good and names the bad."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from golive.lianlian.validators import (
    FAST_ACCEPT,
    FORMAT_DESCRIPTIONS,
    FORMATS,
    Problem,
    ValidationContext,
    gb11643_check_char,
    quick_acceptors,
)

# 2026-11-30 12:00 UTC = 20:00 Beijing time
CTX = ValidationContext(datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc))


def check(fmt: str, value: str) -> Problem | None:
    return FORMATS[fmt](value, CTX)


def test_every_format_is_described_in_both_languages():
    assert set(FORMATS) == set(FORMAT_DESCRIPTIONS)
    assert all(d.zh and d.en for d in FORMAT_DESCRIPTIONS.values())


@pytest.mark.parametrize("value", ["20261130200000", "20240229235959", "19991231000000", "20261130202959"])
def test_datetime14_accepts_real_past_times(value):
    assert check("datetime14", value) is None


@pytest.mark.parametrize(("value", "needle"), [
    ("1499244264000", "epoch milliseconds"),
    ("1499244264", "epoch seconds"),
    ("201407251110120", "15 digits"),
    ("20230230120000", "not a real date"),
    ("20231301120000", "not a real date"),
    ("20231201250000", "not a real date"),
    ("20261130210000", "future"),  # one hour after the run, beyond the 30-minute tolerance
    ("2023-12-01 12:00:00", "separators"),
    ("20231201", "date only"),
    ("２０２３１２０１１２００００", "14 digits"),  # full-width digits are not ASCII digits
])
def test_datetime14_names_the_mistake(value, needle):
    problem = check("datetime14", value)
    assert problem is not None and needle in problem.en and problem.zh


def test_datetime14_any_allows_the_future_but_not_impossible_dates():
    assert check("datetime14_any", "20301231120000") is None
    assert check("datetime14_any", "20300231120000") is not None


def test_date8():
    assert check("date8", "20270101") is None
    assert check("date8", "20270229") is not None
    assert check("date8", "2027011") is not None


def _id(first17: str) -> str:
    return first17 + gb11643_check_char(first17)


def test_gb11643_check_character_matches_the_standard_example():
    # The worked example of GB 11643-1999: 11010519491231002X
    assert gb11643_check_char("11010519491231002") == "X"
    assert check("id_number", "11010519491231002X") is None
    assert check("id_number", "11010519491231002x") is None


@pytest.mark.parametrize(("value", "needle"), [
    ("110105194912310021", "check character"),
    ("110105194902300021", "birth-date"),
    ("110105230012310020", "implausible birth date"),
    ("010105194912310021", "province"),
    ("11010519491231002", "18 characters"),
    ("1101051949123100AX", "17 digits"),
])
def test_id_number_rejects(value, needle):
    problem = check("id_number", value)
    assert problem is not None and needle in problem.en


def test_id_number_accepts_valid_and_legacy_numbers():
    assert check("id_number", _id("44030519900101123")) is None
    assert check("id_number", "440305900101123") is None  # 15-digit card, born 1990-01-01
    assert check("id_number", "440305901301123") is not None  # month 13


def test_mobile_rules_and_uncertainty():
    assert check("mobile", "13812345678") is None
    problem = check("mobile", "12812345678")
    assert problem is not None and problem.uncertain  # the protocol states no rule
    assert "country code" in check("mobile", "+8613812345678").en
    assert "masked" in check("mobile", "138****5678").en
    assert check("mobile_masked", "1381234****") is None
    assert check("mobile_masked", "138123****8") is not None


def test_category_code_unknown_codes_are_uncertain():
    assert check("category_code", "2009") is None
    assert check("category_code", "2010") is None  # seen in live integrations, unlisted
    problem = check("category_code", "2999")
    assert problem is not None and problem.uncertain
    assert not check("category_code", "209").uncertain


@pytest.mark.parametrize(("fmt", "good", "bad"), [
    ("id_type", "0", "11"), ("id_type", "X", "x"), ("identify_state", "1", "2"), ("identify_type", "4", "5"),
    ("client_chnl", "16", "H5"), ("logistics_mode", "9", "10"), ("delivery_cycle", "72h", "96h"),
    ("zero_one", "0", "2"), ("app_request", "3", "4"), ("busi_partner", "109001", "100001"),
    ("ip", "203.0.113.7", "203_0_113_7"), ("ip", "2001:db8::1", "300.1.1.1"),
    ("ip_underscore", "122_11_37_211", "122.11.37.211"), ("email", "a@b.cn", "a@b"),
    ("amount", "49.65", "49.655"), ("amount", "0.01", "0.00"), ("count", "2", "0"),
    ("phone", "0571-88886666", "call me"), ("text", "x", "   "),
])
def test_code_sets_and_simple_formats(fmt, good, bad):
    assert check(fmt, good) is None
    problem = check(fmt, bad)
    assert problem is not None and problem.zh and problem.en


def test_ip_with_underscores_gets_a_hint():
    assert "underscores" in check("ip", "203_0_113_7").en


@pytest.mark.parametrize("fmt", sorted(FAST_ACCEPT))
def test_fast_accept_never_accepts_what_the_validator_refuses(fmt):
    samples = ["0", "1", "2", "9", "10", "X", "x", "", " 1", "0.00", "0.01", "49.65", "1.5", "012", "13812345678",
               "1381234****", "12812345678", "203.0.113.7", "256.1.1.1", "01.2.3.4", "a@b.cn", "a@b", "2009", "2999",
               "12h", "72h", "101001", "1999", "0.1", "00.10", "100000000000.00"]
    for value in samples:
        if FAST_ACCEPT[fmt](value):
            assert check(fmt, value) is None, (fmt, value)


_QUICK_SAMPLES = [
    "0", "1", "2", "9", "10", "X", "x", " 1", "0.00", "0.01", "49.65", "1.5", "012", "13812345678", "1381234****",
    "12812345678", "203.0.113.7", "203_0_113_7", "203_0_113_07", "256_1_1_1", "203_0.113_7", "_203_0_113_7",
    "256.1.1.1", "01.2.3.4", "a@b.cn", "a@b", "2009", "2999", "12h", "72h", "101001", "1999", "0.1", "00.10",
    "100000000000.00", "20261130200000", "20261130203000", "20261130203001", "20261201000000", "20240229235959",
    "20230229120000", "20230228235959", "20230230120000", "20231131000000", "20231128240000", "20231128236000",
    "20231128235960", "00000101000000", "00010101000000", "99991228235959", "2023112812000", "202311281200000",
    "２０２３１１２８１２００００", "20231128", "20230229", "00000101", "00010101", "20231128 ", "2023-11-28",
    "370202199208200676",
]


@pytest.mark.parametrize("fmt", sorted(quick_acceptors(CTX)))
def test_quick_acceptors_accept_blank_and_never_what_the_validator_refuses(fmt):
    quick = quick_acceptors(CTX)[fmt]
    assert quick("")
    for value in _QUICK_SAMPLES:
        if quick(value):
            assert check(fmt, value) is None, (fmt, value)
    if fmt in FAST_ACCEPT:  # everything the fast test accepts, the quick one does too
        assert all(quick(v) for v in _QUICK_SAMPLES if FAST_ACCEPT[fmt](v))


def test_quick_acceptors_take_the_usual_times_dates_and_underscored_ips():
    quick = quick_acceptors(ValidationContext(datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)))
    assert quick["datetime14"]("20261128203000")  # 20:00 Beijing time + the 30-minute tolerance
    assert not quick["datetime14"]("20261128203001")
    assert not quick_acceptors(CTX)["datetime14"]("20261130200000")  # day 30: the validator decides
    assert quick["datetime14_any"]("20991228235959") and not quick["datetime14_any"]("20230229120000")
    assert quick["date8"]("20231128") and not quick["date8"]("20231129")  # day 29: the validator decides
    assert quick["ip_underscore"]("203_0_113_7") and not quick["ip_underscore"]("203.0.113.7")
