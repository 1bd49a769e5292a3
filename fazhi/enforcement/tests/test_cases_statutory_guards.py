# ruff: noqa: F811 - the `world` fixture is imported
"""The three statutory rules through the services, at their boundaries: the benchmark version
of 《行政处罚法》第三十七条 recorded on the case, fines as multiples of a base (rulebook §10.2),
and the coercive measure of 《行政强制法》 arts. 18, 19, 25, 43."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from fazhi.enforcement.forms.cases import TransitionForm
from fazhi.enforcement.models import (
    AuthorityItem,
    BenchmarkTier,
    CoercionMeasure,
    DiscretionBenchmark,
    Step,
)
from fazhi.enforcement.services import authority as authority_services
from fazhi.enforcement.services.cases import (
    CaseTransitionError,
    case_discretion,
    case_open,
    case_transition,
    coercion_measure_extend,
)
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    TZ,
    at,
    move,
    open_case,
    to_investigated,
    world,
)

pytestmark = pytest.mark.django_db
D = Decimal


def blocked(fn: Any, *args: Any, **kw: Any) -> str:
    with pytest.raises(CaseTransitionError) as exc:
        fn(*args, **kw)
    return " ".join(exc.value.messages)


# --- art. 37: the benchmark version applied ---------------------------------------------------


def _version(world: Any, start: date, *tiers: tuple[str, str | None, str | None]) -> Any:
    version = DiscretionBenchmark.objects.create(item=world.item, valid_from=start)
    for level, lo, hi in tiers:
        BenchmarkTier.objects.create(
            benchmark=version,
            level=level,
            penalty_types=["fine"] if level != "no_penalty" else [],
            fine_min=None if lo is None else D(lo),
            fine_max=None if hi is None else D(hi),
        )
    return version


def _notify(world: Any, case: Any, amount: str, **data: Any) -> Any:
    payload = {"penalty_types": ["fine"], "fine_amount": amount, "tier": "ordinary", **data}
    return move(world, case, "notified", date(2026, 3, 23), data=payload)


def test_a_later_lighter_version_applies_and_is_recorded(world: Any) -> None:
    old = _version(world, date(2025, 1, 1), ("ordinary", "3000", "8000"))
    old.valid_to = date(2026, 2, 28)
    old.save()
    later = _version(world, date(2026, 3, 1), ("ordinary", "1000", "5000"))
    case = open_case(world)  # act ended 2026-02-20, under the old version
    to_investigated(world, case)
    # 6,000 is inside the old ordinary tier but outside the lighter one that now applies.
    assert "第三十四条" in blocked(_notify, world, case, "6000")
    _notify(world, case, "5000")
    case.refresh_from_db()
    assert case.benchmark_applied == later
    assert "第三十七条" in case.benchmark_rule
    assert "从旧兼从轻" in case.benchmark_rule  # stored in Chinese, whatever the reader reads
    step = Step.objects.get(case=case, code="notify")
    assert step.data["benchmark_applied"] == later.pk
    assert step.data["benchmark_rule"] == case.benchmark_rule


def test_a_later_heavier_version_does_not_reach_back(world: Any) -> None:
    old = _version(world, date(2025, 1, 1), ("ordinary", "3000", "8000"))
    _version(world, date(2026, 3, 1), ("ordinary", "6000", "9000"))
    case = open_case(world)
    to_investigated(world, case)
    assert "第三十四条" in blocked(_notify, world, case, "8500")
    _notify(world, case, "3000")
    assert case.benchmark_applied == old
    assert "第三十七条" in case.benchmark_rule


def test_a_later_version_that_no_longer_penalises_forbids_the_penalty(world: Any) -> None:
    _version(world, date(2025, 1, 1), ("ordinary", "3000", "8000"))
    later = _version(world, date(2026, 3, 1), ("no_penalty", None, None))
    case = open_case(world)
    to_investigated(world, case)
    assert "第三十七条" in blocked(_notify, world, case, "3000")
    # the no-penalty decision on art. 37 follows the investigation directly (art. 57)
    move(world, case, "decided", date(2026, 3, 23), data={"no_penalty_ground": "not_punishable"})
    assert case.state == "decided"
    assert case.no_penalty_ground == "not_punishable"
    assert case.benchmark_applied == later


def test_no_version_at_the_act_means_the_statutory_range(world: Any) -> None:
    _version(world, date(2026, 3, 1), ("ordinary", "1000", "2000"))  # only after the act
    case = open_case(world)
    to_investigated(world, case)
    _notify(world, case, "6000")  # outside the later tier: it does not apply
    assert case.benchmark_applied is None
    assert "第三十七条" in case.benchmark_rule
    assert "500,000.01" in blocked(
        move,
        world,
        open_and_investigate(world),
        "notified",
        date(2026, 3, 23),
        data={"penalty_types": ["fine"], "fine_amount": "500000.01"},
    )


def open_and_investigate(world: Any) -> Any:
    case = open_case(world)
    return to_investigated(world, case)


def test_the_decision_form_offers_the_applicable_version(world: Any) -> None:
    _version(world, date(2025, 1, 1), ("ordinary", "3000", "8000"))
    later = _version(world, date(2026, 3, 1), ("ordinary", "1000", "5000"))
    case = open_case(world)
    offer = case_discretion(case, data={"tier": "ordinary", "penalty_types": ["fine"]})
    assert offer.benchmark == later
    assert [t.fine_max for t in offer.tiers] == [D("5000")]
    assert "第三十七条" in offer.benchmark_rule


# --- fines as multiples of a base (rulebook §10.2; 食品安全法 第一百二十四条) ------------------


@pytest.fixture
def food_item(world: Any) -> AuthorityItem:
    return authority_services.authority_item_create(
        actor=None,
        agency=world.agency,
        act_type="penalty",
        name="经营超过食品安全标准限量的食品",
        sector=world.sector,
        violation_key="food-safety-law/art-124",
        penalty_types=["fine", "confiscate_gains", "confiscate_property", "revoke_permit"],
        fine_min=D("50000"),
        fine_max=D("100000"),
        multiple_min=D("10"),
        multiple_max=D("20"),
        fine_base="goods_value",
        base_threshold=D("10000"),
    )


@pytest.mark.parametrize(
    ("amount", "base", "ok"),
    [
        ("200000", "10000", True),
        ("200000.01", "10000", False),
        ("100000", "10000", True),
        ("99999.99", "10000", False),
        ("100000", "9999.99", True),
        ("100000.01", "9999.99", False),
    ],
)
def test_multiples_through_the_case_services(
    world: Any, food_item: Any, amount: str, base: str, ok: bool
) -> None:
    case = open_case(world, party=world.organisation, authority_item=food_item)
    to_investigated(world, case)
    data = {
        "penalty_types": ["fine"],
        "fine_amount": amount,
        "fine_base_amount": base,
        "fine_base_evidence": "抽样检验报告；进货台账记载货值",
    }
    if ok:
        move(world, case, "notified", date(2026, 3, 23), data=data)
        case.refresh_from_db()
        assert case.fine_base_amount == D(base)
        assert case.fine_base_evidence.startswith("抽样检验报告")
    else:
        message = blocked(move, world, case, "notified", date(2026, 3, 23), data=data)
        assert "第四条" in message or "第三十条至第三十二条" in message


def test_the_base_must_be_recorded_with_evidence(world: Any, food_item: Any) -> None:
    case = open_case(world, party=world.organisation, authority_item=food_item)
    to_investigated(world, case)
    data = {"penalty_types": ["fine"], "fine_amount": "150000"}
    assert "第四十条" in blocked(move, world, case, "notified", date(2026, 3, 23), data=data)
    data["fine_base_amount"] = "10000"
    assert "第四十条" in blocked(move, world, case, "notified", date(2026, 3, 23), data=data)


def test_authority_items_with_multiples_are_validated(world: Any) -> None:
    def create(**kw: Any) -> Any:
        return authority_services.authority_item_create(
            actor=None,
            agency=world.agency,
            act_type="penalty",
            name="某违法行为",
            penalty_types=["fine"],
            **kw,
        )

    with pytest.raises(ValidationError) as exc:
        create(multiple_min=D("5"), multiple_max=D("10"))
    assert "fine_base" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create(multiple_min=D("10"), multiple_max=D("5"), fine_base="illegal_gains")
    assert "multiple_max" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create(
            fine_min=D("0"),
            fine_max=D("10000"),
            multiple_min=D("1"),
            multiple_max=D("5"),
            fine_base="illegal_gains",
        )
    assert "base_threshold" in exc.value.message_dict
    item = create(multiple_min=D("1"), multiple_max=D("5"), fine_base="illegal_gains")
    tiers = [
        {
            "level": "ordinary",
            "penalty_types": ["fine"],
            "multiple_min": "2",
            "multiple_max": "5.01",
        }
    ]
    with pytest.raises(authority_services.BenchmarkError) as err:
        authority_services.benchmark_create(
            actor=None, item=item, valid_from=date(2026, 1, 1), tiers=tiers
        )
    assert [f.code for f in err.value.findings] == ["above_statutory_multiple"]
    tiers[0]["multiple_max"] = "5"
    benchmark = authority_services.benchmark_create(
        actor=None, item=item, valid_from=date(2026, 1, 1), tiers=tiers
    )
    tier = benchmark.tiers.get()
    assert (tier.multiple_min, tier.multiple_max) == (D("2"), D("5"))
    assert authority_services.benchmark_tier_rows(benchmark)[0]["multiple_max"] == D("5")


# --- 《行政强制法》: the coercive measure ---------------------------------------------------------


@pytest.fixture
def coercion_case(world: Any) -> Any:
    item = AuthorityItem.objects.create(
        agency=world.agency,
        code="XC-Q-001",
        act_type="coercion",
        name="扣押财物",
        sector=world.sector,
    )
    case = case_open(
        actor=world.officer_user,
        agency=world.agency,
        act_type="coercion",
        procedure="general",
        title="扣押涉案食品",
        party=world.organisation,
        authority_item=item,
        officers=world.officers[:2],
        at=at(date(2026, 3, 2)),
    )
    to_investigated(world, case)
    return case


STARTED = datetime(2026, 3, 20, 9, 0, tzinfo=TZ)


def measure_data(world: Any, *, days: int = 30, approved: bool = True, **kw: Any) -> dict:
    data = {
        "measure_kind": "seize",
        "measure_started_at": STARTED,
        "measure_ends_on": STARTED.date() + timedelta(days=days),
    }
    if approved:
        data["measure_approved_by"] = world.leader.pk
        data["measure_approved_at"] = STARTED - timedelta(hours=1)
    return {**data, **kw}


def take(world: Any, case: Any, data: dict) -> Any:
    return move(world, case, "decided", date(2026, 3, 20), data=data)


def test_measure_needs_prior_approval_art_18(world: Any, coercion_case: Any) -> None:
    assert "第十八条" in blocked(take, world, coercion_case, measure_data(world, approved=False))
    late = measure_data(world, measure_approved_at=STARTED + timedelta(minutes=1))
    assert "第十八条" in blocked(take, world, coercion_case, late)
    # an officer of the case is not the head of the organ
    other = measure_data(world, measure_approved_by=world.officer_user.pk)
    assert "第十八条" in blocked(take, world, coercion_case, other)
    take(world, coercion_case, measure_data(world))
    m = CoercionMeasure.objects.get(case=coercion_case)
    assert (m.kind, m.started_at, m.ends_on) == ("seize", STARTED, date(2026, 4, 19))
    assert m.approved_by == world.leader
    assert not m.emergency


@pytest.mark.parametrize(("days", "ok"), [(30, True), (31, False), (61, False)])
def test_measure_period_30_days_art_25(world: Any, coercion_case: Any, days: int, ok: bool) -> None:
    if ok:
        take(world, coercion_case, measure_data(world, days=days))
        assert coercion_case.state == "decided"
    else:
        assert "第二十五条" in blocked(take, world, coercion_case, measure_data(world, days=days))


def test_measure_is_not_a_penalty(world: Any, coercion_case: Any) -> None:
    # The measure step needs the measure; no penalty, notice or tier is asked for.
    assert "第二十四条" in blocked(take, world, coercion_case, {})


@pytest.mark.parametrize(
    ("reported_after", "late"),
    [(timedelta(hours=24), False), (timedelta(hours=24, minutes=1), True)],
)
def test_emergency_measure_reported_on_the_next_step_art_19(
    world: Any, coercion_case: Any, reported_after: timedelta, late: bool
) -> None:
    take(world, coercion_case, measure_data(world, approved=False, measure_emergency=True))
    assert "第十九条" in blocked(move, world, coercion_case, "served", date(2026, 3, 21))
    report = {
        "measure_approved_by": world.leader.pk,
        "measure_approved_at": STARTED + reported_after,
    }
    move(world, coercion_case, "served", date(2026, 3, 21), hour=12, data=report)
    m = CoercionMeasure.objects.get(case=coercion_case)
    assert m.approved_at == STARTED + reported_after
    assert m.report_late is late
    assert Step.objects.get(case=coercion_case, code="serve").data["emergency_report_late"] is late
    move(world, coercion_case, "closed", date(2026, 4, 1))
    m.refresh_from_db()
    assert m.released_on == date(2026, 4, 1)


def test_extension_once_by_the_head_art_25(world: Any, coercion_case: Any) -> None:
    take(world, coercion_case, measure_data(world, days=20))
    when = datetime(2026, 4, 9, 10, 0, tzinfo=TZ)
    with pytest.raises(ValidationError):
        coercion_measure_extend(
            actor=world.leader, case=coercion_case, days=31, reason="检验", at=when
        )
    assert "第十八条" in blocked(
        coercion_measure_extend,
        actor=world.officer_user,
        case=coercion_case,
        days=10,
        reason="检验",
        at=when,
    )
    m = coercion_measure_extend(
        actor=world.leader, case=coercion_case, days=30, reason="情况复杂，需检验鉴定", at=when
    )
    assert m.ends_on == date(2026, 5, 9)  # 20 + 30 days after 20 March
    assert m.extension_approved_by == world.leader
    assert "第二十五条" in blocked(
        coercion_measure_extend,
        actor=world.leader,
        case=coercion_case,
        days=1,
        reason="再延",
        at=when,
    )


def test_extension_after_the_measure_ended_is_refused(world: Any, coercion_case: Any) -> None:
    take(world, coercion_case, measure_data(world, days=10))  # last day 30 March
    assert "第二十五条" in blocked(
        coercion_measure_extend,
        actor=world.leader,
        case=coercion_case,
        days=10,
        reason="检验",
        at=datetime(2026, 3, 31, 9, 0, tzinfo=TZ),
    )
    coercion_measure_extend(
        actor=world.leader,
        case=coercion_case,
        days=10,
        reason="检验",
        at=datetime(2026, 3, 30, 23, 0, tzinfo=TZ),
    )


# --- art. 43: coercive execution neither at night nor on holidays -------------------------------


@pytest.fixture
def served_fine(world: Any) -> Any:
    case = open_case(world)
    to_investigated(world, case)
    move(
        world,
        case,
        "notified",
        date(2026, 3, 23),
        data={"penalty_types": ["fine"], "fine_amount": "3000"},
    )
    move(world, case, "decided", date(2026, 4, 1))
    move(world, case, "served", date(2026, 4, 1))
    return case


def execute(world: Any, case: Any, day: date, moment: time, **data: Any) -> Any:
    return case_transition(
        actor=world.officer_user,
        case=case,
        to="executing",
        at=datetime.combine(day, moment, tzinfo=TZ),
        data={"coercive_execution": True, **data},
    )


@pytest.mark.parametrize(
    ("day", "moment", "ok"),
    [
        (date(2026, 4, 20), time(21, 59), True),
        (date(2026, 4, 20), time(22, 0), False),
        (date(2026, 4, 21), time(5, 59), False),
        (date(2026, 4, 21), time(6, 0), True),
        (date(2026, 4, 18), time(10, 0), False),  # an ordinary Saturday
        (date(2026, 5, 1), time(10, 0), False),  # Labour Day
        (date(2026, 5, 9), time(10, 0), True),  # Saturday, make-up working day (调休)
    ],
)
def test_no_coercive_execution_at_night_or_on_holidays_art_43(
    world: Any, served_fine: Any, day: date, moment: time, ok: bool
) -> None:
    if ok:
        execute(world, served_fine, day, moment)
        assert served_fine.state == "executing"
    else:
        assert "第四十三条" in blocked(execute, world, served_fine, day, moment)
        execute(world, served_fine, day, moment, execution_emergency=True)  # urgent: allowed
        assert served_fine.state == "executing"


def test_execution_that_is_not_coercive_is_not_limited(world: Any, served_fine: Any) -> None:
    case_transition(
        actor=world.officer_user,
        case=served_fine,
        to="executing",
        at=datetime(2026, 4, 18, 23, 0, tzinfo=TZ),
    )
    assert served_fine.state == "executing"


# --- the forms ---------------------------------------------------------------------------------


def test_transition_form_of_the_measure_step(world: Any, coercion_case: Any) -> None:
    from fazhi.enforcement.models import Officer

    form = TransitionForm(
        {
            "measure_kind": "seize",
            "measure_started_at": "2026-03-20T09:00",
            "measure_ends_on": "2026-04-19",
            "measure_approved_by": str(world.leader.pk),
            "measure_approved_at": "2026-03-20T08:00",
        },
        to="decided",
        case=coercion_case,
        officers=Officer.objects.none(),
    )
    assert "penalty_types" not in form.fields  # a measure, not a penalty
    assert form.is_valid(), form.errors
    data = form.step_data()
    assert data["measure_kind"] == "seize"
    assert data["measure_approved_by"] == world.leader.pk
    assert data["measure_ends_on"] == date(2026, 4, 19)
    move(world, coercion_case, "decided", date(2026, 3, 20), data=data)
    assert CoercionMeasure.objects.get(case=coercion_case).approved_at == STARTED - timedelta(
        hours=1
    )


# --- the case page ------------------------------------------------------------------------------


def test_case_page_shows_the_version_applied_and_the_measure(
    world: Any, coercion_case: Any
) -> None:
    from fazhi.enforcement.tests.test_caseui_world import client_of

    client = client_of(world.officer_user)
    form = client.get(f"/enforcement/cases/{coercion_case.pk}/transition/?to=decided")
    assert form.status_code == 200
    assert 'name="measure_kind"' in form.content.decode()
    assert 'name="penalty_types"' not in form.content.decode()
    take(world, coercion_case, measure_data(world))
    page = client.get(f"/enforcement/cases/{coercion_case.pk}/").content.decode()
    assert "强制措施期限届满日" in page  # the measure section
    assert "2026-04-19" in page  # the measure's last day

    _version(world, date(2025, 1, 1), ("ordinary", "3000", "8000"))
    case = open_case(world)
    to_investigated(world, case)
    _notify(world, case, "5000")
    page = client.get(f"/enforcement/cases/{case.pk}/").content.decode()
    assert "第三十七条" in page
    assert "2025-01-01" in page


def test_extension_counts_from_the_local_start_date(world: Any, coercion_case: Any) -> None:
    """A seizure begun at 07:00 in Beijing (23:00 UTC the day before) runs its 30 + 30 days
    from the Beijing date: the database hands the start back in UTC, and counting from that
    date would make the full 60 days look one day too long (art. 25)."""
    early = datetime(2026, 3, 20, 7, 0, tzinfo=TZ)
    take(world, coercion_case, measure_data(
        world, measure_started_at=early, measure_approved_at=early - timedelta(hours=1),
    ))
    m = coercion_measure_extend(
        actor=world.leader, case=coercion_case, days=30, reason="需检验鉴定",
        at=datetime(2026, 4, 10, 10, 0, tzinfo=TZ),
    )
    assert m.ends_on == date(2026, 5, 19)
