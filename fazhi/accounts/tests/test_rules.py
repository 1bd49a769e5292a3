"""Pure rules: no database (三员分立, security.md a2 / ACC-5; usernames AUTH-1)."""

from __future__ import annotations

import pytest

from fazhi.accounts.rules.roles import (
    DUTIES,
    AdminRole,
    Conflict,
    Duty,
    Role,
    admin_role_conflict,
    duty_allowed,
    normalize_username,
    username_reserved,
)


@pytest.mark.parametrize("admin_role", list(AdminRole))
@pytest.mark.parametrize("role", list(Role))
def test_no_administrator_holds_a_business_role(admin_role: str, role: str) -> None:
    conflict = admin_role_conflict(admin_role=admin_role, business_roles=frozenset({role}))
    assert conflict is Conflict.ADMIN_WITH_BUSINESS_ROLE


@pytest.mark.parametrize(
    ("admin_role", "roles"),
    [("", frozenset({"officer", "mediator"})), ("sec_admin", frozenset()), (None, frozenset())],
)
def test_allowed_combinations(admin_role: str | None, roles: frozenset[str]) -> None:
    assert admin_role_conflict(admin_role=admin_role, business_roles=roles) is None


# The duty table of a2, written out independently of DUTIES.
EXPECTED = {
    (Duty.USER_CREATE, AdminRole.SYSTEM): True,
    (Duty.USER_CREATE, AdminRole.SECURITY): False,
    (Duty.USER_CREATE, AdminRole.AUDIT): False,
    (Duty.ROLE_ASSIGN, AdminRole.SYSTEM): False,
    (Duty.ROLE_ASSIGN, AdminRole.SECURITY): True,
    (Duty.ROLE_ASSIGN, AdminRole.AUDIT): False,
    (Duty.ROLE_REVOKE, AdminRole.SECURITY): True,
    (Duty.ROLE_REVOKE, AdminRole.SYSTEM): False,
    (Duty.ADMIN_ROLE_SET, AdminRole.SECURITY): True,
    (Duty.ADMIN_ROLE_SET, AdminRole.SYSTEM): False,
    (Duty.USER_DEACTIVATE, AdminRole.SYSTEM): True,
    (Duty.USER_DEACTIVATE, AdminRole.SECURITY): True,
    (Duty.USER_DEACTIVATE, AdminRole.AUDIT): False,
    (Duty.USER_UNLOCK, AdminRole.SECURITY): True,
    (Duty.USER_UNLOCK, AdminRole.SYSTEM): False,
}


@pytest.mark.parametrize(("case", "allowed"), EXPECTED.items(), ids=lambda c: str(c))
def test_duty_split(case: tuple[Duty, AdminRole], allowed: bool) -> None:
    duty, admin_role = case
    assert duty_allowed(admin_role=admin_role, duty=duty) is allowed


@pytest.mark.parametrize("duty", list(Duty))
def test_audit_admin_and_business_users_perform_no_duty(duty: Duty) -> None:
    assert not duty_allowed(admin_role=AdminRole.AUDIT, duty=duty)
    assert not duty_allowed(admin_role="", duty=duty)
    assert duty in DUTIES


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("ZhangSan", "zhangsan"), (" zhang ", "zhang"), ("ＺＨＡＮＧ", "zhang"), ("ﬁ", "fi")],
)
def test_usernames_are_nfkc_and_case_folded(raw: str, normal: str) -> None:
    assert normalize_username(raw) == normal


@pytest.mark.parametrize(
    ("name", "reserved"), [("admin", True), ("ROOT", True), ("ｔｅｓｔ", True), ("zhangsan", False)]
)
def test_reserved_usernames(name: str, reserved: bool) -> None:
    assert username_reserved(name) is reserved
