"""The case page (issue 4 §4): facts, party, authority item with its provisions linked to the
legal library, officers, step timeline, deadlines with working days left, legal reviews,
extensions, the transitions on offer (blocked ones with their reason), the three panels of the
other parts; another agency's case is 404 on every case route; bounded query count."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fazhi.enforcement.models import (
    AuthorityBasis,
    CaseOfficer,
    DeadlineExtension,
    LegalReview,
    Party,
    Step,
)
from fazhi.enforcement.tests.test_caseui_world import (
    CaseWorld,
    build_world,
    client_of,
    make_case,
)
from fazhi.enforcement.views.cases import DeadlineRow, working_days_left
from fazhi.laws.models import Provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree: Any, make_user: Any, sector: Any) -> CaseWorld:
    return build_world(org_tree, make_user, sector)

CASE_ROUTES = ["", "transition/?to=filed", "review/request/", "review/record/", "extend/"]


def _url(case: Any, suffix: str = "") -> str:
    return f"/enforcement/cases/{case.pk}/{suffix}"


@pytest.fixture
def full_case(world: CaseWorld, laws: None) -> Any:
    """A filed case with a party, an authority item citing two provisions, two officers, three
    steps, a review and an extension."""
    a = world.org.xincheng_market
    cited = (("food-safety-law/art-34", "violated"), ("food-safety-law/art-124", "penalty"))
    for key, role in cited:
        provision = Provision.objects.filter(key=key).order_by("-version_id").first()
        AuthorityBasis.objects.create(item=world.item, provision=provision, role=role)
    party = Party.objects.create(kind="citizen", name="张三", id_number="150102198506120011",
                                 address="新城区某路1号")
    today = timezone.localdate()
    case = make_case(a, 1, title="销售过期食品案", party=party, authority_item=world.item,
                     state="investigating", facts="货架上陈列过期食品。", place="某超市",
                     filed_on=today - timedelta(days=10),
                     decision_due_on=today + timedelta(days=80))
    CaseOfficer.objects.create(case=case, officer=world.lead, role="lead")
    CaseOfficer.objects.create(case=case, officer=world.second)
    now = timezone.now()
    for i, (frm, to) in enumerate((("", "clue"), ("clue", "filed"), ("filed", "investigating"))):
        step = Step.objects.create(case=case, code=to, state_from=frm, state_to=to,
                                   actor=world.officer_user,
                                   occurred_at=now - timedelta(hours=3 - i),
                                   place="某超市", documents=["现场检查笔录"] if i == 2 else [],
                                   av_recorded=i == 2, av_required=i == 2)
        step.officers.set([world.lead, world.second])
    LegalReview.objects.create(case=case, reviewer=world.reviewer, submitted_at=now,
                               reviewed_at=now, result="problems", opinion="证据不足。")
    DeadlineExtension.objects.create(case=case, days=30, reason="案情复杂，负责人批准",
                                     approved_by=world.leader, approved_at=now)
    return case


def test_case_page_shows_everything(world: CaseWorld, full_case: Any) -> None:
    response = client_of(world.officer_user).get(_url(full_case))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("销售过期食品案", full_case.number, "张三", "150102198506120011",
                 "对销售过期食品的行政处罚", "李明", "王芳", "现场检查笔录", "证据不足。",
                 "案情复杂，负责人批准", "《行政处罚法》第六十条"):
        assert text in html, text
    for basis in AuthorityBasis.objects.filter(item=world.item).select_related("provision"):
        assert f'href="{basis.provision.get_absolute_url()}"' in html
    names = {t.name for t in response.templates}
    assert {"enforcement/documents/_case_panel.html", "enforcement/disclosure/_case_panel.html",
            "enforcement/supervision/_case_panel.html"} <= names
    decision = response.context["deadlines"][0]
    assert decision.due == full_case.decision_due_on
    assert decision.calendar_days_left == 80
    assert decision.days_left == working_days_left(timezone.localdate(), decision.due)
    if decision.days_left is None:  # the due date lies in a year whose holidays are unknown
        assert "节假日安排" in html


def test_transitions_on_offer_are_buttons(world: CaseWorld, full_case: Any) -> None:
    response = client_of(world.officer_user).get(_url(full_case))
    transitions = response.context["transitions"]
    assert transitions, "an investigating case has a next step"
    html = response.content.decode()
    for t in transitions:
        if not t.blocked_by:
            assert f'data-to="{t.to}"' in html
        for reason in t.blocked_by:
            assert str(reason) in html


def test_supervisor_sees_the_page_without_action_buttons(world: CaseWorld, full_case: Any) -> None:
    response = client_of(world.supervisor).get(_url(full_case))
    assert response.status_code == 200
    assert "data-to=" not in response.content.decode()
    assert client_of(world.supervisor).get(_url(full_case, "transition/?to=investigated")
                                           ).status_code == 403


@pytest.mark.parametrize("suffix", CASE_ROUTES)
def test_another_agencys_case_is_404(world: CaseWorld, suffix: str) -> None:
    theirs = make_case(world.org.baotou_market, 9, title="包头案件")
    client = client_of(world.officer_user)
    assert client.get(_url(theirs, suffix)).status_code == 404
    assert client.post(_url(theirs, suffix), {"to": "filed", "days": 5, "reason": "x",
                                              "result": "agree", "opinion": "x"}
                       ).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "clue"
    assert not theirs.steps.exists()
    assert not theirs.legal_reviews.exists()
    assert not theirs.extensions.exists()


# Session, user, roles (3); the case with agency, party, item, sector and division;
# its officers; steps; their officers; provisions of the item; reviews; extensions (7); the two
# steps on offer (investigation closed, terminate) cost the services' guard facts (12); the three
# panels of the other parts (documents, disclosure, alerts) up to 4. Asserted to stay the same
# for twenty more steps.
DETAIL_BUDGET = 3 + 7 + 12 + 4


def test_detail_query_count_independent_of_steps(
    world: CaseWorld, full_case: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_of(world.officer_user)
    client.get(_url(full_case))
    with django_assert_max_num_queries(DETAIL_BUDGET) as few:
        client.get(_url(full_case))
    now = timezone.now()
    for i in range(20):
        step = Step.objects.create(case=full_case, code="note", actor=world.second_user,
                                   occurred_at=now + timedelta(minutes=i), place=f"地点{i}")
        step.officers.set([world.lead, world.second])
    with django_assert_max_num_queries(DETAIL_BUDGET) as many:
        client.get(_url(full_case))
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        # National Day 2026: 1–7 October off, 10 October (Saturday) a make-up working day.
        (date(2026, 9, 30), date(2026, 10, 9), 2),  # 8 and 9 October
        (date(2026, 9, 30), date(2026, 9, 30), 0),
        (date(2026, 10, 12), date(2026, 10, 9), -2),  # overdue: 10 (make-up) and 12 October
        (date(2026, 12, 30), date(2027, 1, 5), None),  # 2027 schedule not published yet
        (date(2026, 9, 30), None, None),
    ],
)
def test_working_days_left(today: date, due: date | None, left: int | None) -> None:
    assert working_days_left(today, due) == left


def test_deadline_row_overdue() -> None:
    row = DeadlineRow("决定", date(2026, 10, 9), "", days_left=-2, calendar_days_left=-3)
    assert row.overdue
    assert row.overdue_days == 2
    unknown = DeadlineRow("决定", date(2027, 1, 9), "", days_left=None, calendar_days_left=-3)
    assert unknown.overdue
    assert unknown.overdue_days == 3
    assert not DeadlineRow("决定", date(2027, 1, 9), "", calendar_days_left=0).overdue
    done = DeadlineRow("决定", date(2026, 10, 9), "", done_on=date(2026, 10, 12), days_left=-2)
    assert not done.overdue
