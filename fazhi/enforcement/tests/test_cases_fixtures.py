"""Shared world for the case tests (and for the parts building on cases): an agency with two
certified officers, an auxiliary, a reviewer and a leader; a penalty item; parties; helpers that
drive a case along the general and the simple procedure.

Import the fixtures you need: ``from fazhi.enforcement.tests.test_cases_fixtures import world``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fazhi.enforcement.tests.conftest import make_resident_id

TZ = ZoneInfo("Asia/Shanghai")
ISSUED = date(2025, 1, 6)
EXPIRES = date(2030, 12, 31)


def company_credit_code(serial: int, division: str = "150102") -> str:
    """A well-formed, fictitious unified social credit code of a company (91…)."""
    from fazhi.core.identifiers import credit_code_check_char, organisation_code_check_char

    body = f"{serial:08d}"
    first17 = f"91{division}{body}{organisation_code_check_char(body)}"
    return first17 + credit_code_check_char(first17)


def at(day: date, hour: int = 10) -> datetime:
    """A moment on `day` in the platform time zone."""
    return datetime.combine(day, time(hour, 0), tzinfo=TZ)


def certify(officer: Any, sector: Any, number: str) -> Any:
    """Give `officer` an active certificate (through the registry services, rulebook §8)."""
    from fazhi.enforcement.services import registry

    cert = registry.certificate_apply(actor=None, officer=officer, sector=sector)
    registry.certificate_pass_exam(actor=None, certificate=cert)
    registry.certificate_issue(
        actor=None, certificate=cert, number=number, issued_on=ISSUED, expires_on=EXPIRES
    )
    return registry.certificate_activate(actor=None, certificate=cert)


@dataclass
class World:
    agency: Any
    other_agency: Any
    sector: Any
    officers: list[Any]
    auxiliary: Any
    officer_user: Any
    reviewer: Any
    leader: Any
    item: Any
    citizen: Any
    organisation: Any
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def world(org_tree: Any, make_officer: Any, make_user: Any, sector: Any) -> World:
    from fazhi.enforcement.models import AuthorityItem
    from fazhi.enforcement.services.cases import party_get_or_create
    from fazhi.orgs.models import Agency

    agency = org_tree.xincheng_market
    officer_user = make_user("officer1", role="officer", scope="self", agency=agency)
    a = make_officer("李明", agency=agency, user=officer_user)
    b = make_officer("王芳", agency=agency)
    c = make_officer("赵强", agency=agency)
    certify(a, sector, "15010200000001")
    certify(b, sector, "15010200000002")
    certify(c, sector, "15010200000003")
    aux = make_officer("协管员", agency=agency, is_auxiliary=True)
    reviewer = make_user("reviewer1", role="legal_reviewer", scope="agency", agency=agency)
    leader = make_user("leader1", role="agency_leader", scope="agency", agency=agency)
    item = AuthorityItem.objects.create(
        agency=agency,
        code="XC-P-001",
        act_type="penalty",
        name="未取得营业执照从事经营活动",
        sector=sector,
        violation_key="market:unlicensed",
        penalty_types=["warning", "fine", "confiscate_gains", "revoke_permit", "suspend_business"],
        fine_min=Decimal("0"),
        fine_max=Decimal("500000"),
    )
    citizen = party_get_or_create(
        actor=None,
        kind="citizen",
        name="张伟",
        id_number=make_resident_id(901, birth="19800101"),
        address="新城区某路1号",
    )
    organisation = party_get_or_create(
        actor=None,
        kind="organisation",
        name="呼和浩特某商贸有限公司",
        id_number=company_credit_code(77),
    )
    return World(
        agency=agency,
        other_agency=Agency.objects.get(pk=org_tree.baotou_market.pk),
        sector=sector,
        officers=[a, b, c],
        auxiliary=aux,
        officer_user=officer_user,
        reviewer=reviewer,
        leader=leader,
        item=item,
        citizen=citizen,
        organisation=organisation,
    )


def open_case(
    world: World,
    *,
    procedure: str = "general",
    party: Any = None,
    day: date = date(2026, 3, 2),
    **kw: Any,
) -> Any:
    from fazhi.enforcement.services.cases import case_open

    kw.setdefault("officers", world.officers[:2])
    kw.setdefault("authority_item", world.item)
    kw.setdefault("act_ended_on", date(2026, 2, 20))
    return case_open(
        actor=world.officer_user,
        agency=world.agency,
        act_type="penalty",
        procedure=procedure,
        title="无照经营案",
        party=party if party is not None else world.citizen,
        at=at(day),
        discovered_on=day,
        **kw,
    )


def move(world: World, case: Any, to: str, day: date, **kw: Any) -> Any:
    from fazhi.enforcement.services.cases import case_transition

    return case_transition(
        actor=world.officer_user, case=case, to=to, at=at(day, kw.pop("hour", 10)), **kw
    )


#: Days of the standard general walk (2026, calendar supported): filed Mon 2 March.
FILED = date(2026, 3, 2)


def to_investigated(world: World, case: Any) -> Any:
    move(world, case, "filed", FILED)
    move(world, case, "investigating", date(2026, 3, 3))
    return move(world, case, "investigated", date(2026, 3, 20))


def to_notified(
    world: World,
    case: Any,
    *,
    fine: str = "3000",
    types: tuple[str, ...] = ("fine",),
    day: date = date(2026, 3, 23),
    **data: Any,
) -> Any:
    to_investigated(world, case)
    payload = {"penalty_types": list(types), "fine_amount": fine, **data}
    return move(world, case, "notified", day, data=payload)
