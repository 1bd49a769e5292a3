"""Revoking or changing a decision from the case page (《行政处罚法》第四十八条): the agency's
leader sees the button on a decided case, gives the reason, and the case ends as terminated with
its public disclosure withdrawn (due within 3 working days); other roles get no button and 403,
another league's user 404; a missing reason is a Chinese form error that changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import Case, Disclosure, Step
from fazhi.enforcement.services import cases as case_services
from fazhi.enforcement.tests.conftest import make_resident_id
from fazhi.enforcement.tests.test_caseui_world import (
    CaseWorld,
    advance,
    build_world,
    client_of,
)

pytestmark = pytest.mark.django_db

REVOKE_ACTIONS = ("enforcement.case.transition", "enforcement.disclosure.withdraw")


@pytest.fixture
def world(org_tree: Any, make_user: Any, sector: Any) -> CaseWorld:
    return build_world(org_tree, make_user, sector)


def _url(case: Case, suffix: str = "") -> str:
    return f"/enforcement/cases/{case.pk}/{suffix}"


def _open(world: CaseWorld) -> Case:
    party = case_services.party_get_or_create(
        actor=world.officer_user, kind="citizen", name="张三", id_number=make_resident_id(92)
    )
    return case_services.case_open(
        actor=world.officer_user,
        agency=world.org.xincheng_market,
        act_type="penalty",
        procedure="simple",
        title="当场处罚案",
        authority_item=world.item,
        party=party,
        officers=[world.lead, world.second],
        facts="占道经营。",
        place="某街道",
    )


@pytest.fixture
def decided(world: CaseWorld) -> Case:
    """A warning decided on the spot (art. 51); the default policy publishes it at once."""
    case = advance(_open(world), world.officer_user, "decided", penalty_types=["warning"])
    assert case.state == "decided"
    assert Disclosure.objects.get(case=case).state == Disclosure.State.PUBLISHED
    return case


def _revoke_entries(case: Case) -> list[AuditEntry]:
    return [
        e
        for e in AuditEntry.objects.filter(target_id=str(case.pk), action__in=REVOKE_ACTIONS)
        if e.action != "enforcement.case.transition" or e.detail.get("step") == "revoke_decision"
    ]


def test_leader_revokes_a_decision_from_the_case_page(world: CaseWorld, decided: Case) -> None:
    leader = client_of(world.leader)
    page = leader.get(_url(decided))
    assert page.context["may_revoke"]
    html = page.content.decode()
    assert 'id="revoke-link"' in html
    assert f'hx-get="{_url(decided, "revoke/")}"' in html
    form_page = leader.get(_url(decided, "revoke/"))
    assert form_page.status_code == 200
    assert "第四十八条" in form_page.content.decode()
    fragment = leader.get(_url(decided, "revoke/"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert 'name="csrfmiddlewaretoken"' in fragment
    assert 'name="reason"' in fragment

    response = leader.post(
        _url(decided, "revoke/"), {"reason": "经行政复议，复议机关决定撤销该处罚决定。"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url(decided)
    decided.refresh_from_db()
    assert decided.state == "terminated"
    assert decided.revoked_at is not None
    assert decided.revocation_reason == "经行政复议，复议机关决定撤销该处罚决定。"
    step = Step.objects.get(case=decided, code="revoke_decision")
    assert step.actor == world.leader
    assert step.state_from == "decided"
    disclosure = Disclosure.objects.get(case=decided)
    assert disclosure.state == Disclosure.State.WITHDRAWN
    assert disclosure.withdraw_due_on is not None
    assert "复议机关决定撤销" in disclosure.withdraw_reason
    entries = _revoke_entries(decided)
    assert sorted(e.action for e in entries) == sorted(REVOKE_ACTIONS)
    transition = next(e for e in entries if e.action == "enforcement.case.transition")
    assert transition.actor == world.leader
    assert transition.detail["to"] == "terminated"

    shown = leader.get(_url(decided))
    html = shown.content.decode()
    assert "决定已撤销" in " ".join(str(m) for m in shown.context["messages"])
    assert shown.context["case"].get_state_display() in html
    assert '<span class="badge error" id="case-revoked">决定已撤销</span>' in html
    assert "复议机关决定撤销该处罚决定" in html
    withdrawal = html.split('id="disclosure-withdrawal"', 1)[1].split("</dd>", 1)[0]
    assert disclosure.withdraw_due_on.strftime("%Y-%m-%d") in withdrawal
    assert "第四十八条第二款" in withdrawal
    # a terminated case has no decision left to revoke
    assert not shown.context["may_revoke"]
    assert 'id="revoke-link"' not in html


@pytest.mark.parametrize("who", ["officer_user", "second_user", "reviewer", "supervisor"])
def test_other_roles_see_no_button_and_are_refused(
    world: CaseWorld, decided: Case, who: str
) -> None:
    client = client_of(getattr(world, who))
    page = client.get(_url(decided))
    assert page.status_code == 200
    assert not page.context["may_revoke"]
    assert 'id="revoke-link"' not in page.content.decode()
    assert client.get(_url(decided, "revoke/")).status_code == 403
    response = client.post(_url(decided, "revoke/"), {"reason": "复议决定撤销"})
    assert response.status_code == 403
    decided.refresh_from_db()
    assert decided.state == "decided"
    assert decided.revoked_at is None
    assert Disclosure.objects.get(case=decided).state == Disclosure.State.PUBLISHED
    assert _revoke_entries(decided) == []


def test_a_user_of_another_league_gets_404(world: CaseWorld, decided: Case, make_user: Any) -> None:
    baotou_leader = make_user(
        "caseui-bt-leader", role="agency_leader", scope="agency", agency=world.org.baotou_market
    )
    for user in (world.other_user, baotou_leader):
        client = client_of(user)
        assert client.get(_url(decided, "revoke/")).status_code == 404
        assert client.post(_url(decided, "revoke/"), {"reason": "复议决定撤销"}).status_code == 404
    decided.refresh_from_db()
    assert decided.state == "decided"
    assert _revoke_entries(decided) == []


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_missing_reason_is_a_chinese_form_error(
    world: CaseWorld, decided: Case, reason: str
) -> None:
    response = client_of(world.leader).post(_url(decided, "revoke/"), {"reason": reason})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["reason"])
    assert "请写明撤销决定的理由" in errors
    assert "第四十八条" in errors
    assert "第四十八条" in response.content.decode()
    decided.refresh_from_db()
    assert decided.state == "decided"
    assert decided.revoked_at is None
    assert not Step.objects.filter(case=decided, code="revoke_decision").exists()
    assert Disclosure.objects.get(case=decided).state == Disclosure.State.PUBLISHED
    assert _revoke_entries(decided) == []


def test_an_undecided_case_offers_no_revocation(world: CaseWorld) -> None:
    """Only a decided case can have its decision revoked: no button, and the service's refusal
    is shown on the form when the form is posted anyway."""
    case = _open(world)
    leader = client_of(world.leader)
    page = leader.get(_url(case))
    assert not page.context["may_revoke"]
    assert 'id="revoke-link"' not in page.content.decode()
    response = leader.post(_url(case, "revoke/"), {"reason": "复议决定撤销"})
    assert response.status_code == 400
    assert "只有已作出决定的案件" in response.content.decode()
    case.refresh_from_db()
    assert case.state == "clue"
    assert case.revoked_at is None


def test_button_offered_in_every_decided_state(world: CaseWorld, decided: Case) -> None:
    """Served, executing and closed cases too (rules.cases.DECIDED_STATES)."""
    advance(decided, world.officer_user, "served")
    advance(decided, world.officer_user, "closed")
    decided.refresh_from_db()
    assert decided.state == "closed"
    page = client_of(world.leader).get(_url(decided))
    assert page.context["may_revoke"]
    assert 'id="revoke-link"' in page.content.decode()


def test_the_api_allows_only_the_case_agencys_leader(
    world: CaseWorld, decided: Case, make_user: Any
) -> None:
    """CaseRevokeApi shares the page's rule (services.duty.may_revoke_decision): a leader of
    another agency whose scope grant covers the case sees it (200) but may not revoke (403)."""
    url = f"/api/v1/enforcement/cases/{decided.pk}/revoke/"
    wide_leader = make_user(
        "revoke-wide-leader", role="agency_leader", scope="division",
        division=world.org.hohhot, agency=world.org.hohhot_market,
    )
    client = client_of(wide_leader)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "复议决定撤销"}, content_type="application/json")
    assert response.status_code == 403
    decided.refresh_from_db()
    assert decided.state == "decided"
    response = client_of(world.leader).post(
        url, {"reason": "复议决定撤销"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    decided.refresh_from_db()
    assert decided.state == "terminated"
