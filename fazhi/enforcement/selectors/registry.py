"""Reads of the officer registry, always through `scoped()`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from fazhi.core.scope import scoped
from fazhi.enforcement.models import Certificate, CertificateEvent, Officer, TrainingRecord
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.rules.certificates import (
    STATE_LABELS,
    TRAINING_HOURS_TARGET,
    CertificateState,
    is_valid_on,
    may_hold_certificate,
    training_shortfall,
)
from fazhi.orgs.models import Division

SUBJECT_FILTER_KEYS = ("division", "sector", "kind", "published", "q")
OFFICER_FILTER_KEYS = ("agency", "name", "state", "auxiliary")


def _yes_no(value: Any) -> bool | None:
    """"1"/"yes"/True → True, "0"/"no"/False → False, anything else (""/None) → no filter."""
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in {"1", "true", "yes", "y"}:
        return True
    if text in {"0", "false", "no", "n"}:
        return False
    return None


def _division_path(code: str) -> str | None:
    division = Division.objects.filter(code=code).only("path").first()
    return division.path if division else None


# --- enforcement subjects --------------------------------------------------------------------


def subject_list_for(
    user: Any, filters: Mapping[str, Any] | None = None
) -> QuerySet[EnforcementSubject]:
    """Enforcement subjects `user` may see, filtered by division (code, with everything below),
    sector (code), kind, published ("1"/"0") and q (part of the name or the exact credit code)."""
    filters = filters or {}
    qs = scoped(EnforcementSubject.objects.all(), user).select_related(
        "agency__sector", "agency__government__division", "agency__entrusted_by"
    )
    code = str(filters.get("division") or "").strip()
    if code:
        path = _division_path(code)
        if path is None:
            return qs.none()
        qs = qs.filter(agency__government__division__path__startswith=path)
    if filters.get("sector"):
        qs = qs.filter(agency__sector__code=filters["sector"])
    if filters.get("kind"):
        qs = qs.filter(agency__kind=filters["kind"])
    published = _yes_no(filters.get("published"))
    if published is not None:
        qs = qs.filter(is_published=published)
    q = str(filters.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(agency__name__icontains=q) | Q(agency__credit_code__iexact=q))
    return qs.order_by("agency__government__division__code", "agency__name", "pk")


def subject_get_for(user: Any, pk: int) -> EnforcementSubject:
    """One subject in scope; raises EnforcementSubject.DoesNotExist otherwise (views: 404)."""
    return (
        scoped(EnforcementSubject.objects.all(), user)
        .select_related(
            "agency__sector", "agency__government__division", "agency__entrusted_by"
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class StateCount:
    state: str
    label: str
    count: int


def certificate_counts_for(user: Any, agency_id: int) -> list[StateCount]:
    """How many certificates of the agency's officers are in each state (one query)."""
    rows = dict(
        scoped(Certificate.objects.all(), user)
        .filter(officer__agency_id=agency_id)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return [
        StateCount(state.value, str(label), rows.get(state.value, 0))
        for state, label in STATE_LABELS.items()
    ]


# --- officers --------------------------------------------------------------------------------


def officer_list_for(user: Any, filters: Mapping[str, Any] | None = None) -> QuerySet[Officer]:
    """Officers `user` may see (scoped through their agency), optionally filtered by `agency`
    (id), `name` (substring), `state` (holding a certificate in that state) and `auxiliary`
    (`is_auxiliary` is accepted too)."""
    filters = filters or {}
    qs = scoped(Officer.objects.select_related("agency"), user)
    if filters.get("agency"):
        qs = qs.filter(agency_id=filters["agency"])
    name = str(filters.get("name") or "").strip()
    if name:
        qs = qs.filter(name__contains=name)
    state = str(filters.get("state") or "").strip()
    if state:
        qs = qs.filter(
            Exists(Certificate.objects.filter(officer_id=OuterRef("pk"), state=state))
        )
    auxiliary = _yes_no(filters.get("auxiliary", filters.get("is_auxiliary")))
    if auxiliary is not None:
        qs = qs.filter(is_auxiliary=auxiliary)
    return qs.order_by("agency_id", "name", "pk")


def with_certificates(qs: QuerySet[Officer]) -> QuerySet[Officer]:
    """Prefetch each officer's certificates (newest first) for a list: one more query a page."""
    return qs.prefetch_related(
        Prefetch(
            "certificates",
            queryset=Certificate.objects.select_related("sector").order_by("-id"),
        )
    )


def officer_get_for(user: Any, pk: int) -> Officer:
    """One officer in scope with the agency; raises Officer.DoesNotExist otherwise."""
    return scoped(Officer.objects.all(), user).select_related(
        "agency__government__division", "user"
    ).get(pk=pk)


def officer_certificates(officer: Officer) -> list[Certificate]:
    """The officer's certificates, newest first, each with its events in order (two queries)."""
    return list(
        Certificate.objects.filter(officer=officer)
        .select_related("sector")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=CertificateEvent.objects.select_related("actor").order_by("at", "id"),
            )
        )
        .order_by("-id")
    )


@dataclass(frozen=True)
class TrainingYear:
    year: int
    hours: Decimal
    target: int
    shortfall: Decimal

    @property
    def met(self) -> bool:
        return self.shortfall == 0


def officer_training_years(officer: Officer, *, this_year: int) -> list[TrainingYear]:
    """Hours per year against the 60-hour target (outline 2021–2025 [P]), newest first; the
    current year is always listed, even with no hours yet."""
    rows = dict(
        TrainingRecord.objects.filter(officer=officer)
        .values_list("year")
        .annotate(total=Sum("hours"))
        .values_list("year", "total")
    )
    rows.setdefault(this_year, Decimal(0))
    return [
        TrainingYear(year, Decimal(hours), TRAINING_HOURS_TARGET, training_shortfall(hours))
        for year, hours in sorted(rows.items(), reverse=True)
    ]


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


def certificate_get_for(user: Any, pk: int) -> Certificate:
    """One certificate in scope with its officer; raises Certificate.DoesNotExist otherwise."""
    return scoped(Certificate.objects.all(), user).select_related("officer__agency", "sector").get(
        pk=pk
    )


def subjects_published() -> QuerySet[EnforcementSubject]:
    """Published enforcement subjects for the public portal's ex-ante list (事前公开,
    《行政处罚法》第三十九条; rulebook §2.1). Public by design, so not scoped: only published rows
    and only public fields (no people) are reachable from here."""
    return (
        EnforcementSubject.objects.filter(is_published=True)
        .select_related("agency__sector", "agency__government__division", "agency__entrusted_by")
        .order_by("agency__government__division__code", "agency__name", "pk")
    )


def certificates_published() -> QuerySet[Certificate]:
    """Active certificates of officers of published subjects, for the portal's ex-ante officer
    list (name + certificate number + domain, 行政执法公示制度 rulebook §2.1). Public by design, so
    not scoped; the officer's resident ID and photo are deferred and never read from here."""
    return (
        Certificate.objects.filter(
            state=CertificateState.ACTIVE.value,
            officer__is_auxiliary=False,
            officer__agency__enforcement_subject__is_published=True,
        )
        .select_related("officer__agency", "sector")
        .only(
            "number", "area", "issued_on", "expires_on", "state", "sector__name",
            "sector__code", "officer__name", "officer__agency__name",
        )
        .order_by("officer__agency_id", "officer__name", "number")
    )
