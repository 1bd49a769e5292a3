"""Writes to authority lists (权责清单), discretion benchmarks (裁量基准) and first-violation lists
(首违不罚清单), rulebook §10 and issue 4 §3.

Every write runs in one transaction with its audit entry. Benchmarks are checked by the pure
rules of `fazhi.enforcement.rules.benchmarks` before they are saved and again before they are
published; publishing a version closes the previous one (its `valid_to` becomes the day before).
Publishing sets `is_published` and `published_at`, which the public portal reads (art. 34:
benchmarks must be published).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fazhi.audit.services import audit_record
from fazhi.enforcement.models import (
    AuthorityBasis,
    AuthorityItem,
    BenchmarkTier,
    DiscretionBenchmark,
    FirstViolationEntry,
    FirstViolationList,
)
from fazhi.enforcement.rules import benchmarks as rules
from fazhi.enforcement.rules.discretion import StatutoryRange, Tier
from fazhi.enforcement.rules.enums import ActType, TierLevel
from fazhi.enforcement.selectors.authority import (
    ProvisionDrafts,
    can_manage_agency,
    provision_drafts,
)
from fazhi.orgs.models import Agency, Division, Sector

ITEM_FIELDS = (
    "code", "act_type", "name", "sector", "responsible_post", "source_provision",
    "violation_key", "penalty_types", "fine_min", "fine_max", "valid_from", "valid_to",
    "multiple_min", "multiple_max", "fine_base", "base_threshold",
)


KEEP = object()  # "leave this field as it is" in update services


class BenchmarkError(ValidationError):
    """A benchmark broke a rule of rules/benchmarks.py; `.findings` keeps each rule and basis."""

    def __init__(self, findings: Sequence[rules.Finding]) -> None:
        super().__init__([str(f) for f in findings], code="benchmark")
        self.findings = list(findings)


def require_manager(actor: Any, agency: Agency | None) -> None:
    """Only an agency leader, legal reviewer or supervisor whose scope covers the agency edits
    and publishes its lists (officers read them)."""
    if not can_manage_agency(actor, agency):
        raise PermissionDenied(_("You may not edit the authority lists of this agency."))


def _snapshot(item: AuthorityItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "act_type": item.act_type,
        "name": item.name,
        "violation_key": item.violation_key,
        "penalty_types": list(item.penalty_types or []),
        "fine_min": str(item.fine_min) if item.fine_min is not None else None,
        "fine_max": str(item.fine_max) if item.fine_max is not None else None,
        "multiple_min": str(item.multiple_min) if item.multiple_min is not None else None,
        "multiple_max": str(item.multiple_max) if item.multiple_max is not None else None,
        "fine_base": item.fine_base,
        "base_threshold": str(item.base_threshold) if item.base_threshold is not None else None,
        "is_published": item.is_published,
    }


def _next_code(agency: Agency, act_type: str) -> str:
    prefix = {"penalty": "CF", "licensing": "XK", "coercion": "QZ", "inspection": "JC"}.get(
        act_type, "QT"
    )
    n = AuthorityItem.objects.filter(agency=agency, code__startswith=prefix).count() + 1
    while AuthorityItem.objects.filter(agency=agency, code=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


@dataclass(frozen=True)
class BasisSpec:
    """One provision an item cites; inferred duties need a legal reviewer's confirmation."""

    provision: Any
    role: str = AuthorityBasis.Role.BASIS
    needs_confirmation: bool = False


def _check_item(item: AuthorityItem) -> None:
    errors: dict[str, list[str]] = {}
    if item.fine_min is not None and item.fine_max is not None and item.fine_min > item.fine_max:
        errors["fine_max"] = [_("The statutory maximum fine is below the minimum.")]
    if item.act_type != ActType.PENALTY and (
        item.penalty_types or item.fine_min or item.fine_max or item.multiple_min
        or item.multiple_max
    ):
        errors["act_type"] = [_("Only a penalty item carries penalty types and fines.")]
    errors.update(_check_multiples(item))
    if item.valid_from and item.valid_to and item.valid_to < item.valid_from:
        errors["valid_to"] = [_("The item ends before it starts.")]
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["agency", "sector", "source_provision"])


