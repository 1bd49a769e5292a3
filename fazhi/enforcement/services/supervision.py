"""Supervision alerts: open, keep, rectify and close them (issue 4 §7).

Two ways in, one rule set (`rules/supervision.py`):
- `alerts_evaluate_case` after every case transition: the pure rules over `case_facts(case)`;
- `alerts_sweep` periodically: the same rules as set-based queries (one query per rule, bulk
  insert of new alerts, one UPDATE per batch of cleared ones), so it scales to a year of region
  data. The first sweep of a day runs the date-driven rules over all cases; later sweeps that day
  re-check only the cases of officers whose certificates changed (and the hour-driven coercion
  limits); "all" runs every rule.

There is at most one live alert per (subject, rule) (partial unique constraint). An alert closed
by a person or found unfounded is not reopened by the sweep for the same (subject, rule).
Every alert whose rule carries points pushes one deduction to the assessment ledger
(`score_record`, source = the alert, link back to the case); an unfounded alert's deduction is
reversed (`score_reverse`). Clearing a condition closes the alert but keeps the deduction: the
breach happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from json.encoder import encode_basestring as _json_str
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Case as DjCase
from django.db.models import (
    CharField,
    Count,
    DateField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fazhi.audit.services import audit_record
from fazhi.enforcement.models import (
    BenchmarkTier,
    Case,
    CaseOfficer,
    Certificate,
    CoercionMeasure,
    LegalReview,
    Step,
)
from fazhi.enforcement.models.supervision import Alert, Rectification, SweepState
from fazhi.enforcement.rules.certificates import CertificateState
from fazhi.enforcement.rules.coercion import (
    EMERGENCY_REPORT_HOURS,
    EXTENSION_DAYS,
    LIMITED_KINDS,
    MEASURE_DAYS,
)
from fazhi.enforcement.rules.enums import (
    LIVE_ALERT_STATES,
    OPEN_CASE_STATES,
    ActType,
    AlertState,
    CaseState,
    ReviewResult,
    TierLevel,
)
from fazhi.enforcement.rules.supervision import (
    FILED_NOT_DECIDED,
    INVESTIGATION_ON,
    RULES,
    RULES_BY_CODE,
    Finding,
    SupervisionConfig,
    evaluate,
    inspection_window_start,
)
from fazhi.enforcement.selectors import supervision as sel

log = logging.getLogger(__name__)
LIVE = [s.value for s in LIVE_ALERT_STATES]
LEDGER_RULE_PREFIX = "enforcement.alert."
SWEEP_NOTE = "巡查复核：预警条件已消除，自动关闭。"
BATCH = 2000


@dataclass(frozen=True)
class SweepResult:
    opened: int
    kept: int
    closed: int
    mode: str = "all"


# --- helpers --------------------------------------------------------------------------------


def _case_url(case_id: int | None) -> str:
    if case_id is None:
        return ""
    try:
        return reverse("enforcement:case-detail", args=[case_id])
    except NoReverseMatch:  # the cases pages are not merged yet
        return ""


def _is_supervisor(user: Any) -> bool:
    return bool(
        user and getattr(user, "is_authenticated", False) and "supervisor" in set(user.roles())
    )


def _in_scope(user: Any, alert: Alert) -> bool:
    from fazhi.core.scope import scoped

    return scoped(Alert.objects.filter(pk=alert.pk), user).exists()


def _push_ledger(alert: Alert, *, actor: Any = None) -> bool:
    """One deduction on the rule's indicator for the alert's agency (its government counts it
    too), with the alert as source and a link back to the case (else the alert). Returns whether
    it was recorded."""
    rule = RULES_BY_CODE.get(alert.rule)
    if rule is None or not rule.points:
        return False
    from fazhi.assessment.services import ScoreError, score_record

    try:
        score_record(
            target=alert.agency,
            indicator=rule.indicator,
            points=-rule.points,
            source=alert,
            rule=LEDGER_RULE_PREFIX + alert.rule,
            occurred_at=alert.opened_at,
            source_label=f"{alert.facts.get('number') or alert.subject_key} {rule.title}",
            source_url=_case_url(alert.case_id) or alert.get_absolute_url(),
            actor=actor,
        )
    except ScoreError:
        # No indicator set loaded yet (a fresh install): the alert stays unscored and the ledger
        # task pushes it once `load_indicators` has run. Never block the case transition.
        log.warning(
            "supervision: deduction of alert %s deferred (indicator %s missing)",
            alert.pk,
            rule.indicator,
        )
        return False
    Alert.objects.filter(pk=alert.pk).update(scored_at=timezone.now())
    return True


def alerts_ledger_push(*, limit: int | None = None) -> int:
    """Push the deductions of alerts not yet scored (the sweep defers them here so opening a
    day's alerts stays one bulk insert). Idempotent: score_record is, and scored_at is set."""
    scored_rules = [r.code for r in RULES if r.points]
    qs = (
        Alert.objects.filter(scored_at__isnull=True, rule__in=scored_rules)
        .exclude(state=AlertState.UNFOUNDED.value)
        .select_related("agency")
        .order_by("id")
    )
    if limit:
        qs = qs[:limit]
    n = 0
    for alert in qs.iterator(chunk_size=500):
        with transaction.atomic():
            n += _push_ledger(alert)
    return n


# --- after a transition ---------------------------------------------------------------------


def _new_alert(finding: Finding, case: Case, now: dt.datetime) -> Alert:
    rule = RULES_BY_CODE[finding.rule]
    return Alert(
        rule=finding.rule,
        subject_key=finding.subject_key,
        agency_id=case.agency_id,
        division_id=case.division_id,
        sector_id=case.sector_id,
        case_id=case.pk,
        severity=rule.severity,
        message=finding.message[:300],
        basis=rule.basis,
        indicator_code=rule.indicator,
        facts={"number": case.number, **finding.detail},
        opened_at=now,
    )


def _suppressed(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """(rule, subject) pairs a person closed or found unfounded: not reopened automatically."""
    pairs = list(pairs)
    if not pairs:
        return set()
    subjects = {s for _, s in pairs}
    q = Q(state=AlertState.UNFOUNDED.value) | Q(
        state=AlertState.CLOSED.value, closed_by__isnull=False
    )
    return set(Alert.objects.filter(q, subject_key__in=subjects).values_list("rule", "subject_key"))


def alerts_evaluate_case(
    case: Case, *, actor: Any = None, now: dt.datetime | None = None, today: date | None = None
) -> list[Alert]:
    """Run the supervision rules over one case after a transition (called by the case services
    inside their transaction). Opens alerts for new findings (pushing their deductions), closes
    this case's live alerts whose condition has cleared. Returns the alerts opened."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cfg = sel.supervision_config()
    facts = sel.case_facts(case, today=today, cfg=cfg, now=now)
    findings = {(f.rule, f.subject_key): f for f in evaluate(facts, today, cfg)}
    subjects = {f"case:{case.pk}"} | ({f"party:{case.party_id}"} if case.party_id else set())
    live = {
        (a.rule, a.subject_key): a
        for a in Alert.objects.filter(subject_key__in=subjects, state__in=LIVE)
    }
    suppressed = _suppressed(findings)
    opened = []
    for key, finding in findings.items():
        if key in live or key in suppressed:
            continue
        alert = _new_alert(finding, case, now)
        alert.save(force_insert=True)
        audit_record(
            actor=actor,
            action="enforcement.alert.open",
            target=alert,
            detail={"rule": alert.rule, "subject": alert.subject_key},
        )
        _push_ledger(alert, actor=actor)
        opened.append(alert)
    for key, alert in live.items():
        rule = RULES_BY_CODE.get(alert.rule)
        if rule is None or key in findings:
            continue
        # party-subject rules are cleared here only when this case is an inspection of that party
        if rule.subject == "party" and case.act_type != ActType.INSPECTION:
            continue
        _close(alert, actor=None, note=SWEEP_NOTE, now=now)
    return opened


def _close(
    alert: Alert, *, actor: Any, note: str, now: dt.datetime, state: str = AlertState.CLOSED.value
) -> Alert:
    alert.state = state
    alert.closed_at = now
    alert.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    alert.resolution = note
    alert.save(update_fields=["state", "closed_at", "closed_by", "resolution"])
    audit_record(
        actor=actor,
        action=f"enforcement.alert.{state}",
        target=alert,
        detail={"rule": alert.rule, "subject": alert.subject_key},
    )
    return alert


# --- the periodic sweep: one query per rule -------------------------------------------------

# Each sweep query yields rows (subject_key-id, case_id, agency_id, division_id, sector_id,
# number, extra) for every subject the rule flags today.
_ROW = ("id", "agency_id", "division_id", "sector_id", "number")


@dataclass
class _Ctx:
    today: date
    cfg: SupervisionConfig
    cases: QuerySet[Case]  # the candidate cases (all, or those an incremental sweep re-checks)
    now: dt.datetime | None = None  # the moment for hour-precise limits (sel.facts_moment)


def _open_cases(ctx: _Ctx) -> QuerySet[Case]:
    return ctx.cases.filter(state__in=[s.value for s in OPEN_CASE_STATES])


# The rules' own state sets (rules.supervision), as values for `state__in`.
_INVESTIGATION_ON = [s.value for s in INVESTIGATION_ON]
_FILED_NOT_DECIDED = [s.value for s in FILED_NOT_DECIDED]


def _sweep_uncertified(ctx: _Ctx) -> QuerySet[Any]:
    valid = Certificate.objects.filter(
        officer_id=OuterRef("officer_id"),
        state=CertificateState.ACTIVE.value,
        issued_on__lte=ctx.today,
        expires_on__gte=ctx.today,
    )
    bad = CaseOfficer.objects.filter(case_id=OuterRef("pk")).filter(
        Q(officer__is_auxiliary=True) | ~Exists(valid)
    )
    return _open_cases(ctx).filter(Exists(bad))


def _sweep_single_officer(ctx: _Ctx) -> QuerySet[Any]:
    acting = (
        CaseOfficer.objects.filter(case_id=OuterRef("pk"), officer__is_auxiliary=False)
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return (
        ctx.cases.filter(state__in=_INVESTIGATION_ON)
        .annotate(acting=Coalesce(Subquery(acting, output_field=IntegerField()), Value(0)))
        .filter(acting__lt=2)
    )


def _sweep_outside_authority(ctx: _Ctx) -> QuerySet[Any]:
    return ctx.cases.filter(state__in=_INVESTIGATION_ON).filter(
        Q(authority_item__isnull=True) | ~Q(authority_item__agency_id=F("agency_id"))
    )


def _sweep_deadline_near(ctx: _Ctx) -> QuerySet[Any]:
    return ctx.cases.filter(
        state__in=_FILED_NOT_DECIDED,
        decision_due_on__gte=ctx.today,
        decision_due_on__lte=ctx.today + dt.timedelta(days=ctx.cfg.deadline_near_days),
    )


def _sweep_decision_overdue(ctx: _Ctx) -> QuerySet[Any]:
    return ctx.cases.filter(state__in=_FILED_NOT_DECIDED, decision_due_on__lt=ctx.today)


def _sweep_service_overdue(ctx: _Ctx) -> QuerySet[Any]:
    last = sel.latest_start_overdue(ctx.today, sel.SERVICE_DEADLINE_WD)
    return ctx.cases.filter(
        state=CaseState.DECIDED.value, served_on__isnull=True, decided_on__lte=last
    )


def _sweep_major_without_review(ctx: _Ctx) -> QuerySet[Any]:
    agree = LegalReview.objects.filter(
        case_id=OuterRef("pk"),
        result=ReviewResult.AGREE.value,
        reviewed_at__date__lte=OuterRef("decided_on"),
    )
    return (
        ctx.cases.filter(is_major=True, decided_on__isnull=False)
        .exclude(state__in=sel.DEAD_STATES)
        .filter(~Exists(agree))
    )


def _sweep_outside_benchmark(ctx: _Ctx) -> QuerySet[Any]:
    """Decided fines outside their tier with no written reason, in SQL, as the pure rule sees
    them (selectors.supervision.case_tier_bounds): the tier of the benchmark version the decision
    applied (art. 37), or, when none is recorded, of the version in force on the decision date;
    its multiples of the case's base where the statute's multiples apply (rulebook §10.2)."""
    dated = (
        BenchmarkTier.objects.filter(
            benchmark__item_id=OuterRef("authority_item_id"),
            level=OuterRef("tier"),
            benchmark__valid_from__lte=OuterRef("decided_on"),
        )
        .filter(
            Q(benchmark__valid_to__isnull=True) | Q(benchmark__valid_to__gte=OuterRef("decided_on"))
        )
        .order_by("-benchmark__valid_from", "position")
    )
    applied = BenchmarkTier.objects.filter(
        benchmark_id=OuterRef("benchmark_applied_id"), level=OuterRef("tier")
    ).order_by("position")
    base = ctx.cases.filter(decided_on__isnull=False, outside_benchmark_reason="").exclude(
        state__in=sel.DEAD_STATES
    )

    def tier_field(name: str) -> Any:
        return DjCase(
            When(benchmark_applied__isnull=False, then=Subquery(applied.values(name)[:1])),
            default=Subquery(dated.values(name)[:1]),
        )

    money = DecimalField(max_digits=20, decimal_places=4)
    statute_multiple = Q(authority_item__multiple_min__isnull=False) | Q(
        authority_item__multiple_max__isnull=False
    )
    tier_multiple = Q(t_mmin__isnull=False) | Q(t_mmax__isnull=False)
    regime_multiple = (
        statute_multiple
        & Q(fine_base_amount__isnull=False)
        & (
            Q(authority_item__base_threshold__isnull=True)
            | Q(fine_base_amount__gte=F("authority_item__base_threshold"))
        )
    )
    regime_base_missing = statute_multiple & Q(fine_base_amount__isnull=True)

    def bound(fixed: str, multiple: str) -> Any:
        # Products rounded to 4 places: exact for 2-place bases and multiples (SQLite computes
        # in floating point; PostgreSQL's numeric is exact anyway).
        return DjCase(
            When(
                regime_multiple & tier_multiple,
                then=Round(
                    ExpressionWrapper(F("fine_base_amount") * F(multiple), output_field=money), 4
                ),
            ),
            When(regime_base_missing & tier_multiple, then=Value(None, output_field=money)),
            default=F(fixed),
            output_field=money,
        )

    ranged = (
        base.filter(fine_amount__isnull=False, authority_item__isnull=False)
        .exclude(tier="")
        .exclude(tier=TierLevel.MITIGATED.value)
        .annotate(
            t_min=tier_field("fine_min"),
            t_max=tier_field("fine_max"),
            t_mmin=tier_field("multiple_min"),
            t_mmax=tier_field("multiple_max"),
        )
        .annotate(b_min=bound("t_min", "t_mmin"), b_max=bound("t_max", "t_mmax"))
        .filter(Q(fine_amount__lt=F("b_min")) | Q(fine_amount__gt=F("b_max")))
    )
    return base.filter(Q(tier=TierLevel.MITIGATED.value) | Q(pk__in=ranged.values("pk")))


def _sweep_not_disclosed(ctx: _Ctx) -> QuerySet[Any]:
    per_sector, default = sel.disclosure_deadlines()
    pen_types = [ActType.PENALTY.value, ActType.LICENSING.value]

    def cond(pair: tuple[int, int]) -> Q:
        pen, other = pair
        return Q(
            act_type__in=pen_types, decided_on__lte=sel.latest_start_overdue(ctx.today, pen)
        ) | Q(
            act_type=ActType.COERCION.value,
            decided_on__lte=sel.latest_start_overdue(ctx.today, other),
        )

    q = Q(cond(default)) & ~Q(sector_id__in=list(per_sector))
    if per_sector:
        q |= Q(sector__isnull=True) & cond(default)
    for sector_id, pair in per_sector.items():
        q |= Q(sector_id=sector_id) & cond(pair)
    # not published: an anti-join (LEFT JOIN … IS NULL) on the one-to-one disclosure, which
    # SQLite runs a third faster than the correlated NOT EXISTS (PostgreSQL plans both alike)
    return (
        ctx.cases.filter(decided_on__isnull=False, act_type__in=list(sel.DISCLOSED_ACT_TYPES))
        .exclude(state__in=sel.DEAD_STATES)
        .filter(q)
        .filter(disclosure__isnull=True)
    )


def _sweep_av_missing(ctx: _Ctx) -> QuerySet[Any]:
    return ctx.cases.filter(
        Exists(Step.objects.filter(case_id=OuterRef("pk"), av_required=True, av_recorded=False))
    )


def _sweep_step_overdue(ctx: _Ctx) -> QuerySet[Any]:
    late = Step.objects.filter(done_on__isnull=True, due_on__lt=ctx.today).values("case_id")
    return _open_cases(ctx).filter(pk__in=late)


def _sweep_double_penalty(ctx: _Ctx) -> QuerySet[Any]:
    earlier = (
        Case.objects.filter(
            act_type=ActType.PENALTY.value,
            party_id=OuterRef("party_id"),
            authority_item__violation_key=OuterRef("authority_item__violation_key"),
            act_started_on=OuterRef("act_started_on"),
            decided_on__isnull=False,
            fine_amount__gt=0,
            id__lt=OuterRef("pk"),
        )
        .exclude(state__in=sel.DEAD_STATES)
        .annotate(act_end=Coalesce("act_ended_on", "act_started_on"))
        .filter(act_end=Coalesce(OuterRef("act_ended_on"), OuterRef("act_started_on")))
    )
    return (
        ctx.cases.filter(
            act_type=ActType.PENALTY.value,
            decided_on__isnull=False,
            fine_amount__gt=0,
            party__isnull=False,
            act_started_on__isnull=False,
            authority_item__isnull=False,
        )
        .exclude(authority_item__violation_key="")
        .exclude(state__in=sel.DEAD_STATES)
        .filter(Exists(earlier))
    )


def _sweep_coercion_overdue(ctx: _Ctx) -> QuerySet[Any]:
    """`rules.coercion.coercion_overdue` in SQL, over measures in force (not released) of
    coercion cases, at `sel.facts_moment` (local): an emergency measure unreported 24 hours after
    it started, or approved later than that (art. 19); a sealing, seizure or freeze past its last
    day: the recorded one, or 30 days after the (local) start day plus the extension, 30 at most
    (arts. 25, 32). "Start day + n < today" is "started before local midnight of today − n days"
    (Asia/Shanghai keeps no daylight saving, so days are 24 hours)."""
    now = sel.facts_moment(ctx.today, ctx.now)
    day = now.date()
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    report = dt.timedelta(hours=EMERGENCY_REPORT_HOURS)
    emergency = Q(emergency=True) & (
        Q(approved_at__isnull=True, started_at__lt=now - report)
        | Q(approved_at__gt=F("started_at") + Value(report, output_field=DurationField()))
    )
    extension = ExpressionWrapper(
        ExpressionWrapper(F("extension_days"), output_field=IntegerField())
        * Value(dt.timedelta(days=1), output_field=DurationField()),
        output_field=DurationField(),
    )
    expired = Q(kind__in=list(LIMITED_KINDS)) & (
        Q(ends_on__lt=day)
        | Q(
            extension_days__gte=EXTENSION_DAYS,
            started_at__lt=midnight - dt.timedelta(days=MEASURE_DAYS + EXTENSION_DAYS),
        )
        | Q(extension_days__lt=EXTENSION_DAYS, ext_end__lt=midnight - dt.timedelta(MEASURE_DAYS))
    )
    # driven from the measures in force (few), not a probe per coercion case: the hourly
    # incremental sweep runs this too
    overdue = (
        CoercionMeasure.objects.filter(released_on__isnull=True)
        .annotate(ext_end=F("started_at") + extension)
        .filter(emergency | expired)
        .values("case_id")
    )
    return ctx.cases.filter(act_type=ActType.COERCION.value, pk__in=overdue)


def _sweep_repeated_inspection(ctx: _Ctx) -> list[tuple[Any, ...]]:
    """Rows (party_id, latest case id, n) for parties inspected too often in the window."""
    start = inspection_window_start(ctx.today, ctx.cfg)
    return list(
        Case.objects.filter(
            act_type=ActType.INSPECTION.value,
            party__isnull=False,
            discovered_on__gte=start,
            discovered_on__lte=ctx.today,
        )
        .exclude(state__in=sel.DEAD_STATES)
        .order_by()
        .values("party_id")
        .annotate(n=Count("id"), last=Max("id"))
        .filter(n__gt=ctx.cfg.inspection_max)
        .values_list("party_id", "last", "n")
    )


_CASE_SWEEPS: dict[str, Callable[[_Ctx], QuerySet[Any]]] = {
    "uncertified_officer": _sweep_uncertified,
    "single_officer": _sweep_single_officer,
    "outside_authority": _sweep_outside_authority,
    "decision_deadline_near": _sweep_deadline_near,
    "decision_overdue": _sweep_decision_overdue,
    "service_overdue": _sweep_service_overdue,
    "major_without_review": _sweep_major_without_review,
    "outside_benchmark": _sweep_outside_benchmark,
    "not_disclosed": _sweep_not_disclosed,
    "av_missing": _sweep_av_missing,
    "step_overdue": _sweep_step_overdue,
    "double_penalty": _sweep_double_penalty,
    "coercion_overdue": _sweep_coercion_overdue,
}


def flagged_ids(
    rule: str,
    *,
    today: date,
    cfg: SupervisionConfig | None = None,
    cases: QuerySet[Case] | None = None,
    now: dt.datetime | None = None,
) -> set[str]:
    """The subject keys a rule flags today (the sweep's view; tests compare it with the pure
    rules case by case). `now`: the moment of the hour-precise rules (`sel.facts_moment`)."""
    ctx = _Ctx(
        today,
        cfg or sel.supervision_config(),
        cases if cases is not None else Case.objects.all(),
        now,
    )
    if rule == "repeated_inspection":
        return {f"party:{p}" for p, _last, _n in _sweep_repeated_inspection(ctx)}
    return {f"case:{i}" for i in _CASE_SWEEPS[rule](ctx).order_by().values_list("id", flat=True)}


def _messages_for_new(
    rule: str,
    case_ids: list[int],
    today: date,
    cfg: SupervisionConfig,
    now: dt.datetime | None = None,
) -> dict[int, Finding]:
    """Findings (messages) for the newly flagged cases of one rule: the pure rule over their
    facts, so a sweep alert reads exactly like a transition alert. Few per sweep after the first;
    on a first sweep this is one `case_facts` per new alert."""
    out = {}
    for case in Case.objects.filter(pk__in=case_ids).select_related("authority_item"):
        facts = sel.case_facts(case, today=today, cfg=cfg, now=now)
        finding = RULES_BY_CODE[rule].check(facts, cfg, today)
        if finding is not None:
            out[case.pk] = finding
    return out


# A new alert's message and detail (its `facts` besides the case number), by case id.
_Found = dict[int, tuple[str, dict[str, Any]]]


def _fast_deadline(rule: str, rows: list[tuple[Any, ...]], ctx: _Ctx) -> _Found:
    fmt = RULES_BY_CODE[rule].template.format
    sign = -1 if rule == "decision_overdue" else 1
    out = {}
    for case_id, _a, _d, _s, number, due in rows:
        detail = {"due": due.isoformat(), "days": sign * (due - ctx.today).days}
        out[case_id] = (fmt(number=number, **detail), detail)
    return out


def _fast_service(rule: str, rows: list[tuple[Any, ...]], ctx: _Ctx) -> _Found:
    fmt = RULES_BY_CODE[rule].template.format
    out = {}
    for case_id, _a, _d, _s, number, decided in rows:
        detail = {"due": sel.working_days_after(decided, sel.SERVICE_DEADLINE_WD).isoformat()}
        out[case_id] = (fmt(number=number, **detail), detail)
    return out


def _fast_disclosure(rule: str, rows: list[tuple[Any, ...]], ctx: _Ctx) -> _Found:
    fmt = RULES_BY_CODE[rule].template.format
    per_sector, default = sel.disclosure_deadlines()
    out = {}
    for case_id, _a, _d, sector_id, number, decided, act_type in rows:
        pen, other = per_sector.get(sector_id, default)
        wd = pen if act_type in (ActType.PENALTY, ActType.LICENSING) else other
        detail = {"due": sel.working_days_after(decided, wd).isoformat()}
        out[case_id] = (fmt(number=number, **detail), detail)
    return out


def _fast_steps(rule: str, rows: list[tuple[Any, ...]], ctx: _Ctx) -> _Found:
    # the sweep read the late steps' codes with the case (`_step_overdue_rows`): no query here
    fmt = RULES_BY_CODE[rule].template.format
    out = {}
    for case_id, _a, _d, _s, number, codes in rows:
        detail = {"steps": "、".join(sorted(codes))}
        out[case_id] = (fmt(number=number, **detail), detail)
    return out


def _step_overdue_rows(ctx: _Ctx) -> QuerySet[Any]:
    """`_sweep_step_overdue` read from the late steps themselves (joined to their open case), one
    row per late step: the sweep gathers the codes per case for the message (like the floor's
    join, and no second query by case id)."""
    steps = Step.objects.filter(
        done_on__isnull=True,
        due_on__lt=ctx.today,
        case__state__in=[s.value for s in OPEN_CASE_STATES],
    )
    if ctx.cases.query.has_filters():
        steps = steps.filter(case_id__in=ctx.cases.values("pk"))
    return (
        steps.order_by()
        .annotate(
            _rule=Value("step_overdue", output_field=CharField()),
            _d1=Cast(Value(None), output_field=DateField()),
            _s1=F("code"),
        )
        .values_list(
            "_rule",
            "case_id",
            "case__agency_id",
            "case__division_id",
            "case__sector_id",
            "case__number",
            "_d1",
            "_s1",
        )
    )


# Rules whose message is built from the sweep's own rows, and the extra columns they need;
# the others evaluate the pure rule over `case_facts` per new alert.
_FAST: dict[str, tuple[tuple[str, ...], Callable[..., _Found]]] = {
    "decision_overdue": (("decision_due_on",), _fast_deadline),
    "decision_deadline_near": (("decision_due_on",), _fast_deadline),
    "service_overdue": (("decided_on",), _fast_service),
    "not_disclosed": (("decided_on", "act_type"), _fast_disclosure),
    "step_overdue": (("code",), _fast_steps),
}


_encode_facts = DjangoJSONEncoder(ensure_ascii=False).encode


def _facts_json(number: str, detail: dict[str, Any]) -> str:
    """A new alert's `facts` ({"number": …, **detail}) as JSON text, the same text as
    `json.dumps(…, ensure_ascii=False, cls=DjangoJSONEncoder)`. The details the sweep builds are
    flat strings and integers: those are written directly, in a fifth of the time json.dumps
    takes (it sets up a new encoder per call); anything else goes through the encoder."""
    if type(number) is not str:
        return _encode_facts({"number": number, **detail})
    parts = ['"number": ' + _json_str(number)]
    for key, value in detail.items():
        kind = type(value)
        if kind is str:
            parts.append(f"{_json_str(key)}: {_json_str(value)}")
        elif kind is int:
            parts.append(f"{_json_str(key)}: {value!r}")
        else:
            return _encode_facts({"number": number, **detail})
    return "{" + ", ".join(parts) + "}"


_INSERT_FIELDS = (
    "rule",
    "subject_key",
    "agency_id",
    "division_id",
    "sector_id",
    "case_id",
    "state",
    "severity",
    "message",
    "basis",
    "indicator_code",
    "facts",
    "opened_at",
    "resolution",
)


def _insert_alerts(rows: list[tuple[Any, ...]], opened_at: dt.datetime) -> None:
    """Insert new alerts, given as tuples in `_INSERT_FIELDS` order without the state and time
    columns: COPY on PostgreSQL, one prepared INSERT over all rows (executemany) on SQLite. The
    sweep's write is set-based like its reads; nothing needs the new ids (the ledger task finds
    unscored alerts by query)."""
    if not rows:
        return
    table = connection.ops.quote_name(Alert._meta.db_table)
    names = [connection.ops.quote_name(f) for f in _INSERT_FIELDS]
    state = AlertState.OPEN.value
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {table} ({', '.join(names)}) FROM STDIN"
            with cur.cursor.copy(copy_sql) as copy:
                for r in rows:
                    copy.write_row((*r[:6], state, *r[6:], opened_at, ""))
            return
        marks = ", ".join(["%s"] * len(names))
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608
        opened = connection.ops.adapt_datetimefield_value(opened_at)
        cur.executemany(sql, [(*r[:6], state, *r[6:], opened, "") for r in rows])


# Rules whose outcome changes with the date alone: the daily sweep runs them over all cases.
TIME_RULES = (
    "decision_deadline_near",
    "decision_overdue",
    "service_overdue",
    "not_disclosed",
    "step_overdue",
    "repeated_inspection",
    "coercion_overdue",
)
# Rules whose outcome changes with the hour: every sweep (the hourly incremental ones too) runs
# them, so an emergency measure left unreported is flagged within the hour after its 24 hours.
HOUR_RULES = ("coercion_overdue",)


def _certificate_cases(state: SweepState, today: date) -> QuerySet[Any] | None:
    """Cases of officers whose certificates changed since the last run, or became valid or
    invalid by date since the last daily sweep (rulebook §8: validity ends after expires_on);
    a subquery (never a parameter list, however many officers), or None when there are none."""
    last_day = state.full_on or today
    q = (
        Q(updated_at__gt=state.ran_at)
        | Q(expires_on__gte=last_day, expires_on__lt=today)
        | Q(issued_on__gt=last_day, issued_on__lte=today)
    )
    changed = Certificate.objects.filter(q)
    if not changed.exists():
        return None
    return (
        CaseOfficer.objects.filter(officer_id__in=changed.values("officer_id"))
        .order_by()
        .values("case_id")
    )


def _flagged(
    plan: list[tuple[str, QuerySet[Case], Any]],
    today: date,
    cfg: SupervisionConfig,
    now: dt.datetime | None = None,
) -> dict[str, dict[str, tuple[Any, ...]]]:
    """What every planned rule flags today, read with ONE statement for the case rules
    (UNION ALL of the rule queries, each row tagged with its rule) plus one for the
    party-level repeated-inspection rule. Rows come back in the shape the message builders
    expect: (case id, agency, division, sector, number[, extra columns])."""
    out: dict[str, dict[str, tuple[Any, ...]]] = {code: {} for code, _c, _i in plan}
    parts = []
    for code, cases, _ids in plan:
        ctx = _Ctx(today, cfg, cases, now)
        if code == "repeated_inspection":
            rows = _sweep_repeated_inspection(ctx)
            latest = {last: (p, n) for p, last, n in rows}
            for row in Case.objects.filter(pk__in=list(latest)).values_list(*_ROW):
                p, n = latest[row[0]]
                out[code][f"party:{p}"] = (*row, n)
            continue
        if code == "step_overdue":
            parts.append(_step_overdue_rows(ctx))
            continue
        extra = _FAST[code][0] if code in _FAST else ()
        d1 = F(extra[0]) if extra else Cast(Value(None), output_field=DateField())
        s1 = F(extra[1]) if len(extra) > 1 else Value("", output_field=CharField())
        parts.append(
            _CASE_SWEEPS[code](ctx)
            .order_by()
            .annotate(_rule=Value(code, output_field=CharField()), _d1=d1, _s1=s1)
            .values_list("_rule", *_ROW, "_d1", "_s1")
        )
    if not parts:
        return out
    query = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    width = {code: len(_FAST[code][0]) if code in _FAST else 0 for code in out}
    steps = out.get("step_overdue")
    for row in list(query):  # one round trip; a day's flags fit in memory (~5 % of cases)
        code = row[0]
        if code == "step_overdue":  # one row per late step: gather the codes of each case
            key = f"case:{row[1]}"
            if key in steps:
                steps[key][5].add(row[7])
            else:
                steps[key] = (*row[1:6], {row[7]})
            continue
        out[code][f"case:{row[1]}"] = row[1:6] + row[6 : 6 + width[code]]
    return out


def _live(plan: list[tuple[str, QuerySet[Case], Any]]) -> dict[str, dict[str, int]]:
    """The live alerts of the planned rules (one query): rule → subject → alert id."""
    q = Q(pk__in=[])
    for code, _cases, ids in plan:
        q |= Q(rule=code) if ids is None else Q(rule=code, case_id__in=ids)
    out: dict[str, dict[str, int]] = {}
    if plan:
        # unordered: the model's default ordering would sort every live alert for nothing
        for rule, subject, pk in (
            Alert.objects.filter(q, state__in=LIVE)
            .order_by()
            .values_list("rule", "subject_key", "id")
        ):
            out.setdefault(rule, {})[subject] = pk
    return out


def alerts_sweep(
    *,
    today: date | None = None,
    now: dt.datetime | None = None,
    mode: str | None = None,
    ledger: bool = True,
) -> SweepResult:
    """Open, keep or close alerts; idempotent (a second run with no change opens and closes 0).

    Modes (`mode=None` picks by the sweep state):
    - "all": every rule over every case: the first sweep ever, after a configuration change,
      or on demand (the weekly audit task);
    - "daily": the first sweep of a day: the rules that change with the date alone
      (`TIME_RULES`) over all cases, and the certificate rule over the cases of officers whose
      certificates changed or passed a validity date since the last run;
    - "incremental": later sweeps that day: certificate changes since the last run, and the
      rules that change with the hour (`HOUR_RULES`: the 24 hours of an emergency measure).
    Every other change to a case goes through `case_transition`, which evaluates that case.
    `ledger=False` leaves the deductions of new alerts to `alerts_ledger_push` (Celery task).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    cfg = sel.supervision_config()
    state, _ = SweepState.objects.get_or_create(key="default")
    cfg_dump = {k: getattr(cfg, k) for k in cfg.__dataclass_fields__}
    if mode is None:
        if state.ran_at is None or state.config != cfg_dump:
            mode = "all"
        else:
            mode = "daily" if state.full_on != today else "incremental"
    plan: list[tuple[str, QuerySet[Case], Any]] = []
    if mode == "all":
        plan = [(r.code, Case.objects.all(), None) for r in RULES]
    else:
        if mode == "daily":
            plan = [(code, Case.objects.all(), None) for code in TIME_RULES]
        else:
            plan = [(code, Case.objects.all(), None) for code in HOUR_RULES]
        if state.ran_at is not None:
            ids = _certificate_cases(state, today)
            if ids is not None:
                plan.append(("uncertified_officer", Case.objects.filter(pk__in=ids), ids))

    opened = kept = closed = 0
    new_alerts: list[tuple[Any, ...]] = []
    close_ids: list[int] = []
    rules_run = [code for code, _c, _i in plan]
    q_supp = Q(state=AlertState.UNFOUNDED.value) | Q(
        state=AlertState.CLOSED.value, closed_by__isnull=False
    )
    suppressed_all = (
        set(
            Alert.objects.filter(q_supp, rule__in=rules_run)
            .order_by()
            .values_list("rule", "subject_key")
        )
        if rules_run
        else set()
    )
    flagged_by_rule = _flagged(plan, today, cfg, now)
    live_by_rule = _live(plan)
    for code, cases, _only_ids in plan:
        ctx = _Ctx(today, cfg, cases, now)
        rule = RULES_BY_CODE[code]
        flagged = flagged_by_rule[code]
        live = live_by_rule.get(code, {})
        new_keys = [k for k in flagged if k not in live]
        kept += len(flagged) - len(new_keys)
        close_ids += [i for k, i in live.items() if k not in flagged]
        new_keys = [k for k in new_keys if (code, k) not in suppressed_all]
        if not new_keys:
            continue
        found: _Found
        if code in _FAST:
            found = _FAST[code][1](code, [flagged[k] for k in new_keys], ctx)
        elif code == "repeated_inspection":
            found = {}
            for k in new_keys:
                row = flagged[k]
                detail = {"count": row[5], "days": cfg.inspection_window_days}
                found[row[0]] = (rule.template.format(**detail), detail)
        else:
            found = {
                case_id: (f.message, f.detail)
                for case_id, f in _messages_for_new(
                    code, [flagged[k][0] for k in new_keys], today, cfg, now
                ).items()
            }
        for k in new_keys:
            row = flagged[k]
            hit = found.get(row[0])
            if hit is None:  # the pure rule disagrees: trust it, open nothing
                continue
            message, detail = hit
            new_alerts.append(
                (
                    code,
                    k,
                    row[1],
                    row[2],
                    row[3],
                    row[0],
                    rule.severity,
                    message[:300],
                    rule.basis,
                    rule.indicator,
                    _facts_json(row[4], detail),
                )
            )
    # in case order: the case index, the subject keys and PostgreSQL's foreign-key checks (which
    # lock each case row) then walk their pages once instead of once per rule
    new_alerts.sort(key=lambda r: r[5] or 0)
    with transaction.atomic():
        _insert_alerts(new_alerts, now)
        for i in range(0, len(close_ids), BATCH):
            Alert.objects.filter(pk__in=close_ids[i : i + BATCH], state__in=LIVE).update(
                state=AlertState.CLOSED.value, closed_at=now, resolution=SWEEP_NOTE
            )
        opened, closed = len(new_alerts), len(close_ids)
        state.full_on = today if mode in ("all", "daily") else state.full_on
        state.ran_at = now
        state.config = cfg_dump
        state.save()
        if opened or closed:
            audit_record(
                actor=None,
                action="enforcement.alert.sweep",
                detail={
                    "opened": opened,
                    "kept": kept,
                    "closed": closed,
                    "mode": mode,
                    "today": today.isoformat(),
                },
            )
    if ledger and opened:
        alerts_ledger_push()
    return SweepResult(opened=opened, kept=kept, closed=closed, mode=mode)


# --- people acting on alerts ----------------------------------------------------------------


def _require_live(alert: Alert) -> None:
    if alert.state not in LIVE:
        raise ValidationError("该预警已关闭，不能再处理。")


def alert_rectify(*, actor: Any, alert: Alert, note: str, evidence: Any = None) -> Rectification:
    """Record a rectification (note and optional evidence, SHA-256 hashed while stored); the
    alert moves to "being rectified". The agency's staff and supervisors in scope may do it."""
    if not _in_scope(actor, alert):
        raise PermissionDenied("无权处理该预警。")
    if not (note or "").strip():
        raise ValidationError("请填写整改情况说明。")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        _require_live(alert)
        rect = Rectification(alert=alert, note=note.strip(), recorded_by=actor)
        if evidence is not None:
            digest = hashlib.sha256()
            for chunk in evidence.chunks():
                digest.update(chunk)
            rect.evidence_sha256 = digest.hexdigest()
            rect.evidence = evidence
        rect.save()
        if alert.state == AlertState.OPEN.value:
            alert.state = AlertState.RECTIFYING.value
            alert.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="enforcement.alert.rectify",
            target=alert,
            detail={"rectification": rect.pk, "sha256": rect.evidence_sha256},
        )
    return rect


