"""Enforcement subjects (APL arts. 17–21) and who may take which registry step."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import make_credit_code
from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models.registry import EnforcementSubject
from fazhi.enforcement.services.registry import (
    CERTIFICATE_ACTION_ROLES,
    may_certificate_action,
    may_import_officers,
    may_see_resident_ids,
    may_write_subjects,
    subject_create,
    subject_problems,
    subject_publish,
    subject_update,
)
from fazhi.orgs.models import Agency


@pytest.mark.parametrize(
    ("kind", "entruster", "document", "fields"),
    [
        ("statutory", None, "", set()),
        ("authorized", None, "", set()),
        ("statutory", None, "某委托书", {"entrustment_document"}),
        ("entrusted", 7, "呼市监委〔2024〕1号", set()),
        ("entrusted", None, "呼市监委〔2024〕1号", {"entrusted_by"}),
        ("entrusted", 7, "", {"entrustment_document"}),
        ("entrusted", 7, "   ", {"entrustment_document"}),
        ("entrusted", None, "", {"entrusted_by", "entrustment_document"}),
    ],
)
def test_subject_problems_art_20(kind: str, entruster: int | None, document: str,
                                 fields: set[str]) -> None:
    assert set(subject_problems(kind=kind, entrusted_by_id=entruster,
                                entrustment_document=document)) == fields


def _entrusted(org_tree: Any) -> Agency:
    return Agency.objects.create(
        name="新城区综合执法队", credit_code=make_credit_code("150102", 77), kind="entrusted",
        government=org_tree.xincheng_market.government, entrusted_by=org_tree.xincheng_market,
    )


def test_subject_create_statutory_with_audit(org_tree: Any, make_user: Any) -> None:
    actor = make_user("sup", role="supervisor", scope="region", agency=org_tree.hohhot_market)
    subject = subject_create(
        actor=actor, agency=org_tree.xincheng_market, qualification_basis="《行政处罚法》第十八条",
        domain="市场监管", area="新城区",
    )
    assert subject.pk == org_tree.xincheng_market.pk
    assert not subject.is_published
    entry = AuditEntry.objects.get(action="enforcement.subject.create")
    assert entry.target_id == str(subject.pk)
    with pytest.raises(ValidationError) as info:
        subject_create(actor=actor, agency=org_tree.xincheng_market)
    assert "agency" in info.value.message_dict


def test_entrusted_subject_needs_its_document(org_tree: Any) -> None:
    agency = _entrusted(org_tree)
    with pytest.raises(ValidationError) as info:
        subject_create(actor=None, agency=agency)
    assert set(info.value.message_dict) == {"entrustment_document"}
    assert not EnforcementSubject.objects.exists()
    subject = subject_create(actor=None, agency=agency, entrustment_document="新市监委〔2024〕3号")
    assert subject.entrustment_document == "新市监委〔2024〕3号"


def test_unknown_provision_key_is_refused(org_tree: Any) -> None:
    with pytest.raises(ValidationError) as info:
        subject_create(actor=None, agency=org_tree.xincheng_market,
                       basis_provisions=["no-such-law/art-1"])
    assert "no-such-law/art-1" in " ".join(info.value.message_dict["basis_provisions"])


def test_update_and_publish_and_withdraw(org_tree: Any) -> None:
    subject = subject_create(actor=None, agency=org_tree.xincheng_market)
    subject = subject_update(actor=None, subject=subject, data={"area": "新城区全域"})
    assert subject.area == "新城区全域"
    with pytest.raises(ValidationError):
        subject_update(actor=None, subject=subject, data={"is_published": True})
    from datetime import date

    subject = subject_publish(actor=None, subject=subject, on=date(2026, 3, 1))
    assert (subject.is_published, subject.published_on) == (True, date(2026, 3, 1))
    subject = subject_publish(actor=None, subject=subject, publish=False)
    assert (subject.is_published, subject.published_on) == (False, None)
    actions = list(AuditEntry.objects.filter(action__startswith="enforcement.subject")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["enforcement.subject.create", "enforcement.subject.update",
                       "enforcement.subject.publish", "enforcement.subject.withdraw"]


ROLE_TABLE = [
    # (role, apply, pass_exam, issue, activate, suspend, reinstate, revoke, cancel)
    ("supervisor", 1, 1, 1, 1, 1, 1, 1, 1),
    ("agency_leader", 1, 0, 0, 0, 1, 0, 0, 1),
    ("officer", 0, 0, 0, 0, 0, 0, 0, 0),
    ("legal_reviewer", 0, 0, 0, 0, 0, 0, 0, 0),
]


@pytest.mark.parametrize("row", ROLE_TABLE)
def test_certificate_step_roles(row: tuple, org_tree: Any, make_user: Any) -> None:
    role, *allowed = row
    user = make_user(f"u-{role}", role=role, scope="agency", agency=org_tree.xincheng_market)
    actions = list(CERTIFICATE_ACTION_ROLES)
    assert [int(may_certificate_action(user, a)) for a in actions] == allowed
    assert may_write_subjects(user) == (role == "supervisor")
    assert may_import_officers(user) == (role in {"supervisor", "agency_leader"})
    assert may_see_resident_ids(user) == (role in {"supervisor", "agency_leader"})


def test_administrators_and_anonymous_may_do_nothing(make_user: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    for user in (make_user("sys", admin_role="sys_admin"), AnonymousUser(), None):
        assert not any(may_certificate_action(user, a) for a in CERTIFICATE_ACTION_ROLES)
        assert not may_write_subjects(user)


def test_published_subjects_for_the_portal(org_tree: Any) -> None:
    from fazhi.enforcement.selectors.registry import subjects_published

    a = subject_create(actor=None, agency=org_tree.xincheng_market)
    subject_create(actor=None, agency=org_tree.baotou_market)
    assert list(subjects_published()) == []
    subject_publish(actor=None, subject=a)
    assert [s.pk for s in subjects_published()] == [org_tree.xincheng_market.pk]


def test_published_certificates_for_the_portal(org_tree: Any, make_officer: Any,
                                               sector: Any) -> None:
    from fazhi.enforcement.selectors.registry import certificates_published
    from fazhi.enforcement.tests.test_registry_pages import active_certificate

    subject = subject_create(actor=None, agency=org_tree.xincheng_market)
    zhang = make_officer("张三")
    active_certificate(zhang, sector, "150102-01-0001")
    other = make_officer("赵包头", agency=org_tree.baotou_market)
    active_certificate(other, sector, "150200-01-0001")
    assert list(certificates_published()) == []  # nothing published yet
    subject_publish(actor=None, subject=subject)
    rows = list(certificates_published())
    assert [(c.number, c.officer.name) for c in rows] == [("150102-01-0001", "张三")]
    assert "resident_id" in rows[0].officer.get_deferred_fields()
