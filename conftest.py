"""Shared fixtures: a small organisation tree and users of every scope.

Tree (real GB/T 2260 codes): 内蒙古自治区 150000 → 呼和浩特市 150100 → 新城区 150102;
                             150000 → 包头市 150200 → 东河区 150202.
Agencies: hohhot_market (150100), xincheng_market (150102), baotou_market (150200).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from fazhi.core.identifiers import credit_code_check_char


def make_credit_code(division_code: str, serial: int) -> str:
    """A well-formed, fictitious unified social credit code for a government organ (11…)."""
    body = f"11{division_code}{serial:08d}"[:16] + "X"
    first17 = body[:17]
    return first17 + credit_code_check_char(first17)


@dataclass
class OrgTree:
    region: Any
    hohhot: Any
    xincheng: Any
    baotou: Any
    donghe: Any
    hohhot_market: Any
    xincheng_market: Any
    baotou_market: Any


@pytest.fixture
def org_tree(db: Any) -> OrgTree:
    from fazhi.orgs.models import Agency, Division, Government, Sector

    tree = Division.objects
    region = tree.add_root({"code": "150000", "name": "内蒙古自治区", "level": "region"})
    hohhot = tree.add_child(region, {"code": "150100", "name": "呼和浩特市", "level": "prefecture"})
    region.refresh_from_db()
    baotou = tree.add_child(region, {"code": "150200", "name": "包头市", "level": "prefecture"})
    xincheng = tree.add_child(hohhot, {"code": "150102", "name": "新城区", "level": "county"})
    donghe = tree.add_child(baotou, {"code": "150202", "name": "东河区", "level": "county"})
    govs = {}
    for d in (region, hohhot, baotou, xincheng, donghe):
        d.refresh_from_db()
        govs[d.code] = Government.objects.create(division=d, name=f"{d.name}人民政府")
    market, _ = Sector.objects.get_or_create(code="market", defaults={"name": "市场监管"})

    def agency(code: str, name: str, serial: int) -> Any:
        return Agency.objects.create(
            name=name,
            credit_code=make_credit_code(code, serial),
            kind="statutory",
            sector=market,
            government=govs[code],
        )

    return OrgTree(
        region=region,
        hohhot=hohhot,
        xincheng=xincheng,
        baotou=baotou,
        donghe=donghe,
        hohhot_market=agency("150100", "呼和浩特市市场监督管理局", 1),
        xincheng_market=agency("150102", "新城区市场监督管理局", 2),
        baotou_market=agency("150200", "包头市市场监督管理局", 3),
    )


@pytest.fixture
def make_user(db: Any) -> Any:
    """make_user("alice", role="officer", scope="agency", agency=a) → a saved user."""
    from fazhi.accounts.models import RoleAssignment, User

    def _make(
        username: str,
        *,
        role: str = "",
        scope: str = "",
        agency: Any = None,
        division: Any = None,
        admin_role: str = "",
        password: str = "Fazhi-Test-2026!",  # noqa: S107 - a test fixture
    ) -> Any:
        user = User.objects.create_user(
            username=username,
            password=password,
            agency=agency,
            admin_role=admin_role,
            full_name=username,
        )
        if role:
            RoleAssignment.objects.create(
                user=user, role=role, scope=scope or "agency", agency=agency, division=division
            )
        return user

    return _make


# --- the legal library ---------------------------------------------------------------------------


def _load_all_laws() -> None:
    from django.conf import settings

    from fazhi.laws.models import Law
    from fazhi.laws.services import laws_load
    from fazhi.orgs.models import Sector
    from fazhi.orgs.services import sectors_load

    if Law.objects.count() >= 148:
        return
    if not Sector.objects.exists():
        sectors_load()
    laws_load(directory=Path(settings.FAZHI_DATA_DIR) / "laws")


@pytest.fixture(scope="module")
def _laws_module(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """All 148 texts (about 5 s), loaded once per test module inside a transaction that is rolled
    back when the module ends, so no other test sees them. Tests of such a module must not be
    transactional (they run in savepoints inside this transaction)."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            _load_all_laws()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def laws(_laws_module: None, db: Any) -> None:
    """The whole legal library, for tests that read it."""


@pytest.fixture(autouse=True)
def _close_badge_listener() -> Any:
    """A test that reached the badge verify cache outside a transaction (PostgreSQL) leaves a
    LISTEN connection open in this process; close it so the test database can be dropped."""
    yield
    from fazhi.enforcement.services import badge_cache

    badge_cache.cards.close()  # a no-op without a listener
