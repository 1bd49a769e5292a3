"""The one place that limits what a user sees: `scoped(queryset, user)` (DESIGN.md §2 "Scope").

A model opts in by declaring a `Scope` spec as the class attribute `scope`:

    class Officer(models.Model):
        scope = Scope(agency="agency", division="agency__division", self_="user")

`agency` is the lookup to the owning agency's id, `division` the lookup to the owning division
(a treebeard node with a materialised `path`), `self_` the lookup to the user it belongs to.
Each role assignment of the user grants one data scope:

- ``region``: everything;
- ``division``: the assignment's division and every division below it;
- ``agency``: the assignment's agency;
- ``self``: the user's own records only.

The union of the user's assignments is what the user sees. Users with no business role (the three
separated administrators, users without assignments, anonymous users) see nothing of a business
model. Missing lookups mean "this scope cannot see the model" rather than "everything": deny by
default.

This module is plain Python over the ORM: it reads `user.scope_grants()` and the model's spec, and
imports no app.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)


class DataScope(StrEnum):
    SELF = "self"  # 本人
    AGENCY = "agency"  # 本机关
    DIVISION = "division"  # 本辖区及以下
    REGION = "region"  # 全区


@dataclass(frozen=True)
class Scope:
    """How a model reaches its owner. Lookups are Django field paths; empty means unreachable."""

    agency: str = ""
    division: str = ""
    self_: str = ""


@dataclass(frozen=True)
class Grant:
    """One data scope a user holds: REGION, a division path, an agency id, or SELF."""

    scope: DataScope
    division_path: str = ""
    agency_id: int | None = None


class ScopedUser(Protocol):
    pk: Any
    is_authenticated: bool

    def scope_grants(self) -> Iterable[Grant]: ...


def scope_filter(spec: Scope, user: ScopedUser) -> Q | None:
    """Return the Q that selects what `user` may see of a model with `spec`; None means all."""
    condition = Q(pk__in=[])
    for grant in user.scope_grants():
        if grant.scope is DataScope.REGION:
            return None
        if grant.scope is DataScope.DIVISION and spec.division and grant.division_path:
            condition |= Q(**{f"{spec.division}__path__startswith": grant.division_path})
        elif grant.scope is DataScope.AGENCY and spec.agency and grant.agency_id is not None:
            condition |= Q(**{spec.agency: grant.agency_id})
        elif grant.scope is DataScope.SELF and spec.self_:
            condition |= Q(**{spec.self_: user.pk})
    return condition


def scoped(queryset: QuerySet[M], user: ScopedUser | Any) -> QuerySet[M]:
    """Limit `queryset` to what `user` may see. Every selector goes through here."""
    spec = getattr(queryset.model, "scope", None)
    if not isinstance(spec, Scope):
        raise TypeError(f"{queryset.model.__name__} declares no Scope; it cannot be scoped")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    condition = scope_filter(spec, user)
    if condition is None:
        return queryset
    return queryset.filter(condition)
