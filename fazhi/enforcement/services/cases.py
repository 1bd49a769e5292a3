"""Case services: the only code that creates or moves an enforcement case (issue 4 §4).

Every move goes through `case_transition`, which locks the case row (`select_for_update()` on
PostgreSQL; IMMEDIATE transactions serialise writers on SQLite), looks the step up in the ONE
transition table of `rules/cases.py`, runs its guards on facts read from the database, records a
`Step` (actor, time, place, officers, documents, audio-visual flag, the article) and an audit
entry, then lets supervision and disclosure react — all in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fazhi.audit.services import audit_record
from fazhi.core.calendar import (
    CalendarYearNotSupported,
    ProvisionalCalendar,
    official_calendar,
)
from fazhi.core.identifiers import IdentifierError, validate_credit_code, validate_resident_id
from fazhi.enforcement.models import (
    AuthorityItem,
    BenchmarkTier,
    Case,
    CaseOfficer,
    CoercionMeasure,
    DeadlineExtension,
    DiscretionBenchmark,
    FirstViolationList,
    HearingThreshold,
    LegalReview,
    MajorDecisionRule,
    Officer,
    Party,
    Step,
)
from fazhi.enforcement.rules import cases as rules
from fazhi.enforcement.rules import coercion, deadlines
from fazhi.enforcement.rules.discretion import (
    DEFAULT_FIRST_VIOLATION_LOOKBACK_DAYS,
    Applicable,
    BenchmarkVersion,
    NoPenaltyFacts,
    NoPenaltyGround,
    PenaltyCheck,
    Proposal,
    StatutoryRange,
    Tier,
    applicable_benchmark,
    check_penalty,
    is_first_violation,
    mandatory_no_penalty,
    must_be_lighter,
    no_penalty_options,
)
from fazhi.enforcement.rules.enums import (
    CASE_STATE_LABELS,
    OPEN_CASE_STATES,
    ActType,
    CaseState,
    PartyKind,
    PenaltyType,
    Procedure,
    ReviewResult,
)
from fazhi.enforcement.selectors.registry import officer_can_act
from fazhi.enforcement.services.authority import statutory_range
from fazhi.orgs.models import Agency, Division

S = CaseState

#: Circumstance flags an officer records (rulebook §10.3 order, art. 36 category).
CIRCUMSTANCE_FLAGS = (
    "serious_harm",
    "incapable",
    "no_fault",
    "no_fault_excluded",
    "minor",
    "corrected",
    "no_harm",
    "slight_harm",
    "facts_not_established",
)
#: Grounds whose decided cases are no established violation (for "first violation").
_NOT_A_VIOLATION = (
    NoPenaltyGround.FACTS_NOT_ESTABLISHED.value,
    NoPenaltyGround.NO_FAULT.value,
    NoPenaltyGround.NOT_PUNISHABLE.value,
)


class CaseTransitionError(ValidationError):
    """A step the table forbids or whose guards fail; `.messages` are Chinese and each names its
    article."""


@dataclass(frozen=True)
class AvailableTransition:
    to: str
    label: str
    blocked_by: list[str]


# --- helpers ----------------------------------------------------------------------------------


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _local_date(at: datetime) -> date:
    return timezone.localdate(at) if timezone.is_aware(at) else at.date()


def _date(value: Any, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return _local_date(value)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise CaseTransitionError(_("%(name)s is not a valid date.") % {"name": name}) from exc


def _decimal(value: Any, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise CaseTransitionError(_("%(name)s is not a valid amount.") % {"name": name}) from exc
    if not amount.is_finite() or amount < 0:
        raise CaseTransitionError(_("%(name)s is not a valid amount.") % {"name": name})
    return amount.quantize(Decimal("0.01"))


def _json_safe(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_safe(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _calendar() -> ProvisionalCalendar:
    """The official calendar; in a year whose schedule is not loaded yet, the statutory rest days
    (fazhi.core.calendar.ProvisionalCalendar), so a case filed in December still gets its
    deadlines. `deadline_is_provisional` tells the pages which dates to mark as provisional."""
    return ProvisionalCalendar(official_calendar())


def deadline_is_provisional(day: date | None) -> bool:
    """True when `day` lies in a year counted on the statutory rest days alone."""
    return day is not None and _calendar().is_provisional(day.year)


def _due_calendar_days(start: date | None, fn: Any, **kw: Any) -> date | None:
    """A calendar-day deadline (None before its start event)."""
    if start is None:
        return None
    try:
        return fn(start, _calendar(), **kw).due
    except CalendarYearNotSupported:  # before 2025 and outside the package: not guessed
        return None


def _decision_due(case: Case) -> date | None:
    if case.filed_on is None:
        return None
    extra = sum(e.days for e in case.extensions.all()) if case.pk else 0
    try:
        return deadlines.decision_due(case.filed_on, _calendar(), extension_days=extra).due
    except CalendarYearNotSupported:  # before 2025 and outside the package: no roll-over
        return case.filed_on + timedelta(days=deadlines.DECISION_DAYS + extra)


def _working_due(start: date | None, fn: Any, **kw: Any) -> date | None:
    """A working-day deadline (None before its start event, or in an unknown year before 2025)."""
    if start is None:
        return None
    try:
        result = fn(start, _calendar(), **kw)
    except CalendarYearNotSupported:
        return None
    return result.due if hasattr(result, "due") else result


def _statement_days(case: Case) -> int:
    from django.conf import settings

    table = getattr(settings, "FAZHI_ENFORCEMENT_STATEMENT_DAYS", {}) or {}
    code = case.sector.code if case.sector_id else ""
    return int(table.get(code, table.get("", deadlines.DEFAULT_STATEMENT_WORKING_DAYS)))


def _snapshot(case: Case) -> dict[str, Any]:
    return _json_safe(
        {
            "state": case.state,
            "procedure": case.procedure,
            "penalty_types": case.penalty_types,
            "fine_amount": case.fine_amount,
            "tier": case.tier,
            "no_penalty_ground": case.no_penalty_ground,
            "is_major": case.is_major,
            "decided_on": case.decided_on,
            "served_on": case.served_on,
        }
    )


def _hooks(case: Case, actor: Any) -> None:
    """Let supervision and disclosure react inside the same transaction (interface.md)."""
    from fazhi.enforcement.services import disclosure, supervision

    supervision.alerts_evaluate_case(case, actor=actor)
    disclosure.disclosure_after_transition(case, actor=actor)


# --- parties ----------------------------------------------------------------------------------


@transaction.atomic
def party_get_or_create(
    *,
    actor: Any,
    kind: str,
    name: str,
    id_number: str,
    address: str = "",
    phone: str = "",
    birth_date: date | None = None,
    legal_representative: str = "",
) -> Party:
    """The party with this identifier, created when new. Citizens need a valid resident ID
    (GB 11643-1999, rulebook §9.1), organisations a valid unified social credit code
    (GB 32100-2015, §9.2). A citizen's birth date is read from the ID when not given."""
    if kind not in {k.value for k in PartyKind}:
        raise ValidationError({"kind": [_("Choose a citizen or an organisation.")]})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the party's name.")]})
    try:
        if kind == PartyKind.CITIZEN:
            id_number = validate_resident_id(id_number)
        else:
            id_number = validate_credit_code(id_number)
    except IdentifierError as exc:
        raise ValidationError({"id_number": [str(exc)]}) from exc
    if kind == PartyKind.CITIZEN and birth_date is None:
        birth_date = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    party, created = Party.objects.get_or_create(
        kind=kind,
        id_number=id_number,
        defaults={
            "name": name,
            "address": address,
            "phone": phone,
            "birth_date": birth_date if kind == PartyKind.CITIZEN else None,
            "legal_representative": legal_representative,
        },
    )
    if created:
        # Personal data stays out of the audit detail (only the kind and the record id).
        audit_record(
            actor=actor,
            action="enforcement.party.create",
            target=party,
            after={"kind": kind, "name": name, "id_number": id_number},
            detail={"kind": kind},
        )
    return party


