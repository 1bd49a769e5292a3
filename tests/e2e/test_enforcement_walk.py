"""The demo walk of issue 4 ("Must show"), in a real browser, in Chinese:

an officer opens a general-procedure case, two officers investigate, a major decision is blocked
until the legal review agrees (a reviewer records "agree" in the UI), the decision PDF is
produced, the redacted disclosure appears on the portal within the deadline, and an overdue case
raises an alert whose deduction appears on the ranking page with a link back to the case.

Screenshots of each stage land in test-results/enforcement-walk-*.png.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
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
    from fazhi.enforcement.models import AuthorityBasis, AuthorityItem, Certificate, Officer
    from fazhi.enforcement.tests.conftest import make_resident_id
    from fazhi.laws.models import Provision
    from fazhi.laws.services import laws_load

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
    call_command("load_indicators", stdout=io.StringIO())  # assessment periods and indicators
    officers = []
    for i, (key, name) in enumerate((("officer", "李明"), ("second", "王芳"))):
        officer = Officer.objects.create(name=name, resident_id=make_resident_id(800 + i),
                                         agency=agency, user=users[key])
        officers.append(officer)
        Certificate.objects.create(
            officer=officer, number=f"15010200{i:06d}", sector=agency.sector,
            issued_on=today - timedelta(days=400), expires_on=today + timedelta(days=1500),
            state="active",
        )
    # The legal basis: Food Safety Law art. 34 (violated) and art. 124 (penalty).
    laws_load(directory=Path(settings.FAZHI_DATA_DIR) / "laws", only=["food-safety-law"])
    item = AuthorityItem.objects.create(
        agency=agency, code="XC-SP-001", act_type="penalty", name="对经营超过保质期食品的行政处罚",
        sector=agency.sector, penalty_types=["warning", "fine", "confiscate_gains"],
        fine_min=50000, fine_max=100000,
    )
    for key, role in (("food-safety-law/art-34", "violated"),
                      ("food-safety-law/art-124", "penalty")):
        AuthorityBasis.objects.create(
            item=item, role=role,
            provision=Provision.objects.filter(key=key).order_by("-version_id").first(),
        )
    return {"agency": agency, "item": item, "officers": officers, **users}


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

    # 3. Prior notice of a fine of 50,000 yuan (a major decision in the typical catalogue), the
    #    party states its defence and waives the hearing.
    def propose(form: Any) -> None:
        form.get_by_label("罚款", exact=True).check()
        form.get_by_label("罚款金额（元）").fill("50000")
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

    # 7. The decision PDF (行政处罚决定书) is produced from the documents panel.
    panel = officer.locator("#documents-panel")
    panel.locator("select[name=kind]").select_option("decision")
    panel.get_by_role("button", name="生成 PDF").click()
    officer.wait_for_load_state("networkidle")
    messages = officer.locator(".messages")
    assert "error" not in (messages.get_attribute("class") or ""), messages.inner_text()
    assert officer.locator(".messages li.error").count() == 0, messages.inner_text()
    link = officer.locator("#documents-panel a", has_text="行政处罚决定书")
    pdf = officer.request.get(base + link.get_attribute("href"))
    assert pdf.ok
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"
    assert case.documents.filter(kind="decision").count() == 1
    screenshot(officer, "enforcement-walk-4-decision-pdf")

    # 8. The redacted disclosure is on the public portal, published within its deadline.
    disclosure = case.disclosure
    disclosure.refresh_from_db()
    assert disclosure.state == "published"
    assert timezone.localdate(disclosure.published_at) <= disclosure.due_on
    public_url = officer.locator("#disclosure-panel a", has_text="公开页面").get_attribute("href")
    visitor = new_page(browser)  # nobody logged in
    visitor.goto(f"{base}/public/disclosures/")
    listed = visitor.locator(f"a[href='{public_url}']")
    assert listed.count() == 1
    assert PARTY_NAME not in visitor.content()
    listed.click()
    visitor.wait_for_load_state("networkidle")
    body = visitor.locator("main").inner_text()
    assert PARTY_NAME not in body
    assert PARTY_ID not in body
    assert "张某" in body
    assert "50000" in body.replace(",", "") or "5万" in body
    screenshot(visitor, "enforcement-walk-5-public-disclosure")

    # 9. An overdue case raises an alert; its deduction shows on the ranking page with a link
    #    back to the case. The case was filed 100 days ago and is still undecided (art. 60: 90
    #    days); the periodic sweep (Celery beat in production) opens the alert.
    from fazhi.enforcement.models import Alert
    from fazhi.enforcement.services.cases import case_open, case_transition
    from fazhi.enforcement.services.supervision import alerts_sweep

    past = timezone.now() - timedelta(days=100)
    late = case_open(actor=walk_world["officer"], agency=walk_world["agency"],
                     act_type="penalty", procedure="general", title="逾期未决的案件",
                     authority_item=walk_world["item"],
                     officers=list(walk_world["officers"]), at=past)
    case_transition(actor=walk_world["officer"], case=late, to="filed", at=past)
    alerts_sweep()
    alert = Alert.objects.get(case=late, rule="decision_overdue")
    assert alert.state == "open"
    supervisor = new_page(browser)
    log_in(supervisor, base, "walk-supervisor")
    supervisor.goto(f"{base}/assessment/ranking/?level=department")
    row = supervisor.locator("tr", has_text=walk_world["agency"].name)
    assert "-" in row.inner_text()  # a deduction
    screenshot(supervisor, "enforcement-walk-6-ranking")
    row.get_by_role("link", name=walk_world["agency"].name).click()
    supervisor.wait_for_load_state("networkidle")
    entry = supervisor.locator("a", has_text=late.number).first  # the score entry's source
    entry.click()
    supervisor.wait_for_load_state("networkidle")
    assert supervisor.url.endswith(f"/enforcement/cases/{late.pk}/")
    assert "逾期未决的案件" in supervisor.locator("h1").inner_text()
    screenshot(supervisor, "enforcement-walk-7-overdue-case")

def test_case_pages_fit_a_phone(
    live_server: Any, phone_page: Any, walk_world: dict[str, Any], screenshot: Any
) -> None:
    """The list, the case page and the open-a-case form are usable at 390 px: nothing wider
    than the screen, the list turns into cards."""
    from fazhi.enforcement.services.cases import case_open, party_get_or_create

    officer_user = walk_world["officer"]
    party = party_get_or_create(actor=officer_user, kind="citizen", name=PARTY_NAME,
                                id_number=PARTY_ID)
    case = case_open(actor=officer_user, agency=walk_world["agency"], act_type="penalty",
                     procedure="general", title="手机端查看的案件", party=party,
                     authority_item=walk_world["item"])
    log_in(phone_page, live_server.url, "walk-officer")
    pages = (("/enforcement/cases/", "list"), (f"/enforcement/cases/{case.pk}/", "detail"),
             ("/enforcement/cases/new/", "create"))
    for path, name in pages:
        phone_page.goto(f"{live_server.url}{path}")
        assert phone_page.evaluate("() => document.documentElement.scrollWidth") <= 390, path
        screenshot(phone_page, f"enforcement-cases-phone-{name}")
    phone_page.goto(f"{live_server.url}/enforcement/cases/")
    assert phone_page.get_by_text("手机端查看的案件").is_visible()
