"""Pure case rules at their boundaries (rulebook §0.2, §1.3, §1.5–1.7, §2.3, §10.2–10.3):
the table, art. 51 limits, art. 63 hearing right, the major-decision catalogue, the statutory
periods on the official calendar, the no-penalty order and the tier checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fazhi.core.calendar import official_calendar
from fazhi.enforcement.rules import cases as rules
from fazhi.enforcement.rules import deadlines
from fazhi.enforcement.rules.discretion import (
    NoPenaltyFacts,
    Proposal,
    StatutoryRange,
    Tier,
    age_on,
    check_penalty,
    is_first_violation,
    mandatory_no_penalty,
    must_be_lighter,
    no_penalty_options,
)
from fazhi.enforcement.rules.enums import CaseState, Procedure

CAL = official_calendar()
D = Decimal


# --- art. 51: simple procedure ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "types", "amount", "allowed"),
    [
        ("citizen", ["fine"], D("200"), True),
        ("citizen", ["fine"], D("200.01"), False),
        ("citizen", ["fine"], D("201"), False),
        ("organisation", ["fine"], D("3000"), True),
        ("organisation", ["fine"], D("3001"), False),
        ("organisation", ["fine"], D("201"), True),
        ("citizen", ["warning"], None, True),
        ("citizen", ["warning", "fine"], D("200"), True),
        ("citizen", ["warning", "fine"], D("201"), False),
        ("citizen", ["confiscate_gains"], None, False),
        ("citizen", ["fine"], D("0"), False),
        ("citizen", [], None, False),
    ],
)
def test_simple_procedure_limits_art_51(
    kind: str, types: list[str], amount: Decimal | None, allowed: bool
) -> None:
    assert rules.simple_procedure_allowed(kind, types, amount) is allowed


# --- art. 63: hearing right -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("types", "amount", "confiscated", "offered"),
    [
        (["fine"], D("4999.99"), None, False),
        (["fine"], D("5000"), None, True),
        (["warning"], None, None, False),
        (["revoke_permit"], None, None, True),
        (["suspend_business"], None, None, True),
        (["lower_qualification"], None, None, True),
        (["confiscate_gains"], None, D("5000"), True),
        (["confiscate_gains"], None, D("4999"), False),
    ],
)
def test_hearing_right_art_63(
    types: list[str], amount: Decimal | None, confiscated: Decimal | None, offered: bool
) -> None:
    assert rules.hearing_right(types, amount, D("5000"), confiscation_value=confiscated) is offered


# --- rulebook §2.3: major decisions -----------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "types", "amount", "kw", "reasons"),
    [
        ("citizen", ["fine"], D("9999.99"), {}, []),
        ("citizen", ["fine"], D("10000"), {}, ["fine_amount"]),
        ("organisation", ["fine"], D("99999"), {}, []),
        ("organisation", ["fine"], D("100000"), {}, ["fine_amount"]),
        ("citizen", ["revoke_permit"], None, {}, ["type:revoke_permit"]),
        ("citizen", ["warning"], None, {"after_hearing": True}, ["after_hearing"]),
        ("citizen", ["fine"], D("100"), {"outside_benchmark": True}, ["outside_benchmark"]),
    ],
)
def test_default_major_catalogue(
    kind: str, types: list[str], amount: Decimal | None, kw: dict, reasons: list[str]
) -> None:
    got = rules.major_reasons(
        rules.DEFAULT_MAJOR_CATALOGUE,
        party_kind=kind,
        penalty_types=types,
        fine_amount=amount,
        **kw,
    )
    assert got == reasons


def test_agency_catalogue_replaces_amounts_but_hearing_stays_major() -> None:
    catalogue = (rules.MajorRule("fine_at_least", "", D("50000")),)
    kw = {"party_kind": "citizen", "penalty_types": ["fine"]}
    assert rules.major_reasons(catalogue, fine_amount=D("49999"), **kw) == []
    assert rules.major_reasons(catalogue, fine_amount=D("50000"), **kw) == ["fine_amount"]
    assert rules.major_reasons(catalogue, fine_amount=D("1"), after_hearing=True, **kw) == [
        "after_hearing"
    ]


# --- the table --------------------------------------------------------------------------------


def test_every_row_cites_its_basis_and_every_state_is_reachable() -> None:
    reached = {CaseState.CLUE}
    for t in rules.TRANSITIONS.values():
        assert t.basis
        assert "《" in t.basis or "rulebook" in t.basis
        reached.add(t.target)
    assert reached == set(CaseState)
    # No way out of the terminal states.
    for terminal in (CaseState.CLOSED, CaseState.NOT_FILED, CaseState.TERMINATED):
        assert not [
            t
            for t in rules.TRANSITIONS.values()
            if t.source == terminal and t.step != "revoke_decision"
        ]


@pytest.mark.parametrize(
    ("src", "dst", "procedure", "allowed"),
    [
        ("clue", "filed", "general", True),
        ("clue", "filed", "simple", False),
        ("clue", "decided", "simple", True),
        ("clue", "decided", "general", False),
        ("filed", "decided", "general", False),
        ("investigated", "notified", "general", True),
        ("notified", "hearing", "general", True),
        ("decided", "closed", "general", False),
        ("served", "closed", "simple", True),
        ("closed", "terminated", "general", True),  # revocation of a closed decision (art. 48)
        ("closed", "filed", "general", False),
    ],
)
def test_table_membership(src: str, dst: str, procedure: str, allowed: bool) -> None:
    assert (rules.find(src, dst, procedure) is not None) is allowed


def test_two_officers_guard_counts_only_valid_officers() -> None:
    from datetime import datetime

    base = rules.TransitionFacts(
        procedure=Procedure.GENERAL,
        act_type="penalty",
        state="filed",
        on=date(2026, 3, 3),
        at=datetime(2026, 3, 3),
        agency_id=1,
    )
    for valid, blocked in [(0, True), (1, True), (2, False), (3, False)]:
        facts = rules.TransitionFacts(
            **{**base.__dict__, "officers_valid": valid, "officers_invalid": ("协管员",)}
        )
        assert bool(rules.g_two_officers(facts)) is blocked


# --- deadlines on the official calendar (2026 schedule) --------------------------------------


@pytest.mark.parametrize(
    ("filed", "decided", "extension", "overdue"),
    [
        (date(2026, 3, 4), date(2026, 6, 2), 0, False),  # day 90 (a Tuesday)
        (date(2026, 3, 4), date(2026, 6, 3), 0, True),  # day 91
        (date(2026, 3, 4), date(2026, 6, 3), 30, False),  # extension recorded
        (date(2026, 3, 4), date(2026, 7, 2), 30, False),  # day 120 with +30
        (date(2026, 3, 4), date(2026, 7, 3), 30, True),
        (date(2026, 3, 2), date(2026, 6, 1), 0, False),  # day 90 is Sunday 31 May: rolls over
        (date(2026, 3, 2), date(2026, 6, 2), 0, True),
    ],
)
def test_decision_within_90_days_art_60(
    filed: date, decided: date, extension: int, overdue: bool
) -> None:
    assert deadlines.decision_overdue(filed, decided, CAL, extension_days=extension) is overdue


@pytest.mark.parametrize(
    ("decided", "due"),
    [
        (date(2026, 9, 29), date(2026, 10, 14)),  # across National Day; 10 Oct is a make-up day
        (date(2026, 9, 30), date(2026, 10, 15)),
        (date(2026, 3, 2), date(2026, 3, 11)),  # an ordinary week
    ],
)
def test_service_within_7_working_days_art_61(decided: date, due: date) -> None:
    assert deadlines.service_due(decided, CAL).due == due


@pytest.mark.parametrize(
    ("notified", "asked", "in_time"),
    [
        (date(2026, 9, 28), date(2026, 10, 10), True),  # 5th working day: the make-up Saturday
        (date(2026, 9, 28), date(2026, 10, 12), False),
        (date(2026, 3, 23), date(2026, 3, 30), True),
        (date(2026, 3, 23), date(2026, 3, 31), False),
    ],
)
def test_hearing_request_window_art_64(notified: date, asked: date, in_time: bool) -> None:
    assert (asked <= deadlines.hearing_request_due(notified, CAL).due) is in_time


@pytest.mark.parametrize(
    ("notice", "hearing", "in_time"),
    [
        (date(2026, 9, 28), date(2026, 10, 13), True),  # 7th working day after the notice
        (date(2026, 9, 28), date(2026, 10, 12), False),
        (date(2026, 3, 27), date(2026, 4, 8), True),
        (date(2026, 3, 27), date(2026, 4, 7), False),
    ],
)
def test_hearing_notice_7_working_days_before_art_64(
    notice: date, hearing: date, in_time: bool
) -> None:
    assert deadlines.hearing_notice_in_time(notice, hearing, CAL) is in_time


@pytest.mark.parametrize(
    ("served", "due"),
    [
        (date(2026, 4, 14), date(2026, 4, 29)),
        (date(2026, 9, 16), date(2026, 10, 8)),  # day 15 is 1 Oct: rolls over the holiday
    ],
)
def test_payment_within_15_days_art_67(served: date, due: date) -> None:
    assert deadlines.payment_due(served, CAL).due == due


@pytest.mark.parametrize(
    ("ended", "discovered", "serious", "expired"),
    [
        (date(2024, 3, 1), date(2026, 3, 1), False, False),
        (date(2024, 3, 1), date(2026, 3, 2), False, True),
        (date(2024, 3, 1), date(2029, 3, 1), True, False),
        (date(2024, 3, 1), date(2029, 3, 2), True, True),
        (date(2024, 2, 29), date(2026, 2, 28), False, False),  # leap day: month-end rule
        (date(2024, 2, 29), date(2026, 3, 1), False, True),
        (None, date(2026, 3, 2), False, False),
    ],
)
def test_limitation_art_36(
    ended: date | None, discovered: date, serious: bool, expired: bool
) -> None:
    assert deadlines.limitation_expired(ended, discovered, serious=serious) is expired


# --- §10.3: the no-penalty order ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2012, 5, 10), date(2026, 5, 10), 13),  # the birthday itself: not yet 14
        (date(2012, 5, 10), date(2026, 5, 11), 14),
        (date(2008, 5, 10), date(2026, 5, 10), 17),
        (date(2008, 5, 10), date(2026, 5, 11), 18),
    ],
)
def test_age_counts_from_the_day_after_the_birthday(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


@pytest.mark.parametrize(
    ("facts", "grounds", "first_mandatory"),
    [
        (NoPenaltyFacts(), [], None),
        (
            NoPenaltyFacts(act_on=date(2024, 3, 1), discovered_on=date(2026, 3, 2)),
            ["limitation"],
            "limitation",
        ),
        (
            NoPenaltyFacts(act_on=date(2026, 5, 10), party_birth_date=date(2012, 5, 10)),
            ["under_14"],
            "under_14",
        ),
        (NoPenaltyFacts(act_on=date(2026, 5, 11), party_birth_date=date(2012, 5, 10)), [], None),
        (NoPenaltyFacts(incapable=True), ["incapable"], "incapable"),
        (NoPenaltyFacts(no_fault=True), ["no_fault"], "no_fault"),
        (NoPenaltyFacts(no_fault=True, no_fault_excluded=True), [], None),
        (
            NoPenaltyFacts(minor=True, corrected=True, no_harm=True),
            ["minor_corrected"],
            "minor_corrected",
        ),
        (NoPenaltyFacts(minor=True, corrected=False, no_harm=True), [], None),
        (
            NoPenaltyFacts(first_violation=True, slight_harm=True, corrected=True),
            ["first_violation"],
            None,
        ),
        (NoPenaltyFacts(first_violation=True, slight_harm=True, corrected=False), [], None),
        (
            NoPenaltyFacts(
                act_on=date(2024, 3, 1),
                discovered_on=date(2026, 3, 2),
                minor=True,
                corrected=True,
                no_harm=True,
                first_violation=True,
                slight_harm=True,
            ),
            ["limitation", "minor_corrected", "first_violation"],
            "limitation",
        ),
    ],
)
def test_no_penalty_order_rulebook_10_3(
    facts: NoPenaltyFacts, grounds: list[str], first_mandatory: str | None
) -> None:
    assert [o.ground.value for o in no_penalty_options(facts)] == grounds
    first = mandatory_no_penalty(facts)
    assert (first.ground.value if first else None) == first_mandatory


def test_minor_aged_party_must_be_lighter_art_30() -> None:
    assert must_be_lighter(
        NoPenaltyFacts(act_on=date(2026, 5, 10), party_birth_date=date(2008, 5, 10))
    )
    assert not must_be_lighter(
        NoPenaltyFacts(act_on=date(2026, 5, 11), party_birth_date=date(2008, 5, 10))
    )
    assert not must_be_lighter(
        NoPenaltyFacts(act_on=date(2026, 5, 10), party_birth_date=date(2012, 5, 10))
    )


@pytest.mark.parametrize(
    ("priors", "lookback", "first"),
    [
        ([], 730, True),
        ([date(2024, 3, 2)], 730, False),  # exactly 730 days before the act: inside
        ([date(2024, 3, 1)], 730, True),  # 731 days before
        ([date(2025, 3, 2)], 365, False),
        ([date(2025, 3, 1)], 365, True),
    ],
)
def test_first_violation_window(priors: list[date], lookback: int, first: bool) -> None:
    assert is_first_violation(priors, date(2026, 3, 2), lookback) is first


# --- §10.2: statutory range and tiers ----------------------------------------------------------

STATUTE = StatutoryRange(("warning", "fine", "confiscate_gains"), D("1000"), D("10000"))
TIERS = (
    Tier("lighter", ("fine",), D("1000"), D("3700")),
    Tier("ordinary", ("fine",), D("3700"), D("7300")),
    Tier(
        "heavier", ("fine", "confiscate_gains"), D("7300"), D("10000"), requires_legal_review=True
    ),
    Tier("mitigated", ("fine",), D("0"), D("1000")),
)


@pytest.mark.parametrize(
    ("proposal", "problems", "outside", "review"),
    [
        (Proposal(("fine",), D("5000"), "ordinary"), 0, False, False),
        (Proposal(("fine",), D("3700"), "ordinary"), 0, False, False),
        (Proposal(("fine",), D("7300"), "ordinary"), 0, False, False),
        (Proposal(("fine",), D("7300.01"), "ordinary"), 1, True, True),  # reason missing
        (Proposal(("fine",), D("7300.01"), "ordinary", "情节较重但已积极整改"), 0, True, True),
        (Proposal(("fine",), D("10000"), "heavier"), 0, False, True),
        (Proposal(("fine",), D("10000.01"), "heavier"), 2, True, True),  # above statute, no reason
        (Proposal(("fine",), D("999.99"), "lighter", "x"), 1, True, True),  # below statute
        (Proposal(("fine",), D("500"), "mitigated"), 0, False, True),  # mitigation may go below
        (Proposal(("revoke_permit",), None, "heavier", "x"), 1, True, True),  # not statutory
        (Proposal(("fine",), None, "ordinary"), 1, False, False),
        (Proposal(("fine",), D("5000"), ""), 1, False, False),  # choose a tier
        (
            Proposal(("fine",), D("5000"), "ordinary", no_penalty_ground="minor_corrected"),
            0,
            False,
            False,
        ),
    ],
)
def test_check_penalty(proposal: Proposal, problems: int, outside: bool, review: bool) -> None:
    check = check_penalty(proposal, STATUTE, TIERS)
    assert len(check.problems) == problems, check.problems
    assert check.outside_benchmark is outside
    assert check.needs_legal_review is review


def test_check_penalty_without_benchmark_checks_the_statute_only() -> None:
    assert check_penalty(Proposal(("fine",), D("10000"), ""), STATUTE, ()).problems == []
    assert len(check_penalty(Proposal(("fine",), D("10001"), ""), STATUTE, ()).problems) == 1


def test_lighter_required_for_minors() -> None:
    assert (
        len(
            check_penalty(
                Proposal(("fine",), D("5000"), "ordinary"), STATUTE, TIERS, lighter_required=True
            ).problems
        )
        == 1
    )
    assert (
        check_penalty(
            Proposal(("fine",), D("2000"), "lighter"), STATUTE, TIERS, lighter_required=True
        ).problems
        == []
    )
