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
BASIS_LIGHTER_RULE = "《行政处罚法》第三十七条"
BASIS_EVIDENCE = "《行政处罚法》第四十条"

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
    # 作出决定时的新规定不认为是违法或不再处罚 (art. 37 从旧兼从轻)
    NOT_PUNISHABLE = "not_punishable"


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
    NoPenaltyGround.NOT_PUNISHABLE: gettext_lazy(
        "No longer penalised under the rule in force at the decision"
    ),
}

NO_PENALTY_BASIS = {
    NoPenaltyGround.LIMITATION: BASIS_LIMITATION,
    NoPenaltyGround.UNDER_14: BASIS_MINOR_AGE,
    NoPenaltyGround.INCAPABLE: BASIS_INCAPABLE,
    NoPenaltyGround.NO_FAULT: BASIS_NO_FAULT,
    NoPenaltyGround.MINOR_CORRECTED: BASIS_MINOR_VIOLATION,
    NoPenaltyGround.FIRST_VIOLATION: BASIS_MINOR_VIOLATION,
    NoPenaltyGround.FACTS_NOT_ESTABLISHED: BASIS_FACTS,
    NoPenaltyGround.NOT_PUNISHABLE: BASIS_LIGHTER_RULE,
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
    # The benchmark version that applies under art. 37 no longer penalises the act
    # (`applicable_benchmark`, `BenchmarkVersion.not_punishable`).
    no_longer_punishable: bool = False


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
    established (arts. 40, 57 (三)) also forbid a penalty, and so does a rule in force at the
    decision under which the act is no longer penalised (art. 37, 从旧兼从轻: tested right after
    the limitation, since it too means there is nothing left to penalise).
    """
    found: list[NoPenaltyGround] = []
    if limitation_expired(facts.act_on, facts.discovered_on, serious=facts.serious_harm):
        found.append(NoPenaltyGround.LIMITATION)
    if facts.no_longer_punishable:
        found.append(NoPenaltyGround.NOT_PUNISHABLE)
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


class FineBase(StrEnum):
    """What a fine "N 倍" is a multiple of (rulebook §10.2 statutory_range `base`). The codes are
    the legal library's (`fazhi.laws.penalties.classify_basis`)."""

    GOODS_VALUE = "goods_value"  # 货值金额
    ILLEGAL_GAINS = "illegal_gains"  # 违法所得
    ILLEGAL_TURNOVER = "illegal_turnover"  # 违法经营额 / 销售额
    OTHER = "other"  # 其他计罚基数


FINE_BASE_LABELS = {
    FineBase.GOODS_VALUE: gettext_lazy("value of the goods"),
    FineBase.ILLEGAL_GAINS: gettext_lazy("illegal gains"),
    FineBase.ILLEGAL_TURNOVER: gettext_lazy("illegal turnover"),
    FineBase.OTHER: gettext_lazy("base amount"),
}


def fine_base_label(code: str) -> str:
    for key, label in FINE_BASE_LABELS.items():
        if key == code:
            return str(label)
    return str(FINE_BASE_LABELS[FineBase.OTHER])


@dataclass(frozen=True)
class StatutoryRange:
    """The penalty the authority item allows (rulebook §10.2 statutory_range): fixed bounds
    (`fine_min`, `fine_max`) or multiples of a base (`multiple_min`, `multiple_max`, `base`).

    With both and a `base_threshold` (食品安全法 第一百二十四条: 货值金额不足一万元的, 五万元以上
    十万元以下; 一万元以上的, 十倍以上二十倍以下), a base below the threshold takes the fixed
    range and a base at or above it the multiples; without a threshold the multiples apply."""

    penalty_types: tuple[str, ...] = ()
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None
    base: str = ""  # FineBase value
    base_threshold: Decimal | None = None

    @property
    def has_multiple(self) -> bool:
        return self.multiple_min is not None or self.multiple_max is not None


@dataclass(frozen=True)
class Tier:
    """One tier of a discretion benchmark (rulebook §10.2), as the benchmark checks
    (rules/benchmarks.py) and the case rules (below) both read it."""

    level: str
    penalty_types: tuple[str, ...] = ()
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    requires_legal_review: bool = False
    requires_collective_discussion: bool = False
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None
    overlap_note: str = ""  # why this tier's range overlaps its neighbour's (rules/benchmarks.py)

    @property
    def has_multiple(self) -> bool:
        return self.multiple_min is not None or self.multiple_max is not None


@dataclass(frozen=True)
class Proposal:
    """The penalty an officer proposes (prior notice) or the head decides. `base_amount` is the
    amount a multiple is computed from (货值金额, 违法所得 …) and `base_evidence` what it rests
    on (art. 40: facts established by evidence)."""

    penalty_types: tuple[str, ...] = ()
    fine_amount: Decimal | None = None
    tier: str = ""
    outside_benchmark_reason: str = ""
    no_penalty_ground: str = ""
    base_amount: Decimal | None = None
    base_evidence: str = ""

    @property
    def is_penalty(self) -> bool:
        return bool(self.penalty_types) and not self.no_penalty_ground


class Regime(StrEnum):
    """Which bounds a fine of one case has (rulebook §10.2)."""

    FIXED = "fixed"  # fine_min / fine_max in yuan
    MULTIPLE = "multiple"  # base × multiple_min … base × multiple_max
    BASE_MISSING = "base_missing"  # a multiple applies or may apply, but no base is recorded


@dataclass(frozen=True)
class FineBounds:
    """The bounds in yuan a fine must keep on this case's base. None = unbounded. The products
    are exact Decimals (never rounded), so 10 × 12,345.67 = 123,456.70 is inside and 123,456.71
    is outside."""

    regime: Regime
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    multiple_min: Decimal | None = None
    multiple_max: Decimal | None = None
    base_amount: Decimal | None = None


def regime_for(statutory: StatutoryRange, base_amount: Decimal | None) -> Regime:
    """Fixed range, multiples, or "record the base first" (rulebook §10.2; the threshold pattern
    of 食品安全法 第一百二十四条: below the threshold fixed, at or above it the multiples)."""
    if not statutory.has_multiple:
        return Regime.FIXED
    if base_amount is None:
        return Regime.BASE_MISSING
    if statutory.base_threshold is not None and base_amount < statutory.base_threshold:
        return Regime.FIXED
    return Regime.MULTIPLE


def _times(base: Decimal, multiple: Decimal | None) -> Decimal | None:
    return None if multiple is None else base * multiple


def statutory_bounds(statutory: StatutoryRange, base_amount: Decimal | None) -> FineBounds:
    """The statutory bounds of a fine on `base_amount` (see `regime_for`)."""
    regime = regime_for(statutory, base_amount)
    if regime == Regime.MULTIPLE:
        assert base_amount is not None
        return FineBounds(
            regime,
            _times(base_amount, statutory.multiple_min),
            _times(base_amount, statutory.multiple_max),
            statutory.multiple_min,
            statutory.multiple_max,
            base_amount,
        )
    if regime == Regime.BASE_MISSING:
        return FineBounds(
            regime, multiple_min=statutory.multiple_min, multiple_max=statutory.multiple_max
        )
    return FineBounds(regime, statutory.fine_min, statutory.fine_max)


def tier_bounds(tier: Tier, statutory: StatutoryRange, base_amount: Decimal | None) -> FineBounds:
    """A tier's bounds on `base_amount`: its multiples where the statute's multiples apply and
    the tier divides them, else its fixed range (国办发〔2022〕27号: a multiple range is divided
    into tiers of multiples)."""
    regime = regime_for(statutory, base_amount)
    if regime == Regime.MULTIPLE and tier.has_multiple:
        assert base_amount is not None
        return FineBounds(
            regime,
            _times(base_amount, tier.multiple_min),
            _times(base_amount, tier.multiple_max),
            tier.multiple_min,
            tier.multiple_max,
            base_amount,
        )
    if regime == Regime.BASE_MISSING and tier.has_multiple:
        return FineBounds(regime, multiple_min=tier.multiple_min, multiple_max=tier.multiple_max)
    return FineBounds(Regime.FIXED, tier.fine_min, tier.fine_max)


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


def _multiple(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}"


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
      minimum (arts. 30–32), never above the maximum; where the statute fines a multiple of a
      base (货值金额 …), the range is [base × min, base × max], exact at both ends, and the base
      must be recorded with its evidence (art. 40); below a `base_threshold` the fixed range
      applies;
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
    base = proposal.base_amount
    bounds = statutory_bounds(statutory, base)
    if has_fine and statutory.has_multiple and (base is None or not proposal.base_evidence.strip()):
        check.problems.append(
            _(
                "The statutory fine is a multiple of the %(base)s: record the %(base)s and the "
                "evidence it rests on (《行政处罚法》第四十条)."
            )
            % {"base": fine_base_label(statutory.base)}
        )
    if has_fine and amount is not None and amount > 0:
        multiple = bounds.regime == Regime.MULTIPLE
        if bounds.fine_max is not None and amount > bounds.fine_max:
            if multiple:
                check.problems.append(
                    _(
                        "The fine %(amount)s yuan is above the statutory maximum of %(max)s yuan "
                        "(%(times)s times the %(base)s of %(base_amount)s yuan) "
                        "(《行政处罚法》第四条)."
                    )
                    % {
                        "amount": _money(amount),
                        "max": _money(bounds.fine_max),
                        "times": _multiple(bounds.multiple_max),
                        "base": fine_base_label(statutory.base),
                        "base_amount": _money(base),
                    }
                )
            else:
                check.problems.append(
                    _(
                        "The fine %(amount)s yuan is above the statutory maximum of %(max)s yuan "
                        "(《行政处罚法》第四条)."
                    )
                    % {"amount": _money(amount), "max": _money(bounds.fine_max)}
                )
        if bounds.fine_min is not None and amount < bounds.fine_min and not mitigated:
            if multiple:
                check.problems.append(
                    _(
                        "The fine %(amount)s yuan is below the statutory minimum of %(min)s yuan "
                        "(%(times)s times the %(base)s of %(base_amount)s yuan); only a "
                        "mitigated penalty on a legal ground may go below it "
                        "(《行政处罚法》第三十条至第三十二条)."
                    )
                    % {
                        "amount": _money(amount),
                        "min": _money(bounds.fine_min),
                        "times": _multiple(bounds.multiple_min),
                        "base": fine_base_label(statutory.base),
                        "base_amount": _money(base),
                    }
                )
            else:
                check.problems.append(
                    _(
                        "The fine %(amount)s yuan is below the statutory minimum of %(min)s "
                        "yuan; only a mitigated penalty on a legal ground may go below it "
                        "(《行政处罚法》第三十条至"
                        "第三十二条)."
                    )
                    % {"amount": _money(amount), "min": _money(bounds.fine_min)}
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
            t_bounds = tier_bounds(tier, statutory, base)
            if has_fine and amount is not None:
                if t_bounds.fine_min is not None and amount < t_bounds.fine_min:
                    outside = True
                if t_bounds.fine_max is not None and amount > t_bounds.fine_max:
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
                            "min": _money(t_bounds.fine_min),
                            "max": _money(t_bounds.fine_max),
                        }
                    )
    return check