def _check_multiples(item: AuthorityItem) -> dict[str, list[str]]:
    """A fine that is a multiple of a base (rulebook §10.2 statutory_range multiple_min,
    multiple_max, base): non-negative multiples in order, the base named; a threshold only with
    multiples, and with both a fixed range and multiples the threshold that separates them
    (食品安全法 第一百二十四条: 货值金额不足一万元 fixed, 一万元以上 multiples)."""
    errors: dict[str, list[str]] = {}
    lo, hi = item.multiple_min, item.multiple_max
    has_multiple = lo is not None or hi is not None
    if (lo is not None and lo < 0) or (hi is not None and hi < 0):
        errors["multiple_min"] = [_("A multiple cannot be negative.")]
    elif lo is not None and hi is not None and lo > hi:
        errors["multiple_max"] = [_("The statutory maximum multiple is below the minimum.")]
    if has_multiple and not item.fine_base:
        errors["fine_base"] = [
            _("Name what the fine is a multiple of (value of the goods, illegal gains …).")
        ]
    if not has_multiple and (item.fine_base or item.base_threshold is not None):
        errors["multiple_min"] = [_("A base and a threshold need the statutory multiples.")]
    if item.base_threshold is not None and item.base_threshold < 0:
        errors["base_threshold"] = [_("The threshold cannot be negative.")]
    fixed = item.fine_min is not None or item.fine_max is not None
    if has_multiple and fixed and item.base_threshold is None:
        errors["base_threshold"] = [
            _(
                "With both a fixed range and multiples, give the base from which the multiples "
                "apply (below it the fixed range applies)."
            )
        ]
    return errors


def _set_bases(item: AuthorityItem, bases: Iterable[BasisSpec]) -> None:
    item.bases.all().delete()
    seen: set[tuple[int, str]] = set()
    rows = []
    for b in bases:
        key = (b.provision.pk, str(b.role))
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            AuthorityBasis(
                item=item,
                provision=b.provision,
                role=b.role,
                needs_confirmation=b.needs_confirmation,
            )
        )
    AuthorityBasis.objects.bulk_create(rows)


@transaction.atomic
def authority_item_create(
    *,
    actor: Any,
    agency: Agency,
    act_type: str,
    name: str,
    code: str = "",
    sector: Sector | None = None,
    responsible_post: str = "",
    source_provision: Any = None,
    violation_key: str = "",
    penalty_types: Sequence[str] = (),
    fine_min: Decimal | None = None,
    fine_max: Decimal | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    bases: Iterable[BasisSpec] = (),
    multiple_min: Decimal | None = None,
    multiple_max: Decimal | None = None,
    fine_base: str = "",
    base_threshold: Decimal | None = None,
) -> AuthorityItem:
    """Add one power to `agency`'s authority list (unpublished until `authority_item_publish`)."""
    item = AuthorityItem(
        agency=agency,
        act_type=act_type,
        name=(name or "").strip(),
        code=(code or "").strip() or _next_code(agency, act_type),
        sector=sector or agency.sector,
        responsible_post=responsible_post,
        source_provision=source_provision,
        violation_key=violation_key or (source_provision.key if source_provision else ""),
        penalty_types=list(penalty_types),
        fine_min=fine_min,
        fine_max=fine_max,
        valid_from=valid_from,
        valid_to=valid_to,
        multiple_min=multiple_min,
        multiple_max=multiple_max,
        fine_base=fine_base or "",
        base_threshold=base_threshold,
    )
    if AuthorityItem.objects.filter(agency=agency, code=item.code).exists():
        raise ValidationError({"code": [_("This agency already has an item with this code.")]})
    _check_item(item)
    item.save()
    bases = list(bases)
    if source_provision is not None and not any(
        b.provision.pk == source_provision.pk for b in bases
    ):
        bases.insert(0, BasisSpec(source_provision, AuthorityBasis.Role.PENALTY))
    _set_bases(item, bases)
    audit_record(
        actor=actor,
        action="enforcement.authority_item.create",
        target=item,
        after=_snapshot(item),
        detail={"agency": agency.pk, "code": item.code, "act_type": act_type},
    )
    return item


