"""Generated documents (issue 4 §5): art. 59 / art. 52 contents checked item by item, the PDFs'
text and embedded font, the stored SHA-256, the case code QR, and the scoped download."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fazhi.enforcement.documents import (
    DECISION_REQUIREMENTS,
    ON_THE_SPOT_REQUIREMENTS,
    decision_missing_items,
    on_the_spot_missing_items,
    qr_svg,
)
from fazhi.enforcement.tests.test_documents_factories import (  # noqa: F401 - fixtures
    CITIZEN_ADDRESS,
    CITIZEN_NAME,
    case_factory,
    food_item,
)

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils not installed",
)

COMPLETE_DECISION = {
    "party_name": "王小明", "party_address": "呼和浩特市新城区海拉尔东街12号",
    "facts": "销售超过保质期的食品", "evidence": ["现场检查笔录"],
    "penalty_types": ["警告", "罚款"],
    "penalty_basis": ["《中华人民共和国食品安全法》第一百二十四条"],
    "violated": ["《中华人民共和国食品安全法》第三十四条"], "performance": "十五日内缴纳",
    "remedies": "六十日内申请行政复议，六个月内提起行政诉讼", "organ": "新城区市场监督管理局",
    "decided_on": date(2025, 9, 26), "seal": "（印章）", "number": "罚决〔2025〕1号",
    "party_id_number": "150102198506125017", "discretion": "一般处罚", "has_fine": True,
    "fine": "人民币5,000.00元",
}


def test_a_complete_decision_has_nothing_missing() -> None:
    assert decision_missing_items(COMPLETE_DECISION) == []


@pytest.mark.parametrize(
    ("key", "label"),
    [(key, r.label) for r in DECISION_REQUIREMENTS for key in r.keys],
)
def test_each_art_59_item_is_required(key: str, label: str) -> None:
    ctx = dict(COMPLETE_DECISION, **{key: [] if isinstance(COMPLETE_DECISION[key], list) else ""})
    assert decision_missing_items(ctx) == [label]


def test_art_59_items_cover_the_seven_statutory_contents() -> None:
    cited = " ".join(r.label for r in DECISION_REQUIREMENTS)
    for item in ("第一项", "第二项", "第三项", "第四项", "第五项", "第六项", "第二款"):
        assert item in cited


def test_a_fine_without_an_amount_is_incomplete() -> None:
    missing = decision_missing_items(dict(COMPLETE_DECISION, fine=""))
    assert missing == ["罚款数额（第五十九条第三项）"]
    assert decision_missing_items(dict(COMPLETE_DECISION, fine="", has_fine=False)) == []


COMPLETE_ON_THE_SPOT = dict(COMPLETE_DECISION, place="新城区海拉尔东街",
                            officers=[{"name": "赵执法", "certificate": "15010001"}])


@pytest.mark.parametrize(
    ("key", "label"),
    [(key, r.label) for r in ON_THE_SPOT_REQUIREMENTS for key in r.keys],
)
def test_each_art_52_item_is_required(key: str, label: str) -> None:
    assert on_the_spot_missing_items(COMPLETE_ON_THE_SPOT) == []
    blank = [] if isinstance(COMPLETE_ON_THE_SPOT[key], list) else ""
    assert on_the_spot_missing_items(dict(COMPLETE_ON_THE_SPOT, **{key: blank})) == [label]


def test_the_qr_is_an_inline_svg_of_the_url() -> None:
    svg = qr_svg("https://example.org/public/c/" + "A" * 32 + "/")
    assert svg.startswith("<svg")
    assert "一案一码" in svg


def _pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return "".join(out.split())


def _pdf_fonts(path: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return out.stdout.splitlines()[2:]


@needs_poppler
def test_decision_pdf_carries_every_art_59_item_and_embeds_the_font(
    case_factory: Any, food_item: Any, make_user: Any, org_tree: Any, tmp_path: Path  # noqa: F811
) -> None:
    from fazhi.enforcement.services.documents import case_code_find, document_generate

    case = case_factory(item=food_item)
    actor = make_user("xc-officer", role="officer", scope="agency", agency=org_tree.xincheng_market)
    document = document_generate(actor=actor, case=case, kind="decision")

    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert data.startswith(b"%PDF")
    assert document.size == len(data)
    pdf = tmp_path / "decision.pdf"
    pdf.write_bytes(data)
    text = _pdf_text(pdf)
    for expected in (
        "行政处罚决定书", document.number, CITIZEN_NAME, CITIZEN_ADDRESS, case.party.id_number,
        "销售超过保质期的食品", "现场检查笔录", "询问笔录",
        "《中华人民共和国食品安全法》第三十四条", "《中华人民共和国食品安全法》第一百二十四条",
        "警告", "罚款人民币5,000.00元", "15日内", "加处罚款", "〔2025〕",
        "60日内", "申请行政复议", "6个月内", "行政诉讼", "新城区人民政府",
        "新城区市场监督管理局", "2025年9月26日", "（印章）", "一般处罚",
    ):
        assert expected in text, expected
    fonts = _pdf_fonts(pdf)
    assert fonts, "no font in the PDF"
    assert all("Fazhi-PDF" in row for row in fonts), fonts
    assert all(row.split()[-5] == "yes" for row in fonts), "font not embedded"
    # the QR's URL is the case code, and it resolves to this case
    token = text.split("/public/c/")[1][:32]
    assert case_code_find(token, today=date(2025, 10, 1)).case_id == case.pk


@needs_poppler
def test_on_the_spot_decision_carries_art_52_items(
    case_factory: Any, food_item: Any, tmp_path: Path  # noqa: F811
) -> None:
    from fazhi.enforcement.services.documents import document_generate

    case = case_factory(item=food_item, procedure="simple", penalty_types=["fine"],
                        fine=__import__("decimal").Decimal("200"))
    document = document_generate(actor=None, case=case, kind="on_the_spot_decision")
    pdf = tmp_path / "spot.pdf"
    pdf.write_bytes(document.file.read())
    text = _pdf_text(pdf)
    for expected in ("当场行政处罚决定书", "人民币200.00元", "新城区海拉尔东街", "赵执法",
                     "《中华人民共和国食品安全法》第一百二十四条", "申请行政复议", "拒绝签收"):
        assert expected in text, expected


@needs_poppler
@pytest.mark.parametrize(
    ("kind", "title"),
    [("filing_approval", "立案审批表"), ("prior_notice", "行政处罚事先告知书"),
     ("hearing_notice", "行政处罚听证告知书"), ("service_receipt", "送达回证")],
)
def test_other_documents_render(
    case_factory: Any, food_item: Any, tmp_path: Path, kind: str, title: str  # noqa: F811
) -> None:
    from fazhi.enforcement.services.documents import document_generate

    document = document_generate(actor=None, case=case_factory(item=food_item), kind=kind)
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(document.file.read())
    text = _pdf_text(pdf)
    assert title in text
    assert CITIZEN_NAME in text
    assert "/public/c/" in text
    assert all(row.split()[-5] == "yes" for row in _pdf_fonts(pdf))


def test_hearing_notice_states_the_5_working_day_request_deadline(case_factory: Any) -> None:  # noqa: F811
    from fazhi.enforcement.documents import document_context

    ctx = document_context(case_factory(), "hearing_notice", number="x", code_url="/c/",
                           issued_on=date(2025, 9, 26))
    # 26 Sep 2025 (Friday) + 5 working days, across the National Day holiday (1–8 Oct 2025;
    # Sunday 28 Sep is a make-up working day): 28 Sep, 29 Sep, 30 Sep, 9 Oct, 10 Oct.
    assert ctx["hearing_request_due_on"] == date(2025, 10, 10)


@pytest.mark.parametrize(
    ("procedure", "kind", "decided", "message"),
    [
        ("general", "on_the_spot_decision", True, "只适用于简易程序"),
        ("simple", "decision", True, "适用于普通程序"),
        ("general", "decision", False, "尚未作出处罚决定"),
        ("general", "service_receipt", False, "没有需要送达的决定书"),
        ("general", "nonsense", True, "未知的文书种类"),
    ],
)
def test_documents_that_do_not_fit_the_case_are_refused(
    case_factory: Any, procedure: str, kind: str, decided: bool, message: str  # noqa: F811
) -> None:
    from fazhi.enforcement.services.documents import document_generate

    case = case_factory(procedure=procedure, decided_on=date(2025, 9, 26) if decided else None,
                        state="decided" if decided else "investigating")
    with pytest.raises(ValidationError, match=message):
        document_generate(actor=None, case=case, kind=kind)


def test_a_decision_without_legal_basis_is_refused_citing_art_59(case_factory: Any) -> None:  # noqa: F811
    from fazhi.enforcement.models import CaseDocument
    from fazhi.enforcement.services.documents import document_generate

    case = case_factory(item=None)
    with pytest.raises(ValidationError, match="第五十九条第三项"):
        document_generate(actor=None, case=case, kind="decision")
    assert not CaseDocument.objects.exists()


def test_regenerating_keeps_the_number_and_the_case_code(case_factory: Any) -> None:  # noqa: F811
    from fazhi.enforcement.models import CaseCode
    from fazhi.enforcement.services.documents import case_code_issue, document_generate

    case = case_factory()
    first = document_generate(actor=None, case=case, kind="filing_approval")
    second = document_generate(actor=None, case=case, kind="filing_approval")
    assert first.pk != second.pk
    assert first.number == second.number
    assert first.number.startswith("新城区市场监督管理局立审〔")
    assert CaseCode.objects.filter(case=case).count() == 1
    _code, token = case_code_issue(case)
    assert case_code_issue(case)[1] == token


def test_the_database_holds_only_the_digest_of_the_case_code(case_factory: Any) -> None:  # noqa: F811
    """QR-6: ≥ 128-bit token, URL-safe alphabet, stored as SM3 only."""
    import re

    from fazhi.core.tokens import token_digest
    from fazhi.enforcement.models import CaseCode
    from fazhi.enforcement.services.documents import case_code_issue

    case = case_factory()
    code, token = case_code_issue(case)
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 24 bytes = 192 bits
    row = CaseCode.objects.filter(pk=code.pk).values()[0]
    assert token not in {str(v) for v in row.values()}
    assert row["token_digest"] == token_digest(token)
    other = case_code_issue(case_factory())[1]
    assert other != token
    # expiry covers the litigation period (6 months) plus a margin after the decision
    assert code.expires_on == date(2026, 4, 25)


def test_panel_generate_and_download_are_scoped(
    case_factory: Any, make_user: Any, org_tree: Any, client: Any  # noqa: F811
) -> None:
    from django.template.loader import render_to_string

    from fazhi.enforcement.models import CaseDocument

    case = case_factory()
    own = make_user("own", role="officer", scope="agency", agency=org_tree.xincheng_market)
    other = make_user("other", role="officer", scope="agency", agency=org_tree.baotou_market)
    client.force_login(other)
    url = reverse("enforcement:document-generate", args=[case.pk])
    assert client.post(url, {"kind": "filing_approval"}).status_code == 404
    assert not CaseDocument.objects.exists()
    # a supervisor whose scope covers the case sees it but does not act for its agency
    watcher = make_user("watcher", role="supervisor", scope="division", division=org_tree.hohhot)
    client.force_login(watcher)
    assert client.post(url, {"kind": "filing_approval"}).status_code == 403
    assert not CaseDocument.objects.exists()
    client.force_login(own)
    response = client.post(url, {"kind": "filing_approval"})
    assert response.status_code == 302
    document = CaseDocument.objects.get()
    download = reverse("enforcement:document-download", args=[document.pk])
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(other)
    assert client.get(download).status_code == 404
    html = render_to_string("enforcement/documents/_case_panel.html", {"case": case})
    assert download in html
    assert document.number in html
