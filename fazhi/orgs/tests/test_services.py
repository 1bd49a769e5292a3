from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from fazhi.core.identifiers import IdentifierError, validate_credit_code
from fazhi.orgs.models import Agency
from fazhi.orgs.seeding.codes import organ_credit_code
from fazhi.orgs.services import agency_create, agency_update

pytestmark = pytest.mark.django_db


def _create(org_tree: Any, actor: Any = None, **overrides: Any) -> Agency:
    values = {
        "actor": actor,
        "name": "新城区综合行政执法局",
        "credit_code": organ_credit_code("150102", "新城区综合行政执法局"),
        "kind": "statutory",
        "government": org_tree.xincheng.government,
        "sector": org_tree.hohhot_market.sector,
    }
    values.update(overrides)
    return agency_create(**values)


def test_create_validates_saves_and_audits(org_tree: Any, audit_calls: list) -> None:
    agency = _create(org_tree, name="  新城区综合行政执法局 ")
    assert agency.pk
    assert agency.name == "新城区综合行政执法局"
    assert [c["action"] for c in audit_calls] == ["orgs.agency.create"]
    assert audit_calls[0]["target"] == agency
    assert audit_calls[0]["after"]["credit_code"] == agency.credit_code


def test_create_normalises_a_lower_case_code(org_tree: Any) -> None:
    code = organ_credit_code("150102", "新城区综合行政执法局")
    assert _create(org_tree, credit_code=code.lower()).credit_code == code


@pytest.mark.parametrize("code", ["11150102123", "111501020908645490", "11150102090864549I"])
def test_bad_credit_code_is_refused_on_its_field_and_writes_nothing(
    org_tree: Any, audit_calls: list, code: str
) -> None:
    count = Agency.objects.count()
    with pytest.raises(ValidationError) as exc:
        _create(org_tree, credit_code=code)
    with pytest.raises(IdentifierError) as expected:
        validate_credit_code(code)
    assert exc.value.message_dict["credit_code"] == [str(expected.value)]
    assert Agency.objects.count() == count
    assert audit_calls == []


def test_entrusted_needs_an_entrusting_agency(org_tree: Any) -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        _create(
            org_tree,
            name="东风镇综合行政执法队",
            kind="entrusted",
            credit_code=organ_credit_code("150102", "东风镇综合行政执法队"),
        )
    assert exc.value.message_dict["entrusted_by"] == ["受委托组织必须写明委托机关。"]
    team = _create(
        org_tree,
        name="东风镇综合行政执法队",
        kind="entrusted",
        credit_code=organ_credit_code("150102", "东风镇综合行政执法队"),
        entrusted_by=org_tree.xincheng_market,
    )
    assert team.entrusted_by == org_tree.xincheng_market


def test_statutory_agency_cannot_name_an_entruster(org_tree: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(org_tree, entrusted_by=org_tree.xincheng_market)
    assert "entrusted_by" in exc.value.message_dict


def test_duplicate_name_in_one_government_is_refused(org_tree: Any) -> None:
    with pytest.raises(ValidationError):
        _create(org_tree, name="新城区市场监督管理局")


def test_update_changes_fields_and_audits_only_the_difference(
    org_tree: Any, audit_calls: list
) -> None:
    agency = agency_update(
        actor=None,
        agency=org_tree.baotou_market,
        data={"name": "包头市市场监督管理局（知识产权局）"},
    )
    agency.refresh_from_db()
    assert agency.name == "包头市市场监督管理局（知识产权局）"
    assert audit_calls[-1]["action"] == "orgs.agency.update"
    assert audit_calls[-1]["before"] == {"name": "包头市市场监督管理局"}
    assert set(audit_calls[-1]["after"]) == {"name"}


def test_update_refuses_bad_code_and_unknown_fields(org_tree: Any, audit_calls: list) -> None:
    with pytest.raises(ValidationError):
        agency_update(actor=None, agency=org_tree.baotou_market, data={"credit_code": "X"})
    with pytest.raises(ValidationError) as exc:
        agency_update(actor=None, agency=org_tree.baotou_market, data={"id": 5})
    assert "id" in exc.value.message_dict
    org_tree.baotou_market.refresh_from_db()
    assert org_tree.baotou_market.credit_code.startswith("11150200")
    assert audit_calls == []
