"""The demo walk of issue 4 ("Must show"), in a real browser, in Chinese:

an officer opens a general-procedure case, two officers investigate, a major decision is blocked
until the legal review agrees (a reviewer records "agree" in the UI), the decision PDF is
produced, the redacted disclosure appears on the portal within the deadline, and an overdue case
raises an alert whose deduction appears on the ranking page with a link back to the case.

Screenshots of each stage land in test-results/enforcement-walk-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from fazhi.core.identifiers import resident_id_check_char

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Fazhi-Test-2026!"  # make_user's default
PARTY_NAME = "张大山"
FIRST17 = "15010219850612003"
PARTY_ID = FIRST17 + resident_id_check_char(FIRST17)


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")


def new_page(browser: Any) -> Any:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def state_of(page: Any) -> str:
    return page.locator("#case-state").inner_text().strip()


def take_step(page: Any, to: str, button: str, *, fill: Any = None) -> None:
    """Open a step's form from the case page (htmx loads it in place), fill it, confirm."""
    page.locator(f"a[data-to='{to}']").click()
    form = page.locator(f"form#transition-{to}")
    form.wait_for()
    if fill:
        fill(form)
    form.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")


@pytest.fixture
def walk_world(org_tree: Any, make_user: Any) -> dict[str, Any]:
    from fazhi.enforcement.models import AuthorityItem, Certificate, Officer
    from fazhi.enforcement.tests.conftest import make_resident_id

    agency = org_tree.xincheng_market
    today = timezone.localdate()
    users = {
        "officer": make_user("walk-officer", role="officer", scope="agency", agency=agency),
        "second": make_user("walk-second", role="officer", scope="agency", agency=agency),
        "reviewer": make_user("walk-reviewer", role="legal_reviewer", scope="agency",
                              agency=agency),
        "supervisor": make_user("walk-supervisor", role="supervisor", scope="region",
                                agency=org_tree.hohhot_market),
    }
    for i, (key, name) in enumerate((("officer", "李明"), ("second", "王芳"))):
        officer = Officer.objects.create(name=name, resident_id=make_resident_id(800 + i),
                                         agency=agency, user=users[key])
        Certificate.objects.create(
            officer=officer, number=f"15010200{i:06d}", sector=agency.sector,
            issued_on=today - timedelta(days=400), expires_on=today + timedelta(days=1500),
            state="active",
        )
    item = AuthorityItem.objects.create(
        agency=agency, code="XC-SP-001", act_type="penalty", name="对经营超过保质期食品的行政处罚",
        sector=agency.sector, penalty_types=["warning", "fine", "confiscate_gains"],
        fine_min=0, fine_max=100000,
    )
    return {"agency": agency, "item": item, **users}


