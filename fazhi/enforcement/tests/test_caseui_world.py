"""A small enforcement world for the case-page tests (fixtures only; no tests here).

Xincheng market (agency A) has two officers with valid certificates, one whose certificate has
expired, one auxiliary; a leader, a legal reviewer and an officer user. Baotou market (agency B)
has its own officer, authority item and case, which nobody in A may see.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from fazhi.enforcement.tests.conftest import make_resident_id

_serial = itertools.count(500)


@dataclass
class CaseWorld:
    org: Any
    officer_user: Any  # officer of A, linked to officer `lead`
    second_user: Any  # officer of A, linked to officer `second`
    leader: Any
    reviewer: Any
    other_user: Any  # officer of B
    supervisor: Any  # Hohhot division supervisor (sees A, not B)
    lead: Any
    second: Any
    expired: Any
    auxiliary: Any
    other_officer: Any
    item: Any
    other_item: Any
    extra: dict[str, Any] = field(default_factory=dict)


def add_certificate(officer: Any, sector: Any, *, issued: date, expires: date,
                    state: str = "active") -> Any:
    from fazhi.enforcement.models import Certificate

    return Certificate.objects.create(
        officer=officer, number=f"1501{next(_serial):010d}", sector=sector, issued_on=issued,
        expires_on=expires, state=state,
    )


def make_officer_record(name: str, agency: Any, *, user: Any = None,
                        is_auxiliary: bool = False) -> Any:
    from fazhi.enforcement.models import Officer

    return Officer.objects.create(
        name=name, resident_id=make_resident_id(next(_serial)), agency=agency, user=user,
        is_auxiliary=is_auxiliary,
    )


def make_item(agency: Any, code: str, name: str, **kwargs: Any) -> Any:
    from fazhi.enforcement.models import AuthorityItem

    return AuthorityItem.objects.create(
        agency=agency, code=code, act_type=kwargs.pop("act_type", "penalty"), name=name,
        sector=agency.sector, penalty_types=kwargs.pop("penalty_types", ["warning", "fine"]),
        **kwargs,
    )


def make_case(agency: Any, n: int, **kwargs: Any) -> Any:
    """A bare case row (lists and scope tests do not need the services' life)."""
    from fazhi.enforcement.models import Case

    return Case.objects.create(
        number=kwargs.pop("number", f"T-{agency.pk}-{n:05d}"),
        agency=agency,
        division=agency.government.division,
        sector=agency.sector,
        act_type=kwargs.pop("act_type", "penalty"),
        procedure=kwargs.pop("procedure", "general"),
        title=kwargs.pop("title", f"案件{n}"),
        **kwargs,
    )


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def build_world(org_tree: Any, make_user: Any, sector: Any) -> CaseWorld:
    """The world; each test module wraps it in its own `world` fixture."""
    o = org_tree
    a, b = o.xincheng_market, o.baotou_market
    today = timezone.localdate()
    officer_user = make_user("caseui-officer", role="officer", scope="agency", agency=a)
    second_user = make_user("caseui-second", role="officer", scope="agency", agency=a)
    leader = make_user("caseui-leader", role="agency_leader", scope="agency", agency=a)
    reviewer = make_user("caseui-reviewer", role="legal_reviewer", scope="agency", agency=a)
    other_user = make_user("caseui-baotou", role="officer", scope="agency", agency=b)
    supervisor = make_user(
        "caseui-supervisor", role="supervisor", scope="division", division=o.hohhot, agency=None
    )
    valid = {"issued": today - timedelta(days=400), "expires": today + timedelta(days=1500)}
    lead = make_officer_record("李明", a, user=officer_user)
    second = make_officer_record("王芳", a, user=second_user)
    expired = make_officer_record("赵过期", a)
    auxiliary = make_officer_record("钱辅助", a, is_auxiliary=True)
    other_officer = make_officer_record("孙包头", b, user=other_user)
    for officer in (lead, second, other_officer):
        add_certificate(officer, sector, **valid)
    add_certificate(expired, sector, issued=today - timedelta(days=2000),
                    expires=today - timedelta(days=1))
    return CaseWorld(
        org=o, officer_user=officer_user, second_user=second_user, leader=leader,
        reviewer=reviewer, other_user=other_user, supervisor=supervisor, lead=lead,
        second=second, expired=expired, auxiliary=auxiliary, other_officer=other_officer,
        item=make_item(a, "XC-001", "对销售过期食品的行政处罚"),
        other_item=make_item(b, "BT-001", "包头事项BTONLY"),
    )


def advance(case: Any, actor: Any, *states: str, **data: Any) -> Any:
    """Move `case` through `states` with the case services (the same data on each step)."""
    from fazhi.enforcement.services.cases import case_transition

    for state in states:
        case_transition(actor=actor, case=case, to=state, data=data or None)
    return case
