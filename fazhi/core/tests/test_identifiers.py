"""Resident ID and credit code validation with the rulebook §9.1 / §9.2 vectors."""

from datetime import date

import pytest
from django.utils import translation

from fazhi.core.identifiers import (
    IdentifierError,
    credit_code_check_char,
    credit_code_embedded_org_code_ok,
    organisation_code_check_char,
    resident_id_check_char,
    resident_id_from_legacy,
    validate_credit_code,
    validate_resident_id,
)


@pytest.mark.parametrize(
    "value",
    [
        "11010519491231002X",  # the standard's example
        "440524188001010014",  # the standard's example; 440524 abolished in 1993, born 1880
        "150102199003071237",
        "150602199003071234",  # 东胜区 code (2001) for a person born in 1990
        "152502199003071230",
    ],
)
def test_rulebook_valid_resident_ids(value):
    assert validate_resident_id(value) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),  # lower-case x normalised
        (" 1101 0519-4912 3100 2X ", "11010519491231002X"),  # spaces and hyphens inside
        ("１５０１０２１９９００３０７１２３７", "150102199003071237"),  # full-width digits
    ],
)
def test_resident_id_is_normalised(value, expected):
    assert validate_resident_id(value) == expected


def _with_check(first17: str) -> str:
    return first17 + resident_id_check_char(first17)


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (
            "150102198001010011",  # rulebook: check digit should be 4
            "The check character of the resident ID number is wrong.",
            "公民身份号码的校验码错误。",
        ),
        (
            "15010219900307123",
            "A resident ID number must have 18 characters.",
            "公民身份号码应为18位。",
        ),
        (
            "",
            "A resident ID number must have 18 characters.",
            "公民身份号码应为18位。",
        ),
        (
            "15010219900307123Y",
            "A resident ID number may only contain digits, with X as its last character.",
            "公民身份号码只能由数字组成，最后一位可以是X。",
        ),
        (
            _with_check("15010219900230123"),  # 30 February
            "The birth date in the resident ID number is not valid.",
            "公民身份号码中的出生日期无效。",
        ),
        (
            _with_check("15010220990307123"),
            "The birth date in the resident ID number is in the future.",
            "公民身份号码中的出生日期晚于今天。",
        ),
        (
            _with_check("99999919900307123"),
            "The first six digits of the resident ID number are not an administrative division "
            "code.",
            "公民身份号码的前六位不是行政区划代码。",
        ),
    ],
)
def test_invalid_resident_ids_name_the_problem(value, en, zh):
    with translation.override("en"), pytest.raises(IdentifierError) as info:
        validate_resident_id(value)
    assert str(info.value) == en
    with translation.override("zh-hans"), pytest.raises(IdentifierError) as info:
        validate_resident_id(value)
    assert str(info.value) == zh


def test_birth_date_boundary_against_today():
    value = _with_check("15010220260305123")
    assert validate_resident_id(value, today=date(2026, 3, 5)) == value  # born today
    with pytest.raises(IdentifierError):
        validate_resident_id(value, today=date(2026, 3, 4))  # the day before birth


def test_legacy_fifteen_digit_number_is_converted():
    assert resident_id_from_legacy("150102900307123") == "150102199003071237"
    assert resident_id_from_legacy("150102 900307 123") == "150102199003071237"
    with translation.override("zh-hans"), pytest.raises(IdentifierError) as info:
        resident_id_from_legacy("15010290030712")
    assert str(info.value) == "旧版公民身份号码应为15位数字。"
    with pytest.raises(IdentifierError):
        resident_id_from_legacy("150102900230123")  # 30 February 1990


@pytest.mark.parametrize(
    "value", ["91350100M000100Y43", "91110000802100433B", "91150100MA0N00008Q"]
)
def test_rulebook_valid_credit_codes(value):
    assert validate_credit_code(value) == value
    assert credit_code_embedded_org_code_ok(value)


def test_credit_code_is_normalised():
    assert validate_credit_code("91350100-m000100y43") == "91350100M000100Y43"
    assert validate_credit_code("９１３５ ０１００ Ｍ０００ １００Ｙ４３") == "91350100M000100Y43"


def test_credit_code_of_other_registration_authority_y():
    # GB 32100-2015: the registration authority code may be a letter (Y = other authorities).
    first17 = "Y1150100MA0N00008"
    code = first17 + credit_code_check_char(first17)
    assert validate_credit_code(code) == code


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (
            "911101087336004389",  # rulebook: check should be H
            "The check character of the unified social credit code is wrong.",
            "统一社会信用代码的校验码错误。",
        ),
        (
            "91350100M000100Y4",
            "A unified social credit code must have 18 characters.",
            "统一社会信用代码应为18位。",
        ),
        (
            "91350100M000100I43",  # I is not in the character set
            "The unified social credit code contains characters that are not allowed.",
            "统一社会信用代码含有不允许使用的字符。",
        ),
        (
            "9135A100M000100Y43",  # division code positions must be digits
            "The unified social credit code contains characters that are not allowed.",
            "统一社会信用代码含有不允许使用的字符。",
        ),
    ],
)
def test_invalid_credit_codes_name_the_problem(value, en, zh):
    with translation.override("en"), pytest.raises(IdentifierError) as info:
        validate_credit_code(value)
    assert str(info.value) == en
    with translation.override("zh-hans"), pytest.raises(IdentifierError) as info:
        validate_credit_code(value)
    assert str(info.value) == zh


def test_the_rulebook_invalid_code_is_valid_with_check_h():
    assert validate_credit_code("91110108733600438H") == "91110108733600438H"


def test_organisation_code_soft_check():
    assert organisation_code_check_char("MA0N0000") == "8"
    assert organisation_code_check_char("00000006") == "X"
    assert organisation_code_check_char("00000000") == "0"
    first17 = "91150100MA0N00009"  # wrong embedded check, right outer check
    code = first17 + credit_code_check_char(first17)
    assert validate_credit_code(code) == code  # warn, do not reject
    assert not credit_code_embedded_org_code_ok(code)
