"""The enforcement seed (fazhi.enforcement.seeding) at a tiny scale: the data it writes obeys
the rules the platform checks, and the alerts are exactly what those rules flag."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fazhi.core.calendar import official_calendar
from fazhi.core.identifiers import validate_credit_code, validate_resident_id
from fazhi.core.redaction import find_pii
from fazhi.enforcement.models import (
    Alert,
    AuthorityItem,
    Case,
    CaseOfficer,
    Certificate,
    Disclosure,
    LegalReview,
    Officer,
    Party,
    Step,
)
from fazhi.enforcement.rules.supervision import RULE_CODES
from fazhi.enforcement.seeding import (
    EnforcementScale,
    SameActKeys,
    enforcement_seed,
    scale_with,
)
from fazhi.enforcement.services.supervision import flagged_ids

TODAY = date(2026, 11, 20)
SCALE = EnforcementScale(general=80, simple=80, coercion=12, inspections=140, days=240)


@pytest.fixture
def seeded(org_tree: Any, make_user: Any) -> dict[str, int]:
    for agency in (org_tree.hohhot_market, org_tree.xincheng_market, org_tree.baotou_market):
        for i in range(4):
            make_user(f"off{agency.pk}_{i}", role="officer", scope="self", agency=agency)
    return enforcement_seed(scale=SCALE, seed=11, today=TODAY)


def test_counts_and_idempotence(seeded: dict[str, int]) -> None:
    kinds = Counter(Case.objects.values_list("act_type", "procedure"))
    assert kinds[("penalty", "general")] == 80
    assert kinds[("penalty", "simple")] == 80
    assert kinds[("coercion", "general")] == 12
    assert kinds[("inspection", "general")] == 140
    assert seeded["cases"] == Case.objects.count() == 312
    assert seeded["steps"] == Step.objects.count() > 312 * 3
    assert seeded["alerts"] == Alert.objects.count() > 0
    assert Officer.objects.count() == 12  # one per officer account, no extra holders needed
    assert Certificate.objects.filter(state="active").count() == 12
    assert AuthorityItem.objects.filter(agency__isnull=False).count() == 3 * 12
    again = enforcement_seed(scale=SCALE, seed=11, today=TODAY)
    assert not any(again.values())
    assert Case.objects.count() == 312


def test_every_penalty_case_has_two_certified_officers_of_its_agency(seeded: Any) -> None:
    """《行政处罚法》第四十二条: at least two officers with valid certificates."""
    roles = defaultdict(list)
    for case_id, officer_id, agency_id, role in CaseOfficer.objects.values_list(
        "case_id", "officer_id", "officer__agency_id", "role"
    ):
        roles[case_id].append((officer_id, agency_id, role))
    for case in Case.objects.all():
        acting = roles[case.pk]
        assert len({o for o, _, _ in acting}) == len(acting)
        assert all(a == case.agency_id for _, a, _ in acting)
        assert [r for _, _, r in acting].count("lead") == 1
        if case.act_type in ("penalty", "coercion"):
            assert len(acting) >= 2, case.number
        for officer_id, _, _ in acting:
            assert Certificate.objects.filter(
                officer_id=officer_id, state="active", issued_on__lte=case.filed_on,
                expires_on__gte=TODAY,
            ).exists()


def test_simple_procedure_within_article_51(seeded: Any) -> None:
    """Art. 51: a warning, or a fine ≤ 200 yuan (citizen) / ≤ 3,000 yuan (organisation), within
    the item's statutory range; decided, served and filed the same day."""
    limit = {"citizen": Decimal("200"), "organisation": Decimal("3000")}
    cases = Case.objects.filter(procedure="simple").select_related("party", "authority_item")
    assert cases.count() == 80
    for case in cases:
        assert case.decided_on == case.served_on == case.filed_on
        if case.fine_amount is None:
            assert case.penalty_types == ["warning"]
        else:
            assert case.penalty_types == ["fine"]
            assert case.fine_amount <= limit[case.party.kind]
            assert case.authority_item.fine_min <= case.fine_amount
            assert case.fine_amount <= case.authority_item.fine_max
    assert cases.filter(fine_amount__isnull=False).exists()
    assert cases.filter(fine_amount__isnull=True).exists()


