"""Every write of the assessment app: indicator sets, periods and the score ledger.

`score_record` and `score_reverse` are the only code that writes `ScoreEntry` rows (DESIGN.md §2
"Score ledger"): each entry names its source record; `(source, rule, indicator)` is unique, so
re-running a rule never counts twice; a cleared finding is reversed by a new entry, never an edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from fazhi.assessment.models import (
    EntryKind,
    Indicator,
    IndicatorLevel,
    IndicatorSet,
    Period,
    PeriodKind,
    ScoreEntry,
)
from fazhi.audit.services import audit_record
from fazhi.orgs.models import Agency, Government

POINTS_QUANTUM = Decimal("0.01")
ASSESSMENT_TZ = ZoneInfo("Asia/Shanghai")


class ScoreError(ValueError):
    """A score push that cannot be recorded (unknown indicator, bad target, naive time…)."""


# --- indicator sets ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


_NODE_FIELDS = ("name", "level", "weight", "sub_platform")
_LEVELS = (IndicatorLevel.ASPECT, IndicatorLevel.MEASURE, IndicatorLevel.OUTCOME)


def indicator_set_load(*, data: Mapping[str, Any], actor: Any = None) -> LoadResult:
    """Create or update one indicator set from its JSON description (data/indicators/*.json).

    Idempotent: nodes are matched by (set, code); running it again on the same data writes
    nothing, not even an audit entry.
    """
    created = updated = unchanged = 0
    with transaction.atomic():
        indicator_set, set_created = IndicatorSet.objects.get_or_create(
            code=data["code"],
            defaults={"name": data["name"], "is_current": bool(data.get("is_current"))},
        )
        set_changed = set_created
        if not set_created and (
            indicator_set.name != data["name"]
            or indicator_set.is_current != bool(data.get("is_current"))
        ):
            indicator_set.name = data["name"]
            indicator_set.is_current = bool(data.get("is_current"))
            indicator_set.save(update_fields=["name", "is_current"])
            set_changed = True
        if indicator_set.is_current:
            IndicatorSet.objects.filter(is_current=True).exclude(pk=indicator_set.pk).update(
                is_current=False
            )
        existing = {i.code: i for i in Indicator.objects.filter(indicator_set=indicator_set)}

        def walk(nodes: Sequence[Mapping[str, Any]], parent: Indicator | None, depth: int) -> None:
            nonlocal created, updated, unchanged
            for raw in sorted(nodes, key=lambda n: n["code"]):
                values = {
                    "name": raw["name"],
                    "level": _LEVELS[min(depth, len(_LEVELS) - 1)].value,
                    "weight": Decimal(str(raw.get("weight", "0"))),
                    "sub_platform": raw.get("sub_platform", ""),
                }
                node = existing.get(raw["code"])
                if node is None:
                    fields = {"indicator_set": indicator_set, "code": raw["code"], **values}
                    if parent is None:
                        node = Indicator.objects.add_root(fields)
                    else:
                        parent.refresh_from_db()
                        node = Indicator.objects.add_child(parent, fields)
                    created += 1
                elif any(getattr(node, f) != values[f] for f in _NODE_FIELDS):
                    for field, value in values.items():
                        setattr(node, field, value)
                    node.save(update_fields=list(_NODE_FIELDS))
                    updated += 1
                else:
                    unchanged += 1
                walk(raw.get("children", ()), node, depth + 1)

        walk(data["indicators"], None, 0)
        if set_changed or created or updated:
            audit_record(
                actor=actor,
                action="assessment.indicators.load",
                target=indicator_set,
                detail={"created": created, "updated": updated, "unchanged": unchanged},
            )
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


# --- periods ----------------------------------------------------------------------------------


def period_ensure_year(*, year: int, actor: Any = None) -> Period:
    """Make sure the assessment year `year` and its four quarters exist; return the year.

    Codes: "2025" for the year, "2025-q1" … "2025-q4" for the quarters (dates inclusive). The
    stored name is language-neutral; pages show `Period.label`, which is translated.
    """
    if not 2000 <= year <= 2100:
        raise ValueError(f"year out of range: {year}")
    spans = [(str(year), str(year), PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))]
    for q in range(4):
        start = dt.date(year, 3 * q + 1, 1)
        next_start = dt.date(year + 1, 1, 1) if q == 3 else dt.date(year, 3 * q + 4, 1)
        end = next_start - dt.timedelta(days=1)
        spans.append((f"{year}-q{q + 1}", f"{year} Q{q + 1}", PeriodKind.QUARTER, start, end))
    made = []
    with transaction.atomic():
        for code, name, kind, start, end in spans:
            _, was_created = Period.objects.get_or_create(
                code=code, defaults={"name": name, "kind": kind, "start": start, "end": end}
            )
            if was_created:
                made.append(code)
        if made:
            audit_record(actor=actor, action="assessment.period.create", detail={"codes": made})
    return Period.objects.get(code=str(year))


# --- score ledger -----------------------------------------------------------------------------


def _resolve_indicator(indicator: Indicator | str) -> Indicator:
    if isinstance(indicator, Indicator):
        return indicator
    matches = list(
        Indicator.objects.filter(code=indicator).order_by("-indicator_set__is_current", "id")[:2]
    )
    if not matches:
        raise ScoreError(f"unknown indicator code: {indicator!r}")
    if len(matches) > 1 and not matches[0].indicator_set.is_current:
        raise ScoreError(f"indicator code {indicator!r} is ambiguous across indicator sets")
    return matches[0]


def _resolve_target(target: Government | Agency) -> tuple[int, int | None]:
    """(government id, agency id): an agency's entries also count for its government."""
    if isinstance(target, Agency):
        return target.government_id, target.pk
    if isinstance(target, Government):
        return target.pk, None
    raise ScoreError(f"a score target is a Government or an Agency, not {type(target).__name__}")


def _points(points: Decimal | int | str | float) -> Decimal:
    try:
        value = Decimal(str(points))
    except (InvalidOperation, ValueError) as exc:
        raise ScoreError(f"points must be a number: {points!r}") from exc
    if not value.is_finite():
        raise ScoreError(f"points must be finite: {points!r}")
    quantized = value.quantize(POINTS_QUANTUM)
    if quantized != value:
        raise ScoreError(f"points have at most two decimal places: {points!r}")
    if abs(quantized) >= Decimal("10000000"):
        raise ScoreError(f"points out of range: {points!r}")
    return quantized


def _check_time(occurred_at: dt.datetime) -> None:
    if not isinstance(occurred_at, dt.datetime) or occurred_at.tzinfo is None:
        raise ScoreError("occurred_at must be a timezone-aware datetime")


def _source_ref(source: models.Model) -> tuple[ContentType, str]:
    if not isinstance(source, models.Model) or source.pk is None:
        raise ScoreError("a score source is a saved model instance")
    return ContentType.objects.get_for_model(source, for_concrete_model=False), str(source.pk)


def _existing(
    source_type: ContentType, source_id: str, rule: str, indicator: Indicator, kind: str
) -> ScoreEntry | None:
    return ScoreEntry.objects.filter(
        source_type=source_type, source_id=source_id, rule=rule, indicator=indicator, kind=kind
    ).first()


def _snapshot(entry: ScoreEntry) -> dict[str, Any]:
    return {
        "government": entry.government_id,
        "agency": entry.agency_id,
        "indicator": entry.indicator.code,
        "points": str(entry.points),
        "kind": entry.kind,
        "rule": entry.rule,
        "source": f"{entry.source_type.app_label}.{entry.source_type.model}:{entry.source_id}",
        "occurred_at": entry.occurred_at.isoformat(),
        "reverses": entry.reverses_id,
    }


def score_record(
    *,
    target: Government | Agency,
    indicator: Indicator | str,
    points: Decimal | int | str,
    source: models.Model,
    rule: str,
    occurred_at: dt.datetime,
    source_label: str | None = None,
    source_url: str | None = None,
    actor: Any = None,
) -> ScoreEntry:
    """Record that `source` earned (or lost) `points` on `indicator` for `target` under `rule`.

    Idempotent on (source, rule, indicator): a second call returns the entry already recorded and
    writes nothing, even when two calls race (the unique constraint decides; the loser reads the
    winner's row).
    """
    if not rule or len(rule) > 64:
        raise ScoreError("rule must be a non-empty code of at most 64 characters")
    _check_time(occurred_at)
    value = _points(points)
    government_id, agency_id = _resolve_target(target)
    node = _resolve_indicator(indicator)
    source_type, source_id = _source_ref(source)
    found = _existing(source_type, source_id, rule, node, EntryKind.AWARD)
    if found is not None:
        return found
    if source_url is None:
        get_url = getattr(source, "get_absolute_url", None)
        source_url = get_url() if callable(get_url) else ""
    label = (source_label if source_label is not None else str(source))[:200]
    year = occurred_at.astimezone(ASSESSMENT_TZ).year
    if not Period.objects.filter(code=str(year)).exists():
        period_ensure_year(year=year, actor=actor)
    entry = ScoreEntry(
        government_id=government_id,
        agency_id=agency_id,
        indicator=node,
        points=value,
        kind=EntryKind.AWARD,
        rule=rule,
        source_type=source_type,
        source_id=source_id,
        source_label=label,
        source_url=(source_url or "")[:300],
        occurred_at=occurred_at,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
            audit_record(
                actor=actor, action="assessment.score.record", target=entry, after=_snapshot(entry)
            )
    except IntegrityError:
        found = _existing(source_type, source_id, rule, node, EntryKind.AWARD)
        if found is None:
            raise
        return found
    return entry


def score_reverse(
    *,
    source: models.Model,
    rule: str,
    indicator: Indicator | str,
    occurred_at: dt.datetime,
    actor: Any = None,
) -> ScoreEntry | None:
    """Cancel the entry `source` earned under `rule` on `indicator` with a new, negated entry.

    Returns the reversal (the existing one if already reversed), or None when there is nothing to
    reverse. The original entry is never edited.
    """
    _check_time(occurred_at)
    node = _resolve_indicator(indicator)
    source_type, source_id = _source_ref(source)
    award = _existing(source_type, source_id, rule, node, EntryKind.AWARD)
    if award is None:
        return None
    found = _existing(source_type, source_id, rule, node, EntryKind.REVERSAL)
    if found is not None:
        return found
    reversal = ScoreEntry(
        government_id=award.government_id,
        agency_id=award.agency_id,
        indicator=node,
        points=-award.points,
        kind=EntryKind.REVERSAL,
        reverses=award,
        rule=rule,
        source_type=source_type,
        source_id=source_id,
        source_label=award.source_label,
        source_url=award.source_url,
        occurred_at=occurred_at,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    try:
        with transaction.atomic():
            reversal.save(force_insert=True)
            audit_record(
                actor=actor,
                action="assessment.score.reverse",
                target=reversal,
                after=_snapshot(reversal),
            )
    except IntegrityError:
        found = _existing(source_type, source_id, rule, node, EntryKind.REVERSAL)
        if found is None:
            raise
        return found
    return reversal
