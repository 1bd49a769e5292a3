from typing import Any

import pytest
from django.core.management import call_command

from fazhi.orgs.models import Division, Government, Sector
from fazhi.orgs.selectors import division_subtree

pytestmark = pytest.mark.django_db


def test_loads_the_116_divisions_with_levels_kinds_and_governments(divisions: Any) -> None:
    assert Division.objects.count() == 116
    assert Division.objects.filter(level="region").count() == 1
    assert Division.objects.filter(level="prefecture").count() == 12
    assert Division.objects.filter(level="county").count() == 103
    tumed = Division.objects.get(code="150121")
    assert (tumed.name, tumed.level, tumed.kind, tumed.depth) == (
        "土默特左旗",
        "county",
        "banner",
        3,
    )
    assert Division.objects.get_parent(tumed).code == "150100"
    assert Government.objects.count() == 116
    assert Government.objects.get(division__code="150000").name == "内蒙古自治区人民政府"
    assert Government.objects.get(division__code="152900").name == "阿拉善盟人民政府"
    assert Sector.objects.filter(code="comprehensive", name="综合行政执法").exists()
    assert Sector.objects.count() >= 20


def test_rerun_changes_nothing(divisions: Any, audit_calls: list) -> None:
    before = list(Division.objects.order_by("code").values_list("code", "path", "name", "numchild"))
    call_command("load_divisions", verbosity=0)
    after = list(Division.objects.order_by("code").values_list("code", "path", "name", "numchild"))
    assert after == before
    assert Government.objects.count() == 116
    assert audit_calls == []  # nothing written, nothing audited


def test_changed_name_is_updated_in_place_and_audited(divisions: Any, audit_calls: list) -> None:
    Division.objects.filter(code="150102").update(name="旧名")
    call_command("load_divisions", verbosity=0)
    assert Division.objects.get(code="150102").name == "新城区"
    assert [c["action"] for c in audit_calls] == ["orgs.division.load"]
    assert audit_calls[0]["detail"]["updated"] == 1


def test_division_and_below_is_one_prefix_query(
    divisions: Any, django_assert_num_queries: Any
) -> None:
    hohhot = Division.objects.get(code="150100")
    with django_assert_num_queries(1) as ctx:
        codes = {d.code for d in division_subtree(hohhot)}
    assert "LIKE" in ctx.captured_queries[0]["sql"].upper()
    assert len(codes) == 10  # the city, 4 districts, 4 counties and 1 banner
    assert "150121" in codes
    assert "150200" not in codes
