"""The life of an enforcement case (rulebook §1.5–1.7, §2.2–2.3) as ONE transition table.

For each (from state, to state, procedure) the table names the guards that must pass and the
article the step rests on. Guards are pure functions over `TransitionFacts` (built by
`services/cases.py` from the database) returning Chinese messages that each name their article;
an empty list means the guard passes. Nothing here touches the database.

States follow the [PROP] table of rulebook §1.6 with the [L] constraints attached:

general: clue → filed → investigating → investigated → [legal_review] → notified → [statement]
         → [hearing] → [discussion] → [legal_review] → decided → served → executing → closed
simple:  clue → decided (on the spot, art. 52) → served → [executing] → closed

Side exits: clue → not_filed; filed/investigating/investigated → terminated (art. 57: transfer,
termination); a decided case whose decision is revoked → terminated (art. 48 withdrawal).

A coercion case (act_type "coercion") walks the general rows without the penalty guards: its
"decide" step takes the coercive measure (查封、扣押决定, 《行政强制法》第二十四条), checked for the
head's prior approval or an emergency (arts. 18–19) and its period (art. 25); the step after it
needs the report of an emergency measure (art. 19). Any execute or close-from-execution step that
carries out coercive execution is refused at night and on holidays (art. 43), see
`rules/coercion.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fazhi.enforcement.rules import coercion
from fazhi.enforcement.rules.discretion import (
    NO_PENALTY_BASIS,
    NO_PENALTY_LABELS,
    NoPenaltyGround,
    NoPenaltyOption,
    PenaltyCheck,
    Proposal,
)
from fazhi.enforcement.rules.enums import (
    CASE_STATE_LABELS,
    ActType,
    PartyKind,
    PenaltyType,
    Procedure,
)
from fazhi.enforcement.rules.enums import CaseState as S

# --- articles --------------------------------------------------------------------------------
ART_POWERS = "《行政处罚法》第十七条至第二十条"
ART_TWO_OFFICERS = "《行政处罚法》第四十二条、第五十五条"
ART_NOTICE = "《行政处罚法》第四十四条"
ART_STATEMENT = "《行政处罚法》第四十五条"
ART_SIMPLE = "《行政处罚法》第五十一条"
ART_ON_THE_SPOT = "《行政处罚法》第五十二条"
ART_FILING = "《行政处罚法》第五十四条"
ART_INVESTIGATION = "《行政处罚法》第五十四条、第五十五条"
ART_INVESTIGATED = "《行政处罚法》第五十七条"
ART_DISCUSSION = "《行政处罚法》第五十七条第二款"
ART_LEGAL_REVIEW = "《行政处罚法》第五十八条"
ART_DECISION = "《行政处罚法》第五十九条、第六十条"
ART_SERVICE = "《行政处罚法》第六十一条"
ART_NO_DECISION_WITHOUT_NOTICE = "《行政处罚法》第六十二条"
ART_HEARING_RIGHT = "《行政处罚法》第六十三条"
ART_HEARING = "《行政处罚法》第六十四条"
ART_HEARING_RECORD = "《行政处罚法》第六十五条"
ART_EXECUTION = "《行政处罚法》第六十六条、第六十七条"
ART_WITHDRAWAL = "《行政处罚法》第四十八条"
ART_RECORD = "《行政处罚法》第四十七条"
PRAC_CLOSE = "rulebook §1.6 结案 [PRAC]"
PRAC_NOT_FILED = "rulebook §1.6 不予立案 [PRAC]"
PROP_REVIEW_CATALOGUE = "rulebook §2.3 重大执法决定法制审核目录 [PRAC]"

#: Simple procedure limits (art. 51): fine ≤ 200 yuan for a citizen, ≤ 3,000 yuan for a legal
#: person or other organisation, or a warning.
SIMPLE_FINE_LIMIT = {
    PartyKind.CITIZEN.value: Decimal("200"),
    PartyKind.ORGANISATION.value: Decimal("3000"),
}
SIMPLE_TYPES = frozenset({PenaltyType.WARNING.value, PenaltyType.FINE.value})
#: Penalties that always carry the right to a hearing (art. 63 (三)(四)); fines and
#: confiscations only above the "large amount" threshold (art. 63 (一)(二)).
HEARING_TYPES = frozenset(
    {
        PenaltyType.LOWER_QUALIFICATION.value,
        PenaltyType.REVOKE_PERMIT.value,
        PenaltyType.SUSPEND_BUSINESS.value,
        PenaltyType.CLOSURE.value,
        PenaltyType.RESTRICT_PRACTICE.value,
    }
)
#: "Large amount" defaults (rulebook §1.7 [PRAC]); the `HearingThreshold` table overrides them per
#: (sector, region, party kind). Public security: 2,000 / 10,000 yuan (MPS procedure art. 123).
DEFAULT_HEARING_THRESHOLD = {
    PartyKind.CITIZEN.value: Decimal("5000"),
    PartyKind.ORGANISATION.value: Decimal("100000"),
}
SECTOR_HEARING_THRESHOLDS = {
    "public_security": {
        PartyKind.CITIZEN.value: Decimal("2000"),
        PartyKind.ORGANISATION.value: Decimal("10000"),
    },
}
#: States in which a decision exists (its revocation leads to withdrawal, art. 48).
DECIDED_STATES = frozenset({S.DECIDED, S.SERVED, S.EXECUTING, S.CLOSED})
#: Penalty types that leave something to execute after service (arts. 66–67).
EXECUTABLE_TYPES = frozenset(
    {
        PenaltyType.FINE.value,
        PenaltyType.CONFISCATE_GAINS.value,
        PenaltyType.CONFISCATE_PROPERTY.value,
        PenaltyType.SUSPEND_PERMIT.value,
        PenaltyType.SUSPEND_BUSINESS.value,
        PenaltyType.CLOSURE.value,
        PenaltyType.RESTRICT_BUSINESS.value,
        PenaltyType.RESTRICT_PRACTICE.value,
        PenaltyType.REVOKE_PERMIT.value,
        PenaltyType.LOWER_QUALIFICATION.value,
        PenaltyType.DETENTION.value,
    }
)
#: Service methods (art. 61 with the Civil Procedure Law); leaving and announcement need an
#: audio-visual record (rulebook §2.2), electronic service needs the party's consent (art. 61 ¶2).
SERVICE_METHODS = (
    "direct",
    "on_the_spot",
    "left",
    "post",
    "entrusted",
    "electronic",
    "announcement",
)
AV_SERVICE_METHODS = frozenset({"left", "announcement"})


def simple_procedure_allowed(
    party_kind: str, penalty_types: tuple[str, ...] | list[str], fine_amount: Decimal | None
) -> bool:
    """Art. 51: the simple procedure covers a warning, or a fine ≤ 200 yuan (citizen) / ≤ 3,000
    yuan (legal person or other organisation); both limits inclusive."""
    types = set(penalty_types)
    if not types or not types <= SIMPLE_TYPES:
        return False
    if PenaltyType.FINE.value in types:
        limit = SIMPLE_FINE_LIMIT.get(party_kind)
        if limit is None or fine_amount is None or fine_amount <= 0:
            return False
        return fine_amount <= limit
    return True


def hearing_right(
    penalty_types: tuple[str, ...] | list[str],
    fine_amount: Decimal | None,
    threshold: Decimal,
    *,
    confiscation_value: Decimal | None = None,
) -> bool:
    """Art. 63: the party must be told of the right to a hearing before a large fine (amount ≥
    the threshold), confiscation of a large value, lowering a qualification, revoking a permit,
    suspension of production or business, closure or restriction of practice."""
    types = set(penalty_types)
    if types & HEARING_TYPES:
        return True
    if PenaltyType.FINE.value in types and fine_amount is not None and fine_amount >= threshold:
        return True
    confiscating = types & {
        PenaltyType.CONFISCATE_GAINS.value,
        PenaltyType.CONFISCATE_PROPERTY.value,
    }
    return bool(confiscating and confiscation_value is not None and confiscation_value >= threshold)


@dataclass(frozen=True)
class MajorRule:
    """One entry of an agency's catalogue of major decisions (rulebook §2.3)."""

    # fine_at_least | confiscation_at_least | penalty_type | after_hearing | outside_benchmark
    kind: str
    party_kind: str = ""  # "" = any party
    amount: Decimal | None = None
    penalty_type: str = ""
    label: str = ""


