"""Generated case documents, the case code (一案一码) and the party's rating (issue 4 §5).

- `document_generate` renders one PDF of a case (fazhi.enforcement.documents), refuses a decision
  that lacks a content 《行政处罚法》第五十九条 requires (on-the-spot: 第五十二条), and stores the
  file with its SHA-256.
- `case_code_issue` gives the case its one code; the token is derived, never stored (QR-6).
- `case_code_check_party` is the second factor before the formal document is released (QR-7):
  the last 6 characters of the party's ID number or credit code; 5 wrong answers lock the code for
  30 minutes.
- `rating_submit` records the party's rating once per party and case, editable for 7 days (QR-8).
"""

from __future__ import annotations

import base64
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fazhi.audit.services import audit_record
from fazhi.core.rules.calendar import add_months
from fazhi.core.tokens import token_digest, token_is_well_formed
from fazhi.enforcement import documents as render
from fazhi.enforcement.models import Case, CaseCode, CaseDocument, DocumentKind, Party, Rating
from fazhi.enforcement.rules.enums import Procedure

# QR-7: expiry ≥ end of the appeal periods + margin. Litigation may be brought within 6 months of
# knowing the decision (《行政诉讼法》第四十六条), reconsideration within 60 days; add 30 days.
CODE_VALID_MONTHS = 6
CODE_MARGIN_DAYS = 30
CHECK_MAX_FAILURES = 5
CHECK_LOCK = timedelta(minutes=30)
CHECK_SUFFIX_LENGTH = 6
RATING_EDIT_WINDOW = timedelta(days=7)

DECIDED_KINDS = {DocumentKind.DECISION.value, DocumentKind.ON_THE_SPOT_DECISION.value}


# --------------------------------------------------------------------------- case code


def _code_key() -> bytes:
    """The key the case-code tokens are derived with: from the server secret, never the database."""
    secret = getattr(settings, "FAZHI_CASE_CODE_KEY", "") or settings.SECRET_KEY
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"fazhi.enforcement.case-code|" + secret.encode("utf-8"))
    return digest.finalize()


def _token_from_salt(salt: str) -> str:
    """HMAC-SM3(key, salt), first 24 bytes, base64url: 32 characters like fazhi.core.tokens."""
    mac = crypto_hmac.HMAC(_code_key(), hashes.SM3())
    mac.update(bytes.fromhex(salt))
    raw = mac.finalize()[:24]
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _code_expiry(case: Case) -> date:
    base = case.decided_on or timezone.localdate()
    return add_months(base, CODE_VALID_MONTHS) + timedelta(days=CODE_MARGIN_DAYS)


def case_code_issue(case: Case) -> tuple[CaseCode, str]:
    """The case's code and its token (created on first use; the expiry follows the decision)."""
    code = CaseCode.objects.filter(case=case).first()
    if code is None:
        salt = secrets.token_bytes(24).hex()  # 192-bit CSPRNG salt (QR-6 ≥ 128 bits)
        try:
            with transaction.atomic():
                code = CaseCode.objects.create(
                    case=case,
                    salt=salt,
                    token_digest=token_digest(_token_from_salt(salt)),
                    expires_on=_code_expiry(case),
                )
        except IntegrityError:  # a concurrent request created it first
            code = CaseCode.objects.get(case=case)
    else:
        expiry = _code_expiry(case)
        if expiry > code.expires_on:
            code.expires_on = expiry
            code.save(update_fields=["expires_on"])
    return code, _token_from_salt(code.salt)


def case_code_url(token: str) -> str:
    """Absolute when FAZHI_PUBLIC_BASE_URL is set (the QR is read by a phone), else a path."""
    base = str(getattr(settings, "FAZHI_PUBLIC_BASE_URL", "") or "").rstrip("/")
    return base + reverse("portal:case-code", args=[token])


def case_code_find(token: str, *, today: date | None = None) -> CaseCode | None:
    """The live code for `token`, or None for malformed, unknown, expired and revoked tokens alike
    (the caller answers the same 404 for all of them: QR-9)."""
    if not token_is_well_formed(token):
        return None
    code = (
        CaseCode.objects.select_related("case__agency", "case__party")
        .filter(token_digest=token_digest(token))
        .first()
    )
    today = today or timezone.localdate()
    if code is None or code.revoked_at is not None or code.expires_on < today:
        return None
    return code


def case_code_revoke(*, actor: object, code: CaseCode) -> CaseCode:
    with transaction.atomic():
        code.revoked_at = timezone.now()
        code.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="enforcement.case_code.revoke", target=code.case)
    return code


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    locked: bool
    remaining: int  # attempts left before the lock


def _expected_answer(party: Party | None) -> str:
    return (party.id_number[-CHECK_SUFFIX_LENGTH:] if party else "").upper()


