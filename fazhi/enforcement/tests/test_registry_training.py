"""Recording an officer's training hours from the officer page (≥ 60 a year, national outline
2021–2025; rulebook §8): the leader of the officer's agency and the supervisor see the form and
record; other roles see none and get 403; a user of another league gets 404; bad input is a
Chinese form error that writes nothing; the year's total against the target updates; the
agency's hours export as a workbook, scoped."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fazhi.audit.models import AuditEntry
from fazhi.enforcement.models import TrainingRecord
from fazhi.enforcement.services import registry as services

pytestmark = pytest.mark.django_db

THIS_YEAR = timezone.localdate().year


@pytest.fixture
def registry(org_tree: Any, make_officer: Any, make_user: Any) -> Any:
    o = org_tree

    class R:
        pass

    r = R()
    r.org = o
    r.zhang = make_officer("张三", agency=o.xincheng_market)
    r.li = make_officer("李四", agency=o.xincheng_market)
    r.baotou = make_officer("赵包头", agency=o.baotou_market)
    r.supervisor = make_user("sup", role="supervisor", scope="region", agency=o.hohhot_market)
    r.hohhot_sup = make_user(
        "hsup", role="supervisor", scope="division", division=o.hohhot, agency=o.hohhot_market
    )
    r.leader = make_user("lead", role="agency_leader", scope="agency", agency=o.xincheng_market)
    r.officer_user = make_user("off", role="officer", scope="agency", agency=o.xincheng_market)
    r.reviewer = make_user("rev", role="legal_reviewer", scope="agency", agency=o.xincheng_market)
    # a leader of the Hohhot bureau whose grant covers the city: sees Xincheng's officers, but
    # does not employ them
    r.city_leader = make_user(
        "clead", role="agency_leader", scope="division", division=o.hohhot, agency=o.hohhot_market
    )
    r.baotou_leader = make_user(
        "blead", role="agency_leader", scope="agency", agency=o.baotou_market
    )
    return r


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(officer: Any) -> str:
    return reverse("enforcement:officer-detail", args=[officer.pk])


def _form(officer: Any) -> str:
    return reverse("enforcement:officer-training", args=[officer.pk])


def _total(html: str) -> str:
    """The year's total line of the officer page (id="training-total")."""
    return html.split('id="training-total"', 1)[1].split("</p>", 1)[0]


def _entries(officer: Any) -> list[AuditEntry]:
    return [
        e
        for e in AuditEntry.objects.filter(action="enforcement.training.record")
        if e.detail.get("officer") == officer.pk
    ]


@pytest.mark.parametrize("who", ["leader", "supervisor", "hohhot_sup"])
def test_allowed_users_record_training_and_the_total_updates(registry: Any, who: str) -> None:
    user = getattr(registry, who)
    client = client_for(user)
    page = client.get(_page(registry.zhang))
    assert page.context["training_form"] is not None
    html = page.content.decode()
    assert 'id="training-record"' in html
    assert f'action="{_form(registry.zhang)}"' in html
    assert f"{THIS_YEAR} 年：0 / 60 学时" in _total(html)

    response = client.post(
        _form(registry.zhang), {"year": THIS_YEAR, "hours": "42", "course": "行政处罚法专题培训"}
    )
    assert response.status_code == 302
    assert response["Location"] == _page(registry.zhang)
    record = TrainingRecord.objects.get(officer=registry.zhang)
    assert (record.year, record.hours, record.course) == (
        THIS_YEAR,
        Decimal("42"),
        "行政处罚法专题培训",
    )
    [entry] = _entries(registry.zhang)
    assert entry.actor == user
    assert entry.detail == {"officer": registry.zhang.pk, "year": THIS_YEAR, "hours": "42"}

    shown = client.get(_page(registry.zhang))
    assert "42 / 60" in " ".join(str(m) for m in shown.context["messages"])
    total = _total(shown.content.decode())
    assert "42 / 60 学时" in total
    assert 'data-met="0"' in total
    assert 'class="error"' in total  # highlighted below the target
    assert "尚缺 18 学时" in total

    client.post(
        _form(registry.zhang), {"year": THIS_YEAR, "hours": "18.5", "course": "执法文书制作"}
    )
    total = _total(client.get(_page(registry.zhang)).content.decode())
    assert "60.5 / 60 学时" in total
    assert 'data-met="1"' in total
    assert 'class="error"' not in total
    assert "已达标" in total
    assert len(_entries(registry.zhang)) == 2


