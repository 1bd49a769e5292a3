"""The registry API under /api/v1/enforcement/: the pages' scope, roles and checks."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from fazhi.enforcement.models import Certificate, Officer
from fazhi.enforcement.services import registry as services
from fazhi.enforcement.tests.conftest import make_resident_id
from fazhi.enforcement.tests.test_registry_pages import active_certificate


@pytest.fixture
def world(org_tree: Any, make_officer: Any, make_user: Any, sector: Any) -> Any:
    class W:
        pass

    w = W()
    w.org, w.sector = org_tree, sector
    for agency in (org_tree.xincheng_market, org_tree.baotou_market):
        services.subject_create(actor=None, agency=agency, domain="市场监管")
    w.zhang = make_officer("张三", agency=org_tree.xincheng_market)
    w.cert = active_certificate(w.zhang, sector, "150102-01-0009")
    w.baotou = make_officer("赵包头", agency=org_tree.baotou_market)
    w.supervisor = make_user("sup", role="supervisor", scope="region",
                             agency=org_tree.hohhot_market)
    w.leader = make_user("lead", role="agency_leader", scope="agency",
                         agency=org_tree.xincheng_market)
    w.officer_user = make_user("off", role="officer", scope="agency",
                               agency=org_tree.xincheng_market)
    return w


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_subject_list_is_scoped_and_filtered(world: Any,
                                             django_assert_max_num_queries: Any) -> None:
    client = api(world.leader)
    url = reverse("enforcement-api:subject-list")
    with django_assert_max_num_queries(5):
        data = client.get(url).json()
    assert [s["name"] for s in data["results"]] == ["新城区市场监督管理局"]
    data = api(world.supervisor).get(url, {"division": "150200"}).json()
    assert [s["name"] for s in data["results"]] == ["包头市市场监督管理局"]
    assert api(world.supervisor).get(url, {"published": "1"}).json()["count"] == 0
    detail = reverse("enforcement-api:subject-detail", args=[world.org.baotou_market.pk])
    assert client.get(detail).status_code == 404
    assert api(world.supervisor).get(detail).json()["kind"] == "statutory"


def test_officer_list_and_detail(world: Any, django_assert_max_num_queries: Any) -> None:
    client = api(world.leader)
    with django_assert_max_num_queries(5):
        data = client.get(reverse("enforcement-api:officer-list")).json()
    assert [o["name"] for o in data["results"]] == ["张三"]
    assert "resident_id" not in json.dumps(data)
    detail = client.get(reverse("enforcement-api:officer-detail", args=[world.zhang.pk])).json()
    rid = world.zhang.resident_id
    assert detail["resident_id_masked"] == rid[0] + "*" * 16 + rid[-1]
    assert detail["can_act_today"] is True
    assert [e["event"] for e in detail["certificates"][0]["events"]] == [
        "apply", "pass_exam", "issue", "activate"]
    as_officer = api(world.officer_user).get(
        reverse("enforcement-api:officer-detail", args=[world.zhang.pk])).json()
    assert as_officer["resident_id_masked"] is None
    assert client.get(reverse("enforcement-api:officer-detail",
                              args=[world.baotou.pk])).status_code == 404
    response = client.get(reverse("enforcement-api:officer-list"), {"state": "active"})
    assert response.json()["count"] == 1
    response = client.get(reverse("enforcement-api:officer-list"), {"agency": "x"})
    assert response.status_code == 400


def test_certificate_steps_through_the_api(world: Any) -> None:
    url = reverse("enforcement-api:certificate-steps", args=[world.cert.pk])
    assert [s["action"] for s in api(world.leader).get(url).json()] == ["suspend", "cancel"]
    assert [s["action"] for s in api(world.supervisor).get(url).json()] == [
        "suspend", "revoke", "cancel"]
    # the leader may not revoke: 403, nothing changes
    response = api(world.leader).post(url, {"action": "revoke", "reason": "出借证件"},
                                      content_type="application/json")
    assert response.status_code == 403
    # grounds are required: 400 with the Chinese message
    response = api(world.supervisor).post(url, {"action": "revoke", "reason": ""},
                                          content_type="application/json")
    assert response.status_code == 400
    assert "请填写办理事由" in response.content.decode()
    response = api(world.supervisor).post(url, {"action": "revoke", "reason": "出借证件"},
                                          content_type="application/json")
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    # the table refuses a step out of a terminal state
    response = api(world.supervisor).post(url, {"action": "reinstate", "reason": "再议"},
                                          content_type="application/json")
    assert response.status_code == 400
    world.cert.refresh_from_db()
    assert world.cert.state == "revoked"


def test_out_of_scope_certificate_is_404_for_every_method(world: Any, make_user: Any) -> None:
    baotou_sup = make_user("bs", role="supervisor", scope="division", division=world.org.baotou,
                           agency=world.org.baotou_market)
    client = api(baotou_sup)
    url = reverse("enforcement-api:certificate-steps", args=[world.cert.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "revoke", "reason": "x"},
                       content_type="application/json").status_code == 404
    apply_url = reverse("enforcement-api:officer-certificates", args=[world.zhang.pk])
    assert client.post(apply_url, {"sector": "market"},
                       content_type="application/json").status_code == 404
    world.cert.refresh_from_db()
    assert world.cert.state == "active"


def test_apply_through_the_api(world: Any, make_officer: Any) -> None:
    li = make_officer("李四", agency=world.org.xincheng_market)
    url = reverse("enforcement-api:officer-certificates", args=[li.pk])
    assert api(world.officer_user).post(url, {"sector": "market"},
                                        content_type="application/json").status_code == 403
    response = api(world.leader).post(url, {"sector": "market", "area": "新城区"},
                                      content_type="application/json")
    assert response.status_code == 201
    assert response.json()["state"] == "applied"
    assert [c["state"] for c in api(world.leader).get(url).json()] == ["applied"]
    aux = make_officer("王辅", agency=world.org.xincheng_market, is_auxiliary=True)
    response = api(world.leader).post(
        reverse("enforcement-api:officer-certificates", args=[aux.pk]), {"sector": "market"},
        content_type="application/json")
    assert response.status_code == 400
    assert not Certificate.objects.filter(officer=aux).exists()


def _officers_workbook(rows: list[list[str]]) -> io.BytesIO:
    from fazhi.enforcement import excel

    wb = Workbook()
    ws = wb.active
    ws.title = excel.OFFICER_SHEET
    ws.append(list(excel.OFFICER_HEADERS))
    for row in rows:
        ws.append(row + [""] * (len(excel.OFFICER_HEADERS) - len(row)))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "officers.xlsx"
    return buffer


def test_import_endpoint(world: Any) -> None:
    url = reverse("enforcement-api:registry-import")
    code = world.org.xincheng_market.credit_code
    bad = _officers_workbook([["李四", make_resident_id(40), code, "否"],
                              ["王五", "150102198001010011", code, "否"]])
    response = api(world.leader).post(url, {"file": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["issue_count"] == 1
    assert body["issues"][0]["text"] == "执法人员 第3行 身份证号码：公民身份号码的校验码错误。"
    assert not Officer.objects.filter(name="李四").exists()
    good = _officers_workbook([["李四", make_resident_id(40), code, "否"]])
    response = api(world.leader).post(url, {"file": good})
    assert response.status_code == 200
    assert response.json()["officers_created"] == 1
    assert api(world.officer_user).post(url, {"file": good}).status_code == 403


def test_schema_lists_the_registry_routes(world: Any) -> None:
    schema = api(world.officer_user).get(
        "/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for route in ("/api/v1/enforcement/subjects/", "/api/v1/enforcement/officers/{id}/",
                  "/api/v1/enforcement/certificates/{id}/steps/",
                  "/api/v1/enforcement/registry/import/"):
        assert route in schema["paths"], route