#: Typical catalogue (rulebook §2.3 [PRAC]): fines ≥ 10,000 (citizen) / ≥ 100,000 yuan
#: (organisation), confiscation of the same value, suspension, licence revocation, after a
#: hearing, outside the benchmark. Agencies publish their own in `MajorDecisionRule`.
DEFAULT_MAJOR_CATALOGUE: tuple[MajorRule, ...] = (
    MajorRule("fine_at_least", PartyKind.CITIZEN.value, Decimal("10000")),
    MajorRule("fine_at_least", PartyKind.ORGANISATION.value, Decimal("100000")),
    MajorRule("confiscation_at_least", PartyKind.CITIZEN.value, Decimal("10000")),
    MajorRule("confiscation_at_least", PartyKind.ORGANISATION.value, Decimal("100000")),
    MajorRule("penalty_type", penalty_type=PenaltyType.REVOKE_PERMIT.value),
    MajorRule("penalty_type", penalty_type=PenaltyType.SUSPEND_BUSINESS.value),
    MajorRule("penalty_type", penalty_type=PenaltyType.CLOSURE.value),
    MajorRule("after_hearing"),
    MajorRule("outside_benchmark"),
)


def major_reasons(
    catalogue: tuple[MajorRule, ...] | list[MajorRule],
    *,
    party_kind: str,
    penalty_types: tuple[str, ...] | list[str],
    fine_amount: Decimal | None,
    confiscation_value: Decimal | None = None,
    after_hearing: bool = False,
    outside_benchmark: bool = False,
    review_required_by_tier: bool = False,
) -> list[str]:
    """Why a decision is major (codes), by the agency's catalogue (rulebook §2.3). A decision
    after a hearing is always major (art. 58 ¶1 (二)); a tier that requires legal review and a
    mitigated or out-of-benchmark penalty make it major too (rulebook §10.1–10.2 [PRAC])."""
    types = set(penalty_types)
    reasons: list[str] = []
    for rule in catalogue:
        if rule.party_kind and rule.party_kind != party_kind:
            continue
        if rule.kind == "fine_at_least":
            if (
                PenaltyType.FINE.value in types
                and fine_amount is not None
                and rule.amount is not None
                and fine_amount >= rule.amount
            ):
                reasons.append("fine_amount")
        elif rule.kind == "confiscation_at_least":
            if (
                confiscation_value is not None
                and rule.amount is not None
                and confiscation_value >= rule.amount
            ):
                reasons.append("confiscation_value")
        elif rule.kind == "penalty_type":
            if rule.penalty_type in types:
                reasons.append(f"type:{rule.penalty_type}")
        elif rule.kind == "after_hearing":
            if after_hearing:
                reasons.append("after_hearing")
        elif rule.kind == "outside_benchmark" and outside_benchmark:
            reasons.append("outside_benchmark")
    if after_hearing and "after_hearing" not in reasons:
        reasons.append("after_hearing")
    if review_required_by_tier and "outside_benchmark" not in reasons:
        reasons.append("benchmark_review")
    return list(dict.fromkeys(reasons))


