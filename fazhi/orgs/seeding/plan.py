"""What to seed: the list of agencies per division, with their weights for officers.

Pure given the division rows and the random generator (no database), so the plan for a seed is
reproducible and testable.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from fazhi.orgs.reference import SECTOR_BY_CODE, SECTORS

REGION_PREFIX = "内蒙古自治区"
# Resident population in millions (7th census, 2020), rounded: weights for agencies and officers
# (performance.md §2.3: Hohhot, Baotou, Ordos, Chifeng, Tongliao large; Alxa, Wuhai small).
POPULATION = {
    "150100": 3.45, "150200": 2.71, "150300": 0.56, "150400": 4.04, "150500": 2.87,
    "150600": 2.15, "150700": 2.24, "150800": 1.54, "150900": 1.71, "152200": 1.42,
    "152500": 1.11, "152900": 0.26,
}
# Authorised enforcement units (法律法规授权组织) of the comprehensive-enforcement reform.
AUTHORIZED_UNITS = (
    ("market", "市场监管综合行政执法"),
    ("ecology", "生态环境保护综合行政执法"),
    ("transport", "交通运输综合行政执法"),
    ("agriculture", "农牧业综合行政执法"),
    ("culture_tourism", "文化市场综合行政执法"),
    ("emergency", "应急管理综合行政执法"),
)
UNIT_RANK = {"region": "总队", "prefecture": "支队", "county": "大队"}
DEMO_PREFECTURE_SECTORS = ("market", "comprehensive", "ecology", "transport", "justice")
# Township units: (sector, unit name after the town stem, kind, entrusting county bureau sector).
TOWNSHIP_UNITS = (
    ("public_security", "派出所", "authorized", None),
    ("market", "市场监督管理所", "authorized", None),
    ("comprehensive", "综合行政执法队", "entrusted", "comprehensive"),
    ("natural_resources", "自然资源所", "entrusted", "natural_resources"),
    ("justice", "司法所", "statutory", None),
)
# How much enforcement work (and how many officers) a sector carries, relative to market = 1.
SECTOR_LOAD = {
    "public_security": 3.0, "comprehensive": 1.6, "market": 1.0, "transport": 0.9,
    "ecology": 0.6, "agriculture": 0.6, "natural_resources": 0.6, "culture_tourism": 0.4,
    "emergency": 0.4, "forestry_grassland": 0.5, "health": 0.4, "housing": 0.4,
}


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    level: str  # region / prefecture / county
    parent: str | None


@dataclass
class AgencyPlan:
    division: str
    name: str
    kind: str
    sector: str
    entrusted_by: str | None = None  # name of the entrusting agency in the same division
    weight: float = 1.0  # relative number of officers


def _prefecture_of(row: DivisionRow) -> str:
    return row.code if row.level == "prefecture" else f"{row.code[:4]}00"


def _statutory(row: DivisionRow, sector: str) -> AgencyPlan:
    spec = SECTOR_BY_CODE[sector]
    if row.level == "region":
        name = REGION_PREFIX + spec.region_agency
    else:
        name = row.name + spec.local_agency
    return AgencyPlan(row.code, name, "statutory", sector)


def _authorized(row: DivisionRow, sector: str, unit: str) -> AgencyPlan:
    place = REGION_PREFIX if row.level == "region" else row.name
    return AgencyPlan(row.code, f"{place}{unit}{UNIT_RANK[row.level]}", "authorized", sector)


def demo_plan(rows: list[DivisionRow], rng: random.Random) -> list[AgencyPlan]:
    """About 200 agencies: every region department, five per league/city plus its transport
    enforcement unit, a market bureau in every banner/county, comprehensive-enforcement bureaus
    in some, and a few township teams entrusted by them."""
    from fazhi.orgs.seeding.names import town_names

    plans: list[AgencyPlan] = []
    for row in rows:
        if row.level == "region":
            plans += [_statutory(row, s.code) for s in SECTORS if s.region_agency]
            plans.append(_authorized(row, "market", "市场监管综合行政执法"))
        elif row.level == "prefecture":
            plans += [_statutory(row, s) for s in DEMO_PREFECTURE_SECTORS]
            plans.append(_authorized(row, "transport", "交通运输综合行政执法"))
        else:
            plans.append(_statutory(row, "market"))
            # Fixed places so the demo accounts and examples always exist.
            if row.code in ("150102", "150121") or rng.random() < 0.2:
                plans.append(_statutory(row, "comprehensive"))
                if row.code == "150102":
                    plans.append(_statutory(row, "justice"))
                if rng.random() < 0.35:
                    entruster = plans[-1] if plans[-1].sector == "comprehensive" else plans[-2]
                    (_, town), = town_names(rng, 1)
                    plans.append(AgencyPlan(
                        row.code, f"{town}综合行政执法队", "entrusted", "comprehensive",
                        entrusted_by=entruster.name,
                    ))
    _assign_weights(plans, rows, rng)
    return plans


def region_plan(rows: list[DivisionRow], rng: random.Random, total: int) -> list[AgencyPlan]:
    """`total` agencies: every sector at every level, the authorised enforcement units, and
    township units (police stations, market supervision offices, entrusted comprehensive teams…)
    spread over banners/counties by population with a Zipf-like tail."""
    from fazhi.orgs.seeding.names import town_names

    base: list[AgencyPlan] = []
    counties = [r for r in rows if r.level == "county"]
    for row in rows:
        base += [
            _statutory(row, s.code)
            for s in SECTORS
            if s.region_agency or row.level != "region"
        ]
        base += [_authorized(row, sector, unit) for sector, unit in AUTHORIZED_UNITS]
    if total <= len(base):
        chosen = sorted(rng.sample(range(len(base)), total))
        plans = [base[i] for i in chosen]
        _assign_weights(plans, rows, rng)
        return plans
    # County weight: prefecture population shared among its counties, times a Zipf-like factor.
    by_prefecture: dict[str, list[DivisionRow]] = {}
    for row in counties:
        by_prefecture.setdefault(_prefecture_of(row), []).append(row)
    county_weight: dict[str, float] = {}
    for prefecture, members in by_prefecture.items():
        order = members[:]
        rng.shuffle(order)
        zipf = [1 / (rank + 1) ** 0.6 for rank in range(len(order))]
        for row, z in zip(order, zipf, strict=True):
            county_weight[row.code] = POPULATION.get(prefecture, 1.0) * z / sum(zipf)
    remaining = total - len(base)
    per_town = len(TOWNSHIP_UNITS)
    towns_needed = -(-remaining // per_town)
    weight_sum = sum(county_weight.values())
    towns = {c: max(1, math.ceil(towns_needed * w / weight_sum)) for c, w in county_weight.items()}
    township: list[AgencyPlan] = []
    by_code = {r.code: r for r in counties}
    for code in sorted(towns):
        county = by_code[code]
        for stem, town in town_names(rng, towns[code]):
            for sector, unit, kind, entruster_sector in TOWNSHIP_UNITS:
                entruster = None
                if entruster_sector:
                    entruster = county.name + SECTOR_BY_CODE[entruster_sector].local_agency
                    name = f"{town}{unit}"
                else:
                    parent = SECTOR_BY_CODE[sector].local_agency
                    name = f"{county.name}{parent}{stem}{unit}"
                township.append(AgencyPlan(code, name, kind, sector, entrusted_by=entruster))
    rng.shuffle(township)
    plans = base + township[:remaining]
    _assign_weights(plans, rows, rng)
    return plans


def _assign_weights(plans: list[AgencyPlan], rows: list[DivisionRow], rng: random.Random) -> None:
    """Officers per agency ∝ population × sector load × level × a heavy-tailed (Pareto) factor."""
    by_code = {r.code: r for r in rows}
    level_factor = {"region": 1.5, "prefecture": 2.0, "county": 1.0}
    for plan in plans:
        row = by_code[plan.division]
        population = 2.0 if row.level == "region" else POPULATION.get(_prefecture_of(row), 1.0)
        township = 0.4 if plan.kind == "entrusted" or "所" in plan.name[-3:] else 1.0
        plan.weight = (
            population
            * SECTOR_LOAD.get(plan.sector, 0.3)
            * level_factor[row.level]
            * township
            * min(rng.paretovariate(1.8), 12.0)
        )


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
