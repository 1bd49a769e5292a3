"""Three statutory rules of the case engine as pure functions, table-driven at every boundary:

* 《行政处罚法》第三十七条 (从旧兼从轻): which benchmark version a decision applies (rulebook §10.2
  rule 5);
* fines as multiples of a base, with the threshold of 食品安全法 第一百二十四条 (rulebook §10.2);
* 《行政强制法》 arts. 18, 19, 25, 43: approval, emergency report, the 30 / 60-day limit of sealing
  and seizure, no coercive execution at night or on holidays (rulebook §1.9).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest

from fazhi.core.calendar import official_calendar
from fazhi.enforcement.rules import benchmarks as bm
from fazhi.enforcement.rules import cases as rules
from fazhi.enforcement.rules import coercion
from fazhi.enforcement.rules.discretion import (
    ApplicableReason,
    BenchmarkVersion,
    NoPenaltyFacts,
    NoPenaltyGround,
    Proposal,
    Regime,
    StatutoryRange,
    Tier,
    applicable_benchmark,
    check_penalty,
    compare_severity,
    mandatory_no_penalty,
    statutory_bounds,
)
from fazhi.enforcement.rules.enums import Procedure

D = Decimal
CAL = official_calendar()

# --- art. 37: the benchmark version that applies ------------------------------------------------

STATUTE = StatutoryRange(("warning", "fine"), D("0"), D("50000"))


def version(pk: int, start: date, *tiers: Tier, statutory: StatutoryRange = STATUTE) -> Any:
    return BenchmarkVersion(pk, start, tuple(tiers), statutory)


def ordinary(lo: str, hi: str, types: tuple[str, ...] = ("fine",)) -> Tier:
    return Tier("ordinary", types, D(lo), D(hi))


OLD = version(
    1, date(2025, 1, 1), ordinary("3000", "8000"), Tier("heavier", ("fine",), D("8000"), D("50000"))
)
LIGHTER = version(2, date(2026, 3, 1), ordinary("1000", "5000"))
HEAVIER = version(3, date(2026, 3, 1), ordinary("6000", "9000"))
SAME_CEILING_LOWER_FLOOR = version(4, date(2026, 3, 1), ordinary("2000", "8000"))
EQUAL = version(5, date(2026, 3, 1), ordinary("3000", "8000"))
FEWER_TYPES = version(6, date(2026, 3, 1), ordinary("3000", "8000"))
NOT_PUNISHABLE = version(7, date(2026, 3, 1), Tier("no_penalty"))
NO_ORDINARY = version(8, date(2026, 3, 1), Tier("lighter", ("fine",), D("0"), D("100")))
OLD_WIDE_TYPES = version(9, date(2025, 1, 1), ordinary("3000", "8000", ("fine", "warning")))

R = ApplicableReason


@pytest.mark.parametrize(
    ("at_act", "at_decision", "tier", "chosen", "reason"),
    [
        (OLD, OLD, "ordinary", OLD, R.SAME),  # one version at both dates
        (OLD, LIGHTER, "ordinary", LIGHTER, R.LATER_LIGHTER),  # 8,000 → 5,000 ceiling
        (OLD, HEAVIER, "ordinary", OLD, R.LATER_NOT_LIGHTER),  # 8,000 → 9,000
        (OLD, SAME_CEILING_LOWER_FLOOR, "ordinary", SAME_CEILING_LOWER_FLOOR, R.LATER_LIGHTER),
        (OLD, EQUAL, "ordinary", OLD, R.LATER_NOT_LIGHTER),  # equal: 从旧
        (OLD_WIDE_TYPES, FEWER_TYPES, "ordinary", FEWER_TYPES, R.LATER_LIGHTER),
        (OLD, NOT_PUNISHABLE, "ordinary", NOT_PUNISHABLE, R.LATER_NOT_PUNISHABLE),
        (OLD, NOT_PUNISHABLE, "", NOT_PUNISHABLE, R.LATER_NOT_PUNISHABLE),  # whatever the tier
        (NOT_PUNISHABLE, OLD, "ordinary", NOT_PUNISHABLE, R.LATER_NOT_LIGHTER),  # old was lighter
        (OLD, NO_ORDINARY, "ordinary", OLD, R.LATER_NOT_LIGHTER),  # tier missing: same statute
        (OLD, None, "ordinary", OLD, R.ONLY_AT_ACT),  # the act's version does not lapse
        (None, LIGHTER, "ordinary", None, R.NONE_AT_ACT),  # statutory range only (decided)
        (None, NOT_PUNISHABLE, "ordinary", NOT_PUNISHABLE, R.LATER_NOT_PUNISHABLE),
        (None, None, "ordinary", None, R.NONE),
    ],
)
def test_applicable_benchmark_art_37(
    at_act: Any, at_decision: Any, tier: str, chosen: Any, reason: ApplicableReason
) -> None:
    got = applicable_benchmark(at_act, at_decision, tier=tier)
    assert got.version == chosen
    assert got.reason == reason
    assert "第三十七条" in got.rule()


def test_a_later_lighter_statutory_range_decides_when_the_tier_cannot() -> None:
    # The tier is missing from the later version: the statutory ranges are compared.
    narrower = StatutoryRange(("fine",), D("0"), D("20000"))
    later = version(
        10, date(2026, 3, 1), Tier("lighter", ("fine",), D("0"), D("100")), statutory=narrower
    )
    assert compare_severity(later, OLD, tier="ordinary") == -1
    got = applicable_benchmark(OLD, later, tier="ordinary")
    assert got.version == later
    assert got.reason == R.LATER_LIGHTER


def test_multiples_compare_on_the_case_base() -> None:
    statute = StatutoryRange(
        ("fine",), multiple_min=D("10"), multiple_max=D("20"), base="goods_value"
    )
    old = version(
        11,
        date(2025, 1, 1),
        Tier("ordinary", ("fine",), multiple_min=D("13"), multiple_max=D("17")),
        statutory=statute,
    )
    new = version(
        12,
        date(2026, 3, 1),
        Tier("ordinary", ("fine",), multiple_min=D("12"), multiple_max=D("16")),
        statutory=statute,
    )
    for base in (None, D("20000")):  # without a base the multiples themselves are compared
        assert applicable_benchmark(old, new, tier="ordinary", base_amount=base).version == new


def test_not_punishable_version_is_a_mandatory_no_penalty_ground() -> None:
    option = mandatory_no_penalty(NoPenaltyFacts(no_longer_punishable=True))
    assert option is not None
    assert option.ground == NoPenaltyGround.NOT_PUNISHABLE
    assert option.basis == "《行政处罚法》第三十七条"
    assert NOT_PUNISHABLE.not_punishable
    assert not OLD.not_punishable
    assert not version(13, date(2026, 1, 1)).not_punishable  # no tiers is not "no penalty"


# --- fines as multiples of a base (rulebook §10.2) ----------------------------------------------

#: 食品安全法 第一百二十四条: 货值金额不足一万元的, 五万元以上十万元以下; 一万元以上的,
#: 十倍以上二十倍以下.
ART_124 = StatutoryRange(
    ("fine", "confiscate_gains", "revoke_permit"),
    D("50000"),
    D("100000"),
    D("10"),
    D("20"),
    "goods_value",
    D("10000"),
)
EVIDENCE = "抽样检验报告、进货台账"


def fine(amount: str, base: str | None, *, evidence: str = EVIDENCE, tier: str = "") -> Proposal:
    return Proposal(
        ("fine",),
        D(amount),
        tier=tier,
        base_amount=None if base is None else D(base),
        base_evidence=evidence,
    )


@pytest.mark.parametrize(
    ("amount", "base", "ok"),
    [
        # at the threshold and above: base × 10 … base × 20, exact at both ends
        ("100000", "10000", True),  # 10 × 10,000
        ("99999.99", "10000", False),
        ("200000", "10000", True),  # 20 × 10,000
        ("200000.01", "10000", False),
        ("123456.70", "12345.67", True),  # 10 × 12,345.67
        ("123456.69", "12345.67", False),
        ("246913.40", "12345.67", True),  # 20 × 12,345.67
        ("246913.41", "12345.67", False),
        # below the threshold: the fixed 50,000–100,000
        ("50000", "9999.99", True),
        ("49999.99", "9999.99", False),
        ("100000", "9999.99", True),
        ("100000.01", "9999.99", False),
        ("199999.80", "9999.99", False),  # 20 × 9,999.99 would be a multiple: not below 10,000
        ("50000", "0", True),  # no goods value at all: fixed range
    ],
)
def test_multiple_range_and_threshold(amount: str, base: str, ok: bool) -> None:
    check = check_penalty(fine(amount, base), ART_124, [])
    assert (check.problems == []) is ok, check.problems
    if not ok:
        assert "第四条" in check.problems[0] or "第三十条" in check.problems[0]


@pytest.mark.parametrize(
    ("base", "regime", "low", "high"),
    [
        ("9999.99", Regime.FIXED, "50000", "100000"),
        ("10000", Regime.MULTIPLE, "100000", "200000"),
        ("10000.01", Regime.MULTIPLE, "100000.10", "200000.20"),
        (None, Regime.BASE_MISSING, None, None),
    ],
)
def test_statutory_bounds_at_the_threshold(
    base: str | None, regime: Regime, low: str | None, high: str | None
) -> None:
    b = statutory_bounds(ART_124, None if base is None else D(base))
    assert b.regime == regime
    assert b.fine_min == (None if low is None else D(low))
    assert b.fine_max == (None if high is None else D(high))


def test_multiples_without_a_threshold_always_apply() -> None:
    statute = StatutoryRange(
        ("fine",), multiple_min=D("5"), multiple_max=D("10"), base="illegal_gains"
    )
    assert check_penalty(fine("50", "10"), statute, []).problems == []
    assert check_penalty(fine("100", "10"), statute, []).problems == []
    assert check_penalty(fine("100.01", "10"), statute, []).problems
    assert check_penalty(fine("49.99", "10"), statute, []).problems


@pytest.mark.parametrize(
    ("base", "evidence"), [(None, EVIDENCE), ("20000", ""), ("20000", "   "), (None, "")]
)
def test_the_base_and_its_evidence_are_required(base: str | None, evidence: str) -> None:
    problems = check_penalty(fine("300000", base, evidence=evidence), ART_124, []).problems
    assert any("第四十条" in p for p in problems), problems


def test_mitigated_may_go_below_the_multiple_minimum_only() -> None:
    assert check_penalty(fine("50000", "20000", tier="mitigated"), ART_124, []).problems == []
    assert check_penalty(fine("400000.01", "20000", tier="mitigated"), ART_124, []).problems


def test_fixed_range_path_is_unchanged() -> None:
    statute = StatutoryRange(("fine",), D("0"), D("500000"))
    assert check_penalty(Proposal(("fine",), D("500000")), statute, []).problems == []
    assert check_penalty(Proposal(("fine",), D("500000.01")), statute, []).problems
    # no base asked for when the statute has no multiples
    assert check_penalty(Proposal(("fine",), D("1")), statute, []).problems == []


TIERS_124 = [
    Tier("lighter", ("fine",), D("50000"), D("65000"), multiple_min=D("10"), multiple_max=D("13")),
    Tier("ordinary", ("fine",), D("65000"), D("85000"), multiple_min=D("13"), multiple_max=D("17")),
    Tier(
        "heavier",
        ("fine", "revoke_permit"),
        D("85000"),
        D("100000"),
        multiple_min=D("17"),
        multiple_max=D("20"),
    ),
]


@pytest.mark.parametrize(
    ("amount", "base", "tier", "outside"),
    [
        ("130000", "10000", "ordinary", False),  # 13 ×
        ("129999.99", "10000", "ordinary", True),
        ("170000", "10000", "ordinary", False),  # 17 ×
        ("170000.01", "10000", "ordinary", True),
        ("65000", "9999.99", "ordinary", False),  # below the threshold: the tier's fixed range
        ("64999.99", "9999.99", "ordinary", True),
        ("85000.01", "9999.99", "ordinary", True),
    ],
)
def test_tier_of_multiples_at_its_boundaries(
    amount: str, base: str, tier: str, outside: bool
) -> None:
    check = check_penalty(fine(amount, base, tier=tier), ART_124, TIERS_124)
    assert check.outside_benchmark is outside
    assert bool(check.problems) is outside  # no written reason given
    if outside:
        assert "第三十四条" in check.problems[0]


def test_benchmark_tiers_of_multiples_are_checked() -> None:
    statute = StatutoryRange(
        ("fine",), D("50000"), D("100000"), D("10"), D("20"), base_threshold=D("10000")
    )

    def codes(*tiers: Tier) -> set[str]:
        return {f.code for f in bm.check_tiers(statute, list(tiers))}

    def tier(level: str, lo: str | None, hi: str | None, **kw: Any) -> Tier:
        fixed = (D("0"), D("50000")) if level == "mitigated" else (D("50000"), D("100000"))
        return Tier(
            level,
            ("fine",),
            *fixed,
            multiple_min=None if lo is None else D(lo),
            multiple_max=None if hi is None else D(hi),
            **kw,
        )

    assert codes(tier("ordinary", "10", "20")) == set()
    assert codes(tier("ordinary", "10", "20.01")) == {"above_statutory_multiple"}
    assert codes(tier("ordinary", "9.99", "20")) == {"below_statutory_multiple"}
    assert codes(tier("ordinary", "15", "12")) == {"multiple_min_above_max"}
    assert codes(tier("ordinary", None, None)) == {"multiple_range_missing"}
    assert codes(tier("mitigated", "0", "10")) == {"mitigated_needs_review"}
    assert codes(tier("mitigated", "0", "10", requires_legal_review=True)) == set()
    fixed_only = StatutoryRange(("fine",), D("0"), D("1000"))
    assert {f.code for f in bm.check_tiers(fixed_only, [tier("ordinary", "1", "2")])} >= {
        "multiple_without_statute"
    }
    assert {
        f.code for f in bm.check_tiers(statute, [Tier("no_penalty", multiple_min=D(1))])
    } == {"no_penalty_has_penalty"}


# --- 《行政强制法》: the measure, its approval and its period ---------------------------------

START = datetime(2026, 3, 2, 10, 0)


def measure(end: date | None, **kw: Any) -> coercion.MeasureFacts:
    kw.setdefault("kind", "seize")
    kw.setdefault("started_at", START)
    kw.setdefault("approved_at", START - timedelta(hours=1))
    return coercion.MeasureFacts(ends_on=end, **kw)


DAY = START.date()


@pytest.mark.parametrize(
    ("days", "extension", "ok", "article"),
    [
        (30, 0, True, ""),  # 2026-04-01: day 30
        (31, 0, False, "第二十五条"),  # day 31 needs an extension
        (45, 15, True, ""),
        (46, 15, False, "第二十五条"),  # beyond the approved 15 days
        (60, 30, True, ""),  # day 60
        (61, 30, False, "第二十五条"),  # never beyond 60
        (61, 0, False, "第二十五条"),
        (0, 0, True, ""),
    ],
)
def test_seizure_30_and_60_days_art_25(days: int, extension: int, ok: bool, article: str) -> None:
    problems = coercion.measure_period_problems(
        measure(DAY + timedelta(days=days), extension_days=extension)
    )
    assert (problems == []) is ok, problems
    if article:
        assert article in problems[0]


def test_measure_last_day_does_not_roll_over_a_holiday() -> None:
    # Started on 1 Sep 2026: day 30 is Thursday 1 Oct (National Day); the limit stays 1 Oct.
    assert coercion.measure_last_day(date(2026, 9, 1)) == date(2026, 10, 1)
    assert coercion.measure_last_day(date(2026, 9, 1), extension_days=30) == date(2026, 10, 31)


def test_freeze_cites_art_32_and_other_measures_have_no_period() -> None:
    assert (
        "第三十二条"
        in coercion.measure_period_problems(measure(DAY + timedelta(days=31), kind="freeze"))[0]
    )
    assert coercion.measure_period_problems(measure(DAY + timedelta(days=90), kind="other")) == []
    assert coercion.measure_period_problems(measure(DAY - timedelta(days=1)))
    assert "第二十四条" in coercion.measure_period_problems(measure(None))[0]


@pytest.mark.parametrize(
    ("approved_at", "emergency", "ok"),
    [
        (START - timedelta(minutes=1), False, True),
        (START, False, True),  # approved at the moment it starts
        (START + timedelta(minutes=1), False, False),  # after the fact, no emergency
        (None, False, False),
        (None, True, True),  # emergency: reported afterwards (art. 19)
    ],
)
def test_prior_approval_art_18(approved_at: datetime | None, emergency: bool, ok: bool) -> None:
    problems = coercion.approval_problems(
        measure(DAY, approved_at=approved_at, emergency=emergency)
    )
    assert (problems == []) is ok
    if not ok:
        assert "第十八条" in problems[0]


@pytest.mark.parametrize(
    ("reported_after", "late"),
    [
        (timedelta(hours=24), False),
        (timedelta(hours=24, minutes=1), True),
        (timedelta(hours=1), False),
    ],
)
def test_emergency_report_within_24_hours_art_19(reported_after: timedelta, late: bool) -> None:
    m = measure(DAY, emergency=True, approved_at=START + reported_after)
    assert coercion.emergency_report_late(m) is late
    assert coercion.emergency_report_problems(m) == []  # recorded: the next step may go on
    codes = [o.code for o in coercion.coercion_overdue(m, START + timedelta(days=2))]
    assert ("emergency_report_late" in codes) is late


@pytest.mark.parametrize(
    ("now", "overdue"),
    [(START + timedelta(hours=24), False), (START + timedelta(hours=24, minutes=1), True)],
)
def test_unreported_emergency_is_overdue_after_24_hours(now: datetime, overdue: bool) -> None:
    m = measure(DAY + timedelta(days=10), emergency=True, approved_at=None)
    assert "第十九条" in coercion.emergency_report_problems(m)[0]
    found = coercion.coercion_overdue(m, now)
    assert [o.code for o in found] == (["emergency_unreported"] if overdue else [])
    if overdue:
        assert found[0].due == START + timedelta(hours=24)
        assert found[0].basis == "《行政强制法》第十九条"


@pytest.mark.parametrize(
    ("now", "released", "extension", "expired"),
    [
        (datetime(2026, 4, 1, 23, 59), None, 0, False),  # last day itself
        (datetime(2026, 4, 2, 0, 0), None, 0, True),
        (datetime(2026, 4, 2, 0, 0), date(2026, 4, 1), 0, False),  # released in time
        (datetime(2026, 5, 1, 0, 0), None, 30, False),  # extended to 1 May
        (datetime(2026, 5, 2, 0, 0), None, 30, True),
    ],
)
def test_measure_expired_for_supervision(
    now: datetime, released: date | None, extension: int, expired: bool
) -> None:
    m = measure(
        DAY + timedelta(days=30 + extension), released_on=released, extension_days=extension
    )
    codes = [o.code for o in coercion.coercion_overdue(m, now)]
    assert ("measure_expired" in codes) is expired


# --- art. 43: no coercive execution at night or on holidays ------------------------------------


@pytest.mark.parametrize(
    ("moment", "night"),
    [
        (time(21, 59), False),
        (time(22, 0), True),
        (time(23, 59), True),
        (time(0, 0), True),
        (time(5, 59), True),
        (time(6, 0), False),
        (time(12, 0), False),
    ],
)
def test_night_is_22_to_6(moment: time, night: bool) -> None:
    assert coercion.is_night(moment) is night
    problems = coercion.execution_time_problems(moment, rest_day=False, emergency=False)
    assert bool(problems) is night
    if night:
        assert "第四十三条" in problems[0]
    assert coercion.execution_time_problems(moment, rest_day=True, emergency=True) == []


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (date(2026, 2, 14), True),  # Saturday, make-up working day (调休) for the Spring Festival
        (date(2026, 3, 7), False),  # an ordinary Saturday
        (date(2026, 3, 9), True),  # Monday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 10), True),  # Saturday make-up working day after National Day
    ],
)
def test_holidays_on_the_official_calendar(day: date, allowed: bool) -> None:
    rest = not CAL.is_working_day(day)
    problems = coercion.execution_time_problems(time(10, 0), rest_day=rest, emergency=False)
    assert (problems == []) is allowed
    assert coercion.execution_time_problems(time(10, 0), rest_day=rest, emergency=True) == []


# --- the guards in the table -------------------------------------------------------------------


def facts(**kw: Any) -> rules.TransitionFacts:
    base = {
        "procedure": Procedure.GENERAL,
        "act_type": "coercion",
        "state": "investigated",
        "on": DAY,
        "at": START,
        "agency_id": 1,
        "officers_valid": 2,
    }
    return rules.TransitionFacts(**{**base, **kw})


def test_coercion_measure_guard() -> None:
    row = rules.find("investigated", "decided", "general")
    assert row is not None
    assert rules.g_coercion_measure in row.guards
    ok = facts(measure=measure(DAY + timedelta(days=30)))
    assert rules.g_coercion_measure(ok) == []
    # penalty guards do not apply to a coercion case
    assert rules.g_no_penalty_only(ok) == []
    assert rules.g_no_penalty_order(ok) == []
    assert "第十八条" in rules.g_coercion_measure(facts(measure=measure(DAY), officers_valid=1))[0]
    assert "第二十四条" in rules.g_coercion_measure(facts())[0]
    assert (
        "第二十五条"
        in rules.g_coercion_measure(facts(measure=measure(DAY + timedelta(days=31))))[0]
    )
    # a penalty case is untouched by it, and still needs its notice
    penalty = facts(act_type="penalty")
    assert rules.g_coercion_measure(penalty) == []
    assert rules.g_no_penalty_only(penalty)


def test_emergency_report_guard_on_the_next_step() -> None:
    row = rules.find("decided", "served", "general")
    assert row is not None
    assert rules.g_emergency_reported in row.guards
    unreported = facts(state="decided", measure=measure(DAY, emergency=True, approved_at=None))
    assert "第十九条" in rules.blocked_by(row, unreported)[0]
    reported = facts(
        state="decided",
        measure=measure(DAY, emergency=True, approved_at=START + timedelta(hours=30)),
    )
    assert rules.blocked_by(row, reported) == []


def test_execution_hours_guard_rows() -> None:
    for src, dst in (("served", "executing"), ("executing", "closed")):
        row = rules.find(src, dst, "general")
        assert row is not None
        assert rules.g_execution_hours in row.guards
    night = facts(act_type="penalty", coercive_execution=True, local_time=time(22, 0))
    assert "第四十三条" in rules.g_execution_hours(night)[0]
    assert rules.g_execution_hours(facts(act_type="penalty", local_time=time(22, 0))) == []
    urgent = facts(coercive_execution=True, local_time=time(22, 0), execution_emergency=True)
    assert rules.g_execution_hours(urgent) == []