@dataclass(frozen=True)
class ReviewFacts:
    result: str  # "" pending, "agree", "problems"
    reviewed_at: datetime | None
    reviewer_is_case_officer: bool


@dataclass(frozen=True)
class TransitionFacts:
    """Everything a guard may look at, free of the ORM (built by services/cases.py)."""

    procedure: str
    act_type: str
    state: str
    on: date
    at: datetime
    agency_id: int
    party_kind: str = ""
    has_party: bool = False
    item_agency_id: int | None = None
    item_act_type: str = ""
    has_item: bool = False
    officers_valid: int = 0
    officers_invalid: tuple[str, ...] = ()
    proposal: Proposal = field(default_factory=Proposal)
    penalty_check: PenaltyCheck = field(default_factory=PenaltyCheck)
    mandatory_no_penalty: NoPenaltyOption | None = None
    no_penalty_grounds: tuple[str, ...] = ()
    hearing_offered: bool = False
    notified_on: date | None = None
    statement_due_on: date | None = None
    statement_waived: bool = False
    hearing_request_due_on: date | None = None
    hearing_requested_on: date | None = None
    hearing_waived: bool = False
    hearing_notice_on: date | None = None
    hearing_on: date | None = None
    hearing_earliest_on: date | None = None
    is_major: bool = False
    major_reasons: tuple[str, ...] = ()
    reviews: tuple[ReviewFacts, ...] = ()
    note: str = ""
    service_method: str = ""
    electronic_consent: bool = False
    decided_on: date | None = None
    served_on: date | None = None
    # Coercion (《行政强制法》): the measure of a coercion case (arts. 18, 19, 25); whether this
    # step carries out coercive execution, its local time, whether its day is a rest day on the
    # official calendar and whether the situation is urgent (art. 43).
    measure: coercion.MeasureFacts | None = None
    coercive_execution: bool = False
    local_time: time | None = None
    rest_day: bool = False
    execution_emergency: bool = False


