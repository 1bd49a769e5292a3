"""Writes to the organisation tree: divisions, governments, sectors and agencies.

Every write runs in one transaction and leaves an audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fazhi.audit.services import audit_record
from fazhi.core.calendar import (
    STATUTORY_REST_DAYS_FROM_YEAR,
    official_calendar_reset,
    statutory_rest_days,
)
from fazhi.core.identifiers import IdentifierError, validate_credit_code
from fazhi.orgs.models import (
    Agency,
    AgencyKind,
    Division,
    DivisionLevel,
    Government,
    HolidayDay,
    HolidaySchedule,
    Sector,
)
from fazhi.orgs.reference import SECTORS, government_name

LEVEL_ORDER = {DivisionLevel.REGION: 0, DivisionLevel.PREFECTURE: 1, DivisionLevel.COUNTY: 2}
AGENCY_FIELDS = ("name", "credit_code", "kind", "sector", "government", "entrusted_by", "is_active")


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def divisions_load(*, path: Path, actor: Any = None) -> LoadResult:
    """Load GB/T 2260 divisions from a JSON file into the tree, with one government each.

    Idempotent: existing codes are updated in place (name, level, kind), new ones are added under
    their parent; nothing is deleted. Parents are processed before children.
    """
    rows = json.loads(path.read_text(encoding="utf-8"))["divisions"]
    rows.sort(key=lambda r: (LEVEL_ORDER[DivisionLevel(r["level"])], r["code"]))
    existing = {d.code: d for d in Division.objects.all()}
    governments = set(Government.objects.values_list("division__code", flat=True))
    created = updated = unchanged = 0
    for row in rows:
        values = {"name": row["name"], "level": row["level"], "kind": row.get("kind") or ""}
        division = existing.get(row["code"])
        if division is None:
            if row["parent"] is None:
                division = Division.objects.add_root({"code": row["code"], **values})
            else:
                parent = existing[row["parent"]]
                division = Division.objects.add_child(parent, {"code": row["code"], **values})
            existing[division.code] = division
            created += 1
        elif any(getattr(division, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(division, k, v)
            division.save(update_fields=list(values))
            updated += 1
        else:
            unchanged += 1
        if division.code not in governments:
            Government.objects.create(division=division, name=government_name(division.name))
            governments.add(division.code)
    if created or updated:
        audit_record(
            actor=actor,
            action="orgs.division.load",
            detail={"file": path.name, "created": created, "updated": updated},
        )
    return LoadResult(created, updated, unchanged)


@transaction.atomic
def sectors_load(*, actor: Any = None) -> LoadResult:
    """Create or rename the enforcement sectors of `fazhi.orgs.reference.SECTORS`."""
    existing = {s.code: s for s in Sector.objects.all()}
    created = updated = unchanged = 0
    for spec in SECTORS:
        sector = existing.get(spec.code)
        if sector is None:
            Sector.objects.create(code=spec.code, name=spec.name)
            created += 1
        elif sector.name != spec.name:
            sector.name = spec.name
            sector.save(update_fields=["name"])
            updated += 1
        else:
            unchanged += 1
    if created or updated:
        audit_record(
            actor=actor, action="orgs.sector.load", detail={"created": created, "updated": updated}
        )
    return LoadResult(created, updated, unchanged)


def _clean_agency(agency: Agency) -> None:
    """Validate an agency; errors name the field in Chinese (via the zh_Hans catalogue)."""
    errors: dict[str, list[str]] = {}
    try:
        agency.credit_code = validate_credit_code(agency.credit_code)
    except IdentifierError as exc:
        errors["credit_code"] = [str(exc)]
    if agency.kind == AgencyKind.ENTRUSTED and agency.entrusted_by_id is None:
        errors["entrusted_by"] = [_("An entrusted organisation must name its entrusting agency.")]
    if agency.kind != AgencyKind.ENTRUSTED and agency.entrusted_by_id is not None:
        errors["entrusted_by"] = [_("Only an entrusted organisation has an entrusting agency.")]
    if agency.pk and agency.entrusted_by_id == agency.pk:
        errors["entrusted_by"] = [_("An agency cannot entrust itself.")]
    if errors:
        raise ValidationError(errors)
    agency.full_clean(exclude=["credit_code"])


def _snapshot(agency: Agency) -> dict[str, Any]:
    return {
        f: getattr(agency, f"{f}_id" if f in ("sector", "government", "entrusted_by") else f)
        for f in AGENCY_FIELDS
    }


@transaction.atomic
def agency_create(
    *,
    actor: Any,
    name: str,
    credit_code: str,
    kind: str,
    government: Government,
    sector: Sector | None = None,
    entrusted_by: Agency | None = None,
    request: Any = None,
) -> Agency:
    """Register an agency. Raises ValidationError (field → Chinese message) and writes nothing
    when the credit code (GB 32100-2015) or the entrustment (APL arts. 20–21) is wrong."""
    agency = Agency(
        name=name.strip(),
        credit_code=credit_code,
        kind=kind,
        government=government,
        sector=sector,
        entrusted_by=entrusted_by,
    )
    _clean_agency(agency)
    agency.save()
    audit_record(
        actor=actor,
        action="orgs.agency.create",
        target=agency,
        request=request,
        after=_snapshot(agency),
    )
    return agency


@transaction.atomic
def agency_update(
    *, actor: Any, agency: Agency, data: Mapping[str, Any], request: Any = None
) -> Agency:
    """Change some fields of an agency (those in AGENCY_FIELDS); same validation as create."""
    unknown = set(data) - set(AGENCY_FIELDS)
    if unknown:
        raise ValidationError({f: [_("This field cannot be changed here.")] for f in unknown})
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _snapshot(agency)
    for field, value in data.items():
        setattr(agency, field, value.strip() if field == "name" else value)
    _clean_agency(agency)
    agency.save()
    after = _snapshot(agency)
    changed = {k for k in after if after[k] != before[k]}
    audit_record(
        actor=actor,
        action="orgs.agency.update",
        target=agency,
        request=request,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return agency


def holiday_schedule_errors(year: int, days: Mapping[date, bool]) -> list[str]:
    """Problems with a year's schedule table, in Chinese; empty when it can be loaded.

    The table lists the exceptions to Monday–Friday working (rulebook §0.2). From 2025 every
    statutory rest day (《全国年节及纪念日放假办法》第二条) that falls on a weekday must be a rest
    day in it, and none may be a working day: a schedule that contradicts the statute is a typo.
    """
    errors = []
    for day in sorted(days):
        if day.year != year:
            errors.append(_("%(day)s is not in %(year)s.") % {"day": day, "year": year})
    if year >= STATUTORY_REST_DAYS_FROM_YEAR:
        for day, name in sorted(statutory_rest_days(year).items()):
            working = days.get(day, day.weekday() < 5)
            if working:
                errors.append(
                    _(
                        "%(day)s (%(name)s) is a statutory rest day but the table makes it a "
                        "working day."
                    )
                    % {"day": day, "name": name}
                )
    return errors


@transaction.atomic
def holiday_schedule_load(
    *,
    year: int,
    days: Mapping[date, bool],
    source: str,
    names: Mapping[date, str] | None = None,
    actor: Any = None,
) -> LoadResult:
    """Load (or replace) one year's official holiday schedule; refused with Chinese messages
    when `holiday_schedule_errors` finds a problem. Idempotent: the same table changes nothing."""
    source = (source or "").strip()
    errors = holiday_schedule_errors(year, days)
    if not source:
        errors.insert(0, _("Name the document that published the schedule."))
    if errors:
        raise ValidationError(errors)
    names = names or {}
    schedule = HolidaySchedule.objects.filter(year=year).first()
    wanted = {(day, bool(working), names.get(day, "")) for day, working in days.items()}
    if schedule is not None:
        current = set(schedule.days.values_list("day", "is_working_day", "name"))
        if current == wanted and schedule.source == source:
            return LoadResult(0, 0, 1)
        schedule.days.all().delete()
        schedule.source = source
        schedule.save()
        created, updated = 0, 1
    else:
        schedule = HolidaySchedule.objects.create(year=year, source=source)
        created, updated = 1, 0
    HolidayDay.objects.bulk_create(
        HolidayDay(schedule=schedule, day=day, is_working_day=working, name=name)
        for day, working, name in sorted(wanted)
    )
    audit_record(
        actor=actor,
        action="orgs.holidays.load",
        target=schedule,
        detail={"year": year, "source": source, "days": len(wanted)},
    )
    transaction.on_commit(official_calendar_reset)
    return LoadResult(created, updated, 0)
