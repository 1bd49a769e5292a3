"""One demo account per role, and the three administrators with a confirmed TOTP device."""

from __future__ import annotations

import random
from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi.accounts.models import ADMIN_ROLE_LABELS, ROLE_LABELS, SCOPE_LABELS, RoleAssignment, User
from fazhi.accounts.rules.roles import AdminRole, Role
from fazhi.core.scope import DataScope
from fazhi.orgs.models import Agency, Division

# Printed by `seed` and `make run`; meets the password policy (≥ 12 characters, 3 of 4 classes).
DEMO_PASSWORD = "Fazhi@Demo2026"  # noqa: S105 - a documented demo credential


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str = ""
    scope: str = ""
    agency: str = ""  # agency name
    division: str = ""  # division code for the "division" scope
    admin_role: str = ""


DEMO_ACCOUNTS = (
    DemoAccount("demo_supervisor", "演示执法监督员", Role.SUPERVISOR, DataScope.REGION,
                "内蒙古自治区司法厅"),
    DemoAccount("demo_agency_leader", "演示机关负责人", Role.AGENCY_LEADER, DataScope.AGENCY,
                "呼和浩特市市场监督管理局"),
    DemoAccount("demo_officer", "演示执法人员", Role.OFFICER, DataScope.SELF,
                "呼和浩特市市场监督管理局"),
    DemoAccount("demo_legal_reviewer", "演示法制审核员", Role.LEGAL_REVIEWER, DataScope.AGENCY,
                "呼和浩特市市场监督管理局"),
    DemoAccount("demo_reconsideration_staff", "演示复议人员", Role.RECONSIDERATION_STAFF,
                DataScope.DIVISION, "呼和浩特市司法局", "150100"),
    DemoAccount("demo_mediator", "演示调解员", Role.MEDIATOR, DataScope.DIVISION,
                "新城区司法局", "150102"),
    DemoAccount("demo_assessment_staff", "演示考核人员", Role.ASSESSMENT_STAFF, DataScope.REGION,
                "内蒙古自治区司法厅"),
    DemoAccount("demo_sys_admin", "演示系统管理员", admin_role=AdminRole.SYSTEM),
    DemoAccount("demo_sec_admin", "演示安全管理员", admin_role=AdminRole.SECURITY),
    DemoAccount("demo_audit_admin", "演示审计管理员", admin_role=AdminRole.AUDIT),
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role_label: str
    where: str
    otpauth_url: str = ""
    otp_secret: str = ""


def demo_accounts_ensure(rng: random.Random) -> tuple[int, list[DemoLogin]]:
    """Create the missing demo accounts; return (number created, login table for printing).

    Existing accounts are left as they are (their password may have been changed on purpose).
    """
    keys = [f"{rng.getrandbits(160):040x}" for _ in DEMO_ACCOUNTS]  # drawn even when unused
    created = 0
    logins: list[DemoLogin] = []
    agencies = {
        a.name: a
        for a in Agency.objects.filter(name__in=[d.agency for d in DEMO_ACCOUNTS if d.agency])
        .select_related("government__division")
        .order_by("government__division__depth")
    }
    for spec, key in zip(DEMO_ACCOUNTS, keys, strict=True):
        agency = agencies.get(spec.agency) if spec.agency else None
        if spec.agency and agency is None:
            continue  # a small region scale may not contain this agency
        user = User.objects.filter(username__iexact=spec.username).first()
        if user is None:
            user = User(
                username=spec.username, full_name=spec.full_name, agency=agency,
                admin_role=spec.admin_role,
            )
            validate_password(DEMO_PASSWORD, user)
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
            if spec.role:
                division = Division.objects.get(code=spec.division) if spec.division else None
                RoleAssignment.objects.create(
                    user=user, role=spec.role, scope=spec.scope, agency=agency, division=division
                )
        if spec.admin_role:
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="demo", defaults={"confirmed": True, "key": key}
            )
            secret = b32encode(device.bin_key).decode()
            label = str(ADMIN_ROLE_LABELS[AdminRole(spec.admin_role)])
            logins.append(DemoLogin(spec.username, label, "—", device.config_url, secret))
        else:
            label = f"{ROLE_LABELS[Role(spec.role)]}（{SCOPE_LABELS[DataScope(spec.scope)]}）"
            logins.append(DemoLogin(spec.username, label, agency.name if agency else "—"))
    return created, logins
