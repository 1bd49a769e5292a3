"""The alert list's summary (counts per rule, alerts opened per month) in one aggregate query,
with months counted in local time (Asia/Shanghai), not UTC."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from fazhi.enforcement.models.supervision import Alert
from fazhi.enforcement.rules.supervision import RULES
from fazhi.enforcement.selectors import supervision as sel
from fazhi.enforcement.services import supervision as svc
from fazhi.enforcement.tests.test_supervision_sweep import (  # noqa: F401 - fixtures
    NOW,
    TODAY,
    indicators,
    world,
    zoo,
)

pytestmark = pytest.mark.django_db

# 16:30 UTC on 31 October is 00:30 on 1 November in Beijing: a November alert.
OPENED = [
    datetime(2026, 10, 31, 16, 30, tzinfo=UTC),
    datetime(2026, 10, 31, 15, 59, tzinfo=UTC),  # 23:59 on 31 October, Beijing
    datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
    datetime(2025, 12, 1, 0, 0, tzinfo=UTC),  # 08:00 on 1 December 2025: the oldest month
    datetime(2025, 11, 30, 15, 59, tzinfo=UTC),  # 23:59 on 30 November 2025: outside
]


@pytest.mark.usefixtures("zoo", "indicators")
def test_summary_counts_rules_and_local_months(django_assert_num_queries):
    svc.alerts_sweep(today=TODAY, now=NOW)
    alerts = list(Alert.objects.order_by("pk"))
    assert len(alerts) >= len(OPENED)
    for alert, opened in zip(alerts, OPENED, strict=False):
        Alert.objects.filter(pk=alert.pk).update(opened_at=opened)

    with django_assert_num_queries(1):
        summary = sel.alert_summary(Alert.objects.all(), today=date(2026, 11, 29))

    assert summary.total == len(alerts)
    assert summary.by_rule == {
        r.code: Counter(a.rule for a in alerts)[r.code] for r in RULES
    }
    assert [m for m, _n in summary.by_month] == [
        "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
        "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11",
    ]
    expected = Counter(
        timezone.localtime(a.opened_at).strftime("%Y-%m")
        for a in Alert.objects.all()
    )
    assert dict(summary.by_month) == {m: expected.get(m, 0) for m, _n in summary.by_month}
    months = dict(summary.by_month)
    assert months["2025-12"] >= 1  # 08:00 on 1 December in Beijing
    assert months["2026-10"] >= 1  # 23:59 on 31 October in Beijing
    assert "2025-11" not in months
