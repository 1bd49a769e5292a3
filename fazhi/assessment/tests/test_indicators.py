"""The 2015–2020 indicator set, its loader and the assessment periods."""

import datetime as dt
import io
import json
from decimal import Decimal
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command

from fazhi.assessment import services
from fazhi.assessment.models import Indicator, IndicatorSet, Period
from fazhi.assessment.services import indicator_set_load, period_ensure_year

DATA = settings.FAZHI_DATA_DIR / "indicators" / "outline-2015-2020.json"

# Rulebook §7.1: the outline's 7 main tasks plus organisational guarantee, in order.
ASPECTS = [
    "依法全面履行政府职能",
    "完善依法行政制度体系",
    "推进行政决策科学化、民主化、法治化",
    "坚持严格规范公正文明执法",
    "强化对行政权力的制约和监督",
    "依法有效化解社会矛盾纠纷",
    "全面提高政府工作人员法治思维和依法行政能力",
    "组织保障和落实机制",
]


def test_top_level_is_the_eight_aspects_of_the_outline(indicators):
    roots = Indicator.objects.get_root_nodes()
    assert [(n.code, n.name, n.level) for n in roots] == [
        (f"A{i}", name, "aspect") for i, name in enumerate(ASPECTS, 1)
    ]
    assert IndicatorSet.objects.get().is_current


def test_measures_are_the_outlines_forty_plus_part_eight(indicators):
    measures = Indicator.objects.filter(level="measure")
    roots = Indicator.objects.get_root_nodes()
    per_aspect = [Indicator.objects.get_children_count(r) for r in roots]
    assert per_aspect == [8, 5, 6, 6, 6, 5, 4, 5]
    assert measures.count() == 45
    assert measures.filter(sub_platform="").count() == 0
    assert Indicator.objects.get(code="A6.M2.O1").name == "行政复议纠错率"
    assert Indicator.objects.get_parent(Indicator.objects.get(code="A6.M2.O1")).code == "A6.M2"


def test_weights_add_up_to_one_hundred_and_down_the_tree(indicators):
    roots = list(Indicator.objects.get_root_nodes())
    assert sum(r.weight for r in roots) == Decimal(100)
    for root in roots:
        assert sum(m.weight for m in Indicator.objects.get_children(root)) == root.weight, root.code
        for measure in Indicator.objects.get_children(root):
            outcomes = list(Indicator.objects.get_children(measure))
            assert sum((o.weight for o in outcomes), Decimal(0)) <= measure.weight


def test_loading_twice_changes_nothing(indicators):
    before = list(Indicator.objects.order_by("path").values_list("path", "code", "weight"))
    out = io.StringIO()
    with mock.patch.object(services, "audit_record") as audit:
        call_command("load_indicators", stdout=out)
    audit.assert_not_called()
    assert "0 created, 0 updated, 75 unchanged" in out.getvalue()
    assert list(Indicator.objects.order_by("path").values_list("path", "code", "weight")) == before


def test_loading_changed_data_updates_in_place(indicators):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["indicators"][0]["children"][0]["weight"] = "2.5"
    node_id = Indicator.objects.get(code="A1.M1").pk
    result = indicator_set_load(data=data)
    assert (result.created, result.updated) == (0, 1)
    node = Indicator.objects.get(code="A1.M1")
    assert node.pk == node_id
    assert node.weight == Decimal("2.5")


@pytest.mark.django_db
def test_period_ensure_year_makes_the_year_and_four_quarters():
    year = period_ensure_year(year=2025)
    period_ensure_year(year=2025)
    assert (year.start, year.end, year.kind) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")
    quarters = Period.objects.filter(kind="quarter").order_by("start")
    assert [(q.code, q.start, q.end) for q in quarters] == [
        ("2025-q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("2025-q2", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("2025-q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("2025-q4", dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ]
    assert Period.objects.count() == 5


@pytest.mark.django_db
def test_period_labels_are_translated():
    from django.utils import translation

    period_ensure_year(year=2024)
    with translation.override("zh-hans"):
        assert Period.objects.get(code="2024").label == "2024年度"
        assert Period.objects.get(code="2024-q3").label == "2024年第3季度"
