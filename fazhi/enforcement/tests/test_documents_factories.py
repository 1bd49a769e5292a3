"""Factories for the documents and disclosure tests: cases built directly with the ORM (the case
services are another part of issue 4), plus checks that the factories build what they claim."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from fazhi.enforcement.tests.conftest import make_resident_id

CITIZEN_NAME = "王小明"
CITIZEN_ADDRESS = "呼和浩特市新城区海拉尔东街12号"
CITIZEN_PHONE = "13812345678"
PLATE = "蒙A12345"


def organisation_credit_code(serial: int = 7) -> str:
    from fazhi.core.identifiers import credit_code_check_char

    first17 = f"91150102{serial:09d}"
    return first17 + credit_code_check_char(first17)


def make_provision(law_title: str, article_no: int) -> Any:
    from fazhi.laws.models import Provision

    return (
        Provision.objects.filter(law__title=law_title, article_no=article_no, kind="article")
        .select_related("law")
        .first()
    )


@pytest.fixture
def case_factory(org_tree: Any, sector: Any, make_officer: Any) -> Any:
    """make(kind="citizen"|"organisation", state=..., decided=True, procedure=..., item=...)"""
    from fazhi.enforcement.models import Case, CaseOfficer, Party, Step

    counter = {"n": 0}

    def _make(
        *,
        party_kind: str = "citizen",
        state: str = "decided",
        decided_on: date | None = date(2025, 9, 26),
        procedure: str = "general",
        act_type: str = "penalty",
        agency: Any = None,
        item: Any = None,
        facts: str = "",
        penalty_types: list[str] | None = None,
        fine: Decimal | None = Decimal("5000"),
        evidence: tuple[str, ...] = ("现场检查笔录", "询问笔录", "现场照片"),
        officers: int = 2,
    ) -> Any:
        counter["n"] += 1
        n = counter["n"]
        agency = agency or org_tree.xincheng_market
        if party_kind == "citizen":
            party = Party.objects.create(
                kind="citizen", name=CITIZEN_NAME, id_number=make_resident_id(500 + n),
                address=CITIZEN_ADDRESS, phone=CITIZEN_PHONE,
            )
        else:
            party = Party.objects.create(
                kind="organisation", name=f"呼和浩特市某某餐饮有限公司{n}",
                id_number=organisation_credit_code(n), address="呼和浩特市新城区中山路1号",
                legal_representative="李大山",
            )
        facts = facts or (
            f"{party.name}（身份证号{party.id_number}，电话{CITIZEN_PHONE}，住{party.address}）"
            f"驾驶车辆{PLATE}运输并销售超过保质期的食品。"
        )
        case = Case.objects.create(
            number=f"XC-2025-{n:05d}",
            agency=agency,
            division=agency.government.division,
            sector=agency.sector,
            act_type=act_type,
            procedure=procedure,
            state=state,
            authority_item=item,
            party=party,
            title="销售超过保质期的食品案",
            facts=facts,
            place="新城区海拉尔东街",
            filed_on=date(2025, 8, 1),
            decided_on=decided_on,
            penalty_types=["warning", "fine"] if penalty_types is None else penalty_types,
            fine_amount=fine,
            tier="ordinary",
        )
        step = Step.objects.create(
            case=case, code="investigate", state_from="filed", state_to="investigating",
            occurred_at=timezone.make_aware(datetime(2025, 8, 5, 10)), documents=list(evidence),
        )
        for i in range(officers):
            officer = make_officer(["赵执法", "钱执法", "孙执法"][i], agency=agency)
            CaseOfficer.objects.create(case=case, officer=officer,
                                       role="lead" if i == 0 else "investigator")
            step.officers.add(officer)
        return case

    return _make


@pytest.fixture
def food_item(org_tree: Any, sector: Any, laws: Any) -> Any:
    """A published penalty item of 食品安全法 citing art. 34 (violated) and art. 124 (penalty)."""
    from fazhi.enforcement.models import AuthorityBasis, AuthorityItem

    item = AuthorityItem.objects.create(
        agency=org_tree.xincheng_market, code="330217", act_type="penalty",
        name="对经营超过保质期的食品的行政处罚", sector=sector, is_published=True,
        penalty_types=["warning", "fine"], fine_min=Decimal("50000"),
    )
    law = "中华人民共和国食品安全法"
    AuthorityBasis.objects.create(item=item, provision=make_provision(law, 34), role="violated")
    AuthorityBasis.objects.create(item=item, provision=make_provision(law, 124), role="penalty")
    return item


def test_factory_builds_a_decided_case_with_two_officers(case_factory: Any) -> None:
    case = case_factory()
    assert case.state == "decided"
    assert case.decided_on == date(2025, 9, 26)
    assert case.officers.count() == 2
    assert case.party.kind == "citizen"
    assert case.party.id_number in case.facts


def test_food_item_cites_violated_and_penalty_provisions(food_item: Any) -> None:
    roles = sorted(food_item.bases.values_list("role", "provision__article_no"))
    assert roles == [("penalty", 124), ("violated", 34)]
