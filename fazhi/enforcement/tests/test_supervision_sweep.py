"""Supervision in the database: the sweep agrees with the pure rules case by case, is idempotent,
closes alerts whose condition cleared, pushes and reverses ledger deductions (issue 4 §7)."""

from __future__ import annotations

import datetime as dt
import itertools
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from fazhi.enforcement.models import (
    AuthorityItem,
    BenchmarkTier,
    Case,
    CaseOfficer,
    Certificate,
    CoercionMeasure,
    DeadlineExtension,
    DiscretionBenchmark,
    LegalReview,
    Party,
    Step,
)
from fazhi.enforcement.models.supervision import Alert
from fazhi.enforcement.rules.supervision import DEFAULT_CONFIG, RULE_CODES, RULES_BY_CODE, evaluate
from fazhi.enforcement.selectors.supervision import case_facts, latest_start_overdue
from fazhi.enforcement.services import supervision as svc

SH = ZoneInfo("Asia/Shanghai")
TODAY = date(2025, 6, 16)
NOW = dt.datetime(2025, 6, 16, 9, 0, tzinfo=SH)
_n = itertools.count(1)


@pytest.fixture
def world(org_tree, make_officer, sector, make_user):
    agency = org_tree.xincheng_market
    o1, o2 = make_officer("李一", agency=agency), make_officer("王二", agency=agency)
    aux = make_officer("赵辅", agency=agency, is_auxiliary=True)
    expired = make_officer("钱过", agency=agency)
    for i, o in enumerate((o1, o2)):
        Certificate.objects.create(
            officer=o,
            number=f"1501020100{i}",
            sector=sector,
            issued_on=date(2023, 1, 1),
            expires_on=date(2028, 12, 31),
            state="active",
        )
    Certificate.objects.create(
        officer=expired,
        number="15010201009",
        sector=sector,
        issued_on=date(2019, 1, 1),
        expires_on=date(2025, 6, 15),
        state="active",
    )  # last valid day: yesterday
    item = AuthorityItem.objects.create(
        agency=agency,
        code="P-1",
        act_type="penalty",
        name="销售过期食品",
        violation_key="food.expired",
        fine_min=Decimal("500"),
        fine_max=Decimal("5000"),
    )
    bench = DiscretionBenchmark.objects.create(item=item, valid_from=date(2024, 1, 1))
    BenchmarkTier.objects.create(
        benchmark=bench, level="ordinary", fine_min=Decimal("1000"), fine_max=Decimal("3000")
    )
    party = Party.objects.create(
        kind="organisation", name="某商贸公司", id_number="91150102MA0000001X"
    )
    other_party = Party.objects.create(
        kind="organisation", name="某餐饮公司", id_number="91150102MA0000002X"
    )
    supervisor = make_user("sup", role="supervisor", scope="region")
    staff = make_user("staff", role="officer", scope="agency", agency=agency)

    class W:
        pass

    w = W()
    w.__dict__.update(locals())
    w.tree = org_tree

    def case(officers=(o1, o2), **kw):
        values = {
            "number": f"新市监罚〔2025〕{next(_n)}号",
            "agency": agency,
            "division": agency.government.division,
            "sector": agency.sector,
            "act_type": "penalty",
            "procedure": "general",
            "state": "investigating",
            "title": "案件",
            "authority_item": item,
            "party": party,
            "filed_on": date(2025, 5, 1),
            "decision_due_on": date(2025, 7, 30),
        }
        values.update(kw)
        c = Case.objects.create(**values)
        for o in officers:
            CaseOfficer.objects.create(case=c, officer=o)
        return c

    w.case = case
    return w


@pytest.fixture
def indicators(db):
    call_command("load_indicators", verbosity=0)


