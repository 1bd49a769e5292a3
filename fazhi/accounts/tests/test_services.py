"""Account services: the duty split of the three administrators and its audit entries."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from fazhi.accounts import services
from fazhi.accounts.models import RoleAssignment, User
from fazhi.accounts.tests.conftest import PASSWORD, actions

NEW_PASSWORD = "Neue-Passwort-2026"


@pytest.fixture
def admins(make_user: Any) -> dict[str, User]:
    return {
        role: make_user(role.replace("_", "-"), admin_role=role)
        for role in ("sys_admin", "sec_admin", "audit_admin")
    }


def test_system_admin_creates_a_user_without_any_permission(
    admins: dict[str, User], org_tree: Any, audit_log: list[dict[str, Any]]
) -> None:
    user = services.user_create(
        actor=admins["sys_admin"], username="LiSi", password=NEW_PASSWORD,
        full_name="李四", agency=org_tree.xincheng_market,
    )
    assert user.roles() == set()
    assert user.admin_role == ""
    assert list(user.scope_grants()) == []
    assert not user.is_superuser
    assert not user.is_staff
    assert user.check_password(NEW_PASSWORD)
    assert actions(audit_log) == ["accounts.user.create"]
    assert "password" not in str(audit_log[0]["after"])


@pytest.mark.parametrize("role", ["sec_admin", "audit_admin"])
def test_only_the_system_admin_creates_users(
    admins: dict[str, User], role: str, audit_log: list[dict[str, Any]]
) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(actor=admins[role], username="lisi", password=NEW_PASSWORD)
    assert not User.objects.filter(username="lisi").exists()
    assert audit_log == []


def test_business_user_cannot_create_users(make_user: Any, org_tree: Any) -> None:
    leader = make_user("leader", role="agency_leader", agency=org_tree.hohhot_market)
    with pytest.raises(PermissionDenied):
        services.user_create(actor=leader, username="lisi", password=NEW_PASSWORD)


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [
        ("admin", NEW_PASSWORD, "username"),
        ("SYS-ADMIN", NEW_PASSWORD, "username"),  # exists as sys-admin, other case
        ("wangwu", "short1A!", "password"),
        ("wangwu", "alllowercaseletters", "password"),
    ],
)
def test_user_create_refuses_bad_input_with_the_field_named(
    admins: dict[str, User], username: str, password: str, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        services.user_create(actor=admins["sys_admin"], username=username, password=password)
    assert field in info.value.message_dict


def test_usernames_are_unique_regardless_of_case_in_the_database(make_user: Any) -> None:
    make_user("zhang")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="Zhang", password=PASSWORD)


def test_security_admin_grants_and_revokes(
    admins: dict[str, User], make_user: Any, org_tree: Any, audit_log: list[dict[str, Any]]
) -> None:
    user = make_user("zhao", agency=org_tree.xincheng_market)
    assignment = services.role_assign(
        actor=admins["sec_admin"], user=user, role="officer", scope="agency",
        agency=org_tree.xincheng_market,
    )
    assert User.objects.get(pk=user.pk).roles() == {"officer"}
    services.role_revoke(actor=admins["sec_admin"], assignment=assignment)
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert actions(audit_log) == ["accounts.role.assign", "accounts.role.revoke"]


@pytest.mark.parametrize("role", ["sys_admin", "audit_admin"])
def test_only_the_security_admin_grants(
    admins: dict[str, User], make_user: Any, org_tree: Any, role: str
) -> None:
    user = make_user("zhao", agency=org_tree.xincheng_market)
    with pytest.raises(PermissionDenied):
        services.role_assign(
            actor=admins[role], user=user, role="officer", scope="agency",
            agency=org_tree.xincheng_market,
        )
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_an_administrator_cannot_receive_a_business_role(
    admins: dict[str, User], org_tree: Any, audit_log: list[dict[str, Any]]
) -> None:
    with pytest.raises(ValidationError) as info:
        services.role_assign(
            actor=admins["sec_admin"], user=admins["audit_admin"], role="supervisor",
            scope="region",
        )
    assert "三员" in str(info.value) or "administrator" in str(info.value)
    assert not RoleAssignment.objects.filter(user=admins["audit_admin"]).exists()
    assert audit_log == []


def test_a_business_user_cannot_become_an_administrator(
    admins: dict[str, User], make_user: Any, org_tree: Any
) -> None:
    officer = make_user("qian", role="officer", agency=org_tree.hohhot_market)
    with pytest.raises(ValidationError):
        services.admin_role_set(actor=admins["sec_admin"], user=officer, admin_role="audit_admin")
    assert User.objects.get(pk=officer.pk).admin_role == ""


def test_admin_role_set_by_security_admin_only_and_never_on_self(
    admins: dict[str, User], make_user: Any, audit_log: list[dict[str, Any]]
) -> None:
    fresh = make_user("sun")
    with pytest.raises(PermissionDenied):
        services.admin_role_set(actor=admins["sys_admin"], user=fresh, admin_role="audit_admin")
    with pytest.raises(PermissionDenied):
        services.admin_role_set(
            actor=admins["sec_admin"], user=admins["sec_admin"], admin_role=""
        )
    services.admin_role_set(actor=admins["sec_admin"], user=fresh, admin_role="audit_admin")
    assert User.objects.get(pk=fresh.pk).admin_role == "audit_admin"
    assert actions(audit_log) == ["accounts.admin_role.set"]
    assert audit_log[0]["before"]["admin_role"] == ""
    assert audit_log[0]["after"]["admin_role"] == "audit_admin"


def test_error_message_is_chinese_by_default(admins: dict[str, User]) -> None:
    with translation.override("zh-hans"), pytest.raises(PermissionDenied) as info:
        services.user_create(actor=admins["audit_admin"], username="x1", password=NEW_PASSWORD)
    assert "系统管理员" in str(info.value)


def test_deactivating_a_user_ends_all_their_sessions(
    admins: dict[str, User], make_user: Any, org_tree: Any, audit_log: list[dict[str, Any]]
) -> None:
    """security.md SESS-3: two live sessions, disable → both next requests rejected."""
    user = make_user("zhou", role="officer", agency=org_tree.xincheng_market)
    other = make_user("wu", role="officer", agency=org_tree.xincheng_market)
    web, terminal, bystander = Client(), Client(), Client()
    for client, name in ((web, "zhou"), (terminal, "zhou"), (bystander, "wu")):
        response = client.post("/accounts/login/", {"username": name, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get("/").status_code == 200
    services.user_deactivate(actor=admins["sys_admin"], user=user)
    for client in (web, terminal):
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert bystander.get("/").status_code == 200
    assert Session.objects.count() == 1
    assert actions(audit_log)[-1] == "accounts.user.deactivate"
    assert audit_log[-1]["detail"] == {"sessions_ended": 2}
    assert other.is_active


def test_audit_admin_cannot_deactivate(admins: dict[str, User], make_user: Any) -> None:
    user = make_user("zheng")
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=admins["audit_admin"], user=user)
    assert User.objects.get(pk=user.pk).is_active


def test_password_change_checks_old_password_and_policy(
    make_user: Any, audit_log: list[dict[str, Any]]
) -> None:
    user = make_user("feng")
    with pytest.raises(ValidationError) as info:
        services.password_change(user=user, old_password="wrong", new_password=NEW_PASSWORD)
    assert "old_password" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        services.password_change(user=user, old_password=PASSWORD, new_password="weakpassword")
    assert "new_password" in info.value.message_dict
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    services.password_change(user=user, old_password=PASSWORD, new_password=NEW_PASSWORD)
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert actions(audit_log) == ["accounts.password.change"]


def test_each_admin_action_writes_exactly_one_real_audit_entry(
    admins: dict[str, User], org_tree: Any
) -> None:
    """ACC-5 against fazhi.audit: one entry per action, naming the acting administrator."""
    from fazhi.audit.models import AuditEntry

    user = services.user_create(
        actor=admins["sys_admin"], username="chen", password=NEW_PASSWORD,
        agency=org_tree.hohhot_market,
    )
    grant = services.role_assign(
        actor=admins["sec_admin"], user=user, role="officer", scope="agency",
        agency=org_tree.hohhot_market,
    )
    services.role_revoke(actor=admins["sec_admin"], assignment=grant)
    services.user_deactivate(actor=admins["sys_admin"], user=user)
    rows = list(AuditEntry.objects.order_by("seq").values_list("action", "actor_id", "target_id"))
    assert rows == [
        ("accounts.user.create", admins["sys_admin"].pk, str(user.pk)),
        ("accounts.role.assign", admins["sec_admin"].pk, str(user.pk)),
        ("accounts.role.revoke", admins["sec_admin"].pk, str(user.pk)),
        ("accounts.user.deactivate", admins["sys_admin"].pk, str(user.pk)),
    ]


def test_a_refused_grant_writes_nothing(admins: dict[str, User]) -> None:
    from fazhi.audit.models import AuditEntry

    with pytest.raises(ValidationError):
        services.role_assign(
            actor=admins["sec_admin"], user=admins["sys_admin"], role="officer", scope="region"
        )
    assert not AuditEntry.objects.exists()
