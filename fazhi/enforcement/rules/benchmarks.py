"""Checks on a discretion benchmark (裁量基准) before it is saved or published (rulebook §10).

Pure functions over plain values: `check_tiers` judges a benchmark's tiers against the
statutory range of its penalty item, `check_version_dates` judges a new version against the
item's other versions, `default_split` proposes the lighter / ordinary / heavier ranges.
Each finding carries the rule that produced it (`basis`), which the user sees.

Boundaries: an amount exactly at the statutory maximum is inside the range; one cent above is
outside. Tiers that share an end point (…30 000 | 30 000…) do not overlap; they overlap when the
lower tier's maximum exceeds the higher tier's minimum.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from fazhi.enforcement.rules.discretion import StatutoryRange, Tier
from fazhi.enforcement.rules.enums import TIER_LABELS, PenaltyType, TierLevel

BASIS_BENCHMARK = "《行政处罚法》第三十四条；国办发〔2022〕27号（rulebook §10.1）"
BASIS_RANGE = "《行政处罚法》第三十四条：裁量基准不得超出法定处罚种类和幅度（rulebook §10.2）"
BASIS_MITIGATED = (
    "《行政处罚法》第三十条至第三十二条：减轻处罚须有法定情节并经法制审核（rulebook §10.2）"
)
BASIS_NO_PENALTY = "《行政处罚法》第三十三条：不予处罚（rulebook §10.3）"
BASIS_TYPES = "《行政处罚法》第九条；裁量基准的处罚种类须在法定种类之内（rulebook §10.2 规则3）"
BASIS_ORDER = "国办发〔2022〕27号：按从轻、一般、从重划分阶次（rulebook §10.1、§10.2）"
BASIS_SPLIT = "常见做法 30 % / 70 % 分段（rulebook §10.2 [PRAC]，可配置）"
BASIS_VERSION = "裁量基准版本的有效期不得重叠（rulebook §10.2 规则5 valid_from / valid_to）"

# Tiers from lightest to heaviest; the graded ones divide the statutory range.
TIER_ORDER: tuple[str, ...] = tuple(str(t) for t in TierLevel)
GRADED: tuple[str, ...] = (TierLevel.LIGHTER, TierLevel.ORDINARY, TierLevel.HEAVIER)

# The legal library's penalty-type codes (fazhi.laws.penalties.PENALTY_TYPES) mapped onto the
# enforcement enum (both follow 行政处罚法 art. 9; the names differ).
LAWS_PENALTY_TYPES: dict[str, str] = {
    "warning": PenaltyType.WARNING,
    "circulated_criticism": PenaltyType.CRITICISM,
    "fine": PenaltyType.FINE,
    "confiscate_gains": PenaltyType.CONFISCATE_GAINS,
    "confiscate_property": PenaltyType.CONFISCATE_PROPERTY,
    "suspend_licence": PenaltyType.SUSPEND_PERMIT,
    "lower_qualification": PenaltyType.LOWER_QUALIFICATION,
    "revoke_licence": PenaltyType.REVOKE_PERMIT,
    "restrict_activities": PenaltyType.RESTRICT_BUSINESS,
    "order_suspension": PenaltyType.SUSPEND_BUSINESS,
    "restrict_employment": PenaltyType.RESTRICT_PRACTICE,
    "detention": PenaltyType.DETENTION,
    "other": PenaltyType.OTHER,
}


def penalty_types_from_laws(codes: Iterable[str]) -> list[str]:
    """The enforcement enum values of the library's type codes, in enum order, unknown → other."""
    wanted = {LAWS_PENALTY_TYPES.get(c, PenaltyType.OTHER) for c in codes}
    return [str(t) for t in PenaltyType if t in wanted]


@dataclass(frozen=True)
class Finding:
    """One broken rule: a stable code, the Chinese message for the user, and its basis."""

    code: str
    message: str
    basis: str
    level: str = ""

    def __str__(self) -> str:
        return f"{self.message}（{self.basis}）"


