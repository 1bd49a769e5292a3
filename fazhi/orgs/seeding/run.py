"""One seed run: plan, bulk writes and demo accounts in one transaction, with one audit entry."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fazhi.audit.services import audit_record
from fazhi.orgs.seeding.accounts import DemoLogin, demo_accounts_ensure
from fazhi.orgs.seeding.plan import demo_plan, region_plan
from fazhi.orgs.seeding.writer import agencies_write, division_rows, officers_write


@dataclass
class SeedResult:
    planned_agencies: int
    new_agencies: int
    planned_officers: int
    new_officers: int
    new_accounts: int
    logins: list[DemoLogin] = field(default_factory=list)
    enforcement: dict[str, int] = field(default_factory=dict)  # rows created per table


def seed_run(
    *, scale: str, seed: int, rng: random.Random, agencies: int, officers: int, progress: bool,
    enforcement: Any = None, today: date | None = None,
) -> SeedResult:
    """Write the seed; audit one summary entry when anything was created (not one per row).

    `enforcement` (an `enforcement.seeding.EnforcementScale`, or None for none) adds a period of
    enforcement ending `today` over the seeded agencies (fazhi.enforcement.seeding)."""
    rows = division_rows()
    plans = demo_plan(rows, rng) if scale == "demo" else region_plan(rows, rng, agencies)
    with transaction.atomic():
        new_agencies, agency_ids = agencies_write(plans, progress=progress)
        new_officers = officers_write(
            plans, agency_ids, total=officers, rng=rng, progress=progress,
            username_prefix=f"{'officer' if scale == 'region' else 'demo'}.{seed}.",
        )
        new_accounts, logins = demo_accounts_ensure(rng)
        created: dict[str, int] = {}
        if enforcement is not None and scale == "demo":
            from fazhi.enforcement.seeding import enforcement_seed

            created = enforcement_seed(
                scale=enforcement, seed=seed, today=today or timezone.localdate(),
                progress=progress, agency_ids=agency_ids, focus_username="demo_officer",
            )
        if new_agencies or new_officers or new_accounts or any(created.values()):
            audit_record(
                actor=None,
                action="orgs.seed.run",
                detail={
                    "scale": scale, "seed": seed, "agencies": new_agencies,
                    "officers": new_officers, "accounts": new_accounts,
                    **({"enforcement": created} if any(created.values()) else {}),
                },
            )
    if enforcement is not None and scale != "demo":
        # A year of region-scale enforcement commits batch by batch (fazhi.enforcement.seeding),
        # so a long run that is interrupted keeps what it wrote; one more summary audit entry.
        from fazhi.enforcement.seeding import enforcement_seed

        created = enforcement_seed(
            scale=enforcement, seed=seed, today=today or timezone.localdate(),
            progress=progress, agency_ids=agency_ids,
        )
        if any(created.values()):
            audit_record(
                actor=None, action="orgs.seed.run",
                detail={"scale": scale, "seed": seed, "enforcement": created},
            )
    return SeedResult(
        len(plans), new_agencies, officers, new_officers, new_accounts, logins, created
    )
