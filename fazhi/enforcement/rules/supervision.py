"""Supervision rules (监督规则), issue 4 §7: pure functions over the facts of one case.

Each rule is a `Rule` (code, Chinese message template, the article it enforces, the assessment
indicator it deducts from and the points) and a check `(facts, config, today) -> Finding | None`.
No Django, no database: `selectors/supervision.case_facts` builds the `CaseFacts`, and
`services/supervision` turns findings into alerts. The periodic sweep evaluates the same rules as
set-based queries (`services/supervision._SWEEPS`); a test asserts both agree case by case.

Dates: "today" is the local date (Asia/Shanghai). A deadline `due` is met on `due` itself and
passed from the next day (rulebook §0.2; the statutory period ends on its last day).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from fazhi.enforcement.rules.coercion import MeasureFacts, coercion_overdue
from fazhi.enforcement.rules.enums import OPEN_CASE_STATES, ActType, CaseState, TierLevel


@dataclass(frozen=True)
class SupervisionConfig:
    """Configurable thresholds (rulebook §11.3: keep configurable and confirm with the client)."""

    deadline_near_days: int = 10  # warn this many calendar days before the decision deadline
    inspection_window_days: int = 30  # repeated inspections: window ending today …
    inspection_max: int = 2  # … more than this many inspections of one party in it is flagged


DEFAULT_CONFIG = SupervisionConfig()


def config_from(values: Mapping[str, Any] | None) -> SupervisionConfig:
    """A config from a settings mapping (ENFORCEMENT_SUPERVISION); unknown keys are an error."""
    return replace(DEFAULT_CONFIG, **dict(values or {}))


@dataclass(frozen=True)
class OfficerFacts:
    officer_id: int
    name: str
    is_auxiliary: bool
    has_valid_certificate: bool  # an active certificate valid today (rulebook §8)


@dataclass(frozen=True)
class StepFacts:
    step_id: int
    code: str
    due_on: date | None
    done_on: date | None
    av_required: bool
    av_recorded: bool


@dataclass(frozen=True)
class CaseFacts:
    """Everything the rules read about one case, as of `today` (built by `case_facts`)."""

    case_id: int
    number: str
    agency_id: int
    act_type: str
    procedure: str
    state: str
    party_id: int | None = None
    authority_item_agency_id: int | None = None  # None: no authority item cited
    violation_key: str = ""
    filed_on: date | None = None
    decision_due_on: date | None = None  # art. 60 deadline including approved extensions
    decided_on: date | None = None
    service_due_on: date | None = None  # decided_on + 7 working days (art. 61)
    served_on: date | None = None
    disclosure_required: bool = False
    disclosure_due_on: date | None = None  # decided_on + the sector's working days (§2.1)
    disclosed_on: date | None = None
    fine_amount: Decimal | None = None
    tier: str = ""
    benchmark_fine_min: Decimal | None = None  # the range of the case's tier, when benchmarked
    benchmark_fine_max: Decimal | None = None
    outside_benchmark_reason: str = ""
    is_major: bool = False
    has_agreeing_review_before_decision: bool = False
    officers: tuple[OfficerFacts, ...] = ()
    steps: tuple[StepFacts, ...] = ()
    # Dates of this party's inspections inside the window ending today (any agency).
    party_inspections_in_window: int = 0
    # Earlier decided fines of the same party for the same violation and act dates (art. 29).
    same_act_earlier_cases: tuple[str, ...] = field(default=())
    # The case's coercive measure (《行政强制法》), and the moment the facts were taken (local
    # time, alike with the measure's times); None: the start of `today` (rules/coercion.py).
    measure: MeasureFacts | None = None
    as_of: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES


@dataclass(frozen=True)
class Finding:
    """A rule that fires: the message (already filled in) and what it was about."""

    rule: str
    subject_key: str
    message: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # Chinese, short (the list's rule filter shows it)
    template: str  # Chinese message, str.format(**detail)
    basis: str  # the article it enforces
    indicator: str  # assessment indicator code it deducts from (outline 2015–2020 set)
    points: Decimal  # deducted per alert (recorded as a negative entry)
    severity: str
    check: Callable[[CaseFacts, SupervisionConfig, date], Finding | None]
    subject: str = "case"  # "case" or "party"


# States in which at least one investigation step has happened (art. 42/55 apply from here on).
INVESTIGATION_ON = frozenset(OPEN_CASE_STATES) - {CaseState.CLUE}
FILED_NOT_DECIDED = frozenset(
    {
        CaseState.FILED,
        CaseState.INVESTIGATING,
        CaseState.INVESTIGATED,
        CaseState.LEGAL_REVIEW,
        CaseState.NOTIFIED,
        CaseState.STATEMENT,
        CaseState.HEARING,
        CaseState.DISCUSSION,
    }
)
_DISCLOSED_ACT_TYPES = frozenset({ActType.PENALTY, ActType.LICENSING})


def _case(facts: CaseFacts, rule: str, template: str, **detail: Any) -> Finding:
    return Finding(
        rule=rule,
        subject_key=f"case:{facts.case_id}",
        message=template.format(number=facts.number, **detail),
        detail=detail,
    )


def check_uncertified_officer(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """An acting officer is auxiliary staff or holds no valid certificate: penalties are imposed
    by officers with enforcement qualification (《行政处罚法》第四十二条; rulebook §8)."""
    if not f.is_open:
        return None
    bad = [o.name for o in f.officers if o.is_auxiliary or not o.has_valid_certificate]
    if not bad:
        return None
    return _case(f, "uncertified_officer", RULES_BY_CODE["uncertified_officer"].template,
                 officers="、".join(sorted(bad)))


def check_single_officer(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """Fewer than two acting officers once investigation has started (《行政处罚法》第四十二条、
    第五十五条). Auxiliary staff do not count."""
    if f.state not in INVESTIGATION_ON:
        return None
    acting = sum(1 for o in f.officers if not o.is_auxiliary)
    if acting >= 2:
        return None
    return _case(f, "single_officer", RULES_BY_CODE["single_officer"].template, count=acting)


def check_outside_authority(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """The act cites no item of the acting agency's authority list (权责清单; 《行政处罚法》
    第十七条、第十八条: penalties only within the organ's statutory powers)."""
    if f.state not in INVESTIGATION_ON:
        return None
    if f.authority_item_agency_id == f.agency_id:
        return None
    return _case(f, "outside_authority", RULES_BY_CODE["outside_authority"].template)