Guard = Callable[[TransitionFacts], list[str]]


def _coercion_case(f: TransitionFacts) -> bool:
    return f.act_type == ActType.COERCION.value


# --- guards -----------------------------------------------------------------------------------


def g_item_of_agency(f: TransitionFacts) -> list[str]:
    """The act must rest on an item of the acting agency's own authority list (arts. 17–20:
    powers within the statutory remit; issue 4 §4)."""
    if not f.has_item:
        return [
            _("Choose the authority-list item the act rests on (《行政处罚法》第十七条至第二十条).")
        ]
    problems = []
    if f.item_agency_id != f.agency_id:
        problems.append(
            _(
                "The authority item is not on the acting agency's authority list; the agency may "
                "only act within its own powers (《行政处罚法》第十七条至第二十条)."
            )
        )
    if f.item_act_type and f.item_act_type != f.act_type:
        problems.append(
            _("The authority item covers another kind of act (《行政处罚法》第十七条至第二十条).")
        )
    return problems


def g_two_officers(f: TransitionFacts) -> list[str]:
    """At least two officers holding valid certificates; auxiliary staff never count
    (arts. 42, 55; rulebook §8)."""
    if f.officers_valid >= 2:
        return []
    message = _(
        "At least two officers with valid enforcement certificates must act on this step; "
        "%(n)s do (《行政处罚法》第四十二条、第五十五条)."
    ) % {"n": f.officers_valid}
    if f.officers_invalid:
        message += " " + _("Not counted (no valid certificate or auxiliary staff): %(names)s.") % {
            "names": "、".join(f.officers_invalid)
        }
    return [message]


def g_party(f: TransitionFacts) -> list[str]:
    """A notice or decision names the party (arts. 44, 59 (一))."""
    if f.has_party:
        return []
    return [_("Record the party first (《行政处罚法》第四十四条、第五十九条).")]


def g_simple_allowed(f: TransitionFacts) -> list[str]:
    """Simple procedure only for a warning or a fine ≤ 200 / ≤ 3,000 yuan (art. 51)."""
    if simple_procedure_allowed(f.party_kind, f.proposal.penalty_types, f.proposal.fine_amount):
        return []
    limit = SIMPLE_FINE_LIMIT.get(f.party_kind, Decimal("200"))
    return [
        _(
            "The simple procedure only allows a warning or a fine of at most %(limit)s yuan for "
            "this party; use the general procedure (《行政处罚法》第五十一条)."
        )
        % {"limit": f"{limit:,.0f}"}
    ]


def g_no_penalty_order(f: TransitionFacts) -> list[str]:
    """The no-penalty order of rulebook §10.3 is applied before any tier: a mandatory ground
    forbids a penalty (arts. 30, 31, 33, 36, 37, 40); a claimed ground must actually apply. A
    coercion case decides a measure, not a penalty (《行政强制法》第二条)."""
    if _coercion_case(f):
        return []
    p = f.proposal
    if p.no_penalty_ground:
        try:
            ground = NoPenaltyGround(p.no_penalty_ground)
        except ValueError:
            return [_("Unknown ground for no penalty.")]
        if ground.value not in f.no_penalty_grounds:
            return [
                _("The ground “%(ground)s” does not apply on the recorded facts (%(basis)s).")
                % {"ground": NO_PENALTY_LABELS[ground], "basis": NO_PENALTY_BASIS[ground]}
            ]
        return []
    if p.penalty_types and f.mandatory_no_penalty is not None:
        option = f.mandatory_no_penalty
        return [
            _("No penalty may be imposed: %(ground)s (%(basis)s).")
            % {"ground": option.label, "basis": option.basis}
        ]
    if not p.penalty_types:
        return [
            _("State the penalty, or the ground for not penalising (《行政处罚法》第五十七条).")
        ]
    return []


def g_penalty_range(f: TransitionFacts) -> list[str]:
    """Statutory range (fixed, or multiples of a base), benchmark tier and its written reason
    (arts. 4, 9, 30–34, 40; §10.2); the benchmark version chosen by art. 37."""
    if _coercion_case(f):
        return []
    return list(f.penalty_check.problems)


