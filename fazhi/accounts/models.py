"""Users, their agency, their business roles with data scopes, and the three administrators."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from fazhi.accounts.rules.roles import AdminRole, Role
from fazhi.core.scope import DataScope, Grant, Scope
from fazhi.orgs.models import Agency, Division

ROLE_LABELS = {
    Role.SUPERVISOR: _("Department supervisor"),
    Role.AGENCY_LEADER: _("Agency leader"),
    Role.OFFICER: _("Enforcement officer"),
    Role.LEGAL_REVIEWER: _("Legal reviewer"),
    Role.RECONSIDERATION_STAFF: _("Reconsideration staff"),
    Role.MEDIATOR: _("Mediator"),
    Role.ASSESSMENT_STAFF: _("Assessment staff"),
}
ADMIN_ROLE_LABELS = {
    AdminRole.SYSTEM: _("System administrator"),
    AdminRole.SECURITY: _("Security administrator"),
    AdminRole.AUDIT: _("Audit administrator"),
}
SCOPE_LABELS = {
    DataScope.SELF: _("Own records"),
    DataScope.AGENCY: _("Own agency"),
    DataScope.DIVISION: _("Division and below"),
    DataScope.REGION: _("Whole region"),
}


class FazhiUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are case-insensitive (security.md AUTH-1).
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who logs in. Business users belong to an agency; administrators may not."""

    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("agency"),
    )
    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    admin_role = models.CharField(
        _("administrator post"),
        max_length=16,
        choices=[(r.value, label) for r, label in ADMIN_ROLE_LABELS.items()],
        blank=True,
    )

    objects = FazhiUserManager()

    scope = Scope(agency="agency", division="agency__government__division", self_="id")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_separated_admin(self) -> bool:
        return bool(self.admin_role)

    @cached_property
    def role_assignments_cached(self) -> list[RoleAssignment]:
        return list(self.role_assignments.select_related("division", "agency"))

    def roles(self) -> set[str]:
        return {a.role for a in self.role_assignments_cached}

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles() & set(roles))

    def scope_grants(self) -> Iterator[Grant]:
        """The data scopes this user holds; administrators hold none (security.md ACC-5)."""
        if self.admin_role or not self.is_active:
            return
        for assignment in self.role_assignments_cached:
            yield assignment.grant()


class RoleAssignment(models.Model):
    """One business role a user holds, with the data scope it grants."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(
        _("role"), max_length=32, choices=[(r.value, label) for r, label in ROLE_LABELS.items()]
    )
    scope = models.CharField(
        _("data scope"),
        max_length=16,
        choices=[(s.value, label) for s, label in SCOPE_LABELS.items()],
    )
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("division")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("agency")
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_role_once_per_user"),
            models.CheckConstraint(
                condition=~models.Q(scope="division") | models.Q(division__isnull=False),
                name="accounts_division_scope_has_division",
            ),
            models.CheckConstraint(
                condition=~models.Q(scope="agency") | models.Q(agency__isnull=False),
                name="accounts_agency_scope_has_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.get_scope_display()}"

    def grant(self) -> Grant:
        scope = DataScope(self.scope)
        if scope is DataScope.DIVISION:
            return Grant(scope, division_path=self.division.path if self.division else "")
        if scope is DataScope.AGENCY:
            return Grant(scope, agency_id=self.agency_id)
        return Grant(scope)