# --- opening a case ---------------------------------------------------------------------------


def _next_number(agency: Agency, year: int) -> str:
    prefix = f"{agency.government.division.code}-{year}-{agency.pk:05d}-"
    last = (
        Case.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


def _require_officer_may_act(officer: Officer, agency: Agency) -> None:
    if officer.is_auxiliary:
        raise CaseTransitionError(
            _(
                "Auxiliary staff may assist but never act as an officer of a case "
                "(《行政处罚法》第四十二条; rulebook §8)."
            )
        )
    if officer.agency_id != agency.pk:
        raise CaseTransitionError(
            _("%(name)s is not an officer of the acting agency.") % {"name": officer.name}
        )


@transaction.atomic
def case_open(
    *,
    actor: Any,
    agency: Agency,
    act_type: str,
    procedure: str,
    title: str,
    party: Party | None = None,
    authority_item: AuthorityItem | None = None,
    officers: Sequence[Officer] = (),
    facts: str = "",
    place: str = "",
    source: str = "",
    act_started_on: date | None = None,
    act_ended_on: date | None = None,
    discovered_on: date | None = None,
    at: datetime | None = None,
) -> Case:
    """Register a clue (state CLUE) for `agency`; division and sector are copied from it."""
    at = _now(at)
    errors: dict[str, list[str]] = {}
    if act_type not in {a.value for a in ActType}:
        errors["act_type"] = [_("Choose the kind of act.")]
    if procedure not in {p.value for p in Procedure}:
        errors["procedure"] = [_("Choose the simple or the general procedure.")]
    elif procedure == Procedure.SIMPLE and act_type != ActType.PENALTY:
        errors["procedure"] = [
            _("The simple procedure exists only for penalties (《行政处罚法》第五十一条).")
        ]
    if not (title or "").strip():
        errors["title"] = [_("Give the case a title.")]
    if authority_item is not None and authority_item.agency_id != agency.pk:
        errors["authority_item"] = [
            _(
                "The authority item is not on the acting agency's authority list "
                "(《行政处罚法》第十七条至第二十条)."
            )
        ]
    if act_started_on and act_ended_on and act_ended_on < act_started_on:
        errors["act_ended_on"] = [_("The act cannot end before it started.")]
    if errors:
        raise ValidationError(errors)
    for officer in officers:
        _require_officer_may_act(officer, agency)
    agency = Agency.objects.select_related("government__division").get(pk=agency.pk)
    case = None
    for _attempt in range(5):
        case = Case(
            number=_next_number(agency, _local_date(at).year),
            agency=agency,
            division=agency.government.division,
            sector_id=agency.sector_id,
            act_type=act_type,
            procedure=procedure,
            state=S.CLUE.value,
            authority_item=authority_item,
            party=party,
            title=title.strip(),
            source=source,
            facts=facts,
            place=place,
            act_started_on=act_started_on,
            act_ended_on=act_ended_on,
            discovered_on=discovered_on or _local_date(at),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        try:
            with transaction.atomic():
                case.save()
            break
        except IntegrityError:
            case = None
    if case is None:  # pragma: no cover - five concurrent numbers in a row
        raise CaseTransitionError(_("The case number could not be assigned; try again."))
    for i, officer in enumerate(officers):
        CaseOfficer.objects.create(
            case=case,
            officer=officer,
            role=CaseOfficer.Role.LEAD if i == 0 else CaseOfficer.Role.INVESTIGATOR,
        )
    step = Step.objects.create(
        case=case,
        code="open",
        state_from="",
        state_to=case.state,
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=at,
        place=place,
        note=source,
        done_on=_local_date(at),
        basis=rules.ART_FILING,
    )
    if officers:
        step.officers.set(officers)
    audit_record(
        actor=actor,
        action="enforcement.case.open",
        target=case,
        after=_snapshot(case),
        detail={"agency": agency.pk, "act_type": act_type, "procedure": procedure},
        at=at,
    )
    _hooks(case, actor)
    return case


@transaction.atomic
def case_officer_add(
    *, actor: Any, case: Case, officer: Officer, role: str = "investigator"
) -> CaseOfficer:
    """Add an acting officer to an open case. Auxiliary staff are refused (art. 42; §8)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.state not in OPEN_CASE_STATES:
        raise CaseTransitionError(_("Officers can only be added to an open case."))
    if role not in CaseOfficer.Role.values:
        raise ValidationError({"role": [_("Choose the officer's role.")]})
    _require_officer_may_act(officer, case.agency)
    link, created = CaseOfficer.objects.get_or_create(
        case=case, officer=officer, defaults={"role": role}
    )
    if created:
        audit_record(
            actor=actor,
            action="enforcement.case.officer_add",
            target=case,
            detail={"officer": officer.pk, "role": role},
        )
    return link


# --- facts for the guards ---------------------------------------------------------------------


def benchmark_in_force(item: AuthorityItem, day: date) -> DiscretionBenchmark | None:
    """The item's benchmark version in force on `day` (the act date, rulebook §10.2 rule 5)."""
    return (
        DiscretionBenchmark.objects.filter(item=item, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from", "-id")
        .first()
    )


def _tier_of(t: BenchmarkTier) -> Tier:
    return Tier(
        t.level,
        tuple(t.penalty_types or ()),
        t.fine_min,
        t.fine_max,
        t.requires_legal_review,
        t.requires_collective_discussion,
        t.multiple_min,
        t.multiple_max,
    )


@dataclass(frozen=True)
class AppliedBenchmark:
    """The benchmark version a case applies (art. 37) with its row, None for the statute alone."""

    applicable: Applicable
    benchmark: DiscretionBenchmark | None

    @property
    def tiers(self) -> list[Tier]:
        version = self.applicable.version
        return list(version.tiers) if version is not None else []

    @property
    def not_punishable(self) -> bool:
        version = self.applicable.version
        return version is not None and version.not_punishable

    def rule(self) -> str:
        """The reason in Chinese, as stored on the case (whatever the reader's language)."""
        with translation.override("zh-hans"):
            return self.applicable.rule()[:300]


def benchmark_applicable(
    item: AuthorityItem,
    act_on: date,
    decided_on: date,
    *,
    tier: str = "",
    base_amount: Decimal | None = None,
) -> AppliedBenchmark:
    """The benchmark version a decision on `decided_on` applies to an act of `act_on`: the one in
    force at the act, unless the one in force at the decision is lighter for the tier or no
    longer penalises the act (《行政处罚法》第三十七条 从旧兼从轻; rulebook §10.2 rule 5;
    `rules.discretion.applicable_benchmark`)."""
    statutory = statutory_range(item)
    # One read for both days (the versions whose validity touches [first, last]), then the
    # version in force on each day picked as `benchmark_in_force` does; one read for the tiers.
    first, last = min(act_on, decided_on), max(act_on, decided_on)
    candidates = list(
        DiscretionBenchmark.objects.filter(item=item, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .order_by("-valid_from", "-id")
    )

    def in_force(day: date) -> DiscretionBenchmark | None:
        for b in candidates:
            if b.valid_from <= day and (b.valid_to is None or b.valid_to >= day):
                return b
        return None

    chosen_rows = [in_force(act_on), in_force(decided_on)]
    rows = {b.pk: b for b in chosen_rows if b is not None}
    tiers: dict[int, list[Tier]] = {pk: [] for pk in rows}
    if rows:
        for t in BenchmarkTier.objects.filter(benchmark_id__in=list(rows)):
            tiers[t.benchmark_id].append(_tier_of(t))
    versions = [
        None if b is None else BenchmarkVersion(b.pk, b.valid_from, tuple(tiers[b.pk]), statutory)
        for b in chosen_rows
    ]
    applicable = applicable_benchmark(versions[0], versions[1], tier=tier, base_amount=base_amount)
    chosen = applicable.version
    return AppliedBenchmark(applicable, rows.get(chosen.pk) if chosen and chosen.pk else None)


def hearing_threshold(case: Case, party_kind: str) -> Decimal:
    """The "large amount" of art. 63 for this case's sector, region and party kind: the most
    specific `HearingThreshold` row (sector before region, nearer region first), else the code
    defaults of rulebook §1.7 [PRAC]."""
    path = case.division.path
    step = Division.steplen
    prefixes = [path[:i] for i in range(step, len(path) + 1, step)]
    rows = list(
        HearingThreshold.objects.filter(party_kind=party_kind)
        .filter(Q(sector_id=case.sector_id) | Q(sector__isnull=True))
        .filter(Q(division__isnull=True) | Q(division__path__in=prefixes))
        .select_related("division")
    )
    if rows:
        rows.sort(
            key=lambda r: (r.sector_id is not None, len(r.division.path) if r.division_id else 0),
            reverse=True,
        )
        return rows[0].amount
    sector_code = case.sector.code if case.sector_id else ""
    by_sector = rules.SECTOR_HEARING_THRESHOLDS.get(sector_code, {})
    return by_sector.get(party_kind, rules.DEFAULT_HEARING_THRESHOLD.get(party_kind, Decimal("0")))


def major_catalogue(agency_id: int) -> tuple[rules.MajorRule, ...]:
    """The agency's published catalogue of major decisions, or the typical one (§2.3)."""
    rows = MajorDecisionRule.objects.filter(agency_id=agency_id, is_active=True)
    catalogue = tuple(
        rules.MajorRule(r.kind, r.party_kind, r.amount, r.penalty_type, r.description) for r in rows
    )
    return catalogue or rules.DEFAULT_MAJOR_CATALOGUE


def first_violation(case: Case, act_on: date) -> bool:
    """Whether this is the party's first violation of this kind (rulebook §10.3): no decided case
    of the same party identifier and the same violation key within the look-back window of the
    sector's first-violation list in force (default 730 days), counting back from the act."""
    item = case.authority_item
    if case.party_id is None or item is None or not item.violation_key:
        return False
    lookback = DEFAULT_FIRST_VIOLATION_LOOKBACK_DAYS
    if case.sector_id:
        lists = (
            FirstViolationList.objects.filter(sector_id=case.sector_id, valid_from__lte=act_on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=act_on))
            .select_related("region")
            .order_by("-valid_from")
        )
        for lst in lists:
            if lst.region_id is None or case.division.path.startswith(lst.region.path):
                lookback = lst.lookback_days
                break
    earlier = (
        Case.objects.filter(
            party__id_number=case.party.id_number,
            authority_item__violation_key=item.violation_key,
            state__in=[s.value for s in rules.DECIDED_STATES],
            decided_on__isnull=False,
        )
        .exclude(pk=case.pk)
        .exclude(no_penalty_ground__in=_NOT_A_VIOLATION)
        .values_list("decided_on", flat=True)
    )
    return is_first_violation(list(earlier), act_on, lookback)


def _proposal(case: Case, data: Mapping[str, Any]) -> Proposal:
    if "penalty_types" in data or "no_penalty_ground" in data:
        raw = data.get("penalty_types") or []
        if isinstance(raw, str) or not all(isinstance(t, str) for t in raw):
            raise CaseTransitionError(_("Penalty types must be a list."))
        return Proposal(
            penalty_types=tuple(dict.fromkeys(raw)),
            fine_amount=_decimal(data.get("fine_amount"), _("Fine")),
            tier=str(data.get("tier") or ""),
            outside_benchmark_reason=str(data.get("outside_benchmark_reason") or ""),
            no_penalty_ground=str(data.get("no_penalty_ground") or ""),
            base_amount=_decimal(data.get("fine_base_amount"), _("Base of the fine")),
            base_evidence=str(data.get("fine_base_evidence") or ""),
        )
    return Proposal(
        penalty_types=tuple(case.penalty_types or ()),
        fine_amount=case.fine_amount,
        tier=case.tier,
        outside_benchmark_reason=case.outside_benchmark_reason,
        no_penalty_ground=case.no_penalty_ground,
        base_amount=case.fine_base_amount,
        base_evidence=case.fine_base_evidence,
    )


def _local(moment: datetime | None) -> datetime | None:
    """`moment` in local time (Asia/Shanghai): the rules count a measure's days from its local
    date (rules.coercion uses `started_at.date()`), and the database hands back UTC."""
    return timezone.localtime(moment) if moment is not None else None


def _datetime(value: Any, name: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time(0, 0))
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError as exc:
            raise CaseTransitionError(
                _("%(name)s is not a valid date and time.") % {"name": name}
            ) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _approver(case: Case, value: Any) -> Any:
    """The head of the organ who approved a coercive measure (《行政强制法》第十八条、第十九条、
    第二十五条): a leader of the case's agency."""
    from django.contrib.auth import get_user_model

    if value in (None, ""):
        return None
    user = value
    if not hasattr(value, "pk"):
        try:
            user = get_user_model().objects.get(pk=int(value))
        except (ValueError, TypeError, get_user_model().DoesNotExist) as exc:
            raise CaseTransitionError(_("Unknown approving person.")) from exc
    if user.agency_id != case.agency_id or not user.has_role("agency_leader"):
        raise CaseTransitionError(
            _(
                "The approval must come from the head of the acting organ "
                "(《行政强制法》第十八条、第二十五条)."
            )
        )
    return user


def _measure_record(case: Case) -> CoercionMeasure | None:
    if case.act_type != ActType.COERCION or not case.pk:
        return None
    return CoercionMeasure.objects.filter(case=case).first()


def _measure_facts(
    case: Case,
    record: CoercionMeasure | None,
    *,
    target: str,
    at: datetime,
    data: Mapping[str, Any],
) -> tuple[coercion.MeasureFacts | None, Any, datetime | None]:
    """The coercive measure the guards look at: the one this measure step records (its data),
    or the case's recorded one with an approval given on this step. Returns the facts, the
    approving person and the approval time given on this step."""
    if case.act_type != ActType.COERCION:
        return None, None, None
    approver = _approver(case, data.get("measure_approved_by"))
    approved_at = _datetime(data.get("measure_approved_at"), _("Approval time"))
    if approver is not None and approved_at is None:
        approved_at = at
    if approver is None and approved_at is not None:
        raise CaseTransitionError(_("Name the head of the organ who approved the measure."))
    if target == S.DECIDED:
        if not any(k in data for k in ("measure_kind", "measure_started_at", "measure_ends_on")):
            return None, approver, approved_at
        return (
            coercion.MeasureFacts(
                kind=str(data.get("measure_kind") or ""),
                started_at=_local(
                    _datetime(data.get("measure_started_at"), _("Measure start")) or at
                ),
                ends_on=_date(data.get("measure_ends_on"), _("Last day of the measure")),
                emergency=bool(data.get("measure_emergency", False)),
                approved_at=approved_at,
            ),
            approver,
            approved_at,
        )
    if record is None:
        return None, approver, approved_at
    return (
        coercion.MeasureFacts(
            kind=record.kind,
            started_at=_local(record.started_at),
            ends_on=record.ends_on,
            emergency=record.emergency,
            approved_at=record.approved_at or approved_at,
            extension_days=record.extension_days,
            released_on=record.released_on,
        ),
        approver if record.approved_at is None else None,
        approved_at if record.approved_at is None else None,
    )


def _rest_day(day: date) -> bool:
    """Whether `day` is a rest day (weekly rest day or holiday) on the official calendar; a
    make-up working day is a working day (rulebook §0.2)."""
    try:
        return not _calendar().is_working_day(day)
    except CalendarYearNotSupported:  # before 2025 and outside the package: weekdays only
        return day.weekday() >= 5


@dataclass
class _Built:
    facts: rules.TransitionFacts
    proposal: Proposal
    check: PenaltyCheck
    circumstances: dict[str, bool]
    first: bool | None
    valid_officers: list[Officer]
    confiscation_value: Decimal | None
    applied: AppliedBenchmark | None = None
    approver: Any = None
    approved_at: datetime | None = None


def _build_facts(
    case: Case,
    *,
    target: str,
    at: datetime,
    data: Mapping[str, Any],
    officers: Sequence[Officer] | None,
    note: str,
    cache: dict[str, Any] | None = None,
) -> _Built:
    """Read what the guards need. `cache` shares the reads that do not depend on the target
    between the rows `case_transitions_available` evaluates."""
    memo: dict[str, Any] = cache if cache is not None else {}

    def once(key: str, fn: Any) -> Any:
        if key not in memo:
            memo[key] = fn()
        return memo[key]

    on = _local_date(at)
    proposal = _proposal(case, data)
    item = case.authority_item
    party = case.party
    circumstances = dict(case.circumstances or {})
    for flag in CIRCUMSTANCE_FLAGS:
        if flag in data:
            circumstances[flag] = bool(data[flag])
    confiscation_value = (
        _decimal(data["confiscation_value"], _("Value confiscated"))
        if "confiscation_value" in data
        else case.confiscation_value
    )
    act_on = case.act_ended_on or case.act_started_on or case.discovered_on or on
    deciding = target in (S.DECIDED, S.NOTIFIED)
    first = once("first", lambda: first_violation(case, act_on)) if deciding else None
    # Art. 37: the version in force at the act, unless the one in force at this decision (or
    # notice of the intended decision) is lighter for the tier, or no longer penalises the act.
    applied: AppliedBenchmark | None = None
    if deciding and item is not None and case.act_type == ActType.PENALTY:
        applied = once(
            f"applied:{proposal.tier}:{proposal.base_amount}",
            lambda: benchmark_applicable(
                item, act_on, on, tier=proposal.tier, base_amount=proposal.base_amount
            ),
        )
    np_facts = NoPenaltyFacts(
        act_on=case.act_ended_on or case.act_started_on,
        discovered_on=case.discovered_on,
        serious_harm=circumstances.get("serious_harm", False),
        party_birth_date=party.birth_date if party and party.kind == PartyKind.CITIZEN else None,
        incapable=circumstances.get("incapable", False),
        no_fault=circumstances.get("no_fault", False),
        no_fault_excluded=circumstances.get("no_fault_excluded", False),
        minor=circumstances.get("minor", False),
        corrected=circumstances.get("corrected", False),
        no_harm=circumstances.get("no_harm", False),
        slight_harm=circumstances.get("slight_harm", False),
        first_violation=bool(first),
        facts_not_established=circumstances.get("facts_not_established", False),
        no_longer_punishable=applied is not None and applied.not_punishable,
    )
    options = no_penalty_options(np_facts)
    check = PenaltyCheck()
    if deciding and item is not None and proposal.is_penalty:
        check = check_penalty(
            proposal,
            statutory_range(item),
            applied.tiers if applied is not None else [],
            lighter_required=must_be_lighter(np_facts),
        )
    measure, approver, approved_at = _measure_facts(
        case,
        once("measure", lambda: _measure_record(case)),
        target=target,
        at=at,
        data=data,
    )
    local_at = timezone.localtime(at) if timezone.is_aware(at) else at
    # Officers of this step: the ones named, else the case's officers (arts. 42, 55).
    if officers is None:
        officers = once(
            "officers",
            lambda: [
                co.officer for co in CaseOfficer.objects.filter(case=case).select_related("officer")
            ],
        )
        valid = once("valid", lambda: [o for o in officers if officer_can_act(o, on)])
    else:
        valid = [o for o in officers if officer_can_act(o, on)]
    invalid = tuple(o.name for o in officers if o not in valid)
    party_kind = party.kind if party else ""
    threshold = (
        once("threshold", lambda: hearing_threshold(case, party_kind)) if party else Decimal("0")
    )
    hearing_offered = (
        rules.hearing_right(
            proposal.penalty_types,
            proposal.fine_amount,
            threshold,
            confiscation_value=confiscation_value,
        )
        if proposal.is_penalty and case.procedure == Procedure.GENERAL
        else False
    )
    if target not in (S.NOTIFIED,) and case.notified_on is not None:
        hearing_offered = case.hearing_offered or hearing_offered
    hearing_requested_on = (
        _date(data.get("hearing_requested_on"), _("Hearing request day"))
        or case.hearing_requested_on
    )
    hearing_notice_on = (
        _date(data.get("hearing_notice_on"), _("Hearing notice day")) or case.hearing_notice_on
    )
    hearing_on = _date(data.get("hearing_on"), _("Hearing day")) or case.hearing_on
    # Decided after a hearing (art. 58 ¶1 (二); rulebook §2.3).
    after_hearing = case.hearing_on is not None
    reasons = (
        rules.major_reasons(
            once("catalogue", lambda: major_catalogue(case.agency_id)),
            party_kind=party_kind,
            penalty_types=proposal.penalty_types,
            fine_amount=proposal.fine_amount,
            confiscation_value=confiscation_value,
            after_hearing=after_hearing,
            outside_benchmark=check.outside_benchmark or proposal.tier == "mitigated",
            review_required_by_tier=check.needs_legal_review and not check.outside_benchmark,
        )
        if proposal.is_penalty
        else []
    )
    officer_users = once("officer_users", lambda: _case_officer_user_ids(case))
    reviews = once(
        "reviews",
        lambda: tuple(
            rules.ReviewFacts(r.result, r.reviewed_at, r.reviewer_id in officer_users)
            for r in LegalReview.objects.filter(case=case).order_by("submitted_at", "id")
        ),
    )
    hearing_earliest = (
        _working_due(hearing_notice_on, deadlines.hearing_earliest_day)
        if hearing_notice_on
        else None
    )
    facts = rules.TransitionFacts(
        procedure=case.procedure,
        act_type=case.act_type,
        state=case.state,
        on=on,
        at=at,
        agency_id=case.agency_id,
        party_kind=party_kind,
        has_party=party is not None,
        item_agency_id=item.agency_id if item else None,
        item_act_type=item.act_type if item else "",
        has_item=item is not None,
        officers_valid=len({o.pk for o in valid}),
        officers_invalid=invalid,
        proposal=proposal,
        penalty_check=check,
        mandatory_no_penalty=mandatory_no_penalty(np_facts),
        no_penalty_grounds=tuple(o.ground.value for o in options),
        hearing_offered=hearing_offered,
        notified_on=case.notified_on,
        statement_due_on=case.statement_due_on,
        statement_waived=bool(data.get("statement_waived", case.statement_waived)),
        hearing_request_due_on=case.hearing_request_due_on,
        hearing_requested_on=hearing_requested_on,
        hearing_waived=bool(data.get("hearing_waived", case.hearing_waived)),
        hearing_notice_on=hearing_notice_on,
        hearing_on=hearing_on,
        hearing_earliest_on=hearing_earliest,
        is_major=bool(reasons),
        major_reasons=tuple(reasons),
        reviews=reviews,
        note=note,
        service_method=str(data.get("service_method") or ""),
        electronic_consent=bool(data.get("electronic_consent", False)),
        decided_on=case.decided_on,
        served_on=_date(data.get("served_on"), _("Service day"))
        or (on if target == S.SERVED else None),
        measure=measure,
        coercive_execution=bool(data.get("coercive_execution", False)),
        local_time=local_at.time(),
        rest_day=once(f"rest:{on}", lambda: _rest_day(on)),
        execution_emergency=bool(data.get("execution_emergency", False)),
    )
    return _Built(
        facts,
        proposal,
        check,
        circumstances,
        first,
        valid,
        confiscation_value,
        applied,
        approver,
        approved_at,
    )


# --- moving a case ----------------------------------------------------------------------------


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("agency", "division", "sector", "party", "authority_item")
        .get(pk=case.pk)
    )


def _apply(
    case: Case,
    transition: rules.Transition,
    built: _Built,
    *,
    actor: Any,
    at: datetime,
    place: str,
    note: str,
    officers: Sequence[Officer] | None,
    documents: Sequence[str],
    av_recorded: bool,
    data: Mapping[str, Any],
) -> Step:
    f = built.facts
    on = f.on
    target = transition.target
    source = case.state
    due_on: date | None = None
    facts_extra: dict[str, Any] = {}
    for flag in ("statement_waived", "hearing_waived"):
        if flag in data:
            setattr(case, flag, bool(data[flag]))
    case.circumstances = built.circumstances
    if target in (S.NOTIFIED, S.DECIDED):
        p = built.proposal
        case.penalty_types = list(p.penalty_types)
        case.fine_amount = p.fine_amount
        case.tier = p.tier
        case.outside_benchmark_reason = p.outside_benchmark_reason
        case.no_penalty_ground = p.no_penalty_ground
        case.confiscation_value = built.confiscation_value
        case.is_major = f.is_major
        case.major_reasons = list(f.major_reasons)
        case.fine_base_amount = p.base_amount
        case.fine_base_evidence = p.base_evidence
        if built.applied is not None:
            case.benchmark_applied = built.applied.benchmark
            case.benchmark_rule = built.applied.rule()
            facts_extra["benchmark_applied"] = (
                built.applied.benchmark.pk if built.applied.benchmark else None
            )
            facts_extra["benchmark_rule"] = case.benchmark_rule
        else:
            case.benchmark_applied = None
            case.benchmark_rule = ""
    if target == S.FILED:
        case.filed_on = on
        case.decision_due_on = _decision_due(case)
    elif target == S.NOTIFIED:
        case.notified_on = on
        case.statement_due_on = _working_due(
            on, deadlines.statement_due, working_days=_statement_days(case)
        )
        case.hearing_offered = f.hearing_offered
        case.hearing_request_due_on = (
            _working_due(on, deadlines.hearing_request_due) if f.hearing_offered else None
        )
        due_on = case.statement_due_on
    elif target == S.HEARING:
        case.hearing_requested_on = f.hearing_requested_on
        case.hearing_notice_on = f.hearing_notice_on
        case.hearing_on = f.hearing_on
        due_on = case.hearing_request_due_on
    elif target == S.DECIDED:
        case.decided_on = on
        case.decided_at = at
        if case.procedure == Procedure.SIMPLE:
            # Handed over on the spot (art. 52): serve the same day.
            case.service_due_on = on
        else:
            case.service_due_on = _working_due(on, deadlines.service_due)
        due_on = case.decision_due_on
        # A late decision is not blocked: art. 60 binds the organ, a decision after the period
        # is not void (art. 38 voids only grave and obvious procedural violations) and refusing
        # it would leave the party's case open for ever. The step records the lateness for the
        # supervision alert and the staff's accountability (art. 76).
        facts_extra["decision_overdue"] = bool(due_on and on > due_on)
    elif target == S.SERVED:
        case.served_on = f.served_on or on
        case.service_method = f.service_method or (
            "on_the_spot" if case.procedure == Procedure.SIMPLE else "direct"
        )
        if PenaltyType.FINE.value in (case.penalty_types or []) and not case.no_penalty_ground:
            case.payment_due_on = _due_calendar_days(case.served_on, deadlines.payment_due)
        due_on = case.service_due_on
    elif target == S.CLOSED:
        case.closed_on = on
        due_on = case.payment_due_on if source == S.EXECUTING else None
    elif target in (S.NOT_FILED, S.TERMINATED):
        case.closed_on = on
        if source in rules.DECIDED_STATES:
            case.revoked_at = at
            case.revocation_reason = note
    case.state = target.value
    case.save()
    facts_extra.update(_record_measure(case, target, built, at=at, on=on))
    av_needed = rules.av_required(
        transition.step,
        act_type=case.act_type,
        service_method=case.service_method if target == S.SERVED else "",
        on_site_coercion=bool(data.get("on_site_coercion", False)),
    )
    step = Step.objects.create(
        case=case,
        code=transition.step,
        state_from=source,
        state_to=case.state,
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=at,
        place=place,
        note=note,
        documents=list(documents),
        due_on=due_on,
        done_on=on,
        av_required=av_needed,
        av_recorded=bool(av_recorded),
        basis=transition.basis,
        data=_json_safe({**data, **facts_extra}),
    )
    acting = list(officers) if officers is not None else built.valid_officers
    if acting:
        step.officers.set(acting)
    return step


def _record_measure(
    case: Case, target: str, built: _Built, *, at: datetime, on: date
) -> dict[str, Any]:
    """Keep the coercive measure of a coercion case (《行政强制法》第十八条、第十九条、第二十五条):
    created by its measure step, approved afterwards on the report of an emergency measure
    (lateness over 24 hours recorded, art. 19), released when the case closes."""
    m = built.facts.measure
    if case.act_type != ActType.COERCION or m is None:
        return {}
    out: dict[str, Any] = {}
    if target == S.DECIDED:
        assert m.started_at is not None
        assert m.ends_on is not None
        CoercionMeasure.objects.update_or_create(
            case=case,
            defaults={
                "kind": m.kind,
                "started_at": m.started_at,
                "ends_on": m.ends_on,
                "emergency": m.emergency,
                "approved_by": built.approver,
                "approved_at": built.approved_at,
                "report_late": coercion.emergency_report_late(m),
            },
        )
        return {"measure_kind": m.kind, "measure_started_at": m.started_at}
    record = CoercionMeasure.objects.select_for_update().get(case=case)
    changed: list[str] = []
    if record.approved_at is None and built.approved_at is not None:
        record.approved_by = built.approver
        record.approved_at = built.approved_at
        record.report_late = coercion.emergency_report_late(m)
        changed += ["approved_by", "approved_at", "report_late"]
        out["emergency_report_late"] = record.report_late
    if target in (S.CLOSED, S.TERMINATED) and record.released_on is None:
        record.released_on = on
        changed.append("released_on")
    if changed:
        record.save(update_fields=changed)
    return out


def _transition(
    case: Case,
    *,
    actor: Any,
    to: str,
    at: datetime,
    place: str = "",
    note: str = "",
    officers: Sequence[Officer] | None = None,
    documents: Sequence[str] = (),
    av_recorded: bool = False,
    data: Mapping[str, Any] | None = None,
) -> Case:
    """Move a locked case (inside the caller's transaction)."""
    data = dict(data or {})
    transition = rules.find(case.state, to, case.procedure)
    if transition is None:
        raise CaseTransitionError(rules.not_in_table_message(case.state, to), code="not_allowed")
    built = _build_facts(
        case, target=transition.target, at=at, data=data, officers=officers, note=note
    )
    problems = rules.blocked_by(transition, built.facts)
    if problems:
        raise CaseTransitionError(problems, code="blocked")
    before = _snapshot(case)
    step = _apply(
        case,
        transition,
        built,
        actor=actor,
        at=at,
        place=place,
        note=note,
        officers=officers,
        documents=documents,
        av_recorded=av_recorded,
        data=data,
    )
    audit_record(
        actor=actor,
        action="enforcement.case.transition",
        target=case,
        before=before,
        after=_snapshot(case),
        detail={
            "from": step.state_from,
            "to": step.state_to,
            "step": step.code,
            "basis": transition.basis,
        },
        at=at,
    )
    _hooks(case, actor)
    return case


@transaction.atomic
def case_transition(
    *,
    actor: Any,
    case: Case,
    to: str,
    at: datetime | None = None,
    place: str = "",
    note: str = "",
    officers: Sequence[Officer] | None = None,
    documents: Sequence[str] = (),
    av_recorded: bool = False,
    data: Mapping[str, Any] | None = None,
) -> Case:
    """The ONE way a case moves (rules/cases.py is the table). `data` carries the step's facts:

    * notify / decide: ``penalty_types`` (PenaltyType values), ``fine_amount``, ``tier``,
      ``outside_benchmark_reason``, ``no_penalty_ground`` (NoPenaltyGround), ``confiscation_value``
      and the findings of rulebook §10.3 (``minor``, ``corrected``, ``no_harm``, ``slight_harm``,
      ``no_fault``, ``no_fault_excluded``, ``incapable``, ``serious_harm``,
      ``facts_not_established``);
    * any step: ``statement_waived``, ``hearing_waived`` (art. 62 express waiver);
    * hearing: ``hearing_requested_on``, ``hearing_notice_on``, ``hearing_on``;
    * serve: ``served_on``, ``service_method`` (rules.cases.SERVICE_METHODS),
      ``electronic_consent``;
    * ``on_site_coercion``: the step included a coercive measure on site (rulebook §2.2);
    * notify / decide of a fine that is a multiple of a base: ``fine_base_amount`` and
      ``fine_base_evidence`` (rulebook §10.2); the benchmark version applied follows art. 37
      (`benchmark_applicable`) and is recorded on the case with its reason;
    * the measure step (decide) of a coercion case: ``measure_kind`` (rules.coercion.MeasureKind),
      ``measure_started_at`` (default: the step's time), ``measure_ends_on``,
      ``measure_emergency``, ``measure_approved_by`` (a leader of the agency) and
      ``measure_approved_at`` (《行政强制法》第十八条、第十九条、第二十五条); the next step of an
      emergency measure takes the approval given on the report the same way (art. 19);
    * execute / close after execution: ``coercive_execution`` and ``execution_emergency``
      (《行政强制法》第四十三条: not at night or on holidays unless urgent).

    Raises CaseTransitionError listing every failed guard with its article. Row-locked: of two
    concurrent moves of one case, the second sees the first's state and fails.
    """
    locked = _lock(case)
    moved = _transition(
        locked,
        actor=actor,
        to=to,
        at=_now(at),
        place=place,
        note=note,
        officers=officers,
        documents=documents,
        av_recorded=av_recorded,
        data=data,
    )
    _copy_into(case, moved)
    return moved


def _copy_into(target: Case, source: Case) -> None:
    """Refresh the caller's instance so it does not keep a stale state."""
    for f in Case._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))