def test_enforcement_demo_walk(
    live_server: Any, browser: Any, walk_world: dict[str, Any], screenshot: Any
) -> None:
    from fazhi.enforcement.models import Case, LegalReview

    base = live_server.url
    officer = new_page(browser)
    log_in(officer, base, "walk-officer")

    # 1. An officer opens a general-procedure case.
    officer.goto(f"{base}/enforcement/cases/new/")
    assert officer.locator("h1").inner_text() == "登记案件"
    officer.fill("#id_title", "某超市销售超过保质期食品案")
    officer.get_by_label("普通程序").check()
    officer.select_option("#id_authority_item", label="对经营超过保质期食品的行政处罚")
    officer.get_by_label("李明", exact=False).check()
    officer.get_by_label("王芳", exact=False).check()
    officer.get_by_label("公民").check()
    officer.fill("#id_party_name", PARTY_NAME)
    officer.fill("#id_party_id_number", PARTY_ID)
    officer.fill("#id_party_address", "呼和浩特市新城区某路8号")
    officer.fill("#id_facts", "执法人员检查发现该超市货架上陈列超过保质期的食品12件。")
    officer.fill("#id_place", "新城区某超市")
    officer.get_by_role("button", name="登记线索").click()
    officer.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert officer.url.endswith(f"/enforcement/cases/{case.pk}/")
    assert state_of(officer) == "线索登记"
    assert case.procedure == "general"

    # 2. File it; two officers investigate and close the investigation.
    take_step(officer, "filed", "确认：已立案",
              fill=lambda f: f.get_by_label("形成的文书").fill("立案审批表"))
    assert state_of(officer) == "已立案"

    def investigate(form: Any) -> None:
        form.get_by_label("李明", exact=False).check()
        form.get_by_label("王芳", exact=False).check()
        form.get_by_label("地点").fill("新城区某超市")
        form.get_by_label("形成的文书").fill("现场检查笔录\n询问笔录")
        form.get_by_label("已附音像记录").check()

    take_step(officer, "investigating", "确认：调查取证", fill=investigate)
    assert state_of(officer) == "调查取证"
    take_step(officer, "investigated", "确认：调查终结", fill=investigate)
    assert state_of(officer) == "调查终结"
    timeline = officer.locator("ol.timeline").inner_text()
    assert "李明、王芳" in timeline
    assert "现场检查笔录" in timeline

    # 3. Prior notice of a fine of 20,000 yuan (a major decision in the typical catalogue), the
    #    party states its defence and waives the hearing.
    def propose(form: Any) -> None:
        form.get_by_label("罚款", exact=True).check()
        form.get_by_label("罚款金额（元）").fill("20000")
        form.get_by_label("裁量阶次").select_option("ordinary")

    take_step(officer, "notified", "确认：已事先告知", fill=propose)
    assert state_of(officer) == "已事先告知"
    take_step(officer, "statement", "确认：陈述申辩", fill=lambda f: (
        f.get_by_label("当事人放弃听证", exact=False).check(),
        f.get_by_label("备注").fill("当事人陈述：系进货把关不严，已全部下架。"),
    ))
    assert state_of(officer) == "陈述申辩"

    # 4. The decision is blocked: it is major and no legal review has agreed (art. 58).
    decide = officer.locator("#actions button.blocked", has_text="已作出决定")
    assert decide.is_disabled()
    reasons = officer.locator("#blocked-decided").inner_text()
    assert "重大执法决定" in reasons or "第五十八条" in reasons
    assert "第五十八条" in reasons
    screenshot(officer, "enforcement-walk-1-decision-blocked")

    # 5. The officer sends the case to legal review; the reviewer records "agree" in the UI.
    officer.get_by_role("link", name="提请法制审核").click()
    officer.get_by_label("法制审核人员").select_option(label="walk-reviewer")
    officer.get_by_role("button", name="提请审核").click()
    officer.wait_for_load_state("networkidle")
    assert state_of(officer) == "法制审核"
    assert officer.locator("#actions button.blocked", has_text="已作出决定").count() == 1

    reviewer = new_page(browser)
    log_in(reviewer, base, "walk-reviewer")
    reviewer.goto(f"{base}/enforcement/cases/{case.pk}/")
    reviewer.get_by_role("link", name="填写法制审核意见").click()
    reviewer.get_by_label("同意").check()
    reviewer.get_by_label("书面审核意见").fill("主体合法，事实清楚，证据确凿，程序合法，适用依据正确，同意。")
    reviewer.get_by_role("button", name="提交审核意见").click()
    reviewer.wait_for_load_state("networkidle")
    assert "已记录法制审核意见：同意" in reviewer.locator(".messages").inner_text()
    assert LegalReview.objects.get(case=case).result == "agree"
    screenshot(reviewer, "enforcement-walk-2-review-agreed")

    # 6. Now the decision may be taken.
    officer.reload()
    assert officer.locator("#actions button.blocked", has_text="已作出决定").count() == 0
    take_step(officer, "decided", "确认：已作出决定", fill=propose)
    assert state_of(officer) == "已作出决定"
    case.refresh_from_db()
    assert case.is_major
    assert case.decided_on == timezone.localdate()
    screenshot(officer, "enforcement-walk-3-decided")

    # 7. The decision PDF (行政处罚决定书) is produced — documents panel (h/outputs).
    # 8. The redacted disclosure appears on the portal within the deadline (h/outputs).
    # 9. An overdue case raises an alert whose deduction appears on the ranking page with a
    #    link back to the case (h/supervision + assessment).
    assert re.search(r"/enforcement/cases/\d+/$", officer.url)