@pytest.fixture
def zoo(world):
    """One case per rule that fires, plus compliant ones."""
    w = world
    c = w.case
    z = {
        "ok": c(),
        "ok_closed": c(state="closed", officers=(w.o1,)),
        "single_officer": c(officers=(w.o1, w.aux)),
        "uncertified_officer": c(officers=(w.o1, w.expired)),
        "outside_authority": c(authority_item=None),
        "decision_deadline_near": c(decision_due_on=TODAY + timedelta(days=10)),
        "decision_overdue": c(filed_on=date(2025, 3, 17), decision_due_on=date(2025, 6, 15)),
        "service_overdue": c(
            state="decided",
            decided_on=date(2025, 6, 2),
            tier="ordinary",
            fine_amount=Decimal("2000"),
            act_type="coercion",
        ),
        "service_in_time": c(
            state="decided",
            decided_on=date(2025, 6, 5),
            act_type="coercion",
            tier="ordinary",
            fine_amount=Decimal("2000"),
        ),
        "major_without_review": c(
            state="served",
            decided_on=date(2025, 6, 10),
            served_on=date(2025, 6, 10),
            is_major=True,
            act_type="coercion",
        ),
        "major_reviewed": c(
            state="served",
            decided_on=date(2025, 6, 10),
            served_on=date(2025, 6, 10),
            is_major=True,
            act_type="coercion",
        ),
        "outside_benchmark": c(
            state="served",
            decided_on=date(2025, 6, 12),
            served_on=date(2025, 6, 12),
            tier="ordinary",
            fine_amount=Decimal("3000.01"),
            act_type="coercion",
        ),
        "not_disclosed": c(
            state="served",
            decided_on=date(2025, 6, 3),
            served_on=date(2025, 6, 3),
            tier="ordinary",
            fine_amount=Decimal("1000"),
            party=w.other_party,
            act_started_on=date(2025, 1, 1),
        ),
        "av_missing": c(
            state="executing",
            decided_on=date(2025, 6, 13),
            served_on=date(2025, 6, 13),
            act_type="coercion",
        ),
        "step_overdue": c(
            state="executing",
            decided_on=date(2025, 6, 13),
            served_on=date(2025, 6, 13),
            act_type="coercion",
        ),
        "double_first": c(
            state="closed",
            decided_on=date(2025, 6, 13),
            served_on=date(2025, 6, 13),
            fine_amount=Decimal("1500"),
            tier="ordinary",
            act_started_on=date(2025, 2, 1),
        ),
        "double_penalty": c(
            state="closed",
            decided_on=date(2025, 6, 13),
            served_on=date(2025, 6, 13),
            fine_amount=Decimal("1500"),
            tier="ordinary",
            act_started_on=date(2025, 2, 1),
        ),
    }
    LegalReview.objects.create(
        case=z["major_reviewed"],
        reviewer=w.supervisor,
        submitted_at=NOW - timedelta(days=8),
        result="agree",
        reviewed_at=dt.datetime(2025, 6, 10, 8, 0, tzinfo=SH),
    )
    Step.objects.create(
        case=z["av_missing"], code="seize", occurred_at=NOW, av_required=True, av_recorded=False
    )
    Step.objects.create(
        case=z["ok"], code="seize", occurred_at=NOW, av_required=True, av_recorded=True
    )
    Step.objects.create(
        case=z["step_overdue"], code="payment", occurred_at=NOW, due_on=TODAY - timedelta(days=1)
    )
    # coercive measures: one seizure past its 30 days, an emergency measure unreported for two
    # days; compliant: one in its period, one extended (day 60 is 30 June), one released
    executing = {
        "state": "executing",
        "act_type": "coercion",
        "decided_on": date(2025, 6, 13),
        "served_on": date(2025, 6, 13),
    }
    for name, measure in {
        "coercion_overdue": {"started_at": dt.datetime(2025, 5, 1, 7, 0, tzinfo=SH)},
        "coercion_unreported": {
            "started_at": dt.datetime(2025, 6, 14, 8, 0, tzinfo=SH),
            "kind": "other",
            "emergency": True,
            "approved_at": None,
        },
        "coercion_ok": {"started_at": dt.datetime(2025, 6, 1, 7, 0, tzinfo=SH)},
        "coercion_extended": {
            "started_at": dt.datetime(2025, 5, 1, 7, 0, tzinfo=SH),
            "ends_on": date(2025, 6, 30),
            "extension_days": 30,
        },
        "coercion_released": {
            "started_at": dt.datetime(2025, 3, 1, 7, 0, tzinfo=SH),
            "released_on": date(2025, 3, 20),
        },
    }.items():
        z[name] = c(**executing)
        values = {"kind": "seize", "approved_at": measure["started_at"] - timedelta(hours=1)}
        values.update(measure)
        values.setdefault("ends_on", values["started_at"].date() + timedelta(days=30))
        CoercionMeasure.objects.create(case=z[name], **values)
    # three inspections of one party within 30 days (day 0, 15, 29 back), one outside (30 back)
    for back in (0, 15, 29, 30):
        z[f"insp_{back}"] = c(
            act_type="inspection",
            state="closed",
            party=w.other_party,
            discovered_on=TODAY - timedelta(days=back),
            authority_item=None,
        )
    return z


