"""One seed run: plan, bulk writes and demo accounts in one transaction, with one audit entry."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from django.db import transaction

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


def seed_run(
    *, scale: str, seed: int, rng: random.Random, agencies: int, officers: int, progress: bool
) -> SeedResult:
    """Write the seed; audit one summary entry when anything was created (not one per row)."""
    rows = division_rows()
    plans = demo_plan(rows, rng) if scale == "demo" else region_plan(rows, rng, agencies)
    with transaction.atomic():
        new_agencies, agency_ids = agencies_write(plans, progress=progress)
        new_officers = officers_write(
            plans, agency_ids, total=officers, rng=rng, progress=progress,
            username_prefix=f"{'officer' if scale == 'region' else 'demo'}.{seed}.",
        )
        new_accounts, logins = demo_accounts_ensure(rng)
        if new_agencies or new_officers or new_accounts:
            audit_record(
                actor=None,
                action="orgs.seed.run",
                detail={
                    "scale": scale, "seed": seed, "agencies": new_agencies,
                    "officers": new_officers, "accounts": new_accounts,
                },
            )
    return SeedResult(len(plans), new_agencies, officers, new_officers, new_accounts, logins)
