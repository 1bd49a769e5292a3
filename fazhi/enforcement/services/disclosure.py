"""After-the-fact disclosure (事后公开) of decided cases, issue 4 §6 and rulebook §2.1.

- A case that reaches a decision is disclosed: the disclosure is due within 7 working days of the
  decision for penalty and licensing decisions and 20 for other decisions (国办发〔2018〕118号;
  per-sector `DisclosurePolicy`), counted on the official working-day calendar
  (《行政处罚法》第八十五条). It is published at once unless the sector's policy asks a person to
  check the redaction first; then it waits in the back office list (due / overdue).
- A decision that is revoked, changed, confirmed unlawful or void is withdrawn; the withdrawal is
  due within 3 working days (《行政处罚法》第四十八条第二款).
- What is published is redacted (fazhi.core.redaction; 《个人信息保护法》第二十五条,
  《政府信息公开条例》第十五条): a natural person appears as surname + 某, ID numbers, phone
  numbers, bank accounts and plates are masked, a natural person's address is cut to the district;
  organisations are named. The copy is stored, so the public page never reads the case.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fazhi.audit.services import audit_record
from fazhi.core.calendar import CalendarYearNotSupported, deadline
from fazhi.core.redaction import find_pii, mask_name, redact
from fazhi.core.tokens import token_new
from fazhi.enforcement.models import Case, CaseDocument, Disclosure, DisclosurePolicy
from fazhi.enforcement.rules.enums import ActType, CaseState, PartyKind, PenaltyType

BASIS_PUBLISH = "国办发〔2018〕118号 行政执法公示制度"
BASIS_WITHDRAW = "《行政处罚法》第四十八条第二款"
# Act types whose decisions are due within 7 working days (rulebook §2.1 table, row 2).
SHORT_DEADLINE_ACT_TYPES = frozenset({ActType.PENALTY.value, ActType.LICENSING.value})
# Inspections end with a record, not a decision: nothing to disclose under §2.1.
NOT_DISCLOSED_ACT_TYPES = frozenset({ActType.INSPECTION.value})
DECIDED_STATES = frozenset(
    {CaseState.DECIDED.value, CaseState.SERVED.value, CaseState.EXECUTING.value,
     CaseState.CLOSED.value}
)

# Division names up to the county level (GB/T 2260 levels: region, prefecture, county).
_UPPER = r"(?:[^省市区县旗盟镇乡街路号\d]{1,8}?(?:自治区|省|自治州|地区|市|盟))"
_COUNTY = r"(?:[^省市区县旗盟镇乡街路号\d]{1,8}?(?:区|县|旗|市))"
_ADDRESS_HEAD = re.compile(rf"^{_UPPER}{{0,3}}{_COUNTY}?")


# --------------------------------------------------------------------------- pure rules


def working_days_after(start: date, n: int, *, basis: str) -> date:
    """`n` working days after `start` on the official calendar (《行政处罚法》第八十五条).

    In a year whose holiday schedule is not yet published the count falls back to calendar days,
    which is never later than the true working-day deadline (the platform errs early).
    """
    try:
        return deadline(start, n, "working_day", basis=basis).due
    except CalendarYearNotSupported:
        return start + timedelta(days=n)


def publish_deadline_days(act_type: str, policy: DisclosurePolicy) -> int:
    """7 working days for penalty and licensing decisions, 20 for others (rulebook §2.1)."""
    if act_type in SHORT_DEADLINE_ACT_TYPES:
        return policy.penalty_deadline_wd
    return policy.other_deadline_wd


def publish_due_on(decided_on: date, act_type: str, policy: DisclosurePolicy) -> date:
    return working_days_after(
        decided_on, publish_deadline_days(act_type, policy), basis=BASIS_PUBLISH
    )


def withdraw_due_on(revoked_on: date, policy: DisclosurePolicy) -> date:
    """Within 3 working days of the revocation (《行政处罚法》第四十八条第二款)."""
    return working_days_after(revoked_on, policy.withdraw_deadline_wd, basis=BASIS_WITHDRAW)


def mask_address(address: str) -> str:
    """Keep the address down to the county-level division, mask the rest: 呼和浩特市新城区
    海拉尔东街12号 → 呼和浩特市新城区***."""
    address = (address or "").strip()
    if not address:
        return ""
    match = _ADDRESS_HEAD.match(address)
    return (match.group(0) if match else "") + "***"


def redacted_party_name(kind: str, name: str) -> str:
    """A natural person as surname + 某; an organisation by its name (rulebook §2.1)."""
    return mask_name(name) if kind == PartyKind.CITIZEN else name


def redact_for_party(text: str, *, kind: str, name: str, address: str = "",
                     representative: str = "") -> str:
    """`text` fit for publication about a party of `kind` (names, numbers, address masked)."""
    text = text or ""
    names = [representative] if representative else []
    if kind == PartyKind.CITIZEN:
        names.append(name)
        if address and len(address) >= 4:
            text = text.replace(address, mask_address(address))
    return redact(text, names=names)


def policy_for(sector_id: int | None) -> DisclosurePolicy:
    """The sector's policy, else the default row (sector NULL), else the statutory defaults."""
    wanted = Q(sector__isnull=True) | Q(sector_id=sector_id) if sector_id else Q(
        sector__isnull=True
    )
    policies = {p.sector_id: p for p in DisclosurePolicy.objects.filter(wanted)}
    return policies.get(sector_id) or policies.get(None) or DisclosurePolicy()


