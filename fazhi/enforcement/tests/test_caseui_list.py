"""The case list (issue 4 §4; performance.md: region-scale lists): scope, filters, newest first,
keyset pages without COUNT, CSV/Excel export capped, query count independent of page size."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fazhi.enforcement.models import Case, Party
from fazhi.enforcement.tests.test_caseui_world import (
    CaseWorld,
    build_world,
    client_of,
    make_case,
)
from fazhi.enforcement.views import cases as views

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org_tree: Any, make_user: Any, sector: Any) -> CaseWorld:
    return build_world(org_tree, make_user, sector)
URL = "/enforcement/cases/"


def _numbers(response: Any) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [c.number for c in response.context["window"].rows]


def _spread(cases: list[Case]) -> None:
    """Distinct creation times, one minute apart, the last created the newest."""
    base = timezone.now() - timedelta(days=1)
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(created_at=base + timedelta(minutes=i))


def test_url_names() -> None:
    assert reverse("enforcement:case-list") == URL
    assert reverse("enforcement:case-create") == "/enforcement/cases/new/"
    assert reverse("enforcement:case-detail", args=[7]) == "/enforcement/cases/7/"


def test_scope_agency_staff_see_their_agency_supervisors_their_division(world: CaseWorld) -> None:
    a, b = world.org.xincheng_market, world.org.baotou_market
    mine = make_case(a, 1, title="新城案件")
    theirs = make_case(b, 2, title="包头案件BTONLY")
    page = client_of(world.leader).get(URL)
    assert _numbers(page) == [mine.number]
    assert "BTONLY" not in page.content.decode()
    assert _numbers(client_of(world.supervisor).get(URL)) == [mine.number]
    assert _numbers(client_of(world.other_user).get(URL)) == [theirs.number]


def test_chinese_page_with_filters_for_a_supervisor(world: CaseWorld) -> None:
    make_case(world.org.xincheng_market, 1)
    html = client_of(world.supervisor).get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "执法案件" in html
    assert 'name="division"' in html
    assert 'name="agency"' in html
    staff = client_of(world.leader).get(URL).content.decode()
    assert 'name="division"' not in staff  # one agency: no division menu


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"state": "filed"}, ["F"]),
        ({"procedure": "simple"}, ["S"]),
        ({"act_type": "inspection"}, ["I"]),
        ({"q": "过期食品"}, ["P"]),  # part of the title
        ({"q": "150102-2026-00001-000002"}, ["F"]),  # a case number, looked up exactly
        ({"state": "no-such-state"}, ["P", "I", "S", "F", "C"]),  # invalid filter ignored
    ],
)
def test_filters(world: CaseWorld, params: dict[str, str], expected: list[str]) -> None:
    a = world.org.xincheng_market
    letters = {}
    rows = []
    for n, (letter, kwargs) in enumerate([
        ("C", {}), ("F", {"state": "filed"}), ("S", {"procedure": "simple"}),
        ("I", {"act_type": "inspection"}), ("P", {"title": "销售过期食品案"}),
    ], start=1):
        number = f"150102-2026-00001-{n:06d}"
        letters[number] = letter
        rows.append(make_case(a, n, number=number, **kwargs))
    _spread(rows)
    got = _numbers(client_of(world.leader).get(URL, params))
    assert [letters[n] for n in got] == expected


def test_date_range_and_division_agency_filters(world: CaseWorld) -> None:
    o = world.org
    old = make_case(o.xincheng_market, 1)
    new = make_case(o.hohhot_market, 2)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    day = (timezone.localdate() - timedelta(days=10)).isoformat()
    client = client_of(world.supervisor)
    assert _numbers(client.get(URL, {"date_from": day})) == [new.number]
    assert _numbers(client.get(URL, {"date_to": day})) == [old.number]
    assert _numbers(client.get(URL, {"division": "150102"})) == [old.number]
    assert _numbers(client.get(URL, {"agency": o.hohhot_market.pk})) == [new.number]


def test_keyset_pages_newest_first_without_count(world: CaseWorld, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 4)
    a = world.org.xincheng_market
    rows = [make_case(a, i) for i in range(10)]
    _spread(rows)
    newest_first = [c.number for c in reversed(rows)]
    client = client_of(world.leader)
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(URL)
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    assert _numbers(first) == newest_first[:4]
    window = first.context["window"]
    assert window.first
    assert not window.prev_cursor
    assert window.next_cursor
    second = client.get(URL, {"after": window.next_cursor})
    assert _numbers(second) == newest_first[4:8]
    third = client.get(URL, {"after": second.context["window"].next_cursor})
    assert _numbers(third) == newest_first[8:]
    assert third.context["window"].next_cursor == ""  # 2 rows < per_page + 1: no next page
    back = client.get(URL, {"before": third.context["window"].prev_cursor})
    assert _numbers(back) == newest_first[4:8]
    home = client.get(URL, {"before": back.context["window"].prev_cursor})
    assert _numbers(home) == newest_first[:4]
    assert home.context["window"].first
    assert _numbers(client.get(URL, {"after": "garbage"})) == newest_first[:4]


def test_exactly_one_page_has_no_next(world: CaseWorld, monkeypatch: Any) -> None:
    monkeypatch.setattr(views, "PER_PAGE", 3)
    _spread([make_case(world.org.xincheng_market, i) for i in range(3)])
    window = client_of(world.leader).get(URL).context["window"]
    assert len(window.rows) == 3
    assert window.next_cursor == ""


# Session, user, role assignments (navigation and scope share the cached list): 3; the
# supervisor's division subtree (the selector's), the page of
# cases with agency, party and sector joined, the agency menu, the division menu, the sector
# menu: 5.
LIST_BUDGET = 3 + 5  # 8: performance.md B7 asks ≤10 a page


@pytest.mark.parametrize("per_page", [5, 30])
def test_query_count_independent_of_page_size(
    world: CaseWorld, monkeypatch: Any, django_assert_max_num_queries: Any, per_page: int
) -> None:
    monkeypatch.setattr(views, "PER_PAGE", per_page)
    a = world.org.xincheng_market
    for i in range(35):
        party = Party.objects.create(kind="citizen", name=f"当事人{i}", id_number=f"P{i}")
        make_case(a, i, party=party)
    client = client_of(world.supervisor)  # the widest menus: divisions and agencies
    client.get(URL)  # warm the session
    with django_assert_max_num_queries(LIST_BUDGET):
        response = client.get(URL, {"state": "clue"})
    assert len(response.context["window"].rows) == per_page


def test_htmx_filter_returns_only_the_rows(world: CaseWorld) -> None:
    make_case(world.org.xincheng_market, 1)
    response = client_of(world.leader).get(URL, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html
    assert "<html" not in html


# --- export -------------------------------------------------------------------------------------


def test_csv_export_is_scoped_and_filtered(world: CaseWorld) -> None:
    a, b = world.org.xincheng_market, world.org.baotou_market
    make_case(a, 1, number="XC-A", state="filed")
    make_case(a, 2, number="XC-B")
    make_case(b, 3, number="BT-C", state="filed")
    response = client_of(world.leader).get(
        reverse("enforcement:case-export"), {"state": "filed", "format": "csv"}
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("案件编号") or lines[0].startswith("Case number")
    assert len(lines) == 2
    assert "XC-A" in lines[1]
    assert "BT-C" not in body


def test_xlsx_export_capped_with_a_note(world: CaseWorld, monkeypatch: Any) -> None:
    from openpyxl import load_workbook

    monkeypatch.setattr(views, "EXPORT_LIMIT", 3)
    a = world.org.xincheng_market
    _spread([make_case(a, i, title=f"=HYPERLINK(案{i})") for i in range(5)])
    response = client_of(world.leader).get(reverse("enforcement:case-export"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 + 1  # header, the 3 newest, the note
    assert rows[1][0] == f"T-{a.pk}-00004"
    assert rows[1][1].startswith("'=")  # formula neutralised
    assert "3" in rows[-1][0]


def test_export_query_count_independent_of_rows(
    world: CaseWorld, django_assert_max_num_queries: Any
) -> None:
    a = world.org.xincheng_market
    for i in range(40):
        party = Party.objects.create(kind="citizen", name=f"人{i}", id_number=f"E{i}")
        make_case(a, i, party=party)
    client = client_of(world.leader)
    client.get(URL)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("enforcement:case-export"), {"format": "xlsx"})
    assert response.status_code == 200
