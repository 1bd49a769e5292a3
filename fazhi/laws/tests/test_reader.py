"""The reader (issue 3 item 3): browse by category and sector, read a law with its table of
contents and version picker, one page per provision with its version date and permalink, search
inside a law; and each page's query count, bounded and independent of the law's length."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.laws import selectors
from fazhi.laws.models import Law, LawVersion, PenaltyClause, Provision, VersionStatus
from fazhi.laws.views.reader import _times, amount_range, penalty_panel, yuan

pytestmark = pytest.mark.django_db

LONGEST = "civil-procedure-law"  # 306 articles, the longest text in data/laws
SHORTEST = "spc-provisions-judicial-confirmation-of-mediation-agreements"  # 13 articles
# Every page costs 3 queries before its own: session, user, the navigation's role assignments (the
# idle-timeout stamp is written back at most once a minute, fazhi.accounts.middleware).
# Law list: count, page of laws, their sectors, counts per category, sector menu.
LIST_BUDGET = 3 + 5
# Law page: the law, its versions, the chosen version (with ?v= or ?date=), its provisions in one
# query, the law's sectors.
DETAIL_BUDGET = 3 + 5
# Provision page: the provision (law, version, penalty joined), its ancestors and children in one
# query, the same key in other versions, the penalty's enforced duties, the version's text for the
# inferred duties, the articles it applies and that apply it, the penalties that enforce it, and
# one count per citing field of the installed apps.
PROVISION_BUDGET = 3 + 8 + len(selectors.citing_fields())


@pytest.fixture
def reader(laws: None, make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("reader"))
    return client


def _html(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _older_version(law: Law, *, effective_from: dt.date, edit: str = "") -> LawVersion:
    """A previous text of `law` (copy of the current one) in force until the current one."""
    current = law.current_version
    old = LawVersion.objects.create(
        law=law,
        version_date=effective_from,
        effective_from=effective_from,
        effective_to=current.effective_from,
        status=VersionStatus.AMENDED,
        headings=current.headings,
        article_count=current.article_count,
        source_sha256="0" * 64,
    )
    parents: dict[int, Provision] = {}
    for p in Provision.objects.filter(version=current).order_by("position"):
        old_pk = p.pk
        p.pk = None
        p.version = old
        p.parent = parents.get(p.parent_id) if p.parent_id else None
        p.text = edit + p.text
        p.save()
        parents[old_pk] = p
    return old


# --- money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "amount", "expected"),
    [
        ("below ten thousand in yuan", 5000, "5000元"),
        ("round ten thousands", 50000, "5万元"),
        ("fractional ten thousands", 15000, "1.5万元"),
        ("millions", 2_000_000, "200万元"),
        ("missing", None, ""),
    ],
)
def test_amounts_read_as_the_statutes_write_them(_case: str, amount: Any, expected: str) -> None:
    assert yuan(amount) == expected


def test_a_fine_up_to_a_ceiling_has_no_lower_bound() -> None:
    """The extractor stores "…元以下罚款" as min 0: the page must not say "0元 to …"."""
    text = amount_range(0, 2000)
    assert "2000元" in text
    assert not re.search(r"(?<!\d)0元", text)
    assert "5万元" in amount_range(50000, None)


def test_malformed_facts_render_as_absent() -> None:
    clause = PenaltyClause(
        types=["fine"], fine_min=None, fine_max=None, authority="", facts={"fines": "oops"}
    )
    panel = penalty_panel(clause)
    assert panel["fines"] == []
    assert panel["multiples"] == []
    assert panel["overall"] == ""
    assert panel["types"] == ["罚款"]


# --- law list ------------------------------------------------------------------------------------


def test_law_list_browses_by_category_with_counts(reader: Client) -> None:
    url = reverse("laws:law-list")
    html = _html(reader.get(url, {"category": "departmental_rule"}))
    rules = Law.objects.filter(category="departmental_rule")
    assert rules.count() == 4
    for law in rules:
        assert law.title in html
    assert "中华人民共和国食品安全法" not in html
    counts = {v: n for v, _, n in selectors.law_category_counts({})}
    assert counts["law"] == 83
    assert counts["administrative_regulation"] == 59
    # the counts per category ignore the category filter itself
    assert re.search(r"category=law\"[^>]*>[^<]*<span class=\"badge\">83<", html)


def test_law_list_filters_by_title_sector_and_status(reader: Client) -> None:
    from fazhi.orgs.models import Sector

    url = reverse("laws:law-list")
    html = _html(reader.get(url, {"q": "食品安全"}))
    assert "中华人民共和国食品安全法" in html
    assert "中华人民共和国行政处罚法" not in html
    market, _ = Sector.objects.get_or_create(code="market", defaults={"name": "市场监管"})
    Law.objects.get(slug="food-safety-law").sectors.add(market)
    html = _html(reader.get(url, {"sector": market.code}))
    assert "中华人民共和国食品安全法" in html
    assert "中华人民共和国行政处罚法" not in html
    html = _html(reader.get(url, {"status": VersionStatus.REPEALED}))
    assert "中华人民共和国食品安全法" not in html


def test_law_list_query_budget(reader: Client, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(LIST_BUDGET):
        _html(reader.get(reverse("laws:law-list")))
    with django_assert_max_num_queries(LIST_BUDGET):
        _html(reader.get(reverse("laws:law-list"), {"category": "law", "q": "法", "page": 2}))


# --- law detail ----------------------------------------------------------------------------------


def test_law_page_has_contents_anchors_permalinks_and_penalty_badges(reader: Client) -> None:
    law = Law.objects.get(slug="food-safety-law")
    html = _html(reader.get(law.get_absolute_url()))
    version = law.current_version
    # table of contents: every heading, each linking to an anchor that exists in the body
    for i, (_depth, text) in enumerate(version.headings, start=1):
        assert f'href="#h-{i}">{text}<' in html
        assert f'id="h-{i}"' in html
    # every article, paragraph and item has an anchor; the article label is its permalink
    art = Provision.objects.get(version=version, key="food-safety-law/art-124")
    assert 'id="art-124"' in html
    assert 'id="art-124-para-1"' in html
    assert 'id="art-124-para-1-item-2"' in html
    assert f'href="{art.get_absolute_url()}"' in html.replace("&amp;", "&")
    assert (
        html.count('class="badge penalty"')
        == Provision.objects.filter(version=version, kind="article", is_penalty=True).count()
    )
    assert "2009年2月28日" in html  # history lines
    # headings come before their first article
    assert html.index('id="h-1"') < html.index('id="art-1"')


def test_law_page_version_picker_and_point_in_time(reader: Client) -> None:
    law = Law.objects.get(slug=SHORTEST)
    old = _older_version(law, effective_from=dt.date(2000, 1, 1), edit="【旧文】")
    url = law.get_absolute_url()
    html = _html(reader.get(url))
    assert "【旧文】" not in html
    assert f'<option value="{old.pk}"' in html  # both versions offered
    html = _html(reader.get(url, {"v": old.pk}))
    assert "【旧文】" in html
    assert f'href="{url}"' in html  # "read the current version"
    day = law.current_version.effective_from - dt.timedelta(days=1)
    assert "【旧文】" in _html(reader.get(url, {"date": day.isoformat()}))
    today = law.current_version.effective_from.isoformat()
    assert "【旧文】" not in _html(reader.get(url, {"date": today}))
    # before any version: the current text with a notice, not an error
    html = _html(reader.get(url, {"date": "1990-01-01"}))
    assert "【旧文】" not in html
    assert "1990-01-01" in html
    assert reader.get(url, {"v": 999_999}).status_code == 404
    other = Law.objects.get(slug="food-safety-law").current_version
    assert reader.get(url, {"v": other.pk}).status_code == 404  # a version of another law
    assert reader.get(reverse("laws:law-detail", args=["no-such-law"])).status_code == 404


def test_search_inside_a_law_links_to_the_article_anchor(reader: Client) -> None:
    url = reverse("laws:law-detail", args=["food-safety-law"])
    html = _html(reader.get(url, {"q": "超过保质期的食品原料"}))
    hits = html[html.index('class="card search-hits"') :]
    hits = hits[: hits.index("</section>")]
    assert "#art-124" in hits
    assert "中华人民共和国行政处罚法" not in hits  # only this law


def test_law_detail_query_count_does_not_grow_with_the_law(
    reader: Client, django_assert_max_num_queries: Any
) -> None:
    counts = {}
    for slug in (SHORTEST, LONGEST, SHORTEST):
        url = reverse("laws:law-detail", args=[slug])
        with CaptureQueriesContext(connection) as ctx:
            _html(reader.get(url))
        counts[slug] = len(ctx.captured_queries)
    assert (
        Provision.objects.filter(law__slug=LONGEST).count()
        > 10 * Provision.objects.filter(law__slug=SHORTEST).count()
    )
    assert counts[LONGEST] == counts[SHORTEST]
    assert counts[LONGEST] <= DETAIL_BUDGET
    with django_assert_max_num_queries(DETAIL_BUDGET + 3):  # search adds its stamp and versions
        _html(reader.get(reverse("laws:law-detail", args=[LONGEST]), {"q": "管辖"}))


# --- provision detail ----------------------------------------------------------------------------


def test_food_safety_article_124_shows_fines_and_the_articles_it_enforces(reader: Client) -> None:
    """The issue's example: 《食品安全法》第一百二十四条 with its parsed fine range (5万–10万元
    when the goods are worth under 1万元; 10–20 times the goods' value above) and the duty
    articles it enforces (inferred from its items: art. 34 …) and art. 129 that applies it."""
    art = Provision.objects.get(
        key="food-safety-law/art-124",
        version=Law.objects.get(slug="food-safety-law").current_version,
    )
    html = _html(reader.get(reverse("laws:provision", args=[art.key])))
    panel = html[html.index('class="card penalty-facts"') :]
    panel = panel[: panel.index("</section>")]
    assert "5万元" in panel
    assert "10万元" in panel
    assert "货值金额不足一万元" in panel  # the condition of that range
    assert amount_range(50000, 100000) in panel
    assert "货值金额" in panel
    assert amount_range("10", "20", fmt=_times) in panel  # 货值金额十倍以上二十倍以下
    assert "县级以上人民政府食品安全监督管理部门" in panel
    for t in ("罚款", "没收违法所得", "吊销许可证件"):
        assert t in panel
    art34 = Provision.objects.get(version=art.version, key="food-safety-law/art-34/para-1/item-2")
    assert art34.get_absolute_url() in panel.replace("&amp;", "&")
    art129 = Provision.objects.get(version=art.version, key="food-safety-law/art-129")
    assert art129.get_absolute_url() in panel.replace("&amp;", "&")
    # breadcrumb law › chapter, the version it belongs to, the permalink
    assert "第九章 法律责任" in html
    assert art.version.version_date.strftime("%Y-%m-%d") in html
    assert f"http://testserver{art.get_absolute_url()}" in html.replace("&amp;", "&")
    # children: its paragraphs and items, each linking to its own page
    item = Provision.objects.get(version=art.version, key="food-safety-law/art-124/para-1/item-2")
    assert item.get_absolute_url() in html.replace("&amp;", "&")


def test_a_penalty_applied_by_reference_links_back(reader: Client) -> None:
    law = Law.objects.get(slug="food-safety-law")
    html = _html(reader.get(reverse("laws:provision", args=["food-safety-law/art-129"])))
    art124 = Provision.objects.get(version=law.current_version, key="food-safety-law/art-124")
    assert art124.get_absolute_url() in html.replace("&amp;", "&")


def test_a_duty_article_lists_the_penalties_that_enforce_it(reader: Client) -> None:
    """《食品安全法》第一百二十六条 names 第六十五条 as the duty it enforces."""
    law = Law.objects.get(slug="food-safety-law")
    duty = Provision.objects.get(version=law.current_version, key="food-safety-law/art-65")
    html = _html(reader.get(duty.get_absolute_url()))
    section = html[html.index('class="card enforced-by"') :]
    art126 = Provision.objects.get(version=law.current_version, key="food-safety-law/art-126")
    assert art126.get_absolute_url() in section.replace("&amp;", "&")


def test_an_item_page_shows_its_article_penalty_and_breadcrumb(reader: Client) -> None:
    html = _html(
        reader.get(reverse("laws:provision", args=["food-safety-law/art-124/para-1/item-2"]))
    )
    assert "用超过保质期的食品原料" in html
    assert 'class="card penalty-facts"' in html  # the article's facts
    crumbs = html[html.index('class="breadcrumbs"') :]
    crumbs = crumbs[: crumbs.index("</p>")]
    assert "第一百二十四条" in crumbs
    assert "第一百二十四条第一款" in crumbs


def test_an_old_version_page_says_a_newer_one_exists(reader: Client) -> None:
    law = Law.objects.get(slug=SHORTEST)
    old = _older_version(law, effective_from=dt.date(2000, 1, 1), edit="【旧文】")
    key = f"{SHORTEST}/art-1"
    current = Provision.objects.get(version=law.current_version, key=key)
    html = _html(reader.get(reverse("laws:provision", args=[key]), {"v": old.pk}))
    assert "【旧文】" in html
    assert "2000-01-01" in html
    assert 'class="messages newer"' in html
    assert current.get_absolute_url() in html.replace("&amp;", "&")
    html = _html(reader.get(reverse("laws:provision", args=[key])))
    assert "【旧文】" not in html
    assert 'class="messages newer"' not in html


def test_unknown_provision_is_404(reader: Client) -> None:
    assert (
        reader.get(reverse("laws:provision", args=["food-safety-law/art-999"])).status_code == 404
    )
    url = reverse("laws:provision", args=["food-safety-law/art-124"])
    assert reader.get(url, {"v": "abc"}).status_code == 404
    other = Law.objects.get(slug=SHORTEST).current_version
    assert reader.get(url, {"v": other.pk}).status_code == 404


def _page_queries(client: Client, key: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _html(client.get(reverse("laws:provision", args=[key])))
    return len(ctx.captured_queries)


def test_provision_page_query_budget_does_not_grow_with_children(reader: Client) -> None:
    """A penalty article with three paragraphs and nine items costs what a two-paragraph penalty
    article costs; the same for a plain article with items and one without."""
    many, one = "food-safety-law/art-124", "food-safety-law/art-130"
    assert Provision.objects.filter(key__startswith=many + "/").count() == 12
    assert Provision.objects.filter(key__startswith=one + "/").count() == 2
    assert _page_queries(reader, many) == _page_queries(reader, one) <= PROVISION_BUDGET
    assert _page_queries(reader, "food-safety-law/art-2") == _page_queries(
        reader, "food-safety-law/art-3"
    )
    # the longest law's articles cost no more than the food safety law's
    assert _page_queries(reader, "civil-procedure-law/art-1") <= PROVISION_BUDGET
    assert _page_queries(reader, "food-safety-law/art-129") <= PROVISION_BUDGET  # applies 124


def test_reader_pages_need_a_login(laws: None) -> None:
    anonymous = Client()
    for url in (
        reverse("laws:law-list"),
        reverse("laws:law-detail", args=["food-safety-law"]),
        reverse("laws:provision", args=["food-safety-law/art-124"]),
    ):
        assert anonymous.get(url).status_code == 302
