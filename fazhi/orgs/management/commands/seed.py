"""manage.py seed --scale demo|region [--seed N]: a deterministic demo or full-scale region.

demo: the real 116 divisions, ~200 agencies, ~1,000 officers, one account per role, and score
entries for a ranking. region: 8,300 agencies and 127,000 officers (performance.md §2.1) with
bulk inserts and a progress bar on stderr. Running it twice creates nothing the second time.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from fazhi.orgs.models import Division
from fazhi.orgs.seeding.accounts import DEMO_PASSWORD, DemoLogin
from fazhi.orgs.seeding.run import seed_run
from fazhi.orgs.seeding.scores import demo_scores_record

SCALES = {
    "demo": {"agencies": 0, "officers": 1000},  # demo agencies come from the demo plan
    "region": {"agencies": 8300, "officers": 127_000},
}


class Command(BaseCommand):
    help = "Seed a deterministic demo region (--scale demo) or the full region scale."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--agencies", type=int, help="override the number of agencies (region)")
        parser.add_argument("--officers", type=int, help="override the number of officers")
        parser.add_argument("--no-scores", action="store_true", help="skip demo score entries")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument("--no-enforcement", action="store_true",
                            help="skip the year of enforcement cases (fazhi.enforcement.seeding)")
        parser.add_argument("--cases", type=int,
                            help="override the penalty + coercion case count (region: 315,000)")
        parser.add_argument("--inspections", type=int,
                            help="override the inspection count (region: 2,000,000)")
        parser.add_argument("--no-steps", action="store_true",
                            help="write cases without their Step rows (7.9M at region scale)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._seed(**options)

    def _seed(self, **options: Any) -> None:
        scale, seed = options["scale"], options["seed"]
        started = time.perf_counter()
        enforcement = None
        # A region with overridden organisation counts is a partial region: it gets enforcement
        # only when case counts are asked for too (the full year is 2.3M acts).
        partial = scale == "region" and bool(options["agencies"] or options["officers"])
        asked = options["cases"] is not None or options["inspections"] is not None
        if not options["no_enforcement"] and (asked or not partial):
            from fazhi.enforcement.seeding import ENFORCEMENT_SCALES, scale_with

            enforcement = scale_with(
                ENFORCEMENT_SCALES[scale], cases=options["cases"],
                inspections=options["inspections"], steps=False if options["no_steps"] else None,
            )
        if not Division.objects.exists():
            call_command("load_divisions", verbosity=0)
        result = seed_run(
            scale=scale,
            seed=seed,
            rng=random.Random(f"{scale}:{seed}"),  # noqa: S311 - reproducible fake data
            agencies=options["agencies"] or SCALES[scale]["agencies"],
            officers=options["officers"] or SCALES[scale]["officers"],
            progress=not options["no_progress"] and options["verbosity"] > 0,
            enforcement=enforcement,
            today=timezone.localdate(),
        )
        self.stdout.write(
            f"seed {scale} (seed {seed}): {result.planned_agencies} agencies planned, "
            f"{result.new_agencies} created; {result.planned_officers} officers planned, "
            f"{result.new_officers} created; {result.new_accounts} demo accounts created; "
            f"{time.perf_counter() - started:.1f} s"
        )
        if result.enforcement:
            rows = ", ".join(f"{k} {v:,}" for k, v in result.enforcement.items())
            self.stdout.write(f"enforcement created: {rows}")
        if scale == "demo" and not options["no_scores"]:
            score_rng = random.Random(f"scores:{seed}")  # noqa: S311 - reproducible fake data
            calls = demo_scores_record(score_rng, today=timezone.localdate())
            if calls is None:
                self.stderr.write("score ledger not available: no score entries seeded")
            else:
                self.stdout.write(f"score entries: {calls} pushed (already recorded ones are kept)")
        self._print_logins(result.logins)

    def _print_logins(self, logins: list[DemoLogin]) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号 / demo accounts — 密码 / password: {DEMO_PASSWORD}")
        for login in logins:
            self.stdout.write(f"  {login.username:<28} {login.role_label}  {login.where}")
        for login in logins:
            if login.otp_secret:
                self.stdout.write(
                    f"  {login.username} TOTP: {login.otp_secret}  {login.otpauth_url}"
                )