def test_decisions_within_90_days_except_the_flagged(seeded: Any) -> None:
    """Art. 60: decided within 90 days of filing; every case past the deadline (decided late or
    still undecided) carries a `decision_overdue` alert opened the day after the due date, live
    while undecided and closed by the decision."""
    flagged = set(
        Alert.objects.filter(rule="decision_overdue").values_list("case_id", flat=True)
    )
    late = set()
    for case in Case.objects.filter(act_type="penalty", procedure="general"):
        assert case.decision_due_on == case.filed_on + timedelta(days=90)
        decided_late = case.decided_on is not None and case.decided_on > case.decision_due_on
        if decided_late or (case.decided_on is None and case.decision_due_on < TODAY):
            late.add(case.pk)
        if case.decided_on is not None:
            assert case.decided_on > case.filed_on
            assert case.served_on is None or case.served_on <= _wd_after(case.decided_on, 7)
            assert case.fine_amount is not None
    assert late
    assert late == flagged
    for alert in Alert.objects.filter(case_id__in=late).select_related("case"):
        assert timezone.localtime(alert.opened_at).date() > alert.case.decision_due_on
        live = alert.case.decided_on is None
        assert (alert.state in ("open", "rectifying")) == live


def test_live_alerts_are_exactly_what_the_supervision_sweep_flags(seeded: Any) -> None:
    """For every supervision rule, the live alerts the seed wrote are the subjects the sweep's
    own queries flag on the seeded facts today: a sweep over seeded data opens nothing new and
    closes nothing (rules/supervision.py, services/supervision.flagged_ids)."""
    live = defaultdict(set)
    for rule, subject in Alert.objects.filter(state__in=["open", "rectifying"]).values_list(
        "rule", "subject_key"
    ):
        live[rule].add(subject)
    for rule in RULE_CODES:
        assert flagged_ids(rule, today=TODAY) == live[rule], rule
    raised = {r for r, n in Counter(Alert.objects.values_list("rule", flat=True)).items() if n}
    assert raised >= {"decision_overdue", "av_missing", "single_officer", "not_disclosed"}


def test_alerts_match_their_facts(seeded: Any) -> None:
    alerts = list(Alert.objects.select_related("case"))
    live = [(a.subject_key, a.rule) for a in alerts if a.state in ("open", "rectifying")]
    assert len(set(live)) == len(live)
    officers = Counter(CaseOfficer.objects.values_list("case_id", flat=True))
    missing_av = set(
        Step.objects.filter(av_required=True, av_recorded=False).values_list("case_id", flat=True)
    )
    flagged = defaultdict(set)
    for a in alerts:
        if a.rule != "repeated_inspection":
            assert a.subject_key == f"case:{a.case_id}"
        assert (a.agency_id, a.division_id, a.sector_id) == (
            a.case.agency_id, a.case.division_id, a.case.sector_id
        )
        assert a.basis
        assert a.case.number in a.message or a.rule == "repeated_inspection"
        assert (a.closed_at is not None) == (a.state == "closed")
        flagged[a.rule].add(a.case_id)
    assert flagged["single_officer"] == {c for c, n in officers.items() if n == 1}
    assert flagged["av_missing"] == missing_av
    for case in Case.objects.filter(pk__in=flagged["not_disclosed"]):
        disclosure = Disclosure.objects.filter(case=case).first()
        assert disclosure is None or timezone.localtime(disclosure.published_at).date() > (
            disclosure.due_on
        )
    for a in Alert.objects.filter(rule="step_overdue").select_related("case"):
        assert a.case.state == "executing"
        assert a.case.payment_due_on < TODAY
    share = len({a.case_id for a in alerts}) / Case.objects.count()
    assert 0.02 < share < 0.15


def test_disclosures_and_legal_reviews(seeded: Any) -> None:
    decided = Case.objects.filter(act_type__in=["penalty", "coercion"], decided_on__isnull=False)
    disclosures = Disclosure.objects.select_related("case__party")
    assert disclosures.count() > 0.8 * decided.count() > 0
    assert not Disclosure.objects.filter(case__act_type="inspection").exists()
    tokens = set()
    for d in disclosures:
        assert d.state == "published"
        assert d.case.decided_on == d.decided_on
        assert len(d.public_token) == 32
        assert d.public_token not in tokens
        tokens.add(d.public_token)
        assert d.due_on >= d.decided_on
        party = d.case.party
        assert party.phone not in d.facts
        if d.case.procedure == "general" and d.act_type == "penalty":
            assert party.phone[:3] + "*" in d.facts  # masked in place, not dropped
        assert not find_pii(d.facts, plates=False)
        if party.kind == "citizen":
            assert d.party_name.endswith("某")
            assert party.name not in d.facts
            assert party.id_number not in d.facts
        else:  # organisations are named with their (public) credit code
            assert d.party_name == party.name
    for review in LegalReview.objects.select_related("case"):
        case = review.case
        investigators = set(case.officers.values_list("officer__user_id", flat=True))
        assert review.reviewer_id not in investigators
        assert case.is_major
        if case.decided_on is not None:
            assert review.result == "agree"
            assert timezone.localtime(review.reviewed_at).date() <= case.decided_on
    major = Case.objects.filter(is_major=True, decided_on__isnull=False)
    assert all(c.legal_reviews.filter(result="agree").exists() for c in major)


