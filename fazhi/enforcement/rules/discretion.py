"""Discretion rules (rulebook §10): the no-penalty order of §10.3 and the tier checks of §10.2.

Pure functions over plain facts; the case services call them, nothing here touches the database.
Every message names the article it applies; msgids are English, users read the zh_Hans catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fazhi.core.rules.calendar import add_months
from fazhi.enforcement.rules.deadlines import limitation_expired
from fazhi.enforcement.rules.enums import TIER_LABELS, PenaltyType, TierLevel

BASIS_LIMITATION = "《行政处罚法》第三十六条"
BASIS_MINOR_AGE = "《行政处罚法》第三十条"
BASIS_INCAPABLE = "《行政处罚法》第三十一条"
BASIS_NO_FAULT = "《行政处罚法》第三十三条第二款"
BASIS_MINOR_VIOLATION = "《行政处罚法》第三十三条第一款"
BASIS_FACTS = "《行政处罚法》第四十条、第五十七条"
BASIS_BENCHMARK = "《行政处罚法》第三十四条"
BASIS_TYPES = "《行政处罚法》第九条"

#: Age under which no penalty is imposed, and under which it must be lighter (art. 30).
NO_PENALTY_AGE = 14
ADULT_AGE = 18
#: Look-back window for "first violation" when the sector has no list (rulebook §10.3 [PRAC]).
DEFAULT_FIRST_VIOLATION_LOOKBACK_DAYS = 730


class NoPenaltyGround(StrEnum):
    """Grounds for not penalising, in the order the engine must test them (rulebook §10.3)."""

    LIMITATION = "limitation"  # 超过追责时效 (art. 36)
    UNDER_14 = "under_14"  # 不满十四周岁 (art. 30)
    INCAPABLE = "incapable"  # 精神病人、智力残疾人不能辨认或者控制 (art. 31)
    NO_FAULT = "no_fault"  # 无主观过错 (art. 33 ¶2)
    MINOR_CORRECTED = "minor_corrected"  # 轻微并及时改正，没有造成危害后果 (art. 33 ¶1)
    FIRST_VIOLATION = "first_violation"  # 初次违法且危害后果轻微并及时改正 (art. 33 ¶1, may)
    FACTS_NOT_ESTABLISHED = "facts_not_established"  # 违法事实不能成立 (arts. 40, 57 (三))


NO_PENALTY_LABELS = {
    NoPenaltyGround.LIMITATION: gettext_lazy("Limitation period expired"),
    NoPenaltyGround.UNDER_14: gettext_lazy("Party under 14 at the time of the act"),
    NoPenaltyGround.INCAPABLE: gettext_lazy("Party unable to recognise or control the conduct"),
    NoPenaltyGround.NO_FAULT: gettext_lazy("No subjective fault"),
    NoPenaltyGround.MINOR_CORRECTED: gettext_lazy(
        "Minor violation, promptly corrected, no harmful consequence"
    ),
    NoPenaltyGround.FIRST_VIOLATION: gettext_lazy(
        "First violation, slight harm, promptly corrected"
    ),
    NoPenaltyGround.FACTS_NOT_ESTABLISHED: gettext_lazy("Facts of the violation not established"),
}

NO_PENALTY_BASIS = {
    NoPenaltyGround.LIMITATION: BASIS_LIMITATION,
    NoPenaltyGround.UNDER_14: BASIS_MINOR_AGE,
    NoPenaltyGround.INCAPABLE: BASIS_INCAPABLE,
    NoPenaltyGround.NO_FAULT: BASIS_NO_FAULT,
    NoPenaltyGround.MINOR_CORRECTED: BASIS_MINOR_VIOLATION,
    NoPenaltyGround.FIRST_VIOLATION: BASIS_MINOR_VIOLATION,
    NoPenaltyGround.FACTS_NOT_ESTABLISHED: BASIS_FACTS,
}

#: Every ground except "first violation" obliges the organ not to penalise (rulebook §1.3).
DISCRETIONARY_GROUNDS = frozenset({NoPenaltyGround.FIRST_VIOLATION})


@dataclass(frozen=True)
class NoPenaltyFacts:
    """What the no-penalty order looks at. Flags are the officer's findings, recorded with the
    decision; `first_violation` is computed from the platform's own records (rulebook §10.3)."""

    act_on: date | None = None  # day of the act (its end for a continuing act)
    discovered_on: date | None = None
    serious_harm: bool = False  # life, health, safety or financial security harmed (art. 36)
    party_birth_date: date | None = None  # citizens only
    incapable: bool = False
    no_fault: bool = False
    no_fault_excluded: bool = False  # a law or administrative regulation excludes the defence
    minor: bool = False
    corrected: bool = False
    no_harm: bool = False
    slight_harm: bool = False
    first_violation: bool = False
    facts_not_established: bool = False


