"""Reads of the officer registry, always through `scoped()`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from fazhi.core.scope import scoped
from fazhi.enforcement.models import Certificate, Officer, TrainingRecord
from fazhi.enforcement.rules.certificates import (
    CertificateState,
    is_valid_on,
    may_hold_certificate,
    training_shortfall,
)


def officer_list_for(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Officer]:
    """Officers `user` may see (scoped through their agency), optionally filtered by `agency`
    (id), `name` (substring) and `is_auxiliary`."""
    filters = filters or {}
    qs = scoped(Officer.objects.select_related("agency"), user)
    if filters.get("agency"):
        qs = qs.filter(agency_id=filters["agency"])
    if filters.get("name"):
        qs = qs.filter(name__contains=filters["name"])
    if filters.get("is_auxiliary") is not None:
        qs = qs.filter(is_auxiliary=bool(filters["is_auxiliary"]))
    return qs


def officer_valid_certificates(officer: Officer, day: date) -> list[Certificate]:
    """The officer's certificates valid on `day` (active and inside their dates)."""
    candidates = Certificate.objects.filter(
        officer=officer,
        state=CertificateState.ACTIVE.value,
        issued_on__lte=day,
        expires_on__gte=day,
    )
    return [c for c in candidates if is_valid_on(c.facts(), day)]


def officer_can_act(officer: Officer, day: date) -> bool:
    """Whether `officer` may be the acting officer on `day`: not auxiliary staff and holding a
    certificate valid that day (《行政处罚法》第四十二条、第五十五条; rulebook §8 [PRAC])."""
    if not may_hold_certificate(is_auxiliary=officer.is_auxiliary):
        return False
    return bool(officer_valid_certificates(officer, day))


def training_hours(officer: Officer, year: int) -> Decimal:
    """Total recorded training hours of `officer` in `year`."""
    total = TrainingRecord.objects.filter(officer=officer, year=year).aggregate(s=Sum("hours"))["s"]
    return Decimal(total or 0)


def officer_training_shortfall(officer: Officer, year: int) -> Decimal:
    """Hours missing from the 60-hour yearly target (outline 2021–2025 [P])."""
    return training_shortfall(training_hours(officer, year))