def _label(level: str) -> str:
    return str(TIER_LABELS.get(level, level))  # type: ignore[call-overload]


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def check_tiers(statutory: StatutoryRange, tiers: Sequence[Tier]) -> list[Finding]:
    """All findings against a benchmark's tiers (empty: the benchmark may be saved).

    * each level at most once (rulebook §10.2: one tier per level);
    * not-penalised tier: no types, no fine (行政处罚法 art. 33);
    * types ⊆ statutory types (rulebook §10.2 rule 3; art. 9);
    * min ≤ max, amounts ≥ 0; the graded tiers inside [statutory min, statutory max] (art. 34:
      a benchmark refines the statutory range, never leaves it);
    * only the mitigated tier may go below the statutory minimum, never above it, and it then
      requires legal review (arts. 30–32; rulebook §10.2 "explicit legal ground and legal review");
    * graded tiers ordered lighter ≤ ordinary ≤ heavier and not overlapping unless the overlap
      is documented on the tier (国办发〔2022〕27号: divide the range into tiers).
    """
    out: list[Finding] = []
    seen: set[str] = set()
    for tier in tiers:
        level = tier.level
        if level not in TIER_ORDER:
            out.append(Finding("level", _("Unknown tier %(level)s.") % {"level": level},
                               BASIS_BENCHMARK, level))
            continue
        if level in seen:
            out.append(Finding(
                "duplicate_level",
                _("The tier “%(tier)s” appears more than once.") % {"tier": _label(level)},
                BASIS_BENCHMARK, level,
            ))
        seen.add(level)
        out += _check_one(statutory, tier)
    out += _check_order([t for t in tiers if t.level in GRADED])
    return out


def _check_one(statutory: StatutoryRange, tier: Tier) -> list[Finding]:
    out: list[Finding] = []
    level, label = tier.level, _label(tier.level)
    if level == TierLevel.NO_PENALTY:
        if tier.penalty_types or tier.fine_min is not None or tier.fine_max is not None or (
            tier.has_multiple
        ):
            out.append(Finding(
                "no_penalty_has_penalty",
                _("The tier “%(tier)s” may carry no penalty type and no fine.") % {"tier": label},
                BASIS_NO_PENALTY, level,
            ))
        return out
    extra = [t for t in tier.penalty_types if t not in statutory.penalty_types]
    if extra:
        out.append(Finding(
            "types_outside_statute",
            _("The tier “%(tier)s” uses penalty types the statute does not provide: %(types)s.")
            % {"tier": label, "types": "、".join(extra)},
            BASIS_TYPES, level,
        ))
    out += _check_multiples(statutory, tier)
    lo, hi = tier.fine_min, tier.fine_max
    if (lo is not None and lo < 0) or (hi is not None and hi < 0):
        out.append(Finding("negative", _("The tier “%(tier)s” has a negative fine.")
                           % {"tier": label}, BASIS_RANGE, level))
        return out
    if lo is not None and hi is not None and lo > hi:
        out.append(Finding(
            "min_above_max",
            _("The tier “%(tier)s”: the minimum fine %(min)s is above its maximum %(max)s.")
            % {"tier": label, "min": _yuan(lo), "max": _yuan(hi)},
            BASIS_RANGE, level,
        ))
        return out
    if "fine" in tier.penalty_types and lo is None and statutory.fine_min is not None:
        out.append(Finding(
            "fine_range_missing",
            _("The tier “%(tier)s” imposes a fine but gives no fine range.") % {"tier": label},
            BASIS_RANGE, level,
        ))
    smax, smin = statutory.fine_max, statutory.fine_min
    if smax is not None:
        for value in (lo, hi):
            if value is not None and value > smax:
                out.append(Finding(
                    "above_statutory_max",
                    _("The tier “%(tier)s”: %(amount)s is above the statutory maximum %(max)s.")
                    % {"tier": label, "amount": _yuan(value), "max": _yuan(smax)},
                    BASIS_RANGE, level,
                ))
                break
        if hi is None and lo is not None:
            out.append(Finding(
                "open_range",
                _("The tier “%(tier)s” needs a maximum fine: the statute has one (%(max)s).")
                % {"tier": label, "max": _yuan(smax)},
                BASIS_RANGE, level,
            ))
    if level == TierLevel.MITIGATED:
        below = smin is not None and lo is not None and lo < smin
        if smin is not None and hi is not None and hi > smin:
            out.append(Finding(
                "mitigated_above_min",
                _("The tier “%(tier)s” lies below the statutory minimum %(min)s; its maximum "
                  "%(max)s is above it.")
                % {"tier": label, "min": _yuan(smin), "max": _yuan(hi)},
                BASIS_MITIGATED, level,
            ))
        if below and not tier.requires_legal_review:
            out.append(Finding(
                "mitigated_needs_review",
                _("The tier “%(tier)s” goes below the statutory minimum %(min)s and must "
                  "require legal review.") % {"tier": label, "min": _yuan(smin)},
                BASIS_MITIGATED, level,
            ))
    elif smin is not None and lo is not None and lo < smin:
        out.append(Finding(
            "below_statutory_min",
            _("The tier “%(tier)s”: %(amount)s is below the statutory minimum %(min)s; only the "
              "mitigated tier may go below it.")
            % {"tier": label, "amount": _yuan(lo), "min": _yuan(smin)},
            BASIS_MITIGATED, level,
        ))
    return out


