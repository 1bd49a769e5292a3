"""Services and selectors of authority lists, benchmarks and first-violation lists (§10)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import AuthorityItem, DiscretionBenchmark
from fazhi.enforcement.selectors import authority as selectors
from fazhi.enforcement.services import authority as services

pytestmark = pytest.mark.django_db


def tiers(
    lighter: tuple[Any, Any] = (200, 740),
    ordinary: tuple[Any, Any] = (740, 1460),
    heavier: tuple[Any, Any] = (1460, 2000),
    mitigated: tuple[Any, Any] | None = None,
    review: bool = True,
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{"level": "no_penalty"}]
    if mitigated:
        rows.append({"level": "mitigated", "penalty_types": ["fine"], "fine_min": mitigated[0],
                     "fine_max": mitigated[1], "requires_legal_review": review})
    for level, (lo, hi) in (("lighter", lighter), ("ordinary", ordinary), ("heavier", heavier)):
        rows.append({"level": level, "penalty_types": ["fine"], "fine_min": lo, "fine_max": hi,
                     "circumstances": f"{level} 情节"})
    return rows


@pytest.fixture
def item(org_tree: Any) -> AuthorityItem:
    return services.authority_item_create(
        actor=None, agency=org_tree.xincheng_market, act_type="penalty",
        name="对超速行驶的行政处罚", violation_key="road-traffic-safety-law/art-99",
        penalty_types=["fine", "revoke_permit"], fine_min=D(200), fine_max=D(2000),
    )


def test_item_create_assigns_code_and_audits(item: AuthorityItem) -> None:
    assert item.code == "CF0001"
    assert item.sector is not None  # the agency's sector
    assert AuditEntry.objects.filter(
        action="enforcement.authority_item.create", target_id=str(item.pk)
    ).exists()


def test_item_refuses_min_above_max(org_tree: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.authority_item_create(
            actor=None, agency=org_tree.xincheng_market, act_type="penalty", name="x",
            fine_min=D(10), fine_max=D(5),
        )
    assert "fine_max" in exc.value.message_dict
    assert not AuthorityItem.objects.exists()


@pytest.mark.parametrize(
    ("case", "rows", "codes"),
    [
        ("at_max", tiers(heavier=(1460, "2000")), []),
        ("cent_above_max", tiers(heavier=(1460, "2000.01")), ["above_statutory_max"]),
        ("mitigated_with_review", tiers(mitigated=(0, 200)), []),
        ("mitigated_without_review", tiers(mitigated=(0, 200), review=False),
         ["mitigated_needs_review"]),
        ("lighter_below_min", tiers(lighter=("199.99", 740)), ["below_statutory_min"]),
        ("overlap", tiers(lighter=(200, 800)), ["overlap"]),
    ],
)
def test_benchmark_create_boundaries(
    item: AuthorityItem, case: str, rows: list[dict[str, Any]], codes: list[str]
) -> None:
    if not codes:
        benchmark = services.benchmark_create(
            actor=None, item=item, valid_from=date(2026, 1, 1), tiers=rows
        )
        assert benchmark.tiers.count() == len(rows), case
        return
    with pytest.raises(services.BenchmarkError) as exc:
        services.benchmark_create(actor=None, item=item, valid_from=date(2026, 1, 1), tiers=rows)
    assert [f.code for f in exc.value.findings] == codes, case
    assert not DiscretionBenchmark.objects.exists()


def test_publish_closes_previous_version_and_refuses_overlap(item: AuthorityItem) -> None:
    first = services.benchmark_create(actor=None, item=item, valid_from=date(2026, 1, 1),
                                      tiers=tiers())
    services.benchmark_publish(actor=None, benchmark=first)
    first.refresh_from_db()
    assert first.is_published
    assert first.published_at is not None
    second = services.benchmark_create(actor=None, item=item, valid_from=date(2026, 7, 1),
                                       tiers=tiers(lighter=(200, 600), ordinary=(600, 1460)))
    assert selectors.benchmark_in_force(item, date(2026, 7, 1)).pk == first.pk  # draft not used
    services.benchmark_publish(actor=None, benchmark=second)
    first.refresh_from_db()
    assert first.valid_to == date(2026, 6, 30)
    for day, expected in [
        (date(2025, 12, 31), None),
        (date(2026, 1, 1), first.pk),
        (date(2026, 6, 30), first.pk),
        (date(2026, 7, 1), second.pk),
        (date(2030, 1, 1), second.pk),
    ]:
        found = selectors.benchmark_in_force(item, day)
        assert (found.pk if found else None) == expected, day
    # a version starting before a published one would overlap it
    with pytest.raises(services.BenchmarkError) as exc:
        services.benchmark_create(actor=None, item=item, valid_from=date(2026, 3, 1),
                                  tiers=tiers())
    assert [f.code for f in exc.value.findings] == ["overlap_published"]
    with pytest.raises(services.BenchmarkError):
        services.benchmark_create(actor=None, item=item, valid_from=date(2026, 7, 1),
                                  tiers=tiers())


def test_published_benchmark_is_frozen(item: AuthorityItem) -> None:
    b = services.benchmark_create(actor=None, item=item, valid_from=date(2026, 1, 1),
                                  tiers=tiers())
    services.benchmark_publish(actor=None, benchmark=b)
    with pytest.raises(ValidationError):
        services.benchmark_update(actor=None, benchmark=b, tiers=tiers(lighter=(200, 500),
                                                                       ordinary=(500, 1460)))


def test_benchmark_in_force_tiers_ordered(item: AuthorityItem) -> None:
    rows = list(reversed(tiers(mitigated=(0, 200))))
    b = services.benchmark_create(actor=None, item=item, valid_from=date(2026, 1, 1), tiers=rows)
    services.benchmark_publish(actor=None, benchmark=b)
    found = selectors.benchmark_in_force(item.pk, date(2026, 2, 1))
    assert [t.level for t in found.tiers.all()] == [
        "no_penalty", "mitigated", "lighter", "ordinary", "heavier"
    ]


def test_only_managers_in_scope_may_edit(org_tree: Any, make_user: Any) -> None:
    o = org_tree
    leader = make_user("leader", role="agency_leader", scope="agency", agency=o.xincheng_market)
    officer = make_user("officer", role="officer", scope="agency", agency=o.xincheng_market)
    hohhot = make_user("hh", role="supervisor", scope="division", division=o.hohhot,
                       agency=o.hohhot_market)
    services.require_manager(leader, o.xincheng_market)
    services.require_manager(hohhot, o.xincheng_market)  # below Hohhot
    for user, agency in [(officer, o.xincheng_market), (leader, o.baotou_market),
                         (hohhot, o.baotou_market), (None, o.xincheng_market)]:
        with pytest.raises(PermissionDenied):
            services.require_manager(user, agency)


def test_first_violation_list_for_picks_nearest_region(org_tree: Any) -> None:
    o = org_tree
    market = o.xincheng_market.sector
    entries = [
        {"violation_key": "food-safety-law/art-126", "description": "未查验", "correction_days": 10}
    ]
    region_list = services.first_violation_list_create(
        actor=None, sector=market, name="全区", issuing_agency=None, region=o.region,
        valid_from=date(2026, 1, 1), entries=entries, lookback_days=365,
    )
    city_list = services.first_violation_list_create(
        actor=None, sector=market, name="呼和浩特", issuing_agency=o.hohhot_market,
        valid_from=date(2026, 1, 1), entries=entries,
    )
    day = date(2026, 3, 1)
    assert selectors.first_violation_list_for(market, o.xincheng, day) is None  # unpublished
    services.first_violation_list_publish(actor=None, fvl=region_list)
    services.first_violation_list_publish(actor=None, fvl=city_list)
    city_list.refresh_from_db()
    assert city_list.region == o.hohhot  # the issuer's division by default
    assert city_list.published_at is not None
    assert selectors.first_violation_list_for(market, o.xincheng, day).pk == city_list.pk
    assert selectors.first_violation_list_for("market", "150202", day).pk == region_list.pk
    assert selectors.first_violation_list_for(market, None, day) is None  # no region-wide list
    assert selectors.first_violation_list_for(market, o.xincheng, date(2025, 12, 31)) is None
    found = selectors.first_violation_list_for(market.pk, "150102", day)
    assert [e.violation_key for e in found.entries.all()] == ["food-safety-law/art-126"]
    assert found.lookback_days == 730


def test_first_violation_list_refuses_bad_input(org_tree: Any) -> None:
    market = org_tree.xincheng_market.sector
    dup = [{"violation_key": "a/art-1"}, {"violation_key": "a/art-1"}]
    with pytest.raises(ValidationError):
        services.first_violation_list_create(actor=None, sector=market, name="x",
                                             valid_from=date(2026, 1, 1), entries=dup)
    with pytest.raises(ValidationError):
        services.first_violation_list_create(actor=None, sector=market, name="x",
                                             valid_from=date(2026, 1, 1), lookback_days=0)
    empty = services.first_violation_list_create(actor=None, sector=market, name="x",
                                                 valid_from=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        services.first_violation_list_publish(actor=None, fvl=empty)


def test_benchmark_in_force_prefers_the_nearest_region(org_tree: Any, item: AuthorityItem) -> None:
    o = org_tree
    day = date(2026, 3, 1)
    versions = {}
    for name, region, start in [("none", None, date(2025, 1, 1)), ("region", o.region,
                                date(2025, 6, 1)), ("district", o.xincheng, date(2025, 2, 1)),
                                ("baotou", o.baotou, date(2026, 1, 1))]:
        b = services.benchmark_create(actor=None, item=item, valid_from=start, tiers=tiers(),
                                      region=region)
        versions[name] = services.benchmark_publish(actor=None, benchmark=b)
    # Xincheng's own version wins over the region's and the national one; Baotou's never applies
    assert selectors.benchmark_in_force(item, day).pk == versions["district"].pk
    assert selectors.benchmark_in_force(item, date(2025, 1, 15)).pk == versions["none"].pk
    assert [b.pk for b in selectors.benchmark_versions_published(item)] == [
        versions[n].pk for n in ("baotou", "region", "district", "none")
    ]


def test_published_selectors_for_the_portal(item: AuthorityItem) -> None:
    assert not selectors.authority_items_published().exists()
    services.authority_item_publish(actor=None, item=item)
    draft = services.benchmark_create(actor=None, item=item, valid_from=date(2026, 1, 1),
                                      tiers=tiers())
    (found,) = selectors.authority_items_published({"sector": "market"})
    assert list(found.benchmarks.all()) == []  # drafts stay private
    services.benchmark_publish(actor=None, benchmark=draft)
    (found,) = selectors.authority_items_published({"q": "超速"})
    assert [b.pk for b in found.benchmarks.all()] == [draft.pk]
    assert not selectors.first_violation_lists_published().exists()


def test_benchmark_update_keeps_what_it_is_not_given(item: AuthorityItem) -> None:
    b = services.benchmark_create(actor=None, item=item, valid_from=date(2026, 1, 1),
                                  valid_to=date(2026, 12, 31), tiers=tiers())
    b = services.benchmark_update(actor=None, benchmark=b, issuing_body="新城区市场监管局")
    assert (b.valid_from, b.valid_to) == (date(2026, 1, 1), date(2026, 12, 31))
    assert b.tiers.count() == 4
    b = services.benchmark_update(actor=None, benchmark=b, valid_to=None,
                                  tiers=tiers(lighter=(200, 500), ordinary=(500, 1460)))
    assert b.valid_to is None
    assert b.tiers.get(level="lighter").fine_max == D(500)
    with pytest.raises(services.BenchmarkError):
        services.benchmark_update(actor=None, benchmark=b, valid_to=date(2025, 1, 1))