def case_transitions_available(
    case: Case, *, user: Any = None, on: date | None = None
) -> list[AvailableTransition]:
    """The steps the table offers from the case's state, each with the reasons it is blocked now
    (empty list: allowed). Reads only; the UI shows blocked steps with their articles."""
    at = timezone.now() if on is None else timezone.make_aware(datetime.combine(on, time(12, 0)))
    out: list[AvailableTransition] = []
    cache: dict[str, Any] = {}
    for transition in rules.targets(case.state, case.procedure):
        if transition.step == "revoke_decision":
            continue  # case_revoke_decision, not a forward step
        try:
            built = _build_facts(
                case,
                target=transition.target,
                at=at,
                data={},
                officers=None,
                note="-",
                cache=cache,
            )
            problems = rules.blocked_by(transition, built.facts)
        except CaseTransitionError as exc:
            problems = list(exc.messages)
        if transition.target in (S.NOT_FILED, S.TERMINATED):
            problems = [p for p in problems if p != _("Give the reason for this step.")]
        label = str(CASE_STATE_LABELS.get(transition.target, transition.target))
        out.append(AvailableTransition(transition.target.value, label, problems))
    return out


@transaction.atomic
def case_revoke_decision(
    *, actor: Any, case: Case, reason: str, at: datetime | None = None
) -> Case:
    """Record that a decision was revoked or changed (reconsideration, litigation, self-
    correction): the case ends as terminated and disclosure withdraws it within 3 working days
    (art. 48)."""
    reason = (reason or "").strip()
    if not reason:
        raise CaseTransitionError(
            _("Give the reason for revoking the decision (《行政处罚法》第四十八条).")
        )
    locked = _lock(case)
    if locked.state not in rules.DECIDED_STATES:
        raise CaseTransitionError(_("Only a decided case can have its decision revoked."))
    moved = _transition(locked, actor=actor, to=S.TERMINATED.value, at=_now(at), note=reason)
    _copy_into(case, moved)
    return moved


