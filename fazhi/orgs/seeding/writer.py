"""Bulk writes of a seed plan: agencies, then officers (users + officer role assignments).

Rows are keyed by natural keys, so a second run with the same seed inserts nothing: agencies by
credit code and (government, name) with ignore_conflicts, users by username (checked per batch).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from tqdm import tqdm

from fazhi.accounts.models import RoleAssignment, User
from fazhi.orgs.models import Agency, Division, Government, Sector
from fazhi.orgs.seeding.codes import organ_credit_code
from fazhi.orgs.seeding.names import person_name
from fazhi.orgs.seeding.plan import AgencyPlan, DivisionRow, allocate

BATCH = 2000


def division_rows() -> list[DivisionRow]:
    """The loaded divisions, parents first."""
    divisions = Division.objects.order_by("depth", "code").values_list("code", "name", "level")
    rows = []
    for code, name, level in divisions:
        parent = None if level == "region" else (
            "150000" if level == "prefecture" else f"{code[:4]}00"
        )
        rows.append(DivisionRow(code, name, level, parent))
    return rows


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bar(total: int, unit: str, progress: bool) -> tqdm:
    return tqdm(total=total, unit=unit, file=sys.stderr, disable=not progress, leave=False)


def agencies_write(
    plans: Sequence[AgencyPlan], *, progress: bool = False
) -> tuple[int, list[int]]:
    """Insert the planned agencies; return (number created, agency id per plan)."""
    governments = dict(Government.objects.values_list("division__code", "id"))
    sectors = dict(Sector.objects.values_list("code", "id"))
    before = Agency.objects.count()

    def build(plan: AgencyPlan, entrusted_by_id: int | None = None) -> Agency:
        return Agency(
            name=plan.name,
            credit_code=organ_credit_code(plan.division, plan.name),
            kind=plan.kind,
            sector_id=sectors[plan.sector],
            government_id=governments[plan.division],
            entrusted_by_id=entrusted_by_id,
        )

    def id_map() -> dict[tuple[int, str], int]:
        rows = Agency.objects.values_list("government_id", "name", "id")
        return {(g, n): pk for g, n, pk in rows}

    bar = _bar(len(plans), "agency", progress)
    first = [p for p in plans if p.entrusted_by is None]
    for chunk in _chunks(first, BATCH):
        Agency.objects.bulk_create([build(p) for p in chunk], ignore_conflicts=True)
        bar.update(len(chunk))
    ids = id_map()
    entrusted = [p for p in plans if p.entrusted_by is not None]
    for chunk in _chunks(entrusted, BATCH):
        Agency.objects.bulk_create(
            [build(p, ids[(governments[p.division], p.entrusted_by)]) for p in chunk],
            ignore_conflicts=True,
        )
        bar.update(len(chunk))
    bar.close()
    ids = id_map()
    return Agency.objects.count() - before, [
        ids[(governments[p.division], p.name)] for p in plans
    ]


def officers_write(
    plans: Sequence[AgencyPlan],
    agency_ids: Sequence[int],
    *,
    total: int,
    username_prefix: str,
    rng: random.Random,
    progress: bool = False,
) -> int:
    """Create `total` officers spread over the agencies by weight; return how many were new.

    Each officer is a user with an unusable password (they are given credentials by their
    security administrator) and the officer role with the "self" data scope.
    """
    counts = allocate(total, [p.weight for p in plans])
    people: list[tuple[str, str, int]] = []
    serial = 0
    for agency_id, count in zip(agency_ids, counts, strict=True):
        for _ in range(count):
            serial += 1
            people.append((f"{username_prefix}{serial:06d}", person_name(rng), agency_id))
    # Unusable passwords: the "!" prefix plus random text, as make_password(None) makes them.
    passwords = [f"{UNUSABLE_PASSWORD_PREFIX}{rng.getrandbits(160):040x}" for _ in people]
    created = 0
    bar = _bar(len(people), "officer", progress)
    for start in range(0, len(people), BATCH):
        chunk = people[start : start + BATCH]
        existing = set(
            User.objects.filter(username__in=[u for u, _, _ in chunk]).values_list(
                "username", flat=True
            )
        )
        users = [
            User(
                username=username,
                full_name=full_name,
                agency_id=agency_id,
                password=passwords[start + i],
            )
            for i, (username, full_name, agency_id) in enumerate(chunk)
            if username not in existing
        ]
        if users:
            User.objects.bulk_create(users, batch_size=BATCH)
            RoleAssignment.objects.bulk_create(
                [
                    RoleAssignment(
                        user_id=u.pk, role="officer", scope="self", agency_id=u.agency_id
                    )
                    for u in users
                ],
                batch_size=BATCH,
            )
            created += len(users)
        bar.update(len(chunk))
    bar.close()
    return created