# --- which benchmark version applies (art. 37, rulebook §10.2 rule 5) -------------------------


@dataclass(frozen=True)
class BenchmarkVersion:
    """One benchmark version as the case engine compares it: its tiers and the statutory range
    it refines. The item holds one statutory range today, so both versions of a comparison carry
    the same one; the comparison still looks at it when the tiers cannot decide."""

    pk: int | None
    valid_from: date
    tiers: tuple[Tier, ...] = ()
    statutory: StatutoryRange = field(default_factory=StatutoryRange)

    @property
    def not_punishable(self) -> bool:
        """Every tier of the version is "no penalty": under it the act is no longer penalised
        (art. 37 "不认为是违法" / no longer punishable)."""
        return bool(self.tiers) and all(t.level == TierLevel.NO_PENALTY for t in self.tiers)

    def tier(self, level: str) -> Tier | None:
        for t in self.tiers:
            if t.level == level:
                return t
        return None


class ApplicableReason(StrEnum):
    """Why `applicable_benchmark` chose the version it chose."""

    NONE = "none"  # no version in force at the act or at the decision: statutory range
    NONE_AT_ACT = "none_at_act"  # none at the act: statutory range (a later one not reaching back)
    SAME = "same"  # the version in force at the act is still in force at the decision
    ONLY_AT_ACT = "only_at_act"  # in force at the act, none at the decision: the act's version
    LATER_LIGHTER = "later_lighter"  # the decision's version is lighter: it applies
    LATER_NOT_PUNISHABLE = "later_not_punishable"  # the decision's version no longer penalises
    LATER_NOT_LIGHTER = "later_not_lighter"  # heavier, equal or not comparable: the act's version


