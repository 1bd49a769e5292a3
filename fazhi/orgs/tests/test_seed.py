import io
import random
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from fazhi.accounts.models import ADMIN_ROLE_LABELS, RoleAssignment, User
from fazhi.accounts.rules.roles import AdminRole
from fazhi.core.identifiers import validate_credit_code
from fazhi.orgs.models import Agency
from fazhi.orgs.seeding.plan import allocate, region_plan
from fazhi.orgs.seeding.writer import division_rows

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    from fazhi.assessment.models import ScoreEntry

    return (
        Agency.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        TOTPDevice.objects.count(),
        ScoreEntry.objects.count(),
    )


def _seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_demo_seed_is_realistic_and_idempotent(audit_calls: list) -> None:
    output = _seed("--scale", "demo", "--seed", "7")
    first = _counts()
    agencies, _users, _roles, devices, scores = first
    assert 180 <= agencies <= 260
    assert User.objects.filter(username__startswith="demo.7.").count() == 1000
    assert devices == 3
    assert scores > 300
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    assert kinds["statutory"] > kinds["authorized"] > kinds["entrusted"] > 0
    for a in Agency.objects.filter(kind="entrusted"):
        assert a.entrusted_by.government_id == a.government_id
    names = set(Agency.objects.values_list("name", flat=True))
    assert {"呼和浩特市市场监督管理局", "土默特左旗综合行政执法局", "包头市生态环境局"} <= names
    for code in Agency.objects.values_list("credit_code", flat=True):
        assert validate_credit_code(code) == code
        assert code.startswith("1115")
    officer = User.objects.get(username="demo.7.000001")
    assert not officer.has_usable_password()
    assert officer.full_name
    assert officer.roles() == {"officer"}
    assert officer.role_assignments.get().scope == "self"
    sup = User.objects.get(username="demo_supervisor")
    assert sup.check_password("Fazhi@Demo2026")
    assert sup.agency.name == "内蒙古自治区司法厅"
    admin = User.objects.get(username="demo_audit_admin")
    assert admin.admin_role == "audit_admin"
    assert admin.agency is None
    assert not admin.roles()
    assert TOTPDevice.objects.get(user=admin).confirmed
    assert "demo_audit_admin" in output
    assert "otpauth://totp/" in output
    with translation.override("zh-hans"):  # the Chinese label once accounts' catalogue has it
        assert str(ADMIN_ROLE_LABELS[AdminRole.AUDIT]) in output
    assert "Fazhi@Demo2026" in output
    actions = [c["action"] for c in audit_calls]
    assert actions == ["orgs.division.load", "orgs.sector.load", "orgs.seed.run"]
    assert audit_calls[-1]["detail"]["officers"] == 1000

    _seed("--scale", "demo", "--seed", "7")
    assert _counts() == first
    assert len(audit_calls) == 3  # the second run created nothing, so it audited nothing


def test_demo_seed_is_deterministic_from_the_seed(divisions: Any) -> None:
    rows = division_rows()
    from fazhi.orgs.seeding.plan import demo_plan

    def names(seed: int) -> list[str]:
        return [p.name for p in demo_plan(rows, random.Random(seed))]

    assert names(1) == names(1)
    assert names(1) != names(2)


def test_region_seed_with_scale_override(audit_calls: list) -> None:
    output = _seed("--scale", "region", "--agencies", "3600", "--officers", "2000", "--no-scores")
    assert "3600 agencies planned, 3600 created" in output
    assert Agency.objects.count() == 3600
    assert User.objects.filter(username__startswith="officer.2026.").count() == 2000
    assert RoleAssignment.objects.filter(role="officer", scope="self").count() == 2000 + 1
    kinds = Counter(Agency.objects.values_list("kind", flat=True))
    assert kinds["entrusted"] > 0
    assert kinds["authorized"] > 0
    assert Agency.objects.filter(name__endswith="派出所").exists()
    _seed("--scale", "region", "--agencies", "3600", "--officers", "2000", "--no-scores")
    assert Agency.objects.count() == 3600
    assert User.objects.filter(username__startswith="officer.2026.").count() == 2000
    assert len([c for c in audit_calls if c["action"] == "orgs.seed.run"]) == 1


def test_region_plan_reaches_the_target_and_weights_by_population(divisions: Any) -> None:
    plans = region_plan(division_rows(), random.Random(1), 8300)
    assert len(plans) == 8300
    assert len({(p.division, p.name) for p in plans}) == 8300
    by_prefecture = Counter(p.division[:4] for p in plans)
    assert by_prefecture["1501"] > by_prefecture["1503"]  # Hohhot > Wuhai
    assert by_prefecture["1504"] > by_prefecture["1529"]  # Chifeng > Alxa
    officers = allocate(127_000, [p.weight for p in plans])
    assert sum(officers) == 127_000
    per_prefecture = Counter()
    for p, n in zip(plans, officers, strict=True):
        per_prefecture[p.division[:4]] += n
    assert per_prefecture["1502"] > 5 * per_prefecture["1529"]  # Baotou ≫ Alxa


def test_allocate_is_exact_and_proportional() -> None:
    assert allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert allocate(0, [1, 2]) == [0, 0]
    assert allocate(7, [0, 1]) == [0, 7]
