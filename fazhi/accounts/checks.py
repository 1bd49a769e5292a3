"""Deployment checks on accounts (security.md AUTH-1): no superuser and no reserved username.

Registered as a deploy check, so `manage.py check --deploy` with production settings against the
migrated database fails when someone created `admin` or a superuser.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Tags, register
from django.db import DatabaseError


@register(Tags.security, deploy=True)
def accounts_hygiene_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from fazhi.accounts.models import User
    from fazhi.accounts.rules.roles import username_reserved

    try:
        superusers = list(User.objects.filter(is_superuser=True).values_list("username", flat=True))
        reserved = [u for u in User.objects.values_list("username", flat=True).iterator()
                    if username_reserved(u)]
    except DatabaseError:  # no database yet (fresh clone): nothing to check
        return []
    errors = []
    if superusers:
        errors.append(Error(
            f"superuser accounts exist: {', '.join(sorted(superusers))}",
            hint="Production has no superusers; use the three separated administrators.",
            id="fazhi.accounts.E001",
        ))
    if reserved:
        errors.append(Error(
            f"reserved usernames exist: {', '.join(sorted(reserved))}",
            hint="Rename or disable default accounts (admin, root, test, sysadmin …).",
            id="fazhi.accounts.E002",
        ))
    return errors
