"""Password policy (security.md AUTH-2; GB/T 22239 身份鉴别 a): ≥12 characters and at least 3
of the 4 classes lower / upper / digit / symbol; long passwords are accepted and not truncated."""

from __future__ import annotations

import string

import pytest
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    validate_password,
)
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.accounts.passwords import character_classes


def accepted(password: str) -> bool:
    try:
        validate_password(password)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefgh1!x", False),  # 11 characters, 4 classes: one short of the boundary
        ("Abcdefgh1!xy", True),  # 12 characters, 4 classes: at the boundary
        ("abcdefghij1!", True),  # 3 classes: lower, digit, symbol
        ("ABCDEFGHIJ1!", True),  # 3 classes: upper, digit, symbol
        ("Abcdefghijk1", True),  # 3 classes: upper, lower, digit
        ("abcdefghijk1", False),  # 2 classes
        ("abcdefghijkl", False),  # 1 class
        ("法治政府建设一体化平台Ab1", True),  # CJK letters count as no class; 3 classes remain
        ("法治政府建设一体化平台ab", False),
        ("Zq7!" * 16, True),  # 64 characters
    ],
)
def test_policy_table(password: str, ok: bool) -> None:
    assert accepted(password) is ok


def test_long_password_is_not_truncated(make_user) -> None:  # type: ignore[no-untyped-def]
    long = "Zq7!" * 16 + "tail"
    user = make_user("longpw", password=long)
    assert user.check_password(long)
    assert not user.check_password(long[:64])


CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation)
COMMON = CommonPasswordValidator().passwords


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.ascii_letters + string.digits + string.punctuation, max_size=40))
def test_generated_passwords_follow_the_rule_exactly(password: str) -> None:
    classes = sum(any(c in cls for c in password) for cls in CLASSES)
    expected = len(password) >= 12 and classes >= 3 and password.lower().strip() not in COMMON
    assert character_classes(password) == classes
    assert accepted(password) is expected