@transaction.atomic
def authority_item_update(
    *, actor: Any, item: AuthorityItem, bases: Iterable[BasisSpec] | None = None, **changes: Any
) -> AuthorityItem:
    """Change an item's fields (any of ITEM_FIELDS) and, when given, its legal bases."""
    item = AuthorityItem.objects.select_for_update().get(pk=item.pk)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    before = _snapshot(item)
    if "code" in changes and changes["code"] != item.code:
        clash = AuthorityItem.objects.filter(agency=item.agency_id, code=changes["code"])
        if clash.exclude(pk=item.pk).exists():
            raise ValidationError(
                {"code": [_("This agency already has an item with this code.")]}
            )
    for field, value in changes.items():
        setattr(item, field, list(value) if field == "penalty_types" else value)
    _check_item(item)
    item.save()
    if bases is not None:
        _set_bases(item, bases)
    audit_record(
        actor=actor,
        action="enforcement.authority_item.update",
        target=item,
        before=before,
        after=_snapshot(item),
        detail={"fields": sorted(changes)},
    )
    return item


@transaction.atomic
def authority_item_publish(
    *, actor: Any, item: AuthorityItem, at: datetime | None = None
) -> AuthorityItem:
    """Publish an item on the authority list (事前公开, rulebook §2.1)."""
    item = AuthorityItem.objects.select_for_update().get(pk=item.pk)
    at = at or timezone.now()
    item.is_published = True
    item.published_at = at
    item.save(update_fields=["is_published", "published_at", "updated_at"])
    audit_record(
        actor=actor, action="enforcement.authority_item.publish", target=item, at=at,
        detail={"code": item.code},
    )
    return item


@transaction.atomic
def authority_basis_confirm(*, actor: Any, basis: AuthorityBasis) -> AuthorityBasis:
    """A legal reviewer confirms an inferred duty provision (须经法制审核确认)."""
    basis.needs_confirmation = False
    basis.save(update_fields=["needs_confirmation"])
    audit_record(
        actor=actor, action="enforcement.authority_item.confirm_basis", target=basis.item,
        detail={"provision": basis.provision_id, "role": basis.role},
    )
    return basis


# -- benchmarks -----------------------------------------------------------------------------------


def statutory_range(item: AuthorityItem) -> StatutoryRange:
    """The item's statutory range, for the benchmark checks and the case rules alike: fixed
    bounds, or multiples of a base with the threshold below which the fixed range applies
    (rulebook §10.2)."""
    return StatutoryRange(
        penalty_types=tuple(item.penalty_types or ()),
        fine_min=item.fine_min,
        fine_max=item.fine_max,
        multiple_min=item.multiple_min,
        multiple_max=item.multiple_max,
        base=item.fine_base,
        base_threshold=item.base_threshold,
    )


def _tier_spec(data: Mapping[str, Any]) -> Tier:
    def dec(value: Any) -> Decimal | None:
        return None if value in (None, "") else Decimal(str(value))

    return Tier(
        level=str(data.get("level", "")),
        penalty_types=tuple(data.get("penalty_types") or ()),
        fine_min=dec(data.get("fine_min")),
        fine_max=dec(data.get("fine_max")),
        requires_legal_review=bool(data.get("requires_legal_review")),
        overlap_note=str(data.get("overlap_note") or ""),
        multiple_min=dec(data.get("multiple_min")),
        multiple_max=dec(data.get("multiple_max")),
    )


