"""Boundary tables for the benchmark rules (rulebook §10.2; 行政处罚法 arts. 30–34). No database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.utils import translation

from fazhi.enforcement.rules.benchmarks import (
    Version,
    check_tiers,
    check_version_dates,
    closing_date,
    default_split,
    penalty_types_from_laws,
)
from fazhi.enforcement.rules.discretion import StatutoryRange, Tier

# 道路交通安全法 art. 99: 200–2,000 yuan; fine, revocation, detention.
STATUTE = StatutoryRange(penalty_types=("fine", "revoke_permit", "detention"), fine_min=D(200),
                    fine_max=D(2000))


def codes(*tiers: Tier, statute: StatutoryRange = STATUTE) -> list[str]:
    return [f.code for f in check_tiers(statute, list(tiers))]


@pytest.mark.parametrize(
    ("case", "tier", "expected"),
    [
        ("at_statutory_max", Tier("heavier", ("fine",), D(1400), D(2000)), []),
        ("one_cent_above_max", Tier("heavier", ("fine",), D(1400), D("2000.01")),
         ["above_statutory_max"]),
        ("min_above_max_statute", Tier("heavier", ("fine",), D("2000.01"), D("2000.01")),
         ["above_statutory_max"]),
        ("at_statutory_min", Tier("lighter", ("fine",), D(200), D(740)), []),
        ("one_cent_below_min", Tier("lighter", ("fine",), D("199.99"), D(740)),
         ["below_statutory_min"]),
        ("mitigated_below_min_with_review", Tier("mitigated", ("fine",), D(0), D(200), True), []),
        ("mitigated_below_min_without_review", Tier("mitigated", ("fine",), D(0), D(200), False),
         ["mitigated_needs_review"]),
        ("mitigated_above_min", Tier("mitigated", ("fine",), D(0), D("200.01"), True),
         ["mitigated_above_min"]),
        ("mitigated_at_min_needs_no_review", Tier("mitigated", ("fine",), D(200), D(200)), []),
        ("type_outside_statute", Tier("ordinary", ("fine", "warning"), D(740), D(1460)),
         ["types_outside_statute"]),
        ("no_penalty_clean", Tier("no_penalty"), []),
        ("no_penalty_with_fine", Tier("no_penalty", (), D(0), D(10)), ["no_penalty_has_penalty"]),
        ("no_penalty_with_type", Tier("no_penalty", ("fine",)), ["no_penalty_has_penalty"]),
        ("min_above_max", Tier("ordinary", ("fine",), D(900), D(800)), ["min_above_max"]),
        ("negative", Tier("ordinary", ("fine",), D(-1), D(800)), ["negative"]),
        ("fine_without_range", Tier("ordinary", ("fine",)), ["fine_range_missing"]),
        ("open_top", Tier("ordinary", ("fine",), D(740), None), ["open_range"]),
        ("unknown_level", Tier("harsh", ("fine",), D(740), D(800)), ["level"]),
    ],
)
def test_one_tier(case: str, tier: Tier, expected: list[str]) -> None:
    assert codes(tier) == expected, case


@pytest.mark.parametrize(
    ("case", "tiers", "expected"),
    [
        ("touching_ok", [Tier("lighter", ("fine",), D(200), D(740)),
                         Tier("ordinary", ("fine",), D(740), D(1460)),
                         Tier("heavier", ("fine",), D(1460), D(2000))], []),
        ("one_cent_overlap", [Tier("lighter", ("fine",), D(200), D("740.01")),
                              Tier("ordinary", ("fine",), D(740), D(1460))], ["overlap"]),
        ("documented_overlap", [Tier("lighter", ("fine",), D(200), D(800)),
                                Tier("ordinary", ("fine",), D(740), D(1460), overlap_note="x")],
         []),
        ("reversed", [Tier("lighter", ("fine",), D(1460), D(2000)),
                      Tier("heavier", ("fine",), D(200), D(740))], ["order"]),
        ("duplicate", [Tier("lighter", ("fine",), D(200), D(740)),
                       Tier("lighter", ("fine",), D(200), D(740))], ["duplicate_level"]),
        ("gap_ok", [Tier("lighter", ("fine",), D(200), D(500)),
                    Tier("heavier", ("fine",), D(1500), D(2000))], []),
    ],
)
def test_tier_order(case: str, tiers: list[Tier], expected: list[str]) -> None:
    assert codes(*tiers) == expected, case


def test_open_statute_has_no_ceiling() -> None:
    statute = StatutoryRange(penalty_types=("fine",), fine_min=D(10000), fine_max=None)
    assert codes(Tier("heavier", ("fine",), D(10000), None), statute=statute) == []
    assert codes(Tier("heavier", ("fine",), D(10000), D(10**9)), statute=statute) == []


def test_messages_are_chinese_and_cite_the_rule() -> None:
    with translation.override("zh-hans"):
        (finding,) = check_tiers(STATUTE, [Tier("heavier", ("fine",), D(1400), D("2000.01"))])
    text = str(finding)
    assert "从重" in text
    assert "2,000.01" in text
    assert "法定" in text
    assert "第三十四条" in text


@pytest.mark.parametrize(
    ("split", "expected"),
    [
        ((D("0.3"), D("0.7")), {"lighter": (D(200), D(740)), "ordinary": (D(740), D(1460)),
                                "heavier": (D(1460), D(2000))}),
        ((D("0.5"), D("0.5")), {"lighter": (D(200), D(1100)), "ordinary": (D(1100), D(1100)),
                                "heavier": (D(1100), D(2000))}),
    ],
)
def test_default_split(split: tuple[D, D], expected: dict[str, tuple[D, D]]) -> None:
    got = default_split(D(200), D(2000), split)
    assert {str(k): v for k, v in got.items()} == expected
    tiers = [Tier(level, ("fine",), lo, hi) for level, (lo, hi) in got.items()]
    assert check_tiers(STATUTE, tiers) == []


def test_default_split_rounds_and_refuses_bad_points() -> None:
    got = default_split(D(20), D(200), places=D(1))
    assert got["lighter"] == (D(20), D(74))
    with pytest.raises(ValueError, match="split"):
        default_split(D(0), D(1), (D("0.8"), D("0.2")))


DAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("case", "new_from", "new_to", "others", "expected"),
    [
        ("after_published", date(2026, 6, 1), None, [Version(1, DAY, None, True)], []),
        ("same_day", DAY, None, [Version(1, DAY, None, False)], ["same_start"]),
        ("before_published", date(2025, 12, 31), None, [Version(1, DAY, None, True)],
         ["overlap_published"]),
        ("before_draft_ok", date(2025, 12, 31), None, [Version(1, DAY, None, False)], []),
        ("ends_before_start", DAY, date(2025, 12, 31), [], ["dates"]),
        ("one_day_version", DAY, DAY, [], []),
    ],
)
def test_version_dates(
    case: str, new_from: date, new_to: date | None, others: list[Version], expected: list[str]
) -> None:
    assert [f.code for f in check_version_dates(new_from, new_to, others)] == expected, case


@pytest.mark.parametrize(
    ("previous", "new_from", "expected"),
    [
        (Version(1, DAY, None, True), date(2026, 6, 1), date(2026, 5, 31)),
        (Version(1, DAY, date(2026, 12, 31), True), date(2026, 6, 1), date(2026, 5, 31)),
        (Version(1, DAY, date(2026, 5, 31), True), date(2026, 6, 1), None),  # already closed
        (Version(1, DAY, date(2026, 6, 1), True), date(2026, 6, 1), date(2026, 5, 31)),
        (Version(1, DAY, None, True), DAY, None),  # not a previous version
    ],
)
def test_closing_date(previous: Version, new_from: date, expected: date | None) -> None:
    assert closing_date(previous, new_from) == expected


def test_laws_type_codes_map_onto_the_enum() -> None:
    assert penalty_types_from_laws(
        ["revoke_licence", "fine", "circulated_criticism", "order_suspension", "bogus"]
    ) == ["criticism", "fine", "revoke_permit", "suspend_business", "other"]