# --- legal review -----------------------------------------------------------------------------


def _case_officer_user_ids(case: Case) -> set[int]:
    return set(
        CaseOfficer.objects.filter(case=case, officer__user__isnull=False).values_list(
            "officer__user_id", flat=True
        )
    )


@transaction.atomic
def legal_review_request(
    *, actor: Any, case: Case, reviewer: Any, at: datetime | None = None
) -> LegalReview:
    """Ask `reviewer` (the legal-affairs unit) to review the case (art. 58). The reviewer must not
    be an officer of the case. The case enters LEGAL_REVIEW when the table allows it from here."""
    locked = _lock(case)
    if reviewer is None or not getattr(reviewer, "pk", None):
        raise ValidationError({"reviewer": [_("Choose the legal reviewer.")]})
    if reviewer.pk in _case_officer_user_ids(locked):
        raise CaseTransitionError(
            _(
                "The legal reviewer is an officer of this case; the review must come from someone "
                "who did not investigate it (《行政处罚法》第五十八条)."
            )
        )
    if (
        locked.procedure != Procedure.GENERAL
        or locked.state in rules.DECIDED_STATES
        or locked.state
        in (
            S.CLOSED,
            S.NOT_FILED,
            S.TERMINATED,
            S.CLUE,
        )
    ):
        raise CaseTransitionError(
            _(
                "Legal review is for a general-procedure case before its decision "
                "(《行政处罚法》第五十八条)."
            )
        )
    if LegalReview.objects.filter(case=locked, result="").exists():
        raise CaseTransitionError(_("A legal review of this case is already pending."))
    at = _now(at)
    review = LegalReview.objects.create(case=locked, reviewer=reviewer, submitted_at=at)
    audit_record(
        actor=actor,
        action="enforcement.legal_review.request",
        target=locked,
        detail={"review": review.pk, "reviewer": reviewer.pk},
        at=at,
    )
    if rules.find(locked.state, S.LEGAL_REVIEW.value, locked.procedure) is not None:
        _transition(locked, actor=actor, to=S.LEGAL_REVIEW.value, at=at)
    else:
        _hooks(locked, actor)
    _copy_into(case, locked)
    return review


