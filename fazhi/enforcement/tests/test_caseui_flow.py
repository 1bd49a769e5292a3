"""The forms that move a case (issue 4 §4): a step with its facts (art. 47), the decision form
(art. 59, discretion §10), the legal review request and opinion (art. 58), the deadline
extension (art. 60). The services decide; their Chinese refusals appear on the form."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.enforcement.models import Case, DeadlineExtension, LegalReview, Step
from fazhi.enforcement.services import cases as case_services
from fazhi.enforcement.tests.conftest import make_resident_id
from fazhi.enforcement.tests.test_caseui_world import (
    CaseWorld,
    advance,
    build_world,
    client_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree: Any, make_user: Any, sector: Any) -> CaseWorld:
    return build_world(org_tree, make_user, sector)


def _url(case: Case, suffix: str = "") -> str:
    return f"/enforcement/cases/{case.pk}/{suffix}"


@pytest.fixture
def clue(world: CaseWorld) -> Case:
    party = case_services.party_get_or_create(
        actor=world.officer_user, kind="citizen", name="张三", id_number=make_resident_id(91)
    )
    return case_services.case_open(
        actor=world.officer_user, agency=world.org.xincheng_market, act_type="penalty",
        procedure="general", title="销售过期食品案", authority_item=world.item, party=party,
        officers=[world.lead, world.second], facts="货架上陈列过期食品。", place="某超市",
    )


def _blocked(client: Any, case: Case, to: str) -> list[str] | None:
    """The reasons the case page gives for `to` being blocked (None: not offered)."""
    for t in client.get(_url(case)).context["transitions"]:
        if t.to == to:
            return [str(r) for r in t.blocked_by]
    return None


def test_major_decision_blocked_until_legal_review_agrees(world: CaseWorld, clue: Case) -> None:
    """Art. 58: a fine of 20,000 yuan on a citizen is major in the typical catalogue; the decide
    button stays blocked, with the article, until the reviewer's agreeing opinion is recorded."""
    officer = client_of(world.officer_user)

    def step(to: str, **data: Any) -> None:
        response = officer.post(_url(clue, "transition/"), {"to": to, **data})
        assert response.status_code == 302, response.context["form"].errors
        clue.refresh_from_db()
        assert clue.state == to

    step("filed")
    step("investigating", documents="询问笔录", av_recorded="on")
    step("investigated")
    decision = {"penalty_types": ["fine"], "fine_amount": "20000", "tier": "ordinary"}
    step("notified", **decision)
    assert clue.is_major
    assert clue.hearing_offered  # 20,000 yuan ≥ the large amount for a citizen (art. 63)
    step("statement", note="当事人口头陈述申辩", hearing_waived="on")
    reasons = _blocked(officer, clue, "decided")
    assert reasons
    assert any("第五十八条" in r for r in reasons)
    page = officer.get(_url(clue)).content.decode()
    assert "第五十八条" in page
    refused = officer.post(_url(clue, "transition/"), {"to": "decided", **decision})
    assert refused.status_code == 400
    assert "第五十八条" in refused.content.decode()
    officer.post(_url(clue, "review/request/"), {"reviewer": world.reviewer.pk})
    clue.refresh_from_db()
    assert clue.state == "legal_review"
    assert _blocked(officer, clue, "decided")  # pending review: still blocked
    reviewer = client_of(world.reviewer)
    reviewer.post(_url(clue, "review/record/"), {"result": "agree", "opinion": "同意。"})
    assert _blocked(officer, clue, "decided") == []
    step("decided", **decision)
    assert clue.fine_amount == 20000
    assert clue.decided_on is not None


