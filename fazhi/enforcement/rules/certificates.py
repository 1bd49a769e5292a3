"""The life of an enforcement certificate (行政执法证), rulebook §8, as one transition table.

Sources (rulebook §8 tags: [L] statute, [P] national policy, [PRAC] provincial practice, [IM] Inner
Mongolia rule, [PROP] our proposal):

* 《行政处罚法》第四十二条: penalties are imposed by officers with enforcement qualification, at
  least two; 第五十二条 / 第五十五条: officers show their certificates, and the party may refuse
  when none is shown; 第七十六条第（五）项: officers without certificates are a ground for
  sanctioning the organ's staff. Hence only an *active* certificate inside its dates counts.
* 法治政府建设实施纲要（2021—2025年） [P]: provincial governments run qualification exams, issue
  certificates and organise in-service rotation training of at least 60 hours a year.
* Provincial certificate rules [PRAC]: who may hold one (auxiliary staff never), the grounds for
  suspension (暂扣), revocation (吊销) and cancellation (注销).
* Inner Mongolia decree No. 96 [IM]: renewal every 6 years, review registration every 3 years;
  many provinces review annually (年审) [PRAC]; the cycle is a per-region parameter.

The machine is ``applied → exam_passed → issued → active ⇄ suspended → revoked | cancelled |
expired``. Terminal states have no way out: a new certificate needs a new application.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fazhi.core.rules.calendar import add_months

BASIS_QUALIFICATION = "《行政处罚法》第四十二条"
BASIS_SHOW_CERTIFICATE = "《行政处罚法》第五十五条"
BASIS_OUTLINE = "《法治政府建设实施纲要（2021—2025年）》"
BASIS_PROVINCIAL_RULES = "rulebook §8 [PRAC] 省级行政执法证件管理办法"
BASIS_IM_DECREE_96 = "rulebook §8 [IM] 内蒙古自治区人民政府令第96号"

#: Training hours an officer must complete each year (national outline 2021–2025, rulebook §8 [P]).
TRAINING_HOURS_TARGET = 60
#: Renewal every 6 years (Inner Mongolia decree No. 96, rulebook §8 [IM]).
RENEWAL_CYCLE_MONTHS = 72
#: Apply for renewal 3 months before expiry (same decree).
RENEWAL_NOTICE_MONTHS = 3
#: Review registration every 3 years (same decree); annual review (12) elsewhere [PRAC].
IM_REVIEW_CYCLE_MONTHS = 36
ANNUAL_REVIEW_CYCLE_MONTHS = 12


class CertificateState(StrEnum):
    APPLIED = "applied"  # 已申请
    EXAM_PASSED = "exam_passed"  # 考试合格
    ISSUED = "issued"  # 已制发
    ACTIVE = "active"  # 有效
    SUSPENDED = "suspended"  # 暂扣
    REVOKED = "revoked"  # 吊销
    CANCELLED = "cancelled"  # 注销
    EXPIRED = "expired"  # 过期


class CertificateEvent(StrEnum):
    APPLY = "apply"  # creates the certificate in APPLIED; not a transition of the table
    PASS_EXAM = "pass_exam"  # noqa: S105 - an event name, not a password
    ISSUE = "issue"
    ACTIVATE = "activate"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    REVOKE = "revoke"
    CANCEL = "cancel"
    EXPIRE = "expire"


STATE_LABELS = {
    CertificateState.APPLIED: gettext_lazy("Applied"),
    CertificateState.EXAM_PASSED: gettext_lazy("Exam passed"),
    CertificateState.ISSUED: gettext_lazy("Issued"),
    CertificateState.ACTIVE: gettext_lazy("Active"),
    CertificateState.SUSPENDED: gettext_lazy("Suspended"),
    CertificateState.REVOKED: gettext_lazy("Revoked"),
    CertificateState.CANCELLED: gettext_lazy("Cancelled"),
    CertificateState.EXPIRED: gettext_lazy("Expired"),
}

EVENT_LABELS = {
    CertificateEvent.APPLY: gettext_lazy("Apply"),
    CertificateEvent.PASS_EXAM: gettext_lazy("Pass the qualification exam"),
    CertificateEvent.ISSUE: gettext_lazy("Issue"),
    CertificateEvent.ACTIVATE: gettext_lazy("Activate"),
    CertificateEvent.SUSPEND: gettext_lazy("Suspend"),
    CertificateEvent.REINSTATE: gettext_lazy("Reinstate"),
    CertificateEvent.REVOKE: gettext_lazy("Revoke"),
    CertificateEvent.CANCEL: gettext_lazy("Cancel"),
    CertificateEvent.EXPIRE: gettext_lazy("Expire"),
}

S = CertificateState
E = CertificateEvent


@dataclass(frozen=True)
class Transition:
    target: CertificateState
    basis: str


#: THE transition table: (state, event) → (next state, basis). Anything absent is illegal.
TRANSITIONS: dict[tuple[CertificateState, CertificateEvent], Transition] = {
    # Qualification exam run by the provincial government (outline 2021–2025 [P]).
    (S.APPLIED, E.PASS_EXAM): Transition(S.EXAM_PASSED, BASIS_OUTLINE),
    # Certificate issued by the provincial government after the exam (outline [P]).
    (S.EXAM_PASSED, E.ISSUE): Transition(S.ISSUED, BASIS_OUTLINE),
    # Handed over / registered: the officer may now enforce (penalty law art. 42).
    (S.ISSUED, E.ACTIVATE): Transition(S.ACTIVE, BASIS_QUALIFICATION),
    # 暂扣: under investigation, failed review or training [PRAC].
    (S.ACTIVE, E.SUSPEND): Transition(S.SUSPENDED, BASIS_PROVINCIAL_RULES),
    (S.SUSPENDED, E.REINSTATE): Transition(S.ACTIVE, BASIS_PROVINCIAL_RULES),
    # 吊销: abuse of power, favouritism, serious misconduct, lending/altering, crime, dismissal.
    (S.ACTIVE, E.REVOKE): Transition(S.REVOKED, BASIS_PROVINCIAL_RULES),
    (S.SUSPENDED, E.REVOKE): Transition(S.REVOKED, BASIS_PROVINCIAL_RULES),
    # 注销: leaving the post, retirement, death, resignation, change of unit [PRAC]. An application
    # or an issued but not yet active certificate is closed the same way (withdrawn, left the
    # post before activation) [PROP].
    (S.APPLIED, E.CANCEL): Transition(S.CANCELLED, BASIS_PROVINCIAL_RULES),
    (S.EXAM_PASSED, E.CANCEL): Transition(S.CANCELLED, BASIS_PROVINCIAL_RULES),
    (S.ISSUED, E.CANCEL): Transition(S.CANCELLED, BASIS_PROVINCIAL_RULES),
    (S.ACTIVE, E.CANCEL): Transition(S.CANCELLED, BASIS_PROVINCIAL_RULES),
    (S.SUSPENDED, E.CANCEL): Transition(S.CANCELLED, BASIS_PROVINCIAL_RULES),
    # Past the validity date (renewal every 6 years, decree No. 96 [IM]).
    (S.ACTIVE, E.EXPIRE): Transition(S.EXPIRED, BASIS_IM_DECREE_96),
    (S.SUSPENDED, E.EXPIRE): Transition(S.EXPIRED, BASIS_IM_DECREE_96),
}

TERMINAL_STATES = frozenset({S.REVOKED, S.CANCELLED, S.EXPIRED})
#: States the expiry sweep moves to EXPIRED once the validity date has passed.
EXPIRABLE_STATES = frozenset(s for (s, e) in TRANSITIONS if e is E.EXPIRE)


class CertificateTransitionError(ValueError):
    """An event the table does not allow in the certificate's current state."""

    def __init__(self, state: str, event: str) -> None:
        self.state = state
        self.event = event
        super().__init__(
            _("A certificate in state “%(state)s” cannot be put through “%(event)s”.")
            % {"state": _label(STATE_LABELS, state), "event": _label(EVENT_LABELS, event)}
        )


