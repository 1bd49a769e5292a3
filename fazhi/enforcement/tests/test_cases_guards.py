# ruff: noqa: F811 - the `world` fixture is imported
"""Every guard of the case table through the services, at its boundary, with its article
(issue 4 §4): the messages name the article a blocked step breaks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from fazhi.enforcement.models import (
    AuthorityItem,
    BenchmarkTier,
    Case,
    DiscretionBenchmark,
    FirstViolationEntry,
    FirstViolationList,
    HearingThreshold,
    MajorDecisionRule,
    Step,
)
from fazhi.enforcement.services import registry
from fazhi.enforcement.services.cases import (
    CaseTransitionError,
    case_deadline_extend,
    case_officer_add,
    case_open,
    case_revoke_decision,
    case_transitions_available,
    legal_review_record,
    legal_review_request,
    party_get_or_create,
)
from fazhi.enforcement.tests.conftest import make_resident_id
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    at,
    company_credit_code,
    move,
    open_case,
    to_investigated,
    to_notified,
    world,
)

pytestmark = pytest.mark.django_db


def blocked(fn: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(CaseTransitionError) as exc:
        fn(*args, **kw)
    return " ".join(exc.value.messages)


# --- parties (rulebook §9) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number", "ok"),
    [
        ("citizen", make_resident_id(5), True),
        (
            "citizen",
            make_resident_id(5)[:-1] + ("0" if make_resident_id(5)[-1] != "0" else "1"),
            False,
        ),
        ("organisation", company_credit_code(12), True),
        (
            "organisation",
            company_credit_code(12)[:-1] + "0"
            if company_credit_code(12)[-1] != "0"
            else company_credit_code(12)[:-1] + "1",
            False,
        ),
        ("citizen", company_credit_code(12), False),
    ],
)
def test_party_identifiers_are_validated(world: Any, kind: str, number: str, ok: bool) -> None:
    if ok:
        party = party_get_or_create(actor=None, kind=kind, name="某", id_number=number)
        again = party_get_or_create(actor=None, kind=kind, name="某", id_number=number.lower())
        assert party.pk == again.pk
    else:
        with pytest.raises(ValidationError) as exc:
            party_get_or_create(actor=None, kind=kind, name="某", id_number=number)
        assert "id_number" in exc.value.message_dict


def test_citizen_birth_date_is_read_from_the_id(world: Any) -> None:
    assert world.citizen.birth_date == date(1980, 1, 1)


# --- art. 51: simple procedure at its limits ---------------------------------------------------


@pytest.mark.parametrize(
    ("party", "amount", "ok"),
    [
        ("citizen", "200", True),
        ("citizen", "201", False),
        ("organisation", "3000", True),
        ("organisation", "3001", False),
    ],
)
def test_simple_procedure_limits(world: Any, party: str, amount: str, ok: bool) -> None:
    case = open_case(world, procedure="simple", party=getattr(world, party))
    data = {"penalty_types": ["fine"], "fine_amount": amount}
    if ok:
        move(world, case, "decided", date(2026, 3, 2), data=data)
        assert case.state == "decided"
        assert (
            Step.objects.get(case=case, code="decide_on_the_spot").basis
            == "《行政处罚法》第五十二条"
        )
    else:
        assert "第五十一条" in blocked(move, world, case, "decided", date(2026, 3, 2), data=data)
        assert Case.objects.get(pk=case.pk).state == "clue"


# --- arts. 42/55: two certified officers -------------------------------------------------------


def test_two_valid_officers_on_investigation_steps(world: Any) -> None:
    a, b, c = world.officers
    case = open_case(world, officers=[a])
    move(world, case, "filed", date(2026, 3, 2))
    # One officer plus an auxiliary: the auxiliary never counts (rulebook §8).
    msg = blocked(
        move, world, case, "investigating", date(2026, 3, 3), officers=[a, world.auxiliary]
    )
    assert "第四十二条" in msg
    assert "协管员" in msg
    # A suspended certificate does not count either.
    registry.certificate_suspend(actor=None, certificate=b.certificates.get(), reason="调查中")
    assert "第四十二条" in blocked(
        move, world, case, "investigating", date(2026, 3, 3), officers=[a, b]
    )
    move(world, case, "investigating", date(2026, 3, 3), officers=[a, c])
    step = Step.objects.get(case=case, code="investigate")
    assert set(step.officers.all()) == {a, c}


def test_case_officers_are_used_when_the_step_names_none(world: Any) -> None:
    a, b, _c = world.officers
    case = open_case(world, officers=[a])
    move(world, case, "filed", date(2026, 3, 2))
    assert "第四十二条" in blocked(move, world, case, "investigating", date(2026, 3, 3))
    case_officer_add(actor=world.officer_user, case=case, officer=b)
    move(world, case, "investigating", date(2026, 3, 3))


def test_auxiliary_staff_cannot_be_case_officers(world: Any) -> None:
    case = open_case(world)
    assert "第四十二条" in blocked(case_officer_add, actor=None, case=case, officer=world.auxiliary)


def test_expired_certificate_on_the_day_does_not_count(world: Any) -> None:
    case = open_case(world)
    move(world, case, "filed", date(2026, 3, 2))
    # Certificates run to 2030-12-31: on 2031-01-01 nobody may act.
    assert "第四十二条" in blocked(move, world, case, "investigating", date(2031, 1, 1))


# --- arts. 17–20: the agency's own authority list -----------------------------------------------


def test_item_must_belong_to_the_acting_agency(world: Any) -> None:
    foreign = AuthorityItem.objects.create(
        agency=world.other_agency, code="BT-1", act_type="penalty", name="外机关事项"
    )
    with pytest.raises(ValidationError) as exc:
        case_open(
            actor=None,
            agency=world.agency,
            act_type="penalty",
            procedure="general",
            title="x",
            authority_item=foreign,
        )
    assert "第十七条" in str(exc.value)
    case = open_case(world, authority_item=None)
    assert "第十七条" in blocked(move, world, case, "filed", date(2026, 3, 2))
    Case.objects.filter(pk=case.pk).update(authority_item=foreign)
    assert "第十七条" in blocked(
        move, world, Case.objects.get(pk=case.pk), "filed", date(2026, 3, 2)
    )
    Case.objects.filter(pk=case.pk).update(authority_item=world.item)
    move(world, Case.objects.get(pk=case.pk), "filed", date(2026, 3, 2))


def test_item_of_another_act_type_is_refused(world: Any) -> None:
    licence = AuthorityItem.objects.create(
        agency=world.agency, code="XC-L-1", act_type="licensing", name="许可"
    )
    case = open_case(world, authority_item=licence)
    assert "第十七条" in blocked(move, world, case, "filed", date(2026, 3, 2))


# --- statutory range and benchmark (arts. 4, 34; §10.2) ----------------------------------------


@pytest.fixture
def benchmark(world: Any) -> DiscretionBenchmark:
    bm = DiscretionBenchmark.objects.create(item=world.item, valid_from=date(2025, 1, 1))
    BenchmarkTier.objects.create(
        benchmark=bm,
        level="lighter",
        penalty_types=["fine"],
        fine_min=Decimal("0"),
        fine_max=Decimal("3000"),
    )
    BenchmarkTier.objects.create(
        benchmark=bm,
        level="ordinary",
        penalty_types=["fine"],
        fine_min=Decimal("3000"),
        fine_max=Decimal("8000"),
    )
    BenchmarkTier.objects.create(
        benchmark=bm,
        level="heavier",
        penalty_types=["fine", "confiscate_gains"],
        fine_min=Decimal("8000"),
        fine_max=Decimal("50000"),
    )
    return bm


def test_fine_above_the_statutory_maximum_is_blocked(world: Any) -> None:
    case = open_case(world, party=world.organisation)
    to_investigated(world, case)
    data = {"penalty_types": ["fine"], "fine_amount": "500000.01"}
    assert "第四条" in blocked(move, world, case, "notified", date(2026, 3, 23), data=data)
    data["fine_amount"] = "500000"
    move(world, case, "notified", date(2026, 3, 23), data=data)


def test_types_outside_the_statute_are_blocked(world: Any) -> None:
    case = open_case(world)
    to_investigated(world, case)
    assert "第九条" in blocked(
        move, world, case, "notified", date(2026, 3, 23), data={"penalty_types": ["closure"]}
    )


def test_outside_benchmark_needs_a_reason_and_then_review(world: Any, benchmark: Any) -> None:
    case = open_case(world)
    to_investigated(world, case)
    data = {"penalty_types": ["fine"], "fine_amount": "8000.01", "tier": "ordinary"}
    assert "第三十四条" in blocked(move, world, case, "notified", date(2026, 3, 23), data=data)
    data["outside_benchmark_reason"] = "当事人拒不改正，按一般档上限以上处罚"
    move(world, case, "notified", date(2026, 3, 23), data=data)
    assert case.is_major
    assert "outside_benchmark" in case.major_reasons
    # Decided without review: blocked by art. 58.
    assert "第五十八条" in blocked(
        move, world, case, "decided", date(2026, 4, 1), data={"hearing_waived": True}
    )
    review = legal_review_request(
        actor=world.officer_user, case=case, reviewer=world.reviewer, at=at(date(2026, 4, 1), 9)
    )
    # Wait: the case went into legal review from "notified"? Not in the table: it stays.
    assert case.state == "notified"
    legal_review_record(
        actor=world.reviewer,
        review=review,
        result="agree",
        opinion="同意",
        at=at(date(2026, 4, 1), 10),
    )
    move(world, case, "decided", date(2026, 4, 1), hour=11)
    assert case.state == "decided"


def test_tier_chosen_must_exist_in_the_benchmark(world: Any, benchmark: Any) -> None:
    case = open_case(world)
    to_investigated(world, case)
    assert "第三十四条" in blocked(
        move,
        world,
        case,
        "notified",
        date(2026, 3, 23),
        data={"penalty_types": ["fine"], "fine_amount": "5000"},
    )
    move(
        world,
        case,
        "notified",
        date(2026, 3, 23),
        data={"penalty_types": ["fine"], "fine_amount": "5000", "tier": "ordinary"},
    )
    assert not case.is_major


def test_benchmark_version_in_force_on_the_act_date(world: Any, benchmark: Any) -> None:
    # A later, heavier version (ordinary 6,000–9,000 instead of 3,000–8,000) does not reach back:
    # the version in force on the act date applies (art. 37; a lighter later version is tested in
    # test_cases_statutory_rules.py). Before art. 37 was implemented this test used a lighter later
    # version (100–200) and expected the act's version; art. 37 now applies that lighter one.
    later = DiscretionBenchmark.objects.create(item=world.item, valid_from=date(2026, 3, 1))
    BenchmarkTier.objects.create(
        benchmark=later,
        level="ordinary",
        penalty_types=["fine"],
        fine_min=Decimal("6000"),
        fine_max=Decimal("9000"),
    )
    case = open_case(world)  # act ended 2026-02-20: the 2025 version applies
    to_investigated(world, case)
    move(
        world,
        case,
        "notified",
        date(2026, 3, 23),
        data={"penalty_types": ["fine"], "fine_amount": "5000", "tier": "ordinary"},
    )
    assert not case.is_major
    assert case.benchmark_applied == benchmark
    assert "第三十七条" in case.benchmark_rule


# --- §10.3: no-penalty order before the tiers ---------------------------------------------------


def test_mandatory_no_penalty_blocks_a_penalty(world: Any) -> None:
    case = open_case(world)
    to_investigated(world, case)
    data = {
        "penalty_types": ["fine"],
        "fine_amount": "1000",
        "minor": True,
        "corrected": True,
        "no_harm": True,
    }
    assert "第三十三条第一款" in blocked(
        move, world, case, "notified", date(2026, 3, 23), data=data
    )
    # A no-penalty decision may follow the investigation directly (art. 57).
    move(
        world,
        case,
        "decided",
        date(2026, 3, 23),
        data={
            "no_penalty_ground": "minor_corrected",
            "penalty_types": [],
            "minor": True,
            "corrected": True,
            "no_harm": True,
        },
    )
    assert case.no_penalty_ground == "minor_corrected"
    move(world, case, "served", date(2026, 3, 24))
    assert case.payment_due_on is None
    move(world, case, "closed", date(2026, 3, 24))


def test_limitation_blocks_a_penalty(world: Any) -> None:
    case = open_case(world, act_ended_on=date(2024, 3, 1), day=date(2026, 3, 2))
    to_investigated(world, case)
    assert "第三十六条" in blocked(
        move, world, case, "notified", date(2026, 3, 23), data={"penalty_types": ["warning"]}
    )


def test_a_penalty_needs_the_prior_notice(world: Any) -> None:
    case = open_case(world)
    to_investigated(world, case)
    assert "第四十四条" in blocked(
        move, world, case, "decided", date(2026, 3, 23), data={"penalty_types": ["warning"]}
    )


def test_claimed_ground_must_apply(world: Any) -> None:
    case = open_case(world)
    to_investigated(world, case)
    assert "第三十三条第二款" in blocked(
        move, world, case, "decided", date(2026, 3, 23), data={"no_penalty_ground": "no_fault"}
    )


def _first_violation_list(world: Any, lookback: int) -> None:
    lst = FirstViolationList.objects.create(
        sector=world.sector,
        name="市场监管首违不罚清单",
        lookback_days=lookback,
        valid_from=date(2024, 1, 1),
    )
    FirstViolationEntry.objects.create(
        list=lst, violation_key="market:unlicensed", description="无照经营"
    )


def _decided_earlier(world: Any, day: date) -> Case:
    earlier = open_case(world, procedure="simple", day=day, act_ended_on=day)
    move(world, earlier, "decided", day, data={"penalty_types": ["warning"]})
    return earlier


@pytest.mark.parametrize(
    ("prior_day", "lookback", "first"),
    [(None, 365, True), (date(2025, 3, 1), 365, False), (date(2025, 2, 19), 365, True)],
)
def test_first_violation_from_own_records(
    world: Any, prior_day: date | None, lookback: int, first: bool
) -> None:
    _first_violation_list(world, lookback)
    if prior_day:
        _decided_earlier(world, prior_day)
    case = open_case(world)  # act ended 2026-02-20
    to_investigated(world, case)
    data = {"no_penalty_ground": "first_violation", "slight_harm": True, "corrected": True}
    if first:
        move(world, case, "decided", date(2026, 3, 23), data=data)
        assert case.state == "decided"
    else:
        assert "第三十三条第一款" in blocked(
            move, world, case, "decided", date(2026, 3, 23), data=data
        )


def test_other_party_or_violation_does_not_count(world: Any) -> None:
    _first_violation_list(world, 730)
    earlier = open_case(
        world,
        procedure="simple",
        party=world.organisation,
        day=date(2025, 6, 2),
        act_ended_on=date(2025, 6, 2),
    )
    move(world, earlier, "decided", date(2025, 6, 2), data={"penalty_types": ["warning"]})
    case = open_case(world)
    to_investigated(world, case)
    move(
        world,
        case,
        "decided",
        date(2026, 3, 23),
        data={"no_penalty_ground": "first_violation", "slight_harm": True, "corrected": True},
    )


# --- arts. 44, 45, 62–65: notice, statement, hearing --------------------------------------------


def test_statement_period_and_waiver(world: Any) -> None:
    case = open_case(world)
    to_notified(world, case, fine="1000")  # notified Mon 23 March; 5 working days → 30 March
    assert case.statement_due_on == date(2026, 3, 30)
    assert not case.hearing_offered
    assert "第四十五条" in blocked(move, world, case, "decided", date(2026, 3, 30))
    move(world, case, "decided", date(2026, 3, 31))


def test_express_waiver_allows_an_early_decision(world: Any) -> None:
    case = open_case(world)
    to_notified(world, case, fine="1000")
    move(world, case, "decided", date(2026, 3, 24), data={"statement_waived": True})


@pytest.mark.parametrize(("amount", "offered"), [("4999.99", False), ("5000", True)])
def test_hearing_offered_above_the_large_amount(world: Any, amount: str, offered: bool) -> None:
    case = open_case(world)
    to_notified(world, case, fine=amount)
    assert case.hearing_offered is offered


def test_hearing_threshold_table_by_sector_region_and_kind(world: Any, org_tree: Any) -> None:
    HearingThreshold.objects.create(
        sector=None, division=org_tree.region, party_kind="citizen", amount=Decimal("3000")
    )
    HearingThreshold.objects.create(
        sector=world.sector, division=org_tree.hohhot, party_kind="citizen", amount=Decimal("2000")
    )
    HearingThreshold.objects.create(
        sector=world.sector, division=org_tree.baotou, party_kind="citizen", amount=Decimal("1000")
    )
    case = open_case(world)
    to_notified(world, case, fine="1999")
    assert not case.hearing_offered
    case2 = open_case(world)
    to_notified(world, case2, fine="2000")
    assert case2.hearing_offered


@pytest.mark.parametrize(
    ("requested", "notice", "hearing", "fragment"),
    [
        # 5th working day; the 7th working day after the notice (Qingming 4–6 April in between)
        ("2026-03-30", "2026-03-30", "2026-04-09", None),
        ("2026-03-31", "2026-03-31", "2026-04-10", "第六十四条"),  # request one day late
        ("2026-03-30", "2026-03-30", "2026-04-08", "第六十四条"),  # 6 working days
    ],
)
def test_hearing_request_and_notice_windows(
    world: Any, requested: str, notice: str, hearing: str, fragment: str | None
) -> None:
    case = open_case(world)
    to_notified(world, case, fine="20000")
    assert case.hearing_request_due_on == date(2026, 3, 30)
    data = {"hearing_requested_on": requested, "hearing_notice_on": notice, "hearing_on": hearing}
    if fragment is None:
        move(world, case, "hearing", date(2026, 3, 31), data=data)
        assert case.hearing_on == date(2026, 4, 9)
    else:
        assert fragment in blocked(move, world, case, "hearing", date(2026, 3, 31), data=data)


def test_hearing_window_open_blocks_the_decision(world: Any) -> None:
    case = open_case(world)
    to_notified(world, case, fine="6000", day=date(2026, 9, 28))
    assert case.hearing_request_due_on == date(2026, 10, 10)  # across National Day 2026
    msg = blocked(move, world, case, "decided", date(2026, 10, 10), data={"statement_waived": True})
    assert "第六十四条" in msg
    move(world, case, "decided", date(2026, 10, 12))


def test_no_hearing_right_no_hearing(world: Any) -> None:
    case = open_case(world)
    to_notified(world, case, fine="1000")
    data = {
        "hearing_requested_on": "2026-03-24",
        "hearing_notice_on": "2026-03-24",
        "hearing_on": "2026-04-10",
    }
    assert "第六十三条" in blocked(move, world, case, "hearing", date(2026, 3, 24), data=data)


def test_decision_after_hearing_waits_for_it_and_is_major(world: Any) -> None:
    case = open_case(world)
    to_notified(world, case, fine="6000")
    move(
        world,
        case,
        "hearing",
        date(2026, 3, 25),
        data={
            "hearing_requested_on": "2026-03-24",
            "hearing_notice_on": "2026-03-25",
            "hearing_on": "2026-04-03",
        },
    )
    assert "第六十五条" in blocked(move, world, case, "decided", date(2026, 4, 2))
    assert "第五十八条" in blocked(move, world, case, "decided", date(2026, 4, 3))
    assert Step.objects.get(case=case, code="hearing").av_required


# --- art. 58 / §2.3: major decisions need an agreeing review first ------------------------------


def _major_case(world: Any) -> Case:
    case = open_case(world)
    to_notified(world, case, fine="10000")  # citizen ≥ 10,000: major by the default catalogue
    assert case.is_major
    move(world, case, "statement", date(2026, 3, 24))
    return case


def test_major_decision_blocked_until_review_agrees(world: Any) -> None:
    case = _major_case(world)
    data = {"hearing_waived": True}
    assert "第五十八条" in blocked(move, world, case, "decided", date(2026, 4, 1), data=data)
    review = legal_review_request(
        actor=world.officer_user, case=case, reviewer=world.reviewer, at=at(date(2026, 4, 1), 8)
    )
    assert case.state == "legal_review"
    legal_review_record(
        actor=world.reviewer,
        review=review,
        result="problems",
        opinion="证据不足",
        at=at(date(2026, 4, 1), 9),
    )
    assert "第五十八条" in blocked(move, world, case, "decided", date(2026, 4, 1), data=data)
    move(world, case, "investigating", date(2026, 4, 2))
    move(world, case, "investigated", date(2026, 4, 3))
    review2 = legal_review_request(
        actor=world.officer_user, case=case, reviewer=world.reviewer, at=at(date(2026, 4, 6), 8)
    )
    legal_review_record(
        actor=world.reviewer,
        review=review2,
        result="agree",
        opinion="同意",
        at=at(date(2026, 4, 6), 9),
    )
    move(
        world,
        case,
        "notified",
        date(2026, 4, 6),
        data={"penalty_types": ["fine"], "fine_amount": "10000"},
    )
    move(world, case, "decided", date(2026, 4, 14), data=data)
    assert case.state == "decided"


def test_review_must_predate_the_decision(world: Any) -> None:
    case = _major_case(world)
    review = legal_review_request(
        actor=world.officer_user, case=case, reviewer=world.reviewer, at=at(date(2026, 4, 1), 8)
    )
    legal_review_record(
        actor=world.reviewer,
        review=review,
        result="agree",
        opinion="同意",
        at=at(date(2026, 4, 1), 12),
    )
    assert "第五十八条" in blocked(move, world, case, "decided", date(2026, 4, 1), hour=11)
    move(world, case, "decided", date(2026, 4, 1), hour=13)


def test_reviewer_may_not_be_an_officer_of_the_case(world: Any, make_user: Any) -> None:
    case = _major_case(world)
    assert "第五十八条" in blocked(
        legal_review_request, actor=world.officer_user, case=case, reviewer=world.officer_user
    )
    review = legal_review_request(
        actor=world.officer_user, case=case, reviewer=world.reviewer, at=at(date(2026, 4, 1), 8)
    )
    # Only the designated reviewer records the opinion.
    with pytest.raises(CaseTransitionError):
        legal_review_record(actor=world.leader, review=review, result="agree", opinion="")
    review.refresh_from_db()
    assert review.result == ""


def test_agency_catalogue_overrides_the_default(world: Any) -> None:
    MajorDecisionRule.objects.create(
        agency=world.agency, kind="fine_at_least", amount=Decimal("50000")
    )
    case = open_case(world)
    to_notified(world, case, fine="10000")
    assert not case.is_major


# --- deadlines recorded on the steps ------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "extension", "overdue"),
    [(date(2026, 6, 2), 0, False), (date(2026, 6, 3), 0, True), (date(2026, 6, 3), 30, False)],
)
def test_decision_day_90_and_91(world: Any, decided: date, extension: int, overdue: bool) -> None:
    """Day 91 is not blocked (see services: art. 60 binds the organ, art. 38, art. 76) but is
    recorded as overdue on the step for the supervision alert; an extension moves the day."""
    case = open_case(world, day=date(2026, 3, 4))
    move(world, case, "filed", date(2026, 3, 4))
    move(world, case, "investigating", date(2026, 3, 5))
    move(world, case, "investigated", date(2026, 3, 20))
    if extension:
        case_deadline_extend(
            actor=world.leader,
            case=case,
            days=extension,
            reason="案情复杂，经负责人批准",
            at=at(date(2026, 5, 20)),
        )
    assert case.decision_due_on == date(2026, 6, 2) + timedelta(days=extension)
    move(
        world,
        case,
        "decided",
        decided,
        data={"no_penalty_ground": "facts_not_established", "facts_not_established": True},
    )
    step = Step.objects.get(case=case, code="decide")
    assert step.due_on == case.decision_due_on
    assert step.data["decision_overdue"] is overdue


def test_extension_needs_reason_and_an_undecided_filed_case(world: Any) -> None:
    case = open_case(world)
    with pytest.raises(CaseTransitionError):
        case_deadline_extend(actor=world.leader, case=case, days=30, reason="x")
    move(world, case, "filed", date(2026, 3, 2))
    with pytest.raises(ValidationError):
        case_deadline_extend(actor=world.leader, case=case, days=30, reason=" ")
    with pytest.raises(ValidationError):
        case_deadline_extend(actor=world.leader, case=case, days=0, reason="x")


def test_service_due_across_national_day(world: Any) -> None:
    case = open_case(world, procedure="general", day=date(2026, 9, 1))
    move(world, case, "filed", date(2026, 9, 1))
    move(world, case, "investigating", date(2026, 9, 2))
    move(world, case, "investigated", date(2026, 9, 21))
    move(
        world,
        case,
        "decided",
        date(2026, 9, 29),
        data={"no_penalty_ground": "facts_not_established", "facts_not_established": True},
    )
    assert case.service_due_on == date(2026, 10, 14)


@pytest.mark.parametrize(
    ("method", "consent", "av", "ok"),
    [
        ("direct", False, False, True),
        ("left", False, True, True),
        ("announcement", False, True, True),
        ("electronic", False, False, False),
        ("electronic", True, False, True),
    ],
)
def test_service_methods(world: Any, method: str, consent: bool, av: bool, ok: bool) -> None:
    case = open_case(world, procedure="simple")
    move(world, case, "decided", date(2026, 3, 2), data={"penalty_types": ["warning"]})
    data = {"service_method": method, "electronic_consent": consent}
    if ok:
        move(world, case, "served", date(2026, 3, 3), data=data)
        assert Step.objects.get(case=case, code="serve").av_required is av
    else:
        assert "第六十一条第二款" in blocked(
            move, world, case, "served", date(2026, 3, 3), data=data
        )


def test_payment_due_15_days_after_service(world: Any) -> None:
    case = open_case(world, procedure="simple", day=date(2026, 9, 16))
    move(
        world,
        case,
        "decided",
        date(2026, 9, 16),
        data={"penalty_types": ["fine"], "fine_amount": "100"},
    )
    move(world, case, "served", date(2026, 9, 16))
    assert case.payment_due_on == date(2026, 10, 8)  # day 15 is 1 October


# --- revocation, hooks, availability -----------------------------------------------------------


def test_revocation_ends_the_case_and_calls_disclosure(world: Any) -> None:
    case = open_case(world, procedure="simple")
    move(world, case, "decided", date(2026, 3, 2), data={"penalty_types": ["warning"]})
    with mock.patch("fazhi.enforcement.services.disclosure.disclosure_after_transition") as hook:
        case_revoke_decision(actor=world.leader, case=case, reason="复议决定撤销")
    assert case.state == "terminated"
    assert case.revoked_at is not None
    assert case.revocation_reason == "复议决定撤销"
    hook.assert_called_once()
    assert Step.objects.get(case=case, code="revoke_decision").basis == "《行政处罚法》第四十八条"


def test_revocation_needs_a_decision_and_a_reason(world: Any) -> None:
    case = open_case(world)
    with pytest.raises(CaseTransitionError):
        case_revoke_decision(actor=world.leader, case=case, reason="x")
    with pytest.raises(CaseTransitionError):
        case_revoke_decision(actor=world.leader, case=case, reason="")


def test_every_transition_calls_supervision_and_disclosure(world: Any) -> None:
    case = open_case(world)
    with (
        mock.patch("fazhi.enforcement.services.supervision.alerts_evaluate_case") as alerts,
        mock.patch(
            "fazhi.enforcement.services.disclosure.disclosure_after_transition"
        ) as disclosure,
    ):
        move(world, case, "filed", date(2026, 3, 2))
    alerts.assert_called_once()
    disclosure.assert_called_once()
    assert alerts.call_args.kwargs["actor"] == world.officer_user


def test_not_in_table_is_refused(world: Any) -> None:
    case = open_case(world)
    for target in ("closed", "decided", "nonsense"):
        with pytest.raises(CaseTransitionError) as exc:
            move(world, case, target, date(2026, 3, 2))
        assert exc.value.code == "not_allowed"
    assert Case.objects.get(pk=case.pk).state == "clue"


def test_available_transitions_show_blocked_reasons(world: Any) -> None:
    case = open_case(world, officers=[world.officers[0]])
    move(world, case, "filed", date(2026, 3, 2))
    offered = {t.to: t.blocked_by for t in case_transitions_available(case, on=date(2026, 3, 3))}
    assert set(offered) == {"investigating", "terminated"}
    assert any("第四十二条" in m for m in offered["investigating"])
    assert offered["terminated"] == []


def test_simple_procedure_is_for_penalties_only(world: Any) -> None:
    with pytest.raises(ValidationError):
        case_open(
            actor=None, agency=world.agency, act_type="inspection", procedure="simple", title="检查"
        )


def test_case_numbers_are_unique_and_sequential(world: Any) -> None:
    a = open_case(world)
    b = open_case(world)
    assert a.number != b.number
    assert a.number.split("-")[-1] == "000001"
    assert b.number.split("-")[-1] == "000002"


def test_decision_form_offers_no_penalty_grounds_before_tiers(world: Any, benchmark: Any) -> None:
    from fazhi.enforcement.services.cases import case_discretion

    _first_violation_list(world, 730)
    case = open_case(world)
    offer = case_discretion(
        case, data={"minor": True, "corrected": True, "no_harm": True, "slight_harm": True}
    )
    assert [o.ground.value for o in offer.no_penalty] == ["minor_corrected", "first_violation"]
    assert offer.mandatory.ground.value == "minor_corrected"
    assert offer.first_violation is True
    assert [t.level for t in offer.tiers] == ["lighter", "ordinary", "heavier"]
    assert offer.statutory.fine_max == Decimal("500000")
    assert offer.hearing_threshold == Decimal("5000")
    plain = case_discretion(case)
    assert plain.no_penalty == []
    assert plain.mandatory is None