def _times(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _check_multiples(statutory: StatutoryRange, tier: Tier) -> list[Finding]:
    """A tier of a fine that is a multiple of a base divides the statutory multiples, as the
    graded tiers divide a fixed range (国办发〔2022〕27号 as summarised in rulebook §10.1 [P]:
    where a fine is a multiple, divide the multiple range into tiers; §10.2): inside [statutory
    min, max] multiple, only the mitigated tier below the minimum (then with legal review)."""
    out: list[Finding] = []
    level, label = tier.level, _label(tier.level)
    lo, hi = tier.multiple_min, tier.multiple_max
    if not tier.has_multiple:
        if statutory.has_multiple and PenaltyType.FINE in tier.penalty_types:
            out.append(Finding(
                "multiple_range_missing",
                _("The tier “%(tier)s” imposes a fine but does not divide the statutory "
                  "multiples.") % {"tier": label},
                BASIS_RANGE, level,
            ))
        return out
    if not statutory.has_multiple:
        out.append(Finding(
            "multiple_without_statute",
            _("The tier “%(tier)s” fines a multiple of a base, but the statutory range has no "
              "multiples.") % {"tier": label},
            BASIS_RANGE, level,
        ))
        return out
    if (lo is not None and lo < 0) or (hi is not None and hi < 0):
        out.append(Finding("negative_multiple", _("The tier “%(tier)s” has a negative multiple.")
                           % {"tier": label}, BASIS_RANGE, level))
        return out
    if lo is not None and hi is not None and lo > hi:
        out.append(Finding(
            "multiple_min_above_max",
            _("The tier “%(tier)s”: the minimum multiple %(min)s is above its maximum %(max)s.")
            % {"tier": label, "min": _times(lo), "max": _times(hi)},
            BASIS_RANGE, level,
        ))
        return out
    smin, smax = statutory.multiple_min, statutory.multiple_max
    if smax is not None and any(v is not None and v > smax for v in (lo, hi)):
        out.append(Finding(
            "above_statutory_multiple",
            _("The tier “%(tier)s” goes above the statutory maximum multiple %(max)s.")
            % {"tier": label, "max": _times(smax)},
            BASIS_RANGE, level,
        ))
    below = smin is not None and lo is not None and lo < smin
    if level == TierLevel.MITIGATED:
        if below and not tier.requires_legal_review:
            out.append(Finding(
                "mitigated_needs_review",
                _("The tier “%(tier)s” goes below the statutory minimum multiple %(min)s and "
                  "must require legal review.") % {"tier": label, "min": _times(smin)},
                BASIS_MITIGATED, level,
            ))
    elif below:
        assert smin is not None
        out.append(Finding(
            "below_statutory_multiple",
            _("The tier “%(tier)s” goes below the statutory minimum multiple %(min)s; only the "
              "mitigated tier may go below it.") % {"tier": label, "min": _times(smin)},
            BASIS_MITIGATED, level,
        ))
    return out


def _check_order(graded: list[Tier]) -> list[Finding]:
    out: list[Finding] = []
    ranked = sorted(
        (t for t in graded if t.fine_min is not None), key=lambda t: TIER_ORDER.index(t.level)
    )
    for lower, higher in itertools.pairwise(ranked):
        if lower.level == higher.level:
            continue  # reported as duplicate_level
        assert lower.fine_min is not None
        assert higher.fine_min is not None
        names = {"lower": _label(lower.level), "higher": _label(higher.level)}
        lower_top = lower.fine_max if lower.fine_max is not None else lower.fine_min
        higher_top = higher.fine_max if higher.fine_max is not None else higher.fine_min
        if lower.fine_min > higher.fine_min or lower_top > higher_top:
            out.append(Finding(
                "order",
                _("The tier “%(lower)s” must not be heavier than the tier “%(higher)s”.") % names,
                BASIS_ORDER, higher.level,
            ))
        elif lower_top > higher.fine_min and not (lower.overlap_note or higher.overlap_note):
            out.append(Finding(
                "overlap",
                _("The tiers “%(lower)s” and “%(higher)s” overlap; separate them or document "
                  "the overlap.") % names,
                BASIS_ORDER, higher.level,
            ))
    return out


DEFAULT_SPLIT: tuple[Decimal, Decimal] = (Decimal("0.3"), Decimal("0.7"))


def default_split(
    fine_min: Decimal,
    fine_max: Decimal,
    split: tuple[Decimal, Decimal] = DEFAULT_SPLIT,
    *,
    places: Decimal = Decimal("0.01"),
) -> dict[str, tuple[Decimal, Decimal]]:
    """Lighter [min, min + 30 %], ordinary [min + 30 %, min + 70 %], heavier [min + 70 %, max]
    of the span (rulebook §10.2 [PRAC]: common practice, not law; `split` configures it, e.g.
    (0.5, 0.5) for "below / above the midpoint")."""
    a, b = split
    if not (Decimal(0) <= a <= b <= Decimal(1)):
        raise ValueError("split points must satisfy 0 ≤ a ≤ b ≤ 1")
    if fine_min > fine_max:
        raise ValueError("fine_min above fine_max")
    span = fine_max - fine_min
    p = (fine_min + span * a).quantize(places, ROUND_HALF_UP)
    q = (fine_min + span * b).quantize(places, ROUND_HALF_UP)
    return {
        TierLevel.LIGHTER: (fine_min, p),
        TierLevel.ORDINARY: (p, q),
        TierLevel.HEAVIER: (q, fine_max),
    }


@dataclass(frozen=True)
class Version:
    pk: int | None
    valid_from: date
    valid_to: date | None
    published: bool


def check_version_dates(
    valid_from: date, valid_to: date | None, others: Iterable[Version]
) -> list[Finding]:
    """A version may start only after every published version of the same benchmark started
    (publishing it then closes the previous one, `closing_date`), never on the same day as any
    other version, and must not end before it starts (rulebook §10.2 rule 5: one version in force
    on any day, so the version in force at the time of the violation is well defined)."""
    out: list[Finding] = []
    if valid_to is not None and valid_to < valid_from:
        out.append(Finding("dates", _("The version ends before it starts."), BASIS_VERSION))
    for other in others:
        if other.valid_from == valid_from:
            out.append(Finding(
                "same_start",
                _("Another version already starts on %(day)s.") % {"day": valid_from.isoformat()},
                BASIS_VERSION,
            ))
        elif other.published and other.valid_from > valid_from:
            out.append(Finding(
                "overlap_published",
                _("A published version starts on %(day)s, after this one: the versions would "
                  "overlap.") % {"day": other.valid_from.isoformat()},
                BASIS_VERSION,
            ))
    return out


def closing_date(previous: Version, new_from: date) -> date | None:
    """The new last day of `previous` when a version starting on `new_from` is published: the day
    before, when `previous` would otherwise still be in force then; None when it needs no change
    (valid_to is inclusive)."""
    if previous.valid_from >= new_from:
        return None
    if previous.valid_to is None or previous.valid_to >= new_from:
        return new_from - timedelta(days=1)
    return None