def _label(labels: dict, value: str) -> str:
    for key, label in labels.items():
        if key == value:
            return str(label)
    return str(value)


def _coerce(state: str, event: str) -> tuple[CertificateState, CertificateEvent] | None:
    try:
        return CertificateState(state), CertificateEvent(event)
    except ValueError:
        return None


def can_transition(state: str, event: str) -> bool:
    """True when the table allows `event` in `state` (unknown states or events: False)."""
    key = _coerce(state, event)
    return key is not None and key in TRANSITIONS


def transition(state: str, event: str) -> Transition:
    """The table's entry for (state, event), or CertificateTransitionError."""
    key = _coerce(state, event)
    if key is None or key not in TRANSITIONS:
        raise CertificateTransitionError(state, event)
    return TRANSITIONS[key]


def next_state(state: str, event: str) -> CertificateState:
    """The state after `event`; raises CertificateTransitionError if the table forbids it."""
    return transition(state, event).target


@dataclass(frozen=True)
class CertificateFacts:
    """What validity depends on, free of the ORM."""

    state: str
    issued_on: date | None
    expires_on: date | None


def is_valid_on(facts: CertificateFacts, day: date) -> bool:
    """Whether the certificate lets its holder enforce on `day` (penalty law art. 42, 55).

    Only an ACTIVE certificate counts, and only from its issue date to its expiry date, both
    included. Suspended, revoked, cancelled and expired certificates are never valid, whatever the
    dates say; a certificate not yet activated is not valid either.
    """
    if facts.state != CertificateState.ACTIVE:
        return False
    if facts.issued_on is None or facts.expires_on is None:
        return False
    return facts.issued_on <= day <= facts.expires_on