def _pure_findings(today=TODAY):
    out = set()
    for case in Case.objects.select_related("authority_item"):
        for f in evaluate(case_facts(case, today=today), today):
            out.add((f.rule, f.subject_key))
    return out


def _swept(today=TODAY):
    out = set()
    for rule in RULE_CODES:
        out |= {(rule, k) for k in svc.flagged_ids(rule, today=today)}
    return out


def test_sweep_queries_agree_with_pure_rules_case_by_case(zoo):
    pure = _pure_findings()
    assert pure == _swept()
    fired = {rule for rule, _k in pure}
    assert fired == set(RULE_CODES)  # the zoo exercises every rule
    subjects = {k for _r, k in pure}
    for name in (
        "ok",
        "ok_closed",
        "service_in_time",
        "major_reviewed",
        "double_first",
        "coercion_ok",
        "coercion_extended",
        "coercion_released",
    ):
        assert f"case:{zoo[name].pk}" not in subjects, name
    for name in ("coercion_overdue", "coercion_unreported"):
        assert ("coercion_overdue", f"case:{zoo[name].pk}") in pure, name


def test_working_day_thresholds_across_the_dragon_boat_holiday():
    # 2025-06-02 was a holiday: the 7th working day after it is 2025-06-11
    assert latest_start_overdue(date(2025, 6, 11), 7) < date(2025, 6, 2)
    assert latest_start_overdue(date(2025, 6, 12), 7) >= date(2025, 6, 2)


@pytest.mark.parametrize(("back", "count"), [(29, 3), (30, 2)])
def test_inspection_window_in_sql(world, back, count):
    for b in (0, 10, back):
        world.case(
            act_type="inspection",
            party=world.other_party,
            state="closed",
            discovered_on=TODAY - timedelta(days=b),
            authority_item=None,
        )
    flagged = svc.flagged_ids("repeated_inspection", today=TODAY)
    assert (f"party:{world.other_party.pk}" in flagged) is (count == 3)


def test_sweep_is_idempotent_and_closes_what_cleared(world, zoo, indicators):
    first = svc.alerts_sweep(today=TODAY, now=NOW)
    assert first.opened == len(_pure_findings())
    assert first.closed == 0
    assert first.mode == "all"
    for a in Alert.objects.select_related("case"):  # sweep messages read like the pure rules'
        finding = RULES_BY_CODE[a.rule].check(
            case_facts(a.case, today=TODAY), DEFAULT_CONFIG, TODAY
        )
        assert a.message == finding.message, a.rule
    again = svc.alerts_sweep(today=TODAY, now=NOW, mode="all")
    assert (again.opened, again.closed) == (0, 0)
    assert again.kept == first.opened
    later_same_day = svc.alerts_sweep(today=TODAY, now=NOW + timedelta(hours=1))
    assert (later_same_day.opened, later_same_day.closed) == (0, 0)
    assert later_same_day.mode == "incremental"
    assert Alert.objects.count() == first.opened
    # the overdue case gets decided and served: its deadline alert closes on the next sweep
    c = zoo["decision_overdue"]
    Case.objects.filter(pk=c.pk).update(
        state="served", decided_on=date(2025, 5, 27), served_on=date(2025, 5, 27)
    )
    # an extension of the near case: recorded, its due day moves out of the window
    near = zoo["decision_deadline_near"]
    DeadlineExtension.objects.create(
        case=near, days=30, reason="案情复杂", approved_by=world.supervisor, approved_at=NOW
    )
    Case.objects.filter(pk=near.pk).update(
        decision_due_on=near.decision_due_on + timedelta(days=30)
    )
    result = svc.alerts_sweep(today=TODAY, now=NOW, mode="all")
    closed = Alert.objects.filter(state="closed").values_list("rule", "case_id")
    assert set(closed) == {("decision_overdue", c.pk), ("decision_deadline_near", near.pk)}
    assert (result.opened, result.closed) == (1, 2)  # the decided case is now undisclosed
    assert Alert.objects.get(rule="not_disclosed", case=c, state="open")
    # the next day is a full sweep again; deadlines moved by one day
    next_day = svc.alerts_sweep(today=TODAY + timedelta(days=1), now=NOW + timedelta(days=1))
    assert next_day.mode == "daily"