def benchmark_check(item: AuthorityItem, tiers: Sequence[Mapping[str, Any]]) -> None:
    """Raise BenchmarkError with every broken rule (rulebook §10.2)."""
    if item.act_type != ActType.PENALTY:
        raise ValidationError(_("Only a penalty item has a discretion benchmark."))
    findings = rules.check_tiers(statutory_range(item), [_tier_spec(t) for t in tiers])
    if findings:
        raise BenchmarkError(findings)


def _versions(item: AuthorityItem, region: Division | None, exclude: int | None) -> list[Any]:
    qs = DiscretionBenchmark.objects.filter(item=item, region=region)
    if exclude:
        qs = qs.exclude(pk=exclude)
    return [
        rules.Version(b.pk, b.valid_from, b.valid_to, b.is_published)
        for b in qs.only("pk", "valid_from", "valid_to", "is_published")
    ]


def _check_dates(
    item: AuthorityItem, region: Division | None, valid_from: date, valid_to: date | None,
    exclude: int | None = None,
) -> None:
    findings = rules.check_version_dates(valid_from, valid_to, _versions(item, region, exclude))
    if findings:
        raise BenchmarkError(findings)


def _write_tiers(benchmark: DiscretionBenchmark, tiers: Sequence[Mapping[str, Any]]) -> None:
    benchmark.tiers.all().delete()
    order = {level: i for i, level in enumerate(rules.TIER_ORDER)}
    BenchmarkTier.objects.bulk_create(
        BenchmarkTier(
            benchmark=benchmark,
            level=t["level"],
            circumstances=t.get("circumstances") or "",
            penalty_types=list(t.get("penalty_types") or []),
            fine_min=_tier_spec(t).fine_min,
            fine_max=_tier_spec(t).fine_max,
            multiple_min=_tier_spec(t).multiple_min,
            multiple_max=_tier_spec(t).multiple_max,
            requires_legal_review=bool(t.get("requires_legal_review")),
            requires_collective_discussion=bool(t.get("requires_collective_discussion")),
            legal_ground=t.get("legal_ground") or "",
            overlap_note=t.get("overlap_note") or "",
            position=order.get(t["level"], 9),
        )
        for t in tiers
    )


def benchmark_tier_rows(benchmark: DiscretionBenchmark) -> list[dict[str, Any]]:
    return [
        {
            "level": t.level,
            "circumstances": t.circumstances,
            "penalty_types": t.penalty_types,
            "fine_min": t.fine_min,
            "fine_max": t.fine_max,
            "multiple_min": t.multiple_min,
            "multiple_max": t.multiple_max,
            "requires_legal_review": t.requires_legal_review,
            "requires_collective_discussion": t.requires_collective_discussion,
            "legal_ground": t.legal_ground,
            "overlap_note": t.overlap_note,
        }
        for t in benchmark.tiers.all()
    ]


@transaction.atomic
def benchmark_create(
    *,
    actor: Any,
    item: AuthorityItem,
    valid_from: date,
    tiers: Sequence[Mapping[str, Any]],
    valid_to: date | None = None,
    issuing_body: str = "",
    region: Division | None = None,
    draft: Mapping[str, Any] | None = None,
) -> DiscretionBenchmark:
    """A new (unpublished) benchmark version of a penalty item; refused with every broken rule."""
    item = AuthorityItem.objects.select_for_update().get(pk=item.pk)
    benchmark_check(item, tiers)
    _check_dates(item, region, valid_from, valid_to)
    benchmark = DiscretionBenchmark.objects.create(
        item=item,
        valid_from=valid_from,
        valid_to=valid_to,
        issuing_body=issuing_body or item.agency.name,
        region=region,
        draft=dict(draft or {}),
    )
    _write_tiers(benchmark, tiers)
    audit_record(
        actor=actor, action="enforcement.benchmark.create", target=benchmark,
        detail={"item": item.pk, "valid_from": valid_from.isoformat(), "tiers": len(tiers)},
    )
    return benchmark