def g_coercion_measure(f: TransitionFacts) -> list[str]:
    """The measure step of a coercion case: two officers (《行政强制法》第十八条 (二)), the head's
    prior approval unless taken on the spot in an emergency (arts. 18 (一), 19), the measure's
    start and last day, at most 30 days without an approved extension and never over 60 (arts.
    25, 32). Other cases pass."""
    if not _coercion_case(f):
        return []
    problems: list[str] = []
    if f.officers_valid < 2:
        problems.append(
            _(
                "A coercive measure is taken by at least two officers with valid enforcement "
                "certificates; %(n)s do (《行政强制法》第十八条)."
            )
            % {"n": f.officers_valid}
        )
    if f.measure is None:
        problems.append(
            _(
                "Record the coercive measure: its kind, when it started and its last day "
                "(《行政强制法》第二十四条、第二十五条)."
            )
        )
        return problems
    if f.measure.kind not in {k.value for k in coercion.MeasureKind}:
        problems.append(_("Choose the kind of coercive measure."))
    problems += coercion.approval_problems(f.measure)
    problems += coercion.measure_period_problems(f.measure)
    return problems


def g_emergency_reported(f: TransitionFacts) -> list[str]:
    """After an emergency measure, the next step waits for its report to the head and the
    approval made afterwards (《行政强制法》第十九条); lateness is recorded, not refused."""
    if not _coercion_case(f) or f.measure is None:
        return []
    return coercion.emergency_report_problems(f.measure)


def g_execution_hours(f: TransitionFacts) -> list[str]:
    """Coercive execution neither at night nor on a statutory holiday unless urgent
    (《行政强制法》第四十三条). Only steps that say they carry out coercive execution."""
    if not f.coercive_execution or f.local_time is None:
        return []
    return coercion.execution_time_problems(
        f.local_time, rest_day=f.rest_day, emergency=f.execution_emergency
    )


def g_no_penalty_only(f: TransitionFacts) -> list[str]:
    """Without a prior notice only a no-penalty decision may follow the investigation
    (arts. 44, 57, 62). A coercive measure has no prior notice: the party is told of it and heard
    on the spot (《行政强制法》第十八条 (五)(六))."""
    if f.proposal.no_penalty_ground or _coercion_case(f):
        return []
    return [
        _(
            "A penalty cannot be decided before the party was notified of it and heard "
            "(《行政处罚法》第四十四条、第六十二条)."
        )
    ]


def g_statement_heard(f: TransitionFacts) -> list[str]:
    """No decision before the statement period ends unless the party waived it (arts. 44, 45,
    62); no decision while the hearing request window is open (art. 64 (一))."""
    problems = []
    if (
        f.statement_due_on is not None
        and f.on <= f.statement_due_on
        and not f.statement_waived
        and f.state == S.NOTIFIED
    ):
        problems.append(
            _(
                "The party may state and defend until %(day)s; decide after that, or record that "
                "the party expressly waived it (《行政处罚法》第四十五条、第六十二条)."
            )
            % {"day": f.statement_due_on.isoformat()}
        )
    if (
        f.hearing_offered
        and f.hearing_requested_on is None
        and not f.hearing_waived
        and f.hearing_request_due_on is not None
        and f.on <= f.hearing_request_due_on
    ):
        problems.append(
            _(
                "The party may ask for a hearing until %(day)s; decide after that, or record that "
                "the party waived it (《行政处罚法》第六十四条)."
            )
            % {"day": f.hearing_request_due_on.isoformat()}
        )
    return problems


def g_hearing_requested(f: TransitionFacts) -> list[str]:
    """A hearing follows only a penalty that carries the right (art. 63), requested within 5
    working days of the notice (art. 64 (一)) and notified ≥ 7 working days before it
    (art. 64 (二))."""
    problems = []
    if not f.hearing_offered:
        problems.append(
            _("The intended penalty carries no right to a hearing (《行政处罚法》第六十三条).")
        )
    if f.hearing_requested_on is None:
        problems.append(
            _("Record the day the party asked for the hearing (《行政处罚法》第六十四条).")
        )
    elif f.hearing_request_due_on is not None and f.hearing_requested_on > f.hearing_request_due_on:
        problems.append(
            _(
                "The hearing was asked for on %(asked)s, after the window closed on %(due)s "
                "(5 working days, 《行政处罚法》第六十四条)."
            )
            % {
                "asked": f.hearing_requested_on.isoformat(),
                "due": f.hearing_request_due_on.isoformat(),
            }
        )
    if f.hearing_on is None or f.hearing_notice_on is None:
        problems.append(
            _(
                "Record the hearing day and the day its notice was served "
                "(《行政处罚法》第六十四条)."
            )
        )
    elif f.hearing_earliest_on is not None and f.hearing_on < f.hearing_earliest_on:
        problems.append(
            _(
                "The hearing notice must reach the party at least 7 working days before the "
                "hearing: with notice on %(notice)s the hearing may be held from %(day)s "
                "(《行政处罚法》第六十四条)."
            )
            % {"notice": f.hearing_notice_on.isoformat(), "day": f.hearing_earliest_on.isoformat()}
        )
    return problems