def test_certificate_revoked_later_the_same_day_is_caught_incrementally(zoo, indicators):
    svc.alerts_sweep(today=TODAY, now=NOW)
    cert = Certificate.objects.get(officer=zoo["ok"].officers.first().officer)
    Certificate.objects.filter(pk=cert.pk).update(
        state="revoked", updated_at=NOW + timedelta(minutes=30)
    )
    result = svc.alerts_sweep(today=TODAY, now=NOW + timedelta(hours=1))
    assert result.mode == "incremental"
    assert result.opened >= 1
    assert Alert.objects.filter(rule="uncertified_officer", case=zoo["ok"], state="open").exists()


def test_certificate_expiring_overnight_is_caught_by_the_daily_sweep(world, indicators):
    c = world.case(officers=(world.o1, world.expired))
    day = date(2025, 6, 15)  # the certificate's last valid day
    svc.alerts_sweep(today=day, now=NOW - timedelta(days=1))
    assert not Alert.objects.filter(rule="uncertified_officer").exists()
    result = svc.alerts_sweep(today=TODAY, now=NOW)
    assert result.mode == "daily"
    assert Alert.objects.get(rule="uncertified_officer", case=c).state == "open"


def test_evaluate_case_opens_and_closes_on_transition(world, indicators):
    c = world.case(filed_on=date(2025, 3, 17), decision_due_on=date(2025, 6, 15))
    opened = svc.alerts_evaluate_case(c, now=NOW, today=TODAY)
    assert [a.rule for a in opened] == ["decision_overdue"]
    assert "已超期1天" in opened[0].message
    assert svc.alerts_evaluate_case(c, now=NOW, today=TODAY) == []  # one live per subject+rule
    c.state, c.decided_on, c.served_on = "served", TODAY, TODAY
    c.save()
    svc.alerts_evaluate_case(c, now=NOW, today=TODAY)
    alert = Alert.objects.get(rule="decision_overdue", case=c)
    assert alert.state == "closed"
    assert alert.closed_by is None


def test_ledger_deduction_and_unfounded_reversal(world, indicators):
    from fazhi.assessment.models import ScoreEntry

    c = world.case(filed_on=date(2025, 3, 17), decision_due_on=date(2025, 6, 15))
    (alert,) = svc.alerts_evaluate_case(c, now=NOW, today=TODAY)
    entry = ScoreEntry.objects.get(rule="enforcement.alert.decision_overdue")
    assert entry.points == Decimal("-0.50")
    assert entry.agency_id == world.agency.pk
    assert entry.indicator.code == "A4.M2"
    assert entry.source_url in (svc._case_url(c.pk), alert.get_absolute_url())
    with pytest.raises(Exception, match="监督人员"):
        svc.alert_mark_unfounded(actor=world.staff, alert=alert, reason="x")
    svc.alert_mark_unfounded(actor=world.supervisor, alert=alert, reason="已依法延期，系统未登记")
    alert.refresh_from_db()
    assert alert.state == "unfounded"
    rev = ScoreEntry.objects.get(kind="reversal")
    assert rev.points == Decimal("0.50")
    assert rev.reverses_id == entry.pk
    # the sweep does not reopen what a supervisor found unfounded
    assert svc.alerts_sweep(today=TODAY, now=NOW).opened == 0


