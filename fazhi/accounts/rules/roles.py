"""Roles and the separation of the three administrators (三员分立).

Basis: GB/T 22239-2019 level 3, 安全管理中心 and 访问控制 d (security.md a2, ACC-5): the system,
security and audit administrators are separate posts; none of them holds a business role or sees
business records. The system administrator creates and disables accounts but grants nothing; the
security administrator grants and revokes permissions and unlocks accounts but creates no account;
the audit administrator only reads the audit trail. Pure: no Django imports.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class Role(StrEnum):
    SUPERVISOR = "supervisor"  # 司法厅执法监督人员
    AGENCY_LEADER = "agency_leader"  # 机关负责人
    OFFICER = "officer"  # 行政执法人员
    LEGAL_REVIEWER = "legal_reviewer"  # 法制审核人员
    RECONSIDERATION_STAFF = "reconsideration_staff"  # 行政复议人员
    MEDIATOR = "mediator"  # 人民调解员
    ASSESSMENT_STAFF = "assessment_staff"  # 考核人员


class AdminRole(StrEnum):
    SYSTEM = "sys_admin"  # 系统管理员: accounts, configuration, backups
    SECURITY = "sec_admin"  # 安全管理员: grants, security parameters
    AUDIT = "audit_admin"  # 审计管理员: reads the audit trail, nothing else


class Conflict(StrEnum):
    """Why a combination of posts is refused (the service turns it into a Chinese message)."""

    ADMIN_WITH_BUSINESS_ROLE = "admin_with_business_role"


class Duty(StrEnum):
    """Account-management duties and the administrator post that performs each (a2)."""

    USER_CREATE = "user_create"
    USER_DEACTIVATE = "user_deactivate"
    ROLE_ASSIGN = "role_assign"
    ROLE_REVOKE = "role_revoke"
    ADMIN_ROLE_SET = "admin_role_set"
    USER_UNLOCK = "user_unlock"


DUTIES: dict[Duty, frozenset[AdminRole]] = {
    # System administrator: accounts (create/disable). Does not grant permissions.
    Duty.USER_CREATE: frozenset({AdminRole.SYSTEM}),
    # SESS-3 / a2: disabling is account operation (system) or a security response (security).
    Duty.USER_DEACTIVATE: frozenset({AdminRole.SYSTEM, AdminRole.SECURITY}),
    # Security administrator: grants and revokes permissions, unlocks (AUTH-4), sets the posts.
    Duty.ROLE_ASSIGN: frozenset({AdminRole.SECURITY}),
    Duty.ROLE_REVOKE: frozenset({AdminRole.SECURITY}),
    Duty.ADMIN_ROLE_SET: frozenset({AdminRole.SECURITY}),
    Duty.USER_UNLOCK: frozenset({AdminRole.SECURITY}),
}

# AUTH-1: no default or reserved accounts.
RESERVED_USERNAMES = frozenset(
    {"admin", "administrator", "root", "test", "sysadmin", "system", "guest", "superuser"}
)


def admin_role_conflict(
    *, admin_role: str | None, business_roles: frozenset[str]
) -> Conflict | None:
    """Return why this combination is refused, or None when it is allowed.

    An administrator holds exactly one of the three posts (one field, so two are impossible) and
    no business role; a business user holds no administrator post (ACC-5).
    """
    if admin_role and business_roles:
        return Conflict.ADMIN_WITH_BUSINESS_ROLE
    return None


def duty_allowed(*, admin_role: str | None, duty: Duty) -> bool:
    """Whether an actor holding `admin_role` may perform `duty` (a2 duty split)."""
    return bool(admin_role) and admin_role in DUTIES[duty]


def normalize_username(username: str) -> str:
    """NFKC-normalised, stripped, lower-cased form used for uniqueness and lockout (AUTH-1)."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def username_reserved(username: str) -> bool:
    return normalize_username(username) in RESERVED_USERNAMES