def g_hearing_held(f: TransitionFacts) -> list[str]:
    """The decision rests on the hearing record, so the hearing must have taken place (art. 65)."""
    if f.hearing_on is not None and f.on < f.hearing_on:
        return [
            _(
                "The hearing is set for %(day)s; record its outcome after it "
                "(《行政处罚法》第六十五条)."
            )
            % {"day": f.hearing_on.isoformat()}
        ]
    return []


def _agreeing_review(f: TransitionFacts) -> ReviewFacts | None:
    for review in reversed(f.reviews):
        if review.result:
            return review if review.result == "agree" else None
    return None


def g_review_agreed(f: TransitionFacts) -> list[str]:
    """Leaving legal review needs an opinion that agrees; after "problems found" the handling
    unit fixes and resubmits (art. 58; rulebook §2.3)."""
    if _agreeing_review(f) is not None:
        return []
    return [_("The legal review has not agreed yet (《行政处罚法》第五十八条).")]


def g_review_requested(f: TransitionFacts) -> list[str]:
    """A case enters legal review when a reviewer was asked (art. 58)."""
    if any(not r.result for r in f.reviews):
        return []
    return [_("Ask a legal reviewer first (《行政处罚法》第五十八条).")]


def g_major_review(f: TransitionFacts) -> list[str]:
    """A major decision needs a legal review that agrees, dated before the decision, by a
    reviewer who is not an officer of the case (art. 58; rulebook §2.3 [PROP])."""
    if not f.is_major:
        return []
    review = _agreeing_review(f)
    if review is None:
        return [
            _(
                "This is a major decision (%(reasons)s): it needs a legal review that agrees "
                "before it is decided (《行政处罚法》第五十八条)."
            )
            % {"reasons": ", ".join(major_reason_label(r) for r in f.major_reasons)}
        ]
    problems = []
    if review.reviewed_at is None or review.reviewed_at >= f.at:
        problems.append(
            _("The legal review must be dated before the decision (《行政处罚法》第五十八条).")
        )
    if review.reviewer_is_case_officer:
        problems.append(
            _(
                "The legal reviewer is an officer of this case; the review must come from someone "
                "who did not investigate it (《行政处罚法》第五十八条)."
            )
        )
    return problems


def g_note(f: TransitionFacts) -> list[str]:
    """Closing a case without a decision needs the recorded reason (art. 57; rulebook §1.6)."""
    if f.note.strip():
        return []
    return [_("Give the reason for this step.")]


def g_service(f: TransitionFacts) -> list[str]:
    """Service follows the Civil Procedure Law; electronic service only with the party's
    written consent (art. 61 ¶2)."""
    problems = []
    if f.service_method and f.service_method not in SERVICE_METHODS:
        problems.append(_("Unknown way of service."))
    if f.service_method == "electronic" and not f.electronic_consent:
        problems.append(
            _(
                "Electronic service needs the party's signed consent "
                "(《行政处罚法》第六十一条第二款)."
            )
        )
    if f.served_on is not None and f.decided_on is not None and f.served_on < f.decided_on:
        problems.append(_("A decision cannot be served before it was made."))
    return problems


def g_something_to_execute(f: TransitionFacts) -> list[str]:
    """Execution follows a decision that imposes something to perform (arts. 66–67)."""
    if set(f.proposal.penalty_types) & EXECUTABLE_TYPES and not f.proposal.no_penalty_ground:
        return []
    return [_("The decision imposes nothing to execute; close the case instead.")]