@transaction.atomic
def legal_review_record(
    *, actor: Any, review: LegalReview, result: str, opinion: str, at: datetime | None = None
) -> LegalReview:
    """Record the reviewer's written opinion: agree, or problems found (rulebook §2.3). Only the
    designated reviewer records it, once; a "problems" opinion needs its reasons."""
    review = LegalReview.objects.select_for_update().select_related("case").get(pk=review.pk)
    Case.objects.select_for_update().filter(pk=review.case_id).exists()
    if result not in {r.value for r in ReviewResult}:
        raise ValidationError({"result": [_("Choose agree or problems found.")]})
    opinion = (opinion or "").strip()
    if result == ReviewResult.PROBLEMS and not opinion:
        raise ValidationError({"opinion": [_("Write down the problems found.")]})
    if review.result:
        raise CaseTransitionError(_("This legal review already has its opinion."))
    if getattr(actor, "pk", None) != review.reviewer_id:
        raise CaseTransitionError(_("Only the designated legal reviewer may record the opinion."))
    if review.reviewer_id in _case_officer_user_ids(review.case):
        raise CaseTransitionError(
            _(
                "The legal reviewer is an officer of this case; the review must come from someone "
                "who did not investigate it (《行政处罚法》第五十八条)."
            )
        )
    at = _now(at)
    if at < review.submitted_at:
        raise ValidationError({"at": [_("A review cannot be dated before it was asked for.")]})
    review.result = result
    review.opinion = opinion
    review.reviewed_at = at
    review.save(update_fields=["result", "opinion", "reviewed_at"])
    audit_record(
        actor=actor,
        action="enforcement.legal_review.record",
        target=review.case,
        detail={"review": review.pk, "result": result},
        at=at,
    )
    _hooks(review.case, actor)
    return review