@dataclass(frozen=True)
class NoPenaltyOption:
    ground: NoPenaltyGround
    mandatory: bool
    basis: str

    @property
    def label(self) -> str:
        return str(NO_PENALTY_LABELS[self.ground])


def age_on(birth_date: date, day: date) -> int:
    """Full years of age on `day`. A person reaches an age on the day after the birthday
    (周岁从周岁生日的第二天起算, the rule the courts and public security apply to ages of
    responsibility), so on the 14th birthday itself the person is still 13."""
    years = day.year - birth_date.year
    if (day.month, day.day) <= (birth_date.month, birth_date.day):
        years -= 1
    return max(years, 0)


def _birthday(birth_date: date, years: int) -> date:
    return add_months(birth_date, 12 * years)


def under_age(birth_date: date | None, act_on: date | None, age: int) -> bool:
    """Whether the party had not reached `age` on the day of the act (see `age_on`)."""
    if birth_date is None or act_on is None:
        return False
    return act_on <= _birthday(birth_date, age)


def must_be_lighter(facts: NoPenaltyFacts) -> bool:
    """A party aged 14–17 at the act must get a lighter or mitigated penalty (art. 30)."""
    return under_age(facts.party_birth_date, facts.act_on, ADULT_AGE) and not under_age(
        facts.party_birth_date, facts.act_on, NO_PENALTY_AGE
    )


def no_penalty_options(facts: NoPenaltyFacts) -> list[NoPenaltyOption]:
    """The no-penalty grounds that apply, in the order of rulebook §10.3 (tested before tiers):

    1. limitation expired (art. 36); 2. under 14 (art. 30) or unable to recognise or control the
    conduct (art. 31); 3. no subjective fault, unless a law or administrative regulation excludes
    it (art. 33 ¶2); 4. minor + promptly corrected + no harm (art. 33 ¶1, mandatory); 5. first
    violation + slight harm + promptly corrected (art. 33 ¶1, *may*: discretionary). Facts not
    established (arts. 40, 57 (三)) also forbid a penalty.
    """
    found: list[NoPenaltyGround] = []
    if limitation_expired(facts.act_on, facts.discovered_on, serious=facts.serious_harm):
        found.append(NoPenaltyGround.LIMITATION)
    if under_age(facts.party_birth_date, facts.act_on, NO_PENALTY_AGE):
        found.append(NoPenaltyGround.UNDER_14)
    if facts.incapable:
        found.append(NoPenaltyGround.INCAPABLE)
    if facts.no_fault and not facts.no_fault_excluded:
        found.append(NoPenaltyGround.NO_FAULT)
    if facts.minor and facts.corrected and facts.no_harm:
        found.append(NoPenaltyGround.MINOR_CORRECTED)
    if facts.first_violation and facts.slight_harm and facts.corrected:
        found.append(NoPenaltyGround.FIRST_VIOLATION)
    if facts.facts_not_established:
        found.append(NoPenaltyGround.FACTS_NOT_ESTABLISHED)
    return [NoPenaltyOption(g, g not in DISCRETIONARY_GROUNDS, NO_PENALTY_BASIS[g]) for g in found]


def mandatory_no_penalty(facts: NoPenaltyFacts) -> NoPenaltyOption | None:
    """The first ground that forbids a penalty, or None (only discretionary ones, or none)."""
    for option in no_penalty_options(facts):
        if option.mandatory:
            return option
    return None


def is_first_violation(prior_violation_dates: list[date], act_on: date, lookback_days: int) -> bool:
    """First violation (初次违法, rulebook §10.3): no earlier established violation of the same
    party and the same violation within the look-back window before the act (window inclusive)."""
    earliest = date.fromordinal(act_on.toordinal() - lookback_days)
    return not any(earliest <= day <= act_on for day in prior_violation_dates)


# --- tiers (rulebook §10.2) -------------------------------------------------------------------


@dataclass(frozen=True)
class StatutoryRange:
    """The penalty the authority item allows (rulebook §10.2 statutory_range)."""

    penalty_types: tuple[str, ...] = ()
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None


@dataclass(frozen=True)
class Tier:
    level: str
    penalty_types: tuple[str, ...] = ()
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    requires_legal_review: bool = False
    requires_collective_discussion: bool = False


@dataclass(frozen=True)
class Proposal:
    """The penalty an officer proposes (prior notice) or the head decides."""

    penalty_types: tuple[str, ...] = ()
    fine_amount: Decimal | None = None
    tier: str = ""
    outside_benchmark_reason: str = ""
    no_penalty_ground: str = ""

    @property
    def is_penalty(self) -> bool:
        return bool(self.penalty_types) and not self.no_penalty_ground


