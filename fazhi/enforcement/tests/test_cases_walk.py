# ruff: noqa: F811 - the `world` fixture is imported
"""Happy paths of the case engine: the general procedure from clue to closing, with legal review
and a hearing, and the simple procedure on the spot (rulebook §1.5–1.7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import Step
from fazhi.enforcement.services.cases import (
    case_transitions_available,
    legal_review_record,
    legal_review_request,
)
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    FILED,
    at,
    move,
    open_case,
    to_investigated,
    world,
)

pytestmark = pytest.mark.django_db


def test_general_walk_with_review_hearing_and_discussion(world: Any) -> None:
    case = open_case(world, party=world.organisation)
    assert case.state == "clue"
    assert case.division_id == world.agency.government.division_id
    to_investigated(world, case)
    assert case.filed_on == FILED
    assert case.decision_due_on == date(2026, 6, 1)  # 31 May is a Sunday: rolls over (art. 60)
    # Revocation of a permit carries the hearing right (art. 63) and is major (§2.3).
    move(
        world,
        case,
        "notified",
        date(2026, 3, 23),
        data={"penalty_types": ["fine", "revoke_permit"], "fine_amount": "150000"},
    )
    assert case.hearing_offered
    assert case.is_major
    assert case.hearing_request_due_on == date(2026, 3, 30)
    move(world, case, "statement", date(2026, 3, 24))
    move(
        world,
        case,
        "hearing",
        date(2026, 3, 27),
        data={
            "hearing_requested_on": "2026-03-25",
            "hearing_notice_on": "2026-03-27",
            "hearing_on": "2026-04-08",
        },
    )
    move(world, case, "discussion", date(2026, 4, 9))
    review = legal_review_request(
        actor=world.officer_user, case=case, reviewer=world.reviewer, at=at(date(2026, 4, 9), 15)
    )
    assert case.state == "legal_review"
    legal_review_record(
        actor=world.reviewer,
        review=review,
        result="agree",
        opinion="同意",
        at=at(date(2026, 4, 10)),
    )
    move(world, case, "decided", date(2026, 4, 13))
    assert case.decided_on == date(2026, 4, 13)
    assert case.service_due_on == date(2026, 4, 22)  # 7 working days (art. 61)
    move(world, case, "served", date(2026, 4, 14))
    assert case.payment_due_on == date(2026, 4, 29)  # 15 days (art. 67)
    move(world, case, "executing", date(2026, 4, 15))
    move(world, case, "closed", date(2026, 4, 28), note="已缴纳罚款")
    assert case.state == "closed"
    codes = list(Step.objects.filter(case=case).values_list("code", flat=True))
    assert codes == [
        "open",
        "file",
        "investigate",
        "investigation_closed",
        "notify",
        "statement",
        "hearing",
        "discussion",
        "legal_review",
        "decide",
        "serve",
        "execute",
        "close",
    ]
    hearing = Step.objects.get(case=case, code="hearing")
    assert hearing.av_required
    assert hearing.basis == "《行政处罚法》第六十四条"
    assert (
        AuditEntry.objects.filter(
            action="enforcement.case.transition", target_id=str(case.pk)
        ).count()
        == 12
    )


def test_simple_walk_on_the_spot(world: Any) -> None:
    case = open_case(world, procedure="simple")
    move(
        world,
        case,
        "decided",
        date(2026, 3, 2),
        data={"penalty_types": ["fine"], "fine_amount": "200"},
    )
    assert case.service_due_on == date(2026, 3, 2)
    move(world, case, "served", date(2026, 3, 2))
    assert case.service_method == "on_the_spot"
    move(world, case, "executing", date(2026, 3, 2))
    move(world, case, "closed", date(2026, 3, 3))
    assert case.state == "closed"


def test_simple_warning_closes_after_service(world: Any) -> None:
    case = open_case(world, procedure="simple")
    move(world, case, "decided", date(2026, 3, 2), data={"penalty_types": ["warning"]})
    move(world, case, "served", date(2026, 3, 2))
    offered = {t.to: t.blocked_by for t in case_transitions_available(case, on=date(2026, 3, 2))}
    assert offered["closed"] == []
    assert offered["executing"] != []
    move(world, case, "closed", date(2026, 3, 2))
    assert case.state == "closed"
    assert case.fine_amount is None
    assert Decimal("0") not in (case.fine_amount,)
