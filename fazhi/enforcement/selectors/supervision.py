"""Reads of supervision: the facts the rules see, deadline thresholds, and scoped alert lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from fazhi.core.calendar import official_calendar
from fazhi.core.rules.calendar import add_period
from fazhi.core.scope import scoped
from fazhi.enforcement.models import (
    BenchmarkTier,
    Case,
    CaseOfficer,
    Certificate,
    CoercionMeasure,
    Disclosure,
    DisclosurePolicy,
    LegalReview,
    Step,
)
from fazhi.enforcement.models.supervision import Alert
from fazhi.enforcement.rules.certificates import CertificateState
from fazhi.enforcement.rules.coercion import MeasureFacts
from fazhi.enforcement.rules.enums import ActType, CaseState, ReviewResult
from fazhi.enforcement.rules.supervision import (
    CaseFacts,
    OfficerFacts,
    StepFacts,
    SupervisionConfig,
    config_from,
    inspection_window_start,
)

SERVICE_DEADLINE_WD = 7  # 《行政处罚法》第六十一条: serve within 7 working days
DEAD_STATES = (CaseState.NOT_FILED.value, CaseState.TERMINATED.value)
DISCLOSED_ACT_TYPES = (ActType.PENALTY.value, ActType.LICENSING.value, ActType.COERCION.value)


def supervision_config() -> SupervisionConfig:
    return config_from(getattr(settings, "ENFORCEMENT_SUPERVISION", None))


# --- deadlines on the working-day calendar --------------------------------------------------


class _CachedCalendar:
    """The official calendar with each day's answer remembered (the package validates its
    tables on every call; a sweep asks about the same few hundred days thousands of times)."""

    def __init__(self) -> None:
        self._calendar = official_calendar()
        self.is_working_day = lru_cache(maxsize=8192)(self._calendar.is_working_day)


@lru_cache(maxsize=1)
def _calendar() -> _CachedCalendar:
    return _CachedCalendar()


@lru_cache(maxsize=8192)
def working_days_after(start: date, n: int) -> date:
    """The last day in time for an act due `n` working days after `start` (rulebook §0.2)."""
    return add_period(start, n, "working_day", _calendar())


@lru_cache(maxsize=512)
def latest_start_overdue(today: date, n: int) -> date:
    """The latest start date whose `n`-working-day period has passed by `today`: a period that
    started on or before this day is overdue today; one that started after is not. Deadlines are
    monotone in their start, so the sweep compares a date column with this one value."""
    day = today - timedelta(days=1)
    while working_days_after(day, n) >= today:
        day -= timedelta(days=1)
    return day


def disclosure_deadlines() -> tuple[dict[int | None, tuple[int, int]], tuple[int, int]]:
    """Per-sector (penalty/licensing, other) publication deadlines in working days, and the
    default (the row without a sector, else 7/20; rulebook §2.1)."""
    per_sector: dict[int | None, tuple[int, int]] = {}
    default = (7, 20)
    for p in DisclosurePolicy.objects.all():
        pair = (p.penalty_deadline_wd, p.other_deadline_wd)
        if p.sector_id is None:
            default = pair
        else:
            per_sector[p.sector_id] = pair
    return per_sector, default


# --- the facts of one case ------------------------------------------------------------------


def facts_moment(today: date | None, now: dt.datetime | None) -> dt.datetime:
    """The moment the time-of-day rules (the 24 hours of an emergency measure) look at, in local
    time: `now`; else the start of `today`; else the present. The sweep and `case_facts` both
    take it from here, so they agree."""
    if now is not None:
        return timezone.localtime(now)
    if today is not None:
        return timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    return timezone.localtime()


def measure_facts(case: Case) -> MeasureFacts | None:
    """The case's coercive measure for the rules, its times in local time (so their dates are
    the local days the periods count from)."""
    m = CoercionMeasure.objects.filter(case=case).first()
    if m is None:
        return None
    return MeasureFacts(
        kind=m.kind,
        started_at=timezone.localtime(m.started_at) if m.started_at else None,
        ends_on=m.ends_on,
        emergency=m.emergency,
        approved_at=timezone.localtime(m.approved_at) if m.approved_at else None,
        extension_days=m.extension_days,
        released_on=m.released_on,
    )


def case_facts(case: Case, *, today: date | None = None,
               cfg: SupervisionConfig | None = None, now: dt.datetime | None = None) -> CaseFacts:
    """Everything the supervision rules read about `case` as of `today` (a handful of queries);
    `now` is the moment for the hour-precise coercion limits (default: `facts_moment`)."""
    as_of = facts_moment(today, now)
    today = today or as_of.date()
    cfg = cfg or supervision_config()
    item = case.authority_item
    officers = []
    valid_officers = set(
        Certificate.objects.filter(
            officer__case_roles__case=case,
            state=CertificateState.ACTIVE.value,
            issued_on__lte=today,
            expires_on__gte=today,
        ).values_list("officer_id", flat=True)
    )
    for co in CaseOfficer.objects.filter(case=case).select_related("officer"):
        o = co.officer
        officers.append(OfficerFacts(o.pk, o.name, o.is_auxiliary, o.pk in valid_officers))
    steps = tuple(
        StepFacts(s.pk, s.code, s.due_on, s.done_on, s.av_required, s.av_recorded)
        for s in Step.objects.filter(case=case)
    )
    agreeing = False
    if case.is_major and case.decided_on:
        for r in LegalReview.objects.filter(case=case, result=ReviewResult.AGREE.value):
            if r.reviewed_at and timezone.localtime(r.reviewed_at).date() <= case.decided_on:
                agreeing = True
    tier_min = tier_max = None
    if item is not None and case.tier and case.decided_on:
        tier = _case_tier(case, item)
        if tier is not None:
            tier_min, tier_max = case_tier_bounds(case, item, tier)
    disclosure_required = bool(
        case.decided_on and case.act_type in DISCLOSED_ACT_TYPES and case.state not in DEAD_STATES
    )
    disclosure_due = None
    disclosed_on = None
    if disclosure_required:
        per_sector, default = disclosure_deadlines()
        pen, other = per_sector.get(case.sector_id, default)
        wd = pen if case.act_type in (ActType.PENALTY, ActType.LICENSING) else other
        disclosure_due = working_days_after(case.decided_on, wd)
        d = Disclosure.objects.filter(case=case).values_list("published_at", flat=True).first()
        disclosed_on = timezone.localtime(d).date() if d else None
    inspections = 0
    if case.act_type == ActType.INSPECTION and case.party_id:
        inspections = Case.objects.filter(
            party_id=case.party_id,
            act_type=ActType.INSPECTION.value,
            discovered_on__gte=inspection_window_start(today, cfg),
            discovered_on__lte=today,
        ).exclude(state__in=DEAD_STATES).count()
    earlier: tuple[str, ...] = ()
    if _double_penalty_candidate(case):
        earlier = tuple(
            _same_act(case).filter(id__lt=case.pk).order_by("id").values_list("number", flat=True)
        )
    return CaseFacts(
        case_id=case.pk,
        number=case.number,
        agency_id=case.agency_id,
        act_type=case.act_type,
        procedure=case.procedure,
        state=case.state,
        party_id=case.party_id,
        authority_item_agency_id=item.agency_id if item else None,
        violation_key=item.violation_key if item else "",
        filed_on=case.filed_on,
        decision_due_on=case.decision_due_on,
        decided_on=case.decided_on,
        service_due_on=(
            working_days_after(case.decided_on, SERVICE_DEADLINE_WD) if case.decided_on else None
        ),
        served_on=case.served_on,
        disclosure_required=disclosure_required,
        disclosure_due_on=disclosure_due,
        disclosed_on=disclosed_on,
        fine_amount=case.fine_amount,
        tier=case.tier,
        benchmark_fine_min=tier_min,
        benchmark_fine_max=tier_max,
        outside_benchmark_reason=case.outside_benchmark_reason,
        is_major=case.is_major,
        has_agreeing_review_before_decision=agreeing,
        officers=tuple(officers),
        steps=steps,
        party_inspections_in_window=inspections,
        same_act_earlier_cases=earlier,
        measure=measure_facts(case) if case.act_type == ActType.COERCION else None,
        as_of=as_of,
    )


def _double_penalty_candidate(case: Case) -> bool:
    return bool(
        case.act_type == ActType.PENALTY
        and case.decided_on
        and case.fine_amount
        and case.party_id
        and case.act_started_on
        and case.authority_item_id
        and case.authority_item.violation_key
        and case.state not in DEAD_STATES
    )


def _same_act(case: Case) -> QuerySet[Case]:
    """Other decided fines of the same party, violation and act dates (art. 29)."""
    return Case.objects.filter(
        act_type=ActType.PENALTY.value,
        party_id=case.party_id,
        authority_item__violation_key=case.authority_item.violation_key,
        act_started_on=case.act_started_on,
        decided_on__isnull=False,
        fine_amount__gt=0,
    ).exclude(state__in=DEAD_STATES).annotate(
        act_end=Coalesce("act_ended_on", "act_started_on")
    ).filter(act_end=case.act_ended_on or case.act_started_on)


# --- alert lists ----------------------------------------------------------------------------

FILTER_KEYS = ("division", "agency", "sector", "rule", "state", "date_from", "date_to")


@dataclass(frozen=True)
class AlertFilters:
    division: str = ""
    agency: str = ""
    sector: str = ""
    rule: str = ""
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> AlertFilters:
        def day(value: Any) -> date | None:
            try:
                return date.fromisoformat(str(value)) if value else None
            except ValueError:
                return None

        return cls(
            division=str(raw.get("division") or "").strip(),
            agency=str(raw.get("agency") or "").strip(),
            sector=str(raw.get("sector") or "").strip(),
            rule=str(raw.get("rule") or "").strip(),
            state=str(raw.get("state") or "").strip(),
            date_from=day(raw.get("date_from")),
            date_to=day(raw.get("date_to")),
        )


def _start_of(day: date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def alert_list_for(user: Any, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    """Alerts `user` may see, filtered. `division` is a division code: that league or banner
    and everything below it (the materialised path prefix)."""
    f = filters or AlertFilters()
    qs = scoped(Alert.objects.all(), user)
    if f.division:
        from fazhi.orgs.models import Division

        path = Division.objects.filter(code=f.division).values_list("path", flat=True).first()
        qs = qs.filter(division__path__startswith=path) if path else qs.none()
    if f.agency.isdigit():
        qs = qs.filter(agency_id=int(f.agency))
    if f.sector.isdigit():
        qs = qs.filter(sector_id=int(f.sector))
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.state == "live":
        qs = qs.filter(state__in=["open", "rectifying"])
    elif f.state:
        qs = qs.filter(state=f.state)
    if f.date_from:
        qs = qs.filter(opened_at__gte=_start_of(f.date_from))
    if f.date_to:
        qs = qs.filter(opened_at__lt=_start_of(f.date_to + timedelta(days=1)))
    return qs


def _case_tier(case: Case, item: Any) -> BenchmarkTier | None:
    """The tier of the case's level in the benchmark version the decision applied (art. 37:
    `benchmark_applied`, the older version unless a newer one is lighter); for cases decided
    before that was recorded, the version in force on the decision date."""
    tiers = BenchmarkTier.objects.filter(level=case.tier)
    if case.benchmark_applied_id:
        tiers = tiers.filter(benchmark_id=case.benchmark_applied_id)
    else:
        tiers = tiers.filter(
            benchmark__item=item, benchmark__valid_from__lte=case.decided_on
        ).filter(Q(benchmark__valid_to__isnull=True) | Q(benchmark__valid_to__gte=case.decided_on))
    return tiers.order_by("-benchmark__valid_from", "position").first()


def case_tier_bounds(
    case: Case, item: Any, tier: BenchmarkTier
) -> tuple[Decimal | None, Decimal | None]:
    """The tier's bounds in yuan on this case's base (rulebook §10.2: multiples of 货值金额 …
    where the statute's multiples apply, else the fixed range), exactly as the decision check
    computes them (`rules.discretion.tier_bounds`)."""
    from fazhi.enforcement.rules.discretion import StatutoryRange, Tier, tier_bounds

    bounds = tier_bounds(
        Tier(
            tier.level,
            fine_min=tier.fine_min,
            fine_max=tier.fine_max,
            multiple_min=tier.multiple_min,
            multiple_max=tier.multiple_max,
        ),
        StatutoryRange(
            fine_min=item.fine_min,
            fine_max=item.fine_max,
            multiple_min=item.multiple_min,
            multiple_max=item.multiple_max,
            base_threshold=item.base_threshold,
        ),
        case.fine_base_amount,
    )
    return bounds.fine_min, bounds.fine_max


@dataclass(frozen=True)
class AlertSummary:
    """What the alert list shows above its rows: alerts per rule (all time, in the filtered
    scope), alerts opened per month over the last months (oldest first, zero-filled), total."""

    by_rule: dict[str, int]
    by_month: list[tuple[str, int]]
    total: int


def _month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` months and of the month after today's."""
    first = date(today.year, today.month, 1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    starts = [first]
    for _ in range(months):
        starts.append((starts[-1] + timedelta(days=32)).replace(day=1))
    return starts


def alert_summary(qs: QuerySet[Alert], *, months: int = 12,
                  today: date | None = None) -> AlertSummary:
    """Counts per rule and per month in ONE aggregate query of filtered counts. A GROUP BY on
    TruncMonth costs a Python call per row on SQLite (the timezone conversion), ≈ 100 ms per
    100k alerts; range comparisons on `opened_at` run inside the database on both engines and
    can use the (state, opened_at) index."""
    from fazhi.enforcement.rules.supervision import RULES

    starts = _month_starts(today or timezone.localdate(), months)
    aggregates: dict[str, Any] = {"total": Count("id")}
    for i, rule in enumerate(RULES):
        aggregates[f"r{i}"] = Count("id", filter=Q(rule=rule.code))
    for i in range(months):
        aggregates[f"m{i}"] = Count(
            "id",
            filter=Q(opened_at__gte=_start_of(starts[i]), opened_at__lt=_start_of(starts[i + 1])),
        )
    row = qs.order_by().aggregate(**aggregates)
    return AlertSummary(
        by_rule={rule.code: row[f"r{i}"] for i, rule in enumerate(RULES)},
        by_month=[(starts[i].strftime("%Y-%m"), row[f"m{i}"]) for i in range(months)],
        total=row["total"],
    )


def alerts_for_case(case: Case) -> QuerySet[Alert]:
    return Alert.objects.filter(case=case).order_by("-opened_at", "-id")


def alert_detail_for(user: Any, pk: int) -> Alert:
    from django.http import Http404

    alert = (
        scoped(Alert.objects.select_related("agency", "division", "sector", "case", "closed_by"),
               user)
        .filter(pk=pk)
        .first()
    )
    if alert is None:
        raise Http404("alert not found")
    return alert


def open_alert_count_for(user: Any) -> int:
    """Live alerts in the user's scope (the workbench shows this)."""
    return scoped(Alert.objects.filter(state__in=["open", "rectifying"]), user).count()


def workbench_alerts(user: Any) -> list[dict[str, str]]:
    """The workbench's alert entry: the user's live supervision alerts (one COUNT, scoped)."""
    from django.urls import reverse
    from django.utils.translation import ngettext

    n = open_alert_count_for(user)
    if not n:
        return []
    label = ngettext("%(n)s open supervision alert", "%(n)s open supervision alerts", n) % {
        "n": n
    }
    return [{"label": label, "url": reverse("enforcement:alert-list") + "?state=live"}]