@transaction.atomic
def benchmark_update(
    *,
    actor: Any,
    benchmark: DiscretionBenchmark,
    tiers: Sequence[Mapping[str, Any]] | None = None,
    valid_from: date | None = None,
    valid_to: date | object | None = KEEP,
    issuing_body: str | None = None,
) -> DiscretionBenchmark:
    """Edit a draft version; a published version is never edited (publish a new one). Arguments
    left out keep their value (`valid_to=None` opens the version's end)."""
    benchmark = DiscretionBenchmark.objects.select_for_update().select_related("item").get(
        pk=benchmark.pk
    )
    if benchmark.is_published:
        raise ValidationError(
            _("A published benchmark cannot be changed; create a new version instead.")
        )
    tiers = benchmark_tier_rows(benchmark) if tiers is None else tiers
    benchmark_check(benchmark.item, tiers)
    new_from = valid_from or benchmark.valid_from
    new_to = benchmark.valid_to if valid_to is KEEP else valid_to
    assert new_to is None or isinstance(new_to, date)
    _check_dates(benchmark.item, benchmark.region, new_from, new_to, exclude=benchmark.pk)
    benchmark.valid_from, benchmark.valid_to = new_from, new_to
    if issuing_body is not None:
        benchmark.issuing_body = issuing_body
    benchmark.save()
    _write_tiers(benchmark, tiers)
    audit_record(
        actor=actor, action="enforcement.benchmark.update", target=benchmark,
        detail={"item": benchmark.item_id, "valid_from": new_from.isoformat()},
    )
    return benchmark


@transaction.atomic
def benchmark_publish(
    *, actor: Any, benchmark: DiscretionBenchmark, at: datetime | None = None
) -> DiscretionBenchmark:
    """Publish a version (行政处罚法 art. 34) and close the one it replaces: the previous
    published version ends the day before this one starts (rulebook §10.2 rule 5)."""
    benchmark = DiscretionBenchmark.objects.select_for_update().select_related("item").get(
        pk=benchmark.pk
    )
    if benchmark.is_published:
        return benchmark
    item = AuthorityItem.objects.select_for_update().get(pk=benchmark.item_id)
    benchmark_check(item, benchmark_tier_rows(benchmark))
    _check_dates(item, benchmark.region, benchmark.valid_from, benchmark.valid_to, benchmark.pk)
    at = at or timezone.now()
    closed = []
    for previous in DiscretionBenchmark.objects.select_for_update().filter(
        item=item, region=benchmark.region, is_published=True
    ):
        end = rules.closing_date(
            rules.Version(previous.pk, previous.valid_from, previous.valid_to, True),
            benchmark.valid_from,
        )
        if end is not None:
            previous.valid_to = end
            previous.save(update_fields=["valid_to"])
            closed.append(previous.pk)
    benchmark.is_published = True
    benchmark.published_at = at
    benchmark.save(update_fields=["is_published", "published_at"])
    audit_record(
        actor=actor, action="enforcement.benchmark.publish", target=benchmark, at=at,
        detail={"item": item.pk, "valid_from": benchmark.valid_from.isoformat(),
                "closed": closed},
    )
    return benchmark


# -- drafting from a penalty provision ------------------------------------------------------------


