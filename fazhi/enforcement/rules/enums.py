"""Enumerations shared by the enforcement rules and models (glossary: Enforcement).

The rules own the vocabulary; models take their choices from here. Each enum cites where its
values come from. The transition tables live beside them in `rules/cases.py` and
`rules/certificates.py`.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _


class ActType(StrEnum):
    """Kinds of administrative act an authority item covers (glossary `act_type`; rulebook §10.1
    lists penalties, licensing, inspections, coercion, levies, payments)."""

    PENALTY = "penalty"  # 行政处罚
    LICENSING = "licensing"  # 行政许可
    COERCION = "coercion"  # 行政强制
    INSPECTION = "inspection"  # 行政检查
    LEVY = "levy"  # 行政征收
    PAYMENT = "payment"  # 行政给付
    CONFIRMATION = "confirmation"  # 行政确认
    REWARD = "reward"  # 行政奖励
    ADJUDICATION = "adjudication"  # 行政裁决
    OTHER = "other"  # 其他行政权力


ACT_TYPE_LABELS = {
    ActType.PENALTY: _("Administrative penalty"),
    ActType.LICENSING: _("Administrative licensing"),
    ActType.COERCION: _("Administrative coercion"),
    ActType.INSPECTION: _("Administrative inspection"),
    ActType.LEVY: _("Administrative levy"),
    ActType.PAYMENT: _("Administrative payment"),
    ActType.CONFIRMATION: _("Administrative confirmation"),
    ActType.REWARD: _("Administrative reward"),
    ActType.ADJUDICATION: _("Administrative adjudication"),
    ActType.OTHER: _("Other administrative power"),
}


class PenaltyType(StrEnum):
    """The closed list of penalty types of Administrative Penalty Law art. 9 (rulebook §1.1)."""

    WARNING = "warning"  # 警告
    CRITICISM = "criticism"  # 通报批评
    FINE = "fine"  # 罚款
    CONFISCATE_GAINS = "confiscate_gains"  # 没收违法所得
    CONFISCATE_PROPERTY = "confiscate_property"  # 没收非法财物
    SUSPEND_PERMIT = "suspend_permit"  # 暂扣许可证件
    LOWER_QUALIFICATION = "lower_qualification"  # 降低资质等级
    REVOKE_PERMIT = "revoke_permit"  # 吊销许可证件
    RESTRICT_BUSINESS = "restrict_business"  # 限制开展生产经营活动
    SUSPEND_BUSINESS = "suspend_business"  # 责令停产停业
    CLOSURE = "closure"  # 责令关闭
    RESTRICT_PRACTICE = "restrict_practice"  # 限制从业
    DETENTION = "detention"  # 行政拘留 (art. 18: public security only)
    OTHER = "other"  # 法律、行政法规规定的其他行政处罚


PENALTY_TYPE_LABELS = {
    PenaltyType.WARNING: _("Warning"),
    PenaltyType.CRITICISM: _("Circulated criticism"),
    PenaltyType.FINE: _("Fine"),
    PenaltyType.CONFISCATE_GAINS: _("Confiscation of illegal gains"),
    PenaltyType.CONFISCATE_PROPERTY: _("Confiscation of illegal property"),
    PenaltyType.SUSPEND_PERMIT: _("Temporary suspension of a permit"),
    PenaltyType.LOWER_QUALIFICATION: _("Lowering of a qualification grade"),
    PenaltyType.REVOKE_PERMIT: _("Revocation of a permit"),
    PenaltyType.RESTRICT_BUSINESS: _("Restriction of production or business"),
    PenaltyType.SUSPEND_BUSINESS: _("Order to suspend production or business"),
    PenaltyType.CLOSURE: _("Order of closure"),
    PenaltyType.RESTRICT_PRACTICE: _("Restriction of practice"),
    PenaltyType.DETENTION: _("Administrative detention"),
    PenaltyType.OTHER: _("Other penalty set by law"),
}


class TierLevel(StrEnum):
    """Discretion tiers of rulebook §10.2 (国办发〔2022〕27号), lightest first."""

    NO_PENALTY = "no_penalty"  # 不予处罚
    MITIGATED = "mitigated"  # 减轻处罚
    LIGHTER = "lighter"  # 从轻处罚
    ORDINARY = "ordinary"  # 一般处罚
    HEAVIER = "heavier"  # 从重处罚


TIER_LABELS = {
    TierLevel.NO_PENALTY: _("No penalty"),
    TierLevel.MITIGATED: _("Mitigated penalty"),
    TierLevel.LIGHTER: _("Lighter penalty"),
    TierLevel.ORDINARY: _("Ordinary penalty"),
    TierLevel.HEAVIER: _("Heavier penalty"),
}


class PartyKind(StrEnum):
    """Who a case is against (art. 51 distinguishes citizens from legal persons and other
    organisations)."""

    CITIZEN = "citizen"  # 公民
    ORGANISATION = "organisation"  # 法人或者其他组织


PARTY_KIND_LABELS = {
    PartyKind.CITIZEN: _("Citizen"),
    PartyKind.ORGANISATION: _("Legal person or other organisation"),
}


class Procedure(StrEnum):
    """Glossary `procedure`: simple (简易程序, arts. 51–53) or general (普通程序, arts. 54–65)."""

    SIMPLE = "simple"
    GENERAL = "general"


PROCEDURE_LABELS = {
    Procedure.SIMPLE: _("Simple procedure"),
    Procedure.GENERAL: _("General procedure"),
}


class CaseState(StrEnum):
    """Case life of rulebook §1.5–1.7 (the table there is [PROP]; the constraints are [L]).

    The transitions, their guards and the articles they cite are the table in `rules/cases.py`.
    """

    CLUE = "clue"  # 线索登记
    FILED = "filed"  # 立案 (art. 54)
    INVESTIGATING = "investigating"  # 调查取证 (arts. 54–56)
    INVESTIGATED = "investigated"  # 调查终结 (art. 57)
    LEGAL_REVIEW = "legal_review"  # 法制审核 (art. 58)
    NOTIFIED = "notified"  # 事先告知 (art. 44)
    STATEMENT = "statement"  # 陈述申辩 (art. 45)
    HEARING = "hearing"  # 听证 (arts. 63–65)
    DISCUSSION = "discussion"  # 集体讨论 (art. 57 ¶2)
    DECIDED = "decided"  # 作出决定 (arts. 57, 59–60; on the spot art. 52)
    SERVED = "served"  # 送达 (art. 61)
    EXECUTING = "executing"  # 执行 (arts. 66–73)
    CLOSED = "closed"  # 结案 [PRAC]
    NOT_FILED = "not_filed"  # 不予立案 [PRAC]
    TERMINATED = "terminated"  # 终止调查 / 移送 [PRAC] (arts. 27, 57)


CASE_STATE_LABELS = {
    CaseState.CLUE: _("Clue registered"),
    CaseState.FILED: _("Case filed"),
    CaseState.INVESTIGATING: _("Investigation"),
    CaseState.INVESTIGATED: _("Investigation closed"),
    CaseState.LEGAL_REVIEW: _("Legal review"),
    CaseState.NOTIFIED: _("Prior notice given"),
    CaseState.STATEMENT: _("Statement and defence"),
    CaseState.HEARING: _("Hearing"),
    CaseState.DISCUSSION: _("Collective discussion"),
    CaseState.DECIDED: _("Decided"),
    CaseState.SERVED: _("Decision served"),
    CaseState.EXECUTING: _("Execution"),
    CaseState.CLOSED: _("Closed"),
    CaseState.NOT_FILED: _("Not filed"),
    CaseState.TERMINATED: _("Terminated or transferred"),
}

OPEN_CASE_STATES = frozenset(CASE_STATE_LABELS) - {
    CaseState.CLOSED,
    CaseState.NOT_FILED,
    CaseState.TERMINATED,
}


class ReviewResult(StrEnum):
    """Written opinion of a legal review (rulebook §2.3): agree, or problems found."""

    AGREE = "agree"  # 同意
    PROBLEMS = "problems"  # 存在问题


REVIEW_RESULT_LABELS = {
    ReviewResult.AGREE: _("Agree"),
    ReviewResult.PROBLEMS: _("Problems found"),
}


class AlertState(StrEnum):
    """Life of a supervision alert (issue 4 §7): open → rectifying → closed, or unfounded."""

    OPEN = "open"  # 待处理
    RECTIFYING = "rectifying"  # 整改中
    CLOSED = "closed"  # 已整改关闭
    UNFOUNDED = "unfounded"  # 经核查不成立 (its deduction is reversed)


ALERT_STATE_LABELS = {
    AlertState.OPEN: _("Open"),
    AlertState.RECTIFYING: _("Being rectified"),
    AlertState.CLOSED: _("Closed"),
    AlertState.UNFOUNDED: _("Unfounded"),
}

LIVE_ALERT_STATES = frozenset({AlertState.OPEN, AlertState.RECTIFYING})


def choices(labels: dict) -> list[tuple[str, object]]:
    """Model `choices` from one of the label maps above, in declaration order."""
    return [(str(key), label) for key, label in labels.items()]


# Named once in the OpenAPI schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]): tiers appear on
# benchmark tiers and on cases.
TIER_CHOICES = choices(TIER_LABELS)
