"""Roles and the separation of the three administrators (三员分立).

Basis: GB/T 22239-2019 level 3, 安全管理中心 and 访问控制 d (security.md a2, ACC-5): the system,
security and audit administrators are separate posts; none of them holds a business role or sees
business records. Pure: no Django imports.
"""

from __future__ import annotations

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


def admin_role_conflict(*, admin_role: str | None, business_roles: frozenset[str]) -> str | None:
    """Return why this combination is refused, or None when it is allowed.

    An administrator holds exactly one of the three posts (one field, so two are impossible) and
    no business role.
    """
    if admin_role and business_roles:
        return "三员（系统管理员、安全管理员、审计管理员）不得兼任业务角色"
    return None