def test_last_years_hours_count_for_last_year(registry: Any) -> None:
    client = client_for(registry.leader)
    client.post(_form(registry.zhang), {"year": THIS_YEAR - 1, "hours": "60", "course": "年度轮训"})
    response = client.get(_page(registry.zhang))
    years = {t.year: t for t in response.context["training"]}
    assert years[THIS_YEAR - 1].met
    assert years[THIS_YEAR].hours == 0
    assert "0 / 60 学时" in _total(response.content.decode())


@pytest.mark.parametrize("who", ["officer_user", "reviewer", "city_leader"])
def test_other_roles_see_no_form_and_are_refused(registry: Any, who: str) -> None:
    client = client_for(getattr(registry, who))
    page = client.get(_page(registry.zhang))
    assert page.status_code == 200  # they may read the officer page
    assert page.context["training_form"] is None
    assert 'id="training-record"' not in page.content.decode()
    assert client.get(_form(registry.zhang)).status_code == 403
    response = client.post(
        _form(registry.zhang), {"year": THIS_YEAR, "hours": "8", "course": "自学"}
    )
    assert response.status_code == 403
    assert not TrainingRecord.objects.exists()
    assert _entries(registry.zhang) == []


@pytest.mark.parametrize("who", ["baotou_leader", "hohhot_sup"])
def test_an_officer_of_another_league_is_404(registry: Any, who: str) -> None:
    """Baotou's leader on a Xincheng officer, Hohhot's supervisor on a Baotou officer."""
    officer = registry.zhang if who == "baotou_leader" else registry.baotou
    client = client_for(getattr(registry, who))
    assert client.get(_page(officer)).status_code == 404
    assert client.get(_form(officer)).status_code == 404
    response = client.post(_form(officer), {"year": THIS_YEAR, "hours": "8", "course": "自学"})
    assert response.status_code == 404
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("_case", "data", "field", "message"),
    [
        ("zero hours", {"hours": "0"}, "hours", "培训学时必须大于零"),
        ("negative hours", {"hours": "-4"}, "hours", "培训学时必须大于零"),
        ("above the sane bound", {"hours": "1000.5"}, "hours", "每条记录最多 1000 学时"),
        ("not a number", {"hours": "四十"}, "hours", "数字"),
        ("no hours", {"hours": ""}, "hours", "请填写培训学时"),
        ("next year", {"year": str(THIS_YEAR + 1)}, "year", "不能登记未来年度的培训"),
        ("before 2000", {"year": "1999"}, "year", "不能早于 2000 年"),
        ("no year", {"year": ""}, "year", "请填写培训年度"),
        ("no course", {"course": ""}, "course", "请填写培训课程"),
        ("blank course", {"course": "   "}, "course", "请填写培训课程"),
    ],
)
def test_bad_input_is_a_chinese_form_error_and_writes_nothing(
    registry: Any, _case: str, data: dict[str, str], field: str, message: str
) -> None:
    good = {"year": str(THIS_YEAR), "hours": "8", "course": "行政复议法"}
    response = client_for(registry.leader).post(_form(registry.zhang), {**good, **data})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, errors
    assert message in response.content.decode()
    assert not TrainingRecord.objects.exists()
    assert _entries(registry.zhang) == []