def is_past_expiry(expires_on: date | None, today: date) -> bool:
    """True from the day after `expires_on`: the expiry day itself is still inside validity."""
    return expires_on is not None and expires_on < today


def may_hold_certificate(*, is_auxiliary: bool) -> bool:
    """Auxiliary staff (辅助人员) may never hold a certificate; they only assist certified officers
    and may not take enforcement decisions (rulebook §8 "Who may hold one" [PRAC]; penalty law
    art. 42 requires enforcement qualification)."""
    return not is_auxiliary


def training_shortfall(
    hours: int | Decimal, target: int | Decimal = TRAINING_HOURS_TARGET
) -> Decimal:
    """Hours still missing from the yearly training target (≥ 60 h, outline 2021–2025 [P]).

    Zero when the target is met or exceeded; never negative.
    """
    if hours < 0:
        raise ValueError("training hours cannot be negative")
    missing = Decimal(target) - Decimal(hours)
    return missing if missing > 0 else Decimal(0)


def default_expiry(issued_on: date) -> date:
    """Last day of validity for a certificate issued on `issued_on`: renewal every 6 years
    (decree No. 96 [IM]), so the day before the sixth anniversary."""
    return add_months(issued_on, RENEWAL_CYCLE_MONTHS) - timedelta(days=1)


def renewal_opens_on(expires_on: date) -> date:
    """First day on which renewal should be applied for: 3 months before expiry (decree No. 96)."""
    return add_months(expires_on, -RENEWAL_NOTICE_MONTHS)


def review_due_on(issued_on: date, last_reviewed_on: date | None, cycle_months: int) -> date:
    """When the next review (审验 / 年审) is due: one cycle after the last review, or after issue.

    The cycle is per region: 36 months under Inner Mongolia decree No. 96, 12 for annual review
    elsewhere (rulebook §8 [IM]/[PRAC]).
    """
    if cycle_months <= 0:
        raise ValueError("review cycle must be a positive number of months")
    return add_months(last_reviewed_on or issued_on, cycle_months)
