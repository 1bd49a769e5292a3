import csv
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.orgs.models import Agency
from fazhi.orgs.seeding.codes import organ_credit_code

pytestmark = pytest.mark.django_db


def _add_agencies(org_tree: Any, count: int) -> None:
    gov = org_tree.hohhot.government
    Agency.objects.bulk_create(
        Agency(
            name=f"测试机关{i:04d}",
            credit_code=organ_credit_code("150100", f"测试机关{i:04d}"),
            kind="entrusted" if i % 7 == 0 else "statutory",
            entrusted_by=org_tree.hohhot_market if i % 7 == 0 else None,
            sector=org_tree.hohhot_market.sector,
            government=gov,
        )
        for i in range(count)
    )


@pytest.fixture
def supervisor(org_tree: Any, make_user: Any, client: Any) -> Any:
    user = make_user("sup", role="supervisor", scope="region", agency=org_tree.hohhot_market)
    client.force_login(user)
    return user


def test_list_shows_scoped_agencies_with_filters(
    org_tree: Any, make_user: Any, client: Any
) -> None:
    client.force_login(make_user("d", role="mediator", scope="division", division=org_tree.hohhot))
    page = client.get(reverse("orgs:agency-list")).content.decode()
    assert "新城区市场监督管理局" in page
    assert "包头市市场监督管理局" not in page
    page = client.get(reverse("orgs:agency-list"), {"q": "新城"}).content.decode()
    assert "新城区市场监督管理局" in page
    assert "呼和浩特市市场监督管理局</a>" not in page


def test_list_paginates_by_50(org_tree: Any, supervisor: Any, client: Any) -> None:
    _add_agencies(org_tree, 120)
    response = client.get(reverse("orgs:agency-list"), {"page": 3})
    assert len(response.context["page"].object_list) == 123 - 100
    assert response.context["page"].paginator.num_pages == 3


def _list_queries(client: Any, **params: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("orgs:agency-list"), params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_data(
    org_tree: Any, supervisor: Any, client: Any, django_assert_max_num_queries: Any
) -> None:
    _add_agencies(org_tree, 30)
    small = _list_queries(client)
    Agency.objects.filter(name__startswith="测试机关").delete()
    _add_agencies(org_tree, 300)
    large = _list_queries(client)
    assert small == large
    # session, user, roles, division filter, count, divisions, sectors, page
    with django_assert_max_num_queries(8):
        client.get(reverse("orgs:agency-list"), {"division": "150100", "page": 2})


def test_csv_export_follows_filters_and_scope(org_tree: Any, make_user: Any, client: Any) -> None:
    client.force_login(make_user("d", role="mediator", scope="division", division=org_tree.hohhot))
    response = client.get(reverse("orgs:agency-export"), {"q": "市场"})
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 2
    assert {r[0] for r in rows[1:]} == {"呼和浩特市市场监督管理局", "新城区市场监督管理局"}
    assert rows[1][1] == org_tree.hohhot_market.credit_code


def test_detail_in_scope_and_404_outside(org_tree: Any, make_user: Any, client: Any) -> None:
    client.force_login(
        make_user("a", role="agency_leader", scope="agency", agency=org_tree.baotou_market)
    )
    ok = client.get(reverse("orgs:agency-detail", args=[org_tree.baotou_market.pk]))
    assert ok.status_code == 200
    assert org_tree.baotou_market.credit_code in ok.content.decode()
    missing = client.get(reverse("orgs:agency-detail", args=[org_tree.hohhot_market.pk]))
    assert missing.status_code == 404


def test_pages_need_login(org_tree: Any, client: Any) -> None:
    response = client.get(reverse("orgs:agency-list"))
    assert response.status_code == 302
