"""The legal library in a real browser: browse, read a law, open a penalty provision with its parsed
facts, search, and ask the recommender in the officer's own words — on a desktop and a phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.e2e.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SOME_LAWS = [
    "food-safety-law",
    "administrative-penalty-law",
    "public-security-administration-punishments-law",
    "product-quality-law",
]


@pytest.fixture
def library(db: Any) -> None:
    from fazhi.laws.services import laws_load
    from fazhi.orgs.services import sectors_load

    sectors_load()
    laws_load(directory=Path(settings.FAZHI_DATA_DIR) / "laws", only=SOME_LAWS)


def test_officer_reads_a_penalty_provision_and_finds_it_by_description(
    live_server: Any, page: Any, org_tree: Any, make_user: Any, library: None, screenshot: Any
) -> None:
    make_user("e2e_reader", role="officer", scope="self", agency=org_tree.xincheng_market)
    log_in(page, live_server.url, "e2e_reader")

    page.get_by_role("link", name="法律法规").first.click()
    page.wait_for_load_state("networkidle")
    assert "中华人民共和国食品安全法" in page.content()
    page.get_by_role("link", name="中华人民共和国食品安全法").first.click()
    page.wait_for_load_state("networkidle")
    assert "第九章 法律责任" in page.content()
    screenshot(page, "laws-food-safety")

    page.goto(f"{live_server.url}/laws/provisions/food-safety-law/art-124/")
    body = page.content()
    assert "第一百二十四条" in body
    assert "5万元" in body or "50,000" in body or "五万元" in body
    assert "十倍" in body or "10" in body
    screenshot(page, "laws-provision-124")

    page.goto(f"{live_server.url}/laws/search/?q=超过保质期")
    assert page.locator("mark").first.is_visible()

    page.goto(f"{live_server.url}/laws/recommend/")
    page.fill("input[name=q]", "后厨使用过期两个月的牛奶")
    page.get_by_role("button", name="推荐").click()
    page.wait_for_load_state("networkidle")
    first = page.locator("ol.results li").first
    assert "食品安全法" in page.locator("ol.results").inner_text()
    assert first.is_visible()
    screenshot(page, "laws-recommend")


def test_provision_page_works_on_a_phone(
    live_server: Any, phone_page: Any, org_tree: Any, make_user: Any, library: None
) -> None:
    make_user("e2e_phone", role="officer", scope="self", agency=org_tree.xincheng_market)
    log_in(phone_page, live_server.url, "e2e_phone")
    phone_page.goto(f"{live_server.url}/laws/provisions/administrative-penalty-law/art-51/")
    assert "第五十一条" in phone_page.content()
    width = phone_page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"the page scrolls sideways on a phone ({width}px)"
