"""Disclosure and documents driven by the real case services (h/cases): a decision publishes the
redacted case, a revoked decision withdraws it (art. 48), and the on-the-spot PDF is produced."""

from __future__ import annotations

from datetime import date
from typing import Any

from fazhi.enforcement.models import Disclosure
from fazhi.enforcement.tests.test_cases_fixtures import (  # noqa: F401 - fixtures
    at,
    move,
    open_case,
    world,
)


def test_decision_publishes_and_revocation_withdraws(world: Any) -> None:  # noqa: F811
    from fazhi.enforcement.services.cases import case_revoke_decision

    case = open_case(world, procedure="simple", day=date(2026, 3, 2))
    assert not Disclosure.objects.filter(case=case).exists()  # a clue is not disclosed
    case = move(world, case, "decided", date(2026, 3, 2),
                data={"penalty_types": ["fine"], "fine_amount": "200"})
    d = Disclosure.objects.get(case=case)
    assert d.state == "published"
    # 2 Mar 2026 (Mon) + 7 working days = 11 Mar 2026
    assert d.due_on == date(2026, 3, 11)
    if world.citizen.kind == "citizen":
        assert world.citizen.name not in d.party_name + d.facts + d.violation
    case_revoke_decision(actor=world.officer_user, case=case, reason="复议机关决定撤销",
                         at=at(date(2026, 3, 20)))
    d.refresh_from_db()
    assert d.state == "withdrawn"
    assert d.withdraw_due_on == date(2026, 3, 25)  # Fri 20 Mar + 3 working days
    assert "复议机关决定撤销" in d.withdraw_reason


def test_on_the_spot_pdf_for_a_real_simple_case(world: Any, laws: Any) -> None:  # noqa: F811
    import pytest
    from django.core.exceptions import ValidationError

    from fazhi.enforcement.models import AuthorityBasis
    from fazhi.enforcement.services.documents import document_generate
    from fazhi.enforcement.tests.test_documents_factories import make_provision

    case = open_case(world, procedure="simple", day=date(2026, 3, 2))
    case = move(world, case, "decided", date(2026, 3, 2),
                data={"penalty_types": ["fine"], "fine_amount": "200"})
    with pytest.raises(ValidationError) as refused:
        document_generate(actor=world.officer_user, case=case, kind="on_the_spot_decision")
    assert refused.value.messages == [
        "文书缺少法定内容：当事人的违法行为（第五十二条）",
        "文书缺少法定内容：行政处罚的种类和依据（第五十二条）",
        "文书缺少法定内容：作出处罚的时间、地点（第五十二条）",
    ]
    AuthorityBasis.objects.create(
        item=world.item, role="penalty",
        provision=make_provision("中华人民共和国食品安全法", 124),
    )
    case.facts, case.place = "未悬挂营业执照从事经营活动", "新城区中山路"
    case.save(update_fields=["facts", "place"])
    document = document_generate(actor=world.officer_user, case=case,
                                 kind="on_the_spot_decision")
    assert document.file.read().startswith(b"%PDF")
    assert document.number.endswith("号")