_INF = Decimal("Infinity")


def _bounds_key(b: FineBounds) -> tuple[Decimal, Decimal]:
    if b.regime == Regime.BASE_MISSING:  # compare the multiples themselves (same base)
        top, bottom = b.multiple_max, b.multiple_min
    else:
        top, bottom = b.fine_max, b.fine_min
    return (_INF if top is None else top, Decimal(0) if bottom is None else bottom)


def _compare_keys(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> int:
    return (a > b) - (a < b)


def compare_severity(
    a: BenchmarkVersion, b: BenchmarkVersion, *, tier: str, base_amount: Decimal | None = None
) -> int:
    """-1 when `a` is lighter than `b` for the selected `tier`, 1 when heavier, 0 when equal or
    not comparable. A version that no longer penalises the act is the lightest. Otherwise the
    selected tier decides: the lower fine ceiling (on the case's base, for multiples) is
    lighter, then the lower floor, then fewer penalty types (a strict subset). Where the tier is
    missing from either version, the statutory ranges are compared the same way."""
    if a.not_punishable != b.not_punishable:
        return -1 if a.not_punishable else 1
    if a.not_punishable:
        return 0
    ta, tb = a.tier(tier), b.tier(tier)
    if ta is not None and tb is not None:
        order = _compare_keys(
            _bounds_key(tier_bounds(ta, a.statutory, base_amount)),
            _bounds_key(tier_bounds(tb, b.statutory, base_amount)),
        )
        if order:
            return order
        types_a, types_b = set(ta.penalty_types), set(tb.penalty_types)
        if types_a < types_b:
            return -1
        if types_b < types_a:
            return 1
    return _compare_keys(
        _bounds_key(statutory_bounds(a.statutory, base_amount)),
        _bounds_key(statutory_bounds(b.statutory, base_amount)),
    )


@dataclass(frozen=True)
class Applicable:
    """The benchmark version a case applies (None: the statutory range alone) and why."""

    version: BenchmarkVersion | None
    reason: ApplicableReason
    at_act: BenchmarkVersion | None = None
    at_decision: BenchmarkVersion | None = None
    tier: str = ""

    @property
    def basis(self) -> str:
        return BASIS_LIGHTER_RULE

    def rule(self) -> str:
        """A short Chinese sentence citing art. 37 (stored on the case, shown on its page)."""
        act = self.at_act.valid_from.isoformat() if self.at_act else ""
        later = self.at_decision.valid_from.isoformat() if self.at_decision else ""
        r = ApplicableReason
        if self.reason == r.NONE:
            return _(
                "No discretion benchmark was in force: the statutory range applies "
                "(《行政处罚法》第三十七条)."
            )
        if self.reason == r.NONE_AT_ACT:
            return _(
                "No discretion benchmark was in force when the act was committed: the statutory "
                "range applies; the version of %(later)s does not reach back "
                "(《行政处罚法》第三十七条)."
            ) % {"later": later}
        if self.reason in (r.SAME, r.ONLY_AT_ACT):
            return _(
                "The benchmark version of %(day)s, in force when the act was committed, applies "
                "(《行政处罚法》第三十七条)."
            ) % {"day": act}
        if self.reason == r.LATER_NOT_PUNISHABLE:
            return _(
                "Under the benchmark version of %(later)s, in force at the decision, the act is "
                "no longer penalised: it applies instead of the version of %(act)s "
                "(从旧兼从轻, 《行政处罚法》第三十七条)."
            ) % {"later": later, "act": act}
        if self.reason == r.LATER_LIGHTER:
            return _(
                "The benchmark version of %(later)s, in force at the decision, is lighter for "
                "the tier “%(tier)s” than the version of %(act)s in force when the act was "
                "committed: the lighter one applies (从旧兼从轻, 《行政处罚法》第三十七条)."
            ) % {"later": later, "act": act, "tier": _tier_label(self.tier)}
        return _(
            "The benchmark version of %(later)s, in force at the decision, is not lighter for the "
            "tier “%(tier)s”: the version of %(act)s, in force when the act was committed, "
            "applies (《行政处罚法》第三十七条)."
        ) % {"later": later, "act": act, "tier": _tier_label(self.tier)}


def _tier_label(level: str) -> str:
    for key, label in TIER_LABELS.items():
        if key == level:
            return str(label)
    return level or "—"


def applicable_benchmark(
    at_act: BenchmarkVersion | None,
    at_decision: BenchmarkVersion | None,
    *,
    tier: str,
    base_amount: Decimal | None = None,
) -> Applicable:
    """Which benchmark version a case applies (art. 37, 从旧兼从轻; rulebook §10.2 rule 5).

    The rule in force when the act was committed applies; a version in force at the decision
    applies instead when it is lighter for the selected tier, or when it no longer penalises the
    act at all. Equal or not comparable: the act's version. Decided here:

    * no version at the act: the statutory range alone, even when one is in force at the
      decision (the rulebook binds the version "in force at the time of the violation"; a
      benchmark narrows discretion in both directions, so a later one is not simply lighter) —
      except a later version that no longer penalises the act, which art. 37 applies;
    * a version at the act and none at the decision: the act's version (从旧).
    """

    def made(version: BenchmarkVersion | None, reason: ApplicableReason) -> Applicable:
        return Applicable(version, reason, at_act, at_decision, tier)

    if at_act is None:
        if at_decision is None:
            return made(None, ApplicableReason.NONE)
        if at_decision.not_punishable:
            return made(at_decision, ApplicableReason.LATER_NOT_PUNISHABLE)
        return made(None, ApplicableReason.NONE_AT_ACT)
    if at_decision is None:
        return made(at_act, ApplicableReason.ONLY_AT_ACT)
    if at_decision.pk == at_act.pk and at_decision.valid_from == at_act.valid_from:
        return made(at_act, ApplicableReason.SAME)
    if at_decision.not_punishable and not at_act.not_punishable:
        return made(at_decision, ApplicableReason.LATER_NOT_PUNISHABLE)
    if compare_severity(at_decision, at_act, tier=tier, base_amount=base_amount) < 0:
        return made(at_decision, ApplicableReason.LATER_LIGHTER)
    return made(at_act, ApplicableReason.LATER_NOT_LIGHTER)