# --- deadline extension -----------------------------------------------------------------------


@transaction.atomic
def case_deadline_extend(
    *, actor: Any, case: Case, days: int, reason: str, at: datetime | None = None
) -> DeadlineExtension:
    """Record an approved extension of the decision deadline (art. 60 "unless law provides
    otherwise"; sector rules, e.g. market regulation +30 days with the head's approval, rulebook
    §1.6 [PRAC]). `actor` is the approving person."""
    locked = _lock(case)
    reason = (reason or "").strip()
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError({"days": [_("Give a number of days from 1 to 365.")]})
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the extension.")]})
    if (
        locked.filed_on is None
        or locked.state in rules.DECIDED_STATES
        or locked.state
        in (
            S.NOT_FILED,
            S.TERMINATED,
        )
    ):
        raise CaseTransitionError(
            _("Only a filed case not yet decided can have its decision deadline extended.")
        )
    if not getattr(actor, "pk", None):
        raise CaseTransitionError(_("An extension needs the approving person."))
    at = _now(at)
    extension = DeadlineExtension.objects.create(
        case=locked, days=days, reason=reason, approved_by=actor, approved_at=at
    )
    locked.decision_due_on = _decision_due(locked)
    locked.save(update_fields=["decision_due_on", "updated_at"])
    audit_record(
        actor=actor,
        action="enforcement.case.extend",
        target=locked,
        detail={
            "days": days,
            "decision_due_on": locked.decision_due_on.isoformat()
            if locked.decision_due_on
            else None,
        },
        at=at,
    )
    _hooks(locked, actor)
    _copy_into(case, locked)
    return extension