def test_sweep_defers_then_pushes_the_ledger_once(zoo, indicators):
    from fazhi.assessment.models import ScoreEntry

    r = svc.alerts_sweep(today=TODAY, now=NOW, ledger=False)
    assert ScoreEntry.objects.count() == 0
    pushed = svc.alerts_ledger_push()
    scored = Alert.objects.exclude(rule="decision_deadline_near").count()
    assert pushed == scored == r.opened - 1
    assert svc.alerts_ledger_push() == 0
    assert ScoreEntry.objects.count() == scored


def test_rectify_with_evidence_then_close(world, indicators):
    c = world.case(filed_on=date(2025, 3, 17), decision_due_on=date(2025, 6, 15))
    (alert,) = svc.alerts_evaluate_case(c, now=NOW, today=TODAY)
    f = SimpleUploadedFile("整改.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    rect = svc.alert_rectify(actor=world.staff, alert=alert, note="已作出决定", evidence=f)
    import hashlib

    assert rect.evidence_sha256 == hashlib.sha256(b"%PDF-1.4 evidence").hexdigest()
    alert.refresh_from_db()
    assert alert.state == "rectifying"
    with pytest.raises(Exception, match="监督人员"):
        svc.alert_close(actor=world.staff, alert=alert)
    svc.alert_close(actor=world.supervisor, alert=alert, note="已整改")
    alert.refresh_from_db()
    assert alert.state == "closed"
    assert alert.closed_by == world.supervisor
    with pytest.raises(Exception, match="已关闭"):
        svc.alert_rectify(actor=world.staff, alert=alert, note="再次")


def test_missing_indicator_set_defers_the_deduction_without_blocking(world):
    from fazhi.assessment.models import ScoreEntry

    c = world.case(filed_on=date(2025, 3, 17), decision_due_on=date(2025, 6, 15))
    (alert,) = svc.alerts_evaluate_case(c, now=NOW, today=TODAY)
    alert.refresh_from_db()
    assert alert.scored_at is None
    assert svc.alerts_ledger_push() == 0
    call_command("load_indicators", verbosity=0)
    assert svc.alerts_ledger_push() == 1
    assert ScoreEntry.objects.get().source_id == str(alert.pk)


def test_step_overdue_alert_names_every_late_step_once(world, indicators):
    """The sweep reads one row per late step (joined to its open case) and gathers the codes;
    the alert reads exactly like the pure rule's: each late code once, done and not-yet-due
    steps left out, a closed case's late step ignored."""
    c = world.case(state="executing", decided_on=date(2025, 6, 3), served_on=date(2025, 6, 3))
    late = TODAY - timedelta(days=1)
    for code, due, done in (
        ("payment", late, None),
        ("payment", late - timedelta(days=3), None),
        ("evidence_decision", late, None),
        ("notice", late, late),
        ("appeal", TODAY, None),
    ):
        Step.objects.create(case=c, code=code, occurred_at=NOW, due_on=due, done_on=done)
    closed = world.case(state="closed", decided_on=date(2025, 6, 3), served_on=date(2025, 6, 3))
    Step.objects.create(case=closed, code="payment", occurred_at=NOW, due_on=late)
    svc.alerts_sweep(today=TODAY, now=NOW, mode="daily", ledger=False)
    (alert,) = Alert.objects.filter(rule="step_overdue")
    assert alert.case_id == c.pk
    pure = RULES_BY_CODE["step_overdue"].check(case_facts(c, today=TODAY), DEFAULT_CONFIG, TODAY)
    assert alert.message == pure.message
    assert alert.facts == {"number": c.number, "steps": "evidence_decision、payment"}


@pytest.mark.parametrize(
    "detail",
    [
        {"due": "2025-06-15", "days": 3},
        {"due": "2025-06-15", "days": -2},
        {"steps": '付款、证据"处理"\\步骤\n'},
        {"count": 3, "days": 30},
        {},
        {"flag": True, "days": 1},  # not a flat str/int: the encoder writes it
        {"due": None},
        {"fine": Decimal("2000.50")},
        {"nested": {"a": [1, 2]}},
    ],
)
def test_facts_json_is_the_json_dumps_text(detail):
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    for number in ("新市监罚〔2025〕1号", "B6-0000001", None):
        expected = json.dumps(
            {"number": number, **detail}, ensure_ascii=False, cls=DjangoJSONEncoder
        )
        assert svc._facts_json(number, detail) == expected


def test_outside_benchmark_reads_the_applied_version_and_multiples(world):
    """The supervision rule judges a fine against the tier the decision applied (art. 37: an
    older version, unless a newer one is lighter) and, where the statute fines multiples of a
    base (rulebook §10.2), against the tier's multiples of the case's base; the sweep's SQL and
    the pure rule agree case by case."""
    w = world
    older = DiscretionBenchmark.objects.create(
        item=w.item, valid_from=date(2023, 1, 1), valid_to=date(2023, 12, 31)
    )
    BenchmarkTier.objects.create(
        benchmark=older, level="ordinary", fine_min=Decimal("1000"), fine_max=Decimal("4000")
    )
    multiple_item = AuthorityItem.objects.create(
        agency=w.agency, code="P-2", act_type="penalty", name="生产经营不符合标准的食品",
        violation_key="food.substandard", multiple_min=Decimal("5"), multiple_max=Decimal("10"),
        fine_base="goods_value", fine_min=Decimal("50000"), fine_max=Decimal("100000"),
        base_threshold=Decimal("10000"),
    )
    bench = DiscretionBenchmark.objects.create(item=multiple_item, valid_from=date(2024, 1, 1))
    BenchmarkTier.objects.create(
        benchmark=bench, level="ordinary", fine_min=Decimal("60000"), fine_max=Decimal("80000"),
        multiple_min=Decimal("6"), multiple_max=Decimal("8"),
    )
    decided = {"state": "served", "decided_on": date(2025, 6, 12), "served_on": date(2025, 6, 12),
               "tier": "ordinary", "act_type": "coercion"}
    cases = {
        # the older version (1,000–4,000) applied: 3,500 is inside it, though the version in
        # force on the decision date (1,000–3,000) would call it outside
        "applied_inside": w.case(benchmark_applied=older, fine_amount=Decimal("3500"), **decided),
        "applied_outside": w.case(benchmark_applied=older, fine_amount=Decimal("4000.01"),
                                  **decided),
        "dated_outside": w.case(fine_amount=Decimal("3500"), **decided),
        # 货值 12,345.67 × 6 … × 8 = 74,074.02 … 98,765.36
        "multiple_low_edge": w.case(authority_item=multiple_item, fine_base_amount=Decimal(
            "12345.67"), fine_amount=Decimal("74074.02"), **decided),
        "multiple_high_edge": w.case(authority_item=multiple_item, fine_base_amount=Decimal(
            "12345.67"), fine_amount=Decimal("98765.36"), **decided),
        "multiple_above": w.case(authority_item=multiple_item, fine_base_amount=Decimal(
            "12345.67"), fine_amount=Decimal("98765.37"), **decided),
        "multiple_below": w.case(authority_item=multiple_item, fine_base_amount=Decimal(
            "12345.67"), fine_amount=Decimal("74074.01"), **decided),
        # below the 10,000 threshold the fixed tier applies: 85,000 is above 80,000
        "fixed_below_threshold": w.case(authority_item=multiple_item, fine_base_amount=Decimal(
            "9999.99"), fine_amount=Decimal("85000"), **decided),
    }
    flagged = {
        name for name, case in cases.items()
        if f"case:{case.pk}" in svc.flagged_ids("outside_benchmark", today=TODAY)
    }
    assert flagged == {"applied_outside", "dated_outside", "multiple_above", "multiple_below",
                       "fixed_below_threshold"}
    pure = {
        name for name, case in cases.items()
        if RULES_BY_CODE["outside_benchmark"].check(
            case_facts(Case.objects.get(pk=case.pk), today=TODAY), DEFAULT_CONFIG, TODAY
        )
    }
    assert pure == flagged


# a seizure taken on 1 May 07:00 Beijing time (30 April in UTC): its days count from 1 May
_SEIZED = dt.datetime(2025, 5, 1, 7, 0, tzinfo=SH)


@pytest.mark.parametrize(
    ("measure", "now", "expected"),
    [
        ({}, dt.datetime(2025, 5, 31, 23, 59, tzinfo=SH), False),  # day 30
        ({}, dt.datetime(2025, 6, 1, 0, 0, tzinfo=SH), True),  # day 31
        ({"ends_on": date(2025, 6, 30), "extension_days": 30},
         dt.datetime(2025, 6, 30, 23, 0, tzinfo=SH), False),  # day 60
        ({"ends_on": date(2025, 6, 30), "extension_days": 30},
         dt.datetime(2025, 7, 1, 0, 0, tzinfo=SH), True),  # day 61
        ({"ends_on": date(2025, 6, 30), "extension_days": 10},
         dt.datetime(2025, 6, 10, 23, 0, tzinfo=SH), False),  # day 40, extended by 10
        ({"ends_on": date(2025, 6, 30), "extension_days": 10},
         dt.datetime(2025, 6, 11, 0, 0, tzinfo=SH), True),  # day 41
        ({"emergency": True, "approved_at": None, "kind": "other"},
         _SEIZED + timedelta(hours=24), False),
        ({"emergency": True, "approved_at": None, "kind": "other"},
         _SEIZED + timedelta(hours=24, minutes=1), True),
        ({"emergency": True, "approved_at": _SEIZED + timedelta(hours=24, minutes=1),
          "kind": "other"}, _SEIZED + timedelta(days=3), True),
        ({"released_on": date(2025, 5, 20)}, dt.datetime(2025, 9, 1, tzinfo=SH), False),
    ],
)
def test_coercion_sweep_and_pure_rule_agree_at_the_limits(world, measure, now, expected):
    case = world.case(state="executing", act_type="coercion", decided_on=date(2025, 5, 1))
    values = {"kind": "seize", "started_at": _SEIZED, "ends_on": date(2025, 5, 31),
              "approved_at": _SEIZED - timedelta(hours=1)}
    values.update(measure)
    CoercionMeasure.objects.create(case=case, **values)
    today = now.astimezone(SH).date()
    facts = case_facts(case, today=today, now=now)
    pure = RULES_BY_CODE["coercion_overdue"].check(facts, DEFAULT_CONFIG, today) is not None
    swept = f"case:{case.pk}" in svc.flagged_ids("coercion_overdue", today=today, now=now)
    assert (pure, swept) == (expected, expected)


def test_unreported_emergency_measure_is_caught_by_the_next_hourly_sweep(world, indicators):
    case = world.case(state="decided", act_type="coercion", decided_on=TODAY - timedelta(days=1))
    m = CoercionMeasure.objects.create(
        case=case, kind="seize", started_at=NOW - timedelta(hours=23, minutes=30),
        ends_on=TODAY + timedelta(days=28), emergency=True,
    )
    svc.alerts_sweep(today=TODAY, now=NOW)  # 23 h 30 min: in time
    assert not Alert.objects.filter(rule="coercion_overdue").exists()
    later = svc.alerts_sweep(today=TODAY, now=NOW + timedelta(hours=1))
    assert later.mode == "incremental"
    alert = Alert.objects.get(rule="coercion_overdue", case=case, state="open")
    assert "未在24小时内向机关负责人报告" in alert.message
    # approved late: still flagged (late report) while the measure is in force …
    CoercionMeasure.objects.filter(pk=m.pk).update(approved_at=NOW + timedelta(hours=1))
    again = svc.alerts_sweep(today=TODAY, now=NOW + timedelta(hours=2))
    assert (again.opened, again.closed) == (0, 0)
    # … and its release closes the alert (the deduction stays)
    CoercionMeasure.objects.filter(pk=m.pk).update(released_on=TODAY)
    released = svc.alerts_sweep(today=TODAY, now=NOW + timedelta(hours=3))
    assert released.closed == 1
    assert Alert.objects.get(pk=alert.pk).state == "closed"