def test_steps_dates_and_parties(seeded: Any) -> None:
    cal = official_calendar()
    assert all(cal.is_working_day(d) for d in Case.objects.values_list("filed_on", flat=True))
    assert min(Case.objects.values_list("filed_on", flat=True)) >= TODAY - timedelta(days=240)
    steps = Counter(Step.objects.values_list("case_id", flat=True))
    complete = {"general": 12, "simple": 4, "inspection": 3, "coercion": 6}
    for case in Case.objects.filter(state="closed"):
        shape = case.act_type if case.act_type != "penalty" else case.procedure
        assert steps[case.pk] == complete[shape], (case.number, shape)
    for party in Party.objects.all():
        if party.kind == "citizen":
            assert validate_resident_id(party.id_number, today=TODAY) == party.id_number
        else:
            assert validate_credit_code(party.id_number) == party.id_number


def test_scale_override_keeps_the_shares() -> None:
    from fazhi.enforcement.seeding import ENFORCEMENT_SCALES

    region = ENFORCEMENT_SCALES["region"]
    assert region.general + region.simple + region.coercion == 315_000
    assert region.simple / (region.simple + region.general) == 0.75
    small = scale_with(region, cases=3150, inspections=100, steps=False)
    assert (small.general, small.simple, small.coercion, small.inspections) == (750, 2250, 150, 100)
    assert not small.steps


def _wd_after(day: date, n: int) -> date:
    cal = official_calendar()
    while n:
        day += timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


def test_same_act_keys_never_repeat_a_party_violation_and_act_dates() -> None:
    keys = SameActKeys()
    day = date(2026, 5, 10)
    assert keys.act_dates(1, "market:expired", day) == (date(2026, 5, 9), day)
    # the same party, violation and discovery day: the act starts a day earlier, then two
    assert keys.act_dates(1, "market:expired", day) == (date(2026, 5, 8), day)
    assert keys.act_dates(1, "market:expired", day) == (date(2026, 5, 7), day)
    # another party, another violation or another day: as drawn
    assert keys.act_dates(2, "market:expired", day) == (date(2026, 5, 9), day)
    assert keys.act_dates(1, "market:label", day) == (date(2026, 5, 9), day)
    next_day = day + timedelta(days=1)
    assert keys.act_dates(1, "market:expired", next_day) == (day, next_day)
    # no party or no violation key: the double-penalty rule cannot apply, nothing reserved
    assert keys.act_dates(None, "market:expired", day) == (date(2026, 5, 9), day)
    assert keys.act_dates(1, "", day) == (date(2026, 5, 9), day)


def test_a_crowded_party_pool_makes_no_accidental_double_penalty(
    org_tree: Any, make_user: Any
) -> None:
    """Two parties for 400 penalty cases over 20 days at three agencies of one sector: random
    draws repeat (party, violation, act day) all the time. The seed writes no double_penalty
    alert, so the rule must flag nothing, and every penalty keeps a distinct key."""
    for agency in (org_tree.hohhot_market, org_tree.xincheng_market, org_tree.baotou_market):
        for i in range(3):
            make_user(f"off{agency.pk}_{i}", role="officer", scope="self", agency=agency)
    scale = EnforcementScale(general=200, simple=200, coercion=0, inspections=0, days=20,
                             steps=False, citizens=1, organisations=1)
    enforcement_seed(scale=scale, seed=5, today=TODAY)
    keys = Counter(
        Case.objects.filter(act_type="penalty").values_list(
            "party_id", "authority_item__violation_key", "act_started_on", "act_ended_on"
        )
    )
    assert sum(keys.values()) == 400
    assert max(keys.values()) == 1
    assert flagged_ids("double_penalty", today=TODAY) == set()
    assert not Alert.objects.filter(rule="double_penalty").exists()