# --- coercive measures ------------------------------------------------------------------------


@transaction.atomic
def coercion_measure_extend(
    *, actor: Any, case: Case, days: int, reason: str, at: datetime | None = None
) -> CoercionMeasure:
    """Extend a sealing, seizure or freeze once, by at most 30 days, with the approval of the head
    of the organ, before the measure ends; the reason is recorded (《行政强制法》第二十五条、
    第三十二条). `actor` is the approving head."""
    locked = _lock(case)
    record = CoercionMeasure.objects.select_for_update().filter(case=locked).first()
    if record is None:
        raise CaseTransitionError(_("This case has no coercive measure to extend."))
    reason = (reason or "").strip()
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not (1 <= days <= coercion.EXTENSION_DAYS)
    ):
        raise ValidationError(
            {"days": [_("Give a number of days from 1 to 30 (《行政强制法》第二十五条).")]}
        )
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the extension.")]})
    article = coercion.LIMITED_KINDS.get(record.kind)
    if article is None:
        raise CaseTransitionError(
            _("Only a sealing, seizure or freeze has a statutory period to extend.")
        )
    if record.released_on is not None:
        raise CaseTransitionError(_("The measure has been released."))
    if record.extension_days:
        raise CaseTransitionError(
            _("The measure was already extended once; it cannot be extended again (%(article)s).")
            % {"article": article}
        )
    approver = _approver(locked, actor)
    at = _now(at)
    if _local_date(at) > record.ends_on:
        raise CaseTransitionError(
            _(
                "The measure ended on %(day)s: an extension must be approved before it ends "
                "(%(article)s)."
            )
            % {"day": record.ends_on.isoformat(), "article": article}
        )
    new_end = record.ends_on + timedelta(days=days)
    problems = coercion.measure_period_problems(
        coercion.MeasureFacts(
            kind=record.kind,
            started_at=_local(record.started_at),
            ends_on=new_end,
            emergency=record.emergency,
            approved_at=record.approved_at,
            extension_days=days,
        )
    )
    if problems:  # pragma: no cover - a valid measure plus ≤ 30 days stays within art. 25
        raise CaseTransitionError(problems)
    before = {"ends_on": record.ends_on.isoformat(), "extension_days": 0}
    record.ends_on = new_end
    record.extension_days = days
    record.extension_reason = reason
    record.extension_approved_by = approver
    record.extension_approved_at = at
    record.save(
        update_fields=[
            "ends_on",
            "extension_days",
            "extension_reason",
            "extension_approved_by",
            "extension_approved_at",
        ]
    )
    audit_record(
        actor=actor,
        action="enforcement.case.measure_extend",
        target=locked,
        before=before,
        after={"ends_on": new_end.isoformat(), "extension_days": days},
        detail={"days": days, "basis": article},
        at=at,
    )
    _hooks(locked, actor)
    _copy_into(case, locked)
    return record