# --------------------------------------------------------------------------- content


def _penalty_basis(case: Case) -> list[str]:
    from fazhi.enforcement.documents import _bases

    violated, penalty = _bases(case)
    return [*(f"违反{v}" for v in violated), *(f"依据{p}" for p in penalty)]


def _outcome(case: Case) -> str:
    from fazhi.enforcement.documents import PENALTY_TYPE_ZH

    parts = []
    for value in case.penalty_types or []:
        label = PENALTY_TYPE_ZH.get(PenaltyType(value), value)
        if value == PenaltyType.FINE and case.fine_amount is not None:
            label += f"人民币{case.fine_amount:,.2f}元"
        parts.append(label)
    if not parts and case.no_penalty_ground:
        return "不予行政处罚"
    return "；".join(parts)


def disclosure_content(case: Case) -> dict[str, Any]:
    """The redacted public copy of `case` (fields of `Disclosure`)."""
    party = case.party
    kind = party.kind if party else ""
    name = party.name if party else ""
    def clean(text: str) -> str:
        return redact_for_party(
            text,
            kind=kind,
            name=name,
            address=party.address if party else "",
            representative=party.legal_representative if party else "",
        )

    violation = case.authority_item.name if case.authority_item_id else case.title
    decision_number = (
        CaseDocument.objects.filter(case=case, kind__in=("decision", "on_the_spot_decision"))
        .order_by("-generated_at")
        .values_list("number", flat=True)
        .first()
        or case.number
    )
    content = {
        "agency_id": case.agency_id,
        "division_id": case.division_id,
        "sector_id": case.sector_id,
        "act_type": case.act_type,
        "decision_number": decision_number[:64],
        "party_kind": kind,
        "party_name": redacted_party_name(kind, name)[:128] if name else "",
        "violation": clean(violation)[:300],
        "facts": clean(case.facts),
        "basis": "；".join(_penalty_basis(case)),
        "outcome": clean(_outcome(case)),
    }
    leftovers = [hit for field in ("violation", "facts", "outcome", "party_name")
                 for hit in find_pii(content[field])]
    assert not leftovers, "redaction left personal data"
    return content


# --------------------------------------------------------------------------- services


def _decision_revoked(case: Case) -> bool:
    """Whether the case's decision was revoked or changed (`case_revoke_decision` sets
    `revoked_at`; 《行政处罚法》第四十八条第二款)."""
    return getattr(case, "revoked_at", None) is not None


def _revoked_on(case: Case) -> date:
    return timezone.localdate(case.revoked_at) if case.revoked_at else timezone.localdate()


def _disclosable(case: Case) -> bool:
    return (
        case.state in DECIDED_STATES
        and case.decided_on is not None
        and case.act_type not in NOT_DISCLOSED_ACT_TYPES
    )


