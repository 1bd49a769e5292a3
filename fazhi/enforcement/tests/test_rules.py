"""The certificate transition table and validity rules, without the database (rulebook §8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from fazhi.enforcement.rules.certificates import (
    EXPIRABLE_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    CertificateEvent,
    CertificateFacts,
    CertificateState,
    CertificateTransitionError,
    can_transition,
    default_expiry,
    is_past_expiry,
    is_valid_on,
    may_hold_certificate,
    next_state,
    renewal_opens_on,
    review_due_on,
    training_shortfall,
)

S = CertificateState
E = CertificateEvent

# The whole legal table, written out independently of the module, so a change to it shows here.
LEGAL = {
    (S.APPLIED, E.PASS_EXAM): S.EXAM_PASSED,
    (S.EXAM_PASSED, E.ISSUE): S.ISSUED,
    (S.ISSUED, E.ACTIVATE): S.ACTIVE,
    (S.ACTIVE, E.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, E.REINSTATE): S.ACTIVE,
    (S.ACTIVE, E.REVOKE): S.REVOKED,
    (S.SUSPENDED, E.REVOKE): S.REVOKED,
    (S.APPLIED, E.CANCEL): S.CANCELLED,
    (S.EXAM_PASSED, E.CANCEL): S.CANCELLED,
    (S.ISSUED, E.CANCEL): S.CANCELLED,
    (S.ACTIVE, E.CANCEL): S.CANCELLED,
    (S.SUSPENDED, E.CANCEL): S.CANCELLED,
    (S.ACTIVE, E.EXPIRE): S.EXPIRED,
    (S.SUSPENDED, E.EXPIRE): S.EXPIRED,
}
ALL_PAIRS = [(s, e) for s in S for e in E]
ILLEGAL = [p for p in ALL_PAIRS if p not in LEGAL]


def test_table_is_exactly_the_legal_set() -> None:
    assert {k: v.target for k, v in TRANSITIONS.items()} == LEGAL


def test_every_transition_cites_its_basis() -> None:
    for step in TRANSITIONS.values():
        assert step.basis


@pytest.mark.parametrize(("state", "event"), list(LEGAL))
def test_legal_transitions(state: S, event: E) -> None:
    assert can_transition(state, event)
    assert can_transition(state.value, event.value)
    assert next_state(state, event) is LEGAL[(state, event)]


@pytest.mark.parametrize(("state", "event"), ILLEGAL)
def test_illegal_transitions_raise(state: S, event: E) -> None:
    assert not can_transition(state, event)
    with pytest.raises(CertificateTransitionError) as info:
        next_state(state, event)
    assert info.value.state == state
    assert info.value.event == event


def test_unknown_state_or_event_is_illegal() -> None:
    assert not can_transition("bogus", "issue")
    assert not can_transition("active", "bogus")
    with pytest.raises(CertificateTransitionError):
        next_state("bogus", "issue")


def test_terminal_states_have_no_way_out() -> None:
    assert {S.REVOKED, S.CANCELLED, S.EXPIRED} == TERMINAL_STATES
    for state in TERMINAL_STATES:
        assert not any(can_transition(state, e) for e in E)


def test_apply_is_not_a_transition() -> None:
    assert not any(can_transition(s, E.APPLY) for s in S)


def test_expirable_states() -> None:
    assert {S.ACTIVE, S.SUSPENDED} == EXPIRABLE_STATES


def test_error_message_is_chinese() -> None:
    with translation.override("zh-hans"):
        message = str(CertificateTransitionError("revoked", "reinstate"))
    assert "吊销" in message
    assert "恢复" in message


ISSUED = date(2026, 1, 10)
EXPIRES = date(2032, 1, 9)


@pytest.mark.parametrize(
    ("state", "day", "valid"),
    [
        (S.ACTIVE, date(2026, 1, 9), False),  # day before issue
        (S.ACTIVE, ISSUED, True),  # issue day itself
        (S.ACTIVE, date(2029, 6, 1), True),
        (S.ACTIVE, EXPIRES, True),  # expiry day itself
        (S.ACTIVE, date(2032, 1, 10), False),  # the day after
        (S.SUSPENDED, date(2029, 6, 1), False),
        (S.REVOKED, date(2029, 6, 1), False),
        (S.CANCELLED, date(2029, 6, 1), False),
        (S.EXPIRED, date(2029, 6, 1), False),
        (S.ISSUED, date(2029, 6, 1), False),
        (S.APPLIED, date(2029, 6, 1), False),
        (S.EXAM_PASSED, date(2029, 6, 1), False),
    ],
)
def test_is_valid_on(state: S, day: date, valid: bool) -> None:
    assert is_valid_on(CertificateFacts(state.value, ISSUED, EXPIRES), day) is valid


def test_active_without_dates_is_not_valid() -> None:
    assert not is_valid_on(CertificateFacts("active", None, EXPIRES), date(2027, 1, 1))
    assert not is_valid_on(CertificateFacts("active", ISSUED, None), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("today", "past"),
    [(date(2032, 1, 8), False), (EXPIRES, False), (date(2032, 1, 10), True)],
)
def test_is_past_expiry(today: date, past: bool) -> None:
    assert is_past_expiry(EXPIRES, today) is past
    assert not is_past_expiry(None, today)


@pytest.mark.parametrize(
    ("hours", "target", "missing"),
    [
        (0, 60, Decimal(60)),
        (59, 60, Decimal(1)),
        (Decimal("59.5"), 60, Decimal("0.5")),
        (60, 60, Decimal(0)),  # target met exactly
        (61, 60, Decimal(0)),
        (30, 40, Decimal(10)),
    ],
)
def test_training_shortfall(hours: int | Decimal, target: int, missing: Decimal) -> None:
    assert training_shortfall(hours, target) == missing


def test_training_shortfall_default_target_is_60() -> None:
    assert training_shortfall(0) == 60


def test_negative_hours_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        training_shortfall(-1)


def test_auxiliary_may_not_hold() -> None:
    assert may_hold_certificate(is_auxiliary=False)
    assert not may_hold_certificate(is_auxiliary=True)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [(date(2026, 1, 10), date(2032, 1, 9)), (date(2024, 2, 29), date(2030, 2, 27))],
)
def test_default_expiry_six_years(issued: date, expires: date) -> None:
    assert default_expiry(issued) == expires


def test_renewal_opens_three_months_before() -> None:
    assert renewal_opens_on(date(2032, 5, 31)) == date(2032, 2, 29)


@pytest.mark.parametrize(
    ("last", "cycle", "due"),
    [
        (None, 12, date(2027, 1, 10)),
        (None, 36, date(2029, 1, 10)),
        (date(2027, 3, 1), 12, date(2028, 3, 1)),
    ],
)
def test_review_due(last: date | None, cycle: int, due: date) -> None:
    assert review_due_on(ISSUED, last, cycle) == due


def test_review_cycle_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        review_due_on(ISSUED, None, 0)