def alert_close(*, actor: Any, alert: Alert, note: str = "") -> Alert:
    """A supervisor closes the alert (rectified). Its deduction stays."""
    if not _is_supervisor(actor) or not _in_scope(actor, alert):
        raise PermissionDenied("只有监督人员可以关闭预警。")
    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        _require_live(alert)
        return _close(
            alert,
            actor=actor,
            note=(note or "").strip() or "整改完成，予以关闭。",
            now=timezone.now(),
        )


def alert_mark_unfounded(*, actor: Any, alert: Alert, reason: str) -> Alert:
    """A supervisor finds the alert unfounded: it closes as such and its deduction is reversed
    in the ledger (a new negating entry; the original is never edited)."""
    if not _is_supervisor(actor) or not _in_scope(actor, alert):
        raise PermissionDenied("只有监督人员可以认定预警不成立。")
    if not (reason or "").strip():
        raise ValidationError("请填写不成立的理由。")
    from fazhi.assessment.services import score_reverse

    with transaction.atomic():
        alert = Alert.objects.select_for_update().get(pk=alert.pk)
        _require_live(alert)
        now = timezone.now()
        _close(alert, actor=actor, note=reason.strip(), now=now, state=AlertState.UNFOUNDED.value)
        rule = RULES_BY_CODE.get(alert.rule)
        if rule is not None and rule.points:
            score_reverse(
                source=alert,
                rule=LEDGER_RULE_PREFIX + alert.rule,
                indicator=rule.indicator,
                occurred_at=now,
                actor=actor,
            )
    return alert
