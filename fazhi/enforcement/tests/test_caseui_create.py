"""Opening a case from the page (issue 4 §4): party validated by the services with Chinese
messages, the authority item from the acting agency's own list, officers of the agency holding a
valid certificate, simple or general procedure; only agency staff may open cases."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from fazhi.core.identifiers import credit_code_check_char
from fazhi.enforcement.models import Case
from fazhi.enforcement.tests.conftest import make_resident_id
from fazhi.enforcement.tests.test_caseui_world import (
    CaseWorld,
    build_world,
    client_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree: Any, make_user: Any, sector: Any) -> CaseWorld:
    return build_world(org_tree, make_user, sector)
URL = "/enforcement/cases/new/"


def _credit_code() -> str:
    first17 = "91150102MA0N8XYK1"
    return first17 + credit_code_check_char(first17)


def _wrong_check_char(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def _post(world: CaseWorld, **overrides: Any) -> Any:
    data = {
        "title": "销售过期食品案",
        "act_type": "penalty",
        "procedure": "general",
        "source": "inspection",
        "authority_item": str(world.item.pk),
        "officers": [str(world.lead.pk), str(world.second.pk)],
        "party_kind": "citizen",
        "party_name": "张三",
        "party_id_number": make_resident_id(77),
        "facts": "货架上陈列过期食品三件。",
        "place": "新城区某超市",
    }
    data.update(overrides)
    return client_of(world.officer_user).post(URL, {k: v for k, v in data.items() if v is not None})


def _errors(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_form_offers_only_the_agencys_items_and_acting_officers(world: CaseWorld) -> None:
    response = client_of(world.officer_user).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["authority_item"].queryset) == [world.item]
    offered = set(form.fields["officers"].queryset)
    assert offered == {world.lead, world.second}  # not the expired, auxiliary or Baotou ones
    html = response.content.decode()
    assert "BTONLY" not in html
    assert "赵过期" not in html
    assert "钱辅助" not in html


def test_opens_a_case_with_a_citizen_party(world: CaseWorld) -> None:
    response = _post(world)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("enforcement:case-detail", args=[case.pk])
    assert case.state == "clue"
    assert case.procedure == "general"
    assert case.agency == world.org.xincheng_market
    assert case.authority_item == world.item
    assert case.party.name == "张三"
    assert case.party.kind == "citizen"
    assert set(case.officers.values_list("officer_id", flat=True)) == {
        world.lead.pk, world.second.pk
    }


def test_opens_a_case_with_an_organisation_party(world: CaseWorld) -> None:
    response = _post(world, party_kind="organisation", party_name="某某商贸有限公司",
                     party_id_number=_credit_code(), party_legal_representative="李四",
                     procedure="simple")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.party.kind == "organisation"
    assert case.procedure == "simple"


def test_opens_a_clue_without_party(world: CaseWorld) -> None:
    response = _post(world, party_kind="", party_name="", party_id_number="")
    assert response.status_code == 302
    assert Case.objects.get().party is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"party_id_number": _wrong_check_char(make_resident_id(77))}, "校验"),
        ({"party_id_number": "12345"}, "18"),
        ({"party_kind": "organisation", "party_id_number": _wrong_check_char(_credit_code())},
         "统一社会信用代码"),
        ({"party_name": ""}, "当事人"),
        ({"party_id_number": ""}, "统一社会信用代码"),
        ({"title": ""}, "必填"),
        ({"authority_item": "999999"}, "选择一个有效的选项"),
        ({"act_ended_on": "2026-01-01", "act_started_on": "2026-02-01"}, "终了"),
    ],
)
def test_invalid_input_shows_chinese_errors_and_writes_nothing(
    world: CaseWorld, overrides: dict[str, Any], message: str
) -> None:
    html = _errors(_post(world, **overrides))
    assert message in html
    assert not Case.objects.exists()


def test_another_agencys_item_and_officer_are_refused(world: CaseWorld) -> None:
    html = _errors(_post(world, authority_item=str(world.other_item.pk)))
    assert "选择一个有效的选项" in html
    html = _errors(_post(world, officers=[str(world.lead.pk), str(world.other_officer.pk)]))
    assert "选择一个有效的选项" in html
    html = _errors(_post(world, officers=[str(world.lead.pk), str(world.expired.pk)]))
    assert "选择一个有效的选项" in html
    assert not Case.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "reviewer"])
def test_only_agency_staff_open_cases(world: CaseWorld, who: str) -> None:
    client = client_of(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"title": "x"}).status_code == 403
    assert not Case.objects.exists()


def test_create_page_query_count(world: CaseWorld, django_assert_max_num_queries: Any) -> None:
    client = client_of(world.officer_user)
    client.get(URL)
    # 3 per page (session, user, roles) + the agency, the items, the officers, and whether any
    # officer can act.
    with django_assert_max_num_queries(3 + 4):
        assert client.get(URL).status_code == 200