def tiers_from_draft(
    item: AuthorityItem, drafts: ProvisionDrafts, split: tuple[Decimal, Decimal] | None = None
) -> list[dict[str, Any]]:
    """Tier rows for the benchmark editor from the library's draft (fazhi.laws.penalties
    .draft_benchmark): types, legal grounds and review flags from the draft; fine ranges are the
    item's statutory range split by `rules.default_split` (rulebook §10.2 [PRAC] 30 % / 70 %),
    the mitigated tier from 0 up to the statutory minimum with legal review."""
    by_level = {t["level"]: t for t in drafts.benchmark.get("tiers", [])}
    statutory = set(item.penalty_types or [])
    ranges: dict[str, tuple[Decimal, Decimal]] = {}
    if item.fine_min is not None and item.fine_max is not None:
        ranges = rules.default_split(
            item.fine_min, item.fine_max, split or rules.DEFAULT_SPLIT, places=Decimal(1)
        )
    multiples: dict[str, tuple[Decimal, Decimal]] = {}
    if item.multiple_min is not None and item.multiple_max is not None:
        multiples = rules.default_split(
            item.multiple_min, item.multiple_max, split or rules.DEFAULT_SPLIT
        )
    rows = []
    for level in rules.TIER_ORDER:
        d = by_level.get(level, {})
        types = [t for t in rules.penalty_types_from_laws(d.get("types", [])) if t in statutory]
        row: dict[str, Any] = {
            "level": level,
            "circumstances": "",
            "penalty_types": types,
            "fine_min": None,
            "fine_max": None,
            "multiple_min": None,
            "multiple_max": None,
            "requires_legal_review": bool(d.get("requires_legal_review")),
            "requires_collective_discussion": False,
            "legal_ground": d.get("legal_ground", ""),
            "overlap_note": "",
        }
        if level == TierLevel.NO_PENALTY:
            row["penalty_types"] = []
            row["circumstances"] = _(
                "Minor violation promptly corrected without harmful consequence; first violation "
                "with slight harm promptly corrected; no subjective fault (art. 33)."
            )
        elif level == TierLevel.MITIGATED:
            if item.fine_min:
                row["fine_min"], row["fine_max"] = Decimal(0), item.fine_min
            if item.multiple_min:
                row["multiple_min"], row["multiple_max"] = Decimal(0), item.multiple_min
            row["requires_legal_review"] = True
        else:
            if level in ranges:
                row["fine_min"], row["fine_max"] = ranges[level]
            if level in multiples:
                row["multiple_min"], row["multiple_max"] = multiples[level]
        if "fine" not in row["penalty_types"] and level != TierLevel.MITIGATED:
            row["fine_min"] = row["fine_max"] = None
            row["multiple_min"] = row["multiple_max"] = None
        rows.append(row)
    return rows


@transaction.atomic
def authority_item_draft_from_provision(
    *,
    actor: Any,
    agency: Agency,
    provision: Any,
    code: str = "",
    name: str = "",
    responsible_post: str = "",
    benchmark_from: date | None = None,
    region: Division | None = None,
    split: tuple[Decimal, Decimal] | None = None,
) -> AuthorityItem:
    """One step: an authority item and a draft benchmark from a penalty provision, using the legal
    library's drafts (`fazhi.laws.penalties.draft_authority_item` / `draft_benchmark`; nothing is
    re-parsed). The penalty provision and the duties it names become `AuthorityBasis` rows;
    duties only inferred by wording are marked `needs_confirmation` (须经法制审核确认)."""
    drafts = provision_drafts(provision)
    if drafts is None:
        raise ValidationError(
            {"provision": [_("This provision sets no administrative penalty.")]}
        )
    bases = [BasisSpec(drafts.penalty_provision, AuthorityBasis.Role.PENALTY)]
    bases += [BasisSpec(p, AuthorityBasis.Role.VIOLATED) for p in drafts.enforces]
    bases += [BasisSpec(p, AuthorityBasis.Role.VIOLATED, True) for p in drafts.inferred]
    item = authority_item_create(
        actor=actor,
        agency=agency,
        act_type=ActType.PENALTY,
        name=name or drafts.item["name"],
        code=code,
        responsible_post=responsible_post,
        source_provision=drafts.penalty_provision,
        violation_key=drafts.penalty_provision.key,
        penalty_types=rules.penalty_types_from_laws(drafts.item.get("penalty_types", [])),
        fine_min=drafts.fine_min,
        fine_max=drafts.fine_max,
        bases=bases,
    )
    benchmark_create(
        actor=actor,
        item=item,
        valid_from=benchmark_from or timezone.localdate(),
        tiers=tiers_from_draft(item, drafts, split),
        region=region,
        draft=drafts.benchmark,
    )
    return item


# -- first-violation lists ------------------------------------------------------------------------