def check_decision_deadline_near(
    f: CaseFacts, cfg: SupervisionConfig, today: date
) -> Finding | None:
    """The 90-day decision deadline (extensions included) is `deadline_near_days` away or less
    (《行政处罚法》第六十条)."""
    if f.state not in FILED_NOT_DECIDED or f.decision_due_on is None:
        return None
    left = (f.decision_due_on - today).days
    if not 0 <= left <= cfg.deadline_near_days:
        return None
    return _case(f, "decision_deadline_near", RULES_BY_CODE["decision_deadline_near"].template,
                 due=f.decision_due_on.isoformat(), days=left)


def check_decision_overdue(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """No decision by the deadline: within 90 days of filing unless extended
    (《行政处罚法》第六十条)."""
    if f.state not in FILED_NOT_DECIDED or f.decision_due_on is None:
        return None
    if today <= f.decision_due_on:
        return None
    return _case(f, "decision_overdue", RULES_BY_CODE["decision_overdue"].template,
                 due=f.decision_due_on.isoformat(), days=(today - f.decision_due_on).days)


def check_service_overdue(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A decision not served within 7 working days (《行政处罚法》第六十一条)."""
    if f.state != CaseState.DECIDED or f.served_on is not None or f.service_due_on is None:
        return None
    if today <= f.service_due_on:
        return None
    return _case(f, "service_overdue", RULES_BY_CODE["service_overdue"].template,
                 due=f.service_due_on.isoformat())


def check_major_without_review(
    f: CaseFacts, cfg: SupervisionConfig, today: date
) -> Finding | None:
    """A major decision made without a legal review that agreed before it (《行政处罚法》
    第五十八条; rulebook §2.3)."""
    if not f.is_major or f.decided_on is None or f.has_agreeing_review_before_decision:
        return None
    if f.state in (CaseState.NOT_FILED, CaseState.TERMINATED):
        return None
    return _case(f, "major_without_review", RULES_BY_CODE["major_without_review"].template)


def check_outside_benchmark(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A fine outside its benchmark tier, or a mitigated penalty, with no written reason
    (《行政处罚法》第三十四条; 国办发〔2022〕27号; rulebook §10.2 rule 2)."""
    if f.decided_on is None or f.outside_benchmark_reason.strip():
        return None
    if f.state in (CaseState.NOT_FILED, CaseState.TERMINATED):
        return None
    outside = f.tier == TierLevel.MITIGATED
    if f.fine_amount is not None and not outside:
        low, high = f.benchmark_fine_min, f.benchmark_fine_max
        outside = (low is not None and f.fine_amount < low) or (
            high is not None and f.fine_amount > high
        )
    if not outside:
        return None
    return _case(f, "outside_benchmark", RULES_BY_CODE["outside_benchmark"].template,
                 fine=str(f.fine_amount or ""))


def check_not_disclosed(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A penalty or licensing decision not published within the sector's working days
    (7 by default; rulebook §2.1 事后公开; 《行政处罚法》第四十八条)."""
    if not f.disclosure_required or f.disclosure_due_on is None:
        return None
    if f.disclosed_on is not None or today <= f.disclosure_due_on:
        return None
    return _case(f, "not_disclosed", RULES_BY_CODE["not_disclosed"].template,
                 due=f.disclosure_due_on.isoformat())


def check_av_missing(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A step that needs a whole-process audio-visual record has none (《行政处罚法》第四十七条;
    rulebook §2.2: sealing, seizure, demolition, hearings, service by leaving or announcement)."""
    missing = [s.code for s in f.steps if s.av_required and not s.av_recorded]
    if not missing:
        return None
    return _case(f, "av_missing", RULES_BY_CODE["av_missing"].template,
                 steps="、".join(sorted(set(missing))))


def check_step_overdue(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A step with a statutory period not done by its due day (e.g. the handling decision on
    registered evidence within 7 working days, art. 56; payment within 15 days, art. 67)."""
    if not f.is_open:
        return None
    late = [s.code for s in f.steps if s.due_on and s.done_on is None and today > s.due_on]
    if not late:
        return None
    return _case(f, "step_overdue", RULES_BY_CODE["step_overdue"].template,
                 steps="、".join(sorted(set(late))))


def check_repeated_inspection(
    f: CaseFacts, cfg: SupervisionConfig, today: date
) -> Finding | None:
    """More than `inspection_max` inspections of the same party within the window (国务院《关于
    加强和规范事中事后监管的指导意见》: avoid repeated and multi-headed inspections [P]).
    The subject is the party, so one alert covers every agency that inspected it."""
    if f.act_type != ActType.INSPECTION or f.party_id is None:
        return None
    if f.party_inspections_in_window <= cfg.inspection_max:
        return None
    return Finding(
        rule="repeated_inspection",
        subject_key=f"party:{f.party_id}",
        message=RULES_BY_CODE["repeated_inspection"].template.format(
            count=f.party_inspections_in_window, days=cfg.inspection_window_days
        ),
        detail={"count": f.party_inspections_in_window, "days": cfg.inspection_window_days},
    )


def check_double_penalty(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A second fine for the same act of the same party (《行政处罚法》第二十九条: 同一个违法
    行为不得给予两次以上罚款). Flags the later case."""
    if not f.same_act_earlier_cases:
        return None
    return _case(f, "double_penalty", RULES_BY_CODE["double_penalty"].template,
                 earlier="、".join(f.same_act_earlier_cases))


_OVERDUE_TEXT = {
    "emergency_unreported": "当场实施后未在24小时内向机关负责人报告（应于{due}前）",
    "emergency_report_late": "当场实施后超过24小时才报告（应于{due}前）",
    "measure_expired": "期限已于{due}届满，至今未解除",
}


def _when(due: date) -> str:
    if isinstance(due, datetime):
        return due.strftime("%Y-%m-%d %H:%M")
    return due.isoformat()


def check_coercion_overdue(f: CaseFacts, cfg: SupervisionConfig, today: date) -> Finding | None:
    """A coercive measure in force past a time limit (`rules.coercion.coercion_overdue`): an
    emergency measure not reported to the head within 24 hours, or reported later (《行政强制法》
    第十九条); a sealing, seizure or freeze not released after 30 days, or after its approved
    extension, 60 at most (第二十五条、第三十二条). Only while the measure is in force: its release
    closes the alert (the deduction stays). The moment is `f.as_of`, else the start of `today`."""
    m = f.measure
    if m is None or m.released_on is not None or m.started_at is None:
        return None
    now = f.as_of or datetime.combine(today, time.min, tzinfo=m.started_at.tzinfo)
    overdue = coercion_overdue(m, now)
    if not overdue:
        return None
    items = "；".join(_OVERDUE_TEXT[o.code].format(due=_when(o.due)) for o in overdue)
    return _case(f, "coercion_overdue", RULES_BY_CODE["coercion_overdue"].template, items=items)


RULES: tuple[Rule, ...] = (
    Rule("uncertified_officer", "无证执法",
         "案件{number}的执法人员{officers}未持有效执法证或为辅助人员。",
         "《行政处罚法》第四十二条", "A4.M5.O1", Decimal("1.00"), "danger",
         check_uncertified_officer),
    Rule("single_officer", "执法人员不足两人",
         "案件{number}调查取证的执法人员为{count}人，少于两人。",
         "《行政处罚法》第四十二条、第五十五条", "A4.M2", Decimal("1.00"), "danger",
         check_single_officer),
    Rule("outside_authority", "超出权责清单",
         "案件{number}未引用本机关权责清单中的职权事项。",
         "《行政处罚法》第十七条", "A1.M2", Decimal("1.00"), "danger",
         check_outside_authority),
    Rule("decision_deadline_near", "办案期限临近",
         "案件{number}应于{due}前作出决定，还剩{days}天。",
         "《行政处罚法》第六十条", "A4.M2", Decimal("0.00"), "warning",
         check_decision_deadline_near),
    Rule("decision_overdue", "超期未作决定",
         "案件{number}应于{due}前作出处罚决定，已超期{days}天。",
         "《行政处罚法》第六十条", "A4.M2", Decimal("0.50"), "danger",
         check_decision_overdue),
    Rule("service_overdue", "决定书超期未送达",
         "案件{number}的处罚决定书应于{due}前送达，至今未送达。",
         "《行政处罚法》第六十一条", "A4.M2", Decimal("0.30"), "danger",
         check_service_overdue),
    Rule("major_without_review", "重大决定未经法制审核",
         "案件{number}为重大执法决定，决定前没有同意的法制审核意见。",
         "《行政处罚法》第五十八条", "A4.M2.O3", Decimal("1.00"), "danger",
         check_major_without_review),
    Rule("outside_benchmark", "超出裁量基准未说明理由",
         "案件{number}的处罚（罚款{fine}元）超出裁量基准档次，未书面说明理由。",
         "《行政处罚法》第三十四条", "A4.M2", Decimal("0.50"), "warning",
         check_outside_benchmark),
    Rule("not_disclosed", "未按时公示",
         "案件{number}的处罚决定应于{due}前公示，至今未公示。",
         "《行政处罚法》第四十八条；行政执法公示制度", "A4.M2.O1", Decimal("0.30"), "warning",
         check_not_disclosed),
    Rule("av_missing", "缺少音像记录",
         "案件{number}的环节{steps}依规应全程音像记录，未上传记录。",
         "《行政处罚法》第四十七条；执法全过程记录制度", "A4.M2.O4", Decimal("0.30"), "warning",
         check_av_missing),
    Rule("step_overdue", "环节超期",
         "案件{number}的环节{steps}已超过法定期限未办结。",
         "《行政处罚法》第五十六条、第六十七条", "A4.M2", Decimal("0.20"), "warning",
         check_step_overdue),
    Rule("repeated_inspection", "重复检查",
         "同一当事人{days}天内被检查{count}次。",
         "国务院关于加强和规范事中事后监管的指导意见", "A1.M5", Decimal("0.20"), "warning",
         check_repeated_inspection, subject="party"),
    Rule("double_penalty", "疑似重复罚款",
         "案件{number}与{earlier}的当事人、违法行为和行为日期相同，疑似一事二罚。",
         "《行政处罚法》第二十九条", "A4.M2", Decimal("1.00"), "danger",
         check_double_penalty),
    Rule("coercion_overdue", "强制措施超期",
         "案件{number}的行政强制措施{items}。",
         "《行政强制法》第十九条、第二十五条", "A4.M2", Decimal("1.00"), "danger",
         check_coercion_overdue),
)
RULES_BY_CODE: dict[str, Rule] = {r.code: r for r in RULES}
RULE_CODES = tuple(RULES_BY_CODE)


def evaluate(facts: CaseFacts, today: date, cfg: SupervisionConfig = DEFAULT_CONFIG) -> list[
    Finding
]:
    """Every rule's finding on this case (the ones that fire), in rule order."""
    found = []
    for rule in RULES:
        finding = rule.check(facts, cfg, today)
        if finding is not None:
            found.append(finding)
    return found


def inspection_window_start(today: date, cfg: SupervisionConfig = DEFAULT_CONFIG) -> date:
    """First day of the repeated-inspection window ending today (both days counted)."""
    return today - timedelta(days=cfg.inspection_window_days - 1)
