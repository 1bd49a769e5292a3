"""Rendering of enforcement documents (执法文书) as PDF, issue 4 §5.

Three layers, so the legal content can be tested without a PDF:

- `document_context(case, kind, ...)` reads the case into a plain dict (the template's context);
- `decision_missing_items(ctx)` / `on_the_spot_missing_items(ctx)` are pure checkers of the
  contents the law requires (《行政处罚法》第五十九条, 第五十二条; rulebook §1.5, §1.8) and return
  the missing items in Chinese;
- `render_pdf(kind, ctx)` renders the Django template `enforcement/documents/pdf/<kind>.html` with
  WeasyPrint, A4, embedding the Noto Serif SC font built by `make assets` (stack.md §3.2), and the
  case code as an inline SVG QR (`segno.make_qr`, stack.md §3.3).

The PDF templates are prescribed official forms and are written in Chinese whatever the interface
language (the document is the legal act, not a view of it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from fazhi.enforcement.models import AuthorityBasis, Case, Step
from fazhi.enforcement.rules.enums import PartyKind, PenaltyType

BASIS_DECISION = "《行政处罚法》第五十九条"
BASIS_ON_THE_SPOT = "《行政处罚法》第五十二条"
BASIS_PRIOR_NOTICE = "《行政处罚法》第四十四条、第四十五条"
BASIS_HEARING = "《行政处罚法》第六十三条、第六十四条"
BASIS_SERVICE = "《行政处罚法》第六十一条"
# Remedies (rulebook §1.9): reconsideration within 60 days (《行政复议法》第二十条),
# litigation within 6 months (《行政诉讼法》第四十六条).
RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6
# Payment within 15 days of receipt (art. 67); surcharge 3 % a day, never above the fine (art. 72).
PAYMENT_DAYS = 15
# Hearing request window: 5 working days after the notice (art. 64 (1)).
HEARING_REQUEST_WORKING_DAYS = 5
# Statement and defence: no statutory period; practice gives 3–5 working days [PRAC].
STATEMENT_WORKING_DAYS = 5

PENALTY_TYPE_ZH = {
    PenaltyType.WARNING: "警告",
    PenaltyType.CRITICISM: "通报批评",
    PenaltyType.FINE: "罚款",
    PenaltyType.CONFISCATE_GAINS: "没收违法所得",
    PenaltyType.CONFISCATE_PROPERTY: "没收非法财物",
    PenaltyType.SUSPEND_PERMIT: "暂扣许可证件",
    PenaltyType.LOWER_QUALIFICATION: "降低资质等级",
    PenaltyType.REVOKE_PERMIT: "吊销许可证件",
    PenaltyType.RESTRICT_BUSINESS: "限制开展生产经营活动",
    PenaltyType.SUSPEND_BUSINESS: "责令停产停业",
    PenaltyType.CLOSURE: "责令关闭",
    PenaltyType.RESTRICT_PRACTICE: "限制从业",
    PenaltyType.DETENTION: "行政拘留",
    PenaltyType.OTHER: "其他行政处罚",
}
TIER_ZH = {
    "no_penalty": "不予处罚",
    "mitigated": "减轻处罚",
    "lighter": "从轻处罚",
    "ordinary": "一般处罚",
    "heavier": "从重处罚",
}
TITLES = {
    "filing_approval": "立案审批表",
    "prior_notice": "行政处罚事先告知书",
    "hearing_notice": "行政处罚听证告知书",
    "decision": "行政处罚决定书",
    "on_the_spot_decision": "当场行政处罚决定书",
    "service_receipt": "送达回证",
}
# Document-number words (文号): 〔year〕 and the kind's word.
NUMBER_WORDS = {
    "filing_approval": "立审",
    "prior_notice": "罚告",
    "hearing_notice": "听告",
    "decision": "罚决",
    "on_the_spot_decision": "当罚",
    "service_receipt": "送证",
}

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts" / "pdf"
FONT_FAMILY = "Fazhi PDF"


class DocumentError(Exception):
    """A document cannot be produced; `messages` are Chinese and name the article."""

    def __init__(self, messages: list[str]) -> None:
        self.messages = messages
        super().__init__("；".join(messages))


def document_number(case: Case, kind: str, year: int, serial: int) -> str:
    """Agency name + word + 〔year〕 + serial 号, e.g. 新城区市场监督管理局罚决〔2026〕12号."""
    return f"{case.agency.name}{NUMBER_WORDS[kind]}〔{year}〕{serial}号"


def qr_svg(url: str) -> str:
    """The case code as an inline SVG QR (segno.make_qr, never segno.make: stack.md §3.3)."""
    return segno.make_qr(url, error="m").svg_inline(scale=3, title="一案一码")


def _fine_text(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"人民币{amount:,.2f}元"


def _bases(case: Case) -> tuple[list[str], list[str]]:
    """(违反条款, 处罚依据) of the case's authority item, as citations (rulebook §1.8 [PRAC])."""
    if case.authority_item_id is None:
        return [], []
    violated: list[str] = []
    penalty: list[str] = []
    bases = (
        AuthorityBasis.objects.filter(item_id=case.authority_item_id)
        .select_related("provision__law")
        .order_by("role", "provision__position")
    )
    for basis in bases:
        citation = f"《{basis.provision.law.title}》{basis.provision.label}"
        if basis.role == AuthorityBasis.Role.VIOLATED:
            violated.append(citation)
        elif basis.role == AuthorityBasis.Role.PENALTY:
            penalty.append(citation)
    item = case.authority_item
    if not penalty and item is not None and item.source_provision_id:
        source = item.source_provision
        penalty.append(f"《{source.law.title}》{source.label}")
    return violated, penalty


