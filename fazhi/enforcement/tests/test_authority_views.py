"""Pages of authority lists, benchmarks and first-violation lists: scope, query budgets, forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import AuthorityItem, DiscretionBenchmark, FirstViolationList
from fazhi.enforcement.services import authority as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree: Any, make_user: Any) -> Any:
    o = org_tree

    class W:
        org = o
        leader = make_user("leader", role="agency_leader", scope="agency", agency=o.xincheng_market)
        officer = make_user("officer", role="officer", scope="agency", agency=o.xincheng_market)
        baotou = make_user("bt", role="agency_leader", scope="agency", agency=o.baotou_market)

    for n in range(3):
        services.authority_item_create(
            actor=None, agency=o.xincheng_market, act_type="penalty", name=f"新城处罚事项{n}",
            penalty_types=["fine"], fine_min=D(200), fine_max=D(2000),
        )
    services.authority_item_create(
        actor=None, agency=o.xincheng_market, act_type="inspection", name="新城检查事项",
    )
    services.authority_item_create(
        actor=None, agency=o.baotou_market, act_type="penalty", name="包头处罚事项BTMARK",
    )
    return W


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_is_scoped_filtered_and_bounded(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    client = login(world.leader)
    url = reverse("enforcement:authority-list")
    with django_assert_max_num_queries(9):
        body = client.get(url).content.decode()
    assert "新城处罚事项0" in body
    assert "BTMARK" not in body
    body = client.get(url, {"act_type": "inspection"}).content.decode()
    assert "新城检查事项" in body
    assert "新城处罚事项0" not in body
    body = client.get(url, {"q": "处罚事项2"}).content.decode()
    assert "新城处罚事项2" in body
    assert "新城处罚事项1" not in body
    # budget holds with more rows
    for n in range(20):
        services.authority_item_create(
            actor=None, agency=world.org.xincheng_market, act_type="penalty", name=f"更多{n}"
        )
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_excel_export(world: Any) -> None:
    from openpyxl import load_workbook

    response = login(world.leader).get(reverse("enforcement:authority-export"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    names = [r[3] for r in rows[1:]]
    assert "新城处罚事项0" in names
    assert all("BTMARK" not in (n or "") for n in names)
    assert len(rows) == 5  # header + 4 Xincheng items


def test_detail_404_outside_scope(world: Any, django_assert_max_num_queries: Any) -> None:
    mine = AuthorityItem.objects.get(name="新城处罚事项0")
    theirs = AuthorityItem.objects.get(name="包头处罚事项BTMARK")
    client = login(world.leader)
    detail = "enforcement:authority-detail"
    with django_assert_max_num_queries(11):
        assert client.get(reverse(detail, args=[mine.pk])).status_code == 200
    assert client.get(reverse(detail, args=[theirs.pk])).status_code == 404
    publish = reverse("enforcement:authority-publish", args=[theirs.pk])
    assert client.post(publish).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_published


def test_create_edit_publish(world: Any, laws_free_provision: Any) -> None:
    client = login(world.leader)
    response = client.post(reverse("enforcement:authority-create"), {
        "agency": world.org.xincheng_market.pk, "act_type": "licensing", "name": "食品经营许可",
        "responsible_post": "审批科", "basis_keys": laws_free_provision.key,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    item = AuthorityItem.objects.get(name="食品经营许可")
    assert item.code == "XK0001"
    assert [b.provision.key for b in item.bases.all()] == [laws_free_provision.key]
    detail = client.get(reverse("enforcement:authority-detail", args=[item.pk])).content.decode()
    assert laws_free_provision.key in detail
    assert laws_free_provision.get_absolute_url() in detail.replace("&amp;", "&")
    response = client.post(reverse("enforcement:authority-edit", args=[item.pk]), {
        "agency": world.org.xincheng_market.pk, "act_type": "licensing",
        "name": "食品经营许可证核发", "code": "XK0001", "basis_keys": "no-such-law/art-1",
    })
    assert response.status_code == 200
    assert "no-such-law/art-1" in response.content.decode()
    client.post(reverse("enforcement:authority-publish", args=[item.pk]))
    item.refresh_from_db()
    assert item.is_published
    assert item.published_at is not None
    assert AuditEntry.objects.filter(action="enforcement.authority_item.publish").count() == 1


def test_officer_reads_but_cannot_write(world: Any) -> None:
    client = login(world.officer)
    assert client.get(reverse("enforcement:authority-list")).status_code == 200
    assert client.get(reverse("enforcement:authority-create")).status_code == 403
    item = AuthorityItem.objects.get(name="新城处罚事项0")
    assert client.post(reverse("enforcement:authority-publish", args=[item.pk])).status_code == 403
    assert client.get(reverse("enforcement:benchmark-create", args=[item.pk])).status_code == 403


def _tier_post(rows: dict[str, tuple[str, str]], **extra: Any) -> dict[str, Any]:
    levels = ["no_penalty", "mitigated", "lighter", "ordinary", "heavier"]
    data: dict[str, Any] = {
        "valid_from": "2026-01-01", "issuing_body": "新城区市场监督管理局",
        "tiers-TOTAL_FORMS": "5", "tiers-INITIAL_FORMS": "5", "tiers-MIN_NUM_FORMS": "1",
        "tiers-MAX_NUM_FORMS": "5", **extra,
    }
    for i, level in enumerate(levels):
        data[f"tiers-{i}-level"] = level
        if level in rows:
            data[f"tiers-{i}-fine_min"], data[f"tiers-{i}-fine_max"] = rows[level]
            data[f"tiers-{i}-penalty_types"] = ["fine"]
            data[f"tiers-{i}-circumstances"] = f"{level}情形"
    return data


def test_benchmark_editor_refuses_in_chinese_and_saves(world: Any) -> None:
    item = AuthorityItem.objects.get(name="新城处罚事项0")
    client = login(world.leader)
    url = reverse("enforcement:benchmark-create", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "从轻" in page.content.decode()
    bad = _tier_post({"lighter": ("200", "740"), "ordinary": ("740", "1460"),
                      "heavier": ("1460", "2000.01")})
    response = client.post(url, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "2,000.01" in text
    assert "第三十四条" in text
    assert not DiscretionBenchmark.objects.exists()
    mitigated = _tier_post({"mitigated": ("0", "200"), "lighter": ("200", "740"),
                            "ordinary": ("740", "1460"), "heavier": ("1460", "2000")})
    response = client.post(url, mitigated)
    assert response.status_code == 400
    assert "法制审核" in response.content.decode()
    mitigated["tiers-1-requires_legal_review"] = "on"
    response = client.post(url, mitigated)
    assert response.status_code == 302
    benchmark = DiscretionBenchmark.objects.get()
    assert benchmark.tiers.count() == 5
    # an empty tier is left out
    no_mitigated = _tier_post({"lighter": ("200", "740"), "ordinary": ("740", "1460"),
                               "heavier": ("1460", "2000")}, valid_from="2026-02-01")
    assert client.post(url, no_mitigated).status_code == 302
    latest = DiscretionBenchmark.objects.get(valid_from=date(2026, 2, 1))
    assert [t.level for t in latest.tiers.all()] == ["no_penalty", "lighter", "ordinary", "heavier"]
    latest.tiers.all().delete()
    latest.delete()
    client.post(reverse("enforcement:benchmark-publish", args=[benchmark.pk]))
    benchmark.refresh_from_db()
    assert benchmark.is_published
    detail = client.get(reverse("enforcement:authority-detail", args=[item.pk])).content.decode()
    assert "mitigated情形" in detail
    assert "<td>罚款</td>" in detail  # tier types by their Chinese names
    # a published version is not edited
    edit = reverse("enforcement:benchmark-edit", args=[benchmark.pk])
    assert client.get(edit).status_code == 403
    # a new version prefilled from the latest one
    assert "1460" in client.get(url).content.decode()


def test_first_violation_pages(world: Any, django_assert_max_num_queries: Any) -> None:
    client = login(world.leader)
    response = client.post(reverse("enforcement:fvl-create"), {
        "issuing_agency": world.org.xincheng_market.pk,
        "sector": world.org.xincheng_market.sector_id,
        "name": "新城区市场监管清单XCMARK", "lookback_days": "365", "valid_from": "2026-01-01",
        "entries": "food-safety-law/art-126 | 未按规定查验 | 10\nadvertising-law/art-58 | 广告\n",
    })
    assert response.status_code == 302
    fvl = FirstViolationList.objects.get()
    assert fvl.region == world.org.xincheng
    entries = fvl.entries.order_by("violation_key")
    assert [(e.violation_key, e.correction_days) for e in entries] == [
        ("advertising-law/art-58", 15), ("food-safety-law/art-126", 10)
    ]
    with django_assert_max_num_queries(9):
        assert "XCMARK" in client.get(reverse("enforcement:fvl-list")).content.decode()
    with django_assert_max_num_queries(9):
        detail = client.get(reverse("enforcement:fvl-detail", args=[fvl.pk])).content.decode()
    assert "food-safety-law/art-126" in detail
    client.post(reverse("enforcement:fvl-publish", args=[fvl.pk]))
    fvl.refresh_from_db()
    assert fvl.is_published
    assert fvl.published_at is not None
    other = login(world.baotou)
    assert other.get(reverse("enforcement:fvl-detail", args=[fvl.pk])).status_code == 404
    assert "XCMARK" not in other.get(reverse("enforcement:fvl-list")).content.decode()
    bad = client.post(reverse("enforcement:fvl-create"), {
        "issuing_agency": world.org.xincheng_market.pk,
        "sector": world.org.xincheng_market.sector_id,
        "name": "x", "lookback_days": "0", "valid_from": "2026-01-01", "entries": "a | b | x",
    })
    assert bad.status_code == 200
    assert FirstViolationList.objects.count() == 1


@pytest.fixture
def laws_free_provision(db: Any) -> Any:
    """One hand-made provision, so these page tests need not load the whole library."""
    from fazhi.laws.models import Law, LawVersion, Provision

    law = Law.objects.create(slug="test-law", title="测试法", category="law")
    version = LawVersion.objects.create(
        law=law, version_date=date(2020, 1, 1), effective_from=date(2020, 1, 1),
        status="in_force", source_sha256="0" * 64,
    )
    law.current_version = version
    law.save()
    return Provision.objects.create(
        version=version, law=law, key="test-law/art-3", kind="article", article_no=3,
        label="第三条", text="从事食品经营应当取得许可。", position=3,
    )