def disclosure_prepare(case: Case) -> Disclosure:
    """Create (or refresh while unpublished) the pending disclosure of a decided case."""
    policy = policy_for(case.sector_id)
    content = disclosure_content(case)
    due = publish_due_on(case.decided_on, case.act_type, policy)
    disclosure = Disclosure.objects.filter(case=case).first()
    if disclosure is None:
        disclosure = Disclosure(case=case, public_token=token_new().token)
    if disclosure.state == Disclosure.State.PUBLISHED:
        return disclosure
    for field, value in content.items():
        setattr(disclosure, field, value)
    disclosure.decided_on = case.decided_on
    disclosure.due_on = due
    disclosure.state = Disclosure.State.PENDING
    disclosure.withdrawn_at = None
    disclosure.withdraw_due_on = None
    disclosure.withdraw_reason = ""
    disclosure.save()
    return disclosure


def disclosure_publish(*, actor: Any, case: Case) -> Disclosure:
    """Publish the redacted decision of `case` on the portal (rulebook §2.1)."""
    with transaction.atomic():
        case = Case.objects.select_related("party", "authority_item").get(pk=case.pk)
        if not _disclosable(case):
            from django.core.exceptions import ValidationError

            raise ValidationError(
                "案件尚未作出决定，不能公开（行政执法公示制度：决定作出后公开）。"
            )
        disclosure = disclosure_prepare(case)
        if disclosure.state == Disclosure.State.PUBLISHED:
            return disclosure
        policy = policy_for(case.sector_id)
        now = timezone.now()
        disclosure.state = Disclosure.State.PUBLISHED
        disclosure.published_at = now
        disclosure.display_until = (
            case.decided_on + timedelta(days=policy.display_days) if policy.display_days else None
        )
        disclosure.save(update_fields=["state", "published_at", "display_until"])
        audit_record(
            actor=actor,
            action="enforcement.disclosure.publish",
            target=case,
            detail={"due_on": disclosure.due_on.isoformat(),
                    "late": timezone.localdate(now) > disclosure.due_on},
        )
    return disclosure


def disclosure_withdraw(*, actor: Any, disclosure: Disclosure, reason: str,
                        revoked_on: date | None = None) -> Disclosure:
    """Take a published decision off the portal with the reason (《行政处罚法》第四十八条第二款)."""
    with transaction.atomic():
        disclosure = Disclosure.objects.select_for_update().get(pk=disclosure.pk)
        if disclosure.state == Disclosure.State.WITHDRAWN:
            return disclosure
        policy = policy_for(disclosure.sector_id)
        now = timezone.now()
        disclosure.withdraw_due_on = withdraw_due_on(
            revoked_on or timezone.localdate(now), policy
        )
        disclosure.state = Disclosure.State.WITHDRAWN
        disclosure.withdrawn_at = now
        disclosure.withdraw_reason = reason
        disclosure.save(
            update_fields=["state", "withdrawn_at", "withdraw_due_on", "withdraw_reason"]
        )
        audit_record(
            actor=actor,
            action="enforcement.disclosure.withdraw",
            target=disclosure.case,
            detail={"reason": reason[:200]},
        )
    return disclosure


def disclosure_after_transition(case: Case, *, actor: Any = None) -> None:
    """Publish, or withdraw, a case's disclosure after a transition (called by the case services
    inside their transaction): a decided penalty, licensing or other decision is published (or
    left pending when the sector reviews first); a revoked decision is withdrawn (art. 48 ¶2)."""
    existing = Disclosure.objects.filter(case_id=case.pk).first()
    if _decision_revoked(case):
        if existing is not None and existing.state != Disclosure.State.WITHDRAWN:
            reason = getattr(case, "revocation_reason", "") or ""
            disclosure_withdraw(
                actor=actor,
                disclosure=existing,
                reason=f"行政处罚决定已被撤销或者变更（《行政处罚法》第四十八条第二款）：{reason}"
                .rstrip("："),
                revoked_on=_revoked_on(case),
            )
        return
    if not _disclosable(case):
        return
    if existing is not None and existing.state != Disclosure.State.PENDING:
        return  # published stays as published; a withdrawn one is not re-published silently
    if policy_for(case.sector_id).review_before_publishing:
        disclosure_prepare(case)
        return
    disclosure_publish(actor=actor, case=case)