def _entries_clean(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for e in entries:
        key = (e.get("violation_key") or "").strip()
        if not key:
            continue
        if key in seen:
            raise ValidationError(
                {"entries": [_("The violation %(key)s is listed twice.") % {"key": key}]}
            )
        seen.add(key)
        days = int(e.get("correction_days") or 15)
        if days < 1:
            raise ValidationError({"entries": [_("The correction period must be at least a day.")]})
        out.append(
            {"violation_key": key, "description": (e.get("description") or key)[:300],
             "correction_days": days}
        )
    return out


@transaction.atomic
def first_violation_list_create(
    *,
    actor: Any,
    sector: Sector,
    name: str,
    valid_from: date,
    issuing_agency: Agency | None = None,
    region: Division | None = None,
    lookback_days: int = 730,
    valid_to: date | None = None,
    entries: Iterable[Mapping[str, Any]] = (),
) -> FirstViolationList:
    """A sector's first-violation-no-penalty list (首违不罚清单, 行政处罚法 art. 33 ¶1; rulebook
    §10.3 step 5) with its look-back window (1–2 years [PRAC], configurable)."""
    if lookback_days < 1:
        raise ValidationError(
            {"lookback_days": [_("The look-back window must be at least a day.")]}
        )
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": [_("The list ends before it starts.")]})
    rows = _entries_clean(entries)
    fvl = FirstViolationList.objects.create(
        sector=sector,
        name=(name or "").strip(),
        issuing_agency=issuing_agency,
        region=region or (issuing_agency.government.division if issuing_agency else None),
        lookback_days=lookback_days,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    FirstViolationEntry.objects.bulk_create(FirstViolationEntry(list=fvl, **r) for r in rows)
    audit_record(
        actor=actor, action="enforcement.first_violation_list.create", target=fvl,
        detail={"sector": sector.code, "entries": len(rows), "lookback_days": lookback_days},
    )
    return fvl


@transaction.atomic
def first_violation_list_update(
    *,
    actor: Any,
    fvl: FirstViolationList,
    entries: Iterable[Mapping[str, Any]] | None = None,
    **changes: Any,
) -> FirstViolationList:
    """Edit an unpublished list: name, look-back window, dates, and (replacing them) entries."""
    fvl = FirstViolationList.objects.select_for_update().get(pk=fvl.pk)
    if fvl.is_published:
        raise ValidationError(_("A published list cannot be changed; issue a new list instead."))
    allowed = {"name", "lookback_days", "valid_from", "valid_to", "region"}
    if set(changes) - allowed:
        raise TypeError(f"unknown fields {sorted(set(changes) - allowed)}")
    for field, value in changes.items():
        setattr(fvl, field, value)
    if fvl.lookback_days < 1:
        raise ValidationError(
            {"lookback_days": [_("The look-back window must be at least a day.")]}
        )
    if fvl.valid_to is not None and fvl.valid_to < fvl.valid_from:
        raise ValidationError({"valid_to": [_("The list ends before it starts.")]})
    fvl.save()
    if entries is not None:
        rows = _entries_clean(entries)
        fvl.entries.all().delete()
        FirstViolationEntry.objects.bulk_create(FirstViolationEntry(list=fvl, **r) for r in rows)
    audit_record(
        actor=actor, action="enforcement.first_violation_list.update", target=fvl,
        detail={"fields": sorted(changes), "entries": entries is not None},
    )
    return fvl


@transaction.atomic
def first_violation_list_publish(
    *, actor: Any, fvl: FirstViolationList, at: datetime | None = None
) -> FirstViolationList:
    """Publish a list; the previous published list of the same sector and region ends the day
    before this one starts, so one list applies on any day."""
    fvl = FirstViolationList.objects.select_for_update().get(pk=fvl.pk)
    if fvl.is_published:
        return fvl
    if not fvl.entries.exists():
        raise ValidationError(_("An empty list cannot be published."))
    at = at or timezone.now()
    previous = FirstViolationList.objects.select_for_update().filter(
        sector=fvl.sector_id, region=fvl.region_id, is_published=True
    )
    for p in previous:
        version = rules.Version(p.pk, p.valid_from, p.valid_to, True)
        end = rules.closing_date(version, fvl.valid_from)
        if p.valid_from >= fvl.valid_from:
            raise ValidationError(
                _("A published list of this sector and region starts on %(day)s, not before "
                  "this one.") % {"day": p.valid_from.isoformat()}
            )
        if end is not None:
            p.valid_to = end
            p.save(update_fields=["valid_to"])
    fvl.is_published = True
    fvl.published_at = at
    fvl.save(update_fields=["is_published", "published_at"])
    audit_record(
        actor=actor, action="enforcement.first_violation_list.publish", target=fvl, at=at,
        detail={"sector": fvl.sector_id, "region": fvl.region_id},
    )
    return fvl


# -- demo data ------------------------------------------------------------------------------------

# Real penalty provisions of the library, by the sector whose agencies apply them.
DEMO_PROVISIONS: dict[str, tuple[str, ...]] = {
    "market": ("food-safety-law/art-124", "food-safety-law/art-126", "advertising-law/art-58"),
    "transport": ("road-traffic-safety-law/art-90", "road-traffic-safety-law/art-99"),
    "public_security": ("road-traffic-safety-law/art-90", "road-traffic-safety-law/art-99"),
}
DEMO_DEFAULT = ("food-safety-law/art-124", "road-traffic-safety-law/art-90")


def authority_demo_seed(
    agency: Agency,
    *,
    laws: Iterable[str] | bool = True,
    actor: Any = None,
    on: date | None = None,
    publish: bool = True,
) -> list[AuthorityItem]:
    """Demo authority items of `agency` drafted from real penalty provisions, each with a
    published benchmark for the agency's division, plus the sector's first-violation list.

    `laws`: provision keys to draft from, or True for the agency's sector defaults
    (DEMO_PROVISIONS). Provisions missing from the library (not loaded) are skipped, so the seed
    never fails for want of law texts; items already present (same violation key) are kept.
    """
    from django.db.models import F

    from fazhi.laws.models import Provision

    sector_code = agency.sector.code if agency.sector_id else ""
    keys = (
        list(DEMO_PROVISIONS.get(sector_code, DEMO_DEFAULT))
        if laws is True or laws is None
        else [] if laws is False else list(laws)  # type: ignore[arg-type]
    )
    on = on or date(timezone.localdate().year, 1, 1)
    division = agency.government.division
    items: list[AuthorityItem] = []
    for key in keys:
        existing = AuthorityItem.objects.filter(agency=agency, violation_key=key).first()
        if existing is not None:
            items.append(existing)
            continue
        provision = (
            Provision.objects.filter(key=key, version=F("law__current_version")).first()
            or Provision.objects.filter(key=key).order_by("-version__effective_from").first()
        )
        if provision is None:
            continue
        try:
            item = authority_item_draft_from_provision(
                actor=actor,
                agency=agency,
                provision=provision,
                responsible_post=_("Enforcement division"),
                benchmark_from=on,
                region=division,
            )
        except ValidationError:  # the provision sets no penalty
            continue
        if publish:
            item = authority_item_publish(actor=actor, item=item)
            for b in item.benchmarks.all():
                benchmark_publish(actor=actor, benchmark=b)
        items.append(item)
    if items and agency.sector_id and not FirstViolationList.objects.filter(
        issuing_agency=agency
    ).exists():
        fvl = first_violation_list_create(
            actor=actor,
            sector=agency.sector,
            name=_("First-violation no-penalty list of %(agency)s") % {"agency": agency.name},
            issuing_agency=agency,
            region=division,
            valid_from=on,
            entries=[
                {"violation_key": i.violation_key, "description": i.name[:300],
                 "correction_days": 15}
                for i in items[:2]
            ],
        )
        if publish:
            first_violation_list_publish(actor=actor, fvl=fvl)
    return items