def _evidence(case: Case) -> list[str]:
    """Documents produced by the case's steps (art. 46 evidence types), in order, once each."""
    seen: dict[str, None] = {}
    for documents in Step.objects.filter(case=case).values_list("documents", flat=True):
        for name in documents or []:
            if isinstance(name, str) and name.strip():
                seen.setdefault(name.strip(), None)
    return list(seen)


def _officers(case: Case) -> list[dict[str, str]]:
    from fazhi.enforcement.models import Certificate

    rows = []
    for role in case.officers.select_related("officer").order_by("id"):
        cert = (
            Certificate.objects.filter(officer_id=role.officer_id, state="active")
            .order_by("-issued_on")
            .values_list("number", flat=True)
            .first()
        )
        rows.append({"name": role.officer.name, "certificate": cert or ""})
    return rows


def document_context(
    case: Case,
    kind: str,
    *,
    number: str,
    code_url: str,
    issued_on: date | None = None,
) -> dict[str, Any]:
    """Everything a document of `kind` prints, read from the case (plain values only)."""
    from fazhi.core.calendar import CalendarYearNotSupported, deadline

    agency = case.agency
    party = case.party
    violated, penalty_basis = _bases(case)
    penalty_types = [PENALTY_TYPE_ZH.get(PenaltyType(t), t) for t in case.penalty_types or []]
    has_fine = PenaltyType.FINE.value in (case.penalty_types or [])
    decided_kind = kind in ("decision", "on_the_spot_decision")
    issued = issued_on or (case.decided_on if decided_kind else None)
    issued = issued or timezone.localdate()
    government = getattr(agency.government, "name", "")
    performance = ""
    if case.penalty_types:
        performance = "本决定书送达之日起生效。"
        if has_fine:
            performance = (
                f"当事人应当自收到本决定书之日起{PAYMENT_DAYS}日内，到指定银行或者通过电子支付系统"
                "缴纳罚款（《行政处罚法》第六十七条）。到期不缴纳罚款的，每日按罚款数额的百分之三"
                "加处罚款，加处罚款的数额不超出罚款的数额（《行政处罚法》第七十二条）。"
            )
    remedies = (
        f"如不服本决定，可以在收到本决定书之日起{RECONSIDERATION_DAYS}日内"
        f"向{government or '本级人民政府'}"
        f"申请行政复议，也可以在收到本决定书之日起{LITIGATION_MONTHS}个月内依法向人民法院提起行政诉讼。"
        "行政复议或者行政诉讼期间，本决定不停止执行（《行政处罚法》第七十三条）。"
    )

    def _working_deadline(n: int, basis: str) -> date | None:
        try:
            return deadline(issued, n, "working_day", basis=basis).due
        except CalendarYearNotSupported:
            return None

    discretion = ""
    if case.tier:
        tier = TIER_ZH.get(case.tier, case.tier)
        discretion = f"依据本机关公布的行政处罚裁量基准，本案适用“{tier}”情形。"
        if case.outside_benchmark_reason:
            discretion += f"偏离裁量基准的理由：{case.outside_benchmark_reason}"
    return {
        "kind": kind,
        "title": TITLES[kind],
        "number": number,
        "organ": agency.name,
        "organ_credit_code": agency.credit_code,
        "government": government,
        "issued_on": issued,
        "case_number": case.number,
        "case_title": case.title,
        "procedure": case.procedure,
        "party_kind": party.kind if party else "",
        "party_kind_label": (
            "公民" if party and party.kind == PartyKind.CITIZEN else "法人或者其他组织"
        ),
        "party_name": party.name if party else "",
        "party_id_number": party.id_number if party else "",
        "party_address": party.address if party else "",
        "party_representative": party.legal_representative if party else "",
        "facts": case.facts,
        "evidence": _evidence(case),
        "place": case.place,
        "violated": violated,
        "penalty_basis": penalty_basis,
        "penalty_types": penalty_types,
        "fine": _fine_text(case.fine_amount) if has_fine else "",
        "has_fine": has_fine,
        "performance": performance,
        "remedies": remedies,
        "reconsideration_days": RECONSIDERATION_DAYS,
        "litigation_months": LITIGATION_MONTHS,
        "discretion": discretion,
        "officers": _officers(case),
        "seal": "（印章）",
        "decided_on": case.decided_on,
        "filed_on": case.filed_on,
        "statement_due_on": _working_deadline(STATEMENT_WORKING_DAYS, "[PRAC]"),
        "hearing_request_due_on": _working_deadline(HEARING_REQUEST_WORKING_DAYS, BASIS_HEARING),
        "code_url": code_url,
    }


