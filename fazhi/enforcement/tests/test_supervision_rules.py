"""Supervision rules as pure functions, table-driven at their boundaries (issue 4 §7)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from fazhi.enforcement.rules.coercion import MeasureFacts
from fazhi.enforcement.rules.supervision import (
    DEFAULT_CONFIG,
    RULES,
    RULES_BY_CODE,
    CaseFacts,
    OfficerFacts,
    StepFacts,
    SupervisionConfig,
    config_from,
    evaluate,
    inspection_window_start,
)

TODAY = date(2025, 6, 16)  # a Monday


def facts(**kw):
    base = {
        "case_id": 1, "number": "案-1", "agency_id": 7, "act_type": "penalty",
        "procedure": "general", "state": "investigating", "authority_item_agency_id": 7,
        "officers": (OfficerFacts(1, "甲", False, True), OfficerFacts(2, "乙", False, True)),
    }
    base.update(kw)
    return CaseFacts(**base)


def fires(code, f, today=TODAY, cfg=DEFAULT_CONFIG):
    return RULES_BY_CODE[code].check(f, cfg, today) is not None


def test_every_rule_cites_an_article_and_names_an_indicator():
    for r in RULES:
        assert r.basis, r.code
        assert "条" in r.basis or "意见" in r.basis, r.code
        assert r.indicator.startswith("A"), r.code
        assert r.points >= 0
        assert r.template
        assert r.title


def test_a_compliant_case_fires_nothing():
    assert evaluate(facts(), TODAY) == []


# filed on 2025-03-18 → day 90 is 2025-06-16 (a Monday, a working day): art. 60
FILED = date(2025, 3, 18)
DUE = FILED + timedelta(days=90)


@pytest.mark.parametrize(
    ("today", "overdue", "near"),
    [
        (DUE - timedelta(days=11), False, False),  # 11 days left: outside the 10-day window
        (DUE - timedelta(days=10), False, True),  # window opens
        (DUE, False, True),  # day 90: still in time
        (DUE + timedelta(days=1), True, False),  # day 91: overdue
    ],
)
def test_decision_deadline_day_90_vs_91(today, overdue, near):
    f = facts(state="investigating", filed_on=FILED, decision_due_on=DUE)
    assert (today - FILED).days in (79, 80, 90, 91)
    assert fires("decision_overdue", f, today) is overdue
    assert fires("decision_deadline_near", f, today) is near


def test_extension_moves_the_deadline_and_decided_cases_are_not_overdue():
    extended = facts(state="hearing", decision_due_on=DUE + timedelta(days=30))
    assert not fires("decision_overdue", extended, DUE + timedelta(days=1))
    assert fires("decision_overdue", extended, DUE + timedelta(days=31))
    decided = facts(state="decided", decision_due_on=DUE, decided_on=DUE + timedelta(days=5))
    assert not fires("decision_overdue", decided, DUE + timedelta(days=6))


def test_near_window_is_configurable():
    cfg = config_from({"deadline_near_days": 3})
    f = facts(decision_due_on=DUE)
    assert not fires("decision_deadline_near", f, DUE - timedelta(days=4), cfg)
    assert fires("decision_deadline_near", f, DUE - timedelta(days=3), cfg)
    with pytest.raises(TypeError):
        config_from({"no_such_key": 1})


@pytest.mark.parametrize(("today", "expected"), [
    (date(2025, 6, 11), False),  # the 7th working day (art. 61): still in time
    (date(2025, 6, 12), True),
])
def test_service_deadline(today, expected):
    f = facts(state="decided", decided_on=date(2025, 6, 2), service_due_on=date(2025, 6, 11))
    assert fires("service_overdue", f, today) is expected
    served = facts(state="decided", decided_on=date(2025, 6, 2), service_due_on=date(2025, 6, 11),
                   served_on=date(2025, 6, 12))
    assert not fires("service_overdue", served, date(2025, 7, 1))


@pytest.mark.parametrize(("officers", "state", "single", "uncertified"), [
    ((OfficerFacts(1, "甲", False, True), OfficerFacts(2, "乙", False, True)),
     "investigating", False, False),
    ((OfficerFacts(1, "甲", False, True),), "investigating", True, False),
    ((OfficerFacts(1, "甲", False, True),), "clue", False, False),  # not yet investigating
    ((OfficerFacts(1, "甲", False, True), OfficerFacts(2, "乙", True, False)),
     "investigating", True, True),  # auxiliary staff neither counts nor may act
    ((OfficerFacts(1, "甲", False, True), OfficerFacts(2, "乙", False, False)),
     "filed", False, True),  # expired/revoked certificate
    ((OfficerFacts(1, "甲", False, False), OfficerFacts(2, "乙", False, True)),
     "closed", False, False),  # closed cases are history
])
def test_officers_art_42(officers, state, single, uncertified):
    f = facts(officers=officers, state=state)
    assert fires("single_officer", f) is single
    assert fires("uncertified_officer", f) is uncertified


@pytest.mark.parametrize(("item_agency", "state", "expected"), [
    (7, "filed", False), (None, "filed", True), (8, "investigating", True), (None, "clue", False),
])
def test_outside_authority(item_agency, state, expected):
    assert fires("outside_authority", facts(authority_item_agency_id=item_agency,
                                            state=state)) is expected


@pytest.mark.parametrize(("is_major", "decided", "agree", "expected"), [
    (True, True, False, True), (True, True, True, False), (False, True, False, False),
    (True, False, False, False),
])
def test_major_without_review(is_major, decided, agree, expected):
    f = facts(state="decided", is_major=is_major, decided_on=TODAY if decided else None,
              has_agreeing_review_before_decision=agree)
    assert fires("major_without_review", f) is expected


@pytest.mark.parametrize(("fine", "tier", "reason", "expected"), [
    ("1000", "ordinary", "", False),  # lower edge of the tier
    ("999.99", "ordinary", "", True),
    ("3000", "ordinary", "", False),  # upper edge
    ("3000.01", "ordinary", "", True),
    ("3000.01", "ordinary", "当事人主动消除危害后果", False),  # written reason
    ("500", "mitigated", "", True),  # mitigation always needs a reason
])
def test_outside_benchmark(fine, tier, reason, expected):
    f = facts(state="decided", decided_on=TODAY, fine_amount=Decimal(fine), tier=tier,
              benchmark_fine_min=Decimal("1000"), benchmark_fine_max=Decimal("3000"),
              outside_benchmark_reason=reason)
    assert fires("outside_benchmark", f) is expected


@pytest.mark.parametrize(("today", "disclosed", "expected"), [
    (date(2025, 6, 11), None, False),  # the 7th working day
    (date(2025, 6, 12), None, True),
    (date(2025, 6, 12), date(2025, 6, 10), False),
])
def test_not_disclosed(today, disclosed, expected):
    f = facts(state="decided", decided_on=date(2025, 6, 2), disclosure_required=True,
              disclosure_due_on=date(2025, 6, 11), disclosed_on=disclosed)
    assert fires("not_disclosed", f, today) is expected


@pytest.mark.parametrize(("required", "recorded", "expected"), [
    (True, False, True), (True, True, False), (False, False, False),
])
def test_av_missing(required, recorded, expected):
    step = StepFacts(1, "seize", None, None, required, recorded)
    assert fires("av_missing", facts(steps=(step,))) is expected


@pytest.mark.parametrize(("due", "done", "expected"), [
    (TODAY, None, False), (TODAY - timedelta(days=1), None, True),
    (TODAY - timedelta(days=1), TODAY, False),
])
def test_step_overdue(due, done, expected):
    step = StepFacts(1, "payment", due, done, False, False)
    assert fires("step_overdue", facts(steps=(step,))) is expected


@pytest.mark.parametrize(("count", "expected"), [(2, False), (3, True)])
def test_repeated_inspections_2_vs_3_in_window(count, expected):
    f = facts(act_type="inspection", party_id=5, party_inspections_in_window=count)
    finding = RULES_BY_CODE["repeated_inspection"].check(f, DEFAULT_CONFIG, TODAY)
    assert (finding is not None) is expected
    if finding:
        assert finding.subject_key == "party:5"
        assert "30天内被检查3次" in finding.message


def test_inspection_window_edges():
    cfg = SupervisionConfig(inspection_window_days=30)
    assert inspection_window_start(TODAY, cfg) == TODAY - timedelta(days=29)


def test_double_penalty():
    assert not fires("double_penalty", facts(state="decided"))
    f = facts(state="decided", same_act_earlier_cases=("案-0",))
    finding = RULES_BY_CODE["double_penalty"].check(f, DEFAULT_CONFIG, TODAY)
    assert finding
    assert "案-0" in finding.message
    assert "一事二罚" in finding.message


# --- coercion_overdue: 《行政强制法》第十九条、第二十五条 (rules/coercion.coercion_overdue) ---

_START = datetime(2025, 5, 1, 10, 0)  # a seizure taken on 1 May 10:00: day 30 is 31 May


def _measure(**kw):
    base = {"kind": "seize", "started_at": _START, "ends_on": date(2025, 5, 31),
            "approved_at": _START - timedelta(hours=1)}
    base.update(kw)
    return MeasureFacts(**base)


@pytest.mark.parametrize(
    ("measure", "as_of", "expected"),
    [
        # 30 days without an extension: the last day (31 May) is in time, 1 June is not
        (_measure(), datetime(2025, 5, 31, 23, 59), False),
        (_measure(), datetime(2025, 6, 1, 0, 0), True),
        # a recorded end beyond 30 days without an extension does not lengthen the period
        (_measure(ends_on=date(2025, 6, 20)), datetime(2025, 6, 1, 8, 0), True),
        # extended by 30 days: day 60 (30 June) in time, day 61 (1 July) not
        (_measure(ends_on=date(2025, 6, 30), extension_days=30), datetime(2025, 6, 30, 20, 0),
         False),
        (_measure(ends_on=date(2025, 6, 30), extension_days=30), datetime(2025, 7, 1, 0, 0), True),
        # a shorter recorded period ends on its own last day
        (_measure(ends_on=date(2025, 5, 10)), datetime(2025, 5, 11, 0, 0), True),
        # released: never fires, however late
        (_measure(released_on=date(2025, 5, 20)), datetime(2025, 9, 1), False),
        (_measure(emergency=True, approved_at=None, released_on=date(2025, 5, 1)),
         datetime(2025, 9, 1), False),
        # a freeze counts alike (art. 32); other measures have no statutory period
        (_measure(kind="freeze"), datetime(2025, 6, 1, 0, 0), True),
        (_measure(kind="other"), datetime(2025, 9, 1), False),
        # emergency, unreported: at exactly 24 hours in time, one minute later overdue (art. 19)
        (_measure(emergency=True, approved_at=None), _START + timedelta(hours=24), False),
        (_measure(emergency=True, approved_at=None),
         _START + timedelta(hours=24, minutes=1), True),
        # emergency, reported at 24 hours (in time) or 24 hours and a minute (late, stays flagged
        # while the measure is in force)
        (_measure(emergency=True, approved_at=_START + timedelta(hours=24)),
         _START + timedelta(days=2), False),
        (_measure(emergency=True, approved_at=_START + timedelta(hours=24, minutes=1)),
         _START + timedelta(days=2), True),
    ],
)
def test_coercion_overdue_boundaries(measure, as_of, expected):
    f = facts(act_type="coercion", state="executing", measure=measure, as_of=as_of)
    assert fires("coercion_overdue", f, today=as_of.date()) is expected


def test_coercion_overdue_message_names_each_limit():
    m = _measure(emergency=True, approved_at=None)
    f = facts(act_type="coercion", measure=m, as_of=datetime(2025, 6, 2, 9, 0))
    finding = RULES_BY_CODE["coercion_overdue"].check(f, DEFAULT_CONFIG, date(2025, 6, 2))
    assert finding.message == (
        "案件案-1的行政强制措施当场实施后未在24小时内向机关负责人报告（应于2025-05-02 10:00前）；"
        "期限已于2025-05-31届满，至今未解除。"
    )
    assert finding.subject_key == "case:1"


def test_coercion_overdue_without_a_moment_looks_at_the_start_of_today():
    m = _measure(emergency=True, approved_at=None)  # due 2 May 10:00
    f = facts(act_type="coercion", measure=m)
    assert not fires("coercion_overdue", f, today=date(2025, 5, 2))
    assert fires("coercion_overdue", f, today=date(2025, 5, 3))
