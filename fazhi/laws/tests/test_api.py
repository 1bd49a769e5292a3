"""The legal library's JSON API through HTTP: laws, provisions by key and date, search, recommend,
drafts from a penalty article; login required; Chinese validation messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fazhi.laws.models import Provision

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, laws, org_tree, make_user):
    user = make_user("reader", role="officer", scope="self", agency=org_tree.xincheng_market)
    client.force_login(user)
    return client


def test_anonymous_is_refused(client, laws):
    for name, kwargs in (("laws-api:law-list", {}), ("laws-api:recommend", {})):
        assert client.get(reverse(name, kwargs=kwargs)).status_code in (401, 403)


def test_law_list_filters_by_category_and_sector(api):
    body = api.get(reverse("laws-api:law-list"), {"category": "law", "limit": 200}).json()
    assert body["count"] == 83
    assert all(law["category"] == "law" for law in body["results"])
    market = api.get(reverse("laws-api:law-list"), {"sector": "market", "limit": 200}).json()
    assert "food-safety-law" in {law["slug"] for law in market["results"]}


def test_law_detail_lists_versions(api):
    body = api.get(reverse("laws-api:law-detail", args=["food-safety-law"])).json()
    assert body["title"] == "中华人民共和国食品安全法"
    assert body["current_version"]["status"] == "in_force"
    assert len(body["versions"]) == 1


def test_provision_lookup_by_key_and_date(api):
    url = reverse("laws-api:provision-lookup")
    body = api.get(url, {"key": "food-safety-law/art-124"}).json()
    assert body["label"] == "第一百二十四条"
    assert body["is_penalty"] is True
    penalty = body["penalty"]
    assert "fine" in penalty["types"]
    assert penalty["fine_min"] == 50_000
    assert penalty["fine_max"] == 100_000
    # Before the text commenced there is no version in force: 404, not a wrong text.
    assert api.get(url, {"key": "food-safety-law/art-124", "date": "2000-01-01"}).status_code == 404
    on = api.get(url, {"key": "food-safety-law/art-124", "date": dt.date.today().isoformat()})
    assert on.status_code == 200
    bad = api.get(url, {"key": "food-safety-law/art-124", "date": "2021-13-01"})
    assert bad.status_code == 400
    assert "日期格式" in bad.content.decode()
    assert api.get(url, {"key": "no-such-law/art-1"}).status_code == 404


def test_provision_detail_and_drafts(api):
    art = Provision.objects.get(key="food-safety-law/art-124", kind="article")
    body = api.get(reverse("laws-api:provision-detail", args=[art.pk])).json()
    assert body["key"] == "food-safety-law/art-124"
    drafts = api.get(reverse("laws-api:provision-drafts", args=[art.pk])).json()
    item = drafts["authority_item"]
    assert item["act_type"] == "penalty"
    assert item["legal_basis_keys"] == ["food-safety-law/art-124"]  # the text cites no article
    assert item["legal_basis"][0]["text"] == "《中华人民共和国食品安全法》第一百二十四条"
    assert "food-safety-law/art-34/para-1/item-2" in item["inferred_duty_keys"]
    assert any(b.get("inferred") for b in item["legal_basis"])
    assert drafts["benchmark"]["tiers"]
    cited = Provision.objects.get(key="food-safety-law/art-126", kind="article")
    drafts126 = api.get(reverse("laws-api:provision-drafts", args=[cited.pk])).json()
    assert "food-safety-law/art-65" in drafts126["authority_item"]["legal_basis_keys"]
    duty = Provision.objects.get(key="food-safety-law/art-1", kind="article")
    assert api.get(reverse("laws-api:provision-drafts", args=[duty.pk])).status_code == 404


def test_search_returns_highlighted_hits(api):
    body = api.get(reverse("laws-api:search"), {"q": "超过保质期", "law": "food-safety-law"}).json()
    assert body["total"] >= 1
    assert all(hit["key"].startswith("food-safety-law/") for hit in body["results"])
    assert any("<mark>" in hit["snippet_html"] for hit in body["results"])
    assert api.get(reverse("laws-api:search"), {"q": " "}).status_code == 400


def test_recommend_shape_and_path_without_slash(api):
    response = api.get("/api/v1/laws/recommend", {"q": "后厨使用过期两个月的牛奶", "top": 5})
    assert response.status_code == 200
    results = response.json()
    assert 1 <= len(results) <= 5
    first = results[0]
    assert set(first) >= {"key", "law_title", "article", "snippet", "score"}
    assert [r["rank"] for r in results] == list(range(1, len(results) + 1))
    keys = [r["key"] for r in results]
    assert any(k.startswith("food-safety-law/art-") for k in keys)


def test_recommend_with_sector_and_laws_context(api):
    q = "后厨使用过期两个月的牛奶"
    by_laws = api.get("/api/v1/laws/recommend", {"q": q, "laws": "food-safety-law"}).json()
    assert by_laws[0]["law_slug"] == "food-safety-law"
    by_sector = api.get("/api/v1/laws/recommend/", {"q": q, "sector": "market"}).json()
    assert by_sector


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "偷东西", "top": 0}, "top"),
        ({"q": "偷东西", "top": 21}, "top"),
    ],
)
def test_recommend_validation(api, params, field):
    response = api.get("/api/v1/laws/recommend", params)
    assert response.status_code == 400
    assert field in response.json()
