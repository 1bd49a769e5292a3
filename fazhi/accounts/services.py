"""Writes on users and roles. Every write records an audit entry in the same transaction.

The duty split of the three administrators (三员分立, security.md a2 / ACC-5) is decided by the
pure table in `rules.roles`; this module only applies it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth import password_validation, update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.accounts.models import RoleAssignment, User
from fazhi.accounts.rules.roles import (
    AdminRole,
    Conflict,
    Duty,
    admin_role_conflict,
    duty_allowed,
    normalize_username,
    username_reserved,
)
from fazhi.audit.services import audit_record
from fazhi.core.scope import DataScope
from fazhi.orgs.models import Agency, Division


def _conflict_message(conflict: Conflict) -> str:
    messages = {
        Conflict.ADMIN_WITH_BUSINESS_ROLE: _(
            "The system, security and audit administrators may not hold any business role, "
            "and a user with a business role may not be an administrator."
        ),
    }
    return messages[conflict]


def _require_duty(actor: Any, duty: Duty) -> None:
    if not duty_allowed(admin_role=getattr(actor, "admin_role", ""), duty=duty):
        messages = {
            Duty.USER_CREATE: _("Only the system administrator may create user accounts."),
            Duty.USER_DEACTIVATE: _(
                "Only the system or security administrator may disable user accounts."
            ),
            Duty.ROLE_ASSIGN: _("Only the security administrator may grant roles."),
            Duty.ROLE_REVOKE: _("Only the security administrator may revoke roles."),
            Duty.ADMIN_ROLE_SET: _("Only the security administrator may set administrator posts."),
            Duty.USER_UNLOCK: _("Only the security administrator may unlock accounts."),
        }
        raise PermissionDenied(messages[duty])


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "agency": user.agency_id,
        "admin_role": user.admin_role,
        "is_active": user.is_active,
    }


def user_create(
    *,
    actor: User,
    username: str,
    password: str,
    full_name: str = "",
    agency: Agency | None = None,
    request: HttpRequest | None = None,
) -> User:
    """Create an account (system administrator only). It holds no role and no post: the security
    administrator grants those separately (security.md a2, ACC-5)."""
    _require_duty(actor, Duty.USER_CREATE)
    username = username.strip()
    if not username:
        raise ValidationError({"username": _("Enter a username.")})
    if username_reserved(username):
        raise ValidationError({"username": _("This username is reserved and cannot be used.")})
    username = unicodedata.normalize("NFKC", username)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with that username already exists.")})
    user = User(username=username, full_name=full_name, agency=agency)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    with transaction.atomic():
        user.save()
        audit_record(
            actor=actor,
            action="accounts.user.create",
            target=user,
            request=request,
            after=_user_snapshot(user),
        )
    return user


def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    scope: str,
    agency: Agency | None = None,
    division: Division | None = None,
    request: HttpRequest | None = None,
) -> RoleAssignment:
    """Grant a business role with its data scope (security administrator only)."""
    _require_duty(actor, Duty.ROLE_ASSIGN)
    conflict = admin_role_conflict(admin_role=user.admin_role, business_roles=frozenset({role}))
    if conflict:
        raise ValidationError({"role": _conflict_message(conflict)})
    if scope == DataScope.DIVISION and division is None:
        raise ValidationError({"division": _("A division scope needs a division.")})
    if scope == DataScope.AGENCY and agency is None:
        raise ValidationError({"agency": _("An agency scope needs an agency.")})
    if RoleAssignment.objects.filter(user=user, role=role).exists():
        raise ValidationError({"role": _("The user already holds this role.")})
    assignment = RoleAssignment(user=user, role=role, scope=scope, agency=agency, division=division)
    assignment.full_clean()
    with transaction.atomic():
        # Lock the user row so a concurrent admin_role_set cannot slip between check and write.
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.admin_role:
            raise ValidationError({"role": _conflict_message(Conflict.ADMIN_WITH_BUSINESS_ROLE)})
        assignment.save()
        audit_record(
            actor=actor,
            action="accounts.role.assign",
            target=user,
            request=request,
            after={
                "role": role,
                "scope": scope,
                "agency": assignment.agency_id,
                "division": assignment.division_id,
            },
        )
    user.__dict__.pop("role_assignments_cached", None)
    return assignment


def role_revoke(
    *, actor: User, assignment: RoleAssignment, request: HttpRequest | None = None
) -> None:
    """Withdraw a business role (security administrator only)."""
    _require_duty(actor, Duty.ROLE_REVOKE)
    before = {
        "role": assignment.role,
        "scope": assignment.scope,
        "agency": assignment.agency_id,
        "division": assignment.division_id,
    }
    user = assignment.user
    with transaction.atomic():
        assignment.delete()
        audit_record(
            actor=actor, action="accounts.role.revoke", target=user, request=request, before=before
        )
    user.__dict__.pop("role_assignments_cached", None)


def admin_role_set(
    *, actor: User, user: User, admin_role: str, request: HttpRequest | None = None
) -> User:
    """Give `user` one of the three administrator posts, or remove it with "" (security
    administrator only; never on their own account)."""
    _require_duty(actor, Duty.ADMIN_ROLE_SET)
    if admin_role and admin_role not in set(AdminRole):
        raise ValidationError({"admin_role": _("Unknown administrator post.")})
    if user.pk == actor.pk:
        raise PermissionDenied(_("An administrator may not change their own post."))
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        roles = frozenset(locked.role_assignments.values_list("role", flat=True))
        conflict = admin_role_conflict(admin_role=admin_role, business_roles=roles)
        if conflict:
            raise ValidationError({"admin_role": _conflict_message(conflict)})
        before = _user_snapshot(locked)
        locked.admin_role = admin_role
        locked.save(update_fields=["admin_role"])
        audit_record(
            actor=actor,
            action="accounts.admin_role.set",
            target=locked,
            request=request,
            before=before,
            after=_user_snapshot(locked),
        )
    user.admin_role = admin_role
    return user


def user_sessions_end(*, user: User) -> int:
    """Delete every live server-side session of `user`; return how many (SESS-3)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def user_deactivate(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    """Disable an account and end all its sessions at once (security.md SESS-3)."""
    _require_duty(actor, Duty.USER_DEACTIVATE)
    if user.pk == actor.pk:
        raise PermissionDenied(_("An administrator may not disable their own account."))
    with transaction.atomic():
        before = _user_snapshot(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        ended = user_sessions_end(user=user)
        audit_record(
            actor=actor,
            action="accounts.user.deactivate",
            target=user,
            request=request,
            before=before,
            after=_user_snapshot(user),
            detail={"sessions_ended": ended},
        )
    return user


def user_unlock(*, actor: User, username: str, request: HttpRequest | None = None) -> int:
    """Lift a login lockout (security administrator only, AUTH-4); return failures cleared."""
    from fazhi.accounts.lockout import lockout_clear

    _require_duty(actor, Duty.USER_UNLOCK)
    with transaction.atomic():
        cleared = lockout_clear(username=username)
        target = User.objects.filter(username__iexact=username).first()
        audit_record(
            actor=actor,
            action="accounts.user.unlock",
            target=target,
            request=request,
            detail={"username": normalize_username(username), "failures_cleared": cleared},
        )
    return cleared


def password_change(
    *, user: User, old_password: str, new_password: str, request: HttpRequest | None = None
) -> User:
    """Change one's own password: the old one must match, the new one must meet the policy
    (≥12 characters, 3 of 4 character classes: security.md AUTH-2)."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("The current password is not correct.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="accounts.password.change", target=user, request=request)
    if request is not None:
        update_session_auth_hash(request, user)
    return user


def session_expire(*, request: HttpRequest, reason: str = "idle") -> None:
    """Record that a session was ended for inactivity or age (audit action `auth.idle_timeout`;
    reason "idle" or "max_age", security.md SESS-1)."""
    audit_record(
        actor=request.user,
        action="auth.idle_timeout",
        request=request,
        target=request.user,
        detail={"reason": reason},
    )