def test_the_upper_bound_itself_is_accepted(registry: Any) -> None:
    response = client_for(registry.leader).post(
        _form(registry.zhang), {"year": THIS_YEAR, "hours": "1000", "course": "脱产学习"}
    )
    assert response.status_code == 302
    assert TrainingRecord.objects.get().hours == 1000


def test_form_page_shows_the_years_total(registry: Any) -> None:
    services.training_record(
        actor=None, officer=registry.zhang, year=THIS_YEAR, hours=12, course="执法规范化"
    )
    response = client_for(registry.leader).get(_form(registry.zhang))
    assert response.status_code == 200
    html = response.content.decode()
    assert "12 / 60 学时" in _total(html)
    assert f'value="{THIS_YEAR}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_officer_page_budget_is_unchanged_by_the_form(
    registry: Any, django_assert_max_num_queries: Any
) -> None:
    """Same budget as test_registry_pages' officer page: the form and the total read nothing
    more (the total is one of the training years already read)."""
    for year in range(THIS_YEAR - 5, THIS_YEAR + 1):
        services.training_record(
            actor=None, officer=registry.zhang, year=year, hours=30, course="轮训"
        )
    client = client_for(registry.leader)
    client.get(_page(registry.zhang))
    with django_assert_max_num_queries(14):
        client.get(_page(registry.zhang))


# --- export --------------------------------------------------------------------------------------


def _rows(response: Any) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def test_training_export_of_an_agency_for_a_year(registry: Any) -> None:
    records = (
        (registry.zhang, THIS_YEAR, 40),
        (registry.zhang, THIS_YEAR, 25),
        (registry.zhang, THIS_YEAR - 1, 7),
        (registry.baotou, THIS_YEAR, 99),
    )
    for officer, year, hours in records:
        services.training_record(
            actor=None, officer=officer, year=year, hours=hours, course="年度轮训"
        )
    url = reverse("enforcement:registry-training-export")
    response = client_for(registry.supervisor).get(
        url, {"agency": registry.org.xincheng_market.pk, "year": THIS_YEAR}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="training-{THIS_YEAR}.xlsx"'
    header, *rows = _rows(response)
    assert header == ("机关", "姓名", "辅助人员", "年度", "学时", "年度目标", "尚缺")
    by_name = {r[1]: r for r in rows}
    assert set(by_name) == {"张三", "李四"}
    assert by_name["张三"][3:] == (THIS_YEAR, 65, 60, 0)
    assert by_name["李四"][3:] == (THIS_YEAR, 0, 60, 60)
    last_year = _rows(
        client_for(registry.supervisor).get(
            url, {"agency": registry.org.xincheng_market.pk, "year": THIS_YEAR - 1}
        )
    )
    assert {r[1]: r[4] for r in last_year[1:]}["张三"] == 7
    assert (
        AuditEntry.objects.filter(
            action="enforcement.registry.export", detail__what="training"
        ).count()
        == 2
    )


def test_training_export_is_scoped_and_rejects_odd_years(registry: Any) -> None:
    url = reverse("enforcement:registry-training-export")
    client = client_for(registry.leader)
    rows = _rows(client.get(url, {"year": "3000"}))
    assert rows[1][3] == THIS_YEAR  # a future or malformed year falls back to this year
    assert {r[1] for r in rows[1:]} == {"张三", "李四"}  # not Baotou's officer
    rows = _rows(client.get(url, {"agency": registry.org.baotou_market.pk}))
    assert rows[1:] == []


def test_export_links_on_the_list_and_agency_pages(registry: Any) -> None:
    from fazhi.enforcement.services.registry import subject_create

    subject_create(actor=None, agency=registry.org.xincheng_market)
    client = client_for(registry.leader)
    url = reverse("enforcement:registry-training-export")
    assert url in client.get(reverse("enforcement:officer-list")).content.decode()
    html = client.get(
        reverse("enforcement:subject-detail", args=[registry.org.xincheng_market.pk])
    ).content.decode()
    assert f'action="{url}"' in html
    assert f'value="{registry.org.xincheng_market.pk}"' in html
