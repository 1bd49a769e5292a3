"""The back-office menu: the five sub-platforms plus the tools each role needs.

Parts not built yet point at a page that says so (never a 404). Each item names the roles that see
it; the three administrators see only their own tools (security.md ACC-5).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fazhi.accounts.rules.roles import AdminRole, Role

BUSINESS = frozenset(Role)
# Who works in sub-platform 4 (enforcement supervision).
ENFORCEMENT = frozenset(
    {Role.SUPERVISOR, Role.AGENCY_LEADER, Role.OFFICER, Role.LEGAL_REVIEWER}
)


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    roles: frozenset[str]
    url_kwargs: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, kwargs=dict(self.url_kwargs))


SUB_PLATFORMS = (
    ("laws", _("Laws & normative documents")),
    ("disputes", _("Dispute resolution")),
    ("decisions", _("Major administrative decisions")),
    ("enforcement", _("Enforcement supervision")),
)

NAV: tuple[NavItem, ...] = (
    NavItem("home", _("Workbench"), "workbench:home", BUSINESS),
    NavItem("laws", _("Laws & normative documents"), "laws:law-list", BUSINESS),
    NavItem("laws-search", _("Provision search"), "laws:search", BUSINESS),
    NavItem("laws-recommend", _("Find the applicable provision"), "laws:recommend", BUSINESS),
    *(
        NavItem(key, label, "workbench:platform", BUSINESS, (("key", key),))
        for key, label in SUB_PLATFORMS
        if key not in ("laws", "enforcement")
    ),
    NavItem("enforcement", _("Enforcement cases"), "enforcement:case-list", BUSINESS),
    NavItem("alerts", _("Supervision alerts"), "enforcement:alert-list", ENFORCEMENT),
    NavItem("subjects", _("Enforcement subjects"), "enforcement:subject-list", ENFORCEMENT),
    NavItem("officers", _("Enforcement officers"), "enforcement:officer-list", ENFORCEMENT),
    NavItem("authority", _("Authority lists"), "enforcement:authority-list", ENFORCEMENT),
    NavItem("first-violation", _("First-violation lists"), "enforcement:fvl-list", ENFORCEMENT),
    NavItem("disclosures", _("Enforcement disclosure"), "enforcement:disclosure-list", ENFORCEMENT),
    NavItem("assessment", _("Assessment"), "assessment:ranking", BUSINESS),
    NavItem("agencies", _("Agencies"), "orgs:agency-list", BUSINESS),
    NavItem("audit", _("Audit log"), "audit:entry-list", frozenset({AdminRole.AUDIT})),
    NavItem("admin-home", _("Administration"), "workbench:admin-home",
            frozenset({AdminRole.SYSTEM, AdminRole.SECURITY, AdminRole.AUDIT})),
)


def navigation_for(user: object) -> list[NavItem]:
    admin_role = getattr(user, "admin_role", "")
    held = {admin_role} if admin_role else set(user.roles())  # type: ignore[attr-defined]
    return [item for item in NAV if item.roles & held]