# --- what the decision form offers -----------------------------------------------------------


@dataclass(frozen=True)
class DiscretionOffer:
    """What the decision form shows, in the order of rulebook §10.3: first the no-penalty grounds
    that apply (mandatory ones forbid a penalty), then the statutory range and the tiers of the
    benchmark in force on the act date."""

    no_penalty: list[Any]  # NoPenaltyOption, in §10.3 order
    mandatory: Any  # the first mandatory NoPenaltyOption, or None
    first_violation: bool
    statutory: StatutoryRange
    tiers: list[Tier]
    lighter_required: bool
    hearing_threshold: Decimal | None
    # Which benchmark version applies if decided today, and why (art. 37).
    benchmark: DiscretionBenchmark | None = None
    benchmark_rule: str = ""


def case_discretion(case: Case, *, data: Mapping[str, Any] | None = None) -> DiscretionOffer:
    """The no-penalty grounds offered before the tiers (rulebook §10.3), with the findings in
    `data` (same keys as `case_transition`) merged over the recorded ones."""
    data = dict(data or {})
    circumstances = dict(case.circumstances or {})
    for flag in CIRCUMSTANCE_FLAGS:
        if flag in data:
            circumstances[flag] = bool(data[flag])
    party = case.party
    today = timezone.localdate()
    act_on = case.act_ended_on or case.act_started_on or case.discovered_on or today
    first = first_violation(case, act_on)
    item = case.authority_item
    tiers: list[Tier] = []
    statutory = StatutoryRange()
    applied: AppliedBenchmark | None = None
    if item is not None:
        statutory = statutory_range(item)
        proposal = _proposal(case, data)
        applied = benchmark_applicable(
            item, act_on, today, tier=proposal.tier, base_amount=proposal.base_amount
        )
        tiers = applied.tiers
    facts = NoPenaltyFacts(
        act_on=case.act_ended_on or case.act_started_on,
        discovered_on=case.discovered_on,
        party_birth_date=party.birth_date if party and party.kind == PartyKind.CITIZEN else None,
        first_violation=first,
        no_longer_punishable=applied is not None and applied.not_punishable,
        **{k: circumstances.get(k, False) for k in CIRCUMSTANCE_FLAGS},
    )
    return DiscretionOffer(
        no_penalty=no_penalty_options(facts),
        mandatory=mandatory_no_penalty(facts),
        first_violation=first,
        statutory=statutory,
        tiers=tiers,
        lighter_required=must_be_lighter(facts),
        hearing_threshold=hearing_threshold(case, party.kind) if party else None,
        benchmark=applied.benchmark if applied is not None else None,
        benchmark_rule=applied.rule() if applied is not None else "",
    )