def test_transition_form_page_and_htmx_fragment(world: CaseWorld, clue: Case) -> None:
    client = client_of(world.officer_user)
    page = client.get(_url(clue, "transition/"), {"to": "filed"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html
    assert 'name="to" value="filed"' in html
    fragment = client.get(_url(clue, "transition/"), {"to": "filed"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert "<form" in fragment.content.decode()
    assert client.get(_url(clue, "transition/"), {"to": "nonsense"}).status_code == 404


def test_a_step_is_recorded_with_its_facts(world: CaseWorld, clue: Case) -> None:
    response = client_of(world.officer_user).post(_url(clue, "transition/"), {
        "to": "filed", "place": "新城区市场监管局", "documents": "立案审批表\n案件来源登记表",
        "officers": [world.lead.pk, world.second.pk], "note": "符合立案条件",
    })
    assert response.status_code == 302
    assert response["Location"] == _url(clue)
    clue.refresh_from_db()
    assert clue.state == "filed"
    step = Step.objects.filter(case=clue, state_to="filed").get()
    assert step.place == "新城区市场监管局"
    assert step.actor == world.officer_user
    assert step.documents == ["立案审批表", "案件来源登记表"]
    page = client_of(world.officer_user).get(_url(clue)).content.decode()
    assert "立案审批表" in page


def test_a_refused_step_shows_the_services_reason(world: CaseWorld, clue: Case) -> None:
    response = client_of(world.officer_user).post(_url(clue, "transition/"), {"to": "closed"})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    clue.refresh_from_db()
    assert clue.state == "clue"
    assert not clue.steps.filter(state_to="closed").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "penalty_types", "不予处罚"),
        ({"penalty_types": ["warning"], "no_penalty_ground": "minor_corrected"}, "penalty_types",
         "不予处罚"),
        ({"penalty_types": ["fine"]}, "fine_amount", "罚款"),
        ({"penalty_types": ["warning"], "fine_amount": "100"}, "penalty_types", "罚款"),
        ({"penalty_types": ["fine"], "fine_amount": "-1"}, "fine_amount", "0"),
    ],
)
def test_decision_form_validation_in_chinese(
    world: CaseWorld, clue: Case, data: dict[str, Any], field: str, message: str
) -> None:
    response = client_of(world.officer_user).post(_url(clue, "transition/"),
                                                  {"to": "decided", **data})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, errors
    clue.refresh_from_db()
    assert clue.state == "clue"


def test_only_the_agencys_staff_move_a_case(world: CaseWorld, clue: Case) -> None:
    for user in (world.supervisor, world.reviewer):
        response = client_of(user).post(_url(clue, "transition/"), {"to": "filed"})
        assert response.status_code == 403
    clue.refresh_from_db()
    assert clue.state == "clue"


# --- legal review -------------------------------------------------------------------------------


def test_review_request_offers_reviewers_who_are_not_investigators(
    world: CaseWorld, clue: Case, make_user: Any
) -> None:
    from fazhi.enforcement.tests.test_caseui_world import make_officer_record

    investigator_reviewer = make_user("caseui-rev-inv", role="legal_reviewer", scope="agency",
                                      agency=world.org.xincheng_market)
    officer = make_officer_record("周兼审", world.org.xincheng_market, user=investigator_reviewer)
    case_services.case_officer_add(actor=world.officer_user, case=clue, officer=officer)
    form = client_of(world.officer_user).get(_url(clue, "review/request/")).context["form"]
    assert list(form.fields["reviewer"].queryset) == [world.reviewer]


def test_review_requested_then_recorded_by_the_reviewer(world: CaseWorld, clue: Case) -> None:
    advance(clue, world.officer_user, "filed", "investigating", "investigated")
    response = client_of(world.officer_user).post(_url(clue, "review/request/"),
                                                  {"reviewer": world.reviewer.pk})
    assert response.status_code == 302
    review = LegalReview.objects.get(case=clue)
    assert review.reviewer == world.reviewer
    assert not review.result
    # only the designated reviewer may record the opinion
    assert client_of(world.second_user).get(_url(clue, "review/record/")).status_code == 403
    reviewer = client_of(world.reviewer)
    assert "review/record/" in reviewer.get(_url(clue)).content.decode()
    missing = reviewer.post(_url(clue, "review/record/"), {"result": "agree", "opinion": " "})
    assert missing.status_code == 400
    assert "必填" in missing.content.decode()
    done = reviewer.post(_url(clue, "review/record/"),
                         {"result": "agree", "opinion": "事实清楚，证据确凿，同意。"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert review.result == "agree"
    assert review.opinion == "事实清楚，证据确凿，同意。"
    # nothing is waiting any more
    assert reviewer.get(_url(clue, "review/record/")).status_code == 403


def test_review_request_needs_a_reviewer(world: CaseWorld, clue: Case) -> None:
    response = client_of(world.officer_user).post(_url(clue, "review/request/"),
                                                  {"reviewer": world.second_user.pk})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not LegalReview.objects.exists()


# --- extension ----------------------------------------------------------------------------------


def test_leader_extends_the_decision_deadline(world: CaseWorld, clue: Case) -> None:
    client_of(world.officer_user).post(_url(clue, "transition/"), {"to": "filed"})
    leader = client_of(world.leader)
    assert leader.get(_url(clue, "extend/")).status_code == 200
    bad = leader.post(_url(clue, "extend/"), {"days": "0", "reason": ""})
    assert bad.status_code == 400
    assert "必填" in bad.content.decode()
    assert "1" in bad.content.decode()
    ok = leader.post(_url(clue, "extend/"), {"days": "30", "reason": "案情复杂，经负责人批准"})
    assert ok.status_code == 302
    extension = DeadlineExtension.objects.get(case=clue)
    assert extension.days == 30
    assert extension.approved_by == world.leader


def test_officers_do_not_approve_extensions(world: CaseWorld, clue: Case) -> None:
    response = client_of(world.officer_user).post(_url(clue, "extend/"),
                                                  {"days": "30", "reason": "x"})
    assert response.status_code == 403
    assert not DeadlineExtension.objects.exists()


def test_case_page_budget_with_four_steps_on_offer(
    world: CaseWorld, clue: Case, django_assert_max_num_queries: Any
) -> None:
    """In statement state four steps are on offer (legal review, hearing, discussion, decision);
    each costs the services' guard facts (about 8 queries: officers' certificates, reviews,
    benchmark, first violation, thresholds, catalogue); the page's reads are 10 (session, user
    and roles among them) and the three panels of the other parts up to 4."""
    advance(clue, world.officer_user, "filed", "investigating", "investigated")
    advance(clue, world.officer_user, "notified", penalty_types=["fine"], fine_amount="20000")
    advance(clue, world.officer_user, "statement")
    client = client_of(world.officer_user)
    client.get(_url(clue))
    with django_assert_max_num_queries(10 + 4 * 8 + 4):
        response = client.get(_url(clue))
    assert [t.to for t in response.context["transitions"]] == [
        "legal_review", "hearing", "discussion", "decided"
    ]