def case_code_check_party(
    *, code: CaseCode, answer: str, now: datetime | None = None, request: object = None
) -> CheckResult:
    """Check the party's answer (last 6 characters of the ID number / credit code), QR-7.

    While locked every answer is refused, the right one too; the 5th wrong answer locks the code
    for 30 minutes and resets the count.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = CaseCode.objects.select_for_update().get(pk=code.pk)
        if locked.locked_until and locked.locked_until > now:
            return CheckResult(ok=False, locked=True, remaining=0)
        expected = _expected_answer(locked.case.party)
        given = (answer or "").strip().upper()
        if expected and len(given) == CHECK_SUFFIX_LENGTH and hmac.compare_digest(
            given.encode("utf-8"), expected.encode("utf-8")
        ):
            if locked.failed_checks:
                locked.failed_checks = 0
                locked.save(update_fields=["failed_checks"])
            return CheckResult(ok=True, locked=False, remaining=CHECK_MAX_FAILURES)
        locked.failed_checks += 1
        is_locked = locked.failed_checks >= CHECK_MAX_FAILURES
        if is_locked:
            locked.failed_checks = 0
            locked.locked_until = now + CHECK_LOCK
        locked.save(update_fields=["failed_checks", "locked_until"])
        audit_record(
            actor=None,
            action="enforcement.case_code.check_failed",
            target=locked.case,
            request=request,  # type: ignore[arg-type]
            outcome="failure",
            detail={"locked": is_locked},
        )
        remaining = 0 if is_locked else CHECK_MAX_FAILURES - locked.failed_checks
        return CheckResult(ok=False, locked=is_locked, remaining=remaining)


# --------------------------------------------------------------------------- rating


def rating_submit(
    *, case: Case, score: int, comment: str = "", now: datetime | None = None
) -> Rating:
    """The party's rating of the case's officers: one row per (case, party), QR-8.

    A second submission within 7 days of the first edits the row; later it is refused. Concurrent
    first submissions meet the unique constraint and the loser edits the winner's row.
    """
    now = now or timezone.now()
    if case.party_id is None:
        raise ValidationError("本案没有当事人，不能评价。")
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError("评分须为 1 至 5 分。")
    comment = (comment or "").strip()[:500]
    for _attempt in range(2):
        try:
            with transaction.atomic():
                rating, created = Rating.objects.select_for_update().get_or_create(
                    case=case,
                    party_id=case.party_id,
                    defaults={"score": score, "comment": comment, "created_at": now,
                              "updated_at": now},
                )
                if not created:
                    if now - rating.created_at > RATING_EDIT_WINDOW:
                        raise ValidationError("评价提交超过 7 日，不能再修改。")
                    rating.score, rating.comment, rating.updated_at = score, comment, now
                    rating.save(update_fields=["score", "comment", "updated_at"])
                audit_record(
                    actor=None,
                    action="enforcement.rating.submit",
                    target=case,
                    detail={"score": score, "edited": not created},
                    at=now,
                )
                return rating
        except IntegrityError:
            continue
    raise ValidationError("评价提交失败，请重试。")


# --------------------------------------------------------------------------- documents


def document_blockers(case: Case, kind: str) -> list[str]:
    """Why a document of `kind` cannot be produced for `case` now (Chinese, citing the article)."""
    if kind not in DocumentKind.values:
        return ["未知的文书种类。"]
    blockers = []
    if kind == DocumentKind.ON_THE_SPOT_DECISION and case.procedure != Procedure.SIMPLE:
        blockers.append("当场处罚决定书只适用于简易程序（《行政处罚法》第五十一条、第五十二条）。")
    if kind == DocumentKind.DECISION and case.procedure != Procedure.GENERAL:
        blockers.append("行政处罚决定书适用于普通程序（《行政处罚法》第五十九条）。")
    if kind in DECIDED_KINDS and not case.decided_on:
        blockers.append("案件尚未作出处罚决定。")
    if kind == DocumentKind.SERVICE_RECEIPT and not case.decided_on:
        blockers.append("案件尚未作出决定，没有需要送达的决定书（《行政处罚法》第六十一条）。")
    if case.party_id is None:
        blockers.append("案件没有当事人。")
    return blockers


def _next_number(case: Case, kind: str, year: int) -> str:
    existing = (
        CaseDocument.objects.filter(case=case, kind=kind).values_list("number", flat=True).first()
    )
    if existing:
        return existing
    serial = (
        CaseDocument.objects.filter(
            case__agency_id=case.agency_id, kind=kind, number__contains=f"〔{year}〕"
        )
        .values("case_id")
        .distinct()
        .count()
        + 1
    )
    return render.document_number(case, kind, year, serial)


def document_generate(*, actor: object, case: Case, kind: str) -> CaseDocument:
    """Render, check and store one document of `case` (issue 4 §5); raises ValidationError with
    Chinese messages when it cannot be produced or lacks statutory content."""
    blockers = document_blockers(case, kind)
    if blockers:
        raise ValidationError(blockers)
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related(
            "agency__government", "party", "authority_item__source_provision__law"
        ).get(pk=case.pk)
        _code, token = case_code_issue(case)
        issued = case.decided_on if kind in DECIDED_KINDS else None
        number = _next_number(case, kind, (issued or timezone.localdate(now)).year)
        ctx = render.document_context(case, kind, number=number, code_url=case_code_url(token))
        if kind == DocumentKind.SERVICE_RECEIPT:
            ctx["decision_number"] = (
                CaseDocument.objects.filter(case=case, kind__in=DECIDED_KINDS)
                .values_list("number", flat=True)
                .first()
                or ""
            )
        missing = []
        if kind == DocumentKind.DECISION:
            missing = render.decision_missing_items(ctx)
        elif kind == DocumentKind.ON_THE_SPOT_DECISION:
            missing = render.on_the_spot_missing_items(ctx)
        if missing:
            raise ValidationError([f"文书缺少法定内容：{item}" for item in missing])
        pdf = render.render_pdf(kind, ctx)
        document = CaseDocument(
            case=case,
            kind=kind,
            number=number,
            sha256=render.sha256_hex(pdf),
            size=len(pdf),
            generated_at=now,
            generated_by=actor if getattr(actor, "pk", None) else None,
        )
        document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False)
        document.save()
        audit_record(
            actor=actor,
            action="enforcement.document.generate",
            target=case,
            detail={"kind": kind, "number": number, "sha256": document.sha256},
        )
    return document


def document_current(case: Case, kind: str) -> CaseDocument | None:
    documents = CaseDocument.objects.filter(case=case, kind=kind)
    return documents.order_by("-generated_at", "-id").first()