def g_nothing_left(f: TransitionFacts) -> list[str]:
    """A served decision with something to perform goes to execution first (art. 67)."""
    if set(f.proposal.penalty_types) & EXECUTABLE_TYPES and not f.proposal.no_penalty_ground:
        return [
            _("The decision must be executed before the case is closed (《行政处罚法》第六十七条).")
        ]
    return []


# --- the table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    procedure: Procedure
    guards: tuple[Guard, ...]
    basis: str
    step: str  # Step.code


G = Procedure.GENERAL
P = Procedure.SIMPLE
_DECIDE_GENERAL = (
    g_party,
    g_item_of_agency,
    g_no_penalty_order,
    g_penalty_range,
    g_major_review,
    g_coercion_measure,
)


def _rows() -> list[Transition]:
    rows: list[Transition] = []

    def add(
        src: S,
        dst: S,
        procs: tuple[Procedure, ...],
        guards: tuple[Guard, ...],
        basis: str,
        step: str,
    ) -> None:
        for proc in procs:
            rows.append(Transition(src, dst, proc, guards, basis, step))

    both = (G, P)
    # -- general procedure (arts. 54–65)
    add(S.CLUE, S.FILED, (G,), (g_item_of_agency,), ART_FILING, "file")
    add(S.CLUE, S.NOT_FILED, both, (g_note,), PRAC_NOT_FILED, "not_file")
    add(S.FILED, S.INVESTIGATING, (G,), (g_two_officers,), ART_INVESTIGATION, "investigate")
    add(
        S.INVESTIGATING,
        S.INVESTIGATED,
        (G,),
        (g_two_officers,),
        ART_INVESTIGATED,
        "investigation_closed",
    )
    for src in (S.FILED, S.INVESTIGATING, S.INVESTIGATED):
        add(src, S.TERMINATED, (G,), (g_note,), ART_INVESTIGATED, "terminate")
    # Legal review (art. 58) before the notice, or after statement / hearing / discussion.
    for src in (S.INVESTIGATED, S.STATEMENT, S.HEARING, S.DISCUSSION):
        add(src, S.LEGAL_REVIEW, (G,), (g_review_requested,), ART_LEGAL_REVIEW, "legal_review")
    # "Problems found": back to investigation to fix and resubmit (rulebook §2.3).
    add(S.LEGAL_REVIEW, S.INVESTIGATING, (G,), (), ART_LEGAL_REVIEW, "review_rework")
    # Prior notice of the intended penalty and the rights (art. 44; hearing right art. 63).
    add(
        S.INVESTIGATED,
        S.NOTIFIED,
        (G,),
        (g_party, g_item_of_agency, g_no_penalty_order, g_penalty_range),
        ART_NOTICE,
        "notify",
    )
    add(
        S.LEGAL_REVIEW,
        S.NOTIFIED,
        (G,),
        (g_review_agreed, g_party, g_item_of_agency, g_no_penalty_order, g_penalty_range),
        ART_NOTICE,
        "notify",
    )
    add(S.NOTIFIED, S.STATEMENT, (G,), (), ART_STATEMENT, "statement")
    add(S.NOTIFIED, S.HEARING, (G,), (g_hearing_requested,), ART_HEARING, "hearing")
    add(S.STATEMENT, S.HEARING, (G,), (g_hearing_requested,), ART_HEARING, "hearing")
    # Collective discussion for complicated or serious cases (art. 57 ¶2).
    add(S.NOTIFIED, S.DISCUSSION, (G,), (g_statement_heard,), ART_DISCUSSION, "discussion")
    add(S.STATEMENT, S.DISCUSSION, (G,), (g_statement_heard,), ART_DISCUSSION, "discussion")
    add(S.HEARING, S.DISCUSSION, (G,), (g_hearing_held,), ART_DISCUSSION, "discussion")
    add(S.LEGAL_REVIEW, S.DISCUSSION, (G,), (g_review_agreed,), ART_DISCUSSION, "discussion")
    # The decision (arts. 57, 59, 60): a no-penalty decision may follow the investigation directly.
    add(
        S.INVESTIGATED,
        S.DECIDED,
        (G,),
        (g_no_penalty_only, *_DECIDE_GENERAL),
        ART_DECISION,
        "decide",
    )
    add(S.NOTIFIED, S.DECIDED, (G,), (g_statement_heard, *_DECIDE_GENERAL), ART_DECISION, "decide")
    add(S.STATEMENT, S.DECIDED, (G,), (g_statement_heard, *_DECIDE_GENERAL), ART_DECISION, "decide")
    add(
        S.HEARING, S.DECIDED, (G,), (g_hearing_held, *_DECIDE_GENERAL), ART_HEARING_RECORD, "decide"
    )
    add(S.DISCUSSION, S.DECIDED, (G,), _DECIDE_GENERAL, ART_DECISION, "decide")
    add(
        S.LEGAL_REVIEW, S.DECIDED, (G,), (g_review_agreed, *_DECIDE_GENERAL), ART_DECISION, "decide"
    )
    # -- simple procedure: decided on the spot (arts. 51–52), two certified officers (art. 42)
    add(
        S.CLUE,
        S.DECIDED,
        (P,),
        (
            g_party,
            g_item_of_agency,
            g_two_officers,
            g_no_penalty_order,
            g_simple_allowed,
            g_penalty_range,
        ),
        ART_ON_THE_SPOT,
        "decide_on_the_spot",
    )
    # -- both: service, execution, closing (arts. 61, 66–67)
    add(S.DECIDED, S.SERVED, both, (g_service, g_emergency_reported), ART_SERVICE, "serve")
    add(
        S.SERVED,
        S.EXECUTING,
        both,
        (g_something_to_execute, g_execution_hours),
        ART_EXECUTION,
        "execute",
    )
    add(S.SERVED, S.CLOSED, both, (g_nothing_left,), PRAC_CLOSE, "close")
    add(S.EXECUTING, S.CLOSED, both, (g_execution_hours,), PRAC_CLOSE, "close")
    # -- revocation of a decision: the case ends and its disclosure is withdrawn (art. 48)
    for src in DECIDED_STATES:
        add(src, S.TERMINATED, both, (g_note,), ART_WITHDRAWAL, "revoke_decision")
    return rows


