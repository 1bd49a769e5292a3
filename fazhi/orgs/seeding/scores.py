"""Demo score entries so the ranking page shows a real ranking.

Calls the score ledger's public service (DESIGN.md §2: anyone may push scores through
`assessment.services`); the seeded governments and agencies are their own source records.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management import call_command

from fazhi.orgs.models import Agency, Government

SHANGHAI = ZoneInfo("Asia/Shanghai")
RULE = "seed.demo"


def demo_scores_record(rng: random.Random, *, today: date, per_target: int = 6) -> int | None:
    """Score every government and about one agency in four on a few leaf indicators of the
    current indicator set, dated in the current year up to `today`. Returns the number of
    score_record calls, or None when the score ledger is not installed."""
    try:
        from fazhi.assessment.models import Indicator
        from fazhi.assessment.services import score_record
    except ImportError:
        return None
    call_command("load_indicators", verbosity=0)
    leaves = list(
        Indicator.objects.filter(indicator_set__is_current=True, numchild=0).order_by("path")
    )
    if not leaves:
        return None
    # A stable strength per target so rankings differ by more than noise.
    targets: list[Government | Agency] = list(
        Government.objects.select_related("division").order_by("division__code")
    )
    agencies = list(Agency.objects.select_related("government").order_by("credit_code"))
    targets += [a for a in agencies if rng.random() < 0.25]
    start = date(today.year, 1, 1)
    span = max((today - start).days, 0)
    calls = 0
    for target in targets:
        strength = rng.uniform(0.4, 1.0)
        for indicator in rng.sample(leaves, min(per_target, len(leaves))):
            ceiling = float(indicator.weight) or 5.0
            points = Decimal(round(ceiling * strength * rng.uniform(0.6, 1.0) * 2) / 2)
            day = start.toordinal() + rng.randint(0, span)
            occurred = datetime.combine(date.fromordinal(day), time(10), tzinfo=SHANGHAI)
            score_record(
                target=target,
                indicator=indicator,
                points=points,
                source=target,
                rule=RULE,
                occurred_at=occurred,
                source_label=f"演示数据：{target.name}",
            )
            calls += 1
    return calls
