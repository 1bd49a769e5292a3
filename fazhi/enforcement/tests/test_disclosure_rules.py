"""Disclosure rules (rulebook §2.1, art. 48, art. 85): redaction tables and deadlines on the
official working-day calendar, across holidays."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fazhi.enforcement.models import DisclosurePolicy
from fazhi.enforcement.services.disclosure import (
    mask_address,
    publish_due_on,
    redact_for_party,
    redacted_party_name,
    withdraw_due_on,
)

DEFAULT = DisclosurePolicy()


@pytest.mark.parametrize(
    ("kind", "name", "expected"),
    [
        ("citizen", "张三", "张某"),
        ("citizen", "欧阳娜娜", "欧阳某"),
        ("citizen", "巴特尔", "巴某"),
        ("organisation", "呼和浩特市某某餐饮有限公司", "呼和浩特市某某餐饮有限公司"),
    ],
)
def test_party_names(kind: str, name: str, expected: str) -> None:
    assert redacted_party_name(kind, name) == expected


@pytest.mark.parametrize(
    ("text", "must_not_contain", "must_contain"),
    [
        ("张三于2025年9月1日销售过期食品", ["张三"], ["张某"]),
        ("当事人身份证号150102198506125017", ["150102198506125017"], ["1****************7"]),
        ("联系电话13812345678", ["13812345678"], ["138********"]),
        ("住呼和浩特市新城区海拉尔东街12号", ["海拉尔东街12号"], ["呼和浩特市新城区***"]),
        ("驾驶蒙A12345号货车", ["蒙A12345"], ["蒙A*****"]),
        ("张 三承认违法事实", ["张 三", "张三"], ["张某"]),
    ],
)
def test_citizen_personal_data_is_masked(text: str, must_not_contain: list[str],
                                          must_contain: list[str]) -> None:
    out = redact_for_party(text, kind="citizen", name="张三",
                           address="呼和浩特市新城区海拉尔东街12号")
    for fragment in must_not_contain:
        assert fragment not in out, out
    for fragment in must_contain:
        assert fragment in out, out


def test_organisation_is_named_and_its_representative_masked() -> None:
    text = "呼和浩特市某某餐饮有限公司（法定代表人李大山，电话0471-6612345）销售过期食品"
    out = redact_for_party(text, kind="organisation", name="呼和浩特市某某餐饮有限公司",
                           address="呼和浩特市新城区中山路1号", representative="李大山")
    assert out.startswith("呼和浩特市某某餐饮有限公司")
    assert "李大山" not in out
    assert "李某" in out
    assert "6612345" not in out


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("呼和浩特市新城区海拉尔东街12号", "呼和浩特市新城区***"),
        ("内蒙古自治区包头市东河区某某小区3栋", "内蒙古自治区包头市东河区***"),
        ("锡林郭勒盟锡林浩特市某街5号", "锡林郭勒盟锡林浩特市***"),
        ("土默特左旗察素齐镇", "土默特左旗***"),
        ("海拉尔东街12号", "***"),
        ("", ""),
    ],
)
def test_address_is_cut_to_the_county(address: str, expected: str) -> None:
    assert mask_address(address) == expected


@pytest.mark.parametrize(
    ("decided_on", "act_type", "expected", "why"),
    [
        # 7 working days (penalty/licensing), rulebook §2.1. National Day 2025: 1–8 Oct off,
        # Sun 28 Sep and Sat 11 Oct are make-up working days.
        (date(2025, 9, 26), "penalty", date(2025, 10, 13), "28,29,30 Sep; 9,10,11,13 Oct"),
        (date(2025, 9, 26), "licensing", date(2025, 10, 13), "same rule for licensing"),
        (date(2025, 9, 15), "penalty", date(2025, 9, 24), "no holiday: 16–19, 22–24 Sep"),
        # 20 working days for other decisions (coercion), from 26 Sep 2025.
        (date(2025, 9, 26), "coercion", date(2025, 10, 30), "20 working days across National Day"),
    ],
)
def test_publish_deadline(decided_on: date, act_type: str, expected: date, why: str) -> None:
    assert publish_due_on(decided_on, act_type, DEFAULT) == expected, why


def test_spring_festival_count_day_by_day() -> None:
    # 24 Jan 2025 (Fri) → 26 Jan (Sun, make-up) 1, 27 Jan 2, 5 Feb 3, 6 Feb 4, 7 Feb 5,
    # 8 Feb (Sat, make-up) 6, 10 Feb 7.
    # Spring Festival 2025: 28 Jan–4 Feb off.
    assert publish_due_on(date(2025, 1, 24), "penalty", DEFAULT) == date(2025, 2, 10)


def test_per_sector_policy_changes_the_deadline() -> None:
    market = DisclosurePolicy(penalty_deadline_wd=20, other_deadline_wd=20)
    # 16–19, 22–26, 28 (Sun, make-up), 29, 30 Sep; 9, 10, 11 (Sat, make-up), 13–17 Oct
    assert publish_due_on(date(2025, 9, 15), "penalty", market) == date(2025, 10, 17)


@pytest.mark.parametrize(
    ("revoked_on", "expected"),
    [
        # art. 48 ¶2: within 3 working days. 30 Sep 2025 → 9, 10, 11 (Sat, make-up) Oct.
        (date(2025, 9, 30), date(2025, 10, 11)),
        (date(2025, 9, 15), date(2025, 9, 18)),
        (date(2025, 9, 19), date(2025, 9, 24)),  # Friday → Mon, Tue, Wed
    ],
)
def test_withdraw_deadline(revoked_on: date, expected: date) -> None:
    assert withdraw_due_on(revoked_on, DEFAULT) == expected


def test_unknown_calendar_year_errs_early() -> None:
    """A year without a published schedule counts calendar days: never later than the truth."""
    assert publish_due_on(date(2031, 3, 3), "penalty", DEFAULT) == date(2031, 3, 10)


def test_policy_lookup_prefers_the_sector(db: Any, sector: Any) -> None:
    from fazhi.enforcement.services.disclosure import policy_for

    assert policy_for(sector.pk).penalty_deadline_wd == 7  # statutory default, no rows
    DisclosurePolicy.objects.create(sector=None, penalty_deadline_wd=6)
    assert policy_for(sector.pk).penalty_deadline_wd == 6
    DisclosurePolicy.objects.create(sector=sector, penalty_deadline_wd=5)
    assert policy_for(sector.pk).penalty_deadline_wd == 5
    assert policy_for(None).penalty_deadline_wd == 6
