# ruff: noqa: F811 - the `registry` fixture is imported
"""Training hours through the API (issue 4 §8): GET/POST
/api/v1/enforcement/officers/<pk>/training/.
Scoped like the officer detail API (404 outside scope, for every method), the officer page's
duty rule (services.registry.may_record_training: the leader of the officer's own agency or a
supervisor; 403 for others), and training_record's own checks with the page's Chinese messages
(400, nothing written). The service refuses bad records whoever calls it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import TrainingRecord
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.services.registry import TRAINING_FIRST_YEAR, TRAINING_HOURS_MAX
from fazhi.enforcement.tests.test_registry_training import registry  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(officer: Any) -> str:
    return reverse("enforcement-api:officer-training", args=[officer.pk])


def post(user: Any, officer: Any, **data: Any) -> Any:
    body = {"year": THIS_YEAR, "hours": "8", "course": "行政复议法", **data}
    return api(user).post(url(officer), body, content_type="application/json")


@pytest.mark.parametrize("who", ["leader", "supervisor", "hohhot_sup"])
def test_allowed_users_record_and_read_the_years_against_the_target(
    registry: Any, who: str
) -> None:
    user = getattr(registry, who)
    empty = api(user).get(url(registry.zhang)).json()
    assert empty["target"] == 60
    assert empty["may_record"] is True
    assert empty["years"] == [
        {
            "year": THIS_YEAR,
            "hours": "0.0",
            "target": 60,
            "shortfall": "60.0",
            "met": False,
            "records": [],
        }
    ]

    made = post(user, registry.zhang, hours="42", course="行政处罚法专题培训")
    assert made.status_code == 201, made.json()
    [this_year] = made.json()["years"]
    assert (this_year["hours"], this_year["shortfall"], this_year["met"]) == ("42.0", "18.0", False)
    assert [r["course"] for r in this_year["records"]] == ["行政处罚法专题培训"]
    record = TrainingRecord.objects.get(officer=registry.zhang)
    assert (record.year, record.hours) == (THIS_YEAR, Decimal("42"))
    entry = AuditEntry.objects.get(action="enforcement.training.record")
    assert entry.actor == user
    assert entry.detail == {"officer": registry.zhang.pk, "year": THIS_YEAR, "hours": "42"}

    post(user, registry.zhang, hours="18.5", course="执法文书制作")
    post(user, registry.zhang, year=THIS_YEAR - 1, hours="7", course="年度轮训")
    body = api(user).get(url(registry.zhang)).json()
    assert [y["year"] for y in body["years"]] == [THIS_YEAR, THIS_YEAR - 1]
    now, last = body["years"]
    assert (now["hours"], now["shortfall"], now["met"]) == ("60.5", "0.0", True)
    assert [r["hours"] for r in now["records"]] == ["42.0", "18.5"]
    assert (last["hours"], last["met"]) == ("7.0", False)


@pytest.mark.parametrize("who", ["officer_user", "reviewer", "city_leader"])
def test_other_roles_read_but_are_refused_with_403(registry: Any, who: str) -> None:
    """An officer does not attest hours; a reviewer has no part; a Hohhot leader whose grant
    covers Xincheng sees its officers but does not employ them (scope is not duty)."""
    user = getattr(registry, who)
    services.training_record(
        actor=None, officer=registry.zhang, year=THIS_YEAR, hours=12, course="执法规范化"
    )
    body = api(user).get(url(registry.zhang)).json()
    assert body["may_record"] is False
    assert body["years"][0]["hours"] == "12.0"
    response = post(user, registry.zhang)
    assert response.status_code == 403
    assert "负责人" in response.json()["detail"]
    assert TrainingRecord.objects.count() == 1


@pytest.mark.parametrize("who", ["baotou_leader", "hohhot_sup"])
def test_an_officer_outside_the_scope_is_404_for_every_method(registry: Any, who: str) -> None:
    officer = registry.zhang if who == "baotou_leader" else registry.baotou
    user = getattr(registry, who)
    assert api(user).get(url(officer)).status_code == 404
    assert post(user, officer).status_code == 404
    assert post(user, officer, hours="-1").status_code == 404  # scope before the input
    assert api(user).delete(url(officer)).status_code == 404
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"hours": "0"}, "hours", "培训学时必须大于零"),
        ({"hours": "-4"}, "hours", "培训学时必须大于零"),
        ({"hours": "1000.5"}, "hours", "每条记录最多 1000 学时"),
        ({"hours": None}, "hours", "请填写培训学时"),
        ({"year": THIS_YEAR + 1}, "year", "不能登记未来年度的培训"),
        ({"year": 1999}, "year", "不能早于 2000 年"),
        ({"year": None}, "year", "请填写培训年度"),
        ({"course": ""}, "course", "请填写培训课程"),
        ({"course": "   "}, "course", "请填写培训课程"),
    ],
)
def test_bad_input_is_400_with_the_pages_chinese_message(
    registry: Any, data: dict[str, Any], field: str, message: str
) -> None:
    response = post(registry.leader, registry.zhang, **data)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field]), response.json()
    assert not TrainingRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="enforcement.training.record").exists()


def test_missing_fields_are_named_in_chinese(registry: Any) -> None:
    response = api(registry.leader).post(url(registry.zhang), {}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "请填写培训年度" in body["year"][0]
    assert "请填写培训学时" in body["hours"][0]
    assert "请填写培训课程" in body["course"][0]


def test_the_upper_bound_itself_is_accepted(registry: Any) -> None:
    assert post(registry.leader, registry.zhang, hours="1000").status_code == 201
    assert TrainingRecord.objects.get().hours == TRAINING_HOURS_MAX


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"hours": 0}, "hours"),
        ({"hours": "1000.5"}, "hours"),
        ({"hours": "四十"}, "hours"),
        ({"year": THIS_YEAR + 1}, "year"),
        ({"year": TRAINING_FIRST_YEAR - 1}, "year"),
        ({"course": "  "}, "course"),
    ],
)
def test_the_service_itself_refuses_bad_records(
    registry: Any, kw: dict[str, Any], field: str
) -> None:
    """training_record checks the record whoever calls it (page, API, import), not only the
    page's form."""
    args = {"year": THIS_YEAR, "hours": 8, "course": "行政复议法", **kw}
    with pytest.raises(ValidationError) as exc:
        services.training_record(actor=None, officer=registry.zhang, **args)
    assert set(exc.value.message_dict) == {field}
    assert not TrainingRecord.objects.exists()


def test_the_page_and_the_api_share_one_duty_rule(registry: Any) -> None:
    from fazhi.enforcement.views import registry as views

    assert not hasattr(views, "may_record_training")  # one rule, in services.registry
    assert services.may_record_training(registry.leader, registry.zhang)
    assert not services.may_record_training(registry.leader, registry.baotou)
    assert not services.may_record_training(registry.city_leader, registry.zhang)
    assert services.may_record_training(registry.supervisor, registry.baotou)


def test_the_schema_documents_both_operations(registry: Any) -> None:
    schema = api(registry.leader).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )
    assert schema.status_code == 200
    path = schema.json()["paths"]["/api/v1/enforcement/officers/{id}/training/"]
    assert path["get"]["operationId"] == "enforcement_officer_training"
    assert path["post"]["operationId"] == "enforcement_officer_training_record"