@dataclass
class PenaltyCheck:
    """Result of `check_penalty`: blocking problems, and whether the penalty departs from the
    benchmark (then a reason and legal review are required) or needs review for another reason."""

    problems: list[str] = field(default_factory=list)
    outside_benchmark: bool = False
    needs_legal_review: bool = False
    needs_collective_discussion: bool = False


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def check_penalty(
    proposal: Proposal,
    statutory: StatutoryRange,
    tiers: list[Tier] | tuple[Tier, ...],
    *,
    lighter_required: bool = False,
) -> PenaltyCheck:
    """Check a proposed penalty against the statute and the benchmark (rulebook §10.2):

    * types are art. 9 types and ⊆ the item's statutory types; a fine has a positive amount;
    * the amount lies inside the statutory range — only the mitigated tier may go below the
      minimum (arts. 30–32), never above the maximum;
    * with a benchmark: the tier is one of its tiers and the amount / types lie inside it;
      otherwise the penalty is outside the benchmark: a written reason is required and then a
      legal review (art. 34; rulebook §2.3, §10.1 [PRAC]);
    * a party aged 14–17 gets a lighter or mitigated penalty (art. 30).
    """
    check = PenaltyCheck()
    if not proposal.is_penalty:
        return check
    types = set(proposal.penalty_types)
    known = {t.value for t in PenaltyType}
    unknown = sorted(types - known)
    if unknown:
        check.problems.append(
            _("Unknown penalty types %(types)s (《行政处罚法》第九条).")
            % {"types": ", ".join(unknown)}
        )
    if statutory.penalty_types:
        extra = sorted(types - set(statutory.penalty_types) - set(unknown))
        if extra:
            check.problems.append(
                _(
                    "Penalty types outside the statutory range of the authority item: "
                    "%(types)s (《行政处罚法》第四条、第九条)."
                )
                % {"types": ", ".join(extra)}
            )
    amount = proposal.fine_amount
    has_fine = PenaltyType.FINE.value in types
    if has_fine and (amount is None or amount <= 0):
        check.problems.append(_("A fine needs an amount above zero (《行政处罚法》第五十九条)."))
    if not has_fine and amount:
        check.problems.append(_("A fine amount was given but the penalty types include no fine."))
    mitigated = proposal.tier == TierLevel.MITIGATED.value
    if has_fine and amount is not None and amount > 0:
        if statutory.fine_max is not None and amount > statutory.fine_max:
            check.problems.append(
                _(
                    "The fine %(amount)s yuan is above the statutory maximum of %(max)s yuan "
                    "(《行政处罚法》第四条)."
                )
                % {"amount": _money(amount), "max": _money(statutory.fine_max)}
            )
        if statutory.fine_min is not None and amount < statutory.fine_min and not mitigated:
            check.problems.append(
                _(
                    "The fine %(amount)s yuan is below the statutory minimum of %(min)s yuan; only "
                    "a mitigated penalty on a legal ground may go below it "
                    "(《行政处罚法》第三十条至"
                    "第三十二条)."
                )
                % {"amount": _money(amount), "min": _money(statutory.fine_min)}
            )
    if mitigated:
        check.needs_legal_review = True
    if lighter_required and proposal.tier not in (
        TierLevel.LIGHTER.value,
        TierLevel.MITIGATED.value,
    ):
        check.problems.append(
            _(
                "The party was 14 to 17 years old at the time of the act: the penalty must be "
                "lighter or mitigated (《行政处罚法》第三十条)."
            )
        )
    if tiers:
        by_level = {t.level: t for t in tiers}
        tier = by_level.get(proposal.tier)
        if tier is None:
            check.problems.append(
                _("Choose one of the tiers of the discretion benchmark (《行政处罚法》第三十四条).")
            )
        else:
            outside = False
            if tier.penalty_types and not types <= set(tier.penalty_types):
                outside = True
            if has_fine and amount is not None:
                if tier.fine_min is not None and amount < tier.fine_min:
                    outside = True
                if tier.fine_max is not None and amount > tier.fine_max:
                    outside = True
            check.outside_benchmark = outside
            if tier.requires_legal_review:
                check.needs_legal_review = True
            if tier.requires_collective_discussion:
                check.needs_collective_discussion = True
            if outside:
                check.needs_legal_review = True
                if not proposal.outside_benchmark_reason.strip():
                    check.problems.append(
                        _(
                            "The penalty is outside the “%(tier)s” tier of the discretion "
                            "benchmark (%(min)s–%(max)s yuan): give the reason in writing; the "
                            "decision then needs legal review (《行政处罚法》第三十四条)."
                        )
                        % {
                            "tier": TIER_LABELS.get(tier.level, tier.level),
                            "min": _money(tier.fine_min),
                            "max": _money(tier.fine_max),
                        }
                    )
    return check