#: THE transition table: (from, to, procedure) → Transition. Anything absent is illegal.
TRANSITIONS: dict[tuple[S, S, Procedure], Transition] = {
    (t.source, t.target, t.procedure): t for t in _rows()
}


def targets(state: str, procedure: str) -> list[Transition]:
    """The table's rows leaving `state` under `procedure`, in table order."""
    return [t for t in TRANSITIONS.values() if t.source == state and t.procedure == procedure]


def find(state: str, target: str, procedure: str) -> Transition | None:
    try:
        key = (S(state), S(target), Procedure(procedure))
    except ValueError:
        return None
    return TRANSITIONS.get(key)


def blocked_by(transition: Transition, facts: TransitionFacts) -> list[str]:
    """All guard messages of `transition` on `facts` (empty: the step may be taken)."""
    problems: list[str] = []
    for guard in transition.guards:
        problems.extend(guard(facts))
    return list(dict.fromkeys(problems))


def not_in_table_message(state: str, target: str) -> str:
    return _("A case in state “%(state)s” cannot move to “%(target)s”.") % {
        "state": _state_label(state),
        "target": _state_label(target),
    }


def _state_label(value: str) -> str:
    for key, label in CASE_STATE_LABELS.items():
        if key == value:
            return str(label)
    return value


MAJOR_REASON_LABELS = {
    "fine_amount": gettext_lazy("fine at or above the catalogue amount"),
    "confiscation_value": gettext_lazy("confiscation at or above the catalogue amount"),
    "after_hearing": gettext_lazy("decided after a hearing"),
    "outside_benchmark": gettext_lazy("outside the discretion benchmark"),
    "benchmark_review": gettext_lazy("the benchmark tier requires legal review"),
}


def major_reason_label(code: str) -> str:
    if code.startswith("type:"):
        from fazhi.enforcement.rules.enums import PENALTY_TYPE_LABELS

        value = code.split(":", 1)[1]
        for key, label in PENALTY_TYPE_LABELS.items():
            if key == value:
                return str(label)
        return value
    return str(MAJOR_REASON_LABELS.get(code, code))


def av_required(
    step: str, *, act_type: str, service_method: str = "", on_site_coercion: bool = False
) -> bool:
    """Whether a step needs an audio-visual record (rulebook §2.2; art. 47): seizure and other
    coercive measures on site (mandatory, continuous), hearings, service by leaving the document
    or by announcement (as circumstances require — the platform asks for them)."""
    if step == "hearing":
        return True
    if step == "serve" and service_method in AV_SERVICE_METHODS:
        return True
    if on_site_coercion:
        return True
    return act_type == "coercion" and step in {"investigate", "investigation_closed", "execute"}
