from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_api_list_is_scoped_and_filtered(org_tree: Any, make_user: Any, client: Any) -> None:
    client.force_login(make_user("d", role="mediator", scope="division", division=org_tree.hohhot))
    data = client.get("/api/v1/orgs/agencies/").json()
    assert data["count"] == 2
    assert {a["name"] for a in data["results"]} == {
        "呼和浩特市市场监督管理局",
        "新城区市场监督管理局",
    }
    first = next(a for a in data["results"] if a["division_code"] == "150102")
    assert first["sector"] == "market"
    assert first["kind"] == "statutory"
    assert client.get("/api/v1/orgs/agencies/", {"division": "150102"}).json()["count"] == 1


def test_api_detail_404_outside_scope(org_tree: Any, make_user: Any, client: Any) -> None:
    client.force_login(
        make_user("a", role="agency_leader", scope="agency", agency=org_tree.baotou_market)
    )
    url = reverse("orgs-api:agency-detail", args=[org_tree.baotou_market.pk])
    assert client.get(url).json()["credit_code"] == org_tree.baotou_market.credit_code
    other = reverse("orgs-api:agency-detail", args=[org_tree.hohhot_market.pk])
    assert client.get(other).status_code == 404


def test_api_query_count_is_bounded(
    org_tree: Any, make_user: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(
        make_user("r", role="supervisor", scope="region", agency=org_tree.hohhot_market)
    )
    with django_assert_max_num_queries(5):
        assert client.get("/api/v1/orgs/agencies/").status_code == 200


def test_api_needs_authentication(org_tree: Any, client: Any) -> None:
    assert client.get("/api/v1/orgs/agencies/").status_code in (302, 401, 403)


def test_schema_documents_the_routes(org_tree: Any, make_user: Any, client: Any) -> None:
    client.force_login(make_user("r", role="supervisor", scope="region"))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/orgs/agencies/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/orgs/agencies/"]["get"]["parameters"]}
    assert {"division", "sector", "kind", "q", "limit", "offset"} <= params