@dataclass(frozen=True)
class Requirement:
    label: str  # Chinese, names the article
    keys: tuple[str, ...]  # all must be non-empty


# 《行政处罚法》第五十九条 (rulebook §1.8 items 1–7) plus the practical additions [PRAC].
DECISION_REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("当事人的姓名或者名称、地址（第五十九条第一项）", ("party_name", "party_address")),
    Requirement("违反法律、法规、规章的事实和证据（第五十九条第二项）", ("facts", "evidence")),
    Requirement("行政处罚的种类和依据（第五十九条第三项）", ("penalty_types", "penalty_basis")),
    Requirement("违反的法律条款（第五十九条第三项）", ("violated",)),
    Requirement("行政处罚的履行方式和期限（第五十九条第四项）", ("performance",)),
    Requirement("申请行政复议、提起行政诉讼的途径和期限（第五十九条第五项）", ("remedies",)),
    Requirement("作出行政处罚决定的行政机关名称和作出决定的日期（第五十九条第六项）",
                ("organ", "decided_on")),
    Requirement("行政机关的印章（第五十九条第二款）", ("seal",)),
    Requirement("文书编号（文号）", ("number",)),
    Requirement("当事人统一社会信用代码或者身份证件号码", ("party_id_number",)),
    Requirement("裁量理由（行政处罚裁量基准）", ("discretion",)),
)

# 《行政处罚法》第五十二条 (rulebook §1.5): contents of the pre-printed on-the-spot form.
ON_THE_SPOT_REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement("当事人的违法行为（第五十二条）", ("party_name", "facts")),
    Requirement("行政处罚的种类和依据（第五十二条）", ("penalty_types", "penalty_basis")),
    Requirement("作出处罚的时间、地点（第五十二条）", ("decided_on", "place")),
    Requirement("申请行政复议、提起行政诉讼的途径和期限（第五十二条）", ("remedies",)),
    Requirement("行政机关名称（第五十二条）", ("organ",)),
    Requirement("执法人员签名或者盖章（第五十二条）", ("officers",)),
    Requirement("文书编号（第五十二条：预定格式、编有号码）", ("number",)),
)


def _missing(ctx: dict[str, Any], requirements: tuple[Requirement, ...]) -> list[str]:
    return [r.label for r in requirements if not all(ctx.get(key) for key in r.keys)]


def decision_missing_items(ctx: dict[str, Any]) -> list[str]:
    """The contents 《行政处罚法》第五十九条 requires that `ctx` lacks (empty list: complete).

    A fine must also state its amount (penalty type 罚款 without an amount is incomplete).
    """
    missing = _missing(ctx, DECISION_REQUIREMENTS)
    if ctx.get("has_fine") and not ctx.get("fine"):
        missing.append("罚款数额（第五十九条第三项）")
    return missing


def on_the_spot_missing_items(ctx: dict[str, Any]) -> list[str]:
    """What 《行政处罚法》第五十二条 requires of an on-the-spot decision and `ctx` lacks."""
    missing = _missing(ctx, ON_THE_SPOT_REQUIREMENTS)
    if ctx.get("has_fine") and not ctx.get("fine"):
        missing.append("罚款数额（第五十二条）")
    return missing


@lru_cache(maxsize=1)
def _font_css() -> str:
    regular = (FONT_DIR / "NotoSerifSC-Regular.ttf").as_uri()
    bold = (FONT_DIR / "NotoSerifSC-Bold.ttf").as_uri()
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{regular}'); "
        "font-weight: normal; }"
        f"@font-face {{ font-family: '{FONT_FAMILY}'; src: url('{bold}'); font-weight: bold; }}"
    )


def render_html(kind: str, ctx: dict[str, Any]) -> str:
    context = dict(ctx, qr=mark_safe(qr_svg(ctx["code_url"])))  # noqa: S308 - segno output
    return render_to_string(f"enforcement/documents/pdf/{kind}.html", context)


def render_pdf(kind: str, ctx: dict[str, Any]) -> bytes:
    """The document as PDF bytes (A4; the font is embedded as a subset)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(string=_font_css(), font_config=fonts)
    return HTML(string=render_html(kind, ctx)).write_pdf(stylesheets=[css], font_config=fonts)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
